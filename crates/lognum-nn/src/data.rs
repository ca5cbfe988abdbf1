//! Loading MNIST-style datasets from IDX files, and seeded mini-batches.
//!
//! # The IDX format
//!
//! An IDX file is a big-endian header followed by a dense array:
//!
//! ```text
//! offset  size     content
//! 0       2        0x00 0x00
//! 2       1        element type: 0x08 = unsigned byte (the only type read here)
//! 3       1        number of dimensions d
//! 4       4 * d    the dimensions, each a big-endian u32
//! 4 + 4d  product  the elements, row-major
//! ```
//!
//! Image files have magic `0x00000803` (bytes, 3-d: count × rows × cols) and
//! label files `0x00000801` (bytes, 1-d: count). Files may be stored plain or
//! gzip-compressed; gzip is recognised by its magic bytes `1f 8b`, not by the
//! file name, so a `.gz` that was already unpacked still loads.
//!
//! # What is checked
//!
//! The parser never panics and never trusts the header before checking it:
//!
//! - the magic number: two zero bytes, element type `0x08`, and the number of
//!   dimensions the caller expects ([`IdxKind`]);
//! - no dimension is zero;
//! - the payload size, the product of the dimensions computed without
//!   overflow, is at most [`MAX_PAYLOAD_BYTES`], *before* anything is
//!   allocated for it; memory is then reserved only as bytes actually arrive,
//!   so a short file cannot make the loader allocate what the header claims;
//! - the data after the header is exactly as long as the header says:
//!   a short file is [`DataError::TruncatedPayload`], extra bytes are
//!   [`DataError::TrailingBytes`];
//! - a gzip stream is intact (deflate data, CRC-32 and length trailer), else
//!   [`DataError::CorruptGzip`];
//! - for a [`Dataset`]: as many labels as images, every label below
//!   [`NUM_CLASSES`], and the same image shape in the training and test sets.
//!
//! Every [`DataError`] message names the file it is about.
//!
//! # Where the data lives
//!
//! - The 10 000-image MNIST subset used by the tests and the paper
//!   reproduction (8 000 training, 2 000 test images) lives in
//!   `shared/data/mnist-10k` beside the workspace root;
//!   [`find_mnist_subset`] finds it from the current directory, and the
//!   environment variable named by [`DATA_DIR_ENV`] (`LOGNUM_DATA`) overrides
//!   the search.
//! - Fashion-MNIST, where installed, is in [`FASHION_MNIST_DIR`].
//!
//! Both directories hold the four standard file names, see [`load_idx_dir`].
//!
//! # Mini-batches
//!
//! [`Batches`] walks a seeded permutation of the examples in batches; the
//! permutation depends only on the seed and the epoch number, so a run can be
//! resumed or reproduced exactly.
//!
//! ```
//! use lognum_nn::data::{find_mnist_subset, load_idx_dir};
//!
//! if let Some(dir) = find_mnist_subset() {
//!     let (train, test) = load_idx_dir(&dir)?;
//!     assert_eq!((train.rows(), train.cols()), (28, 28));
//!     let inputs: Vec<f32> = test.images_f32(); // pixels scaled to [0, 1]
//!     assert_eq!(inputs.len(), test.len() * 28 * 28);
//!     for batch in train.batches(64, 42, 0).take(3) {
//!         let labels: Vec<u8> = batch.iter().map(|&i| train.label(i)).collect();
//!         assert_eq!(labels.len(), 64);
//!     }
//! }
//! # Ok::<(), lognum_nn::data::DataError>(())
//! ```

use std::error::Error;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::iter::FusedIterator;
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use crate::rng::Rng;

/// Where Fashion-MNIST is installed on the machines this project runs on.
///
/// ```
/// use lognum_nn::data::{load_idx_dir, FASHION_MNIST_DIR};
/// use std::path::Path;
///
/// let dir = Path::new(FASHION_MNIST_DIR);
/// if dir.is_dir() {
///     let (train, _test) = load_idx_dir(dir)?;
///     assert_eq!(train.num_classes(), 10);
/// }
/// # Ok::<(), lognum_nn::data::DataError>(())
/// ```
pub const FASHION_MNIST_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// The MNIST subset's location relative to the directory that holds the
/// workspace (`<that dir>/shared/data/mnist-10k`); see [`find_mnist_subset`].
///
/// ```
/// use lognum_nn::data::MNIST_SUBSET_RELATIVE;
///
/// assert!(MNIST_SUBSET_RELATIVE.ends_with("mnist-10k"));
/// ```
pub const MNIST_SUBSET_RELATIVE: &str = "shared/data/mnist-10k";

/// Name of the environment variable that overrides [`find_mnist_subset`]:
/// `LOGNUM_DATA=/path/to/dir` makes it return that directory, which should
/// hold the four IDX files of [`load_idx_dir`].
///
/// ```
/// assert_eq!(lognum_nn::data::DATA_DIR_ENV, "LOGNUM_DATA");
/// ```
pub const DATA_DIR_ENV: &str = "LOGNUM_DATA";

/// Number of classes in MNIST and Fashion-MNIST; labels are `0..NUM_CLASSES`.
///
/// ```
/// assert_eq!(lognum_nn::data::NUM_CLASSES, 10);
/// ```
pub const NUM_CLASSES: usize = 10;

/// Largest payload an IDX file may declare: 2^31 bytes (2 GiB), about 45
/// times the full MNIST training set. Larger headers are rejected as absurd
/// before any memory is reserved.
///
/// ```
/// use lognum_nn::data::MAX_PAYLOAD_BYTES;
///
/// assert!(60_000 * 28 * 28 < MAX_PAYLOAD_BYTES);
/// ```
pub const MAX_PAYLOAD_BYTES: u64 = 1 << 31;

/// The gzip magic bytes.
const GZIP_MAGIC: [u8; 2] = [0x1F, 0x8B];
/// The IDX element type code for unsigned bytes.
const TYPE_U8: u8 = 0x08;
/// Initial buffer reservation when the input size is unknown (gzip, readers).
const UNKNOWN_SIZE_RESERVE: u64 = 1 << 20;

