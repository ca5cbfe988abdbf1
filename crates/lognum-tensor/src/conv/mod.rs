//! 2-D convolution (NCHW) by im2col and a matrix product, with the pieces a
//! backward pass needs: the gradients with respect to the input and to the
//! weights, and `im2col`/`col2im` themselves.
//!
//! Shapes: input `[n, c, h, w]`, weight `[o, c, kh, kw]`, output
//! `[n, o, oh, ow]` with `oh = (h + 2·ph − kh) / sh + 1` (likewise `ow`).
//! Padding is zeros.
//!
//! # Order of additions
//!
//! Every sum goes through the element type's matrix kernel
//! ([`Scalar::gemm_with`], LNS kernels included) and follows its order
//! ([`Accumulate`]); with the default, sequential order:
//!
//! - forward: each output sums over `(c, kh, kw)` in row-major order, from
//!   zero (padding contributes zero products, which add nothing);
//! - gradient w.r.t. the weights: each entry sums over `(n, oh, ow)` in
//!   row-major order;
//! - gradient w.r.t. the input: the column gradients (each a sum over the
//!   output channels in increasing order) are scattered back by
//!   [`col2im`], which adds the contributions to one input element in
//!   increasing `(kh, kw)` order, starting from zero.

use crate::matmul::Accumulate;
use crate::{Scalar, Tensor, TensorError};

/// Stride and zero padding of a 2-D window, as `(rows, columns)`.
///
/// ```
/// use lognum_tensor::Conv2dParams;
/// let p = Conv2dParams::new((2, 2), (1, 1));
/// assert_eq!(p.output_size((28, 28), (3, 3)), Some((14, 14)));
/// assert_eq!(Conv2dParams::default().output_size((2, 2), (3, 3)), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Conv2dParams {
    /// Step between windows (both at least 1).
    pub stride: (usize, usize),
    /// Zeros added on each side.
    pub padding: (usize, usize),
}

impl Default for Conv2dParams {
    /// Stride 1, no padding.
    fn default() -> Self {
        Self {
            stride: (1, 1),
            padding: (0, 0),
        }
    }
}

impl Conv2dParams {
    /// Stride and padding.
    ///
    /// ```
    /// let p = lognum_tensor::Conv2dParams::new((1, 1), (2, 2));
    /// assert_eq!(p.padding, (2, 2));
    /// ```
    pub fn new(stride: (usize, usize), padding: (usize, usize)) -> Self {
        Self { stride, padding }
    }

    /// The output size for an input of `(h, w)` and a kernel of `(kh, kw)`,
    /// or `None` if the kernel does not fit, a stride or kernel size is 0,
    /// or the padded input size (`h + 2·ph`, `w + 2·pw`) overflows `usize`.
    ///
    /// ```
    /// let p = lognum_tensor::Conv2dParams::default();
    /// assert_eq!(p.output_size((5, 7), (3, 3)), Some((3, 5)));
    /// let huge = lognum_tensor::Conv2dParams::new((1, 1), (usize::MAX / 2 + 1, 0));
    /// assert_eq!(huge.output_size((2, 2), (1, 1)), None);
    /// ```
    pub fn output_size(
        &self,
        input: (usize, usize),
        kernel: (usize, usize),
    ) -> Option<(usize, usize)> {
        let dim = |x: usize, k: usize, s: usize, p: usize| {
            let padded = p.checked_mul(2)?.checked_add(x)?;
            if s == 0 || k == 0 || padded < k {
                None
            } else {
                Some((padded - k) / s + 1)
            }
        };
        Some((
            dim(input.0, kernel.0, self.stride.0, self.padding.0)?,
            dim(input.1, kernel.1, self.stride.1, self.padding.1)?,
        ))
    }
}

/// The validated geometry of one convolution.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    n: usize,
    c: usize,
    h: usize,
    w: usize,
    kh: usize,
    kw: usize,
    oh: usize,
    ow: usize,
    p: Conv2dParams,
}

