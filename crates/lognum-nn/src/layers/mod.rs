//! Layers: forward and backward passes over batched [`Tensor`]s, generic over
//! the number type.
//!
//! Every layer caches what its backward pass needs during
//! [`forward`](Layer::forward); [`backward`](Layer::backward) then takes the
//! gradient of the loss with respect to the layer's output, *overwrites* the
//! gradients of the layer's parameters (no accumulation across calls) and
//! returns the gradient with respect to its input.
//!
//! All arithmetic is `T`'s own ([`Scalar`](lognum_tensor::Scalar) methods
//! and the [`Scalar::gemm`](lognum_tensor::Scalar::gemm) kernel hook): for
//! [`LogNum`](lognum::LogNum) the forward and backward passes never leave
//! the log domain. Matrix products go through `T::gemm` with operands
//! transposed into contiguous buffers first.
//!
//! ```
//! use lognum_nn::layers::{Layer, Linear};
//! use lognum_tensor::Tensor;
//! let mut fc = Linear::<f64>::from_weights(2, 1, vec![1.0, 2.0], vec![0.5]).unwrap();
//! let x = Tensor::from_vec(vec![1.0, 1.0], &[1, 2]).unwrap();
//! assert_eq!(fc.forward(&x).unwrap().to_vec(), vec![3.5]);
//! let g = fc.backward(&Tensor::from_vec(vec![1.0], &[1, 1]).unwrap(), true).unwrap();
//! assert_eq!(g.unwrap().to_vec(), vec![1.0, 2.0]);
//! ```

mod activation;
mod conv;
mod flatten;
mod linear;
mod pool;
mod sequential;
mod spec;

pub use activation::LeakyRelu;
pub use conv::Conv2d;
pub use flatten::Flatten;
pub use linear::Linear;
pub use pool::MaxPool2d;
pub use sequential::Sequential;
pub use spec::{LayerSpec, MAX_PARAMS};

use lognum_tensor::matmul::Accumulate;
use lognum_tensor::{Tensor, TensorError};

use crate::{NnError, NnScalar};

/// A parameter and its gradient, as the optimiser sees them.
#[derive(Debug)]
pub struct ParamMut<'a, T> {
    /// The values, updated in place by the optimiser.
    pub value: &'a mut [T],
    /// The gradient from the last backward pass.
    pub grad: &'a [T],
}

/// A differentiable layer.
///
/// ```
/// use lognum_nn::layers::{Layer, LeakyRelu};
/// use lognum_tensor::Tensor;
/// let mut relu = LeakyRelu::relu();
/// let y = relu.forward(&Tensor::from_vec(vec![-1.0f32, 2.0], &[1, 2]).unwrap()).unwrap();
/// assert_eq!(y.to_vec(), vec![0.0, 2.0]);
/// ```
pub trait Layer<T: NnScalar>: Send {
    /// A short description, e.g. `"linear 784→100"`.
    fn name(&self) -> String;

    /// The forward pass over a batch (axis 0), caching what
    /// [`backward`](Self::backward) needs.
    fn forward(&mut self, x: &Tensor<T>) -> Result<Tensor<T>, NnError>;

    /// The backward pass for the batch of the last `forward`: sets the
    /// parameter gradients and, if `input_grad`, returns the gradient with
    /// respect to the input (`None` otherwise, saving the work for a first
    /// layer).
    fn backward(
        &mut self,
        grad: &Tensor<T>,
        input_grad: bool,
    ) -> Result<Option<Tensor<T>>, NnError>;

    /// The parameters (empty for parameter-free layers).
    fn params(&self) -> Vec<&[T]> {
        Vec::new()
    }

    /// The parameters' shapes, in the order of [`params`](Self::params).
    fn param_shapes(&self) -> Vec<Vec<usize>> {
        Vec::new()
    }

    /// The parameters' names, in the order of [`params`](Self::params):
    /// `"weight"` and `"bias"` for [`Linear`] and [`Conv2d`], prefixed with
    /// the layer's index in a [`Sequential`] (`"0.weight"`). The default
    /// names them `"param0"`, `"param1"`, …
    fn param_names(&self) -> Vec<String> {
        (0..self.params().len())
            .map(|i| format!("param{i}"))
            .collect()
    }

    /// The layer's architecture without its values, as checkpoints record
    /// it. The default, for layers from outside this crate, is
    /// [`LayerSpec::Custom`] with the layer's [`name`](Self::name).
    fn spec(&self) -> LayerSpec {
        LayerSpec::Custom { name: self.name() }
    }

