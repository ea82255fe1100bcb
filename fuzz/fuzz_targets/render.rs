//! Random markdown and width: the renderer must not panic, no line may be wider than the
//! width, no control character may reach the screen, and every character of the text must
//! still be there (checked by counting). The checks live in tests/support/fuzz_checks.rs.
#![no_main]

#[path = "../../tests/support/fuzz_checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::render_keeps_the_rules(data));
