//! Text to index tokens: the one definition of a "word" that both the stored posts and the
//! search queries go through, so that what a query looks for is spelled as the index has it.
//!
//! - **Latin and other spaced scripts:** runs of letters and digits, lowered and with
//!   full-width forms folded to ASCII (`ＲＵＳＴ` → `rust`). Everything else separates words.
//! - **CJK (Han, kana, Hangul):** written without spaces, so a run is cut into overlapping
//!   pairs (`状态机` → `状态 态机`) and ends with its last character alone (`机`). A
//!   substring of two characters or more is then the phrase of its pairs; one character is
//!   the prefix query `c*`, which every position of a run answers (a pair starts with it, or
//!   it ends the run). See [`super::query`].
//! - **Soft line breaks:** a line break (with the indentation around it) between two CJK
//!   characters does not end the run: markdown wraps Chinese paragraphs by hand, and a
//!   renderer joins such lines, so a phrase must be found across them.
//!
//! The output is the tokens separated by single spaces: the index's `ascii` tokenizer splits
//! it at the spaces and keeps each token whole (it treats non-ASCII as word characters and
//! only lowers ASCII, which is already lower).

/// The letters of words written without spaces: Han ideographs, kana, Hangul syllables.
///
/// Narrower than the renderer's `render::breaks::is_cjk_or_fullwidth`, which also holds CJK
/// punctuation, bopomofo and full-width forms, where a line may break: those make no words,
/// so the index neither pairs them nor answers a term made of them. The set decides what
/// the stored index holds; changing it means indexing every post again.
pub fn is_cjk_letter(c: char) -> bool {
    matches!(c,
        '\u{3041}'..='\u{3096}'     // Hiragana
        | '\u{30A1}'..='\u{30FA}'   // Katakana
        | '\u{3400}'..='\u{4DBF}'   // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK Unified Ideographs
        | '\u{AC00}'..='\u{D7AF}'   // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // CJK Compatibility Ideographs
        | '\u{20000}'..='\u{3FFFF}' // Extensions B and later
    )
}

/// What a character is to the tokenizer, after folding ([`fold`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Space,
    /// A line break: ends a word, but not a CJK run whose next character is CJK.
    Newline,
    Separator,
}

fn class(c: char) -> Class {
    if c.is_ascii() {
        return match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => Class::Word,
            '\n' => Class::Newline,
            ' ' | '\t' | '\r' => Class::Space,
            _ => Class::Separator,
        };
    }
    if is_cjk_letter(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Separator
    }
}

/// Full-width ASCII (U+FF01–U+FF5E) to ASCII, so `ｒｕｓｔ` is the word `rust`.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// One token of a text, as [`tokens`] yields it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A lowered word of a spaced script.
    Word(String),
    /// A run of CJK characters (soft line breaks inside it removed).
    CjkRun(Vec<char>),
}

/// The words and CJK runs of `text`, in order.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    // A CJK run is held open across spaces and one line break while the next character may
    // continue it.
    let mut pending_break = false;
    let flush_word = |word: &mut String, out: &mut Vec<Token>| {
        if !word.is_empty() {
            out.push(Token::Word(std::mem::take(word)));
        }
    };
    let flush_run = |run: &mut Vec<char>, out: &mut Vec<Token>| {
        if !run.is_empty() {
            out.push(Token::CjkRun(std::mem::take(run)));
        }
    };
    for c in text.chars().map(fold_width) {
        match class(c) {
            Class::Cjk => {
                flush_word(&mut word, &mut out);
                run.push(c);
                pending_break = false;
            }
            Class::Word => {
                flush_run(&mut run, &mut out);
                pending_break = false;
                word.extend(c.to_lowercase());
            }
            // Indentation after a line break inside a run: held.
            Class::Space if pending_break => {}
            // The first line break after a CJK character: held, the run may go on.
            Class::Newline if !run.is_empty() && !pending_break => pending_break = true,
            _ => {
                flush_word(&mut word, &mut out);
                flush_run(&mut run, &mut out);
                pending_break = false;
            }
        }
    }
    flush_word(&mut word, &mut out);
    flush_run(&mut run, &mut out);
    out
}

/// The index text of `text`: its tokens (see the module docs) separated by spaces.
pub fn index_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for token in tokens(text) {
        match token {
            Token::Word(word) => {
                out.push_str(&word);
                out.push(' ');
            }
            Token::CjkRun(run) => push_run(&run, &mut out),
        }
    }
    out.pop();
    out
}

/// The distinct CJK characters of `texts`, space-separated, in the order first seen.
pub fn distinct_cjk(texts: &[&str]) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::new();
    for c in texts.iter().flat_map(|text| text.chars()) {
        if is_cjk_letter(c) && seen.insert(c) {
            out.push(c);
            out.push(' ');
        }
    }
    out.pop();
    out
}

/// A run's pairs, then its last character alone.
fn push_run(run: &[char], out: &mut String) {
    for pair in run.windows(2) {
        out.push(pair[0]);
        out.push(pair[1]);
        out.push(' ');
    }
    if let Some(&last) = run.last() {
        out.push(last);
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_text_of_words_cjk_runs_and_punctuation() {
        let cases = [
            // Words are lowered and width-folded.
            ("Rust’s ＲＵＳＴ rustc-1.0", "rust s rust rustc 1 0"),
            ("Straße ΣΊΣΥΦΟΣ", "straße σίσυφοσ"),
            // A CJK run is its pairs and its last character.
            ("状态机", "状态 态机 机"),
            ("状", "状"),
            ("用MOSN做状态，事务", "用 mosn 做状 状态 态 事务 务"),
            // A soft line break joins a run; a blank line does not.
            ("状态\n机", "状态 态机 机"),
            ("状态\n  机", "状态 态机 机"),
            ("状态\n\n机", "状态 态 机"),
            ("状态 机", "状态 态 机"),
            ("状态\n- 机", "状态 态 机"),
            ("async\nclosure", "async closure"),
            // Markdown punctuation separates.
            ("- `rustc`\n- target/loongarch", "rustc target loongarch"),
            ("", ""),
            ("*** --- ***", ""),
        ];
        for (text, indexed) in cases {
            assert_eq!(index_text(text), indexed, "index_text({text:?})");
        }
    }

    #[test]
    fn distinct_characters_once_each() {
        assert_eq!(distinct_cjk(&["状态，状态 a", "态机"]), "状 态 机");
    }
}
