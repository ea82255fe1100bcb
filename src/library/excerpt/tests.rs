//! The excerpt's pieces against their plain definitions: character by character, every
//! position compared in full.

use super::*;
use proptest::strategy::Strategy;

/// The plain definitions: character by character, every position compared in full.
fn plain_text_oracle(markdown: &str) -> String {
    let mut out = String::new();
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' | '_' | '#' | '`' | '>' | '[' | '!' => {}
            ']' if chars.peek() == Some(&'(') => {
                for c in chars.by_ref() {
                    if c == ')' {
                        break;
                    }
                }
            }
            ']' => {}
            c if c.is_whitespace() || c == '|' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn find_oracle(haystack: &str, needle: &str) -> Option<usize> {
    let needle: Vec<char> = needle.chars().map(fold_case).collect();
    if needle.is_empty() {
        return None;
    }
    haystack
        .char_indices()
        .map(|(index, _)| index)
        .find(|&index| {
            let mut rest = haystack[index..].chars().map(fold_case);
            needle.iter().all(|&n| rest.next() == Some(n))
        })
}

const TEXTS: &[&str] = &[
    "",
    "plain",
    "**状态**机的 [链接](https://example.com/状态) 和 `code`\n\n  > 引用\u{3000}全角空格 ![图](x.png)",
    "unclosed [link](never closed",
    "a]b ]( ] x",
    "Graceful SHUTDOWN: the KELVIN \u{212A} and \u{130}stanbul, ÅNGSTRÖM",
    "混合 Mixed 文本 with Straße and ΣΊΣΥΦΟΣ",
];

#[test]
fn plain_text_is_the_character_by_character_definition() {
    for text in TEXTS {
        assert_eq!(plain_text(text), plain_text_oracle(text), "{text:?}");
    }
}

#[test]
fn finds_the_first_case_insensitive_match_like_a_full_comparison() {
    let needles = [
        "状态",
        "态",
        "graceful",
        "GRACE",
        "k",
        "kelvin",
        "i",
        "istanbul",
        "å",
        "ångström",
        "straße",
        "σίσυφος",
        "ς",
        "link",
        "x",
        "",
        "不在",
    ];
    for text in TEXTS {
        for needle in needles {
            assert_eq!(
                find_case_insensitive(text, needle),
                find_oracle(text, needle),
                "{needle:?} in {text:?}"
            );
        }
    }
}

/// Text from a small alphabet full of the characters that matter here: markdown
/// syntax, whitespace of several kinds, case pairs and characters whose lower case is
/// longer or different in length.
fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(vec![
            'a', 'A', 'k', 'K', 'i', 'I', 's', 'S', 'ß', 'ς', 'Σ', 'σ', '\u{130}', '\u{212A}',
            '\u{307}', '状', '态', '*', '_', '[', ']', '(', ')', '!', ' ', '\n', '\u{3000}',
        ]),
        0..40,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest::proptest! {
    #[test]
    fn agrees_with_the_plain_definitions(text in tricky_text(), needle in tricky_text()) {
        proptest::prop_assert_eq!(plain_text(&text), plain_text_oracle(&text));
        // Made in two pieces, as an excerpt's first part and then the rest are.
        for (cut, _) in text.char_indices() {
            let mut pieces = String::new();
            let done = push_plain_text(&text, 0, cut, &mut pieces);
            push_plain_text(&text, done, text.len(), &mut pieces);
            proptest::prop_assert_eq!(&pieces, &plain_text_oracle(&text), "cut at {}", cut);
        }
        let needle: String = needle.chars().take(3).collect();
        proptest::prop_assert_eq!(
            find_case_insensitive(&text, &needle),
            find_oracle(&text, &needle)
        );
    }
}

/// The first [`FIRST_PART`] bytes of `body`, less a character cut at their end: what a
/// stored body's first block decodes to.
fn first_part(body: &str) -> &str {
    &body[..floor_char_boundary(body, FIRST_PART)]
}

/// Wherever the match falls near the first part's end (before it, across it, in a link
/// target that runs past it, after it), the excerpt from the first part alone is either
/// left to the whole body or is the one the whole body gives.
#[test]
fn an_excerpt_of_the_first_part_is_the_whole_body_s_or_none() {
    let terms: Vec<String> = ["状态", "graceful"].map(String::from).into();
    let terms: Vec<&String> = terms.iter().collect();
    let (mut found, mut left) = (0, 0);
    for filler in [
        "正文 text ",
        "a ",
        "状态机 [link](https://example.com/x) ",
        "字",
    ] {
        for at in (3900..4300).step_by(7) {
            for inserted in ["状态", "grace**ful**", "[x](状态) 状态", "GRACEFUL `状态`"] {
                let mut body = filler.repeat(5000 / filler.len() + 1);
                body.insert_str(floor_char_boundary(&body, at), inserted);
                match excerpt_in_first_part("title", first_part(&body), &terms) {
                    Some(excerpt_of_part) => {
                        found += 1;
                        assert_eq!(excerpt_of_part, excerpt("title", &body, &terms), "{at}");
                    }
                    None => left += 1,
                }
            }
        }
    }
    // Both outcomes are exercised.
    assert!(
        found > 100 && left > 100,
        "{found} found, {left} left to the whole body"
    );
}

/// The excerpt is that of the whole body's plain text, wherever the match falls among
/// the parts the body is made plain in (the first is 4 KB): at the start, across the
/// first boundary, at the very end, hidden in a link target, or nowhere.
#[test]
fn excerpts_of_long_bodies_are_those_of_the_whole_plain_text() {
    let filler = "正文 **text** [link](https://example.com/x) ".repeat(200);
    // The filler's plain text is "正文 text link " (13 characters) again and again.
    let lead = "正文 text link 正文 text link 正文 text link 正文 text link 正文 text";
    let all_terms: &[&str] = &["状态", "不在", "end", "GRACEFUL"];
    let cases: &[(String, &[&str], &str)] = &[
        (
            format!("early match 状态 {filler}"),
            &["状态"],
            "early match 状态 正文 text link 正文 text link 正文 text link 正文 text link 正文 te…",
        ),
        (
            format!("early match 状态 {filler}"),
            all_terms,
            "early match 状态 正文 text link 正文 text link 正文 text link 正文 text link 正文 te…",
        ),
        (
            format!("early match 状态 {filler}"),
            &["不在"],
            "early match 状态 正文 text link 正文 text link 正文 text link 正文 tex",
        ),
        (
            format!("{filler} late match 状态 and the end"),
            all_terms,
            "… link 正文 text link late match 状态 and the end",
        ),
        (
            format!("{filler} late match 状态 and the end"),
            &["GRACEFUL"],
            lead,
        ),
        (
            format!("{filler}状态"),
            &["状态"],
            "…ink 正文 text link 正文 text link 状态",
        ),
        (
            format!("{}状态{}", "字".repeat(4094), filler),
            &["状态"],
            "…字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字状态正文 text link 正文 text link 正文 text link 正文 text link 正文 tex…",
        ),
        (
            format!("{}状态{}", "字".repeat(4094), filler),
            &["不在"],
            "字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字",
        ),
        (format!("{filler} no match at all"), all_terms, lead),
        (
            format!("[{}](状态 hidden in a link target) 状态", "x".repeat(4090)),
            &["状态"],
            "…xxxxxxxxxxxxxxxxxxxxxxxxxxxxx 状态",
        ),
        (
            format!("[{}](状态 hidden in a link target) 状态", "x".repeat(4090)),
            &[
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            ],
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…",
        ),
        (
            format!("{}graceful {filler}", "a ".repeat(2047)),
            &["GRACEFUL"],
            "…a a a a a a a a a a a a a a a graceful 正文 text link 正文 text link 正文 text link 正文 text link…",
        ),
        (
            format!("{}graceful {filler}", "a ".repeat(2047)),
            &["状态"],
            "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a",
        ),
        (
            format!("{}grace**ful** {filler}", "a ".repeat(2046)),
            &["GRACEFUL"],
            "…a a a a a a a a a a a a a a a graceful 正文 text link 正文 text link 正文 text link 正文 text link…",
        ),
        (
            format!("{}状态{filler}", "a".repeat(4095)),
            &["状态"],
            "…aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa状态正文 text link 正文 text link 正文 text link 正文 text link 正文 tex…",
        ),
        ("short 状态".to_string(), &["状态"], "short 状态"),
        ("short 状态".to_string(), &["不在"], "short 状态"),
        (String::new(), &["状态"], "标题"),
    ];
    for (body, terms, expected) in cases {
        let terms: Vec<String> = terms.iter().map(|term| term.to_string()).collect();
        let terms: Vec<&String> = terms.iter().collect();
        assert_eq!(
            excerpt("标题", body, &terms),
            *expected,
            "{terms:?} in a body of {} bytes",
            body.len()
        );
    }
}

#[test]
fn uncased_blocks_fold_to_themselves() {
    for c in ('\u{2E80}'..='\u{A63F}').chain('\u{AC00}'..='\u{D7FF}') {
        assert!(is_uncased(c));
        assert_eq!(fold_case(c), c, "{c:?}");
    }
}

#[test]
fn the_markup_or_space_table_holds_the_first_byte_of_each() {
    for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
        let markup_or_space = is_markup(c) || c.is_whitespace();
        let mut utf8 = [0; 4];
        let first_byte = c.encode_utf8(&mut utf8).as_bytes()[0];
        assert!(
            !markup_or_space || MAY_START_MARKUP_OR_SPACE[usize::from(first_byte)],
            "{c:?}"
        );
    }
}

