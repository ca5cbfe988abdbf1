//! The training loop and its run-time dispatch over [`TrainFormat`].
//!
//! [`fit`] trains any [`Sequential`] network on any [`Dataset`]: it
//! converts both datasets once to `T` (through [`Dataset::map_features`]:
//! for images 256 conversions in all), then for every epoch runs mini-batch
//! steps of the configured optimiser in the order of [`Dataset::batches`],
//! checks that training has not diverged, and evaluates the test set in
//! batches of [`TrainConfig::eval_batch`]. [`train_model`] builds the
//! network named by [`TrainConfig::model`] first; [`train_format`] picks the
//! number type at run time. Every arithmetic step
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

use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Instant;

use lognum_tensor::Tensor;
pub use lognum_tensor::matmul::Accumulate;

use crate::data::Dataset;
use crate::format::TrainFormat;
use crate::layers::{Layer, Sequential};
pub use crate::loss::{LabelGrad, Loss};
pub use crate::model::ModelSpec;
pub use crate::optim::{LrSchedule, OptimizerKind, UpdateRule};
use crate::qat::Qat;
use crate::{NnError, NnScalar};

/// The share of saturated parameters (at the format's largest magnitude,
/// see [`NnScalar::is_saturated`]) above which an epoch's report counts as
/// a warning ([`EpochReport::saturation_warning`]): 1 %.
pub const SATURATION_WARNING: f64 = 0.01;

/// The most epochs a run may ask for: 1,000,000. A run keeps one
/// [`EpochReport`] per epoch, so a count beyond this is refused by
/// [`TrainConfig::validate`] before anything is loaded or allocated; nothing
/// is preallocated per epoch either way.
///
/// ```
/// use lognum_nn::train::{TrainConfig, MAX_EPOCHS};
/// let cfg = TrainConfig { epochs: MAX_EPOCHS + 1, ..TrainConfig::default() };
/// assert!(cfg.validate().unwrap_err().to_string().contains("epochs"));
/// ```
pub const MAX_EPOCHS: usize = 1_000_000;

