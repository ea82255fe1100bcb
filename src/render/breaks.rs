//! Where a line may break: Unicode UAX #14 (the `unicode-linebreak` crate) tailored for
//! Chinese and Japanese text. Used by [`super::wrap`].
//!
//! The tailoring does two things UAX #14 alone does not:
//! - it opens a break between two CJK characters even around quotation marks (`“”` are class
//!   QU, which plain UAX #14 glues to both neighbours, turning a quoted Chinese phrase and the
//!   sentence around it into one unbreakable run), and
//! - it applies kinsoku (line-start and line-end prohibitions) from our own tables, so the
//!   wrapper and `examples/wrapcheck.rs` agree on what may not start or end a line.

use unicode_linebreak::{BreakOpportunity, linebreaks};
use unicode_width::UnicodeWidthChar;

/// A place where a line may end: the byte offset of the text that would start the next line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    pub at: usize,
    /// A hard break (newline in the text, and the end of the text).
    pub mandatory: bool,
}

/// Characters that never start a line: closing punctuation, small kana, iteration marks,
/// prolonged sound marks and the ellipsis (Japanese kinsoku shori, Chinese 避头点).
pub fn is_no_start(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '」'
            | '』'
            | '】'
            | '》'
            | '〉'
            | '〕'
            | '〗'
            | '〙'
            | '〛'
            | '｝'
            | '］'
            | '｠'
            | '｡'
            | '､'
            | '｣'
            | '”'
            | '’'
            | '»'
            | '›'
            | '〞'
            | '…'
            | '‥'
            | '・'
            | 'ー'
            | 'ｰ'
            | '〜'
            | '～'
            | '々'
            | '〻'
            | 'ゝ'
            | 'ゞ'
            | 'ヽ'
            | 'ヾ'
            | '゛'
            | '゜'
            | '．'
            | '％'
            | '‰'
            | '℃'
            | '°'
            | '′'
            | '″'
            | '﹐'
            | '﹑'
            | '﹒'
            | '﹔'
            | '﹕'
            | '﹖'
            | '﹗'
            | '﹚'
            | '﹜'
            | '﹞'
            | ','
            | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | ')'
            | ']'
            | '}'
    ) || is_small_kana(c)
}

/// Characters that never end a line: opening brackets and quotes.
pub fn is_no_end(c: char) -> bool {
    matches!(
        c,
        '（' | '「'
            | '『'
            | '【'
            | '《'
            | '〈'
            | '〔'
            | '〖'
            | '〘'
            | '〚'
            | '｛'
            | '［'
            | '｟'
            | '｢'
            | '“'
            | '‘'
            | '«'
            | '‹'
            | '〝'
            | '﹙'
            | '﹛'
            | '﹝'
            | '('
            | '['
            | '{'
    )
}

fn is_small_kana(c: char) -> bool {
    matches!(
        c,
        'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ' | 'ゎ' | 'ゕ' | 'ゖ'
            | 'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ッ' | 'ャ' | 'ュ' | 'ョ' | 'ヮ' | 'ヵ' | 'ヶ'
            | 'ㇰ'..='ㇿ' | 'ｧ'..='ｯ'
    )
}

/// Han, kana, Hangul syllables, bopomofo, CJK symbols and punctuation, and full-width forms:
/// text where a line may break between any two characters (subject to kinsoku).
///
/// Wider than the search index's `library::bigrams::is_cjk_letter`, which pairs the letters
/// of words only: here the punctuation and full-width forms matter too, since a line may
/// break before or after them as between two ideographs.
pub fn is_cjk_or_fullwidth(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{303F}'   // radicals, CJK symbols and punctuation
        | '\u{3041}'..='\u{3096}' // hiragana (not the combining voicing marks U+3099/309A)
        | '\u{309B}'..='\u{30FF}' // kana marks, katakana
        | '\u{3100}'..='\u{312F}' | '\u{31A0}'..='\u{31BF}' // bopomofo
        | '\u{31F0}'..='\u{31FF}' | '\u{3200}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{A960}'..='\u{A97F}' // (excluded below: jamo extended-A joins syllables)
        | '\u{AC00}'..='\u{D7A3}' | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF01}'..='\u{FF60}' | '\u{FF61}'..='\u{FF9F}' | '\u{20000}'..='\u{3FFFF}'
    ) && !matches!(c, '\u{A960}'..='\u{A97F}' | '\u{302A}'..='\u{302F}')
}

