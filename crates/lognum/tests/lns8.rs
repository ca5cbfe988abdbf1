//! The one-byte word through its public names: `lognum::LogNum8` and the
//! `lognum::types::Lns8*` aliases, as the other crates of the workspace use
//! them.

use core::mem::size_of;

use lognum::types::{Lns8Exact, Lns8Interp, Lns8Lut, Lns8Shift};
use lognum::{Exact, LogNum, LogNum8, Lut};
use lognum_testkit::SplitMix64;

#[test]
fn one_byte_and_the_names_agree() {
    assert_eq!(size_of::<Lns8Lut>(), 1);
    assert_eq!(size_of::<Lns8Exact>(), 1);
    assert_eq!(size_of::<Option<[Lns8Lut; 4]>>(), 5);
    assert_eq!(size_of::<LogNum8<0>>(), 1);
    assert_eq!(size_of::<LogNum8<6, Exact>>(), 1);
    // The aliases are the default configuration at 3 fraction bits.
    let x: LogNum8<3, Lut> = Lns8Lut::from_f64(1.5);
    assert_eq!(x.to_bits(), LogNum8::<3>::from_f64(1.5).to_bits());
    assert_eq!(
        Lns8Exact::from_bits(0x45).with_approx::<Lut>(),
        Lns8Lut::from_bits(0x45)
    );
    assert_eq!(Lns8Lut::WORD_BITS, 8);
    assert_eq!(
        Lns8Lut::FRAC_NBITS + Lns8Lut::INT_NBITS + 1,
        Lns8Lut::MAG_BITS
    );
}

#[test]
fn constants_of_the_default_configuration() {
    type L = Lns8Lut;
    assert_eq!(L::BIAS, 64);
    assert_eq!(L::ONE.to_bits(), 0x40);
    assert_eq!(L::NEG_ONE.to_bits(), 0xc0);
    assert_eq!(L::MAX.to_bits(), 0x7f);
    assert_eq!(L::MIN.to_bits(), 0xff);
    // MAX = 2^(63/8), MIN_POSITIVE its reciprocal.
    assert!((L::MAX.to_f64() - 2f64.powf(7.875)).abs() < 1e-12);
    assert!((L::MIN_POSITIVE.to_f64() * L::MAX.to_f64() - 1.0).abs() < 1e-12);
    assert_eq!(L::EPSILON_LOG2, 0.125);
    // Neighbours differ by the factor 2^(1/8).
    let r = L::from_bits(0x41).to_f64() / L::ONE.to_f64();
    assert!((r - 2f64.powf(0.125)).abs() < 1e-12);
}

#[test]
fn arithmetic_in_each_approximation() {
    // Products are exact integer adds of logs in every approximation.
    assert_eq!(
        Lns8Lut::from_f64(4.0) * Lns8Lut::from_f64(-0.25),
        Lns8Lut::NEG_ONE
    );
    assert_eq!(
        Lns8Exact::from_f64(3.0) / Lns8Exact::from_f64(3.0),
        Lns8Exact::ONE
    );
    // 1 + 1 = 2: Δ+(0) = 1 is exact in every approximation.
    assert_eq!(Lns8Exact::ONE + Lns8Exact::ONE, Lns8Exact::from_f64(2.0));
    assert_eq!(Lns8Lut::ONE + Lns8Lut::ONE, Lns8Lut::from_f64(2.0));
    assert_eq!(Lns8Shift::ONE + Lns8Shift::ONE, Lns8Shift::from_f64(2.0));
    assert_eq!(Lns8Interp::ONE + Lns8Interp::ONE, Lns8Interp::from_f64(2.0));
    // Saturation and flush, not wrap-around.
    assert_eq!(Lns8Lut::MAX * Lns8Lut::MAX, Lns8Lut::MAX);
    assert_eq!(Lns8Lut::MAX + Lns8Lut::MAX, Lns8Lut::MAX);
    assert!((Lns8Lut::MIN_POSITIVE * Lns8Lut::MIN_POSITIVE).is_zero());
    assert_eq!(Lns8Lut::from_f64(1e6), Lns8Lut::MAX);
    assert_eq!(Lns8Lut::from_f64(-1e6), Lns8Lut::MIN);
    let x = Lns8Exact::from_f64(0.3);
    assert_eq!(x - x, Lns8Exact::ZERO);
    assert_eq!(x.sqrt().powi(2).to_bits().abs_diff(x.to_bits()), 0);
}

#[test]
fn text_and_checked_conversions() {
    type L = Lns8Lut;
    assert_eq!("0.5".parse::<L>().unwrap(), L::from_f64(0.5));
    assert!("1000".parse::<L>().is_err());
    assert!(L::try_from(f64::NAN).is_err());
    assert!(L::try_from(f32::INFINITY).is_err());
    assert!(L::try_from(300.0f64).is_err());
    assert_eq!(L::try_from(200.0f64), Ok(L::from_f64(200.0)));
    assert_eq!(format!("{:?}", L::NEG_ONE), "LogNum8<3>(-1 = 0xc0)");
    assert_eq!(L::from_f64(0.25).to_string(), "0.25");
}