const TRAIN_IMAGES: &str = "train-images-idx3-ubyte";
const TRAIN_LABELS: &str = "train-labels-idx1-ubyte";
const TEST_IMAGES: &str = "t10k-images-idx3-ubyte";
const TEST_LABELS: &str = "t10k-labels-idx1-ubyte";

/// Which of the two IDX layouts a file must have.
///
/// ```
/// use lognum_nn::data::IdxKind;
///
/// assert_eq!(IdxKind::Images.magic(), 0x0000_0803);
/// assert_eq!(IdxKind::Labels.ndims(), 1);
/// assert_eq!(IdxKind::Labels.to_string(), "labels");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdxKind {
    /// Unsigned bytes, 3-d (count × rows × cols); magic `0x00000803`.
    Images,
    /// Unsigned bytes, 1-d (count); magic `0x00000801`.
    Labels,
}

impl IdxKind {
    /// The number of dimensions this kind has.
    ///
    /// ```
    /// use lognum_nn::data::IdxKind;
    ///
    /// assert_eq!(IdxKind::Images.ndims(), 3);
    /// ```
    pub const fn ndims(self) -> usize {
        match self {
            IdxKind::Images => 3,
            IdxKind::Labels => 1,
        }
    }

    /// The four magic bytes as a big-endian number: `0x0000_08_dd` with `dd`
    /// the number of dimensions.
    ///
    /// ```
    /// use lognum_nn::data::IdxKind;
    ///
    /// assert_eq!(IdxKind::Labels.magic(), 0x0000_0801);
    /// ```
    pub const fn magic(self) -> u32 {
        ((TYPE_U8 as u32) << 8) | self.ndims() as u32
    }
}

impl fmt::Display for IdxKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdxKind::Images => "images",
            IdxKind::Labels => "labels",
        })
    }
}

/// A checked IDX array of bytes: its dimensions and its row-major data.
///
/// Invariant: no dimension is zero and `data().len()` is the product of
/// `dims()`.
///
/// ```
/// use lognum_nn::data::{parse_idx, IdxKind};
/// use std::path::Path;
///
/// let bytes = [0, 0, 8, 1, 0, 0, 0, 2, 4, 2];
/// let labels = parse_idx(&bytes[..], Path::new("two.idx"), IdxKind::Labels)?;
/// assert_eq!(labels.dims(), &[2]);
/// assert_eq!(labels.into_data(), vec![4, 2]);
/// # Ok::<(), lognum_nn::data::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxArray {
    dims: Vec<usize>,
    data: Vec<u8>,
}

impl IdxArray {
    /// The dimensions, outermost first (for images: count, rows, cols).
    ///
    /// ```
    /// use lognum_nn::data::{parse_idx, IdxKind};
    /// use std::path::Path;
    ///
    /// let bytes = [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20];
    /// let images = parse_idx(&bytes[..], Path::new("one.idx"), IdxKind::Images)?;
    /// assert_eq!(images.dims(), &[1, 1, 2]);
    /// # Ok::<(), lognum_nn::data::DataError>(())
    /// ```
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// The elements, row-major.
    ///
    /// ```
    /// use lognum_nn::data::{parse_idx, IdxKind};
    /// use std::path::Path;
    ///
    /// let bytes = [0, 0, 8, 1, 0, 0, 0, 1, 7];
    /// let labels = parse_idx(&bytes[..], Path::new("one.idx"), IdxKind::Labels)?;
    /// assert_eq!(labels.data(), &[7]);
    /// # Ok::<(), lognum_nn::data::DataError>(())
    /// ```
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The elements, row-major, by value.
    ///
    /// ```
    /// use lognum_nn::data::{parse_idx, IdxKind};
    /// use std::path::Path;
    ///
    /// let bytes = [0, 0, 8, 1, 0, 0, 0, 1, 7];
    /// let labels = parse_idx(&bytes[..], Path::new("one.idx"), IdxKind::Labels)?;
    /// assert_eq!(labels.into_data(), vec![7]);
    /// # Ok::<(), lognum_nn::data::DataError>(())
    /// ```
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

/// Why a dataset could not be loaded. The [`Display`](fmt::Display) message
/// always starts with the path of the offending file (or directory).
///
/// For [`Io`](Self::Io) and [`CorruptGzip`](Self::CorruptGzip) the underlying
/// [`io::Error`] is the [`source`](Error::source) and is not repeated in the
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
#[derive(Debug)]
#[non_exhaustive]
pub enum DataError {
    /// Opening or reading the file failed (not found, permission, I/O).
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system reported.
        source: io::Error,
    },
    /// The file starts with the gzip magic but is not a valid gzip stream
    /// (bad deflate data, CRC mismatch, cut short, garbage after a member).
    CorruptGzip {
        /// The file.
        path: PathBuf,
        /// What the decompressor reported.
        source: io::Error,
    },
    /// Some of the four standard files are absent from a directory.
    Missing {
        /// The directory searched.
        dir: PathBuf,
        /// The missing base names; neither `name` nor `name.gz` exists.
        names: Vec<&'static str>,
    },
    /// The data ends inside the header (an empty file included).
    TruncatedHeader {
        /// The file.
        path: PathBuf,
        /// Header bytes needed so far.
        needed: usize,
        /// Header bytes present.
        found: usize,
    },
    /// The first two bytes are not zero, so this is not an IDX file.
    NotIdx {
        /// The file.
        path: PathBuf,
        /// The first four bytes, big-endian.
        magic: u32,
    },
    /// The element type is not unsigned byte (`0x08`).
    UnsupportedType {
        /// The file.
        path: PathBuf,
        /// The type code found (third byte).
        type_code: u8,
    },
    /// The number of dimensions does not match the expected kind, e.g. a
    /// label file given where images are expected.
    WrongRank {
        /// The file.
        path: PathBuf,
        /// What the caller asked for.
        expected: IdxKind,
        /// The number of dimensions found (fourth byte).
        found: u8,
    },
    /// A dimension is zero.
    ZeroDim {
        /// The file.
        path: PathBuf,
        /// All dimensions from the header.
        dims: Vec<u32>,
    },
    /// The dimensions multiply to more than [`MAX_PAYLOAD_BYTES`].
    TooLarge {
        /// The file.
        path: PathBuf,
        /// All dimensions from the header.
        dims: Vec<u32>,
        /// Their product, exact.
        bytes: u128,
    },
    /// The data after the header is shorter than the header declares.
    TruncatedPayload {
        /// The file.
        path: PathBuf,
        /// Payload bytes declared.
        expected: u64,
        /// Payload bytes present.
        found: u64,
    },
    /// There are bytes after the declared payload.
    TrailingBytes {
        /// The file.
        path: PathBuf,
        /// Payload bytes declared.
        expected: u64,
    },
    /// The image and label files hold different numbers of examples.
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
}

