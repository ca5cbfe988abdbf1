//! Each tensor op against a reference, for several number types: layout
//! ops (reshape, permute, slices, concat, …) exactly; element-wise ops,
//! reductions, convolution and pooling bit for bit against the scalar
//! operations in the documented order (types whose kernels follow it), or
//! against an f64 reference within the type's tolerance (the tuned f32/f64
//! GEMMs); and shape errors are errors.

use fixed::types::I8F8;
use half::bf16;
use lognum::{BitShift, Exact, LogNum, Lut};
use lognum_tensor::{Conv2dParams, Scalar, Tensor, conv};
use lognum_testkit::{
    SplitMix64, scaled_error,
    tensor::{TestDtype, normal_tensor},
};

fn idx4(s: &[usize], a: usize, b: usize, c: usize, d: usize) -> usize {
    ((a * s[1] + b) * s[2] + c) * s[3] + d
}

fn elementwise<T: TestDtype>() {
    let mut rng = SplitMix64::new(21);
    let (a, _) = normal_tensor::<T>(&mut rng, &[2, 3, 4], 1.0);
    // Nonzero divisors.
    let b = Tensor::<T>::from_f64(&[0.5, -1.5, 2.0], &[3, 1]).unwrap();
    let (av, bv) = (a.to_vec(), b.to_vec());
    type Op<T> = (
        fn(T, T) -> T,
        fn(&Tensor<T>, &Tensor<T>) -> Result<Tensor<T>, lognum_tensor::TensorError>,
    );
    let ops: [Op<T>; 4] = [
        (T::scalar_add, Tensor::add),
        (T::scalar_sub, Tensor::sub),
        (T::scalar_mul, Tensor::mul),
        (T::scalar_div, Tensor::div),
    ];
    for (scalar, tensor) in ops {
        let c = tensor(&a, &b).unwrap();
        assert_eq!(c.shape(), &[2, 3, 4]);
        let want: Vec<T> = (0..24).map(|i| scalar(av[i], bv[(i / 4) % 3])).collect();
        assert_eq!(c.to_vec(), want, "{}", T::name());
        // Broadcasting is symmetric in shape.
        assert_eq!(tensor(&b, &a).unwrap().shape(), &[2, 3, 4]);
    }
    let m = a.map(|x| x.scalar_mul(x));
    assert_eq!(
        m.to_vec(),
        av.iter().map(|&x| x.scalar_mul(x)).collect::<Vec<_>>()
    );
    assert!(a.add(&Tensor::zeros(&[2, 4, 4])).is_err());
}

fn reductions<T: TestDtype>() {
    let mut rng = SplitMix64::new(22);
    let (a, _) = normal_tensor::<T>(&mut rng, &[3, 5, 4], 1.0);
    let v = a.to_vec();
    let sum = a.sum_axis(1).unwrap();
    let max = a.max_axis(1).unwrap();
    let arg = a.argmax_axis(1).unwrap();
    assert_eq!(sum.shape(), &[3, 4]);
    for i in 0..3 {
        for l in 0..4 {
            let lane: Vec<T> = (0..5).map(|j| v[(i * 5 + j) * 4 + l]).collect();
            let s = lane.iter().fold(T::zero(), |acc, &x| acc.scalar_add(x));
            assert_eq!(sum.to_vec()[i * 4 + l], s);
            let best = (0..5).fold(0, |b, j| if lane[j] > lane[b] { j } else { b });
            assert_eq!(arg[i * 4 + l], best);
            assert_eq!(max.to_vec()[i * 4 + l], lane[best]);
        }
    }
    assert!(a.sum_axis(3).is_err());
    assert!(Tensor::<T>::zeros(&[2, 0]).max_axis(1).is_err());
}

