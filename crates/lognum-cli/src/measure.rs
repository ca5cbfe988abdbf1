//! Measuring a format's speed: multiply-accumulates per second of one
//! square matrix product, for `bench`'s matmul column and for `reproduce`'s
//! estimate of how long each format's runs take.

use std::time::Instant;

use lognum_nn::rng::Rng;
use lognum_tensor::{Scalar, Tensor};

use crate::nn::TrainFormat;

/// MACs per second of `Tensor::matmul` for `format`'s element type, or,
/// for a one-byte format, of `Scaled8::matmul` and the narrowing of its
/// result.
pub fn matmul_macs_per_second(format: TrainFormat, n: usize, min_secs: f64) -> f64 {
    use lognum_nn::lns8::{LNS8_FRAC, Lns8Format};
    match format {
        TrainFormat::Word(f) => {
            lognum_nn::with_format_type!(f, T => time_matmul::<T>(n, min_secs))
        }
        TrainFormat::Scaled8(Lns8Format::Exact) => {
            time_matmul8::<LNS8_FRAC, lognum::Exact>(n, min_secs)
        }
        TrainFormat::Scaled8(Lns8Format::Lut) => {
            time_matmul8::<LNS8_FRAC, lognum::Lut>(n, min_secs)
        }
        TrainFormat::Scaled8(Lns8Format::Shift) => {
            time_matmul8::<LNS8_FRAC, lognum::BitShift>(n, min_secs)
        }
    }
}

/// [`time_matmul`] for one-byte words with per-tensor scales: the product
/// and its narrowing to one byte.
fn time_matmul8<const FRAC: u32, A: lognum::LogAdd>(n: usize, min_secs: f64) -> f64 {
    use lognum_tensor::scaled::Scaled8;
    let mut rng = Rng::new(7);
    let mut values =
        |len: usize| -> Vec<f32> { (0..len).map(|_| rng.uniform(-1.0, 1.0) as f32).collect() };
    let a = Scaled8::<FRAC, A>::from_f32(&values(n * n), &[n, n]).expect("square shape");
    let b = Scaled8::<FRAC, A>::from_f32(&values(n * n), &[n, n]).expect("square shape");
    let acc = lognum_tensor::Accumulate::Sequential;
    let run = || -> Scaled8<FRAC, A> {
        a.matmul(&b, acc)
            .and_then(|c| c.narrow(None))
            .expect("matching shapes")
    };
    let _ = run();
    let start = Instant::now();
    let mut reps = 0u32;
    while reps < 2 || start.elapsed().as_secs_f64() < min_secs {
        std::hint::black_box(run());
        reps += 1;
    }
    let macs = (n * n * n) as f64 * f64::from(reps);
    macs / start.elapsed().as_secs_f64()
}

/// Repeats an n×n matmul of seeded values in [-1, 1) for at least
/// `min_secs` (and at least twice, after one warm-up) and returns MACs/s.
fn time_matmul<T: Scalar>(n: usize, min_secs: f64) -> f64 {
    let mut rng = Rng::new(7);
    let mut values =
        |len: usize| -> Vec<f64> { (0..len).map(|_| rng.uniform(-1.0, 1.0)).collect() };
    let a = Tensor::<T>::from_f64(&values(n * n), &[n, n]).expect("square shape");
    let b = Tensor::<T>::from_f64(&values(n * n), &[n, n]).expect("square shape");
    let _ = a.matmul(&b);
    let start = Instant::now();
    let mut reps = 0u32;
    while reps < 2 || start.elapsed().as_secs_f64() < min_secs {
        std::hint::black_box(a.matmul(&b).expect("matching shapes"));
        reps += 1;
    }
    let macs = (n * n * n) as f64 * f64::from(reps);
    macs / start.elapsed().as_secs_f64()
}
