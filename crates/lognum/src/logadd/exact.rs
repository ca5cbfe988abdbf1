use super::{LogAdd, scale};
use crate::math;

/// Correctly rounded Δ: the reference every other approximation is measured
/// against.
///
/// Evaluates `log2(1 ± 2^-d)` in f64 by series (no `std` needed) and rounds to
/// the nearest code. The f64 error is below 2^-40 log units, so the result is
/// the correctly rounded code except when the true value lies within 2^-40 of a
/// half code. For `d ≥ (FRAC + 2)·2^FRAC` both functions round to zero and are
/// returned without evaluation: `|Δ±(d)| ≤ 1.45·2^-d / (1 − 2^-d)` which is below
/// half a code there.
///
/// ```
/// use lognum::{Exact, LogNum};
/// type L = LogNum<10, Exact>;
/// let s = L::from_f64(3.0) + L::from_f64(5.0);
/// assert!((s.to_f64() - 8.0).abs() < 8.0 * 0.001);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Exact;

impl Exact {
    #[inline]
    fn cutoff(frac: u32) -> u32 {
        (frac + 2) << frac
    }
}

impl LogAdd for Exact {
    const NAME: &'static str = "exact";

    #[inline]
    fn delta_plus<const FRAC: u32>(d: u32) -> u32 {
        if d >= Self::cutoff(FRAC) {
            return 0;
        }
        let s = scale(FRAC);
        math::round_i64(math::delta_plus(d as f64 / s) * s) as u32
    }

    #[inline]
    fn delta_minus<const FRAC: u32>(d: u32) -> u32 {
        if d >= Self::cutoff(FRAC) {
            return 0;
        }
        let s = scale(FRAC);
        let v = math::round_i64(math::neg_delta_minus(d as f64 / s) * s);
        v.clamp(0, u32::MAX as i64) as u32
    }
}
