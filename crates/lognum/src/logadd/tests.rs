//! The documented Δ error bounds, asserted for every code `d` a sum of two
//! `LogNum<10>` or `LogNum<6>` values can produce (`0 ..= MAG_MASK`), against
//! `log2(1 ± 2^-d)` evaluated with `std`'s f64 functions (independent of the
//! crate's own series in `math.rs`).
//!
//! Errors are in log units (one code is `2^-FRAC`). Each bound below is the
//! number printed in the docs of `logadd` and of the approximation's type; the
//! tests also check that the number follows from its stated derivation, so a
//! doc and its proof cannot drift apart.

extern crate std;

use std::format;
use std::string::String;

use super::*;

/// `Δ+(d)` in log units, from `std`.
fn plus_ref(d: f64) -> f64 {
    (1.0 + 2f64.powf(-d)).log2()
}

/// `−Δ−(d)` in log units, from `std` (positive for `d > 0`). `1 − 2^-d` is
/// formed as `−expm1(−d·ln2)`: for the tiny `d` of wide formats the plain
/// difference would lose about a code to cancellation.
fn minus_ref(d: f64) -> f64 {
    -(-(-d * core::f64::consts::LN_2).exp_m1()).log2()
}

/// `|Δ−''(d)| = ln2 · 2^-d / (1 − 2^-d)²`, decreasing in `d`.
fn minus_curvature(d: f64) -> f64 {
    let u = 2f64.powf(-d);
    core::f64::consts::LN_2 * u / ((1.0 - u) * (1.0 - u))
}

/// Slack for the f64 evaluation of the reference (and of `Exact`'s series):
/// both are good to ~1e-13 log units on these ranges.
const EPS: f64 = 1e-9;

/// A bound: `|Δ+ error| ≤ plus` for every `d`, and `|Δ− error| ≤ minus`
/// for `d ≥ minus_from` (in codes).
use super::ErrorBound as Bound;

/// The bound `A` declares at `frac`, widened by the reference's slack.
fn declared<A: LogAdd>(frac: u32) -> Bound {
    let b = A::error_bound(frac);
    Bound {
        plus: b.plus + EPS,
        minus: b.minus + EPS,
        ..b
    }
}

/// The worst error seen and where.
#[derive(Default, Debug)]
struct Worst {
    plus: (f64, u32),
    minus: (f64, u32),
    /// Worst Δ− error below `minus_from` (the "unbounded" region).
    minus_below: (f64, u32),
}

fn half_code(frac: u32) -> f64 {
    0.5 / scale(frac)
}

fn code(frac: u32) -> f64 {
    1.0 / scale(frac)
}

/// The first code at or above `x` log units.
fn code_at_or_above(x: f64, frac: u32) -> u32 {
    (x * scale(frac)).ceil() as u32
}

/// Checks `A` at `FRAC` against `b` for every `d` in `0 ..= 2^(FRAC+5) − 1`
/// (every gap between two `LogNum<FRAC>` magnitudes) and a few huge `d`, and
/// returns the worst errors.
fn check<A: LogAdd, const FRAC: u32>(b: &Bound) -> Worst {
    let last = (1u32 << (FRAC + 5)) - 1;
    check_codes::<A, FRAC>(b, 0..=last)
}

