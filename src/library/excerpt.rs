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
        let bytes = haystack.as_bytes();
        let (lower, upper) = (first as u8, first.to_ascii_uppercase() as u8);
        // Only İ folds to `i` and only the Kelvin sign to `k`: the lead byte of the other
        // is no candidate (a `--json` of an English word's 8,000 posts compared at every
        // 0xE2 of their punctuation).
        let candidates: Box<dyn Iterator<Item = usize>> = match first {
            'i' => Box::new(memchr::memchr3_iter(lower, upper, 0xC4, bytes)),
            'k' => Box::new(memchr::memchr3_iter(lower, upper, 0xE2, bytes)),
            _ => Box::new(memchr::memchr2_iter(lower, upper, bytes)),
        };
        let ascii_needle = needle.iter().all(char::is_ascii);
        // An ASCII needle against ASCII text is compared byte for byte; a character of
        // another script there is left to the full comparison.
        let matches_ascii_at = |index: &usize| {
            for (offset, &n) in needle.iter().enumerate() {
                match bytes.get(index + offset) {
                    Some(&b) if b.is_ascii() => {
                        if b.to_ascii_lowercase() != n as u8 {
                            return false;
                        }
                    }
                    Some(_) => return matches_at(index),
                    None => return false,
                }
            }
            true
        };
        candidates
            .filter(|index| haystack.is_char_boundary(*index))
            .find(|index| {
                if ascii_needle {
                    matches_ascii_at(index)
                } else {
                    matches_at(index)
                }
            })
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
mod tests;
