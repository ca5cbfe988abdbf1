//! Max pooling with a square window equal to its stride.

use lognum_tensor::{Tensor, TensorError};

use super::{Layer, LayerSpec, no_forward};
use crate::{NnError, NnScalar};

/// Max pooling over non-overlapping `size × size` windows: input
/// `[batch, ch, h, w]`, output `[batch, ch, h / size, w / size]` (a
/// remainder is dropped). The first maximum of each window wins ties; the
/// backward pass routes each gradient to that element. Comparisons only, no
/// arithmetic.
///
/// ```
/// use lognum_nn::layers::{Layer, MaxPool2d};
/// use lognum_tensor::Tensor;
/// let mut pool = MaxPool2d::new(2);
/// let x = Tensor::from_vec(vec![1.0f32, 4.0, 3.0, 2.0], &[1, 1, 2, 2]).unwrap();
/// assert_eq!(pool.forward(&x).unwrap().to_vec(), vec![4.0]);
/// ```
#[derive(Clone, Debug)]
pub struct MaxPool2d {
    size: usize,
    argmax: Vec<usize>,
    in_shape: Vec<usize>,
    out_shape: Vec<usize>,
}

impl MaxPool2d {
    /// Pooling over `size × size` windows with stride `size`.
    ///
    /// ```
    /// let _ = lognum_nn::layers::MaxPool2d::new(2);
    /// ```
    pub fn new(size: usize) -> Self {
        Self {
            size: size.max(1),
            argmax: Vec::new(),
            in_shape: Vec::new(),
            out_shape: Vec::new(),
        }
    }
}

impl<T: NnScalar> Layer<T> for MaxPool2d {
    fn spec(&self) -> LayerSpec {
        LayerSpec::MaxPool2d { size: self.size }
    }

    fn name(&self) -> String {
        format!("maxpool {0}x{0}", self.size)
    }

    fn forward(&mut self, x: &Tensor<T>) -> Result<Tensor<T>, NnError> {
        let s = self.size;
        let &[b, c, h, w] = x.shape() else {
            return Err(TensorError::InvalidShape {
                op: "maxpool2d",
                shape: x.shape().to_vec(),
                expected: "[batch, channels, height, width]".into(),
            }
            .into());
        };
        let (oh, ow) = (h / s, w / s);
        let xs = x.as_slice().expect("tensors are contiguous");
        self.argmax.clear();
        self.argmax.reserve(b * c * oh * ow);
        let mut y = Vec::with_capacity(b * c * oh * ow);
        for plane in 0..b * c {
            let base = plane * h * w;
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut best = base + oy * s * w + ox * s;
                    for dy in 0..s {
                        for dx in 0..s {
                            let i = base + (oy * s + dy) * w + ox * s + dx;
                            if xs[i] > xs[best] {
                                best = i;
                            }
                        }
                    }
                    self.argmax.push(best);
                    y.push(xs[best]);
                }
            }
        }
        self.in_shape = x.shape().to_vec();
        self.out_shape = vec![b, c, oh, ow];
        Ok(Tensor::from_vec(y, &self.out_shape)?)
    }

    fn backward(
        &mut self,
        grad: &Tensor<T>,
        input_grad: bool,
    ) -> Result<Option<Tensor<T>>, NnError> {
        if grad.shape() != self.out_shape.as_slice() || self.out_shape.is_empty() {
            return Err(no_forward(
                "maxpool2d backward",
                grad.shape(),
                &self.out_shape,
            ));
        }
        if !input_grad {
            return Ok(None);
        }
        let mut dx = vec![T::zero(); self.in_shape.iter().product()];
        let g = grad.as_slice().expect("tensors are contiguous");
        for (&i, &v) in self.argmax.iter().zip(g) {
            dx[i] = v;
        }
        Ok(Some(Tensor::from_vec(dx, &self.in_shape)?))
    }
}
