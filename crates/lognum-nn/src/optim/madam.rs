//! Madam (Bernstein et al., 2020) in its logarithmic form, LNS-Madam (Zhao
//! et al., 2022): multiplicative updates, which in a logarithmic number
//! system are integer adds to the log code.

use lognum_tensor::Scalar;
use num_traits::Zero;
use rayon::prelude::*;

use super::{Optimizer, STOCHASTIC_STREAM, UpdateRule};
use crate::NnScalar;
use crate::layers::ParamMut;
use crate::rng::Rng;

/// Madam: every weight is multiplied by a power of two set by its
/// normalised gradient, and clamped to a multiple of its tensor's initial
/// RMS.
///
/// One step `t` (from 1), for every parameter `w` with batch-sum gradient
/// `g` over `batch` examples:
///
/// ```text
/// d = g ⊡ (1/batch)                       (mean gradient)
/// v = β ⊡ v ⊞ (1 − β) ⊡ (d ⊡ d)           (second moment, in NnScalar::Wide)
/// ĝ = clamp(d · √(1 − βᵗ) / √v, ±g_bound)  (0 where v = 0)
/// w = w · 2^(−η · sign(w) · ĝ),  |w| ≤ p_scale · RMS₀
/// ```
///
/// with `η` the learning rate and `RMS₀` the root mean square of `w`'s
/// tensor at the first step. A weight's sign never changes and a nonzero
/// weight never becomes zero: the update only scales magnitudes.
///
/// **In LNS** (`LogNum<FRAC, A>`, [`WideLogNum`](lognum::WideLogNum)) the
/// multiplication is exactly an integer add to the log code of
/// `k = round(−η · 2^FRAC · sign(w) · ĝ)`, saturating at the format's
/// largest code and at its smallest nonzero one, and capped at the largest
/// code not above `p_scale · RMS₀` ([`NnScalar::scale_pow2`]): no log-add
/// approximation is involved. The second moment is kept in the wide type
/// ([`WideMaster`](crate::WideMaster) for LNS, with its square, square root
/// and division exact on the log and one log-add per step), and `ĝ` leaves
/// the log domain once, to become the integer `k`: the conversion of a
/// value to a log code, as in the softmax. For the linear formats the
/// product is computed in f64 and rounded to `T` once.
///
/// **Rounding.** [`UpdateRule::Stochastic`] rounds `k` (or the product)
/// stochastically with the seeded stream SGD's stochastic rule uses,
/// unbiased in expectation: a step of 0.3 codes moves the code by one with
/// probability 0.3. The other rules round to nearest: Madam keeps no
/// master copy (the weights are their own master; [`UpdateRule::WideMaster`]
/// means round to nearest as [`UpdateRule::Native`] does).
///
/// **Tensors whose initial RMS is zero** (the zero-initialised biases)
/// cannot move under a multiplicative update, and their clamp would be
/// zero. The reference implementations re-initialise such tensors randomly
/// before training; we keep the initialisation (so every optimiser starts
/// from the same network) and give those tensors Madam's additive
/// counterpart: `w = w − η · ĝ`, the same bounded normalised gradient
/// applied as an increment (Adam without momentum), computed in the wide
/// type and rounded (nearest or stochastically) to `T`, without a clamp.
/// For a weight near 1 this is the multiplicative step's size
/// (`|w|·(2^(η ĝ) − 1) ≈ 0.69 η ĝ`), and it keeps the learning rate's
/// meaning across the two kinds of tensor.
///
/// Zero gradients (most first-layer gradients, on background pixels) only
/// decay `v` and leave the weight as it is (after the first step, which
/// clamps every weight).
///
/// ```
/// use lognum::LogNum;
/// use lognum_nn::layers::ParamMut;
/// use lognum_nn::optim::{Madam, Optimizer, UpdateRule};
/// use lognum_tensor::Scalar;
/// type L = LogNum<10>;
/// // The first step normalises every gradient to ±1, whatever its size:
/// // with η = 4·2^-10 each weight moves by exactly four codes, against
/// // the sign of its gradient times its own sign.
/// let mut madam = Madam::<L>::new(4.0 / 1024.0, UpdateRule::Native);
/// let mut w = vec![L::from_f64(0.5), L::from_f64(-0.5)];
/// let before: Vec<u16> = w.iter().map(|x| x.to_bits()).collect();
/// let g = vec![L::from_f64(1e-3), L::from_f64(50.0)];
/// madam.step(vec![ParamMut { value: &mut w, grad: &g }], 1);
/// assert_eq!(w[0].to_bits(), before[0] - 4); // 0.5 · 2^(−4/1024)
/// assert_eq!(w[1].to_bits(), before[1] + 4); // −0.5 · 2^(4/1024)
/// ```
#[derive(Clone, Debug)]
pub struct Madam<T: NnScalar> {
    lr: f64,
    p_scale: f64,
    g_bound: f64,
    beta: f64,
    rule: UpdateRule,
    t: u64,
    v: Vec<Vec<T::Wide>>,
    /// Per tensor: `p_scale · RMS₀`, or `None` for a tensor whose initial
    /// RMS is zero (the additive update).
    bounds: Vec<Option<f64>>,
    rng: Rng,
}