impl DataError {
    /// The file (or, for [`Missing`](Self::Missing), the directory) the error
    /// is about; for errors about two files, the second one (labels, test
    /// images).
    ///
    /// ```
    /// use lognum_nn::data::{parse_idx, IdxKind};
    /// use std::path::Path;
    ///
    /// let err = parse_idx(&[][..], Path::new("empty.idx"), IdxKind::Labels).unwrap_err();
    /// assert_eq!(err.path(), Path::new("empty.idx"));
    /// ```
    pub fn path(&self) -> &Path {
        match self {
            DataError::Io { path, .. }
            | DataError::CorruptGzip { path, .. }
            | DataError::TruncatedHeader { path, .. }
            | DataError::NotIdx { path, .. }
            | DataError::UnsupportedType { path, .. }
            | DataError::WrongRank { path, .. }
            | DataError::ZeroDim { path, .. }
            | DataError::TooLarge { path, .. }
            | DataError::TruncatedPayload { path, .. }
            | DataError::TrailingBytes { path, .. }
            | DataError::LabelOutOfRange { path, .. } => path,
            DataError::Missing { dir, .. } => dir,
            DataError::CountMismatch { labels, .. } => labels,
            DataError::ShapeMismatch { test, .. } => test,
        }
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

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::Io { path, .. } => write!(f, "{}: cannot read file", path.display()),
            DataError::CorruptGzip { path, .. } => {
                write!(f, "{}: corrupt gzip stream", path.display())
            }
            DataError::Missing { dir, names } => {
                write!(f, "{}: missing ", dir.display())?;
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name} (or {name}.gz)")?;
                }
                Ok(())
            }
            DataError::TruncatedHeader {
                path,
                needed,
                found: 0,
            } => write!(
                f,
                "{}: empty file, expected an IDX header of at least {needed} bytes",
                path.display()
            ),
            DataError::TruncatedHeader {
                path,
                needed,
                found,
            } => write!(
                f,
                "{}: truncated IDX header: needs {needed} bytes, found {found}",
                path.display()
            ),
            DataError::NotIdx { path, magic } => write!(
                f,
                "{}: not an IDX file: magic 0x{magic:08X} does not start with two zero bytes",
                path.display()
            ),
            DataError::UnsupportedType { path, type_code } => write!(
                f,
                "{}: unsupported IDX element type 0x{type_code:02X} ({}); only u8 (0x08) is read",
                path.display(),
                type_name(*type_code)
            ),
            DataError::WrongRank {
                path,
                expected,
                found,
            } => write!(
                f,
                "{}: expected IDX {expected} (magic 0x{:08X}, {} dimension(s)), found {found} dimension(s)",
                path.display(),
                expected.magic(),
                expected.ndims()
            ),
            DataError::ZeroDim { path, dims } => write!(
                f,
                "{}: IDX header has a zero dimension ({})",
                path.display(),
                Dims(dims)
            ),
            DataError::TooLarge { path, dims, bytes } => write!(
                f,
                "{}: IDX header declares {} = {bytes} bytes, more than the limit of {MAX_PAYLOAD_BYTES}",
                path.display(),
                Dims(dims)
            ),
            DataError::TruncatedPayload {
                path,
                expected,
                found,
            } => write!(
                f,
                "{}: truncated IDX data: header declares {expected} bytes, found {found}",
                path.display()
            ),
            DataError::TrailingBytes { path, expected } => write!(
                f,
                "{}: trailing bytes after the {expected} bytes of data the IDX header declares",
                path.display()
            ),
            DataError::CountMismatch {
                images,
                image_count,
                labels,
                label_count,
            } => write!(
                f,
                "{}: {label_count} labels, but {} holds {image_count} images",
                labels.display(),
                images.display()
            ),
            DataError::LabelOutOfRange {
                path,
                index,
                label,
                num_classes,
            } => write!(
                f,
                "{}: label {label} at index {index} is not below the number of classes ({num_classes})",
                path.display()
            ),
            DataError::ShapeMismatch {
                train,
                train_shape,
                test,
                test_shape,
            } => write!(
                f,
                "{}: test images are {}x{}, but training images in {} are {}x{}",
                test.display(),
                test_shape.0,
                test_shape.1,
                train.display(),
                train_shape.0,
                train_shape.1
            ),
        }
    }
}

impl Error for DataError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            DataError::Io { source, .. } | DataError::CorruptGzip { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Reads into `buf` until it is full or the input ends; returns the count.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// What the decoder needs to know to report errors and size its buffer.
struct Source<'a> {
    path: &'a Path,
    gzip: bool,
    /// Upper bound on the payload size, used only to size the first reservation.
    size_hint: u64,
}

impl Source<'_> {
    /// Classifies a read error: inside a gzip stream, invalid or cut-short
    /// data is corruption; anything else is plain I/O.
    fn io_error(&self, source: io::Error) -> DataError {
        let path = self.path.to_path_buf();
        let corrupt = matches!(
            source.kind(),
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
        );
        if self.gzip && corrupt {
            DataError::CorruptGzip { path, source }
        } else {
            DataError::Io { path, source }
        }
    }
}