/// [`check`] on the given increasing codes `d` (0 first).
fn check_codes<A: LogAdd, const FRAC: u32>(
    b: &Bound,
    codes: impl IntoIterator<Item = u32>,
) -> Worst {
    let s = scale(FRAC);
    let mut last = 0;
    let mut w = Worst::default();
    let (mut prev_plus, mut prev_minus) = (u32::MAX, u32::MAX);
    for d in codes {
        last = d;
        let x = d as f64 / s;
        let p = A::delta_plus::<FRAC>(d);
        // The trait promises Δ+ ≤ 1 (2^FRAC codes); the adder relies on it.
        assert!(p <= 1 << FRAC, "{} Δ+({d}) = {p} > 2^FRAC", A::NAME);
        // Monotone: a larger gap never adds more.
        assert!(p <= prev_plus, "{} Δ+ rises at d = {d}", A::NAME);
        prev_plus = p;
        // The adder calls `delta`, which every approximation overrides: it
        // must agree with the two functions the bounds are stated for.
        assert_eq!(
            i64::from(A::delta::<FRAC>(true, d)),
            p as i64,
            "{} delta(+, {d})",
            A::NAME
        );
        let e = (p as f64 / s - plus_ref(x)).abs();
        assert!(
            e <= b.plus,
            "{} FRAC={FRAC}: |Δ+ error| at d = {d} ({x}) is {e} > {}",
            A::NAME,
            b.plus
        );
        if e > w.plus.0 {
            w.plus = (e, d);
        }
        if d == 0 {
            continue; // Δ−(0) is exact cancellation, handled by the adder.
        }
        let m = A::delta_minus::<FRAC>(d);
        assert_eq!(
            i64::from(A::delta::<FRAC>(false, d)),
            -(m as i64),
            "{} delta(−, {d})",
            A::NAME
        );
        // Finite and non-negative by type; it must also never grow with d.
        assert!(m <= prev_minus, "{} Δ− rises at d = {d}", A::NAME);
        prev_minus = m;
        let e = (m as f64 / s - minus_ref(x)).abs();
        assert!(e.is_finite());
        if d >= b.minus_from {
            assert!(
                e <= b.minus,
                "{} FRAC={FRAC}: |Δ− error| at d = {d} ({x}) is {e} > {}",
                A::NAME,
                b.minus
            );
            if e > w.minus.0 {
                w.minus = (e, d);
            }
        } else if e > w.minus_below.0 {
            w.minus_below = (e, d);
        }
    }
    // Far beyond any format: zero, no panic, no overflow in the index maths.
    for d in [last.saturating_add(1), 1 << 31, u32::MAX] {
        assert_eq!(A::delta_plus::<FRAC>(d), 0, "{} Δ+({d})", A::NAME);
        assert_eq!(A::delta_minus::<FRAC>(d), 0, "{} Δ−({d})", A::NAME);
        assert_eq!(A::delta::<FRAC>(true, d), 0, "{} delta(+, {d})", A::NAME);
        assert_eq!(A::delta::<FRAC>(false, d), 0, "{} delta(−, {d})", A::NAME);
    }
    w
}

/// Below `minus_from` a table cannot follow the pole of Δ− (documented as
/// unbounded): assert the region is real, i.e. the error there does exceed the
/// bound that holds above it. The results are still finite, non-negative codes
/// (checked in `check`).
fn assert_pole_region_unbounded<A: LogAdd>(w: &Worst, b: &Bound) {
    assert!(
        w.minus_below.0 > b.minus,
        "{}: the Δ− error below d = {} ({:?}) stays within the bound {}; \
         the docs call it unbounded",
        A::NAME,
        b.minus_from,
        w.minus_below,
        b.minus
    );
}

fn report(name: &str, frac: u32, w: &Worst) -> String {
    format!(
        "{name} FRAC={frac}: Δ+ {:.5} at d={}, Δ− {:.5} at d={}, below domain {:.3}",
        w.plus.0, w.plus.1, w.minus.0, w.minus.1, w.minus_below.0
    )
}

// ---------------------------------------------------------------- Exact

/// `Exact` rounds correctly: half a code, plus the f64 slack.
fn exact_bound(frac: u32) -> Bound {
    let h = half_code(frac) + EPS;
    Bound {
        plus: h,
        minus: h,
        minus_from: 1,
    }
}

#[test]
fn exact_is_correctly_rounded() {
    check::<Exact, 10>(&exact_bound(10));
    check::<Exact, 6>(&exact_bound(6));
    // The early exit at d ≥ (FRAC + 2)·2^FRAC is exact: the last evaluated
    // code is already below half a code for both functions.
    for frac in [6u32, 10] {
        let d = ((frac + 2) << frac) as f64 / scale(frac);
        assert!(plus_ref(d) < half_code(frac));
        assert!(minus_ref(d) < half_code(frac));
    }
}

// ---------------------------------------------------------------- Lut

/// `Lut<RES_BITS, RANGE>` and `TruncLut` (lut.rs): Δ+ within `r/4` (or the
/// tail `Δ+(RANGE − r/2)`), Δ− within `|Δ−(r/2) − Δ−(r)|` (or the tail) for
/// `d ≥ r/2`, each plus half a code.
fn lut_bound(res_bits: u32, range: u32, frac: u32) -> Bound {
    let r = 1.0 / scale(res_bits);
    let tail = range as f64 - r / 2.0;
    Bound {
        plus: (r / 4.0).max(plus_ref(tail)) + half_code(frac) + EPS,
        minus: (minus_ref(r / 2.0) - minus_ref(r)).max(minus_ref(tail)) + half_code(frac) + EPS,
        minus_from: code_at_or_above(r / 2.0, frac),
    }
}

