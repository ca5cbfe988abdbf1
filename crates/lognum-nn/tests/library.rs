//! `lognum-nn` as a user's library: build a network of your own with
//! `Sequential`, initialise it from a seed, train it in any number type with
//! any loss and optimiser, on features that are not images, and move its
//! weights. Uses exactly the public names a dependent crate would.

use lognum_nn::checkpoint;
use lognum_nn::data::Dataset;
use lognum_nn::format::{Bf16, Fixed16, Lns12Lut, Lns16Lut, Lns16Shift};
use lognum_nn::init::Init;
use lognum_nn::layers::{Flatten, Layer, LeakyRelu, Linear, ParamMut, Sequential};
use lognum_nn::lognum::LogNum;
use lognum_nn::loss::{Loss, mse};
use lognum_nn::optim::{Adam, Optimizer, OptimizerKind, Sgd, UpdateRule};
use lognum_nn::rng::Rng;
use lognum_nn::train::{TrainConfig, evaluate, fit};
use lognum_nn::{NnError, NnScalar};
use lognum_tensor::Tensor;

/// Three classes of points in the plane, on three arcs of the unit circle.
fn clusters(n: usize, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for i in 0..n {
        let class = i % 3;
        let angle = class as f64 * 2.1 + rng.normal() * 0.3;
        x.extend([angle.cos() as f32, angle.sin() as f32]);
        y.push(class);
    }
    Dataset::from_features(x, &[2], y, 3).unwrap()
}

/// The 2-16-16-3 classifier of a user, built with the builder (`with`),
/// `push` and a nested `Sequential`.
fn classifier<T: NnScalar>(seed: u64) -> Sequential<T> {
    let mut rng = Rng::new(seed);
    let hidden = Sequential::new()
        .with(Linear::with_init(16, 16, &Init::HeNormal, &mut rng))
        .with(LeakyRelu::leaky(7));
    let mut net = Sequential::new()
        .with(Linear::with_init(2, 16, &Init::HeNormal, &mut rng))
        .with(LeakyRelu::leaky(7));
    net.push(hidden);
    net.push(Linear::with_init(16, 3, &Init::XavierUniform, &mut rng));
    net
}

fn train_clusters<T: NnScalar>(optimizer: OptimizerKind, lr: f64, loss: Loss) -> f64 {
    let (train, test) = (clusters(600, 1), clusters(300, 2));
    let mut net = classifier::<T>(3);
    let cfg = TrainConfig {
        epochs: 4,
        batch: 10,
        lr,
        optimizer,
        loss,
        ..TrainConfig::default()
    };
    let report = fit(&mut net, &train, &test, &cfg, &mut |_| {}).unwrap();
    assert_eq!(report.epochs.len(), 4);
    // What fit reports is what evaluating the trained network gives.
    assert_eq!(
        evaluate(&mut net, &test, 100).unwrap(),
        report.test_accuracy
    );
    report.test_accuracy
}

/// Every number type learns the clusters with SGD and with Adam.
#[test]
fn a_custom_network_learns_in_every_type() {
    let sgd = OptimizerKind::Sgd { momentum: 0.9 };
    let adam = OptimizerKind::adam();
    fn both<T: NnScalar>(sgd: OptimizerKind, adam: OptimizerKind) {
        let a = train_clusters::<T>(sgd, 0.05, Loss::default());
        let b = train_clusters::<T>(adam, 0.01, Loss::default());
        assert!(a > 0.9, "{} sgd: {a}", T::format_name());
        assert!(b > 0.9, "{} adam: {b}", T::format_name());
    }
    both::<f32>(sgd, adam);
    both::<f64>(sgd, adam);
    both::<Bf16>(sgd, adam);
    both::<Fixed16>(sgd, adam);
    both::<Lns16Lut>(sgd, adam);
    both::<Lns16Shift>(sgd, adam);
    both::<Lns12Lut>(sgd, adam);
    both::<LogNum<8, lognum_nn::lognum::Exact>>(sgd, adam);
}

