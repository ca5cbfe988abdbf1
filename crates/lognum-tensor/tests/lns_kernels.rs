//! The LNS kernels on every available instruction set give the bits of the
//! portable kernel, and the portable kernel gives the bits of the generic
//! loop over `lognum`'s scalar `+` and `·` (in the same order), for several
//! approximations, widths and shapes, with zeros, negatives, exact
//! cancellations, saturation and flushes in the data.

use lognum::{BitShift, Exact, FloorShift, Interp, LogAdd, LogNum, Lut, SoftmaxLut, TruncLut};
use lognum_tensor::matmul::lns::{self, Isa};
use lognum_tensor::matmul::{
    Accumulate, gemm_generic, gemm_generic_blocked, gemm_generic_pairwise,
};
use lognum_testkit::SplitMix64;

/// Values that exercise every branch of the log-add.
fn nasty<const F: u32, A: LogAdd>(rng: &mut SplitMix64, len: usize) -> Vec<LogNum<F, A>> {
    type W = u16;
    let mut out: Vec<LogNum<F, A>> = Vec::with_capacity(len);
    for i in 0..len {
        let x = match rng.below(10) {
            0 => LogNum::ZERO,
            1 => LogNum::NEG_ZERO,
            2 => LogNum::from_bits(rng.next_u64() as W),
            3 => {
                let specials = [
                    LogNum::<F, A>::ONE,
                    LogNum::NEG_ONE,
                    LogNum::MAX,
                    LogNum::MIN,
                    LogNum::MIN_POSITIVE,
                    LogNum::MIN_POSITIVE.neg(),
                ];
                specials[rng.below(6) as usize]
            }
            4 if i > 0 => out[i - 1].neg(),
            5 if i > 0 => out[i - 1],
            _ => LogNum::from_f64(rng.normal() * 2f64.powi(rng.below(9) as i32 - 4)),
        };
        out.push(x);
    }
    out
}

fn check<const F: u32, A: LogAdd>(seed: u64, shapes: &[(usize, usize, usize)]) {
    let mut rng = SplitMix64::new(seed);
    for &(m, k, n) in shapes {
        let a = nasty::<F, A>(&mut rng, m * k);
        let b = nasty::<F, A>(&mut rng, k * n);
        for acc in [
            Accumulate::Sequential,
            Accumulate::Blocked(1),
            Accumulate::Blocked(7),
            Accumulate::Blocked(64),
            Accumulate::Pairwise,
            Accumulate::Wide,
        ] {
            let mut reference = vec![LogNum::<F, A>::ZERO; m * n];
            lns::gemm_with_isa(Isa::Portable, acc, m, k, n, &a, &b, &mut reference).unwrap();
            let mut generic = vec![LogNum::<F, A>::ZERO; m * n];
            match acc {
                Accumulate::Sequential => gemm_generic(m, k, n, &a, &b, &mut generic),
                Accumulate::Blocked(kb) => gemm_generic_blocked(m, k, n, &a, &b, &mut generic, kb),
                Accumulate::Pairwise => gemm_generic_pairwise(m, k, n, &a, &b, &mut generic),
                Accumulate::Wide => generic.clone_from(&reference),
            }
            assert_eq!(
                bits(&reference),
                bits(&generic),
                "portable vs generic: {} FRAC={F} {m}x{k}x{n} {acc:?}",
                A::NAME
            );
            for isa in Isa::available() {
                let mut c = vec![LogNum::<F, A>::from_bits(0x1234); m * n];
                lns::gemm_with_isa(isa, acc, m, k, n, &a, &b, &mut c).unwrap();
                assert_eq!(
                    bits(&c),
                    bits(&reference),
                    "{isa} ({}) vs portable: {} FRAC={F} {m}x{k}x{n} {acc:?}",
                    lns::kernel_name::<F, A>(isa),
                    A::NAME
                );
            }
        }
    }
}

fn bits<const F: u32, A>(x: &[LogNum<F, A>]) -> Vec<u16> {
    x.iter().map(|v| v.to_bits()).collect()
}

const SHAPES: &[(usize, usize, usize)] = &[
    (1, 1, 1),
    (3, 5, 7),
    (2, 0, 3),
    (4, 17, 33),
    (5, 70, 65),
    (3, 9, 160),
    (2, 300, 31),
    (6, 64, 129),
    // More rows than one chunk of the vector kernels' row loop.
    (131, 50, 70),
];

#[test]
fn lut_paths_agree() {
    check::<10, Lut>(1, SHAPES);
    check::<6, Lut>(2, SHAPES);
    check::<10, TruncLut>(3, SHAPES);
}

