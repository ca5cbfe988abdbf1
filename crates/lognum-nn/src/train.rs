//! The training loop and its run-time dispatch over [`Format`].
//!
//! [`train`] converts both datasets once to `T` (pixels `p/255`, through
//! [`Dataset::map_images`], so 256 conversions in all), then for every epoch
//! runs mini-batch SGD in the order of [`Dataset::batches`] and evaluates the
//! test set in batches of [`TrainConfig::eval_batch`]. Every arithmetic step
//! of the forward pass, the loss gradient, the backward pass and the update
//! is `T`'s; f64 appears only for the reported loss and accuracies (and, for
//! LNS, inside the softmax's antilog conversion: see [`NnScalar::softmax`]).
//!
//! ```no_run
//! use lognum_nn::data::{find_mnist_subset, load_idx_dir};
//! use lognum_nn::format::Format;
//! use lognum_nn::train::{train_format, TrainConfig};
//! let (train, test) = load_idx_dir(&find_mnist_subset().unwrap())?;
//! let cfg = TrainConfig { epochs: 1, ..TrainConfig::default() };
//! let report = train_format(Format::Lns16Lut, &train, &test, &cfg, &mut |_| {})?;
//! println!("{:.2}%", 100.0 * report.test_accuracy);
//! # Ok::<(), lognum_nn::NnError>(())
//! ```

use std::path::PathBuf;
use std::time::Instant;

use lognum_tensor::Tensor;
pub use lognum_tensor::matmul::Accumulate;

use crate::data::Dataset;
use crate::format::Format;
pub use crate::loss::LabelGrad;
use crate::loss::softmax_cross_entropy_with;
use crate::model::Model;
pub use crate::model::ModelKind;
use crate::optim::Sgd;
pub use crate::optim::UpdateRule;
use crate::qat::Qat;
use crate::{NnError, NnScalar};

/// Hyper-parameters and options of a run. The defaults are the paper's
/// (MLP, 20 epochs, batch 5, lr 0.01, no momentum, no weight decay, seed 1),
/// plus [`UpdateRule::WideMaster`] so that LNS training does not stall.
///
/// ```
/// let cfg = lognum_nn::train::TrainConfig::default();
/// assert_eq!((cfg.epochs, cfg.batch, cfg.lr), (20, 5, 0.01));
/// assert!(cfg.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    /// Which network.
    pub model: ModelKind,
    /// Passes over the training set (at least 1).
    pub epochs: usize,
    /// Mini-batch size (at least 1).
    pub batch: usize,
    /// Learning rate (finite, positive). The update uses `lr / batch` times
    /// the batch sum of the gradients, i.e. the mean gradient.
    pub lr: f64,
    /// Momentum (in `[0, 1)`; 0 disables it).
    pub momentum: f64,
    /// L2 weight decay (finite, non-negative; 0 disables it).
    pub weight_decay: f64,
    /// Seed of the initialisation and of the batch order.
    pub seed: u64,
    /// Use only the first `n` training examples.
    pub limit_train: Option<usize>,
    /// Use only the first `n` test examples.
    pub limit_test: Option<usize>,
    /// LBW-Net power-of-two weight quantisation to this many bits (2 to 8):
    /// quantization-aware training with full-precision shadow weights and
    /// the straight-through gradient; biases are not quantized. See
    /// [`crate::qat`].
    pub quantize_weights: Option<u32>,
    /// How updates are applied: see [`crate::optim`] for the LNS update
    /// stall this addresses. Default [`UpdateRule::WideMaster`];
    /// [`UpdateRule::Native`] is the paper's.
    pub update: UpdateRule,
    /// How the label's gradient entry `p_y − 1` is computed (see
    /// [`LabelGrad`]). Default [`LabelGrad::Complement`];
    /// [`LabelGrad::Subtract`] is the paper's.
    pub label_grad: LabelGrad,
    /// The summation order of every matrix product (forward and backward;
    /// see [`Accumulate`]). Default `None`: the number type's
    /// [`NnScalar::preferred_accumulate`], which is the paper's left-to-right
    /// [`Accumulate::Sequential`] for every format except the bit shift,
    /// whose sums are pairwise trees. `Blocked(kb)` stays in `T` and keeps
    /// long LNS sums (the CNN's weight gradients sum `batch·h·w` terms) from
    /// stalling; `Wide` sums in f64 and rounds once, which leaves the log
    /// domain: an ablation reference, not LNS training.
    pub accumulate: Option<Accumulate>,
    /// Test-set evaluation batch size (at least 1; default 100).
    pub eval_batch: usize,
    /// Save the trained model here at the end (see [`crate::checkpoint`]).
    pub checkpoint: Option<PathBuf>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            model: ModelKind::Mlp,
            epochs: 20,
            batch: 5,
            lr: 0.01,
            momentum: 0.0,
            weight_decay: 0.0,
            seed: 1,
            limit_train: None,
            limit_test: None,
            quantize_weights: None,
            update: UpdateRule::WideMaster,
            label_grad: LabelGrad::Complement,
            accumulate: None,
            eval_batch: 100,
            checkpoint: None,
        }
    }
}

