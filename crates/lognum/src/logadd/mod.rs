//! Log-add approximations: the correction functions Δ+ and Δ−.
//!
//! Adding two LNS numbers with magnitudes `X ≥ Y` (log codes) gives
//! `X + Δ+(X − Y)` when the signs agree and `X + Δ−(X − Y)` when they differ,
//! with
//!
//! ```text
//! Δ+(d) = log2(1 + 2^-d)      (0 < Δ+ ≤ 1)
//! Δ−(d) = log2(1 − 2^-d)      (Δ− < 0, Δ−(0) = −∞)
//! ```
//!
//! Every approximation implements [`LogAdd`], which works on integer codes: `d`
//! and the result are in units of `2^-FRAC`. [`Lut`], [`BitShift`],
//! [`FloorShift`] and [`Interp`] use only integer operations at run time (their tables are built at
//! compile time); [`Exact`] evaluates f64 series, at compile time into a
//! table of every `d` for `FRAC ≤ 10` and at run time for wider formats.
//!
//! | approximation | memory | worst |error| of Δ+ (log units) | worst |error| of Δ−, d ≥ r/2 |
//! |---|---|---|---|
//! | [`Exact`] | (FRAC + 2)·2^FRAC words for FRAC ≤ 10 (12,288), else none | 2^-(FRAC+1) (correct rounding) | 2^-(FRAC+1) |
//! | [`Lut`] (r = 1/2, d < 10) | 20 + 20 words | r/4 + 2^-(FRAC+1) = 0.1255 | 0.8805 + 2^-(FRAC+1) (at d = r/2) |
//! | [`Interp`] (r = 1/2, d < 10) | 21 + 21 words | r²·ln2/32 + 2^-FRAC ≈ 0.0064 | 0.179 + 2^-FRAC; 0.0434 + 2^-FRAC for d ≥ 1 (see [`Interp`]) |
//! | [`BitShift`] (`(1 − f/2)·2^-n`) | none | 0.0861 + 1.5·2^-FRAC (d ≈ 1.2) | 0.6466 + 2·2^-FRAC (d = 1/2); 0.25 for d ≥ 1 |
//! | [`FloorShift`] (`2^-⌊d⌋`, r = 1) | none | 1 − log2 1.5 < 0.4151 (d → 1⁻) | 0.5 (d → 1⁻) |
//!
//! Figures are for `FRAC = 10`. [`TruncLut`] has [`Lut`]'s bounds. The
//! derivations are in each type's documentation and the bounds are asserted by
//! the crate's tests against an f64 reference for every code `d` at `FRAC = 10`
//! and `FRAC = 6` (and on a sample of codes at `FRAC` = 16, 20 and 26), and
//! on every sum of two [`LogNum8`](crate::LogNum8) words at `FRAC` 0 to 6.
//!
//! Δ− has a pole at `d = 0`: no table or shift can follow it, so below the
//! first table step the log error of a difference is unbounded. In linear terms
//! the damage is small: the operands then agree to within `r·ln 2` relative
//! to each other, and the result is a small fraction of either.
//!
//! ## At three fraction bits (the one-byte word)
//!
//! In [`LogNum8<3>`](crate::LogNum8) one code is `1/8` and the gaps `d` run
//! over 0 to 127 codes (0 to 15.9). The half-code rounding of a result alone
//! costs `1/16`.
//!
//! - [`Lut`]'s resolution `r = 1/2` is 4 codes: `d` is rounded to a multiple
//!   of 4 codes, and its 20 entries cover the gaps below 80 codes (`d < 10`),
//!   beyond which Δ is 0 (as `Δ+(10)·8 = 0.011` codes would round to
//!   anyway). [`TruncLut`] indexes the same 4-code steps by truncation. Both
//!   fall by more than a code at their first steps, so `+` is not monotone
//!   from `FRAC = 3` on.
//! - [`SoftmaxLut`]'s step `1/64` is at most a code at every `FRAC ≤ 6`:
//!   each gap is one of its samples, so on the byte it *is* [`Exact`] (the
//!   tests check every pair at every `FRAC` of the byte).
//! - [`Interp`]'s chords span 4 codes. [`BitShift`]'s fraction `f` has 3
//!   bits, and its truncations (1.5 codes, `0.1875`) are most of its Δ+
//!   bound.
//!
//! The bounds [`LogAdd::error_bound`] states at `FRAC = 3`, and the worst
//! log error of `+` over all 65,536 pairs of `LogNum8<3>` (saturated and
//! flushed sums left out; `cargo test -p lognum --release --test
//! lns8_exhaustive worst -- --ignored --nocapture`):
//!
//! | approximation | Δ+ bound | worst Δ+ | Δ− bound (from `d`) | worst Δ− |
//! |---|---|---|---|---|
//! | [`Exact`] | 0.0625 | 0.0624 | 0.0625 (1 code) | 0.0598 |
//! | [`Lut`] | 0.1875 | 0.1313 | 0.9429 (2 codes) | 0.9020 |
//! | [`TruncLut`] | 0.1875 | 0.1466 | 0.9429 (2 codes) | 0.5216 |
//! | [`SoftmaxLut`] | 0.0664 | 0.0624 | 1.0586 (1 code) | 0.0598 |
//! | [`Interp`] | 0.1304 | 0.0997 | 0.3035 (2 codes) | 0.1228 |
//! | [`BitShift`] | 0.2736 | 0.1503 | 0.8966 (4 codes) | 0.6466 |
//! | [`FloorShift`] | 0.4151 | 0.3722 | 0.5 (4 codes) | 0.3631 |
//!
//! At `FRAC = 0` [`FloorShift`]'s shifts drop whole codes that its bound
//! for `FRAC ≥ 1` does not allow for; it states `0.5850` and `1` there
//! (see its docs).
//!
//! ## Monotonicity
//!
//! With the table approximations a sum can *decrease* when an operand
//! increases: in `LogNum<10, Lut>`, `0x0001 + 0x0100 = 0x0500` but
//! `0x0001 + 0x0101 = 0x0417`, and 1,005,632 of the 2^32 pairs `(x, y)` have
//! `x + y' < x + y` for the next value `y'` after `y`. The reason: with `x`
//! fixed and `|y| > |x|` of the same sign, `x + y = Y + Δ+(Y − X)`, so one
//! code more of `y` adds one code to `Y` and one to `d`; the sum falls
//! wherever Δ+ falls by more than one code from `d` to `d + 1`. Every other
//! case is monotone with any non-increasing Δ+ and −Δ− (a larger `y` of the
//! other sign only cancels less). Hence `+` is monotone in each operand
//! exactly when Δ+ never drops by more than one code per code (the table
//! is for the default shapes):
//!
//! | approximation | monotone | why (at `FRAC` fraction bits) | falling pairs of `LogNum<10>` |
//! |---|---|---|---|
//! | [`Exact`] | always | Δ+ falls at most half a code per code, its rounding at most one | 0 |
//! | [`BitShift`] | always | a chord falling half a code per code, continuous at every integer `d` | 0 |
//! | [`Interp`] | `FRAC ≤ 10` | chords as above; only the cut-off at `d = RANGE = 10` drops `Δ+(10)·2^FRAC` codes at once | 0 |
//! | [`Lut`] | `FRAC ≤ 2` | steps of `r = 1/2`: 234 codes at the first at `FRAC = 10` | 1,005,632 |
//! | [`TruncLut`] | `FRAC ≤ 2` | the same steps, offset by `r/2` | 997,252 |
//! | [`SoftmaxLut`] | `FRAC ≤ 7` | steps of `r = 1/64`: up to 8 codes at `FRAC = 10` | 12,971,014 |
//! | [`FloorShift`] | `FRAC ≤ 1` | steps of 1: `2^(FRAC−1)` codes at `d = 1` | 495,584 |
//!
//! The last column counts the `(x, y)` of the 2^32 pairs with `x + y' <
//! x + y` (`cargo test -p lognum --release --test monotone -- --ignored`,
//! 2.5 minutes on one core).
//!
//! In [`LogNum8<3>`](crate::LogNum8) the counts over its 65,536 pairs are
//! 462 for `Lut`, 234 for `TruncLut`, 444 for `FloorShift` and 0 for the
//! others; at every `FRAC` of the byte they are 0 where `is_monotone` says
//! so (`cargo test -p lognum --release --test lns8_exhaustive falls --
//! --ignored --nocapture` prints them all).
//!
//! So at the paper's 16-bit word `Exact`, `BitShift` and `Interp` are
//! monotone and `Lut`, `TruncLut`, `SoftmaxLut` and `FloorShift` are not.
//! A fall is at most twice the approximation's Δ+ error bound, so it does
//! not widen the error bounds above; it matters where code relies on
//! order, e.g. a sum compared against a threshold or a search over sums. The
//! crate's tests check the rule on Δ at every code for `FRAC` 0 to 11 and 16,
//! and on `+` for every pair of `LogNum<6>`, of `LogNum8` at each `FRAC`,
//! and a sample of `LogNum<10>`.

