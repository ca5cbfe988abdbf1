//! Square matrix products side by side, one thread and all threads, in one
//! run: `f32` through the tuned GEMM (`matrixmultiply::sgemm`) and through
//! the generic loop, `half::bf16` and the fixed-point `I8F8` (generic loop),
//! and `LogNum<10>` with the paper's table and with bit shifts through the
//! LNS kernels — with the LNS table type also through the generic loop,
//! and in the blocked and wide accumulation orders.
//!
//! Run with `cargo bench -p lognum-benches --bench matmul`; throughput is
//! multiply-accumulates (`m·n·k` per product). The table and the ratios are
//! in `docs/PERFORMANCE.md`.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use fixed::types::I8F8;
use half::bf16;
use lognum::{BitShift, LogNum, Lut};
use lognum_benches::{SEED, inputs};
use lognum_tensor::Scalar;
use lognum_tensor::matmul::{Accumulate, gemm_generic};
use rayon::{ThreadPool, ThreadPoolBuilder};

/// Matrix sides.
const SIZES: [usize; 3] = [64, 256, 512];

/// A kernel: `c = a · b` for square `n × n` operands.
type Kernel<T> = fn(usize, &[T], &[T], &mut [T]);

fn bench<T: Scalar>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    n: usize,
    pools: &[(&str, ThreadPool)],
    kernel: Kernel<T>,
) {
    let a: Vec<T> = inputs(SEED, n * n)
        .into_iter()
        .map(T::from_f64_lossy)
        .collect();
    let b: Vec<T> = inputs(SEED + 1, n * n)
        .into_iter()
        .map(T::from_f64_lossy)
        .collect();
    let mut c = vec![T::zero(); n * n];
    for (threads, pool) in pools {
        g.bench_function(format!("{name}/{threads}"), |bench| {
            pool.install(|| {
                bench.iter(|| kernel(n, black_box(&a), black_box(&b), black_box(&mut c)))
            })
        });
    }
}

fn tuned<T: Scalar>(n: usize, a: &[T], b: &[T], c: &mut [T]) {
    T::gemm(n, n, n, a, b, c);
}

fn generic<T: Scalar>(n: usize, a: &[T], b: &[T], c: &mut [T]) {
    gemm_generic(n, n, n, a, b, c);
}

fn blocked<T: Scalar>(n: usize, a: &[T], b: &[T], c: &mut [T]) {
    T::gemm_with(Accumulate::Blocked(16), n, n, n, a, b, c);
}

fn pairwise<T: Scalar>(n: usize, a: &[T], b: &[T], c: &mut [T]) {
    T::gemm_with(Accumulate::Pairwise, n, n, n, a, b, c);
}

fn wide<T: Scalar>(n: usize, a: &[T], b: &[T], c: &mut [T]) {
    T::gemm_with(Accumulate::Wide, n, n, n, a, b, c);
}

fn matmul(c: &mut Criterion) {
    let pools = [
        (
            "1-thread",
            ThreadPoolBuilder::new().num_threads(1).build().unwrap(),
        ),
        ("all-threads", ThreadPoolBuilder::new().build().unwrap()),
    ];
    type Lns = LogNum<10, Lut>;
    type Shift = LogNum<10, BitShift>;
    for n in SIZES {
        let mut g = c.benchmark_group(format!("matmul-{n}"));
        g.throughput(Throughput::Elements((n * n * n) as u64));
        g.warm_up_time(Duration::from_secs(1));
        g.measurement_time(Duration::from_secs(2));
        g.sample_size(if n >= 256 { 10 } else { 20 });
        bench::<f32>(&mut g, "f32-sgemm", n, &pools, tuned);
        bench::<f32>(&mut g, "f32-generic", n, &pools, generic);
        bench::<bf16>(&mut g, "bf16-generic", n, &pools, tuned);
        bench::<I8F8>(&mut g, "i8f8-generic", n, &pools, tuned);
        bench::<Lns>(&mut g, "lns16-lut", n, &pools, tuned);
        bench::<Shift>(&mut g, "lns16-shift", n, &pools, tuned);
        bench::<Shift>(&mut g, "lns16-shift-pairwise", n, &pools, pairwise);
        bench::<Lns>(&mut g, "lns16-lut-pairwise", n, &pools, pairwise);
        bench::<Lns>(&mut g, "lns16-lut-blocked16", n, &pools, blocked);
        bench::<Lns>(&mut g, "lns16-lut-wide", n, &pools, wide);
        bench::<Lns>(&mut g, "lns16-lut-generic", n, &pools, generic);
        g.finish();
    }
}

criterion_group!(benches, matmul);
criterion_main!(benches);