impl TrainConfig {
    /// Checks every field, naming the first bad one.
    ///
    /// ```
    /// use lognum_nn::train::TrainConfig;
    /// let bad = TrainConfig { batch: 0, ..TrainConfig::default() };
    /// assert!(bad.validate().unwrap_err().to_string().contains("batch"));
    /// let bad = TrainConfig { lr: f64::NAN, ..TrainConfig::default() };
    /// assert!(bad.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), NnError> {
        let bad = |field, reason: &str| {
            Err(NnError::Config {
                field,
                reason: reason.into(),
            })
        };
        if self.epochs == 0 {
            return bad("epochs", "must be at least 1");
        }
        if self.batch == 0 {
            return bad("batch", "must be at least 1");
        }
        if self.eval_batch == 0 {
            return bad("eval_batch", "must be at least 1");
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return bad(
                "lr",
                &format!("must be finite and positive, got {}", self.lr),
            );
        }
        if !(0.0..1.0).contains(&self.momentum) {
            return bad(
                "momentum",
                &format!("must be in [0, 1), got {}", self.momentum),
            );
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return bad(
                "weight_decay",
                &format!("must be finite and non-negative, got {}", self.weight_decay),
            );
        }
        if self.accumulate == Some(Accumulate::Blocked(0)) {
            return bad("accumulate", "blocked:0 is not a block size");
        }
        if self.limit_train == Some(0) {
            return bad("limit_train", "must be at least 1");
        }
        if self.limit_test == Some(0) {
            return bad("limit_test", "must be at least 1");
        }
        if let Some(bits) = self.quantize_weights {
            crate::qat::check_bits(bits)?;
        }
        Ok(())
    }
}

/// Parses an [`Accumulate`] order: `sequential`, `pairwise`, `wide` or
/// `blocked:N` (`N ≥ 1`).
///
/// ```
/// use lognum_nn::train::{parse_accumulate, Accumulate};
/// assert_eq!(parse_accumulate("blocked:64").unwrap(), Accumulate::Blocked(64));
/// assert_eq!(parse_accumulate("pairwise").unwrap(), Accumulate::Pairwise);
/// assert_eq!(parse_accumulate("wide").unwrap(), Accumulate::Wide);
/// assert!(parse_accumulate("blocked:0").is_err());
/// ```
pub fn parse_accumulate(s: &str) -> Result<Accumulate, NnError> {
    let s = s.trim().to_ascii_lowercase();
    let bad = || NnError::Config {
        field: "accumulate",
        reason: format!("{s:?} is not one of: sequential, pairwise, wide, blocked:N (N ≥ 1)"),
    };
    match s.as_str() {
        "sequential" => Ok(Accumulate::Sequential),
        "pairwise" => Ok(Accumulate::Pairwise),
        "wide" => Ok(Accumulate::Wide),
        _ => {
            let n: usize = s
                .strip_prefix("blocked:")
                .and_then(|n| n.parse().ok())
                .ok_or_else(bad)?;
            if n == 0 {
                return Err(bad());
            }
            Ok(Accumulate::Blocked(n))
        }
    }
}

/// The name [`parse_accumulate`] reads back.
///
/// ```
/// use lognum_nn::train::{accumulate_name, Accumulate};
/// assert_eq!(accumulate_name(Accumulate::Blocked(8)), "blocked:8");
/// ```
pub fn accumulate_name(acc: Accumulate) -> String {
    match acc {
        Accumulate::Sequential => "sequential".into(),
        Accumulate::Pairwise => "pairwise".into(),
        Accumulate::Wide => "wide".into(),
        Accumulate::Blocked(n) => format!("blocked:{n}"),
    }
}

/// One epoch's results.
#[derive(Clone, Debug, PartialEq)]
pub struct EpochReport {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Mean cross-entropy over the epoch's training examples (as seen during
    /// training).
    pub train_loss: f64,
    /// Fraction of training examples classified correctly during training.
    pub train_accuracy: f64,
    /// Test accuracy after the epoch, 0..1.
    pub test_accuracy: f64,
    /// Training time of the epoch in seconds (test evaluation excluded).
    pub seconds: f64,
}

