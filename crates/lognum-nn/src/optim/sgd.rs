//! Stochastic gradient descent with momentum and weight decay.

use lognum_tensor::Scalar;
use num_traits::Zero;

use super::{Optimizer, STOCHASTIC_STREAM, UpdateRule};
use crate::NnScalar;
use crate::layers::ParamMut;
use crate::rng::Rng;

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

    /// One step for a batch of `batch` examples (the [`Optimizer`] method,
    /// also callable without the trait in scope). `params` must be the same
    /// list, in the same order, at every step.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_nn::layers::ParamMut;
    /// use lognum_nn::optim::{Sgd, UpdateRule};
    /// type L = LogNum<10>;
    /// // An update 2^-12 times the weight: lost natively, kept by the master.
    /// let g = vec![L::from_f64(1.0 / 4096.0)];
    /// for (rule, moved) in [(UpdateRule::Native, false), (UpdateRule::WideMaster, true)] {
    ///     let mut sgd = Sgd::<L>::new(1.0, 0.0, 0.0, rule);
    ///     let mut w = vec![L::ONE];
    ///     for _ in 0..100 {
    ///         sgd.step(vec![ParamMut { value: &mut w, grad: &g }], 1);
    ///     }
    ///     assert_eq!(w[0] != L::ONE, moved);
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

impl<T: NnScalar> Optimizer<T> for Sgd<T> {
    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    fn lr(&self) -> f64 {
        self.lr
    }

    fn step(&mut self, params: Vec<ParamMut<'_, T>>, batch: usize) {
        Sgd::step(self, params, batch);
    }
}

/// The step's constants, converted once per step.
pub(super) struct Consts<W> {
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
            eta: W::from_f64_lossy(eta),
            momentum: (momentum != 0.0).then(|| W::from_f64_lossy(momentum)),
            decay: (decay != 0.0).then(|| W::from_f64_lossy(decay)),
            plain: momentum == 0.0 && decay == 0.0,
        }
    }

    #[inline(always)]
    fn update(&self, w: W, g: W, v: &mut W) -> W {
        let mut d = g;
        if let Some(l) = self.decay {
            d = d.scalar_add(l.scalar_mul(w));
        }
        if let Some(mu) = self.momentum {
            *v = mu.scalar_mul(*v).scalar_add(d);
            d = *v;
        }
        w.scalar_sub(self.eta.scalar_mul(d))
    }
}
