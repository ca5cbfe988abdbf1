use super::{ErrorBound, LogAdd, codes_from_pow2, scale};

/// The paper's bit-shift approximation: `Δ+(d) ≈ 2^-d` and
/// `Δ−(d) ≈ −1.5·2^-d`, with `2^-d` computed by a shift and a subtraction
/// (Mitchell's linear antilogarithm).
///
/// From `ln(1 ± x) ≈ ±x`: `Δ±(d) ≈ ±log2(e)·2^-d`, with `log2(e)` taken as 1
/// for Δ+ and 1.5 for Δ−. Write `d = n + f` with `n` its integer part and `f`
/// its fraction (the low `FRAC` bits of the code); then
/// `2^-d = 2^-f·2^-n ≈ (1 − f/2)·2^-n`, the chord of `2^-f` on `[0, 1]`.
/// In codes of `2^-FRAC`:
///
/// ```text
/// Δ+(d) = (2^FRAC − ⌊f/2⌋) >> n
/// Δ−(d) = −((1.5·2^FRAC − ⌊f/2⌋ − ⌊f/4⌋) >> n)
/// ```
///
/// two shifts of the fraction, one or two subtractions, one barrel shift: no
/// table and no multiplier. [`FloorShift`] drops the fraction (`2^-⌊d⌋`, a
/// table with resolution 1); it is cheaper still but biased on every unit
/// interval, and trains markedly worse (docs/REPRODUCTION.md has the
/// ablation).
///
/// **Error bound** (log units, asserted by the tests at every code). The
/// chord lies above `2^-f` by at most `max(1 − f/2 − 2^-f) = 0.0430`, and
/// `2^-d` lies below `Δ+(d)` by at most `max_u(log2(1+u) − u) = 0.0861`
/// (`u = 2^-d = 1/ln2 − 1`); so Δ+ is off by at most `0.0861` plus the
/// truncations (half a code for `⌊f/2⌋`, one for the shift):
/// `0.0861 + 1.5·2^-FRAC`. For Δ− with `d ≥ 1/2` the worst is at `d = 1/2`,
/// where `1.5·(1 − 1/4) = 1.125` stands for `|Δ−(1/2)| = 1.7716`: `0.6466`
/// (then at most `0.25` from `d = 1`, where `0.75` stands for 1), plus two
/// codes of truncation. Below `d = 1/2`, as for every table, Δ− is
/// unbounded.
///
/// **Monotone** at every `FRAC`: the chord falls by at most one code per two
/// codes of `d` and meets the next unit's chord at every integer `d`, so no
/// sum decreases when an operand grows (see [the module
/// docs](crate::logadd#monotonicity)).
///
/// **Long sums.** For `d` beyond a few units Δ+ is `ln 2 ≈ 0.69` of the
/// true value (`Δ+(d) ≈ 2^-d/ln 2`), while Δ− is close to its own: a term
/// far below the running sum is undercounted when it has the sum's sign and
/// not otherwise. A left-to-right sum of many terms (what `Iterator::sum`
/// does) is therefore biased; summing in a tree of pairs, which adds terms
/// of similar size, cuts the error of a 784-term dot product about 3×.
/// `lognum-tensor`'s `Accumulate::Pairwise` does that for matrix products,
/// and `lognum-nn` trains this approximation with it by default.
///
/// ```
/// use lognum::{BitShift, LogAdd};
/// // d = 2.5: 2^-2.5 ≈ (1 − 0.25)·2^-2 = 0.1875 → 192 codes at 10 fraction bits.
/// assert_eq!(BitShift::delta_plus::<10>(2560), 192);
/// // Δ− ≈ −1.5 · 0.1875 = −0.28125 → 288 codes.
/// assert_eq!(BitShift::delta_minus::<10>(2560), 288);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BitShift;

impl BitShift {
    /// `(c − ⌊f/2⌋ [− ⌊f/4⌋]) >> n` for `d = n·2^FRAC + f`, in 32 bits (the
    /// constants are below 2^28 for every supported `FRAC`).
    #[inline(always)]
    const fn shifted<const FRAC: u32>(plus: bool, d: u32) -> u32 {
        let f = d & ((1u32 << FRAC) - 1);
        let c = if plus {
            (1u32 << FRAC) - (f >> 1)
        } else {
            ((3u32 << FRAC) >> 1) - (f >> 1) - (f >> 2)
        };
        match c.checked_shr(d >> FRAC) {
            Some(v) => v,
            None => 0,
        }
    }
}

impl LogAdd for BitShift {
    const NAME: &'static str = "shift";
    /// Δ+ counts a term far below the sum at `ln 2` of its value (see
    /// "Long sums" above).
    const PAIRWISE_SUMS: bool = true;

    /// `0.0861 + 1.5·2^-FRAC` for Δ+, `0.6466 + 2·2^-FRAC` for Δ− from
    /// `d = 1/2` (derived above).
    fn error_bound(frac: u32) -> ErrorBound {
        let code = 1.0 / scale(frac);
        ErrorBound {
            plus: 0.0861 + 1.5 * code,
            minus: 0.6466 + 2.0 * code,
            minus_from: codes_from_pow2(frac, 1),
        }
    }

    /// Always (see above).
    fn is_monotone(_frac: u32) -> bool {
        true
    }

