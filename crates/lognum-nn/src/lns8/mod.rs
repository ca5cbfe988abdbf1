//! Training in one-byte LNS words: an MLP whose weights, activations and
//! gradients are stored as [`Scaled8`] tensors (one byte per element and one
//! log offset per tensor).
//!
//! # What is one byte and what is wider
//!
//! | quantity | stored as |
//! |---|---|
//! | weights | one byte (`FRAC` fraction bits) + one offset per tensor |
//! | activations (layer inputs kept for the backward pass) | one byte + offset |
//! | gradients (`∂L/∂W`, the back-propagated errors) | one byte + offset |
//! | biases | 16-bit `LogNum<10, A>` (a multiplicative update cannot move a zero; `n_out` per layer) |
//! | matrix-product sums, bias adds, leaky ReLU, softmax | 16-bit `LogNum<10, A>` with an offset ([`Wide16`]), narrowed once per tensor |
//! | logits (read by the softmax, not kept) | the 16-bit sums |
//! | Madam's second moment | `f32` per weight |
//! | Madam's master (rule [`WideMaster`](crate::optim::UpdateRule::WideMaster)) | the magnitude code with 7 more fraction bits, `u16` per weight |
//! | SGD's master (rule [`WideMaster`](crate::optim::UpdateRule::WideMaster)) | 16-bit `LogNum<10, A>` + offset per weight |
//!
//! [`Lns8Mlp::memory`] counts these bytes. Only the paper's kind of network,
//! an MLP with leaky ReLUs, trains in one byte so far; the generic layers
//! of [`layers`](crate::layers) do not take one-byte tensors.
//!
//! # One step
//!
//! Forward: `z = a·W` by [`Scaled8::matmul`] (a [`Wide16`]), `+ b` and the
//! leaky ReLU (slope `2^-7`, an integer subtract from the log) in 16 bits,
//! then narrowed to the next layer's one-byte input. The logits are not
//! narrowed: the softmax and `p − y` read the 16-bit sums (a byte's
//! half-code error on a logit of 10 would move its probability by half),
//! and `p − y` is narrowed to one byte. Backward: `∂W = aᵀ·δ` and
//! `δ' = (δ·Wᵀ) ⊙ leaky'`, each narrowed. Every narrowing chooses the
//! tensor's offset from its largest value (see [`lognum_tensor::scaled`]).
//!
//! # Updates ([`Lns8Optimizer`])
//!
//! - **Madam** (Bernstein et al. 2020; in LNS, Zhao et al. 2022):
//!   `w ← w·2^(−η·sign(w)·ĝ)`, `ĝ = g/√v̂` with `v` the running mean of `g²`
//!   (β, bias-corrected), clamped to `±g_bound`. In the word this is an add
//!   of `round(−η·2^FRAC·sign(w)·ĝ)` to the log code: an integer, rounded to
//!   nearest or stochastically. `|w|` is clamped to `p_scale ×` the tensor's
//!   initial RMS, and the tensor's offset is fixed at the start so that this
//!   bound is the top word: the weights never leave the range, and their
//!   offset never moves. A weight never reaches zero (its word stays ≥ 1)
//!   and never changes sign. Under rule [`WideMaster`](crate::optim::UpdateRule::WideMaster)
//!   the step is added to a master magnitude with 7 more fraction bits and
//!   the word rounded from it ([`Scaled8::madam_update_master`]), so steps
//!   below half a code accumulate; under [`Native`](crate::optim::UpdateRule::Native) it
//!   is rounded to nearest on the word (steps below half a code are lost);
//!   under [`Stochastic`](crate::optim::UpdateRule::Stochastic) stochastically on the word.
//!   The references' `p_scale = 3` pins a few percent of the weights at the
//!   clamp here; larger values (`--madam-p-scale 32`) train better, and so
//!   does a rate that decays to zero over the run
//!   ([`TrainConfig::lr_schedule`](crate::train::TrainConfig::lr_schedule),
//!   `--lr-schedule cosine`): see `docs/REPRODUCTION.md`.
//! - **SGD**, rule [`Native`](crate::optim::UpdateRule::Native): `w ⊟ (η/B)⊡g` in 16 bits,
//!   narrowed back (the offset re-chosen from the largest weight);
//!   [`Stochastic`](crate::optim::UpdateRule::Stochastic): the same, narrowed
//!   stochastically; [`WideMaster`](crate::optim::UpdateRule::WideMaster): the update is
//!   applied to a 16-bit master copy, which is narrowed for the next step.
//!
//! Biases are updated by SGD in 16 bits with `bias_lr` (`lr` for SGD); the
//! schedule scales both rates alike.
//! Under rule [`Stochastic`](crate::optim::UpdateRule::Stochastic) the gradients are
//! narrowed stochastically too (a seeded stream of their own); otherwise
//! every narrowing rounds to nearest. The same seed gives the same bits on
//! every instruction set and thread count.
//!
//! # Saving and loading
//!
//! [`Lns8Mlp::save`] writes a safetensors file in the layout of
//! [`checkpoint`](crate::checkpoint) (atomically, with its checksum),
//! [`Lns8Mlp::load`] reads it back, and
//! [`TrainConfig::checkpoint`](crate::train::TrainConfig::checkpoint) saves
//! the trained network (`lognum train --format lns8-lut --save net.safetensors`;
//! `lognum eval` evaluates it). The file holds the **inference state**:
//!
//! | entry | holds |
//! |---|---|
//! | tensor `"{i}.weight"`, `U8`, `[inputs, outputs]` | the one-byte words, exactly [`Scaled8::words`] |
//! | metadata `"{i}.weight.offset"` | the tensor's log offset in codes, a decimal integer within ±[`MAX_OFFSET`](lognum_tensor::scaled::MAX_OFFSET) |
//! | tensor `"{i}.bias"`, `U16` | the 16-bit bias words `LogNum<10, A>` |
//! | metadata `"format"` | [`Lns8Mlp::format_name`]: `"lns8-lut"`, `"lns8-exact"`, `"lns8-shift"` |
//! | metadata `"layers"` | the layer spec of the same MLP in the other formats ([`Lns8Mlp::spec`]), so `i` is 1, 3, 5, … |
//!
//! with the version and the checksum (which covers the offsets as well as
//! the tensors). Madam's second moment and master and SGD's master are not
//! saved: a loaded network evaluates, bit for bit as the saved one did
//! ([`Lns8Mlp::evaluate`]); it is not trained further. Nor is the summation
//! order: a loaded network sums in the format's preferred order, as
//! training does unless told otherwise. Every byte is a valid word (`0x00`
//! and `0x80` are zero), so loading refuses a file for its structure: a
//! truncated or damaged one, another format, a network other than such an
//! MLP, a missing, misshaped or mistyped tensor, or an offset that is
//! missing, not an integer, or beyond the bound.
//!
//! ```
//! use lognum::Lut;
//! use lognum_nn::data::Dataset;
//! use lognum_nn::lns8::{fit_lns8, Lns8Optimizer};
//! use lognum_nn::rng::Rng;
//! use lognum_nn::train::TrainConfig;
//! // Two classes on either side of the line x = y.
//! let mut rng = Rng::new(5);
//! let (mut xy, mut labels) = (Vec::new(), Vec::new());
//! for _ in 0..400 {
//!     let (x, y) = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));
//!     xy.extend([x as f32, y as f32]);
//!     labels.push(usize::from(x > y));
//! }
//! let ds = Dataset::from_features(xy, &[2], labels, 2)?;
//! let cfg = TrainConfig {
//!     epochs: 3,
//!     lr: 0.05,
//!     model: "mlp:16".parse()?,
//!     ..TrainConfig::default()
//! };
//! let report = fit_lns8::<3, Lut>(&ds, &ds, &cfg, &Lns8Optimizer::madam(), &mut |_| {})?;
//! assert!(report.test_accuracy > 0.9, "{}", report.test_accuracy);
//! # Ok::<(), lognum_nn::NnError>(())
//! ```

