//! Per-(FRAC, A) tables that let one vector kernel serve every log-add
//! approximation, built once by scanning `A` over every code difference,
//! and the two compact forms that spare the kernels the full table: a
//! bucketed table ([`Structured`]) and a computed Δ ([`Shifted`]).

use std::any::TypeId;

use lognum::{LogAdd, LogNum};

use super::cache::Cache;

/// The table value that flushes any sum to zero: `big − 32768 < 1` for
/// every magnitude. Stored where `d = 0` meets opposite signs (exact
/// cancellation).
pub(crate) const KILL: i16 = i16::MIN;

/// Index of the `d = 0` entry in each half of a [`Structured`] table.
pub(crate) const D0_SLOT: u16 = 30;

/// Slots per sign in AVX2's layout of a [`Structured`] table of at most 22
/// buckets ([`Structured::shuffled`]): the two halves fill three 16-byte
/// shuffle tables, and the −Δ− half starts here. Larger tables take 32
/// slots per sign, four shuffle tables.
pub(crate) const SHUFFLE_HALF: u16 = 24;

/// A table whose Δ depends on `d` only through a bucket index
/// `min((d + h) >> shift, entries)` with at most 29 buckets: the paper's
/// tables (`Lut`, `TruncLut`) and `FloorShift`. Such a table fits one
/// 64-entry word permute (`vpermi2w`): 32 Δ+ slots then 32 −Δ− slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Structured {
    /// Right shift of `d`.
    pub shift: u32,
    /// True if `h = 2^(shift−1)` (round to nearest), false if `h = 0`.
    pub round: bool,
    /// Number of buckets with a nonzero entry; bucket `entries` is zero.
    pub entries: u16,
    /// Slots `0..entries`: Δ+ per bucket; `entries..30`: 0; slot 30: Δ+(0);
    /// slot 31: 0. Then the same for −Δ− with slot 30 = [`KILL`].
    pub perm: [i16; 64],
}

impl Structured {
    /// Slots per sign in AVX2's layout ([`Structured::shuffled`]):
    /// [`SHUFFLE_HALF`] for at most 22 buckets (three shuffle tables hold
    /// both signs), else 32 (four).
    pub(crate) fn shuffle_half(&self) -> u16 {
        if self.entries + 2 <= SHUFFLE_HALF {
            SHUFFLE_HALF
        } else {
            32
        }
    }

    /// The table in AVX2's layout: per sign, [`Structured::shuffle_half`]
    /// slots holding the buckets `0..entries`, zeros, and the `d = 0` entry
    /// last (Δ+(0), then [`KILL`]); zeros after the two halves.
    pub(crate) fn shuffled(&self) -> [i16; 64] {
        let half = usize::from(self.shuffle_half());
        core::array::from_fn(|i| {
            let (sign, slot) = (i / half, i % half);
            let slot = if slot == half - 1 {
                D0_SLOT as usize
            } else {
                slot
            };
            if sign < 2 {
                self.perm[32 * sign + slot]
            } else {
                0
            }
        })
    }
}

/// A Δ computed from `d` by shifts and subtractions, the form of
/// `BitShift` (the paper's `Δ+ ≈ 2^-d`, `Δ− ≈ −1.5·2^-d` with Mitchell's
/// chord for `2^-d`): with `n = d >> frac` and `f = d & (2^frac − 1)`,
///
/// ```text
/// Δ+(d)  = (plus − (f >> 1)) >> n
/// −Δ−(d) = (minus − (f >> 1) − (f >> 2)) >> n
/// ```
///
/// in 16-bit lanes: a right shift by 16 or more gives 0 (as `vpsrlvw`
/// does), and the subtractions wrap. [`Shifted::eval`] is that lane
/// arithmetic; the form is only recorded if it reproduces the table at every
/// code difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shifted {
    /// Bits of `d` below the shift count `n`, 1 to 15.
    pub frac: u32,
    /// The constant of Δ+ (`Δ+(0)`).
    pub plus: u16,
    /// The constant of −Δ− (`−Δ−(1)`, for `frac ≥ 1`).
    pub minus: u16,
}