impl<T: NnScalar> Madam<T> {
    /// The default `p_scale` (3), the clamp in units of the initial RMS.
    pub const P_SCALE: f64 = 3.0;
    /// The default `g_bound` (10), the bound on the normalised gradient.
    pub const G_BOUND: f64 = 10.0;
    /// The default decay of the second moment (0.999).
    pub const BETA: f64 = 0.999;

    /// Madam with learning rate `lr` (the exponent per unit of normalised
    /// gradient, base 2) and the defaults [`P_SCALE`](Self::P_SCALE),
    /// [`G_BOUND`](Self::G_BOUND) and [`BETA`](Self::BETA). State is created
    /// on the first step.
    ///
    /// ```
    /// let _ = lognum_nn::optim::Madam::<f32>::new(1.0 / 128.0, Default::default());
    /// ```
    pub fn new(lr: f64, rule: UpdateRule) -> Self {
        Self {
            lr,
            p_scale: Self::P_SCALE,
            g_bound: Self::G_BOUND,
            beta: Self::BETA,
            rule,
            t: 0,
            v: Vec::new(),
            bounds: Vec::new(),
            rng: Rng::with_stream(0, STOCHASTIC_STREAM),
        }
    }

    /// Sets `p_scale`: every weight's magnitude stays at most `p_scale`
    /// times its tensor's RMS at the first step.
    ///
    /// ```
    /// let _ = lognum_nn::optim::Madam::<f32>::new(0.01, Default::default()).with_p_scale(2.0);
    /// ```
    #[must_use]
    pub fn with_p_scale(mut self, p_scale: f64) -> Self {
        self.p_scale = p_scale;
        self
    }

    /// Sets `g_bound`, the bound on `|ĝ|`.
    ///
    /// ```
    /// let _ = lognum_nn::optim::Madam::<f32>::new(0.01, Default::default()).with_g_bound(5.0);
    /// ```
    #[must_use]
    pub fn with_g_bound(mut self, g_bound: f64) -> Self {
        self.g_bound = g_bound;
        self
    }

    /// Sets β, the decay of the second moment.
    ///
    /// ```
    /// let _ = lognum_nn::optim::Madam::<f32>::new(0.01, Default::default()).with_beta(0.99);
    /// ```
    #[must_use]
    pub fn with_beta(mut self, beta: f64) -> Self {
        self.beta = beta;
        self
    }

    /// Seeds the generator of [`UpdateRule::Stochastic`] (default seed 0).
    ///
    /// ```
    /// let _ = lognum_nn::optim::Madam::<f32>::new(0.01, Default::default()).with_seed(3);
    /// ```
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.rng = Rng::with_stream(seed, STOCHASTIC_STREAM);
        self
    }

    /// The clamp of each tensor, `p_scale · RMS₀` (`None` for the tensors
    /// updated additively), in the order of the parameters; empty before
    /// the first step.
    ///
    /// ```
    /// use lognum_nn::layers::ParamMut;
    /// use lognum_nn::optim::{Madam, Optimizer};
    /// let mut madam = Madam::<f32>::new(0.01, Default::default());
    /// let (mut w, mut b) = (vec![3.0f32, -4.0], vec![0.0f32]);
    /// let (gw, gb) = (vec![1.0f32, 1.0], vec![1.0f32]);
    /// madam.step(
    ///     vec![ParamMut { value: &mut w, grad: &gw }, ParamMut { value: &mut b, grad: &gb }],
    ///     1,
    /// );
    /// let rms = (12.5f64).sqrt();
    /// assert_eq!(madam.bounds(), &[Some(3.0 * rms), None]);
    /// assert!(b[0] < 0.0); // the zero bias moved, additively
    /// ```
    pub fn bounds(&self) -> &[Option<f64>] {
        &self.bounds
    }
}

/// Elements per parallel task of a step.
const CHUNK: usize = 4096;

/// One step's constants.
struct Consts<W> {
    inv_batch: W,
    beta: W,
    beta_c: W,
    /// `√(1 − βᵗ)`, the bias correction of `v` folded into the numerator.
    corr: W,
    g_bound: f64,
    lr: f64,
}

