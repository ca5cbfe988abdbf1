//! Quantization-aware training (LBW-Net power-of-two weights): the grid is
//! exact in LNS, the forward pass sees only the grid, the shadow weights come
//! back bit for bit, and straight-through training learns on the MNIST subset
//! (which must be present: a missing subset fails these tests).
//!
//! Accuracy thresholds are regression bounds a margin below the accuracy
//! measured when they were set (noted beside each); the runs are seeded and
//! deterministic.

use lognum_nn::data::{Dataset, find_mnist_subset, load_idx_dir};
use lognum_nn::format::{Format, Lns12Lut, Lns16Lut};
use lognum_nn::layers::{Layer, Sequential};
use lognum_nn::model::ModelSpec;
use lognum_nn::qat::{Qat, is_quantized, levels_in};
use lognum_nn::quant::{max_code, pow2};
use lognum_nn::rng::Rng;
use lognum_nn::train::{TrainConfig, train_format, train_model};
use lognum_nn::{NnError, NnScalar};
use lognum_tensor::Tensor;

fn subset() -> (Dataset, Dataset) {
    let dir = find_mnist_subset().expect(
        "the MNIST subset (shared/data/mnist-10k) is required; set LOGNUM_DATA to its directory",
    );
    load_idx_dir(&dir).expect("MNIST subset loads")
}

#[test]
fn validate_accepts_2_to_8_bits_only() {
    for bits in [0, 1, 9, 16, u32::MAX] {
        let cfg = TrainConfig {
            quantize_weights: Some(bits),
            ..TrainConfig::default()
        };
        let err = cfg.validate().unwrap_err();
        assert!(
            matches!(
                err,
                NnError::Config {
                    field: "quantize_weights",
                    ..
                }
            ),
            "{bits}: {err}"
        );
        assert!(Qat::<f32>::new(bits).is_err());
    }
    for bits in 2..=8 {
        let cfg = TrainConfig {
            quantize_weights: Some(bits),
            ..TrainConfig::default()
        };
        assert!(cfg.validate().is_ok(), "{bits}");
    }
}

/// Every level `α_T·2^-j` of the grid, `α_T` the LNS rounding of `α`, is
/// exactly representable: its log code is `α_T`'s minus `j·2^FRAC`, and its
/// value is `α_T·2^-j` exactly in f64. Checked for every `j < L` that stays
/// in the format's range (below it the level flushes to zero), at every
/// width, for the 16- and 12-bit words, and for the codes `pow2` returns.
fn lns_grid_exact<L: NnScalar>(frac: u32, min_positive: f64, code: impl Fn(L) -> Option<i64>) {
    let mut rng = Rng::new(11);
    for bits in 2..=8u32 {
        for scale in [0.01, 0.1, 1.0] {
            let w: Vec<f32> = (0..500).map(|_| (rng.normal() * scale) as f32).collect();
            let (alpha, codes) = pow2(&w, bits);
            let alpha_t = L::from_f32_lossy(alpha);
            let a = alpha_t.to_f64_lossy();
            assert!(a > 0.0);
            let a_code = code(alpha_t).unwrap();
            let lmax = max_code(bits) as i32;
            let all: Vec<i8> = (1..=lmax).flat_map(|c| [c as i8, -(c as i8)]).collect();
            let levels = levels_in::<L>(alpha, &all);
            for (&c, &v) in all.iter().zip(&levels) {
                let j = i32::from(c.unsigned_abs()) - 1;
                match code(v) {
                    Some(vc) => {
                        assert_eq!(vc, a_code - (i64::from(j) << frac), "bits {bits} j {j}");
                        assert_eq!(
                            v.to_f64_lossy().abs(),
                            a * (-f64::from(j)).exp2(),
                            "bits {bits} j {j}"
                        );
                        assert_eq!(v.is_below_zero(), c < 0);
                    }
                    // Flushed: only below the format's range.
                    None => assert!(
                        a * (-f64::from(j)).exp2() < min_positive,
                        "bits {bits} j {j}"
                    ),
                }
            }
            // The codes pow2 returned, through the same path.
            for (&c, v) in codes.iter().zip(levels_in::<L>(alpha, &codes)) {
                if c == 0 {
                    assert_eq!(v.to_f64_lossy(), 0.0);
                } else if code(v).is_some() {
                    let j = i32::from(c.unsigned_abs()) - 1;
                    assert_eq!(v.to_f64_lossy().abs(), a * (-f64::from(j)).exp2());
                }
            }
        }
    }
}

