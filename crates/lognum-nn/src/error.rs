//! The crate's error type.

use std::fmt;

use lognum_tensor::TensorError;

use crate::data::DataError;

/// Everything that can go wrong in this crate, as a value: no public function
/// of `lognum-nn` panics on bad data, bad files or a bad configuration.
///
/// ```
/// use lognum_nn::NnError;
/// let e = NnError::Config { field: "batch", reason: "must be at least 1".into() };
/// assert_eq!(e.to_string(), "invalid configuration: batch must be at least 1");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum NnError {
    /// Loading a dataset failed.
    Data(DataError),
    /// A tensor operation refused its operands (a shape error).
    Shape(TensorError),
    /// A checkpoint could not be written or read.
    Checkpoint(CheckpointError),
    /// A configuration value is out of range.
    Config {
        /// The field, e.g. `"batch"`.
        field: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// A name that is not one of the known number formats.
    UnknownFormat {
        /// The name given.
        name: String,
        /// Every valid name.
        valid: Vec<&'static str>,
    },
    /// A name that is not one of the known model kinds.
    UnknownModel {
        /// The name given.
        name: String,
    },
}

/// Why a checkpoint could not be written or read.
///
/// ```
/// use lognum_nn::CheckpointError;
/// let e = CheckpointError::Truncated { needed: 10, available: 4 };
/// assert!(e.to_string().contains("truncated"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum CheckpointError {
    /// Reading or writing the file failed.
    Io(std::io::Error),
    /// The file does not start with the checkpoint magic.
    BadMagic,
    /// The file was written by an unknown version of the format.
    UnsupportedVersion(u32),
    /// The file ends before the data it announces.
    Truncated {
        /// Bytes needed by the next field.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// The file holds weights of another number format.
    FormatMismatch {
        /// The format being loaded into.
        expected: String,
        /// The format recorded in the file.
        found: String,
    },
    /// The file holds another model.
    ModelMismatch {
        /// The model being loaded into.
        expected: String,
        /// The model recorded in the file.
        found: String,
    },
    /// The contents are inconsistent (bad checksum, shapes, trailing bytes …).
    Corrupt(String),
}

impl fmt::Display for NnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Data(e) => write!(f, "data: {e}"),
            Self::Shape(e) => write!(f, "shape: {e}"),
            Self::Checkpoint(e) => write!(f, "checkpoint: {e}"),
            Self::Config { field, reason } => {
                write!(f, "invalid configuration: {field} {reason}")
            }
            Self::UnknownFormat { name, valid } => write!(
                f,
                "unknown number format {name:?}; valid formats: {}",
                valid.join(", ")
            ),
            Self::UnknownModel { name } => {
                write!(f, "unknown model {name:?}; valid models: mlp, cnn")
            }
        }
    }
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "i/o error: {e}"),
            Self::BadMagic => write!(f, "not a lognum checkpoint (bad magic)"),
            Self::UnsupportedVersion(v) => write!(f, "unsupported checkpoint version {v}"),
            Self::Truncated { needed, available } => write!(
                f,
                "file truncated: needed {needed} more bytes, {available} left"
            ),
            Self::FormatMismatch { expected, found } => write!(
                f,
                "checkpoint holds {found} weights, cannot load them as {expected}"
            ),
            Self::ModelMismatch { expected, found } => write!(
                f,
                "checkpoint holds a {found} model, cannot load it as {expected}"
            ),
            Self::Corrupt(why) => write!(f, "corrupt checkpoint: {why}"),
        }
    }
}

impl std::error::Error for NnError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Data(e) => Some(e),
            Self::Shape(e) => Some(e),
            Self::Checkpoint(e) => Some(e),
            _ => None,
        }
    }
}

impl std::error::Error for CheckpointError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<DataError> for NnError {
    fn from(e: DataError) -> Self {
        Self::Data(e)
    }
}

impl From<TensorError> for NnError {
    fn from(e: TensorError) -> Self {
        Self::Shape(e)
    }
}

impl From<CheckpointError> for NnError {
    fn from(e: CheckpointError) -> Self {
        Self::Checkpoint(e)
    }
}
