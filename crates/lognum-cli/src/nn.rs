//! The parts of `lognum-nn` the commands use, in one place.

#[allow(unused_imports)]
pub use crate::nn_stub::{
    EpochReport, Format, ModelKind, NnError, Progress, TrainConfig, TrainReport, train_format,
};
