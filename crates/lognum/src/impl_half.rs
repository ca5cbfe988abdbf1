//! half: conversions to and from `half::f16` and `half::bf16`.
//!
//! All are lossy in one direction and named so (`from_f16`, `to_f16`, …; no
//! `From` that silently rounds). From a half-precision float the value is
//! widened exactly to f32 and rounded like [`from_f32`](crate::LogNum::from_f32):
//! to the nearest log code, NaN to `+0`, `±∞` to `±MAX`, saturating and
//! flushing; `TryFrom` refuses NaN, infinities and overflow instead. To a
//! half-precision float the value is rounded to nearest: f16 has 11
//! significant bits, finer than the 6-fraction-bit log but a little coarser
//! than the 10-bit one (a `LogNum<10>` may come back one code off); bf16 has
//! 8. Every `LogNum` (at most `2^(16 − 2^-FRAC)` < 65 520) is finite in f16,
//! and so is every `LogNum8` from `FRAC = 2` on (at most `2^15.75`); there
//! every byte comes back exactly from either type. Values of the wide format
//! and of `LogNum8<0>` and `LogNum8<1>` beyond a type's range become `±∞` or
//! `±0`.

use half::{bf16, f16};

use crate::convert::ConversionError;
use crate::{LogNum, LogNum8, WideLogNum};

macro_rules! impl_half {
    ($T:ident, $name:literal, $frac:literal) => {
        #[cfg_attr(docsrs, doc(cfg(feature = "half")))]
        impl<const FRAC: u32, A> $T<FRAC, A> {
            /// The nearest value to an f16 (see [`from_f64`](Self::from_f64)).
            ///
            /// ```
            /// use half::f16;
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f16(f16::from_f32(-0.25)).to_f64(), -0.25);
            /// assert_eq!(L::from_f16(f16::NAN), L::ZERO);
            /// ```
            #[inline]
            pub fn from_f16(x: f16) -> Self {
                Self::from_f32(x.to_f32())
            }

            /// The f16 nearest to the value.
            ///
            /// ```
            /// use half::f16;
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f64(0.5).to_f16(), f16::from_f32(0.5));
            /// assert_eq!(L::from_f64(-1e-9).to_f16(), f16::NEG_ZERO);
            /// ```
            #[inline]
            pub fn to_f16(self) -> f16 {
                f16::from_f64(self.to_f64())
            }

            /// The nearest value to a bf16 (see [`from_f64`](Self::from_f64)).
            ///
            /// ```
            /// use half::bf16;
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_bf16(bf16::from_f32(8.0)).to_f64(), 8.0);
            /// ```
            #[inline]
            pub fn from_bf16(x: bf16) -> Self {
                Self::from_f32(x.to_f32())
            }

            /// The bf16 nearest to the value.
            ///
            /// ```
            /// use half::bf16;
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
            /// assert_eq!(L::from_f64(-0.125).to_bf16(), bf16::from_f32(-0.125));
            /// ```
            #[inline]
            pub fn to_bf16(self) -> bf16 {
                bf16::from_f64(self.to_f64())
            }
        }

        /// Like `from_f16`, but NaN, infinities and overflow are errors.
        ///
        /// ```
        /// use half::f16;
        #[doc = concat!("use lognum::{ConversionError, ", $name, "};")]
        #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
        /// assert_eq!(L::try_from(f16::INFINITY), Err(ConversionError::Infinite));
        /// assert_eq!(L::try_from(f16::ONE), Ok(L::ONE));
        /// ```
        #[cfg_attr(docsrs, doc(cfg(feature = "half")))]
        impl<const FRAC: u32, A> TryFrom<f16> for $T<FRAC, A> {
            type Error = ConversionError;
            fn try_from(x: f16) -> Result<Self, ConversionError> {
                Self::try_from(x.to_f32())
            }
        }

        /// Like `from_bf16`, but NaN, infinities and overflow are errors.
        ///
        /// ```
        /// use half::bf16;
        #[doc = concat!("use lognum::{ConversionError, ", $name, "};")]
        #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
        /// assert_eq!(L::try_from(bf16::NAN), Err(ConversionError::NaN));
        /// ```
        #[cfg_attr(docsrs, doc(cfg(feature = "half")))]
        impl<const FRAC: u32, A> TryFrom<bf16> for $T<FRAC, A> {
            type Error = ConversionError;
            fn try_from(x: bf16) -> Result<Self, ConversionError> {
                Self::try_from(x.to_f32())
            }
        }
    };
}

