use super::{ErrorBound, LogAdd, TABLE_CAP, codes_from_pow2, scale};
use crate::math;

/// Table look-up of Δ, the paper's method: `Δ` sampled on `[0, RANGE)` at
/// resolution `r = 2^-RES_BITS`, indexed by rounding `d` to the nearest sample
/// (the authors' C kernel), zero beyond the table.
///
/// The default, `Lut` = `Lut<1, 10>`, is the paper's table for all arithmetic:
/// 20 entries per function, `r = 1/2`. [`SoftmaxLut`] = `Lut<6, 10>` is the
/// paper's 640-entry softmax table. Tables hold at most 1024 entries per
/// function (a compile-time error otherwise) and are built at compile time.
///
/// Entry `i` holds `Δ(i·r)` rounded to the format's code. The first Δ− entry
/// stands for `(0, r/2)`, where Δ− runs to −∞; it holds `Δ−(r/4)`.
///
/// **Error bound** (log units, asserted by the tests). Rounding the index moves
/// `d` by at most `r/2`; `|Δ+'| ≤ 1/2`, so Δ+ is off by at most `r/4`, or by
/// `Δ+(RANGE − r/2)` past the table's end, plus half a code for the stored
/// rounding. For `d ≥ r/2`, `|Δ−'|` decreases with `d`, so the worst Δ− error is
/// at the first step, `|Δ−(r/2) − Δ−(r)|`, plus half a code. For the paper's
/// table: Δ+ ≤ 0.125 + 2^-(FRAC+1), Δ− ≤ 0.8805 + 2^-(FRAC+1) for `d ≥ 1/4`
/// (`|Δ−(1/4) − Δ−(1/2)| = 0.88041`). For [`SoftmaxLut`] (`r = 1/64`): Δ+ ≤
/// 1/256 + 2^-(FRAC+1), Δ− ≤ 0.9962 + 2^-(FRAC+1) for `d ≥ 1/128`.
///
/// **Not monotone.** Δ+ is a step function, and where a step falls by more
/// than one code a sum falls when an operand grows by one code past it
/// (`x + y = Y + Δ+(Y − X)` for `|y| > |x|`): `Lut` from `FRAC = 3` on (234
/// codes at its first step at `FRAC = 10`), `SoftmaxLut` from `FRAC = 8`.
/// See [the module docs](crate::logadd#monotonicity).
///
/// ```
/// use lognum::{LogAdd, Lut, SoftmaxLut};
/// // d = 0.3 rounds to the sample at 0.5: Δ+(0.5) = 0.7716 → 790 codes.
/// // In expression position the defaults need `<Lut>`.
/// assert_eq!(<Lut>::delta_plus::<10>(307), 790);
/// // The softmax table samples every 1/64.
/// assert_eq!(SoftmaxLut::ENTRIES, 640);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lut<const RES_BITS: u32 = 1, const RANGE: u32 = 10>;

/// The paper's finer softmax table: 640 entries, resolution 1/64.
pub type SoftmaxLut = Lut<6, 10>;

/// Like [`Lut`] but indexed by truncation, `floor(d / r)`, as the authors'
/// Python code does; entry `i` samples the middle of its interval,
/// `Δ((i + 1/2)·r)`, so the error bound is the same as [`Lut`]'s. Not
/// monotone either, for the same reason and from the same `FRAC`.
///
/// ```
/// use lognum::{LogAdd, TruncLut};
/// // d = 0.3 falls in [0, 0.5): the entry samples Δ+(0.25) = 0.8805 → 902.
/// assert_eq!(TruncLut::<1, 10>::delta_plus::<10>(307), 902);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TruncLut<const RES_BITS: u32 = 1, const RANGE: u32 = 10>;

impl<const RES_BITS: u32, const RANGE: u32> Lut<RES_BITS, RANGE> {
    /// Entries per function: `RANGE · 2^RES_BITS`.
    pub const ENTRIES: usize = {
        assert!(
            RES_BITS <= 16 && (RANGE as u64) << RES_BITS <= 1024,
            "a Lut holds at most 1024 entries"
        );
        (RANGE << RES_BITS) as usize
    };

    /// The Δ+ table at `FRAC` fraction bits (`ENTRIES` meaningful entries).
    pub fn plus_table<const FRAC: u32>() -> &'static [u32] {
        &Tables::<FRAC, RES_BITS, RANGE, false>::PLUS[..Self::ENTRIES]
    }

    /// The −Δ− table at `FRAC` fraction bits (`ENTRIES` meaningful entries).
    pub fn minus_table<const FRAC: u32>() -> &'static [u32] {
        &Tables::<FRAC, RES_BITS, RANGE, false>::MINUS[..Self::ENTRIES]
    }
}

