//! Arithmetic: multiply and divide as integer adds of logs, add and subtract
//! through the [`LogAdd`] approximation, and the operator traits.
//!
//! The code-level functions here are public so that vector kernels (in
//! `lognum-tensor`) can reproduce scalar results bit for bit.

use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use crate::logadd::LogAdd;
use crate::{LogNum, LogNum8, WideLogNum};

/// Product of two biased magnitude codes (0 = zero): `a + b − bias`,
/// saturated to `max`, flushed to 0 below 1.
///
/// ```
/// // 1.0 · 1.0 in LogNum<10> (bias 16384).
/// assert_eq!(lognum::arith::mul_magnitudes(16384, 16384, 16384, 32767), 16384);
/// assert_eq!(lognum::arith::mul_magnitudes(0, 16384, 16384, 32767), 0);
/// ```
#[inline(always)]
pub const fn mul_magnitudes(a: i64, b: i64, bias: i64, max: i64) -> i64 {
    if a == 0 || b == 0 {
        return 0;
    }
    let m = a + b - bias;
    if m < 1 {
        0
    } else if m > max {
        max
    } else {
        m
    }
}

/// Sum of two signed magnitudes `(negative, M)` with the approximation `A`:
/// `max(a, b) + Δ±(|a − b|)`, saturated to `max`, flushed to `+0` below 1.
/// Zero operands return the other operand unchanged; `x + (−x)` is `+0`.
///
/// Written without branches (the special cases are selects), so that the
/// signs of random operands cost no mispredictions and the element-wise loops
/// can vectorise where the target has gathers; see [`LogAdd::delta`].
///
/// ```
/// use lognum::{Exact, arith::add_magnitudes};
/// // 1 + 1 = 2 at 10 fraction bits (bias 16384).
/// assert_eq!(add_magnitudes::<Exact, 10>(false, 16384, false, 16384, 32767), (false, 17408));
/// // 1 + (−1) = +0.
/// assert_eq!(add_magnitudes::<Exact, 10>(false, 16384, true, 16384, 32767), (false, 0));
/// ```
#[inline(always)]
pub fn add_magnitudes<A: LogAdd, const FRAC: u32>(
    neg_a: bool,
    a: i64,
    neg_b: bool,
    b: i64,
    max: i64,
) -> (bool, i64) {
    let same = neg_a == neg_b;
    let (big, small) = (a.max(b), a.min(b));
    let neg = if a >= b { neg_a } else { neg_b };
    let d = (big - small) as u32;
    // Both magnitudes nonzero: max(a, b) + Δ±(d), saturated. (A sum only
    // grows and a difference only shrinks, so one clamp each suffices.)
    let m = (big + A::delta::<FRAC>(same, d) as i64).min(max);
    // A zero operand: the other one, unchanged (for two zeros, +0 or −0).
    let m = if small == 0 { big } else { m };
    // Exact cancellation, or a difference below the smallest code: +0.
    let flush = !same & ((d == 0) | (m < 1));
    if flush { (false, 0) } else { (neg, m) }
}

