//! Seeded weight vectors and the quantizer shorthands shared by the tests in
//! `quant.rs` and the measurement examples (`quant_comparison`,
//! `quant_calibrate`), which include this file by path.

#![allow(dead_code)]

use lognum_nn::quant::{Method, Pow2Quantizer, default_c, distance};

/// splitmix64 (Steele, Lea, Flood 2014): tiny, seedable, good enough here.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in the open interval (0, 1).
    pub fn open01(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal, Box–Muller.
    pub fn gauss(&mut self) -> f64 {
        let (u, v) = (self.open01(), self.open01());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Laplace with unit scale, inverse CDF.
    pub fn laplace(&mut self) -> f64 {
        let u = self.open01() - 0.5;
        -u.signum() * (1.0 - 2.0 * u.abs()).ln()
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Dist {
    Gauss,
    Laplace,
    Uniform,
}

impl Dist {
    pub fn name(self) -> &'static str {
        match self {
            Dist::Gauss => "Gaussian",
            Dist::Laplace => "Laplace",
            Dist::Uniform => "uniform",
        }
    }
}

pub fn vector(dist: Dist, n: usize, seed: u64) -> Vec<f32> {
    let mut rng = SplitMix64(seed);
    (0..n)
        .map(|_| match dist {
            Dist::Gauss => rng.gauss() as f32,
            Dist::Laplace => rng.laplace() as f32,
            Dist::Uniform => (2.0 * rng.open01() - 1.0) as f32,
        })
        .collect()
}

pub fn norm2(w: &[f32]) -> f64 {
    w.iter().map(|&x| f64::from(x) * f64::from(x)).sum()
}

pub fn dist_of(w: &[f32], (alpha, codes): &(f32, Vec<i8>)) -> f64 {
    distance(w, *alpha, codes)
}

pub fn quantize(w: &[f32], bits: u32, method: Method) -> (f32, Vec<i8>) {
    Pow2Quantizer { bits, method }.quantize(w)
}

/// The semi-analytical guess `pow2` starts from.
pub fn initial_guess(w: &[f32], bits: u32) -> (f32, Vec<i8>) {
    quantize(w, bits, Method::SemiAnalytical { c: default_c(bits) })
}
