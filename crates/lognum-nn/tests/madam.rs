//! Madam through the public names: the LNS update is an integer add to the
//! log code, signs never flip, the clamp holds, stochastic rounding is
//! seeded and unbiased, and it trains.

use lognum::LogNum;
use lognum_nn::NnScalar;
use lognum_nn::data::{find_mnist_subset, load_idx_dir};
use lognum_nn::format::{Format, Lns12Lut, Lns16Lut};
use lognum_nn::layers::ParamMut;
use lognum_nn::optim::{Madam, Optimizer, OptimizerKind, UpdateRule};
use lognum_nn::rng::Rng;
use lognum_nn::train::{TrainConfig, train_format};
use lognum_tensor::Scalar;

/// `n` weights of either sign with magnitudes in `[0.05, 1.05)`.
fn weights<T: Scalar>(rng: &mut Rng, n: usize) -> Vec<T> {
    (0..n)
        .map(|_| {
            let m = rng.uniform(0.05, 1.05);
            T::from_f64_lossy(if rng.uniform(0.0, 1.0) < 0.5 { -m } else { m })
        })
        .collect()
}

/// Gradients of either sign over several orders of magnitude, a tenth of
/// them exactly zero.
fn grads<T: Scalar>(rng: &mut Rng, n: usize) -> Vec<T> {
    (0..n)
        .map(|_| {
            if rng.uniform(0.0, 1.0) < 0.1 {
                T::zero()
            } else {
                T::from_f64_lossy(rng.normal() * 10f64.powf(rng.uniform(-3.0, 1.0)))
            }
        })
        .collect()
}

/// One step of `opt` on a single tensor.
fn step<T: NnScalar>(opt: &mut dyn Optimizer<T>, w: &mut [T], g: &[T], batch: usize) {
    opt.step(vec![ParamMut { value: w, grad: g }], batch);
}

/// Every step of an LNS Madam (nearest rounding) adds to each log code the
/// integer `round(−η·2^FRAC·sign(w)·ĝ)`, with `ĝ` recomputed here in f64
/// from the gradients. The optimiser's second moment is in the 20-bit wide
/// LNS with one log-add per step (error below 1e-4 log units), so `ĝ`
/// agrees to a few parts in 10^4; elements whose exact `x` lies within 0.01
/// of a rounding boundary are not judged. Clamp and saturation are out of
/// reach (p_scale 100, weights near 1), so the code moves by `k` exactly,
/// and the sign bit never changes.
fn code_add_matches_reference<const FRAC: u32, A: lognum::LogAdd>() {
    let n = 3000;
    let one = (1u64 << FRAC) as f64;
    // 1.37 codes per unit of ĝ: |x| up to 13.7 codes, rarely an integer.
    let lr = 1.37 / one;
    let (beta, batch) = (0.999, 4);
    let mut rng = Rng::new(11);
    let mut w: Vec<LogNum<FRAC, A>> = weights(&mut rng, n);
    let mut v = vec![0.0f64; n];
    let mut madam = Madam::<LogNum<FRAC, A>>::new(lr, UpdateRule::Native).with_p_scale(100.0);
    let mut judged = 0;
    for t in 1..=6 {
        let g: Vec<LogNum<FRAC, A>> = grads(&mut rng, n);
        let before = w.clone();
        step(&mut madam, &mut w, &g, batch);
        for j in 0..n {
            let d = g[j].to_f64() / batch as f64;
            v[j] = beta * v[j] + (1.0 - beta) * d * d;
            let (b, a) = (before[j], w[j]);
            assert_eq!(a.is_sign_negative(), b.is_sign_negative(), "sign of {j}");
            let moved = a.log2_code().unwrap() - b.log2_code().unwrap();
            let vhat = v[j] / (1.0 - beta.powi(t));
            let ghat = if d == 0.0 {
                0.0
            } else {
                (d / vhat.sqrt()).clamp(-10.0, 10.0)
            };
            let sign = if b.is_sign_negative() { -1.0 } else { 1.0 };
            let x = -lr * one * sign * ghat;
            if (x - x.floor() - 0.5).abs() > 0.01 {
                assert_eq!(moved, x.round() as i64, "step {t}, element {j}: x = {x}");
                judged += 1;
            }
        }
    }
    assert!(judged > n * 5, "only {judged} judged");
}