use lognum::{LogAdd, LogNum};

mod fit;
mod format;
mod save;
pub use fit::{fit_lns8, train_lns8_model};
pub(crate) use format::lns8_values;
pub use format::{LNS8_FRAC, Lns8Format, evaluate_lns8_file, train_lns8};
use lognum_tensor::scaled::{MadamStep, Scaled8, Wide16};
use lognum_tensor::{Accumulate, Tensor};

use crate::data::Dataset;
use crate::layers::Layer;
use crate::model::ModelSpec;
use crate::rng::Rng;
use crate::train::TrainConfig;
use crate::{NnError, NnScalar};

/// The 16-bit word the wide work is done in.
type W16<A> = LogNum<10, A>;

/// The stream of [`Rng::with_stream`] for the stochastic narrowing of
/// gradients, apart from the update's.
const GRADIENT_STREAM: u64 = 0x5eed_06ad;

/// The word's bias and fields (sign, 7-bit biased log).
const BIAS: i32 = 64;
const TOP: u8 = 0x7f;
const SIGN: u8 = 0x80;

/// How the one-byte weights are updated: see the [module docs](self).
///
/// ```
/// use lognum_nn::lns8::Lns8Optimizer;
/// assert!(matches!(Lns8Optimizer::madam(), Lns8Optimizer::Madam { p_scale: 3.0, .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lns8Optimizer {
    /// SGD with the update rule of [`TrainConfig::update`].
    Sgd,
    /// Madam, the multiplicative update.
    Madam {
        /// `|w| ≤ p_scale ×` the tensor's initial RMS (default 3).
        p_scale: f64,
        /// `|ĝ| ≤ g_bound` (default 10).
        g_bound: f64,
        /// Decay of the second moment, in `[0, 1)` (default 0.999).
        beta: f64,
        /// The biases' SGD learning rate (default 0.01).
        bias_lr: f64,
    },
}

