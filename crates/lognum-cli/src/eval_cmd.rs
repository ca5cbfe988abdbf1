//! `lognum eval` and `lognum export`: use a saved checkpoint.

use std::path::Path;

use lognum_nn::checkpoint::{self, CheckpointInfo};
use serde::Serialize;

use crate::cli::{EvalArgs, ExportArgs};
use crate::dataset::DataSource;
use crate::error::CliError;
use crate::nn::TrainFormat;
use crate::output::outln;

/// The JSON line of `eval --json`.
#[derive(Debug, Serialize)]
struct EvalRecord {
    checkpoint: String,
    format: String,
    layers: serde_json::Value,
    dataset: String,
    test_size: usize,
    test_accuracy: f64,
}

/// The checkpoint's metadata, its number format parsed.
fn read_info(path: &Path) -> Result<(CheckpointInfo, TrainFormat), CliError> {
    let info = checkpoint::read_info(path).map_err(|e| {
        CliError::caused_by(format!("cannot read checkpoint {}", path.display()), e)
    })?;
    let format = info.format.parse::<TrainFormat>().map_err(|e| {
        CliError::caused_by(
            format!(
                "checkpoint {} holds weights of format {:?}, which lognum cannot train or evaluate",
                path.display(),
                info.format
            ),
            e,
        )
    })?;
    Ok((info, format))
}

/// Runs `lognum eval`.
pub fn run(args: EvalArgs) -> Result<(), CliError> {
    let (info, format) = read_info(&args.checkpoint)?;
    let source = DataSource::from_args(args.data.data.clone(), args.data.dataset);
    let data = source.load()?;
    let test = match args.limit_test {
        Some(n) => data.test.head(n),
        None => data.test,
    };
    let failed = |e| {
        CliError::caused_by(
            format!(
                "cannot evaluate {} on {}",
                args.checkpoint.display(),
                data.label
            ),
            e,
        )
    };
    // Test-set examples per forward pass: training's, so that a one-byte
    // network, whose hidden offsets are chosen per batch, scores as
    // training reported.
    let batch = crate::nn::TrainConfig::default().eval_batch;
    let accuracy = match format {
        TrainFormat::Word(format) => lognum_nn::with_format_type!(format, T => {
            let mut net = checkpoint::load::<T>(&args.checkpoint).map_err(failed)?;
            lognum_nn::train::evaluate(&mut net, &test, batch).map_err(failed)?
        }),
        TrainFormat::Scaled8(format) => {
            lognum_nn::lns8::evaluate_lns8_file(format, &args.checkpoint, &test, batch)
                .map_err(failed)?
        }
    };
    if args.json {
        let record = EvalRecord {
            checkpoint: args.checkpoint.display().to_string(),
            format: format.name().to_string(),
            layers: serde_json::to_value(&info.layers).unwrap_or_default(),
            dataset: data.label.clone(),
            test_size: test.len(),
            test_accuracy: accuracy,
        };
        outln!(
            "{}",
            serde_json::to_string(&record).expect("an EvalRecord always serialises")
        );
    } else {
        outln!(
            "{} ({format}) on {} ({} test images): test accuracy {:.2}%",
            args.checkpoint.display(),
            data.label,
            test.len(),
            100.0 * accuracy
        );
    }
    Ok(())
}

/// Runs `lognum export`.
pub fn export(args: ExportArgs) -> Result<(), CliError> {
    let (info, _) = read_info(&args.checkpoint)?;
    checkpoint::export_f32_file(&args.checkpoint, &args.to).map_err(|e| {
        CliError::caused_by(
            format!(
                "cannot export {} to {}",
                args.checkpoint.display(),
                args.to.display()
            ),
            e,
        )
    })?;
    outln!(
        "wrote {} ({} tensors, F32, PyTorch layout) from the {} checkpoint {}",
        args.to.display(),
        info.tensors.len(),
        info.format,
        args.checkpoint.display()
    );
    Ok(())
}
