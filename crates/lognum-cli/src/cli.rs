//! The command line's schema: clap definitions and value checks. The
//! commands are dispatched from `main.rs`.
//!
//! Values are checked while parsing, so that a bad number or an unknown
//! format is a usage error (exit code 2) with clap's usual message.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Arg, Args, Parser, Subcommand};

use crate::dataset::DatasetName;
use crate::error::CliError;
use crate::nn::{
    Accumulate, LabelGrad, Loss, LrSchedule, ModelSpec, OptimizerKind, TrainConfig, TrainFormat,
    UpdateRule, parse_accumulate,
};

/// Train networks in any number format and reproduce the LNS training paper
/// (Sanyal, Beerel, Chugg, ICASSP 2020).
#[derive(Debug, Parser)]
#[command(name = "lognum", version, propagate_version = true)]
pub struct Cli {
    /// No progress bars and no per-epoch or per-run lines; results,
    /// warnings and errors are still printed.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train one network in one number format and report its test accuracy.
    Train(TrainArgs),
    /// Run the paper's table; write it beside the paper's numbers, as CSV
    /// and as SVG plots.
    ///
    /// By default the paper's six formats train for 20 epochs on full MNIST
    /// and Fashion-MNIST; --quick is a one-minute check on the MNIST subset.
    Reproduce(ReproduceArgs),
    /// Measure training and matmul throughput per format, with ratios to f32.
    Bench(BenchArgs),
    /// Evaluate a saved checkpoint on a test set.
    Eval(EvalArgs),
    /// Rewrite a checkpoint as F32 safetensors in PyTorch's layout.
    Export(ExportArgs),
    /// Print a shell completion script to stdout.
    ///
    /// For example `lognum completions bash >
    /// ~/.local/share/bash-completion/completions/lognum`.
    Completions(CompletionsArgs),
}

/// Options of `lognum completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `lognum eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The checkpoint (a safetensors file written by `lognum train --save`).
    #[arg(long, value_name = "FILE")]
    pub checkpoint: PathBuf,
    /// Data to test on (its test split).
    #[command(flatten)]
    pub data: DataArgs,
    /// Test on the first N test images only.
    #[arg(long, value_name = "N", value_parser = parse_positive, allow_negative_numbers = true)]
    pub limit_test: Option<usize>,
    /// Print one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

/// Options of `lognum export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The checkpoint to read.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: PathBuf,
    /// The safetensors file to write (F32 tensors, PyTorch's layout).
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
}

/// Which data to use.
#[derive(Debug, Args, Clone)]
pub struct DataArgs {
    /// Any directory with the four MNIST-style IDX files (plain or .gz).
    #[arg(long, value_name = "DIR", conflicts_with = "dataset")]
    pub data: Option<PathBuf>,
    /// A named dataset [default: mnist-subset].
    #[arg(long, value_enum, value_name = "NAME")]
    pub dataset: Option<DatasetName>,
}

