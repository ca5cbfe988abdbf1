//! 2-D convolution (stride 1, zero padding) by im2col and `T::gemm`.

use lognum_tensor::matmul::Accumulate;
use lognum_tensor::{Tensor, TensorError};

use super::{Layer, LayerSpec, ParamMut, blocked_sum, expect_shape, no_forward, transpose_into};
use crate::init::Init;
use crate::rng::Rng;
use crate::{NnError, NnScalar};

/// A 2-D convolution: input `[batch, in_ch, h, w]`, weight
/// `[out_ch, in_ch, k, k]`, bias `[out_ch]`, stride 1, `pad` zeros on every
/// side; output `[batch, out_ch, h + 2·pad − k + 1, w + 2·pad − k + 1]`.
///
/// The whole batch is unfolded into one column matrix
/// `col = [in_ch·k·k, batch·oh·ow]`, so that the forward pass is the single
/// product `W·col` and the weight gradient the single product `δ·colᵀ`.
/// The input gradient is `Wᵀ·δ` folded back (col2im), each input pixel
/// summing its `k²` contributions in `T`. Sums over the batch and the image
/// (the bias gradient) are blocked by 32 terms; see [`crate::layers`].
///
/// ```
/// use lognum_nn::layers::{Conv2d, Layer};
/// use lognum_tensor::Tensor;
/// let mut conv = Conv2d::<f32>::new(1, 8, 5, 2);
/// let y = conv.forward(&Tensor::zeros(&[2, 1, 28, 28])).unwrap();
/// assert_eq!(y.shape(), &[2, 8, 28, 28]);
/// ```
#[derive(Clone, Debug)]
pub struct Conv2d<T> {
    in_ch: usize,
    out_ch: usize,
    k: usize,
    pad: usize,
    weight: Vec<T>,
    bias: Vec<T>,
    grad_weight: Vec<T>,
    grad_bias: Vec<T>,
    col: Vec<T>,
    col_t: Vec<T>,
    weight_t: Vec<T>,
    acc: Accumulate,
    in_shape: Vec<usize>,
}

impl<T: NnScalar> Conv2d<T> {
    /// A convolution with zero weights (see [`crate::model`] for seeded
    /// initialisation).
    ///
    /// ```
    /// let c = lognum_nn::layers::Conv2d::<f32>::new(8, 16, 5, 2);
    /// assert_eq!(c.weight().len(), 16 * 8 * 25);
    /// ```
    pub fn new(in_ch: usize, out_ch: usize, k: usize, pad: usize) -> Self {
        let n = out_ch * in_ch * k * k;
        Self {
            in_ch,
            out_ch,
            k,
            pad,
            weight: vec![T::zero(); n],
            bias: vec![T::zero(); out_ch],
            grad_weight: vec![T::zero(); n],
            grad_bias: vec![T::zero(); out_ch],
            col: Vec::new(),
            col_t: Vec::new(),
            weight_t: Vec::new(),
            acc: Accumulate::Sequential,
            in_shape: Vec::new(),
        }
    }

    /// A convolution with weights drawn by `init` from `rng`
    /// (`fan_in = in_ch·k²`, `fan_out = out_ch·k²`) and zero biases.
    ///
    /// ```
    /// use lognum_nn::{init::Init, layers::Conv2d, rng::Rng};
    /// let c = Conv2d::<f32>::with_init(1, 8, 5, 2, &Init::HeNormal, &mut Rng::new(1));
    /// assert!(c.weight().iter().any(|&w| w != 0.0));
    /// ```
    pub fn with_init(
        in_ch: usize,
        out_ch: usize,
        k: usize,
        pad: usize,
        init: &Init,
        rng: &mut Rng,
    ) -> Self {
        let mut c = Self::new(in_ch, out_ch, k, pad);
        init.fill(rng, in_ch * k * k, out_ch * k * k, &mut c.weight);
        c
    }

