//! The bodies of the fuzz targets, as plain functions: the libFuzzer binaries
//! in `fuzz_targets/` call them on nightly, and `tests/replay.rs` calls them
//! on every file of the committed corpus on stable.
//!
//! Each function panics when it finds a bug: an operation that panics, a
//! result inconsistent with an f64 reference beyond the documented bound, or
//! two matrix-product kernels that should agree bit for bit and do not.
//!
//! One module per target, as in `fuzz_targets/`: [`ops`](ops()) in `ops.rs`,
//! [`from_str`](from_str()) in `from_str.rs`, [`gemm`](gemm()) in `gemm.rs`,
//! [`checkpoint`](checkpoint()) in `checkpoint.rs`.

mod checkpoint;
mod from_str;
mod gemm;
mod ops;

pub use checkpoint::checkpoint;
pub use from_str::from_str;
pub use gemm::gemm;
pub use ops::ops;