/// Mean squared error on one-hot labels trains a classifier too.
#[test]
fn mse_loss_trains() {
    let acc = train_clusters::<f32>(OptimizerKind::default(), 0.05, Loss::Mse);
    assert!(acc > 0.9, "{acc}");
    let acc = train_clusters::<Lns16Lut>(OptimizerKind::default(), 0.05, Loss::Mse);
    assert!(acc > 0.9, "{acc}");
}

/// `mse` as a function: regression to a target tensor.
fn regress<T: NnScalar>() -> (f64, f64, f64, f64) {
    let mut net = Sequential::<T>::new().with(Linear::new(1, 1));
    let mut opt = Sgd::<T>::new(0.1, 0.0, 0.0, UpdateRule::WideMaster);
    let xs = [-1.0, -0.5, 0.0, 0.5, 1.0];
    let x = Tensor::from_vec(xs.iter().map(|&v| T::from_f64_lossy(v)).collect(), &[5, 1]).unwrap();
    let t = Tensor::from_vec(
        xs.iter()
            .map(|&v| T::from_f64_lossy(3.0 * v - 1.0))
            .collect(),
        &[5, 1],
    )
    .unwrap();
    let mut first = None;
    let mut last = 0.0;
    for _ in 0..300 {
        let y = net.forward(&x).unwrap();
        let out = mse(&y, &t).unwrap();
        first.get_or_insert(out.loss_sum);
        last = out.loss_sum;
        net.backward(&out.grad, false).unwrap();
        opt.step(net.params_mut(), 5);
    }
    let w = net.params();
    (
        first.unwrap(),
        last,
        w[0][0].to_f64_lossy(),
        w[1][0].to_f64_lossy(),
    )
}

/// Exact arithmetic (f64, f32, LNS with exact Δ) fits `y = 3x − 1`
/// exactly. The 20-entry table stops short: its Δ− is coarsest near the
/// pole, where `y − t` cancels, so the computed residuals stop pulling before
/// they reach zero (an error floor of a few percent on the coefficients).
#[test]
fn mse_regression_by_hand() {
    type Exact16 = LogNum<10, lognum_nn::lognum::Exact>;
    for (name, (first, last, w, b)) in [
        ("f64", regress::<f64>()),
        ("f32", regress::<f32>()),
        ("lns16-exact", regress::<Exact16>()),
    ] {
        assert!(last < 1e-9 * first, "{name}: {first} → {last}");
        assert!(
            (w - 3.0).abs() < 1e-4 && (b + 1.0).abs() < 1e-4,
            "{name}: {w} {b}"
        );
    }
    let (first, last, w, b) = regress::<Lns16Lut>();
    assert!(last < 0.02 * first, "lns16-lut: {first} → {last}");
    assert!(
        (w - 3.0).abs() < 0.1 && (b + 1.0).abs() < 0.15,
        "lns16-lut: {w} {b}"
    );
}

/// The initialisers sample in f64 and convert once: the same seed gives
/// every format the same network, each weight the nearest value of its type.
#[test]
fn every_format_starts_from_the_same_network() {
    let reference = classifier::<f64>(7);
    fn same<T: NnScalar>(reference: &Sequential<f64>) {
        let net = classifier::<T>(7);
        for (p, r) in net.params().iter().zip(reference.params()) {
            for (&w, &v) in p.iter().zip(r) {
                assert_eq!(w, T::from_f64_lossy(v), "{}", T::format_name());
            }
        }
    }
    same::<f32>(&reference);
    same::<Lns16Lut>(&reference);
    same::<Fixed16>(&reference);
    same::<Bf16>(&reference);
    // He normal: the standard deviation is √(2 / fan_in).
    let mut rng = Rng::new(9);
    let mut w = vec![0.0f64; 100_000];
    Init::HeNormal.fill(&mut rng, 50, 10, &mut w);
    let var = w.iter().map(|v| v * v).sum::<f64>() / w.len() as f64;
    assert!((var / (2.0 / 50.0) - 1.0).abs() < 0.02, "{var}");
    Init::XavierUniform.fill(&mut rng, 50, 10, &mut w);
    let a = (6.0f64 / 60.0).sqrt();
    assert!(w.iter().all(|v| v.abs() <= a));
    assert!(w.iter().any(|v| v.abs() > 0.99 * a));
    Init::Zeros.fill(&mut rng, 50, 10, &mut w);
    assert!(w.iter().all(|&v| v == 0.0));
}