fn layout<T: TestDtype>() {
    // Elements coded by their position, so moves are checked exactly.
    let code = |i: usize| T::from_f64_lossy(i as f64);
    let a = Tensor::from_vec((0..24).map(code).collect(), &[2, 3, 4]).unwrap();
    let p = a.permute(&[2, 0, 1]).unwrap();
    assert_eq!(p.shape(), &[4, 2, 3]);
    for (q, &x) in p.to_vec().iter().enumerate() {
        let (l, i, j) = (q / 6, (q / 3) % 2, q % 3);
        assert_eq!(x, code((i * 3 + j) * 4 + l));
    }
    assert!(a.permute(&[0, 0, 1]).is_err());
    assert_eq!(a.t().unwrap().shape(), &[2, 4, 3]);
    assert_eq!(a.reshape(&[6, 4]).unwrap().to_vec(), a.to_vec());
    assert!(a.reshape(&[5, 5]).is_err());

    let s = a.slice_axis(2, 1..3).unwrap();
    assert_eq!(s.shape(), &[2, 3, 2]);
    assert_eq!(s.to_vec()[..2], [code(1), code(2)]);
    assert!(a.slice_axis(3, 0..1).is_err());
    assert_eq!(
        a.index_axis(1, 2).unwrap().to_vec()[..4],
        [code(8), code(9), code(10), code(11)]
    );
    let sel = a.select(0, &[1, 1, 0]).unwrap();
    assert_eq!(sel.shape(), &[3, 3, 4]);
    assert_eq!(sel.to_vec()[0], code(12));
    assert_eq!(sel.to_vec()[24], code(0));

    let c = Tensor::concat(&[&a, &s], 2).unwrap();
    assert_eq!(c.shape(), &[2, 3, 6]);
    assert_eq!(c.to_vec()[4..6], [code(1), code(2)]);
    assert!(Tensor::concat(&[&a, &s], 0).is_err());
    let st = Tensor::stack(&[&s, &s], 0).unwrap();
    assert_eq!(st.shape(), &[2, 2, 3, 2]);
    assert!(Tensor::stack(&[&a, &s], 0).is_err());

    // ndarray and Vec interop; a transposed array becomes row-major.
    let arr = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&[2, 3]), (0..6).map(code).collect())
        .unwrap();
    let tr = Tensor::from(arr.t().to_owned());
    assert_eq!(tr.to_vec(), [0, 3, 1, 4, 2, 5].map(code).to_vec());
    let back: ndarray::ArrayD<T> = tr.clone().into();
    assert_eq!(back.shape(), &[3, 2]);
    assert_eq!(tr.as_slice().unwrap().len(), 6);

    // Casts go through f64.
    let f = a.cast::<f64>();
    assert_eq!(f.to_vec(), a.to_f64_vec());
    assert_eq!(f.cast::<T>().to_vec(), a.to_vec());
}

/// Direct convolution in `T` in the documented order: `(c, kh, kw)`
/// row-major, left to right from zero, padding as zero terms.
fn naive_conv<T: Scalar>(x: &Tensor<T>, w: &Tensor<T>, p: Conv2dParams) -> Vec<T> {
    let (xs, ws) = (x.shape(), w.shape());
    let (xv, wv) = (x.to_vec(), w.to_vec());
    let (oh, ow) = p.output_size((xs[2], xs[3]), (ws[2], ws[3])).unwrap();
    let mut out = vec![];
    for n in 0..xs[0] {
        for o in 0..ws[0] {
            for y in 0..oh {
                for xo in 0..ow {
                    let mut acc = T::zero();
                    for c in 0..xs[1] {
                        for i in 0..ws[2] {
                            for j in 0..ws[3] {
                                let sy = (y * p.stride.0 + i) as isize - p.padding.0 as isize;
                                let sx = (xo * p.stride.1 + j) as isize - p.padding.1 as isize;
                                let v = if sy >= 0
                                    && sx >= 0
                                    && (sy as usize) < xs[2]
                                    && (sx as usize) < xs[3]
                                {
                                    xv[idx4(xs, n, c, sy as usize, sx as usize)]
                                } else {
                                    T::zero()
                                };
                                acc = acc.scalar_add(wv[idx4(ws, o, c, i, j)].scalar_mul(v));
                            }
                        }
                    }
                    out.push(acc);
                }
            }
        }
    }
    out
}