impl Geometry {
    fn new(
        op: &'static str,
        input: &[usize],
        kernel: (usize, usize),
        p: Conv2dParams,
    ) -> Result<Self, TensorError> {
        let [n, c, h, w] = *input else {
            return Err(TensorError::InvalidShape {
                op,
                shape: input.to_vec(),
                expected: "4 axes [n, c, h, w]".into(),
            });
        };
        let (oh, ow) = p
            .output_size((h, w), kernel)
            .ok_or_else(|| TensorError::InvalidShape {
                op,
                shape: input.to_vec(),
                expected: format!(
                    "a {}x{} kernel to fit with {:?} (and the padded size to fit in usize)",
                    kernel.0, kernel.1, p
                ),
            })?;
        // Every buffer the convolution and its gradients allocate is at
        // most one of these; each must have a countable size.
        let too_large = |shape: Vec<usize>| TensorError::TooLarge { op, shape };
        let rows = c
            .checked_mul(kernel.0)
            .and_then(|r| r.checked_mul(kernel.1))
            .ok_or_else(|| too_large(vec![c, kernel.0, kernel.1]))?;
        let cols = n
            .checked_mul(oh)
            .and_then(|r| r.checked_mul(ow))
            .ok_or_else(|| too_large(vec![n, oh, ow]))?;
        for shape in [vec![rows, cols], vec![n, c, h, w]] {
            crate::error::element_count(&shape).ok_or_else(|| too_large(shape.clone()))?;
        }
        Ok(Self {
            n,
            c,
            h,
            w,
            kh: kernel.0,
            kw: kernel.1,
            oh,
            ow,
            p,
        })
    }

    /// Rows of the column matrix: `c·kh·kw`.
    fn rows(&self) -> usize {
        self.c * self.kh * self.kw
    }

    /// Columns of the column matrix: `n·oh·ow`.
    fn cols(&self) -> usize {
        self.n * self.oh * self.ow
    }

    /// The input coordinate under window position `o` and kernel offset
    /// `k` on one axis, or `None` in the padding.
    #[inline]
    fn source(o: usize, k: usize, stride: usize, pad: usize, len: usize) -> Option<usize> {
        (o * stride + k).checked_sub(pad).filter(|&i| i < len)
    }
}

/// The column matrix of `input` (`[n, c, h, w]`) for a `kh × kw` kernel:
/// shape `[c·kh·kw, n·oh·ow]`, row `(c, i, j)` and column `(n, y, x)` holding
/// the input under kernel offset `(i, j)` of window `(y, x)` (zero in the
/// padding). `weight.reshape([o, c·kh·kw]) · im2col(input)` is the
/// convolution with the output's axes ordered `[o, n, oh, ow]`.
///
/// ```
/// use lognum_tensor::{Conv2dParams, Tensor, conv};
/// let x = Tensor::from_vec((1..=9).map(|v| v as f32).collect(), &[1, 1, 3, 3]).unwrap();
/// let cols = conv::im2col(&x, (2, 2), Conv2dParams::default()).unwrap();
/// assert_eq!(cols.shape(), &[4, 4]);
/// // The first window is [[1, 2], [4, 5]]: column 0.
/// assert_eq!(cols.slice_axis(1, 0..1).unwrap().to_vec(), vec![1.0, 2.0, 4.0, 5.0]);
/// ```
pub fn im2col<T: Scalar>(
    input: &Tensor<T>,
    kernel: (usize, usize),
    params: Conv2dParams,
) -> Result<Tensor<T>, TensorError> {
    let g = Geometry::new("im2col", input.shape(), kernel, params)?;
    let x = input.contiguous();
    let mut cols = crate::tensor::try_filled("im2col", &[g.rows(), g.cols()], T::zero())?;
    let (ncols, plane) = (g.cols(), g.oh * g.ow);
    for c in 0..g.c {
        for i in 0..g.kh {
            for j in 0..g.kw {
                let row = (c * g.kh + i) * g.kw + j;
                let dst = &mut cols[row * ncols..(row + 1) * ncols];
                for n in 0..g.n {
                    let src = &x[(n * g.c + c) * g.h * g.w..(n * g.c + c + 1) * g.h * g.w];
                    for y in 0..g.oh {
                        let Some(sy) = Geometry::source(y, i, g.p.stride.0, g.p.padding.0, g.h)
                        else {
                            continue;
                        };
                        for xo in 0..g.ow {
                            if let Some(sx) =
                                Geometry::source(xo, j, g.p.stride.1, g.p.padding.1, g.w)
                            {
                                dst[n * plane + y * g.ow + xo] = src[sy * g.w + sx];
                            }
                        }
                    }
                }
            }
        }
    }
    Tensor::from_vec(cols, &[g.rows(), g.cols()])
}

