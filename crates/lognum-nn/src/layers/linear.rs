//! Fully connected layer with bias.

use lognum_tensor::matmul::Accumulate;
use lognum_tensor::{Tensor, TensorError};

use super::{Layer, LayerSpec, ParamMut, expect_shape, no_forward, transpose_into};
use crate::init::Init;
use crate::rng::Rng;
use crate::{NnError, NnScalar};

/// `y = x·W + b` for a batch `x` of shape `[batch, inputs]`; `W` is stored
/// `[inputs, outputs]` row-major, so the forward pass is one `T::gemm`.
///
/// Each output is `((0 ⊞ x₀W₀ⱼ) ⊞ x₁W₁ⱼ ⊞ …) ⊞ bⱼ` in the order of the
/// type's gemm kernel, bias last (the paper's "bias as an extra input").
/// Backward: `∂W = xᵀ·δ` (one gemm over the batch), `∂b = Σ_batch δ`,
/// `∂x = δ·Wᵀ` (one gemm against a transposed copy of `W`).
///
/// ```
/// use lognum_nn::layers::{Layer, Linear};
/// use lognum_tensor::Tensor;
/// let mut fc = Linear::<f32>::new(3, 2);
/// let y = fc.forward(&Tensor::zeros(&[4, 3])).unwrap();
/// assert_eq!(y.shape(), &[4, 2]);
/// assert!(fc.forward(&Tensor::zeros(&[4, 2])).is_err());
/// ```
#[derive(Clone, Debug)]
pub struct Linear<T> {
    inputs: usize,
    outputs: usize,
    weight: Vec<T>,
    bias: Vec<T>,
    grad_weight: Vec<T>,
    grad_bias: Vec<T>,
    /// The last input, transposed: `[inputs, batch]`.
    input_t: Vec<T>,
    batch: usize,
    weight_t: Vec<T>,
    acc: Accumulate,
}

impl<T: NnScalar> Linear<T> {
    /// A layer with zero weights and biases (see [`crate::model`] for seeded
    /// initialisation).
    ///
    /// ```
    /// let fc = lognum_nn::layers::Linear::<f64>::new(784, 100);
    /// assert_eq!(fc.weight().len(), 78_400);
    /// ```
    pub fn new(inputs: usize, outputs: usize) -> Self {
        Self {
            inputs,
            outputs,
            weight: vec![T::zero(); inputs * outputs],
            bias: vec![T::zero(); outputs],
            grad_weight: vec![T::zero(); inputs * outputs],
            grad_bias: vec![T::zero(); outputs],
            input_t: Vec::new(),
            batch: 0,
            weight_t: Vec::new(),
            acc: Accumulate::Sequential,
        }
    }

    /// A layer with weights drawn by `init` from `rng` (`fan_in = inputs`,
    /// `fan_out = outputs`) and zero biases.
    ///
    /// ```
    /// use lognum_nn::{init::Init, layers::Linear, rng::Rng};
    /// let fc = Linear::<f32>::with_init(784, 100, &Init::HeNormal, &mut Rng::new(1));
    /// assert!(fc.weight().iter().any(|&w| w != 0.0));
    /// assert!(fc.bias().iter().all(|&b| b == 0.0));
    /// ```
    pub fn with_init(inputs: usize, outputs: usize, init: &Init, rng: &mut Rng) -> Self {
        let mut l = Self::new(inputs, outputs);
        init.fill(rng, inputs, outputs, &mut l.weight);
        l
    }

    /// A layer with the given weights (`[inputs, outputs]` row-major) and
    /// biases.
    ///
    /// ```
    /// use lognum_nn::layers::Linear;
    /// assert!(Linear::<f32>::from_weights(2, 2, vec![0.0; 4], vec![0.0; 2]).is_ok());
    /// assert!(Linear::<f32>::from_weights(2, 2, vec![0.0; 3], vec![0.0; 2]).is_err());
    /// ```
    pub fn from_weights(
        inputs: usize,
        outputs: usize,
        weight: Vec<T>,
        bias: Vec<T>,
    ) -> Result<Self, NnError> {
        if weight.len() != inputs * outputs || bias.len() != outputs {
            return Err(TensorError::Length {
                len: weight.len(),
                shape: vec![inputs, outputs],
            }
            .into());
        }
        let mut l = Self::new(inputs, outputs);
        l.weight = weight;
        l.bias = bias;
        Ok(l)
    }

