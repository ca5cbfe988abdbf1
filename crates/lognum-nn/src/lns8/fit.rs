//! Training a one-byte MLP: [`fit_lns8`] and [`train_lns8_model`], the
//! one-byte side of the shared epoch loop ([`crate::train::run_epochs`]).

use lognum::LogAdd;
use lognum_tensor::scaled::Scaled8;

use super::{GRADIENT_STREAM, Lns8Mlp, Lns8Optimizer, W16, encode, gather};
use crate::data::Dataset;
use crate::optim::UpdateRule;
use crate::rng::Rng;
use crate::train::{Progress, TrainConfig, TrainReport};
use crate::{NnError, NnScalar};

/// [`train_lns8_model`]'s side of the shared epoch loop.
struct Lns8Steps<'a, const FRAC: u32, A> {
    net: &'a mut Lns8Mlp<FRAC, A>,
    cfg: &'a TrainConfig,
    opt: &'a Lns8Optimizer,
    x_train: &'a Scaled8<FRAC, A>,
    labels: &'a [usize],
    yb: Vec<usize>,
    rng: &'a mut Option<Rng>,
    grad_rng: &'a mut Option<Rng>,
    x_test: &'a Scaled8<FRAC, A>,
    test_labels: &'a [usize],
    /// The learning rate of the next step.
    lr: f64,
}

impl<const FRAC: u32, A: LogAdd> crate::train::EpochSteps for Lns8Steps<'_, FRAC, A>
where
    W16<A>: NnScalar,
{
    fn step(&mut self, idx: &[usize]) -> Result<(f64, usize), NnError> {
        self.yb.clear();
        self.yb.extend(idx.iter().map(|&i| self.labels[i]));
        let x = gather(self.x_train, idx)?;
        self.net.step(
            x,
            &self.yb,
            self.lr,
            self.cfg,
            self.opt,
            self.rng,
            self.grad_rng,
        )
    }

    fn set_lr(&mut self, lr: f64) {
        self.lr = lr;
    }

    fn end_epoch(&mut self, _epoch: usize) -> Result<(f64, f64), NnError> {
        let accuracy = self
            .net
            .accuracy(self.x_test, self.test_labels, self.cfg.eval_batch)?;
        // The offsets follow the values: nothing saturates. (Madam's clamp
        // is a bound of the update, not of the format.)
        Ok((accuracy, 0.0))
    }
}

/// Trains the MLP of `cfg.model` in one-byte LNS words (`FRAC` fraction
/// bits, `A` in the 16-bit sums) with `opt`, as [`fit`](crate::train::fit)
/// trains the other formats: the same batches, seed, limits, loss and
/// reports; `cfg.optimizer` is replaced by `opt`, and `cfg.update` picks
/// SGD's rule (and, as [`UpdateRule::Stochastic`], stochastic rounding of
/// Madam's update). The report's `format` is `lns8-…`.
///
/// With [`TrainConfig::checkpoint`], the path is checked writable before
/// training and the trained network saved there ([`Lns8Mlp::save`]); a run
/// that fails saves nothing. Fails on a model other than an MLP and when
/// the loss stops being finite.
pub fn fit_lns8<const FRAC: u32, A: LogAdd>(
    train: &Dataset,
    test: &Dataset,
    cfg: &TrainConfig,
    opt: &Lns8Optimizer,
    progress: &mut dyn FnMut(&Progress),
) -> Result<TrainReport, NnError>
where
    W16<A>: NnScalar,
{
    train_lns8_model::<FRAC, A>(train, test, cfg, opt, progress).map(|(_, r)| r)
}

/// [`fit_lns8`], returning the trained network too.
///
/// ```
/// use lognum::Lut;
/// use lognum_nn::data::Dataset;
/// use lognum_nn::lns8::{train_lns8_model, Lns8Optimizer};
/// use lognum_nn::train::TrainConfig;
/// let ds = Dataset::new(vec![0u8; 784], 28, 28, vec![3], 10);
/// let cfg = TrainConfig { epochs: 1, ..TrainConfig::default() };
/// let (net, _) = train_lns8_model::<3, Lut>(&ds, &ds, &cfg, &Lns8Optimizer::madam(), &mut |_| {})?;
/// assert_eq!(net.weight(0).unwrap().shape(), [784, 100]);
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn train_lns8_model<const FRAC: u32, A: LogAdd>(
    train: &Dataset,
    test: &Dataset,
    cfg: &TrainConfig,
    opt: &Lns8Optimizer,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(Lns8Mlp<FRAC, A>, TrainReport), NnError>
where
    W16<A>: NnScalar,
{
    let (train, test) = crate::train::checked_data(train, test, cfg)?;
    let mut net = Lns8Mlp::<FRAC, A>::new(
        &cfg.model,
        train.feature_len(),
        train.num_classes(),
        cfg.seed,
        opt,
        cfg.update == UpdateRule::WideMaster,
    )?;
    if let Some(acc) = cfg.accumulate {
        net.acc = acc;
    }
    let x_train = encode::<FRAC, A>(&train)?;
    let x_test = encode::<FRAC, A>(&test)?;
    let mut rng = (cfg.update == UpdateRule::Stochastic)
        .then(|| Rng::with_stream(cfg.seed, crate::optim::STOCHASTIC_STREAM));
    let mut grad_rng =
        (cfg.update == UpdateRule::Stochastic).then(|| Rng::with_stream(cfg.seed, GRADIENT_STREAM));
    let mut steps = Lns8Steps {
        net: &mut net,
        cfg,
        opt,
        x_train: &x_train,
        labels: train.labels(),
        yb: Vec::new(),
        rng: &mut rng,
        grad_rng: &mut grad_rng,
        x_test: &x_test,
        test_labels: test.labels(),
        lr: cfg.lr,
    };
    let (reports, train_seconds) = crate::train::run_epochs(&train, cfg, &mut steps, progress)?;
    if let Some(path) = &cfg.checkpoint {
        net.save(path)?;
    }
    let test_accuracy = reports.last().map_or(0.0, |r| r.test_accuracy);
    let report = TrainReport {
        format: format!("lns8-{}", A::NAME),
        model: cfg.model.to_string(),
        optimizer: opt.name().into(),
        accumulate: net.acc,
        epochs: reports,
        test_accuracy,
        train_seconds,
        samples_per_second: (train.len() as f64 * cfg.epochs as f64) / train_seconds.max(1e-9),
    };
    Ok((net, report))
}
