#![no_main]
// The body lives in fuzz/src/lib.rs, where `cargo test` replays the corpus with it on stable.
libfuzzer_sys::fuzz_target!(|data: &[u8]| whk_fuzz::store_line(data));