/// The numbers printed for the paper's table (r = 1/2, RANGE = 10) in the
/// `logadd` table and the `Lut` docs: Δ+ ≤ 0.125 + 2^-(FRAC+1) and
/// Δ− ≤ 0.8805 + 2^-(FRAC+1) for d ≥ 1/4.
const LUT_PLUS_DOC: f64 = 0.125;
const LUT_MINUS_DOC: f64 = 0.8805;

#[test]
fn lut_documented_numbers_follow_from_the_derivation() {
    let b = lut_bound(1, 10, 30);
    assert!(b.plus <= LUT_PLUS_DOC + 1e-8);
    // |Δ−(1/4) − Δ−(1/2)| = 0.88041: 0.8805 is that, rounded up.
    let gap = minus_ref(0.25) - minus_ref(0.5);
    assert!(gap <= LUT_MINUS_DOC && LUT_MINUS_DOC - gap < 1e-4, "{gap}");
    // The softmax table (lut.rs docs): Δ+ ≤ 1/256 + ½ code, and
    // |Δ−(1/128) − Δ−(1/64)| = 0.99610, printed as 0.9962.
    let b = lut_bound(6, 10, 30);
    assert!(b.plus <= 1.0 / 256.0 + 1e-8);
    assert!(
        b.minus <= 0.9962 + 1e-8 && 0.9962 - b.minus < 2e-4,
        "{}",
        b.minus
    );
}

#[test]
fn lut_paper_table_within_bound() {
    for (frac, w) in [
        (10, check::<Lut, 10>(&lut_bound(1, 10, 10))),
        (6, check::<Lut, 6>(&lut_bound(1, 10, 6))),
    ] {
        let doc = Bound {
            plus: LUT_PLUS_DOC + half_code(frac),
            minus: LUT_MINUS_DOC + half_code(frac),
            minus_from: code_at_or_above(0.25, frac),
        };
        assert!(w.plus.0 <= doc.plus && w.minus.0 <= doc.minus, "{w:?}");
        // The bounds are tight: the worst codes come within 0.04 of each
        // (the sup of the Δ+ error is Δ+(0) − Δ+(r/2) = 0.1196).
        assert!(
            w.plus.0 > LUT_PLUS_DOC - 0.02,
            "{}",
            report(<Lut>::NAME, frac, &w)
        );
        assert!(
            w.minus.0 > LUT_MINUS_DOC - 0.04,
            "{}",
            report(<Lut>::NAME, frac, &w)
        );
        assert_pole_region_unbounded::<Lut>(&w, &doc);
    }
}

#[test]
fn lut_other_shapes_within_bound() {
    let w = check::<SoftmaxLut, 10>(&lut_bound(6, 10, 10));
    assert_pole_region_unbounded::<SoftmaxLut>(&w, &lut_bound(6, 10, 10));
    // At FRAC = 6 the softmax table has one entry per code: only the
    // rounding of the entries is left, and no code lies below r/2.
    let w = check::<SoftmaxLut, 6>(&lut_bound(6, 10, 6));
    assert!(w.plus.0 <= half_code(6) + EPS && w.minus.0 <= half_code(6) + EPS);
    check::<Lut<0, 16>, 10>(&lut_bound(0, 16, 10));
    check::<Lut<2, 12>, 10>(&lut_bound(2, 12, 10));
    check::<Lut<3, 8>, 6>(&lut_bound(3, 8, 6));
}

#[test]
fn trunc_lut_within_lut_bound() {
    // Midpoint sampling halves the index error of truncation: the same bound.
    for (frac, w) in [
        (10, check::<TruncLut, 10>(&lut_bound(1, 10, 10))),
        (6, check::<TruncLut, 6>(&lut_bound(1, 10, 6))),
    ] {
        assert!(w.plus.0 <= LUT_PLUS_DOC + half_code(frac));
        assert!(w.minus.0 <= LUT_MINUS_DOC + half_code(frac));
        assert_pole_region_unbounded::<TruncLut>(&w, &lut_bound(1, 10, frac));
    }
    check::<TruncLut<6, 10>, 10>(&lut_bound(6, 10, 10));
    check::<TruncLut<3, 8>, 6>(&lut_bound(3, 8, 6));
}

// ---------------------------------------------------------------- Interp