/// Reads a whole IDX file of the given kind, plain or gzip-compressed.
///
/// `path` is used to open the file and in every error message.
///
/// ```
/// use lognum_nn::data::{find_mnist_subset, read_idx, IdxKind};
///
/// if let Some(dir) = find_mnist_subset() {
///     let labels = read_idx(&dir.join("t10k-labels-idx1-ubyte.gz"), IdxKind::Labels)?;
///     assert_eq!(labels.dims(), &[2000]);
/// }
/// # Ok::<(), lognum_nn::data::DataError>(())
/// ```
pub fn read_idx(path: &Path, kind: IdxKind) -> Result<IdxArray, DataError> {
    let io_error = |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_error)?;
    let file_len = file.metadata().map_err(io_error)?.len();
    decode(file, path, kind, Some(file_len))
}

/// Parses IDX data of the given kind from any reader, plain or
/// gzip-compressed; `source` names the data in error messages.
///
/// This is [`read_idx`] without the file system, for tests and in-memory data.
/// It never panics, whatever the bytes.
///
/// ```
/// use lognum_nn::data::{parse_idx, DataError, IdxKind};
/// use std::path::Path;
///
/// let mut bytes = vec![0, 0, 8, 1, 0, 0, 0, 3];
/// bytes.extend([7, 1, 9]);
/// let labels = parse_idx(&bytes[..], Path::new("mem.idx"), IdxKind::Labels)?;
/// assert_eq!(labels.data(), &[7, 1, 9]);
///
/// bytes.push(0); // one byte too many
/// let err = parse_idx(&bytes[..], Path::new("mem.idx"), IdxKind::Labels).unwrap_err();
/// assert!(matches!(err, DataError::TrailingBytes { .. }));
/// # Ok::<(), DataError>(())
/// ```
pub fn parse_idx<R: Read>(reader: R, source: &Path, kind: IdxKind) -> Result<IdxArray, DataError> {
    decode(reader, source, kind, None)
}

/// Detects gzip by its magic and decodes; `file_len`, when known, bounds the
/// first buffer reservation of uncompressed input.
fn decode<R: Read>(
    mut reader: R,
    path: &Path,
    kind: IdxKind,
    file_len: Option<u64>,
) -> Result<IdxArray, DataError> {
    let mut prefix = [0u8; 2];
    let plain = Source {
        path,
        gzip: false,
        size_hint: file_len.unwrap_or(UNKNOWN_SIZE_RESERVE),
    };
    let n = read_up_to(&mut reader, &mut prefix).map_err(|e| plain.io_error(e))?;
    let input = (&prefix[..n]).chain(reader);
    if prefix[..n] == GZIP_MAGIC {
        let gzip = Source {
            path,
            gzip: true,
            size_hint: UNKNOWN_SIZE_RESERVE,
        };
        decode_idx(MultiGzDecoder::new(input), &gzip, kind)
    } else {
        decode_idx(input, &plain, kind)
    }
}

/// Parses and checks an uncompressed IDX stream.
fn decode_idx<R: Read>(mut r: R, src: &Source<'_>, kind: IdxKind) -> Result<IdxArray, DataError> {
    let path = || src.path.to_path_buf();

    let mut magic = [0u8; 4];
    let n = read_up_to(&mut r, &mut magic).map_err(|e| src.io_error(e))?;
    if n < magic.len() {
        return Err(DataError::TruncatedHeader {
            path: path(),
            needed: magic.len(),
            found: n,
        });
    }
    if magic[..2] != [0, 0] {
        return Err(DataError::NotIdx {
            path: path(),
            magic: u32::from_be_bytes(magic),
        });
    }
    if magic[2] != TYPE_U8 {
        return Err(DataError::UnsupportedType {
            path: path(),
            type_code: magic[2],
        });
    }
    if usize::from(magic[3]) != kind.ndims() {
        return Err(DataError::WrongRank {
            path: path(),
            expected: kind,
            found: magic[3],
        });
    }

    // At most 3 dimensions, so a fixed buffer.
    let mut dim_bytes = [0u8; 12];
    let dim_bytes = &mut dim_bytes[..4 * kind.ndims()];
    let n = read_up_to(&mut r, dim_bytes).map_err(|e| src.io_error(e))?;
    if n < dim_bytes.len() {
        return Err(DataError::TruncatedHeader {
            path: path(),
            needed: magic.len() + dim_bytes.len(),
            found: magic.len() + n,
        });
    }
    let dims: Vec<u32> = dim_bytes
        .chunks_exact(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    if dims.contains(&0) {
        return Err(DataError::ZeroDim { path: path(), dims });
    }
    // Three u32 factors fit in u128 without overflow.
    let bytes: u128 = dims.iter().map(|&d| u128::from(d)).product();
    if bytes > u128::from(MAX_PAYLOAD_BYTES) {
        return Err(DataError::TooLarge {
            path: path(),
            dims,
            bytes,
        });
    }
    // Checked above: bytes <= 2^31 fits u64 and, on every platform with at
    // least 32-bit pointers, usize.
    let expected = bytes as u64;

    // Reserve no more than the input can hold; the vector grows as bytes
    // actually arrive, so a lying header cannot force a large allocation.
    let reserve = usize::try_from(expected.min(src.size_hint)).unwrap_or(0);
    let mut data = Vec::with_capacity(reserve);
    // One byte past the payload tells trailing data from a clean end; for
    // gzip, reading to the end also verifies the CRC-32 trailer.
    r.take(expected + 1)
        .read_to_end(&mut data)
        .map_err(|e| src.io_error(e))?;
    let found = data.len() as u64;
    if found < expected {
        return Err(DataError::TruncatedPayload {
            path: path(),
            expected,
            found,
        });
    }
    if found > expected {
        return Err(DataError::TrailingBytes {
            path: path(),
            expected,
        });
    }
    Ok(IdxArray {
        dims: dims.iter().map(|&d| d as usize).collect(),
        data,
    })
}

/// A labelled image dataset: raw `u8` pixels, row-major, one image after the
/// other, with one label per image.
///
/// Invariants: `images().len() == len() * rows() * cols()`, `rows()` and
/// `cols()` are positive, and every label is below `num_classes()`.
///
/// Pixels stay raw bytes (a quarter of the memory of `f32`); convert them
/// with [`images_f32`](Self::images_f32), [`images_normalized`](Self::images_normalized)
/// or [`map_images`](Self::map_images).
///
/// ```
/// use lognum_nn::data::Dataset;
///
/// // Two 1x2 images with labels 3 and 1.
/// let ds = Dataset::new(vec![0, 255, 51, 102], 1, 2, vec![3, 1], 10);
/// assert_eq!(ds.len(), 2);
/// assert_eq!(ds.image(1), &[51, 102]);
/// assert_eq!(ds.label(0), 3);
/// assert_eq!(ds.images_f32(), vec![0.0, 1.0, 0.2, 0.4]);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Dataset {
    images: Vec<u8>,
    rows: usize,
    cols: usize,
    labels: Vec<u8>,
    num_classes: usize,
}

