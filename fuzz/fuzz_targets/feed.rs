//! Random bytes as an RSS, Atom or JSON feed: parsing never panics, and every post it yields
//! is free of control characters. The checks live in tests/support/fuzz_checks.rs.
#![no_main]

#[path = "../../tests/support/fuzz_checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::feed_is_clean(data));
