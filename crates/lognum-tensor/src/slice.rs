//! Slicing, indexing, selecting, concatenating and stacking along an axis.

use std::ops::Range;

use ndarray::{ArrayD, Axis, IxDyn, Slice};

use crate::{Scalar, Tensor, TensorError};

impl<T: Scalar> Tensor<T> {
    fn axis_error(&self, op: &'static str, axis: usize) -> TensorError {
        TensorError::InvalidShape {
            op,
            shape: self.shape().to_vec(),
            expected: format!("an axis below {}, got {axis}", self.ndim()),
        }
    }

    /// The elements whose index along `axis` lies in `range` (a copy).
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::from_vec((0..6).map(|x| x as f32).collect(), &[2, 3]).unwrap();
    /// let s = t.slice_axis(1, 1..3).unwrap();
    /// assert_eq!(s.shape(), &[2, 2]);
    /// assert_eq!(s.to_vec(), vec![1.0, 2.0, 4.0, 5.0]);
    /// assert!(t.slice_axis(1, 2..4).is_err());
    /// ```
    pub fn slice_axis(&self, axis: usize, range: Range<usize>) -> Result<Self, TensorError> {
        if axis >= self.ndim() {
            return Err(self.axis_error("slice_axis", axis));
        }
        let len = self.shape()[axis];
        if range.start > range.end || range.end > len {
            return Err(TensorError::InvalidShape {
                op: "slice_axis",
                shape: self.shape().to_vec(),
                expected: format!("a range within 0..{len} on axis {axis}, got {range:?}"),
            });
        }
        let view = self
            .as_array()
            .slice_axis(Axis(axis), Slice::from(range.start..range.end));
        Ok(Tensor::from(view.to_owned()))
    }

    /// The sub-tensor at `index` along `axis`, with that axis removed.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::from_vec((0..6).map(|x| x as f64).collect(), &[2, 3]).unwrap();
    /// assert_eq!(t.index_axis(0, 1).unwrap().to_vec(), vec![3.0, 4.0, 5.0]);
    /// assert_eq!(t.index_axis(1, 2).unwrap().to_vec(), vec![2.0, 5.0]);
    /// assert!(t.index_axis(0, 2).is_err());
    /// ```
    pub fn index_axis(&self, axis: usize, index: usize) -> Result<Self, TensorError> {
        if axis >= self.ndim() {
            return Err(self.axis_error("index_axis", axis));
        }
        if index >= self.shape()[axis] {
            return Err(TensorError::InvalidShape {
                op: "index_axis",
                shape: self.shape().to_vec(),
                expected: format!(
                    "an index below {} on axis {axis}, got {index}",
                    self.shape()[axis]
                ),
            });
        }
        Ok(Tensor::from(
            self.as_array().index_axis(Axis(axis), index).to_owned(),
        ))
    }

    /// The sub-tensors at `indices` along `axis`, in that order (repeats
    /// allowed): a mini-batch from a data set, for example.
    ///
    /// ```
    /// let t = lognum_tensor::Tensor::from_vec(vec![1.0f32, 2.0, 3.0], &[3, 1]).unwrap();
    /// assert_eq!(t.select(0, &[2, 0, 2]).unwrap().to_vec(), vec![3.0, 1.0, 3.0]);
    /// assert!(t.select(0, &[3]).is_err());
    /// ```
    pub fn select(&self, axis: usize, indices: &[usize]) -> Result<Self, TensorError> {
        if axis >= self.ndim() {
            return Err(self.axis_error("select", axis));
        }
        let len = self.shape()[axis];
        if let Some(&bad) = indices.iter().find(|&&i| i >= len) {
            return Err(TensorError::InvalidShape {
                op: "select",
                shape: self.shape().to_vec(),
                expected: format!("indices below {len} on axis {axis}, got {bad}"),
            });
        }
        Ok(Tensor::from(self.as_array().select(Axis(axis), indices)))
    }

    /// Joins tensors along an existing axis; all other axes must agree.
    ///
    /// ```
    /// use lognum_tensor::Tensor;
    /// let a = Tensor::from_vec(vec![1.0f32, 2.0], &[1, 2]).unwrap();
    /// let b = Tensor::from_vec(vec![3.0f32, 4.0, 5.0, 6.0], &[2, 2]).unwrap();
    /// let c = Tensor::concat(&[&a, &b], 0).unwrap();
    /// assert_eq!(c.shape(), &[3, 2]);
    /// assert_eq!(c.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    /// let err = Tensor::concat(&[&a, &b], 1).unwrap_err();
    /// assert!(err.to_string().contains("[1, 2]") && err.to_string().contains("[2, 2]"));
    /// ```
    pub fn concat(tensors: &[&Tensor<T>], axis: usize) -> Result<Self, TensorError> {
        let first = tensors.first().ok_or_else(|| TensorError::InvalidShape {
            op: "concat",
            shape: vec![],
            expected: "at least one tensor".into(),
        })?;
        if axis >= first.ndim() {
            return Err(first.axis_error("concat", axis));
        }
        for t in &tensors[1..] {
            let compatible = t.ndim() == first.ndim()
                && t.shape()
                    .iter()
                    .zip(first.shape())
                    .enumerate()
                    .all(|(i, (a, b))| i == axis || a == b);
            if !compatible {
                return Err(TensorError::ShapeMismatch {
                    op: "concat",
                    left: first.shape().to_vec(),
                    right: t.shape().to_vec(),
                });
            }
        }
        let views: Vec<_> = tensors.iter().map(|t| t.as_array().view()).collect();
        let joined = ndarray::concatenate(Axis(axis), &views).expect("shapes checked");
        Ok(Tensor::from(joined))
    }

    /// Joins equally shaped tensors along a new axis inserted at `axis`.
    ///
    /// ```
    /// use lognum_tensor::Tensor;
    /// let a = Tensor::from_vec(vec![1.0f64, 2.0], &[2]).unwrap();
    /// let b = Tensor::from_vec(vec![3.0f64, 4.0], &[2]).unwrap();
    /// let s = Tensor::stack(&[&a, &b], 1).unwrap();
    /// assert_eq!(s.shape(), &[2, 2]);
    /// assert_eq!(s.to_vec(), vec![1.0, 3.0, 2.0, 4.0]);
    /// ```
    pub fn stack(tensors: &[&Tensor<T>], axis: usize) -> Result<Self, TensorError> {
        let first = tensors.first().ok_or_else(|| TensorError::InvalidShape {
            op: "stack",
            shape: vec![],
            expected: "at least one tensor".into(),
        })?;
        if axis > first.ndim() {
            return Err(first.axis_error("stack", axis));
        }
        if let Some(t) = tensors.iter().find(|t| t.shape() != first.shape()) {
            return Err(TensorError::ShapeMismatch {
                op: "stack",
                left: first.shape().to_vec(),
                right: t.shape().to_vec(),
            });
        }
        let mut shape = first.shape().to_vec();
        shape.insert(axis, 1);
        let expanded: Vec<ArrayD<T>> = tensors
            .iter()
            .map(|t| {
                t.as_array()
                    .clone()
                    .into_shape_with_order(IxDyn(&shape))
                    .expect("same size")
            })
            .collect();
        let views: Vec<_> = expanded.iter().map(|a| a.view()).collect();
        Ok(Tensor::from(
            ndarray::concatenate(Axis(axis), &views).expect("shapes checked"),
        ))
    }
}