/// Hyper-parameters and options of a run. The defaults are the paper's
/// (MLP, 20 epochs, batch 5, lr 0.01, plain SGD, no weight decay, seed 1),
/// plus [`UpdateRule::WideMaster`] so that LNS training does not stall.
///
/// ```
/// let cfg = lognum_nn::train::TrainConfig::default();
/// assert_eq!((cfg.epochs, cfg.batch, cfg.lr), (20, 5, 0.01));
/// assert!(cfg.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    /// The network [`train_model`] and [`train_format`] build ([`fit`]
    /// trains the network it is given and ignores this).
    pub model: ModelSpec,
    /// Passes over the training set (1 to [`MAX_EPOCHS`]).
    pub epochs: usize,
    /// Mini-batch size (at least 1).
    pub batch: usize,
    /// Learning rate (finite, positive). The update uses `lr / batch` times
    /// the batch sum of the gradients, i.e. the mean gradient.
    pub lr: f64,
    /// How the learning rate moves over the run (default
    /// [`LrSchedule::Constant`], the paper's): step `s` of `S` uses
    /// `lr · lr_schedule.factor(s, S)`.
    pub lr_schedule: LrSchedule,
    /// The optimiser and its own hyper-parameters (default: SGD without
    /// momentum, the paper's).
    pub optimizer: OptimizerKind,
    /// L2 weight decay (finite, non-negative; 0 disables it; must be 0 with
    /// [`OptimizerKind::Madam`]).
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
    /// [`UpdateRule::Native`] is the paper's. [`OptimizerKind::Madam`] keeps
    /// no master copy: it rounds its updates stochastically under
    /// [`UpdateRule::Stochastic`] and to nearest under the other two.
    pub update: UpdateRule,
    /// The loss (default: softmax cross-entropy with the
    /// [`LabelGrad::Complement`] label gradient; the paper's is
    /// [`LabelGrad::Subtract`]).
    pub loss: Loss,
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
    /// Save the trained network here at the end, atomically (see
    /// [`crate::checkpoint`]; a one-byte network as
    /// [`Lns8Mlp::save`](crate::lns8::Lns8Mlp::save) writes it); the path is
    /// checked writable before training, and a run that fails or diverges
    /// saves nothing.
    pub checkpoint: Option<PathBuf>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            model: ModelSpec::default(),
            epochs: 20,
            batch: 5,
            lr: 0.01,
            lr_schedule: LrSchedule::Constant,
            optimizer: OptimizerKind::default(),
            weight_decay: 0.0,
            seed: 1,
            limit_train: None,
            limit_test: None,
            quantize_weights: None,
            update: UpdateRule::WideMaster,
            loss: Loss::default(),
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
        if self.epochs > MAX_EPOCHS {
            return bad(
                "epochs",
                &format!("must be at most {MAX_EPOCHS}, got {}", self.epochs),
            );
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
        self.optimizer.validate()?;
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return bad(
                "weight_decay",
                &format!("must be finite and non-negative, got {}", self.weight_decay),
            );
        }
        if matches!(self.optimizer, OptimizerKind::Madam { .. }) && self.weight_decay != 0.0 {
            return bad(
                "weight_decay",
                "must be 0: Madam has no weight decay (its clamp bounds the weights)",
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
    /// Mean loss over the epoch's training examples (as seen during
    /// training).
    pub train_loss: f64,
    /// Fraction of training examples classified correctly during training.
    pub train_accuracy: f64,
    /// Test accuracy after the epoch, 0..1.
    pub test_accuracy: f64,
    /// Share of parameters pinned at the format's largest magnitude after
    /// the epoch, 0..1 (always 0 for the floats, which do not saturate).
    pub saturated: f64,
    /// Training time of the epoch in seconds (test evaluation excluded).
    pub seconds: f64,
}

impl EpochReport {
    /// Whether more than [`SATURATION_WARNING`] of the parameters are
    /// saturated: the run is probably broken even though it did not diverge.
    ///
    /// ```
    /// use lognum_nn::train::EpochReport;
    /// let r = EpochReport { epoch: 1, train_loss: 0.3, train_accuracy: 0.9,
    ///     test_accuracy: 0.9, saturated: 0.2, seconds: 1.0 };
    /// assert!(r.saturation_warning());
    /// ```
    pub fn saturation_warning(&self) -> bool {
        self.saturated > SATURATION_WARNING
    }
}

/// A run's results.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainReport {
    /// The number format's name.
    pub format: String,
    /// The network: the [`ModelSpec`] for [`train_model`], the layer names
    /// for [`fit`].
    pub model: String,
    /// The optimiser's name.
    pub optimizer: String,
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

/// Progress reports, passed to the callback of [`fit`].
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

/// What a trainer does for the shared epoch loop, [`run_epochs`].
pub(crate) trait EpochSteps {
    /// One step on the training examples `idx`: returns the batch's loss
    /// sum and the number correct.
    fn step(&mut self, idx: &[usize]) -> Result<(f64, usize), NnError>;
    /// The learning rate of the next steps.
    fn set_lr(&mut self, lr: f64);
    /// After the epoch's steps: the test accuracy and the saturated share
    /// of the parameters.
    fn end_epoch(&mut self, epoch: usize) -> Result<(f64, f64), NnError>;
}

/// The epoch loop of every trainer: batches of `train` in the seeded order
/// of `cfg`, the learning rate of `cfg.lr_schedule` set before every
/// step, a progress report per batch and per epoch, and
/// [`NnError::Diverged`] when a batch's loss is not finite. Returns the
/// epochs' reports and the training seconds (evaluation excluded).
pub(crate) fn run_epochs(
    train: &Dataset,
    cfg: &TrainConfig,
    steps: &mut dyn EpochSteps,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(Vec<EpochReport>, f64), NnError> {
    let batch = cfg.batch.min(train.len());
    let mut reports = Vec::new();
    let mut train_seconds = 0.0;
    let per_epoch = train.len().div_ceil(batch.max(1));
    let all_steps = per_epoch.saturating_mul(cfg.epochs);
    let mut step = 0usize;
    for epoch in 1..=cfg.epochs {
        let start = Instant::now();
        let batches = train.batches(batch, cfg.seed, epoch as u64 - 1);
        let total = batches.len();
        let (mut loss_sum, mut correct) = (0.0, 0usize);
        for (done, idx) in batches.enumerate() {
            steps.set_lr(cfg.lr * cfg.lr_schedule.factor(step, all_steps));
            step += 1;
            let (loss, right) = steps.step(&idx)?;
            if !loss.is_finite() {
                return Err(NnError::Diverged {
                    epoch,
                    what: format!(
                        "the training loss is {loss} at batch {} of {total}",
                        done + 1
                    ),
                });
            }
            loss_sum += loss;
            correct += right;
            progress(&Progress::Batch {
                epoch,
                done: done + 1,
                total,
            });
        }
        let seconds = start.elapsed().as_secs_f64();
        train_seconds += seconds;
        let (test_accuracy, saturated) = steps.end_epoch(epoch)?;
        let report = EpochReport {
            epoch,
            train_loss: loss_sum / train.len() as f64,
            train_accuracy: correct as f64 / train.len() as f64,
            test_accuracy,
            saturated,
            seconds,
        };
        progress(&Progress::Epoch(report.clone()));
        reports.push(report);
    }
    Ok((reports, train_seconds))
}

/// `ds`, or its first `limit` examples (copying only those).
pub(crate) fn limited(ds: &Dataset, limit: Option<usize>) -> Cow<'_, Dataset> {
    match limit {
        Some(n) if n < ds.len() => Cow::Owned(ds.head(n)),
        _ => Cow::Borrowed(ds),
    }
}

/// What every trainer checks before it starts: `cfg` valid, its checkpoint
/// path writable, the limited training set not empty, train and test
/// features of one shape. Returns the limited sets.
pub(crate) fn checked_data<'a>(
    train: &'a Dataset,
    test: &'a Dataset,
    cfg: &TrainConfig,
) -> Result<(Cow<'a, Dataset>, Cow<'a, Dataset>), NnError> {
    cfg.validate()?;
    if let Some(path) = &cfg.checkpoint {
        crate::checkpoint::check_writable(path)?;
    }
    let train = limited(train, cfg.limit_train);
    let test = limited(test, cfg.limit_test);
    if train.is_empty() {
        return Err(NnError::Config {
            field: "train",
            reason: "dataset is empty".into(),
        });
    }
    if train.feature_shape() != test.feature_shape() {
        return Err(lognum_tensor::TensorError::ShapeMismatch {
            op: "train/test features",
            left: train.feature_shape().to_vec(),
            right: test.feature_shape().to_vec(),
        }
        .into());
    }
    Ok((train, test))
}

