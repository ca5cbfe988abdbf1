//! One tensor for every number type: `f32`, `f64`, `half::f16`, `half::bf16`,
//! `fixed` types and every `lognum::LogNum<FRAC, A>`.
//!
//! [`Tensor<T>`] stores elements in an `ndarray::ArrayD` (shapes, views,
//! broadcasting and interop come from ndarray); [`Scalar`] is the element
//! trait, with kernel hooks ([`Scalar::gemm`], [`Scalar::dot`]) so that a type
//! can bring its own fast path while generic code stays generic.
//!
//! ```
//! use lognum::LogNum;
//! use lognum_tensor::{Scalar, Tensor};
//!
//! fn square<T: Scalar>(values: &[f64]) -> Vec<f64> {
//!     let a = Tensor::<T>::from_f64(values, &[2, 2]).unwrap();
//!     a.matmul(&a).unwrap().to_f64_vec()
//! }
//! let exact = square::<f64>(&[1.0, 2.0, 3.0, 4.0]);
//! let lns = square::<LogNum<10>>(&[1.0, 2.0, 3.0, 4.0]);
//! for (e, l) in exact.iter().zip(&lns) {
//!     assert!((e - l).abs() < 0.1 * e.abs());
//! }
//! ```
//!
//! Shape mismatches are errors ([`TensorError`]) naming both shapes, never
//! panics.

#![warn(missing_docs)]

pub mod conv;
mod error;
pub mod matmul;
mod pool;
mod scalar;
mod slice;
mod tensor;

pub use conv::Conv2dParams;
pub use error::TensorError;
pub use matmul::Accumulate;
pub use scalar::Scalar;
pub use tensor::Tensor;
