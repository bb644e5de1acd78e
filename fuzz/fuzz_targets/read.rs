#![no_main]
//! The reader: bytes → text → documents, objects and spans.

libfuzzer_sys::fuzz_target!(|data: &[u8]| kordon_fuzz::read(data));
