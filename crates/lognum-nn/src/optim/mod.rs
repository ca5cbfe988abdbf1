//! Optimisers, in the number type's own arithmetic: [`Sgd`], [`Adam`] and
//! [`Madam`], all behind the [`Optimizer`] trait, each applying its update
//! by an [`UpdateRule`].
//!
//! # SGD
//!
//! One step, for every parameter `w` with gradient `g` (the batch *sum* of
//! per-example gradients) and `η = lr / batch` converted once to `T`:
//!
//! ```text
//! d = g ⊞ (λ ⊡ w)            (weight decay λ, skipped when λ = 0)
//! v = (μ ⊡ v) ⊞ d; d = v     (momentum μ, skipped when μ = 0)
//! w = w ⊟ (η ⊡ d)
//! ```
//!
//! All of it is `T` arithmetic: for LNS `⊡` is an integer add of logs and
//! `⊟`/`⊞` go through the format's log-add approximation.
//!
//! # The update stall in LNS, and [`UpdateRule`]
//!
//! With the paper's 20-entry table (`Δ = 0` for `d ≥ 10`), `w ⊟ u` leaves
//! `w` unchanged whenever `|u| < |w|·2^-10`; even a correctly rounded 16-bit
//! LNS loses updates below about `|w|·2^-11.5` (half a code), and the 12-bit
//! word (6 fraction bits) below `|w|·2^-7.5` or so. With `lr = 0.01`, batch 5,
//! many updates of the first layer fall below that once the loss is small,
//! and learning slows or stops. Three rules are offered:
//!
//! - [`UpdateRule::Native`]: the paper's `w ⊟ η⊡g` in `T`.
//! - [`UpdateRule::WideMaster`] (default): a master copy of every parameter
//!   in [`NnScalar::Wide`] (for LNS [`WideMaster`](crate::WideMaster), a
//!   32-bit word with 20 fraction bits and an integer-only interpolated Δ
//!   reaching `d = 24`); the update is applied there and the master rounded
//!   to `T` for the next forward pass. Small updates accumulate instead of
//!   vanishing. Costs 4 more bytes per parameter.
//! - [`UpdateRule::Stochastic`]: no master copy; the update is computed in
//!   the wide type and rounded to `T` stochastically, unbiased in
//!   expectation. Weights stay 16 (or 12) bits.
//!
//! The forward and backward passes are entirely in `T` under every rule.
//!
//! The native rule loses accuracy in the coarser words and approximations;
//! both wide rules recover it: `docs/REPRODUCTION.md` ("What makes the
//! coarse formats train stably") measures the three, with the commands.
//!
//! # Madam
//!
//! [`Madam`] sidesteps the stall differently: its update multiplies a
//! weight by a power of two, which in LNS is an integer add to the log
//! code, exact and never lost to the log-add; it keeps no master copy, and
//! the rule only chooses its rounding (stochastic, or to nearest).

use std::fmt;
use std::str::FromStr;

use crate::layers::ParamMut;
use crate::{NnError, NnScalar};

/// `Display` as `name()` and `FromStr` from any name of `ALL` (ASCII
/// case-insensitive; an unknown one is a [`NnError::Config`] of `$field`
/// listing the names), for the enums of this module named by strings.
macro_rules! named_by_str {
    ($ty:ty, $field:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.name())
            }
        }

        impl FromStr for $ty {
            type Err = NnError;
            fn from_str(s: &str) -> Result<Self, NnError> {
                Self::ALL
                    .into_iter()
                    .find(|r| r.name().eq_ignore_ascii_case(s.trim()))
                    .ok_or_else(|| NnError::Config {
                        field: $field,
                        reason: format!(
                            "{s:?} is not one of: {}",
                            Self::ALL.map(Self::name).join(", ")
                        ),
                    })
            }
        }
    };
}

mod adam;
mod madam;
mod schedule;
mod sgd;

pub use adam::Adam;
pub use madam::Madam;
pub use schedule::LrSchedule;
pub use sgd::Sgd;

/// The stream of [`Rng::with_stream`](crate::rng::Rng::with_stream) used for
/// stochastic rounding, apart from the batch orders (streams = epochs) of
/// the same seed.
pub(crate) const STOCHASTIC_STREAM: u64 = 0x5eed_0f5e;

