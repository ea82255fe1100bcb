//! Random markdown and width: the renderer must not panic, no line may be wider than the
//! width, no control character may reach the screen, and every character of the text must
//! still be there (checked by counting). The checks live in tests/support/fuzz_checks.rs.
//! The first byte picks the width (1–300) and the theme (plain or dark, with highlighting).
//!
//! Run from `fuzz/` (see fuzz/README.md): `RUSTC_BOOTSTRAP=1 cargo fuzz run render --
//! -max_total_time=600`. Crash inputs are kept under `tests/fixtures/` and replayed by
//! `cargo test`.
#![no_main]

#[path = "../../tests/support/fuzz_checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::render_keeps_the_rules(data));