impl Shifted {
    /// The table entry a 16-bit lane computes for `d`: Δ+ if `!diff_sign`,
    /// else −Δ− ([`KILL`] at `d = 0`).
    pub(crate) fn eval(&self, d: u16, diff_sign: bool) -> i16 {
        let f = d & ((1 << self.frac) - 1);
        let n = u32::from(d >> self.frac);
        let c = if diff_sign {
            self.minus.wrapping_sub(f >> 1).wrapping_sub(f >> 2)
        } else {
            self.plus.wrapping_sub(f >> 1)
        };
        let v = c.checked_shr(n).unwrap_or(0) as i16;
        match (diff_sign, d) {
            (false, _) => v,
            (true, 0) => KILL,
            (true, _) => v.wrapping_neg(),
        }
    }
}

/// Everything a kernel needs for one `LogNum<FRAC, A>`.
#[derive(Debug)]
pub(crate) struct LnsTables {
    /// Fraction bits.
    pub frac: u32,
    /// Width of the magnitude field.
    pub mag_bits: u32,
    /// The magnitude code of 1.0.
    pub bias: i32,
    /// The largest magnitude code (`MAG_MASK`).
    pub max: i16,
    /// Every `d ≥ cutoff` has Δ+ = Δ− = 0.
    pub cutoff: u16,
    /// `log2` of the stride between the Δ+ and −Δ− halves of `full`.
    pub half_log2: u32,
    /// `[Δ+(0..=cutoff) | pad | −Δ−(0..=cutoff) | pad]`, Δ clamped to the
    /// i16 range, −Δ−(0) = [`KILL`], entry `cutoff` of each half 0, one
    /// spare entry at the end for 4-byte gathers.
    pub full: Vec<i16>,
    /// The bucket form, when `A` has one.
    pub structured: Option<Structured>,
    /// The computed form, when `A` has one. (A table can have both; the
    /// kernels prefer the bucket form then.)
    pub shifted: Option<Shifted>,
    /// `2^(f / 2^FRAC)` for `f` in `0..2^FRAC`: the linear value of a log
    /// fraction, for the wide accumulator.
    pub exp2_frac: Vec<f64>,
}

impl LnsTables {
    /// −Δ− or Δ+ for a code difference, as the kernels read it.
    #[cfg(test)]
    pub(crate) fn lookup(&self, d: u16, diff_sign: bool) -> i16 {
        let i = d.min(self.cutoff) as usize
            + if diff_sign {
                1usize << self.half_log2
            } else {
                0
            };
        self.full[i]
    }
}

/// The tables for `LogNum<FRAC, A>`, built on first use and kept for the
/// life of the process.
pub(crate) fn tables<const FRAC: u32, A: LogAdd>() -> &'static LnsTables {
    static CACHE: Cache<TypeId, LnsTables> = Cache::new();
    CACHE.get_or_init(TypeId::of::<LogNum<FRAC, A>>(), build::<FRAC, A>)
}

fn build<const FRAC: u32, A: LogAdd>() -> LnsTables {
    let mag_bits = LogNum::<FRAC, A>::MAG_BITS;
    let max = LogNum::<FRAC, A>::MAG_MASK;
    // Every difference of two nonzero magnitudes: 0 ..= max − 1.
    let n = max as usize;
    let plus: Vec<i16> = (0..n)
        .map(|d| A::delta_plus::<FRAC>(d as u32).min(i16::MAX as u32) as i16)
        .collect();
    let minus: Vec<i16> = (0..n)
        .map(|d| {
            if d == 0 {
                KILL
            } else {
                // Any Δ− ≥ 32768 exceeds every magnitude: it flushes, as KILL does.
                -(A::delta_minus::<FRAC>(d as u32).min(32768) as i32) as i16
            }
        })
        .collect();
    let last = (1..n)
        .rev()
        .find(|&d| plus[d] != 0 || minus[d] != 0)
        .unwrap_or(0);
    let cutoff = (last + 1).max(1);
    let half = (cutoff + 1).next_power_of_two().max(32);
    let mut full = vec![0i16; 2 * half + 1];
    full[..cutoff].copy_from_slice(&plus[..cutoff]);
    full[half..half + cutoff].copy_from_slice(&minus[..cutoff]);
    let structured = find_structure(&plus, &minus, cutoff);
    let shifted = find_shift(&plus, &minus);
    let scale = (1u64 << FRAC) as f64;
    let exp2_frac = (0..1usize << FRAC)
        .map(|f| (f as f64 / scale).exp2())
        .collect();
    LnsTables {
        frac: FRAC,
        mag_bits,
        bias: LogNum::<FRAC, A>::BIAS as i32,
        max: max as i16,
        cutoff: cutoff as u16,
        half_log2: half.trailing_zeros(),
        full,
        structured,
        shifted,
        exp2_frac,
    }
}