/// Options of `lognum train`. The defaults are the paper's settings
/// (`TrainConfig::default()`).
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Data to train and test on.
    #[command(flatten)]
    pub data: DataArgs,
    /// Number format of the whole network.
    #[arg(long, short, value_parser = FormatParser, default_value = "f32")]
    pub format: TrainFormat,
    /// Network: mlp (the paper's 784-100-10), mlp:H1-H2-… (hidden widths,
    /// e.g. mlp:64-32) or cnn.
    #[arg(long, short, value_parser = parse_model, default_value = "mlp")]
    pub model: ModelSpec,
    /// Passes over the training set.
    #[arg(long, short, value_parser = parse_positive, allow_negative_numbers = true,
          default_value_t = TrainConfig::default().epochs)]
    pub epochs: usize,
    /// Mini-batch size.
    #[arg(long, short, value_parser = parse_positive, allow_negative_numbers = true,
          default_value_t = TrainConfig::default().batch)]
    pub batch: usize,
    /// Learning rate, finite and positive.
    #[arg(long, value_parser = parse_above_zero, allow_negative_numbers = true,
          default_value_t = TrainConfig::default().lr)]
    pub lr: f64,
    /// How the learning rate moves over the run: constant (the paper's),
    /// cosine (half a cosine from --lr down towards 0) or linear (a
    /// straight line down towards 0); set before every step.
    #[arg(long, value_name = "SCHEDULE", value_parser = parse_lr_schedule, default_value = "constant")]
    pub lr_schedule: LrSchedule,
    /// Optimiser: sgd (the paper's), adam (β1 0.9, β2 0.999, ε 1e-8) or
    /// madam (multiplicative steps, in LNS integer adds to the log code;
    /// rounded stochastically with --update stochastic, else to nearest).
    #[arg(long, value_parser = parse_optimizer, default_value = "sgd")]
    pub optimizer: OptimizerKind,
    /// SGD momentum, in [0, 1) [default: 0]; only with --optimizer sgd.
    #[arg(long, value_parser = parse_momentum, allow_negative_numbers = true)]
    pub momentum: Option<f64>,
    /// Madam's clamp: every weight's magnitude stays at most this many
    /// times its tensor's initial RMS [default: 3]; only with --optimizer
    /// madam.
    #[arg(long, value_name = "X", value_parser = parse_above_zero, allow_negative_numbers = true)]
    pub madam_p_scale: Option<f64>,
    /// Madam's bound on the normalised gradient [default: 10]; only with
    /// --optimizer madam.
    #[arg(long, value_name = "X", value_parser = parse_above_zero, allow_negative_numbers = true)]
    pub madam_g_bound: Option<f64>,
    /// L2 weight decay, finite and not negative.
    #[arg(long, value_parser = parse_non_negative, allow_negative_numbers = true,
          default_value_t = TrainConfig::default().weight_decay)]
    pub weight_decay: f64,
    /// Seed for initialisation and shuffling.
    #[arg(long, short, default_value_t = TrainConfig::default().seed)]
    pub seed: u64,
    /// Train on the first N training images only.
    #[arg(long, value_name = "N", value_parser = parse_positive, allow_negative_numbers = true)]
    pub limit_train: Option<usize>,
    /// Test on the first N test images only.
    #[arg(long, value_name = "N", value_parser = parse_positive, allow_negative_numbers = true)]
    pub limit_test: Option<usize>,
    /// Quantize weights to zero or ± powers of two with B bits (2 to 8).
    #[arg(long, value_name = "B", value_parser = parse_quant_bits, allow_negative_numbers = true)]
    pub quantize_weights: Option<u32>,
    /// How the arithmetic of training is organised.
    #[command(flatten)]
    pub training: TrainingRules,
    /// Save the trained network to this safetensors checkpoint (written
    /// atomically; checked before training starts; nothing is saved if
    /// training fails or diverges).
    #[arg(long, value_name = "CHECKPOINT")]
    pub save: Option<PathBuf>,
    /// Print one JSON object as the last line of stdout; no progress bar.
    #[arg(long)]
    pub json: bool,
}

/// The choices that decide how training arithmetic is organised, shared by
/// `train` and `reproduce`; absent options keep the library's defaults.
#[derive(Debug, Args)]
pub struct TrainingRules {
    /// Weight update rule: wide-master (master weights in a wider format,
    /// the default), native (the paper's, in the format itself) or
    /// stochastic (stochastic rounding of each update).
    #[arg(long, value_parser = UpdateParser)]
    pub update: Option<UpdateRule>,
    /// Summation order of every matrix product: sequential (the paper's),
    /// pairwise (a binary tree), wide (in f64, rounded once) or blocked:N
    /// [default: pairwise for the bit-shift formats, sequential otherwise].
    #[arg(long, value_name = "ORDER", value_parser = parse_order)]
    pub accumulate: Option<Accumulate>,
    /// Loss: cross-entropy (softmax with cross-entropy, the default) or mse
    /// (half the squared error against one-hot labels).
    #[arg(long, value_parser = parse_loss)]
    pub loss: Option<Loss>,
    /// Gradient of the true class's logit under cross-entropy: complement
    /// (the default, a sum of the other probabilities) or subtract (the
    /// paper's p − 1).
    #[arg(long, value_name = "RULE", value_parser = parse_label_grad)]
    pub label_grad: Option<LabelGrad>,
}

