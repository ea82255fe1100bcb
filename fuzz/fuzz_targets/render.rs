//! Random markdown and width: the renderer must not panic, no line may be wider than the
//! width, and every character of the text must still be there (checked by counting: the
//! rendered lines hold at least as many of each non-space character as the source's text).
//! The first byte picks the width (1–300) and the theme (plain or dark, with highlighting).
//!
//! Run from `fuzz/` (a workspace of its own, so the main build stays on stable):
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run render -- -max_total_time=600`. Crash inputs go to
//! `tests/fixtures/render/fuzz/`, replayed by `tests/render_regressions.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sofa_weekly::render::{Theme, render};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(markdown) = std::str::from_utf8(rest) else {
        return;
    };
    let width = 1 + (first as usize * 300) / 256;
    let theme = if first % 2 == 0 {
        Theme::plain()
    } else {
        Theme::dark()
    };
    let rendered = render(markdown, width, &theme);
    for (index, line) in rendered.lines.iter().enumerate() {
        assert!(
            line.width() <= width,
            "line {index} wider than {width}: {line:?}"
        );
        for span in &line.spans {
            assert!(
                !span.content.chars().any(sofa_weekly::text::is_forbidden),
                "control character in output: {span:?}"
            );
        }
    }
    if width >= 2 {
        sofa_weekly::render::check::assert_text_kept(markdown, &rendered);
    }
    assert_eq!(rendered.lines.len(), rendered.line_offsets.len());
    assert!(rendered.line_offsets.windows(2).all(|w| w[0] <= w[1]));
});