impl Lns8Optimizer {
    /// Madam with the references' defaults: `p_scale = 3`, `g_bound = 10`,
    /// `β = 0.999`, and the paper's SGD rate 0.01 for the biases.
    ///
    /// ```
    /// assert!(lognum_nn::lns8::Lns8Optimizer::madam().validate().is_ok());
    /// ```
    pub const fn madam() -> Self {
        Lns8Optimizer::Madam {
            p_scale: 3.0,
            g_bound: 10.0,
            beta: 0.999,
            bias_lr: 0.01,
        }
    }

    /// Checks the hyper-parameters, naming the first bad one.
    ///
    /// ```
    /// use lognum_nn::lns8::Lns8Optimizer;
    /// let bad = Lns8Optimizer::Madam { p_scale: -1.0, g_bound: 10.0, beta: 0.999, bias_lr: 0.01 };
    /// assert!(bad.validate().unwrap_err().to_string().contains("p_scale"));
    /// ```
    pub fn validate(&self) -> Result<(), NnError> {
        let bad = |field: &'static str, v: f64, what: &str| NnError::Config {
            field,
            reason: format!("must be {what}, got {v}"),
        };
        match *self {
            Lns8Optimizer::Sgd => Ok(()),
            Lns8Optimizer::Madam {
                p_scale,
                g_bound,
                beta,
                bias_lr,
            } => {
                if !(p_scale.is_finite() && p_scale > 0.0) {
                    return Err(bad("p_scale", p_scale, "finite and positive"));
                }
                if !(g_bound.is_finite() && g_bound > 0.0) {
                    return Err(bad("g_bound", g_bound, "finite and positive"));
                }
                if !(0.0..1.0).contains(&beta) {
                    return Err(bad("beta", beta, "in [0, 1)"));
                }
                if !(bias_lr.is_finite() && bias_lr >= 0.0) {
                    return Err(bad("bias_lr", bias_lr, "finite and non-negative"));
                }
                Ok(())
            }
        }
    }

    /// `"sgd"` or `"madam"`.
    ///
    /// ```
    /// assert_eq!(lognum_nn::lns8::Lns8Optimizer::Sgd.name(), "sgd");
    /// ```
    pub const fn name(&self) -> &'static str {
        match self {
            Lns8Optimizer::Sgd => "sgd",
            Lns8Optimizer::Madam { .. } => "madam",
        }
    }
}

