//! Tie and edge cases pinned bit by bit, each with the reasoning that fixes
//! the expected word. Words are written as `0x4000 + code` for `LogNum<10>`
//! (`BIAS = 0x4000`, one code = 2^-10 in the log) and `0x400 + code` for
//! `LogNum<6>`.

use lognum::convert::rescale_code;
use lognum::{
    BitShift, ConversionError, Exact, FloorShift, Interp, LogAdd, LogNum, Lut, SoftmaxLut, TruncLut,
};
use lognum::{WideLogNum, arith};

type L = LogNum<10>;
type E = LogNum<10, Exact>;
type L6 = LogNum<6>;

/// The `LogNum<10>` word of `±2^(code/1024)`.
fn w10(negative: bool, code: i32) -> u16 {
    (0x4000 + code) as u16 | if negative { 0x8000 } else { 0 }
}

#[test]
fn powers_of_two_convert_exactly() {
    // log2 of a power of two is exact (the mantissa is 1, every series term
    // is 0), so `from_f64(2^k)` lands on code k·2^FRAC with nothing to round.
    for k in -15..=15 {
        let x = 2f64.powi(k);
        assert_eq!(L::from_f64(x).to_bits(), w10(false, k << 10), "2^{k}");
        assert_eq!(L::from_f64(-x).to_bits(), w10(true, k << 10), "-2^{k}");
        assert_eq!(
            L6::from_f64(x).to_bits(),
            (0x400 + (k << 6)) as u16,
            "2^{k}"
        );
        assert_eq!(L::from_f64(x).to_f64(), x);
        assert_eq!(E::from_bits(w10(false, k << 10)).to_f64(), x);
    }
    // 2^16 has code 16·1024 = 16384, one past MAX's 16383: it saturates, and
    // TryFrom calls it overflow.
    assert_eq!(L::from_f64(65536.0), L::MAX);
    assert_eq!(L::try_from(65536.0), Err(ConversionError::Overflow));
    // 2^-16 has code −16384, one below MIN_POSITIVE's −16383: it flushes,
    // keeping the sign, and is not an error.
    assert_eq!(L::from_f64(2f64.powi(-16)).to_bits(), 0x0000);
    assert_eq!(L::from_f64(-(2f64.powi(-16))).to_bits(), 0x8000);
    assert_eq!(L::try_from(2f64.powi(-16)).map(L::to_bits), Ok(0));
}

#[test]
fn range_boundaries_round_to_nearest() {
    let at = |code: f64| (code / 1024.0).exp2();
    // Within half a code of the ends: the end code.
    assert_eq!(L::from_f64(at(16383.49)), L::MAX);
    assert_eq!(L::try_from(at(16383.49)), Ok(L::MAX));
    assert_eq!(L::from_f64(at(-16383.49)), L::MIN_POSITIVE);
    // Past half a code: saturate (an error for TryFrom) or flush (not an error).
    assert_eq!(L::from_f64(at(16383.51)), L::MAX);
    assert_eq!(L::try_from(at(16383.51)), Err(ConversionError::Overflow));
    assert_eq!(L::from_f64(at(-16383.51)).to_bits(), 0);
    assert_eq!(L::try_from(at(-16383.51)).map(L::to_bits), Ok(0));
    // Interior rounding: 0.49 of a code rounds down, 0.51 up.
    assert_eq!(L::from_f64(at(100.49)).to_bits(), w10(false, 100));
    assert_eq!(L::from_f64(at(100.51)).to_bits(), w10(false, 101));
    assert_eq!(L::from_f64(-at(-100.51)).to_bits(), w10(true, -101));
    // f32 inputs are widened exactly first: the same codes.
    assert_eq!(L::from_f32(at(100.51) as f32).to_bits(), w10(false, 101));
    // The crate docs' example: 6 = 2^2.58496…, code round(2647.0) = 2647.
    assert_eq!(L::from_f64(6.0).to_bits(), 0x4a57);
}

#[test]
fn sqrt_rounds_half_codes_away_from_zero() {
    // sqrt halves the log code; an odd code leaves half a code, rounded away
    // from zero so that sqrt commutes with recip (−L ↦ −round_away(L/2)).
    let cases = [(1, 1), (-1, -1), (3, 2), (-3, -2), (2, 1), (-2, -1), (0, 0)];
    for (code, half) in cases {
        assert_eq!(
            L::from_bits(w10(false, code)).sqrt().to_bits(),
            w10(false, half),
            "{code}"
        );
    }
    // MAX (code 16383) → 8192; MIN_POSITIVE (code −16383) → −8192.
    assert_eq!(L::MAX.sqrt().to_bits(), 0x6000);
    assert_eq!(L::MIN_POSITIVE.sqrt().to_bits(), 0x2000);
    // No NaN code: sqrt of a negative number, and of −0, is +0.
    assert_eq!(L::from_f64(-4.0).sqrt().to_bits(), 0);
    assert_eq!(L::NEG_ZERO.sqrt().to_bits(), 0);
    for w in 1..=0x7fffu16 {
        let x = L::from_bits(w);
        assert_eq!(x.recip().sqrt(), x.sqrt().recip(), "{x:?}");
        // Squaring back: exact for even codes, one code further from 1 for
        // odd ones (saturating at MAX, flushing below MIN_POSITIVE).
        let l = x.log2_code().unwrap();
        let back = l + (l & 1) * l.signum();
        let want = if back < -16383 {
            None
        } else {
            Some(back.min(16383))
        };
        assert_eq!(x.sqrt().powi(2).log2_code(), want, "{x:?}");
    }
}

