//! Quantization-aware training with power-of-two weights (LBW-Net).
//!
//! With [`TrainConfig::quantize_weights`](crate::train::TrainConfig) set to
//! `Some(b)`, `b` in `2..=8`, every training step runs the forward and the
//! backward pass with the weights of every [`Linear`](crate::layers::Linear)
//! and [`Conv2d`](crate::layers::Conv2d) layer replaced by their [`pow2`]
//! quantization `α·q`, `q_i ∈ {0, ±2^-j : j < 2^(b−1) − 1}`, one `α` per
//! weight tensor (per layer), and applies the gradient to full-precision
//! *shadow* weights (the straight-through estimator, STE).
//!
//! # One step
//!
//! 1. [`Qat::quantize`]: for each weight tensor, copy the current weights
//!    (the shadow) aside, quantize their `to_f32_lossy` values (see *Cost* below),
//!    round `α` to `T` and write `±α_T·2^-j` into the layer with
//!    [`Scalar::mul_pow2`].
//! 2. Forward pass, loss, backward pass, all in `T` with the quantized
//!    weights: the gradient is `∂L/∂(α·q)`, and the input gradients that
//!    flow to earlier layers are those of the quantized network.
//! 3. [`Qat::restore`]: put the shadow weights back.
//! 4. The optimiser step applies `∂L/∂(α·q)` to the shadow as if it were
//!    `∂L/∂w`: the straight-through estimator, `∂(α·q)/∂w ≈ 1`.
//!
//! The next step quantizes the updated shadow again, so the codes and `α`
//! follow the shadow weights step by step.
//!
//! # Cost: exact every [`EXACT_EVERY`] steps, warm-started in between
//!
//! The exact minimiser [`pow2`] sorts the tensor: on the MLP's 78,400
//! first-layer weights it costs far more than a batch-5 step of the network
//! itself. Between two steps the shadow moves by one small SGD update, so the
//! previous optimum is an excellent start: [`Qat::quantize`] runs [`pow2`]
//! at the first step and every [`EXACT_EVERY`] steps, and in between
//! [`pow2_from`] from the tensor's previous `α` with at most [`WARM_ITERS`]
//! alternating iterations (`O(N)` each; never above the nearest-level codes at
//! the previous `α`). Ternary (2 bits) always uses the exact minimiser,
//! which is then as cheap. The evaluation before every test measurement and
//! the final model use [`pow2`] ([`Qat::quantize_exact`]).
//!
//! # Where the shadow weights live
//!
//! The shadow is whatever the optimiser updates, so QAT composes with every
//! [`UpdateRule`](crate::optim::UpdateRule) without code of its own:
//!
//! - [`WideMaster`](crate::optim::UpdateRule::WideMaster) (the default):
//!   the optimiser's master copy in [`NnScalar::Wide`] (`f64` for `f32`,
//!   [`WideMaster`](crate::WideMaster) for LNS) is the shadow; the layer holds
//!   its rounding to `T`, which is what gets quantized. Small updates
//!   accumulate in the master even when they would not move the `T` value.
//! - [`Native`](crate::optim::UpdateRule::Native) and
//!   [`Stochastic`](crate::optim::UpdateRule::Stochastic): the layer's `T`
//!   weights themselves are the shadow (for LNS `Native` with its update
//!   stall; see [`crate::optim`]).
//!
//! The quantizer reads the shadow through `to_f32_lossy`: exact for the 16-bit
//! formats and `f32`, a rounding for `f64`. `α` comes out of [`pow2`] as an
//! `f32` and is rounded once to `T`.
//!
//! # Exactness in LNS
//!
//! In `LogNum<FRAC, _>` the level `α_T·2^-j` is `α_T`'s log code minus
//! `j·2^FRAC`: [`mul_pow2`](Scalar::mul_pow2) is exact, so every level of
//! the grid is exactly `α_T·2^-j` as long as it stays inside the format's
//! range (levels below the smallest LNS magnitude flush to zero, which only
//! happens at wide widths: `LogNum<10>` reaches down to about `2^-16`). The
//! rounding happens once, in `α → α_T`; the grid is then exact. For floats
//! the levels are exact unless they fall below the normal range; for the
//! linear fixed point `fixed16` (11 fraction bits) levels below `2^-11` are
//! rounded, so deep levels are not exact there.
//!
//! # What is quantized
//!
//! Every weight tensor, i.e. every parameter of rank two or more
//! ([`Layer::param_shapes`]: `[inputs, outputs]` for `Linear`,
//! `[out, in, k, k]` for `Conv2d`). Biases (rank one) stay in `T` at full
//! precision: they are few (110 of the MLP's 79,510 parameters), are added
//! once per output rather than multiplied, and LBW-Net quantizes weights
//! only.
//!
//! # After training
//!
//! Test accuracy is measured on the quantized network (quantize, evaluate,
//! restore), and the model [`train_model`](crate::train::train_model)
//! returns (and the checkpoint it saves) holds the quantized weights: the
//! network that would be deployed. The shadow weights are not kept.
//!
//! ```
//! use lognum_nn::layers::Layer;
//! use lognum_nn::model::ModelSpec;
//! use lognum_nn::qat::Qat;
//! let mut m = ModelSpec::default().build::<f32>(&[1, 28, 28], 10, 1).unwrap();
//! let before = m.params_f64();
//! let mut q = Qat::new(3).unwrap();
//! q.quantize(&mut m);
//! // Two weight tensors, one α each; biases untouched.
//! assert_eq!(q.alphas().len(), 2);
//! let fc2: Vec<f64> = m.params()[2].iter().map(|&w| f64::from(w)).collect();
//! let alpha = f64::from(q.alphas()[1]);
//! for w in fc2 {
//!     let levels = [0.0, alpha, alpha / 2.0, alpha / 4.0];
//!     assert!(levels.contains(&w.abs()));
//! }
//! q.restore(&mut m);
//! assert_eq!(m.params_f64(), before);
//! ```

