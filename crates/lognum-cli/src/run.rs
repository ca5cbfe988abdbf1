//! Training one run, shared by `train`, `reproduce` and `bench`: the
//! progress bar moved along the batches, a callback per epoch, and the
//! result as a [`RunRecord`].

use indicatif::ProgressBar;

use crate::dataset::LoadedData;
use crate::error::CliError;
use crate::nn::{EpochReport, NnError, Progress, TrainConfig, TrainFormat, train_format};
use crate::record::RunRecord;

/// Trains `format` on `data` with `cfg`, moving `bar` along the batches and
/// calling `on_epoch(n, report)` after epoch `n` (counted from 1).
pub fn train_one(
    format: TrainFormat,
    data: &LoadedData,
    cfg: &TrainConfig,
    bar: &ProgressBar,
    on_epoch: &mut dyn FnMut(usize, &EpochReport),
) -> Result<RunRecord, CliError> {
    let mut epochs_done = 0usize;
    let total_epochs = cfg.epochs;
    let mut progress = |p: &Progress| match p {
        Progress::Batch { done, total, .. } => {
            if bar.length() != Some(*total as u64) {
                bar.set_length(*total as u64);
                bar.reset_eta();
            }
            bar.set_message(format!("epoch {}/{total_epochs}", epochs_done + 1));
            bar.set_position(*done as u64);
        }
        Progress::Epoch(report) => {
            epochs_done += 1;
            on_epoch(epochs_done, report);
            bar.set_position(0);
        }
    };
    let report =
        train_format(format, &data.train, &data.test, cfg, &mut progress).map_err(|e| {
            // The training code refusing a setting is a usage error.
            let usage = matches!(e, NnError::Config { .. });
            let err = CliError::caused_by(format!("training {format} on {} failed", data.label), e);
            if usage { err.into_usage() } else { err }
        })?;
    let limit = |len: usize, cap: Option<usize>| cap.map_or(len, |c| c.min(len));
    Ok(RunRecord::new(
        &report,
        cfg,
        &data.label,
        limit(data.train.len(), cfg.limit_train),
        limit(data.test.len(), cfg.limit_test),
    ))
}
