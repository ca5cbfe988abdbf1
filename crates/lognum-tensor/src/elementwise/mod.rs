//! Element-wise `+`, `−` and `·` on `LogNum` slices, vectorised, with the
//! bits of the scalar operators.
//!
//! `out[i] = a[i] + b[i]` is a loop any compiler writes, but for LNS each
//! sum needs a look-up of Δ by the difference of the two log codes, and
//! baseline x86-64 (SSE2) has no gather: the scalar loop runs one element at
//! a time. These kernels pick the widest instruction set the CPU offers at
//! run time ([`Isa::detect`]'s choice) and fall back to the scalar
//! operators elsewhere:
//!
//! | path | add, sub | mul |
//! |---|---|---|
//! | [`Isa::Avx512`] (F + BW) | 32 lanes; Δ by one `vpermi2w` from the 64-entry bucket form of [`Lut`], [`TruncLut`] and [`FloorShift`], computed by shifts and subtractions for [`BitShift`], by two 16-lane gathers from the full table otherwise | 32 lanes |
//! | [`Isa::Avx2`] | 16 lanes; Δ by byte shuffles (two vectors per look-up, no blends) from the bucket form of [`Lut`], [`TruncLut`] and [`FloorShift`], computed for [`BitShift`] (the per-lane shift on 32-bit halves), by two 8-lane gathers from the full table otherwise | 16 lanes |
//! | [`Isa::Portable`] | the scalar `+` and `−` | the scalar `·` (the compiler vectorises it) |
//!
//! # Semantics
//!
//! Every path gives, for every pair of words, the word that
//! [`lognum::arith::add_magnitudes`] and [`lognum::arith::mul_magnitudes`]
//! define and the operators `+`, `−`, `*` of [`LogNum`] return: `x + 0 = x`
//! (with `−0 + −0 = −0`), `x + (−x) = +0`, saturation to `±MAX`, flush to
//! zero, the sign of a product of zeros and flushed products kept, and the
//! same Δ as `A`. The tables and the choice of path come from scanning `A`
//! once per type (see [`matmul::lns`](crate::matmul::lns), whose kernels
//! use the same ones, and its [`kernel_name`](crate::matmul::lns::kernel_name));
//! the integration tests compare every path with the operators bit for bit.
//!
//! # Lengths
//!
//! The three slices must have the same length; the functions panic
//! otherwise, like the matrix kernels, since they sit below the tensor's
//! shape checks. Any length is fine, including 0 and lengths that are not a
//! multiple of the vector width (the last partial vector uses masked loads
//! and stores on AVX-512, a zero-padded buffer on AVX2).
//!
//! [`Lut`]: lognum::Lut
//! [`TruncLut`]: lognum::TruncLut
//! [`FloorShift`]: lognum::FloorShift
//! [`BitShift`]: lognum::BitShift

mod portable;
#[cfg(target_arch = "x86_64")]
mod x86;

use lognum::{LogAdd, LogNum};

use crate::lns::tables::{self, LnsTables};
#[cfg(target_arch = "x86_64")]
use crate::lns::x86::{Avx2, Avx512};
pub use crate::lns::{Isa, IsaUnavailable};
use crate::lns::{Kernel, Lookup, dispatch, words, words_mut};

/// `out[i] = a[i] + b[i]` on the fastest available instruction set, with
/// the bits of `LogNum`'s `+`.
///
/// ```
/// use lognum::LogNum;
/// use lognum_tensor::elementwise;
/// type L = LogNum<10>;
/// let a: Vec<L> = (0..100).map(|i| L::from_f64(i as f64 - 50.0)).collect();
/// let b: Vec<L> = (0..100).map(|i| L::from_f64(0.25 * i as f64)).collect();
/// let mut out = vec![L::ZERO; 100];
/// elementwise::add(&a, &b, &mut out);
/// for i in 0..100 {
///     assert_eq!(out[i], a[i] + b[i]);
/// }
/// ```
///
/// # Panics
///
/// If the slices differ in length.
pub fn add<const FRAC: u32, A: LogAdd>(
    a: &[LogNum<FRAC, A>],
    b: &[LogNum<FRAC, A>],
    out: &mut [LogNum<FRAC, A>],
) {
    add_with_isa(fastest(), a, b, out).expect("detected ISA is available");
}

/// `out[i] = a[i] − b[i]` on the fastest available instruction set, with
/// the bits of `LogNum`'s `−` (which adds `−b[i]`).
///
/// ```
/// use lognum::{BitShift, LogNum};
/// use lognum_tensor::elementwise;
/// type L = LogNum<10, BitShift>;
/// let a = vec![L::from_f64(3.0); 40];
/// let mut out = vec![L::ZERO; 40];
/// elementwise::sub(&a, &a, &mut out);
/// assert!(out.iter().all(|x| x.to_bits() == 0)); // exact cancellation: +0
/// ```
///
/// # Panics
///
/// If the slices differ in length.
pub fn sub<const FRAC: u32, A: LogAdd>(
    a: &[LogNum<FRAC, A>],
    b: &[LogNum<FRAC, A>],
    out: &mut [LogNum<FRAC, A>],
) {
    sub_with_isa(fastest(), a, b, out).expect("detected ISA is available");
}

