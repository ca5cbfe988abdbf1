//! Finite-difference checks of every layer's backward pass, in f64.
//!
//! For a layer `f`, a fixed random "upstream gradient" `r` defines the scalar
//! `L(x, θ) = Σ r ⊙ f(x; θ)`; `backward(r)` must return `∂L/∂x` and set
//! `∂L/∂θ`. Each is compared with the central difference
//! `(L(v + h) − L(v − h)) / 2h`, `h = 1e-6`, whose error is `O(h²)` for smooth
//! functions (plus rounding of order `ε·|L|/h ≈ 1e-10`): we assert agreement to
//! `1e-6` relative. ReLU kinks and pooling ties are measure-zero events for
//! random inputs and do not occur with these seeds.

use lognum_nn::NnScalar;
use lognum_nn::layers::{Conv2d, Flatten, Layer, LeakyRelu, Linear, MaxPool2d, Sequential};
use lognum_nn::loss::{LabelGrad, mse, softmax_cross_entropy_with};
use lognum_nn::model::ModelSpec;
use lognum_nn::rng::Rng;
use lognum_tensor::Tensor;
use lognum_testkit::tensor::Tolerance;

const H: f64 = 1e-6;
const TOL: f64 = 1e-6;

fn random(rng: &mut Rng, shape: &[usize]) -> Tensor<f64> {
    let n = shape.iter().product();
    Tensor::from_vec((0..n).map(|_| rng.normal()).collect(), shape).unwrap()
}

fn dot(a: &Tensor<f64>, b: &Tensor<f64>) -> f64 {
    a.to_vec().iter().zip(b.to_vec()).map(|(x, y)| x * y).sum()
}

fn assert_close(what: &str, numeric: f64, analytic: f64) {
    let scale = 1.0f64.max(numeric.abs()).max(analytic.abs());
    assert!(
        (numeric - analytic).abs() <= TOL * scale,
        "{what}: numeric {numeric}, analytic {analytic}"
    );
}

/// Checks input and parameter gradients of `layer` at a random input of
/// `shape`, on up to `samples` coordinates of each.
fn check_layer(name: &str, layer: &mut dyn Layer<f64>, shape: &[usize], seed: u64) {
    let mut rng = Rng::new(seed);
    let x = random(&mut rng, shape);
    let y = layer.forward(&x).unwrap();
    let r = random(&mut rng, y.shape());
    let gx = layer.backward(&r, true).unwrap().unwrap();
    assert_eq!(gx.shape(), x.shape());
    let grads: Vec<Vec<f64>> = layer.params_mut().iter().map(|p| p.grad.to_vec()).collect();

    let loss = |layer: &mut dyn Layer<f64>, x: &Tensor<f64>| dot(&layer.forward(x).unwrap(), &r);

    let xs = x.to_vec();
    let step = (xs.len() / 40).max(1);
    for i in (0..xs.len()).step_by(step) {
        let mut plus = xs.clone();
        plus[i] += H;
        let mut minus = xs.clone();
        minus[i] -= H;
        let lp = loss(layer, &Tensor::from_vec(plus, shape).unwrap());
        let lm = loss(layer, &Tensor::from_vec(minus, shape).unwrap());
        assert_close(
            &format!("{name} ∂x[{i}]"),
            (lp - lm) / (2.0 * H),
            gx.to_vec()[i],
        );
    }
    for (p, grad) in grads.iter().enumerate() {
        let step = (grad.len() / 40).max(1);
        for i in (0..grad.len()).step_by(step) {
            let orig = layer.params_mut()[p].value[i];
            layer.params_mut()[p].value[i] = orig + H;
            let lp = loss(layer, &x);
            layer.params_mut()[p].value[i] = orig - H;
            let lm = loss(layer, &x);
            layer.params_mut()[p].value[i] = orig;
            assert_close(
                &format!("{name} ∂θ{p}[{i}]"),
                (lp - lm) / (2.0 * H),
                grad[i],
            );
        }
    }
}

fn randomise(layer: &mut dyn Layer<f64>, seed: u64) {
    let mut rng = Rng::new(seed);
    for p in layer.params_mut() {
        for v in p.value.iter_mut() {
            *v = rng.normal() * 0.5;
        }
    }
}

#[test]
fn linear() {
    let mut l = Linear::<f64>::new(7, 5);
    randomise(&mut l, 1);
    check_layer("linear", &mut l, &[3, 7], 2);
}

