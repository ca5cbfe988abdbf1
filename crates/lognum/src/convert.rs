//! Conversions: to and from f32/f64 (lossy and checked), between formats and
//! fraction widths.

use core::fmt;

use crate::math;
use crate::{LogNum, LogNum8, WideLogNum};

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

/// Re-expresses a log code with `from` fraction bits at `to` fraction bits,
/// rounding stochastically: when `to < from` the `from − to` discarded bits
/// `r` (a fraction `r / 2^(from − to)` of a target code) round the code up
/// with exactly that probability over a uniform `random`, and down
/// otherwise. The expected result is the exact rescaled code
/// `code / 2^(from − to)`: unbiased in the log code. The same `random` gives
/// the same result; `to ≥ from` is exact and ignores `random`.
///
/// The decision compares the discarded bits with the top bits of `random`:
/// up when `random < r · 2^(32 − (from − to))` (for gaps above 32 bits only
/// the top 32 discarded bits count).
///
/// ```
/// use lognum::convert::rescale_code_stochastic;
/// // 5 codes at 2 fraction bits = 1.25 codes at 0: up (to 2) for a quarter
/// // of the values of `random`, down (to 1) for the rest.
/// assert_eq!(rescale_code_stochastic(5, 2, 0, 0), 2);
/// assert_eq!(rescale_code_stochastic(5, 2, 0, (1 << 30) - 1), 2);
/// assert_eq!(rescale_code_stochastic(5, 2, 0, 1 << 30), 1);
/// // Negative codes round towards −∞ or +∞ the same way: −1.25 → −1 or −2.
/// assert_eq!(rescale_code_stochastic(-5, 2, 0, u32::MAX), -2);
/// assert_eq!(rescale_code_stochastic(-5, 2, 0, 0), -1);
/// assert_eq!(rescale_code_stochastic(-3, 0, 4, 7), -48);
/// ```
#[inline]
pub const fn rescale_code_stochastic(code: i64, from: u32, to: u32, random: u32) -> i64 {
    if to >= from {
        return code.saturating_mul(1i64 << (to - from));
    }
    let s = from - to;
    // Floor and the discarded bits, `code = floor·2^s + rest`, 0 ≤ rest < 2^s.
    let floor = code >> s;
    let rest = (code - (floor << s)) as u64;
    let threshold = if s <= 32 {
        rest << (32 - s)
    } else {
        rest >> (s - 32)
    };
    floor + ((random as u64) < threshold) as i64
}