/// Trains `net` in place on `train`, evaluating on `test` after every
/// epoch; returns the report (and, with [`TrainConfig::checkpoint`], saves
/// the network). Uses every field of `cfg` except `model`.
///
/// The batch tensors have shape `[batch, feature_shape…]`; the network's
/// outputs must be `[batch, classes]` with `classes ≥` the datasets'
/// `num_classes()`. The same seed, data and network give the same bits,
/// whatever the number of threads.
///
/// Stops with [`NnError::Diverged`] as soon as a batch's loss is not
/// finite, or when a parameter is not finite after an epoch; nothing is
/// saved then.
///
/// ```
/// use lognum::LogNum;
/// use lognum_nn::data::Dataset;
/// use lognum_nn::init::Init;
/// use lognum_nn::layers::{LeakyRelu, Linear, Sequential};
/// use lognum_nn::rng::Rng;
/// use lognum_nn::train::{fit, TrainConfig};
/// type L = LogNum<10>;
/// // Two classes on either side of the line x = y.
/// let mut rng = Rng::new(5);
/// let (mut xy, mut labels) = (Vec::new(), Vec::new());
/// for _ in 0..200 {
///     let (x, y) = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));
///     xy.extend([x as f32, y as f32]);
///     labels.push(usize::from(x > y));
/// }
/// let ds = Dataset::from_features(xy, &[2], labels, 2)?;
/// let mut net = Sequential::<L>::new()
///     .with(Linear::with_init(2, 8, &Init::HeNormal, &mut rng))
///     .with(LeakyRelu::leaky(7))
///     .with(Linear::with_init(8, 2, &Init::HeNormal, &mut rng));
/// let cfg = TrainConfig { epochs: 5, lr: 0.1, ..TrainConfig::default() };
/// let report = fit(&mut net, &ds, &ds, &cfg, &mut |_| {})?;
/// assert!(report.test_accuracy > 0.9);
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn fit<T: NnScalar>(
    net: &mut Sequential<T>,
    train: &Dataset,
    test: &Dataset,
    cfg: &TrainConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<TrainReport, NnError> {
    let (train, test) = checked_data(train, test, cfg)?;
    let accumulate = cfg.accumulate.unwrap_or_else(T::preferred_accumulate);
    net.set_accumulate(accumulate);
    let mut opt = cfg
        .optimizer
        .build::<T>(cfg.lr, cfg.weight_decay, cfg.update, cfg.seed);
    let mut qat = cfg.quantize_weights.map(Qat::<T>::new).transpose()?;
    let x_train = train.map_features(T::from_f64_lossy);
    let x_test = test.map_features(T::from_f64_lossy);
    let mut shape = vec![0];
    shape.extend_from_slice(train.feature_shape());
    let mut steps = FitSteps {
        net,
        opt: &mut opt,
        qat: qat.as_mut(),
        cfg,
        x_train: &x_train,
        per: train.feature_len(),
        labels: train.labels(),
        xb: Vec::with_capacity(cfg.batch.min(train.len()) * train.feature_len()),
        yb: Vec::new(),
        shape,
        x_test: &x_test,
        test: &test,
    };
    let (reports, train_seconds) = run_epochs(&train, cfg, &mut steps, progress)?;
    if let Some(path) = &cfg.checkpoint {
        crate::checkpoint::save(net, path)?;
    }
    let test_accuracy = reports.last().map_or(0.0, |r| r.test_accuracy);
    Ok(TrainReport {
        format: T::format_name(),
        model: net.layer_names().join(", "),
        optimizer: cfg.optimizer.name().into(),
        accumulate,
        epochs: reports,
        test_accuracy,
        train_seconds,
        samples_per_second: (train.len() as f64 * cfg.epochs as f64) / train_seconds.max(1e-9),
    })
}

/// [`fit`]'s side of the epoch loop.
struct FitSteps<'a, T: NnScalar> {
    net: &'a mut Sequential<T>,
    opt: &'a mut Box<dyn crate::optim::Optimizer<T>>,
    qat: Option<&'a mut Qat<T>>,
    cfg: &'a TrainConfig,
    x_train: &'a [T],
    per: usize,
    labels: &'a [usize],
    xb: Vec<T>,
    yb: Vec<usize>,
    shape: Vec<usize>,
    x_test: &'a [T],
    test: &'a Dataset,
}