#[test]
fn cbrt_rounds_to_nearest_keeping_sign() {
    // A third of a code never ties: 1/3 → 0, 2/3 → 1.
    let cases = [(1, 0), (2, 1), (-1, 0), (-2, -1), (3, 1), (4, 1), (5, 2)];
    for (code, third) in cases {
        assert_eq!(
            L::from_bits(w10(false, code)).cbrt().to_bits(),
            w10(false, third),
            "{code}"
        );
        assert_eq!(
            L::from_bits(w10(true, code)).cbrt().to_bits(),
            w10(true, third),
            "{code}"
        );
    }
    // 16383 = 3·5461: MAX's cube root is exact, word 0x4000 + 5461 = 0x5555.
    assert_eq!(L::MAX.cbrt().to_bits(), 0x5555);
    assert_eq!(L::from_f64(-8.0).cbrt().to_bits(), w10(true, 1024));
    // The sign is kept, −0 included.
    assert_eq!(L::NEG_ZERO.cbrt().to_bits(), 0x8000);
}

#[test]
fn rescale_rounds_halves_away_from_zero() {
    // One fraction bit dropped: ±0.5 → ±1.
    assert_eq!(rescale_code(1, 1, 0), 1);
    assert_eq!(rescale_code(-1, 1, 0), -1);
    // Two dropped: 0.25 → 0, 0.5 → 1, 0.75 → 1, 1.25 → 1, 1.5 → 2, mirrored.
    let cases = [(1, 0), (2, 1), (3, 1), (5, 1), (6, 2), (7, 2)];
    for (code, want) in cases {
        assert_eq!(rescale_code(code, 2, 0), want, "{code}");
        assert_eq!(rescale_code(-code, 2, 0), -want, "-{code}");
    }
    // Widening multiplies and saturates instead of overflowing.
    assert_eq!(rescale_code(-3, 1, 3), -12);
    assert_eq!(rescale_code(i64::MAX, 0, 10), i64::MAX);
    assert_eq!(rescale_code(i64::MIN, 0, 1), i64::MIN);

    // LogNum<10> → LogNum<6> drops 4 bits: 8/16 = 0.5 → 1, 7/16 → 0.
    let to6 = |code: i32| L::from_bits(w10(false, code)).to_frac::<6>().log2_code();
    assert_eq!(to6(8), Some(1));
    assert_eq!(to6(7), Some(0));
    assert_eq!(to6(-8), Some(-1));
    assert_eq!(to6(24), Some(2));
    // MAX: 16383/16 = 1023.94 → 1024, past LogNum<6>'s 1023: saturates.
    assert_eq!(L::MAX.to_frac::<6>(), L6::MAX);
    // MIN_POSITIVE: −16383/16 → −1024, below LogNum<6>'s −1023: flushes to
    // zero (keeping the sign) — the documented underflow rule, although MAX
    // saturates: the two ends are not mirror images after rounding.
    assert_eq!(L::MIN_POSITIVE.to_frac::<6>().to_bits(), 0);
    assert_eq!((-L::MIN_POSITIVE).to_frac::<6>().to_bits(), 0x800);
    // Widening is exact and narrowing rounds the same way: 512 wide codes at
    // FRAC = 20 are half a code at FRAC = 10.
    let w = |code: i64| WideLogNum::<20>::from_log2_code(false, code);
    assert_eq!(w(512).narrow::<10>().log2_code(), Some(1));
    assert_eq!(w(511).narrow::<10>().log2_code(), Some(0));
    assert_eq!(w(-512).narrow::<10>().log2_code(), Some(-1));
    assert_eq!(L::MIN.widen::<20>().log2_code(), Some(16383 << 10));
}