    #[inline]
    fn delta_plus<const FRAC: u32>(d: u32) -> u32 {
        Self::shifted::<FRAC>(true, d)
    }

    #[inline]
    fn delta_minus<const FRAC: u32>(d: u32) -> u32 {
        Self::shifted::<FRAC>(false, d)
    }

    /// The constant and the fraction terms the signs call for, one shift.
    #[inline(always)]
    fn delta<const FRAC: u32>(same_sign: bool, d: u32) -> i32 {
        let f = d & ((1u32 << FRAC) - 1);
        let base = if same_sign {
            1u32 << FRAC
        } else {
            (3u32 << FRAC) >> 1
        };
        let quarter = if same_sign { 0 } else { f >> 2 };
        let c = base - (f >> 1) - quarter;
        let v = c.checked_shr(d >> FRAC).unwrap_or(0) as i32;
        core::hint::select_unpredictable(same_sign, v, -v)
    }
}

/// The bit shift without the fraction: `Δ+(d) ≈ 2^-⌊d⌋` and
/// `Δ−(d) ≈ −1.5·2^-⌊d⌋`, the constants 1 and 1.5 shifted right by the
/// integer part of `d` (a table with resolution 1 and no memory, as the
/// paper's slides describe the shift).
///
/// Kept for comparison with [`BitShift`]: it needs no subtraction, but on
/// `[0, 1)` it holds Δ+ at 1 where the function falls to 0.585, and Δ− at
/// 1.5 times a value that `2^-d` only reaches at the left end, so sums run
/// large and differences small; it trains several points below
/// [`BitShift`].
///
/// **Error bound** (log units, asserted by the tests). On `[n, n+1)` the
/// approximation is constant; Δ+ falls from `Δ+(n)` to `Δ+(n+1)`, so the error
/// is at most `max(Δ+(n) − 2^-n, 2^-n − Δ+(n+1))`, largest for `n = 0`:
/// `1 − log2(1.5) = 0.41504`. For Δ− with `d ≥ 1/2` the worst is on `[1/2, 1)`:
/// `|−1.5 − Δ−(1)| = 0.5`. Below `d = 1/2`, as for every table, Δ− is unbounded.
/// The shifts are exact codes while `⌊d⌋ < FRAC`, so no rounding term is added;
/// past that the shifted-out bits are worth less than one code, and the
/// error stays inside the bound from `FRAC = 1` on. At `FRAC = 0` it does
/// not: Δ+(1) = 0.585 shifts out to 0 codes, and the constant 1.5 of Δ− is
/// itself truncated to 1 code, so Δ−(1) = −1 comes out as 0. There the
/// bounds are `log2 1.5 < 0.5850` and `1`.
///
/// **Not monotone** from `FRAC = 2` on: Δ+ falls by `2^(FRAC−1−n)` codes at
/// each integer `d = n + 1`, so a sum falls there when an operand grows by one
/// code (see [the module docs](crate::logadd#monotonicity)).
///
/// ```
/// use lognum::{FloorShift, LogAdd};
/// // d = 2.7: Δ+ ≈ 2^-2 = 0.25 → 256 codes at 10 fraction bits.
/// assert_eq!(FloorShift::delta_plus::<10>(2765), 256);
/// // Δ− ≈ −1.5 · 2^-2 = −0.375 → 384 codes.
/// assert_eq!(FloorShift::delta_minus::<10>(2765), 384);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FloorShift;

impl LogAdd for FloorShift {
    const NAME: &'static str = "shift-floor";
    const PAIRWISE_SUMS: bool = false;

    /// `1 − log2 1.5 < 0.4151` for Δ+, `0.5` for Δ− from `d = 1/2`, no
    /// rounding term; `0.5850` and `1` at `FRAC = 0` (derived above).
    fn error_bound(frac: u32) -> ErrorBound {
        let (plus, minus) = if frac == 0 {
            (0.5850, 1.0)
        } else {
            (0.4151, 0.5)
        };
        ErrorBound {
            plus,
            minus,
            minus_from: codes_from_pow2(frac, 1),
        }
    }

    /// For `FRAC ≤ 1` only: Δ+ falls by `2^(FRAC−1)` codes at `d = 1`.
    fn is_monotone(frac: u32) -> bool {
        frac <= 1
    }

    #[inline]
    fn delta_plus<const FRAC: u32>(d: u32) -> u32 {
        let n = d >> FRAC;
        (1u32 << FRAC).checked_shr(n).unwrap_or(0)
    }

    #[inline]
    fn delta_minus<const FRAC: u32>(d: u32) -> u32 {
        let n = d >> FRAC;
        // 1.5 · 2^FRAC = 3 · 2^(FRAC-1); shifted by one more to keep FRAC = 0 exact.
        ((3u64 << FRAC) >> 1).checked_shr(n).unwrap_or(0) as u32
    }

    /// One shift, of the constant the signs call for. (Both constants are
    /// below 2^31 for every supported `FRAC`, so 32 bits lose nothing.)
    #[inline(always)]
    fn delta<const FRAC: u32>(same_sign: bool, d: u32) -> i32 {
        let base = if same_sign {
            1u32 << FRAC
        } else {
            (3u32 << FRAC) >> 1
        };
        let v = base.checked_shr(d >> FRAC).unwrap_or(0) as i32;
        core::hint::select_unpredictable(same_sign, v, -v)
    }
}
