//! The fused master-weight SGD step against the scalar operators, bit for
//! bit, on every instruction set this CPU has.

use lognum::{BitShift, Interp, LogAdd, LogNum, Lut, WideLogNum};
use lognum_tensor::master::sgd_step_with_isa;
use lognum_tensor::matmul::lns::Isa;
use lognum_testkit::SplitMix64;

/// The loop the kernel replaces, in `lognum`'s own operators.
fn reference<const FRAC: u32, A: LogAdd, const WF: u32, const R: u32, const RANGE: u32>(
    eta: WideLogNum<WF, Interp<R, RANGE>>,
    grads: &[LogNum<FRAC, A>],
    master: &mut [WideLogNum<WF, Interp<R, RANGE>>],
    weights: &mut [LogNum<FRAC, A>],
) {
    for ((w, &g), m) in weights.iter_mut().zip(grads).zip(master.iter_mut()) {
        if !g.is_zero() {
            *m -= eta * g.widen::<WF>().with_approx();
            *w = m.narrow::<FRAC>().with_approx();
        }
    }
}

/// The weights that `master` narrows to, and the masters and weights one
/// scalar step at `eta` makes of them.
#[allow(clippy::type_complexity)]
fn start_and_step<A: LogAdd, const R: u32, const RANGE: u32>(
    eta: WideLogNum<20, Interp<R, RANGE>>,
    grads: &[LogNum<10, A>],
    master: &[WideLogNum<20, Interp<R, RANGE>>],
) -> (
    Vec<LogNum<10, A>>,
    Vec<WideLogNum<20, Interp<R, RANGE>>>,
    Vec<LogNum<10, A>>,
) {
    let weights: Vec<LogNum<10, A>> = master
        .iter()
        .map(|m| m.narrow::<10>().with_approx())
        .collect();
    let (mut want_m, mut want_w) = (master.to_vec(), weights.clone());
    reference(eta, grads, &mut want_m, &mut want_w);
    (weights, want_m, want_w)
}

/// Words that stress every branch: zeros of both signs, the extremes, and
/// for a given η the master values that cancel the step exactly or nearly.
fn special_words<const FRAC: u32>() -> Vec<u16> {
    let l = |x: LogNum<FRAC>| x.to_bits();
    let mut v = vec![
        0,
        l(LogNum::<FRAC>::NEG_ZERO),
        l(LogNum::<FRAC>::MAX),
        l(-LogNum::<FRAC>::MAX),
        l(LogNum::<FRAC>::MIN_POSITIVE),
        l(-LogNum::<FRAC>::MIN_POSITIVE),
        l(LogNum::<FRAC>::ONE),
        l(-LogNum::<FRAC>::ONE),
    ];
    v.extend([1u16, 2, 3, 0x7ffe, 0x8001]);
    v.into_iter()
        .map(|w| LogNum::<FRAC>::from_bits(w).to_bits())
        .collect()
}

fn check<const FRAC: u32, A: LogAdd, const WF: u32, const R: u32, const RANGE: u32>(seed: u64) {
    type W<const WF: u32, const R: u32, const RANGE: u32> = WideLogNum<WF, Interp<R, RANGE>>;
    let mut rng = SplitMix64::new(seed);
    let etas = [
        W::<WF, R, RANGE>::from_f64(0.002),
        W::from_f64(-0.01),
        W::from_f64(1.0),
        W::from_f64(3.0e5),
        W::from_f64(1.0e-9),
        W::ZERO,
        W::MAX,
        W::MIN_POSITIVE,
    ];
    let specials = special_words::<FRAC>();
    for eta in etas {
        let n = 1003; // not a multiple of any vector width
        let mut grads = Vec::with_capacity(n);
        let mut master = Vec::with_capacity(n);
        for i in 0..n {
            let g = if i % 7 == 0 {
                specials[i / 7 % specials.len()]
            } else if i % 5 == 0 {
                0
            } else {
                rng.next_u64() as u16
            };
            let g = LogNum::<FRAC, A>::from_bits(g);
            // Masters: random, special, or the exact value of the step (so
            // that the difference cancels or nearly does).
            let m = match i % 4 {
                0 => W::<WF, R, RANGE>::from_bits(rng.next_u64() as u32),
                1 => (eta * g.widen::<WF>().with_approx()).with_approx(),
                2 => {
                    let t = eta * g.widen::<WF>().with_approx();
                    W::from_bits(t.to_bits().wrapping_add(rng.below(64) as u32 - 32))
                }
                _ => g.widen::<WF>().with_approx(),
            };
            grads.push(g);
            master.push(m);
        }
        let weights: Vec<LogNum<FRAC, A>> = master
            .iter()
            .map(|m| m.narrow::<FRAC>().with_approx())
            .collect();
        let (mut want_m, mut want_w) = (master.clone(), weights.clone());
        reference(eta, &grads, &mut want_m, &mut want_w);
        for isa in Isa::available() {
            for len in [0, 1, 15, 16, 17, n] {
                let (mut m, mut w) = (master[..len].to_vec(), weights[..len].to_vec());
                sgd_step_with_isa(isa, eta, &grads[..len], &mut m, &mut w).unwrap();
                for i in 0..len {
                    assert_eq!(
                        (m[i].to_bits(), w[i].to_bits()),
                        (want_m[i].to_bits(), want_w[i].to_bits()),
                        "{isa} FRAC={FRAC} WF={WF} eta={eta:?} g={:?} master={:?}",
                        grads[i],
                        master[i]
                    );
                }
            }
        }
    }
}