/// The worst pure interpolation error (no rounding) of Δ− on the first
/// segment's right half, `[r/2, r]`, where the left sample is displaced to
/// `Δ−(r/4)` at `d = 0`: no closed form, so it is found on a fine grid.
fn interp_first_segment(r: f64) -> f64 {
    let (a, b) = (minus_ref(r / 4.0), minus_ref(r));
    let n = 100_000;
    (0..=n)
        .map(|k| {
            let d = r / 2.0 + r / 2.0 * k as f64 / n as f64;
            (a + (b - a) * d / r - minus_ref(d)).abs()
        })
        .fold(0.0, f64::max)
}

/// `Interp<RES_BITS, RANGE>` (interp.rs): Δ+ within `r²·ln2/32` (or the tail
/// `Δ+(RANGE)`) plus one code; Δ− for `d ≥ from` (a multiple `k·r`, `k ≥ 1`,
/// or `r/2`, which smaller values of `from` mean) within the second-derivative bound `|Δ−''(k·r)|·r²/8` of the
/// first full segment (or the displaced first segment, or the tail) plus one
/// code.
fn interp_bound(res_bits: u32, range: u32, frac: u32, from: f64) -> Bound {
    let r = 1.0 / scale(res_bits);
    let from = from.max(r / 2.0);
    let tail = range as f64;
    let k = (from / r).ceil().max(1.0);
    let mut minus = (minus_curvature(k * r) * r * r / 8.0).max(minus_ref(tail));
    if from < r {
        minus = minus.max(interp_first_segment(r));
    }
    Bound {
        plus: (r * r * core::f64::consts::LN_2 / 32.0).max(plus_ref(tail)) + code(frac) + EPS,
        minus: minus + code(frac) + EPS,
        minus_from: code_at_or_above(from, frac),
    }
}

/// The numbers printed in the `Interp` docs for r = 1/2: Δ+ ≤ 0.00542 + 2^-FRAC
/// (`r²·ln2/32 = 0.00542`), and Δ− ≤ 0.179 + 2^-FRAC for d ≥ r/2, 0.0434 from
/// d = 1 on, 0.0097 from d = 2 on (each plus 2^-FRAC); the displaced first
/// segment alone is 0.1026.
const INTERP_PLUS_DOC: f64 = 0.00542;
const INTERP_MINUS_DOC: [(f64, f64); 3] = [(0.25, 0.179), (1.0, 0.0434), (2.0, 0.0097)];
const INTERP_FIRST_SEGMENT_DOC: f64 = 0.1026;

#[test]
fn interp_documented_numbers_follow_from_the_derivation() {
    let first = interp_first_segment(0.5);
    assert!(first <= INTERP_FIRST_SEGMENT_DOC && INTERP_FIRST_SEGMENT_DOC - first < 1e-4);
    assert!(interp_bound(1, 10, 30, 0.0).plus <= INTERP_PLUS_DOC + 1e-8);
    for (from, doc) in INTERP_MINUS_DOC {
        let b = interp_bound(1, 10, 30, from);
        assert!(
            b.minus <= doc + 1e-8 && doc - b.minus < 1e-3,
            "{from}: {}",
            b.minus
        );
    }
}

#[test]
fn interp_within_bound() {
    for frac in [10u32, 6] {
        for (from, doc) in INTERP_MINUS_DOC {
            let derived = interp_bound(1, 10, frac, from);
            let b = Bound {
                plus: INTERP_PLUS_DOC + code(frac),
                minus: doc + code(frac),
                minus_from: derived.minus_from,
            };
            let w = if frac == 10 {
                check::<Interp, 10>(&b)
            } else {
                check::<Interp, 6>(&b)
            };
            if from == 0.25 {
                assert_pole_region_unbounded::<Interp>(&w, &b);
            }
        }
    }
    check::<Interp<2, 10>, 10>(&interp_bound(2, 10, 10, 0.0));
    check::<Interp<3, 12>, 6>(&interp_bound(3, 12, 6, 0.0));
    check::<Interp<0, 16>, 10>(&interp_bound(0, 16, 10, 0.0));
}

// ---------------------------------------------------------------- BitShift

/// The numbers in the `BitShift` docs: Δ+ ≤ max_u(log2(1+u) − u) = 0.0861
/// plus 1.5 codes; Δ− ≤ 0.6466 (d = 1/2) plus two codes for d ≥ 1/2, 0.25
/// plus two codes from d = 1.
const SHIFT_PLUS_DOC: f64 = 0.0861;
const SHIFT_MINUS_DOC: f64 = 0.6466;

