//! Stochastic gradient descent, in the number type's own arithmetic.
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
//! Measured (MLP, MNIST subset: 8,000 training / 2,000 test images,
//! 10 epochs, paper hyper-parameters, seed 1, label gradient
//! [`Complement`](crate::loss::LabelGrad::Complement)), test accuracy %:
//!
//! | format | native | wide-master | stochastic |
//! |---|---|---|---|
//! | lns16-lut | 92.45 | 93.50 | 93.75 |
//! | lns12-lut | 89.05 | 93.25 | 92.85 |
//! | lns16-shift | 89.65 | 92.40 | 92.10 |
//! | lns12-shift | 83.65 | 91.70 | 91.30 |
//! | f32 (reference) | 93.25 | 93.25 | — |
//!
//! The native rule costs 1 to 9 points, most for the coarser words and
//! approximations; both wide rules recover it.

use std::fmt;
use std::str::FromStr;

use lognum_tensor::Scalar;

use crate::layers::ParamMut;
use crate::rng::Rng;
use crate::{NnError, NnScalar};

/// The stream of [`Rng::with_stream`] used for stochastic rounding, apart
/// from the batch orders (streams = epochs) of the same seed.
const STOCHASTIC_STREAM: u64 = 0x5eed_0f5e;

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

impl fmt::Display for UpdateRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for UpdateRule {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        Self::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| NnError::Config {
                field: "update",
                reason: format!("{s:?} is not one of: native, wide-master, stochastic"),
            })
    }
}

/// SGD with momentum and weight decay.
///
/// ```
/// use lognum_nn::layers::ParamMut;
/// use lognum_nn::optim::{Sgd, UpdateRule};
/// let mut sgd = Sgd::<f32>::new(0.5, 0.0, 0.0, UpdateRule::Native);
/// let (mut w, g) = (vec![1.0f32], vec![1.0f32]);
/// sgd.step(vec![ParamMut { value: &mut w, grad: &g }], 1);
/// assert_eq!(w, vec![0.5]);
/// ```
#[derive(Clone, Debug)]
pub struct Sgd<T: NnScalar> {
    lr: f64,
    momentum: f64,
    weight_decay: f64,
    rule: UpdateRule,
    velocity: Vec<Vec<T>>,
    wide_velocity: Vec<Vec<T::Wide>>,
    master: Vec<Vec<T::Wide>>,
    rng: Rng,
}

impl<T: NnScalar> Sgd<T> {
    /// An optimiser; state (velocity, master weights) is created on the first
    /// step from the parameters it is given.
    ///
    /// ```
    /// let _ = lognum_nn::optim::Sgd::<f32>::new(0.01, 0.9, 1e-3, Default::default());
    /// ```
    pub fn new(lr: f64, momentum: f64, weight_decay: f64, rule: UpdateRule) -> Self {
        Self {
            lr,
            momentum,
            weight_decay,
            rule,
            velocity: Vec::new(),
            wide_velocity: Vec::new(),
            master: Vec::new(),
            rng: Rng::with_stream(0, STOCHASTIC_STREAM),
        }
    }