impl_half!(LogNum, "LogNum", 10);
impl_half!(WideLogNum, "WideLogNum", 10);
impl_half!(LogNum8, "LogNum8", 3);

#[cfg(all(test, feature = "std"))]
mod tests {
    use half::{bf16, f16};

    use crate::{ConversionError, LogNum, WideLogNum};

    #[test]
    fn narrow_format_round_trips_exactly() {
        // f16 (11 bits) and bf16 (8 bits) both round by less than half a
        // LogNum<6> code (2^(1/64), 1.1 %), so every code comes back.
        for w in 0..=0x0fffu16 {
            let x = LogNum::<6>::from_bits(w);
            assert_eq!(LogNum::<6>::from_f16(x.to_f16()).to_bits(), w, "{x:?}");
            assert_eq!(LogNum::<6>::from_bf16(x.to_bf16()).to_bits(), w, "{x:?}");
        }
    }

    #[test]
    fn wide_format_round_trips_within_rounding() {
        // Rounding to nearest moves a value by at most half an ulp, 2^-11
        // relative for f16 where it is normal (≥ 2^-14): 0.70 of a
        // LogNum<10> code, so at most one code back. bf16: 2^-8, 5.6 codes.
        for w in 0..=u16::MAX {
            let x = LogNum::<10>::from_bits(w);
            let (Some(l), v) = (x.log2_code(), x.to_f64()) else {
                continue;
            };
            if v.abs() >= 2f64.powi(-14) {
                let back = LogNum::<10>::from_f16(x.to_f16()).log2_code().unwrap();
                assert!(back.abs_diff(l) <= 1, "{x:?}");
            }
            // Near MIN_POSITIVE, rounding down may flush: count zero as the
            // code below the range.
            let back = LogNum::<10>::from_bf16(x.to_bf16()).log2_code();
            assert!(back.unwrap_or(-16384).abs_diff(l) <= 6, "{x:?}");
            assert_eq!(x.to_f16().is_sign_negative(), x.is_sign_negative());
        }
    }

    #[test]
    fn special_values() {
        type L = LogNum<10>;
        type L6 = LogNum<6>;
        assert_eq!(L::from_f16(f16::INFINITY), L::MAX);
        assert_eq!(L::from_f16(f16::NEG_INFINITY), L::MIN);
        assert_eq!(L::from_f16(f16::NEG_ZERO).to_bits(), 0x8000);
        assert_eq!(L::from_bf16(bf16::MAX), L::MAX);
        // f16::MAX = 65 504 has log code 16 383.28: it rounds to MAX's code.
        assert_eq!(L::try_from(f16::MAX), Ok(L::MAX));
        assert_eq!(L6::try_from(f16::MAX), Err(ConversionError::Overflow));
        assert_eq!(
            L::try_from(bf16::NEG_INFINITY),
            Err(ConversionError::Infinite)
        );
        assert_eq!(
            L::try_from(f16::MIN_POSITIVE_SUBNORMAL).map(L::to_bits),
            Ok(0)
        );
        assert_eq!(L::NEG_ZERO.to_f16(), f16::NEG_ZERO);
        assert_eq!(L::MAX.to_f16(), f16::MAX); // 65 491.65 rounds to 65 504
        // The wide format leaves f16's range.
        assert_eq!(WideLogNum::<20>::MAX.to_f16(), f16::INFINITY);
        assert_eq!(WideLogNum::<20>::MIN_POSITIVE.to_bf16(), bf16::ZERO);
        let x = WideLogNum::<20>::from_bf16(bf16::from_f32(1e30));
        assert!((x.to_f64() / 1e30 - 1.0).abs() < 0.004);
    }
}
