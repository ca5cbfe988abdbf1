//! Results that must read as the right answer: `hypot` beyond the square's
//! range, text round trips of wide words beyond f64's range, the logarithms
//! of negative numbers and zero, and literals too large for f64.

mod common;

use common::XorShift;
use lognum::{ConversionError, Exact, LogNum, Lut, ParseLogNumError, WideLogNum};
use num_traits::real::Real;

type L = LogNum<10>;
type E = LogNum<10, Exact>;

#[test]
fn hypot_does_not_square_out_of_range() {
    // 300² and 400² are beyond MAX (≈ 65 492): squaring first gave 256.
    let (x, y) = (E::from_f64(300.0), E::from_f64(400.0));
    assert_eq!(Real::hypot(x, y), E::from_f64(500.0));
    assert_eq!(Real::hypot(-y, x), E::from_f64(500.0));
    // With the table: 1 + 0.75² through `Lut` (Δ+ error ≤ 0.125 log units,
    // halved by the root), then rounding at each exact step.
    let h = Real::hypot(L::from_f64(300.0), L::from_f64(400.0)).to_f64();
    assert!((h / 500.0).log2().abs() < 0.07, "{h}");
    // 0.003² is below MIN_POSITIVE (≈ 1.5e-5): squaring first gave 0.
    let tiny = E::from_f64(0.003);
    assert_eq!(Real::hypot(tiny, E::ZERO), tiny);
    assert_eq!(Real::hypot(E::ZERO, -tiny), tiny);
    assert_eq!(Real::hypot(L::from_f64(0.003), L::ZERO), L::from_f64(0.003));
    // Zeros, and saturation only where the true result is beyond MAX.
    assert!(Real::hypot(E::ZERO, E::NEG_ZERO).is_zero());
    assert_eq!(Real::hypot(E::MAX, E::MAX), E::MAX);
    // 3-4-5 at the bottom of the range, where squares flush to zero.
    let (a, b) = (E::from_f64(3e-4), E::from_f64(4e-4));
    assert_eq!(Real::hypot(a, b), E::from_f64(5e-4));
}

#[test]
fn hypot_matches_f64_on_the_wide_format() {
    type W = WideLogNum<20>;
    let (x, y) = (W::from_f64(3e200), W::from_f64(4e200));
    let h = Real::hypot(x, y).to_f64();
    assert!((h / 5e200 - 1.0).abs() < 1e-5, "{h}");
}

/// Display → FromStr for `count` seeded random words and the ends.
fn wide_words_round_trip<const FRAC: u32>(seed: u64, count: usize) {
    type W<const F: u32> = WideLogNum<F, Exact>;
    let mut rng = XorShift(seed);
    let ends = [
        W::<FRAC>::MAX,
        W::<FRAC>::MIN,
        W::<FRAC>::MIN_POSITIVE,
        -W::<FRAC>::MIN_POSITIVE,
        W::<FRAC>::ONE,
        W::<FRAC>::NEG_ZERO,
    ];
    let words = (0..count).map(|_| W::<FRAC>::from_bits(rng.next_u64() as u32));
    for x in ends.into_iter().chain(words) {
        let s = x.to_string();
        assert_eq!(
            s.parse::<W<FRAC>>().map(|y| y.to_bits()),
            Ok(x.to_bits()),
            "WideLogNum<{FRAC}> {x:?} printed as {s}"
        );
        if !x.is_zero() {
            assert!(!s.contains("inf") && s != "0" && s != "-0", "{x:?}: {s}");
        }
        // With a precision, a value still prints as itself, not inf or 0.
        let p = format!("{x:.3}");
        assert!(!p.contains("inf"), "{x:?}: {p}");
    }
}

#[test]
fn wide_words_beyond_f64_print_and_read_back() {
    wide_words_round_trip::<0>(0x5eed_0000, 20_000);
    wide_words_round_trip::<1>(0x5eed_0001, 5_000);
    wide_words_round_trip::<5>(0x5eed_0005, 5_000);
    wide_words_round_trip::<10>(0x5eed_000a, 5_000);
    wide_words_round_trip::<19>(0x5eed_0013, 20_000);
    // Inside f64's range too, the subnormal ends included.
    wide_words_round_trip::<20>(0x5eed_0014, 5_000);
    wide_words_round_trip::<26>(0x5eed_001a, 5_000);
}

