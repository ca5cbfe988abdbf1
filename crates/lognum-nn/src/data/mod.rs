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
//! - an image file's images have at most [`MAX_IMAGE_PIXELS`] pixels each,
//!   also checked from the header before any data is read;
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
//!     assert_eq!(train.feature_shape(), &[1, 28, 28]);
//!     let inputs: Vec<f32> = test.features_f32(); // pixels scaled to [0, 1]
//!     assert_eq!(inputs.len(), test.len() * 28 * 28);
//!     for batch in train.batches(64, 42, 0).take(3) {
//!         let labels: Vec<usize> = batch.iter().map(|&i| train.label(i)).collect();
//!         assert_eq!(labels.len(), 64);
//!     }
//! }
//! # Ok::<(), lognum_nn::data::DataError>(())
//! ```

mod batches;
mod dataset;
mod error;
mod idx;
mod locate;

pub use batches::Batches;
pub use dataset::{Dataset, load_idx_dir};
pub use error::DataError;
pub use idx::{IdxArray, IdxKind, parse_idx, read_idx};
pub use locate::{find_mnist_subset, find_mnist_subset_from};

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

/// Largest image an IDX image file may declare: 2^20 pixels (1024 × 1024,
/// 1,337 times an MNIST image). The networks of [`crate::model`] grow with
/// the image (the MLP's first layer has `pixels × width` weights), so a
/// header declaring one 8192 × 8192 image is refused from its 16 bytes,
/// before the data is read or a model is built.
///
/// ```
/// use lognum_nn::data::{parse_idx, DataError, IdxKind, MAX_IMAGE_PIXELS};
/// use std::path::Path;
///
/// assert_eq!(MAX_IMAGE_PIXELS, 1024 * 1024);
/// // One 8192 x 8192 image: only the header is needed to refuse it.
/// let header = [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0x20, 0, 0, 0, 0x20, 0];
/// let err = parse_idx(&header[..], Path::new("big.idx"), IdxKind::Images).unwrap_err();
/// assert!(matches!(err, DataError::ImageTooLarge { rows: 8192, cols: 8192, .. }));
/// ```
pub const MAX_IMAGE_PIXELS: u64 = 1 << 20;
