//! The parts of `lognum-nn` the commands use, in one place.

pub use lognum_nn::NnError;
pub use lognum_nn::format::{Format, TrainFormat};
pub use lognum_nn::loss::{LabelGrad, Loss};
pub use lognum_nn::model::ModelSpec;
pub use lognum_nn::optim::{LrSchedule, OptimizerKind, UpdateRule};
pub use lognum_nn::train::{Accumulate, accumulate_name, parse_accumulate};
pub use lognum_nn::train::{EpochReport, Progress, TrainConfig, TrainReport, train_format};