/// Adam in LNS: its first step moves each weight by about `lr` whatever
/// the gradient's size, as in f64 (the square root and the division are
/// exact operations on the logs).
#[test]
fn adam_first_step_in_lns_matches_f64() {
    let grads = [1e-3, -50.0, 0.25, -2.0];
    let mut w64 = vec![1.0f64; 4];
    let mut a64 = Adam::<f64>::new(0.01, UpdateRule::WideMaster);
    a64.step(
        vec![ParamMut {
            value: &mut w64,
            grad: &grads,
        }],
        1,
    );
    type L = Lns16Lut;
    let mut w = vec![L::from_f64(1.0); 4];
    let g: Vec<L> = grads.iter().map(|&v| L::from_f64(v)).collect();
    let mut a = Adam::<L>::new(0.01, UpdateRule::WideMaster);
    a.step(
        vec![ParamMut {
            value: &mut w,
            grad: &g,
        }],
        1,
    );
    for (x, y) in w.iter().zip(&w64) {
        assert!((x.to_f64() - y).abs() < 2e-3, "{} vs {y}", x.to_f64());
        assert!((y - 1.0).abs() > 0.009, "{y}");
    }
}

/// A layer of the user's own inside a `Sequential`: it trains, and its
/// weights travel through a checkpoint into a network of the same shape.
struct Scale<T> {
    w: Vec<T>,
    g: Vec<T>,
    x: Option<Tensor<T>>,
}

impl<T: NnScalar> Layer<T> for Scale<T> {
    fn name(&self) -> String {
        "scale".into()
    }
    fn forward(&mut self, x: &Tensor<T>) -> Result<Tensor<T>, NnError> {
        self.x = Some(x.clone());
        let v: Vec<T> = x
            .to_vec()
            .into_iter()
            .map(|v| v.scalar_mul(self.w[0]))
            .collect();
        Ok(Tensor::from_vec(v, x.shape())?)
    }
    fn backward(
        &mut self,
        grad: &Tensor<T>,
        input_grad: bool,
    ) -> Result<Option<Tensor<T>>, NnError> {
        let x = self.x.as_ref().expect("forward first").to_vec();
        let g = grad.to_vec();
        self.g[0] = x
            .iter()
            .zip(&g)
            .fold(T::zero(), |acc, (&a, &b)| acc.scalar_add(a.scalar_mul(b)));
        Ok(input_grad.then(|| {
            let v: Vec<T> = g.iter().map(|&v| v.scalar_mul(self.w[0])).collect();
            Tensor::from_vec(v, grad.shape()).unwrap()
        }))
    }
    fn params(&self) -> Vec<&[T]> {
        vec![&self.w]
    }
    fn param_shapes(&self) -> Vec<Vec<usize>> {
        vec![vec![1]]
    }
    fn params_mut(&mut self) -> Vec<ParamMut<'_, T>> {
        vec![ParamMut {
            value: &mut self.w,
            grad: &self.g,
        }]
    }
}

fn with_scale<T: NnScalar>(seed: u64) -> Sequential<T> {
    classifier::<T>(seed).with(Scale {
        w: vec![T::from_f64_lossy(0.5)],
        g: vec![T::zero()],
        x: None,
    })
}