impl<T: NnScalar> EpochSteps for FitSteps<'_, T> {
    fn set_lr(&mut self, lr: f64) {
        self.opt.set_lr(lr);
    }

    fn step(&mut self, idx: &[usize]) -> Result<(f64, usize), NnError> {
        let per = self.per;
        self.xb.clear();
        self.yb.clear();
        for &i in idx {
            self.xb
                .extend_from_slice(&self.x_train[i * per..(i + 1) * per]);
            self.yb.push(self.labels[i]);
        }
        self.shape[0] = idx.len();
        let x = Tensor::from_vec(std::mem::take(&mut self.xb), &self.shape)?;
        if let Some(q) = self.qat.as_deref_mut() {
            q.quantize(self.net);
        }
        let outputs = self.net.forward(&x)?;
        self.xb = x.into_array().into_raw_vec_and_offset().0;
        let out = self.cfg.loss.compute(&outputs, &self.yb)?;
        if !out.loss_sum.is_finite() {
            return Ok((out.loss_sum, out.correct)); // the loop reports it
        }
        self.net.backward(&out.grad, false)?;
        if let Some(q) = self.qat.as_deref_mut() {
            q.restore(self.net); // straight through to the shadow
        }
        self.opt.step(self.net.params_mut(), idx.len());
        Ok((out.loss_sum, out.correct))
    }

    fn end_epoch(&mut self, epoch: usize) -> Result<(f64, f64), NnError> {
        let saturated = check_params(self.net, epoch)?;
        if let Some(q) = self.qat.as_deref_mut() {
            q.quantize_exact(self.net); // evaluate the quantized network
        }
        let test_accuracy = accuracy(
            self.net,
            self.x_test,
            self.test.feature_shape(),
            self.test.labels(),
            self.cfg.eval_batch,
        )?;
        if let Some(q) = self.qat.as_deref_mut().filter(|_| epoch < self.cfg.epochs) {
            q.restore(self.net);
        }
        Ok((test_accuracy, saturated))
    }
}

/// Fails with [`NnError::Diverged`] if a parameter is not finite; returns
/// the share of saturated parameters.
fn check_params<T: NnScalar>(net: &Sequential<T>, epoch: usize) -> Result<f64, NnError> {
    let (mut total, mut saturated) = (0usize, 0usize);
    for (name, p) in net.param_names().iter().zip(net.params()) {
        if let Some(i) = p.iter().position(|x| !x.to_f64_lossy().is_finite()) {
            return Err(NnError::Diverged {
                epoch,
                what: format!("parameter {name}[{i}] is {}", p[i].to_f64_lossy()),
            });
        }
        total += p.len();
        saturated += p.iter().filter(|x| x.is_saturated()).count();
    }
    Ok(if total == 0 {
        0.0
    } else {
        saturated as f64 / total as f64
    })
}

