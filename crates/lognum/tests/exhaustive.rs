//! Exhaustive sweeps of the paper's 12-bit word, `LogNum<6>`: every one of
//! its 4,096 codes against every other (16.7 M ordered pairs) for order,
//! multiply and add with each approximation. Run optimised
//! (`cargo test --release`), each sweep takes well under a second.

#[macro_use]
mod common;

use common::{Format, bound};
use lognum::{LogAdd, LogNum, Lut};

type L6<A = Lut> = LogNum<6, A>;

const WORDS: u16 = 1 << 12;

fn parts<A>(x: L6<A>) -> (bool, i64) {
    (x.is_sign_negative(), x.magnitude() as i64)
}

/// The value of every word, once.
fn values() -> Vec<f64> {
    (0..WORDS)
        .map(|w| L6::<Lut>::from_bits(w).to_f64())
        .collect()
}

#[test]
fn every_word_round_trips() {
    for w in 0..WORDS {
        let x = L6::<Lut>::from_bits(w);
        assert_eq!(x.to_bits(), w);
        assert_eq!(L6::<Lut>::from_f64(x.to_f64()).to_bits(), w);
        assert_eq!(
            L6::<Lut>::from_bits(w | 0xf000).to_bits(),
            w,
            "high bits ignored"
        );
    }
}

#[test]
fn order_every_pair() {
    let v = values();
    for a in 0..WORDS {
        let x = L6::<Lut>::from_bits(a);
        for b in 0..WORDS {
            let y = L6::<Lut>::from_bits(b);
            let want = v[a as usize].partial_cmp(&v[b as usize]);
            assert_eq!(Some(x.cmp(&y)), want, "{x:?} vs {y:?}");
            assert_eq!(x == y, want == Some(core::cmp::Ordering::Equal));
        }
    }
}

#[test]
fn multiply_every_pair() {
    let v = values();
    let f = Format::L6;
    for a in 0..WORDS {
        let x = L6::<Lut>::from_bits(a);
        for b in 0..WORDS {
            let y = L6::<Lut>::from_bits(b);
            let p = x * y;
            let want = f.product(parts(x), parts(y));
            assert_eq!(parts(p), want, "{x:?} * {y:?}");
            // Away from saturation and flush, the f64 product agrees to f64
            // precision: the log codes add exactly.
            if want.1 > 1 && want.1 < f.mag_max {
                let r = v[a as usize] * v[b as usize] / p.to_f64();
                assert!((r - 1.0).abs() < 1e-12, "{x:?} * {y:?} = {p:?}");
            }
        }
    }
}

/// Every sum `a + b` with approximation `A` against the f64 sum, within the
/// documented bound (Δ− only from its domain on; below it the sign and the
/// magnitude are still checked).
fn add_every_pair<A: LogAdd>() {
    let v = values();
    let f = Format::L6;
    let bound = bound::<A>(6);
    for a in 0..WORDS {
        let x = L6::<A>::from_bits(a);
        for b in 0..WORDS {
            let y = L6::<A>::from_bits(b);
            let s = x + y;
            if let Err(e) = f.check_sum(
                parts(x),
                parts(y),
                v[a as usize],
                v[b as usize],
                parts(s),
                &bound,
            ) {
                panic!("{}: {e}", A::NAME);
            }
        }
    }
}

#[test]
fn add_every_pair_every_approximation() {
    each_approximation!(add_every_pair);
}

/// The sum depends only on the gap and the signs: `x + y` is `max ± A(d)`, so
/// the sweeps above cover every `d` the format has. Checked directly: for each
/// gap, every pair with it shifts the larger magnitude by the same amount
/// (apart from saturation and flush).
fn sum_depends_only_on_gap<A: LogAdd>() {
    let f = Format::L6;
    for gap in 0..f.mag_max {
        for differ in [false, true] {
            let mut shift = None;
            for big in gap + 1..=f.mag_max {
                let x = L6::<A>::from_parts(false, big as u16);
                let y = L6::<A>::from_parts(differ, (big - gap) as u16);
                let s = (x + y).magnitude() as i64;
                if s == 0 || s == f.mag_max {
                    continue;
                }
                let k = s - big;
                assert_eq!(*shift.get_or_insert(k), k, "{} gap {gap} at {big}", A::NAME);
            }
        }
    }
}

#[test]
fn sums_depend_only_on_the_gap() {
    each_approximation!(sum_depends_only_on_gap);
}
