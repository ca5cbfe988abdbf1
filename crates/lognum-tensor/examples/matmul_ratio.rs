//! The ratios of `docs/PERFORMANCE.md`, measured so that a shared machine
//! disturbs them as little as possible: the kernels run alternately, round
//! after round, on one thread, and each keeps its fastest round.
//!
//! ```sh
//! cargo run --release -p lognum-tensor --example matmul_ratio [SIZE] [ROUNDS]
//! ```
//!
//! Prints multiply-accumulates per second for `f32` (tuned GEMM),
//! `LogNum<10>` with the paper's table and with bit shifts (LNS kernels,
//! sequential and pairwise order), `LogNum<10>` through the generic loop,
//! and, on a CPU with AVX-512, the LNS kernels forced onto AVX2; and the
//! ratios between them.

use std::hint::black_box;
use std::time::Instant;

use lognum::{BitShift, LogAdd, LogNum, Lut};
use lognum_tensor::Scalar;
use lognum_tensor::matmul::lns::{self, Isa};
use lognum_tensor::matmul::{Accumulate, gemm_generic};

/// Seeded values `±2^u`, `u` uniform in [−4, 2] (as the benches use).
fn inputs(seed: u64, len: usize) -> Vec<f64> {
    let mut s = seed;
    (0..len)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            let sign = if s & 1 == 0 { 1.0 } else { -1.0 };
            sign * (u * 6.0 - 4.0).exp2()
        })
        .collect()
}

struct Case {
    name: &'static str,
    best: f64,
    run: Box<dyn FnMut() + Send>,
    /// Run this case every `every` rounds (the generic loop is slow).
    every: usize,
}

fn case<T: Scalar>(
    name: &'static str,
    n: usize,
    every: usize,
    kernel: fn(usize, &[T], &[T], &mut [T]),
) -> Case {
    let a: Vec<T> = inputs(1, n * n)
        .into_iter()
        .map(T::from_f64_lossy)
        .collect();
    let b: Vec<T> = inputs(2, n * n)
        .into_iter()
        .map(T::from_f64_lossy)
        .collect();
    let mut c = vec![T::zero(); n * n];
    Case {
        name,
        best: f64::INFINITY,
        run: Box::new(move || kernel(n, black_box(&a), black_box(&b), black_box(&mut c))),
        every,
    }
}

fn tuned<T: Scalar>(n: usize, a: &[T], b: &[T], c: &mut [T]) {
    T::gemm(n, n, n, a, b, c);
}

fn pairwise<A: LogAdd>(
    n: usize,
    a: &[LogNum<10, A>],
    b: &[LogNum<10, A>],
    c: &mut [LogNum<10, A>],
) {
    lns::gemm(Accumulate::Pairwise, n, n, n, a, b, c);
}

fn avx2<A: LogAdd>(n: usize, a: &[LogNum<10, A>], b: &[LogNum<10, A>], c: &mut [LogNum<10, A>]) {
    lns::gemm_with_isa(Isa::Avx2, Accumulate::Sequential, n, n, n, a, b, c)
        .expect("the CPU has AVX2");
}

fn generic<T: Scalar>(n: usize, a: &[T], b: &[T], c: &mut [T]) {
    gemm_generic(n, n, n, a, b, c);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(256, |s| s.parse().expect("SIZE"));
    let rounds: usize = args.next().map_or(200, |s| s.parse().expect("ROUNDS"));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut cases = vec![
        case::<f32>("f32 sgemm", n, 1, tuned),
        case::<LogNum<10, Lut>>("LogNum<10, Lut> kernel", n, 1, tuned),
        case::<LogNum<10, BitShift>>("LogNum<10, BitShift> kernel", n, 1, tuned),
        case::<LogNum<10, Lut>>("LogNum<10, Lut> generic loop", n, 20, generic),
        case::<LogNum<10, Lut>>("LogNum<10, Lut> pairwise", n, 1, pairwise::<Lut>),
        case::<LogNum<10, BitShift>>("LogNum<10, BitShift> pairwise", n, 1, pairwise::<BitShift>),
    ];
    if Isa::Avx2.is_available() && Isa::detect() != Isa::Avx2 {
        cases.push(case::<LogNum<10, Lut>>(
            "LogNum<10, Lut> AVX2",
            n,
            1,
            avx2::<Lut>,
        ));
        cases.push(case::<LogNum<10, BitShift>>(
            "LogNum<10, BitShift> AVX2",
            n,
            1,
            avx2::<BitShift>,
        ));
    }
    pool.install(|| {
        for round in 0..rounds {
            for c in cases.iter_mut().filter(|c| round % c.every == 0) {
                let t = Instant::now();
                (c.run)();
                c.best = c.best.min(t.elapsed().as_secs_f64());
            }
        }
    });
    let macs = (n * n * n) as f64;
    println!("{n}×{n}×{n}, one thread, fastest of {rounds} alternating rounds:");
    for c in &cases {
        println!(
            "  {:30} {:8.2} G multiply-accumulates/s",
            c.name,
            macs / c.best / 1e9
        );
    }
    let rate = |i: usize| macs / cases[i].best;
    println!(
        "  LUT ÷ f32 sgemm:       {:.1} %",
        rate(1) / rate(0) * 100.0
    );
    println!(
        "  shift ÷ f32 sgemm:     {:.1} %",
        rate(2) / rate(0) * 100.0
    );
    println!("  LUT ÷ LUT generic:     {:.0} ×", rate(1) / rate(3));
    println!(
        "  pairwise ÷ sequential: LUT {:.2}, shift {:.2}",
        rate(4) / rate(1),
        rate(5) / rate(2)
    );
    if cases.len() > 6 {
        println!(
            "  AVX2 ÷ AVX-512:        LUT {:.2}, shift {:.2}",
            rate(6) / rate(1),
            rate(7) / rate(2)
        );
    }
}
