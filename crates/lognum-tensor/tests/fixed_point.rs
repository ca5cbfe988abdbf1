//! The fixed-point `Scalar` arithmetic against integer references: every
//! product is exact, a sum of products is rounded to nearest (ties to even)
//! and saturated once, and the single operations (`scalar_mul`, `scalar_div`,
//! `mul_pow2`) round to nearest and saturate.
//!
//! Operands come from raw bit patterns (uniform words, which saturate most
//! sums, mixed with small values and the extreme words), so every code can
//! come up.

use fixed::types::extra::{LeEqU16, U0, U11, U15, U16, U27};
use fixed::types::{I5F11, I16F16};
use fixed::{FixedI16, FixedI32};
use lognum_tensor::{Accumulate, Scalar, Tensor};
use lognum_testkit::SplitMix64;

/// `n / 2^s` rounded to nearest, ties to even: written with Euclidean
/// division, apart from the kernels' shift and mask.
fn round_div_pow2(n: i128, s: u32) -> i128 {
    let d = 1i128 << s;
    let (q, r) = (n.div_euclid(d), n.rem_euclid(d));
    match (2 * r).cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q % 2 != 0) as i128,
    }
}

fn sat16(x: i128) -> i16 {
    x.clamp(i16::MIN.into(), i16::MAX.into()) as i16
}

fn sat32(x: i128) -> i32 {
    x.clamp(i32::MIN.into(), i32::MAX.into()) as i32
}

/// A 16-bit word: with odds `1 : big_odds` a big one (uniform bits or one
/// of the extreme words, half and half), otherwise one below `2^e` ulp in
/// magnitude (`e ≤ 15`).
fn word16(rng: &mut SplitMix64, e: u32, big_odds: u64) -> i16 {
    if rng.below(big_odds) != 0 {
        return (rng.next_u64() as i16) >> (15 - e);
    }
    match rng.below(2) {
        0 => rng.next_u64() as i16,
        _ => [
            0,
            1,
            -1,
            i16::MAX,
            i16::MIN,
            i16::MIN + 1,
            1 << 11,
            -(1 << 11),
        ][rng.below(8) as usize],
    }
}

/// A 32-bit word, drawn the same way (`e ≤ 31`).
fn word32(rng: &mut SplitMix64, e: u32, big_odds: u64) -> i32 {
    if rng.below(big_odds) != 0 {
        return (rng.next_u64() as i32) >> (31 - e);
    }
    match rng.below(2) {
        0 => rng.next_u64() as i32,
        _ => [0, 1, -1, i32::MAX, i32::MIN, i32::MIN + 1][rng.below(6) as usize],
    }
}

/// A 16-bit word of any magnitude, one in eight big.
fn any16(rng: &mut SplitMix64) -> i16 {
    let e = rng.below(16) as u32;
    word16(rng, e, 8)
}

/// A 32-bit word of any magnitude, one in eight big.
fn any32(rng: &mut SplitMix64) -> i32 {
    let e = rng.below(32) as u32;
    word32(rng, e, 8)
}

/// Word magnitudes (in bits) for the rows of `a` and the columns of `b` of
/// a product with `k` terms, such that a sum of `k` products of words
/// uniform below `2^ea` and `2^eb` ulp has about the size of the rail: its
/// standard deviation `√k·2^(ea+eb)/3` (in units of `2^-2F`) is `2^(W−1+F)`
/// for `W`-bit words with `F` fraction bits. Each row and column is given
/// or taken a bit at random, so that some sums saturate and most do not.
fn magnitudes(
    rng: &mut SplitMix64,
    bits: u32,
    frac: u32,
    k: usize,
    rows: usize,
    cols: usize,
) -> (Vec<u32>, Vec<u32>) {
    let rail = f64::from(bits - 1 + frac);
    let sum = (rail + 3f64.log2() - (k.max(1) as f64).log2() / 2.0).round() as i64;
    let mut draw = |half: i64, len: usize| -> Vec<u32> {
        (0..len)
            .map(|_| (half + rng.below(3) as i64 - 1).clamp(0, i64::from(bits) - 1) as u32)
            .collect()
    };
    let ea = draw(sum / 2, rows);
    let eb = draw(sum - sum / 2, cols);
    (ea, eb)
}

