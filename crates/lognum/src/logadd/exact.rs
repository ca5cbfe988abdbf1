use super::{ErrorBound, LogAdd, scale};
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
/// **Monotone**: Δ+ falls at most half a code per code of `d`, so its
/// rounding at most one, and no sum decreases when an operand grows (see
/// [the module docs](crate::logadd#monotonicity)).
///
/// **Speed.** For `FRAC ≤ 10` (every [`LogNum`](crate::LogNum)) the series are
/// evaluated once, at compile time, for every `d` below that cutoff, and a sum
/// is a table load: `(FRAC + 2)·2^FRAC` entries of 32 bits (48 KiB at
/// `FRAC = 10`), built by the same code as the run-time series, so the results
/// are bit-identical. Wider formats evaluate the series at run time. The
/// table costs about 2 s of compile-time evaluation in each crate that adds
/// `LogNum<10, Exact>` values (less for smaller `FRAC`).
///
/// ```
/// use lognum::{Exact, LogNum};
/// type L = LogNum<10, Exact>;
/// let s = L::from_f64(3.0) + L::from_f64(5.0);
/// assert!((s.to_f64() - 8.0).abs() < 8.0 * 0.001);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Exact;

/// The largest `FRAC` served by a compile-time table.
const TABLE_FRAC_MAX: u32 = 10;

/// Entries of every compile-time table: the cutoff at `TABLE_FRAC_MAX`.
const TABLE_LEN: usize = ((TABLE_FRAC_MAX + 2) << TABLE_FRAC_MAX) as usize;

impl Exact {
    /// The `d` from which both functions round to zero.
    #[inline(always)]
    const fn cutoff(frac: u32) -> u32 {
        (frac + 2) << frac
    }

    /// `round(Δ+(d)·2^FRAC)` by the series, for `d` below the cutoff.
    #[inline]
    const fn plus_series(frac: u32, d: u32) -> u32 {
        let s = scale(frac);
        math::round_i64(math::delta_plus(d as f64 / s) * s) as u32
    }

    /// `round(−Δ−(d)·2^FRAC)` by the series, for `d` below the cutoff.
    #[inline]
    const fn minus_series(frac: u32, d: u32) -> u32 {
        let s = scale(frac);
        let v = math::round_i64(math::neg_delta_minus(d as f64 / s) * s);
        if v < 0 {
            0
        } else if v > u32::MAX as i64 {
            u32::MAX
        } else {
            v as u32
        }
    }
}

/// The compile-time table of [`Exact`] at `FRAC ≤ 10`: entry `d` holds the Δ+
/// code in its low half and the −Δ− code in its high half (both fit 16 bits:
/// the largest, −Δ−(2^-10) at `FRAC = 10`, is 10 786 codes). Entry 0's high half
/// is unused (`d = 0` never reaches Δ−).
struct Table<const FRAC: u32>;

impl<const FRAC: u32> Table<FRAC> {
    /// Also mentioned (in dead code) for wider `FRAC`, where it stays empty.
    const PACKED: [u32; TABLE_LEN] = {
        let mut t = [0u32; TABLE_LEN];
        let n = if FRAC <= TABLE_FRAC_MAX {
            Exact::cutoff(FRAC) as usize
        } else {
            0
        };
        let mut d = 0;
        while d < n {
            let plus = Exact::plus_series(FRAC, d as u32);
            let minus = if d == 0 {
                0
            } else {
                Exact::minus_series(FRAC, d as u32)
            };
            assert!(plus <= 0xffff && minus <= 0xffff);
            t[d] = plus | minus << 16;
            d += 1;
        }
        t
    };

    /// The packed entry for `d`, 0 (both Δ zero) from the cutoff on.
    #[inline(always)]
    fn get(d: u32) -> u32 {
        let t = &Self::PACKED;
        if d < Exact::cutoff(FRAC) {
            t[d as usize]
        } else {
            0
        }
    }
}

impl LogAdd for Exact {
    const NAME: &'static str = "exact";
    const PAIRWISE_SUMS: bool = false;

    /// Correct rounding: half a code for both functions, every `d ≥ 1`.
    fn error_bound(frac: u32) -> ErrorBound {
        let half = 0.5 / scale(frac);
        ErrorBound {
            plus: half,
            minus: half,
            minus_from: 1,
        }
    }

    /// Always: Δ+ falls at most half a code per code, its rounding at most
    /// one.
    fn is_monotone(_frac: u32) -> bool {
        true
    }

    #[inline]
    fn delta_plus<const FRAC: u32>(d: u32) -> u32 {
        if FRAC <= TABLE_FRAC_MAX {
            return Table::<FRAC>::get(d) & 0xffff;
        }
        if d >= Self::cutoff(FRAC) {
            return 0;
        }
        Self::plus_series(FRAC, d)
    }

    #[inline]
    fn delta_minus<const FRAC: u32>(d: u32) -> u32 {
        if FRAC <= TABLE_FRAC_MAX && d != 0 {
            return Table::<FRAC>::get(d) >> 16;
        }
        if d >= Self::cutoff(FRAC) {
            return 0;
        }
        Self::minus_series(FRAC, d)
    }

    /// One table load for both functions where there is a table; otherwise
    /// only the series the sign calls for.
    #[inline(always)]
    fn delta<const FRAC: u32>(same_sign: bool, d: u32) -> i32 {
        if FRAC <= TABLE_FRAC_MAX {
            let e = Table::<FRAC>::get(d);
            let (plus, minus) = ((e & 0xffff) as i32, -((e >> 16) as i32));
            return core::hint::select_unpredictable(same_sign, plus, minus);
        }
        if same_sign {
            Self::delta_plus::<FRAC>(d).min(i32::MAX as u32) as i32
        } else {
            -(Self::delta_minus::<FRAC>(d.max(1)).min(i32::MAX as u32) as i32)
        }
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    /// The table and the run-time series agree at every `d` for every
    /// tabulated `FRAC`, including past the cutoff and at `d = 0`.
    fn check<const FRAC: u32>() {
        let n = Exact::cutoff(FRAC);
        for d in 0..n + 3 {
            let (plus, minus) = if d < n {
                (Exact::plus_series(FRAC, d), Exact::minus_series(FRAC, d))
            } else {
                (0, 0)
            };
            assert_eq!(Exact::delta_plus::<FRAC>(d), plus, "Δ+ FRAC {FRAC} d {d}");
            assert_eq!(Exact::delta_minus::<FRAC>(d), minus, "Δ− FRAC {FRAC} d {d}");
        }
    }

    #[test]
    fn table_matches_series() {
        check::<0>();
        check::<1>();
        check::<2>();
        check::<3>();
        check::<4>();
        check::<5>();
        check::<6>();
        check::<7>();
        check::<8>();
        check::<9>();
        check::<10>();
    }
}
