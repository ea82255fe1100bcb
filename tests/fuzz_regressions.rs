//! Every input a fuzz target once failed on (tests/fixtures/fuzz/<target>/, named after the
//! bug), checked again with the target's own checks on each `cargo test`.

#[path = "support/fuzz_checks.rs"]
mod checks;

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut found: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|entry| {
                    let path = entry.unwrap().path();
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    (name, std::fs::read(&path).unwrap())
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

fn check_all(target: &str, check: fn(&[u8])) {
    for (name, bytes) in inputs(target) {
        let outcome = std::panic::catch_unwind(|| check(&bytes));
        assert!(outcome.is_ok(), "{target}/{name} fails again");
    }
}

#[test]
fn parse_post_regressions() {
    check_all("parse_post", checks::parse_post_is_clean);
}

#[test]
fn feed_regressions() {
    check_all("feed", checks::feed_is_clean);
}

#[test]
fn html_to_markdown_regressions() {
    check_all("html_to_markdown", |bytes| {
        if let Ok(html) = std::str::from_utf8(bytes) {
            checks::html_to_markdown_renders(html);
        }
    });
}

#[test]
fn render_regressions() {
    check_all("render", checks::render_keeps_the_rules);
}

#[test]
fn picture_regressions() {
    check_all("picture", checks::picture_intake_is_sound);
}
