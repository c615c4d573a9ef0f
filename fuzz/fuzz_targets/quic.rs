//! See tls_lens::harness::quic (src/harness.rs): the body lives there so that `cargo test`
//! replays this target's corpus without nightly (tests/fuzz_corpus.rs).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| tls_lens::harness::quic(data));