/// The reference for a 16-bit product `a·b` (m×k times k×n): the exact sum
/// of the exact products, in i64, rounded once and saturated once.
fn gemm16_reference(frac: u32, m: usize, k: usize, n: usize, a: &[i16], b: &[i16]) -> Vec<i16> {
    let mut c = vec![0; m * n];
    for i in 0..m {
        for j in 0..n {
            let sum: i64 = (0..k)
                .map(|p| i64::from(a[i * k + p]) * i64::from(b[p * n + j]))
                .sum();
            c[i * n + j] = sat16(round_div_pow2(sum.into(), frac));
        }
    }
    c
}

fn gemm16_matches_reference<Frac: LeEqU16 + Send + Sync + 'static>(seed: u64) {
    let mut rng = SplitMix64::new(seed);
    let frac = Frac::U32;
    let (mut saturated, mut total) = (0, 0);
    for &(m, k, n) in &[
        (1, 1, 1),
        (3, 0, 2),
        (2, 7, 3),
        (5, 784, 10),
        (7, 33, 65),
        (1, 1000, 1),
        // Above the size that splits rows across threads.
        (40, 256, 128),
    ] {
        let (ea, eb) = magnitudes(&mut rng, 16, frac, k, m, n);
        // About one output in four meets a big word.
        let odds = 8 * k.max(1) as u64;
        let a: Vec<i16> = (0..m * k)
            .map(|x| word16(&mut rng, ea[x / k], odds))
            .collect();
        let b: Vec<i16> = (0..k * n)
            .map(|x| word16(&mut rng, eb[x % n], odds))
            .collect();
        let want = gemm16_reference(frac, m, k, n, &a, &b);
        saturated += want
            .iter()
            .filter(|&&w| w == i16::MAX || w == i16::MIN)
            .count();
        total += want.len();
        let af: Vec<FixedI16<Frac>> = a.iter().map(|&x| FixedI16::from_bits(x)).collect();
        let bf: Vec<FixedI16<Frac>> = b.iter().map(|&x| FixedI16::from_bits(x)).collect();
        for acc in [
            Accumulate::Sequential,
            Accumulate::Blocked(4),
            Accumulate::Wide,
        ] {
            let mut c = vec![FixedI16::<Frac>::ZERO; m * n];
            FixedI16::gemm_with(acc, m, k, n, &af, &bf, &mut c);
            let got: Vec<i16> = c.iter().map(|x| x.to_bits()).collect();
            assert_eq!(got, want, "I{}F{frac} {m}×{k}×{n} {acc:?}", 16 - frac);
        }
        // The tensor entry point and `dot` go through the same kernel.
        if k > 0 {
            let ta = Tensor::from_vec(af.clone(), &[m, k]).unwrap();
            let tb = Tensor::from_vec(bf.clone(), &[k, n]).unwrap();
            let got: Vec<i16> = ta
                .matmul(&tb)
                .unwrap()
                .to_vec()
                .iter()
                .map(|x| x.to_bits())
                .collect();
            assert_eq!(got, want, "matmul I{}F{frac} {m}×{k}×{n}", 16 - frac);
            let col: Vec<FixedI16<Frac>> = (0..k).map(|p| bf[p * n]).collect();
            assert_eq!(FixedI16::dot(&af[..k], &col).to_bits(), want[0]);
        }
    }
    // Both the rounding and the single saturation are tested: at least a
    // twentieth of the outputs on each side of the rails.
    eprintln!(
        "I{}F{frac}: {saturated} of {total} outputs saturated",
        16 - frac
    );
    assert!(
        saturated * 20 > total && (total - saturated) * 20 > total,
        "{saturated} of {total} outputs saturated"
    );
}

/// `gemm`, every `gemm_with` order, `Tensor::matmul` and `dot` give the
/// bits of the i64 reference, for several splits of the 16 bits.
#[test]
fn fixed16_gemm_is_the_rounded_exact_sum() {
    gemm16_matches_reference::<U11>(1);
    gemm16_matches_reference::<U0>(2);
    gemm16_matches_reference::<U15>(3);
    gemm16_matches_reference::<U16>(4);
}

