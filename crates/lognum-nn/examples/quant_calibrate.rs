//! Prints α*/mean|w| and α*/max|w| for the exact minimiser (`pow2`) on
//! large seeded samples: the source of `quant::default_c`, tabulated in
//! `docs/QUANT.md`. A measurement, not a test: run it optimised,
//!
//! ```text
//! cargo run --release -p lognum-nn --example quant_calibrate
//! ```

#[path = "../tests/weights/mod.rs"]
mod weights;

use lognum_nn::quant::{MAX_BITS, MIN_BITS, pow2};
use weights::{Dist, vector};

fn main() {
    const N: usize = 1 << 20;
    println!("| weights | bits | α*/mean|w| (3 seeds) | α*/max|w| (3 seeds) |");
    println!("|---|---:|---|---|");
    for dist in [Dist::Gauss, Dist::Laplace, Dist::Uniform] {
        for bits in MIN_BITS..=MAX_BITS {
            let (mut by_mean, mut by_max) = (Vec::new(), Vec::new());
            for seed in 0..3_u64 {
                let w = vector(dist, N, 424_242 + seed);
                let mean = w.iter().map(|x| f64::from(x.abs())).sum::<f64>() / N as f64;
                let max = w.iter().map(|x| f64::from(x.abs())).fold(0.0, f64::max);
                let (alpha, _) = pow2(&w, bits);
                by_mean.push(format!("{:.3}", f64::from(alpha) / mean));
                by_max.push(format!("{:.3}", f64::from(alpha) / max));
            }
            println!(
                "| {} | {bits} | {} | {} |",
                dist.name(),
                by_mean.join(", "),
                by_max.join(", ")
            );
        }
    }
}
