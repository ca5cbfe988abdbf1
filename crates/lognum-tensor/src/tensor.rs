//! The tensor type: an `ndarray::ArrayD` of any [`Scalar`], with checked
//! shapes.

use ndarray::{ArrayD, Axis, IxDyn};

use crate::error::element_count;
use crate::{Scalar, TensorError};

/// A vector of as many `value`s as `shape` has elements, or
/// [`TensorError::TooLarge`] (naming `op` and `shape`) when the count
/// overflows, the bytes exceed `isize::MAX`, or the allocator refuses the
/// memory (`Vec::try_reserve_exact`): refused before anything is written,
/// instead of aborting the process.
pub(crate) fn try_filled<T: Clone>(
    op: &'static str,
    shape: &[usize],
    value: T,
) -> Result<Vec<T>, TensorError> {
    let too_large = || TensorError::TooLarge {
        op,
        shape: shape.to_vec(),
    };
    let n = element_count(shape).ok_or_else(too_large)?;
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| too_large())?;
    v.resize(n, value);
    Ok(v)
}

/// An n-dimensional array of `T`, stored by `ndarray` in row-major order.
///
/// Every operation checks shapes and returns a [`TensorError`] naming them
/// instead of panicking.
///
/// ```
/// use lognum::LogNum;
/// use lognum_tensor::{Scalar, Tensor};
/// type L = LogNum<10>;
/// let t = Tensor::from_vec(vec![L::from_f64(1.0), L::from_f64(2.0)], &[1, 2]).unwrap();
/// assert_eq!(t.shape(), &[1, 2]);
/// assert_eq!(t.map(|x| x.scalar_mul(x)).to_vec()[1].to_f64(), 4.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor<T> {
    data: ArrayD<T>,
}