macro_rules! impl_arith {
    ($T:ident, $W:ty, $I:ty, $name:literal, $frac:literal) => {
        impl<const FRAC: u32, A> $T<FRAC, A> {
            #[inline(always)]
            const fn mag_i64(self) -> i64 {
                self.magnitude() as i64
            }

            #[inline(always)]
            const fn from_mag(negative: bool, m: i64) -> Self {
                Self::from_bits(m as $W | if negative { Self::SIGN_MASK } else { 0 })
            }

            /// The product: the logs add. Exact up to saturation at `±MAX` and
            /// flush to zero; the sign is the exclusive or of the signs.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f64(4.0).mul_exact(L::from_f64(-0.25)), L::NEG_ONE);
            /// assert_eq!(L::MAX.mul_exact(L::MAX), L::MAX);
            /// ```
            #[inline]
            pub const fn mul_exact(self, rhs: Self) -> Self {
                // `mul_magnitudes` in the word type, branch-free, in the form
                // that vectorises to a few saturating lane operations. Both
                // magnitudes are below 2^(W−1), so `a + b` cannot wrap, and
                // `clamp(a + b − BIAS, 0, MAG_MASK)` is two saturating steps:
                // add `W::MAX − MAG_MASK − BIAS` (pinning at `W::MAX` what
                // would exceed `MAG_MASK`), then subtract `W::MAX − MAG_MASK`.
                let (a, b) = (self.magnitude(), rhs.magnitude());
                let m = (a + b)
                    .saturating_add(<$W>::MAX - Self::MAG_MASK - Self::BIAS)
                    .saturating_sub(<$W>::MAX - Self::MAG_MASK);
                // A zero operand gives zero; `min(a, b) == 0` is one compare
                // fewer per lane than `a == 0 || b == 0`.
                let m = if (if a < b { a } else { b }) == 0 {
                    0
                } else {
                    m
                };
                Self {
                    bits: m | ((self.bits ^ rhs.bits) & Self::SIGN_MASK),
                    approx: core::marker::PhantomData,
                }
            }

            /// The quotient: the logs subtract. Exact up to saturation and
            /// flush. `x / 0` is `±MAX` with the sign of `x` times that of the
            /// zero, and `0 / 0` is `+0` (there is no NaN code).
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f64(3.0).div_exact(L::from_f64(3.0)), L::ONE);
            /// assert_eq!(L::NEG_ONE.div_exact(L::ZERO), L::MIN);
            /// assert_eq!(L::ZERO.div_exact(L::ZERO), L::ZERO);
            /// ```
            #[inline]
            pub const fn div_exact(self, rhs: Self) -> Self {
                let neg = self.is_sign_negative() != rhs.is_sign_negative();
                let (a, b) = (self.mag_i64(), rhs.mag_i64());
                if b == 0 {
                    return if a == 0 {
                        Self::ZERO
                    } else {
                        Self::from_mag(neg, Self::MAG_MASK as i64)
                    };
                }
                if a == 0 {
                    return Self::from_mag(neg, 0);
                }
                let m = a - b + Self::BIAS as i64;
                let m = if m < 1 {
                    0
                } else if m > Self::MAG_MASK as i64 {
                    Self::MAG_MASK as i64
                } else {
                    m
                };
                Self::from_mag(neg, m)
            }

            /// `1 / x`: negates the log. Exact (the range is symmetric);
            /// `1 / ±0` is `±MAX`.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f64(8.0).recip().to_f64(), 0.125);
            /// assert_eq!(L::MAX.recip(), L::MIN_POSITIVE);
            /// ```
            #[inline]
            pub const fn recip(self) -> Self {
                Self::ONE.with_approx::<A>().div_exact(self)
            }

            /// The square root: halves the log, rounding a half code away from
            /// zero. The square root of a negative number is `+0` (no NaN code).
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f64(16.0).sqrt().to_f64(), 4.0);
            /// assert!(L::from_f64(-4.0).sqrt().is_zero());
            /// ```
            #[inline]
            pub const fn sqrt(self) -> Self {
                match self.log2_code() {
                    None => Self::ZERO,
                    Some(_) if self.is_sign_negative() => Self::ZERO,
                    Some(l) => Self::from_log2_code(false, div_round_away(l, 2)),
                }
            }

            /// The cube root: a third of the log, rounded to nearest; keeps the sign.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f64(-8.0).cbrt().to_f64(), -2.0);
            /// ```
            #[inline]
            pub const fn cbrt(self) -> Self {
                match self.log2_code() {
                    None => self,
                    Some(l) => Self::from_log2_code(self.is_sign_negative(), div_round_away(l, 3)),
                }
            }

            /// `x^n`: multiplies the log by `n`. Exact up to saturation and flush.
            /// `x^0 = 1` for every `x`; `0^n = MAX` for `n < 0`, like `1/0`.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f64(-2.0).powi(3).to_f64(), -8.0);
            /// assert_eq!(L::from_f64(2.0).powi(-2).to_f64(), 0.25);
            /// ```
            #[inline]
            pub const fn powi(self, n: i32) -> Self {
                if n == 0 {
                    return Self::ONE;
                }
                let neg = self.is_sign_negative() && n % 2 != 0;
                match self.log2_code() {
                    None if n < 0 => Self::from_mag(neg, Self::MAG_MASK as i64),
                    None => Self::from_mag(neg, 0),
                    Some(l) => Self::from_log2_code(neg, l.saturating_mul(n as i64)),
                }
            }
        }

        impl<const FRAC: u32, A: LogAdd> $T<FRAC, A> {
            /// The sum through the approximation `A`:
            /// `max(X, Y) + Δ±(|X − Y|)`. `x + 0 = x` and `x + (−x) = +0`
            /// exactly; overflow saturates to `±MAX`, underflow flushes to zero.
            ///
            /// ```
            #[doc = concat!("use lognum::{", $name, ", Exact};")]
            #[doc = concat!("type L = ", $name, "<", $frac, ", Exact>;")]
            /// let x = L::from_f64(1.5);
            /// assert_eq!(x.add_approx(-x), L::ZERO);
            /// assert_eq!(x.add_approx(L::ZERO), x);
            /// assert_eq!(L::ONE.add_approx(L::ONE).to_f64(), 2.0);
            /// ```
            #[inline]
            pub fn add_approx(self, rhs: Self) -> Self {
                // `add_magnitudes` on the words (the tests check it bit for
                // bit), in `u32` and `$I` rather than the narrower word (which
                // costs extensions), and with the sign of the sum taken from
                // the operand of larger magnitude rather than from booleans.
                let (x, y) = (self.bits as u32, rhs.bits as u32);
                let mag = Self::MAG_MASK as u32;
                let (a, b) = (x & mag, y & mag);
                let larger = if a >= b { x } else { y };
                let (big, small) = (larger & mag, a.min(b));
                let d = big - small;
                let same = (x ^ y) >> Self::MAG_BITS == 0;
                // A Δ+ beyond 2^(MAG_BITS+1) saturates the sum just as that
                // value does, and cannot overflow `$I` then (nor can a Δ−,
                // which is above −2^31).
                let lim = (2u64 << Self::MAG_BITS).min(i32::MAX as u64) as i32;
                let delta = A::delta::<FRAC>(same, d).min(lim) as $I;
                let m = (big as $I + delta).min(Self::MAG_MASK as $I);
                let m = if small == 0 { big as $I } else { m };
                let flush = !same & ((d == 0) | (m < 1));
                let bits = (larger & Self::SIGN_MASK as u32) | m as u32;
                Self {
                    bits: if flush { 0 } else { bits as $W },
                    approx: core::marker::PhantomData,
                }
            }

            /// The difference: adds `−rhs`.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert!(L::from_f64(2.5).sub_approx(L::from_f64(2.5)).is_zero());
            /// ```
            #[inline]
            pub fn sub_approx(self, rhs: Self) -> Self {
                self.add_approx(rhs.neg())
            }

            /// `self · a + b`, with one rounding for the product (none: it is
            /// exact) and the approximation `A` for the sum.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// let r = L::from_f64(2.0).mul_add(L::from_f64(3.0), L::from_f64(2.0));
            /// assert!((r.to_f64() - 8.0).abs() < 1.0); // 8 up to the table's error
            /// assert_eq!(L::from_f64(2.0).mul_add(L::from_f64(3.0), L::ZERO), L::from_f64(6.0));
            /// ```
            #[inline]
            pub fn mul_add(self, a: Self, b: Self) -> Self {
                self.mul_exact(a).add_approx(b)
            }
        }

        impl<const FRAC: u32, A> Neg for $T<FRAC, A> {
            type Output = Self;
            #[inline]
            fn neg(self) -> Self {
                $T::neg(self)
            }
        }

        impl<const FRAC: u32, A> Neg for &$T<FRAC, A> {
            type Output = $T<FRAC, A>;
            #[inline]
            fn neg(self) -> $T<FRAC, A> {
                $T::neg(*self)
            }
        }

        forward_binop!($T, Add, add, AddAssign, add_assign, add_approx, LogAdd);
        forward_binop!($T, Sub, sub, SubAssign, sub_assign, sub_approx, LogAdd);
        forward_binop!($T, Mul, mul, MulAssign, mul_assign, mul_exact, Sized);
        forward_binop!($T, Div, div, DivAssign, div_assign, div_exact, Sized);
        forward_binop!($T, Rem, rem, RemAssign, rem_assign, rem_f64, Sized);

        impl<const FRAC: u32, A> $T<FRAC, A> {
            /// `x % y` with the sign of `x`, computed in f64 (LNS has no exact
            /// remainder) and rounded back. `x % 0` is `+0`.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// let (x, y) = (L::from_f64(7.0), L::from_f64(2.0));
            /// assert_eq!(x % y, L::from_f64(x.to_f64() % 2.0)); // 7 % 2 for the value nearest 7
            /// assert!((x % L::ZERO).is_zero());
            /// ```
            #[inline]
            pub fn rem_f64(self, rhs: Self) -> Self {
                if rhs.is_zero() {
                    return Self::ZERO;
                }
                Self::from_f64(self.to_f64() % rhs.to_f64())
            }
        }

        impl<const FRAC: u32, A: LogAdd> core::iter::Sum for $T<FRAC, A> {
            /// Sums left to right through `A`, starting from zero.
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(Self::ZERO, |acc, x| acc.add_approx(x))
            }
        }

        impl<'a, const FRAC: u32, A: LogAdd> core::iter::Sum<&'a $T<FRAC, A>> for $T<FRAC, A> {
            fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
                iter.fold(Self::ZERO, |acc, x| acc.add_approx(*x))
            }
        }

        impl<const FRAC: u32, A> core::iter::Product for $T<FRAC, A> {
            /// Multiplies exactly (with saturation), starting from one.
            fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(Self::ONE, |acc, x| acc.mul_exact(x))
            }
        }

        impl<'a, const FRAC: u32, A> core::iter::Product<&'a $T<FRAC, A>> for $T<FRAC, A> {
            fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
                iter.fold(Self::ONE, |acc, x| acc.mul_exact(*x))
            }
        }
    };
}