/// Per-weight-tensor optimiser state.
enum State<A> {
    Sgd {
        master: Option<Wide16<A>>,
    },
    Madam {
        v: Vec<f32>,
        step: i32,
        master: Option<Vec<u16>>,
    },
}

/// One fully connected layer in one-byte words.
struct Dense8<const FRAC: u32, A> {
    /// `[inputs, outputs]`.
    w: Scaled8<FRAC, A>,
    /// 16-bit biases, unscaled.
    b: Vec<W16<A>>,
    state: State<A>,
}

/// An MLP in one-byte LNS words (`FRAC` fraction bits, log-add `A` in the
/// 16-bit sums): the layers of [`ModelSpec::Mlp`], initialised exactly as
/// [`model::mlp`](crate::model::mlp) initialises the other formats (the same
/// f64 draws, narrowed once).
pub struct Lns8Mlp<const FRAC: u32, A> {
    layers: Vec<Dense8<FRAC, A>>,
    acc: Accumulate,
}

/// What the forward pass keeps for the backward pass.
struct Trace<const FRAC: u32, A> {
    /// The input of every layer, in one byte.
    inputs: Vec<Scaled8<FRAC, A>>,
    /// The logits as the 16-bit sums: the softmax reads them directly (a
    /// byte's half-code error, 4.4 %, on a logit of 10 would move its
    /// probability by half), and they are not kept for the backward pass.
    logits: Wide16<A>,
}

/// Leaky ReLU slope `2^-LEAKY`.
const LEAKY: i32 = crate::model::LEAKY_SHIFT;

