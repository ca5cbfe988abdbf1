//! Which approximations make `x + y` monotone in `y`, and why.
//!
//! With `x` fixed, a sum `x + y` never decreases as `y` steps to the next
//! value exactly when Δ+ never falls by more than one code from one code
//! `d` to the next (the reasoning is in `lognum::logadd`). That rule is
//! checked against Δ at every code and width, and against the real `+`:
//! every pair of the 12-bit word `LogNum<6>`, and for `LogNum<10>` every `y`
//! against a seeded sample of `x` plus the special words (a sum's step
//! depends on the gap `d`, not on `x`, away from the range's ends). The
//! full 2^32-pair sweep of `LogNum<10>` is `#[ignore]`d: it takes some
//! 2.5 minutes optimised for all seven approximations
//! (`cargo test -p lognum --release --test monotone -- --ignored`).

mod common;

use common::{Documented, XorShift};
use lognum::{BitShift, Exact, FloorShift, Interp, LogNum, Lut, SoftmaxLut, TruncLut};

/// Calls `$f::<A>($args)` for every approximation.
macro_rules! each_approximation {
    ($f:ident $(, $arg:expr)*) => {{
        $f::<Exact>($($arg),*);
        $f::<Lut>($($arg),*);
        $f::<TruncLut>($($arg),*);
        $f::<SoftmaxLut>($($arg),*);
        $f::<Interp>($($arg),*);
        $f::<BitShift>($($arg),*);
        $f::<FloorShift>($($arg),*);
    }};
}

/// The largest fall of Δ+ from a code `d` to `d + 1`, and whether both
/// functions are non-increasing, over every code up to where all are zero.
fn delta_steps<A: Documented, const FRAC: u32>() -> (u32, bool) {
    let (mut fall, mut non_increasing) = (0, true);
    for d in 0..(FRAC + 3) << FRAC {
        let (p0, p1) = (A::delta_plus::<FRAC>(d), A::delta_plus::<FRAC>(d + 1));
        fall = fall.max(p0.saturating_sub(p1));
        non_increasing &= p1 <= p0;
        if d >= 1 {
            non_increasing &= A::delta_minus::<FRAC>(d + 1) <= A::delta_minus::<FRAC>(d);
        }
    }
    (fall, non_increasing)
}

fn rule_at<A: Documented, const FRAC: u32>() {
    let (fall, non_increasing) = delta_steps::<A, FRAC>();
    assert!(non_increasing, "{} at FRAC = {FRAC}", A::NAME);
    assert_eq!(
        fall <= 1,
        A::monotone(FRAC),
        "{} at FRAC = {FRAC}: Δ+ falls by up to {fall} codes",
        A::NAME
    );
}

fn rule<A: Documented>() {
    rule_at::<A, 0>();
    rule_at::<A, 1>();
    rule_at::<A, 2>();
    rule_at::<A, 3>();
    rule_at::<A, 4>();
    rule_at::<A, 5>();
    rule_at::<A, 6>();
    rule_at::<A, 7>();
    rule_at::<A, 8>();
    rule_at::<A, 9>();
    rule_at::<A, 10>();
    rule_at::<A, 11>();
    rule_at::<A, 16>();
}

#[test]
fn monotone_exactly_when_delta_plus_falls_at_most_one_code() {
    each_approximation!(rule);
    // The paper's formats, as the docs list them.
    assert!(!<Lut>::monotone(10) && !<TruncLut>::monotone(10));
    assert!(!SoftmaxLut::monotone(10) && !FloorShift::monotone(10));
    assert!(Exact::monotone(10) && <Interp>::monotone(10) && BitShift::monotone(10));
    assert!(SoftmaxLut::monotone(6) && !<Lut>::monotone(6));
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
fn falls<A: Documented, const FRAC: u32>(
    xs: impl IntoIterator<Item = u16>,
) -> (u64, Option<[u16; 3]>) {
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

fn every_pair_l6<A: Documented>() {
    let (count, first) = falls::<A, 6>(0..1 << 12);
    assert_eq!(
        count == 0,
        A::monotone(6),
        "{}: {count} falls, first {first:04x?}",
        A::NAME
    );
}

#[test]
fn every_pair_of_the_12_bit_word() {
    each_approximation!(every_pair_l6);
}

fn sampled_l10<A: Documented>() {
    let mut rng = XorShift(0x6d0_7003);
    let special = [
        0x0000, 0x8000, 0x0001, 0x8001, 0x4000, 0xc000, 0x7fff, 0xffff, 0x3fff, 0x4001,
    ];
    let sample = (0..48).map(|_| rng.next_u64() as u16);
    let (count, first) = falls::<A, 10>(special.into_iter().chain(sample));
    assert_eq!(
        count == 0,
        A::monotone(10),
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

fn every_pair_l10<A: Documented>(counts: &mut Vec<(&'static str, u64)>) {
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
            ("exact", 0),
            ("lut", 1_005_632),
            ("lut-trunc", 997_252),
            ("lut", 12_971_014), // SoftmaxLut
            ("interp", 0),
            ("shift", 0),
            ("shift-floor", 495_584),
        ]
    );
}