impl fmt::Debug for Dataset {
    /// A summary; the pixels themselves would be megabytes of output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dataset")
            .field("len", &self.len())
            .field("rows", &self.rows)
            .field("cols", &self.cols)
            .field("num_classes", &self.num_classes)
            .finish_non_exhaustive()
    }
}

impl Dataset {
    /// A dataset from its parts, for synthetic data and tests. Loaders check
    /// file contents and return [`DataError`]; this checks the caller.
    ///
    /// # Panics
    ///
    /// If `rows` or `cols` is zero, if `num_classes` is not in `1..=256`, if
    /// `images.len() != labels.len() * rows * cols`, or if a label is not below
    /// `num_classes`.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2, 3, 4], 2, 2, vec![0], 2);
    /// assert_eq!((ds.len(), ds.rows(), ds.cols()), (1, 2, 2));
    /// ```
    pub fn new(
        images: Vec<u8>,
        rows: usize,
        cols: usize,
        labels: Vec<u8>,
        num_classes: usize,
    ) -> Self {
        assert!(rows > 0 && cols > 0, "Dataset::new: zero-sized images");
        assert!(
            (1..=256).contains(&num_classes),
            "Dataset::new: num_classes {num_classes} is not in 1..=256"
        );
        let pixels = rows
            .checked_mul(cols)
            .and_then(|p| p.checked_mul(labels.len()));
        assert_eq!(
            pixels,
            Some(images.len()),
            "Dataset::new: {} labels of {rows}x{cols} images need that many pixels, got {}",
            labels.len(),
            images.len()
        );
        if let Some(i) = labels.iter().position(|&l| usize::from(l) >= num_classes) {
            panic!(
                "Dataset::new: label {} at index {i} is not below num_classes {num_classes}",
                labels[i]
            );
        }
        Dataset {
            images,
            rows,
            cols,
            labels,
            num_classes,
        }
    }

    /// Loads an image file and its label file (each plain or gzip), with
    /// [`NUM_CLASSES`] classes, checking that the counts agree and every label
    /// is in range.
    ///
    /// ```
    /// use lognum_nn::data::{find_mnist_subset, Dataset};
    ///
    /// if let Some(dir) = find_mnist_subset() {
    ///     let test = Dataset::load(
    ///         &dir.join("t10k-images-idx3-ubyte.gz"),
    ///         &dir.join("t10k-labels-idx1-ubyte.gz"),
    ///     )?;
    ///     assert_eq!(test.len(), 2000);
    /// }
    /// # Ok::<(), lognum_nn::data::DataError>(())
    /// ```
    pub fn load(images: &Path, labels: &Path) -> Result<Self, DataError> {
        let image_array = read_idx(images, IdxKind::Images)?;
        let label_array = read_idx(labels, IdxKind::Labels)?;
        let [count, rows, cols] = image_array.dims[..] else {
            unreachable!("read_idx(Images) returns exactly three dimensions")
        };
        let label_count = label_array.dims[0];
        if label_count != count {
            return Err(DataError::CountMismatch {
                images: images.to_path_buf(),
                image_count: count,
                labels: labels.to_path_buf(),
                label_count,
            });
        }
        let labels_data = label_array.into_data();
        if let Some(index) = labels_data
            .iter()
            .position(|&l| usize::from(l) >= NUM_CLASSES)
        {
            return Err(DataError::LabelOutOfRange {
                path: labels.to_path_buf(),
                index,
                label: labels_data[index],
                num_classes: NUM_CLASSES,
            });
        }
        Ok(Dataset {
            images: image_array.into_data(),
            rows,
            cols,
            labels: labels_data,
            num_classes: NUM_CLASSES,
        })
    }

    /// The number of examples.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert_eq!(Dataset::new(vec![9; 6], 1, 3, vec![0, 1], 2).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no examples.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert!(Dataset::new(vec![], 28, 28, vec![], 10).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Image height in pixels.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert_eq!(Dataset::new(vec![0; 6], 2, 3, vec![0], 1).rows(), 2);
    /// ```
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Image width in pixels.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert_eq!(Dataset::new(vec![0; 6], 2, 3, vec![0], 1).cols(), 3);
    /// ```
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Pixels per image, `rows() * cols()`: the input width of a dense model.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert_eq!(Dataset::new(vec![0; 6], 2, 3, vec![0], 1).image_len(), 6);
    /// ```
    pub fn image_len(&self) -> usize {
        self.rows * self.cols
    }

    /// The number of classes; labels are `0..num_classes()`.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert_eq!(Dataset::new(vec![0], 1, 1, vec![4], 10).num_classes(), 10);
    /// ```
    pub fn num_classes(&self) -> usize {
        self.num_classes
    }

    /// All pixels, `len() * image_len()` bytes, image after image.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2, 3, 4], 1, 2, vec![0, 0], 1);
    /// assert_eq!(ds.images(), &[1, 2, 3, 4]);
    /// ```
    pub fn images(&self) -> &[u8] {
        &self.images
    }

