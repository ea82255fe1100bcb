//! Keeps terminal control characters out of rendered text: C0 controls become their visible
//! Control Pictures (U+2400 block), DEL becomes ␡, and C1 controls and bidi overrides are
//! dropped (see [`crate::text::is_forbidden`]). Everything the renderer shows from content
//! goes through here once, so neither the view nor `write_ansi` has to think about it.

use crate::text::{any_control_like, is_forbidden};

/// Appends `text` to `out` with control characters made harmless. Tabs become a space
/// (prose has no tab stops; code blocks expand tabs before calling this), newlines a space.
pub fn push_clean(out: &mut String, text: &str) {
    if !any_control_like(text, |c| {
        is_forbidden(c) || c == '\t' || c == '\n' || c == ZWJ
    }) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '\t' | '\n' => out.push(' '),
            '\r' => {}
            // A joiner belongs in emoji sequences (👨‍👩‍👧). Between other characters (it turns
            // up inside Chinese text pasted from editors) terminals disagree on its width and
            // shift the rest of the line, so it goes.
            ZWJ if !out.chars().next_back().is_some_and(joins_emoji) => {}
            c => {
                if let Some(shown) = visible(c) {
                    out.push(shown);
                }
            }
        }
    }
}

const ZWJ: char = '\u{200d}';

/// Whether `c` can stand before a zero-width joiner in an emoji sequence: a pictograph, a
/// skin-tone modifier or the emoji variation selector.
fn joins_emoji(c: char) -> bool {
    matches!(c, '\u{2600}'..='\u{27bf}' | '\u{1f000}'..='\u{1faff}' | '\u{fe0f}')
}

/// `text` made harmless, for single-line fields (link targets, heading text).
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_clean(&mut out, text);
    out
}

/// How a character is shown: itself, a control picture, or nothing.
pub fn visible(c: char) -> Option<char> {
    if !is_forbidden(c) {
        return Some(c);
    }
    match c {
        // A carriage return is part of a line ending (CRLF files), not content.
        '\r' => None,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('\u{2421}'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_pictures() {
        assert_eq!(clean("a\u{1b}[2Jb\u{7}"), "a␛[2Jb␇");
    }

    #[test]
    fn c1_controls_and_bidi_overrides_are_dropped() {
        assert_eq!(clean("x\u{9b}31my\u{202e}z\u{2066}"), "x31myz");
    }

    #[test]
    fn joiners_stay_in_emoji_sequences_only() {
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(clean(family), family);
        assert_eq!(clean("🏳\u{fe0f}\u{200d}🌈"), "🏳\u{fe0f}\u{200d}🌈");
        assert_eq!(clean("做不\u{200d}到"), "做不到");
        assert_eq!(clean("\u{200d}a"), "a");
    }

    #[test]
    fn tabs_and_newlines_become_spaces_and_cr_goes() {
        assert_eq!(clean("a\tb\r\nc"), "a b c");
    }
}
