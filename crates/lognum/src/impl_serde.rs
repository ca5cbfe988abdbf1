//! serde: a value is its raw word.
//!
//! Every format serializes as the unsigned integer [`to_bits`](crate::LogNum::to_bits)
//! returns (`u16` for `LogNum`, `u32` for `WideLogNum`, `u8` for `LogNum8`), in human-readable and
//! binary formats alike: the word is the exact value, with no rounding in
//! either direction and `−0` kept.
//!
//! Deserializing refuses a word with bits set above
//! [`WORD_BITS`](crate::LogNum::WORD_BITS) instead of masking them as
//! `from_bits` does: such a word was not written by this format (a
//! `LogNum<10>` read back as a `LogNum<6>`, say), and masking would silently
//! turn it into an unrelated value.

use core::fmt;

use serde::de::{Error, Expected, Unexpected};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{LogNum, LogNum8, WideLogNum};

/// "an integer below 2^N", for the error message.
struct WordOf(u32);

impl Expected for WordOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {}-bit logarithmic-number word (below 2^{})",
            self.0, self.0
        )
    }
}

macro_rules! impl_serde {
    ($T:ident, $W:ty, $ser:ident, $name:literal, $frac:literal) => {
        /// Serializes the raw word, an unsigned integer.
        ///
        /// ```
        #[doc = concat!("use lognum::", $name, ";")]
        #[doc = concat!("let x = ", $name, "::<", $frac, ">::from_f64(-1.5);")]
        /// let json = serde_json::to_string(&x).unwrap();
        /// assert_eq!(json, x.to_bits().to_string());
        #[doc = concat!("let back: ", $name, "<", $frac, "> = serde_json::from_str(&json).unwrap();")]
        /// assert_eq!(back.to_bits(), x.to_bits());
        /// ```
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl<const FRAC: u32, A> Serialize for $T<FRAC, A> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.$ser(self.to_bits())
            }
        }

        /// Deserializes a raw word, refusing bits above `WORD_BITS`.
        ///
        /// ```
        #[doc = concat!("use lognum::", $name, ";")]
        #[doc = concat!("type L = ", $name, "<", $frac, ">;")]
        /// let one: L = serde_json::from_str(&L::ONE.to_bits().to_string()).unwrap();
        /// assert_eq!(one, L::ONE);
        /// assert!(serde_json::from_str::<lognum::LogNum<6>>("4096").is_err()); // 13 bits
        /// ```
        #[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
        impl<'de, const FRAC: u32, A> Deserialize<'de> for $T<FRAC, A> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let bits = <$W>::deserialize(deserializer)?;
                if bits & !Self::WORD_MASK != 0 {
                    return Err(D::Error::invalid_value(
                        Unexpected::Unsigned(bits.into()),
                        &WordOf(Self::WORD_BITS),
                    ));
                }
                Ok(Self::from_bits(bits))
            }
        }
    };
}

impl_serde!(LogNum, u16, serialize_u16, "LogNum", 10);
impl_serde!(WideLogNum, u32, serialize_u32, "WideLogNum", 10);
impl_serde!(LogNum8, u8, serialize_u8, "LogNum8", 3);

#[cfg(all(test, feature = "std"))]
mod tests {
    use crate::{LogNum, WideLogNum};

    #[test]
    fn every_word_round_trips() {
        for w in 0..=u16::MAX {
            let x = LogNum::<10>::from_bits(w);
            let s = serde_json::to_string(&x).unwrap();
            assert_eq!(s, w.to_string());
            let y: LogNum<10> = serde_json::from_str(&s).unwrap();
            assert_eq!(y.to_bits(), w); // −0 keeps its sign
        }
        for w in 0..=0x0fffu16 {
            let x = LogNum::<6>::from_bits(w);
            let y: LogNum<6> = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
            assert_eq!(y.to_bits(), w);
        }
        for w in [0u32, 1, 0x4000_0000, 0x8000_0000, u32::MAX] {
            let x = WideLogNum::<20>::from_bits(w);
            let y: WideLogNum<20> =
                serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
            assert_eq!(y.to_bits(), w);
        }
    }

    #[test]
    fn refuses_foreign_words() {
        // Bits above the 12-bit word: refused, not masked.
        let e = serde_json::from_str::<LogNum<6>>("4096").unwrap_err();
        assert!(e.to_string().contains("12-bit"), "{e}");
        assert!(serde_json::from_str::<LogNum<6>>("65535").is_err());
        assert!(serde_json::from_str::<LogNum<6>>("4095").is_ok());
        // Not a u16 at all.
        assert!(serde_json::from_str::<LogNum<10>>("65536").is_err());
        assert!(serde_json::from_str::<LogNum<10>>("-1").is_err());
        assert!(serde_json::from_str::<LogNum<10>>("1.5").is_err());
        assert!(serde_json::from_str::<LogNum<10>>("\"1.5\"").is_err());
        assert!(serde_json::from_str::<WideLogNum<20>>("4294967296").is_err());
    }

    #[test]
    fn in_a_struct() {
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        struct Layer {
            w: [LogNum<10>; 2],
            b: WideLogNum,
        }
        let l = Layer {
            w: [LogNum::ONE, LogNum::MIN],
            b: WideLogNum::NEG_ZERO,
        };
        let s = serde_json::to_string(&l).unwrap();
        assert_eq!(s, r#"{"w":[16384,65535],"b":2147483648}"#);
        assert_eq!(serde_json::from_str::<Layer>(&s).unwrap(), l);
    }
}