/// The numbers in the `FloorShift` docs: Δ+ ≤ 1 − log2(1.5) = 0.41504
/// (d → 1⁻), Δ− ≤ 0.5 (d → 1⁻) for d ≥ 1/2; no rounding term.
const FLOOR_PLUS_DOC: f64 = 0.4151;
const FLOOR_MINUS_DOC: f64 = 0.5;
/// At `FRAC = 0`: Δ+(1) = log2(1.5) = 0.58496 shifts out to 0 codes, and
/// Δ−(1) = −1 to 0 (the constant 1.5 is itself truncated to 1 code).
const FLOOR0_PLUS_DOC: f64 = 0.5850;
const FLOOR0_MINUS_DOC: f64 = 1.0;

fn shift_bound(frac: u32, from_one: bool) -> Bound {
    let code = (-(frac as f64)).exp2();
    Bound {
        plus: SHIFT_PLUS_DOC + 1.5 * code,
        minus: if from_one { 0.25 } else { SHIFT_MINUS_DOC } + 2.0 * code + EPS,
        minus_from: code_at_or_above(if from_one { 1.0 } else { 0.5 }, frac),
    }
}

#[test]
fn bit_shift_within_bound() {
    // The two analytic maxima the bound is built from.
    let grid = (0..200_000).map(|i| i as f64 / 20_000.0);
    let below = grid
        .clone()
        .map(|d| plus_ref(d) - (-d).exp2())
        .fold(0.0, f64::max);
    assert!(
        below <= SHIFT_PLUS_DOC && SHIFT_PLUS_DOC - below < 1e-4,
        "{below}"
    );
    let chord = grid
        .map(|f| 1.0 - f / 2.0 - (-f).exp2())
        .fold(0.0, f64::max);
    assert!(chord < 0.0431, "{chord}");
    let at_half = minus_ref(0.5) - 1.125;
    assert!((at_half - SHIFT_MINUS_DOC).abs() < 1e-4, "{at_half}");
    for frac in [10u32, 6] {
        for from_one in [false, true] {
            let b = shift_bound(frac, from_one);
            let w = if frac == 10 {
                check::<BitShift, 10>(&b)
            } else {
                check::<BitShift, 6>(&b)
            };
            if !from_one {
                // Tight: the Δ+ worst case sits near d = 1, Δ−'s at d = 1/2.
                assert!(w.plus.0 > 0.08 && w.minus.0 > 0.64, "{w:?}");
                assert_pole_region_unbounded::<BitShift>(&w, &b);
            }
        }
    }
}

#[test]
fn floor_shift_within_bound() {
    let derived = 1.0 - 1.5f64.log2();
    assert!(derived <= FLOOR_PLUS_DOC && FLOOR_PLUS_DOC - derived < 1e-4);
    assert!((minus_ref(1.0) - 1.0).abs() < EPS); // |−1.5 − Δ−(1)| = 0.5 exactly
    for frac in [10u32, 6] {
        let b = Bound {
            plus: derived + EPS,
            minus: FLOOR_MINUS_DOC + EPS,
            minus_from: code_at_or_above(0.5, frac),
        };
        let w = if frac == 10 {
            check::<FloorShift, 10>(&b)
        } else {
            check::<FloorShift, 6>(&b)
        };
        // Tight: the worst codes sit just below d = 1.
        assert!(w.plus.0 > derived - 0.01 && w.minus.0 > 0.48, "{w:?}");
        assert_pole_region_unbounded::<FloorShift>(&w, &b);
    }
    // One fraction bit: every shift out of range truncates less than the
    // bound (at d = 1 Δ− is 1 code, 0.5, for −Δ−(1) = 1: exactly 0.5 off).
    let b = Bound {
        plus: derived + EPS,
        minus: FLOOR_MINUS_DOC + EPS,
        minus_from: 1,
    };
    let w = check::<FloorShift, 1>(&b);
    assert!((w.minus.0 - 0.5).abs() < EPS, "{w:?}");
    // No fraction bits: the separate bound, attained at d = 1.
    let derived0 = 1.5f64.log2();
    assert!(derived0 <= FLOOR0_PLUS_DOC && FLOOR0_PLUS_DOC - derived0 < 1e-4);
    let b = Bound {
        plus: derived0 + EPS,
        minus: FLOOR0_MINUS_DOC + EPS,
        minus_from: 1,
    };
    let w = check::<FloorShift, 0>(&b);
    assert_eq!((w.plus.1, w.minus.1), (1, 1), "{w:?}");
    assert!(
        w.plus.0 > derived0 - EPS && w.minus.0 > FLOOR0_MINUS_DOC - EPS,
        "{w:?}"
    );
}