/// The input gradient in `T` in the documented order: per input element,
/// for `(kh, kw)` increasing, the sum over output channels (from zero) of
/// `w · g`, added to the element from zero.
fn naive_dx<T: Scalar>(g: &Tensor<T>, w: &Tensor<T>, xs: &[usize], p: Conv2dParams) -> Vec<T> {
    let (gs, ws) = (g.shape(), w.shape());
    let (gv, wv) = (g.to_vec(), w.to_vec());
    let mut dx = vec![T::zero(); xs.iter().product()];
    for n in 0..xs[0] {
        for c in 0..xs[1] {
            for ih in 0..xs[2] {
                for iw in 0..xs[3] {
                    let mut d = T::zero();
                    for i in 0..ws[2] {
                        for j in 0..ws[3] {
                            let (ty, tx) = (ih + p.padding.0, iw + p.padding.1);
                            if ty < i
                                || tx < j
                                || (ty - i) % p.stride.0 != 0
                                || (tx - j) % p.stride.1 != 0
                            {
                                continue;
                            }
                            let (y, xo) = ((ty - i) / p.stride.0, (tx - j) / p.stride.1);
                            if y >= gs[2] || xo >= gs[3] {
                                continue;
                            }
                            let mut s = T::zero();
                            for o in 0..ws[0] {
                                s = s.scalar_add(
                                    wv[idx4(ws, o, c, i, j)].scalar_mul(gv[idx4(gs, n, o, y, xo)]),
                                );
                            }
                            d = d.scalar_add(s);
                        }
                    }
                    dx[idx4(xs, n, c, ih, iw)] = d;
                }
            }
        }
    }
    dx
}

/// The weight gradient in `T`: over `(n, oh, ow)` row-major from zero.
fn naive_dw<T: Scalar>(x: &Tensor<T>, g: &Tensor<T>, ws: &[usize], p: Conv2dParams) -> Vec<T> {
    let (xs, gs) = (x.shape(), g.shape());
    let (xv, gv) = (x.to_vec(), g.to_vec());
    let mut dw = vec![];
    for o in 0..ws[0] {
        for c in 0..ws[1] {
            for i in 0..ws[2] {
                for j in 0..ws[3] {
                    let mut acc = T::zero();
                    for n in 0..gs[0] {
                        for y in 0..gs[2] {
                            for xo in 0..gs[3] {
                                let sy = (y * p.stride.0 + i) as isize - p.padding.0 as isize;
                                let sx = (xo * p.stride.1 + j) as isize - p.padding.1 as isize;
                                let v = if sy >= 0
                                    && sx >= 0
                                    && (sy as usize) < xs[2]
                                    && (sx as usize) < xs[3]
                                {
                                    xv[idx4(xs, n, c, sy as usize, sx as usize)]
                                } else {
                                    T::zero()
                                };
                                acc = acc.scalar_add(gv[idx4(gs, n, o, y, xo)].scalar_mul(v));
                            }
                        }
                    }
                    dw.push(acc);
                }
            }
        }
    }
    dw
}

fn check_close<T: TestDtype>(what: &str, got: &[T], want: &[T], scale_of: impl Fn(usize) -> f64) {
    if T::GENERIC_ORDER {
        assert_eq!(got, want, "{what} {}", T::name());
    } else {
        let g: Vec<f64> = got.iter().map(|x| x.to_f64_lossy()).collect();
        let w: Vec<f64> = want.iter().map(|x| x.to_f64_lossy()).collect();
        let s: Vec<f64> = (0..g.len()).map(scale_of).collect();
        let e = scaled_error(&g, &w, &s);
        assert!(e <= T::DOT_BOUND, "{what} {}: {e:.2e}", T::name());
    }
}