#[test]
fn leaky_relu_and_relu() {
    check_layer("leaky", &mut LeakyRelu::leaky(7), &[4, 9], 3);
    check_layer("leaky 1", &mut LeakyRelu::leaky(1), &[2, 3, 5], 4);
    check_layer("relu", &mut LeakyRelu::relu(), &[4, 9], 5);
}

#[test]
fn flatten() {
    check_layer("flatten", &mut Flatten::new(), &[2, 3, 4, 5], 6);
}

#[test]
fn conv2d_padded_and_unpadded() {
    let mut c = Conv2d::<f64>::new(2, 3, 3, 1);
    randomise(&mut c, 7);
    check_layer("conv pad 1", &mut c, &[2, 2, 6, 5], 8);
    let mut c = Conv2d::<f64>::new(1, 2, 5, 2);
    randomise(&mut c, 9);
    check_layer("conv 5x5 pad 2", &mut c, &[3, 1, 7, 7], 10);
    let mut c = Conv2d::<f64>::new(3, 2, 3, 0);
    randomise(&mut c, 11);
    check_layer("conv no pad", &mut c, &[1, 3, 5, 6], 12);
}

#[test]
fn maxpool2d() {
    check_layer("maxpool 2", &mut MaxPool2d::new(2), &[2, 3, 6, 4], 13);
    check_layer("maxpool 2 odd", &mut MaxPool2d::new(2), &[1, 2, 5, 7], 14);
}

#[test]
fn softmax_cross_entropy_both_label_rules() {
    let mut rng = Rng::new(15);
    let z = random(&mut rng, &[4, 10]);
    let labels = [3usize, 0, 9, 3];
    for rule in [LabelGrad::Subtract, LabelGrad::Complement] {
        let g = softmax_cross_entropy_with(&z, &labels, rule)
            .unwrap()
            .grad
            .to_vec();
        let zs = z.to_vec();
        for i in 0..zs.len() {
            let f = |d: f64| {
                let mut v = zs.clone();
                v[i] += d;
                let t = Tensor::from_vec(v, &[4, 10]).unwrap();
                softmax_cross_entropy_with(&t, &labels, rule)
                    .unwrap()
                    .loss_sum
            };
            assert_close(
                &format!("softmax ∂z[{i}]"),
                (f(H) - f(-H)) / (2.0 * H),
                g[i],
            );
        }
    }
}

/// Whole models: the gradient of the batch cross-entropy with respect to a
/// sample of every parameter tensor.
fn check_model(kind: ModelSpec, rows: usize, cols: usize) {
    let mut m = kind.build::<f64>(&[1, rows, cols], 10, 21).unwrap();
    let mut rng = Rng::new(22);
    for p in m.params_mut() {
        for v in p.value.iter_mut() {
            *v += rng.normal() * 0.05; // non-zero biases too
        }
    }
    let x = random(&mut rng, &[3, 1, rows, cols]);
    let labels = [1usize, 7, 4];
    let loss = |m: &mut Sequential<f64>| {
        let z = m.forward(&x).unwrap();
        softmax_cross_entropy_with(&z, &labels, LabelGrad::Complement)
            .unwrap()
            .loss_sum
    };
    let z = m.forward(&x).unwrap();
    let out = softmax_cross_entropy_with(&z, &labels, LabelGrad::Complement).unwrap();
    m.backward(&out.grad, false).unwrap();
    let grads: Vec<Vec<f64>> = m.params_mut().iter().map(|p| p.grad.to_vec()).collect();
    for (p, grad) in grads.iter().enumerate() {
        let step = (grad.len() / 25).max(1);
        for i in (0..grad.len()).step_by(step) {
            let orig = m.params_mut()[p].value[i];
            m.params_mut()[p].value[i] = orig + H;
            let lp = loss(&mut m);
            m.params_mut()[p].value[i] = orig - H;
            let lm = loss(&mut m);
            m.params_mut()[p].value[i] = orig;
            assert_close(&format!("{kind} θ{p}[{i}]"), (lp - lm) / (2.0 * H), grad[i]);
        }
    }
}

#[test]
fn mlp_end_to_end() {
    check_model(ModelSpec::Mlp { hidden: vec![100] }, 5, 4);
    check_model(ModelSpec::Mlp { hidden: vec![7, 6] }, 5, 4);
}

#[test]
fn cnn_end_to_end() {
    check_model(ModelSpec::Cnn, 8, 8);
}