impl<const FRAC: u32, A: LogAdd> Lns8Mlp<FRAC, A>
where
    W16<A>: NnScalar,
{
    /// The network of `spec` (an MLP) for `inputs` features and `classes`
    /// outputs, initialised from `seed`, with the optimiser's state.
    ///
    /// ```
    /// use lognum::Lut;
    /// use lognum_nn::lns8::{Lns8Mlp, Lns8Optimizer};
    /// let net = Lns8Mlp::<3, Lut>::new(&"mlp".parse()?, 784, 10, 1, &Lns8Optimizer::madam(), false)?;
    /// assert_eq!(net.num_params(), 79_510);
    /// assert!(Lns8Mlp::<3, Lut>::new(&"cnn".parse()?, 784, 10, 1, &Lns8Optimizer::Sgd, false).is_err());
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub fn new(
        spec: &ModelSpec,
        inputs: usize,
        classes: usize,
        seed: u64,
        opt: &Lns8Optimizer,
        wide_master: bool,
    ) -> Result<Self, NnError> {
        let ModelSpec::Mlp { hidden } = spec else {
            return Err(NnError::Config {
                field: "model",
                reason: format!("one-byte LNS trains MLPs only, not {spec}"),
            });
        };
        opt.validate()?;
        let reference = crate::model::mlp::<f64>(&[inputs], hidden, classes, seed)?;
        let params = reference.params();
        let mut layers = Vec::new();
        let mut widths = vec![inputs];
        widths.extend_from_slice(hidden);
        widths.push(classes);
        for (l, io) in widths.windows(2).enumerate() {
            let (wv, bv) = (params[2 * l], params[2 * l + 1]);
            let w32: Vec<f32> = wv.iter().map(|&x| x as f32).collect();
            let (w, state) = match *opt {
                Lns8Optimizer::Madam { p_scale, .. } => {
                    let rms = (wv.iter().map(|x| x * x).sum::<f64>() / wv.len() as f64).sqrt();
                    let w = madam_init::<FRAC, A>(&w32, io, p_scale * rms)?;
                    let v = vec![0.0f32; w.words().len()];
                    let master = wide_master.then(|| w.madam_master());
                    (w, State::Madam { v, step: 0, master })
                }
                Lns8Optimizer::Sgd => {
                    let w = Scaled8::from_f32(&w32, io)?;
                    let master = wide_master.then(|| w.widen());
                    (w, State::Sgd { master })
                }
            };
            let b = bv.iter().map(|&x| W16::<A>::from_f64(x)).collect();
            layers.push(Dense8 { w, b, state });
        }
        Ok(Self {
            layers,
            acc: <W16<A> as NnScalar>::preferred_accumulate(),
        })
    }

    /// The number of parameters (weights and biases).
    ///
    /// ```
    /// use lognum::Lut;
    /// use lognum_nn::lns8::{Lns8Mlp, Lns8Optimizer};
    /// let net = Lns8Mlp::<3, Lut>::new(&"mlp:4".parse()?, 2, 3, 1, &Lns8Optimizer::Sgd, false)?;
    /// assert_eq!(net.num_params(), 2 * 4 + 4 + 4 * 3 + 3);
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub fn num_params(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.w.words().len() + l.b.len())
            .sum()
    }

    /// The bytes the parameters and the optimiser's state occupy:
    /// `(weights, biases, optimiser state)`.
    ///
    /// ```
    /// use lognum::Lut;
    /// use lognum_nn::lns8::{Lns8Mlp, Lns8Optimizer};
    /// let net = Lns8Mlp::<3, Lut>::new(&"mlp".parse()?, 784, 10, 1, &Lns8Optimizer::madam(), false)?;
    /// assert_eq!(net.memory(), (79_400, 2 * 110, 4 * 79_400));
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub fn memory(&self) -> (usize, usize, usize) {
        let mut m = (0, 0, 0);
        for l in &self.layers {
            m.0 += std::mem::size_of_val(l.w.words());
            m.1 += std::mem::size_of_val(l.b.as_slice());
            m.2 += match &l.state {
                State::Sgd { master: None } => 0,
                State::Sgd { master: Some(w) } => std::mem::size_of_val(w.values()),
                State::Madam { v, master, .. } => {
                    std::mem::size_of_val(v.as_slice())
                        + master
                            .as_ref()
                            .map_or(0, |m| std::mem::size_of_val(m.as_slice()))
                }
            };
        }
        m
    }

    /// The weights of layer `l` as one-byte words with their offset.
    ///
    /// ```
    /// use lognum::Lut;
    /// use lognum_nn::lns8::{Lns8Mlp, Lns8Optimizer};
    /// let net = Lns8Mlp::<3, Lut>::new(&"mlp:4".parse()?, 2, 3, 1, &Lns8Optimizer::Sgd, false)?;
    /// assert_eq!(net.weight(1).map(|w| w.shape()), Some([4, 3]));
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub fn weight(&self, l: usize) -> Option<&Scaled8<FRAC, A>> {
        self.layers.get(l).map(|d| &d.w)
    }

    /// The 16-bit biases of layer `l`.
    ///
    /// ```
    /// use lognum::Lut;
    /// use lognum_nn::lns8::{Lns8Mlp, Lns8Optimizer};
    /// let net = Lns8Mlp::<3, Lut>::new(&"mlp:4".parse()?, 2, 3, 1, &Lns8Optimizer::Sgd, false)?;
    /// assert_eq!(net.bias(1).map(<[_]>::len), Some(3));
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub fn bias(&self, l: usize) -> Option<&[LogNum<10, A>]> {
        self.layers.get(l).map(|d| d.b.as_slice())
    }

    /// The forward pass for a batch of one-byte inputs `[batch, inputs]`.
    fn forward(&self, x: Scaled8<FRAC, A>, keep: bool) -> Result<Trace<FRAC, A>, NnError> {
        let mut inputs = Vec::new();
        let mut a = x;
        let mut logits = None;
        for (i, layer) in self.layers.iter().enumerate() {
            let mut z = a.matmul(&layer.w, self.acc)?;
            let bias = z.aligned(&layer.b, 0);
            let n = bias.len();
            let last = i + 1 == self.layers.len();
            for row in z.values_mut().chunks_exact_mut(n.max(1)) {
                for (v, &b) in row.iter_mut().zip(&bias) {
                    *v += b;
                    if !last && v.is_sign_negative() {
                        *v = v.mul_pow2(-LEAKY);
                    }
                }
            }
            if last {
                logits = Some(z);
                break;
            }
            let next = z.narrow(None)?;
            if keep {
                inputs.push(std::mem::replace(&mut a, next));
            } else {
                a = next;
            }
        }
        if keep {
            inputs.push(a);
        }
        let logits = logits.ok_or_else(|| NnError::Config {
            field: "model",
            reason: "an MLP has at least one layer".into(),
        })?;
        Ok(Trace { inputs, logits })
    }

    /// Predicted classes for one-byte inputs.
    fn predict(&self, x: Scaled8<FRAC, A>) -> Result<Vec<usize>, NnError> {
        let t = self.forward(x, false)?;
        let [rows, cols] = t.logits.shape();
        let logits = t.logits.to_unscaled();
        Ok((0..rows)
            .map(|r| crate::loss::argmax(&logits[r * cols..(r + 1) * cols]))
            .collect())
    }
}

