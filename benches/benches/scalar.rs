//! Scalar arithmetic side by side: element-wise multiply, element-wise add and
//! a dot product on 4096-element slices of the same seeded values, for
//! `LogNum<10>` with each log-add approximation (`lognum::for_each_log_add!`,
//! the crate's one list of them), `f32`, `half::f16`,
//! `half::bf16` and the 16-bit fixed-point `I8F8`; and, in the same groups,
//! `lognum-tensor`'s element-wise kernels for `LogNum<10>` (rows ending in
//! `-simd`: the instruction set detected at run time, whatever the build's
//! target; `-simd-avx2`: the AVX2 path, where the CPU has a wider one).
//!
//! Run with `cargo bench -p lognum-benches --bench scalar`; the figures and
//! what limits each path are in `docs/PERFORMANCE.md`.

use std::any::TypeId;
use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use fixed::types::I8F8;
use half::{bf16, f16};
use lognum::{BitShift, LogAdd, LogNum, Lut, for_each_log_add};
use lognum_benches::{LEN, SEED, Scalar, add_slices, dot, inputs_as, mul_slices};
use lognum_tensor::elementwise::{self, Isa};

/// The name of approximation `A` in row ids: its `NAME`, unless an earlier
/// approximation of the list has that name (`SoftmaxLut` is `Lut<6, 10>`, a
/// `Lut` of another shape): then the type's generic parameters follow, as
/// `std::any::type_name` prints them (`lut-6`), so that every row id is
/// unique.
fn approx_name<A: LogAdd>() -> String {
    let mut all: Vec<(TypeId, &str)> = Vec::new();
    macro_rules! push {
        ($A:ty, $all:ident) => {
            $all.push((TypeId::of::<$A>(), <$A as LogAdd>::NAME))
        };
    }
    for_each_log_add!(push, all);
    let first = all.iter().find(|(_, name)| *name == A::NAME);
    let mut name = A::NAME.to_string();
    if first.is_some_and(|&(ty, _)| ty != TypeId::of::<A>()) {
        let ty = std::any::type_name::<A>();
        if let Some(params) = ty.split_once('<').and_then(|(_, p)| p.strip_suffix('>')) {
            for p in params.split(", ") {
                name.push('-');
                name.push_str(p);
            }
        }
    }
    name
}

/// The id of a `LogNum<10, A>` row.
fn lognum_id<A: LogAdd>() -> String {
    format!("lognum10-{}", approx_name::<A>())
}

fn bench_mul<T: Scalar>(g: &mut BenchmarkGroup<'_, WallTime>, id: &str) {
    let (a, b) = (inputs_as::<T>(SEED, LEN), inputs_as::<T>(SEED + 1, LEN));
    let mut out = vec![T::ZERO; LEN];
    g.bench_function(id, |bench| {
        bench.iter(|| {
            mul_slices(black_box(&a), black_box(&b), black_box(&mut out));
        })
    });
}

fn bench_add<T: Scalar>(g: &mut BenchmarkGroup<'_, WallTime>, id: &str) {
    let (a, b) = (inputs_as::<T>(SEED, LEN), inputs_as::<T>(SEED + 1, LEN));
    let mut out = vec![T::ZERO; LEN];
    g.bench_function(id, |bench| {
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
            g.bench_function(format!("{}-simd{suffix}", lognum_id::<A>()), |bench| {
                bench.iter(|| {
                    elementwise::$kernel(isa, black_box(&a), black_box(&b), black_box(&mut out))
                })
            });
        }
    };
}

simd_bench!(bench_mul_simd, mul_with_isa);
simd_bench!(bench_add_simd, add_with_isa);

fn bench_dot<T: Scalar>(g: &mut BenchmarkGroup<'_, WallTime>, id: &str) {
    let (a, b) = (inputs_as::<T>(SEED, LEN), inputs_as::<T>(SEED + 1, LEN));
    g.bench_function(id, |bench| {
        bench.iter(|| black_box(dot(black_box(&a), black_box(&b))))
    });
}

/// Runs `$f` for the reference types: `f32`, `f16`, `bf16`, `I8F8`.
macro_rules! each_reference_type {
    ($f:ident, $g:expr) => {{
        $f::<f32>($g, f32::NAME);
        $f::<f16>($g, f16::NAME);
        $f::<bf16>($g, bf16::NAME);
        $f::<I8F8>($g, I8F8::NAME);
    }};
}

/// `$f::<LogNum<10, A>>` (for `for_each_log_add!`).
macro_rules! lognum10 {
    ($A:ty, $f:ident, $g:expr) => {
        $f::<LogNum<10, $A>>($g, &lognum_id::<$A>())
    };
}

/// `$f::<A>` on the detected instruction set (for `for_each_log_add!`).
macro_rules! simd_detected {
    ($A:ty, $f:ident, $g:expr) => {
        $f::<$A>($g, None)
    };
}

fn scalar(c: &mut Criterion) {
    let mut g = c.benchmark_group("mul");
    g.throughput(Throughput::Elements(LEN as u64));
    // The product is exact and the same code for every approximation.
    each_reference_type!(bench_mul, &mut g);
    lognum10!(Lut, bench_mul, &mut g);
    bench_mul_simd::<Lut>(&mut g, None);
    bench_mul_simd::<Lut>(&mut g, Some(Isa::Avx2));
    g.finish();

    let mut g = c.benchmark_group("add");
    g.throughput(Throughput::Elements(LEN as u64));
    each_reference_type!(bench_add, &mut g);
    for_each_log_add!(lognum10, bench_add, &mut g);
    for_each_log_add!(simd_detected, bench_add_simd, &mut g);
    // What a CPU without AVX-512 gets: byte shuffles for `Lut`, the computed
    // Δ for `BitShift`.
    bench_add_simd::<Lut>(&mut g, Some(Isa::Avx2));
    bench_add_simd::<BitShift>(&mut g, Some(Isa::Avx2));
    g.finish();

    let mut g = c.benchmark_group("dot");
    g.throughput(Throughput::Elements(LEN as u64));
    each_reference_type!(bench_dot, &mut g);
    for_each_log_add!(lognum10, bench_dot, &mut g);
    g.finish();
}

criterion_group!(benches, scalar);
criterion_main!(benches);