#[test]
fn custom_layers_train_and_travel() {
    type T = Lns16Lut;
    let (train, test) = (clusters(300, 1), clusters(150, 2));
    let mut net = with_scale::<T>(3);
    let cfg = TrainConfig {
        epochs: 3,
        batch: 10,
        lr: 0.05,
        ..TrainConfig::default()
    };
    let report = fit(&mut net, &train, &test, &cfg, &mut |_| {}).unwrap();
    assert!(report.test_accuracy > 0.9, "{}", report.test_accuracy);
    assert_ne!(net.params().last().unwrap()[0], T::from_f64(0.5), "trained");
    assert_eq!(net.param_names().last().unwrap(), "4.param0");

    let bytes = checkpoint::to_bytes(&net).unwrap();
    // Without the user's layer the spec cannot be rebuilt: a clear error.
    let err = checkpoint::from_bytes::<T>(&bytes).unwrap_err().to_string();
    assert!(err.contains("scale"), "{err}");
    // Into a network of the same shape, it loads bit for bit.
    let mut other = with_scale::<T>(99);
    checkpoint::load_bytes_into(&mut other, &bytes).unwrap();
    assert_eq!(other.params(), net.params());
    assert_eq!(
        evaluate(&mut other, &test, 7).unwrap(),
        report.test_accuracy
    );
}

/// Images as features (`[channels, rows, cols]`) through `Flatten`.
#[test]
fn image_features_of_any_shape() {
    let mut rng = Rng::new(4);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for i in 0..200 {
        let class = i % 2;
        for c in 0..2 {
            for p in 0..9 {
                let bright = (c + p + class) % 2 == 0;
                x.push(if bright { 1.0 } else { 0.0 } + rng.normal() as f32 * 0.1);
            }
        }
        y.push(class);
    }
    let data = Dataset::from_features(x, &[2, 3, 3], y, 2).unwrap();
    let mut rng = Rng::new(5);
    let mut net = Sequential::<Lns16Lut>::new()
        .with(Flatten::new())
        .with(Linear::with_init(18, 8, &Init::HeNormal, &mut rng))
        .with(LeakyRelu::relu())
        .with(Linear::with_init(8, 2, &Init::HeNormal, &mut rng));
    let cfg = TrainConfig {
        epochs: 2,
        batch: 4,
        lr: 0.05,
        ..TrainConfig::default()
    };
    let r = fit(&mut net, &data, &data, &cfg, &mut |_| {}).unwrap();
    assert!(r.test_accuracy > 0.95, "{}", r.test_accuracy);
}

/// A network that does not fit the data is a shape error, not a panic.
#[test]
fn mismatched_network_and_data() {
    let data = clusters(30, 1);
    let mut net = Sequential::<f32>::new().with(Linear::new(3, 2));
    let cfg = TrainConfig {
        epochs: 1,
        ..TrainConfig::default()
    };
    let err = fit(&mut net, &data, &data, &cfg, &mut |_| {}).unwrap_err();
    assert!(matches!(err, NnError::Shape(_)), "{err}");
}

/// A diverging run stops with an error naming the epoch, and the
/// checkpoint it was asked to write keeps its previous contents.
#[test]
fn divergence_is_an_error_and_saves_nothing() {
    let dir = std::env::temp_dir().join(format!("lognum-nn-lib-div-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("good.safetensors");
    checkpoint::save(&classifier::<f32>(1), &path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let data = clusters(300, 1);
    let mut net = classifier::<f32>(1);
    let cfg = TrainConfig {
        epochs: 2,
        lr: 1e30,
        checkpoint: Some(path.clone()),
        ..TrainConfig::default()
    };
    let err = fit(&mut net, &data, &data, &cfg, &mut |_| {}).unwrap_err();
    assert!(matches!(err, NnError::Diverged { epoch: 1, .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The same seed trains the same bits, whatever the thread count.
#[test]
fn training_is_reproducible() {
    let run = || {
        let data = clusters(200, 1);
        let mut net = classifier::<Lns16Lut>(3);
        let cfg = TrainConfig {
            epochs: 2,
            batch: 7,
            lr: 0.05,
            optimizer: OptimizerKind::adam(),
            ..TrainConfig::default()
        };
        fit(&mut net, &data, &data, &cfg, &mut |_| {}).unwrap();
        net.params().iter().map(|p| p.to_vec()).collect::<Vec<_>>()
    };
    let a = run();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    assert_eq!(a, one.install(run));
}
