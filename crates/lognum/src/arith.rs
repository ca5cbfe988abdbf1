//! Arithmetic: multiply and divide as integer adds of logs, add and subtract
//! through the [`LogAdd`] approximation, and the operator traits.
//!
//! The code-level functions here are public so that vector kernels (in
//! `lognum-tensor`) can reproduce scalar results bit for bit.

use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use crate::logadd::LogAdd;
use crate::{LogNum, WideLogNum};

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

macro_rules! impl_arith {
    ($T:ident, $W:ty, $name:literal) => {
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
            #[doc = concat!("type L = ", $name, "<10>;")]
            /// assert_eq!(L::from_f64(4.0).mul_exact(L::from_f64(-0.25)), L::NEG_ONE);
            /// assert_eq!(L::MAX.mul_exact(L::MAX), L::MAX);
            /// ```
            #[inline]
            pub const fn mul_exact(self, rhs: Self) -> Self {
                let m = mul_magnitudes(
                    self.mag_i64(),
                    rhs.mag_i64(),
                    Self::BIAS as i64,
                    Self::MAG_MASK as i64,
                );
                Self::from_mag(self.is_sign_negative() != rhs.is_sign_negative(), m)
            }

            /// The quotient: the logs subtract. Exact up to saturation and
            /// flush. `x / 0` is `±MAX` with the sign of `x` times that of the
            /// zero, and `0 / 0` is `+0` (there is no NaN code).
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<10>;")]
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
            #[doc = concat!("type L = ", $name, "<10>;")]
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
            #[doc = concat!("type L = ", $name, "<10>;")]
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
            #[doc = concat!("type L = ", $name, "<10>;")]
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
            #[doc = concat!("type L = ", $name, "<10>;")]
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
            #[doc = concat!("type L = ", $name, "<10, Exact>;")]
            /// let x = L::from_f64(1.5);
            /// assert_eq!(x.add_approx(-x), L::ZERO);
            /// assert_eq!(x.add_approx(L::ZERO), x);
            /// assert_eq!(L::ONE.add_approx(L::ONE).to_f64(), 2.0);
            /// ```
            #[inline]
            pub fn add_approx(self, rhs: Self) -> Self {
                let (neg, m) = add_magnitudes::<A, FRAC>(
                    self.is_sign_negative(),
                    self.mag_i64(),
                    rhs.is_sign_negative(),
                    rhs.mag_i64(),
                    Self::MAG_MASK as i64,
                );
                Self::from_mag(neg, m)
            }

            /// The difference: adds `−rhs`.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<10>;")]
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
            #[doc = concat!("type L = ", $name, "<10>;")]
            /// let r = L::from_f64(2.0).mul_add(L::from_f64(3.0), L::from_f64(2.0));
            /// assert!((r.to_f64() - 8.0).abs() < 0.2);
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
            #[doc = concat!("type L = ", $name, "<10>;")]
            /// assert!(((L::from_f64(7.0) % L::from_f64(2.0)).to_f64() - 1.0).abs() < 0.01);
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

impl_arith!(LogNum, u16, "LogNum");
impl_arith!(WideLogNum, u32, "WideLogNum");
