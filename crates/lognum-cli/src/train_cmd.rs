//! `lognum train`: one run, a line per epoch, and a summary or a JSON line.

use std::path::Path;

use crate::cli::TrainArgs;
use crate::dataset::DataSource;
use crate::error::CliError;
use crate::nn::{EpochReport, OptimizerKind, TrainConfig};
use crate::output::outln;
use crate::progress;
use crate::run::train_one;

/// Runs `lognum train`.
pub fn run(args: TrainArgs) -> Result<(), CliError> {
    let mut cfg = TrainConfig::default();
    apply_args(&mut cfg, &args)?;
    // Refused settings (e.g. more than MAX_EPOCHS) fail before the data loads.
    cfg.validate()
        .map_err(|e| CliError::caused_by("invalid training settings", e).into_usage())?;
    if let Some(path) = &args.save {
        check_save_path(path)?;
    }
    let source = DataSource::from_args(args.data.data.clone(), args.data.dataset);
    let data = source.load()?;
    let visible = !args.json && progress::interactive();
    // Per-epoch lines: not for --json (one line only) nor --quiet.
    let human = !args.json && !progress::quiet();
    let bar = progress::batch_bar(visible, &format!("{} {}", args.format, data.label));
    let record = train_one(args.format, &data, &cfg, &bar, &mut |n, e| {
        if human {
            bar.suspend(|| {
                outln!(
                    "epoch {n:>3}: train loss {:.4}, train accuracy {:.2}%, test accuracy {:.2}%, \
                     saturated {:.2}% ({:.1} s)",
                    e.train_loss,
                    100.0 * e.train_accuracy,
                    100.0 * e.test_accuracy,
                    100.0 * e.saturated,
                    e.seconds
                )
            });
        }
        if e.saturation_warning() {
            bar.suspend(|| saturation_warning(n, e));
        }
    })?;
    bar.finish_and_clear();
    if let (Some(path), false) = (&args.save, args.json) {
        outln!("saved the trained model to {}", path.display());
    }
    if args.json {
        outln!("{}", record.to_json());
    } else {
        outln!(
            "{} {} on {} ({} train, {} test images): test accuracy {:.2}% after {} epoch(s), \
             {:.1} s, {:.0} samples/s",
            record.format,
            record.model,
            record.dataset,
            record.train_size,
            record.test_size,
            100.0 * record.test_accuracy,
            record.epochs,
            record.train_seconds,
            record.samples_per_second
        );
    }
    Ok(())
}

/// Fails early, before the data is loaded and training starts, if the
/// checkpoint cannot be written where asked.
fn check_save_path(path: &Path) -> Result<(), CliError> {
    lognum_nn::atomic::check_writable(path).map_err(|e| {
        CliError::caused_by(
            format!("cannot save the checkpoint to {}", path.display()),
            e,
        )
    })
}

/// Warns on stderr that epoch `n` left many parameters saturated.
pub fn saturation_warning(n: usize, e: &EpochReport) {
    crate::output::errln!(
        "warning: after epoch {n}, {:.1}% of the parameters are saturated at the format's \
         largest magnitude (above {}%): the run is probably broken; try a smaller --lr",
        100.0 * e.saturated,
        100.0 * lognum_nn::train::SATURATION_WARNING
    );
}

/// Overrides the paper's defaults with what was given on the command line.
fn apply_args(cfg: &mut TrainConfig, args: &TrainArgs) -> Result<(), CliError> {
    cfg.model = args.model.clone();
    cfg.epochs = args.epochs;
    cfg.batch = args.batch;
    cfg.lr = args.lr;
    cfg.lr_schedule = args.lr_schedule;
    cfg.optimizer = match (args.optimizer, args.momentum) {
        (OptimizerKind::Sgd { .. }, Some(momentum)) => OptimizerKind::Sgd { momentum },
        (other, Some(_)) => {
            return Err(CliError::usage(format!(
                "--momentum applies to --optimizer sgd, not {}",
                other.name()
            )));
        }
        (other, None) => other,
    };
    if let OptimizerKind::Madam {
        p_scale, g_bound, ..
    } = &mut cfg.optimizer
    {
        *p_scale = args.madam_p_scale.unwrap_or(*p_scale);
        *g_bound = args.madam_g_bound.unwrap_or(*g_bound);
    } else {
        let given = [
            ("--madam-p-scale", args.madam_p_scale),
            ("--madam-g-bound", args.madam_g_bound),
        ];
        if let Some((flag, _)) = given.iter().find(|(_, v)| v.is_some()) {
            return Err(CliError::usage(format!(
                "{flag} applies to --optimizer madam, not {}",
                cfg.optimizer.name()
            )));
        }
    }
    cfg.weight_decay = args.weight_decay;
    cfg.seed = args.seed;
    cfg.limit_train = args.limit_train;
    cfg.limit_test = args.limit_test;
    cfg.quantize_weights = args.quantize_weights;
    args.training.apply(cfg)?;
    cfg.checkpoint = args.save.clone();
    Ok(())
}
