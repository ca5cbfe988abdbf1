//! Scalar arithmetic side by side: element-wise multiply, element-wise add and
//! a dot product on 4096-element slices of the same seeded values, for
//! `LogNum<10>` with each log-add approximation, `f32`, `half::f16`,
//! `half::bf16` and the 16-bit fixed-point `I8F8`.
//!
//! Run with `cargo bench -p lognum-benches --bench scalar`; the figures and
//! what limits each path are in `docs/PERFORMANCE.md`.

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use fixed::types::I8F8;
use half::{bf16, f16};
use lognum::{BitShift, Exact, Interp, LogNum, Lut, TruncLut};
use lognum_benches::{LEN, SEED, Scalar, add_slices, dot, inputs_as, mul_slices};

/// The id of a row: the type, and for `LogNum` the approximation.
fn id<T: Scalar>(lognum: bool) -> String {
    if lognum {
        format!("lognum10-{}", T::NAME)
    } else {
        T::NAME.to_string()
    }
}

fn bench_mul<T: Scalar>(g: &mut BenchmarkGroup<'_, WallTime>, lognum: bool) {
    let (a, b) = (inputs_as::<T>(SEED, LEN), inputs_as::<T>(SEED + 1, LEN));
    let mut out = vec![T::ZERO; LEN];
    g.bench_function(id::<T>(lognum), |bench| {
        bench.iter(|| {
            mul_slices(black_box(&a), black_box(&b), black_box(&mut out));
        })
    });
}

fn bench_add<T: Scalar>(g: &mut BenchmarkGroup<'_, WallTime>, lognum: bool) {
    let (a, b) = (inputs_as::<T>(SEED, LEN), inputs_as::<T>(SEED + 1, LEN));
    let mut out = vec![T::ZERO; LEN];
    g.bench_function(id::<T>(lognum), |bench| {
        bench.iter(|| {
            add_slices(black_box(&a), black_box(&b), black_box(&mut out));
        })
    });
}

fn bench_dot<T: Scalar>(g: &mut BenchmarkGroup<'_, WallTime>, lognum: bool) {
    let (a, b) = (inputs_as::<T>(SEED, LEN), inputs_as::<T>(SEED + 1, LEN));
    g.bench_function(id::<T>(lognum), |bench| {
        bench.iter(|| black_box(dot(black_box(&a), black_box(&b))))
    });
}

/// Runs `$f` for the reference types, then for `LogNum<10>` with each listed
/// approximation.
macro_rules! each_type {
    ($f:ident, $g:expr, [$($A:ty),*]) => {{
        $f::<f32>($g, false);
        $f::<f16>($g, false);
        $f::<bf16>($g, false);
        $f::<I8F8>($g, false);
        $($f::<LogNum<10, $A>>($g, true);)*
    }};
}

fn scalar(c: &mut Criterion) {
    let mut g = c.benchmark_group("mul");
    g.throughput(Throughput::Elements(LEN as u64));
    // The product is exact and the same code for every approximation.
    each_type!(bench_mul, &mut g, [Lut]);
    g.finish();

    let mut g = c.benchmark_group("add");
    g.throughput(Throughput::Elements(LEN as u64));
    each_type!(bench_add, &mut g, [Exact, Lut, TruncLut, Interp, BitShift]);
    g.finish();

    let mut g = c.benchmark_group("dot");
    g.throughput(Throughput::Elements(LEN as u64));
    each_type!(bench_dot, &mut g, [Exact, Lut, TruncLut, Interp, BitShift]);
    g.finish();
}

criterion_group!(benches, scalar);
criterion_main!(benches);