/// An optimiser: updates parameters from their gradients.
///
/// `params` must be the same list, in the same order, at every step (the
/// optimiser keeps per-parameter state); `batch` is the number of examples
/// whose gradients were summed.
///
/// ```
/// use lognum_nn::layers::ParamMut;
/// use lognum_nn::optim::{Adam, Madam, Optimizer, Sgd, UpdateRule};
/// let mut opts: Vec<Box<dyn Optimizer<f32>>> = vec![
///     Box::new(Sgd::new(0.1, 0.0, 0.0, UpdateRule::Native)),
///     Box::new(Adam::new(0.1, UpdateRule::Native)),
///     Box::new(Madam::new(0.1, UpdateRule::Native)),
/// ];
/// for opt in &mut opts {
///     let (mut w, g) = (vec![1.0f32], vec![1.0f32]);
///     opt.step(vec![ParamMut { value: &mut w, grad: &g }], 1);
///     assert!(w[0] < 1.0);
///     opt.set_lr(0.05);
///     assert_eq!(opt.lr(), 0.05);
/// }
/// ```
pub trait Optimizer<T: NnScalar>: Send {
    /// One update for a batch of `batch` examples.
    fn step(&mut self, params: Vec<ParamMut<'_, T>>, batch: usize);

    /// The learning rate of the following steps ([`LrSchedule`]s call
    /// this before every step). A rate that is not finite and positive is
    /// the caller's error: the training loop only passes validated rates.
    fn set_lr(&mut self, lr: f64);

    /// The learning rate of the next step.
    fn lr(&self) -> f64;
}

/// Which optimiser the training loop uses, with the hyper-parameters that
/// are not shared (the learning rate, the weight decay and the update rule
/// are [`TrainConfig`](crate::train::TrainConfig)'s).
///
/// ```
/// use lognum_nn::optim::OptimizerKind;
/// assert_eq!("adam".parse::<OptimizerKind>().unwrap(), OptimizerKind::adam());
/// assert_eq!(OptimizerKind::Sgd { momentum: 0.0 }.to_string(), "sgd");
/// assert!("rmsprop".parse::<OptimizerKind>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OptimizerKind {
    /// [`Sgd`] with this momentum (0 disables it; the paper's).
    Sgd {
        /// Momentum, in `[0, 1)`.
        momentum: f64,
    },
    /// [`Adam`] with these moment decays and ε.
    Adam {
        /// Decay of the first moment, in `[0, 1)` (default 0.9).
        beta1: f64,
        /// Decay of the second moment, in `[0, 1)` (default 0.999).
        beta2: f64,
        /// Added to the root of the second moment (default 1e-8).
        eps: f64,
    },
    /// [`Madam`]: multiplicative updates (integer adds to the log code in
    /// LNS); the [`UpdateRule`] chooses nearest or stochastic rounding.
    Madam {
        /// Clamp of every weight's magnitude, in units of its tensor's
        /// initial RMS (finite, positive; default 3).
        p_scale: f64,
        /// Bound on the normalised gradient (finite, positive; default 10).
        g_bound: f64,
        /// Decay of the second moment, in `[0, 1)` (default 0.999).
        beta: f64,
    },
}

impl Default for OptimizerKind {
    fn default() -> Self {
        OptimizerKind::Sgd { momentum: 0.0 }
    }
}

impl OptimizerKind {
    /// Adam with Kingma and Ba's defaults: β1 = 0.9, β2 = 0.999, ε = 1e-8.
    ///
    /// ```
    /// use lognum_nn::optim::OptimizerKind;
    /// assert!(matches!(OptimizerKind::adam(), OptimizerKind::Adam { beta1: 0.9, .. }));
    /// ```
    pub const fn adam() -> Self {
        OptimizerKind::Adam {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }

    /// Madam with the defaults of Bernstein et al.: `p_scale` 3,
    /// `g_bound` 10, β 0.999.
    ///
    /// ```
    /// use lognum_nn::optim::OptimizerKind;
    /// assert!(matches!(OptimizerKind::madam(), OptimizerKind::Madam { p_scale: 3.0, .. }));
    /// ```
    pub const fn madam() -> Self {
        OptimizerKind::Madam {
            p_scale: 3.0,
            g_bound: 10.0,
            beta: 0.999,
        }
    }

    /// The name: `"sgd"`, `"adam"` or `"madam"`.
    ///
    /// ```
    /// assert_eq!(lognum_nn::optim::OptimizerKind::adam().name(), "adam");
    /// ```
    pub const fn name(&self) -> &'static str {
        match self {
            OptimizerKind::Sgd { .. } => "sgd",
            OptimizerKind::Adam { .. } => "adam",
            OptimizerKind::Madam { .. } => "madam",
        }
    }

