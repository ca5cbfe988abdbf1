//! Equality, ordering and hashing by real value: `+0 == −0`, and the order of
//! every pair of codes, negatives included, agrees with the order of the
//! values they stand for.

use core::cmp::Ordering;
use core::hash::{Hash, Hasher};

use crate::{LogNum, LogNum8, WideLogNum};

macro_rules! impl_cmp {
    ($T:ident, $W:ty) => {
        impl<const FRAC: u32, A> $T<FRAC, A> {
            /// A signed integer that orders like the value: `±M`.
            #[inline(always)]
            const fn order_key(self) -> i64 {
                let m = self.magnitude() as i64;
                if self.is_sign_negative() { -m } else { m }
            }

            /// The word with `−0` replaced by `+0`.
            #[inline(always)]
            const fn canonical_bits(self) -> $W {
                if self.is_zero() { 0 } else { self.bits }
            }
        }

        impl<const FRAC: u32, A> PartialEq for $T<FRAC, A> {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                self.canonical_bits() == other.canonical_bits()
            }
        }

        impl<const FRAC: u32, A> Eq for $T<FRAC, A> {}

        impl<const FRAC: u32, A> PartialOrd for $T<FRAC, A> {
            #[inline]
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl<const FRAC: u32, A> Ord for $T<FRAC, A> {
            #[inline]
            fn cmp(&self, other: &Self) -> Ordering {
                self.order_key().cmp(&other.order_key())
            }
        }

        impl<const FRAC: u32, A> Hash for $T<FRAC, A> {
            /// Hashes the word with `−0` as `+0`, consistent with `Eq`.
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.canonical_bits().hash(state);
            }
        }
    };
}

impl_cmp!(LogNum, u16);
impl_cmp!(WideLogNum, u32);
impl_cmp!(LogNum8, u8);
