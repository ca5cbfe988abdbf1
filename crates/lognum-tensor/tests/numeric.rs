//! Numeric comparison across number types (after ndarray's
//! `numeric-tests`, with seeded data): matmul and conv2d of the same
//! values in every type against an f64 reference, and the accuracy of the
//! LNS accumulation orders on 784-long dot products (the paper's first
//! layer). Run with `--nocapture` to see the tables that
//! `docs/PERFORMANCE.md` quotes.

use fixed::types::{I8F8, I16F16};
use half::{bf16, f16};
use lognum::{BitShift, Exact, Interp, LogAdd, LogNum, Lut, WideLogNum};
use lognum_tensor::{Accumulate, Conv2dParams, Tensor};
use lognum_testkit::{SplitMix64, scaled_error, tensor::TestDtype};

/// Shared f64 data: a 24×784 input (80 % zeros, the rest uniform in
/// [0, 1), like MNIST pixels) times 784×10 weights ~ N(0, 0.1); and a
/// 2×3×9×9 image with 4×3×3×3 filters, unit normals.
struct Data {
    x: Vec<f64>,
    w: Vec<f64>,
    img: Vec<f64>,
    filt: Vec<f64>,
}

fn data() -> Data {
    let mut rng = SplitMix64::new(31);
    let x = (0..24 * 784)
        .map(|_| {
            if rng.uniform() < 0.8 {
                0.0
            } else {
                rng.uniform()
            }
        })
        .collect();
    Data {
        x,
        w: rng.normals(784 * 10, 0.1),
        img: rng.normals(2 * 3 * 9 * 9, 1.0),
        filt: rng.normals(4 * 3 * 3 * 3, 1.0),
    }
}

/// Errors of one type as fractions of Σ|terms|: (matmul, conv2d).
fn errors<T: TestDtype>(d: &Data) -> (f64, f64) {
    let x = Tensor::<T>::from_f64(&d.x, &[24, 784]).unwrap();
    let w = Tensor::<T>::from_f64(&d.w, &[784, 10]).unwrap();
    let (xr, wr) = (x.cast::<f64>(), w.cast::<f64>());
    let abs = |t: &Tensor<f64>| t.map(f64::abs);
    let got = x.matmul(&w).unwrap().to_f64_vec();
    let want = xr.matmul(&wr).unwrap().to_vec();
    let scale = abs(&xr).matmul(&abs(&wr)).unwrap().to_vec();
    let e_mm = scaled_error(&got, &want, &scale);

    let p = Conv2dParams::new((2, 2), (1, 1));
    let img = Tensor::<T>::from_f64(&d.img, &[2, 3, 9, 9]).unwrap();
    let filt = Tensor::<T>::from_f64(&d.filt, &[4, 3, 3, 3]).unwrap();
    let (ir, fr) = (img.cast::<f64>(), filt.cast::<f64>());
    let got = img.conv2d(&filt, p).unwrap().to_f64_vec();
    let want = ir.conv2d(&fr, p).unwrap().to_vec();
    let scale = abs(&ir).conv2d(&abs(&fr), p).unwrap().to_vec();
    let e_conv = scaled_error(&got, &want, &scale);
    (e_mm, e_conv)
}

#[test]
fn matmul_and_conv2d_in_every_type() {
    let d = data();
    println!("| type | matmul 24×784×10 | conv2d 2×3×9×9 * 4×3×3×3 | bound |");
    println!("|---|---|---|---|");
    macro_rules! row {
        ($($t:ty),*) => {$({
            let (mm, cv) = errors::<$t>(&d);
            println!("| {} | {mm:.2e} | {cv:.2e} | {:.0e} |", <$t as lognum_tensor::Scalar>::name(), <$t>::DOT_BOUND);
            assert!(mm <= <$t>::DOT_BOUND && cv <= <$t>::DOT_BOUND, "{}", <$t as lognum_tensor::Scalar>::name());
        })*};
    }
    row!(
        f64,
        f32,
        f16,
        bf16,
        I8F8,
        I16F16,
        LogNum<10, Lut>,
        LogNum<6, Lut>,
        LogNum<10, BitShift>,
        LogNum<10, Interp>,
        LogNum<10, Exact>,
        WideLogNum<20, Exact>
    );
}