    /// All labels.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2], 1, 1, vec![5, 6], 10);
    /// assert_eq!(ds.labels(), &[5, 6]);
    /// ```
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// The pixels of example `index`.
    ///
    /// # Panics
    ///
    /// If `index >= len()`.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2, 3, 4], 1, 2, vec![0, 0], 1);
    /// assert_eq!(ds.image(1), &[3, 4]);
    /// ```
    pub fn image(&self, index: usize) -> &[u8] {
        assert!(
            index < self.len(),
            "Dataset::image: index {index} out of range"
        );
        let n = self.image_len();
        &self.images[index * n..(index + 1) * n]
    }

    /// The label of example `index`.
    ///
    /// # Panics
    ///
    /// If `index >= len()`.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2], 1, 1, vec![5, 6], 10);
    /// assert_eq!(ds.label(1), 6);
    /// ```
    pub fn label(&self, index: usize) -> u8 {
        self.labels[index]
    }

    /// Keeps the first `n` examples (all of them if `n >= len()`), for quick
    /// runs on part of the data.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2, 3], 1, 1, vec![0, 1, 2], 3).limit(2);
    /// assert_eq!(ds.labels(), &[0, 1]);
    /// assert_eq!(ds.images(), &[1, 2]);
    /// assert_eq!(ds.clone().limit(10), ds);
    /// ```
    #[must_use]
    pub fn limit(mut self, n: usize) -> Self {
        let n = n.min(self.len());
        self.labels.truncate(n);
        self.images.truncate(n * self.image_len());
        self
    }

    /// All pixels as `f32` in `[0, 1]`: `p / 255`, so 0 maps to 0.0 and 255
    /// to exactly 1.0.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![0, 51, 255], 1, 3, vec![0], 1);
    /// assert_eq!(ds.images_f32(), vec![0.0, 0.2, 1.0]);
    /// ```
    pub fn images_f32(&self) -> Vec<f32> {
        self.map_images(|p| f32::from(p) / 255.0)
    }

    /// All pixels as any number type `T`, scaled to `[0, 1]` as `p / 255`
    /// (computed in `f64`, then converted by [`FromPrimitive::from_f64`]).
    ///
    /// Returns `None` if `T` cannot represent one of the 256 values.
    ///
    /// [`FromPrimitive::from_f64`]: num_traits::FromPrimitive::from_f64
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![0, 255], 1, 2, vec![0], 1);
    /// assert_eq!(ds.images_normalized::<f64>(), Some(vec![0.0, 1.0]));
    /// // Integers cannot hold 0.2, but these values truncate to 0 and 1.
    /// assert_eq!(ds.images_normalized::<u8>(), Some(vec![0, 1]));
    /// ```
    pub fn images_normalized<T>(&self) -> Option<Vec<T>>
    where
        T: num_traits::FromPrimitive + Clone,
    {
        let table = (0..=u8::MAX)
            .map(|p| T::from_f64(f64::from(p) / 255.0))
            .collect::<Option<Vec<T>>>()?;
        Some(
            self.images
                .iter()
                .map(|&p| table[usize::from(p)].clone())
                .collect(),
        )
    }

    /// All pixels converted by `f`.
    ///
    /// `f` is called exactly 256 times, once per byte value in increasing
    /// order, and the results are looked up per pixel, so an expensive
    /// conversion (to a logarithmic number, say) costs nothing per pixel.
    /// This assumes `f` is a function of its argument alone.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![0, 128, 255], 1, 3, vec![0], 1);
    /// let centred: Vec<f64> = ds.map_images(|p| f64::from(p) / 255.0 - 0.5);
    /// assert_eq!(centred, vec![-0.5, 128.0 / 255.0 - 0.5, 0.5]);
    /// ```
    pub fn map_images<T: Clone>(&self, f: impl FnMut(u8) -> T) -> Vec<T> {
        let table: Vec<T> = (0..=u8::MAX).map(f).collect();
        self.images
            .iter()
            .map(|&p| table[usize::from(p)].clone())
            .collect()
    }

    /// Index batches over this dataset for one epoch; see [`Batches::new`].
    ///
    /// # Panics
    ///
    /// If `batch_size` is zero.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![0; 5], 1, 1, vec![0; 5], 1);
    /// let sizes: Vec<usize> = ds.batches(2, 7, 0).map(|b| b.len()).collect();
    /// assert_eq!(sizes, vec![2, 2, 1]);
    /// ```
    pub fn batches(&self, batch_size: usize, seed: u64, epoch: u64) -> Batches {
        Batches::new(self.len(), batch_size, seed, epoch)
    }
}

/// Loads the training and test sets from a directory holding the four
/// standard MNIST file names:
///
/// ```text
/// train-images-idx3-ubyte   train-labels-idx1-ubyte
/// t10k-images-idx3-ubyte    t10k-labels-idx1-ubyte
/// ```
///
/// each either plain or with a `.gz` suffix (the plain file wins if both
/// exist; the format is detected from the content either way). Returns
/// `(train, test)`. A missing file gives [`DataError::Missing`] listing every
/// absent name; the test images must have the training images' shape.
///
/// ```
/// use lognum_nn::data::{find_mnist_subset, load_idx_dir, DataError};
/// use std::path::Path;
///
/// if let Some(dir) = find_mnist_subset() {
///     let (train, test) = load_idx_dir(&dir)?;
///     assert_eq!((train.len(), test.len()), (8000, 2000));
/// }
/// let err = load_idx_dir(Path::new("/nonexistent")).unwrap_err();
/// assert!(err.to_string().contains("t10k-labels-idx1-ubyte"));
/// # Ok::<(), DataError>(())
/// ```
pub fn load_idx_dir(dir: &Path) -> Result<(Dataset, Dataset), DataError> {
    let names = [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS];
    let mut found = Vec::with_capacity(names.len());
    let mut missing = Vec::new();
    for name in names {
        let plain = dir.join(name);
        let gz = dir.join(format!("{name}.gz"));
        match [plain, gz].into_iter().find(|p| p.is_file()) {
            Some(path) => found.push(path),
            None => missing.push(name),
        }
    }
    let [train_images, train_labels, test_images, test_labels] = &found[..] else {
        return Err(DataError::Missing {
            dir: dir.to_path_buf(),
            names: missing,
        });
    };
    let train = Dataset::load(train_images, train_labels)?;
    let test = Dataset::load(test_images, test_labels)?;
    if (train.rows, train.cols) != (test.rows, test.cols) {
        return Err(DataError::ShapeMismatch {
            train: train_images.clone(),
            train_shape: (train.rows, train.cols),
            test: test_images.clone(),
            test_shape: (test.rows, test.cols),
        });
    }
    Ok((train, test))
}

