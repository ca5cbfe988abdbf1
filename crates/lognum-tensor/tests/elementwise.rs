//! The element-wise kernels on every available instruction set give the
//! bits of `lognum`'s scalar `+`, `−` and `*`, for every approximation, at
//! 16 bits (`LogNum<10>`, on a sample of word pairs that covers every code
//! difference, the special words and the neighbourhoods where sums cancel,
//! saturate or flush) and at 12 bits (`LogNum<6>`, every pair of words);
//! at every length around the vector widths, writing nothing outside `out`;
//! and they refuse slices of different lengths.

use lognum::{BitShift, Exact, Interp, LogAdd, LogNum, Lut, SoftmaxLut, TruncLut};
use lognum_tensor::Scalar;
use lognum_tensor::elementwise::{self, Isa, IsaUnavailable};
use lognum_testkit::SplitMix64;

#[derive(Clone, Copy, Debug)]
enum Op {
    Add,
    Sub,
    Mul,
}

const OPS: [Op; 3] = [Op::Add, Op::Sub, Op::Mul];

/// The scalar operator, element by element: the bits to reproduce.
fn reference<const F: u32, A: LogAdd>(op: Op, a: &[LogNum<F, A>], b: &[LogNum<F, A>]) -> Vec<u16> {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| match op {
            Op::Add => x + y,
            Op::Sub => x - y,
            Op::Mul => x * y,
        })
        .map(LogNum::to_bits)
        .collect()
}

/// The kernel on `isa`, or on the detected path for `None`.
fn run<const F: u32, A: LogAdd>(
    op: Op,
    isa: Option<Isa>,
    a: &[LogNum<F, A>],
    b: &[LogNum<F, A>],
    out: &mut [LogNum<F, A>],
) -> Result<(), IsaUnavailable> {
    match (op, isa) {
        (Op::Add, Some(isa)) => elementwise::add_with_isa(isa, a, b, out),
        (Op::Sub, Some(isa)) => elementwise::sub_with_isa(isa, a, b, out),
        (Op::Mul, Some(isa)) => elementwise::mul_with_isa(isa, a, b, out),
        (Op::Add, None) => {
            elementwise::add(a, b, out);
            Ok(())
        }
        (Op::Sub, None) => {
            elementwise::sub(a, b, out);
            Ok(())
        }
        (Op::Mul, None) => {
            elementwise::mul(a, b, out);
            Ok(())
        }
    }
}

/// Every path (each available ISA and the detected one) against the
/// scalar operators, for the three operations. `out` is a window of a
/// larger buffer, one word past its start (so that vectors are unaligned);
/// the words around it must be left alone.
fn check<const F: u32, A: LogAdd>(a: &[LogNum<F, A>], b: &[LogNum<F, A>], what: &str) {
    const GUARD: u16 = 0x0bad;
    let n = a.len();
    let guard = LogNum::<F, A>::from_bits(GUARD);
    let paths: Vec<Option<Isa>> = Isa::available()
        .into_iter()
        .map(Some)
        .chain([None])
        .collect();
    for op in OPS {
        let want = reference(op, a, b);
        for &isa in &paths {
            let mut buf = vec![guard; n + 2];
            run(op, isa, a, b, &mut buf[1..n + 1]).unwrap();
            if let Some(i) = (0..n).find(|&i| buf[i + 1].to_bits() != want[i]) {
                panic!(
                    "{op:?} on {isa:?}, {} FRAC={F}, {what}: {:#06x} and {:#06x} gave {:#06x}, \
                     the scalar operator {:#06x} (element {i} of {n})",
                    std::any::type_name::<A>(),
                    a[i].to_bits(),
                    b[i].to_bits(),
                    buf[i + 1].to_bits(),
                    want[i]
                );
            }
            let ends = (buf[0].to_bits(), buf[n + 1].to_bits());
            assert_eq!(ends, (GUARD, GUARD), "{op:?} on {isa:?} wrote outside out");
        }
    }
}

