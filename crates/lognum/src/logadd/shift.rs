use super::LogAdd;

/// The paper's bit-shift approximation: `Δ+(d) ≈ 2^-⌊d⌋` and
/// `Δ−(d) ≈ −1.5·2^-⌊d⌋`, computed by shifting the constants 1 and 1.5 right
/// by the integer part of `d` (a table with resolution 1 and no memory).
///
/// From `ln(1 ± x) ≈ ±x`: `Δ±(d) ≈ ±log2(e)·2^-d`, with `log2(e)` taken as 1
/// for Δ+ and 1.5 for Δ−. Truncating `d` needs no adder in hardware and, since
/// `2^-d` underestimates Δ+ at integer points, partly cancels that bias.
///
/// **Error bound** (log units, asserted by the tests). On `[n, n+1)` the
/// approximation is constant; Δ+ falls from `Δ+(n)` to `Δ+(n+1)`, so the error
/// is at most `max(Δ+(n) − 2^-n, 2^-n − Δ+(n+1))`, largest for `n = 0`:
/// `1 − log2(1.5) = 0.41504`. For Δ− with `d ≥ 1/2` the worst is on `[1/2, 1)`:
/// `|−1.5 − Δ−(1)| = 0.5`. Below `d = 1/2`, as for every table, Δ− is unbounded.
/// The shifts are exact codes while `⌊d⌋ < FRAC`, so no rounding term is added;
/// past that the shifted-out bits are worth less than one code, where the
/// error is far inside the bound.
///
/// ```
/// use lognum::{BitShift, LogAdd};
/// // d = 2.7: Δ+ ≈ 2^-2 = 0.25 → 256 codes at 10 fraction bits.
/// assert_eq!(BitShift::delta_plus::<10>(2765), 256);
/// // Δ− ≈ −1.5 · 2^-2 = −0.375 → 384 codes.
/// assert_eq!(BitShift::delta_minus::<10>(2765), 384);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BitShift;

impl LogAdd for BitShift {
    const NAME: &'static str = "shift";

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
