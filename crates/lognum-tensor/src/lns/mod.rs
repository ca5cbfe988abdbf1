//! The LNS machinery the vector kernels share: the instruction sets
//! ([`Isa`]) and their detection, the per-type tables of Δ (built once per
//! `LogNum<FRAC, A>` and cached), the raw words of a `LogNum` slice, the
//! per-ISA look-ups of Δ, and the one dispatch that runs a kernel, written
//! once over the instruction sets, on the one chosen at run time. The ops
//! ([`matmul::lns`](crate::matmul::lns), [`elementwise`](crate::elementwise),
//! [`master`](crate::master)) build on it; it depends on none of them.
//!
//! ```
//! use lognum_tensor::lns::Isa;
//! assert!(Isa::available().contains(&Isa::detect()));
//! ```

pub(crate) mod cache;
pub(crate) mod tables;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86;

use std::fmt;

use lognum::LogNum;

use tables::LnsTables;

/// An instruction set a kernel can run on.
///
/// ```
/// use lognum_tensor::lns::Isa;
/// assert!(Isa::Portable.is_available());
/// assert!(Isa::available().contains(&Isa::detect()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Isa {
    /// Plain Rust, one lane at a time: runs everywhere, defines the bits.
    Portable,
    /// x86-64 AVX2: 16 lanes, byte shuffles, a computed Δ or table gathers.
    Avx2,
    /// x86-64 AVX-512F + BW: 32 lanes, word permutes, a computed Δ or table
    /// gathers.
    Avx512,
}

impl Isa {
    /// True if this CPU can run the path (checked at run time).
    ///
    /// ```
    /// assert!(lognum_tensor::lns::Isa::Portable.is_available());
    /// ```
    pub fn is_available(self) -> bool {
        match self {
            Isa::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512bw")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// Every path this CPU can run, portable first.
    ///
    /// ```
    /// let isas = lognum_tensor::lns::Isa::available();
    /// assert_eq!(isas[0], lognum_tensor::lns::Isa::Portable);
    /// ```
    pub fn available() -> Vec<Isa> {
        [Isa::Portable, Isa::Avx2, Isa::Avx512]
            .into_iter()
            .filter(|i| i.is_available())
            .collect()
    }

    /// The fastest available path (what the kernels use by default).
    ///
    /// ```
    /// assert!(lognum_tensor::lns::Isa::detect().is_available());
    /// ```
    pub fn detect() -> Isa {
        *Isa::available().last().unwrap_or(&Isa::Portable)
    }
}

impl fmt::Display for Isa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Isa::Portable => "portable",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        })
    }
}

/// The requested instruction set is not available on this CPU.
///
/// ```
/// use lognum_tensor::lns::{Isa, IsaUnavailable};
/// assert_eq!(IsaUnavailable(Isa::Avx512).to_string(), "avx512 is not available on this CPU");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IsaUnavailable(pub Isa);

impl fmt::Display for IsaUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not available on this CPU", self.0)
    }
}

impl std::error::Error for IsaUnavailable {}

/// The raw words of a `LogNum` slice.
pub(crate) fn words<const FRAC: u32, A>(x: &[LogNum<FRAC, A>]) -> &[u16] {
    const { assert!(size_of::<LogNum<FRAC, A>>() == 2 && align_of::<LogNum<FRAC, A>>() == 2) };
    // SAFETY: `LogNum` is `repr(transparent)` over a `u16` (its other field
    // is a zero-sized `PhantomData`), so the slices have the same layout.
    unsafe { std::slice::from_raw_parts(x.as_ptr().cast(), x.len()) }
}

/// The raw words of a mutable `LogNum` slice.
pub(crate) fn words_mut<const FRAC: u32, A>(x: &mut [LogNum<FRAC, A>]) -> &mut [u16] {
    const { assert!(size_of::<LogNum<FRAC, A>>() == 2 && align_of::<LogNum<FRAC, A>>() == 2) };
    // SAFETY: as in `words`; writing a `u16` is writing a valid `LogNum`
    // (every word is a value; `from_bits` masks unused high bits, and the
    // kernels never set them).
    unsafe { std::slice::from_raw_parts_mut(x.as_mut_ptr().cast(), x.len()) }
}

/// How a vector log-add finds Δ for a type's tables (both vector paths
/// have the first four).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// Bucket with rounding (`vpmulhrsw`), then `vpermi2w` (AVX2: byte
    /// shuffles, two vectors per look-up, [`x86::Perm256`], three byte
    /// tables for tables of at most 22 buckets).
    PermRound,
    /// Bucket by truncation (a right shift), then as `PermRound`.
    PermTrunc,
    /// Computed from `d` (the shifts of a [`Shifted`](tables::Shifted)
    /// table: `vpsrlvw` on AVX-512, `vpsrlvd` on the even and the odd words
    /// on AVX2).
    Shift,
    /// The full table, gathered.
    Gather,
    /// AVX2 only: `PermRound` for a table of 23 to 29 buckets, whose
    /// shuffles take four byte tables.
    PermRoundWide,
    /// AVX2 only: `PermTrunc` with four byte tables.
    PermTruncWide,
}

