//! Training in one-byte LNS words (`lognum_nn::lns8`), through the public
//! names: it learns the shipped MNIST subset, it is reproducible, it stores
//! one byte per weight, Madam keeps its bounds, and bad settings are errors.

use lognum::Lut;
use lognum_nn::NnError;
use lognum_nn::data::{Dataset, find_mnist_subset, load_idx_dir};
use lognum_nn::format::{Format, TrainFormat};
use lognum_nn::lns8::{Lns8Format, Lns8Mlp, Lns8Optimizer, train_lns8, train_lns8_model};
use lognum_nn::optim::{OptimizerKind, UpdateRule};
use lognum_nn::train::{TrainConfig, train_format};

fn subset() -> (Dataset, Dataset) {
    let dir = find_mnist_subset().expect(
        "MNIST subset not found: expected shared/data/mnist-10k beside the workspace root, \
         or set LOGNUM_DATA to the directory holding the four IDX files",
    );
    load_idx_dir(&dir).unwrap()
}

fn cfg(optimizer: OptimizerKind, update: UpdateRule, lr: f64) -> TrainConfig {
    TrainConfig {
        epochs: 1,
        lr,
        optimizer,
        update,
        limit_train: Some(3000),
        limit_test: Some(1000),
        ..TrainConfig::default()
    }
}

/// Every one-byte format and optimiser learns: one epoch on 3,000 images is
/// far above chance (10 %).
#[test]
fn every_one_byte_format_learns_the_subset() {
    let (train, test) = subset();
    for format in Lns8Format::ALL {
        for (opt, update, lr) in [
            (OptimizerKind::madam(), UpdateRule::WideMaster, 0.01),
            (OptimizerKind::madam(), UpdateRule::Stochastic, 0.01),
            (OptimizerKind::default(), UpdateRule::WideMaster, 0.01),
        ] {
            let r =
                train_format(format, &train, &test, &cfg(opt, update, lr), &mut |_| {}).unwrap();
            assert_eq!(r.format, format.name());
            assert!(
                r.test_accuracy > 0.6,
                "{format} {opt} {update:?}: {}",
                r.test_accuracy
            );
        }
    }
}

/// The same seed gives the same run, with either rounding; another seed
/// another one.
#[test]
fn runs_are_reproducible() {
    let (train, test) = subset();
    for update in [UpdateRule::Native, UpdateRule::Stochastic] {
        let c = cfg(OptimizerKind::madam(), update, 0.01);
        let run =
            |c: &TrainConfig| train_lns8(Lns8Format::Lut, &train, &test, c, &mut |_| {}).unwrap();
        let (a, b) = (run(&c), run(&c));
        assert_eq!(a.epochs[0].train_loss, b.epochs[0].train_loss);
        assert_eq!(a.test_accuracy, b.test_accuracy);
        let other = run(&TrainConfig {
            seed: 2,
            ..c.clone()
        });
        assert_ne!(a.epochs[0].train_loss, other.epochs[0].train_loss);
    }
}

/// One byte per weight; Madam's state is four bytes (v) plus two with the
/// master; SGD's master is a 16-bit word.
#[test]
fn memory_per_parameter() {
    let spec = "mlp".parse().unwrap();
    let madam = Lns8Optimizer::madam();
    let plain = Lns8Mlp::<3, Lut>::new(&spec, 784, 10, 1, &madam, false).unwrap();
    let master = Lns8Mlp::<3, Lut>::new(&spec, 784, 10, 1, &madam, true).unwrap();
    let sgd = Lns8Mlp::<3, Lut>::new(&spec, 784, 10, 1, &Lns8Optimizer::Sgd, false).unwrap();
    let weights = 784 * 100 + 100 * 10;
    assert_eq!(plain.memory(), (weights, 2 * 110, 4 * weights));
    assert_eq!(master.memory(), (weights, 2 * 110, 6 * weights));
    assert_eq!(sgd.memory(), (weights, 2 * 110, 0));
}

/// Madam never flips a weight's sign, never zeroes one, keeps each
/// tensor's offset (so its top word, p_scale × the initial RMS, bounds it),
/// and does move the weights.
#[test]
fn madam_keeps_signs_and_bounds() {
    let (train, _) = subset();
    let train = train.head(500);
    let spec: lognum_nn::model::ModelSpec = "mlp:32".parse().unwrap();
    for master in [false, true] {
        let madam = Lns8Optimizer::madam();
        let net0 = Lns8Mlp::<3, Lut>::new(&spec, 784, 10, 1, &madam, master).unwrap();
        let update = if master {
            UpdateRule::WideMaster
        } else {
            UpdateRule::Stochastic
        };
        let c = TrainConfig {
            epochs: 2,
            model: spec.clone(),
            ..cfg(OptimizerKind::madam(), update, 0.05)
        };
        let (net, _) = train_lns8_model::<3, Lut>(&train, &train, &c, &madam, &mut |_| {}).unwrap();
        for l in 0..2 {
            let (w0, w) = (net0.weight(l).unwrap(), net.weight(l).unwrap());
            assert_eq!(w0.offset(), w.offset());
            let mut moved = 0;
            for (&a, &b) in w0.words().iter().zip(w.words()) {
                assert!(a & 0x7f >= 1 && b & 0x7f >= 1, "a zero weight");
                assert_eq!(a & 0x80, b & 0x80, "a sign flipped");
                moved += usize::from(a != b);
            }
            assert!(moved > w.words().len() / 10, "layer {l}: {moved} moved");
        }
    }
}

#[test]
fn bad_settings_are_errors() {
    let (train, test) = subset();
    let c = cfg(OptimizerKind::adam(), UpdateRule::WideMaster, 0.01);
    let err = train_lns8(Lns8Format::Lut, &train, &test, &c, &mut |_| {}).unwrap_err();
    assert!(
        matches!(
            err,
            NnError::Config {
                field: "optimizer",
                ..
            }
        ),
        "{err}"
    );
    let c = TrainConfig {
        model: "cnn".parse().unwrap(),
        ..cfg(OptimizerKind::madam(), UpdateRule::WideMaster, 0.01)
    };
    assert!(train_lns8(Lns8Format::Lut, &train, &test, &c, &mut |_| {}).is_err());
    let c = TrainConfig {
        checkpoint: Some(std::env::temp_dir().join("lns8-refused.safetensors")),
        ..cfg(OptimizerKind::madam(), UpdateRule::WideMaster, 0.01)
    };
    assert!(train_lns8(Lns8Format::Lut, &train, &test, &c, &mut |_| {}).is_err());
    assert!(
        !std::env::temp_dir()
            .join("lns8-refused.safetensors")
            .exists()
    );
    let bad = Lns8Optimizer::Madam {
        p_scale: 3.0,
        g_bound: f64::NAN,
        beta: 0.999,
        bias_lr: 0.01,
    };
    assert!(bad.validate().is_err());
    assert!("lns8-lut".parse::<TrainFormat>().unwrap().word().is_none());
    assert_eq!(TrainFormat::from(Format::F32).name(), "f32");
}
