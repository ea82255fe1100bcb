//! Small text utilities every layer needs: keeping terminal control characters out of
//! anything we print, measuring or cutting text by display width (a CJK character
//! takes two columns), and the one case fold of every case-insensitive match.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The largest character boundary of `s` at or below `index` (`s.len()` beyond it): where
/// to cut text by bytes without splitting a character. `str::floor_char_boundary` does
/// this from Rust 1.91; the crate supports 1.89.
pub fn floor_char_boundary(s: &str, index: usize) -> usize {
    let mut end = index.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Characters that must never reach a terminal from content: C0 controls other than tab and
/// newline (ESC starts CSI/OSC sequences, BEL rings), DEL, C1 controls (U+0080..U+009F: 8-bit
/// CSI/OSC on some terminals), and the bidi embeddings, overrides and isolates that can make
/// text display in an order other than the one it is stored in (CVE-2021-42574).
pub fn is_forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `s` holds a forbidden character ([`is_forbidden`]).
pub fn has_forbidden(s: &str) -> bool {
    screen(s, false, is_forbidden)
}

/// Whether a character of `s` satisfies `wanted`, for predicates that hold only for
/// characters whose UTF-8 form starts with a byte below 0x20, 0x7F, 0xC2 (U+0080..U+00BF)
/// or 0xE2 (U+2000..U+2FFF): the controls, C1 and the bidi and joiner characters.
///
/// Every post body, paragraph and printed line goes through such a check, and clean text is
/// the rule: the bytes are screened 32 at a time with plain comparisons (which the compiler
/// turns into vector instructions), and only a block holding a suspicious byte (a newline,
/// a curly quote) is decoded. Decoding everything costs several times more on Chinese text.
pub fn any_control_like(s: &str, wanted: impl Fn(char) -> bool) -> bool {
    screen(s, true, wanted)
}

/// [`any_control_like`]; tabs and newlines, on every line of a body, make a block suspicious
/// only when `tab_newline` says `wanted` may look for them.
fn screen(s: &str, tab_newline: bool, wanted: impl Fn(char) -> bool) -> bool {
    const BLOCK: usize = 32;
    let suspicious = |block: &[u8]| {
        block.iter().fold(false, |found, &b| {
            let control = (b < 0x20) & (tab_newline | ((b != b'\n') & (b != b'\t')));
            found | control | (b == 0x7F) | (b == 0xC2) | (b == 0xE2)
        })
    };
    // Whole characters around a block: one may straddle either edge.
    let check = |from: usize, mut to: usize| {
        let from = floor_char_boundary(s, from);
        while !s.is_char_boundary(to) {
            to += 1;
        }
        s[from..to].chars().any(&wanted)
    };
    let bytes = s.as_bytes();
    let mut blocks = bytes.chunks_exact(BLOCK);
    for (index, block) in blocks.by_ref().enumerate() {
        // Fixed-size blocks: the compiler screens each with a few vector instructions.
        let block: &[u8; BLOCK] = block.try_into().expect("chunks_exact gives whole blocks");
        if suspicious(block) && check(index * BLOCK, (index + 1) * BLOCK) {
            return true;
        }
    }
    let rest = blocks.remainder();
    suspicious(rest) && check(bytes.len() - rest.len(), bytes.len())
}

/// Removes forbidden characters, keeping tabs and newlines. `\r` goes too, so CRLF text
/// becomes LF text.
pub fn strip_controls(s: &str) -> Cow<'_, str> {
    if !has_forbidden(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|&c| !is_forbidden(c)).collect())
}

/// For one-line fields (titles, tags, authors, error messages shown on one line): forbidden
/// characters removed, and any run of whitespace, newlines included, folded to one space.
pub fn sanitize_line(s: &str) -> String {
    collapse_whitespace(s.chars().filter(|&c| !is_forbidden(c)))
}

