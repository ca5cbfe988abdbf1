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
//!   and [`Sequential`](layers::Sequential), a chain of layers that is
//!   itself a layer;
//! - [`init`]: seeded initialisers (He, Xavier, normal, uniform, zeros);
//! - [`loss`]: softmax with cross-entropy (gradient `p − y`) and mean
//!   squared error;
//! - [`optim`]: the [`Optimizer`](optim::Optimizer) trait, SGD with
//!   momentum and weight decay, Adam, and the
//!   [`UpdateRule`](optim::UpdateRule) that keeps LNS training from stalling;
//! - [`model`]: the paper's MLP (any hidden widths) and the CNN;
//! - [`checkpoint`]: any network's weights as safetensors, with its number
//!   format and layer spec; [`atomic`]: the atomic file writes it uses;
//! - [`quant`], [`qat`]: LBW-Net power-of-two weight quantization, and
//!   training with it (straight-through, full-precision shadow weights);
//! - [`train`]: the training loop and [`train::train_format`], run-time
//!   dispatch over [`format::Format`];
//! - [`data`], [`rng`]: datasets (IDX images or any f32 features),
//!   mini-batches, the seeded generator.
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
//! The defaults of [`TrainConfig`](train::TrainConfig) are the stable
//! choices, and each paper-faithful alternative stays selectable for
//! ablations (`docs/REPRODUCTION.md` has the measurements and the commands
//! that make them):
//!
//! - the label gradient ([`LabelGrad`](loss::LabelGrad)): the paper's
//!   `p_y ⊟ 1` cancels nearly equal numbers at the pole of the table's Δ−,
//!   so with the 20-entry table confident examples get gradients several
//!   times too large; the default
//!   [`Complement`](loss::LabelGrad::Complement), `−⊞_{j≠y} p_j`, is the
//!   same number computed with Δ+ only;
//! - [`update`](train::TrainConfig::update): the paper's native update
//!   loses updates smaller than `2^-10` of the weight (the table's range);
//!   master weights in a 32-bit LNS word (default) or stochastic rounding
//!   keep them;
//! - [`accumulate`](train::TrainConfig::accumulate): the summation order of
//!   the matrix products; the bit shift undercounts small terms in a
//!   left-to-right sum and trains with pairwise sums by default
//!   ([`NnScalar::preferred_accumulate`]).
//!
//! # Your own network
//!
//! ```
//! use lognum_nn::data::Dataset;
//! use lognum_nn::init::Init;
//! use lognum_nn::layers::{LeakyRelu, Linear, Sequential};
//! use lognum_nn::lognum::LogNum;
//! use lognum_nn::rng::Rng;
//! use lognum_nn::train::{fit, TrainConfig};
//! // A 2-16-16-3 classifier in 16-bit LNS, He-initialised from one seed.
//! type T = LogNum<10>;
//! let mut rng = Rng::new(1);
//! let mut net = Sequential::<T>::new()
//!     .with(Linear::with_init(2, 16, &Init::HeNormal, &mut rng))
//!     .with(LeakyRelu::leaky(7))
//!     .with(Linear::with_init(16, 16, &Init::HeNormal, &mut rng))
//!     .with(LeakyRelu::leaky(7))
//!     .with(Linear::with_init(16, 3, &Init::XavierUniform, &mut rng));
//! // Three classes of points in the plane.
//! let (mut x, mut y) = (Vec::new(), Vec::new());
//! for i in 0..300 {
//!     let c = i % 3;
//!     let a = c as f32 * 2.1 + (i as f32 * 0.37).sin() * 0.3;
//!     x.extend([a.cos(), a.sin()]);
//!     y.push(c);
//! }
//! let data = Dataset::from_features(x, &[2], y, 3)?;
//! let cfg = TrainConfig { epochs: 5, batch: 10, lr: 0.1, ..TrainConfig::default() };
//! let report = fit(&mut net, &data, &data, &cfg, &mut |_| {})?;
//! assert!(report.epochs.last().unwrap().test_accuracy > 0.8);
//! # Ok::<(), lognum_nn::NnError>(())
//! ```
//!
//! # A paper model in a format chosen at run time
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

pub mod atomic;
pub mod checkpoint;
pub mod data;
mod error;
pub mod format;
pub mod init;
pub mod layers;
pub mod lns8;
pub mod loss;
pub mod model;
pub mod optim;
pub mod qat;
pub mod quant;
pub mod rng;
mod scalar;
pub mod train;

pub use error::{CheckpointError, NnError};
pub use scalar::{NnScalar, WideMaster, WordType};

/// The number type crate, re-exported so that `LogNum` and its
/// approximations can be named without a dependency of your own.
pub use lognum;
/// The tensor crate, re-exported for [`Tensor`](lognum_tensor::Tensor) and
/// [`Scalar`](lognum_tensor::Scalar).
pub use lognum_tensor;
