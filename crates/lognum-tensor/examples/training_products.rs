//! The three products of a `784 → 100` layer at one batch size (forward
//! `x·W`, weight gradient `xᵀ·δ`, input gradient `δ·Wᵀ`) in f32 and
//! `LogNum<10, Lut>`, on rayon's global pool, fastest of the rounds. Run it
//! with `RAYON_NUM_THREADS=1` and `=2` to see what a second thread buys at
//! training's sizes. (The f32 products split only from 67 M
//! multiply-adds, a batch of about 850 here, so below that f32 takes the
//! same time on both.)
//!
//! ```sh
//! RAYON_NUM_THREADS=1 cargo run --release -p lognum-tensor --example training_products [BATCH] [ROUNDS]
//! ```

use std::hint::black_box;
use std::time::Instant;

use lognum::{LogNum, Lut};
use lognum_tensor::Scalar;
use lognum_testkit::SplitMix64;

type L = LogNum<10, Lut>;

/// Seeded values in `[-1, 1)`.
fn values<T: Scalar>(seed: u64, len: usize) -> Vec<T> {
    let mut rng = SplitMix64::new(seed);
    (0..len)
        .map(|_| T::from_f64_lossy(rng.uniform() * 2.0 - 1.0))
        .collect()
}

/// The fastest of `rounds` timings of `m×k · k×n` in `T`, in seconds per
/// product (each timing a run of products back to back).
fn best<T: Scalar>((m, k, n): (usize, usize, usize), rounds: usize) -> f64 {
    let (a, b) = (values::<T>(1, m * k), values::<T>(2, k * n));
    let mut c = vec![T::zero(); m * n];
    let reps = (100_000_000 / (m * k * n).max(1)).max(1);
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..reps {
                T::gemm(m, k, n, black_box(&a), black_box(&b), &mut c);
            }
            start.elapsed().as_secs_f64() / reps as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let batch: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(128);
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let shapes = [
        ("forward x·W", (batch, 784, 100)),
        ("weights xᵀ·δ", (784, batch, 100)),
        ("input δ·Wᵀ", (batch, 100, 784)),
    ];
    println!(
        "batch {batch}, {} threads, fastest of {rounds} rounds, µs per product",
        rayon::current_num_threads()
    );
    println!("{:<14} {:>9} {:>11}", "product", "f32", "lns16-lut");
    for (name, shape) in shapes {
        let f = best::<f32>(shape, rounds);
        let l = best::<L>(shape, rounds);
        println!("{name:<14} {:>9.1} {:>11.1}", f * 1e6, l * 1e6);
    }
}