#[test]
fn nothing_else_folds_to_an_uncased_character() {
    for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
        if is_uncased(fold_case(c)) {
            assert_eq!(fold_case(c), c, "{c:?}");
        }
    }
}

#[test]
fn only_two_characters_beyond_ascii_fold_to_an_ascii_letter() {
    let lowering_to_ascii: Vec<char> = (0..=char::MAX as u32)
        .filter_map(char::from_u32)
        .filter(|&c| !c.is_ascii() && fold_case(c).is_ascii())
        .collect();
    assert_eq!(lowering_to_ascii, ['\u{130}', '\u{212A}']);
    // `find_case_insensitive` looks for İ's lead byte only for `i`, the Kelvin sign's only
    // for `k`.
    let folds: Vec<(char, u8)> = lowering_to_ascii
        .iter()
        .map(|&c| (fold_case(c), c.to_string().as_bytes()[0]))
        .collect();
    assert_eq!(folds, [('i', 0xC4), ('k', 0xE2)]);
}

/// The reader's find and the excerpt fold case alike: a word the excerpt finds in a
/// post is found by the reader in the same place, and one it misses is missed there too.
#[test]
fn the_excerpt_finds_what_the_reader_finds() {
    use crate::render::{Theme, render};
    let cases = [
        ("İstanbul and ISTANBUL", "istanbul"),
        ("İstanbul", "i\u{307}stanbul"),
        ("ＳＯＦＡ　Ｗｅｅｋｌｙ", "ｓｏｆａ"),
        ("ＳＯＦＡ Weekly", "sofa"),
        ("Straße and STRASSE", "straße"),
        ("GROẞE Straße", "große"),
        ("ǅemal Ǆ ǆ", "ǆ"),
        ("ǅemal", "Ǆemal"),
        ("the \u{212A}elvin sign", "kelvin"),
        ("ΣΊΣΥΦΟΣ", "σίσυφοσ"),
        ("ΣΊΣΥΦΟΣ", "σίσυφος"),
        ("状态机 State", "state"),
    ];
    for (text, needle) in cases {
        let rendered = render(text, 80, &Theme::plain());
        let in_reader = rendered.find(needle);
        let in_excerpt = find_case_insensitive(text, needle);
        // One line of plain text: the reader's column is the width before the match.
        let column = in_excerpt.map(|at| crate::text::display_width(&text[..at]));
        assert_eq!(
            column,
            in_reader.first().map(|found| found.start_col),
            "{needle:?} in {text:?}"
        );
    }
}