#[test]
fn lns_update_is_an_integer_code_add() {
    code_add_matches_reference::<10, lognum::Lut>();
    code_add_matches_reference::<6, lognum::Lut>();
    code_add_matches_reference::<10, lognum::BitShift>();
}

/// For every format, with a step large enough to hit the clamp and the
/// bottom of the range (η = 1: up to 2^±10 per step), and either rounding,
/// over 40 steps: no weight changes sign or becomes zero, and every
/// magnitude stays at most `p_scale·RMS₀` — exactly in LNS, up to one
/// rounding (2^-8 relative, bf16's, plus fixed16's 2^-12) elsewhere. The
/// zero tensor (a bias) moves, additively.
#[test]
fn signs_never_flip_and_the_clamp_holds_in_every_format() {
    fn check<T: NnScalar>(format: Format) {
        for rule in [UpdateRule::Native, UpdateRule::Stochastic] {
            let mut rng = Rng::new(5);
            let n = 500;
            let mut w: Vec<T> = weights(&mut rng, n);
            let mut bias = vec![T::zero(); 8];
            let rms = (w.iter().map(|x| x.to_f64_lossy().powi(2)).sum::<f64>() / n as f64).sqrt();
            let p_scale = 1.5;
            let bound = p_scale * rms;
            let slack = if format.is_lns() {
                bound * 1e-12
            } else {
                bound / 256.0 + 1.0 / 4096.0
            };
            let signs: Vec<bool> = w.iter().map(|x| x.to_f64_lossy() < 0.0).collect();
            let mut madam = Madam::<T>::new(1.0, rule)
                .with_p_scale(p_scale)
                .with_seed(9);
            for _ in 0..40 {
                let (g, gb) = (grads::<T>(&mut rng, n), grads::<T>(&mut rng, 8));
                madam.step(
                    vec![
                        ParamMut {
                            value: &mut w,
                            grad: &g,
                        },
                        ParamMut {
                            value: &mut bias,
                            grad: &gb,
                        },
                    ],
                    1,
                );
                for (x, &neg) in w.iter().zip(&signs) {
                    let x = x.to_f64_lossy();
                    assert!(x != 0.0 && (x < 0.0) == neg, "{format} {rule}: {x}");
                    assert!(x.abs() <= bound + slack, "{format} {rule}: {x} > {bound}");
                }
            }
            assert_eq!(madam.bounds(), &[Some(bound), None]);
            assert!(
                bias.iter().any(|b| b.to_f64_lossy() != 0.0),
                "{format} {rule}"
            );
        }
    }
    for format in Format::ALL {
        lognum_nn::with_format_type!(format, T => check::<T>(format));
    }
}

/// A constant gradient makes `ĝ = 1` at every step (the bias correction is
/// exact), so with η = 0.3 codes a weight's code moves by 0.3 codes per
/// step in expectation: stochastically rounded, 2,000 weights over 50 steps
/// move by 15 codes on average (each by 15 ± 3.2, the mean by ± 0.07) —
/// nearest rounding would never move them. The same seed gives the same
/// bits; another seed others.
#[test]
fn stochastic_rounding_is_seeded_and_unbiased() {
    let run = |seed: u64| {
        let n = 2000;
        let mut w = vec![Lns16Lut::from_f64(0.5); n];
        let g = vec![Lns16Lut::from_f64(-0.25); n];
        let kind = OptimizerKind::madam();
        let mut opt = kind.build::<Lns16Lut>(0.3 / 1024.0, 0.0, UpdateRule::Stochastic, seed);
        for _ in 0..50 {
            step(opt.as_mut(), &mut w, &g, 1);
        }
        w
    };
    let (a, b, c) = (run(1), run(1), run(2));
    assert_eq!(a, b);
    assert_ne!(a, c);
    let start = Lns16Lut::from_f64(0.5).log2_code().unwrap();
    let mean = a
        .iter()
        .map(|x| (x.log2_code().unwrap() - start) as f64)
        .sum::<f64>()
        / a.len() as f64;
    // A negative gradient on a positive weight grows it.
    assert!((mean - 15.0).abs() < 0.4, "mean move {mean} codes");

    let mut nearest = vec![Lns16Lut::from_f64(0.5); 10];
    let mut opt = Madam::<Lns16Lut>::new(0.3 / 1024.0, UpdateRule::Native);
    for _ in 0..50 {
        step(&mut opt, &mut nearest, &[Lns16Lut::from_f64(-0.25); 10], 1);
    }
    assert!(nearest.iter().all(|&x| x == Lns16Lut::from_f64(0.5)));
}