    /// The weights, `[out_ch, in_ch, k, k]` row-major.
    ///
    /// ```
    /// assert_eq!(lognum_nn::layers::Conv2d::<f32>::new(1, 2, 3, 1).weight().len(), 18);
    /// ```
    pub fn weight(&self) -> &[T] {
        &self.weight
    }

    /// Mutable weights, `[out_ch, in_ch, k, k]` row-major.
    ///
    /// ```
    /// let mut c = lognum_nn::layers::Conv2d::<f32>::new(1, 1, 1, 0);
    /// c.weight_mut()[0] = 2.0;
    /// assert_eq!(c.weight(), &[2.0]);
    /// ```
    pub fn weight_mut(&mut self) -> &mut [T] {
        &mut self.weight
    }

    fn out_hw(&self, h: usize, w: usize) -> Option<(usize, usize)> {
        let oh = (h + 2 * self.pad).checked_sub(self.k)? + 1;
        let ow = (w + 2 * self.pad).checked_sub(self.k)? + 1;
        Some((oh, ow))
    }
}

impl<T: NnScalar> Layer<T> for Conv2d<T> {
    fn spec(&self) -> LayerSpec {
        LayerSpec::Conv2d {
            in_channels: self.in_ch,
            out_channels: self.out_ch,
            kernel: self.k,
            padding: self.pad,
        }
    }

    fn param_names(&self) -> Vec<String> {
        vec!["weight".into(), "bias".into()]
    }

    fn name(&self) -> String {
        format!(
            "conv {}→{} {}x{} pad {}",
            self.in_ch, self.out_ch, self.k, self.k, self.pad
        )
    }

    fn forward(&mut self, x: &Tensor<T>) -> Result<Tensor<T>, NnError> {
        expect_shape("conv2d", x, &[None, Some(self.in_ch), None, None])?;
        let [b, c, h, w] = x.shape()[..] else {
            unreachable!()
        };
        let (oh, ow) = self.out_hw(h, w).ok_or_else(|| TensorError::InvalidShape {
            op: "conv2d",
            shape: x.shape().to_vec(),
            expected: format!("images of at least {0}x{0} after padding", self.k),
        })?;
        let (k, pad) = (self.k, self.pad as isize);
        let xs = x.as_slice().expect("tensors are contiguous");
        let hw = oh * ow;
        let ncol = b * hw;
        let rows = c * k * k;
        self.col.clear();
        self.col.resize(rows * ncol, T::zero());
        for ci in 0..c {
            for ky in 0..k {
                for kx in 0..k {
                    let row = (ci * k + ky) * k + kx;
                    let dst = &mut self.col[row * ncol..(row + 1) * ncol];
                    for bi in 0..b {
                        let img = &xs[(bi * c + ci) * h * w..(bi * c + ci + 1) * h * w];
                        for oy in 0..oh {
                            let iy = oy as isize + ky as isize - pad;
                            if iy < 0 || iy >= h as isize {
                                continue;
                            }
                            let src = &img[iy as usize * w..(iy as usize + 1) * w];
                            let base = bi * hw + oy * ow;
                            for ox in 0..ow {
                                let ix = ox as isize + kx as isize - pad;
                                if ix >= 0 && ix < w as isize {
                                    dst[base + ox] = src[ix as usize];
                                }
                            }
                        }
                    }
                }
            }
        }
        let mut out = vec![T::zero(); self.out_ch * ncol];
        T::gemm_with(
            self.acc,
            self.out_ch,
            rows,
            ncol,
            &self.weight,
            &self.col,
            &mut out,
        );
        let mut y = vec![T::zero(); b * self.out_ch * hw];
        for o in 0..self.out_ch {
            let bias = self.bias[o];
            for bi in 0..b {
                let src = &out[o * ncol + bi * hw..o * ncol + (bi + 1) * hw];
                let dst = &mut y[(bi * self.out_ch + o) * hw..(bi * self.out_ch + o + 1) * hw];
                for (d, &s) in dst.iter_mut().zip(src) {
                    *d = s.scalar_add(bias);
                }
            }
        }
        self.in_shape = x.shape().to_vec();
        Ok(Tensor::from_vec(y, &[b, self.out_ch, oh, ow])?)
    }