/// Trains a fresh network of [`TrainConfig::model`] in `T` (built for
/// `train`'s feature shape and classes, initialised from the seed) and
/// returns it with the report.
///
/// ```
/// use lognum_nn::data::Dataset;
/// use lognum_nn::train::{train_model, TrainConfig};
/// let ds = Dataset::new(vec![0u8; 784], 28, 28, vec![3], 10);
/// let cfg = TrainConfig { epochs: 1, ..TrainConfig::default() };
/// let (net, report) = train_model::<f64>(&ds, &ds, &cfg, &mut |_| {}).unwrap();
/// assert_eq!(net.num_params(), 79_510);
/// assert_eq!((report.epochs.len(), report.model.as_str()), (1, "mlp"));
/// ```
pub fn train_model<T: NnScalar>(
    train: &Dataset,
    test: &Dataset,
    cfg: &TrainConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(Sequential<T>, TrainReport), NnError> {
    cfg.validate()?;
    let mut net = cfg
        .model
        .build::<T>(train.feature_shape(), train.num_classes(), cfg.seed)?;
    let mut report = fit(&mut net, train, test, cfg, progress)?;
    report.model = cfg.model.to_string();
    Ok((net, report))
}

/// [`train_model`] without the network.
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
    Ok(train_model::<T>(train, test, cfg, progress)?.1)
}

/// Fraction of examples whose predicted class is the label: `features`
/// holds the examples in `T`, one after the other, each of
/// `feature_shape`, evaluated `batch` at a time through `net` in tensors of
/// shape `[batch, feature_shape…]`. Use [`evaluate`] to start from a
/// [`Dataset`].
///
/// ```
/// use lognum_nn::{model::mlp, train::accuracy};
/// let mut net = mlp::<f32>(&[784], &[100], 10, 1).unwrap();
/// let acc = accuracy(&mut net, &vec![0.0; 2 * 784], &[784], &[0, 1], 100).unwrap();
/// assert!((0.0..=1.0).contains(&acc));
/// assert!(accuracy(&mut net, &vec![0.0; 100], &[784], &[0, 1], 100).is_err());
/// ```
pub fn accuracy<T: NnScalar>(
    net: &mut Sequential<T>,
    features: &[T],
    feature_shape: &[usize],
    labels: &[usize],
    batch: usize,
) -> Result<f64, NnError> {
    let per: usize = feature_shape.iter().product();
    if per == 0 || Some(features.len()) != per.checked_mul(labels.len()) {
        return Err(lognum_tensor::TensorError::Length {
            len: features.len(),
            shape: vec![labels.len(), per],
        }
        .into());
    }
    if labels.is_empty() {
        return Ok(0.0);
    }
    let mut shape = vec![0];
    shape.extend_from_slice(feature_shape);
    let mut hits = 0usize;
    for (chunk, lab) in features
        .chunks(per * batch.max(1))
        .zip(labels.chunks(batch.max(1)))
    {
        shape[0] = lab.len();
        let x = Tensor::from_vec(chunk.to_vec(), &shape)?;
        let pred = net.predict(&x)?;
        hits += pred.iter().zip(lab).filter(|(p, l)| p == l).count();
    }
    Ok(hits as f64 / labels.len() as f64)
}

/// Test accuracy of `net` on `ds`, `batch` examples at a time, with the
/// same conversion to `T` as training: what [`fit`] reports after its last
/// epoch for the same network and data.
///
/// ```
/// use lognum_nn::data::Dataset;
/// use lognum_nn::model::mlp;
/// use lognum_nn::train::evaluate;
/// let ds = Dataset::new(vec![0u8; 2 * 784], 28, 28, vec![0, 1], 10);
/// let mut net = mlp::<f32>(ds.feature_shape(), &[100], 10, 1).unwrap();
/// assert!((0.0..=1.0).contains(&evaluate(&mut net, &ds, 100).unwrap()));
/// ```
pub fn evaluate<T: NnScalar>(
    net: &mut Sequential<T>,
    ds: &Dataset,
    batch: usize,
) -> Result<f64, NnError> {
    let x = ds.map_features(T::from_f64_lossy);
    accuracy(net, &x, ds.feature_shape(), ds.labels(), batch)
}

/// [`train`] in the type that `format` names, or, for a one-byte format,
/// [`lns8::train_lns8`](crate::lns8::train_lns8); the report's `format` is
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
    format: impl Into<TrainFormat>,
    train_set: &Dataset,
    test_set: &Dataset,
    cfg: &TrainConfig,
    progress: &mut dyn FnMut(&Progress),
) -> Result<TrainReport, NnError> {
    let format = match format.into() {
        TrainFormat::Word(f) => f,
        TrainFormat::Scaled8(f) => {
            return crate::lns8::train_lns8(f, train_set, test_set, cfg, progress);
        }
    };
    let run = crate::with_format_type!(format, T => train::<T>);
    let mut report = run(train_set, test_set, cfg, progress)?;
    report.format = format.name().to_string();
    Ok(report)
}