/// The weights narrowed under the fixed offset that puts `bound` on the top
/// word; larger weights clamp to it, and none is zero.
fn madam_init<const FRAC: u32, A>(
    w: &[f32],
    shape: &[usize],
    bound: f64,
) -> Result<Scaled8<FRAC, A>, NnError> {
    let scale = f64::from(1u32 << FRAC);
    let offset = if bound > 0.0 && bound.is_finite() {
        (bound.log2() * scale).round() as i64 - i64::from(TOP as i32 - BIAS)
    } else {
        0
    };
    let words = w
        .iter()
        .map(|&x| {
            let code = if x == 0.0 {
                1
            } else {
                ((f64::from(x).abs().log2() * scale).round() as i64 - offset + i64::from(BIAS))
                    .clamp(1, i64::from(TOP))
            };
            code as u8 | if x < 0.0 { SIGN } else { 0 }
        })
        .collect();
    Ok(Scaled8::from_parts(words, shape, offset)?)
}

/// `w ⊟ η⊡g` in 16 bits, in place, under `w`'s offset (`g` one byte), on
/// the vector kernels of [`lognum_tensor::elementwise`].
fn sgd_wide<const FRAC: u32, A: LogAdd>(w: &mut Wide16<A>, g: &Scaled8<FRAC, A>, eta: W16<A>)
where
    W16<A>: NnScalar,
{
    use lognum_tensor::elementwise;
    let g = g.widen();
    let mut step = vec![eta; g.values().len()];
    let scaled = step.clone();
    elementwise::mul(g.values(), &scaled, &mut step);
    let step = w.aligned(&step, g.offset());
    let before = w.values().to_vec();
    elementwise::sub(&before, &step, w.values_mut());
}