/// Whether a break between `before` and `after` may be added or must be refused, on top of
/// what UAX #14 says. `None` means "leave it to UAX #14".
fn tailor(before: char, after: char) -> Option<bool> {
    if is_ideograph(before) && is_ideograph(after) {
        return Some(true); // the common case in Chinese text, decided without the tables
    }
    if is_no_start(after) || is_no_end(before) {
        return Some(false);
    }
    // Never inside a grapheme cluster: ZWJ sequences, combining marks, variation selectors.
    if before == '\u{200D}' || after.width() == Some(0) {
        return None;
    }
    if (is_cjk_or_fullwidth(before) && (is_cjk_or_fullwidth(after) || is_quote(after)))
        || (is_quote(before) && is_cjk_or_fullwidth(after))
    {
        return Some(true);
    }
    None
}

/// The CJK Unified Ideographs block: most characters of a Chinese text, all of UAX #14
/// class ID, and a line may break between any two of them.
pub fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}')
}

/// ASCII symbols that make names with the word they are glued to (`C++`, `Notepad++`, `C#`,
/// `F#`, `a&&b`, `$$`): a line never breaks between two of them. Punctuation that prose and
/// URLs break after (`/ - . , ; : ? !`, brackets, quotes) is not one of them.
fn is_glue(c: char) -> bool {
    matches!(
        c,
        '+' | '#' | '*' | '&' | '%' | '$' | '@' | '^' | '~' | '=' | '<' | '>' | '|' | '\\'
    )
}

fn is_quote(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’')
}

/// All break opportunities in `text`, in order, ending with the mandatory break at its end.
/// Every returned offset is a character boundary, and never inside a grapheme cluster.
pub fn break_opportunities(text: &str, out: &mut Vec<Break>) {
    out.clear();
    for_each_break(text, |b| out.push(b));
}

/// Calls `found` with each break opportunity of `text`, in order (see
/// [`break_opportunities`]); no allocation.
pub fn for_each_break(text: &str, found: impl FnMut(Break)) {
    breaks::<true>(text, found);
}