#[test]
fn lns_levels_are_exact_shifts_of_the_rounded_alpha() {
    lns_grid_exact::<Lns16Lut>(10, Lns16Lut::MIN_POSITIVE.to_f64(), |x| x.log2_code());
    lns_grid_exact::<Lns12Lut>(6, Lns12Lut::MIN_POSITIVE.to_f64(), |x| x.log2_code());
}

/// The magnitudes of one weight tensor, deduplicated, zero left out.
fn magnitudes<T: NnScalar>(w: &[T]) -> Vec<f64> {
    let mut m: Vec<f64> = w
        .iter()
        .map(|x| x.to_f64_lossy().abs())
        .filter(|&a| a > 0.0)
        .collect();
    m.sort_by(f64::total_cmp);
    m.dedup();
    m
}

/// Every weight tensor of `model` takes at most `L = 2^(b−1) − 1` non-zero
/// magnitudes, each `α_T·2^-j`; returns how many tensors were checked.
fn check_grid<T: NnScalar>(model: &Sequential<T>, alphas: &[f32], bits: u32) -> usize {
    let shapes = model.param_shapes();
    let weights: Vec<&[T]> = model
        .params()
        .into_iter()
        .zip(&shapes)
        .filter(|(_, s)| is_quantized(s))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(weights.len(), alphas.len());
    let l = max_code(bits) as usize;
    for (w, &alpha) in weights.iter().zip(alphas) {
        let a = T::from_f32_lossy(alpha).to_f64_lossy();
        let mags = magnitudes(w);
        assert!(!mags.is_empty());
        assert!(
            mags.len() <= l,
            "{bits} bits: {} magnitudes > {l}",
            mags.len()
        );
        for m in mags {
            let j = (a / m).log2().round();
            assert!((0.0..l as f64).contains(&j), "{bits} bits: {m} vs α {a}");
            assert_eq!(m, a * (-j).exp2(), "{bits} bits: {m} is not α·2^-j");
        }
    }
    weights.len()
}

fn grid_in_forward<T: NnScalar>() {
    let x = Tensor::from_vec(vec![T::from_f64_lossy(0.5); 2 * 784], &[2, 784]).unwrap();
    let xc = Tensor::from_vec(vec![T::from_f64_lossy(0.5); 2 * 784], &[2, 1, 28, 28]).unwrap();
    for bits in 2..=8 {
        for (kind, x, tensors) in [(ModelSpec::default(), &x, 2), (ModelSpec::Cnn, &xc, 3)] {
            let mut m = kind.build::<T>(&[1, 28, 28], 10, 5).unwrap();
            let shadow = m.params_f64();
            let mut q = Qat::new(bits).unwrap();
            q.quantize(&mut m);
            assert_eq!(check_grid(&m, q.alphas(), bits), tensors);
            m.forward(x).unwrap();
            q.restore(&mut m);
            assert_eq!(m.params_f64(), shadow, "restore is bit-exact");
        }
    }
}

#[test]
fn qat_forward_sees_at_most_l_magnitudes_per_layer() {
    grid_in_forward::<f32>();
    grid_in_forward::<Lns16Lut>();
}

