//! Short training runs on the MNIST subset, once per number format. The data
//! must be present: a missing subset fails these tests, it does not skip them.
//!
//! Runs are seeded and deterministic, so each threshold is a regression
//! bound: a few points below the accuracy measured when it was set (noted
//! beside it).

use lognum_nn::data::{Dataset, find_mnist_subset, load_idx_dir};
use lognum_nn::format::Format;
use lognum_nn::layers::Layer;
use lognum_nn::model::ModelSpec;
use lognum_nn::train::{Progress, TrainConfig, UpdateRule, train_format};

fn subset() -> (Dataset, Dataset) {
    let dir = find_mnist_subset().expect(
        "the MNIST subset (shared/data/mnist-10k) is required; set LOGNUM_DATA to its directory",
    );
    load_idx_dir(&dir).expect("MNIST subset loads")
}

fn run(format: Format, cfg: &TrainConfig) -> f64 {
    let (train, test) = subset();
    let mut batches = 0;
    let report = train_format(format, &train, &test, cfg, &mut |p| {
        if let Progress::Batch { .. } = p {
            batches += 1
        }
    })
    .unwrap();
    let per_epoch = cfg.limit_train.unwrap_or(train.len()).div_ceil(cfg.batch);
    assert_eq!(batches, per_epoch * cfg.epochs);
    assert_eq!(report.format, format.name());
    assert_eq!(report.epochs.len(), cfg.epochs);
    eprintln!(
        "{format}: test {:.4} train loss {:.4} ({:.1} samples/s)",
        report.test_accuracy, report.epochs[0].train_loss, report.samples_per_second
    );
    report.test_accuracy
}

/// The bar: above 85% after one epoch of the 8,000 subset, in f32
/// and in the paper's 16-bit LNS with its 20-entry table.
#[test]
fn mlp_one_epoch_f32_and_lns16_lut_above_85_percent() {
    let cfg = TrainConfig {
        epochs: 1,
        limit_test: Some(1000),
        ..TrainConfig::default()
    };
    for format in [Format::F32, Format::Lns16Lut] {
        let acc = run(format, &cfg);
        assert!(acc > 0.85, "{format}: {acc}");
    }
}

/// Every format learns: 2,000 examples, one epoch, paper hyper-parameters.
/// The 16-bit floats, emulated in software (a thirtieth of f32's speed), get
/// 1,000 examples.
#[test]
fn mlp_every_format_learns() {
    for format in Format::ALL {
        // (training examples, bound): measured accuracy in the comment.
        let (n, bound) = match format {
            Format::F32 | Format::F64 => (2000, 0.72), // 0.757
            Format::Bf16 => (1000, 0.65),              // 0.683
            Format::F16 => (1000, 0.65),               // 0.682
            Format::Fixed16 => (2000, 0.72),           // 0.757
            Format::Lns16Exact => (2000, 0.72),        // 0.757
            Format::Lns16Lut => (2000, 0.72),          // 0.753
            Format::Lns16Trunc => (2000, 0.72),        // 0.755
            Format::Lns16Interp => (2000, 0.72),       // 0.754
            Format::Lns16Shift => (2000, 0.61),        // 0.648
            Format::Lns16ShiftFloor => (2000, 0.68),   // 0.717
            Format::Lns12Lut => (2000, 0.72),          // 0.758
            Format::Lns12Interp => (2000, 0.72),       // 0.759
            Format::Lns12Shift => (2000, 0.60),        // 0.636
            Format::Lns12ShiftFloor => (2000, 0.69),   // 0.727
        };
        let cfg = TrainConfig {
            epochs: 1,
            limit_train: Some(n),
            limit_test: Some(1000),
            ..TrainConfig::default()
        };
        let acc = run(format, &cfg);
        assert!(acc > bound, "{format}: {acc} ≤ {bound}");
    }
}

/// The paper's linear 16-bit baseline trains like f32: two epochs of the
/// 8,000-image subset, tested on all 2,000 test images. Both measured 0.889.
/// With the `fixed` crate's multiply, which rounds every product toward −∞,
/// a sum of `k` products was biased by about `−k/2` ulp, the weights
/// drifted, and fixed16 reached 0.857.
#[test]
fn fixed16_tracks_f32_over_two_epochs() {
    let cfg = TrainConfig {
        epochs: 2,
        ..TrainConfig::default()
    };
    let reference = run(Format::F32, &cfg);
    let acc = run(Format::Fixed16, &cfg);
    assert!(acc > 0.875, "fixed16: {acc}");
    assert!(acc > reference - 0.01, "fixed16 {acc} vs f32 {reference}");
}

/// The update rules all train, in LNS.
#[test]
fn every_update_rule_learns_in_lns12() {
    for update in UpdateRule::ALL {
        let cfg = TrainConfig {
            epochs: 1,
            limit_train: Some(2000),
            limit_test: Some(1000),
            update,
            ..TrainConfig::default()
        };
        let acc = run(Format::Lns12Lut, &cfg);
        assert!(acc > 0.72, "{update}: {acc}"); // 0.736 .. 0.761
    }
}

