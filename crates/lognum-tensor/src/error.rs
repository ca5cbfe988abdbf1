//! The tensor error type.

use std::fmt;

/// The number of elements of `shape`, or `None` when ndarray could not
/// hold it: the product of its non-zero axes must fit in an `isize`
/// (ndarray's rule, so a shape with a zero axis is refused too when its
/// other axes overflow).
pub(crate) fn element_count(shape: &[usize]) -> Option<usize> {
    let nonzero = shape
        .iter()
        .filter(|&&d| d != 0)
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| n <= isize::MAX as usize)?;
    Some(if shape.contains(&0) { 0 } else { nonzero })
}

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
    /// A shape (given, or the result `op` would have) holds more elements
    /// than can be counted in a `usize`, or more bytes than one allocation
    /// may hold (`isize::MAX`), or the allocator refused the memory. Checked
    /// before anything of that size is allocated: see
    /// [`Tensor::try_full`](crate::Tensor::try_full).
    ///
    /// ```
    /// use lognum_tensor::{Tensor, TensorError};
    /// let err = Tensor::<f32>::try_zeros(&[usize::MAX, 2]).unwrap_err();
    /// assert!(matches!(err, TensorError::TooLarge { .. }));
    /// assert!(err.to_string().contains("too large"));
    /// ```
    TooLarge {
        /// The operation.
        op: &'static str,
        /// The shape that could not be allocated.
        shape: Vec<usize>,
    },
    /// A per-tensor scale (a log offset, in codes) left the range that
    /// [`scaled`](crate::scaled) tensors allow, `±MAX_OFFSET` codes: an
    /// error, never a wrap.
    ///
    /// ```
    /// use lognum_tensor::scaled::{Scaled8, MAX_OFFSET};
    /// use lognum_tensor::TensorError;
    /// let err = Scaled8::<3>::from_parts(vec![0x40], &[1, 1], MAX_OFFSET + 1).unwrap_err();
    /// assert!(matches!(err, TensorError::ScaleOverflow { .. }));
    /// ```
    ScaleOverflow {
        /// The operation.
        op: &'static str,
        /// The offset it would have produced, in codes of the word.
        offset: i64,
    },
    /// A value that has no LNS code: NaN or an infinity.
    ///
    /// ```
    /// use lognum_tensor::scaled::Scaled8;
    /// let err = Scaled8::<3>::from_f32(&[1.0, f32::NAN], &[1, 2]).unwrap_err();
    /// assert!(err.to_string().contains("NaN"));
    /// ```
    NotFinite {
        /// The operation.
        op: &'static str,
        /// The index of the first such value.
        index: usize,
        /// `"NaN"`, `"inf"` or `"-inf"`.
        value: &'static str,
    },
}

impl fmt::Display for TensorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length { len, shape } => match element_count(shape) {
                Some(n) => write!(
                    f,
                    "{len} elements do not fill shape {shape:?} ({n} elements)"
                ),
                None => write!(
                    f,
                    "{len} elements do not fill shape {shape:?} (too large to count)"
                ),
            },
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
            Self::TooLarge { op, shape } => match element_count(shape) {
                Some(n) => write!(
                    f,
                    "{op}: shape {shape:?} is too large: its {n} elements cannot be allocated"
                ),
                None => write!(
                    f,
                    "{op}: shape {shape:?} is too large: its element count overflows"
                ),
            },
            Self::ScaleOverflow { op, offset } => write!(
                f,
                "{op}: the per-tensor scale would be 2^({offset} codes), beyond the \
                 allowed ±{} codes",
                crate::scaled::MAX_OFFSET
            ),
            Self::NotFinite { op, index, value } => {
                write!(f, "{op}: element {index} is {value}, which has no LNS code")
            }
        }
    }
}

impl std::error::Error for TensorError {}
