//! Arbitrary bytes as a checkpoint file; see `lognum_fuzz::checkpoint`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lognum_fuzz::checkpoint(data));
