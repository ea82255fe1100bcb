//! Random HTML as feed content: converting it to markdown never panics, and the result
//! renders within the width without control characters. The checks live in
//! tests/support/fuzz_checks.rs.
#![no_main]

#[path = "../../tests/support/fuzz_checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(html) = std::str::from_utf8(data) {
        checks::html_to_markdown_renders(html);
    }
});
