//! placeholder
pub mod data;
pub mod rng;
