//! Seeded inputs shared by the integration tests.
#![allow(dead_code)]

/// SplitMix64: a tiny seeded generator, so every run sees the same data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn normals(&mut self, len: usize, scale: f64) -> Vec<f64> {
        (0..len).map(|_| self.normal() * scale).collect()
    }
}

use fixed::types::{I8F8, I16F16};
use half::{bf16, f16};
use lognum::{BitShift, Exact, Interp, LogNum, Lut, WideLogNum};
use lognum_tensor::{Scalar, Tensor};

/// A number type under test with its own tolerance (dfdx's `TestDtype`).
///
/// `DOT_BOUND` bounds the error of a length-`k` dot product as a fraction of
/// `Σ|aᵢbᵢ|` (the scale that rounding errors are proportional to), for the
/// sizes these tests use (k ≤ 800). The reasoning for each value is beside
/// it; the measured errors are a few times smaller.
pub trait TestDtype: Scalar {
    const DOT_BOUND: f64;
    /// True if the type's matrix kernel sums in the generic left-to-right
    /// order (bit-identical to `gemm_generic`); the tuned f32/f64 GEMMs do
    /// not, nor do the fixed-point kernels (exact sums, rounded once).
    const GENERIC_ORDER: bool = true;
}

// IEEE types: the worst case for a k-term sum is (k − 1)·u of Σ|ab| (u = ε/2,
// unit roundoff); random signs keep it near u·√k. The bounds sit between, at
// about 4·u·√k for k = 800 (f16: 5.5e-2 → 1e-2 as products are exact in the
// f16 → f64 reference; bf16: 8e-2).
impl TestDtype for f64 {
    const DOT_BOUND: f64 = 1e-13;
    const GENERIC_ORDER: bool = false;
}
impl TestDtype for f32 {
    const DOT_BOUND: f64 = 2e-5;
    const GENERIC_ORDER: bool = false;
}
impl TestDtype for f16 {
    const DOT_BOUND: f64 = 1e-2;
}
impl TestDtype for bf16 {
    const DOT_BOUND: f64 = 8e-2;
}
// Fixed point: the kernels round each sum of exact products once, by up to
// half an LSB; a reference in the type's own `scalar_mul` and `scalar_add` rounds each
// product by as much. An absolute error, so relative to Σ|ab| it depends on
// the size of the terms: for MNIST pixels times N(0, 0.1) weights (terms
// ≈ 0.03) half an LSB of I8F8 is 2^-9 / 0.03 ≈ 7 % of a term, 2^-17 / 0.03 ≈
// 2.5e-4 for I16F16.
impl TestDtype for I8F8 {
    const DOT_BOUND: f64 = 0.1;
    const GENERIC_ORDER: bool = false;
}
impl TestDtype for I16F16 {
    const DOT_BOUND: f64 = 1e-3;
    const GENERIC_ORDER: bool = false;
}
// LNS: the products are exact; every add carries the approximation's Δ
// error (Lut up to 0.125 log units, BitShift 0.087 for Δ+), scaled by the
// share of the sum it lands on; sums of mixed signs measure ≤ 3 % (Lut),
// ≤ 11 % (the shifts), < 0.1 % (Exact) on these data.
impl TestDtype for LogNum<10, Lut> {
    const DOT_BOUND: f64 = 0.1;
}
impl TestDtype for LogNum<6, Lut> {
    const DOT_BOUND: f64 = 0.1;
}
impl TestDtype for LogNum<10, BitShift> {
    const DOT_BOUND: f64 = 0.3;
}
impl TestDtype for LogNum<6, BitShift> {
    const DOT_BOUND: f64 = 0.3;
}
impl TestDtype for LogNum<10, Exact> {
    const DOT_BOUND: f64 = 4e-3;
}
impl TestDtype for LogNum<10, Interp> {
    const DOT_BOUND: f64 = 3e-2;
}
impl TestDtype for WideLogNum<20, Exact> {
    const DOT_BOUND: f64 = 1e-5;
}

/// A tensor of `T` from seeded normal values scaled by `scale`, and the f64
/// values of its elements (after rounding to `T`).
pub fn normal_tensor<T: Scalar>(
    rng: &mut Rng,
    shape: &[usize],
    scale: f64,
) -> (Tensor<T>, Vec<f64>) {
    let len = shape.iter().product();
    let t = Tensor::<T>::from_f64(&rng.normals(len, scale), shape).unwrap();
    let v = t.to_f64_vec();
    (t, v)
}

/// `max |got − want| / scale` over elements, with `scale[i] ≥ tiny`.
pub fn scaled_error(got: &[f64], want: &[f64], scale: &[f64]) -> f64 {
    got.iter()
        .zip(want)
        .zip(scale)
        .map(|((g, w), s)| (g - w).abs() / s.max(1e-300))
        .fold(0.0, f64::max)
}
