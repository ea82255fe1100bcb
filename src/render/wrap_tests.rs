//! Unit and property tests for the wrapping rules: a table of the rules whose lines can be
//! written out, one test each for the rules checked another way, and properties.

use proptest::prelude::*;
use ratatui::style::{Modifier, Style};
use unicode_width::UnicodeWidthStr;

use super::*;
use crate::render::breaks::is_no_start;

fn wrap(text: &str, width: usize) -> Vec<&str> {
    wrap_ranges(text, width)
        .into_iter()
        .map(|range| &text[range])
        .collect()
}

/// The oracle every wrapping test goes through: no line wider than `width` (unless it is a
/// single grapheme wider than the whole line), and no text lost or duplicated.
fn check(text: &str, width: usize) -> Vec<&str> {
    for line in wrap_lines(text, width) {
        assert_eq!(
            line.width,
            measure(&text[line.range.clone()]),
            "the width reported for {:?}",
            &text[line.range]
        );
    }
    let lines = wrap(text, width);
    for line in &lines {
        let lone_wide = line.graphemes(true).count() == 1;
        assert!(
            line.width() <= width || lone_wide,
            "{line:?} wider than {width}"
        );
    }
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert_eq!(
        squeeze(&lines.concat()),
        squeeze(text),
        "text lost at {width}"
    );
    lines
}

/// The rules whose lines can be written out: the rule, then a text, a width, and the lines
/// that text wraps into at that width.
const EXACT_CASES: &[(&str, &str, usize, &[&str])] = &[
    (
        "Chinese fills every line to the width",
        "每周精选筛选每周精华问答同步开源进展",
        10,
        &["每周精选筛", "选每周精华", "问答同步开", "源进展"],
    ),
    (
        // "MOSN" fits, and the Chinese run after it starts on the same line.
        "mixed Chinese and Latin leave no gap before a Chinese run",
        "MOSN 是一个云原生网络代理平台",
        12,
        &["MOSN 是一个", "云原生网络代", "理平台"],
    ),
    (
        "Latin words break at spaces and spaces vanish at breaks",
        "the quick brown fox",
        10,
        &["the quick", "brown fox"],
    ),
    (
        // "，" would start line 2: the character before it moves with it.
        "closing punctuation pulls the previous character down",
        "一二三四，五六",
        8,
        &["一二三", "四，五六"],
    ),
    (
        "closing punctuation pulls the previous character down",
        "一二三四。」五",
        8,
        &["一二三", "四。」五"],
    ),
    (
        "opening brackets never end a line",
        "一二三《四五》",
        8,
        &["一二三", "《四五》"],
    ),
    (
        "opening brackets never end a line",
        "一二三“四五”",
        8,
        &["一二三", "“四五”"],
    ),
    (
        // An unbreakable run (no break before "，" nor inside "abc...") still obeys kinsoku.
        "a long cut avoids starting a line with closing punctuation",
        "abcdefgh，ij",
        8,
        &["abcdefg", "h，ij"],
    ),
    (
        "width one puts each wide character alone",
        "周报",
        1,
        &["周", "报"],
    ),
    (
        "width one puts each wide character alone",
        "ab",
        1,
        &["a", "b"],
    ),
    (
        "hard breaks end lines and keep empty lines",
        "一\n\n二",
        10,
        &["一", "", "二"],
    ),
];

#[test]
fn each_rule_gives_its_lines() {
    for &(rule, text, width, expected) in EXACT_CASES {
        assert_eq!(check(text, width), expected, "{rule}: {text:?} at {width}");
    }
}

#[test]
fn japanese_small_kana_and_long_vowel_marks_do_not_start_lines() {
    let lines = check("データベースのチューニングをしょっちゅうやっている", 8);
    for line in &lines[1..] {
        assert!(!line.starts_with(is_no_start), "{lines:?}");
    }
}

#[test]
fn long_urls_are_cut_at_grapheme_boundaries() {
    let url = "https://github.com/sofastack/sofa-rpc/issues/1234567890";
    let text = format!("见 {url} 。");
    let lines = check(&text, 20);
    // UAX #14 allows breaks after the slashes; the unbreakable rest is cut to fit.
    assert_eq!(lines[0], "见");
    assert!(lines.len() >= 3 && lines.iter().all(|line| !line.is_empty()));
}

#[test]
fn emoji_with_zwj_and_variation_selectors_stay_whole() {
    let family = "👨\u{200D}👩\u{200D}👧";
    let heart = "❤\u{FE0F}";
    let text = format!("{family}{family}{heart}{heart}字字");
    for width in 1..8 {
        for line in check(&text, width) {
            assert!(!line.starts_with(['\u{200D}', '\u{FE0F}']));
        }
    }
}

