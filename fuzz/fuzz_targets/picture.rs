//! Random bytes as a downloaded picture: the intake (sniff, check dimensions, decode, scale)
//! never panics, and what it keeps obeys its rules. The checks live in
//! tests/support/fuzz_checks.rs.
#![no_main]

#[path = "../../tests/support/fuzz_checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::picture_intake_is_sound(data));
