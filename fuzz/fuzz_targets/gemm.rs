//! LNS matrix products on every instruction set and in every summation
//! order, against the generic loop; see `lognum_fuzz::gemm`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lognum_fuzz::gemm(data));