/// The words to pair at a width: the zeros of both signs, the smallest and
/// largest magnitudes, one and its neighbourhood, the neighbourhoods of the
/// ends of the range, and seeded random words.
fn sample<const F: u32, A: LogAdd>(rng: &mut SplitMix64, random: usize) -> Vec<LogNum<F, A>> {
    type L<const F: u32, A> = LogNum<F, A>;
    let (max, bias, sign) = (L::<F, A>::MAG_MASK, L::<F, A>::BIAS, L::<F, A>::SIGN_MASK);
    let mut mags: Vec<u16> = (0..24).collect();
    mags.extend(bias - 24..bias + 24);
    mags.extend(max - 24..=max);
    mags.extend([max / 4, max / 4 * 3]);
    let mut words: Vec<u16> = mags.iter().flat_map(|&m| [m, m | sign]).collect();
    words.extend((0..random).map(|_| rng.next_u64() as u16 & L::<F, A>::WORD_MASK));
    words.into_iter().map(L::from_bits).collect()
}

/// Every ordered pair of `words`, as two slices.
fn all_pairs<T: Copy>(words: &[T]) -> (Vec<T>, Vec<T>) {
    let a = words
        .iter()
        .flat_map(|&x| words.iter().map(move |_| x))
        .collect();
    let b = words.iter().flat_map(|_| words.iter().copied()).collect();
    (a, b)
}

/// `LogNum<10>`: every pair of a sample of words (cancellations and
/// neighbours included), and a few words against all 65,536 words, which
/// meets every code difference `d` with both sign combinations.
fn check_16<A: LogAdd>() {
    let mut rng = SplitMix64::new(0x1e_2020);
    let words = sample::<10, A>(&mut rng, 300);
    let (a, b) = all_pairs(&words);
    check(&a, &b, "sampled pairs");
    let every: Vec<LogNum<10, A>> = (0..=u16::MAX).map(LogNum::from_bits).collect();
    for x in [0x0001, 0x4000, 0x5a5a, 0x7fff, 0x8000, 0xc000, 0xffff] {
        let a = vec![LogNum::<10, A>::from_bits(x); every.len()];
        check(&a, &every, &format!("{x:#06x} against every word"));
        check(&every, &a, &format!("every word against {x:#06x}"));
    }
}

/// `LogNum<6>` (12-bit words): every one of the 16.7 million pairs.
fn check_12<A: LogAdd>() {
    let words: Vec<LogNum<6, A>> = (0..=LogNum::<6, A>::WORD_MASK)
        .map(LogNum::from_bits)
        .collect();
    let (a, b) = all_pairs(&words);
    check(&a, &b, "every pair");
}

#[test]
fn lut_16() {
    check_16::<Lut>();
}

#[test]
fn trunc_lut_16() {
    check_16::<TruncLut>();
}

/// The largest tables AVX2's shuffles hold in three byte tables (22
/// buckets) and tables that take four (24 and 28).
#[test]
fn bucket_limits_16() {
    check_16::<Lut<1, 11>>();
    check_16::<Lut<1, 12>>();
    check_16::<Lut<2, 7>>();
}

#[test]
fn bit_shift_16() {
    check_16::<BitShift>();
}

#[test]
fn exact_16() {
    check_16::<Exact>();
}

#[test]
fn interp_16() {
    check_16::<Interp>();
}

#[test]
fn softmax_lut_16() {
    check_16::<SoftmaxLut>();
}

#[test]
fn every_pair_12() {
    check_12::<Lut>();
    check_12::<TruncLut>();
    check_12::<BitShift>();
    check_12::<Exact>();
    check_12::<Interp>();
    check_12::<SoftmaxLut>();
}

/// Random words at every length from 0 to 100 and around larger multiples
/// of the vector widths, for the tails.
#[test]
fn every_length() {
    fn lengths<const F: u32, A: LogAdd>(rng: &mut SplitMix64) {
        let sizes = (0..=100).chain([127, 128, 129, 1000, 4095, 4096, 4097]);
        for n in sizes {
            let mut word = || LogNum::<F, A>::from_bits(rng.next_u64() as u16);
            let a: Vec<_> = (0..n).map(|_| word()).collect();
            let b: Vec<_> = (0..n).map(|_| word()).collect();
            check(&a, &b, &format!("length {n}"));
        }
    }
    let mut rng = SplitMix64::new(97);
    lengths::<10, Lut>(&mut rng);
    lengths::<10, Exact>(&mut rng);
    lengths::<6, BitShift>(&mut rng);
    lengths::<6, Interp>(&mut rng);
}

