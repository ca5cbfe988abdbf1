//! One-byte tensors with a per-tensor scale (`lognum_tensor::scaled`),
//! through their public names: products against f64 at any scale, the same
//! bits on every instruction set, Madam's bounds, and bad input.

use lognum::{BitShift, Exact, LogNum8, Lut};
use lognum_tensor::lns::Isa;
use lognum_tensor::scaled::{MASTER_BITS, MAX_OFFSET, MadamStep, Scaled8, Wide16};
use lognum_tensor::{Accumulate, TensorError};
use lognum_testkit::SplitMix64;

fn values(rng: &mut SplitMix64, n: usize, scale: f32) -> Vec<f32> {
    (0..n)
        .map(|_| {
            let x = (rng.next_u64() >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
            // Some exact zeros, as activations have.
            if (rng.next_u64() & 7) == 0 {
                0.0
            } else {
                x * scale
            }
        })
        .collect()
}

#[test]
fn words_are_lognum8_words() {
    let t = Scaled8::<3>::from_f32(&[2.0, -0.5, 0.0], &[1, 3]).unwrap();
    let w: Vec<LogNum8<3>> = t.to_lognum8_vec();
    assert_eq!(core::mem::size_of_val(t.words()), 3);
    // The word's value times 2^(offset/8) is the element.
    for (x, v) in w.iter().zip(t.to_f64_vec()) {
        assert_eq!(x.to_f64() * (t.offset() as f64 / 8.0).exp2(), v);
    }
}

/// Products of narrowed operands equal the f64 products of their values
/// to the accumulation's error, whatever the scales, for three log-adds.
#[test]
fn matmul_matches_f64_at_any_scale() {
    fn check<A: lognum::LogAdd>(tol: f64) {
        let mut rng = SplitMix64::new(11);
        for (sa, sb) in [(1.0, 1.0), (1e-7, 1e5), (3e30, 1e-30), (1e-20, 1e-15)] {
            let (m, k, n) = (4, 200, 3);
            let a = Scaled8::<3, A>::from_f32(&values(&mut rng, m * k, sa), &[m, k]).unwrap();
            let b = Scaled8::<3, A>::from_f32(&values(&mut rng, k * n, sb), &[k, n]).unwrap();
            let (av, bv) = (a.to_f64_vec(), b.to_f64_vec());
            let c = a.matmul(&b, Accumulate::Sequential).unwrap().to_f64_vec();
            for i in 0..m {
                for j in 0..n {
                    let terms = (0..k).map(|t| av[i * k + t] * bv[t * n + j]);
                    let (want, norm) = terms.fold((0.0, 0.0), |(s, a), x| (s + x, a + x.abs()));
                    let got = c[i * n + j];
                    assert!(
                        (got - want).abs() <= tol * norm,
                        "{sa} {sb}: {got} vs {want}"
                    );
                }
            }
        }
    }
    check::<Exact>(2e-3);
    // The 20-entry table and the shifts err by up to a factor 1.8 (Δ−) where
    // partial sums cancel: a sanity bound on the scales, not on the tables.
    check::<Lut>(0.3);
    check::<BitShift>(0.3);
}

/// Narrowing to nearest keeps every value within half a code of the word
/// (or flushes it when it is more than 126 codes below the largest).
#[test]
fn narrowing_is_within_half_a_code() {
    let mut rng = SplitMix64::new(3);
    let v = values(&mut rng, 400, 1e-3);
    let wide = Scaled8::<3>::from_f32(&v, &[20, 20]).unwrap().widen();
    let w = Wide16::from_values(
        wide.values()
            .iter()
            .map(|x| x.mul_pow2(1) * lognum::LogNum::<10>::from_f64(1.3))
            .collect(),
        &[20, 20],
        wide.offset(),
    )
    .unwrap();
    let n: Scaled8<3> = w.narrow(None).unwrap();
    let half = (1.0f64 / 16.0).exp2();
    for (got, want) in n.to_f64_vec().iter().zip(w.to_f64_vec()) {
        if want == 0.0 {
            assert_eq!(*got, 0.0);
        } else {
            let r = got / want;
            assert!(
                r > 0.0 && r <= half * (1.0 + 1e-12) && r >= 1.0 / half * (1.0 - 1e-12),
                "{got} vs {want}"
            );
        }
    }
}

/// Madam's update: the same bits on every instruction set, with and without
/// a master, with either rounding; the offset never moves, no weight flips
/// sign or becomes zero, and no word exceeds the top.
#[test]
fn madam_is_the_same_on_every_isa_and_keeps_its_bounds() {
    let mut rng = SplitMix64::new(5);
    let n = 1000;
    let w0 = Scaled8::<3>::from_f32(&values(&mut rng, n, 1.0), &[25, 40]).unwrap();
    for stochastic in [None, Some(99)] {
        for master in [false, true] {
            let mut outs = Vec::new();
            for isa in Isa::available() {
                let mut w = w0.clone();
                let mut v = vec![0.0f32; n];
                let mut fine = w.madam_master();
                let mut g_rng = SplitMix64::new(8);
                for step in 1..=20 {
                    let g =
                        Scaled8::<3>::from_f32(&values(&mut g_rng, n, 1e-4), &[25, 40]).unwrap();
                    let s = MadamStep::new(
                        0.05,
                        10.0,
                        0.999,
                        step,
                        stochastic.map(|k| k + step as u64),
                    );
                    if master {
                        w.madam_update_master_with_isa(isa, &g, &mut v, &mut fine, &s)
                            .unwrap();
                    } else {
                        w.madam_update_with_isa(isa, &g, &mut v, &s).unwrap();
                    }
                }
                assert_eq!(w.offset(), w0.offset());
                for (a, b) in w.words().iter().zip(w0.words()) {
                    if b & 0x7f == 0 {
                        continue; // a flushed zero of the start moves up from 1
                    }
                    assert_eq!(a & 0x80, b & 0x80, "sign flipped");
                    assert!(a & 0x7f >= 1);
                }
                if master {
                    for (&f, &b) in fine.iter().zip(w.words()) {
                        let m = (i32::from(f) + (1 << (MASTER_BITS - 1))) >> MASTER_BITS;
                        assert_eq!(m.clamp(1, 127), i32::from(b & 0x7f));
                    }
                }
                outs.push((w, v, fine));
            }
            assert!(
                outs.windows(2).all(|p| p[0] == p[1]),
                "{stochastic:?} {master}"
            );
        }
    }
}

/// Nearest rounding loses steps below half a code; stochastic rounding
/// keeps them in expectation; the master keeps them exactly.
#[test]
fn small_madam_steps_survive_stochastic_rounding_and_the_master() {
    let n = 4000;
    let start = Scaled8::<3>::from_f32(&vec![0.5; n], &[1, n]).unwrap();
    let start = Scaled8::<3>::from_parts(
        start.words().iter().map(|w| w - 20).collect(),
        &[1, n],
        start.offset(),
    )
    .unwrap();
    let g = Scaled8::<3>::from_f32(&vec![1e-3; n], &[1, n]).unwrap();
    // η·2^3·ĝ = 0.2 codes per step, ĝ = 1 on a constant gradient: 10
    // steps move log2|w| down by 2 codes.
    let lr = 0.025;
    let run = |stochastic: bool, master: bool| {
        let mut w = start.clone();
        let (mut v, mut fine) = (vec![0.0f32; n], w.madam_master());
        for step in 1..=10 {
            let s = MadamStep::new(lr, 10.0, 0.999, step, stochastic.then_some(step as u64));
            if master {
                w.madam_update_master(&g, &mut v, &mut fine, &s).unwrap();
            } else {
                w.madam_update(&g, &mut v, &s).unwrap();
            }
        }
        let moved: f64 = w
            .words()
            .iter()
            .zip(start.words())
            .map(|(a, b)| f64::from(b - a))
            .sum();
        moved / n as f64
    };
    assert_eq!(run(false, false), 0.0);
    assert!((run(true, false) - 2.0).abs() < 0.1, "{}", run(true, false));
    assert_eq!(run(false, true), 2.0);
}

#[test]
fn bad_input_is_an_error() {
    assert!(matches!(
        Scaled8::<3>::from_f32(&[1.0, f32::NEG_INFINITY], &[1, 2]),
        Err(TensorError::NotFinite { index: 1, .. })
    ));
    assert!(matches!(
        Scaled8::<3>::from_parts(vec![1, 2], &[1, 2], MAX_OFFSET + 1),
        Err(TensorError::ScaleOverflow { .. })
    ));
    let a = Scaled8::<3>::from_f32(&[1.0; 6], &[2, 3]).unwrap();
    assert!(matches!(
        a.matmul(&a, Accumulate::Sequential),
        Err(TensorError::ShapeMismatch { .. })
    ));
    let mut w = a.clone();
    let g = Scaled8::<3>::from_f32(&[1.0; 6], &[3, 2]).unwrap();
    let s = MadamStep::new(0.1, 10.0, 0.9, 1, None);
    assert!(w.madam_update(&g, &mut [0.0; 6], &s).is_err());
    assert!(w.madam_update(&a, &mut [0.0; 5], &s).is_err());
    assert!(
        w.madam_update_master(&a, &mut [0.0; 6], &mut [0; 2], &s)
            .is_err()
    );
    assert_eq!(w, a, "refused updates change nothing");
}
