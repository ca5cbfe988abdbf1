//! Conversions: to and from f32/f64 (lossy and checked), between formats and
//! fraction widths.

use core::fmt;

use crate::math;
use crate::{LogNum, WideLogNum};

/// Why a checked conversion refused its input.
///
/// ```
/// use lognum::{ConversionError, LogNum};
/// assert_eq!(LogNum::<10>::try_from(f32::NAN), Err(ConversionError::NaN));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConversionError {
    /// The input was NaN: no LNS code stands for it.
    NaN,
    /// The input was ±∞.
    Infinite,
    /// The input was finite but rounds above `MAX` in magnitude.
    Overflow,
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NaN => "NaN has no logarithmic-number representation",
            Self::Infinite => "infinity has no logarithmic-number representation",
            Self::Overflow => "value is larger in magnitude than the format's MAX",
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ConversionError {}

/// Re-expresses a log code with `from` fraction bits at `to` fraction bits,
/// rounding to nearest (halves away from zero).
///
/// ```
/// // 1.5 codes at 1 fraction bit → 1 code at 0 fraction bits (0.75 → 1).
/// assert_eq!(lognum::convert::rescale_code(3, 2, 0), 1);
/// assert_eq!(lognum::convert::rescale_code(-3, 1, 3), -12);
/// ```
#[inline]
pub const fn rescale_code(code: i64, from: u32, to: u32) -> i64 {
    if to >= from {
        code.saturating_mul(1i64 << (to - from))
    } else {
        let s = from - to;
        let half = 1i64 << (s - 1);
        if code >= 0 {
            (code + half) >> s
        } else {
            -((-code + half) >> s)
        }
    }
}

macro_rules! impl_convert {
    ($T:ident, $W:ty, $name:literal) => {
        impl<const FRAC: u32, A> $T<FRAC, A> {
            /// The nearest value in the log domain: `log2|x|` rounded to the
            /// nearest multiple of `2^-FRAC`.
            ///
            /// Ties cannot occur: a tie needs `log2|x|` to be an odd multiple
            /// of `2^-(FRAC+1)`, which is irrational for every non-power-of-two
            /// `x`; the computed log is accurate to 2^-40, which decides every
            /// case but inputs within that distance of a half code. Lossy and
            /// saturating: `|x|` above `MAX` gives `±MAX`, `±∞` gives `±MAX`,
            /// values whose log rounds below the smallest code flush to zero
            /// (keeping the sign), and NaN gives `+0`. Use `TryFrom` to refuse
            /// NaN, infinities and overflow instead.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<10>;")]
            /// assert_eq!(L::from_f64(0.5).to_f64(), 0.5);
            /// assert_eq!(L::from_f64(f64::INFINITY), L::MAX);
            /// assert_eq!(L::from_f64(f64::NAN), L::ZERO);
            /// assert_eq!(L::from_f64(-0.0), L::NEG_ZERO);
            /// ```
            #[inline]
            pub fn from_f64(x: f64) -> Self {
                if x.is_nan() {
                    return Self::ZERO;
                }
                let neg = x.is_sign_negative();
                if x == 0.0 {
                    return Self::from_log2_code(neg, i64::MIN);
                }
                let l = math::log2(if neg { -x } else { x });
                Self::from_log2_code(neg, math::round_i64(l * (1u64 << FRAC) as f64))
            }

            /// [`from_f64`](Self::from_f64) for an f32 (widened exactly first).
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("assert_eq!(", $name, "::<10>::from_f32(-4.0).to_f32(), -4.0);")]
            /// ```
            #[inline]
            pub fn from_f32(x: f32) -> Self {
                Self::from_f64(x as f64)
            }

            /// The value as an f64: `±2^(L / 2^FRAC)`, within an f64 ulp or two.
            /// Only the wide format with `FRAC < 20` holds values beyond
            /// f64's range: those become `±∞` or (below the subnormals)
            /// `±0`; `Display` and `FromStr` work from the log code instead.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("assert_eq!(", $name, "::<10>::NEG_ONE.to_f64(), -1.0);")]
            /// ```
            #[inline]
            pub fn to_f64(self) -> f64 {
                let v = match self.log2_code() {
                    None => 0.0,
                    Some(l) => math::exp2(l as f64 / (1u64 << FRAC) as f64),
                };
                if self.is_sign_negative() { -v } else { v }
            }

            /// The value as an f32 (through f64; `±MAX` of the wide format
            /// becomes `±∞`, values below f32's range become zero).
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("assert_eq!(", $name, "::<10>::from_f32(0.125).to_f32(), 0.125);")]
            /// ```
            #[inline]
            pub fn to_f32(self) -> f32 {
                self.to_f64() as f32
            }

            /// The nearest value at another fraction width, same word type:
            /// rounds the log code (halves away from zero) and saturates.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("let x = ", $name, "::<10>::from_f64(3.0);")]
            /// let y = x.to_frac::<6>();
            /// assert!((y.to_f64() - 3.0).abs() < 3.0 * 0.006);
            /// ```
            #[inline]
            pub const fn to_frac<const F2: u32>(self) -> $T<F2, A> {
                match self.log2_code() {
                    None => $T::<F2, A>::from_log2_code(self.is_sign_negative(), i64::MIN),
                    Some(l) => $T::<F2, A>::from_log2_code(
                        self.is_sign_negative(),
                        rescale_code(l, FRAC, F2),
                    ),
                }
            }
        }

        impl<const FRAC: u32, A> TryFrom<f64> for $T<FRAC, A> {
            type Error = ConversionError;
            /// Like `from_f64`, but NaN, infinities and values that would
            /// saturate are errors. Underflow still flushes to zero.
            fn try_from(x: f64) -> Result<Self, ConversionError> {
                if x.is_nan() {
                    return Err(ConversionError::NaN);
                }
                if x.is_infinite() {
                    return Err(ConversionError::Infinite);
                }
                if x != 0.0 {
                    let l = math::round_i64(math::log2(x.abs()) * (1u64 << FRAC) as f64);
                    if l > Self::MAG_MASK as i64 - Self::BIAS as i64 {
                        return Err(ConversionError::Overflow);
                    }
                }
                Ok(Self::from_f64(x))
            }
        }

        impl<const FRAC: u32, A> TryFrom<f32> for $T<FRAC, A> {
            type Error = ConversionError;
            /// Like `from_f32`, but NaN, infinities and overflow are errors.
            fn try_from(x: f32) -> Result<Self, ConversionError> {
                Self::try_from(x as f64)
            }
        }

        impl<const FRAC: u32, A> From<$T<FRAC, A>> for f64 {
            fn from(x: $T<FRAC, A>) -> f64 {
                x.to_f64()
            }
        }
    };
}

