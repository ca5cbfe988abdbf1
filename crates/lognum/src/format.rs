//! The three word formats, their bit layout and constants.
//!
//! All three share one layout, differing only in width (8, 16 or 32 bits):
//!
//! ```text
//!  bit  W-1      W-2 .. 0
//!      [ s ][ M: log magnitude field, MAG_BITS wide ]
//! ```
//!
//! `s` is the sign of the value (1 = negative). `M` is the biased log code:
//! `M = 0` is zero, otherwise `log2|x| = (M − BIAS) / 2^FRAC` with
//! `BIAS = 2^(MAG_BITS−1)`. The top bit of `M` is therefore the sign of the log
//! (set when `|x| ≥ 1`), as in IEEE exponents; the remaining bits are the
//! integer and fraction bits of `|log2|x||` in offset form. Bias rather than
//! two's complement makes the all-zero word the value zero, orders magnitudes as
//! unsigned integers, and makes the range symmetric (`MIN_POSITIVE = 1/MAX`).

use core::marker::PhantomData;

use crate::logadd::{Exact, Lut};

/// A number in the logarithmic number system: a sign and a fixed-point
/// `log2` of the magnitude with `FRAC` fraction bits, 4 integer bits and a
/// sign-of-log bit, in a 16-bit word.
///
/// `A` is the log-add approximation used by `+` and `-` ([`Lut`] by default:
/// the paper's 20-entry table). `LogNum<10>` is the paper's 16-bit word and
/// `LogNum<6>` its 12-bit word (stored in the low 12 bits of a `u16`).
/// `FRAC` may be 0 to 10; the word is `FRAC + 6` bits wide.
///
/// See the [crate documentation](crate) for the representation, rounding and
/// the results on overflow, underflow and invalid input.
///
/// ```
/// use lognum::LogNum;
/// type L16 = LogNum<10>;
/// assert_eq!(core::mem::size_of::<L16>(), 2);
/// let x = L16::from_f32(3.0);
/// let y = L16::from_f32(-0.5);
/// assert_eq!(x * y, L16::from_f32(-1.5)); // multiply: an exact integer add of logs
/// assert!(((x + y).to_f32() - 2.5).abs() < 0.25); // add goes through the table
/// ```
#[repr(transparent)]
pub struct LogNum<const FRAC: u32, A = Lut> {
    pub(crate) bits: u16,
    pub(crate) approx: PhantomData<fn() -> A>,
}

/// The wide form: the same layout in a 32-bit word, for accumulators and
/// experiments: a sign bit and a 31-bit biased log field with `FRAC`
/// fraction bits (0 to 26) and `30 − FRAC` integer bits.
///
/// The default, `WideLogNum<20>`, has 10 integer bits, so its range
/// `2^±1024` covers every normal `f64`, and 10 more fraction bits than
/// `LogNum<10>`: an accumulator of `LogNum<10>` terms that neither saturates nor
/// stalls on long sums. Its default approximation is [`Exact`], since a table
/// at 20 fraction bits would be coarse by comparison.
///
/// ```
/// use lognum::{LogNum, WideLogNum};
/// let mut acc = WideLogNum::<20>::ZERO;
/// for _ in 0..10_000 {
///     acc += LogNum::<10>::from_f32(0.001).widen::<20>().with_approx();
/// }
/// assert!((acc.to_f64() - 10.0).abs() < 0.01);
/// ```
#[repr(transparent)]
pub struct WideLogNum<const FRAC: u32 = 20, A = Exact> {
    pub(crate) bits: u32,
    pub(crate) approx: PhantomData<fn() -> A>,
}

/// The one-byte form: the same layout in an 8-bit word, a sign bit and a
/// 7-bit biased log field (`BIAS = 64`) with `FRAC` fraction bits (0 to 6)
/// and `6 − FRAC` integer bits. Every `u8` is a word.
///
/// The default configuration, `LogNum8<3>` ([`Lns8Lut`](crate::types::Lns8Lut)),
/// spans `2^±(63/8)`: `MAX ≈ 234.75`, `MIN_POSITIVE ≈ 0.00426`, with
/// neighbouring values a factor `2^(1/8)` (9.05 %) apart. Its default
/// approximation is [`Lut`], whose resolution `r = 1/2` is 4 codes there.
/// For narrowing training values into it, see
/// [`from_f64_stochastic`](Self::from_f64_stochastic).
///
/// ```
/// use lognum::LogNum8;
/// type L8 = LogNum8<3>;
/// assert_eq!(core::mem::size_of::<L8>(), 1);
/// let x = L8::from_f64(3.0);
/// assert_eq!(x * x.recip(), L8::ONE); // products stay exact
/// assert_eq!(L8::MAX.to_f64(), 2f64.powf(63.0 / 8.0));
/// assert!(((x + x).to_f64() / 6.0 - 1.0).abs() < 0.05); // 2^(21/8) ≈ 6.17
/// ```
#[repr(transparent)]
pub struct LogNum8<const FRAC: u32, A = Lut> {
    pub(crate) bits: u8,
    pub(crate) approx: PhantomData<fn() -> A>,
}

