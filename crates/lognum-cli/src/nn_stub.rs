//! TEMPORARY stand-in for `lognum_nn::train` and `lognum_nn::format` until
//! they land; mirrors the announced API so the CLI can be built and tested.

use std::fmt;
use std::str::FromStr;

use lognum_nn::data::Dataset;

/// Number formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// f32
    F32,
    /// f64
    F64,
    /// bf16
    Bf16,
    /// f16
    F16,
    /// fixed16
    Fixed16,
    /// lns16-exact
    Lns16Exact,
    /// lns16-lut
    Lns16Lut,
    /// lns16-shift
    Lns16Shift,
    /// lns12-lut
    Lns12Lut,
    /// lns12-shift
    Lns12Shift,
}

impl Format {
    /// All formats.
    pub const ALL: [Format; 10] = [
        Format::F32,
        Format::F64,
        Format::Bf16,
        Format::F16,
        Format::Fixed16,
        Format::Lns16Exact,
        Format::Lns16Lut,
        Format::Lns16Shift,
        Format::Lns12Lut,
        Format::Lns12Shift,
    ];
    fn name(self) -> &'static str {
        match self {
            Format::F32 => "f32",
            Format::F64 => "f64",
            Format::Bf16 => "bf16",
            Format::F16 => "f16",
            Format::Fixed16 => "fixed16",
            Format::Lns16Exact => "lns16-exact",
            Format::Lns16Lut => "lns16-lut",
            Format::Lns16Shift => "lns16-shift",
            Format::Lns12Lut => "lns12-lut",
            Format::Lns12Shift => "lns12-shift",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| format!("unknown format {s}"))
    }
}

/// Model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModelKind {
    /// mlp
    Mlp,
    /// cnn
    Cnn,
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ModelKind::Mlp => "mlp",
            ModelKind::Cnn => "cnn",
        })
    }
}

impl FromStr for ModelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "mlp" => Ok(ModelKind::Mlp),
            "cnn" => Ok(ModelKind::Cnn),
            _ => Err(format!("unknown model {s}")),
        }
    }
}

/// Config.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// model
    pub model: ModelKind,
    /// epochs
    pub epochs: usize,
    /// batch
    pub batch: usize,
    /// lr
    pub lr: f64,
    /// momentum
    pub momentum: f64,
    /// wd
    pub weight_decay: f64,
    /// seed
    pub seed: u64,
    /// limit
    pub limit_train: Option<usize>,
    /// limit
    pub limit_test: Option<usize>,
    /// quant
    pub quantize_weights: Option<u32>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            model: ModelKind::Mlp,
            epochs: 20,
            batch: 5,
            lr: 0.01,
            momentum: 0.0,
            weight_decay: 0.0,
            seed: 42,
            limit_train: None,
            limit_test: None,
            quantize_weights: None,
        }
    }
}

/// Epoch.
#[derive(Clone, Debug)]
pub struct EpochReport {
    /// e
    pub epoch: usize,
    /// l
    pub train_loss: f64,
    /// a
    pub train_accuracy: f64,
    /// a
    pub test_accuracy: f64,
    /// s
    pub seconds: f64,
}

/// Report.
#[derive(Clone, Debug)]
pub struct TrainReport {
    /// f
    pub format: String,
    /// m
    pub model: ModelKind,
    /// e
    pub epochs: Vec<EpochReport>,
    /// a
    pub test_accuracy: f64,
    /// s
    pub train_seconds: f64,
    /// s
    pub samples_per_second: f64,
}

/// Progress.
pub enum Progress {
    /// b
    Batch {
        /// e
        epoch: usize,
        /// d
        done: usize,
        /// t
        total: usize,
    },
    /// e
    Epoch(EpochReport),
}

/// Error.
#[derive(Debug)]
pub struct NnError(String);

impl fmt::Display for NnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NnError {}

/// Fake training.
pub fn train_format(
    format: Format,
    train: &Dataset,
    _test: &Dataset,
    cfg: &TrainConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<TrainReport, NnError> {
    let n = cfg.limit_train.unwrap_or(train.len()).min(train.len());
    let total = n.div_ceil(cfg.batch);
    let mut epochs = Vec::new();
    for e in 0..cfg.epochs {
        for done in 0..total {
            progress(&Progress::Batch {
                epoch: e,
                done: done + 1,
                total,
            });
        }
        let rep = EpochReport {
            epoch: e,
            train_loss: 1.0 / (e + 1) as f64,
            train_accuracy: 0.5 + 0.1 * e as f64,
            test_accuracy: 0.5 + 0.05 * e as f64 + 0.01 * format as usize as f64,
            seconds: 0.01,
        };
        progress(&Progress::Epoch(rep.clone()));
        epochs.push(rep);
    }
    Ok(TrainReport {
        format: format.to_string(),
        model: cfg.model,
        test_accuracy: epochs.last().map_or(0.0, |e| e.test_accuracy),
        epochs,
        train_seconds: 0.01,
        samples_per_second: 1000.0,
    })
}
