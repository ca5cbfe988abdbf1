//! bytemuck: casting slices of words to and from their integers and bytes.
//!
//! All three types are `#[repr(transparent)]` over their word (`u8`, `u16` or `u32`; the
//! other field is a zero-sized `PhantomData<fn() -> A>` with alignment 1), so
//! they have the word's size, alignment and no padding.
//!
//! - [`Zeroable`] for every format: the all-zero word is `+0`.
//! - [`Pod`] only where **every** bit pattern is a word the type can hold:
//!   `LogNum<10>` (16-bit word in a `u16`), every `WideLogNum` (sign and
//!   31-bit field fill the `u32`) and every `LogNum8` (sign and 7-bit field
//!   fill the `u8`). A `LogNum<FRAC>` with `FRAC < 10` keeps its
//!   word in the low `FRAC + 6` bits; `from_bits` clears the rest, and
//!   equality, hashing and `to_bits` rely on that. A `Pod` cast could set those
//!   bits behind `from_bits`' back, so these formats are not `Pod`.
//! - For those narrower formats instead: [`NoUninit`] (cast *to* `u16` or
//!   bytes) and [`CheckedBitPattern`] (cast *from* `u16` with a check that the
//!   bits above the word are clear, via `bytemuck::checked`).
//!
//! ```
//! use bytemuck::checked;
//! use lognum::LogNum;
//! // LogNum<6>: cast out freely, cast in with a check.
//! let xs = [LogNum::<6>::ONE, LogNum::<6>::MIN];
//! let words: &[u16] = bytemuck::cast_slice(&xs);
//! assert_eq!(words, &[0x0400, 0x0fff]);
//! let back: &[LogNum<6>] = checked::try_cast_slice(words).unwrap();
//! assert_eq!(back, &xs);
//! assert!(checked::try_cast::<u16, LogNum<6>>(0x1000).is_err()); // a 13th bit
//! ```
//!
//! This module holds the crate's only `unsafe`: the trait impls themselves,
//! each with its safety argument. No `unsafe` code runs.

#![allow(unsafe_code)]

use bytemuck::{CheckedBitPattern, NoUninit, Pod, Zeroable};

use crate::{LogNum, LogNum8, WideLogNum};

// SAFETY: `LogNum` is `repr(transparent)` over a `u16` (the `PhantomData`
// field is a 1-aligned ZST), and the all-zero `u16` is a valid value, `+0`.
#[cfg_attr(docsrs, doc(cfg(feature = "bytemuck")))]
unsafe impl<const FRAC: u32, A> Zeroable for LogNum<FRAC, A> {}

// SAFETY: as above, over a `u32`.
#[cfg_attr(docsrs, doc(cfg(feature = "bytemuck")))]
unsafe impl<const FRAC: u32, A> Zeroable for WideLogNum<FRAC, A> {}

/// Every `u16` is a `LogNum<10>` word.
///
/// ```
/// use lognum::LogNum;
/// let words: [u16; 3] = [0x4000, 0xc000, 0x0000];
/// let xs: &[LogNum<10>] = bytemuck::cast_slice(&words);
/// assert_eq!(xs[1], LogNum::NEG_ONE);
/// let back: &[u16] = bytemuck::cast_slice(xs);
/// assert_eq!(back, &words);
/// assert_eq!(<LogNum<10> as bytemuck::Zeroable>::zeroed(), LogNum::ZERO);
/// ```
// SAFETY: `repr(transparent)` over `u16`, so no padding; `Copy` and
// `'static` (for `A: 'static`); and `WORD_MASK` of `LogNum<10>` is `0xffff`,
// so every bit pattern is a valid word that `from_bits` would leave unchanged.
#[cfg_attr(docsrs, doc(cfg(feature = "bytemuck")))]
unsafe impl<A: 'static> Pod for LogNum<10, A> {}

