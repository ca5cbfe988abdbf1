//! Losses: softmax with cross-entropy for classification, and the mean
//! squared error; each returns its summed value (a metric, in f64) and the
//! gradient with respect to the network's outputs (in `T`).
//!
//! [`Loss`] picks one at run time for the training loop.

use lognum_tensor::{Tensor, TensorError};

use crate::{NnError, NnScalar};

/// What [`softmax_cross_entropy`] computes for a batch.
#[derive(Clone, Debug)]
pub struct LossOutput<T> {
    /// `Σ_batch −ln p_label`, in f64 (a metric only: probabilities below
    /// `1e-12`, including LNS underflow to zero, count as `1e-12`; a NaN
    /// probability makes it NaN).
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
    labels: &[usize],
) -> Result<LossOutput<T>, NnError> {
    softmax_cross_entropy_with(logits, labels, LabelGrad::default())
}

/// How the label's entry of the gradient, `p_y − 1`, is computed.
///
/// ```
/// use lognum_nn::loss::LabelGrad;
/// assert_eq!("complement".parse::<LabelGrad>().unwrap(), LabelGrad::Complement);
/// assert_eq!(LabelGrad::Subtract.to_string(), "subtract");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum LabelGrad {
    /// `p_y ⊟ 1`, as the paper does. In LNS this is a subtraction of nearly
    /// equal numbers whenever the network is confident (`p_y → 1`), where
    /// the log-add table is at its worst: the 20-entry table's Δ− is off by
    /// up to 0.88 log units (a factor 1.8) there, and below `d = r/2` it has
    /// no bound at all (`0.99 ⊟ 1` gives about −0.08).
    Subtract,
    /// `−⊞_{j≠y} p_j`: the same number (the probabilities sum to one) as a
    /// sum of positive terms, so only Δ+ is involved and no cancellation
    /// occurs. Identical in exact arithmetic; the default.
    #[default]
    Complement,
}

impl LabelGrad {
    /// The name: `"subtract"` or `"complement"`.
    ///
    /// ```
    /// assert_eq!(lognum_nn::loss::LabelGrad::Complement.name(), "complement");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            LabelGrad::Subtract => "subtract",
            LabelGrad::Complement => "complement",
        }
    }
}

impl std::fmt::Display for LabelGrad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

impl std::str::FromStr for LabelGrad {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "subtract" => Ok(LabelGrad::Subtract),
            "complement" => Ok(LabelGrad::Complement),
            _ => Err(NnError::Config {
                field: "label_grad",
                reason: format!("{s:?} is not one of: subtract, complement"),
            }),
        }
    }
}

/// [`softmax_cross_entropy`] with a choice of [`LabelGrad`].
///
/// ```
/// use lognum::LogNum;
/// use lognum_nn::loss::{softmax_cross_entropy_with, LabelGrad};
/// use lognum_tensor::{Scalar, Tensor};
/// type L = LogNum<10>;
/// // A confident, correct prediction: p_0 ≈ 0.9933, so ∂/∂z_0 ≈ −0.0067.
/// let z = Tensor::<L>::from_f64(&[5.0, 0.0], &[1, 2]).unwrap();
/// let sub = softmax_cross_entropy_with(&z, &[0], LabelGrad::Subtract).unwrap();
/// let comp = softmax_cross_entropy_with(&z, &[0], LabelGrad::Complement).unwrap();
/// let (s, c) = (sub.grad.to_f64_vec()[0], comp.grad.to_f64_vec()[0]);
/// assert!((c + 0.0067).abs() < 0.0005);
/// assert!(s < -0.03); // the 20-entry table's Δ− near its pole
/// ```
pub fn softmax_cross_entropy_with<T: NnScalar>(
    logits: &Tensor<T>,
    labels: &[usize],
    label_grad: LabelGrad,
) -> Result<LossOutput<T>, NnError> {
    let &[batch, classes] = logits.shape() else {
        return Err(TensorError::InvalidShape {
            op: "softmax_cross_entropy",
            shape: logits.shape().to_vec(),
            expected: "[batch, classes]".into(),
        }
        .into());
    };
    if labels.len() != batch || classes == 0 || labels.iter().any(|&l| l >= classes) {
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
        T::softmax(row, g);
        let p = g[label].to_f64_lossy();
        // NaN stays NaN (`f64::max` would hide it), so that divergence shows.
        loss_sum -= if p.is_nan() { p } else { p.max(1e-12).ln() };
        g[label] = match label_grad {
            LabelGrad::Subtract => g[label].scalar_sub(T::scalar_one()),
            LabelGrad::Complement => g
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != label)
                .fold(T::zero(), |acc, (_, &p)| acc.scalar_add(p))
                .scalar_neg(),
        };
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

/// Which loss the training loop minimises.
///
/// ```
/// use lognum_nn::loss::{LabelGrad, Loss};
/// assert_eq!("mse".parse::<Loss>().unwrap(), Loss::Mse);
/// assert_eq!(Loss::default(), Loss::CrossEntropy(LabelGrad::Complement));
/// assert_eq!(Loss::default().to_string(), "cross-entropy");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Loss {
    /// [`softmax_cross_entropy_with`] and its label-gradient rule.
    CrossEntropy(LabelGrad),
    /// [`mse_one_hot`]: the outputs against one-hot targets.
    Mse,
}

