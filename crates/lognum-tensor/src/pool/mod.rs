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
            .filter(|_| ph <= kernel.0 / 2 && pw <= kernel.1 / 2);
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
        let out_shape = [n, c, oh, ow];
        let mut out = crate::tensor::try_filled(op, &out_shape, T::zero())?;
        let mut idx = crate::tensor::try_filled(op, &out_shape, 0usize)?;
        let x = self.contiguous();
        // The rows (or columns) of the input under window `o` of one axis:
        // the window `o·s − p .. o·s − p + k`, clipped to the input.
        let span = |o: usize, s: usize, p: usize, k: usize, len: usize| {
            let start = o * s;
            start.saturating_sub(p)..(start + k).saturating_sub(p).min(len)
        };
        let mut at_out = 0;
        for plane in 0..n * c {
            let base = plane * h * w;
            for y in 0..oh {
                let rows = span(y, params.stride.0, ph, kernel.0, h);
                for xo in 0..ow {
                    let cols = span(xo, params.stride.1, pw, kernel.1, w);
                    let mut best: Option<usize> = None;
                    for sy in rows.clone() {
                        for sx in cols.clone() {
                            let at = base + sy * w + sx;
                            if best.is_none_or(|b| x[at] > x[b]) {
                                best = Some(at);
                            }
                        }
                    }
                    // Padding of at most half the window leaves every window
                    // at least one input element.
                    let b = best.expect("every window holds an input element");
                    out[at_out] = x[b];
                    idx[at_out] = b;
                    at_out += 1;
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
        let len =
            crate::error::element_count(input_shape).ok_or_else(|| TensorError::TooLarge {
                op,
                shape: input_shape.to_vec(),
            })?;
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
        let mut dx = crate::tensor::try_filled(op, input_shape, T::zero())?;
        for (&i, &g) in indices.iter().zip(grad_out.contiguous().iter()) {
            dx[i] = dx[i].scalar_add(g);
        }
        Tensor::from_vec(dx, input_shape)
    }
}