/// The same for 32-bit words, against an i128 reference.
#[test]
fn fixed32_gemm_is_the_rounded_exact_sum() {
    let mut rng = SplitMix64::new(5);
    let (m, k, n) = (8, 300, 20);
    let (ea, eb) = magnitudes(&mut rng, 32, 16, k, m, n);
    let odds = 8 * k as u64;
    let a: Vec<i32> = (0..m * k)
        .map(|x| word32(&mut rng, ea[x / k], odds))
        .collect();
    let b: Vec<i32> = (0..k * n)
        .map(|x| word32(&mut rng, eb[x % n], odds))
        .collect();
    let af: Vec<I16F16> = a.iter().map(|&x| I16F16::from_bits(x)).collect();
    let bf: Vec<I16F16> = b.iter().map(|&x| I16F16::from_bits(x)).collect();
    let mut c = vec![I16F16::ZERO; m * n];
    I16F16::gemm(m, k, n, &af, &bf, &mut c);
    let mut saturated = 0;
    for i in 0..m {
        for j in 0..n {
            let sum: i128 = (0..k)
                .map(|p| i128::from(a[i * k + p]) * i128::from(b[p * n + j]))
                .sum();
            let want = sat32(round_div_pow2(sum, 16));
            saturated += (want == i32::MAX || want == i32::MIN) as usize;
            assert_eq!(c[i * n + j].to_bits(), want);
        }
    }
    eprintln!("I16F16: {saturated} of {} outputs saturated", m * n);
    assert!(saturated * 20 > m * n && (m * n - saturated) * 20 > m * n);
}

/// Partial sums do not saturate: `MAX + MAX − MAX` is `MAX`, and
/// `MAX + 1 − 1` is `MAX`, where a saturating running sum would give
/// `MAX − MAX = 0` and `MAX − 1`.
#[test]
fn only_the_final_sum_saturates() {
    let one = I5F11::from_num(1);
    let (max, ulp) = (I5F11::MAX, I5F11::DELTA);
    assert_eq!(I5F11::dot(&[max, max, -max], &[one; 3]), max);
    assert_eq!(I5F11::dot(&[max, ulp, -ulp], &[one; 3]), max);
    // And a sum past the rail stays there.
    assert_eq!(I5F11::dot(&[max, max], &[one; 2]), max);
    assert_eq!(I5F11::dot(&[-max, -max, -max], &[one; 3]), I5F11::MIN);
}

/// `scalar_mul` against the exact product rounded to nearest (ties to even) for
/// two million random pairs, and against the `fixed` crate's conversion of
/// the exact f64 product (nearest, ties to even, saturating): two
/// references that must agree bit for bit.
#[test]
fn fixed16_mul_rounds_to_nearest_even() {
    let mut rng = SplitMix64::new(6);
    for _ in 0..2_000_000 {
        let (a, b) = (any16(&mut rng), any16(&mut rng));
        let (x, y) = (I5F11::from_bits(a), I5F11::from_bits(b));
        let got = Scalar::scalar_mul(x, y).to_bits();
        let exact = i128::from(a) * i128::from(b);
        assert_eq!(got, sat16(round_div_pow2(exact, 11)), "{x} · {y}");
        // |a·b| < 2^31: the f64 product is exact.
        let via_f64 = I5F11::saturating_from_num(x.to_num::<f64>() * y.to_num::<f64>());
        assert_eq!(got, via_f64.to_bits(), "{x} · {y}");
    }
}

/// Ties, bit by bit: a product of half an ulp goes to the even neighbour.
/// `k ulp · 0.5` is exactly `k/2` ulp: for odd `k`, a tie between
/// `(k−1)/2` and `(k+1)/2`, and the even one of the two wins.
#[test]
fn fixed16_mul_ties_go_to_even() {
    let half = I5F11::from_num(0.5);
    for (k, want) in [(1, 0), (3, 2), (5, 2), (7, 4), (-1, 0), (-3, -2), (-5, -2)] {
        let got = Scalar::scalar_mul(I5F11::from_bits(k), half).to_bits();
        assert_eq!(got, want, "{k} ulp · 0.5");
    }
    // Not ties: 0.75 ulp rounds away from zero, 0.25 ulp to zero, on both
    // sides (truncation would give 0, −1, 0, −1).
    let ulp = I5F11::DELTA;
    for (x, want) in [(0.75, 1), (-0.75, -1), (0.25, 0), (-0.25, 0)] {
        assert_eq!(
            Scalar::scalar_mul(ulp, I5F11::from_num(x)).to_bits(),
            want,
            "{x}"
        );
    }
}