/// Writes the by-value operator once and derives the by-reference and
/// `*Assign` forms from it.
macro_rules! forward_binop {
    ($T:ident, $Op:ident, $op:ident, $OpAssign:ident, $op_assign:ident, $method:ident, $Bound:ident) => {
        impl<const FRAC: u32, A: $Bound> $Op for $T<FRAC, A> {
            type Output = Self;
            #[inline]
            fn $op(self, rhs: Self) -> Self {
                self.$method(rhs)
            }
        }
        impl<const FRAC: u32, A: $Bound> $Op<&$T<FRAC, A>> for $T<FRAC, A> {
            type Output = Self;
            #[inline]
            fn $op(self, rhs: &Self) -> Self {
                self.$method(*rhs)
            }
        }
        impl<const FRAC: u32, A: $Bound> $Op<$T<FRAC, A>> for &$T<FRAC, A> {
            type Output = $T<FRAC, A>;
            #[inline]
            fn $op(self, rhs: $T<FRAC, A>) -> $T<FRAC, A> {
                (*self).$method(rhs)
            }
        }
        impl<const FRAC: u32, A: $Bound> $Op<&$T<FRAC, A>> for &$T<FRAC, A> {
            type Output = $T<FRAC, A>;
            #[inline]
            fn $op(self, rhs: &$T<FRAC, A>) -> $T<FRAC, A> {
                (*self).$method(*rhs)
            }
        }
        impl<const FRAC: u32, A: $Bound> $OpAssign for $T<FRAC, A> {
            #[inline]
            fn $op_assign(&mut self, rhs: Self) {
                *self = (*self).$method(rhs);
            }
        }
        impl<const FRAC: u32, A: $Bound> $OpAssign<&$T<FRAC, A>> for $T<FRAC, A> {
            #[inline]
            fn $op_assign(&mut self, rhs: &Self) {
                *self = (*self).$method(*rhs);
            }
        }
    };
}

