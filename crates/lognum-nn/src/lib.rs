//! placeholder
pub mod data;
pub mod quant;
pub mod rng;