impl<W: Scalar> Consts<W> {
    /// Updates the second moment `v` of a parameter with batch gradient `g`
    /// and returns its normalised gradient `ĝ` (0 for a zero gradient).
    #[inline]
    fn ghat<T: NnScalar<Wide = W>>(&self, g: T, v: &mut W) -> f64 {
        if g == T::zero() {
            *v = self.beta.scalar_mul(*v);
            return 0.0;
        }
        let d = g.widen().scalar_mul(self.inv_batch);
        *v = self
            .beta
            .scalar_mul(*v)
            .scalar_add(self.beta_c.scalar_mul(d.scalar_mul(d)));
        let root = T::wide_sqrt(*v);
        if root == W::zero() {
            return 0.0;
        }
        let q = self.corr.scalar_mul(d).scalar_div(root).to_f64_lossy();
        if q.is_nan() {
            0.0
        } else {
            q.clamp(-self.g_bound, self.g_bound)
        }
    }

    /// The new value of `w` for normalised gradient `q`: multiplicative
    /// under the clamp `bound`, additive without one.
    #[inline]
    fn apply<T: NnScalar<Wide = W>>(&self, w: T, q: f64, bound: Option<f64>, r: Option<u32>) -> T {
        match bound {
            Some(max_abs) => {
                let e = if w.is_below_zero() {
                    self.lr * q
                } else {
                    -self.lr * q
                };
                w.scale_pow2(e, max_abs, r)
            }
            None => {
                let next = w.widen().scalar_sub(W::from_f64_lossy(self.lr * q));
                match r {
                    None => T::narrow(next),
                    Some(r) => T::narrow_stochastic(next, r),
                }
            }
        }
    }
}

/// `p_scale` times the root mean square of `w`, or `None` when that is zero
/// (or not finite).
fn clamp_of<T: NnScalar>(w: &[T], p_scale: f64) -> Option<f64> {
    let n = w.len().max(1) as f64;
    let rms = (w.iter().map(|x| x.to_f64_lossy().powi(2)).sum::<f64>() / n).sqrt();
    (rms > 0.0 && rms.is_finite()).then_some(p_scale * rms)
}

impl<T: NnScalar> Optimizer<T> for Madam<T> {
    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    fn lr(&self) -> f64 {
        self.lr
    }

    fn step(&mut self, params: Vec<ParamMut<'_, T>>, batch: usize) {
        if self.v.len() != params.len() {
            self.v = params
                .iter()
                .map(|p| vec![T::Wide::zero(); p.value.len()])
                .collect();
            self.bounds = params
                .iter()
                .map(|p| clamp_of(p.value, self.p_scale))
                .collect();
            self.t = 0;
        }
        self.t += 1;
        let t = self.t.min(i32::MAX as u64) as i32;
        // The clamp binds weights already above it at the first step; later
        // a weight whose gradient is zero stays where it is, under it.
        let first = self.t == 1;
        let w = |x: f64| T::Wide::from_f64_lossy(x);
        let k = Consts {
            inv_batch: w(1.0 / batch.max(1) as f64),
            beta: w(self.beta),
            beta_c: w(1.0 - self.beta),
            corr: w((1.0 - self.beta.powi(t)).sqrt()),
            g_bound: self.g_bound,
            lr: self.lr,
        };
        for (i, p) in params.into_iter().enumerate() {
            let (v, bound) = (&mut self.v[i][..], self.bounds[i]);
            if self.rule == UpdateRule::Stochastic {
                // One random stream in element order: sequential. A number
                // is drawn only for a weight that is updated.
                for ((wt, &g), v) in p.value.iter_mut().zip(p.grad).zip(v.iter_mut()) {
                    let q = k.ghat(g, v);
                    if q != 0.0 {
                        *wt = k.apply(*wt, q, bound, Some(self.rng.next_u32()));
                    } else if first {
                        *wt = k.apply(*wt, 0.0, bound, None);
                    }
                }
            } else {
                // Each element's update is independent of the others, so
                // chunks run in parallel with the same bits as in sequence.
                p.value
                    .par_chunks_mut(CHUNK)
                    .zip(p.grad.par_chunks(CHUNK))
                    .zip(v.par_chunks_mut(CHUNK))
                    .for_each(|((wt, g), v)| {
                        for ((wt, &g), v) in wt.iter_mut().zip(g).zip(v.iter_mut()) {
                            let q = k.ghat(g, v);
                            if q != 0.0 || first {
                                *wt = k.apply(*wt, q, bound, None);
                            }
                        }
                    });
            }
        }
    }
}
