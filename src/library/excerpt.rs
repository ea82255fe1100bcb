//! The one-line excerpt a search hit shows: the body made plain (markdown syntax and link
//! targets dropped, whitespace folded) and cut around the first match of any search term,
//! found case-insensitively. Pure text code, no SQL: [`super::query`] calls [`excerpt`] for
//! each hit of a page.

use crate::text::{floor_char_boundary, fold_case};

/// About this many characters of context on each side of the match.
const EXCERPT_CONTEXT: usize = 30;

/// A one-line excerpt of the body around the first match of any term, with markdown
/// punctuation folded away; the title's start when the match is only in the title.
///
/// The body is made plain in parts of [`STEP`] bytes, and the search stops at the first
/// part that holds a match and the excerpt's length after it: a page of 50 hits used to
/// fold every body whole, 20 M instructions of a 57 M search, and a `--json` of every
/// match spends most of its time here. The parts are pieces
/// of one left-to-right pass, so the text is that of the whole body, and each part is
/// searched from a little before its start (by the longest term), so no match across two
/// parts is missed: the excerpt is the one the whole body gives.
pub(super) fn excerpt(title: &str, body: &str, terms: &[&String]) -> String {
    excerpt_within(title, body, terms, true).expect("a whole body always gives an excerpt")
}

/// How many bytes of markdown [`excerpt`] makes plain before it searches again. Smaller
/// parts stop nearer the match; a search per part costs little, since each looks only at
/// the new text. (Parts of 4 KiB growing fourfold made plain twice what 1 KiB parts do for
/// an English word found 2 KiB into its posts.)
const STEP: usize = 1024;

/// The bytes of the first part [`excerpt`] looks at (less a character cut at the end).
/// Stored bodies end their first compressed block here (see `body`).
pub(super) const FIRST_PART: usize = 4096;

/// [`excerpt`]'s result for a body of which only `part` is known, its first [`FIRST_PART`]
/// bytes: the excerpt when that part holds a match and the excerpt's length after it, which
/// is then what the whole body gives; `None` when the rest is needed.
pub(super) fn excerpt_in_first_part(title: &str, part: &str, terms: &[&String]) -> Option<String> {
    excerpt_within(title, part, terms, false)
}

/// The loop of [`excerpt`] over `body`, which is the whole body when `whole`, else only its
/// first part: then a result that would need more of the body is `None`.
fn excerpt_within(title: &str, body: &str, terms: &[&String], whole: bool) -> Option<String> {
    let longest_term = terms
        .iter()
        .map(|term| term.chars().count())
        .max()
        .unwrap_or(0);
    // Plain text is never longer than its markdown: sized once, not grown.
    let mut text = String::with_capacity(body.len());
    let mut done = 0;
    let mut part_end = STEP;
    let mut found: Option<usize> = None;
    loop {
        let searched = text.len();
        let end = floor_char_boundary(body, part_end);
        done = push_plain_text(body, done, end, &mut text);
        if found.is_none() {
            // A match found now starts in the new text or at most one term's length (in
            // characters of up to 4 bytes) before it.
            let from = floor_char_boundary(&text, searched.saturating_sub(4 * longest_term));
            found = terms
                .iter()
                .filter_map(|term| find_case_insensitive(&text[from..], term))
                .min()
                .map(|start| from + start);
        }
        let enough = |start: usize| text[start..].chars().nth(EXCERPT_CONTEXT * 2).is_some();
        if found.is_some_and(enough) {
            break;
        }
        if done >= body.len() {
            if !whole {
                return None;
            }
            break;
        }
        part_end = part_end.saturating_add(STEP);
    }
    Some(snippet(&text, found, title))
}

/// The excerpt of `text` around byte `found` (a term's first match): some context before
/// it, more after; without a match, the text's start, or the title for an empty text.
fn snippet(text: &str, found: Option<usize>, title: &str) -> String {
    let Some(start) = found else {
        let lead: String = text.chars().take(EXCERPT_CONTEXT * 2).collect();
        let lead = crate::text::sanitize_line(&lead);
        return if lead.is_empty() {
            crate::text::sanitize_line(title)
        } else {
            lead
        };
    };
    // One character more than is shown, to know whether any was cut.
    let mut before: Vec<char> = text[..start]
        .chars()
        .rev()
        .take(EXCERPT_CONTEXT + 1)
        .collect();
    let cut_before = before.len() > EXCERPT_CONTEXT;
    before.truncate(EXCERPT_CONTEXT);
    let after: String = text[start..].chars().take(EXCERPT_CONTEXT * 2).collect();
    let mut snippet = String::new();
    if cut_before {
        snippet.push('…');
    }
    snippet.extend(before.iter().rev());
    snippet.push_str(&after);
    if text[start..].chars().nth(EXCERPT_CONTEXT * 2).is_some() {
        snippet.push('…');
    }
    crate::text::sanitize_line(&snippet)
}