//! ## Adding an approximation
//!
//! 1. Write it in its own file beside the others, `logadd/name.rs`: a
//!    zero-sized type implementing [`LogAdd`], with its [`NAME`](LogAdd::NAME),
//!    its [`error_bound`](LogAdd::error_bound) and
//!    [`is_monotone`](LogAdd::is_monotone) (their derivations in the type's
//!    docs) and [`PAIRWISE_SUMS`](LogAdd::PAIRWISE_SUMS); declare the file
//!    with `mod name; pub use name::Name;` beside the others in
//!    `logadd/mod.rs` (the crate root re-exports all of `logadd`).
//! 2. Add one line for it to the list in `for_each_log_add!` (below the
//!    `pub use` lines). The crate's tests and the fuzz targets iterate it:
//!    they check the declared bound at every code of `LogNum<10>` and
//!    `LogNum<6>` (and a sample of wider formats), the declared monotonicity
//!    at every `FRAC` from 0 to 11 and 16, and every sum against an f64
//!    reference within the bound.
//!
//! To train with it, `lognum-nn` needs one row more in its format table.

mod exact;
mod interp;
mod lut;
mod shift;

pub use exact::Exact;
pub use interp::Interp;
pub use lut::{Lut, SoftmaxLut, TruncLut};
pub use shift::{BitShift, FloorShift};