use lognum_tensor::Scalar;

use crate::layers::{Layer, Sequential};
use crate::quant::{MAX_BITS, MIN_BITS, pow2, pow2_from};
use crate::{NnError, NnScalar};

/// [`Qat::quantize`] runs the exact [`pow2`] at the first step and then
/// every this many steps; the other steps warm-start from the previous `α`.
pub const EXACT_EVERY: u64 = 64;

/// Alternating iterations of a warm-started step ([`pow2_from`]).
pub const WARM_ITERS: u32 = 2;

/// True for the parameters QAT quantizes: rank two or more (weights of
/// `Linear` and `Conv2d`), not biases.
///
/// ```
/// use lognum_nn::qat::is_quantized;
/// assert!(is_quantized(&[784, 100]));
/// assert!(is_quantized(&[16, 8, 5, 5]));
/// assert!(!is_quantized(&[100]));
/// ```
pub fn is_quantized(shape: &[usize]) -> bool {
    shape.len() >= 2
}

/// The values `±α_T·2^-(|c|−1)` (zero for `c = 0`) that `α` and `codes` stand
/// for, in `T`: `α` is rounded once to `T` and each level is an exact
/// [`mul_pow2`](Scalar::mul_pow2) of it (exact for LNS within its range).
///
/// ```
/// use lognum::LogNum;
/// use lognum_nn::qat::levels_in;
/// use lognum_tensor::Scalar;
/// type L = LogNum<10>;
/// let w = levels_in::<L>(0.3, &[1, -3, 0]);
/// let a = L::from_f32(0.3).to_f64();
/// assert_eq!(w.iter().map(|x| x.to_f64()).collect::<Vec<_>>(), [a, -a / 4.0, 0.0]);
/// ```
pub fn levels_in<T: Scalar>(alpha: f32, codes: &[i8]) -> Vec<T> {
    let mut out = vec![T::zero(); codes.len()];
    write_levels(T::from_f32_lossy(alpha), codes, &mut out);
    out
}

fn write_levels<T: Scalar>(alpha: T, codes: &[i8], dst: &mut [T]) {
    for (w, &c) in dst.iter_mut().zip(codes) {
        *w = if c == 0 {
            T::zero()
        } else {
            let v = alpha.mul_pow2(1 - i32::from(c.unsigned_abs()));
            if c < 0 { v.scalar_neg() } else { v }
        };
    }
}

/// Quantization-aware training state: the width, the shadow weights while
/// the model holds quantized ones, and the last `α` of every weight tensor.
/// See the [module docs](self).
///
/// ```
/// assert!(lognum_nn::qat::Qat::<f32>::new(1).is_err());
/// assert!(lognum_nn::qat::Qat::<f32>::new(9).is_err());
/// ```
#[derive(Clone, Debug)]
pub struct Qat<T> {
    bits: u32,
    shadow: Vec<Vec<T>>,
    alphas: Vec<f32>,
    active: bool,
    steps: u64,
    scratch: Vec<f32>,
}

impl<T: NnScalar> Qat<T> {
    /// QAT at `bits` bits, `2..=8`; other widths are a configuration error.
    ///
    /// ```
    /// assert_eq!(lognum_nn::qat::Qat::<f64>::new(4).unwrap().bits(), 4);
    /// ```
    pub fn new(bits: u32) -> Result<Self, NnError> {
        check_bits(bits)?;
        Ok(Self {
            bits,
            shadow: Vec::new(),
            alphas: Vec::new(),
            active: false,
            steps: 0,
            scratch: Vec::new(),
        })
    }

    /// The width in bits.
    ///
    /// ```
    /// assert_eq!(lognum_nn::qat::Qat::<f32>::new(2).unwrap().bits(), 2);
    /// ```
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// The scale `α` (as returned by [`pow2`], before rounding to `T`) of
    /// every weight tensor at the last [`quantize`](Self::quantize), in
    /// parameter order.
    ///
    /// ```
    /// assert!(lognum_nn::qat::Qat::<f32>::new(4).unwrap().alphas().is_empty());
    /// ```
    pub fn alphas(&self) -> &[f32] {
        &self.alphas
    }