/// Every `u32` is a `WideLogNum` word, for every `FRAC`.
///
/// ```
/// use lognum::WideLogNum;
/// let x: WideLogNum = bytemuck::cast(0x4000_0000u32);
/// assert_eq!(x, WideLogNum::ONE);
/// ```
// SAFETY: `repr(transparent)` over `u32`, no padding, `Copy + 'static`; the
// sign bit and the 31-bit field use all 32 bits (`WORD_MASK = u32::MAX`).
#[cfg_attr(docsrs, doc(cfg(feature = "bytemuck")))]
unsafe impl<const FRAC: u32, A: 'static> Pod for WideLogNum<FRAC, A> {}

// SAFETY: `LogNum8` is `repr(transparent)` over a `u8` (the `PhantomData`
// field is a 1-aligned ZST), and the all-zero `u8` is a valid value, `+0`.
#[cfg_attr(docsrs, doc(cfg(feature = "bytemuck")))]
unsafe impl<const FRAC: u32, A> Zeroable for LogNum8<FRAC, A> {}

/// Every `u8` is a `LogNum8` word, for every `FRAC`.
///
/// ```
/// use lognum::LogNum8;
/// let words: [u8; 3] = [0x40, 0xc0, 0x00];
/// let xs: &[LogNum8<3>] = bytemuck::cast_slice(&words);
/// assert_eq!(xs[1], LogNum8::NEG_ONE);
/// assert_eq!(bytemuck::cast_slice::<LogNum8<3>, u8>(xs), &words);
/// ```
// SAFETY: `repr(transparent)` over `u8`, no padding, `Copy + 'static`; the
// sign bit and the 7-bit field use all 8 bits (`WORD_MASK = u8::MAX`).
#[cfg_attr(docsrs, doc(cfg(feature = "bytemuck")))]
unsafe impl<const FRAC: u32, A: 'static> Pod for LogNum8<FRAC, A> {}

macro_rules! narrow_formats {
    ($($frac:literal)*) => {$(
        // SAFETY: `repr(transparent)` over `u16`: no padding or uninitialised
        // bytes, `Copy + 'static`. Reading the word out is always sound.
        #[cfg_attr(docsrs, doc(cfg(feature = "bytemuck")))]
        unsafe impl<A: 'static> NoUninit for LogNum<$frac, A> {}

        // SAFETY: same layout as `u16`. A `u16` with no bits above
        // `WORD_BITS` is exactly a word `from_bits` can produce.
        #[cfg_attr(docsrs, doc(cfg(feature = "bytemuck")))]
        unsafe impl<A: 'static> CheckedBitPattern for LogNum<$frac, A> {
            type Bits = u16;
            #[inline]
            fn is_valid_bit_pattern(bits: &u16) -> bool {
                bits & !Self::WORD_MASK == 0
            }
        }
    )*};
}

narrow_formats!(0 1 2 3 4 5 6 7 8 9);

#[cfg(all(test, feature = "std"))]
mod tests {
    extern crate std;

    use bytemuck::{Zeroable, checked};

    use crate::{BitShift, LogNum, WideLogNum};

    #[test]
    fn casts() {
        let all: std::vec::Vec<u16> = (0..=u16::MAX).collect();
        let xs: &[LogNum<10, BitShift>] = bytemuck::cast_slice(&all);
        for (w, x) in all.iter().zip(xs) {
            assert_eq!(x.to_bits(), *w);
        }
        assert_eq!(
            bytemuck::bytes_of(&LogNum::<10>::ONE),
            &0x4000u16.to_ne_bytes()
        );
        assert_eq!(WideLogNum::<12>::zeroed(), WideLogNum::ZERO);
        assert_eq!(LogNum::<6>::zeroed().to_bits(), 0);
        // The narrow format: every valid word in, every foreign word refused.
        for w in 0..=u16::MAX {
            let r = checked::try_cast::<u16, LogNum<6>>(w);
            assert_eq!(r.is_ok(), w <= 0x0fff);
            if let Ok(x) = r {
                assert_eq!(x.to_bits(), w);
            }
        }
    }
}
