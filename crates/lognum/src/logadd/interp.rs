use super::lut::{Tables, index};
use super::{ErrorBound, LogAdd, TABLE_CAP, codes_from_pow2, scale};
use crate::math;

/// Piecewise-linear interpolation between the samples of a [`Lut`](crate::Lut)
/// grid: the approach of the 2025 follow-up work, with the paper's own table
/// points (`r = 1/2`, `d < 10`: 21 samples per function).
///
/// For `d` in segment `i` (`i·r ≤ d < (i+1)·r`) the value is
/// `T[i] + (T[i+1] − T[i])·f / 2^s` with `f` the low `s = FRAC − RES_BITS` bits
/// of `d`: one small integer multiply and a shift, no floating point. Beyond
/// `RANGE` the value is zero. The first Δ− segment has no finite left end; it
/// interpolates from `Δ−(r/4)`.
///
/// **Error bound** (log units, asserted by the tests). Linear interpolation of
/// a function with `|f''| ≤ M` on a step `r` is off by at most `M·r²/8`; for Δ+,
/// `M = ln2/4` (at `d = 0`), so the error is at most `r²·ln2/32` (0.00542 at
/// `r = 1/2`) plus one code for the rounding of the samples and of the
/// interpolation, or `Δ+(RANGE)` past the end. For Δ− `|Δ−''|`
/// (`ln2·2^-d/(1−2^-d)²`) falls with `d`, so among the full segments the
/// bound is largest on the second, `[r, 2r]`, and on `[k·r, ∞)` it is
/// `|Δ−''(k·r)|·r²/8`: 0.179 from `d = r = 1/2`, 0.0434 from `d = 1` on, 0.0097
/// from `d = 2` on. The first segment, whose left sample is displaced, has no
/// such bound; on `[r/2, r)` its error peaks at 0.1026 (near `d = 0.35`, found
/// numerically). Each figure takes one code for rounding on top, as for Δ+:
/// for `d ≥ r/2`, Δ− ≤ 0.179 + 2^-FRAC. Below `r/2` Δ− is unbounded, as for
/// every table.
///
/// **Monotone** for `FRAC ≤ 10`: each chord falls by at most half a code per
/// code, but past `RANGE` the value drops from `Δ+(RANGE)` to zero at once,
/// more than one code from `FRAC = 11` on (see [the module
/// docs](crate::logadd#monotonicity)).
///
/// ```
/// use lognum::{Interp, LogAdd, Exact};
/// // Much closer to the exact value than the 20-entry table at d = 0.3.
/// let (i, e) = (Interp::<1, 10>::delta_plus::<10>(307), Exact::delta_plus::<10>(307));
/// assert!(i.abs_diff(e) <= 7);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Interp<const RES_BITS: u32 = 1, const RANGE: u32 = 10>;

impl<const RES_BITS: u32, const RANGE: u32> Interp<RES_BITS, RANGE> {
    /// Segments per function: `RANGE · 2^RES_BITS` (one more sample is stored).
    pub const SEGMENTS: usize = {
        assert!(
            RES_BITS <= 16 && (RANGE as u64) << RES_BITS < TABLE_CAP as u64,
            "an Interp holds at most 1024 segments"
        );
        (RANGE << RES_BITS) as usize
    };

    #[inline(always)]
    fn eval<const FRAC: u32>(d: u32, table: &[u32; TABLE_CAP]) -> u32 {
        let i = index(d, FRAC, RES_BITS, false) as usize;
        if i >= Self::SEGMENTS {
            return 0;
        }
        Self::between::<FRAC>(d, table[i], table[i + 1])
    }