fn convolution<T: TestDtype>() {
    let mut rng = SplitMix64::new(23);
    for (xs, ws, p) in [
        (
            [2, 3, 7, 6],
            [4, 3, 3, 3],
            Conv2dParams::new((2, 1), (1, 1)),
        ),
        ([1, 2, 5, 5], [3, 2, 2, 3], Conv2dParams::default()),
        (
            [3, 1, 4, 4],
            [2, 1, 4, 4],
            Conv2dParams::new((1, 1), (2, 1)),
        ),
    ] {
        let (x, _) = normal_tensor::<T>(&mut rng, &xs, 1.0);
        let (w, _) = normal_tensor::<T>(&mut rng, &ws, 1.0);
        let y = x.conv2d(&w, p).unwrap();
        let (oh, ow) = p.output_size((xs[2], xs[3]), (ws[2], ws[3])).unwrap();
        assert_eq!(y.shape(), &[xs[0], ws[0], oh, ow]);
        // Scale for the tolerance path: the magnitude sums, in f64.
        let xa = x.map(|v| f64::from_f64_lossy(v.to_f64_lossy().abs()));
        let wa = w.map(|v| f64::from_f64_lossy(v.to_f64_lossy().abs()));
        let ys = naive_conv(&xa, &wa, p);
        check_close("conv2d", &y.to_vec(), &naive_conv(&x, &w, p), |i| ys[i]);

        let (g, _) = normal_tensor::<T>(&mut rng, y.shape(), 1.0);
        let ga = g.map(|v| f64::from_f64_lossy(v.to_f64_lossy().abs()));
        let dx = conv::conv2d_backward_input(&g, &w, &xs, p).unwrap();
        assert_eq!(dx.shape(), &xs);
        let dxs = naive_dx(&ga, &wa, &xs, p);
        check_close("dx", &dx.to_vec(), &naive_dx(&g, &w, &xs, p), |i| {
            dxs[i] + 1e-300
        });
        let dw = conv::conv2d_backward_weight(&x, &g, &ws, p).unwrap();
        assert_eq!(dw.shape(), &ws);
        let dws = naive_dw(&xa, &ga, &ws, p);
        check_close("dw", &dw.to_vec(), &naive_dw(&x, &g, &ws, p), |i| {
            dws[i] + 1e-300
        });
    }
    // Shape errors name the shapes.
    let x = Tensor::<T>::zeros(&[1, 2, 5, 5]);
    let err = x
        .conv2d(&Tensor::zeros(&[3, 4, 2, 2]), Conv2dParams::default())
        .unwrap_err();
    assert!(err.to_string().contains("[1, 2, 5, 5]") && err.to_string().contains("[3, 4, 2, 2]"));
    assert!(
        x.conv2d(&Tensor::zeros(&[3, 2, 6, 6]), Conv2dParams::default())
            .is_err()
    );
    assert!(
        x.conv2d(
            &Tensor::zeros(&[3, 2, 2, 2]),
            Conv2dParams::new((0, 1), (0, 0))
        )
        .is_err()
    );
    assert!(
        Tensor::<T>::zeros(&[2, 5, 5])
            .conv2d(&Tensor::zeros(&[3, 2, 2, 2]), Conv2dParams::default())
            .is_err()
    );
    let g = Tensor::<T>::zeros(&[1, 3, 3, 3]);
    assert!(
        conv::conv2d_backward_input(
            &g,
            &Tensor::zeros(&[3, 2, 2, 2]),
            &[1, 2, 5, 5],
            Conv2dParams::default()
        )
        .is_err()
    );
    assert!(conv::conv2d_backward_weight(&x, &g, &[3, 2, 2, 2], Conv2dParams::default()).is_err());
}

fn pooling<T: TestDtype>() {
    let mut rng = SplitMix64::new(24);
    for (shape, k, p) in [
        ([2, 3, 6, 6], (2, 2), Conv2dParams::new((2, 2), (0, 0))),
        ([1, 2, 5, 7], (3, 3), Conv2dParams::new((2, 2), (1, 1))),
        ([1, 1, 4, 4], (2, 2), Conv2dParams::new((1, 1), (0, 0))),
    ] {
        let (x, _) = normal_tensor::<T>(&mut rng, &shape, 1.0);
        let v = x.to_vec();
        let (y, idx) = x.max_pool2d(k, p).unwrap();
        let (oh, ow) = p.output_size((shape[2], shape[3]), k).unwrap();
        assert_eq!(y.shape(), &[shape[0], shape[1], oh, ow]);
        let yv = y.to_vec();
        for (o, (&i, &m)) in idx.iter().zip(&yv).enumerate() {
            assert_eq!(v[i], m);
            let (plane, yy, xx) = (o / (oh * ow), (o / ow) % oh, o % ow);
            // The index lies in this output's window and plane, and no
            // element of the window beats it.
            assert_eq!(i / (shape[2] * shape[3]), plane);
            let (iy, ix) = ((i / shape[3]) % shape[2], i % shape[3]);
            let (y0, x0) = (
                (yy * p.stride.0) as isize - p.padding.0 as isize,
                (xx * p.stride.1) as isize - p.padding.1 as isize,
            );
            assert!((y0..y0 + k.0 as isize).contains(&(iy as isize)));
            assert!((x0..x0 + k.1 as isize).contains(&(ix as isize)));
            for a in 0..k.0 as isize {
                for b in 0..k.1 as isize {
                    let (sy, sx) = (y0 + a, x0 + b);
                    if sy >= 0 && sx >= 0 && (sy as usize) < shape[2] && (sx as usize) < shape[3] {
                        let e =
                            v[plane * shape[2] * shape[3] + sy as usize * shape[3] + sx as usize];
                        assert_ne!(e.partial_cmp(&m), Some(std::cmp::Ordering::Greater));
                    }
                }
            }
        }
        let (g, _) = normal_tensor::<T>(&mut rng, y.shape(), 1.0);
        let dx = Tensor::max_pool2d_backward(&g, &idx, &shape).unwrap();
        let mut want = vec![T::zero(); v.len()];
        for (&i, &gv) in idx.iter().zip(&g.to_vec()) {
            want[i] = want[i].scalar_add(gv);
        }
        assert_eq!(dx.to_vec(), want);
    }
    let x = Tensor::<T>::zeros(&[1, 1, 4, 4]);
    assert!(
        x.max_pool2d((2, 2), Conv2dParams::new((1, 1), (2, 0)))
            .is_err()
    );
    assert!(x.max_pool2d((5, 5), Conv2dParams::default()).is_err());
    assert!(
        Tensor::<T>::zeros(&[4, 4])
            .max_pool2d((2, 2), Conv2dParams::default())
            .is_err()
    );
}

