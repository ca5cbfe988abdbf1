//! 2-D max pooling (NCHW) with the index of each maximum, and the scatter
//! that is its backward pass.

use crate::conv::Conv2dParams;
use crate::{Scalar, Tensor, TensorError};

impl<T: Scalar> Tensor<T> {
    /// Max pooling of `[n, c, h, w]` over `kernel` windows: the result
    /// `[n, c, oh, ow]` and, for each output element, the flat row-major
    /// index into `self` of the maximum it took (the first one in window
    /// order on ties). Padding (at most half the kernel) is never selected.
    ///
    /// ```
    /// use lognum_tensor::{Conv2dParams, Tensor};
    /// let x = Tensor::from_vec(vec![1.0f32, 5.0, 2.0, 0.0, 3.0, 4.0, 9.0, 8.0, 7.0, 6.0, 1.0, 2.0, 0.0, 0.0, 3.0, 3.0], &[1, 1, 4, 4]).unwrap();
    /// let (y, idx) = x.max_pool2d((2, 2), Conv2dParams::new((2, 2), (0, 0))).unwrap();
    /// assert_eq!(y.to_vec(), vec![5.0, 9.0, 7.0, 3.0]);
    /// assert_eq!(idx, vec![1, 6, 8, 14]);
    /// ```
    pub fn max_pool2d(
        &self,
        kernel: (usize, usize),
        params: Conv2dParams,
    ) -> Result<(Tensor<T>, Vec<usize>), TensorError> {
        let op = "max_pool2d";
        let shape = self.shape().to_vec();
        let [n, c, h, w] = shape[..] else {
            return Err(TensorError::InvalidShape {
                op,
                shape,
                expected: "4 axes [n, c, h, w]".into(),
            });
        };
        let (ph, pw) = params.padding;
        let size = params
            .output_size((h, w), kernel)
            .filter(|_| 2 * ph <= kernel.0 && 2 * pw <= kernel.1);
        let Some((oh, ow)) = size else {
            return Err(TensorError::InvalidShape {
                op,
                shape,
                expected: format!(
                    "a {}x{} window to fit with {params:?} (padding at most half the window)",
                    kernel.0, kernel.1
                ),
            });
        };
        let x = self.contiguous();
        let mut out = Vec::with_capacity(n * c * oh * ow);
        let mut idx = Vec::with_capacity(n * c * oh * ow);
        for plane in 0..n * c {
            let base = plane * h * w;
            for y in 0..oh {
                let y0 = (y * params.stride.0) as isize - ph as isize;
                for xo in 0..ow {
                    let x0 = (xo * params.stride.1) as isize - pw as isize;
                    let mut best: Option<usize> = None;
                    for i in 0..kernel.0 as isize {
                        let sy = y0 + i;
                        if sy < 0 || sy >= h as isize {
                            continue;
                        }
                        for j in 0..kernel.1 as isize {
                            let sx = x0 + j;
                            if sx < 0 || sx >= w as isize {
                                continue;
                            }
                            let at = base + sy as usize * w + sx as usize;
                            if best.is_none_or(|b| x[at] > x[b]) {
                                best = Some(at);
                            }
                        }
                    }
                    // Padding of at most half the window leaves every window
                    // at least one input element.
                    let b = best.expect("every window holds an input element");
                    out.push(x[b]);
                    idx.push(b);
                }
            }
        }
        Ok((Tensor::from_vec(out, &[n, c, oh, ow])?, idx))
    }

    /// The backward pass of [`max_pool2d`](Self::max_pool2d): a zero tensor
    /// of `input_shape` with each output gradient added at its index (in
    /// output order, so overlapping windows sum from zero left to right).
    ///
    /// ```
    /// use lognum_tensor::Tensor;
    /// let g = Tensor::from_vec(vec![1.0f32, 2.0], &[1, 1, 1, 2]).unwrap();
    /// let dx = Tensor::max_pool2d_backward(&g, &[3, 3], &[1, 1, 2, 2]).unwrap();
    /// assert_eq!(dx.to_vec(), vec![0.0, 0.0, 0.0, 3.0]);
    /// assert!(Tensor::max_pool2d_backward(&g, &[4, 0], &[1, 1, 2, 2]).is_err());
    /// ```
    pub fn max_pool2d_backward(
        grad_out: &Tensor<T>,
        indices: &[usize],
        input_shape: &[usize],
    ) -> Result<Tensor<T>, TensorError> {
        let op = "max_pool2d_backward";
        let len: usize = input_shape.iter().product();
        if indices.len() != grad_out.len() {
            return Err(TensorError::InvalidShape {
                op,
                shape: grad_out.shape().to_vec(),
                expected: format!("one index per element, got {} indices", indices.len()),
            });
        }
        if let Some(&bad) = indices.iter().find(|&&i| i >= len) {
            return Err(TensorError::InvalidShape {
                op,
                shape: input_shape.to_vec(),
                expected: format!("indices below {len}, got {bad}"),
            });
        }
        let mut dx = vec![T::zero(); len];
        for (&i, &g) in indices.iter().zip(grad_out.contiguous().iter()) {
            dx[i] = dx[i].add(g);
        }
        Tensor::from_vec(dx, input_shape)
    }
}
