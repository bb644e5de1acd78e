#![no_main]
//! The whole scan: bytes → parse → built-in rules → every output format.

libfuzzer_sys::fuzz_target!(|data: &[u8]| kordon_fuzz::scan(data));