#[test]
fn wide_words_beyond_f64_print_their_value() {
    type W0 = WideLogNum<0>;
    // 2^100000 = 9.990021…e30102 (log10: 100000 · 0.30103 = 30102.99957).
    let x = W0::from_log2_code(false, 100_000);
    assert_eq!(format!("{x:.5}"), "9.99002e30102");
    assert_eq!(format!("{:.2}", -x.recip()), "-1.00e-30103");
    // MAX = 2^(2^30 − 1): its decimal exponent is ⌊(2^30 − 1)·log10 2⌋.
    let s = W0::MAX.to_string();
    assert!(s.ends_with("e323228496"), "{s}");
    // Literals beyond f64 read in the log domain.
    let y: W0 = "1e99999".parse().unwrap();
    assert_eq!(y.log2_code(), Some(332_189)); // 99999 · log2 10 = 332 189.49
    let z: W0 = "-2.5e-400".parse().unwrap();
    assert_eq!(z.log2_code(), Some(-1327)); // log2 2.5 − 400 · log2 10 = −1327.4
    assert!(z.is_sign_negative());
}

#[test]
fn literals_beyond_f64_are_overflow_or_flush() {
    let overflow = ParseLogNumError::Unrepresentable(ConversionError::Overflow);
    assert_eq!("1e99999".parse::<L>(), Err(overflow));
    assert_eq!("-1e99999".parse::<L>(), Err(overflow));
    assert_eq!("1e400".parse::<WideLogNum<20>>(), Err(overflow));
    let long = "12345678901234567890e999999999999";
    assert_eq!(long.parse::<L>(), Err(overflow));
    // Infinities themselves are still Infinite.
    let infinite = Err(ParseLogNumError::Unrepresentable(ConversionError::Infinite));
    assert_eq!("inf".parse::<L>(), infinite);
    assert_eq!("-Infinity".parse::<L>(), infinite);
    // Too small flushes to zero, keeping the sign, like from_f64.
    assert_eq!("1e-99999".parse::<L>().map(L::to_bits), Ok(0));
    assert_eq!(
        "-1e-400".parse::<L>().map(L::to_bits),
        Ok(L::NEG_ZERO.to_bits())
    );
    // Zeros of any spelling, and junk.
    assert_eq!("0e99999".parse::<L>(), Ok(L::ZERO));
    assert_eq!(
        "-0.000".parse::<L>().map(L::to_bits),
        Ok(L::NEG_ZERO.to_bits())
    );
    assert_eq!("1e".parse::<L>(), Err(ParseLogNumError::Invalid));
    assert_eq!("e5".parse::<L>(), Err(ParseLogNumError::Invalid));
}

#[test]
fn logarithms_of_negatives_and_zero_agree() {
    fn check<T: Real + num_traits::Zero + core::fmt::Debug>(zero: T, neg_zero: T, neg: T) {
        // A negative argument: NaN in f64, +0 here (the stand-in for NaN).
        for y in [neg.ln(), neg.log2(), neg.log10(), neg.log(zero - neg)] {
            assert!(y.is_zero() && y.is_sign_positive(), "{y:?}");
        }
        // Zero of either sign: −∞ in f64, saturated to MIN here.
        for z in [zero, neg_zero] {
            assert_eq!(z.ln(), T::min_value());
            assert_eq!(z.log2(), T::min_value());
            assert_eq!(z.log10(), T::min_value());
        }
    }
    check(L::ZERO, L::NEG_ZERO, L::NEG_ONE);
    check(L::ZERO, L::NEG_ZERO, L::from_f64(-3.0));
    check(
        LogNum::<6, Lut>::ZERO,
        LogNum::NEG_ZERO,
        LogNum::from_f64(-0.1),
    );
    check(
        WideLogNum::<20>::ZERO,
        WideLogNum::NEG_ZERO,
        WideLogNum::from_f64(-7.0),
    );
    // And the positive side still works.
    assert_eq!(Real::log2(L::from_f64(8.0)), L::from_f64(3.0));
}