/// An ellipsis stands for text left out, and only then: 30 characters before the match
/// are shown whole, 31 lose their first; 60 from the match on are shown whole, 61 lose
/// their last.
#[test]
fn ellipses_only_where_text_was_cut() {
    let before_30 = "abcdefghijklmnopqrstuvwxyz0123";
    let from_match_60 = "状态机abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU";
    assert_eq!(before_30.chars().count(), EXCERPT_CONTEXT);
    assert_eq!(from_match_60.chars().count(), 2 * EXCERPT_CONTEXT);
    let cases = [
        (
            format!("{before_30}状态机 end"),
            "abcdefghijklmnopqrstuvwxyz0123状态机 end",
        ),
        (
            format!("-{before_30}状态机 end"),
            "…abcdefghijklmnopqrstuvwxyz0123状态机 end",
        ),
        (
            format!("x {from_match_60}"),
            "x 状态机abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU",
        ),
        (
            format!("x {from_match_60}V"),
            "x 状态机abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU…",
        ),
        (
            format!("-{before_30}{from_match_60}V"),
            "…abcdefghijklmnopqrstuvwxyz0123状态机abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU…",
        ),
    ];
    let term = "状态机".to_string();
    for (body, expected) in &cases {
        assert_eq!(excerpt("标题", body, &[&term]), *expected, "{body:?}");
    }
}