/// Rounding to nearest is unbiased: over a million random products of
/// small operands the mean error is below 0.002 ulp (truncation's is −0.5
/// ulp; the standard error of the mean here is about 0.0003 ulp).
#[test]
fn fixed16_products_are_unbiased() {
    let mut rng = SplitMix64::new(7);
    let (mut err, mut trunc_err, n) = (0.0, 0.0, 1_000_000);
    for _ in 0..n {
        let x = I5F11::from_bits((rng.next_u64() as i16) >> 4);
        let y = I5F11::from_bits((rng.next_u64() as i16) >> 4);
        let exact = x.to_num::<f64>() * y.to_num::<f64>() * 2048.0;
        err += f64::from(Scalar::scalar_mul(x, y).to_bits()) - exact;
        trunc_err += f64::from(x.saturating_mul(y).to_bits()) - exact;
    }
    let (mean, trunc_mean) = (err / n as f64, trunc_err / n as f64);
    assert!(mean.abs() < 0.002, "mean error {mean} ulp");
    assert!(
        (trunc_mean + 0.5).abs() < 0.01,
        "truncation {trunc_mean} ulp"
    );
}

/// `mul_pow2` for every 16-bit word and every shift from −20 to 20:
/// `x·2^k` rounded to nearest (ties to even) and saturated, as the
/// conversion from the exact f64 value gives it.
#[test]
fn fixed16_mul_pow2_is_a_rounded_saturating_shift() {
    for bits in i16::MIN..=i16::MAX {
        let x = I5F11::from_bits(bits);
        for k in -20..=20 {
            let want = I5F11::saturating_from_num(x.to_num::<f64>() * f64::from(k).exp2());
            assert_eq!(Scalar::mul_pow2(x, k), want, "{x} · 2^{k}");
        }
        for k in [i32::MIN, -64, -17, 17, 64, i32::MAX] {
            let want = if k < 0 || bits == 0 {
                I5F11::ZERO
            } else if bits > 0 {
                I5F11::MAX
            } else {
                I5F11::MIN
            };
            assert_eq!(Scalar::mul_pow2(x, k), want, "{x} · 2^{k}");
        }
    }
}

/// `scalar_div` against an exact rational reference: of the two words around
/// `a/b`, the nearer (ties to even), saturated; `x / 0` saturates.
#[test]
fn fixed16_div_rounds_to_nearest_even() {
    let mut rng = SplitMix64::new(8);
    for _ in 0..1_000_000 {
        let (a, b) = (any16(&mut rng), any16(&mut rng));
        let (x, y) = (I5F11::from_bits(a), I5F11::from_bits(b));
        let got = Scalar::scalar_div(x, y).to_bits();
        let want = if b == 0 {
            match a.signum() {
                0 => 0,
                1 => i16::MAX,
                _ => i16::MIN,
            }
        } else {
            // a·2^11 / b = num / den with den > 0.
            let (num, den) = (i128::from(a) << 11, i128::from(b));
            let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
            let q = num.div_euclid(den);
            let r = num.rem_euclid(den);
            let q = match (2 * r).cmp(&den) {
                std::cmp::Ordering::Less => q,
                std::cmp::Ordering::Greater => q + 1,
                std::cmp::Ordering::Equal => q + (q % 2 != 0) as i128,
            };
            sat16(q)
        };
        assert_eq!(got, want, "{x} / {y}");
    }
}

/// The 32-bit master type of `fixed16` (I5F27) rounds its products to
/// nearest too.
#[test]
fn fixed32_mul_rounds_to_nearest_even() {
    let mut rng = SplitMix64::new(9);
    for _ in 0..200_000 {
        let (a, b) = (any32(&mut rng), any32(&mut rng));
        let (x, y) = (FixedI32::<U27>::from_bits(a), FixedI32::<U27>::from_bits(b));
        let exact = i128::from(a) * i128::from(b);
        assert_eq!(
            Scalar::scalar_mul(x, y).to_bits(),
            sat32(round_div_pow2(exact, 27)),
            "{x} · {y}"
        );
    }
}
