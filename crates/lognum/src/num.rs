//! num-traits integration: `Zero`, `One`, `ConstZero`, `ConstOne`, `Num`,
//! `NumCast`, `ToPrimitive`, `FromPrimitive`, `Signed`, `Bounded`, `Inv`,
//! `Pow`, `MulAdd` and `real::Real`.
//!
//! `Float` is deliberately not implemented: it requires NaN and infinities,
//! which an LNS word has no codes for, and returning zero or `MAX` from
//! `nan()` would make `is_nan` lie. `Real`, num-traits' float interface without
//! those, is implemented instead. In it, `abs`, `signum`, `recip`, `powi`,
//! `sqrt`, `cbrt`, `exp2`, `log2`, `max` and `min` are exact in the log domain
//! (up to the final rounding and saturation); `mul_add`, `abs_sub` and
//! `hypot` use the approximation `A`; everything else (`floor`, `exp`, `ln`,
//! trigonometry, …) is computed in f64 and rounded back, which is approximate
//! and leaves the log domain.
//!
//! Where f64 would return NaN (`ln`, `log2`, `log10` or `sqrt` of a negative
//! number, `acos(2)`, …) the result is `+0`, as `from_f64(NaN)` is; where it
//! would return ±∞ (`ln(0)`, `log2(0)`) the result saturates to `MIN` or
//! `MAX`. So `ln(−1) = log2(−1) = +0` and `ln(0) = log2(0) = MIN`.

use num_traits::real::Real;
use num_traits::{
    Bounded, ConstOne, ConstZero, FromPrimitive, Inv, MulAdd, MulAddAssign, Num, NumCast, One, Pow,
    Signed, ToPrimitive, Zero,
};

use crate::logadd::LogAdd;
use crate::{LogNum, LogNum8, WideLogNum};

macro_rules! via_f64 {
    ($($f:ident),*) => {
        $(
            #[inline]
            fn $f(self) -> Self {
                Self::from_f64(num_traits::Float::$f(self.to_f64()))
            }
        )*
    };
}