impl Lookup {
    /// The fastest way for `t` on `isa`: the permute (AVX2's shuffles, with
    /// four byte tables if it has more than 22 buckets), else the computed
    /// Δ, else the gathers.
    pub(crate) fn of(t: &LnsTables, isa: Isa) -> Self {
        match (&t.structured, &t.shifted) {
            (Some(s), _) => {
                let wide = isa == Isa::Avx2 && s.shuffle_half() > tables::SHUFFLE_HALF;
                match (s.round, wide) {
                    (true, false) => Lookup::PermRound,
                    (false, false) => Lookup::PermTrunc,
                    (true, true) => Lookup::PermRoundWide,
                    (false, true) => Lookup::PermTruncWide,
                }
            }
            (None, Some(_)) => Lookup::Shift,
            (None, None) => Lookup::Gather,
        }
    }

    /// The same look-up for a permute that takes every bucketed table
    /// (AVX-512's): the wide variants as the plain ones.
    fn narrow(self) -> Self {
        match self {
            Lookup::PermRoundWide => Lookup::PermRound,
            Lookup::PermTruncWide => Lookup::PermTrunc,
            l => l,
        }
    }

    /// True if `l` (a [`Lookup`] as `u8`, as the kernels take it) reads the
    /// bucketed table.
    pub(crate) const fn is_perm(l: u8) -> bool {
        Lookup::rounds(l) || l == Lookup::PermTrunc as u8 || l == Lookup::PermTruncWide as u8
    }

    /// True if `l` reads the bucketed table with rounding.
    pub(crate) const fn rounds(l: u8) -> bool {
        l == Lookup::PermRound as u8 || l == Lookup::PermRoundWide as u8
    }

    /// True if `l` reads the bucketed table from four byte tables (AVX2).
    pub(crate) const fn is_wide(l: u8) -> bool {
        l == Lookup::PermRoundWide as u8 || l == Lookup::PermTruncWide as u8
    }
}

/// A kernel written once and run on any instruction set by [`dispatch`].
///
/// The vector paths receive the token of their instruction set and run
/// inside a `#[target_feature]` function ([`x86::Avx512::vectorize`]);
/// their implementations must be `#[inline(always)]` (and so must the loop
/// skeletons and lane operations they call), so that the whole body is
/// compiled there with the features on.
pub(crate) trait Kernel: Sized {
    /// The reference path, one lane at a time.
    fn portable(self);
    /// The AVX-512 path, Δ found by `L` (a [`Lookup`] as `u8`), magnitudes
    /// clamped to the format's largest when `CLAMP`.
    #[cfg(target_arch = "x86_64")]
    fn avx512<const L: u8, const CLAMP: bool>(self, v: x86::Avx512);
    /// The AVX2 path, as [`Kernel::avx512`] with 16 lanes.
    #[cfg(target_arch = "x86_64")]
    fn avx2<const L: u8, const CLAMP: bool>(self, v: x86::Avx2);
}

/// Runs `k` on `isa`, monomorphised for `lookup` (vector paths) and
/// `clamp` (magnitudes need clamping to the format's largest, `FRAC < 10`):
/// the one place that turns run-time choices into kernel instances.
pub(crate) fn dispatch<K: Kernel>(
    isa: Isa,
    lookup: Lookup,
    clamp: bool,
    k: K,
) -> Result<(), IsaUnavailable> {
    match isa {
        Isa::Portable => k.portable(),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => {
            let v = x86::Avx512::new().ok_or(IsaUnavailable(isa))?;
            let lookup = lookup.narrow();
            macro_rules! go {
                ($($l:ident, $c:literal;)*) => {
                    match (lookup, clamp) {
                        $((Lookup::$l, $c) => {
                            // SAFETY: the token exists, so the CPU has
                            // AVX-512F/BW.
                            unsafe { v.vectorize::<K, { Lookup::$l as u8 }, $c>(k) }
                        })*
                        (Lookup::PermRoundWide | Lookup::PermTruncWide, _) => {
                            unreachable!("narrowed to the plain permute above")
                        }
                    }
                };
            }
            go!(
                PermRound, false; PermRound, true; PermTrunc, false; PermTrunc, true;
                Shift, false; Shift, true; Gather, false; Gather, true;
            );
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => {
            let v = x86::Avx2::new().ok_or(IsaUnavailable(isa))?;
            macro_rules! go {
                ($($l:ident, $c:literal;)*) => {
                    match (lookup, clamp) {
                        $((Lookup::$l, $c) => {
                            // SAFETY: the token exists, so the CPU has AVX2.
                            unsafe { v.vectorize::<K, { Lookup::$l as u8 }, $c>(k) }
                        })*
                    }
                };
            }
            go!(
                PermRound, false; PermRound, true; PermTrunc, false; PermTrunc, true;
                Shift, false; Shift, true; Gather, false; Gather, true;
                PermRoundWide, false; PermRoundWide, true;
                PermTruncWide, false; PermTruncWide, true;
            );
        }
        #[cfg(not(target_arch = "x86_64"))]
        _ => return Err(IsaUnavailable(isa)),
    }
    Ok(())
}
