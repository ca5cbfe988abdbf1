//! fixed: conversions to and from any `fixed` type.
//!
//! Through f64: a fixed-point number converts to f64 exactly when it has at
//! most 53 significant bits (and to nearest otherwise), then to the nearest
//! log code like [`from_f64`](crate::LogNum::from_f64). Back, the value is
//! rounded to the nearest fixed-point number, saturating at the type's bounds
//! ([`to_fixed`](crate::LogNum::to_fixed)) or refusing to
//! ([`checked_to_fixed`](crate::LogNum::checked_to_fixed)). Fixed-point zero
//! is `+0`; values below the log range flush to zero and above it saturate,
//! or are refused by [`checked_from_fixed`](crate::LogNum::checked_from_fixed).

use fixed::traits::Fixed;

use crate::{LogNum, LogNum8, WideLogNum};

/// `$ex` is a format for the examples.
macro_rules! impl_fixed {
    ($T:ident, $name:literal, $ex:literal) => {
        #[cfg_attr(docsrs, doc(cfg(feature = "fixed")))]
        impl<const FRAC: u32, A> $T<FRAC, A> {
            /// The nearest value to a fixed-point number, saturating and
            /// flushing like [`from_f64`](Self::from_f64).
            ///
            /// ```
            /// use fixed::types::{I16F16, I32F0};
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $ex, ";")]
            /// assert_eq!(L::from_fixed(I16F16::from_num(-0.5)).to_f64(), -0.5);
            /// assert_eq!(L::from_fixed(I16F16::from_num(4)).to_f64(), 4.0);
            /// assert_eq!(L::from_fixed(I32F0::MAX), L::MAX); // 2^31 saturates
            /// ```
            #[inline]
            pub fn from_fixed<F: Fixed>(x: F) -> Self {
                Self::from_f64(x.to_num::<f64>())
            }

            /// Like [`from_fixed`](Self::from_fixed), but `None` where the
            /// value would saturate (`TryFrom<f64>` refuses).
            ///
            /// ```
            /// use fixed::types::I32F0;
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $ex, ";")]
            /// assert!(L::checked_from_fixed(I32F0::from_num(100)).is_some());
            /// assert_eq!(L::checked_from_fixed(I32F0::MAX), None);
            /// ```
            #[inline]
            pub fn checked_from_fixed<F: Fixed>(x: F) -> Option<Self> {
                Self::try_from(x.to_num::<f64>()).ok()
            }

            /// The nearest fixed-point number, saturating at `F`'s bounds.
            ///
            /// ```
            /// use fixed::types::{I8F8, U8F8};
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $ex, ";")]
            /// assert_eq!(L::from_f64(-0.25).to_fixed::<I8F8>(), I8F8::from_num(-0.25));
            /// assert_eq!(L::MAX.to_fixed::<I8F8>(), I8F8::MAX);
            /// assert_eq!(L::from_f64(-1.0).to_fixed::<U8F8>(), U8F8::ZERO);
            /// ```
            #[inline]
            pub fn to_fixed<F: Fixed>(self) -> F {
                F::saturating_from_num(self.to_f64())
            }

            /// The nearest fixed-point number, or `None` outside `F`'s range.
            ///
            /// ```
            /// use fixed::types::I8F8;
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("type L = ", $ex, ";")]
            /// assert_eq!(L::MAX.checked_to_fixed::<I8F8>(), None);
            /// assert_eq!(L::ONE.checked_to_fixed::<I8F8>(), Some(I8F8::ONE));
            /// ```
            #[inline]
            pub fn checked_to_fixed<F: Fixed>(self) -> Option<F> {
                F::checked_from_num(self.to_f64())
            }
        }
    };
}

impl_fixed!(LogNum, "LogNum", "LogNum<10>");
impl_fixed!(WideLogNum, "WideLogNum", "WideLogNum<26>");
impl_fixed!(LogNum8, "LogNum8", "LogNum8<3>");

#[cfg(all(test, feature = "std"))]
mod tests {
    use fixed::types::{I4F12, I16F16, I32F32, U0F16};

    use crate::{LogNum, WideLogNum};

    type L = LogNum<10>;

    #[test]
    fn every_word_to_fixed_and_back() {
        // I32F32 holds every LogNum<10> to 2^-32 absolute: the round trip is
        // exact where that is finer than half a code (|x| ≥ 2^-20 or so).
        for w in 0..=u16::MAX {
            let x = L::from_bits(w);
            let f: I32F32 = x.to_fixed();
            assert_eq!(f, I32F32::from_num(x.to_f64()));
            if x.to_f64().abs() >= 1e-5 || x.is_zero() {
                let back = L::from_fixed(f);
                assert_eq!(back, x, "{x:?}");
            }
        }
    }

    #[test]
    fn saturation_and_refusal() {
        assert_eq!(L::MAX.to_fixed::<I4F12>(), I4F12::MAX);
        assert_eq!(L::MIN.to_fixed::<I4F12>(), I4F12::MIN);
        assert_eq!(L::MIN.to_fixed::<U0F16>(), U0F16::ZERO);
        assert_eq!(L::MIN.checked_to_fixed::<U0F16>(), None);
        assert_eq!(
            L::from_f64(0.5).checked_to_fixed::<U0F16>(),
            Some(U0F16::from_num(0.5))
        );
        assert!(L::from_fixed(I16F16::ZERO).is_sign_positive());
        assert!(L::from_fixed(I16F16::DELTA).to_bits() == L::from_f64(1.0 / 65536.0).to_bits());
        assert_eq!(L::from_fixed(I32F32::DELTA).to_bits(), 0); // 2^-32: flushed
        assert_eq!(L::from_fixed(I32F32::MAX), L::MAX);
        assert_eq!(L::checked_from_fixed(I32F32::MAX), None);
        let w = WideLogNum::<20>::checked_from_fixed(I32F32::MAX).unwrap();
        assert!((w.to_f64() / 2f64.powi(31) - 1.0).abs() < 1e-6);
    }
}