    /// The parameters with their gradients, for the optimiser.
    fn params_mut(&mut self) -> Vec<ParamMut<'_, T>> {
        Vec::new()
    }

    /// Sets the order in which this layer's matrix products sum their terms
    /// (forward and backward); layers without products ignore it.
    fn set_accumulate(&mut self, acc: Accumulate) {
        let _ = acc;
    }
}

/// Checks `x` has rank `rank` and, where `dims[i]` is `Some`, that axis.
pub(crate) fn expect_shape<T: NnScalar>(
    op: &'static str,
    x: &Tensor<T>,
    dims: &[Option<usize>],
) -> Result<(), NnError> {
    let s = x.shape();
    let ok = s.len() == dims.len() && s.iter().zip(dims).all(|(&a, d)| d.is_none_or(|d| d == a));
    if ok {
        Ok(())
    } else {
        Err(TensorError::InvalidShape {
            op,
            shape: s.to_vec(),
            expected: format!(
                "[{}]",
                dims.iter()
                    .map(|d| d.map_or("_".to_string(), |d| d.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
        .into())
    }
}

/// An error for `backward` called before `forward` or with a mismatched batch.
pub(crate) fn no_forward(op: &'static str, grad: &[usize], expected: &[usize]) -> NnError {
    TensorError::ShapeMismatch {
        op,
        left: grad.to_vec(),
        right: expected.to_vec(),
    }
    .into()
}

/// `dst = srcᵀ` for a row-major `rows × cols` `src`.
///
/// Eight rows of `src` at a time: each row of `dst` gets eight contiguous
/// values, one from each, so the reads stream along eight rows and the
/// writes are runs without a bounds check per element (square tiles
/// indexed element by element were slower).
pub(crate) fn transpose_into<T: Copy>(src: &[T], rows: usize, cols: usize, dst: &mut Vec<T>) {
    const TILE: usize = 8;
    debug_assert_eq!(src.len(), rows * cols);
    dst.clear();
    let Some(&first) = src.first() else {
        return;
    };
    dst.resize(rows * cols, first);
    let whole = rows / TILE * TILE;
    for r0 in (0..whole).step_by(TILE) {
        let block: [&[T]; TILE] =
            std::array::from_fn(|i| &src[(r0 + i) * cols..(r0 + i + 1) * cols]);
        for (c, d) in dst.chunks_exact_mut(rows).enumerate() {
            for (d, row) in d[r0..r0 + TILE].iter_mut().zip(&block) {
                *d = row[c];
            }
        }
    }
    for r in whole..rows {
        for (c, &x) in src[r * cols..(r + 1) * cols].iter().enumerate() {
            dst[c * rows + r] = x;
        }
    }
}

/// Sums `terms` in `T`: in blocks of `BLOCK` terms left to right, then the
/// block sums left to right. Blocking keeps LNS partial sums from dwarfing
/// the terms (the log-add table returns Δ = 0 once they differ by 2^10).
pub(crate) fn blocked_sum<T: NnScalar>(terms: impl Iterator<Item = T>) -> T {
    const BLOCK: usize = 32;
    let mut total = T::zero();
    let mut block = T::zero();
    for (i, t) in terms.enumerate() {
        block = block.scalar_add(t);
        if i % BLOCK == BLOCK - 1 {
            total = total.scalar_add(block);
            block = T::zero();
        }
    }
    total.scalar_add(block)
}

#[cfg(test)]
mod tests {
    use super::transpose_into;

    /// The blocked transpose against the definition, on shapes that fill no
    /// block of rows, whole blocks, and blocks with rows left over.
    #[test]
    fn tiled_transpose_is_the_transpose() {
        let mut dst = vec![7u32; 3];
        for (rows, cols) in [
            (0, 5),
            (5, 0),
            (1, 1),
            (1, 17),
            (17, 1),
            (16, 16),
            (8, 3),
            (9, 784),
            (33, 47),
            (128, 100),
        ] {
            let src: Vec<u32> = (0..(rows * cols) as u32).collect();
            transpose_into(&src, rows, cols, &mut dst);
            assert_eq!(dst.len(), rows * cols, "{rows}x{cols}");
            for r in 0..rows {
                for c in 0..cols {
                    assert_eq!(
                        dst[c * rows + r],
                        src[r * cols + c],
                        "{rows}x{cols} at {r},{c}"
                    );
                }
            }
        }
    }
}
