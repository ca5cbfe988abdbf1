//! Unit tests of the scaled tensors: products, narrowing, stochastic
//! rounding, bad input.

use super::*;
use lognum::Exact;

fn lcg(seed: u32) -> impl FnMut() -> u32 {
    let mut s = seed;
    move || {
        s = s.wrapping_mul(747_796_405).wrapping_add(2_891_336_453);
        let x = ((s >> ((s >> 28) + 4)) ^ s).wrapping_mul(277_803_737);
        (x >> 22) ^ x
    }
}

fn random_matrix(seed: u32, n: usize, scale: f32) -> Vec<f32> {
    let mut r = lcg(seed);
    (0..n)
        .map(|_| (r() as f32 / u32::MAX as f32 - 0.5) * scale)
        .collect()
}

/// The product of narrowed matrices is the exact product of their values
/// to within the 16-bit accumulation's error, at any scale.
#[test]
fn matmul_tracks_f64_at_any_scale() {
    for (scale_a, scale_b) in [(1.0, 1.0), (1e-6, 3e4), (1e20, 1e-25), (1e-30, 1e-8)] {
        let (m, k, n) = (3, 300, 4);
        let a = Scaled8::<3, Exact>::from_f32(&random_matrix(1, m * k, scale_a), &[m, k]).unwrap();
        let b = Scaled8::<3, Exact>::from_f32(&random_matrix(2, k * n, scale_b), &[k, n]).unwrap();
        let (av, bv) = (a.to_f64_vec(), b.to_f64_vec());
        let c = a.matmul(&b, Accumulate::Sequential).unwrap().to_f64_vec();
        for i in 0..m {
            for j in 0..n {
                let (mut want, mut norm) = (0.0, 0.0);
                for t in 0..k {
                    want += av[i * k + t] * bv[t * n + j];
                    norm += (av[i * k + t] * bv[t * n + j]).abs();
                }
                let got = c[i * n + j];
                assert!(
                    (got - want).abs() <= 1e-3 * norm,
                    "{scale_a} {scale_b}: {got} vs {want} (norm {norm})"
                );
            }
        }
    }
}

/// Narrowing puts the largest magnitude on the top word and keeps every
/// value within half a code.
#[test]
fn narrow_rounds_to_nearest_and_tops_the_range() {
    let v = random_matrix(3, 64, 2.0);
    let w = Wide16::<Lut>::from_values(
        v.iter().map(|&x| LogNum::from_f64(f64::from(x))).collect(),
        &[8, 8],
        -5000,
    )
    .unwrap();
    let n: Scaled8<3> = w.narrow(None).unwrap();
    assert_eq!(n.words().iter().map(|w| w & MAG_MASK).max(), Some(127));
    let half = (0.5f64 / 8.0).exp2();
    for (got, want) in n.to_f64_vec().iter().zip(w.to_f64_vec()) {
        if want.abs() < w.to_f64_vec().iter().fold(0.0, |a: f64, b| a.max(b.abs())) * 1e-4 {
            continue;
        }
        let r = got / want;
        assert!(
            (1.0 / half - 1e-9..=half + 1e-9).contains(&r),
            "{got} vs {want}"
        );
    }
}

/// Stochastic rounding is unbiased in the log and reproducible.
#[test]
fn stochastic_narrowing_is_unbiased_in_the_log() {
    // log2 3 · 1024 = 1623.0 codes; at 3 fraction bits 12.68 codes.
    let w =
        Wide16::<Lut>::from_values(vec![LogNum::from_f64(3.0); 20_000], &[1, 20_000], 0).unwrap();
    let mut r = lcg(9);
    let n: Scaled8<3> = w.narrow(Some(&mut r)).unwrap();
    let mut r = lcg(9);
    assert_eq!(n, w.narrow(Some(&mut r)).unwrap());
    let mean_code = n
        .words()
        .iter()
        .map(|&x| f64::from(x & MAG_MASK) - 64.0 + n.offset() as f64)
        .sum::<f64>()
        / 20_000.0;
    let want = LogNum::<10>::from_f64(3.0).log2_code().unwrap() as f64 / 128.0;
    // Binomial standard deviation of the mean: sqrt(p(1-p)/n) < 0.0036.
    assert!((mean_code - want).abs() < 0.015, "{mean_code} vs {want}");
}

#[test]
fn bad_shapes_and_offsets_are_errors() {
    let a = Scaled8::<3>::from_f32(&[1.0; 6], &[2, 3]).unwrap();
    assert!(matches!(
        a.matmul(&a, Accumulate::Sequential),
        Err(TensorError::ShapeMismatch { .. })
    ));
    assert!(Scaled8::<3>::from_f32(&[1.0; 6], &[2, 2]).is_err());
    assert!(Scaled8::<3>::from_f32(&[1.0; 6], &[6]).is_err());
    assert!(Scaled8::<3>::from_parts(vec![1], &[1, 1], -MAX_OFFSET - 1).is_err());
    let big = Wide16::<Lut>::from_values(vec![LogNum::ONE], &[1, 1], MAX_OFFSET << 10).unwrap();
    assert!(matches!(
        big.narrow::<3>(None),
        Err(TensorError::ScaleOverflow { .. })
    ));
}

#[test]
fn all_zero_and_empty_tensors() {
    let z = Scaled8::<3>::from_f32(&[0.0; 4], &[2, 2]).unwrap();
    assert_eq!(z.offset(), 0);
    let p = z.matmul(&z, Accumulate::Sequential).unwrap();
    assert!(p.to_f64_vec().iter().all(|&x| x == 0.0));
    let e = Scaled8::<3>::from_f32(&[], &[0, 5]).unwrap();
    let f = Scaled8::<3>::from_f32(&[], &[5, 0]).unwrap();
    assert_eq!(
        e.matmul(
            &Scaled8::from_f32(&[1.0; 5], &[5, 1]).unwrap(),
            Accumulate::Sequential
        )
        .unwrap()
        .shape(),
        [0, 1]
    );
    assert_eq!(
        f.matmul(&e, Accumulate::Sequential).unwrap().to_f64_vec(),
        vec![0.0; 25]
    );
}
