//! serde as a number: `#[serde(with = "lognum::serde_f64")]` writes a
//! [`LogNum`], [`WideLogNum`] or [`LogNum8`] as the f64
//! [`to_f64`](crate::LogNum::to_f64) returns, for files people read, and
//! reads an f64 back rounding as [`from_f64`](crate::LogNum::from_f64) does.
//!
//! The default `Serialize`/`Deserialize` impls write the raw word, which is
//! exact and compact but opaque. Through an f64 every word of `LogNum` and
//! `LogNum8` and every word of `WideLogNum` whose value is a normal f64 round-trips exactly,
//! `−0` included (f64 carries 53 significant bits, the log at most 26
//! fraction bits).
//!
//! Reading refuses what [`TryFrom<f64>`](crate::LogNum#impl-TryFrom<f64>-for-LogNum<FRAC,+A>)
//! refuses: NaN, infinities and values that round above `MAX` in magnitude,
//! each with a serde error naming the value; values below `MIN_POSITIVE`
//! flush to zero as in `from_f64`. Writing refuses a `WideLogNum` that f64
//! cannot hold (beyond `f64::MAX` or below its smallest subnormal), rather
//! than write `inf` or a zero that would read back as another value.
//!
//! ```
//! use lognum::{LogNum, WideLogNum};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Layer {
//!     #[serde(with = "lognum::serde_f64")]
//!     scale: LogNum<10>,
//!     #[serde(with = "lognum::serde_f64")]
//!     acc: WideLogNum<20>,
//!     raw: LogNum<10>, // the default: the raw word
//! }
//! let l = Layer {
//!     scale: LogNum::from_f64(0.5),
//!     acc: WideLogNum::from_f64(-2.0),
//!     raw: LogNum::ONE,
//! };
//! let json = serde_json::to_string(&l).unwrap();
//! assert_eq!(json, r#"{"scale":0.5,"acc":-2.0,"raw":16384}"#);
//! assert_eq!(serde_json::from_str::<Layer>(&json).unwrap(), l);
//!
//! // Rounds like from_f64 on the way in, refuses overflow.
//! let l: Layer = serde_json::from_str(r#"{"scale":0.1,"acc":0,"raw":0}"#).unwrap();
//! assert_eq!(l.scale, LogNum::from_f64(0.1));
//! let e = serde_json::from_str::<Layer>(r#"{"scale":1e6,"acc":0,"raw":0}"#).unwrap_err();
//! assert!(e.to_string().contains("MAX"), "{e}");
//! ```

use core::fmt;

use serde::de::{Error as _, Expected, Unexpected};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

use crate::convert::ConversionError;
use crate::{LogNum, LogNum8, WideLogNum};

mod sealed {
    use crate::convert::ConversionError;

    /// The two word formats, as this module needs them.
    pub trait AsF64: Copy {
        fn to_f64(self) -> f64;
        fn is_zero(self) -> bool;
        fn try_from_f64(x: f64) -> Result<Self, ConversionError>;
    }
}

use sealed::AsF64;

macro_rules! impl_as_f64 {
    ($T:ident) => {
        impl<const FRAC: u32, A> AsF64 for $T<FRAC, A> {
            #[inline]
            fn to_f64(self) -> f64 {
                $T::to_f64(self)
            }
            #[inline]
            fn is_zero(self) -> bool {
                self.log2_code().is_none()
            }
            #[inline]
            fn try_from_f64(x: f64) -> Result<Self, ConversionError> {
                Self::try_from(x)
            }
        }
    };
}

impl_as_f64!(LogNum);
impl_as_f64!(WideLogNum);
impl_as_f64!(LogNum8);

