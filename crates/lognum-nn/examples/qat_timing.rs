//! Time per call of the exact `pow2` and of the warm-started `pow2_from` on
//! the MLP's first layer (784·100 weights, N(0, 0.1)), the cost that sets
//! quantization-aware training's `EXACT_EVERY`; one line per bit width, on
//! stderr. A measurement, not a test: run it optimised,
//!
//! ```text
//! cargo run --release -p lognum-nn --example qat_timing
//! ```

use std::time::Instant;

use lognum_nn::quant::{distance, pow2, pow2_from};
use lognum_nn::rng::Rng;

fn main() {
    let mut rng = Rng::new(3);
    let w: Vec<f32> = (0..78_400).map(|_| (rng.normal() * 0.1) as f32).collect();
    for bits in [2, 3, 4, 6, 8] {
        let t = Instant::now();
        let (alpha, codes) = pow2(&w, bits);
        let exact = t.elapsed().as_secs_f64() / 1.0;
        // A small drift, then both again.
        let w2: Vec<f32> = w
            .iter()
            .map(|&x| x + (rng.normal() * 1e-4) as f32)
            .collect();
        let t = Instant::now();
        let (a2, c2) = pow2(&w2, bits);
        let exact2 = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let (a3, c3) = pow2_from(&w2, bits, alpha, 2);
        let warm = t.elapsed().as_secs_f64();
        eprintln!(
            "{bits} bits: exact {:.2} ms / {:.2} ms, warm {:.3} ms; distance exact {:.6} warm {:.6} (first {:.6}, {} codes)",
            1e3 * exact,
            1e3 * exact2,
            1e3 * warm,
            distance(&w2, a2, &c2),
            distance(&w2, a3, &c3),
            distance(&w, alpha, &codes),
            codes.len()
        );
    }
}