impl<const FRAC: u32, A> LogNum<FRAC, A> {
    /// Width of the log magnitude field: sign of the log, 4 integer bits and
    /// `FRAC` fraction bits.
    ///
    /// ```
    /// assert_eq!(lognum::LogNum::<10>::MAG_BITS, 15);
    /// ```
    pub const MAG_BITS: u32 = {
        assert!(
            FRAC <= 10,
            "LogNum<FRAC> supports FRAC in 0..=10 (a 16-bit word)"
        );
        FRAC + 5
    };
}

impl<const FRAC: u32, A> LogNum8<FRAC, A> {
    /// Width of the log magnitude field: always 7.
    ///
    /// ```
    /// assert_eq!(lognum::LogNum8::<3>::MAG_BITS, 7);
    /// ```
    ///
    /// A `FRAC` above 6 is a compile-time error where the type is used:
    ///
    /// ```compile_fail
    /// let _ = lognum::LogNum8::<7>::ONE;
    /// ```
    pub const MAG_BITS: u32 = {
        assert!(FRAC <= 6, "LogNum8<FRAC> supports FRAC in 0..=6");
        7
    };
}

impl<const FRAC: u32, A> WideLogNum<FRAC, A> {
    /// Width of the log magnitude field: always 31.
    ///
    /// ```
    /// assert_eq!(lognum::WideLogNum::<20>::MAG_BITS, 31);
    /// ```
    pub const MAG_BITS: u32 = {
        assert!(FRAC <= 26, "WideLogNum<FRAC> supports FRAC in 0..=26");
        31
    };
}