/// AVX2's shuffles hold tables of at most 22 buckets in three byte tables
/// and larger ones in four: `Lut<1, 11>` has 22 buckets, `Lut<1, 12>` and
/// `Lut<2, 7>` have 24 and 28. Every path gives the portable bits.
#[test]
fn bucket_limits_agree() {
    for isa in [Isa::Avx2, Isa::Avx512] {
        let name = if isa == Isa::Avx2 {
            "shuffle"
        } else {
            "permute"
        };
        assert_eq!(lns::kernel_name::<10, Lut<1, 11>>(isa), name);
        assert_eq!(lns::kernel_name::<10, Lut<1, 12>>(isa), name);
        assert_eq!(lns::kernel_name::<10, Lut<2, 7>>(isa), name);
    }
    check::<10, Lut<1, 11>>(11, SHAPES);
    check::<10, Lut<1, 12>>(12, SHAPES);
    check::<10, Lut<2, 7>>(13, SHAPES);
}

#[test]
fn bitshift_paths_agree() {
    check::<10, BitShift>(4, SHAPES);
    check::<6, BitShift>(5, SHAPES);
    check::<4, BitShift>(8, SHAPES);
    check::<10, FloorShift>(6, SHAPES);
    check::<6, FloorShift>(7, SHAPES);
}

#[test]
fn exact_paths_agree() {
    check::<10, Exact>(6, SHAPES);
    check::<5, Exact>(7, SHAPES);
}

#[test]
fn interp_and_softmax_paths_agree() {
    check::<10, Interp>(8, SHAPES);
    check::<10, SoftmaxLut>(9, SHAPES);
    check::<0, Lut>(10, SHAPES);
}

/// Cancellation, doubling and saturation on purpose: every column of `b`
/// alternates `x, −x` or repeats `x`, every `a` is one.
#[test]
fn cancellation_and_saturation() {
    type L = LogNum<10>;
    let k = 40;
    let n = 70;
    let mut b = Vec::with_capacity(k * n);
    for p in 0..k {
        for j in 0..n {
            let base = L::from_bits((j as u16 * 467) & 0x7fff);
            b.push(match j % 3 {
                0 if p % 2 == 1 => base.neg(),
                1 => L::MAX,
                _ => base,
            });
        }
    }
    let a = vec![L::ONE; 2 * k];
    let mut reference = vec![L::ZERO; 2 * n];
    gemm_generic(2, k, n, &a, &b, &mut reference);
    for isa in Isa::available() {
        let mut c = vec![L::ZERO; 2 * n];
        lns::gemm_with_isa(isa, Accumulate::Sequential, 2, k, n, &a, &b, &mut c).unwrap();
        assert_eq!(bits(&c), bits(&reference), "{isa}");
    }
    // Columns ≡ 0 (mod 3) cancel to +0 after an even number of terms.
    assert!(reference[0].is_zero() && !reference[0].is_sign_negative());
    assert_eq!(reference[1], L::MAX);
}

#[test]
fn unavailable_isa_is_an_error() {
    for isa in [Isa::Avx2, Isa::Avx512] {
        let mut c = [LogNum::<10>::ZERO];
        let r = lns::gemm_with_isa(
            isa,
            Accumulate::Sequential,
            1,
            1,
            1,
            &c.clone(),
            &c.clone(),
            &mut c,
        );
        assert_eq!(r.is_ok(), isa.is_available());
    }
}

/// The pairwise order is the one the module docs define (a binary counter:
/// complete pairs, then pairs of pairs; leftover levels merged from the
/// lowest up), pinned by explicit expressions in a non-associative
/// arithmetic, on every ISA.
#[test]
fn pairwise_order_is_the_documented_tree() {
    type L = LogNum<10, BitShift>;
    let mut rng = SplitMix64::new(21);
    let t: Vec<L> = (0..8)
        .map(|_| L::from_f64(rng.normal() * 2f64.powi(rng.below(6) as i32 - 3)))
        .collect();
    let s = |x: L, y: L| x + y;
    let p01 = s(t[0], t[1]);
    let p23 = s(t[2], t[3]);
    let p45 = s(t[4], t[5]);
    let p67 = s(t[6], t[7]);
    let q0 = s(p01, p23);
    let expected = [
        t[0],
        p01,
        s(p01, t[2]),
        q0,
        s(q0, t[4]),
        s(q0, p45),
        s(q0, s(p45, t[6])),
        s(q0, s(p45, p67)),
    ];
    for (i, want) in expected.iter().enumerate() {
        let k = i + 1;
        // A row of ones times the column of terms: the sum of t[..k].
        let a = vec![L::ONE; k];
        let b = &t[..k];
        let mut generic = [L::ZERO];
        gemm_generic_pairwise(1, k, 1, &a, b, &mut generic);
        assert_eq!(generic[0].to_bits(), want.to_bits(), "generic, k = {k}");
        for isa in Isa::available() {
            let mut c = [L::ZERO];
            lns::gemm_with_isa(isa, Accumulate::Pairwise, 1, k, 1, &a, b, &mut c).unwrap();
            assert_eq!(c[0].to_bits(), want.to_bits(), "{isa}, k = {k}");
        }
    }
    // The order matters in this arithmetic: the tree is not the chain.
    let chain = t.iter().fold(L::ZERO, |acc, &x| acc + x);
    assert_ne!(chain.to_bits(), expected[7].to_bits(), "pick other terms");
}