/// The column sums of a `[rows, n]` 16-bit tensor, unscaled.
fn column_sums<A: LogAdd>(t: &Wide16<A>) -> Vec<W16<A>>
where
    W16<A>: NnScalar,
{
    let [_, n] = t.shape();
    let mut sums = vec![W16::<A>::ZERO; n];
    for row in t.values().chunks_exact(n.max(1)) {
        for (s, &v) in sums.iter_mut().zip(row) {
            *s += v;
        }
    }
    // Unscaled: the offset added to every log (saturating, flushing).
    sums.iter()
        .map(|v| match v.log2_code() {
            None => *v,
            Some(c) => W16::<A>::from_log2_code(v.is_sign_negative(), c + t.offset()),
        })
        .collect()
}

impl<const FRAC: u32, A: LogAdd> Lns8Mlp<FRAC, A>
where
    W16<A>: NnScalar,
{
    /// One training step on a batch: forward, loss, backward, update, at
    /// learning rate `lr` (`cfg.lr` scaled by the schedule; the biases'
    /// rate is scaled alike). Returns the loss output's sum and the number
    /// correct.
    #[allow(clippy::too_many_arguments)]
    fn step(
        &mut self,
        x: Scaled8<FRAC, A>,
        labels: &[usize],
        lr: f64,
        cfg: &TrainConfig,
        opt: &Lns8Optimizer,
        rng: &mut Option<Rng>,
        grad_rng: &mut Option<Rng>,
    ) -> Result<(f64, usize), NnError> {
        let trace = self.forward(x, true)?;
        let [rows, classes] = trace.logits.shape();
        let logits = Tensor::from_vec(trace.logits.to_unscaled(), &[rows, classes])?;
        let out = cfg.loss.compute(&logits, labels)?;
        let grad = Wide16::from_values(out.grad.to_vec(), &[rows, classes], 0)?;
        // Gradients are narrowed stochastically under the stochastic rule.
        let mut narrow_grad = |t: &Wide16<A>| -> Result<Scaled8<FRAC, A>, NnError> {
            Ok(match grad_rng.as_mut() {
                None => t.narrow(None)?,
                Some(r) => t.narrow(Some(&mut || r.next_u32()))?,
            })
        };
        let mut delta: Scaled8<FRAC, A> = narrow_grad(&grad)?;
        let batch = labels.len().max(1) as f64;
        let bias_lr = match *opt {
            Lns8Optimizer::Madam { bias_lr, .. } => bias_lr * (lr / cfg.lr),
            Lns8Optimizer::Sgd => lr,
        };
        let eta_b = W16::<A>::from_f64(bias_lr / batch);
        let eta = W16::<A>::from_f64(lr / batch);
        for (l, a) in trace.inputs.iter().enumerate().rev() {
            let dw = narrow_grad(&a.t().matmul(&delta, self.acc)?)?;
            let db = column_sums(&delta.widen());
            let next = if l > 0 {
                let mut back = delta.matmul(&self.layers[l].w.t(), self.acc)?;
                for (v, &w) in back.values_mut().iter_mut().zip(a.words()) {
                    if w & SIGN != 0 {
                        *v = v.mul_pow2(-LEAKY);
                    }
                }
                Some(narrow_grad(&back)?)
            } else {
                None
            };
            let layer = &mut self.layers[l];
            for (b, g) in layer.b.iter_mut().zip(db) {
                *b -= eta_b * g;
            }
            match (&mut layer.state, *opt) {
                (State::Madam { v, step, master }, Lns8Optimizer::Madam { g_bound, beta, .. }) => {
                    *step = step.saturating_add(1);
                    let key = rng.as_mut().map(Rng::next_u64);
                    let s = MadamStep::new(lr, g_bound, beta, *step, key);
                    match master {
                        None => layer.w.madam_update(&dw, v, &s)?,
                        Some(m) => layer.w.madam_update_master(&dw, v, m, &s)?,
                    }
                }
                (State::Sgd { master: Some(m) }, _) => {
                    sgd_wide(m, &dw, eta);
                    layer.w = m.narrow(None)?;
                }
                (State::Sgd { master: None }, _) => {
                    let mut w = layer.w.widen();
                    sgd_wide(&mut w, &dw, eta);
                    layer.w = match rng.as_mut() {
                        None => w.narrow(None)?,
                        Some(r) => w.narrow(Some(&mut || r.next_u32()))?,
                    };
                }
                _ => unreachable!("the state is built for the optimiser"),
            }
            if let Some(d) = next {
                delta = d;
            }
        }
        Ok((out.loss_sum, out.correct))
    }
}