/// The adjoint of [`im2col`]: scatters a `[c·kh·kw, n·oh·ow]` column matrix
/// back onto an input of `input_shape`, adding where windows overlap (in
/// increasing `(kh, kw)` order for each input element, from zero).
///
/// ```
/// use lognum_tensor::{Conv2dParams, Tensor, conv};
/// let ones = Tensor::full(&[4, 4], 1.0f32);
/// let img = conv::col2im(&ones, &[1, 1, 3, 3], (2, 2), Conv2dParams::default()).unwrap();
/// // How many 2×2 windows cover each pixel of a 3×3 image.
/// assert_eq!(img.to_vec(), vec![1.0, 2.0, 1.0, 2.0, 4.0, 2.0, 1.0, 2.0, 1.0]);
/// ```
pub fn col2im<T: Scalar>(
    cols: &Tensor<T>,
    input_shape: &[usize],
    kernel: (usize, usize),
    params: Conv2dParams,
) -> Result<Tensor<T>, TensorError> {
    let g = Geometry::new("col2im", input_shape, kernel, params)?;
    if cols.shape() != [g.rows(), g.cols()] {
        return Err(TensorError::ShapeMismatch {
            op: "col2im",
            left: cols.shape().to_vec(),
            right: vec![g.rows(), g.cols()],
        });
    }
    let src = cols.contiguous();
    let mut img = crate::tensor::try_filled("col2im", input_shape, T::zero())?;
    let (ncols, plane) = (g.cols(), g.oh * g.ow);
    for c in 0..g.c {
        for i in 0..g.kh {
            for j in 0..g.kw {
                let row = (c * g.kh + i) * g.kw + j;
                let s = &src[row * ncols..(row + 1) * ncols];
                for n in 0..g.n {
                    let base = (n * g.c + c) * g.h * g.w;
                    for y in 0..g.oh {
                        let Some(sy) = Geometry::source(y, i, g.p.stride.0, g.p.padding.0, g.h)
                        else {
                            continue;
                        };
                        for xo in 0..g.ow {
                            if let Some(sx) =
                                Geometry::source(xo, j, g.p.stride.1, g.p.padding.1, g.w)
                            {
                                let d = &mut img[base + sy * g.w + sx];
                                *d = d.scalar_add(s[n * plane + y * g.ow + xo]);
                            }
                        }
                    }
                }
            }
        }
    }
    Tensor::from_vec(img, input_shape)
}

fn check_weight(
    op: &'static str,
    input: &[usize],
    weight: &[usize],
) -> Result<(usize, (usize, usize)), TensorError> {
    match *weight {
        [o, c, kh, kw] if input.len() == 4 && input[1] == c => Ok((o, (kh, kw))),
        _ => Err(TensorError::ShapeMismatch {
            op,
            left: input.to_vec(),
            right: weight.to_vec(),
        }),
    }
}

/// Checks a backward pass's shapes: the weight against the input, and the
/// output gradient against the forward output's shape. Returns the output
/// channels, the kernel size and the geometry.
fn check_gradient<T: Scalar>(
    op: &'static str,
    input: &[usize],
    weight: &[usize],
    grad_out: &Tensor<T>,
    params: Conv2dParams,
) -> Result<(usize, (usize, usize), Geometry), TensorError> {
    let (o, kernel) = check_weight(op, input, weight)?;
    let g = Geometry::new(op, input, kernel, params)?;
    if grad_out.shape() != [g.n, o, g.oh, g.ow] {
        return Err(TensorError::ShapeMismatch {
            op,
            left: grad_out.shape().to_vec(),
            right: vec![g.n, o, g.oh, g.ow],
        });
    }
    Ok((o, kernel, g))
}

