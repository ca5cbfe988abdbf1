//! Scalar arithmetic side by side: element-wise multiply, element-wise add and
//! a dot product on 4096-element slices of the same seeded values, for
//! `LogNum<10>` with each log-add approximation, `f32`, `half::f16`,
//! `half::bf16` and the 16-bit fixed-point `I8F8`; and, in the same groups,
//! `lognum-tensor`'s element-wise kernels for `LogNum<10>` (rows ending in
//! `-simd`: the instruction set detected at run time, whatever the build's
//! target; `-simd-avx2`: the AVX2 path, where the CPU has a wider one).
//!
//! Run with `cargo bench -p lognum-benches --bench scalar`; the figures and
//! what limits each path are in `docs/PERFORMANCE.md`.

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use fixed::types::I8F8;
use half::{bf16, f16};
use lognum::{BitShift, Exact, Interp, LogAdd, LogNum, Lut, TruncLut};
use lognum_benches::{LEN, SEED, Scalar, add_slices, dot, inputs_as, mul_slices};
use lognum_tensor::elementwise::{self, Isa};

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

/// A row of `lognum-tensor`'s element-wise kernel `$kernel` for
/// `LogNum<10, A>` on the inputs of the scalar rows: on the detected
/// instruction set (`lognum10-lut-simd`), or on a named one if this CPU has
/// it (`lognum10-lut-simd-avx2`).
macro_rules! simd_bench {
    ($name:ident, $kernel:ident) => {
        fn $name<A: LogAdd>(g: &mut BenchmarkGroup<'_, WallTime>, isa: Option<Isa>) {
            type L<A> = LogNum<10, A>;
            let (a, b) = (
                inputs_as::<L<A>>(SEED, LEN),
                inputs_as::<L<A>>(SEED + 1, LEN),
            );
            let mut out = vec![L::<A>::ZERO; LEN];
            // A named path gets its own row only where it is not the
            // detected one (which has the plain `-simd` row).
            let (isa, suffix) = match isa {
                None => (Isa::detect(), String::new()),
                Some(isa) if isa.is_available() && isa != Isa::detect() => (isa, format!("-{isa}")),
                Some(_) => return,
            };
            g.bench_function(format!("lognum10-{}-simd{suffix}", A::NAME), |bench| {
                bench.iter(|| {
                    elementwise::$kernel(isa, black_box(&a), black_box(&b), black_box(&mut out))
                })
            });
        }
    };
}

simd_bench!(bench_mul_simd, mul_with_isa);
simd_bench!(bench_add_simd, add_with_isa);

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
    bench_mul_simd::<Lut>(&mut g, None);
    bench_mul_simd::<Lut>(&mut g, Some(Isa::Avx2));
    g.finish();

    let mut g = c.benchmark_group("add");
    g.throughput(Throughput::Elements(LEN as u64));
    each_type!(bench_add, &mut g, [Exact, Lut, TruncLut, Interp, BitShift]);
    bench_add_simd::<Exact>(&mut g, None);
    bench_add_simd::<Lut>(&mut g, None);
    bench_add_simd::<TruncLut>(&mut g, None);
    bench_add_simd::<Interp>(&mut g, None);
    bench_add_simd::<BitShift>(&mut g, None);
    // What a CPU without AVX-512 gets: gathers for every approximation.
    bench_add_simd::<Lut>(&mut g, Some(Isa::Avx2));
    bench_add_simd::<BitShift>(&mut g, Some(Isa::Avx2));
    g.finish();

    let mut g = c.benchmark_group("dot");
    g.throughput(Throughput::Elements(LEN as u64));
    each_type!(bench_dot, &mut g, [Exact, Lut, TruncLut, Interp, BitShift]);
    g.finish();
}

criterion_group!(benches, scalar);
criterion_main!(benches);