/// The one-byte words of a dataset's features, with one offset for all.
fn encode<const FRAC: u32, A>(ds: &Dataset) -> Result<Scaled8<FRAC, A>, NnError> {
    Ok(Scaled8::from_f32(
        &ds.features_f32(),
        &[ds.len(), ds.feature_len()],
    )?)
}

/// Rows `idx` of `x`.
fn gather<const FRAC: u32, A>(
    x: &Scaled8<FRAC, A>,
    idx: &[usize],
) -> Result<Scaled8<FRAC, A>, NnError> {
    let per = x.shape()[1];
    let mut words = Vec::with_capacity(idx.len() * per);
    for &i in idx {
        words.extend_from_slice(&x.words()[i * per..(i + 1) * per]);
    }
    Ok(Scaled8::from_parts(words, &[idx.len(), per], x.offset())?)
}

impl<const FRAC: u32, A: LogAdd> Lns8Mlp<FRAC, A>
where
    W16<A>: NnScalar,
{
    /// The share of `ds`'s examples whose predicted class is the label,
    /// in batches of `batch` (each hidden layer's one-byte offset is chosen
    /// per batch): what training reports as the test accuracy when `ds` is
    /// the test set and `batch` is
    /// [`TrainConfig::eval_batch`](crate::train::TrainConfig::eval_batch).
    ///
    /// ```
    /// use lognum::Lut;
    /// use lognum_nn::data::Dataset;
    /// use lognum_nn::lns8::{Lns8Mlp, Lns8Optimizer};
    /// let ds = Dataset::new(vec![0u8; 784], 28, 28, vec![3], 10);
    /// let net = Lns8Mlp::<3, Lut>::new(&"mlp".parse()?, 784, 10, 1, &Lns8Optimizer::Sgd, false)?;
    /// let a = net.evaluate(&ds, 100)?;
    /// assert!(a == 0.0 || a == 1.0);
    /// assert!(net.evaluate(&Dataset::from_features(vec![0.0; 2], &[2], vec![0], 2)?, 100).is_err());
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub fn evaluate(&self, ds: &Dataset, batch: usize) -> Result<f64, NnError> {
        let inputs = self.layers.first().map_or(0, |l| l.w.shape()[0]);
        if ds.feature_len() != inputs {
            return Err(lognum_tensor::TensorError::ShapeMismatch {
                op: "lns8 evaluate: features",
                left: vec![ds.feature_len()],
                right: vec![inputs],
            }
            .into());
        }
        self.accuracy(&encode::<FRAC, A>(ds)?, ds.labels(), batch)
    }

    /// The share of `x`'s rows whose predicted class is the label.
    fn accuracy(
        &self,
        x: &Scaled8<FRAC, A>,
        labels: &[usize],
        batch: usize,
    ) -> Result<f64, NnError> {
        let n = labels.len();
        if n == 0 {
            return Ok(0.0);
        }
        let mut correct = 0;
        let idx: Vec<usize> = (0..n).collect();
        for chunk in idx.chunks(batch.max(1)) {
            let pred = self.predict(gather(x, chunk)?)?;
            correct += pred
                .iter()
                .zip(chunk)
                .filter(|&(&p, &i)| p == labels[i])
                .count();
        }
        Ok(correct as f64 / n as f64)
    }
}