/// The manual training loop of `train_model`, step by step: every forward
/// pass (the exact steps 0 and 64 and the warm-started ones between) sees
/// only the grid, and the optimiser moves the shadow weights, which are
/// never on the grid themselves.
fn grid_on_every_step<T: NnScalar>(bits: u32) {
    use lognum_nn::loss::softmax_cross_entropy;
    use lognum_nn::optim::{Sgd, UpdateRule};
    let (train, _) = subset();
    let images = train.map_features(T::from_f64_lossy);
    let mut m = ModelSpec::default()
        .build::<T>(&[1, 28, 28], 10, 9)
        .unwrap();
    let mut sgd = Sgd::<T>::new(0.01, 0.0, 0.0, UpdateRule::WideMaster);
    let mut q = Qat::new(bits).unwrap();
    let first = m.params_f64();
    for step in 0..70 {
        let idx = step * 5..step * 5 + 5;
        let x = Tensor::from_vec(images[idx.start * 784..idx.end * 784].to_vec(), &[5, 784]);
        q.quantize(&mut m);
        assert_eq!(check_grid(&m, q.alphas(), bits), 2, "step {step}");
        let out =
            softmax_cross_entropy(&m.forward(&x.unwrap()).unwrap(), &train.labels()[idx]).unwrap();
        m.backward(&out.grad, false).unwrap();
        q.restore(&mut m);
        sgd.step(m.params_mut(), 5);
    }
    let fc2 = &m.params()[2];
    assert!(
        magnitudes(fc2).len() > max_code(bits) as usize,
        "shadow is full precision"
    );
    assert_ne!(m.params_f64(), first, "the shadow moved");
}

#[test]
fn grid_holds_on_every_training_step() {
    for bits in [2, 3, 4, 8] {
        grid_on_every_step::<f32>(bits);
    }
    grid_on_every_step::<Lns16Lut>(4);
}

/// Biases (rank one) keep their values; weights are replaced.
#[test]
fn biases_are_not_quantized() {
    let (train, test) = subset();
    // A few images, so that the biases move off their initial zeros.
    let cfg = TrainConfig {
        epochs: 1,
        limit_train: Some(200),
        limit_test: Some(10),
        ..TrainConfig::default()
    };
    let (mut m, _) = train_model::<f32>(&train, &test, &cfg, &mut |_| {}).unwrap();
    let before: Vec<Vec<f32>> = m.params().iter().map(|p| p.to_vec()).collect();
    assert!(magnitudes(&before[1]).len() > max_code(2) as usize);
    let mut q = Qat::new(2).unwrap();
    q.quantize(&mut m);
    let after: Vec<Vec<f32>> = m.params().iter().map(|p| p.to_vec()).collect();
    assert_eq!(before[1], after[1]);
    assert_eq!(before[3], after[3]);
    assert_ne!(before[0], after[0]);
    assert_ne!(before[2], after[2]);
}

/// Straight-through training at 4 bits reaches a stated accuracy on the
/// MNIST subset (f32; 3,000 training images, 2 epochs, paper
/// hyper-parameters), and the model returned holds the quantized network.
#[test]
fn mlp_qat_4_bits_f32_learns() {
    let (train, test) = subset();
    let cfg = TrainConfig {
        epochs: 2,
        limit_train: Some(3000),
        quantize_weights: Some(4),
        ..TrainConfig::default()
    };
    let (model, report) = train_model::<f32>(&train, &test, &cfg, &mut |_| {}).unwrap();
    let acc = report.test_accuracy;
    eprintln!("f32 QAT 4 bits: test {acc:.4}");
    // The returned model is the quantized one the accuracy was measured on.
    let l = max_code(4) as usize;
    for (p, s) in model.params().iter().zip(model.param_shapes()) {
        if is_quantized(&s) {
            assert!(magnitudes(p).len() <= l);
        }
    }
    // Measured 0.8520 (2026-11-29; 2,000 test images).
    assert!(acc >= 0.80, "{acc}");
}

/// A short QAT run in the paper's 16-bit LNS learns (2,000 training images,
/// one epoch, 4 bits, wide-master shadow weights).
#[test]
fn mlp_qat_4_bits_lns16_lut_learns() {
    let (train, test) = subset();
    let cfg = TrainConfig {
        epochs: 1,
        limit_train: Some(2000),
        quantize_weights: Some(4),
        ..TrainConfig::default()
    };
    let report = train_format(Format::Lns16Lut, &train, &test, &cfg, &mut |_| {}).unwrap();
    let acc = report.test_accuracy;
    eprintln!("lns16-lut QAT 4 bits: test {acc:.4}");
    // Measured 0.7525 (2026-11-29; 2,000 test images).
    assert!(acc >= 0.65, "{acc}");
}