    /// The samples the interpolation runs between, in codes of `FRAC`
    /// fraction bits: `Δ+(i·r)` (`plus`) or `−Δ−(i·r)` (the first at `r/4`),
    /// for `i` in `0..=SEGMENTS`. `delta` on segment `i` is
    /// `s[i] + ((s[i+1] − s[i])·f + 2^(k−1)) >> k` with `f` the low
    /// `k = FRAC − RES_BITS` bits of `d` (clamped below at zero), and zero
    /// from `SEGMENTS` on: what a vector kernel needs to reproduce it bit for
    /// bit.
    ///
    /// ```
    /// use lognum::{Interp, LogAdd};
    /// type I = Interp<1, 10>;
    /// let plus = I::samples::<10>(true);
    /// assert_eq!(plus.len(), I::SEGMENTS + 1);
    /// // At a grid point the interpolant is the sample itself.
    /// assert_eq!(I::delta_plus::<10>(3 << 9), plus[3]);
    /// assert_eq!(I::delta_minus::<10>(3 << 9), I::samples::<10>(false)[3]);
    /// ```
    pub fn samples<const FRAC: u32>(plus: bool) -> &'static [u32] {
        let table: &'static [u32; TABLE_CAP] = if plus {
            const { &Tables::<FRAC, RES_BITS, RANGE, false>::PLUS }
        } else {
            const { &Tables::<FRAC, RES_BITS, RANGE, false>::MINUS }
        };
        &table[..=Self::SEGMENTS]
    }

    /// The interpolant at `d` between the samples `a` and `b` of its segment.
    #[inline(always)]
    fn between<const FRAC: u32>(d: u32, a: u32, b: u32) -> u32 {
        if FRAC <= RES_BITS {
            return a;
        }
        let s = FRAC - RES_BITS;
        let f = d & ((1u32 << s) - 1);
        if FRAC <= 10 {
            // The same arithmetic in 32 bits, which it fits at these widths
            // (samples below 2^15, `f` below 2^10), for the narrower lanes.
            let (a, b, f) = (a as i32, b as i32, f as i32);
            let v = a + (((b - a) * f + (1i32 << (s - 1))) >> s);
            return v.max(0) as u32;
        }
        let (a, b, f) = (a as i64, b as i64, f as i64);
        let v = a + (((b - a) * f + (1i64 << (s - 1))) >> s);
        v.max(0) as u32
    }
}

impl<const RES_BITS: u32, const RANGE: u32> LogAdd for Interp<RES_BITS, RANGE> {
    const NAME: &'static str = "interp";
    const PAIRWISE_SUMS: bool = false;

    /// Derived above: Δ+ within `r²·ln2/32` (or the tail `Δ+(RANGE)`), Δ−
    /// from `d = r/2` within `|Δ−''(r)|·r²/8` (or the tail), each plus one
    /// code; the displaced first segment stays below that (0.1026 against
    /// 0.179 at `r = 1/2`).
    fn error_bound(frac: u32) -> ErrorBound {
        let r = 1.0 / scale(RES_BITS);
        let code = 1.0 / scale(frac);
        let tail = RANGE as f64;
        // |Δ−''(r)| = ln2·2^-r / (1 − 2^-r)², with 1 − 2^-r = −expm1.
        let u = math::exp2(-r);
        let one_minus_u = -math::exp2m1(-r);
        let curvature = core::f64::consts::LN_2 * u / (one_minus_u * one_minus_u);
        ErrorBound {
            plus: (r * r * core::f64::consts::LN_2 / 32.0).max(math::delta_plus(tail)) + code,
            minus: (curvature * r * r / 8.0).max(math::neg_delta_minus(tail)) + code,
            minus_from: codes_from_pow2(frac, RES_BITS + 1),
        }
    }

    /// While the drop to zero past `RANGE`, `Δ+(RANGE)·2^FRAC` codes, is one
    /// code at most (`FRAC ≤ 10` for the default); the chords fall by at
    /// most half a code per code.
    fn is_monotone(frac: u32) -> bool {
        math::round_i64(math::delta_plus(RANGE as f64) * scale(frac)) <= 1
    }

    #[inline]
    fn delta_plus<const FRAC: u32>(d: u32) -> u32 {
        Self::eval::<FRAC>(d, &Tables::<FRAC, RES_BITS, RANGE, false>::PLUS)
    }

    #[inline]
    fn delta_minus<const FRAC: u32>(d: u32) -> u32 {
        Self::eval::<FRAC>(d, &Tables::<FRAC, RES_BITS, RANGE, false>::MINUS)
    }

    /// One interpolation, between samples loaded from both tables and then
    /// selected by the sign (so that the loads need not wait for it); no
    /// saturation (`build` asserts the samples are below 2^31).
    #[inline(always)]
    fn delta<const FRAC: u32>(same_sign: bool, d: u32) -> i32 {
        let i = index(d, FRAC, RES_BITS, false) as usize;
        if i >= Self::SEGMENTS {
            return 0;
        }
        let (p, m) = (
            &Tables::<FRAC, RES_BITS, RANGE, false>::PLUS,
            &Tables::<FRAC, RES_BITS, RANGE, false>::MINUS,
        );
        let a = core::hint::select_unpredictable(same_sign, p[i], m[i]);
        let b = core::hint::select_unpredictable(same_sign, p[i + 1], m[i + 1]);
        let v = Self::between::<FRAC>(d, a, b) as i32;
        core::hint::select_unpredictable(same_sign, v, -v)
    }
}