/// Calls `$callback!(A $(, extra tokens)*)` once for every log-add
/// approximation of the crate, `A` its type (default shape), in this order.
/// The one list of approximations: the crate's tests and the fuzz targets
/// iterate it, so a new approximation is covered by adding one line here.
///
/// ```
/// let mut names = Vec::new();
/// macro_rules! push_name {
///     ($a:ty, $v:ident) => {
///         $v.push(<$a as lognum::LogAdd>::NAME)
///     };
/// }
/// lognum::for_each_log_add!(push_name, names);
/// assert_eq!(names[0], "exact");
/// assert_eq!(names.len(), 7);
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_log_add {
    ($callback:ident $(, $($extra:tt)*)?) => {
        $callback!($crate::Exact $(, $($extra)*)?);
        $callback!($crate::Lut $(, $($extra)*)?);
        $callback!($crate::TruncLut $(, $($extra)*)?);
        $callback!($crate::SoftmaxLut $(, $($extra)*)?);
        $callback!($crate::Interp $(, $($extra)*)?);
        $callback!($crate::BitShift $(, $($extra)*)?);
        $callback!($crate::FloorShift $(, $($extra)*)?);
    };
}

/// The worst-case error of an approximation's Δ+ and Δ− at one width, in
/// log units (one code is `2^-FRAC`), the rounding of its codes included:
/// what [`LogAdd::error_bound`] states and the crate's tests assert at every
/// code.
///
/// Every sum is `max(X, Y) ± Δ(d)` in whole codes, so the log error of a sum
/// is the error of Δ at its gap `d`: the same bound holds for `+` and `−` of
/// [`LogNum`](crate::LogNum) and [`WideLogNum`](crate::WideLogNum).
///
/// ```
/// use lognum::{BitShift, LogAdd};
/// let b = BitShift::error_bound(10);
/// // 0.0861 plus 1.5 codes of truncation.
/// assert!((b.plus - (0.0861 + 1.5 / 1024.0)).abs() < 1e-12);
/// // Δ− has its pole at d = 0: bounded from d = 1/2 (512 codes) on.
/// assert_eq!(b.minus_from, 512);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErrorBound {
    /// The largest `|Δ+ error|` over every gap `d`.
    pub plus: f64,
    /// The largest `|Δ− error|` over the gaps `d ≥ minus_from`.
    pub minus: f64,
    /// The smallest gap, in codes (at least 1), from which `minus` holds.
    /// Below it no approximation can follow Δ−'s pole, and no bound is
    /// claimed (see the module docs).
    pub minus_from: u32,
}

use core::fmt::Debug;
use core::hash::Hash;