/// `n / k` rounded to nearest, halves away from zero.
const fn div_round_away(n: i64, k: i64) -> i64 {
    let half = k / 2;
    if n >= 0 {
        (n + half) / k
    } else {
        (n - half) / k
    }
}

impl_arith!(LogNum, u16, i32, "LogNum", 10);
impl_arith!(WideLogNum, u32, i64, "WideLogNum", 10);
impl_arith!(LogNum8, u8, i32, "LogNum8", 3);

#[cfg(test)]
mod tests {
    //! The branch-free `add_magnitudes` and `mul_exact` against the plain
    //! branching formulas they replaced, bit for bit.

    use super::*;
    use lognum_testkit::SplitMix64;

    /// The original, branching sum.
    fn add_reference<A: LogAdd, const FRAC: u32>(
        neg_a: bool,
        a: i64,
        neg_b: bool,
        b: i64,
        max: i64,
    ) -> (bool, i64) {
        if b == 0 {
            return if a == 0 {
                (neg_a && neg_b, 0)
            } else {
                (neg_a, a)
            };
        }
        if a == 0 {
            return (neg_b, b);
        }
        let (neg, big, small) = if a >= b { (neg_a, a, b) } else { (neg_b, b, a) };
        let d = (big - small) as u32;
        if neg_a == neg_b {
            let m = big + A::delta_plus::<FRAC>(d) as i64;
            (neg, if m > max { max } else { m })
        } else {
            if d == 0 {
                return (false, 0);
            }
            let m = big - A::delta_minus::<FRAC>(d) as i64;
            if m < 1 { (false, 0) } else { (neg, m) }
        }
    }