macro_rules! impl_num {
    ($T:ident) => {
        impl<const FRAC: u32, A: LogAdd> Zero for $T<FRAC, A> {
            #[inline]
            fn zero() -> Self {
                Self::ZERO
            }
            #[inline]
            fn is_zero(&self) -> bool {
                $T::is_zero(*self)
            }
        }

        impl<const FRAC: u32, A: LogAdd> ConstZero for $T<FRAC, A> {
            const ZERO: Self = $T::ZERO;
        }

        impl<const FRAC: u32, A> One for $T<FRAC, A> {
            #[inline]
            fn one() -> Self {
                Self::ONE
            }
            #[inline]
            fn is_one(&self) -> bool {
                *self == Self::ONE
            }
        }

        impl<const FRAC: u32, A> ConstOne for $T<FRAC, A> {
            const ONE: Self = $T::ONE;
        }

        impl<const FRAC: u32, A: LogAdd> Num for $T<FRAC, A> {
            type FromStrRadixErr = crate::fmt::ParseLogNumError;
            /// Only radix 10 is supported; other radices are an `Invalid` error.
            fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
                if radix != 10 {
                    return Err(crate::fmt::ParseLogNumError::Invalid);
                }
                s.parse()
            }
        }

        impl<const FRAC: u32, A> Bounded for $T<FRAC, A> {
            #[inline]
            fn min_value() -> Self {
                Self::MIN
            }
            #[inline]
            fn max_value() -> Self {
                Self::MAX
            }
        }

        impl<const FRAC: u32, A> ToPrimitive for $T<FRAC, A> {
            #[inline]
            fn to_i64(&self) -> Option<i64> {
                $T::to_f64(*self).to_i64()
            }
            #[inline]
            fn to_u64(&self) -> Option<u64> {
                $T::to_f64(*self).to_u64()
            }
            #[inline]
            fn to_i128(&self) -> Option<i128> {
                $T::to_f64(*self).to_i128()
            }
            #[inline]
            fn to_u128(&self) -> Option<u128> {
                $T::to_f64(*self).to_u128()
            }
            #[inline]
            fn to_f32(&self) -> Option<f32> {
                Some($T::to_f32(*self))
            }
            #[inline]
            fn to_f64(&self) -> Option<f64> {
                Some($T::to_f64(*self))
            }
        }

        impl<const FRAC: u32, A> FromPrimitive for $T<FRAC, A> {
            /// Rounds like `from_f64`; `None` where `TryFrom<f64>` refuses
            /// (beyond `MAX`).
            #[inline]
            fn from_i64(n: i64) -> Option<Self> {
                Self::try_from(n as f64).ok()
            }
            #[inline]
            fn from_u64(n: u64) -> Option<Self> {
                Self::try_from(n as f64).ok()
            }
            #[inline]
            fn from_f32(n: f32) -> Option<Self> {
                Self::try_from(n).ok()
            }
            #[inline]
            fn from_f64(n: f64) -> Option<Self> {
                Self::try_from(n).ok()
            }
        }

        impl<const FRAC: u32, A> NumCast for $T<FRAC, A> {
            /// Through f64; `None` for NaN, infinities and overflow.
            #[inline]
            fn from<N: ToPrimitive>(n: N) -> Option<Self> {
                n.to_f64().and_then(|v| Self::try_from(v).ok())
            }
        }

        impl<const FRAC: u32, A: LogAdd> Signed for $T<FRAC, A> {
            #[inline]
            fn abs(&self) -> Self {
                $T::abs(*self)
            }
            /// `max(self − other, 0)`, the subtraction through `A`.
            #[inline]
            fn abs_sub(&self, other: &Self) -> Self {
                if self <= other {
                    Self::ZERO
                } else {
                    self.sub_approx(*other)
                }
            }
            /// `+1`, `−1`, or zero for either zero.
            #[inline]
            fn signum(&self) -> Self {
                if $T::is_zero(*self) {
                    Self::ZERO
                } else if self.is_sign_negative() {
                    Self::NEG_ONE
                } else {
                    Self::ONE
                }
            }
            #[inline]
            fn is_positive(&self) -> bool {
                !$T::is_zero(*self) && self.is_sign_positive()
            }
            #[inline]
            fn is_negative(&self) -> bool {
                !$T::is_zero(*self) && self.is_sign_negative()
            }
        }

        impl<const FRAC: u32, A> Inv for $T<FRAC, A> {
            type Output = Self;
            #[inline]
            fn inv(self) -> Self {
                self.recip()
            }
        }

        impl<const FRAC: u32, A> Pow<i32> for $T<FRAC, A> {
            type Output = Self;
            #[inline]
            fn pow(self, n: i32) -> Self {
                self.powi(n)
            }
        }

        impl<const FRAC: u32, A> Pow<u32> for $T<FRAC, A> {
            type Output = Self;
            #[inline]
            fn pow(self, n: u32) -> Self {
                self.powi(n.min(i32::MAX as u32) as i32)
            }
        }

        impl<const FRAC: u32, A> Pow<$T<FRAC, A>> for $T<FRAC, A> {
            type Output = Self;
            /// See [`powf_f64`](Self::powf_f64).
            #[inline]
            fn pow(self, y: Self) -> Self {
                self.powf_f64(y.to_f64())
            }
        }

        impl<const FRAC: u32, A: LogAdd> MulAdd for $T<FRAC, A> {
            type Output = Self;
            #[inline]
            fn mul_add(self, a: Self, b: Self) -> Self {
                $T::mul_add(self, a, b)
            }
        }

        impl<const FRAC: u32, A: LogAdd> MulAddAssign for $T<FRAC, A> {
            #[inline]
            fn mul_add_assign(&mut self, a: Self, b: Self) {
                *self = $T::mul_add(*self, a, b);
            }
        }

        impl<const FRAC: u32, A> $T<FRAC, A> {
            /// `x^y`: multiplies the log by `y` and rounds, so it is exact up
            /// to that rounding. A negative base gives `+0` unless `y` is an
            /// integer (there is no NaN code); `0^y` is `0` for `y > 0`, `MAX`
            /// for `y < 0` and `1` for `y = 0`.
            ///
            /// ```
            /// use lognum::LogNum;
            /// type L = LogNum<10>;
            /// assert_eq!(L::from_f64(4.0).powf_f64(1.5).to_f64(), 8.0);
            /// assert!(L::from_f64(-4.0).powf_f64(0.5).is_zero());
            /// ```
            pub fn powf_f64(self, y: f64) -> Self {
                if y == 0.0 || y.is_nan() {
                    return if y == 0.0 { Self::ONE } else { Self::ZERO };
                }
                let Some(l) = self.log2_code() else {
                    return if y > 0.0 { Self::ZERO } else { Self::MAX };
                };
                let integer = num_traits::Float::fract(y) == 0.0;
                if self.is_sign_negative() && !integer {
                    return Self::ZERO;
                }
                let odd = integer && num_traits::Float::abs(y) < 9.0e15 && (y as i64) % 2 != 0;
                let code = crate::math::round_i64(l as f64 * y);
                Self::from_log2_code(self.is_sign_negative() && odd, code)
            }
        }

        impl<const FRAC: u32, A: LogAdd> Real for $T<FRAC, A> {
            #[inline]
            fn min_value() -> Self {
                Self::MIN
            }
            #[inline]
            fn min_positive_value() -> Self {
                Self::MIN_POSITIVE
            }
            /// `2^(2^-FRAC) − 1`: the gap between 1 and the next value.
            #[inline]
            fn epsilon() -> Self {
                Self::from_f64(crate::math::exp2(Self::EPSILON_LOG2) - 1.0)
            }
            #[inline]
            fn max_value() -> Self {
                Self::MAX
            }
            via_f64!(
                floor, ceil, round, trunc, fract, exp, ln, log10, to_degrees, to_radians, sin, cos,
                tan, asin, acos, atan, exp_m1, ln_1p, sinh, cosh, tanh, asinh, acosh, atanh
            );
            #[inline]
            fn abs(self) -> Self {
                $T::abs(self)
            }
            #[inline]
            fn signum(self) -> Self {
                Signed::signum(&self)
            }
            #[inline]
            fn is_sign_positive(self) -> bool {
                $T::is_sign_positive(self)
            }
            #[inline]
            fn is_sign_negative(self) -> bool {
                $T::is_sign_negative(self)
            }
            #[inline]
            fn mul_add(self, a: Self, b: Self) -> Self {
                $T::mul_add(self, a, b)
            }
            #[inline]
            fn recip(self) -> Self {
                $T::recip(self)
            }
            #[inline]
            fn powi(self, n: i32) -> Self {
                $T::powi(self, n)
            }
            #[inline]
            fn powf(self, n: Self) -> Self {
                self.powf_f64(n.to_f64())
            }
            #[inline]
            fn sqrt(self) -> Self {
                $T::sqrt(self)
            }
            /// `2^x`: the log code is `x·2^FRAC`, rounded; exact up to that.
            #[inline]
            fn exp2(self) -> Self {
                let x = self.to_f64() * (1u64 << FRAC) as f64;
                Self::from_log2_code(false, crate::math::round_i64(x))
            }
            /// `log2 x` is the log code itself, `L/2^FRAC`, rounded into
            /// the format. Like `ln`, `log10` and `log` (and f64): `log2`
            /// of either zero is `MIN` (−∞, saturated) and of a negative
            /// number `+0` (NaN has no code: `+0` stands for it, as in
            /// `from_f64` and `sqrt`).
            #[inline]
            fn log2(self) -> Self {
                match self.log2_code() {
                    None => Self::MIN,
                    Some(_) if self.is_sign_negative() => Self::ZERO,
                    Some(l) => Self::from_f64(l as f64 / (1u64 << FRAC) as f64),
                }
            }
            #[inline]
            fn log(self, base: Self) -> Self {
                Self::from_f64(num_traits::Float::log(self.to_f64(), base.to_f64()))
            }
            #[inline]
            fn max(self, other: Self) -> Self {
                core::cmp::Ord::max(self, other)
            }
            #[inline]
            fn min(self, other: Self) -> Self {
                core::cmp::Ord::min(self, other)
            }
            #[inline]
            fn abs_sub(self, other: Self) -> Self {
                Signed::abs_sub(&self, &other)
            }
            #[inline]
            fn cbrt(self) -> Self {
                $T::cbrt(self)
            }
            /// `sqrt(x² + y²)` as `max · sqrt(1 + (min/max)²)` on the
            /// magnitudes: the quotient, square, root and product are exact
            /// in the log domain (up to rounding), the one add goes through
            /// `A`. Squaring `x` itself would overflow or flush to zero in
            /// the narrow range (`300² > MAX` of `LogNum<10>`); the ratio
            /// is at most 1, so only the final product can saturate.
            fn hypot(self, other: Self) -> Self {
                let (a, b) = ($T::abs(self), $T::abs(other));
                let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
                if $T::is_zero(hi) {
                    return Self::ZERO;
                }
                let r = lo.div_exact(hi);
                hi.mul_exact(Self::ONE.add_approx(r.mul_exact(r)).sqrt())
            }
            #[inline]
            fn atan2(self, other: Self) -> Self {
                Self::from_f64(num_traits::Float::atan2(self.to_f64(), other.to_f64()))
            }
            #[inline]
            fn sin_cos(self) -> (Self, Self) {
                (Real::sin(self), Real::cos(self))
            }
        }
    };
}

impl_num!(LogNum);
impl_num!(WideLogNum);
impl_num!(LogNum8);