/// Looks for a bucket form `min((d + h) >> s, E)`, `E ≤ 29`, that
/// reproduces both tables for every `d` (Δ− for `d ≥ 1`); the largest
/// shift wins.
fn find_structure(plus: &[i16], minus: &[i16], cutoff: usize) -> Option<Structured> {
    for shift in (1..16u32).rev() {
        for round in [true, false] {
            let h = if round { 1usize << (shift - 1) } else { 0 };
            let bucket = |d: usize| (d + h) >> shift;
            let entries = bucket(cutoff - 1) + 1;
            if entries > 29 {
                continue;
            }
            let mut p = [None::<i16>; 32];
            let mut m = [None::<i16>; 32];
            let ok = (0..plus.len()).all(|d| {
                let i = bucket(d).min(entries);
                let fits = |slot: &mut Option<i16>, v: i16| *slot.get_or_insert(v) == v;
                let (pv, mv) = if d < cutoff {
                    (plus[d], minus[d])
                } else {
                    (0, 0)
                };
                fits(&mut p[i], pv) && (d == 0 || fits(&mut m[i], mv))
            });
            if !ok || p[entries].unwrap_or(0) != 0 || m[entries].unwrap_or(0) != 0 {
                continue;
            }
            let mut perm = [0i16; 64];
            for i in 0..entries {
                perm[i] = p[i].unwrap_or(0);
                perm[32 + i] = m[i].unwrap_or(0);
            }
            perm[D0_SLOT as usize] = plus[0];
            perm[32 + D0_SLOT as usize] = KILL;
            return Some(Structured {
                shift,
                round,
                entries: entries as u16,
                perm,
            });
        }
    }
    None
}

