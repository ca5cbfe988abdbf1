//! Every operation on words drawn from the input; see `lognum_fuzz::ops`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lognum_fuzz::ops(data));