macro_rules! impl_convert {
    ($T:ident, $W:ty, $name:literal, $frac:literal) => {
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
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
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
            #[doc = concat!("assert_eq!(", $name, "::<", $frac, ">::from_f32(-4.0).to_f32(), -4.0);")]
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
            #[doc = concat!("assert_eq!(", $name, "::<", $frac, ">::NEG_ONE.to_f64(), -1.0);")]
            /// ```
            #[inline]
            pub fn to_f64(self) -> f64 {
                let v = match self.log2_code() {
                    None => 0.0,
                    Some(l) => math::exp2_code::<FRAC>(l),
                };
                if self.is_sign_negative() { -v } else { v }
            }

            /// The value as an f32 (through f64; `±MAX` of the wide format
            /// becomes `±∞`, values below f32's range become zero).
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("assert_eq!(", $name, "::<", $frac, ">::from_f32(0.125).to_f32(), 0.125);")]
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
            #[doc = concat!("let x = ", $name, "::<", $frac, ">::from_f64(3.0);")]
            /// let y = x.to_frac::<2>(); // one code is a factor 2^(1/4) = 1.19
            /// assert!((y.to_f64() - 3.0).abs() < 3.0 * 0.2);
            /// assert_eq!(x.to_frac::<0>().to_f64(), 4.0);
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

impl_convert!(LogNum, u16, "LogNum", 10);
impl_convert!(WideLogNum, u32, "WideLogNum", 10);
impl_convert!(LogNum8, u8, "LogNum8", 3);

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

impl<const FRAC: u32, A> LogNum8<FRAC, A> {
    /// The same value as a `LogNum<F2>`, rounding the log code (halves away
    /// from zero) when `F2 < FRAC` and saturating at `LogNum`'s range. Exact
    /// when `F2 ≥ FRAC ≥ 2`: `LogNum`'s 4 integer bits then hold the
    /// `6 − FRAC` of the byte. (At `FRAC` 0 and 1 the byte reaches beyond
    /// `2^16`, where `LogNum` saturates.)
    ///
    /// ```
    /// use lognum::{LogNum, LogNum8};
    /// let x = LogNum8::<3>::from_f64(-0.3);
    /// let y: LogNum<10> = x.widen::<10>();
    /// assert_eq!(y.to_f64(), x.to_f64());
    /// assert_eq!(y.narrow8::<3>(), x);
    /// assert_eq!(LogNum8::<0>::MAX.widen::<10>(), LogNum::<10>::MAX);
    /// ```
    #[inline]
    pub const fn widen<const F2: u32>(self) -> LogNum<F2, A> {
        match self.log2_code() {
            None => LogNum::from_log2_code(self.is_sign_negative(), i64::MIN),
            Some(l) => LogNum::from_log2_code(self.is_sign_negative(), rescale_code(l, FRAC, F2)),
        }
    }

    /// The value `x` rounded stochastically to a neighbouring code: with
    /// `t = 2^FRAC · log2|x|` between the codes `⌊t⌋` and `⌊t⌋ + 1`, the
    /// result is the upper one when `random < (t − ⌊t⌋) · 2^32` and the lower
    /// one otherwise. For a uniform `random` the code is `⌊t⌋ + 1` with
    /// probability `t − ⌊t⌋` (to within 2^-32), so the expected log code is
    /// `t`: the rounding is **unbiased in the log code**, not in the value
    /// (by the convexity of `2^t` the mean value exceeds `|x|` by a factor
    /// of at most `1.00094` at `FRAC = 3`, the maximum of
    /// `(1 − p)·2^(−p/8) + p·2^((1 − p)/8)` over `p`). The same `random`
    /// gives the same result, so a seeded generator makes a run
    /// reproducible.
    ///
    /// Saturation, flush and special inputs are as in
    /// [`from_f64`](Self::from_f64): beyond `MAX` gives `±MAX` (so does
    /// `±∞`), NaN gives `+0`, and a value between zero and `MIN_POSITIVE`
    /// becomes `±0` or `±MIN_POSITIVE` by the same rule (code 0 is zero).
    /// An `x` within `2^-24` of a code of `t` (a word's own value read back
    /// through f64, whose log is accurate to about `2^-40`) takes that code,
    /// whatever `random`.
    ///
    /// ```
    /// use lognum::LogNum8;
    /// type L = LogNum8<3>;
    /// // 3 lies between the codes of 2^(12/8) ≈ 2.83 and 2^(13/8) ≈ 3.08:
    /// // t = 8·log2 3 = 12.68, so up for 68 % of the values of `random`.
    /// let lo = L::from_log2_code(false, 12);
    /// let hi = L::from_log2_code(false, 13);
    /// assert_eq!(L::from_f64_stochastic(3.0, 0), hi);
    /// assert_eq!(L::from_f64_stochastic(3.0, u32::MAX), lo);
    /// assert_eq!(L::from_f64_stochastic(3.0, 2_000_000_000), hi); // 0.47 < 0.68
    /// assert_eq!(L::from_f64_stochastic(3.0, 3_000_000_000), lo); // 0.70 > 0.68
    /// // Codes themselves, and the special inputs, are not randomised.
    /// assert_eq!(L::from_f64_stochastic(0.5, 12345), L::from_f64(0.5));
    /// assert_eq!(L::from_f64_stochastic(f64::NAN, 1), L::ZERO);
    /// assert_eq!(L::from_f64_stochastic(-1e9, 1), L::MIN);
    /// ```
    pub fn from_f64_stochastic(x: f64, random: u32) -> Self {
        if x.is_nan() {
            return Self::ZERO;
        }
        let neg = x.is_sign_negative();
        if x == 0.0 {
            return Self::from_log2_code(neg, i64::MIN);
        }
        if x.is_infinite() {
            return Self::from_log2_code(neg, i64::MAX);
        }
        let t = math::log2(if neg { -x } else { x }) * (1u64 << FRAC) as f64;
        let r = math::round_i64(t);
        if (t - r as f64).abs() < 1.0 / (1u64 << 24) as f64 {
            return Self::from_log2_code(neg, r);
        }
        let floor = if r as f64 > t { r - 1 } else { r };
        // The fraction in [0, 1); 2^32 · it compares with `random` exactly
        // (an f64 holds both).
        let up = (random as f64) < (t - floor as f64) * 4_294_967_296.0;
        Self::from_log2_code(neg, floor + up as i64)
    }

    /// [`from_f64_stochastic`](Self::from_f64_stochastic) for an f32
    /// (widened exactly first).
    ///
    /// ```
    /// use lognum::LogNum8;
    /// let x = LogNum8::<3>::from_f32_stochastic(-3.0, 0);
    /// assert_eq!(x, LogNum8::<3>::from_f64_stochastic(-3.0, 0));
    /// ```
    #[inline]
    pub fn from_f32_stochastic(x: f32, random: u32) -> Self {
        Self::from_f64_stochastic(x as f64, random)
    }
}

/// `narrow8` and `narrow8_stochastic` for the two wider words.
macro_rules! impl_narrow8 {
    ($T:ident, $name:literal, $frac:literal, $code:literal) => {
        impl<const FRAC: u32, A> $T<FRAC, A> {
            /// The nearest `LogNum8<F2>`: rounds the log code (halves away
            /// from zero), saturates to `±MAX` and flushes to zero.
            ///
            /// ```
            #[doc = concat!("use lognum::{", $name, ", LogNum8, Lut};")]
            #[doc = concat!("type L = ", $name, "<", $frac, ", Lut>;")]
            /// assert_eq!(L::from_f64(3.0).narrow8::<3>(), LogNum8::<3>::from_f64(3.0));
            /// assert_eq!(L::from_f64(1000.0).narrow8::<3>(), LogNum8::<3>::MAX);
            /// assert!(L::from_f64(-1e-4).narrow8::<3>().is_zero());
            /// ```
            #[inline]
            pub const fn narrow8<const F2: u32>(self) -> LogNum8<F2, A> {
                match self.log2_code() {
                    None => LogNum8::from_log2_code(self.is_sign_negative(), i64::MIN),
                    Some(l) => {
                        LogNum8::from_log2_code(self.is_sign_negative(), rescale_code(l, FRAC, F2))
                    }
                }
            }

            /// The `LogNum8<F2>` on either side of the value, chosen
            /// stochastically by [`rescale_code_stochastic`]: when `F2 < FRAC`,
            /// the `FRAC − F2` discarded bits of the log code, a fraction `p`
            /// of a byte code, round up with probability `p` over a uniform
            /// `random` (exactly: they are compared with the top bits of
            /// `random`). Unbiased in the log code, not in the value; the
            /// same `random` gives the same result. Saturates to `±MAX`;
            /// below `MIN_POSITIVE` the value becomes `±0` or
            /// `±MIN_POSITIVE` by the same rule.
            ///
            /// ```
            #[doc = concat!("use lognum::{", $name, ", LogNum8, Lut};")]
            #[doc = concat!("type L = ", $name, "<", $frac, ", Lut>;")]
            /// // 1.25 codes of the byte above one: rounded up to 2 codes for a
            /// // quarter of the randoms (the 2^30 smallest), down to 1 otherwise.
            #[doc = concat!("let x = L::from_log2_code(false, ", $code, ");")]
            /// let (one, two) = (LogNum8::<3>::from_log2_code(false, 1), LogNum8::<3>::from_log2_code(false, 2));
            /// assert_eq!(x.narrow8_stochastic::<3>(0), two);
            /// assert_eq!(x.narrow8_stochastic::<3>((1 << 30) - 1), two);
            /// assert_eq!(x.narrow8_stochastic::<3>(1 << 30), one);
            /// assert_eq!(x.narrow8_stochastic::<3>(u32::MAX), one);
            /// ```
            #[inline]
            pub const fn narrow8_stochastic<const F2: u32>(self, random: u32) -> LogNum8<F2, A> {
                match self.log2_code() {
                    None => LogNum8::from_log2_code(self.is_sign_negative(), i64::MIN),
                    Some(l) => LogNum8::from_log2_code(
                        self.is_sign_negative(),
                        rescale_code_stochastic(l, FRAC, F2, random),
                    ),
                }
            }
        }
    };
}

// 1.25 codes of `LogNum8<3>` are 160 codes at 10 fraction bits and 1.25·2^17
// at 20.
impl_narrow8!(LogNum, "LogNum", 10, 160);
impl_narrow8!(WideLogNum, "WideLogNum", 20, 163840);
