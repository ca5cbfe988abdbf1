//! Your own network in any number type: one generic function builds a
//! 784-128-64-10 classifier with [`Sequential`], trains it on the MNIST
//! subset for two epochs and returns its test accuracy; `main` runs it in
//! f32, in 16-bit LNS with the paper's table and with its bit shift.
//!
//! ```text
//! cargo run --release -p lognum-nn --example custom_model [-- --data DIR]
//! ```
//!
//! The last three lines of output are `<format> <test accuracy>`.

use std::path::PathBuf;

use lognum_nn::NnScalar;
use lognum_nn::data::{Dataset, find_mnist_subset, load_idx_dir};
use lognum_nn::init::Init;
use lognum_nn::layers::{Flatten, LeakyRelu, Linear, Sequential};
use lognum_nn::lognum::{BitShift, LogNum, Lut};
use lognum_nn::rng::Rng;
use lognum_nn::train::{Progress, TrainConfig, fit};

/// Builds the network in `T` from `seed` (He-initialised, sampled in f64 so
/// that every `T` starts from the same network), trains it and returns the
/// test accuracy.
fn train_in<T: NnScalar>(
    train: &Dataset,
    test: &Dataset,
    seed: u64,
) -> Result<f64, lognum_nn::NnError> {
    let mut rng = Rng::new(seed);
    let inputs = train.feature_len();
    let mut net = Sequential::<T>::new()
        .with(Flatten::new())
        .with(Linear::with_init(inputs, 128, &Init::HeNormal, &mut rng))
        .with(LeakyRelu::leaky(7))
        .with(Linear::with_init(128, 64, &Init::HeNormal, &mut rng))
        .with(LeakyRelu::leaky(7))
        .with(Linear::with_init(
            64,
            train.num_classes(),
            &Init::XavierUniform,
            &mut rng,
        ));
    let cfg = TrainConfig {
        epochs: 2,
        seed,
        ..TrainConfig::default()
    };
    let report = fit(&mut net, train, test, &cfg, &mut |p| {
        if let Progress::Epoch(e) = p {
            eprintln!(
                "  {} epoch {}: test accuracy {:.4}",
                T::format_name(),
                e.epoch,
                e.test_accuracy
            );
        }
    })?;
    Ok(report.test_accuracy)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = match (args.next().as_deref(), args.next()) {
        (Some("--data"), Some(dir)) => PathBuf::from(dir),
        (None, _) => find_mnist_subset().ok_or(
            "cannot find the MNIST subset (shared/data/mnist-10k); pass --data DIR or set LOGNUM_DATA",
        )?,
        _ => return Err("usage: custom_model [--data DIR]".into()),
    };
    let (train, test) = load_idx_dir(&dir)?;
    eprintln!(
        "{} training and {} test images from {}",
        train.len(),
        test.len(),
        dir.display()
    );
    let results = [
        ("f32", train_in::<f32>(&train, &test, 1)?),
        ("lns16-lut", train_in::<LogNum<10, Lut>>(&train, &test, 1)?),
        (
            "lns16-shift",
            train_in::<LogNum<10, BitShift>>(&train, &test, 1)?,
        ),
    ];
    for (format, accuracy) in results {
        println!("{format} {accuracy:.4}");
    }
    Ok(())
}