/// Mean squared error: the returned gradient is that of the returned loss
/// sum with respect to the outputs.
#[test]
fn mse_gradient() {
    let mut rng = Rng::new(16);
    let y = random(&mut rng, &[3, 4]);
    let t = random(&mut rng, &[3, 4]);
    let out = mse(&y, &t).unwrap();
    let g = out.grad.to_vec();
    let ys = y.to_vec();
    for i in 0..ys.len() {
        let f = |d: f64| {
            let mut v = ys.clone();
            v[i] += d;
            mse(&Tensor::from_vec(v, &[3, 4]).unwrap(), &t)
                .unwrap()
                .loss_sum
        };
        assert_close(&format!("mse ∂y[{i}]"), (f(H) - f(-H)) / (2.0 * H), g[i]);
    }
}

/// The same layers in every format agree with f64 on a forward pass (same
/// weights, same input), each within its own tolerance: the scale of one
/// rounding step of the type (`Tolerance::tolerance`), times a per-approximation
/// factor for the log-add error, times the depth of the sums.
fn forward_matches_f64<T: NnScalar + Tolerance>(factor: f64) {
    let mut rng = Rng::new(30);
    let (k, n) = (64, 8);
    let w: Vec<f64> = (0..k * n).map(|_| rng.normal() * 0.1).collect();
    let b: Vec<f64> = (0..n).map(|_| rng.normal() * 0.1).collect();
    let x: Vec<f64> = (0..2 * k).map(|_| rng.next_f64()).collect();
    let reference = {
        let mut l = Linear::<f64>::from_weights(k, n, w.clone(), b.clone()).unwrap();
        l.forward(&Tensor::from_vec(x.clone(), &[2, k]).unwrap())
            .unwrap()
            .to_vec()
    };
    let conv = |v: &[f64]| v.iter().map(|&v| T::from_f64_lossy(v)).collect::<Vec<T>>();
    let mut l = Linear::<T>::from_weights(k, n, conv(&w), conv(&b)).unwrap();
    let y = l
        .forward(&Tensor::from_vec(conv(&x), &[2, k]).unwrap())
        .unwrap()
        .to_f64_vec();
    // Each output is a sum of 65 terms of magnitude ≲ 0.1; errors of each
    // step are relative to partial sums of magnitude ≲ the sum of |terms|.
    let mag: Vec<f64> = (0..2)
        .flat_map(|r| {
            let (x, w, b) = (&x, &w, &b);
            (0..n).map(move |j| {
                (0..k)
                    .map(|i| (x[r * k + i] * w[i * n + j]).abs())
                    .sum::<f64>()
                    + b[j].abs()
            })
        })
        .collect();
    for ((y, r), m) in y.iter().zip(&reference).zip(&mag) {
        let bound = factor * T::tolerance() * m;
        assert!(
            (y - r).abs() <= bound,
            "{}: {y} vs {r} (bound {bound})",
            T::name()
        );
    }
}

/// Factors: about twice the worst ratio `|error| / (tolerance · Σ|terms|)`
/// measured with this seed (f32 0.66, bf16 0.74, f16 0.46, fixed16 1.3,
/// lns16-exact 0.81, lns16-interp 10.8, lns16-lut 56, lns16-shift 95,
/// lns12-lut 4.9, lns12-shift 8.3): the table approximations pay their Δ error
/// (0.125 log units for the 20-entry table, 0.415 for the shifts) against a
/// tolerance of one code; the 12-bit formats' code is 16 times coarser, so
/// the same Δ error is fewer codes. The variants (truncated table, shift of
/// `⌊d⌋`, 12-bit interpolation) are held to their family's factor.
#[test]
fn forward_in_every_format_tracks_f64() {
    use lognum_nn::format::Format;
    for f in Format::ALL {
        let factor = match f {
            Format::F32 | Format::F64 | Format::Bf16 | Format::F16 | Format::Lns16Exact => 2.0,
            Format::Fixed16 => 3.0,
            Format::Lns16Interp => 20.0,
            Format::Lns16Lut | Format::Lns16Trunc => 110.0,
            Format::Lns16Shift | Format::Lns16ShiftFloor => 190.0,
            Format::Lns12Lut | Format::Lns12Interp => 10.0,
            Format::Lns12Shift | Format::Lns12ShiftFloor => 16.0,
        };
        lognum_nn::with_format_type!(f, T => forward_matches_f64::<T>(factor));
    }
}