/// A run's results.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainReport {
    /// The number format's name.
    pub format: String,
    /// The network.
    pub model: ModelKind,
    /// The summation order used (the configured one, or the format's
    /// preferred one).
    pub accumulate: Accumulate,
    /// Per-epoch results.
    pub epochs: Vec<EpochReport>,
    /// Final test accuracy, 0..1.
    pub test_accuracy: f64,
    /// Total training time in seconds (evaluation excluded).
    pub train_seconds: f64,
    /// Training examples processed per second.
    pub samples_per_second: f64,
}

/// Progress reports, passed to the callback of [`train`].
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// A batch finished: `done` of `total` batches of epoch `epoch` (from 1).
    Batch {
        /// Epoch number, from 1.
        epoch: usize,
        /// Batches done in this epoch.
        done: usize,
        /// Batches in this epoch.
        total: usize,
    },
    /// An epoch finished.
    Epoch(EpochReport),
}

fn to_t<T: NnScalar>(ds: &Dataset) -> Vec<T> {
    ds.map_images(|p| T::from_f64(f64::from(p) / 255.0))
}

/// Trains a fresh model in `T` and returns the report (and, with
/// [`TrainConfig::checkpoint`], saves the model).
///
/// ```
/// use lognum_nn::data::Dataset;
/// use lognum_nn::train::{train, TrainConfig};
/// // Two 28x28 images of classes 0 and 1.
/// let mut px = vec![0u8; 2 * 784];
/// px[784..].fill(255);
/// let ds = Dataset::new(px, 28, 28, vec![0, 1], 10);
/// let cfg = TrainConfig { epochs: 3, batch: 2, lr: 0.5, ..TrainConfig::default() };
/// let report = train::<f32>(&ds, &ds, &cfg, &mut |_| {}).unwrap();
/// assert_eq!(report.epochs.len(), 3);
/// assert_eq!(report.test_accuracy, 1.0);
/// ```
pub fn train<T: NnScalar>(
    train: &Dataset,
    test: &Dataset,
    cfg: &TrainConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<TrainReport, NnError> {
    let model = train_model::<T>(train, test, cfg, progress)?;
    Ok(model.1)
}

/// Like [`train`], also returning the trained model.
///
/// ```
/// use lognum_nn::data::Dataset;
/// use lognum_nn::train::{train_model, TrainConfig};
/// let ds = Dataset::new(vec![0u8; 784], 28, 28, vec![3], 10);
/// let cfg = TrainConfig { epochs: 1, ..TrainConfig::default() };
/// let (model, report) = train_model::<f64>(&ds, &ds, &cfg, &mut |_| {}).unwrap();
/// assert_eq!(model.num_params(), 79_510);
/// assert_eq!(report.epochs.len(), 1);
/// ```
pub fn train_model<T: NnScalar>(
    train: &Dataset,
    test: &Dataset,
    cfg: &TrainConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(Model<T>, TrainReport), NnError> {
    cfg.validate()?;
    let train = match cfg.limit_train {
        Some(n) => train.clone().limit(n),
        None => train.clone(),
    };
    let test = match cfg.limit_test {
        Some(n) => test.clone().limit(n),
        None => test.clone(),
    };
    if train.is_empty() {
        return Err(NnError::Config {
            field: "train",
            reason: "dataset is empty".into(),
        });
    }
    if (train.rows(), train.cols()) != (test.rows(), test.cols()) {
        return Err(lognum_tensor::TensorError::ShapeMismatch {
            op: "train/test images",
            left: vec![train.rows(), train.cols()],
            right: vec![test.rows(), test.cols()],
        }
        .into());
    }
    let mut model = Model::<T>::new(cfg.model, train.rows(), train.cols(), cfg.seed);
    let accumulate = cfg.accumulate.unwrap_or_else(T::preferred_accumulate);
    model.set_accumulate(accumulate);
    let mut sgd =
        Sgd::<T>::new(cfg.lr, cfg.momentum, cfg.weight_decay, cfg.update).with_seed(cfg.seed);
    let mut qat = cfg.quantize_weights.map(Qat::<T>::new).transpose()?;
    let x_train = to_t::<T>(&train);
    let x_test = to_t::<T>(&test);
    let per = train.image_len();
    let labels = train.labels();
    let mut reports = Vec::with_capacity(cfg.epochs);
    let mut xb: Vec<T> = Vec::with_capacity(cfg.batch * per);
    let mut yb: Vec<u8> = Vec::with_capacity(cfg.batch);
    let mut train_seconds = 0.0;
    for epoch in 1..=cfg.epochs {
        let start = Instant::now();
        let batches = train.batches(cfg.batch, cfg.seed, epoch as u64 - 1);
        let total = batches.len();
        let (mut loss_sum, mut correct) = (0.0, 0usize);
        for (done, idx) in batches.enumerate() {
            xb.clear();
            yb.clear();
            for &i in &idx {
                xb.extend_from_slice(&x_train[i * per..(i + 1) * per]);
                yb.push(labels[i]);
            }
            let x = Tensor::from_vec(std::mem::take(&mut xb), &model.input_shape(idx.len()))?;
            if let Some(q) = qat.as_mut() {
                q.quantize(&mut model);
            }
            let logits = model.forward(&x)?;
            xb = x.into_array().into_raw_vec_and_offset().0;
            let out = softmax_cross_entropy_with(&logits, &yb, cfg.label_grad)?;
            loss_sum += out.loss_sum;
            correct += out.correct;
            model.backward(&out.grad)?;
            if let Some(q) = qat.as_mut() {
                q.restore(&mut model); // straight through to the shadow
            }
            sgd.step(model.params_mut(), idx.len());
            progress(&Progress::Batch {
                epoch,
                done: done + 1,
                total,
            });
        }
        let seconds = start.elapsed().as_secs_f64();
        train_seconds += seconds;
        if let Some(q) = qat.as_mut() {
            q.quantize_exact(&mut model); // evaluate the quantized network
        }
        let test_accuracy = accuracy(&mut model, &x_test, test.labels(), cfg.eval_batch)?;
        if let Some(q) = qat.as_mut().filter(|_| epoch < cfg.epochs) {
            q.restore(&mut model);
        }
        let report = EpochReport {
            epoch,
            train_loss: loss_sum / train.len() as f64,
            train_accuracy: correct as f64 / train.len() as f64,
            test_accuracy,
            seconds,
        };
        progress(&Progress::Epoch(report.clone()));
        reports.push(report);
    }
    if let Some(path) = &cfg.checkpoint {
        crate::checkpoint::save(&model, path)?;
    }
    let test_accuracy = reports.last().map_or(0.0, |r| r.test_accuracy);
    let report = TrainReport {
        format: T::format_name(),
        model: cfg.model,
        accumulate,
        epochs: reports,
        test_accuracy,
        train_seconds,
        samples_per_second: (train.len() * cfg.epochs) as f64 / train_seconds.max(1e-9),
    };
    Ok((model, report))
}

/// Fraction of `images` (in `T`) whose predicted class is the label.
///
/// ```
/// use lognum_nn::{model::Model, train::{accuracy, ModelKind}};
/// let mut m = Model::<f32>::new(ModelKind::Mlp, 28, 28, 1);
/// let acc = accuracy(&mut m, &vec![0.0; 2 * 784], &[0, 1], 100).unwrap();
/// assert!((0.0..=1.0).contains(&acc));
/// ```
pub fn accuracy<T: NnScalar>(
    model: &mut Model<T>,
    images: &[T],
    labels: &[u8],
    batch: usize,
) -> Result<f64, NnError> {
    if labels.is_empty() {
        return Ok(0.0);
    }
    let pred = model.predict(images, batch)?;
    let hits = pred
        .iter()
        .zip(labels)
        .filter(|&(&p, &l)| p == l as usize)
        .count();
    Ok(hits as f64 / labels.len() as f64)
}

/// [`train`] in the type that `format` names; the report's `format` is
/// `format`'s name.
///
/// ```
/// use lognum_nn::data::Dataset;
/// use lognum_nn::format::Format;
/// use lognum_nn::train::{train_format, TrainConfig};
/// let ds = Dataset::new(vec![0u8; 784], 28, 28, vec![3], 10);
/// let cfg = TrainConfig { epochs: 1, ..TrainConfig::default() };
/// let r = train_format(Format::Lns12Shift, &ds, &ds, &cfg, &mut |_| {}).unwrap();
/// assert_eq!(r.format, "lns12-shift");
/// ```
pub fn train_format(
    format: Format,
    train_set: &Dataset,
    test_set: &Dataset,
    cfg: &TrainConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<TrainReport, NnError> {
    let run = crate::with_format_type!(format, T => train::<T>);
    let mut report = run(train_set, test_set, cfg, progress)?;
    report.format = format.name().to_string();
    Ok(report)
}
