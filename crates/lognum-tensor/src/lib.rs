//! One tensor for every number type: `f32`, `f64`, `half::f16`, `half::bf16`,
//! `fixed` types and every `lognum::LogNum<FRAC, A>` (and `WideLogNum`), so
//! that the same network code runs in any of them.
//!
//! [`Tensor<T>`] stores elements in an `ndarray::ArrayD` (shapes, views,
//! broadcasting and interop come from ndarray); [`Scalar`] is the element
//! trait, with kernel hooks ([`Scalar::gemm`], [`Scalar::gemm_with`],
//! [`Scalar::dot`], [`Scalar::add_assign_slice`]) so that a type can bring
//! its own fast path while generic code stays generic.
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
//! # What a tensor offers
//!
//! - construction and interop: [`Tensor::from_vec`], [`Tensor::from_f64`],
//!   [`Tensor::zeros`], [`Tensor::full`], `From<ArrayD<T>>` and back,
//!   [`Tensor::to_vec`], [`Tensor::as_slice`], [`Tensor::cast`];
//! - layout: [`Tensor::reshape`], [`Tensor::permute`], [`Tensor::t`],
//!   [`Tensor::slice_axis`], [`Tensor::index_axis`], [`Tensor::select`],
//!   [`Tensor::concat`], [`Tensor::stack`], [`Tensor::broadcast_to`];
//! - element-wise: [`Tensor::map`], [`Tensor::zip_with`] and `add`/`sub`/
//!   `mul`/`div`, all broadcasting by numpy rules; for `LogNum` slices, the
//!   vector kernels of [`elementwise`];
//! - reductions along an axis: [`Tensor::sum_axis`], [`Tensor::max_axis`],
//!   [`Tensor::argmax_axis`], [`Tensor::fold_axis`];
//! - [`Tensor::matmul`] (2-D and batched) and [`Tensor::matmul_with`] with a
//!   chosen [`Accumulate`] order;
//! - [`Tensor::conv2d`] (NCHW, stride, zero padding) with
//!   [`conv::conv2d_backward_input`], [`conv::conv2d_backward_weight`],
//!   [`conv::im2col`] and [`conv::col2im`];
//! - [`Tensor::max_pool2d`] with the index of every maximum and
//!   [`Tensor::max_pool2d_backward`].
//!
//! # Errors, not panics
//!
//! Every operation checks shapes and returns a [`TensorError`] naming the
//! shapes involved. Arithmetic never panics: each type follows its own rules
//! (IEEE for floats, saturation for fixed point, saturation and flush to zero
//! for LNS). The raw slice kernels in [`matmul`] and [`elementwise`] assert
//! their slice lengths, since they are below the shape checks.
//!
//! # Kernels
//!
//! `f32` and `f64` multiply through `matrixmultiply` (sgemm/dgemm), split by
//! rows across rayon's threads. `LogNum<FRAC, A>` multiplies through the LNS
//! kernels of [`matmul::lns`]: 32 columns per AVX-512BW instruction or 16 per
//! AVX2 one, detected at run time, with a portable fallback that gives the
//! same bits, and the generic loop's bits too. Fixed point (`FixedI16`,
//! `FixedI32`) works as a fixed-point MAC unit: exact products summed in a
//! wide integer accumulator, rounded to nearest and saturated once per
//! output (see the `Scalar` implementations). Other types use the generic
//! loop. The LNS kernels find the log-add's Δ, on AVX-512, by one word
//! permute per 32 lanes for the paper's table (and the other bucketed
//! ones), by shifts and subtractions for the bit shift and by gathers from
//! the full table otherwise; on AVX2 by gathers. [`elementwise`] adds,
//! subtracts and multiplies `LogNum` slices on the same instruction sets
//! and paths, bit for bit as the scalar operators, and [`master`] runs the
//! SGD step on wide LNS master weights the same way.
//! Sums of LNS numbers are not associative, so every matrix product states
//! its order of additions ([`matmul`]); convolution inherits it ([`conv`]).
//!
//! # Not provided
//!
//! Autodiff (the gradients are separate functions, for `lognum-nn` to
//! compose), views that share storage (slices copy), GPU back ends, and
//! dilated or grouped convolution.

#![warn(missing_docs)]

pub mod conv;
pub mod elementwise;
mod error;
mod fixed_mac;
pub mod lns;
pub mod master;
pub mod matmul;
mod parallel;
mod pool;
mod scalar;
pub mod scaled;
mod slice;
mod tensor;

pub use conv::Conv2dParams;
pub use error::TensorError;
pub use matmul::Accumulate;
pub use scalar::Scalar;
pub use tensor::Tensor;

/// The number type crate, re-exported so that `LogNum` can be named without a
/// dependency of your own.
pub use lognum;
