//! The crate's error types.

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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NnError {
    /// Loading a dataset failed.
    #[error("data: {0}")]
    Data(#[from] DataError),
    /// A tensor operation refused its operands (a shape error).
    #[error("shape: {0}")]
    Shape(#[from] TensorError),
    /// A checkpoint could not be written or read.
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// A configuration value is out of range.
    #[error("invalid configuration: {field} {reason}")]
    Config {
        /// The field, e.g. `"batch"`.
        field: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// A name that is not one of the known number formats.
    #[error("unknown number format {name:?}; valid formats: {}", valid.join(", "))]
    UnknownFormat {
        /// The name given.
        name: String,
        /// Every valid name.
        valid: Vec<&'static str>,
    },
    /// A model name or spec that cannot be built.
    #[error("bad model {name:?}: {reason}")]
    UnknownModel {
        /// The name given.
        name: String,
        /// Why it was refused, with the valid forms.
        reason: String,
    },
    /// Training diverged: the loss or a parameter stopped being finite.
    #[error("training diverged in epoch {epoch}: {what}")]
    Diverged {
        /// The epoch (from 1) in which it was detected.
        epoch: usize,
        /// What was found, e.g. `"the training loss is NaN"`.
        what: String,
    },
}

/// Why a checkpoint could not be written or read.
///
/// ```
/// use lognum_nn::CheckpointError;
/// let e = CheckpointError::Truncated { needed: 10, available: 4 };
/// assert!(e.to_string().contains("truncated"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// Reading or writing the file failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The file is shorter than its header says.
    #[error("file truncated: needed {needed} bytes, {available} present")]
    Truncated {
        /// Bytes the header announces.
        needed: usize,
        /// Bytes present.
        available: usize,
    },
    /// The safetensors header is not valid (bad length, bad JSON, offsets
    /// out of order or past the end).
    #[error("not a valid safetensors file: {0}")]
    BadHeader(String),
    /// A checkpoint of the format this crate wrote before it used
    /// safetensors.
    #[error(
        "this is a checkpoint of the old lognum format (magic LGNMCKPT), which this \
         version no longer reads; train again to write a safetensors checkpoint"
    )]
    LegacyFormat,
    /// The file holds weights of another number format.
    #[error("checkpoint holds {found} weights, cannot load them as {expected}")]
    FormatMismatch {
        /// The format being loaded into.
        expected: String,
        /// The format recorded in the file.
        found: String,
    },
    /// The file holds another network.
    #[error("checkpoint holds the network {found}, not {expected}")]
    ModelMismatch {
        /// The network being loaded into (its layer spec as JSON).
        expected: String,
        /// The network recorded in the file.
        found: String,
    },
    /// The contents are inconsistent (metadata, tensor names, shapes, dtypes).
    #[error("corrupt checkpoint: {0}")]
    Corrupt(String),
}