/// `out[i] = a[i] · b[i]` on the fastest available instruction set, with
/// the bits of `LogNum`'s `*`.
///
/// ```
/// use lognum::LogNum;
/// use lognum_tensor::elementwise;
/// type L = LogNum<10>;
/// let a = vec![L::from_f64(-4.0), L::MAX, L::ZERO];
/// let b = vec![L::from_f64(0.25), L::MAX, L::NEG_ONE];
/// let mut out = vec![L::ZERO; 3];
/// elementwise::mul(&a, &b, &mut out);
/// assert_eq!(out, [L::NEG_ONE, L::MAX, L::NEG_ZERO]);
/// assert_eq!(out[2].to_bits(), L::NEG_ZERO.to_bits()); // 0 · −1 = −0, as `*` gives
/// ```
///
/// # Panics
///
/// If the slices differ in length.
pub fn mul<const FRAC: u32, A>(
    a: &[LogNum<FRAC, A>],
    b: &[LogNum<FRAC, A>],
    out: &mut [LogNum<FRAC, A>],
) {
    mul_with_isa(fastest(), a, b, out).expect("detected ISA is available");
}

/// [`add`] on a chosen instruction set (for tests and benchmarks).
///
/// ```
/// use lognum::{Exact, LogNum};
/// use lognum_tensor::elementwise::{self, Isa};
/// type L = LogNum<6, Exact>;
/// let a = vec![L::ONE; 33];
/// let mut out = vec![L::ZERO; 33];
/// for isa in Isa::available() {
///     elementwise::add_with_isa(isa, &a, &a, &mut out).unwrap();
///     assert!(out.iter().all(|&x| x == L::from_f64(2.0)));
/// }
/// ```
///
/// # Errors
///
/// [`IsaUnavailable`] if this CPU cannot run `isa`; `out` is then
/// untouched.
///
/// # Panics
///
/// If the slices differ in length (checked before the instruction set).
pub fn add_with_isa<const FRAC: u32, A: LogAdd>(
    isa: Isa,
    a: &[LogNum<FRAC, A>],
    b: &[LogNum<FRAC, A>],
    out: &mut [LogNum<FRAC, A>],
) -> Result<(), IsaUnavailable> {
    sum_with_isa::<FRAC, A, false>(isa, "add", a, b, out)
}

/// [`sub`] on a chosen instruction set (for tests and benchmarks).
///
/// ```
/// use lognum::LogNum;
/// use lognum_tensor::elementwise::{self, Isa};
/// type L = LogNum<10>;
/// let (a, b) = (vec![L::from_f64(5.0); 3], vec![L::from_f64(1.0); 3]);
/// let mut out = vec![L::ZERO; 3];
/// elementwise::sub_with_isa(Isa::Portable, &a, &b, &mut out).unwrap();
/// assert_eq!(out[0], a[0] - b[0]);
/// ```
///
/// # Errors
///
/// [`IsaUnavailable`] if this CPU cannot run `isa`; `out` is then
/// untouched.
///
/// # Panics
///
/// If the slices differ in length (checked before the instruction set).
pub fn sub_with_isa<const FRAC: u32, A: LogAdd>(
    isa: Isa,
    a: &[LogNum<FRAC, A>],
    b: &[LogNum<FRAC, A>],
    out: &mut [LogNum<FRAC, A>],
) -> Result<(), IsaUnavailable> {
    sum_with_isa::<FRAC, A, true>(isa, "sub", a, b, out)
}

/// [`mul`] on a chosen instruction set (for tests and benchmarks).
///
/// ```
/// use lognum::LogNum;
/// use lognum_tensor::elementwise::{self, Isa, IsaUnavailable};
/// type L = LogNum<10>;
/// let a = vec![L::from_f64(3.0); 5];
/// let mut out = vec![L::ZERO; 5];
/// for isa in [Isa::Portable, Isa::Avx2, Isa::Avx512] {
///     match elementwise::mul_with_isa(isa, &a, &a, &mut out) {
///         Ok(()) => assert_eq!(out[4], a[4] * a[4]),
///         Err(e) => assert_eq!(e, IsaUnavailable(isa)),
///     }
/// }
/// ```
///
/// # Errors
///
/// [`IsaUnavailable`] if this CPU cannot run `isa`; `out` is then
/// untouched.
///
/// # Panics
///
/// If the slices differ in length (checked before the instruction set).
pub fn mul_with_isa<const FRAC: u32, A>(
    isa: Isa,
    a: &[LogNum<FRAC, A>],
    b: &[LogNum<FRAC, A>],
    out: &mut [LogNum<FRAC, A>],
) -> Result<(), IsaUnavailable> {
    check_lengths("mul", a.len(), b.len(), out.len());
    if !isa.is_available() {
        return Err(IsaUnavailable(isa));
    }
    let format = Format::of::<FRAC, A>();
    let clamp = format.max != i16::MAX as u16;
    dispatch(isa, Lookup::Gather, clamp, Mul { format, a, b, out })
}