    /// True between [`quantize`](Self::quantize) and
    /// [`restore`](Self::restore).
    ///
    /// ```
    /// assert!(!lognum_nn::qat::Qat::<f32>::new(4).unwrap().is_active());
    /// ```
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// One training step's quantization: saves every weight tensor of
    /// `model` as the shadow and replaces it by its quantization, exact
    /// ([`pow2`]) at the first call and every [`EXACT_EVERY`] calls,
    /// warm-started from the previous `α` ([`pow2_from`]) otherwise. Does
    /// nothing if already active.
    ///
    /// ```
    /// use lognum_nn::{layers::Layer, model::ModelSpec, qat::Qat};
    /// let mut m = ModelSpec::Cnn.build::<f32>(&[1, 28, 28], 10, 1).unwrap();
    /// let mut q = Qat::new(2).unwrap();
    /// q.quantize(&mut m);
    /// assert_eq!(q.alphas().len(), 3);
    /// let mut mags: Vec<f32> = m.params()[0].iter().map(|w| w.abs()).collect();
    /// mags.sort_by(f32::total_cmp);
    /// mags.dedup();
    /// assert!(mags.len() <= 2); // ternary: 0 and α
    /// ```
    pub fn quantize(&mut self, model: &mut Sequential<T>) {
        let exact = self.steps.is_multiple_of(EXACT_EVERY);
        if !self.active {
            self.steps += 1;
        }
        self.apply(model, exact);
    }

    /// Like [`quantize`](Self::quantize), always with the exact [`pow2`]
    /// and without counting a step: for evaluation and the final model.
    ///
    /// ```
    /// use lognum_nn::{layers::Layer, model::ModelSpec, qat::Qat, quant::pow2};
    /// let mut m = ModelSpec::default().build::<f32>(&[1, 28, 28], 10, 1).unwrap();
    /// let w = m.params()[2].to_vec();
    /// let mut q = Qat::new(4).unwrap();
    /// q.quantize_exact(&mut m);
    /// assert_eq!(q.alphas()[1], pow2(&w, 4).0);
    /// ```
    pub fn quantize_exact(&mut self, model: &mut Sequential<T>) {
        self.apply(model, true);
    }

    fn apply(&mut self, model: &mut Sequential<T>, exact: bool) {
        if self.active {
            return;
        }
        let shapes = model.param_shapes();
        let params = model.params_mut();
        let n = shapes.iter().filter(|s| is_quantized(s)).count();
        let exact = exact || self.alphas.len() != n;
        self.shadow.resize_with(n, Vec::new);
        self.alphas.resize(n, 0.0);
        let mut k = 0;
        for (p, shape) in params.into_iter().zip(&shapes) {
            if !is_quantized(shape) {
                continue;
            }
            let shadow = &mut self.shadow[k];
            shadow.clear();
            shadow.extend_from_slice(p.value);
            self.scratch.clear();
            self.scratch
                .extend(p.value.iter().map(|w| w.to_f32_lossy()));
            let prev = self.alphas[k];
            // Ternary: the exact sort-based minimiser costs no more than
            // the warm start.
            let (alpha, codes) = if exact || self.bits == 2 || prev <= 0.0 {
                pow2(&self.scratch, self.bits)
            } else {
                pow2_from(&self.scratch, self.bits, prev, WARM_ITERS)
            };
            write_levels(T::from_f32_lossy(alpha), &codes, p.value);
            self.alphas[k] = alpha;
            k += 1;
        }
        self.active = true;
    }

    /// Puts the shadow weights back. Does nothing if not active.
    ///
    /// ```
    /// use lognum_nn::{layers::Layer, model::ModelSpec, qat::Qat};
    /// let mut m = ModelSpec::default().build::<f32>(&[1, 28, 28], 10, 3).unwrap();
    /// let before = m.params_f64();
    /// let mut q = Qat::new(5).unwrap();
    /// q.quantize(&mut m);
    /// assert_ne!(m.params_f64(), before);
    /// q.restore(&mut m);
    /// assert_eq!(m.params_f64(), before);
    /// ```
    pub fn restore(&mut self, model: &mut Sequential<T>) {
        if !self.active {
            return;
        }
        let shapes = model.param_shapes();
        let weights = model
            .params_mut()
            .into_iter()
            .zip(&shapes)
            .filter(|(_, s)| is_quantized(s));
        for ((p, _), shadow) in weights.zip(&self.shadow) {
            p.value.copy_from_slice(shadow);
        }
        self.active = false;
    }
}

/// Checks a QAT width: `2..=8` bits.
pub(crate) fn check_bits(bits: u32) -> Result<(), NnError> {
    if (MIN_BITS..=MAX_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(NnError::Config {
            field: "quantize_weights",
            reason: format!("must be {MIN_BITS} to {MAX_BITS} bits, got {bits}"),
        })
    }
}
