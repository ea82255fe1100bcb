//! Regression tests, each named after the bug it pins (inputs found by the fuzz target or
//! by wrapcheck on real posts). Every render goes through the promise checks.

use sofa_weekly::render::check::assert_promises_kept;
use sofa_weekly::render::{Theme, render};

fn check(markdown: &str, widths: std::ops::RangeInclusive<usize>) {
    for width in widths {
        for theme in [Theme::plain(), Theme::dark()] {
            let rendered = render(markdown, width, &theme);
            assert_promises_kept(markdown, &rendered, width);
        }
    }
}

#[test]
fn cluster_of_conjoining_jamo_wider_than_the_line_is_laid_out_by_characters() {
    // Three leading jamo form one grapheme cluster six columns wide.
    check("\u{1100}\u{1100}\u{1100}", 2..=8);
}

#[test]
fn style_change_inside_an_emoji_sequence_keeps_the_cluster_in_one_span() {
    check("**👨**\u{200D}👩\u{200D}👧 and ❤*\u{FE0F}*", 2..=12);
}

#[test]
fn quote_after_a_paragraph_has_no_bar_on_the_separating_blank_line() {
    let rendered = render("text\n\n> quoted", 40, &Theme::plain());
    assert_eq!(rendered.plain_lines(), ["text", "", "┃ quoted"]);
}

#[test]
fn deep_nesting_gives_way_before_the_content_at_tiny_widths() {
    let markdown = "> > > > > - - - 1. 中文内容和 English words 混排";
    check(markdown, 2..=30);
    let narrowest = render(markdown, 1, &Theme::plain());
    assert!(narrowest.lines.iter().all(|l| l.width() <= 1));
}

#[test]
fn url_scheme_stays_with_its_host() {
    let rendered = render(
        "autolink https://example.com/auto here",
        30,
        &Theme::plain(),
    );
    assert!(
        rendered
            .plain_lines()
            .iter()
            .all(|l| !l.ends_with("https://"))
    );
}

/// Inputs the fuzz target crashed on, kept as files (first byte: the width, as in
/// fuzz/fuzz_targets/render.rs), replayed through the same checks.
#[test]
fn fuzz_crash_inputs_stay_fixed() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/render/fuzz");
    let mut replayed = 0;
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let Some((&first, rest)) = data.split_first() else {
            continue;
        };
        let Ok(markdown) = std::str::from_utf8(rest) else {
            continue;
        };
        let width = 1 + (first as usize * 300) / 256;
        let theme = if first % 2 == 0 {
            Theme::plain()
        } else {
            Theme::dark()
        };
        let rendered = render(markdown, width, &theme);
        assert!(
            rendered.lines.iter().all(|l| l.width() <= width),
            "{}",
            path.display()
        );
        if width >= 2 {
            sofa_weekly::render::check::assert_text_kept(markdown, &rendered);
        }
        replayed += 1;
    }
    assert!(replayed > 0);
}
