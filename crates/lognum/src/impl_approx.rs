//! approx: `AbsDiffEq`, `RelativeEq` and `UlpsEq`.
//!
//! The tolerances are f64 (`Epsilon = f64`), so `assert_relative_eq!(x, y,
//! max_relative = 0.01)` reads as it does for floats. Differences are exact,
//! not taken through the approximate LNS subtraction: absolute ones between
//! the values in f64, relative ones from the log codes (`1 − 2^-d` for like
//! signs `d` log units apart), which also works beyond f64's range. The defaults are one code: `default_epsilon` and
//! `default_max_relative` are `2^(2^-FRAC) − 1`, the gap between 1 and the next
//! value (0.068 % for `FRAC = 10`), and `default_max_ulps` is 4.
//!
//! ULPs count log codes along the order of the values, across zero: `±0`
//! are 0 apart, `MIN_POSITIVE` and `−MIN_POSITIVE` 2 apart. (Unlike approx's
//! float impls, opposite signs are not unequal by fiat: the codes on either
//! side of zero are neighbours.)

use approx::{AbsDiffEq, RelativeEq, UlpsEq};

use crate::{LogNum, LogNum8, WideLogNum};

macro_rules! impl_approx {
    ($T:ident, $name:literal, $frac:literal) => {
        #[cfg_attr(docsrs, doc(cfg(feature = "approx")))]
        impl<const FRAC: u32, A> $T<FRAC, A> {
            /// `±M`: ordered like the value, `±0` both 0.
            #[inline]
            fn ulps_key(self) -> i64 {
                let m = self.magnitude() as i64;
                if self.is_sign_negative() { -m } else { m }
            }

            /// The gap above 1 as an f64: `2^(2^-FRAC) − 1`.
            #[inline]
            fn one_code() -> f64 {
                crate::math::exp2m1(Self::EPSILON_LOG2)
            }
        }

        /// `|x − y| ≤ ε` between the exact values, in f64.
        ///
        /// ```
        /// use approx::assert_abs_diff_eq;
        #[doc = concat!("use lognum::", $name, ";")]
        #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
        /// assert_abs_diff_eq!(L::from_f64(0.1), L::from_f64(0.1004), epsilon = 0.001);
        /// assert_abs_diff_eq!(L::ZERO, L::NEG_ZERO);
        /// ```
        #[cfg_attr(docsrs, doc(cfg(feature = "approx")))]
        impl<const FRAC: u32, A> AbsDiffEq for $T<FRAC, A> {
            type Epsilon = f64;

            fn default_epsilon() -> f64 {
                Self::one_code()
            }

            fn abs_diff_eq(&self, other: &Self, epsilon: f64) -> bool {
                // Equal words first: ±MAX of a wide format may be ±∞ in f64.
                self == other || (self.to_f64() - other.to_f64()).abs() <= epsilon
            }
        }

        /// `|x − y| ≤ max_relative · max(|x|, |y|)` (or within `epsilon`),
        /// computed from the log codes.
        ///
        /// ```
        /// use approx::{assert_relative_eq, assert_relative_ne};
        #[doc = concat!("use lognum::", $name, ";")]
        #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
        /// let x = L::from_f64(100.0);
        /// assert_relative_eq!(x, L::from_f64(100.5), max_relative = 0.01);
        /// // One code apart: within the default of one code.
        /// assert_relative_eq!(x, L::from_bits(x.to_bits() + 1));
        /// assert_relative_ne!(x, L::from_bits(x.to_bits() + 2));
        /// ```
        #[cfg_attr(docsrs, doc(cfg(feature = "approx")))]
        impl<const FRAC: u32, A> RelativeEq for $T<FRAC, A> {
            fn default_max_relative() -> f64 {
                Self::one_code()
            }

            fn relative_eq(&self, other: &Self, epsilon: f64, max_relative: f64) -> bool {
                if self.abs_diff_eq(other, epsilon) {
                    return true;
                }
                // |x − y| / max(|x|, |y|) from the log codes, exactly and
                // without leaving f64's range: 1 − 2^-d for like signs,
                // 1 + 2^-d for unlike ones, 1 against zero.
                let rel = match (self.log2_code(), other.log2_code()) {
                    (Some(a), Some(b)) => {
                        let d = a.abs_diff(b) as f64 * -Self::EPSILON_LOG2;
                        if self.is_sign_negative() == other.is_sign_negative() {
                            -crate::math::exp2m1(d)
                        } else {
                            1.0 + crate::math::exp2(d)
                        }
                    }
                    (None, None) => 0.0,
                    _ => 1.0,
                };
                rel <= max_relative
            }
        }

        /// At most `max_ulps` log codes apart along the order (or within
        /// `epsilon`).
        ///
        /// ```
        /// use approx::{assert_ulps_eq, assert_ulps_ne};
        #[doc = concat!("use lognum::", $name, ";")]
        #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
        /// let x = L::from_f64(3.0);
        /// assert_ulps_eq!(x, L::from_bits(x.to_bits() + 4));
        /// assert_ulps_ne!(x, L::from_bits(x.to_bits() + 5));
        /// assert_ulps_eq!(L::MIN_POSITIVE, -L::MIN_POSITIVE, epsilon = 0.0, max_ulps = 2);
        /// ```
        #[cfg_attr(docsrs, doc(cfg(feature = "approx")))]
        impl<const FRAC: u32, A> UlpsEq for $T<FRAC, A> {
            fn default_max_ulps() -> u32 {
                4
            }

            fn ulps_eq(&self, other: &Self, epsilon: f64, max_ulps: u32) -> bool {
                self.abs_diff_eq(other, epsilon)
                    || self.ulps_key().abs_diff(other.ulps_key()) <= u64::from(max_ulps)
            }
        }
    };
}