    /// The weights, `[inputs, outputs]` row-major.
    ///
    /// ```
    /// let fc = lognum_nn::layers::Linear::<f32>::new(2, 3);
    /// assert_eq!(fc.weight().len(), 6);
    /// ```
    pub fn weight(&self) -> &[T] {
        &self.weight
    }

    /// The biases.
    ///
    /// ```
    /// let fc = lognum_nn::layers::Linear::<f32>::new(2, 3);
    /// assert_eq!(fc.bias().len(), 3);
    /// ```
    pub fn bias(&self) -> &[T] {
        &self.bias
    }

    /// The weight gradient from the last backward pass.
    ///
    /// ```
    /// let fc = lognum_nn::layers::Linear::<f32>::new(2, 3);
    /// assert_eq!(fc.grad_weight(), &[0.0; 6]);
    /// ```
    pub fn grad_weight(&self) -> &[T] {
        &self.grad_weight
    }
}

impl<T: NnScalar> Layer<T> for Linear<T> {
    fn spec(&self) -> LayerSpec {
        LayerSpec::Linear {
            inputs: self.inputs,
            outputs: self.outputs,
        }
    }

    fn param_names(&self) -> Vec<String> {
        vec!["weight".into(), "bias".into()]
    }

    fn name(&self) -> String {
        format!("linear {}→{}", self.inputs, self.outputs)
    }

    fn forward(&mut self, x: &Tensor<T>) -> Result<Tensor<T>, NnError> {
        expect_shape("linear", x, &[None, Some(self.inputs)])?;
        let batch = x.shape()[0];
        let xs = x.as_slice().expect("tensors are contiguous");
        let mut y = vec![T::zero(); batch * self.outputs];
        T::gemm_with(
            self.acc,
            batch,
            self.inputs,
            self.outputs,
            xs,
            &self.weight,
            &mut y,
        );
        for row in y.chunks_exact_mut(self.outputs.max(1)) {
            T::add_assign_slice(row, &self.bias);
        }
        transpose_into(xs, batch, self.inputs, &mut self.input_t);
        self.batch = batch;
        Ok(Tensor::from_vec(y, &[batch, self.outputs])?)
    }

    fn backward(
        &mut self,
        grad: &Tensor<T>,
        input_grad: bool,
    ) -> Result<Option<Tensor<T>>, NnError> {
        let (batch, n) = (self.batch, self.outputs);
        if grad.shape() != [batch, n] || self.input_t.len() != batch * self.inputs {
            return Err(no_forward("linear backward", grad.shape(), &[batch, n]));
        }
        let g = grad.as_slice().expect("tensors are contiguous");
        T::gemm_with(
            self.acc,
            self.inputs,
            batch,
            n,
            &self.input_t,
            g,
            &mut self.grad_weight,
        );
        // Row by row: each column is added top to bottom from zero.
        self.grad_bias.fill(T::zero());
        for row in g.chunks_exact(n.max(1)) {
            T::add_assign_slice(&mut self.grad_bias, row);
        }
        if !input_grad {
            return Ok(None);
        }
        transpose_into(&self.weight, self.inputs, n, &mut self.weight_t);
        let mut dx = vec![T::zero(); batch * self.inputs];
        T::gemm_with(self.acc, batch, n, self.inputs, g, &self.weight_t, &mut dx);
        Ok(Some(Tensor::from_vec(dx, &[batch, self.inputs])?))
    }

    fn params(&self) -> Vec<&[T]> {
        vec![&self.weight, &self.bias]
    }

    fn param_shapes(&self) -> Vec<Vec<usize>> {
        vec![vec![self.inputs, self.outputs], vec![self.outputs]]
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
