//! Per-(FRAC, A) tables that let one vector kernel serve every log-add
//! approximation, built once by scanning `A` over every code difference.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use lognum::{LogAdd, LogNum};

/// The table value that flushes any sum to zero: `big − 32768 < 1` for
/// every magnitude. Stored where `d = 0` meets opposite signs (exact
/// cancellation).
pub(crate) const KILL: i16 = i16::MIN;

/// Index of the `d = 0` entry in each half of a [`Structured`] table.
pub(crate) const D0_SLOT: u16 = 30;

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
    static CACHE: OnceLock<RwLock<HashMap<TypeId, &'static LnsTables>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = TypeId::of::<LogNum<FRAC, A>>();
    if let Some(t) = cache.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return t;
    }
    let built: &'static LnsTables = Box::leak(Box::new(build::<FRAC, A>()));
    let mut map = cache.write().unwrap_or_else(|e| e.into_inner());
    let t: &'static LnsTables = map.entry(key).or_insert(built);
    drop(map);
    t
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

#[cfg(test)]
mod tests {
    use super::*;
    use lognum::{BitShift, Exact, FloorShift, Interp, Lut, SoftmaxLut, TruncLut};

    fn check<const FRAC: u32, A: LogAdd>(expect_structured: bool) {
        let t = tables::<FRAC, A>();
        assert_eq!(t.structured.is_some(), expect_structured, "{}", A::NAME);
        for d in 0..t.max as u16 {
            let p = A::delta_plus::<FRAC>(d as u32).min(32767) as i16;
            assert_eq!(t.lookup(d, false), p, "{} d={d}", A::NAME);
            if d > 0 {
                let m = -(A::delta_minus::<FRAC>(d as u32).min(32768) as i32) as i16;
                assert_eq!(t.lookup(d, true), m, "{} d={d}", A::NAME);
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
            }
        }
    }

    #[test]
    fn tables_reproduce_every_approximation() {
        check::<10, Lut>(true);
        check::<10, TruncLut>(true);
        check::<10, FloorShift>(true);
        check::<10, BitShift>(false);
        check::<10, Exact>(false);
        check::<10, Interp>(false);
        check::<10, SoftmaxLut>(false);
        check::<6, Lut>(true);
        check::<6, FloorShift>(true);
        check::<6, BitShift>(false);
        check::<6, Exact>(false);
        check::<3, Interp>(false);
    }

    #[test]
    fn paper_table_is_one_permute() {
        let s = tables::<10, Lut>().structured.clone().unwrap();
        assert_eq!((s.shift, s.round, s.entries), (9, true, 20));
        assert!(tables::<10, Exact>().cutoff <= 16384);
    }
}