/// `[o, n·oh·ow]` (a matrix product's result) to `[n, o, oh, ow]`.
fn matrix_to_nchw<T: Scalar>(
    m: Tensor<T>,
    g: &Geometry,
    o: usize,
) -> Result<Tensor<T>, TensorError> {
    m.reshape(&[o, g.n, g.oh, g.ow])?.permute(&[1, 0, 2, 3])
}

/// `[n, o, oh, ow]` to the `[o, n·oh·ow]` matrix.
fn nchw_to_matrix<T: Scalar>(t: &Tensor<T>) -> Result<Tensor<T>, TensorError> {
    let s = t.shape().to_vec();
    t.permute(&[1, 0, 2, 3])?
        .reshape(&[s[1], s[0] * s[2] * s[3]])
}

impl<T: Scalar> Tensor<T> {
    /// 2-D convolution (cross-correlation, as in deep-learning libraries):
    /// `self` is the input `[n, c, h, w]`, `weight` is `[o, c, kh, kw]`,
    /// the result `[n, o, oh, ow]`. No bias (add one by broadcasting a
    /// `[1, o, 1, 1]` tensor). Sums in the sequential order of the
    /// [module docs](crate::conv).
    ///
    /// ```
    /// use lognum_tensor::{Conv2dParams, Tensor};
    /// let x = Tensor::from_vec((1..=16).map(|v| v as f64).collect(), &[1, 1, 4, 4]).unwrap();
    /// let w = Tensor::from_vec(vec![1.0, 0.0, 0.0, -1.0], &[1, 1, 2, 2]).unwrap();
    /// let y = x.conv2d(&w, Conv2dParams::new((2, 2), (0, 0))).unwrap();
    /// assert_eq!(y.shape(), &[1, 1, 2, 2]);
    /// assert_eq!(y.to_vec(), vec![-5.0; 4]); // x[i][j] − x[i+1][j+1]
    /// assert!(x.conv2d(&Tensor::zeros(&[1, 2, 2, 2]), Conv2dParams::default()).is_err());
    /// ```
    pub fn conv2d(
        &self,
        weight: &Tensor<T>,
        params: Conv2dParams,
    ) -> Result<Tensor<T>, TensorError> {
        self.conv2d_with(weight, params, Accumulate::Sequential)
    }

    /// [`conv2d`](Self::conv2d) with a chosen order of additions.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_tensor::{Conv2dParams, Tensor, matmul::Accumulate};
    /// type L = LogNum<10>;
    /// let x = Tensor::<L>::full(&[1, 1, 2, 2], L::ONE);
    /// let w = Tensor::<L>::full(&[1, 1, 2, 2], L::ONE);
    /// let y = x.conv2d_with(&w, Conv2dParams::default(), Accumulate::Wide).unwrap();
    /// assert_eq!(y.to_f64_vec(), vec![4.0]);
    /// ```
    pub fn conv2d_with(
        &self,
        weight: &Tensor<T>,
        params: Conv2dParams,
        acc: Accumulate,
    ) -> Result<Tensor<T>, TensorError> {
        let (o, kernel) = check_weight("conv2d", self.shape(), weight.shape())?;
        let g = Geometry::new("conv2d", self.shape(), kernel, params)?;
        let cols = im2col(self, kernel, params)?;
        let w = weight.reshape(&[o, g.rows()])?;
        matrix_to_nchw(w.matmul_with(&cols, acc)?, &g, o)
    }
}

/// The gradient of [`Tensor::conv2d`] with respect to its input:
/// `col2im(weightᵀ · grad_out)`, shaped `input_shape`.
///
/// ```
/// use lognum_tensor::{Conv2dParams, Tensor, conv};
/// let w = Tensor::full(&[1, 1, 2, 2], 1.0f32);
/// let g = Tensor::full(&[1, 1, 2, 2], 1.0f32);
/// let dx = conv::conv2d_backward_input(&g, &w, &[1, 1, 3, 3], Conv2dParams::default()).unwrap();
/// assert_eq!(dx.to_vec(), vec![1.0, 2.0, 1.0, 2.0, 4.0, 2.0, 1.0, 2.0, 1.0]);
/// ```
pub fn conv2d_backward_input<T: Scalar>(
    grad_out: &Tensor<T>,
    weight: &Tensor<T>,
    input_shape: &[usize],
    params: Conv2dParams,
) -> Result<Tensor<T>, TensorError> {
    conv2d_backward_input_with(
        grad_out,
        weight,
        input_shape,
        params,
        Accumulate::Sequential,
    )
}