#[test]
fn matches_the_scalar_operators_bit_for_bit() {
    check::<10, Lut, 20, 4, 24>(1);
    check::<10, BitShift, 20, 4, 24>(2);
    check::<6, Lut, 20, 4, 24>(3);
    check::<10, Lut, 16, 1, 10>(4);
    check::<10, Lut, 24, 6, 12>(5);
    check::<0, Lut, 11, 0, 3>(6);
}

#[test]
fn a_zero_gradient_keeps_both_words_even_minus_zero() {
    type W = WideLogNum<20, Interp<4, 24>>;
    for isa in Isa::available() {
        let mut m = [W::NEG_ZERO, W::from_f64(0.3)];
        let mut w = [LogNum::<10>::from_f64(7.0), LogNum::<10>::from_f64(0.3)];
        let g = [LogNum::<10>::NEG_ZERO, LogNum::<10>::ZERO];
        sgd_step_with_isa(isa, W::from_f64(0.01), &g, &mut m, &mut w).unwrap();
        assert_eq!(m[0].to_bits(), W::NEG_ZERO.to_bits());
        assert_eq!(w[0].to_f64(), LogNum::<10>::from_f64(7.0).to_f64());
        assert_eq!(m[1], W::from_f64(0.3));
    }
}

#[test]
#[should_panic(expected = "sgd_step")]
fn lengths_must_agree() {
    type W = WideLogNum<20, Interp<4, 24>>;
    let (mut m, mut w) = ([W::ZERO; 2], [LogNum::<10>::ZERO; 3]);
    let _ = sgd_step_with_isa(
        Isa::Portable,
        W::ONE,
        &[LogNum::<10>::ONE; 3],
        &mut m,
        &mut w,
    );
}

/// Runs of zero gradients (both signs) long enough for the kernel to skip
/// whole runs, next to short ones and nonzero gradients, give the same
/// bits as the scalar step; the weights under a skipped run keep both
/// words.
#[test]
fn runs_of_zero_gradients_are_skipped_exactly() {
    type W = WideLogNum<20, Interp<4, 24>>;
    let mut rng = SplitMix64::new(7);
    let n = 300;
    // Zero from 32 to 96 (two whole runs), 130 to 161 (31: never a whole
    // run) and 200 to 265 (a whole run and parts of two more).
    let zero =
        |i: usize| (32..96).contains(&i) || (130..161).contains(&i) || (200..265).contains(&i);
    let grads: Vec<LogNum<10>> = (0..n)
        .map(|i| match (zero(i), i % 2) {
            (true, 0) => LogNum::ZERO,
            (true, _) => LogNum::NEG_ZERO,
            (false, _) => LogNum::from_f64((rng.uniform() * 2.0 - 1.0) * 4.0 + 0.01),
        })
        .collect();
    let master: Vec<W> = (0..n)
        .map(|_| W::from_f64(rng.uniform() * 2.0 - 1.0))
        .collect();
    let eta = W::from_f64(0.01);
    let (weights, want_m, want_w) = start_and_step(eta, &grads, &master);
    for isa in Isa::available() {
        let (mut m, mut w) = (master.clone(), weights.clone());
        sgd_step_with_isa(isa, eta, &grads, &mut m, &mut w).unwrap();
        for i in 0..n {
            assert_eq!(
                (m[i].to_bits(), w[i].to_bits()),
                (want_m[i].to_bits(), want_w[i].to_bits()),
                "{isa} weight {i}"
            );
            if zero(i) {
                assert_eq!(
                    (m[i].to_bits(), w[i].to_bits()),
                    (master[i].to_bits(), weights[i].to_bits())
                );
            } else {
                assert_ne!(
                    m[i].to_bits(),
                    master[i].to_bits(),
                    "{isa} weight {i} moved"
                );
            }
        }
    }
}

/// A tensor large enough to be split among threads gets the same bits on
/// one thread and on several, equal to the scalar loop's.
#[test]
fn a_split_step_is_the_scalar_loop() {
    type W = WideLogNum<20, Interp<4, 24>>;
    let mut rng = SplitMix64::new(11);
    let n = 200_003;
    let grads: Vec<LogNum<10, Lut>> = (0..n)
        .map(|i| LogNum::from_bits(if i % 3 == 0 { 0 } else { rng.next_u64() as u16 }))
        .collect();
    let master: Vec<W> = (0..n)
        .map(|_| W::from_bits(rng.next_u64() as u32))
        .collect();
    let eta = W::from_f64(0.01);
    let (weights, want_m, want_w) = start_and_step(eta, &grads, &master);
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for isa in Isa::available() {
            let (mut m, mut w) = (master.clone(), weights.clone());
            pool.install(|| sgd_step_with_isa(isa, eta, &grads, &mut m, &mut w).unwrap());
            assert!(
                m.iter()
                    .zip(&want_m)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
                    && w.iter()
                        .zip(&want_w)
                        .all(|(a, b)| a.to_bits() == b.to_bits()),
                "{isa} on {threads} threads"
            );
        }
    }
}
