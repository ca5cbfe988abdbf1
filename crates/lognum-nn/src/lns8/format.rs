//! The one-byte formats by name, and training by name.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use lognum::{BitShift, Exact, Lut};

use super::{Lns8Mlp, Lns8Optimizer, fit_lns8};
use crate::NnError;
use crate::data::Dataset;
use crate::train::{Progress, TrainConfig, TrainReport};

/// The one-byte formats by name: the word `LogNum8<3, A>` (3 fraction
/// bits, a range of `2^±7.9` around each tensor's offset) with the log-add
/// `A` in the 16-bit sums.
///
/// ```
/// use lognum_nn::lns8::Lns8Format;
/// assert_eq!("lns8-lut".parse::<Lns8Format>()?, Lns8Format::Lut);
/// assert_eq!(Lns8Format::Exact.to_string(), "lns8-exact");
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lns8Format {
    /// `lns8-exact`: correctly rounded Δ in the sums.
    Exact,
    /// `lns8-lut`: the paper's 20-entry table in the sums.
    Lut,
    /// `lns8-shift`: the paper's bit-shift Δ in the sums.
    Shift,
}

/// The fraction bits of the one-byte formats.
pub const LNS8_FRAC: u32 = 3;

impl Lns8Format {
    /// Every one-byte format.
    ///
    /// ```
    /// assert_eq!(lognum_nn::lns8::Lns8Format::ALL.len(), 3);
    /// ```
    pub const ALL: [Lns8Format; 3] = [Lns8Format::Exact, Lns8Format::Lut, Lns8Format::Shift];

    /// The name, as parsed and reported.
    ///
    /// ```
    /// assert_eq!(lognum_nn::lns8::Lns8Format::Shift.name(), "lns8-shift");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Lns8Format::Exact => "lns8-exact",
            Lns8Format::Lut => "lns8-lut",
            Lns8Format::Shift => "lns8-shift",
        }
    }
}

impl fmt::Display for Lns8Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for Lns8Format {
    type Err = NnError;
    /// A name of [`ALL`](Self::ALL), ASCII case-insensitive.
    fn from_str(s: &str) -> Result<Self, NnError> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| NnError::UnknownFormat {
                name: s.to_string(),
                valid: Self::ALL.iter().map(|f| f.name()).collect(),
            })
    }
}

/// The one-byte optimiser that `cfg` asks for: SGD, or Madam with the
/// paper's SGD rate for the biases. Adam has no one-byte form.
fn lns8_optimizer(cfg: &TrainConfig) -> Result<Lns8Optimizer, NnError> {
    match cfg.optimizer {
        crate::optim::OptimizerKind::Sgd { momentum: 0.0 } => Ok(Lns8Optimizer::Sgd),
        crate::optim::OptimizerKind::Madam {
            p_scale,
            g_bound,
            beta,
        } => Ok(Lns8Optimizer::Madam {
            p_scale,
            g_bound,
            beta,
            bias_lr: TrainConfig::default().lr,
        }),
        other => Err(NnError::Config {
            field: "optimizer",
            reason: format!("one-byte LNS trains with sgd (no momentum) or madam, not {other}"),
        }),
    }
}

/// [`fit_lns8`] in the one-byte format `format`, with the optimiser of
/// `cfg.optimizer` (SGD without momentum, or Madam).
///
/// ```
/// use lognum_nn::data::Dataset;
/// use lognum_nn::lns8::{train_lns8, Lns8Format};
/// use lognum_nn::train::TrainConfig;
/// let ds = Dataset::new(vec![0u8; 784], 28, 28, vec![3], 10);
/// let cfg = TrainConfig { epochs: 1, ..TrainConfig::default() };
/// let r = train_lns8(Lns8Format::Lut, &ds, &ds, &cfg, &mut |_| {})?;
/// assert_eq!(r.format, "lns8-lut");
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn train_lns8(
    format: Lns8Format,
    train: &Dataset,
    test: &Dataset,
    cfg: &TrainConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<TrainReport, NnError> {
    let opt = lns8_optimizer(cfg)?;
    let mut report = match format {
        Lns8Format::Exact => fit_lns8::<LNS8_FRAC, Exact>(train, test, cfg, &opt, progress),
        Lns8Format::Lut => fit_lns8::<LNS8_FRAC, Lut>(train, test, cfg, &opt, progress),
        Lns8Format::Shift => fit_lns8::<LNS8_FRAC, BitShift>(train, test, cfg, &opt, progress),
    }?;
    report.format = format.name().into();
    Ok(report)
}

/// The test accuracy on `test` (in batches of `batch`) of the one-byte
/// network saved at `path` in format `format` ([`Lns8Mlp::load`], then
/// [`Lns8Mlp::evaluate`]): what `lognum eval` reports for a one-byte
/// checkpoint.
///
/// ```
/// use lognum_nn::data::Dataset;
/// use lognum_nn::lns8::{evaluate_lns8_file, Lns8Format};
/// use lognum_nn::train::TrainConfig;
/// let ds = Dataset::new(vec![0u8; 784], 28, 28, vec![3], 10);
/// let path = std::env::temp_dir().join("lognum-nn-doc-lns8-eval.safetensors");
/// let cfg = TrainConfig { epochs: 1, checkpoint: Some(path.clone()), ..TrainConfig::default() };
/// let r = lognum_nn::lns8::train_lns8(Lns8Format::Shift, &ds, &ds, &cfg, &mut |_| {})?;
/// assert_eq!(evaluate_lns8_file(Lns8Format::Shift, &path, &ds, cfg.eval_batch)?, r.test_accuracy);
/// assert!(evaluate_lns8_file(Lns8Format::Lut, &path, &ds, cfg.eval_batch).is_err());
/// # std::fs::remove_file(path).ok();
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn evaluate_lns8_file(
    format: Lns8Format,
    path: &Path,
    test: &Dataset,
    batch: usize,
) -> Result<f64, NnError> {
    match format {
        Lns8Format::Exact => Lns8Mlp::<LNS8_FRAC, Exact>::load(path)?.evaluate(test, batch),
        Lns8Format::Lut => Lns8Mlp::<LNS8_FRAC, Lut>::load(path)?.evaluate(test, batch),
        Lns8Format::Shift => Lns8Mlp::<LNS8_FRAC, BitShift>::load(path)?.evaluate(test, batch),
    }
}

/// The values of every parameter of a one-byte checkpoint in format
/// `format`, by tensor name (see [`Lns8Mlp::from_bytes`]).
pub(crate) fn lns8_values(
    format: Lns8Format,
    bytes: &[u8],
) -> Result<Vec<(String, Vec<f64>)>, NnError> {
    match format {
        Lns8Format::Exact => Lns8Mlp::<LNS8_FRAC, Exact>::from_bytes(bytes)?.values_f64(),
        Lns8Format::Lut => Lns8Mlp::<LNS8_FRAC, Lut>::from_bytes(bytes)?.values_f64(),
        Lns8Format::Shift => Lns8Mlp::<LNS8_FRAC, BitShift>::from_bytes(bytes)?.values_f64(),
    }
}