/// im2col and col2im are adjoint: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩ (in f64).
#[test]
fn im2col_col2im_adjoint() {
    let mut rng = SplitMix64::new(25);
    let p = Conv2dParams::new((2, 1), (1, 2));
    let (x, xv) = normal_tensor::<f64>(&mut rng, &[2, 3, 5, 4], 1.0);
    let cols = conv::im2col(&x, (3, 2), p).unwrap();
    let (y, yv) = normal_tensor::<f64>(&mut rng, cols.shape(), 1.0);
    let lhs: f64 = cols.to_vec().iter().zip(&yv).map(|(a, b)| a * b).sum();
    let rhs: f64 = conv::col2im(&y, x.shape(), (3, 2), p)
        .unwrap()
        .to_vec()
        .iter()
        .zip(&xv)
        .map(|(a, b)| a * b)
        .sum();
    assert!((lhs - rhs).abs() < 1e-9 * lhs.abs().max(1.0));
    assert!(conv::col2im(&y, &[2, 3, 5, 5], (3, 2), p).is_err());
}

macro_rules! per_type {
    ($($name:ident: $t:ty),* $(,)?) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test] fn elementwise() { super::elementwise::<$t>(); }
            #[test] fn reductions() { super::reductions::<$t>(); }
            #[test] fn layout() { super::layout::<$t>(); }
            #[test] fn convolution() { super::convolution::<$t>(); }
            #[test] fn pooling() { super::pooling::<$t>(); }
        }
    )*};
}

per_type! {
    f32_ops: f32,
    f64_ops: f64,
    bf16_ops: bf16,
    i8f8_ops: I8F8,
    lns10_lut_ops: LogNum<10, Lut>,
    lns10_exact_ops: LogNum<10, Exact>,
    lns6_shift_ops: LogNum<6, BitShift>,
}

/// The tuned f32 and f64 GEMMs split their rows among threads from 67 M
/// multiply-adds: a product at that size gives the same bits on 1, 2 and 3
/// threads (each block packs and multiplies its own rows).
#[test]
fn split_float_gemms_keep_their_bits() {
    let (m, k, n) = (512, 256, 512); // 2^26 multiply-adds
    let mut rng = SplitMix64::new(3);
    let a: Vec<f64> = (0..m * k).map(|_| rng.uniform() * 2.0 - 1.0).collect();
    let b: Vec<f64> = (0..k * n).map(|_| rng.uniform() * 2.0 - 1.0).collect();
    let (a32, b32): (Vec<f32>, Vec<f32>) = (
        a.iter().map(|&x| x as f32).collect(),
        b.iter().map(|&x| x as f32).collect(),
    );
    let mut runs: Vec<(Vec<u32>, Vec<u64>)> = Vec::new();
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let (mut c32, mut c64) = (vec![0.0f32; m * n], vec![0.0f64; m * n]);
        pool.install(|| {
            f32::gemm(m, k, n, &a32, &b32, &mut c32);
            f64::gemm(m, k, n, &a, &b, &mut c64);
        });
        runs.push((
            c32.iter().map(|x| x.to_bits()).collect(),
            c64.iter().map(|x| x.to_bits()).collect(),
        ));
    }
    assert!(runs.iter().all(|r| *r == runs[0]));
    // And they are products: one entry against the f64 dot product.
    let want: f64 = (0..k).map(|p| a[p] * b[p * n]).sum();
    assert!((f64::from_bits(runs[0].1[0]) - want).abs() < 1e-9);
}