/// The CNN learns in f32 and in 16-bit LNS (a few hundred examples: the CNN
/// is 20 times the MLP's work per example).
#[test]
fn cnn_learns() {
    let cfg = TrainConfig {
        model: ModelSpec::Cnn,
        epochs: 1,
        limit_train: Some(600),
        limit_test: Some(300),
        ..TrainConfig::default()
    };
    for format in [Format::F32, Format::Lns16Lut] {
        let acc = run(format, &cfg);
        assert!(acc > 0.62, "{format}: {acc}"); // f32 0.710, lns16-lut 0.687
    }
}

/// Same seed, same format: the same trained bits and the same report.
#[test]
fn training_is_reproducible() {
    let (train, test) = subset();
    let cfg = TrainConfig {
        epochs: 1,
        limit_train: Some(300),
        limit_test: Some(200),
        ..TrainConfig::default()
    };
    type L = lognum_nn::format::Lns16Lut;
    let a = lognum_nn::train::train_model::<L>(&train, &test, &cfg, &mut |_| {}).unwrap();
    let b = lognum_nn::train::train_model::<L>(&train, &test, &cfg, &mut |_| {}).unwrap();
    assert_eq!(a.0.params(), b.0.params());
    assert_eq!(a.1.epochs[0].train_loss, b.1.epochs[0].train_loss);
    assert_eq!(a.1.test_accuracy, b.1.test_accuracy);
}

/// One epoch of `T` on 640 images in batches of 64 (large enough that the
/// matrix products split their rows over the threads) inside a pool of
/// `threads`: the final parameters and the reported figures.
fn run_on_threads<T: lognum_nn::NnScalar>(threads: usize) -> (Vec<f64>, f64, f64) {
    let (train, test) = subset();
    let cfg = TrainConfig {
        epochs: 1,
        batch: 64,
        lr: 0.05,
        limit_train: Some(640),
        limit_test: Some(300),
        ..TrainConfig::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let (net, report) = pool
        .install(|| lognum_nn::train::train_model::<T>(&train, &test, &cfg, &mut |_| {}))
        .unwrap();
    (
        net.params_f64(),
        report.epochs[0].train_loss,
        report.test_accuracy,
    )
}

/// The same seed gives the same bits whatever the number of threads, in
/// the float, the table LNS, the bit-shift LNS (pairwise sums) and the
/// fixed-point formats.
#[test]
fn training_is_identical_across_thread_counts() {
    fn check<T: lognum_nn::NnScalar>(name: &str) {
        let one = run_on_threads::<T>(1);
        for threads in [2, 3, 8] {
            let many = run_on_threads::<T>(threads);
            assert!(
                one.0
                    .iter()
                    .zip(&many.0)
                    .all(|(a, b)| a.to_bits() == b.to_bits()),
                "{name}: parameters differ with {threads} threads"
            );
            assert_eq!(
                (one.1, one.2),
                (many.1, many.2),
                "{name}, {threads} threads"
            );
        }
    }
    check::<f32>("f32");
    check::<lognum_nn::format::Lns16Lut>("lns16-lut");
    check::<lognum_nn::format::Lns12Shift>("lns12-shift");
    check::<lognum_nn::format::Fixed16>("fixed16");
}

/// A decaying learning rate reaches every trainer: the runs differ from the
/// constant rate's (same seed, same batches) and still learn, for the
/// generic path (f32, lns16-lut with SGD and with Madam) and for the
/// one-byte trainer.
#[test]
fn learning_rate_schedules_reach_every_trainer() {
    use lognum_nn::format::TrainFormat;
    use lognum_nn::lns8::Lns8Format;
    use lognum_nn::optim::{LrSchedule, OptimizerKind};
    let (train, test) = subset();
    let runs: [(TrainFormat, OptimizerKind, f64); 4] = [
        (Format::F32.into(), OptimizerKind::default(), 0.01),
        (Format::Lns16Lut.into(), OptimizerKind::default(), 0.01),
        (Format::Lns16Lut.into(), OptimizerKind::madam(), 0.01),
        (Lns8Format::Lut.into(), OptimizerKind::madam(), 0.02),
    ];
    for (format, optimizer, lr) in runs {
        let report = |lr_schedule| {
            let cfg = TrainConfig {
                epochs: 1,
                lr,
                lr_schedule,
                optimizer,
                limit_train: Some(1500),
                limit_test: Some(500),
                ..TrainConfig::default()
            };
            train_format(format, &train, &test, &cfg, &mut |_| {}).unwrap()
        };
        let constant = report(LrSchedule::Constant);
        for schedule in [LrSchedule::Cosine, LrSchedule::Linear] {
            let decayed = report(schedule);
            assert_ne!(
                decayed.epochs[0].train_loss, constant.epochs[0].train_loss,
                "{format:?} {optimizer} {schedule}: the schedule changed nothing"
            );
            // One short epoch at a falling rate: far above chance (10 %),
            // not yet where a constant rate gets.
            assert!(
                decayed.test_accuracy > 0.5,
                "{format:?} {optimizer} {schedule}: {}",
                decayed.test_accuracy
            );
        }
    }
}