macro_rules! impl_format {
    ($T:ident, $W:ty, $name:literal, $frac:literal) => {
        impl<const FRAC: u32, A> Clone for $T<FRAC, A> {
            #[inline]
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<const FRAC: u32, A> Copy for $T<FRAC, A> {}

        impl<const FRAC: u32, A> Default for $T<FRAC, A> {
            /// Zero.
            #[inline]
            fn default() -> Self {
                Self::ZERO
            }
        }

        impl<const FRAC: u32, A> $T<FRAC, A> {
            /// Fraction bits of the log: one code is `2^-FRAC` in the log domain.
            pub const FRAC_NBITS: u32 = FRAC;
            /// Integer bits of the log magnitude (the sign of the log not counted).
            pub const INT_NBITS: u32 = Self::MAG_BITS - 1 - FRAC;
            /// Width of the word: the sign bit and the magnitude field.
            pub const WORD_BITS: u32 = Self::MAG_BITS + 1;
            /// The sign bit of the word.
            pub const SIGN_MASK: $W = 1 << Self::MAG_BITS;
            /// The log magnitude field of the word.
            pub const MAG_MASK: $W = Self::SIGN_MASK - 1;
            /// All bits of the word; `from_bits` ignores the others.
            pub const WORD_MASK: $W = Self::SIGN_MASK | Self::MAG_MASK;
            /// The magnitude code of 1.0: `M = BIAS + 2^FRAC·log2|x|`.
            pub const BIAS: $W = 1 << (Self::MAG_BITS - 1);
            /// Zero: the all-zero word.
            pub const ZERO: Self = Self::from_bits(0);
            /// Negative zero: equal to [`ZERO`](Self::ZERO), prints as `-0`.
            pub const NEG_ZERO: Self = Self::from_bits(Self::SIGN_MASK);
            /// One.
            pub const ONE: Self = Self::from_bits(Self::BIAS);
            /// Minus one.
            pub const NEG_ONE: Self = Self::from_bits(Self::SIGN_MASK | Self::BIAS);
            /// The largest value, `2^((BIAS − 1) / 2^FRAC)`.
            pub const MAX: Self = Self::from_bits(Self::MAG_MASK);
            /// The most negative value, `−MAX`.
            pub const MIN: Self = Self::from_bits(Self::WORD_MASK);
            /// The smallest positive value, `1 / MAX`.
            pub const MIN_POSITIVE: Self = Self::from_bits(1);
            /// One log code: the ratio between neighbouring values is `2^EPSILON_LOG2`.
            pub const EPSILON_LOG2: f64 = 1.0 / (1u64 << FRAC) as f64;

            /// The value with this raw word. Every word is a value; bits above
            /// [`WORD_BITS`](Self::WORD_BITS) are ignored.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// let x = L::from_bits(L::ONE.to_bits() | L::SIGN_MASK);
            /// assert_eq!(x.to_f64(), -1.0);
            /// assert_eq!(L::from_bits(x.to_bits()).to_bits(), x.to_bits());
            /// ```
            #[inline]
            pub const fn from_bits(bits: $W) -> Self {
                Self { bits: bits & Self::WORD_MASK, approx: core::marker::PhantomData }
            }

            /// The raw word.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("assert_eq!(", $name, "::<", $frac, ">::ZERO.to_bits(), 0);")]
            /// ```
            #[inline]
            pub const fn to_bits(self) -> $W {
                self.bits
            }

            /// The biased log magnitude code `M` (0 for zero).
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f64(-2.0).magnitude(), L::BIAS + (1 << L::FRAC_NBITS));
            /// ```
            #[inline]
            pub const fn magnitude(self) -> $W {
                self.bits & Self::MAG_MASK
            }

            /// Builds a value from its sign and biased magnitude code, saturating
            /// the code to [`MAG_MASK`](Self::MAG_MASK).
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_parts(true, L::BIAS), L::NEG_ONE);
            /// ```
            #[inline]
            pub const fn from_parts(negative: bool, magnitude: $W) -> Self {
                let m = if magnitude > Self::MAG_MASK { Self::MAG_MASK } else { magnitude };
                Self::from_bits(m | if negative { Self::SIGN_MASK } else { 0 })
            }

            /// The log code `L = round(2^FRAC · log2|x|)`, or `None` for zero.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f64(0.25).log2_code(), Some(-2 << L::FRAC_NBITS));
            /// assert_eq!(L::ZERO.log2_code(), None);
            /// ```
            #[inline]
            pub const fn log2_code(self) -> Option<i64> {
                let m = self.magnitude();
                if m == 0 { None } else { Some(m as i64 - Self::BIAS as i64) }
            }

            /// The value `±2^(code / 2^FRAC)`. Codes above the range saturate to
            /// `±MAX`; codes below it flush to zero (of the given sign).
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_log2_code(false, 1 << L::FRAC_NBITS).to_f64(), 2.0);
            /// assert_eq!(L::from_log2_code(true, i64::MAX), L::MIN);
            /// assert!(L::from_log2_code(false, i64::MIN).is_zero());
            /// ```
            #[inline]
            pub const fn from_log2_code(negative: bool, code: i64) -> Self {
                let m = code.saturating_add(Self::BIAS as i64);
                let m = if m < 1 {
                    0
                } else if m > Self::MAG_MASK as i64 {
                    Self::MAG_MASK
                } else {
                    m as $W
                };
                Self::from_bits(m | if negative { Self::SIGN_MASK } else { 0 })
            }

            /// True for zero of either sign.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("assert!(", $name, "::<", $frac, ">::NEG_ZERO.is_zero());")]
            /// ```
            #[inline]
            pub const fn is_zero(self) -> bool {
                self.magnitude() == 0
            }

            /// True if the sign bit is set (negative values and `-0`).
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("assert!(", $name, "::<", $frac, ">::NEG_ONE.is_sign_negative());")]
            /// ```
            #[inline]
            pub const fn is_sign_negative(self) -> bool {
                self.bits & Self::SIGN_MASK != 0
            }

            /// True if the sign bit is clear (positive values and `+0`).
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("assert!(", $name, "::<", $frac, ">::ONE.is_sign_positive());")]
            /// ```
            #[inline]
            pub const fn is_sign_positive(self) -> bool {
                !self.is_sign_negative()
            }

            /// The absolute value: clears the sign bit. Exact.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("assert_eq!(", $name, "::<", $frac, ">::NEG_ONE.abs(), ", $name, "::<", $frac, ">::ONE);")]
            /// ```
            #[inline]
            pub const fn abs(self) -> Self {
                Self::from_bits(self.bits & Self::MAG_MASK)
            }

            /// The negation: flips the sign bit. Exact.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("assert_eq!(", $name, "::<", $frac, ">::ONE.neg(), ", $name, "::<", $frac, ">::NEG_ONE);")]
            /// ```
            #[inline]
            #[allow(clippy::should_implement_trait)]
            pub const fn neg(self) -> Self {
                Self::from_bits(self.bits ^ Self::SIGN_MASK)
            }

            /// Multiplies by `2^k`: adds `k·2^FRAC` to the log, exactly, with
            /// saturation and flush to zero. A leaky-ReLU slope of `2^-7` is
            /// `x.mul_pow2(-7)`.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f64(3.0).mul_pow2(-7), L::from_f64(3.0 / 128.0));
            /// ```
            #[inline]
            pub const fn mul_pow2(self, k: i32) -> Self {
                match self.log2_code() {
                    None => self,
                    Some(l) => Self::from_log2_code(
                        self.is_sign_negative(),
                        l + ((k as i64) << FRAC),
                    ),
                }
            }

            /// The same word read with another log-add approximation.
            ///
            /// ```
            #[doc = concat!("use lognum::{", $name, ", BitShift};")]
            #[doc = concat!("let x = ", $name, "::<", $frac, ">::ONE.with_approx::<BitShift>();")]
            /// assert_eq!(x.to_f64(), 1.0);
            /// ```
            #[inline]
            pub const fn with_approx<B>(self) -> $T<FRAC, B> {
                $T { bits: self.bits, approx: core::marker::PhantomData }
            }
        }
    };
}

impl_format!(LogNum, u16, "LogNum", 10);
impl_format!(WideLogNum, u32, "WideLogNum", 10);
impl_format!(LogNum8, u8, "LogNum8", 3);
