//! Flattening all axes but the batch axis.

use lognum_tensor::{Tensor, TensorError};

use super::{Layer, LayerSpec, no_forward};
use crate::{NnError, NnScalar};

/// `[batch, d1, d2, …] → [batch, d1·d2·…]`; the backward pass restores the
/// shape. No arithmetic.
///
/// ```
/// use lognum_nn::layers::{Flatten, Layer};
/// use lognum_tensor::Tensor;
/// let y = Flatten::new().forward(&Tensor::<f32>::zeros(&[2, 3, 4, 4])).unwrap();
/// assert_eq!(y.shape(), &[2, 48]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Flatten {
    shape: Vec<usize>,
}

impl Flatten {
    /// A flatten layer.
    ///
    /// ```
    /// let _ = lognum_nn::layers::Flatten::new();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

impl<T: NnScalar> Layer<T> for Flatten {
    fn spec(&self) -> LayerSpec {
        LayerSpec::Flatten
    }

    fn name(&self) -> String {
        "flatten".into()
    }

    fn forward(&mut self, x: &Tensor<T>) -> Result<Tensor<T>, NnError> {
        if x.ndim() < 1 {
            return Err(TensorError::InvalidShape {
                op: "flatten",
                shape: x.shape().to_vec(),
                expected: "a batch axis".into(),
            }
            .into());
        }
        self.shape = x.shape().to_vec();
        let batch = self.shape[0];
        let rest = self.shape[1..].iter().product();
        Ok(x.reshape(&[batch, rest])?)
    }

    fn backward(
        &mut self,
        grad: &Tensor<T>,
        input_grad: bool,
    ) -> Result<Option<Tensor<T>>, NnError> {
        if grad.len() != self.shape.iter().product::<usize>() || self.shape.is_empty() {
            return Err(no_forward("flatten backward", grad.shape(), &self.shape));
        }
        Ok(if input_grad {
            Some(grad.reshape(&self.shape)?)
        } else {
            None
        })
    }
}
