//! arbitrary: values drawn from raw words, so that every code — both zeros,
//! `MIN_POSITIVE`, `MAX` and every negative — is reachable by a fuzzer.

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::{LogNum, LogNum8, WideLogNum};

macro_rules! impl_arbitrary {
    ($T:ident, $W:ty, $name:literal, $frac:literal) => {
        /// A word taken from the input's bytes through `from_bits`: every
        /// code is reachable, each equally often for uniform input.
        ///
        /// ```
        /// use arbitrary::{Arbitrary, Unstructured};
        #[doc = concat!("use lognum::", $name, ";")]
        /// let mut u = Unstructured::new(&[0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0]);
        #[doc = concat!("let x = ", $name, "::<", $frac, ">::arbitrary(&mut u).unwrap();")]
        #[doc = concat!("let y = ", $name, "::<", $frac, ">::arbitrary(&mut u).unwrap();")]
        /// assert_ne!(x, y);
        /// ```
        #[cfg_attr(docsrs, doc(cfg(feature = "arbitrary")))]
        impl<'a, const FRAC: u32, A> Arbitrary<'a> for $T<FRAC, A> {
            fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
                Ok(Self::from_bits(<$W>::arbitrary(u)?))
            }

            fn size_hint(depth: usize) -> (usize, Option<usize>) {
                <$W as Arbitrary>::size_hint(depth)
            }
        }
    };
}

impl_arbitrary!(LogNum, u16, "LogNum", 10);
impl_arbitrary!(WideLogNum, u32, "WideLogNum", 10);
impl_arbitrary!(LogNum8, u8, "LogNum8", 3);

#[cfg(all(test, feature = "std"))]
mod tests {
    extern crate std;
    use std::collections::HashSet;

    use arbitrary::{Arbitrary, Unstructured};

    use crate::{LogNum, WideLogNum};

    #[test]
    fn every_code_is_reachable() {
        let mut seen10 = HashSet::new();
        let mut seen6 = HashSet::new();
        for w in 0..=u16::MAX {
            let bytes = w.to_le_bytes();
            let x = LogNum::<10>::arbitrary(&mut Unstructured::new(&bytes)).unwrap();
            seen10.insert(x.to_bits());
            let x = LogNum::<6>::arbitrary(&mut Unstructured::new(&bytes)).unwrap();
            assert_eq!(x.to_bits() & !LogNum::<6>::WORD_MASK, 0);
            seen6.insert(x.to_bits());
        }
        assert_eq!(seen10.len(), 1 << 16);
        assert_eq!(seen6.len(), 1 << 12);
    }

    #[test]
    fn size_and_exhaustion() {
        assert_eq!(<LogNum<10> as Arbitrary>::size_hint(0), (2, Some(2)));
        assert_eq!(<WideLogNum as Arbitrary>::size_hint(0), (4, Some(4)));
        // Out of input: arbitrary's integers read zeros, which is +0.
        let x = LogNum::<10>::arbitrary(&mut Unstructured::new(&[])).unwrap();
        assert!(x.is_zero());
        let all = u32::MAX.to_le_bytes();
        let x = WideLogNum::<20>::arbitrary(&mut Unstructured::new(&all)).unwrap();
        assert_eq!(x, WideLogNum::MIN);
    }
}
