//! Random bytes as a markdown file: `parse_post` never panics and returns nothing for display
//! that holds a terminal control character. The checks live in tests/support/fuzz_checks.rs.
#![no_main]

#[path = "../../tests/support/fuzz_checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::parse_post_is_clean(data));