    /// Words to pair: every word for `FRAC = 6`; for wider formats the
    /// neighbourhoods of zero, one and `MAX` of both signs, and a seeded
    /// sample.
    fn words(frac: u32, mag_bits: u32) -> std::vec::Vec<u32> {
        if frac <= 6 {
            return (0..2u32 << mag_bits).collect();
        }
        let (mag, sign) = ((1u32 << mag_bits) - 1, 1u32 << mag_bits);
        let mut v = std::vec::Vec::new();
        for s in [0, sign] {
            for m in (0..40)
                .chain(mag / 2 - 40..mag / 2 + 40)
                .chain(mag - 40..=mag)
            {
                v.push(s | m);
            }
        }
        let mut rng = SplitMix64::new(frac as u64);
        for _ in 0..600 {
            v.push(rng.next_u64() as u32 & (sign | mag));
        }
        v
    }

    fn check_add<A: LogAdd, const FRAC: u32>() {
        let mag_bits = LogNum::<FRAC, A>::MAG_BITS;
        let max = LogNum::<FRAC, A>::MAG_MASK as i64;
        let split = |w: u32| (w >> mag_bits != 0, (w & max as u32) as i64);
        let ws = words(FRAC, mag_bits);
        for &x in &ws {
            let (na, a) = split(x);
            for &y in &ws {
                let (nb, b) = split(y);
                let want = add_reference::<A, FRAC>(na, a, nb, b, max);
                assert_eq!(
                    add_magnitudes::<A, FRAC>(na, a, nb, b, max),
                    want,
                    "{} FRAC {FRAC}: {x:#x} + {y:#x}",
                    A::NAME
                );
                let sum = LogNum::<FRAC, A>::from_bits(x as u16) + LogNum::from_bits(y as u16);
                assert_eq!(
                    (sum.is_sign_negative(), sum.magnitude() as i64),
                    want,
                    "{} FRAC {FRAC}: {x:#x} + {y:#x} (add_approx)",
                    A::NAME
                );
            }
        }
    }

    fn check_add_all<const FRAC: u32>() {
        macro_rules! check {
            ($A:ty) => {
                check_add::<$A, FRAC>()
            };
        }
        crate::for_each_log_add!(check);
    }

    #[test]
    fn add_matches_branching_reference() {
        check_add_all::<6>();
        check_add_all::<10>();
        check_add_all::<0>();
    }

    /// Every pair of `LogNum8<FRAC>` words: `add_approx` and `mul_exact` on
    /// the byte (with its `u8` saturating steps) against the references.
    fn check_byte<A: LogAdd, const FRAC: u32>() {
        type B<const F: u32, A> = LogNum8<F, A>;
        let max = B::<FRAC, A>::MAG_MASK as i64;
        let bias = B::<FRAC, A>::BIAS as i64;
        let split = |w: u8| (w & 0x80 != 0, (w & 0x7f) as i64);
        for x in 0..=u8::MAX {
            let (na, a) = split(x);
            for y in 0..=u8::MAX {
                let (nb, b) = split(y);
                let (p, q) = (B::<FRAC, A>::from_bits(x), B::<FRAC, A>::from_bits(y));
                let want = add_reference::<A, FRAC>(na, a, nb, b, max);
                let sum = p + q;
                let got = (sum.is_sign_negative(), sum.magnitude() as i64);
                assert_eq!(got, want, "{} FRAC {FRAC}: {x:#x} + {y:#x}", A::NAME);
                let m = mul_magnitudes(a, b, bias, max) as u8;
                let want = m | if na != nb { 0x80 } else { 0 };
                assert_eq!(
                    p.mul_exact(q).to_bits(),
                    want,
                    "FRAC {FRAC}: {x:#x} · {y:#x}"
                );
            }
        }
    }