/// The broadcast of two shapes (numpy rules), or `None` if incompatible.
pub(crate) fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i + a.len() >= n {
            a[i + a.len() - n]
        } else {
            1
        };
        let db = if i + b.len() >= n {
            b[i + b.len() - n]
        } else {
            1
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

impl<T: Scalar> Tensor<T> {
    /// A tensor of `shape` holding `data` in row-major order.
    ///
    /// ```
    /// use lognum_tensor::Tensor;
    /// assert!(Tensor::from_vec(vec![0.0f32; 6], &[2, 3]).is_ok());
    /// let err = Tensor::from_vec(vec![0.0f32; 5], &[2, 3]).unwrap_err();
    /// assert!(err.to_string().contains("[2, 3]"));
    /// ```
    pub fn from_vec(data: Vec<T>, shape: &[usize]) -> Result<Self, TensorError> {
        let len = data.len();
        let Some(expected) = element_count(shape) else {
            return Err(TensorError::TooLarge {
                op: "from_vec",
                shape: shape.to_vec(),
            });
        };
        if expected != len {
            return Err(TensorError::Length {
                len,
                shape: shape.to_vec(),
            });
        }
        let data = ArrayD::from_shape_vec(IxDyn(shape), data).map_err(|_| TensorError::Length {
            len,
            shape: shape.to_vec(),
        })?;
        Ok(Self { data })
    }

    /// A tensor of zeros.
    ///
    /// # Panics
    ///
    /// If `shape` is too large to allocate, with the message of
    /// [`TensorError::TooLarge`]; [`try_zeros`](Self::try_zeros) returns
    /// that error instead.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::<f32>::zeros(&[2, 2]);
    /// assert_eq!(t.to_vec(), vec![0.0; 4]);
    /// ```
    pub fn zeros(shape: &[usize]) -> Self {
        Self::full(shape, T::zero())
    }

    /// A tensor of zeros, or [`TensorError::TooLarge`] if `shape` cannot
    /// be allocated (see [`try_full`](Self::try_full)).
    ///
    /// ```
    /// use lognum_tensor::Tensor;
    /// assert_eq!(Tensor::<f32>::try_zeros(&[2, 2]).unwrap().len(), 4);
    /// assert!(Tensor::<f32>::try_zeros(&[1 << 40, 1 << 40]).is_err());
    /// ```
    pub fn try_zeros(shape: &[usize]) -> Result<Self, TensorError> {
        Self::try_full(shape, T::zero())
    }

    /// A tensor with every element `value`.
    ///
    /// # Panics
    ///
    /// If `shape` is too large to allocate, with the message of
    /// [`TensorError::TooLarge`]; [`try_full`](Self::try_full) returns that
    /// error instead.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::full(&[3], 2.0f64);
    /// assert_eq!(t.to_vec(), vec![2.0; 3]);
    /// ```
    pub fn full(shape: &[usize], value: T) -> Self {
        Self::try_full(shape, value).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A tensor with every element `value`, or [`TensorError::TooLarge`]
    /// if `shape` cannot be allocated: its element count overflows `usize`
    /// (or, for the non-zero axes, `isize`), its bytes exceed `isize::MAX`,
    /// or the allocator refuses the memory. The last is asked before
    /// anything is written (`Vec::try_reserve_exact`); on a system that
    /// overcommits memory without limit (Linux's `vm.overcommit_memory =
    /// 1`) a grant does not promise that the pages exist, and filling them
    /// can still run out of memory. Every operation of this crate that
    /// creates a tensor (matrix products, convolution, broadcasting,
    /// pooling) sizes its result the same way.
    ///
    /// ```
    /// use lognum_tensor::{Tensor, TensorError};
    /// assert_eq!(Tensor::try_full(&[2], 1.5f32).unwrap().to_vec(), vec![1.5; 2]);
    /// let err = Tensor::try_full(&[usize::MAX, 2], 0.0f32).unwrap_err();
    /// assert!(matches!(err, TensorError::TooLarge { .. }));
    /// ```
    pub fn try_full(shape: &[usize], value: T) -> Result<Self, TensorError> {
        let data = try_filled("full", shape, value)?;
        Ok(Self {
            data: ArrayD::from_shape_vec(IxDyn(shape), data).expect("length checked"),
        })
    }

    /// A tensor from f64 values, rounded to `T`.
    ///
    /// ```
    /// use lognum_tensor::Tensor;
    /// let t: Tensor<half::bf16> = Tensor::from_f64(&[1.0, 2.0], &[2]).unwrap();
    /// assert_eq!(t.to_f64_vec(), vec![1.0, 2.0]);
    /// ```
    pub fn from_f64(values: &[f64], shape: &[usize]) -> Result<Self, TensorError> {
        Self::from_vec(
            values.iter().map(|&v| T::from_f64_lossy(v)).collect(),
            shape,
        )
    }

    /// The shape.
    ///
    /// ```
    /// assert_eq!(lognum_tensor::Tensor::<f32>::zeros(&[4, 5]).shape(), &[4, 5]);
    /// ```
    pub fn shape(&self) -> &[usize] {
        self.data.shape()
    }

    /// The number of axes.
    ///
    /// ```
    /// assert_eq!(lognum_tensor::Tensor::<f32>::zeros(&[4, 5]).ndim(), 2);
    /// ```
    pub fn ndim(&self) -> usize {
        self.data.ndim()
    }

    /// The number of elements.
    ///
    /// ```
    /// assert_eq!(lognum_tensor::Tensor::<f32>::zeros(&[4, 5]).len(), 20);
    /// ```
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True if the tensor has no elements.
    ///
    /// ```
    /// assert!(lognum_tensor::Tensor::<f32>::zeros(&[0, 5]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The elements in row-major order.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::from_vec(vec![1.0f32, 2.0], &[2]).unwrap();
    /// assert_eq!(t.to_vec(), vec![1.0, 2.0]);
    /// ```
    pub fn to_vec(&self) -> Vec<T> {
        // One copy of the slice where the storage is row-major (every tensor
        // this crate builds): element-wise iteration costs several times more.
        match self.data.as_slice() {
            Some(s) => s.to_vec(),
            None => self.data.iter().copied().collect(),
        }
    }

    /// The elements in row-major order as f64.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::from_vec(vec![1.5f32], &[1]).unwrap();
    /// assert_eq!(t.to_f64_vec(), vec![1.5]);
    /// ```
    pub fn to_f64_vec(&self) -> Vec<f64> {
        self.data.iter().map(|x| x.to_f64_lossy()).collect()
    }

    /// The elements as a row-major slice, if the storage is contiguous in
    /// that order (it is for every tensor this crate builds).
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::<f32>::zeros(&[2, 2]);
    /// assert_eq!(t.as_slice().map(|s| s.len()), Some(4));
    /// ```
    pub fn as_slice(&self) -> Option<&[T]> {
        self.data.as_slice()
    }

    /// The elements as a mutable row-major slice, if contiguous.
    ///
    /// ```
    /// let mut t = lognum_tensor::Tensor::<f32>::zeros(&[2]);
    /// t.as_slice_mut().unwrap()[1] = 3.0;
    /// assert_eq!(t.to_vec(), vec![0.0, 3.0]);
    /// ```
    pub fn as_slice_mut(&mut self) -> Option<&mut [T]> {
        self.data.as_slice_mut()
    }

    /// The elements in row-major order, borrowed when the storage already
    /// is.
    pub(crate) fn contiguous(&self) -> std::borrow::Cow<'_, [T]> {
        match self.data.as_slice() {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => std::borrow::Cow::Owned(self.to_vec()),
        }
    }

    /// The underlying array.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::<f32>::zeros(&[2]);
    /// assert_eq!(t.as_array().len(), 2);
    /// ```
    pub fn as_array(&self) -> &ArrayD<T> {
        &self.data
    }

    /// Consumes the tensor, giving the array.
    ///
    /// ```
    /// let a = lognum_tensor::Tensor::<f32>::zeros(&[2]).into_array();
    /// assert_eq!(a.shape(), &[2]);
    /// ```
    pub fn into_array(self) -> ArrayD<T> {
        self.data
    }

    /// The same elements with another shape of equal size.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::<f32>::zeros(&[2, 3]);
    /// assert_eq!(t.reshape(&[3, 2]).unwrap().shape(), &[3, 2]);
    /// assert!(t.reshape(&[4]).is_err());
    /// ```
    pub fn reshape(&self, shape: &[usize]) -> Result<Self, TensorError> {
        if element_count(shape) != Some(self.len()) {
            return Err(TensorError::ShapeMismatch {
                op: "reshape",
                left: self.shape().to_vec(),
                right: shape.to_vec(),
            });
        }
        Self::from_vec(self.to_vec(), shape)
    }

    /// Permutes the axes: axis `i` of the result is axis `axes[i]` of `self`.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    /// let p = t.permute(&[1, 0]).unwrap();
    /// assert_eq!(p.shape(), &[3, 2]);
    /// assert_eq!(p.to_vec(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    /// ```
    pub fn permute(&self, axes: &[usize]) -> Result<Self, TensorError> {
        let n = self.ndim();
        let mut seen = vec![false; n];
        let valid = axes.len() == n
            && axes
                .iter()
                .all(|&a| a < n && !std::mem::replace(&mut seen[a], true));
        if !valid {
            return Err(TensorError::InvalidShape {
                op: "permute",
                shape: self.shape().to_vec(),
                expected: format!("a permutation of 0..{n}, got {axes:?}"),
            });
        }
        let view = self.data.view().permuted_axes(IxDyn(axes));
        Ok(Self {
            data: view.as_standard_layout().into_owned(),
        })
    }

    /// Swaps the last two axes (the matrix transpose for 2-D tensors).
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::<f32>::zeros(&[4, 2, 3]);
    /// assert_eq!(t.t().unwrap().shape(), &[4, 3, 2]);
    /// ```
    pub fn t(&self) -> Result<Self, TensorError> {
        let n = self.ndim();
        if n < 2 {
            return Err(TensorError::InvalidShape {
                op: "transpose",
                shape: self.shape().to_vec(),
                expected: "at least 2 axes".into(),
            });
        }
        let mut axes: Vec<usize> = (0..n).collect();
        axes.swap(n - 2, n - 1);
        self.permute(&axes)
    }

    /// A view broadcast to `shape`, materialised (numpy rules). A `shape`
    /// too large to allocate is [`TensorError::TooLarge`].
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::from_vec(vec![1.0f32, 2.0], &[2]).unwrap();
    /// assert_eq!(t.broadcast_to(&[2, 2]).unwrap().to_vec(), vec![1.0, 2.0, 1.0, 2.0]);
    /// assert!(t.broadcast_to(&[3]).is_err());
    /// ```
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Self, TensorError> {
        if self.shape() == shape {
            return Ok(self.clone());
        }
        let too_large = || TensorError::TooLarge {
            op: "broadcast",
            shape: shape.to_vec(),
        };
        element_count(shape).ok_or_else(too_large)?;
        let view = self
            .data
            .broadcast(IxDyn(shape))
            .ok_or_else(|| TensorError::ShapeMismatch {
                op: "broadcast",
                left: self.shape().to_vec(),
                right: shape.to_vec(),
            })?;
        let mut data = Vec::new();
        data.try_reserve_exact(view.len())
            .map_err(|_| too_large())?;
        // A view iterates in logical (row-major) order.
        data.extend(view.iter().copied());
        Ok(Self {
            data: ArrayD::from_shape_vec(IxDyn(shape), data).map_err(|_| too_large())?,
        })
    }

    /// Applies `f` to every element.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::from_vec(vec![1.0f32, -2.0], &[2]).unwrap();
    /// assert_eq!(t.map(|x| x.abs()).to_vec(), vec![1.0, 2.0]);
    /// ```
    pub fn map<U: Scalar>(&self, f: impl Fn(T) -> U) -> Tensor<U> {
        Tensor {
            data: self.data.mapv(f),
        }
    }

    /// Combines two tensors element by element after broadcasting them to a
    /// common shape.
    ///
    /// ```
    /// use lognum_tensor::{Scalar, Tensor};
    /// let a = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
    /// let b = Tensor::from_vec(vec![10.0f32, 20.0], &[2]).unwrap();
    /// assert_eq!(a.zip_with(&b, |x, y| x.scalar_add(y)).unwrap().to_vec(), vec![11.0, 22.0, 13.0, 24.0]);
    /// ```
    pub fn zip_with<U: Scalar, V: Scalar>(
        &self,
        rhs: &Tensor<U>,
        f: impl Fn(T, U) -> V,
    ) -> Result<Tensor<V>, TensorError> {
        let shape = broadcast_shapes(self.shape(), rhs.shape()).ok_or_else(|| {
            TensorError::ShapeMismatch {
                op: "zip_with",
                left: self.shape().to_vec(),
                right: rhs.shape().to_vec(),
            }
        })?;
        // Sized first: a shape too large to allocate is also too large for
        // ndarray to broadcast to.
        let out = try_filled("zip_with", &shape, V::zero())?;
        let a = self.data.broadcast(IxDyn(&shape)).expect("shape checked");
        let b = rhs
            .as_array()
            .broadcast(IxDyn(&shape))
            .expect("shape checked");
        let mut out = ArrayD::from_shape_vec(IxDyn(&shape), out).expect("length checked");
        ndarray::Zip::from(&mut out)
            .and(&a)
            .and(&b)
            .for_each(|o, &x, &y| *o = f(x, y));
        Ok(Tensor { data: out })
    }

    /// Element-wise sum with broadcasting.
    ///
    /// ```
    /// let a = lognum_tensor::Tensor::full(&[2], 1.0f32);
    /// assert_eq!(a.add(&a).unwrap().to_vec(), vec![2.0, 2.0]);
    /// ```
    pub fn add(&self, rhs: &Self) -> Result<Self, TensorError> {
        self.zip_with(rhs, T::scalar_add)
    }

    /// Element-wise difference with broadcasting.
    ///
    /// ```
    /// let a = lognum_tensor::Tensor::full(&[2], 1.0f32);
    /// assert_eq!(a.sub(&a).unwrap().to_vec(), vec![0.0, 0.0]);
    /// ```
    pub fn sub(&self, rhs: &Self) -> Result<Self, TensorError> {
        self.zip_with(rhs, T::scalar_sub)
    }

    /// Element-wise product with broadcasting.
    ///
    /// ```
    /// let a = lognum_tensor::Tensor::full(&[2], 3.0f32);
    /// assert_eq!(a.mul(&a).unwrap().to_vec(), vec![9.0, 9.0]);
    /// ```
    pub fn mul(&self, rhs: &Self) -> Result<Self, TensorError> {
        self.zip_with(rhs, T::scalar_mul)
    }

    /// Element-wise quotient with broadcasting.
    ///
    /// ```
    /// let a = lognum_tensor::Tensor::full(&[2], 3.0f32);
    /// assert_eq!(a.div(&a).unwrap().to_vec(), vec![1.0, 1.0]);
    /// ```
    pub fn div(&self, rhs: &Self) -> Result<Self, TensorError> {
        self.zip_with(rhs, T::scalar_div)
    }

    fn check_axis(&self, op: &'static str, axis: usize) -> Result<(), TensorError> {
        if axis < self.ndim() {
            Ok(())
        } else {
            Err(TensorError::InvalidShape {
                op,
                shape: self.shape().to_vec(),
                expected: format!("an axis below {}, got {axis}", self.ndim()),
            })
        }
    }

    /// Folds along `axis` (removing it), visiting its elements in increasing
    /// index order.
    ///
    /// ```
    /// use lognum_tensor::{Scalar, Tensor};
    /// let t = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
    /// let s = t.fold_axis(1, 0.0, |a, x| a.scalar_add(x)).unwrap();
    /// assert_eq!(s.to_vec(), vec![3.0, 7.0]);
    /// ```
    pub fn fold_axis<U: Scalar>(
        &self,
        axis: usize,
        init: U,
        f: impl Fn(U, T) -> U,
    ) -> Result<Tensor<U>, TensorError> {
        self.check_axis("fold_axis", axis)?;
        let data = self.data.map_axis(Axis(axis), |lane| {
            lane.iter().fold(init, |acc, &x| f(acc, x))
        });
        Ok(Tensor { data })
    }

    /// Sum along `axis`, left to right from zero.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
    /// assert_eq!(t.sum_axis(0).unwrap().to_vec(), vec![4.0, 6.0]);
    /// ```
    pub fn sum_axis(&self, axis: usize) -> Result<Self, TensorError> {
        self.fold_axis(axis, T::zero(), T::scalar_add)
    }

    /// Maximum along `axis` (an axis of length 0 is an error).
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::from_vec(vec![1.0f32, 5.0, 3.0, 4.0], &[2, 2]).unwrap();
    /// assert_eq!(t.max_axis(1).unwrap().to_vec(), vec![5.0, 4.0]);
    /// ```
    pub fn max_axis(&self, axis: usize) -> Result<Self, TensorError> {
        self.check_nonempty_axis("max_axis", axis)?;
        let data = self.data.map_axis(Axis(axis), |lane| {
            lane.iter().skip(1).fold(lane[0], |m, &x| m.scalar_max(x))
        });
        Ok(Tensor { data })
    }

    /// Index of the first maximum along `axis`.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::from_vec(vec![1.0f32, 5.0, 3.0, 4.0], &[2, 2]).unwrap();
    /// assert_eq!(t.argmax_axis(1).unwrap(), vec![1, 1]);
    /// ```
    pub fn argmax_axis(&self, axis: usize) -> Result<Vec<usize>, TensorError> {
        self.check_nonempty_axis("argmax_axis", axis)?;
        let idx = self.data.map_axis(Axis(axis), |lane| {
            let mut best = 0;
            for (i, &x) in lane.iter().enumerate() {
                if x > lane[best] {
                    best = i;
                }
            }
            best
        });
        Ok(idx.iter().copied().collect())
    }

    fn check_nonempty_axis(&self, op: &'static str, axis: usize) -> Result<(), TensorError> {
        self.check_axis(op, axis)?;
        if self.shape()[axis] == 0 {
            return Err(TensorError::InvalidShape {
                op,
                shape: self.shape().to_vec(),
                expected: format!("axis {axis} non-empty"),
            });
        }
        Ok(())
    }

    /// Converts every element to another number type through f64.
    ///
    /// ```
    /// use lognum::LogNum;
    /// let t = lognum_tensor::Tensor::from_vec(vec![0.5f32, 2.0], &[2]).unwrap();
    /// let l = t.cast::<LogNum<10>>();
    /// assert_eq!(l.to_f64_vec(), vec![0.5, 2.0]);
    /// ```
    pub fn cast<U: Scalar>(&self) -> Tensor<U> {
        self.map(|x| U::from_f64_lossy(x.to_f64_lossy()))
    }
}

impl<T: Scalar> From<ArrayD<T>> for Tensor<T> {
    /// Wraps an array (made row-major if it is not).
    fn from(a: ArrayD<T>) -> Self {
        let data = if a.is_standard_layout() {
            a
        } else {
            a.as_standard_layout().into_owned()
        };
        Self { data }
    }
}

impl<T: Scalar> From<Tensor<T>> for ArrayD<T> {
    fn from(t: Tensor<T>) -> Self {
        t.data
    }
}
