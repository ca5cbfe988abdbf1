//! What the tests know about each tensor element type: the tolerance of one
//! rounding step ([`Tolerance`], for every [`Scalar`] type), the dot-product
//! bound and summation order ([`TestDtype`], for the types the tests run
//! over), and seeded tensors.
//!
//! ```
//! use lognum_testkit::{SplitMix64, tensor::{TestDtype, Tolerance, normal_tensor}};
//! let (t, v) = normal_tensor::<f32>(&mut SplitMix64::new(1), &[2, 3], 1.0);
//! assert_eq!(t.to_f64_vec(), v);
//! assert!(f32::DOT_BOUND < <half::f16 as TestDtype>::DOT_BOUND);
//! assert_eq!(f32::tolerance(), f64::from(f32::EPSILON));
//! ```

use fixed::types::extra::{LeEqU16, LeEqU32};
use fixed::types::{I8F8, I16F16};
use fixed::{FixedI16, FixedI32};
use half::{bf16, f16};
use lognum::{BitShift, Exact, Interp, LogAdd, LogNum, Lut, WideLogNum};
use lognum_tensor::{Scalar, Tensor};

use crate::SplitMix64;

/// The relative tolerance of a type against an f64 reference: the size of
/// one rounding step of the type, which tests scale by the depth of the
/// computation (dfdx's per-dtype default tolerance).
///
/// ```
/// use lognum::{Exact, LogNum};
/// use lognum_testkit::tensor::Tolerance;
/// assert_eq!(f64::tolerance(), f64::EPSILON);
/// assert_eq!(fixed::types::I8F8::tolerance(), 1.0 / 256.0);
/// // One code of LogNum<10> is a relative step of about ln 2 · 2^-10.
/// assert_eq!(LogNum::<10, Exact>::tolerance(), std::f64::consts::LN_2 / 1024.0);
/// ```
pub trait Tolerance: Scalar {
    /// Relative tolerance against an f64 reference for one rounding step of
    /// this type (tests scale it by the depth of the computation).
    fn tolerance() -> f64;
}

impl Tolerance for f64 {
    fn tolerance() -> f64 {
        f64::EPSILON
    }
}
impl Tolerance for f32 {
    fn tolerance() -> f64 {
        f32::EPSILON as f64
    }
}
impl Tolerance for f16 {
    fn tolerance() -> f64 {
        f16::EPSILON.to_f64()
    }
}
impl Tolerance for bf16 {
    fn tolerance() -> f64 {
        bf16::EPSILON.to_f64()
    }
}
// Fixed point: one unit of the last place.
impl<Frac: LeEqU16 + Send + Sync + 'static> Tolerance for FixedI16<Frac> {
    fn tolerance() -> f64 {
        FixedI16::<Frac>::DELTA.to_num::<f64>()
    }
}
impl<Frac: LeEqU32 + Send + Sync + 'static> Tolerance for FixedI32<Frac> {
    fn tolerance() -> f64 {
        FixedI32::<Frac>::DELTA.to_num::<f64>()
    }
}
// LNS: one code is a relative step of 2^(2^-FRAC) − 1 ≈ ln2·2^-FRAC.
impl<const FRAC: u32, A: LogAdd> Tolerance for LogNum<FRAC, A> {
    fn tolerance() -> f64 {
        core::f64::consts::LN_2 / (1u64 << FRAC) as f64
    }
}
impl<const FRAC: u32, A: LogAdd> Tolerance for WideLogNum<FRAC, A> {
    fn tolerance() -> f64 {
        core::f64::consts::LN_2 / (1u64 << FRAC) as f64
    }
}

/// A number type under test with its own tolerances (dfdx's `TestDtype`):
/// one rounding step ([`Tolerance`]) and the bound on a dot product.
///
/// `DOT_BOUND` bounds the error of a length-`k` dot product as a fraction of
/// `Σ|aᵢbᵢ|` (the scale that rounding errors are proportional to), for the
/// sizes `lognum-tensor`'s tests use (k ≤ 800). The reasoning for each value is beside
/// it; the measured errors are a few times smaller.
pub trait TestDtype: Tolerance {
    /// The bound on a dot product's error, as a fraction of `Σ|aᵢbᵢ|`.
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
///
/// ```
/// use lognum_testkit::{SplitMix64, tensor::normal_tensor};
/// let (t, v) = normal_tensor::<half::bf16>(&mut SplitMix64::new(2), &[4], 0.1);
/// assert_eq!(t.shape(), &[4]);
/// assert!(v.iter().all(|x| x.abs() < 1.0));
/// ```
pub fn normal_tensor<T: Scalar>(
    rng: &mut SplitMix64,
    shape: &[usize],
    scale: f64,
) -> (Tensor<T>, Vec<f64>) {
    let len = shape.iter().product();
    let t = Tensor::<T>::from_f64(&rng.normals(len, scale), shape).unwrap();
    let v = t.to_f64_vec();
    (t, v)
}
