//! Adam (Kingma and Ba, 2015) in the number type's own arithmetic.

use lognum_tensor::Scalar;
use num_traits::Zero;
use rayon::prelude::*;

use super::{Optimizer, STOCHASTIC_STREAM, UpdateRule};
use crate::NnScalar;
use crate::layers::ParamMut;
use crate::rng::Rng;

/// Adam: per-parameter steps scaled by running moments of the gradient.
///
/// One step `t` (from 1), for every parameter `w` with batch-sum gradient
/// `g` over `batch` examples, in [`NnScalar::Wide`] arithmetic:
///
/// ```text
/// d = g ⊡ (1/batch) ⊞ λ ⊡ w                 (mean gradient; weight decay λ if set)
/// m = β1 ⊡ m ⊞ (1 − β1) ⊡ d
/// v = β2 ⊡ v ⊞ (1 − β2) ⊡ (d ⊡ d)
/// w = w ⊟ αₜ ⊡ m ⊘ (√v ⊞ ε̂)
/// ```
///
/// with the bias corrections folded into the constants,
/// `αₜ = lr·√(1 − β2ᵗ)/(1 − β1ᵗ)` and `ε̂ = ε·√(1 − β2ᵗ)` (Kingma and Ba,
/// section 2), computed in f64 and converted once per step. For LNS the
/// square, the square root and the division are exact operations on the
/// log (a shift, a halving, a subtraction); only the three sums go through
/// the log-add approximation. The moments live in the wide type
/// ([`WideMaster`](crate::WideMaster) for LNS, `f64` for `f32`), and the
/// [`UpdateRule`] says where the final subtraction happens:
///
/// - [`WideMaster`](UpdateRule::WideMaster): on a wide master copy, rounded
///   to `T` after each step;
/// - [`Native`](UpdateRule::Native): on `T` itself, the step rounded to `T`
///   first (small steps are lost as with SGD);
/// - [`Stochastic`](UpdateRule::Stochastic): in the wide type, rounded to
///   `T` stochastically.
///
/// ```
/// use lognum::LogNum;
/// use lognum_nn::layers::ParamMut;
/// use lognum_nn::optim::{Adam, Optimizer, UpdateRule};
/// type L = LogNum<10>;
/// // Adam's first step moves every weight by about lr, whatever the gradient's size.
/// let mut adam = Adam::<L>::new(0.01, UpdateRule::WideMaster);
/// let mut w = vec![L::ONE, L::ONE];
/// let g = vec![L::from_f64(1e-3), L::from_f64(-50.0)];
/// adam.step(vec![ParamMut { value: &mut w, grad: &g }], 1);
/// assert!((w[0].to_f64() - 0.99).abs() < 1e-3);
/// assert!((w[1].to_f64() - 1.01).abs() < 1e-3);
/// ```
#[derive(Clone, Debug)]
pub struct Adam<T: NnScalar> {
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    rule: UpdateRule,
    t: u64,
    m: Vec<Vec<T::Wide>>,
    v: Vec<Vec<T::Wide>>,
    master: Vec<Vec<T::Wide>>,
    rng: Rng,
}

impl<T: NnScalar> Adam<T> {
    /// Adam with learning rate `lr` and Kingma and Ba's defaults
    /// (β1 = 0.9, β2 = 0.999, ε = 1e-8), no weight decay. State is created
    /// on the first step.
    ///
    /// ```
    /// let _ = lognum_nn::optim::Adam::<f32>::new(1e-3, Default::default());
    /// ```
    pub fn new(lr: f64, rule: UpdateRule) -> Self {
        Self {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            rule,
            t: 0,
            m: Vec::new(),
            v: Vec::new(),
            master: Vec::new(),
            rng: Rng::with_stream(0, STOCHASTIC_STREAM),
        }
    }

    /// Sets the moment decays β1 and β2.
    ///
    /// ```
    /// let _ = lognum_nn::optim::Adam::<f32>::new(1e-3, Default::default()).with_betas(0.8, 0.99);
    /// ```
    #[must_use]
    pub fn with_betas(mut self, beta1: f64, beta2: f64) -> Self {
        (self.beta1, self.beta2) = (beta1, beta2);
        self
    }

    /// Sets ε.
    ///
    /// ```
    /// let _ = lognum_nn::optim::Adam::<f32>::new(1e-3, Default::default()).with_eps(1e-6);
    /// ```
    #[must_use]
    pub fn with_eps(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }

    /// Sets the L2 weight decay λ (added to the gradient, as in the original
    /// Adam; not the decoupled AdamW).
    ///
    /// ```
    /// let _ = lognum_nn::optim::Adam::<f32>::new(1e-3, Default::default()).with_weight_decay(1e-4);
    /// ```
    #[must_use]
    pub fn with_weight_decay(mut self, weight_decay: f64) -> Self {
        self.weight_decay = weight_decay;
        self
    }