#[test]
fn reciprocals_of_the_ends() {
    // The bias makes the range symmetric: M ↦ 2·BIAS − M maps 1 ↔ 0x7fff.
    assert_eq!(L::MAX.recip().to_bits(), 0x0001);
    assert_eq!(L::MIN_POSITIVE.recip().to_bits(), 0x7fff);
    assert_eq!(L::MIN.recip().to_bits(), 0x8001);
    assert_eq!((-L::MIN_POSITIVE).recip().to_bits(), 0xffff);
    assert_eq!(L::ONE.recip(), L::ONE);
    // 1/±0 = ±MAX.
    assert_eq!(L::ZERO.recip(), L::MAX);
    assert_eq!(L::NEG_ZERO.recip(), L::MIN);
    // So recip is an involution on every non-zero word, and MAX·MIN_POSITIVE
    // is exactly 1 (32767 + 1 − 16384 = 16384).
    for w in (1..=0xffffu16).filter(|w| w & 0x7fff != 0) {
        let x = L::from_bits(w);
        assert_eq!(x.recip().recip().to_bits(), w);
        // x·(1/x) = +1 for either sign: the signs agree, the codes cancel.
        assert_eq!((x * x.recip()).to_bits(), 0x4000);
    }
    assert_eq!((L::MAX * L::MIN_POSITIVE).to_bits(), 0x4000);
    // Below the range a product flushes, with the product's sign.
    assert_eq!((L::MIN_POSITIVE * L::MIN_POSITIVE).to_bits(), 0x0000);
    assert_eq!((L::MIN_POSITIVE * -L::MIN_POSITIVE).to_bits(), 0x8000);
    assert_eq!(L6::MAX.recip().to_bits(), 0x001);
}

#[test]
fn powers_and_scaling() {
    // x^0 = 1 for every x, zero included; 0^−n = MAX with the sign rule.
    assert_eq!(L::ZERO.powi(0), L::ONE);
    assert_eq!(L::ZERO.powi(-1), L::MAX);
    assert_eq!(L::NEG_ZERO.powi(-1), L::MIN);
    assert_eq!(L::NEG_ZERO.powi(-2), L::MAX);
    assert_eq!(L::NEG_ZERO.powi(3).to_bits(), 0x8000);
    // (−1)^n: the code is 0 for every n; only the parity sets the sign.
    assert_eq!(L::NEG_ONE.powi(i32::MIN), L::ONE);
    assert_eq!(L::NEG_ONE.powi(i32::MAX), L::NEG_ONE);
    // Huge exponents saturate or flush instead of overflowing.
    assert_eq!(L::from_f64(2.0).powi(i32::MAX), L::MAX);
    assert_eq!(L::from_f64(2.0).powi(i32::MIN).to_bits(), 0);
    // The leaky-ReLU slope 2^-7: 7·1024 codes down, 0x4000 − 0x1c00 = 0x2400.
    assert_eq!(L::ONE.mul_pow2(-7).to_bits(), 0x2400);
    assert_eq!(L::ONE.mul_pow2(i32::MIN).to_bits(), 0);
    assert_eq!(L::NEG_ONE.mul_pow2(i32::MAX), L::MIN);
    // powf of a negative base: only integer exponents have a real result.
    assert_eq!(
        L::from_f64(-2.0).powf_f64(3.0).to_bits(),
        w10(true, 3 << 10)
    );
    assert_eq!(
        L::from_f64(-2.0).powf_f64(2.0).to_bits(),
        w10(false, 2 << 10)
    );
    assert_eq!(L::from_f64(-2.0).powf_f64(0.5).to_bits(), 0);
}

#[test]
fn table_index_ties_and_first_entries() {
    // Lut rounds d/r to the nearest sample with (d + 2^(s−1)) >> s, so the
    // tie d = r/2 = 256 codes goes up, as the paper's C kernel's round():
    // d = 255 uses Δ+(0) = 1024, d = 256 uses Δ+(0.5) = 0.77155 → 790.
    assert_eq!(<Lut>::delta_plus::<10>(255), 1024);
    assert_eq!(<Lut>::delta_plus::<10>(256), 790);
    // The first Δ− entry stands for (0, r/2) and holds −Δ−(r/4) = −Δ−(1/8)
    // = 3.59095 → 3677 codes at FRAC = 10, 230 at FRAC = 6.
    assert_eq!(<Lut>::delta_minus::<10>(1), 3677);
    assert_eq!(<Lut>::delta_minus::<10>(255), 3677);
    assert_eq!(<Lut>::delta_minus::<6>(1), 230);
    // d = 10 − r/2 = 9.75 rounds to index 20, past the 20-entry table: 0.
    assert_eq!(<Lut>::delta_plus::<10>(9983), 2); // 9.749 → sample 9.5
    assert_eq!(<Lut>::delta_plus::<10>(9984), 0);
    // TruncLut's entry 0 samples the middle of [0, 1/2): Δ+(1/4) = 0.88054
    // → 902, so in it 1 + 1 is 2^(902/1024), not 2.
    assert_eq!(<TruncLut>::delta_plus::<10>(0), 902);
    type T = LogNum<10, TruncLut>;
    assert_eq!((T::ONE + T::ONE).to_bits(), 0x4000 + 902);
    // Everywhere else Δ+(0) = 1 exactly, so 1 + 1 = 2 bit for bit.
    fn one_plus_one<A: LogAdd>() -> u16 {
        (LogNum::<10, A>::ONE + LogNum::<10, A>::ONE).to_bits()
    }
    for bits in [
        one_plus_one::<Exact>(),
        one_plus_one::<Lut>(),
        one_plus_one::<SoftmaxLut>(),
        one_plus_one::<Interp>(),
        one_plus_one::<BitShift>(),
        one_plus_one::<FloorShift>(),
    ] {
        assert_eq!(bits, 0x4400);
    }
    // FloorShift at d = 1⁻ still shifts by 0: Δ+ = 1, its worst case;
    // BitShift follows 2^-d down the chord and meets it at d = 1.
    assert_eq!(FloorShift::delta_plus::<10>(1023), 1024);
    assert_eq!(FloorShift::delta_plus::<10>(1024), 512);
    assert_eq!(FloorShift::delta_minus::<10>(1023), 1536);
    assert_eq!(BitShift::delta_plus::<10>(1023), 1024 - 511);
    assert_eq!(BitShift::delta_plus::<10>(1024), 512);
    assert_eq!(BitShift::delta_minus::<10>(1023), 1536 - 511 - 255);
    assert_eq!(BitShift::delta_minus::<10>(1024), 768);
}

