//! Why a dataset could not be loaded.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use super::{IdxKind, MAX_IMAGE_PIXELS, MAX_PAYLOAD_BYTES};

/// Why a dataset could not be loaded. The [`Display`](fmt::Display) message
/// always starts with the path of the offending file (or directory).
///
/// For [`Io`](Self::Io) and [`CorruptGzip`](Self::CorruptGzip) the underlying
/// [`io::Error`] is the [`source`](std::error::Error::source) and is not repeated in the
/// message; print the whole chain to see it.
///
/// ```
/// use lognum_nn::data::{parse_idx, DataError, IdxKind};
/// use std::path::Path;
///
/// // The header promises 5 labels; only 1 follows.
/// let bytes = [0, 0, 8, 1, 0, 0, 0, 5, 1];
/// let err = parse_idx(&bytes[..], Path::new("short.idx"), IdxKind::Labels).unwrap_err();
/// assert!(matches!(err, DataError::TruncatedPayload { expected: 5, found: 1, .. }));
/// assert!(err.to_string().contains("short.idx"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// Opening or reading the file failed (not found, permission, I/O).
    #[error("{}: cannot read file", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: io::Error,
    },
    /// The file starts with the gzip magic but is not a valid gzip stream
    /// (bad deflate data, CRC mismatch, cut short, garbage after a member).
    #[error("{}: corrupt gzip stream", path.display())]
    CorruptGzip {
        /// The file.
        path: PathBuf,
        /// What the decompressor reported.
        source: io::Error,
    },
    /// Some of the four standard files are absent from a directory.
    #[error("{}: missing {}", dir.display(), missing_list(names))]
    Missing {
        /// The directory searched.
        dir: PathBuf,
        /// The missing base names; neither `name` nor `name.gz` exists.
        names: Vec<&'static str>,
    },
    /// The data ends inside the header (an empty file included).
    #[error("{}", truncated_header(path, *needed, *found))]
    TruncatedHeader {
        /// The file.
        path: PathBuf,
        /// Header bytes needed so far.
        needed: usize,
        /// Header bytes present.
        found: usize,
    },
    /// The first two bytes are not zero, so this is not an IDX file.
    #[error("{}: not an IDX file: magic 0x{magic:08X} does not start with two zero bytes", path.display())]
    NotIdx {
        /// The file.
        path: PathBuf,
        /// The first four bytes, big-endian.
        magic: u32,
    },
    /// The element type is not unsigned byte (`0x08`).
    #[error("{}: unsupported IDX element type 0x{type_code:02X} ({}); only u8 (0x08) is read", path.display(), type_name(*type_code))]
    UnsupportedType {
        /// The file.
        path: PathBuf,
        /// The type code found (third byte).
        type_code: u8,
    },
    /// The number of dimensions does not match the expected kind, e.g. a
    /// label file given where images are expected.
    #[error("{}: expected IDX {expected} (magic 0x{:08X}, {} dimension(s)), found {found} dimension(s)", path.display(), expected.magic(), expected.ndims())]
    WrongRank {
        /// The file.
        path: PathBuf,
        /// What the caller asked for.
        expected: IdxKind,
        /// The number of dimensions found (fourth byte).
        found: u8,
    },
    /// A dimension is zero.
    #[error("{}: IDX header has a zero dimension ({})", path.display(), Dims(dims))]
    ZeroDim {
        /// The file.
        path: PathBuf,
        /// All dimensions from the header.
        dims: Vec<u32>,
    },
    /// The dimensions multiply to more than [`MAX_PAYLOAD_BYTES`].
    #[error("{}: IDX header declares {} = {bytes} bytes, more than the limit of {MAX_PAYLOAD_BYTES}", path.display(), Dims(dims))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// All dimensions from the header.
        dims: Vec<u32>,
        /// Their product, exact.
        bytes: u128,
    },
    /// An image file declares images of more than [`MAX_IMAGE_PIXELS`]
    /// pixels each; refused from the header, before any data is read.
    #[error("{}: IDX header declares {rows}x{cols} images, more than the limit of {MAX_IMAGE_PIXELS} pixels per image", path.display())]
    ImageTooLarge {
        /// The file.
        path: PathBuf,
        /// Rows per image.
        rows: u32,
        /// Columns per image.
        cols: u32,
    },
    /// One of the four standard names exists but is not a readable regular
    /// file: a directory, a special file, or a link that cannot be
    /// followed (a loop, a dangling target).
    #[error("{}: {reason}", path.display())]
    NotAFile {
        /// The entry.
        path: PathBuf,
        /// What it is, e.g. `"is a directory"`.
        reason: String,
    },
    /// The data after the header is shorter than the header declares.
    #[error("{}: truncated IDX data: header declares {expected} bytes, found {found}", path.display())]
    TruncatedPayload {
        /// The file.
        path: PathBuf,
        /// Payload bytes declared.
        expected: u64,
        /// Payload bytes present.
        found: u64,
    },
    /// There are bytes after the declared payload.
    #[error("{}: trailing bytes after the {expected} bytes of data the IDX header declares", path.display())]
    TrailingBytes {
        /// The file.
        path: PathBuf,
        /// Payload bytes declared.
        expected: u64,
    },
    /// The image and label files hold different numbers of examples.
    #[error("{}: {label_count} labels, but {} holds {image_count} images", labels.display(), images.display())]
    CountMismatch {
        /// The image file.
        images: PathBuf,
        /// Number of images.
        image_count: usize,
        /// The label file.
        labels: PathBuf,
        /// Number of labels.
        label_count: usize,
    },
    /// A label is not below the number of classes.
    #[error("{}: label {label} at index {index} is not below the number of classes ({num_classes})", path.display())]
    LabelOutOfRange {
        /// The label file.
        path: PathBuf,
        /// Position of the first bad label.
        index: usize,
        /// Its value.
        label: u8,
        /// The number of classes.
        num_classes: usize,
    },
    /// The training and test images have different shapes.
    #[error("{}: test images are {}x{}, but training images in {} are {}x{}", test.display(), test_shape.0, test_shape.1, train.display(), train_shape.0, train_shape.1)]
    ShapeMismatch {
        /// The training image file.
        train: PathBuf,
        /// Its (rows, cols).
        train_shape: (usize, usize),
        /// The test image file.
        test: PathBuf,
        /// Its (rows, cols).
        test_shape: (usize, usize),
    },
    /// Parts given to [`Dataset::from_features`](super::Dataset::from_features)
    /// that do not make a dataset (shape, counts, labels, non-finite values).
    #[error("invalid dataset: {reason}")]
    Invalid {
        /// What is wrong.
        reason: String,
    },
}