/// Markdown with its syntax characters and link targets removed, whitespace folded: good
/// enough for an excerpt, and cheap.
#[cfg(test)]
fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    push_plain_text(markdown, 0, markdown.len(), &mut out);
    out
}

/// Appends the plain text (see [`plain_text`]) of `markdown[from..to]` to `out` and returns
/// where the next part starts: `to`, or beyond it when a link target skipped runs past it.
/// Bytes are skipped by a table lookup until one may begin a syntax character or
/// whitespace, and runs of ordinary text are copied whole.
fn push_plain_text(markdown: &str, from: usize, to: usize, out: &mut String) -> usize {
    let bytes = markdown.as_bytes();
    let mut copied = from;
    let mut at = from;
    while at < to {
        let byte = bytes[at];
        // A space after a character of the run being copied is copied with it, as the
        // space it would be folded into: one flush per line or markup, not per word (the
        // flushes were most of an English excerpt's time).
        if !MAY_START_MARKUP_OR_SPACE[usize::from(byte)]
            || byte == b' ' && at > copied && bytes[at - 1] != b' '
        {
            at += 1;
            continue;
        }
        // An ASCII byte or a lead byte: a character starts here.
        let c = markdown[at..].chars().next().expect("at a char boundary");
        let syntax = is_markup(c);
        if !syntax && !is_space(c) {
            at += c.len_utf8();
            continue;
        }
        out.push_str(&markdown[copied..at]);
        at += c.len_utf8();
        if c == ']' && bytes.get(at) == Some(&b'(') {
            // Skip the link target: "](url)".
            at = markdown[at..]
                .find(')')
                .map_or(bytes.len(), |end| at + end + 1);
        } else if !syntax && !out.ends_with(' ') {
            out.push(' ');
        }
        copied = at;
    }
    out.push_str(&markdown[copied..at]);
    at
}

/// The markdown syntax characters [`plain_text`] drops.
fn is_markup(c: char) -> bool {
    matches!(c, '*' | '_' | '#' | '`' | '>' | '[' | ']' | '!')
}

/// What [`plain_text`] folds into one space: whitespace, and a table's cell border, which
/// separates words as a space does (dropping it ran the cells together:
/// `|rustc|target/loongarch|` gave "rustctarget/loongarch").
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '|'
}

/// The bytes that may begin a character [`plain_text`] drops or folds: the markdown syntax
/// characters, ASCII whitespace, and the lead bytes of the other whitespace characters
/// (U+0085 and U+00A0, U+1680, U+2000–U+205F, U+3000; a test checks every character).
const MAY_START_MARKUP_OR_SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = b"*_#`>[]|! \t\n\x0B\x0C\r\xC2\xE1\xE2\xE3";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether `c` is in a block of characters that have no case (CJK, kana, Hangul, Yi), where
/// the fold is the identity and need not be looked up (a test checks every one of them).
fn is_uncased(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{A63F}' | '\u{AC00}'..='\u{D7FF}')
}

/// Byte offset of the first case-insensitive occurrence of `needle` in `haystack`, both
/// folded by [`fold_case`] as the reader's find folds them, character for character.
///
/// Excerpts of a page of hits search 50 bodies, often to their end: only the positions where
/// the needle's first character can begin are compared in full. For an ASCII first
/// character those are its two cases and the lead bytes of the two non-ASCII characters
/// that fold to an ASCII letter (İ, the Kelvin sign); for a CJK one, that character itself,
/// which nothing else folds to (tests check every character).
pub(super) fn find_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    let needle: Vec<char> = needle.chars().map(fold_case).collect();
    let &first = needle.first()?;
    let matches_at = |index: &usize| {
        let mut rest = haystack[*index..].chars().map(fold_case);
        needle.iter().all(|&n| rest.next() == Some(n))
    };
    if first.is_ascii() {
        let (lower, upper) = (first as u8, first.to_ascii_uppercase() as u8);
        haystack
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == lower || b == upper || b == 0xC4 || b == 0xE2)
            .map(|(index, _)| index)
            .find(|index| haystack.is_char_boundary(*index) && matches_at(index))
    } else if is_uncased(first) {
        haystack
            .match_indices(first)
            .map(|(index, _)| index)
            .find(matches_at)
    } else {
        haystack
            .char_indices()
            .filter(|&(_, c)| fold_case(c) == first)
            .map(|(index, _)| index)
            .find(matches_at)
    }
}

#[cfg(test)]
mod tests {
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
                for inserted in ["状态", "grace**ful**", "[x](状态) 状态", "GRACEFUL `状态`"]
                {
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
}