/// [`conv2d_backward_input`] with a chosen order of additions.
///
/// ```
/// use lognum_tensor::{Conv2dParams, Tensor, conv, matmul::Accumulate};
/// let w = Tensor::full(&[1, 1, 1, 1], 2.0f32);
/// let g = Tensor::full(&[1, 1, 2, 2], 1.0f32);
/// let dx = conv::conv2d_backward_input_with(&g, &w, &[1, 1, 2, 2], Conv2dParams::default(), Accumulate::Wide).unwrap();
/// assert_eq!(dx.to_vec(), vec![2.0; 4]);
/// ```
pub fn conv2d_backward_input_with<T: Scalar>(
    grad_out: &Tensor<T>,
    weight: &Tensor<T>,
    input_shape: &[usize],
    params: Conv2dParams,
    acc: Accumulate,
) -> Result<Tensor<T>, TensorError> {
    let op = "conv2d_backward_input";
    let (o, kernel, g) = check_gradient(op, input_shape, weight.shape(), grad_out, params)?;
    let wt = weight.reshape(&[o, g.rows()])?.t()?;
    let cols = wt.matmul_with(&nchw_to_matrix(grad_out)?, acc)?;
    col2im(&cols, input_shape, kernel, params)
}

/// The gradient of [`Tensor::conv2d`] with respect to its weights:
/// `grad_out · im2col(input)ᵀ`, shaped `weight_shape`.
///
/// ```
/// use lognum_tensor::{Conv2dParams, Tensor, conv};
/// let x = Tensor::from_vec((1..=9).map(|v| v as f32).collect(), &[1, 1, 3, 3]).unwrap();
/// let g = Tensor::full(&[1, 1, 2, 2], 1.0f32);
/// let dw = conv::conv2d_backward_weight(&x, &g, &[1, 1, 2, 2], Conv2dParams::default()).unwrap();
/// assert_eq!(dw.to_vec(), vec![12.0, 16.0, 24.0, 28.0]);
/// ```
pub fn conv2d_backward_weight<T: Scalar>(
    input: &Tensor<T>,
    grad_out: &Tensor<T>,
    weight_shape: &[usize],
    params: Conv2dParams,
) -> Result<Tensor<T>, TensorError> {
    conv2d_backward_weight_with(
        input,
        grad_out,
        weight_shape,
        params,
        Accumulate::Sequential,
    )
}

/// [`conv2d_backward_weight`] with a chosen order of additions.
///
/// ```
/// use lognum_tensor::{Conv2dParams, Tensor, conv, matmul::Accumulate};
/// let x = Tensor::full(&[2, 1, 2, 2], 1.0f64);
/// let g = Tensor::full(&[2, 1, 2, 2], 1.0f64);
/// let dw = conv::conv2d_backward_weight_with(&x, &g, &[1, 1, 1, 1], Conv2dParams::default(), Accumulate::Blocked(3)).unwrap();
/// assert_eq!(dw.to_vec(), vec![8.0]);
/// ```
pub fn conv2d_backward_weight_with<T: Scalar>(
    input: &Tensor<T>,
    grad_out: &Tensor<T>,
    weight_shape: &[usize],
    params: Conv2dParams,
    acc: Accumulate,
) -> Result<Tensor<T>, TensorError> {
    let op = "conv2d_backward_weight";
    let (_, kernel, _) = check_gradient(op, input.shape(), weight_shape, grad_out, params)?;
    let cols_t = im2col(input, kernel, params)?.t()?;
    nchw_to_matrix(grad_out)?
        .matmul_with(&cols_t, acc)?
        .reshape(weight_shape)
}