impl<const RES_BITS: u32, const RANGE: u32> TruncLut<RES_BITS, RANGE> {
    /// Entries per function: `RANGE · 2^RES_BITS`.
    pub const ENTRIES: usize = Lut::<RES_BITS, RANGE>::ENTRIES;
}

/// Compile-time tables, one set per (FRAC, resolution, range, sampling).
pub(crate) struct Tables<const FRAC: u32, const RES_BITS: u32, const RANGE: u32, const MID: bool>;

impl<const FRAC: u32, const RES_BITS: u32, const RANGE: u32, const MID: bool>
    Tables<FRAC, RES_BITS, RANGE, MID>
{
    pub(crate) const PLUS: [u32; TABLE_CAP] = build(FRAC, RES_BITS, RANGE, MID, true);
    pub(crate) const MINUS: [u32; TABLE_CAP] = build(FRAC, RES_BITS, RANGE, MID, false);

    /// `PLUS[i]` or `−MINUS[i]` by `same_sign`, 0 from `entries` on: both
    /// values loaded (from `PACKED` at once where it exists), then a select
    /// (one load from a table selected by the sign is slower: the address
    /// then waits for the sign).
    #[inline(always)]
    pub(crate) fn signed(same_sign: bool, i: u32, entries: usize) -> i32 {
        let i = i as usize;
        let (plus, minus) = if FRAC <= 10 {
            let e = if i < entries { Self::PACKED[i] } else { 0 };
            ((e & 0xffff) as i32, -((e >> 16) as i32))
        } else if i < entries {
            (Self::PLUS[i] as i32, -(Self::MINUS[i] as i32))
        } else {
            (0, 0)
        };
        core::hint::select_unpredictable(same_sign, plus, minus)
    }

    /// `PLUS[i] | MINUS[i] << 16` for `FRAC ≤ 10`, where every entry fits 16
    /// bits (the largest, −Δ−(2^-18)·2^10, is 18 975): one load, and one
    /// gather when vectorised, serves both (empty for wider formats).
    pub(crate) const PACKED: [u32; TABLE_CAP] = {
        let mut t = [0u32; TABLE_CAP];
        let mut i = 0;
        while i < TABLE_CAP && FRAC <= 10 {
            assert!(Self::PLUS[i] <= 0xffff && Self::MINUS[i] <= 0xffff);
            t[i] = Self::PLUS[i] | Self::MINUS[i] << 16;
            i += 1;
        }
        t
    };
}

/// Builds `RANGE·2^RES_BITS + 1` samples (the last one serves interpolation).
pub(crate) const fn build(
    frac: u32,
    res_bits: u32,
    range: u32,
    mid: bool,
    plus: bool,
) -> [u32; TABLE_CAP] {
    let mut t = [0u32; TABLE_CAP];
    let n = (range as usize) << res_bits;
    let r = 1.0 / scale(res_bits);
    let s = scale(frac);
    let mut i = 0;
    while i <= n && i < TABLE_CAP {
        let mut d = i as f64 * r;
        if mid {
            d += r / 2.0;
        }
        if !plus && i == 0 && !mid {
            d = r / 4.0;
        }
        let v = if plus {
            math::delta_plus(d)
        } else {
            math::neg_delta_minus(d)
        };
        let code = math::round_i64(v * s);
        // `LogAdd::delta` of the tables relies on this (it holds with room
        // to spare: the largest sample, −Δ−(2^-18)·2^26, is below 2^31).
        assert!(code <= i32::MAX as i64, "a Δ table entry exceeds 2^31");
        t[i] = code as u32;
        i += 1;
    }
    t
}

/// The bound of a table with `2^-res_bits` resolution and `range` log units
/// (derived in the [`Lut`] docs), either sampling: Δ+ within `r/4` or the
/// tail `Δ+(RANGE − r/2)`, Δ− within `|Δ−(r/2) − Δ−(r)|` or the tail for
/// `d ≥ r/2`, each plus half a code for the stored rounding.
fn table_bound(res_bits: u32, range: u32, frac: u32) -> ErrorBound {
    let r = 1.0 / scale(res_bits);
    let tail = range as f64 - r / 2.0;
    let half = 0.5 / scale(frac);
    let step = math::neg_delta_minus(r / 2.0) - math::neg_delta_minus(r);
    ErrorBound {
        plus: (r / 4.0).max(math::delta_plus(tail)) + half,
        minus: step.max(math::neg_delta_minus(tail)) + half,
        minus_from: codes_from_pow2(frac, res_bits + 1),
    }
}