/// Mean and max error (fraction of Σ|aᵢbᵢ|) of 32 dot products of length
/// 784 in `LogNum<10, A>`, per accumulation order.
fn accumulation<A: LogAdd>(positive: bool) -> Vec<(Accumulate, f64, f64)> {
    let (k, t) = (784, 32);
    let mut rng = SplitMix64::new(if positive { 41 } else { 42 });
    let a: Vec<f64> = (0..t * k)
        .map(|_| {
            if positive || rng.uniform() >= 0.8 {
                rng.uniform()
            } else {
                0.0
            }
        })
        .collect();
    let b: Vec<f64> = (0..k * t)
        .map(|_| {
            if positive {
                rng.uniform()
            } else {
                rng.normal() * 0.1
            }
        })
        .collect();
    let at = Tensor::<LogNum<10, A>>::from_f64(&a, &[t, k]).unwrap();
    let bt = Tensor::<LogNum<10, A>>::from_f64(&b, &[k, t]).unwrap();
    let (av, bv) = (at.to_f64_vec(), bt.to_f64_vec());
    [
        Accumulate::Sequential,
        Accumulate::Blocked(16),
        Accumulate::Blocked(64),
        Accumulate::Wide,
        Accumulate::Pairwise,
    ]
    .into_iter()
    .map(|acc| {
        let c = at.matmul_with(&bt, acc).unwrap().to_f64_vec();
        // Row i of a with column i of b: 32 independent dot products.
        let errs: Vec<f64> = (0..t)
            .map(|i| {
                let terms = (0..k).map(|p| av[i * k + p] * bv[p * t + i]);
                let (sum, abs) = terms.fold((0.0, 0.0), |(s, m), x: f64| (s + x, m + x.abs()));
                (c[i * t + i] - sum).abs() / abs
            })
            .collect();
        let mean = errs.iter().sum::<f64>() / t as f64;
        (acc, mean, errs.iter().cloned().fold(0.0, f64::max))
    })
    .collect()
}

#[test]
fn accumulation_orders_on_784_long_dot_products() {
    println!("| data | Δ | sequential | blocked 16 | blocked 64 | wide | pairwise |");
    println!("|---|---|---|---|---|---|---|");
    for positive in [false, true] {
        let name = if positive {
            "all positive"
        } else {
            "MNIST-like"
        };
        macro_rules! row {
            ($($a:ty),*) => {$({
                let r = accumulation::<$a>(positive);
                let cells: Vec<String> = r.iter().map(|(_, m, x)| format!("{m:.1e} (max {x:.1e})")).collect();
                println!("| {name} | {} | {} |", <$a as LogAdd>::NAME, cells.join(" | "));
                let (seq, b16, wide, pair) = (r[0].1, r[1].1, r[3].2, r[4].1);
                // The wide accumulator leaves only the final rounding: half a
                // code, 2^(2^-11) − 1 = 3.4e-4 of the result.
                assert!(wide < 3.5e-4, "{name} {}: wide {wide:.2e}", <$a as LogAdd>::NAME);
                // On long positive sums the 16-bit chain stalls; blocks of 16
                // cut the error at least threefold for the table-like Δ.
                if positive && <$a as LogAdd>::NAME != "shift" {
                    assert!(b16 * 3.0 < seq, "{}: blocked {b16:.2e} vs sequential {seq:.2e}", <$a as LogAdd>::NAME);
                }
                // Why the bit shift trains with pairwise sums and the table
                // with sequential ones (lognum-nn's `preferred_accumulate`):
                // the tree at least halves the shift's error, on signed and
                // on positive sums, and does not help the table.
                match <$a as LogAdd>::NAME {
                    "shift" => assert!(pair * 2.0 < seq, "{name} shift: pairwise {pair:.2e} vs sequential {seq:.2e}"),
                    "lut" => assert!(pair >= seq, "{name} lut: pairwise {pair:.2e} vs sequential {seq:.2e}"),
                    _ => {}
                }
            })*};
        }
        row!(Lut, BitShift, Interp, Exact);
    }
}