    /// Checks the hyper-parameters, naming the first bad one.
    ///
    /// ```
    /// use lognum_nn::optim::OptimizerKind;
    /// assert!(OptimizerKind::Sgd { momentum: 1.0 }.validate().is_err());
    /// assert!(OptimizerKind::Adam { beta1: 0.9, beta2: 0.999, eps: -1.0 }.validate().is_err());
    /// let madam = |p_scale| OptimizerKind::Madam { p_scale, g_bound: 10.0, beta: 0.999 };
    /// assert!(madam(3.0).validate().is_ok());
    /// assert!(madam(-1.0).validate().unwrap_err().to_string().contains("p_scale"));
    /// assert!(madam(f64::NAN).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), NnError> {
        let unit = |field, v: f64| {
            if (0.0..1.0).contains(&v) {
                Ok(())
            } else {
                Err(NnError::Config {
                    field,
                    reason: format!("must be in [0, 1), got {v}"),
                })
            }
        };
        let positive = |field, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(NnError::Config {
                    field,
                    reason: format!("must be finite and positive, got {v}"),
                })
            }
        };
        match *self {
            OptimizerKind::Sgd { momentum } => unit("momentum", momentum),
            OptimizerKind::Madam {
                p_scale,
                g_bound,
                beta,
            } => {
                positive("p_scale", p_scale)?;
                positive("g_bound", g_bound)?;
                unit("beta", beta)
            }
            OptimizerKind::Adam { beta1, beta2, eps } => {
                unit("beta1", beta1)?;
                unit("beta2", beta2)?;
                if eps.is_finite() && eps >= 0.0 {
                    Ok(())
                } else {
                    Err(NnError::Config {
                        field: "eps",
                        reason: format!("must be finite and non-negative, got {eps}"),
                    })
                }
            }
        }
    }

    /// The optimiser, ready for its first step. Madam has no weight decay
    /// (its clamp bounds the weights) and ignores `weight_decay`.
    ///
    /// ```
    /// use lognum_nn::optim::{OptimizerKind, UpdateRule};
    /// let _opt = OptimizerKind::adam().build::<f32>(1e-3, 0.0, UpdateRule::WideMaster, 1);
    /// ```
    pub fn build<T: NnScalar>(
        &self,
        lr: f64,
        weight_decay: f64,
        rule: UpdateRule,
        seed: u64,
    ) -> Box<dyn Optimizer<T>> {
        match *self {
            OptimizerKind::Sgd { momentum } => {
                Box::new(Sgd::new(lr, momentum, weight_decay, rule).with_seed(seed))
            }
            OptimizerKind::Adam { beta1, beta2, eps } => Box::new(
                Adam::new(lr, rule)
                    .with_betas(beta1, beta2)
                    .with_eps(eps)
                    .with_weight_decay(weight_decay)
                    .with_seed(seed),
            ),
            OptimizerKind::Madam {
                p_scale,
                g_bound,
                beta,
            } => Box::new(
                Madam::new(lr, rule)
                    .with_p_scale(p_scale)
                    .with_g_bound(g_bound)
                    .with_beta(beta)
                    .with_seed(seed),
            ),
        }
    }
}

impl fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for OptimizerKind {
    type Err = NnError;
    /// `sgd` (no momentum), `adam` (the defaults of [`OptimizerKind::adam`])
    /// or `madam` (those of [`OptimizerKind::madam`]).
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sgd" => Ok(OptimizerKind::default()),
            "adam" => Ok(OptimizerKind::adam()),
            "madam" => Ok(OptimizerKind::madam()),
            _ => Err(NnError::Config {
                field: "optimizer",
                reason: format!("{s:?} is not one of: sgd, adam, madam"),
            }),
        }
    }
}

/// How the optimiser applies an update to the weights.
///
/// ```
/// use lognum_nn::optim::UpdateRule;
/// assert_eq!("wide-master".parse::<UpdateRule>().unwrap(), UpdateRule::WideMaster);
/// assert_eq!(UpdateRule::Native.to_string(), "native");
/// assert!("foo".parse::<UpdateRule>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum UpdateRule {
    /// `w ⊟ η⊡g` in `T` itself, as in the paper (stalls for LNS; see the
    /// module docs).
    Native,
    /// Master weights in [`NnScalar::Wide`], rounded to `T` after each step.
    #[default]
    WideMaster,
    /// No master copy: each step computes `w ⊟ η⊡g` in [`NnScalar::Wide`]
    /// and rounds the result to `T` stochastically
    /// ([`NnScalar::narrow_stochastic`]), so that an update too small to
    /// move `w` still moves it with the right probability.
    Stochastic,
}

impl UpdateRule {
    /// Every rule.
    pub const ALL: [UpdateRule; 3] = [
        UpdateRule::Native,
        UpdateRule::WideMaster,
        UpdateRule::Stochastic,
    ];

    /// The rule's name.
    ///
    /// ```
    /// assert_eq!(lognum_nn::optim::UpdateRule::WideMaster.name(), "wide-master");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            UpdateRule::Native => "native",
            UpdateRule::WideMaster => "wide-master",
            UpdateRule::Stochastic => "stochastic",
        }
    }
}

named_by_str!(UpdateRule, "update");