    /// Seeds the generator of [`UpdateRule::Stochastic`] (default seed 0).
    ///
    /// ```
    /// let _ = lognum_nn::optim::Sgd::<f32>::new(0.01, 0.0, 0.0, Default::default()).with_seed(7);
    /// ```
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.rng = Rng::with_stream(seed, STOCHASTIC_STREAM);
        self
    }

    /// One step for a batch of `batch` examples. `params` must be the same
    /// list, in the same order, at every step.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_nn::layers::ParamMut;
    /// use lognum_nn::optim::{Sgd, UpdateRule};
    /// use lognum_tensor::Scalar;
    /// type L = LogNum<10>;
    /// // An update 2^-12 times the weight: lost natively, kept by the master.
    /// let g = vec![L::from_f64(1.0 / 4096.0)];
    /// for (rule, moved) in [(UpdateRule::Native, false), (UpdateRule::WideMaster, true)] {
    ///     let mut sgd = Sgd::<L>::new(1.0, 0.0, 0.0, rule);
    ///     let mut w = vec![L::one()];
    ///     for _ in 0..100 {
    ///         sgd.step(vec![ParamMut { value: &mut w, grad: &g }], 1);
    ///     }
    ///     assert_eq!(w[0] != L::one(), moved);
    /// }
    /// ```
    pub fn step(&mut self, params: Vec<ParamMut<'_, T>>, batch: usize) {
        let eta = self.lr / batch.max(1) as f64;
        if self.rule == UpdateRule::Native {
            if self.velocity.len() != params.len() {
                self.velocity = params
                    .iter()
                    .map(|p| vec![T::zero(); p.value.len()])
                    .collect();
            }
            let c = Consts::<T>::new(eta, self.momentum, self.weight_decay);
            let zero = T::zero();
            for (p, v) in params.into_iter().zip(&mut self.velocity) {
                for ((w, &g), v) in p.value.iter_mut().zip(p.grad).zip(v.iter_mut()) {
                    if !(c.plain && g == zero) {
                        *w = c.update(*w, g, v);
                    }
                }
            }
            return;
        }
        if self.wide_velocity.len() != params.len() {
            self.wide_velocity = params
                .iter()
                .map(|p| vec![T::Wide::zero(); p.value.len()])
                .collect();
        }
        let c = Consts::<T::Wide>::new(eta, self.momentum, self.weight_decay);
        let zero = T::zero();
        if self.rule == UpdateRule::Stochastic {
            for (p, v) in params.into_iter().zip(&mut self.wide_velocity) {
                for ((w, &g), v) in p.value.iter_mut().zip(p.grad).zip(v.iter_mut()) {
                    if c.plain && g == zero {
                        continue;
                    }
                    let wide = c.update(w.widen(), g.widen(), v);
                    *w = T::narrow_stochastic(wide, self.rng.next_u32());
                }
            }
            return;
        }
        if self.master.len() != params.len() {
            self.master = params
                .iter()
                .map(|p| p.value.iter().map(|&w| w.widen()).collect())
                .collect();
        }
        if c.plain {
            for (p, m) in params.into_iter().zip(&mut self.master) {
                T::sgd_master_step(c.eta, p.grad, m, p.value);
            }
            return;
        }
        for ((p, m), v) in params
            .into_iter()
            .zip(&mut self.master)
            .zip(&mut self.wide_velocity)
        {
            for (((w, &g), m), v) in p
                .value
                .iter_mut()
                .zip(p.grad)
                .zip(m.iter_mut())
                .zip(v.iter_mut())
            {
                if !(c.plain && g == zero) {
                    *m = c.update(*m, g.widen(), v);
                    *w = T::narrow(*m);
                }
            }
        }
    }
}

/// The step's constants, converted once per step.
struct Consts<W> {
    eta: W,
    momentum: Option<W>,
    decay: Option<W>,
    /// No momentum and no decay: a zero gradient leaves the weight as it is,
    /// and the step skips it. (Most first-layer gradients of the MLP are
    /// exactly zero: they multiply background pixels, which are zero.)
    plain: bool,
}

impl<W: Scalar> Consts<W> {
    fn new(eta: f64, momentum: f64, decay: f64) -> Self {
        Self {
            eta: W::from_f64(eta),
            momentum: (momentum != 0.0).then(|| W::from_f64(momentum)),
            decay: (decay != 0.0).then(|| W::from_f64(decay)),
            plain: momentum == 0.0 && decay == 0.0,
        }
    }

    #[inline(always)]
    fn update(&self, w: W, g: W, v: &mut W) -> W {
        let mut d = g;
        if let Some(l) = self.decay {
            d = d.add(l.mul(w));
        }
        if let Some(mu) = self.momentum {
            *v = mu.mul(*v).add(d);
            d = *v;
        }
        w.sub(self.eta.mul(d))
    }
}