impl DataError {
    /// The file (or, for [`Missing`](Self::Missing), the directory) the error
    /// is about; for errors about two files, the second one (labels, test
    /// images); `None` for [`Invalid`](Self::Invalid), which is about no
    /// file.
    ///
    /// ```
    /// use lognum_nn::data::{parse_idx, IdxKind};
    /// use std::path::Path;
    ///
    /// let err = parse_idx(&[][..], Path::new("empty.idx"), IdxKind::Labels).unwrap_err();
    /// assert_eq!(err.path(), Some(Path::new("empty.idx")));
    /// ```
    pub fn path(&self) -> Option<&Path> {
        Some(match self {
            DataError::Io { path, .. }
            | DataError::CorruptGzip { path, .. }
            | DataError::TruncatedHeader { path, .. }
            | DataError::NotIdx { path, .. }
            | DataError::UnsupportedType { path, .. }
            | DataError::WrongRank { path, .. }
            | DataError::ZeroDim { path, .. }
            | DataError::TooLarge { path, .. }
            | DataError::ImageTooLarge { path, .. }
            | DataError::NotAFile { path, .. }
            | DataError::TruncatedPayload { path, .. }
            | DataError::TrailingBytes { path, .. }
            | DataError::LabelOutOfRange { path, .. } => path,
            DataError::Missing { dir, .. } => dir,
            DataError::CountMismatch { labels, .. } => labels,
            DataError::ShapeMismatch { test, .. } => test,
            DataError::Invalid { .. } => return None,
        })
    }
}

/// Formats dimensions as `a x b x c`.
struct Dims<'a>(&'a [u32]);

impl fmt::Display for Dims<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" x ")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The name of an IDX element type code, for messages.
fn type_name(code: u8) -> &'static str {
    match code {
        0x08 => "u8",
        0x09 => "i8",
        0x0B => "i16",
        0x0C => "i32",
        0x0D => "f32",
        0x0E => "f64",
        _ => "not an IDX type",
    }
}

fn missing_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("{name} (or {name}.gz)"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn truncated_header(path: &Path, needed: usize, found: usize) -> String {
    if found == 0 {
        format!(
            "{}: empty file, expected an IDX header of at least {needed} bytes",
            path.display()
        )
    } else {
        format!(
            "{}: truncated IDX header: needs {needed} bytes, found {found}",
            path.display()
        )
    }
}
