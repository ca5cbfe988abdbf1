//! Softmax with cross-entropy.

use lognum_tensor::{Tensor, TensorError};

use crate::{NnError, NnScalar};

/// What [`softmax_cross_entropy`] computes for a batch.
#[derive(Clone, Debug)]
pub struct LossOutput<T> {
    /// `Σ_batch −ln p_label`, in f64 (a metric only: probabilities below
    /// `1e-12`, including LNS underflow to zero, count as `1e-12`).
    pub loss_sum: f64,
    /// How many rows have their first largest logit at the label.
    pub correct: usize,
    /// `∂loss/∂logits = p − y` per row (not divided by the batch size: the
    /// optimiser folds `1/batch` into the learning rate), in `T`.
    pub grad: Tensor<T>,
}

/// Softmax over each row of `logits` (`[batch, classes]`) and the
/// cross-entropy against `labels`, with the gradient `p − y`.
///
/// The softmax is [`NnScalar::softmax`] (for LNS: in the log domain with the
/// 640-entry table); `p − y` is `T`'s subtraction (an LNS log-domain
/// subtraction for the label's entry, a copy elsewhere).
///
/// ```
/// use lognum_nn::loss::softmax_cross_entropy;
/// use lognum_tensor::Tensor;
/// let logits = Tensor::from_vec(vec![0.0f64, 0.0], &[1, 2]).unwrap();
/// let out = softmax_cross_entropy(&logits, &[1]).unwrap();
/// assert!((out.loss_sum - 2f64.ln()).abs() < 1e-12);
/// assert_eq!(out.grad.to_vec(), vec![0.5, -0.5]);
/// ```
pub fn softmax_cross_entropy<T: NnScalar>(
    logits: &Tensor<T>,
    labels: &[u8],
) -> Result<LossOutput<T>, NnError> {
    let &[batch, classes] = logits.shape() else {
        return Err(TensorError::InvalidShape {
            op: "softmax_cross_entropy",
            shape: logits.shape().to_vec(),
            expected: "[batch, classes]".into(),
        }
        .into());
    };
    if labels.len() != batch || classes == 0 || labels.iter().any(|&l| l as usize >= classes) {
        return Err(TensorError::ShapeMismatch {
            op: "softmax_cross_entropy labels",
            left: logits.shape().to_vec(),
            right: vec![labels.len()],
        }
        .into());
    }
    let z = logits.as_slice().expect("tensors are contiguous");
    let mut grad = vec![T::zero(); batch * classes];
    let mut loss_sum = 0.0;
    let mut correct = 0;
    for ((row, g), &label) in z
        .chunks_exact(classes)
        .zip(grad.chunks_exact_mut(classes))
        .zip(labels)
    {
        let label = label as usize;
        T::softmax(row, g);
        loss_sum -= g[label].to_f64().max(1e-12).ln();
        g[label] = g[label].sub(T::one());
        if argmax(row) == label {
            correct += 1;
        }
    }
    Ok(LossOutput {
        loss_sum,
        correct,
        grad: Tensor::from_vec(grad, &[batch, classes])?,
    })
}

/// Index of the first largest element (0 for an empty slice).
///
/// ```
/// assert_eq!(lognum_nn::loss::argmax(&[1.0f32, 3.0, 3.0]), 1);
/// ```
pub fn argmax<T: PartialOrd>(row: &[T]) -> usize {
    let mut best = 0;
    for (i, x) in row.iter().enumerate() {
        if *x > row[best] {
            best = i;
        }
    }
    best
}
