//! Neural-network training generic over the number type, including the
//! logarithmic number system (LNS) of [`lognum`].
//!
//! This crate reproduces Sanyal, Beerel and Chugg, *Neural Network Training
//! with Approximate Logarithmic Computations* (ICASSP 2020): an MLP
//! 784-100-10 trained on MNIST entirely in 16- or 12-bit LNS, compared with
//! floats and 16-bit fixed point; and goes one step further with a small CNN.
//!
//! - [`layers`]: [`Linear`](layers::Linear), [`Conv2d`](layers::Conv2d),
//!   [`MaxPool2d`](layers::MaxPool2d), [`Flatten`](layers::Flatten),
//!   [`LeakyRelu`](layers::LeakyRelu) (ReLU and leaky ReLU with slope
//!   `2^-k`), each with forward and backward passes;
//! - [`loss`]: softmax with cross-entropy (gradient `p − y`);
//! - [`optim`]: SGD with momentum and weight decay, and the
//!   [`UpdateRule`](optim::UpdateRule) that keeps LNS training from stalling;
//! - [`model`]: the paper's MLP and the CNN, seeded initialisation;
//! - [`checkpoint`]: saving and loading a model with its number format;
//! - [`quant`], [`qat`]: LBW-Net power-of-two weight quantization, and
//!   training with it (straight-through, full-precision shadow weights);
//! - [`train`]: the training loop and [`train::train_format`], run-time
//!   dispatch over [`format::Format`];
//! - [`data`], [`rng`]: IDX loading, mini-batches, the seeded generator.
//!
//! # Where LNS training leaves the log domain
//!
//! For `T = LogNum<FRAC, A>` every step of training is LNS arithmetic:
//! products are integer additions of logs, sums go through the format's
//! log-add approximation `A`, the leaky-ReLU slope is an exact shift of the
//! log, and the SGD update is `w ⊟ η ⊡ g` with `η` an LNS number. Values
//! leave the log domain only in these places:
//!
//! 1. **Input conversion**, once, when the dataset is loaded: pixel `p`
//!    becomes `LogNum::from_f64(p / 255)` (256 conversions in all).
//! 2. **Hyper-parameters**, converted once per step to `T`: `lr / batch`,
//!    momentum, weight decay.
//! 3. **Softmax**: `a_j · log2(e)` turns the *value* of a logit into a *log
//!    code* (an antilog-to-fixed-point conversion; done through f64). The sum
//!    of exponentials and the division are then log-domain, with the finer
//!    640-entry table [`SoftmaxLut`](lognum::SoftmaxLut); see
//!    [`NnScalar::softmax`].
//! 4. **Metrics**: the reported loss and accuracies are computed in f64 from
//!    `T` values; they do not feed back into training.
//! 5. **Master weights** with [`UpdateRule::WideMaster`](optim::UpdateRule)
//!    (the default) are [`WideMaster`] = `WideLogNum<20, Interp<4, 24>>`:
//!    still LNS and integer-only, 32 bits wide, with a finer, longer Δ table.
//!
//! # Keeping LNS training stable: the knobs
//!
//! Measured on the MNIST subset (MLP, paper hyper-parameters, seed 1); the
//! defaults of [`TrainConfig`](train::TrainConfig) are the stable choices,
//! and each paper-faithful alternative stays selectable for ablations:
//!
//! - [`label_grad`](train::TrainConfig::label_grad): the paper's `p_y ⊟ 1`
//!   ([`LabelGrad::Subtract`](loss::LabelGrad::Subtract)) cancels nearly
//!   equal numbers at the pole of the table's Δ−; with the 20-entry table
//!   the gradient of confident examples is several times too large and
//!   lns16-lut *unlearns* after the first epoch (test 87.6 % → 82.2 % by
//!   epoch 4, loss rising; lns16-exact keeps improving to 91.9 %). The
//!   default [`Complement`](loss::LabelGrad::Complement), `−⊞_{j≠y} p_j`, is
//!   the same number computed with Δ+ only: 91.3 % at epoch 4 (f32: 92.1 %).
//! - [`update`](train::TrainConfig::update): the paper's native update loses
//!   updates smaller than `2^-10` of the weight (the table's range); master
//!   weights in a 32-bit LNS word (default) or stochastic rounding recover
//!   1 to 9 points after 10 epochs; table in [`optim`].
//! - [`accumulate`](train::TrainConfig::accumulate): summation order of the
//!   matrix products (sequential, pairwise, blocked, f64). For the table
//!   formats it made no difference beyond ±0.4 points for the MLP (10
//!   epochs) or the CNN (2 epochs of 3,000 examples, where the weight
//!   gradients sum 3,920 terms). The bit shift is different: its Δ+
//!   undercounts small terms, so a left-to-right sum of mixed signs is
//!   biased and noisy, and it trains with pairwise (tree) sums by default
//!   ([`NnScalar::preferred_accumulate`]); over ten seeds on
//!   Fashion-MNIST (20 epochs) that took its mean gap to f32 from 1.92 to
//!   1.20 points.
//!
//! ```
//! use lognum_nn::data::Dataset;
//! use lognum_nn::format::Format;
//! use lognum_nn::train::{train_format, TrainConfig};
//! let ds = Dataset::new(vec![0u8; 2 * 784], 28, 28, vec![1, 2], 10);
//! let cfg = TrainConfig { epochs: 1, ..TrainConfig::default() };
//! let report = train_format(Format::Lns16Lut, &ds, &ds, &cfg, &mut |_| {})?;
//! assert_eq!(report.format, "lns16-lut");
//! # Ok::<(), lognum_nn::NnError>(())
//! ```

pub mod checkpoint;
pub mod data;
mod error;
pub mod format;
pub mod layers;
pub mod loss;
pub mod model;
pub mod optim;
pub mod qat;
pub mod quant;
pub mod rng;
mod scalar;
pub mod train;

pub use error::{CheckpointError, NnError};
pub use scalar::{NnScalar, WideMaster};