impl_approx!(LogNum, "LogNum", 10);
impl_approx!(WideLogNum, "WideLogNum", 10);
impl_approx!(LogNum8, "LogNum8", 3);

#[cfg(all(test, feature = "std"))]
mod tests {
    use approx::{AbsDiffEq, RelativeEq, UlpsEq};

    use crate::{LogNum, WideLogNum};

    type L = LogNum<10>;

    #[test]
    fn ulps_count_codes_across_zero() {
        for w in 0..=u16::MAX {
            let x = L::from_bits(w);
            assert!(x.ulps_eq(&x, 0.0, 0));
            assert!(x.relative_eq(&x, 0.0, 0.0));
        }
        let z = [L::ZERO, L::NEG_ZERO];
        assert!(z[0].ulps_eq(&z[1], 0.0, 0));
        assert!(z[0].abs_diff_eq(&z[1], 0.0));
        let (p, n) = (L::MIN_POSITIVE, -L::MIN_POSITIVE);
        assert!(p.ulps_eq(&n, 0.0, 2));
        assert!(!p.ulps_eq(&n, 0.0, 1));
        assert!(p.ulps_eq(&L::ZERO, 0.0, 1));
        assert!(L::MAX.ulps_eq(&L::MIN, 0.0, u32::MAX));
        assert!(!L::MAX.ulps_eq(&L::MIN, 0.0, 65_533));
        assert!(L::MAX.ulps_eq(&L::MIN, 0.0, 65_534));
    }

    #[test]
    fn defaults_are_one_code() {
        let eps = L::default_epsilon();
        assert!((eps - (2f64.powf(1.0 / 1024.0) - 1.0)).abs() < 1e-15);
        assert_eq!(L::default_max_relative(), eps);
        assert_eq!(L::default_max_ulps(), 4);
        // Neighbours anywhere in the range are within one code relative.
        for w in [0x0001u16, 0x2345, 0x4000, 0x7ffe, 0x8001, 0xfffe] {
            let (x, y) = (L::from_bits(w), L::from_bits(w + 1));
            assert!(x.relative_eq(&y, 0.0, L::default_max_relative()), "{x:?}");
            let z = L::from_bits(w.wrapping_add(2));
            assert!(!x.relative_eq(&z, 0.0, L::default_max_relative()), "{x:?}");
        }
    }

    #[test]
    fn wide_ends_are_equal_to_themselves() {
        // ±MAX of WideLogNum<0> is ±∞ in f64; equality must not go through it.
        type W = WideLogNum<0>;
        assert!(W::MAX.abs_diff_eq(&W::MAX, 0.0));
        assert!(W::MIN.relative_eq(&W::MIN, 0.0, 0.0));
        assert!(!W::MAX.relative_eq(&W::MIN, 1.0, 1.0));
        assert!(W::MAX.ulps_eq(&W::from_bits(W::MAX.to_bits() - 1), 0.0, 1));
        // Relative differences come from the codes, so they work out there:
        // neighbours at FRAC = 0 are a factor 2 apart, relative difference ½.
        let below = W::from_bits(W::MAX.to_bits() - 1);
        assert!(W::MAX.relative_eq(&below, 0.0, 0.5));
        assert!(!W::MAX.relative_eq(&below, 0.0, 0.49));
    }

    #[test]
    fn relative_difference_matches_f64() {
        let xs = [0.0, -0.0, 1.0, -1.0, 1.001, 2.0, -3.0, 1e-4, 6e4];
        for a in xs {
            for b in xs {
                let (x, y) = (L::from_f64(a), L::from_f64(b));
                let (fa, fb) = (x.to_f64(), y.to_f64());
                let rel = (fa - fb).abs() / fa.abs().max(fb.abs());
                for m in [0.0, 1e-3, 0.1, 0.5, 0.999, 1.0, 1.5, 2.0] {
                    // Away from the exact boundary the two agree.
                    if (rel - m).abs() > 1e-9 {
                        assert_eq!(x.relative_eq(&y, 0.0, m), rel <= m, "{a} {b} {m}");
                    }
                }
            }
        }
    }
}
