//! Seeded weight vectors and the quantizer shorthands shared by the tests in
//! `quant.rs` and the measurement examples (`quant_comparison`,
//! `quant_calibrate`), which include this file by path.

#![allow(dead_code)]

use lognum_nn::quant::{Method, Pow2Quantizer, default_c, distance};
use lognum_testkit::SplitMix64;

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
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| match dist {
            Dist::Gauss => rng.normal_open() as f32,
            Dist::Laplace => rng.laplace() as f32,
            Dist::Uniform => (2.0 * rng.uniform_open() - 1.0) as f32,
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
