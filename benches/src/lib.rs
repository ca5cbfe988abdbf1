//! Shared helpers for the criterion benchmarks (inputs seeded for repeatability).
