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
