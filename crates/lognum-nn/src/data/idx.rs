//! Decoding IDX files, plain or gzip-compressed.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use super::{DataError, MAX_IMAGE_PIXELS, MAX_PAYLOAD_BYTES};

/// The gzip magic bytes.
const GZIP_MAGIC: [u8; 2] = [0x1F, 0x8B];
/// The IDX element type code for unsigned bytes.
const TYPE_U8: u8 = 0x08;
/// Initial buffer reservation when the input size is unknown (gzip, readers).
const UNKNOWN_SIZE_RESERVE: u64 = 1 << 20;

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
    if let [_, rows, cols] = dims[..]
        && u64::from(rows) * u64::from(cols) > MAX_IMAGE_PIXELS
    {
        return Err(DataError::ImageTooLarge {
            path: path(),
            rows,
            cols,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

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
}
