//! The tensor error type.

use std::fmt;

/// Why a tensor operation refused its operands. Shape errors name the shapes.
///
/// ```
/// use lognum_tensor::Tensor;
/// let a = Tensor::from_vec(vec![1.0f32; 6], &[2, 3]).unwrap();
/// let err = a.matmul(&a).unwrap_err();
/// assert!(err.to_string().contains("[2, 3]"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TensorError {
    /// The number of elements does not match the shape.
    Length {
        /// Elements given.
        len: usize,
        /// The requested shape.
        shape: Vec<usize>,
    },
    /// Two operands' shapes are incompatible for `op`.
    ShapeMismatch {
        /// The operation.
        op: &'static str,
        /// The left operand's shape.
        left: Vec<usize>,
        /// The right operand's shape.
        right: Vec<usize>,
    },
    /// An operand has the wrong shape on its own (wrong rank, bad axis, …).
    InvalidShape {
        /// The operation.
        op: &'static str,
        /// The operand's shape.
        shape: Vec<usize>,
        /// What was expected.
        expected: String,
    },
}

impl fmt::Display for TensorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length { len, shape } => {
                write!(
                    f,
                    "{len} elements do not fill shape {shape:?} ({} elements)",
                    shape.iter().product::<usize>()
                )
            }
            Self::ShapeMismatch { op, left, right } => {
                write!(f, "{op}: shapes {left:?} and {right:?} are incompatible")
            }
            Self::InvalidShape {
                op,
                shape,
                expected,
            } => {
                write!(f, "{op}: shape {shape:?} is invalid, expected {expected}")
            }
        }
    }
}

impl std::error::Error for TensorError {}