    #[test]
    fn byte_matches_branching_reference() {
        macro_rules! check {
            ($A:ty) => {{
                check_byte::<$A, 0>();
                check_byte::<$A, 3>();
                check_byte::<$A, 6>();
            }};
        }
        crate::for_each_log_add!(check);
    }

    fn check_wide<A: LogAdd>(na: bool, a: i64, nb: bool, b: i64) {
        type W<A> = WideLogNum<20, A>;
        let max = W::<A>::MAG_MASK as i64;
        let want = add_reference::<A, 20>(na, a, nb, b, max);
        let got = add_magnitudes::<A, 20>(na, a, nb, b, max);
        assert_eq!(got, want, "{} {na} {a} {nb} {b}", A::NAME);
        let word = |n: bool, m: i64| W::<A>::from_bits(m as u32 | (n as u32) << 31);
        let sum = word(na, a) + word(nb, b);
        let got = (sum.is_sign_negative(), sum.magnitude() as i64);
        assert_eq!(got, want, "{} {na} {a} {nb} {b} (add_approx)", A::NAME);
    }

    #[test]
    fn wide_add_matches_branching_reference() {
        let max = WideLogNum::<20>::MAG_MASK as i64;
        let mut rng = SplitMix64::new(20);
        let edge = [0, 1, 2, max / 2, max / 2 + 1, max - 1, max];
        for i in 0..20_000 {
            let (na, nb) = (rng.next_u64() & 1 == 1, rng.next_u64() & 1 == 1);
            let a = if i % 4 == 0 {
                edge[i / 4 % 7]
            } else {
                (rng.next_u64() as i64) & max
            };
            // Mostly operands within a few units of each other, where Δ matters.
            let b = if i % 3 == 0 {
                (rng.next_u64() as i64) & max
            } else {
                (a + (rng.next_u64() % (1 << 24)) as i64 - (1 << 23)).clamp(0, max)
            };
            macro_rules! check {
                ($A:ty) => {
                    check_wide::<$A>(na, a, nb, b)
                };
            }
            crate::for_each_log_add!(check);
        }
    }

    fn check_mul<const FRAC: u32>() {
        type L<const F: u32> = LogNum<F>;
        let ws = words(FRAC, L::<FRAC>::MAG_BITS);
        for &x in &ws {
            for &y in &ws {
                let (p, q) = (
                    L::<FRAC>::from_bits(x as u16),
                    L::<FRAC>::from_bits(y as u16),
                );
                let m = mul_magnitudes(
                    p.magnitude() as i64,
                    q.magnitude() as i64,
                    L::<FRAC>::BIAS as i64,
                    L::<FRAC>::MAG_MASK as i64,
                );
                let neg = p.is_sign_negative() != q.is_sign_negative();
                let want = m as u16 | if neg { L::<FRAC>::SIGN_MASK } else { 0 };
                assert_eq!(
                    p.mul_exact(q).to_bits(),
                    want,
                    "FRAC {FRAC}: {x:#x} · {y:#x}"
                );
            }
        }
    }

    #[test]
    fn mul_matches_mul_magnitudes() {
        check_mul::<0>();
        check_mul::<6>();
        check_mul::<10>();
        let max = WideLogNum::<20>::MAG_MASK;
        let mut rng = SplitMix64::new(7);
        let edge = [0, 1, 2, max / 2, max / 2 + 1, max - 1, max];
        for i in 0..100_000 {
            let pick = |r: u64, j: usize| {
                if j.is_multiple_of(5) {
                    edge[(r % 7) as usize]
                } else {
                    r as u32
                }
            };
            let x = pick(rng.next_u64(), i) | (rng.next_u64() as u32 & 1) << 31;
            let y = pick(rng.next_u64(), i / 5) | (rng.next_u64() as u32 & 1) << 31;
            let (p, q) = (
                WideLogNum::<20>::from_bits(x),
                WideLogNum::<20>::from_bits(y),
            );
            let m = mul_magnitudes(
                p.magnitude() as i64,
                q.magnitude() as i64,
                WideLogNum::<20>::BIAS as i64,
                max as i64,
            );
            let neg = p.is_sign_negative() != q.is_sign_negative();
            let want = m as u32 | if neg { 1 << 31 } else { 0 };
            assert_eq!(p.mul_exact(q).to_bits(), want, "{x:#x} · {y:#x}");
        }
    }
}
