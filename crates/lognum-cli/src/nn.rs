//! The parts of `lognum-nn` the commands use, in one place.

pub use lognum_nn::NnError;
pub use lognum_nn::format::Format;
pub use lognum_nn::loss::LabelGrad;
pub use lognum_nn::optim::UpdateRule;
pub use lognum_nn::train::{Accumulate, parse_accumulate};
pub use lognum_nn::train::{
    EpochReport, ModelKind, Progress, TrainConfig, TrainReport, train_format,
};

/// The name of a summation order, as `parse_accumulate` reads it.
pub fn accumulate_name(a: Accumulate) -> String {
    match a {
        Accumulate::Sequential => "sequential".into(),
        Accumulate::Wide => "wide".into(),
        Accumulate::Blocked(n) => format!("blocked:{n}"),
    }
}