/// Finds the MNIST subset directory (8 000 + 2 000 images).
///
/// If the environment variable `LOGNUM_DATA` ([`DATA_DIR_ENV`]) is set and
/// not empty, returns it as is, without looking further: an explicit choice
/// that turns out wrong should fail loudly in [`load_idx_dir`], not fall back
/// silently. Otherwise searches from the current directory as
/// [`find_mnist_subset_from`] does.
///
/// ```
/// use lognum_nn::data::find_mnist_subset;
///
/// // Within this workspace (tests, doctests, `cargo run`) it is found.
/// if let Some(dir) = find_mnist_subset() {
///     assert!(dir.ends_with("mnist-10k"));
/// }
/// ```
pub fn find_mnist_subset() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    find_mnist_subset_from(&std::env::current_dir().ok()?)
}

/// Searches `start` and its ancestors for the MNIST subset: for each
/// ancestor `a`, nearest first, tries `a/shared/data/mnist-10k` and then
/// `a/../shared/data/mnist-10k` (the layout where `shared` sits beside the
/// workspace), returning the first that is a directory, canonicalised.
/// Ignores `LOGNUM_DATA`.
///
/// ```
/// use lognum_nn::data::find_mnist_subset_from;
///
/// let here = std::env::current_dir().unwrap();
/// if let Some(dir) = find_mnist_subset_from(&here) {
///     assert!(dir.join("t10k-labels-idx1-ubyte.gz").is_file());
/// }
/// ```
pub fn find_mnist_subset_from(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .flat_map(|a| {
            [
                a.join(MNIST_SUBSET_RELATIVE),
                a.join("..").join(MNIST_SUBSET_RELATIVE),
            ]
        })
        .find(|candidate| candidate.is_dir())
        .map(|dir| dir.canonicalize().unwrap_or(dir))
}

/// Example indices for one epoch, in batches: an iterator over
/// `Vec<usize>`s that together hold every index in `0..len` exactly once.
///
/// The order is a uniformly random permutation drawn from
/// [`Rng::with_stream(seed, epoch)`](Rng::with_stream): the same seed and
/// epoch always give the same batches, and each epoch of a run gets a fresh
/// order. All batches have `batch_size` indices except possibly the last,
/// which holds the remaining `len % batch_size` when that is not zero; it is
/// included, not dropped, so every example is seen every epoch. An empty
/// dataset yields no batches.
///
/// ```
/// use lognum_nn::data::Batches;
///
/// let epoch0: Vec<Vec<usize>> = Batches::new(10, 4, 42, 0).collect();
/// assert_eq!(epoch0.iter().map(Vec::len).collect::<Vec<_>>(), vec![4, 4, 2]);
/// assert_eq!(epoch0, Batches::new(10, 4, 42, 0).collect::<Vec<_>>());
///
/// let mut all: Vec<usize> = epoch0.concat();
/// all.sort();
/// assert_eq!(all, (0..10).collect::<Vec<_>>());
/// ```
#[derive(Clone, Debug)]
pub struct Batches {
    order: Vec<usize>,
    batch_size: usize,
    next: usize,
}

impl Batches {
    /// Batches of `batch_size` over a shuffled `0..len` for `epoch`.
    ///
    /// # Panics
    ///
    /// If `batch_size` is zero.
    ///
    /// ```
    /// use lognum_nn::data::Batches;
    ///
    /// let b = Batches::new(100, 32, 1, 0);
    /// assert_eq!(b.len(), 4); // 32 + 32 + 32 + 4
    /// assert_ne!(b.order(), Batches::new(100, 32, 1, 1).order());
    /// ```
    pub fn new(len: usize, batch_size: usize, seed: u64, epoch: u64) -> Self {
        assert!(batch_size > 0, "Batches::new: batch_size must be positive");
        Batches {
            order: Rng::with_stream(seed, epoch).permutation(len),
            batch_size,
            next: 0,
        }
    }

    /// The whole epoch's permutation, including batches already yielded.
    ///
    /// ```
    /// use lognum_nn::data::Batches;
    ///
    /// let mut b = Batches::new(5, 2, 3, 0);
    /// let first = b.next().unwrap();
    /// assert_eq!(&b.order()[..2], &first[..]);
    /// ```
    pub fn order(&self) -> &[usize] {
        &self.order
    }
}

impl Iterator for Batches {
    type Item = Vec<usize>;

    fn next(&mut self) -> Option<Vec<usize>> {
        let rest = &self.order[self.next..];
        if rest.is_empty() {
            return None;
        }
        let batch = &rest[..self.batch_size.min(rest.len())];
        self.next += batch.len();
        Some(batch.to_vec())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.order.len() - self.next).div_ceil(self.batch_size);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Batches {}

impl FusedIterator for Batches {}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels_file(labels: &[u8]) -> Vec<u8> {
        let mut v = vec![0, 0, 8, 1];
        v.extend((labels.len() as u32).to_be_bytes());
        v.extend(labels);
        v
    }

    fn parse(bytes: &[u8], kind: IdxKind) -> Result<IdxArray, DataError> {
        parse_idx(bytes, Path::new("unit.idx"), kind)
    }

    #[test]
    fn parses_minimal_files() {
        let a = parse(&labels_file(&[3, 1, 4]), IdxKind::Labels).unwrap();
        assert_eq!((a.dims(), a.data()), (&[3][..], &[3, 1, 4][..]));

        let mut img = vec![0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1];
        img.extend([5, 6]);
        let a = parse(&img, IdxKind::Images).unwrap();
        assert_eq!((a.dims(), a.data()), (&[2, 1, 1][..], &[5, 6][..]));
    }