/// Looks for a [`Shifted`] form that reproduces both tables for every `d`
/// (Δ− for `d ≥ 1`): the constants are read off at `d = 0` (Δ+) and
/// `d = 1` (Δ−, where `n = 0` and `f = 1` for every `frac ≥ 1`), then every
/// split `frac` is tried, the smallest that fits winning.
fn find_shift(plus: &[i16], minus: &[i16]) -> Option<Shifted> {
    if plus.len() < 2 {
        return None;
    }
    (1..16).find_map(|frac| {
        let s = Shifted {
            frac,
            plus: plus[0] as u16,
            minus: minus[1].wrapping_neg() as u16,
        };
        let fits = (0..plus.len()).all(|d| {
            s.eval(d as u16, false) == plus[d] && (d == 0 || s.eval(d as u16, true) == minus[d])
        });
        fits.then_some(s)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lognum::{BitShift, Exact, FloorShift, Interp, Lut, SoftmaxLut, TruncLut};

    /// Which compact forms a table has.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Form {
        /// Bucketed only.
        Structured,
        /// Computed only.
        Shifted,
        /// Neither: the kernels gather.
        Full,
    }

    fn check<const FRAC: u32, A: LogAdd>(expect: Form) {
        let t = tables::<FRAC, A>();
        let form = match (&t.structured, &t.shifted) {
            (Some(_), None) => Form::Structured,
            (None, Some(_)) => Form::Shifted,
            (None, None) => Form::Full,
            (Some(_), Some(_)) => panic!("{}: both forms", A::NAME),
        };
        assert_eq!(form, expect, "{} FRAC={FRAC}", A::NAME);
        for d in 0..t.max as u16 {
            let p = A::delta_plus::<FRAC>(d as u32).min(32767) as i16;
            assert_eq!(t.lookup(d, false), p, "{} d={d}", A::NAME);
            if d > 0 {
                let m = -(A::delta_minus::<FRAC>(d as u32).min(32768) as i32) as i16;
                assert_eq!(t.lookup(d, true), m, "{} d={d}", A::NAME);
            }
            if let Some(s) = &t.shifted {
                assert_eq!(s.eval(d, false), p, "{} computed d={d}", A::NAME);
                assert_eq!(
                    s.eval(d, true),
                    t.lookup(d, true),
                    "{} computed d={d}",
                    A::NAME
                );
            }
            if let Some(s) = &t.structured {
                let h = if s.round { 1u32 << (s.shift - 1) } else { 0 };
                let i = if d == 0 {
                    D0_SLOT as usize
                } else {
                    ((d as u32 + h) >> s.shift).min(s.entries as u32) as usize
                };
                assert_eq!(s.perm[i], p, "{} bucket d={d}", A::NAME);
                if d > 0 {
                    assert_eq!(
                        s.perm[32 + i],
                        t.lookup(d, true),
                        "{} bucket d={d}",
                        A::NAME
                    );
                } else {
                    assert_eq!(s.perm[32 + i], KILL);
                }
                let (l, half) = (s.shuffled(), usize::from(s.shuffle_half()));
                let j = if d == 0 { half - 1 } else { i };
                assert_eq!(l[j], p, "{} shuffled d={d}", A::NAME);
                assert_eq!(l[half + j], s.perm[32 + i], "{} shuffled d={d}", A::NAME);
            }
        }
    }

    #[test]
    fn tables_reproduce_every_approximation() {
        check::<10, Lut>(Form::Structured);
        check::<10, TruncLut>(Form::Structured);
        check::<10, FloorShift>(Form::Structured);
        check::<10, Lut<1, 11>>(Form::Structured);
        check::<10, Lut<2, 7>>(Form::Structured);
        check::<10, BitShift>(Form::Shifted);
        check::<10, Exact>(Form::Full);
        check::<10, Interp>(Form::Full);
        check::<10, SoftmaxLut>(Form::Full);
        check::<6, Lut>(Form::Structured);
        check::<6, FloorShift>(Form::Structured);
        check::<6, BitShift>(Form::Shifted);
        check::<4, BitShift>(Form::Shifted);
        check::<6, Exact>(Form::Full);
        check::<3, Interp>(Form::Full);
    }

    /// The computed form is BitShift's own formula: the constants `2^FRAC`
    /// and `1.5·2^FRAC`, the split at `FRAC`. For `FRAC ≤ 10` (every
    /// `LogNum`) they are at most 1536: no lane arithmetic wraps, and a
    /// shift by `n ≥ 16` (0 in the lanes) loses nothing, as `2^-n` of 1536
    /// is 0 codes from `n = 11`.
    #[test]
    fn bit_shift_is_computed() {
        let s = tables::<10, BitShift>().shifted.unwrap();
        assert_eq!((s.frac, s.plus, s.minus), (10, 1024, 1536));
        let s = tables::<6, BitShift>().shifted.unwrap();
        assert_eq!((s.frac, s.plus, s.minus), (6, 64, 96));
        // Δ depends on `d >> 1` alone (`f >> 1`, `f >> 2` and `n` ignore the
        // lowest bit): buckets of two codes, and up to `FRAC = 3` few enough
        // of them are nonzero (at most 29) for the permute as well, which
        // the kernels then prefer.
        for t in [tables::<1, BitShift>(), tables::<3, BitShift>()] {
            assert!(t.structured.is_some() && t.shifted.is_some());
        }
        assert!(tables::<4, BitShift>().structured.is_none());
    }

    #[test]
    fn paper_table_is_one_permute() {
        let s = tables::<10, Lut>().structured.clone().unwrap();
        assert_eq!((s.shift, s.round, s.entries), (9, true, 20));
        assert_eq!(s.shuffle_half(), SHUFFLE_HALF);
        // 22 buckets fit AVX2's three shuffle tables, 24 take four.
        let half = |t: &LnsTables| t.structured.as_ref().unwrap().shuffle_half();
        assert_eq!(half(tables::<10, Lut<1, 11>>()), 24);
        assert_eq!(half(tables::<10, Lut<1, 12>>()), 32);
        assert_eq!(half(tables::<10, Lut<2, 7>>()), 32);
        assert!(tables::<10, Exact>().cutoff <= 16384);
    }
}
