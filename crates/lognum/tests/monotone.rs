//! Which approximations make `x + y` monotone in `y`, and why.
//!
//! With `x` fixed, a sum `x + y` never decreases as `y` steps to the next
//! value exactly when Δ+ never falls by more than one code from one code
//! `d` to the next (the reasoning is in `lognum::logadd`). Each
//! approximation declares where it is monotone (`LogAdd::is_monotone`); the
//! crate's unit tests check that against Δ at every code and width, and
//! these against the real `+`:
//! every pair of the 12-bit word `LogNum<6>`, and for `LogNum<10>` every `y`
//! against a seeded sample of `x` plus the special words (a sum's step
//! depends on the gap `d`, not on `x`, away from the range's ends). The
//! full 2^32-pair sweep of `LogNum<10>` is `#[ignore]`d: it takes some
//! 2.5 minutes optimised for all seven approximations
//! (`cargo test -p lognum --release --test monotone -- --ignored`).

#[macro_use]
mod common;

use common::XorShift;
use lognum::{BitShift, Exact, FloorShift, Interp, LogAdd, LogNum, Lut, SoftmaxLut, TruncLut};

#[test]
fn the_paper_formats_as_the_docs_list_them() {
    // Whether each declaration is true is checked against Δ at every code
    // and width by the crate's unit tests (`logadd`), and against `+` below.
    assert!(!<Lut>::is_monotone(10) && !<TruncLut>::is_monotone(10));
    assert!(!SoftmaxLut::is_monotone(10) && !FloorShift::is_monotone(10));
    assert!(Exact::is_monotone(10) && <Interp>::is_monotone(10) && BitShift::is_monotone(10));
    assert!(SoftmaxLut::is_monotone(6) && !<Lut>::is_monotone(6));
}

/// Every word of `LogNum<FRAC>` in increasing order of value (`−0` just
/// before `+0`, which equals it).
fn by_value<const FRAC: u32>() -> Vec<u16> {
    let (sign, mag) = (LogNum::<FRAC>::SIGN_MASK, LogNum::<FRAC>::MAG_MASK);
    let negative = (0..=mag).rev().map(|m| sign | m);
    negative.chain(0..=mag).collect()
}

/// For each `x` of `xs`: the pairs of neighbouring `y < y'` with
/// `x + y' < x + y`, and the first such `(x, y, y')`.
fn falls<A: LogAdd, const FRAC: u32>(xs: impl IntoIterator<Item = u16>) -> (u64, Option<[u16; 3]>) {
    let ys = by_value::<FRAC>();
    let (mut count, mut first) = (0, None);
    for xw in xs {
        let x = LogNum::<FRAC, A>::from_bits(xw);
        let mut prev = x + LogNum::from_bits(ys[0]);
        for w in ys.windows(2) {
            let s = x + LogNum::from_bits(w[1]);
            if s < prev {
                count += 1;
                first.get_or_insert([xw, w[0], w[1]]);
            }
            prev = s;
        }
    }
    (count, first)
}

fn every_pair_l6<A: LogAdd>() {
    let (count, first) = falls::<A, 6>(0..1 << 12);
    assert_eq!(
        count == 0,
        A::is_monotone(6),
        "{}: {count} falls, first {first:04x?}",
        A::NAME
    );
}

#[test]
fn every_pair_of_the_12_bit_word() {
    each_approximation!(every_pair_l6);
}

fn sampled_l10<A: LogAdd>() {
    let mut rng = XorShift(0x6d0_7003);
    let special = [
        0x0000, 0x8000, 0x0001, 0x8001, 0x4000, 0xc000, 0x7fff, 0xffff, 0x3fff, 0x4001,
    ];
    let sample = (0..48).map(|_| rng.next_u64() as u16);
    let (count, first) = falls::<A, 10>(special.into_iter().chain(sample));
    assert_eq!(
        count == 0,
        A::is_monotone(10),
        "{}: {count} falls, first {first:04x?}",
        A::NAME
    );
}

#[test]
fn every_y_for_sampled_x_of_the_16_bit_word() {
    each_approximation!(sampled_l10);
}

#[test]
fn the_table_sum_falls_at_a_step() {
    // MIN_POSITIVE plus a value 255 codes above it: d = 255 < 256 rounds to
    // the first entry, Δ+(0) = 1024 codes; one code more, d = 256 rounds to
    // the entry at 1/2, Δ+(1/2) = 790 codes: the sum falls by 233 codes.
    type L = LogNum<10, Lut>;
    let x = L::from_bits(0x0001);
    let (y, y1) = (L::from_bits(0x0100), L::from_bits(0x0101));
    assert_eq!((x + y).to_bits(), 0x0500);
    assert_eq!((x + y1).to_bits(), 0x0417);
    assert!(y < y1 && x + y1 < x + y);
    // The exact sum does not fall there.
    type E = LogNum<10, Exact>;
    let x = E::from_bits(0x0001);
    assert!(x + E::from_bits(0x0100) <= x + E::from_bits(0x0101));
}

fn every_pair_l10<A: LogAdd>(counts: &mut Vec<(&'static str, u64)>) {
    counts.push((A::NAME, falls::<A, 10>(0..=u16::MAX).0));
}

#[test]
#[ignore = "2^32 sums per approximation: minutes even optimised"]
fn every_pair_of_the_16_bit_word() {
    let mut counts = Vec::new();
    each_approximation!(every_pair_l10, &mut counts);
    println!("{counts:?}");
    assert_eq!(
        counts,
        [
            (Exact::NAME, 0),
            (<Lut>::NAME, 1_005_632),
            (<TruncLut>::NAME, 997_252),
            (SoftmaxLut::NAME, 12_971_014),
            (<Interp>::NAME, 0),
            (BitShift::NAME, 0),
            (FloorShift::NAME, 495_584),
        ]
    );
}