/// Prints the worst cases (`cargo test -p lognum --release worst -- --nocapture`).
#[test]
fn worst_cases_summary() {
    let lines = [
        report(Exact::NAME, 10, &check::<Exact, 10>(&exact_bound(10))),
        report(<Lut>::NAME, 10, &check::<Lut, 10>(&lut_bound(1, 10, 10))),
        report(<Lut>::NAME, 6, &check::<Lut, 6>(&lut_bound(1, 10, 6))),
        report(
            "softmax",
            10,
            &check::<SoftmaxLut, 10>(&lut_bound(6, 10, 10)),
        ),
        report(
            <Interp>::NAME,
            10,
            &check::<Interp, 10>(&interp_bound(1, 10, 10, 0.25)),
        ),
        report(
            <Interp>::NAME,
            6,
            &check::<Interp, 6>(&interp_bound(1, 10, 6, 0.25)),
        ),
    ];
    for l in lines {
        std::println!("{l}");
    }
}

// ---------------------------------------------------------- wide formats

/// The codes checked at a wide `FRAC`: every code below 64 and around every
/// table step up to `d = 16` (where the worst cases of every approximation
/// sit), then 50 000 codes strided through the 31-bit range.
fn wide_codes(frac: u32) -> impl Iterator<Item = u32> {
    let step = 1u32 << (frac - 6); // r = 1/64, the finest table here
    let near = (0..16u32 << 6).flat_map(move |k| {
        let c = k * step;
        [c.saturating_sub(1), c, c + 1]
    });
    let mut v: std::vec::Vec<u32> = (0..64)
        .chain(near)
        .chain((0..i32::MAX as u32).step_by(42_949))
        .collect();
    v.sort_unstable();
    v.dedup();
    v.into_iter()
}

/// BitShift's second Δ− bound, 0.25 plus two codes from `d = 1`, at the
/// wide format's fraction widths, sampled (the declared bounds of every
/// approximation are checked there by
/// `every_listed_approximation_keeps_its_declarations`).
#[test]
fn wide_formats_within_bound() {
    check_codes::<BitShift, 16>(&shift_bound(16, true), wide_codes(16));
    check_codes::<BitShift, 20>(&shift_bound(20, true), wide_codes(20));
    check_codes::<BitShift, 26>(&shift_bound(26, true), wide_codes(26));
}

// ------------------------------------------------------ the declarations

/// The largest fall of Δ+ from a code `d` to `d + 1` over every code up to
/// where all approximations are zero (`FRAC + 3` log units).
fn largest_fall<A: LogAdd, const FRAC: u32>() -> u32 {
    (0..(FRAC + 3) << FRAC)
        .map(|d| A::delta_plus::<FRAC>(d).saturating_sub(A::delta_plus::<FRAC>(d + 1)))
        .max()
        .unwrap_or(0)
}

/// `A` declares its monotonicity at `FRAC` truly: `+` is monotone exactly
/// when Δ+ never falls by more than one code per code (module docs).
fn monotone_rule_at<A: LogAdd, const FRAC: u32>() {
    let fall = largest_fall::<A, FRAC>();
    assert_eq!(
        fall <= 1,
        A::is_monotone(FRAC),
        "{} at FRAC = {FRAC}: Δ+ falls by up to {fall} codes",
        A::NAME
    );
}

/// Everything `A` declares, against its behaviour: the error bound at every
/// code of `LogNum<10>` and `LogNum<6>` and on a sample of the wide widths,
/// and the monotonicity at every `FRAC` from 0 to 11 and at 16.
fn keeps_its_declarations<A: LogAdd>() {
    check::<A, 10>(&declared::<A>(10));
    check::<A, 6>(&declared::<A>(6));
    check_codes::<A, 16>(&declared::<A>(16), wide_codes(16));
    check_codes::<A, 20>(&declared::<A>(20), wide_codes(20));
    check_codes::<A, 26>(&declared::<A>(26), wide_codes(26));
    monotone_rule_at::<A, 0>();
    monotone_rule_at::<A, 1>();
    monotone_rule_at::<A, 2>();
    monotone_rule_at::<A, 3>();
    monotone_rule_at::<A, 4>();
    monotone_rule_at::<A, 5>();
    monotone_rule_at::<A, 6>();
    monotone_rule_at::<A, 7>();
    monotone_rule_at::<A, 8>();
    monotone_rule_at::<A, 9>();
    monotone_rule_at::<A, 10>();
    monotone_rule_at::<A, 11>();
    monotone_rule_at::<A, 16>();
}

