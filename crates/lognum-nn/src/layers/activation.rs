//! ReLU and leaky ReLU with a power-of-two slope.

use lognum_tensor::Tensor;

use super::{Layer, LayerSpec, no_forward};
use crate::{NnError, NnScalar};

/// `y = x` for `x > 0`, else `x·2^-k` (leaky ReLU with slope `2^-k`), or `0`
/// (plain ReLU).
///
/// The slope is a power of two so that in LNS it is exact: `mul_pow2(-k)`
/// subtracts `k` from the log (the paper's "log-leaky ReLU", β = −7). The
/// backward pass scales the gradient the same way where the input was not
/// positive.
///
/// ```
/// use lognum::LogNum;
/// use lognum_nn::layers::{Layer, LeakyRelu};
/// use lognum_tensor::{Scalar, Tensor};
/// type L = LogNum<10>;
/// let mut act = LeakyRelu::leaky(7);
/// let x = Tensor::from_vec(vec![L::from_f64(-1.0), L::from_f64(3.0)], &[1, 2]).unwrap();
/// let y = act.forward(&x).unwrap().to_vec();
/// assert_eq!(y, vec![L::from_f64(-1.0 / 128.0), L::from_f64(3.0)]); // exact shift
/// ```
#[derive(Clone, Debug)]
pub struct LeakyRelu {
    /// `Some(k)`: slope `2^-k`; `None`: slope 0.
    shift: Option<i32>,
    positive: Vec<bool>,
    shape: Vec<usize>,
}

impl LeakyRelu {
    /// Leaky ReLU with slope `2^-k`.
    ///
    /// ```
    /// assert_eq!(lognum_nn::layers::LeakyRelu::leaky(7).slope(), 1.0 / 128.0);
    /// ```
    pub fn leaky(k: i32) -> Self {
        Self {
            shift: Some(k),
            positive: Vec::new(),
            shape: Vec::new(),
        }
    }

    /// Plain ReLU.
    ///
    /// ```
    /// assert_eq!(lognum_nn::layers::LeakyRelu::relu().slope(), 0.0);
    /// ```
    pub fn relu() -> Self {
        Self {
            shift: None,
            positive: Vec::new(),
            shape: Vec::new(),
        }
    }

    /// The slope for non-positive inputs.
    ///
    /// ```
    /// assert_eq!(lognum_nn::layers::LeakyRelu::leaky(1).slope(), 0.5);
    /// ```
    pub fn slope(&self) -> f64 {
        self.shift.map_or(0.0, |k| (-k as f64).exp2())
    }
}

/// `x` times the slope: `x·2^-k`, or zero for the plain ReLU.
#[inline]
fn scale<T: NnScalar>(shift: Option<i32>, x: T) -> T {
    match shift {
        Some(k) => x.mul_pow2(-k),
        None => T::zero(),
    }
}

impl<T: NnScalar> Layer<T> for LeakyRelu {
    fn spec(&self) -> LayerSpec {
        LayerSpec::LeakyRelu { shift: self.shift }
    }

    fn name(&self) -> String {
        match self.shift {
            Some(k) => format!("leaky-relu 2^-{k}"),
            None => "relu".into(),
        }
    }

    fn forward(&mut self, x: &Tensor<T>) -> Result<Tensor<T>, NnError> {
        let xs = x.as_slice().expect("tensors are contiguous");
        self.positive.clear();
        self.positive.resize(xs.len(), false);
        self.shape = x.shape().to_vec();
        // One pass writes both the mask and the output.
        let mut y = vec![T::zero(); xs.len()];
        for ((y, p), &v) in y.iter_mut().zip(&mut self.positive).zip(xs) {
            *p = v > T::zero();
            *y = if *p { v } else { scale(self.shift, v) };
        }
        Ok(Tensor::from_vec(y, x.shape())?)
    }

    fn backward(
        &mut self,
        grad: &Tensor<T>,
        input_grad: bool,
    ) -> Result<Option<Tensor<T>>, NnError> {
        if grad.shape() != self.shape.as_slice() {
            return Err(no_forward("relu backward", grad.shape(), &self.shape));
        }
        if !input_grad {
            return Ok(None);
        }
        let g = grad.as_slice().expect("tensors are contiguous");
        let dx = g
            .iter()
            .zip(&self.positive)
            .map(|(&v, &p)| if p { v } else { scale(self.shift, v) })
            .collect();
        Ok(Some(Tensor::from_vec(dx, grad.shape())?))
    }
}
