//! Shared helpers for the criterion benchmarks: seeded inputs (from
//! `lognum_testkit::SplitMix64`), so that every number type sees the same
//! values in every run, and the kernels, written once for all of them
//! through [`Scalar`].

use fixed::types::I8F8;
use half::{bf16, f16};
use lognum::{LogAdd, LogNum};
use lognum_testkit::SplitMix64;

/// Length of every benchmark slice.
pub const LEN: usize = 4096;

/// The seed of every input set.
pub const SEED: u64 = 0x5eed_2020;

/// `n` values `±2^u` with a random sign and `u` uniform in `[-4, 2]`: the
/// spread of activations and weights in a small network, every value well
/// inside the range of every type benchmarked (`I8F8` included: products stay
/// below 64), and half of all pairs of opposite sign, so that adds take the
/// Δ+ and Δ− paths in an unpredictable order.
///
/// ```
/// let v = lognum_benches::inputs(1, 100);
/// assert_eq!(v.len(), 100);
/// assert!(v.iter().all(|x| (1.0 / 16.0..=4.0).contains(&x.abs())));
/// assert_eq!(v, lognum_benches::inputs(1, 100));
/// ```
pub fn inputs(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let u = -4.0 + 6.0 * rng.uniform();
            let neg = rng.next_u64() & 1 == 1;
            let v = u.exp2();
            if neg { -v } else { v }
        })
        .collect()
}

/// A number type under benchmark: conversion from f64 and the two
/// operations, as the type's own operators compute them.
///
/// The fixed-point type uses wrapping operations, as fixed-point hardware
/// does (and as its operators do in release builds), so that long dot
/// products cannot panic in debug builds.
pub trait Scalar: Copy {
    /// A short name for the benchmark id.
    const NAME: &'static str;
    /// Zero, the start of a dot product.
    const ZERO: Self;
    /// The nearest value of this type.
    fn from_f64(x: f64) -> Self;
    /// `self · rhs`.
    fn mul(self, rhs: Self) -> Self;
    /// `self + rhs`.
    fn add(self, rhs: Self) -> Self;
}

impl Scalar for f32 {
    const NAME: &'static str = "f32";
    const ZERO: Self = 0.0;
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        self * rhs
    }
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self + rhs
    }
}

impl Scalar for f16 {
    const NAME: &'static str = "f16";
    const ZERO: Self = f16::ZERO;
    fn from_f64(x: f64) -> Self {
        f16::from_f64(x)
    }
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        self * rhs
    }
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self + rhs
    }
}

impl Scalar for bf16 {
    const NAME: &'static str = "bf16";
    const ZERO: Self = bf16::ZERO;
    fn from_f64(x: f64) -> Self {
        bf16::from_f64(x)
    }
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        self * rhs
    }
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self + rhs
    }
}

impl Scalar for I8F8 {
    const NAME: &'static str = "I8F8";
    const ZERO: Self = I8F8::ZERO;
    fn from_f64(x: f64) -> Self {
        I8F8::saturating_from_num(x)
    }
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        self.wrapping_mul(rhs)
    }
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self.wrapping_add(rhs)
    }
}

impl<const FRAC: u32, A: LogAdd> Scalar for LogNum<FRAC, A> {
    const NAME: &'static str = A::NAME;
    const ZERO: Self = LogNum::ZERO;
    fn from_f64(x: f64) -> Self {
        LogNum::from_f64(x)
    }
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        self * rhs
    }
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self + rhs
    }
}

/// The benchmark inputs [`inputs`]`(seed, n)` converted to `T`.
///
/// ```
/// let v: Vec<f32> = lognum_benches::inputs_as(3, 8);
/// assert_eq!(v.len(), 8);
/// ```
pub fn inputs_as<T: Scalar>(seed: u64, n: usize) -> Vec<T> {
    inputs(seed, n).into_iter().map(T::from_f64).collect()
}

/// Element-wise product: `out[i] = a[i] · b[i]`.
///
/// ```
/// let mut out = [0.0f32; 2];
/// lognum_benches::mul_slices(&[2.0f32, 3.0], &[4.0, 5.0], &mut out);
/// assert_eq!(out, [8.0, 15.0]);
/// ```
#[inline(never)]
pub fn mul_slices<T: Scalar>(a: &[T], b: &[T], out: &mut [T]) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = x.mul(y);
    }
}

/// Element-wise sum: `out[i] = a[i] + b[i]`.
///
/// ```
/// let mut out = [0.0f32; 2];
/// lognum_benches::add_slices(&[2.0f32, 3.0], &[4.0, 5.0], &mut out);
/// assert_eq!(out, [6.0, 8.0]);
/// ```
#[inline(never)]
pub fn add_slices<T: Scalar>(a: &[T], b: &[T], out: &mut [T]) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = x.add(y);
    }
}

/// The dot product, accumulated left to right in `T` (one dependent chain,
/// as a naive kernel runs it; the f32 compiler may not reorder it either).
///
/// ```
/// assert_eq!(lognum_benches::dot(&[1.0f32, 2.0], &[3.0, 4.0]), 11.0);
/// ```
#[inline(never)]
pub fn dot<T: Scalar>(a: &[T], b: &[T]) -> T {
    a.iter()
        .zip(b)
        .fold(T::ZERO, |acc, (&x, &y)| acc.add(x.mul(y)))
}

/// The workspace README's code, compiled and run as a doctest (this crate
/// is not published, so it may include a file outside its directory).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct WorkspaceReadme;