/// A log-add approximation: the two correction functions on integer codes.
///
/// Implementors are zero-sized marker types chosen at compile time through the
/// second parameter of [`LogNum`](crate::LogNum) and
/// [`WideLogNum`](crate::WideLogNum).
///
/// Both functions take `d`, the difference of the two log magnitudes in units
/// of `2^-FRAC`, and return a magnitude in the same units.
///
/// ```
/// use lognum::{Exact, LogAdd};
/// // Δ+(0) = log2(2) = 1, i.e. 1024 codes at 10 fraction bits.
/// assert_eq!(Exact::delta_plus::<10>(0), 1024);
/// // Δ−(1) = log2(1/2) = -1: delta_minus returns the magnitude, 1024 codes.
/// assert_eq!(Exact::delta_minus::<10>(1024), 1024);
/// ```
pub trait LogAdd: Copy + Default + Debug + Eq + Hash + Send + Sync + 'static {
    /// A short name for tables and logs, e.g. `"lut"`.
    ///
    /// ```
    /// use lognum::{Interp, LogAdd};
    /// assert_eq!(<Interp>::NAME, "interp");
    /// ```
    const NAME: &'static str;

    /// Whether long sums in this approximation should be added as a tree of
    /// pairs rather than left to right: true where Δ+ is biased for terms far
    /// below the running sum, so that a sequential sum drifts (as for
    /// [`BitShift`]). Libraries that choose a summation order (`lognum-nn`)
    /// read this.
    ///
    /// ```
    /// use lognum::{BitShift, LogAdd, Lut};
    /// assert!(BitShift::PAIRWISE_SUMS);
    /// assert!(!<Lut>::PAIRWISE_SUMS);
    /// ```
    const PAIRWISE_SUMS: bool;

    /// The worst-case error of Δ+ and Δ− at `frac` fraction bits, as derived
    /// in the type's docs (the module docs tabulate it for `frac = 10`).
    ///
    /// ```
    /// use lognum::{Exact, LogAdd};
    /// // Correct rounding: half a code.
    /// assert_eq!(Exact::error_bound(10).plus, 0.5 / 1024.0);
    /// ```
    fn error_bound(frac: u32) -> ErrorBound;

    /// Whether `x + y` never decreases as `y` grows, at `frac` fraction
    /// bits: exactly when Δ+ never falls by more than one code from one code
    /// `d` to the next (see [Monotonicity](self#monotonicity)).
    ///
    /// ```
    /// use lognum::{BitShift, LogAdd, Lut};
    /// assert!(BitShift::is_monotone(10));
    /// assert!(!<Lut>::is_monotone(10) && <Lut>::is_monotone(2));
    /// ```
    fn is_monotone(frac: u32) -> bool;

    /// `Δ+(d)` in codes: `round(log2(1 + 2^-d) · 2^FRAC)` as this
    /// approximation computes it, for `d ≥ 0`. At most `2^FRAC`.
    fn delta_plus<const FRAC: u32>(d: u32) -> u32;

    /// `−Δ−(d)` in codes (a non-negative magnitude to subtract), for `d ≥ 1`.
    ///
    /// `d = 0` (exact cancellation) is handled by the caller and never
    /// reaches this function. The result may exceed any magnitude; the caller
    /// flushes the sum to zero then.
    fn delta_minus<const FRAC: u32>(d: u32) -> u32;

    /// The signed correction for a sum of two magnitudes `d` codes apart:
    /// `Δ+(d)` when the signs agree (`same_sign`), `−(−Δ−(d))` when they
    /// differ, each saturated to `±i32::MAX`. Every sum comes out as it would
    /// with the unsaturated value, since no magnitude field is wider than 31
    /// bits. For `d = 0` with differing signs the sum is an exact zero and
    /// the value is ignored. The arithmetic calls only this.
    ///
    /// The default evaluates both functions (Δ− at `max(d, 1)`) and selects
    /// without a branch: right for approximations whose functions are a few
    /// integer operations or a table load, where a mispredicted sign would
    /// cost more than the second evaluation. Override it where one function
    /// is expensive ([`Exact`] does for formats it has no table for), or
    /// where the saturation is known to be unnecessary.
    ///
    /// ```
    /// use lognum::{LogAdd, Lut};
    /// assert_eq!(<Lut>::delta::<10>(true, 1024), <Lut>::delta_plus::<10>(1024) as i32);
    /// assert_eq!(<Lut>::delta::<10>(false, 1024), -(<Lut>::delta_minus::<10>(1024) as i32));
    /// ```
    #[inline(always)]
    fn delta<const FRAC: u32>(same_sign: bool, d: u32) -> i32 {
        let plus = Self::delta_plus::<FRAC>(d).min(i32::MAX as u32) as i32;
        let minus = -(Self::delta_minus::<FRAC>(d.max(1)).min(i32::MAX as u32) as i32);
        core::hint::select_unpredictable(same_sign, plus, minus)
    }
}

/// `2^FRAC` as an f64: the number of codes per log unit.
pub(crate) const fn scale(frac: u32) -> f64 {
    (1u64 << frac) as f64
}

/// The first code at or above `2^-k` log units at `frac` fraction bits:
/// `ceil(2^(frac − k))`.
pub(crate) const fn codes_from_pow2(frac: u32, k: u32) -> u32 {
    if frac >= k { 1 << (frac - k) } else { 1 }
}

/// The capacity of compile-time tables (entries per function).
pub(crate) const TABLE_CAP: usize = 1025;

#[cfg(test)]
mod tests;