/// Whether a table's steps keep `+` monotone (see the [`Lut`] docs): the
/// first step, `2^(FRAC − RES_BITS − 1)` codes at most, falls by one code at
/// most up to `FRAC = RES_BITS + 1` and by more from there on (the later,
/// smaller steps follow); and the drop to zero after the last entry,
/// `last` log units, is one code at most.
fn table_monotone(res_bits: u32, last: f64, frac: u32) -> bool {
    frac <= res_bits + 1 && math::round_i64(math::delta_plus(last) * scale(frac)) <= 1
}

/// Index of the sample for code `d`: round (or truncate) `d / r`.
#[inline(always)]
pub(crate) fn index(d: u32, frac: u32, res_bits: u32, round: bool) -> u32 {
    let d = d as u64;
    let i = if frac >= res_bits {
        let s = frac - res_bits;
        let half = if round && s > 0 { 1u64 << (s - 1) } else { 0 };
        (d + half) >> s
    } else {
        d << (res_bits - frac)
    };
    i.min(u32::MAX as u64) as u32
}

impl<const RES_BITS: u32, const RANGE: u32> LogAdd for Lut<RES_BITS, RANGE> {
    const NAME: &'static str = "lut";
    const PAIRWISE_SUMS: bool = false;

    /// Derived above: for the paper's table `0.125 + 2^-(FRAC+1)` and
    /// `0.88041 + 2^-(FRAC+1)` from `d = 1/4`.
    fn error_bound(frac: u32) -> ErrorBound {
        table_bound(RES_BITS, RANGE, frac)
    }

    /// `FRAC ≤ RES_BITS + 1` (for the default, `FRAC ≤ 2`; see above).
    fn is_monotone(frac: u32) -> bool {
        let r = 1.0 / scale(RES_BITS);
        table_monotone(RES_BITS, RANGE as f64 - r, frac)
    }

    #[inline]
    fn delta_plus<const FRAC: u32>(d: u32) -> u32 {
        let i = index(d, FRAC, RES_BITS, true) as usize;
        if i < Self::ENTRIES {
            Tables::<FRAC, RES_BITS, RANGE, false>::PLUS[i]
        } else {
            0
        }
    }

    #[inline]
    fn delta_minus<const FRAC: u32>(d: u32) -> u32 {
        let i = index(d, FRAC, RES_BITS, true) as usize;
        if i < Self::ENTRIES {
            Tables::<FRAC, RES_BITS, RANGE, false>::MINUS[i]
        } else {
            0
        }
    }

    /// Both table loads, then a select; no saturation (`build` asserts the
    /// entries are below 2^31).
    #[inline(always)]
    fn delta<const FRAC: u32>(same_sign: bool, d: u32) -> i32 {
        Tables::<FRAC, RES_BITS, RANGE, false>::signed(
            same_sign,
            index(d, FRAC, RES_BITS, true),
            Self::ENTRIES,
        )
    }
}

impl<const RES_BITS: u32, const RANGE: u32> LogAdd for TruncLut<RES_BITS, RANGE> {
    const NAME: &'static str = "lut-trunc";
    const PAIRWISE_SUMS: bool = false;

    /// [`Lut`]'s bound.
    fn error_bound(frac: u32) -> ErrorBound {
        table_bound(RES_BITS, RANGE, frac)
    }

    /// As for [`Lut`]: `FRAC ≤ RES_BITS + 1`.
    fn is_monotone(frac: u32) -> bool {
        let r = 1.0 / scale(RES_BITS);
        table_monotone(RES_BITS, RANGE as f64 - r / 2.0, frac)
    }

    #[inline]
    fn delta_plus<const FRAC: u32>(d: u32) -> u32 {
        let i = index(d, FRAC, RES_BITS, false) as usize;
        if i < Self::ENTRIES {
            Tables::<FRAC, RES_BITS, RANGE, true>::PLUS[i]
        } else {
            0
        }
    }

    #[inline]
    fn delta_minus<const FRAC: u32>(d: u32) -> u32 {
        let i = index(d, FRAC, RES_BITS, false) as usize;
        if i < Self::ENTRIES {
            Tables::<FRAC, RES_BITS, RANGE, true>::MINUS[i]
        } else {
            0
        }
    }

    /// Both table loads, then a select; no saturation (`build` asserts the
    /// entries are below 2^31).
    #[inline(always)]
    fn delta<const FRAC: u32>(same_sign: bool, d: u32) -> i32 {
        Tables::<FRAC, RES_BITS, RANGE, true>::signed(
            same_sign,
            index(d, FRAC, RES_BITS, false),
            Self::ENTRIES,
        )
    }
}
