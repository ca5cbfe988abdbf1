//! Prints the comparison tables of `docs/QUANT.md`: the relative distance
//! ‖w − αq‖²/‖w‖² of the semi-analytical guess, the alternating refinement
//! and the exact sweep (`pow2`), averaged over seeds, then running times.
//! A measurement, not a test: run it optimised,
//!
//! ```text
//! cargo run --release -p lognum-nn --example quant_comparison
//! ```

#[path = "../tests/weights/mod.rs"]
mod weights;

use lognum_nn::quant::{DEFAULT_MAX_ITERS, Method, pow2, ternary};
use weights::{Dist, dist_of, initial_guess, norm2, quantize, vector};

fn main() {
    use std::time::Instant;
    const SEEDS: u64 = 5;
    let alternating = Method::Alternating {
        max_iters: DEFAULT_MAX_ITERS,
    };
    println!(
        "| weights | N | bits | semi-analytical | alternating | exact (pow2) | alternating/exact − 1 | iterations |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for dist in [Dist::Gauss, Dist::Laplace, Dist::Uniform] {
        for n in [64_usize, 1024, 65_536] {
            for bits in [3_u32, 4, 5, 6, 8] {
                let (mut semi, mut alt, mut exact, mut iters) = (0.0, 0.0, 0.0, 0_u32);
                for seed in 0..SEEDS {
                    let w = vector(dist, n, 1_000_003 * seed + n as u64);
                    let total = norm2(&w);
                    semi += dist_of(&w, &initial_guess(&w, bits)) / total;
                    let a = quantize(&w, bits, alternating);
                    alt += dist_of(&w, &a) / total;
                    exact += dist_of(&w, &pow2(&w, bits)) / total;
                    // Smallest iteration cap that gives the same result: every
                    // cap at or above it does, every cap below it does not.
                    let (mut lo, mut hi) = (0, DEFAULT_MAX_ITERS);
                    while lo < hi {
                        let mid = (lo + hi) / 2;
                        if quantize(&w, bits, Method::Alternating { max_iters: mid }) == a {
                            hi = mid;
                        } else {
                            lo = mid + 1;
                        }
                    }
                    iters += lo;
                }
                let k = SEEDS as f64;
                let (semi, alt, exact) = (semi / k, alt / k, exact / k);
                println!(
                    "| {} | {n} | {bits} | {semi:.5} | {alt:.5} | {exact:.5} | {:+.2} % | {:.1} |",
                    dist.name(),
                    100.0 * (alt / exact - 1.0),
                    f64::from(iters) / k,
                );
            }
        }
    }
    println!();
    println!("| weights | N | bits | ternary | semi-analytical | alternating | exact (pow2) |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let time = |f: &dyn Fn() -> (f32, Vec<i8>)| {
        let start = Instant::now();
        let reps = 3;
        for _ in 0..reps {
            std::hint::black_box(f());
        }
        start.elapsed().as_secs_f64() * 1e3 / f64::from(reps)
    };
    for dist in [Dist::Gauss, Dist::Laplace] {
        let n = 1 << 20;
        let w = vector(dist, n, 31_337);
        for bits in [3_u32, 4, 8] {
            println!(
                "| {} | {n} | {bits} | {:.0} ms | {:.0} ms | {:.0} ms | {:.0} ms |",
                dist.name(),
                time(&|| ternary(&w)),
                time(&|| initial_guess(&w, bits)),
                time(&|| quantize(&w, bits, alternating)),
                time(&|| pow2(&w, bits)),
            );
        }
    }
}