/// The test of the recipe in the module docs: every approximation of the one
/// list (`for_each_log_add!`) keeps what it declares.
#[test]
fn every_listed_approximation_keeps_its_declarations() {
    macro_rules! keeps {
        ($A:ty) => {
            keeps_its_declarations::<$A>()
        };
    }
    crate::for_each_log_add!(keeps);
}

/// The same for the other table shapes, whose declarations are formulas in
/// `RES_BITS` and `RANGE`.
#[test]
fn other_shapes_keep_their_declarations() {
    keeps_its_declarations::<Lut<0, 16>>();
    keeps_its_declarations::<Lut<2, 12>>();
    keeps_its_declarations::<Lut<3, 8>>();
    keeps_its_declarations::<TruncLut<6, 10>>();
    keeps_its_declarations::<TruncLut<3, 8>>();
    keeps_its_declarations::<Interp<0, 16>>();
    keeps_its_declarations::<Interp<2, 10>>();
    keeps_its_declarations::<Interp<3, 12>>();
}

/// The declared bounds are the derivations above (evaluated with the crate's
/// own series, here with `std`), and the figures printed in the docs are
/// those rounded up.
#[test]
fn declared_bounds_are_the_derivations() {
    // The derivations above carry the reference's slack, EPS.
    let close = |a: Bound, b: Bound| {
        (a.plus + EPS - b.plus).abs() < 1e-12
            && (a.minus + EPS - b.minus).abs() < 1e-12
            && a.minus_from == b.minus_from
    };
    // The declared Δ− bound of `Interp` leaves out the displaced first
    // segment, which stays below the second's curvature bound.
    for res_bits in [0, 1, 2, 3, 6] {
        let r = 1.0 / scale(res_bits);
        assert!(interp_first_segment(r) < minus_curvature(r) * r * r / 8.0);
    }
    for frac in [0u32, 1, 6, 10, 20, 26] {
        assert!(close(Exact::error_bound(frac), exact_bound(frac)), "{frac}");
        let lut = <Lut>::error_bound(frac);
        assert!(close(lut, lut_bound(1, 10, frac)), "{frac}: {lut:?}");
        assert_eq!(<TruncLut>::error_bound(frac), lut);
        assert!(close(SoftmaxLut::error_bound(frac), lut_bound(6, 10, frac)));
        assert!(close(Lut::<3, 8>::error_bound(frac), lut_bound(3, 8, frac)));
        assert!(close(
            <Interp>::error_bound(frac),
            interp_bound(1, 10, frac, 0.0)
        ));
        assert!(close(
            Interp::<3, 12>::error_bound(frac),
            interp_bound(3, 12, frac, 0.0)
        ));
        let shift = BitShift::error_bound(frac);
        assert!((shift.plus - shift_bound(frac, false).plus).abs() < 1e-12);
        assert!((shift.minus + EPS - shift_bound(frac, false).minus).abs() < 1e-12);
        let floor = FloorShift::error_bound(frac);
        let floor_doc = if frac == 0 {
            (FLOOR0_PLUS_DOC, FLOOR0_MINUS_DOC)
        } else {
            (FLOOR_PLUS_DOC, FLOOR_MINUS_DOC)
        };
        assert_eq!((floor.plus, floor.minus), floor_doc);
    }
    // As printed in the module docs' table (FRAC = 10).
    let printed = [
        (<Lut>::error_bound(30), LUT_PLUS_DOC, LUT_MINUS_DOC),
        (
            <Interp>::error_bound(30),
            INTERP_PLUS_DOC,
            INTERP_MINUS_DOC[0].1,
        ),
    ];
    for (b, plus, minus) in printed {
        assert!(b.plus <= plus + 1e-8 && plus - b.plus < 1e-4, "{b:?}");
        assert!(b.minus <= minus + 1e-8 && minus - b.minus < 1e-3, "{b:?}");
    }
}