    /// Seeds the generator of [`UpdateRule::Stochastic`] (default seed 0).
    ///
    /// ```
    /// let _ = lognum_nn::optim::Adam::<f32>::new(1e-3, Default::default()).with_seed(3);
    /// ```
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.rng = Rng::with_stream(seed, STOCHASTIC_STREAM);
        self
    }
}

/// Elements per parallel task of a step.
const CHUNK: usize = 4096;

/// One step's constants, in the wide type.
struct Consts<W> {
    inv_batch: W,
    b1: W,
    b1c: W,
    b2: W,
    b2c: W,
    alpha: W,
    eps: W,
    decay: Option<W>,
}

impl<W: Scalar> Consts<W> {
    /// Updates the moments of one parameter (its wide value `wide`, batch
    /// gradient `g`) and returns the step to subtract from it.
    #[inline]
    fn step<T: NnScalar<Wide = W>>(&self, wide: W, g: T, m: &mut W, v: &mut W) -> W {
        let mut d = g.widen().scalar_mul(self.inv_batch);
        if let Some(l) = self.decay {
            d = d.scalar_add(l.scalar_mul(wide));
        }
        *m = self.b1.scalar_mul(*m).scalar_add(self.b1c.scalar_mul(d));
        *v = self
            .b2
            .scalar_mul(*v)
            .scalar_add(self.b2c.scalar_mul(d.scalar_mul(d)));
        self.alpha
            .scalar_mul(*m)
            .scalar_div(T::wide_sqrt(*v).scalar_add(self.eps))
    }
}

impl<T: NnScalar> Optimizer<T> for Adam<T> {
    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    fn lr(&self) -> f64 {
        self.lr
    }

    fn step(&mut self, params: Vec<ParamMut<'_, T>>, batch: usize) {
        if self.m.len() != params.len() {
            let zeros = |p: &ParamMut<'_, T>| vec![T::Wide::zero(); p.value.len()];
            self.m = params.iter().map(zeros).collect();
            self.v = params.iter().map(zeros).collect();
            self.master = if self.rule == UpdateRule::WideMaster {
                params
                    .iter()
                    .map(|p| p.value.iter().map(|&w| w.widen()).collect())
                    .collect()
            } else {
                Vec::new()
            };
            self.t = 0;
        }
        self.t += 1;
        let t = self.t.min(i32::MAX as u64) as i32;
        let c1 = 1.0 - self.beta1.powi(t);
        let c2 = (1.0 - self.beta2.powi(t)).sqrt();
        let w = |x: f64| T::Wide::from_f64_lossy(x);
        let (inv_batch, b1, b1c, b2, b2c) = (
            w(1.0 / batch.max(1) as f64),
            w(self.beta1),
            w(1.0 - self.beta1),
            w(self.beta2),
            w(1.0 - self.beta2),
        );
        let k = Consts {
            inv_batch,
            b1,
            b1c,
            b2,
            b2c,
            alpha: w(self.lr * c2 / c1),
            eps: w(self.eps * c2),
            decay: (self.weight_decay != 0.0).then(|| w(self.weight_decay)),
        };
        let rule = self.rule;
        for (i, p) in params.into_iter().enumerate() {
            let (m, v) = (&mut self.m[i][..], &mut self.v[i][..]);
            match rule {
                // Each element's update is independent of the others, so
                // chunks run in parallel with the same bits as in sequence.
                UpdateRule::WideMaster => {
                    let master = &mut self.master[i][..];
                    p.value
                        .par_chunks_mut(CHUNK)
                        .zip(p.grad.par_chunks(CHUNK))
                        .zip(m.par_chunks_mut(CHUNK))
                        .zip(v.par_chunks_mut(CHUNK))
                        .zip(master.par_chunks_mut(CHUNK))
                        .for_each(|((((wt, g), m), v), master)| {
                            for j in 0..wt.len() {
                                let next = master[j]
                                    .scalar_sub(k.step(master[j], g[j], &mut m[j], &mut v[j]));
                                master[j] = next;
                                wt[j] = T::narrow(next);
                            }
                        });
                }
                UpdateRule::Native => {
                    p.value
                        .par_chunks_mut(CHUNK)
                        .zip(p.grad.par_chunks(CHUNK))
                        .zip(m.par_chunks_mut(CHUNK))
                        .zip(v.par_chunks_mut(CHUNK))
                        .for_each(|(((wt, g), m), v)| {
                            for j in 0..wt.len() {
                                let step = k.step(wt[j].widen(), g[j], &mut m[j], &mut v[j]);
                                wt[j] = wt[j].scalar_sub(T::narrow(step));
                            }
                        });
                }
                // One random stream in element order: sequential.
                UpdateRule::Stochastic => {
                    for (j, (wt, &g)) in p.value.iter_mut().zip(p.grad).enumerate() {
                        let wide = wt.widen();
                        let step = k.step(wide, g, &mut m[j], &mut v[j]);
                        *wt = T::narrow_stochastic(wide.scalar_sub(step), self.rng.next_u32());
                    }
                }
            }
        }
    }
}