impl TrainingRules {
    /// Overrides `cfg` with the options given; a label-gradient rule with a
    /// loss that has none is a usage error.
    pub fn apply(&self, cfg: &mut TrainConfig) -> Result<(), CliError> {
        if let Some(u) = self.update {
            cfg.update = u;
        }
        if let Some(a) = self.accumulate {
            cfg.accumulate = Some(a);
        }
        if let Some(l) = self.loss {
            cfg.loss = l;
        }
        if let Some(g) = self.label_grad {
            match cfg.loss {
                Loss::CrossEntropy(_) => cfg.loss = Loss::CrossEntropy(g),
                other => {
                    return Err(CliError::usage(format!(
                        "--label-grad applies to the cross-entropy loss, not to --loss {other}"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Options of `lognum reproduce`.
#[derive(Debug, Args)]
pub struct ReproduceArgs {
    /// About a minute on 2 cores: the MNIST subset (8,000 training images)
    /// for 3 epochs.
    #[arg(long)]
    pub quick: bool,
    /// Directory for results.md, results.csv and the SVG plots.
    #[arg(long, value_name = "DIR", default_value = "out/reproduce")]
    pub out: PathBuf,
    /// Comma-separated formats, `paper` (the paper's six) or `all`
    /// [default: paper].
    #[arg(long, value_delimiter = ',', value_parser = FormatGroupParser)]
    pub formats: Vec<FormatGroup>,
    /// Comma-separated datasets [default: mnist and fashion-mnist, those
    /// installed; mnist-subset with --quick].
    #[arg(long, value_delimiter = ',', value_enum, value_name = "NAME")]
    pub datasets: Vec<DatasetName>,
    /// Run the table on this directory of MNIST-style IDX files (plain or
    /// .gz) in place of the named datasets.
    #[arg(long, value_name = "DIR", conflicts_with = "datasets")]
    pub data: Option<PathBuf>,
    /// Epochs per run [default: the paper's 20, or 3 with --quick].
    #[arg(long, value_parser = parse_positive, allow_negative_numbers = true)]
    pub epochs: Option<usize>,
    /// Network: mlp, mlp:H1-H2-… or cnn.
    #[arg(long, value_parser = parse_model, default_value = "mlp")]
    pub model: ModelSpec,
    /// Seed for every run.
    #[arg(long)]
    pub seed: Option<u64>,
    /// How the arithmetic of every run is organised.
    #[command(flatten)]
    pub training: TrainingRules,
    /// Runs at a time [default: the number of cores].
    #[arg(long, short, value_parser = parse_positive, allow_negative_numbers = true)]
    pub jobs: Option<usize>,
    /// Cap on training images per dataset (testing aid).
    #[arg(long, hide = true, value_parser = parse_positive, allow_negative_numbers = true)]
    pub limit_train: Option<usize>,
    /// Cap on test images per dataset (testing aid).
    #[arg(long, hide = true, value_parser = parse_positive, allow_negative_numbers = true)]
    pub limit_test: Option<usize>,
    /// Mini-batch size (testing aid) [default: the paper's].
    #[arg(long, hide = true, value_parser = parse_positive, allow_negative_numbers = true)]
    pub batch: Option<usize>,
}

/// Options of `lognum bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Data for the training measurement.
    #[command(flatten)]
    pub data: DataArgs,
    /// Fewer steps and a smaller matmul.
    #[arg(long)]
    pub quick: bool,
    /// Print one JSON object as the last line of stdout.
    #[arg(long)]
    pub json: bool,
    /// Comma-separated formats [default: all].
    #[arg(long, value_delimiter = ',', value_parser = FormatParser)]
    pub formats: Vec<TrainFormat>,
    /// Mini-batch size for the training measurement, or several
    /// comma-separated (e.g. 5,32,128: one table row per format and size,
    /// each compared with f32 at the same size) [default: the paper's].
    #[arg(long, value_name = "N[,N…]", value_parser = parse_batch_sizes,
          allow_negative_numbers = true)]
    pub batch: Option<BatchSizes>,
    /// Training steps (mini-batches) per format [default: 400, 100 with --quick].
    #[arg(long, value_parser = parse_positive, allow_negative_numbers = true)]
    pub steps: Option<usize>,
    /// Side of the square matrices [default: 256, 128 with --quick].
    #[arg(long, value_parser = parse_positive, allow_negative_numbers = true)]
    pub matmul_size: Option<usize>,
    /// Training measurements per format; the fastest counts
    /// [default: 3, 1 with --quick].
    #[arg(long, value_parser = parse_positive, allow_negative_numbers = true)]
    pub repeat: Option<usize>,
}

/// `bench --batch`: mini-batch sizes, each at least 1 and each once, in
/// the order given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchSizes(pub Vec<usize>);

/// One item of `reproduce --formats`: a format, or a named group of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatGroup(pub Vec<TrainFormat>);

/// Parses a format name and lists every name as a possible value, so that
/// `--help` and the shell completions show them.
#[derive(Clone, Copy, Debug)]
pub struct FormatParser;

impl TypedValueParser for FormatParser {
    type Value = TrainFormat;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<TrainFormat, clap::Error> {
        TypedValueParser::parse_ref(&parse_format, cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            TrainFormat::ALL
                .into_iter()
                .map(|f| PossibleValue::new(f.name())),
        ))
    }
}

/// [`FormatParser`] plus the groups `paper` (the formats of the paper's
/// table) and `all`.
#[derive(Clone, Copy, Debug)]
pub struct FormatGroupParser;

impl TypedValueParser for FormatGroupParser {
    type Value = FormatGroup;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<FormatGroup, clap::Error> {
        let group = |s: &str| match s.trim() {
            "paper" => Ok(FormatGroup(crate::paper::paper_formats())),
            "all" => Ok(FormatGroup(TrainFormat::ALL.to_vec())),
            other => parse_format(other)
                .map(|f| FormatGroup(vec![f]))
                .map_err(|e| format!("{e}, or the groups paper and all")),
        };
        TypedValueParser::parse_ref(&group, cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let groups = [
            PossibleValue::new("paper").help("the paper's six formats"),
            PossibleValue::new("all").help("every format"),
        ];
        Some(Box::new(
            groups.into_iter().chain(
                TrainFormat::ALL
                    .into_iter()
                    .map(|f| PossibleValue::new(f.name())),
            ),
        ))
    }
}

/// Parses an update rule and lists the valid ones as possible values.
#[derive(Clone, Copy, Debug)]
pub struct UpdateParser;

impl TypedValueParser for UpdateParser {
    type Value = UpdateRule;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<UpdateRule, clap::Error> {
        TypedValueParser::parse_ref(&parse_update, cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            UpdateRule::ALL
                .into_iter()
                .map(|u| PossibleValue::new(u.name())),
        ))
    }
}

/// The valid format names, comma-separated.
pub fn format_names() -> String {
    TrainFormat::ALL
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A format name; unknown names list the valid ones.
fn parse_format(s: &str) -> Result<TrainFormat, String> {
    s.trim()
        .parse::<TrainFormat>()
        .map_err(|_| format!("unknown format `{s}`; valid formats: {}", format_names()))
}

/// `mlp`, `mlp:H1-H2-…` or `cnn`.
fn parse_model(s: &str) -> Result<ModelSpec, String> {
    s.parse::<ModelSpec>().map_err(|e| match e {
        crate::nn::NnError::UnknownModel { reason, .. } => reason,
        other => other.to_string(),
    })
}

/// `constant`, `cosine` or `linear`.
fn parse_lr_schedule(s: &str) -> Result<LrSchedule, String> {
    s.parse::<LrSchedule>()
        .map_err(|_| format!("unknown schedule `{s}`; valid: constant, cosine, linear"))
}

/// `sgd`, `adam` or `madam`.
fn parse_optimizer(s: &str) -> Result<OptimizerKind, String> {
    s.parse::<OptimizerKind>()
        .map_err(|_| format!("unknown optimizer `{s}`; valid: sgd, adam, madam"))
}

/// `cross-entropy` or `mse`.
fn parse_loss(s: &str) -> Result<Loss, String> {
    s.parse::<Loss>()
        .map_err(|_| format!("unknown loss `{s}`; valid: cross-entropy, mse"))
}

/// An update rule by name; unknown names list the valid ones.
fn parse_update(s: &str) -> Result<UpdateRule, String> {
    s.trim().parse::<UpdateRule>().map_err(|_| {
        let valid: Vec<String> = UpdateRule::ALL.iter().map(ToString::to_string).collect();
        format!(
            "unknown update rule `{s}`; valid rules: {}",
            valid.join(", ")
        )
    })
}

/// `complement` or `subtract`.
fn parse_label_grad(s: &str) -> Result<LabelGrad, String> {
    s.trim()
        .parse::<LabelGrad>()
        .map_err(|_| format!("unknown label-gradient rule `{s}`; valid: complement, subtract"))
}

/// `sequential`, `pairwise`, `wide` or `blocked:N`.
fn parse_order(s: &str) -> Result<Accumulate, String> {
    parse_accumulate(s).map_err(|_| {
        format!(
            "unknown summation order `{s}`; valid: sequential, pairwise, wide, blocked:N (N ≥ 1)"
        )
    })
}

/// An integer of at least 1.
fn parse_positive(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("not a positive integer: {e}")),
    }
}

/// Comma-separated integers of at least 1, none twice.
fn parse_batch_sizes(s: &str) -> Result<BatchSizes, String> {
    let several = s.contains(',');
    let mut sizes = Vec::new();
    for item in s.split(',') {
        // One value is checked as any other count, with the same message.
        let n = parse_positive(item).map_err(|e| match item.trim() {
            _ if !several => e,
            "" => "an empty item in the list".to_string(),
            item => format!("`{item}` in the list: {e}"),
        })?;
        if sizes.contains(&n) {
            return Err(format!("{n} is listed twice"));
        }
        sizes.push(n);
    }
    Ok(BatchSizes(sizes))
}

/// A finite number.
fn parse_finite(s: &str) -> Result<f64, String> {
    let x: f64 = s.trim().parse().map_err(|e| format!("not a number: {e}"))?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(format!("must be finite, got {x}"))
    }
}

/// Finite and above zero: a learning rate, Madam's bounds.
fn parse_above_zero(s: &str) -> Result<f64, String> {
    let x = parse_finite(s)?;
    if x > 0.0 {
        Ok(x)
    } else {
        Err(format!("must be above zero, got {x}"))
    }
}

/// Finite and not negative.
fn parse_non_negative(s: &str) -> Result<f64, String> {
    let x = parse_finite(s)?;
    if x >= 0.0 {
        Ok(x)
    } else {
        Err(format!("must not be negative, got {x}"))
    }
}

/// A momentum in `[0, 1)`.
fn parse_momentum(s: &str) -> Result<f64, String> {
    let x = parse_non_negative(s)?;
    if x < 1.0 {
        Ok(x)
    } else {
        Err(format!("must be below 1, got {x}"))
    }
}

/// Weight quantization bits, 2 to 8.
fn parse_quant_bits(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(b @ 2..=8) => Ok(b),
        Ok(b) => Err(format!("must be 2 to 8 bits, got {b}")),
        Err(e) => Err(format!("not a bit count: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::Format;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn number_checks() {
        assert!(parse_above_zero("NaN").is_err());
        assert!(parse_above_zero("-0.1").is_err());
        assert!(parse_above_zero("0").is_err());
        assert_eq!(parse_above_zero("0.01"), Ok(0.01));
        assert!(parse_positive("0").is_err());
        assert!(parse_positive("-3").is_err());
        assert!(parse_quant_bits("1").is_err());
        assert!(parse_quant_bits("9").is_err());
        assert_eq!(parse_quant_bits("8"), Ok(8));
        assert!(parse_momentum("1").is_err());
        assert!(parse_non_negative("inf").is_err());
    }

    #[test]
    fn batch_lists() {
        assert_eq!(parse_batch_sizes("5"), Ok(BatchSizes(vec![5])));
        assert_eq!(
            parse_batch_sizes("32, 5,128"),
            Ok(BatchSizes(vec![32, 5, 128]))
        );
        // A single bad value reads as it does for any count.
        assert_eq!(
            parse_batch_sizes("0"),
            Err(parse_positive("0").unwrap_err())
        );
        for (bad, needle) in [
            ("", "not a positive integer"),
            ("5,", "an empty item in the list"),
            (",5", "an empty item in the list"),
            ("5,,32", "an empty item in the list"),
            ("5,0", "`0` in the list: must be at least 1"),
            ("5,-3", "`-3` in the list"),
            ("5,x", "`x` in the list"),
            ("5,32,5", "5 is listed twice"),
        ] {
            let err = parse_batch_sizes(bad).unwrap_err();
            assert!(err.contains(needle), "{bad:?}: {err}");
        }
    }

    #[test]
    fn model_specs() {
        assert_eq!(
            parse_model("mlp:64-32"),
            Ok(ModelSpec::Mlp {
                hidden: vec![64, 32]
            })
        );
        for bad in ["mlp:", "mlp:0", "mlp:abc", "resnet"] {
            let err = parse_model(bad).unwrap_err();
            assert!(err.contains("mlp:H1-H2"), "{bad}: {err}");
        }
        assert!(parse_optimizer("adam").is_ok());
        assert!(parse_optimizer("madam").is_ok());
        assert!(parse_optimizer("lion").unwrap_err().contains("madam"));
        assert_eq!(parse_loss("mse"), Ok(Loss::Mse));
    }

    #[test]
    fn format_groups() {
        let cmd = Cli::command();
        let parse = |s: &str| {
            FormatGroupParser
                .parse_ref(&cmd, None, OsStr::new(s))
                .map(|g| g.0)
        };
        assert_eq!(parse("all").unwrap(), TrainFormat::ALL.to_vec());
        assert_eq!(parse("paper").unwrap(), crate::paper::paper_formats());
        assert_eq!(parse("lns12-lut").unwrap(), vec![Format::Lns12Lut.into()]);
        assert_eq!(
            parse("lns8-lut").unwrap(),
            vec!["lns8-lut".parse().unwrap()]
        );
        assert!(parse("lns17").is_err());
        // Every format is offered to --help and the completions.
        let offered: Vec<String> = FormatGroupParser
            .possible_values()
            .unwrap()
            .map(|v| v.get_name().to_string())
            .collect();
        for f in TrainFormat::ALL {
            assert!(offered.iter().any(|o| o == f.name()), "{f}");
        }
    }

    #[test]
    fn unknown_format_lists_valid_names() {
        let err = parse_format("lns17").unwrap_err();
        assert!(
            err.contains("lns16-lut") && err.contains("lns8-lut"),
            "{err}"
        );
    }
}