/// Writes the value as an f64 (see the [module docs](self)).
///
/// ```
/// use lognum::LogNum;
/// let mut out = Vec::new();
/// let x = LogNum::<10>::from_f64(-0.25);
/// lognum::serde_f64::serialize(&x, &mut serde_json::Serializer::new(&mut out)).unwrap();
/// assert_eq!(out, b"-0.25");
/// ```
pub fn serialize<S, T>(x: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: AsF64,
{
    let v = x.to_f64();
    if !v.is_finite() || (v == 0.0 && !x.is_zero()) {
        return Err(S::Error::custom(format_args!(
            "a logarithmic number of magnitude 2^{} has no finite non-zero f64",
            if v == 0.0 {
                "-1075 or less"
            } else {
                "1024 or more"
            }
        )));
    }
    serializer.serialize_f64(v)
}

/// Reads an f64 and rounds it to the nearest value, refusing NaN, infinities
/// and overflow (see the [module docs](self)).
///
/// ```
/// use lognum::LogNum;
/// let mut de = serde_json::Deserializer::from_str("3");
/// let x: LogNum<10> = lognum::serde_f64::deserialize(&mut de).unwrap();
/// assert_eq!(x, LogNum::from_f64(3.0));
/// ```
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: AsF64,
{
    let v = f64::deserialize(deserializer)?;
    T::try_from_f64(v).map_err(|e| D::Error::invalid_value(Unexpected::Float(v), &Representable(e)))
}

/// "a finite number within ±MAX", with the reason the value was refused.
struct Representable(ConversionError);

impl Expected for Representable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a finite number no larger in magnitude than the format's MAX ({})",
            self.0
        )
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, F64Deserializer};

    use super::{deserialize, serialize};
    use crate::{LogNum, WideLogNum};

    fn to_json<T: super::AsF64>(x: T) -> Result<String, serde_json::Error> {
        let mut out = Vec::new();
        serialize(&x, &mut serde_json::Serializer::new(&mut out))?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn from_json<T: super::AsF64>(s: &str) -> Result<T, serde_json::Error> {
        deserialize(&mut serde_json::Deserializer::from_str(s))
    }

    fn from_f64<T: super::AsF64>(v: f64) -> Result<T, ValueError> {
        let de: F64Deserializer<ValueError> = v.into_deserializer();
        deserialize(de)
    }

    #[test]
    fn every_word_round_trips_through_text() {
        for w in 0..=u16::MAX {
            let x = LogNum::<10>::from_bits(w);
            let s = to_json(x).unwrap();
            let y: LogNum<10> = from_json(&s).unwrap();
            assert_eq!(y.to_bits(), w, "{s}"); // −0 keeps its sign
            assert_eq!(s.parse::<f64>().unwrap(), x.to_f64());
        }
        for w in 0..=0x0fffu16 {
            let x = LogNum::<6>::from_bits(w);
            let y: LogNum<6> = from_json(&to_json(x).unwrap()).unwrap();
            assert_eq!(y.to_bits(), w);
        }
    }

    #[test]
    fn wide_words_round_trip_within_f64() {
        // WideLogNum<20> spans 2^±1024: the words inside f64's normal range
        // round-trip, from the smallest normal to the largest finite.
        type W = WideLogNum<20>;
        let lo = W::from_f64(f64::MIN_POSITIVE).to_bits();
        let hi = W::from_f64(f64::MAX).to_bits() - 1;
        for w in (lo..=hi)
            .step_by(9_973)
            .chain([lo, hi, 0, W::ONE.to_bits()])
        {
            for s in [0, W::SIGN_MASK] {
                let x = W::from_bits(w | s);
                let y: W = from_json(&to_json(x).unwrap()).unwrap();
                assert_eq!(y.to_bits(), w | s);
            }
        }
        // MAX = 2^(1024 − 2^-20) is just below f64::MAX; MIN_POSITIVE is a
        // subnormal f64.
        assert!(to_json(W::MAX).is_ok() && to_json(W::MIN_POSITIVE).is_ok());
        assert_eq!(to_json(W::NEG_ZERO).unwrap(), "-0.0");
        // Beyond f64 (WideLogNum<16> spans 2^±16384): refused, not written as
        // `null` or 0.
        let e = to_json(WideLogNum::<16>::MAX).unwrap_err().to_string();
        assert!(e.contains("1024"), "{e}");
        let e = to_json(WideLogNum::<16>::MIN_POSITIVE)
            .unwrap_err()
            .to_string();
        assert!(e.contains("-1075"), "{e}");
        assert!(to_json(WideLogNum::<16>::from_f64(1e300)).is_ok());
    }

    #[test]
    fn reading_rounds_like_from_f64() {
        for v in [0.1, -0.3, 1e-3, 123.456, 65_000.0, 1e-7, -0.0, 0.0] {
            let x: LogNum<10> = from_f64(v).unwrap();
            assert_eq!(x.to_bits(), LogNum::<10>::from_f64(v).to_bits(), "{v}");
            let x: LogNum<6> = from_json(&v.to_string()).unwrap();
            assert_eq!(x.to_bits(), LogNum::<6>::from_f64(v).to_bits(), "{v}");
        }
        // Integers in the text are numbers too.
        assert_eq!(
            from_json::<LogNum<10>>("-2").unwrap(),
            LogNum::from_f64(-2.0)
        );
    }

    #[test]
    fn refuses_nan_infinities_and_overflow() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e6, -1e6] {
            let e = from_f64::<LogNum<10>>(v).unwrap_err().to_string();
            assert!(e.contains("MAX"), "{v}: {e}");
            assert!(from_f64::<WideLogNum<26>>(v).is_err(), "{v}");
        }
        let e = from_f64::<LogNum<10>>(f64::NAN).unwrap_err().to_string();
        assert!(e.contains("NaN"), "{e}");
        let e = from_f64::<LogNum<10>>(f64::INFINITY)
            .unwrap_err()
            .to_string();
        assert!(e.contains("infinity"), "{e}");
        let e = from_json::<LogNum<10>>("70000").unwrap_err().to_string();
        assert!(e.contains("larger in magnitude"), "{e}");
        // MAX itself and just below are accepted; MAX·2^(1/2048) rounds above.
        let max = LogNum::<10>::MAX.to_f64();
        assert_eq!(from_f64::<LogNum<10>>(max).unwrap(), LogNum::MAX);
        assert!(from_f64::<LogNum<10>>(max * 2f64.powf(1.0 / 2048.0) * 1.000_001).is_err());
        // Not a number at all.
        assert!(from_json::<LogNum<10>>("\"1.5\"").is_err());
        assert!(from_json::<LogNum<10>>("null").is_err());
        // Underflow flushes to zero, keeping the sign, as from_f64 does.
        assert_eq!(from_f64::<LogNum<10>>(-1e-30).unwrap(), LogNum::NEG_ZERO);
        assert!(from_f64::<LogNum<10>>(-1e-30).unwrap().is_sign_negative());
    }
}