#[test]
fn styled_spans_keep_their_style_across_a_break() {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut text = StyledText::default();
    text.push("普通", Style::new(), None, 0);
    text.push("加粗的文字", bold, Some(0), 6);
    text.push("尾", Style::new(), None, 30);
    let lines = text.wrap(6);
    let rendered: Vec<Vec<(String, Style)>> = lines
        .into_iter()
        .map(|line| {
            text.spans(line.range)
                .map(|s| (s.span.content.into_owned(), s.span.style))
                .collect()
        })
        .collect();
    assert_eq!(
        rendered,
        vec![
            vec![("普通".into(), Style::new()), ("加".into(), bold)],
            vec![("粗的文".into(), bold)],
            vec![("字".into(), bold), ("尾".into(), Style::new())],
        ]
    );
}

#[test]
fn trim_end_drops_trailing_breaks_and_empty_runs() {
    let mut text = StyledText::default();
    text.push("字", Style::new(), None, 0);
    text.push("\n", Style::new().italic(), None, 3);
    text.trim_end();
    assert_eq!(text.text, "字");
    assert_eq!(text.runs.len(), 1);
    assert_eq!(text.runs[0].end, 3);
}

#[test]
fn source_offsets_follow_the_runs() {
    let mut text = StyledText::default();
    text.push("ab", Style::new(), None, 10);
    text.push("cd", Style::new().bold(), None, 20);
    assert_eq!(text.source_offset(0), 10);
    assert_eq!(text.source_offset(1), 11);
    assert_eq!(text.source_offset(3), 21);
}

fn mixed_text() -> impl Strategy<Value = String> {
    // Pieces of CJK, Japanese, Korean and Latin text, one per space here; then those that
    // are themselves white space or need escapes to be read.
    let mut pieces: Vec<&str> = "周 报 ， 。 「 」 《 》 “ ” ー っ a Weekly … - MOSN ( ) 1.0 한국"
        .split(' ')
        .collect();
    pieces.extend([" ", " ", "\n", "https://example.com/a/very/long/path"]);
    pieces.extend(["👨\u{200D}👩\u{200D}👧", "❤\u{FE0F}", "🇨🇳", "e\u{301}"]);
    prop::collection::vec(prop::sample::select(pieces), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn no_line_exceeds_the_width_and_no_text_is_lost(text in mixed_text(), width in 1usize..300) {
        check(&text, width);
    }

    #[test]
    fn arbitrary_strings_never_panic(text in "\\PC{0,80}", width in 1usize..40) {
        check(&text, width);
    }
}

#[test]
fn lone_ideographs_are_told_from_their_bytes() {
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        let mut buffer = [0; 4];
        let encoded = c.encode_utf8(&mut buffer);
        assert_eq!(
            is_lone_ideograph(encoded.as_bytes()),
            is_ideograph(c),
            "{c:?}"
        );
    }
    assert!(!is_lone_ideograph("一一".as_bytes()));
    assert!(!is_lone_ideograph("一，".as_bytes()));
}

/// Words with names made of a word and symbols among them, none wider than 9 columns (a
/// run wider than the line is cut by the grapheme fallback, as any overlong word is).
fn text_with_symbol_names() -> impl Strategy<Value = String> {
    // One piece per space here.
    let pieces: Vec<&str> =
        "C++ Notepad++ C# F# ++i x+=1 a&&b C++， 用C#。 语言 and (C++) C#/F# - 周报 Rust"
            .split(' ')
            .collect();
    prop::collection::vec(prop::sample::select(pieces), 0..40).prop_map(|v| v.join(" "))
}

proptest! {
    /// `C++`, `Notepad++`, `C#`, `F#` never break between their symbols: a line never
    /// ends with one symbol of a run whose next symbol starts the next line.
    #[test]
    fn symbol_runs_glued_to_words_stay_whole(text in text_with_symbol_names(), width in 9usize..60) {
        check(&text, width);
        let ranges = wrap_ranges(&text, width);
        for pair in ranges.windows(2) {
            // Only a break with nothing between the lines (no space taken out) splits a run.
            if pair[0].end != pair[1].start {
                continue;
            }
            let end = text[..pair[0].end].chars().next_back();
            let start = text[pair[1].start..].chars().next();
            let symbol = |c: Option<char>| matches!(c, Some('+' | '#' | '&' | '='));
            let splits_a_run = symbol(end) && symbol(start);
            let splits_c_sharp = end == Some('C') && start == Some('#');
            prop_assert!(
                !splits_a_run && !splits_c_sharp,
                "{:?} | {:?}", &text[pair[0].clone()], &text[pair[1].clone()]
            );
        }
    }
}

#[test]
fn issue_16_cpp_stays_whole_at_the_end_of_a_line() {
    // At 10 columns "Notepad++" is the line's last word: it used to end "Notepad+".
    for width in 9..=20 {
        for line in wrap("I use Notepad++ and C++ daily", width) {
            assert!(
                !line.trim_end().ends_with("d+") && !line.starts_with('+'),
                "{line:?} at {width}"
            );
        }
    }
}