/// `Scalar::add_assign_slice` (the hook `Linear` adds its bias and sums its
/// bias gradient with) gives `+`'s bits at every length, across the
/// 256-word chunks of its copy; the default (f32) is the plain loop.
#[test]
fn add_assign_slice_is_the_scalar_add() {
    fn lengths<const F: u32, A: LogAdd>(rng: &mut SplitMix64) {
        for n in (0..=40).chain([255, 256, 257, 600]) {
            let mut word = || LogNum::<F, A>::from_bits(rng.next_u64() as u16);
            let x: Vec<_> = (0..n).map(|_| word()).collect();
            let mut acc: Vec<_> = (0..n).map(|_| word()).collect();
            let want = reference(Op::Add, &acc, &x);
            LogNum::add_assign_slice(&mut acc, &x);
            let got: Vec<u16> = acc.iter().map(|v| v.to_bits()).collect();
            assert_eq!(got, want, "{} FRAC={F} length {n}", A::NAME);
        }
    }
    let mut rng = SplitMix64::new(98);
    lengths::<10, Lut>(&mut rng);
    lengths::<10, BitShift>(&mut rng);
    lengths::<10, Exact>(&mut rng);
    lengths::<6, Lut>(&mut rng);
    let mut acc = [1.0f32, 2.0, 3.0];
    f32::add_assign_slice(&mut acc, &[0.5, -2.0, 1e-9]);
    assert_eq!(acc, [1.5, 0.0, 3.0 + 1e-9]);
}

#[test]
#[should_panic(expected = "slice lengths differ")]
fn add_assign_slice_refuses_mismatched_lengths() {
    let mut acc = vec![LogNum::<10>::ONE; 33];
    LogNum::add_assign_slice(&mut acc, &[LogNum::ONE; 32]);
}

/// An instruction set the CPU lacks is refused and `out` left alone.
#[test]
fn unavailable_isa_is_refused() {
    type L = LogNum<10>;
    let a = vec![L::ONE; 40];
    for isa in [Isa::Avx2, Isa::Avx512] {
        if isa.is_available() {
            continue;
        }
        for op in OPS {
            let mut out = vec![L::MAX; 40];
            assert_eq!(
                run(op, Some(isa), &a, &a, &mut out),
                Err(IsaUnavailable(isa))
            );
            assert!(out.iter().all(|&x| x == L::MAX));
        }
    }
}

macro_rules! mismatch {
    ($name:ident, $call:expr) => {
        #[test]
        #[should_panic(expected = "slice lengths differ")]
        fn $name() {
            type L = LogNum<10>;
            let (a, b) = (vec![L::ONE; 33], vec![L::ONE; 32]);
            let mut out = vec![L::ZERO; 33];
            #[allow(clippy::redundant_closure_call)]
            $call(&a, &b, &mut out);
        }
    };
}

mismatch!(
    add_refuses_mismatched_lengths,
    |a: &[_], b: &[_], o: &mut [_]| { elementwise::add::<10, Lut>(a, b, o) }
);
mismatch!(
    sub_refuses_mismatched_lengths,
    |a: &[_], b: &[_], o: &mut [_]| { elementwise::sub::<10, Lut>(a, b, o) }
);
mismatch!(
    mul_refuses_mismatched_lengths,
    |a: &[_], b: &[_], o: &mut [_]| { elementwise::mul::<10, Lut>(a, b, o) }
);
mismatch!(
    with_isa_refuses_mismatched_lengths,
    |a: &[_], _: &[_], o: &mut [_]| {
        let _ = elementwise::mul_with_isa::<10, Lut>(Isa::Portable, a, a, &mut o[1..]);
    }
);
