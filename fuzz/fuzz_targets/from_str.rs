//! Arbitrary text through `FromStr`; see `lognum_fuzz::from_str`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lognum_fuzz::from_str(data));