/// Counts how often `round(random)` is the upper of the two codes around
/// the exact code `t` over `n` seeded draws, asserting that every result is
/// one of the two, and checks the count against the binomial distribution
/// with `p = t − ⌊t⌋`: within 5 standard deviations (a false alarm about
/// once in 1.7 million runs), plus one for the 2^-32 quantisation.
fn check_frequency(t: f64, n: u32, seed: u64, round: impl Fn(u32) -> Option<i64>) {
    let lo = t.floor() as i64;
    let p = t - t.floor();
    let mut rng = SplitMix64::new(seed);
    let mut up = 0u32;
    let mut sum = 0i64;
    for _ in 0..n {
        let c = round(rng.next_u32()).expect("a non-zero result");
        assert!(c == lo || c == lo + 1, "t = {t}: code {c}");
        up += u32::from(c == lo + 1);
        sum += c;
    }
    let n = f64::from(n);
    let sd = (n * p * (1.0 - p)).sqrt();
    let dev = (f64::from(up) - n * p).abs();
    assert!(dev <= 5.0 * sd + 1.0, "t = {t}: {up} up in {n}, p = {p}");
    // The same statement for the mean code: unbiased in the log code.
    let mean = sum as f64 / n;
    assert!(
        (mean - t).abs() <= (5.0 * sd + 1.0) / n,
        "t = {t}: mean {mean}"
    );
}

#[test]
fn stochastic_rounding_from_f64_is_unbiased_in_the_log_code() {
    type L = Lns8Lut;
    // Values across the range, both signs, fractions of a code from 0.02
    // to 0.98 (t is the exact code, from std's log2).
    let xs = [
        3.0, -3.0, 0.1, 1.01, -1.5, 7.3, 150.0, -0.0077, 0.9999, 0.006,
    ];
    for (i, &x) in xs.iter().enumerate() {
        let t = 8.0 * f64::abs(x).log2();
        check_frequency(t, 40_000, i as u64, |r| {
            let y = L::from_f64_stochastic(x, r);
            assert_eq!(y.is_sign_negative(), x < 0.0);
            y.log2_code()
        });
    }
    // Deterministic: the same random gives the same word.
    let mut rng = SplitMix64::new(99);
    for _ in 0..1000 {
        let (x, r) = (f64::from(rng.next_u32()) / 1e7 - 200.0, rng.next_u32());
        assert_eq!(L::from_f64_stochastic(x, r), L::from_f64_stochastic(x, r));
        // And one of the two codes around the nearest-rounded one.
        let (s, n) = (L::from_f64_stochastic(x, r), L::from_f64(x));
        assert!(s.magnitude().abs_diff(n.magnitude()) <= 1, "{x} {r}");
    }
    // At the ends: above MAX saturates (from either neighbour), below
    // MIN_POSITIVE the lower neighbour is zero.
    assert_eq!(L::from_f64_stochastic(240.0, 0), L::MAX);
    assert_eq!(L::from_f64_stochastic(-240.0, u32::MAX), L::MIN);
    // 2^(-63.5/8): half-way between zero (code −64) and MIN_POSITIVE.
    let half = 2f64.powf(-63.5 / 8.0);
    let ups = (0..1000u32)
        .filter(|&i| !L::from_f64_stochastic(half, i.wrapping_mul(4_294_967)).is_zero())
        .count();
    assert!((400..600).contains(&ups), "{ups}");
    assert_eq!(L::from_f64_stochastic(f64::INFINITY, 7), L::MAX);
    assert!(L::from_f64_stochastic(-0.0, 7).is_sign_negative());
}

#[test]
fn stochastic_narrowing_rounds_up_with_the_discarded_fraction() {
    type L10 = LogNum<10>;
    // Exactly: the 7 discarded bits `rest` round up for the randoms below
    // rest · 2^25 and down from there, for every word of LogNum<10>.
    for w in 0..=u16::MAX {
        let x = L10::from_bits(w);
        let Some(l) = x.log2_code() else {
            assert!(x.narrow8_stochastic::<3>(5).is_zero());
            continue;
        };
        let (floor, rest) = (l.div_euclid(128), l.rem_euclid(128) as u32);
        let lo = LogNum8::<3>::from_log2_code(x.is_sign_negative(), floor);
        let hi = LogNum8::<3>::from_log2_code(x.is_sign_negative(), floor + 1);
        let threshold = rest << 25;
        if rest == 0 {
            assert_eq!(x.narrow8_stochastic::<3>(0), lo, "{x:?}");
        } else {
            assert_eq!(x.narrow8_stochastic::<3>(0), hi, "{x:?}");
            assert_eq!(x.narrow8_stochastic::<3>(threshold - 1), hi, "{x:?}");
            assert_eq!(x.narrow8_stochastic::<3>(threshold), lo, "{x:?}");
        }
        assert_eq!(x.narrow8_stochastic::<3>(u32::MAX), lo, "{x:?}");
    }
    // From the wide word: 17 discarded bits, compared with the top 17 of
    // `random`.
    let w = lognum::WideLogNum::<20>::from_log2_code(true, (5 << 17) + 3);
    let (lo, hi) = (
        LogNum8::<3, Exact>::from_log2_code(true, 5),
        LogNum8::<3, Exact>::from_log2_code(true, 6),
    );
    assert_eq!(w.narrow8_stochastic::<3>((3 << 15) - 1), hi);
    assert_eq!(w.narrow8_stochastic::<3>(3 << 15), lo);
    assert_eq!(w.narrow8::<3>(), lo);
    check_frequency(5.0 + 39_322.0 / 131_072.0, 40_000, 7, |r| {
        let x = lognum::WideLogNum::<20>::from_log2_code(false, (5 << 17) + 39_322);
        x.narrow8_stochastic::<3>(r).log2_code()
    });
    // And as a frequency over seeded draws, for a few fractions.
    for (i, l) in [1i64, 37, 64, 100, -5, -127, 900, -1000]
        .into_iter()
        .enumerate()
    {
        let x = L10::from_log2_code(false, l);
        check_frequency(l as f64 / 128.0, 40_000, 100 + i as u64, |r| {
            x.narrow8_stochastic::<3>(r).log2_code()
        });
    }
}
