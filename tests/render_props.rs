//! Property tests of the renderer: for random markdown mixing CJK, emoji, punctuation and
//! markup, at any width from 1 to 300, no line is wider than the width, no text is lost,
//! and nothing panics.

use proptest::prelude::*;
use sofa_weekly::render::check::assert_text_kept;
use sofa_weekly::render::{Theme, render};

fn markdown() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "周报",
        "，",
        "。",
        "「",
        "」",
        "《",
        "》",
        "“",
        "”",
        "ー",
        "っ",
        "SOFA",
        "Weekly",
        " ",
        " ",
        "\n",
        "\n\n",
        "👨\u{200D}👩\u{200D}👧",
        "❤\u{FE0F}",
        "🇨🇳",
        "**",
        "*",
        "`",
        "~~",
        "> ",
        "- ",
        "1. ",
        "- [ ] ",
        "# ",
        "### ",
        "|",
        "\n|---|---|\n",
        "[链接](https://example.com/a)",
        "![图](https://example.com/i.png)",
        "<br>",
        "&amp;",
        "```\n",
        "\t",
        "\u{1b}[31m",
        "https://github.com/sofastack/sofa-registry/releases/tag/v5.4.0",
        "[^1]",
        "\n[^1]: 注",
        "    ",
        "---\n",
        "<div>",
        "</div>",
        "한국어",
        "ｶﾀｶﾅ",
        "…",
    ]);
    prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_line_exceeds_the_width_and_no_text_is_lost(text in markdown(), width in 1usize..300) {
        let theme = if width % 2 == 0 { Theme::plain() } else { Theme::dark() };
        let rendered = render(&text, width, &theme);
        for line in &rendered.lines {
            prop_assert!(line.width() <= width, "{line:?} wider than {width}");
        }
        if width >= 2 {
            assert_text_kept(&text, &rendered);
        }
        prop_assert!(rendered.line_offsets.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}", width in 1usize..100) {
        let rendered = render(&text, width, &Theme::plain());
        for line in &rendered.lines {
            prop_assert!(line.width() <= width);
        }
    }
}

/// Markdown made of terminal attacks between ordinary pieces, in every construct.
fn hostile_markdown() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\u{1b}[2J",
        "\u{1b}]52;c;eA==\u{7}",
        "\u{1b}]8;;https://evil.example/\u{1b}\\",
        "\u{1b}]0;title\u{7}",
        "\u{7}",
        "\u{7f}",
        "\u{9b}31m",
        "\u{9d}0;x\u{9c}",
        "\u{85}",
        "\u{202e}",
        "\u{2066}",
        "\r",
        "\t",
        "周报",
        "SOFA ",
        "\n",
        "\n\n",
        "# ",
        "> ",
        "- ",
        "`",
        "```\n",
        "|",
        "\n|---|---|\n",
        "[",
        "](javascript:alert(1))",
        "](https://a.io/\u{1b}[2J)",
        "![",
        "<a href=\"\u{1b}]0;x\u{7}\">",
        "<div>",
        "*",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// No control character reaches a rendered line, the header, or the bytes `show` writes
    /// (where the only escapes are the renderer's own SGR and OSC 8 to web links).
    #[test]
    fn no_control_character_survives_rendering(text in hostile_markdown(), width in 1usize..120) {
        use sofa_weekly::text::is_forbidden;
        let rendered = render(&text, width, &Theme::dark());
        for line in &rendered.lines {
            prop_assert!(line.width() <= width);
            for span in &line.spans {
                let clean = !span.content.chars().any(is_forbidden);
                prop_assert!(clean, "{:?}", span);
            }
        }
        let header = sofa_weekly::render::Header { title: &text, date: Some("2021-01-01"), tags: std::slice::from_ref(&text) };
        let header = header.lines(width, &Theme::dark());
        for line in &header {
            prop_assert!(line.width() <= width);
            let clean = !line.to_string().chars().any(is_forbidden);
            prop_assert!(clean, "{:?}", line);
        }
        let mut out = Vec::new();
        rendered.write_ansi(&mut out, true, true).unwrap();
        let written = String::from_utf8(out).unwrap();
        let no_bell_clipboard_or_title = !written.contains('\u{7}')
            && !written.contains("\u{1b}]52")
            && !written.contains("\u{1b}]0");
        prop_assert!(no_bell_clipboard_or_title, "{:?}", written);
        for target in written.split("\u{1b}]8;;").skip(1) {
            let target = &target[..target.find('\u{1b}').unwrap_or(0)];
            let openable = target.is_empty() || sofa_weekly::render::is_openable_link(target);
            prop_assert!(openable, "{:?}", target);
        }
        let outside_escapes: String = written
            .split('\u{1b}')
            .map(|piece| piece.trim_start_matches(|c: char| c == '[' || c == '\\' || c == ']' || c == ';' || c.is_ascii_digit() || c == 'm'))
            .collect();
        let inert = !outside_escapes.chars().any(|c| is_forbidden(c) && c != '\u{1b}');
        prop_assert!(inert, "{:?}", written);
    }
}