#[test]
fn exact_sums_pinned() {
    // Δ−(1) = log2(1/2) = −1 exactly: 2 − 1 = 1.
    assert_eq!(E::from_f64(2.0) - E::ONE, E::ONE);
    // 4 − 1: Δ−(2) = log2(3/4) = −0.4150 → −425 codes (424.998), so the sum is
    // code 2048 − 425 = 1623 = round(1024·log2 3) (1623.002): the word of 3.
    assert_eq!(
        (E::from_f64(4.0) - E::ONE).to_bits(),
        E::from_f64(3.0).to_bits()
    );
    assert_eq!((E::from_f64(4.0) - E::ONE).to_bits(), w10(false, 1623));
    // Two neighbouring codes cancel to 2^-10.5 of either: at the bottom of
    // the range that is below MIN_POSITIVE, and the flush is +0, never −0.
    let (a, b) = (E::MIN_POSITIVE, E::from_bits(2));
    assert_eq!((a - b).to_bits(), 0);
    assert_eq!((b - a).to_bits(), 0);
    // −Δ−(2^-10) = 10.53 → 10782 codes: a difference of neighbours is the
    // larger one shifted down by that.
    assert_eq!(Exact::delta_minus::<10>(1), 10782);
    let x = E::ONE;
    let y = E::from_bits(0x4001);
    assert_eq!((y - x).log2_code(), Some(1 - 10782));
    // MAX + MAX: Δ+(0) = 1 pushes past the range: saturates.
    assert_eq!(E::MAX + E::MAX, E::MAX);
    assert_eq!(E::MAX + E::MIN_POSITIVE, E::MAX);
    // Signed zeros add like IEEE: −0 + −0 = −0, +0 + −0 = +0.
    assert_eq!((E::NEG_ZERO + E::NEG_ZERO).to_bits(), 0x8000);
    assert_eq!((E::ZERO + E::NEG_ZERO).to_bits(), 0);
    assert_eq!((E::NEG_ZERO + E::ZERO).to_bits(), 0);
    // The code-level adder agrees.
    assert_eq!(
        arith::add_magnitudes::<Exact, 10>(false, 16384, true, 16384, 32767),
        (false, 0)
    );
    assert_eq!(arith::mul_magnitudes(1, 1, 16384, 32767), 0);
    assert_eq!(arith::mul_magnitudes(32767, 32767, 16384, 32767), 32767);
}

#[test]
fn display_of_the_ends() {
    // MAX ≈ 65 491.65: the shortest decimal that reads back to MAX through
    // FromStr. A shorter one ("70000") would saturate in from_f64 but is
    // refused by FromStr as overflow, so it must not be printed.
    let s = L::MAX.to_string();
    assert_eq!(s.parse::<L>(), Ok(L::MAX));
    assert_eq!(s, "65500"); // 6.55e4: log code 16383.18 rounds to MAX's
    let s = L::MIN_POSITIVE.to_string();
    assert_eq!(s.parse::<L>(), Ok(L::MIN_POSITIVE));
    assert_eq!(L::MIN.to_string(), "-65500");
    // WideLogNum<20>'s MAX is 2^(1024 − 2^-20), just under f64::MAX: finite.
    let m = WideLogNum::<20>::MAX;
    assert!(m.to_f64().is_finite());
    assert_eq!(m.to_string().parse::<WideLogNum<20>>(), Ok(m));
}