/// The arguments of [`mul_with_isa`], as a [`Kernel`].
struct Mul<'a, const FRAC: u32, A> {
    format: Format,
    a: &'a [LogNum<FRAC, A>],
    b: &'a [LogNum<FRAC, A>],
    out: &'a mut [LogNum<FRAC, A>],
}

impl<const FRAC: u32, A> Kernel for Mul<'_, FRAC, A> {
    fn portable(self) {
        portable::mul(self.a, self.b, self.out)
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn avx512<const L: u8, const CLAMP: bool>(self, _: Avx512) {
        let (a, b, out) = (words(self.a), words(self.b), words_mut(self.out));
        // SAFETY: the token proves the CPU has AVX-512F/BW; the lengths were
        // checked.
        unsafe { x86::mul_avx512::<CLAMP>(self.format, a, b, out) }
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn avx2<const L: u8, const CLAMP: bool>(self, _: Avx2) {
        let (a, b, out) = (words(self.a), words(self.b), words_mut(self.out));
        // SAFETY: the token proves the CPU has AVX2; the lengths were checked.
        unsafe { x86::mul_avx2::<CLAMP>(self.format, a, b, out) }
    }
}

/// `add_with_isa` (`NEG_B = false`) and `sub_with_isa` (`NEG_B = true`).
fn sum_with_isa<const FRAC: u32, A: LogAdd, const NEG_B: bool>(
    isa: Isa,
    op: &str,
    a: &[LogNum<FRAC, A>],
    b: &[LogNum<FRAC, A>],
    out: &mut [LogNum<FRAC, A>],
) -> Result<(), IsaUnavailable> {
    check_lengths(op, a.len(), b.len(), out.len());
    if !isa.is_available() {
        return Err(IsaUnavailable(isa));
    }
    if a.is_empty() {
        return Ok(());
    }
    let t = tables::tables::<FRAC, A>();
    let sum = Sum::<FRAC, A, NEG_B> { t, a, b, out };
    dispatch(isa, Lookup::of(t, isa), t.max != i16::MAX, sum)
}

/// The arguments of [`sum_with_isa`], as a [`Kernel`].
struct Sum<'a, const FRAC: u32, A, const NEG_B: bool> {
    t: &'a LnsTables,
    a: &'a [LogNum<FRAC, A>],
    b: &'a [LogNum<FRAC, A>],
    out: &'a mut [LogNum<FRAC, A>],
}

impl<const FRAC: u32, A: LogAdd, const NEG_B: bool> Kernel for Sum<'_, FRAC, A, NEG_B> {
    fn portable(self) {
        portable::add::<FRAC, A, NEG_B>(self.a, self.b, self.out)
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn avx512<const L: u8, const CLAMP: bool>(self, _: Avx512) {
        let (a, b, out) = (words(self.a), words(self.b), words_mut(self.out));
        // SAFETY: the token proves the CPU has AVX-512F/BW; the lengths were
        // checked.
        unsafe { x86::add_avx512::<L, CLAMP, NEG_B>(self.t, a, b, out) }
    }

    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn avx2<const L: u8, const CLAMP: bool>(self, _: Avx2) {
        let (a, b, out) = (words(self.a), words(self.b), words_mut(self.out));
        // SAFETY: the token proves the CPU has AVX2; the lengths were checked.
        unsafe { x86::add_avx2::<L, CLAMP, NEG_B>(self.t, a, b, out) }
    }
}

/// The fastest available path: [`Isa::detect`]'s choice, without building
/// the list of paths on every call.
fn fastest() -> Isa {
    if Isa::Avx512.is_available() {
        Isa::Avx512
    } else if Isa::Avx2.is_available() {
        Isa::Avx2
    } else {
        Isa::Portable
    }
}

fn check_lengths(op: &str, a: usize, b: usize, out: usize) {
    assert!(
        a == b && b == out,
        "elementwise::{op}: slice lengths differ (a {a}, b {b}, out {out})"
    );
}

/// The constants of a word format, for the kernels that need no Δ table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Format {
    /// `MAG_MASK`: the largest magnitude code.
    pub max: u16,
    /// `SIGN_MASK`.
    pub sign: u16,
    /// `BIAS`: the magnitude code of 1.0.
    pub bias: u16,
}

impl Format {
    fn of<const FRAC: u32, A>() -> Self {
        Format {
            max: LogNum::<FRAC, A>::MAG_MASK,
            sign: LogNum::<FRAC, A>::SIGN_MASK,
            bias: LogNum::<FRAC, A>::BIAS,
        }
    }
}