    fn backward(
        &mut self,
        grad: &Tensor<T>,
        input_grad: bool,
    ) -> Result<Option<Tensor<T>>, NnError> {
        let Some(&[b, c, h, w]) = Some(self.in_shape.as_slice()).filter(|s| s.len() == 4) else {
            return Err(no_forward("conv2d backward", grad.shape(), &[]));
        };
        let (oh, ow) = self.out_hw(h, w).expect("checked in forward");
        let expected = [b, self.out_ch, oh, ow];
        if grad.shape() != expected {
            return Err(no_forward("conv2d backward", grad.shape(), &expected));
        }
        let g = grad.as_slice().expect("tensors are contiguous");
        let (k, hw) = (self.k, oh * ow);
        let ncol = b * hw;
        let rows = c * k * k;
        // δ as [out_ch, batch·oh·ow], matching the columns of `col`.
        let mut gm = vec![T::zero(); self.out_ch * ncol];
        for bi in 0..b {
            for o in 0..self.out_ch {
                gm[o * ncol + bi * hw..o * ncol + (bi + 1) * hw].copy_from_slice(
                    &g[(bi * self.out_ch + o) * hw..(bi * self.out_ch + o + 1) * hw],
                );
            }
        }
        for (o, gb) in self.grad_bias.iter_mut().enumerate() {
            *gb = blocked_sum(gm[o * ncol..(o + 1) * ncol].iter().copied());
        }
        transpose_into(&self.col, rows, ncol, &mut self.col_t);
        T::gemm_with(
            self.acc,
            self.out_ch,
            ncol,
            rows,
            &gm,
            &self.col_t,
            &mut self.grad_weight,
        );
        if !input_grad {
            return Ok(None);
        }
        transpose_into(&self.weight, self.out_ch, rows, &mut self.weight_t);
        let mut dcol = vec![T::zero(); rows * ncol];
        T::gemm_with(
            self.acc,
            rows,
            self.out_ch,
            ncol,
            &self.weight_t,
            &gm,
            &mut dcol,
        );
        let mut dx = vec![T::zero(); b * c * h * w];
        let pad = self.pad as isize;
        for ci in 0..c {
            for ky in 0..k {
                for kx in 0..k {
                    let row = (ci * k + ky) * k + kx;
                    let src = &dcol[row * ncol..(row + 1) * ncol];
                    for bi in 0..b {
                        let img = &mut dx[(bi * c + ci) * h * w..(bi * c + ci + 1) * h * w];
                        for oy in 0..oh {
                            let iy = oy as isize + ky as isize - pad;
                            if iy < 0 || iy >= h as isize {
                                continue;
                            }
                            for ox in 0..ow {
                                let ix = ox as isize + kx as isize - pad;
                                if ix >= 0 && ix < w as isize {
                                    let d = &mut img[iy as usize * w + ix as usize];
                                    *d = d.scalar_add(src[bi * hw + oy * ow + ox]);
                                }
                            }
                        }
                    }
                }
            }
        }
        Ok(Some(Tensor::from_vec(dx, &self.in_shape)?))
    }

    fn params(&self) -> Vec<&[T]> {
        vec![&self.weight, &self.bias]
    }

    fn param_shapes(&self) -> Vec<Vec<usize>> {
        vec![
            vec![self.out_ch, self.in_ch, self.k, self.k],
            vec![self.out_ch],
        ]
    }

    fn set_accumulate(&mut self, acc: Accumulate) {
        self.acc = acc;
    }

    fn params_mut(&mut self) -> Vec<ParamMut<'_, T>> {
        vec![
            ParamMut {
                value: &mut self.weight,
                grad: &self.grad_weight,
            },
            ParamMut {
                value: &mut self.bias,
                grad: &self.grad_bias,
            },
        ]
    }
}