impl Default for Loss {
    fn default() -> Self {
        Loss::CrossEntropy(LabelGrad::default())
    }
}

impl Loss {
    /// This loss on a batch of outputs `[batch, classes]` against class
    /// labels.
    ///
    /// ```
    /// use lognum_nn::loss::Loss;
    /// use lognum_tensor::Tensor;
    /// let y = Tensor::from_vec(vec![1.0f64, 0.0], &[1, 2]).unwrap();
    /// assert_eq!(Loss::Mse.compute(&y, &[0]).unwrap().loss_sum, 0.0);
    /// ```
    pub fn compute<T: NnScalar>(
        self,
        outputs: &Tensor<T>,
        labels: &[usize],
    ) -> Result<LossOutput<T>, NnError> {
        match self {
            Loss::CrossEntropy(rule) => softmax_cross_entropy_with(outputs, labels, rule),
            Loss::Mse => mse_one_hot(outputs, labels),
        }
    }
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            Loss::CrossEntropy(_) => "cross-entropy",
            Loss::Mse => "mse",
        })
    }
}

impl std::str::FromStr for Loss {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cross-entropy" | "ce" => Ok(Loss::default()),
            "mse" => Ok(Loss::Mse),
            _ => Err(NnError::Config {
                field: "loss",
                reason: format!("{s:?} is not one of: cross-entropy, mse"),
            }),
        }
    }
}

/// Half the squared error, `½·Σ (yᵢ − tᵢ)²` summed over the batch, with the
/// gradient `y − t` (not divided by the batch size, as for the
/// cross-entropy: the optimiser folds `1/batch` into the step). `y − t` is
/// `T`'s subtraction; the reported loss is computed in f64.
///
/// ```
/// use lognum_nn::loss::mse;
/// use lognum_tensor::Tensor;
/// let y = Tensor::from_vec(vec![1.0f32, 2.0], &[1, 2]).unwrap();
/// let t = Tensor::from_vec(vec![0.0f32, 4.0], &[1, 2]).unwrap();
/// let out = mse(&y, &t).unwrap();
/// assert_eq!(out.loss_sum, 0.5 * (1.0 + 4.0));
/// assert_eq!(out.grad.to_vec(), vec![1.0, -2.0]);
/// assert!(mse(&y, &Tensor::zeros(&[2, 1])).is_err());
/// ```
pub fn mse<T: NnScalar>(
    outputs: &Tensor<T>,
    targets: &Tensor<T>,
) -> Result<LossOutput<T>, NnError> {
    if outputs.shape() != targets.shape() || outputs.ndim() != 2 {
        return Err(TensorError::ShapeMismatch {
            op: "mse",
            left: outputs.shape().to_vec(),
            right: targets.shape().to_vec(),
        }
        .into());
    }
    let y = outputs.as_slice().expect("tensors are contiguous");
    let t = targets.as_slice().expect("tensors are contiguous");
    let classes = outputs.shape()[1];
    let grad: Vec<T> = y.iter().zip(t).map(|(&a, &b)| a.scalar_sub(b)).collect();
    let loss_sum = y
        .iter()
        .zip(t)
        .map(|(a, b)| (a.to_f64_lossy() - b.to_f64_lossy()).powi(2))
        .sum::<f64>()
        / 2.0;
    let correct = if classes == 0 {
        0
    } else {
        y.chunks_exact(classes)
            .zip(t.chunks_exact(classes))
            .filter(|(a, b)| argmax(a) == argmax(b))
            .count()
    };
    Ok(LossOutput {
        loss_sum,
        correct,
        grad: Tensor::from_vec(grad, outputs.shape())?,
    })
}

/// [`mse`] against one-hot targets of `labels` (`correct` counts rows whose
/// first largest output is the label).
///
/// ```
/// use lognum_nn::loss::mse_one_hot;
/// use lognum_tensor::Tensor;
/// let y = Tensor::from_vec(vec![0.5f64, 0.25], &[1, 2]).unwrap();
/// let out = mse_one_hot(&y, &[0]).unwrap();
/// assert_eq!(out.grad.to_vec(), vec![-0.5, 0.25]);
/// assert_eq!(out.correct, 1);
/// assert!(mse_one_hot(&y, &[2]).is_err());
/// ```
pub fn mse_one_hot<T: NnScalar>(
    outputs: &Tensor<T>,
    labels: &[usize],
) -> Result<LossOutput<T>, NnError> {
    let &[batch, classes] = outputs.shape() else {
        return Err(TensorError::InvalidShape {
            op: "mse_one_hot",
            shape: outputs.shape().to_vec(),
            expected: "[batch, classes]".into(),
        }
        .into());
    };
    if labels.len() != batch || labels.iter().any(|&l| l >= classes) {
        return Err(TensorError::ShapeMismatch {
            op: "mse_one_hot labels",
            left: outputs.shape().to_vec(),
            right: vec![labels.len()],
        }
        .into());
    }
    let mut t = vec![T::zero(); batch * classes];
    for (row, &l) in labels.iter().enumerate() {
        t[row * classes + l] = T::scalar_one();
    }
    mse(outputs, &Tensor::from_vec(t, &[batch, classes])?)
}