    #[test]
    fn header_errors_in_order() {
        let err = |b: &[u8]| parse(b, IdxKind::Labels).unwrap_err();
        assert!(matches!(
            err(&[]),
            DataError::TruncatedHeader {
                needed: 4,
                found: 0,
                ..
            }
        ));
        assert!(matches!(
            err(&[0, 0, 8]),
            DataError::TruncatedHeader { found: 3, .. }
        ));
        assert!(matches!(
            err(&[1, 0, 8, 1]),
            DataError::NotIdx {
                magic: 0x0100_0801,
                ..
            }
        ));
        assert!(matches!(
            err(&[0, 0, 0x0D, 1]),
            DataError::UnsupportedType {
                type_code: 0x0D,
                ..
            }
        ));
        assert!(matches!(
            err(&[0, 0, 8, 3]),
            DataError::WrongRank {
                expected: IdxKind::Labels,
                found: 3,
                ..
            }
        ));
        assert!(matches!(
            err(&[0, 0, 8, 1, 0, 0]),
            DataError::TruncatedHeader {
                needed: 8,
                found: 6,
                ..
            }
        ));
        assert!(matches!(
            err(&[0, 0, 8, 1, 0, 0, 0, 0]),
            DataError::ZeroDim { .. }
        ));
    }

    /// The largest legal payload is exactly 2^31 bytes; one more is refused,
    /// and neither case allocates (the first fails on truncation after
    /// reserving at most the 8 bytes actually present).
    #[test]
    fn payload_limit_is_inclusive() {
        let at_limit = [0, 0, 8, 3, 0, 0, 0x80, 0, 0, 0, 0x01, 0, 0, 0, 0x01, 0];
        assert!(matches!(
            parse(&at_limit, IdxKind::Images).unwrap_err(),
            DataError::TruncatedPayload {
                expected: MAX_PAYLOAD_BYTES,
                found: 0,
                ..
            }
        ));
        let over = [0, 0, 8, 3, 0, 0, 0x80, 0, 0, 0, 0x01, 0, 0, 0, 0x01, 1];
        assert!(matches!(
            parse(&over, IdxKind::Images).unwrap_err(),
            DataError::TooLarge { bytes, .. } if bytes == u128::from(MAX_PAYLOAD_BYTES) + 0x80_0000
        ));
    }

    #[test]
    fn gzip_is_detected_by_content() {
        use flate2::{Compression, write::GzEncoder};
        use std::io::Write;
        let plain = labels_file(&[9, 8, 7]);
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&plain).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(parse(&gz, IdxKind::Labels).unwrap().data(), &[9, 8, 7]);

        // Corrupt the CRC-32 in the trailer (8 bytes from the end).
        let mut bad = gz.clone();
        let i = bad.len() - 8;
        bad[i] ^= 0xFF;
        assert!(matches!(
            parse(&bad, IdxKind::Labels).unwrap_err(),
            DataError::CorruptGzip { .. }
        ));
    }

    #[test]
    fn display_names_path_and_source_is_set() {
        let err = parse(&[0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3], IdxKind::Labels).unwrap_err();
        assert!(matches!(err, DataError::TrailingBytes { expected: 2, .. }));
        assert!(err.to_string().starts_with("unit.idx: "), "{err}");
        assert!(err.source().is_none());

        let err = read_idx(Path::new("/nonexistent/x.idx"), IdxKind::Labels).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/x.idx"));
        assert!(err.source().is_some());
    }

    #[test]
    fn dataset_limit_and_debug() {
        let ds = Dataset::new(vec![1, 2, 3, 4, 5, 6], 1, 2, vec![0, 1, 2], 3);
        assert_eq!(ds.clone().limit(0).len(), 0);
        assert_eq!(ds.clone().limit(0).images(), &[] as &[u8]);
        assert_eq!(ds.clone().limit(2).images(), &[1, 2, 3, 4]);
        assert_eq!(
            format!("{ds:?}"),
            "Dataset { len: 3, rows: 1, cols: 2, num_classes: 3, .. }"
        );
    }

    #[test]
    #[should_panic(expected = "need that many pixels")]
    fn dataset_new_rejects_wrong_pixel_count() {
        Dataset::new(vec![0; 3], 1, 2, vec![0], 1);
    }

    #[test]
    #[should_panic(expected = "not below num_classes")]
    fn dataset_new_rejects_bad_label() {
        Dataset::new(vec![0; 2], 1, 2, vec![1], 1);
    }

    #[test]
    #[should_panic(expected = "zero-sized images")]
    fn dataset_new_rejects_zero_rows() {
        Dataset::new(vec![], 0, 2, vec![], 1);
    }

    #[test]
    fn conversions_agree() {
        let all: Vec<u8> = (0..=255).collect();
        let ds = Dataset::new(all, 16, 16, vec![0], 1);
        let f = ds.images_f32();
        assert_eq!((f[0], f[255]), (0.0, 1.0));
        assert!(f.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ds.images_normalized::<f32>().unwrap(), f);
        let mut calls = 0;
        let mapped = ds.map_images(|p| {
            calls += 1;
            u16::from(p) * 2
        });
        assert_eq!(calls, 256);
        assert_eq!(mapped[255], 510);
    }

    #[test]
    fn batches_edge_cases() {
        assert_eq!(Batches::new(0, 3, 1, 0).count(), 0);
        let b = Batches::new(6, 3, 1, 0);
        assert_eq!(b.len(), 2);
        assert_eq!(b.map(|v| v.len()).collect::<Vec<_>>(), vec![3, 3]);
        let one: Vec<_> = Batches::new(5, 100, 1, 0).collect();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].len(), 5);
    }

    #[test]
    fn search_finds_sibling_shared_dir() {
        let root = std::env::temp_dir().join(format!("lognum-nn-data-unit-{}", std::process::id()));
        let ws = root.join("ws/crates/foo");
        let subset = root.join(MNIST_SUBSET_RELATIVE);
        std::fs::create_dir_all(&ws).unwrap();
        std::fs::create_dir_all(&subset).unwrap();
        let found = find_mnist_subset_from(&ws).unwrap();
        assert_eq!(found, subset.canonicalize().unwrap());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