/// Madam fits `w` to a target of the same signs, `L = Σ (w − w*)²`: in f32
/// and in both LNS words the loss falls below a tenth of its start in 300
/// steps (measured: a 180th in f32 and lns16-lut, a 25th in lns12-lut,
/// whose code of 2^-6 is the whole step at η = 2^-6 and sets its floor).
#[test]
fn madam_decreases_a_simple_loss() {
    fn fit<T: NnScalar>() -> (f64, f64) {
        let mut rng = Rng::new(21);
        let n = 200;
        let target: Vec<f64> = weights::<f64>(&mut rng, n);
        let mut w: Vec<T> = target
            .iter()
            .map(|&t| T::from_f64_lossy(t.signum() * rng.uniform(0.05, 1.05)))
            .collect();
        let loss = |w: &[T]| -> f64 {
            w.iter()
                .zip(&target)
                .map(|(w, t)| (w.to_f64_lossy() - t).powi(2))
                .sum()
        };
        let start = loss(&w);
        let mut madam = Madam::<T>::new(1.0 / 64.0, UpdateRule::Native);
        for _ in 0..300 {
            let g: Vec<T> = w
                .iter()
                .zip(&target)
                .map(|(w, t)| T::from_f64_lossy(2.0 * (w.to_f64_lossy() - t)))
                .collect();
            step(&mut madam, &mut w, &g, 1);
        }
        (start, loss(&w))
    }
    for (name, (start, end)) in [
        ("f32", fit::<f32>()),
        ("lns16-lut", fit::<Lns16Lut>()),
        ("lns12-lut", fit::<Lns12Lut>()),
    ] {
        assert!(end < start / 10.0, "{name}: {start} -> {end}");
    }
}

/// Nearest-rounding steps split large tensors over threads: the bits are
/// those of one thread.
#[test]
fn steps_are_identical_across_thread_counts() {
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut rng = Rng::new(3);
            let n = 20_000;
            let mut w: Vec<Lns16Lut> = weights(&mut rng, n);
            let mut madam = Madam::<Lns16Lut>::new(3.0 / 1024.0, UpdateRule::Native);
            for _ in 0..5 {
                let g = grads(&mut rng, n);
                step(&mut madam, &mut w, &g, 5);
            }
            w
        })
    };
    let one = run(1);
    for threads in [2, 3] {
        assert_eq!(run(threads), one, "{threads} threads");
    }
}

/// The training loop with `OptimizerKind::Madam`, in 16-bit LNS: one epoch
/// of 2,000 subset images clearly above chance (measured 0.819), and
/// weight decay refused.
#[test]
fn madam_trains_an_mlp_in_lns16() {
    let dir = find_mnist_subset().expect(
        "the MNIST subset (shared/data/mnist-10k) is required; set LOGNUM_DATA to its directory",
    );
    let (train, test) = load_idx_dir(&dir).unwrap();
    let cfg = TrainConfig {
        epochs: 1,
        lr: 1.0 / 128.0,
        optimizer: OptimizerKind::madam(),
        update: UpdateRule::Native,
        limit_train: Some(2000),
        limit_test: Some(1000),
        ..TrainConfig::default()
    };
    let report = train_format(Format::Lns16Lut, &train, &test, &cfg, &mut |_| {}).unwrap();
    assert!(report.test_accuracy > 0.75, "{}", report.test_accuracy);
    let decayed = TrainConfig {
        weight_decay: 1e-4,
        ..cfg
    };
    let err = decayed.validate().unwrap_err().to_string();
    assert!(err.contains("weight_decay"), "{err}");
}