/// `chars` with every run of whitespace (newlines included) folded to one space, and none
/// at either end: the one-line form of [`sanitize_line`] and of tag keys.
pub fn collapse_whitespace(chars: impl IntoIterator<Item = char>) -> String {
    let chars = chars.into_iter();
    // `str::chars` bounds its count by the byte length: room for the whole text at once.
    let (least, most) = chars.size_hint();
    let mut out = String::with_capacity(most.unwrap_or(least));
    let mut pending_space = false;
    for c in chars {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// The longest HTML entity name, `CounterClockwiseContourIntegral`: a `;` further away than
/// this cannot end an entity.
const LONGEST_ENTITY_NAME: usize = 31;

/// Decodes HTML entities: `&name;` for every name HTML defines, `&#NNN;` and `&#xHH;`.
/// Anything else, a bare `&` or an unknown name included, is kept as written. Metadata
/// (`MOSN&amp;SOFARPC` in real SOFA Weekly titles) and inline HTML in posts both need it.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after
            .find(';')
            .filter(|&semi| semi <= LONGEST_ENTITY_NAME)
            .and_then(|semi| Some((entity(&after[..=semi])?, semi)));
        match decoded {
            Some((chars, semi)) => {
                out.extend(chars.into_iter().flatten());
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The one or two characters an entity (between `&` and its `;`, the `;` included) stands
/// for. NUL is never produced.
///
/// Names come from html5ever's table (markup5ever's `NAMED_ENTITIES`, all 2,231 of HTML's),
/// so a feed's `&hearts;` or `&rarr;` decodes like `&amp;`. Numbers are read here: html5ever
/// decodes them only inside its tokenizer, which would also take `<` in a title for a tag.
fn entity(name_and_semicolon: &str) -> Option<[Option<char>; 2]> {
    let name = name_and_semicolon.strip_suffix(';')?;
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        let c = char::from_u32(code).filter(|&c| c != '\0')?;
        return Some([Some(c), None]);
    }
    // The table also holds every prefix of a name (for the tokenizer's longest match),
    // mapped to 0: those are not entities.
    let &(first, second) = markup5ever::data::NAMED_ENTITIES.get(name_and_semicolon)?;
    let first = char::from_u32(first).filter(|&c| c != '\0')?;
    Some([Some(first), char::from_u32(second).filter(|&c| c != '\0')])
}

/// The value of attribute `name` in an HTML tag's text (`<img src="a.png" alt=x>`), as
/// written: quoted or not, names in any case, entities left as they are. `None` when the
/// tag has no such attribute.
///
/// ```
/// use sofa_weekly::text::tag_attribute;
/// assert_eq!(tag_attribute(r#"<IMG data-src="x" SRC='a b.png'>"#, "src"), Some("a b.png"));
/// assert_eq!(tag_attribute("<a href=/x/>", "href"), Some(""));
/// assert_eq!(tag_attribute("<a href=x>", "src"), None);
/// ```
pub fn tag_attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    // ASCII lowering keeps every byte where it was, so offsets in `lower` are `tag`'s.
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name).map(|i| from + i) {
        from = at + name.len();
        let after_space = lower[..at].ends_with(|c: char| c.is_ascii_whitespace());
        let rest = lower[from..].trim_start();
        if !after_space || !rest.starts_with('=') {
            continue;
        }
        let value = tag[tag.len() - rest.len() + 1..].trim_start();
        return Some(match value.chars().next() {
            Some(quote @ ('"' | '\'')) => value[1..].split(quote).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or(""),
        });
    }
    None
}

/// `html` without its tags, everything between `<` and `>` dropped and the rest kept as it
/// is (entities and markdown marks too): for HTML lines in markdown (`<br/>` and the like)
/// and for HTML too absurd to parse.
pub fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Columns the text takes in a terminal.
pub fn display_width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `width` columns, ending with `…` when something was cut. Never splits
/// a grapheme cluster, so a wide character or an emoji sequence is kept whole or dropped whole.
pub fn truncate_to_width(s: &str, width: usize) -> Cow<'_, str> {
    if display_width(s) <= width {
        return Cow::Borrowed(s);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let budget = width - 1; // room for the ellipsis
    let mut used = 0;
    let mut out = String::new();
    for grapheme in s.graphemes(true) {
        let w = display_width(grapheme);
        if used + w > budget {
            break;
        }
        used += w;
        out.push_str(grapheme);
    }
    out.push('…');
    Cow::Owned(out)
}

/// Pads `s` with spaces to exactly `width` columns, cutting it first if it is wider.
pub fn fit_to_width(s: &str, width: usize) -> String {
    let cut = truncate_to_width(s, width);
    let pad = width.saturating_sub(display_width(&cut));
    let mut out = cut.into_owned();
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// The case fold of every case-insensitive match we make of text: the reader's find
/// (`render::find`) and the search excerpt (`library::excerpt`), so that a word found in one
/// is found in the other.
///
/// One character in, one out, so that a match in the folded text is a match at the same
/// characters of the original: the reader highlights its columns, the excerpt cuts at its
/// bytes. It is the first character of the lower case, which is the whole of it for every
/// character but U+0130 (İ lowers to "i" and a combining dot above): folded to a plain "i",
/// "istanbul" finds "İstanbul". Full-width letters fold to full-width ones (Ａ to ａ), not to
/// ASCII; ß and ǅ fold to ß and ǆ.
///
/// ```
/// use sofa_weekly::text::fold_case;
/// assert_eq!(fold_case('İ'), 'i');
/// assert_eq!(fold_case('Ａ'), 'ａ');
/// assert_eq!(fold_case('ǅ'), 'ǆ');
/// assert_eq!(fold_case('状'), '状');
/// ```
pub fn fold_case(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_char_boundary_steps_back_to_a_whole_character() {
        assert_eq!(floor_char_boundary("a状态", 0), 0);
        assert_eq!(floor_char_boundary("a状态", 2), 1);
        assert_eq!(floor_char_boundary("a状态", 4), 4);
        assert_eq!(floor_char_boundary("a状态", 6), 4);
        assert_eq!(floor_char_boundary("a状态", 99), 7);
    }

    #[test]
    fn strip_tags_drops_tags_and_keeps_entities_and_marks() {
        assert_eq!(strip_tags("a<br/>b &amp; <b>**c**</b>"), "ab &amp; **c**");
        assert_eq!(strip_tags("1 > 0 <i>x"), "1 > 0 x");
        assert_eq!(strip_tags("<unclosed"), "");
    }

    #[test]
    fn forbidden_characters_are_found_at_every_place_in_a_block() {
        // Every forbidden form (C0, DEL, C1, bidi), at each offset around the 32-byte
        // blocks the screen works in, after one-, two- and three-byte characters.
        for bad in ['\u{1b}', '\u{7f}', '\u{9b}', '\u{202e}', '\u{2067}'] {
            for filler in ["a", "é", "状"] {
                for count in 0..40 {
                    let text = format!("{}{bad}{}", filler.repeat(count), filler.repeat(3));
                    assert!(has_forbidden(&text), "{text:?}");
                }
            }
        }
        let clean = "状态机“引擎”…\n\tSOFA é ‍ x".repeat(5);
        assert!(!has_forbidden(&clean));
    }

    proptest::proptest! {
        #[test]
        fn the_block_screen_agrees_with_a_character_scan(text in "(\\PC|[\\x00-\\x1f\\x7f-\\u{9f}\\u{2000}-\\u{206f}]){0,80}") {
            proptest::prop_assert_eq!(has_forbidden(&text), text.chars().any(is_forbidden));
        }
    }

    #[test]
    fn strips_escape_sequences_bel_c1_and_bidi_overrides() {
        let hostile = "a\u{1b}[2Jb\u{7}c\u{9b}31md\u{202e}e\u{2066}f\r\n\tg";
        assert_eq!(strip_controls(hostile), "a[2Jbc31mdef\n\tg");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(strip_controls("状态机 MOSN"), Cow::Borrowed(_)));
    }

    #[test]
    fn sanitize_line_folds_whitespace() {
        assert_eq!(
            sanitize_line("  SOFA\n Weekly\u{1b}]52;c;x\u{7} "),
            "SOFA Weekly]52;c;x"
        );
    }

    #[test]
    fn entities_decode_and_unknown_ones_stay() {
        assert_eq!(decode_entities("MOSN&amp;SOFARPC"), "MOSN&SOFARPC");
        assert_eq!(
            decode_entities("&#x4E2D;&#25991;&hellip;&bogus; &"),
            "中文…&bogus; &"
        );
        assert_eq!(decode_entities("&#0; &#xD800; &"), "&#0; &#xD800; &");
        assert!(matches!(decode_entities("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_html_entity_name_decodes_and_prefixes_do_not() {
        assert_eq!(
            decode_entities("&hearts; &rarr; &CounterClockwiseContourIntegral;"),
            "♥ → ∳"
        );
        // Two code points: ≂ and a combining slash.
        assert_eq!(decode_entities("&NotEqualTilde;"), "\u{2242}\u{338}");
        // `am` is a prefix of `amp` in the table, not an entity; names are case-sensitive.
        assert_eq!(decode_entities("&am; &AMP; &Amp;"), "&am; & &Amp;");
        // The 25 names decoded before html5ever's table was used.
        let names = "amp lt gt quot apos nbsp copy reg trade mdash ndash hellip laquo raquo \
                     ldquo rdquo lsquo rsquo middot times bull emsp ensp yen euro";
        let encoded: String = names.split_whitespace().map(|n| format!("&{n};")).collect();
        assert_eq!(
            decode_entities(&encoded),
            "&<>\"'\u{a0}©®™—–…«»“”‘’·×•\u{2003}\u{2002}¥€"
        );
    }

    #[test]
    fn truncation_counts_wide_characters_as_two_columns() {
        assert_eq!(truncate_to_width("每周精选问答", 7), "每周精…");
        assert_eq!(truncate_to_width("每周精选问答", 12), "每周精选问答");
        assert_eq!(fit_to_width("每周", 6), "每周  ");
        assert_eq!(fit_to_width("每周精选", 6), "每周… ");
    }

    #[test]
    fn truncation_keeps_emoji_sequences_whole() {
        let family = "👨‍👩‍👧x";
        assert_eq!(truncate_to_width(family, 2), "…");
        assert_eq!(truncate_to_width(family, 3), "👨‍👩‍👧x");
    }

    #[test]
    fn only_the_dotted_capital_i_lowers_to_more_than_its_fold() {
        let longer: Vec<char> = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|c| c.to_lowercase().count() > 1)
            .collect();
        assert_eq!(longer, ['\u{130}']);
        assert_eq!(fold_case('\u{130}'), 'i');
    }
}