/// [`for_each_break`]; `SKIP_IDEOGRAPH_RUNS` off asks UAX #14 about every pair, which the
/// tests compare with the fast way.
fn breaks<const SKIP_IDEOGRAPH_RUNS: bool>(text: &str, mut found: impl FnMut(Break)) {
    // UAX #14 over `text[uax_base..]`: restarted after each run of ideographs (below).
    let mut uax_base = 0;
    let mut uax = linebreaks(text).peekable();
    let mut in_ideograph_run = false;
    let mut prev: Option<(usize, char)> = None;
    let mut before_prev: Option<char> = None;
    for (at, c) in text.char_indices() {
        let Some((prev_at, before)) = prev else {
            prev = Some((at, c));
            continue;
        };
        if SKIP_IDEOGRAPH_RUNS {
            if is_ideograph(before) && is_ideograph(c) {
                // Between two ideographs a line may always break (see `tailor`), whatever
                // UAX #14's state: its iterator, a third of the cost of Chinese text, is
                // left behind for the rest of the run...
                found(Break {
                    at,
                    mandatory: false,
                });
                in_ideograph_run = true;
                before_prev = Some(before);
                prev = Some((at, c));
                continue;
            }
            if in_ideograph_run {
                // ...and restarted at its last ideograph: the state after one ideograph
                // (class ID) is the state after many, so it answers from here on as it
                // would have.
                uax_base = prev_at;
                uax = linebreaks(&text[prev_at..]).peekable();
                in_ideograph_run = false;
            }
        }
        // UAX #14 reports a break *before* byte `at` as the pair (at, opportunity).
        let mut uax_here = None;
        while let Some(&(pos, op)) = uax.peek() {
            let pos = uax_base + pos;
            if pos > at {
                break;
            }
            uax.next();
            if pos == at {
                uax_here = Some(op);
            }
        }
        let mandatory = uax_here == Some(BreakOpportunity::Mandatory);
        // Keep a URL's scheme with its host: no break right after "//".
        let in_scheme = before == '/' && before_prev == Some('/');
        let allowed = if mandatory {
            true
        } else if in_scheme {
            false
        } else if before.is_ascii() && c.is_ascii() {
            // Plain UAX #14 for ASCII pairs, except inside a run of symbols: `+` is a
            // prefix (PR), and UAX #14 lets a line break between two of them (`C+` / `+`).
            uax_here == Some(BreakOpportunity::Allowed) && !(is_glue(before) && is_glue(c))
        } else {
            tailor(before, c).unwrap_or(uax_here == Some(BreakOpportunity::Allowed))
        };
        if allowed {
            found(Break { at, mandatory });
        }
        before_prev = Some(before);
        prev = Some((at, c));
    }
    found(Break {
        at: text.len(),
        mandatory: true,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        let mut breaks = Vec::new();
        break_opportunities(text, &mut breaks);
        let mut start = 0;
        breaks
            .iter()
            .map(|b| {
                let piece = &text[start..b.at];
                start = b.at;
                piece
            })
            .collect()
    }

    use proptest::strategy::Strategy;

    fn all_breaks<const SKIP_IDEOGRAPH_RUNS: bool>(text: &str) -> Vec<Break> {
        let mut out = Vec::new();
        breaks::<SKIP_IDEOGRAPH_RUNS>(text, |b| out.push(b));
        out
    }

    proptest::proptest! {
        #[test]
        fn skipping_ideograph_runs_changes_no_break(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    "[\u{4E00}-\u{4E20}]{1,6}",
                    proptest::sample::select(vec![
                        "，", "。", "“", "”", "（", "）", "《", "》", "、", "…", "——", " ", "\n",
                        "(", ")", "\"", "'", "-", "/", "//", "$", "%", "1", "9.5", "a", "Go ",
                        "https://", "\u{200D}", "\u{FE0F}", "\u{0301}", "\u{00A0}", "\u{2060}",
                        "👍", "🇨🇳", "ー", "っ", "가", "\u{3000}", "\u{4DC0}", "！", "\t",
                    ]).prop_map(str::to_string),
                    "\\PC{1,3}",
                ],
                0..40,
            )
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(all_breaks::<true>(&text), all_breaks::<false>(&text));
        }
    }

    #[test]
    fn chinese_breaks_between_every_character_but_not_before_closing_punctuation() {
        assert_eq!(pieces("状态机，引擎。"), ["状", "态", "机，", "引", "擎。"]);
    }

    #[test]
    fn opening_brackets_stay_with_what_follows() {
        assert_eq!(pieces("看《周报》"), ["看", "《周", "报》"]);
    }

    #[test]
    fn quotes_inside_chinese_open_breaks_around_the_phrase() {
        assert_eq!(pieces("说“好的”吧"), ["说", "“好", "的”", "吧"]);
    }

    #[test]
    fn latin_words_break_after_spaces() {
        assert_eq!(pieces("SOFA Weekly 周报"), ["SOFA ", "Weekly ", "周", "报"]);
    }

    #[test]
    fn small_kana_and_prolonged_marks_never_start_a_line() {
        assert_eq!(pieces("ちょっとコーヒー"), ["ちょっ", "と", "コー", "ヒー"]);
    }

    #[test]
    fn emoji_sequences_are_never_split() {
        let family = "👨\u{200D}👩\u{200D}👧";
        for piece in pieces(&format!("{family}字❤\u{FE0F}字")) {
            assert!(!piece.starts_with('\u{200D}') && !piece.starts_with('\u{FE0F}'));
        }
    }

    #[test]
    fn urls_never_break_right_after_the_scheme() {
        assert_eq!(pieces("见 https://a.io/b"), ["见 ", "https://a.io/", "b"]);
    }

    #[test]
    fn symbols_glued_to_a_word_never_split() {
        // UAX #14 alone allowed `C+` / `+` (two prefix characters).
        assert_eq!(pieces("C++ and Notepad++"), ["C++ ", "and ", "Notepad++"]);
        assert_eq!(pieces("C# F# ++i x+=1"), ["C# ", "F# ", "++i ", "x+=1"]);
        assert_eq!(pieces("用C++写"), ["用", "C++写"]); // UAX #14 keeps a prefix with an ideograph
        assert_eq!(pieces("$$%%"), ["$$%%"]);
    }

    #[test]
    fn newlines_are_mandatory_breaks() {
        let mut breaks = Vec::new();
        break_opportunities("a\nb", &mut breaks);
        assert_eq!(
            breaks,
            [
                Break {
                    at: 2,
                    mandatory: true
                },
                Break {
                    at: 3,
                    mandatory: true
                }
            ]
        );
    }
}