impl_convert!(LogNum, u16, "LogNum");
impl_convert!(WideLogNum, u32, "WideLogNum");

impl<const FRAC: u32, A> LogNum<FRAC, A> {
    /// The same value in the wide form with `F2` fraction bits. Exact when
    /// `F2 ≥ FRAC` (the wide range contains every `LogNum`).
    ///
    /// ```
    /// use lognum::LogNum;
    /// let x = LogNum::<10>::from_f64(-0.3);
    /// assert_eq!(x.widen::<20>().narrow::<10>(), x);
    /// ```
    #[inline]
    pub const fn widen<const F2: u32>(self) -> WideLogNum<F2, A> {
        match self.log2_code() {
            None => WideLogNum::from_log2_code(self.is_sign_negative(), i64::MIN),
            Some(l) => {
                WideLogNum::from_log2_code(self.is_sign_negative(), rescale_code(l, FRAC, F2))
            }
        }
    }
}

impl<const FRAC: u32, A> WideLogNum<FRAC, A> {
    /// The nearest `LogNum<F2>`: rounds the log code, saturates to `±MAX` and
    /// flushes to zero.
    ///
    /// ```
    /// use lognum::{LogNum, WideLogNum};
    /// let big = WideLogNum::<20>::from_f64(1e30).narrow::<10>();
    /// assert_eq!(big, LogNum::<10>::MAX.with_approx());
    /// ```
    #[inline]
    pub const fn narrow<const F2: u32>(self) -> LogNum<F2, A> {
        match self.log2_code() {
            None => LogNum::from_log2_code(self.is_sign_negative(), i64::MIN),
            Some(l) => LogNum::from_log2_code(self.is_sign_negative(), rescale_code(l, FRAC, F2)),
        }
    }
}
