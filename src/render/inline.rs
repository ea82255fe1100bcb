//! Collecting a paragraph's inline content into one [`StyledText`]: the style stack
//! (emphasis, strong, links, …), soft breaks that vanish between CJK characters, hard breaks,
//! and control characters made visible on the way in.

use ratatui::style::Style;

use super::breaks::is_cjk_or_fullwidth;
use super::sanitize::push_clean;
use super::wrap::StyledText;

#[derive(Default)]
pub struct Inline {
    pub text: StyledText,
    styles: Vec<Style>,
    /// The link whose text is being collected, as an index into the link list.
    pub link: Option<usize>,
    /// Plain text of the current link, for the link list.
    pub link_text: String,
    pending_soft_break: bool,
    scratch: String,
}

impl Inline {
    /// Starts a paragraph whose text is in `base` (plain text, or the quote style).
    pub fn reset(&mut self, base: Style) {
        self.text = StyledText::default();
        self.styles.clear();
        self.styles.push(base);
        self.link = None;
        self.pending_soft_break = false;
    }

    /// Hands back a paragraph's buffers once it has been emitted, so the next paragraph does
    /// not grow them again from nothing.
    pub fn recycle(&mut self, mut text: StyledText) {
        if self.text.is_empty() && self.text.text.capacity() < text.text.capacity() {
            text.clear();
            self.text = text;
        }
    }

    pub fn take(&mut self) -> StyledText {
        self.pending_soft_break = false;
        std::mem::take(&mut self.text)
    }

    pub fn push_style(&mut self, style: Style) {
        let current = self.style();
        self.styles.push(current.patch(style));
    }

    pub fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    pub fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    /// Adds content text in the current style.
    pub fn push_text(&mut self, text: &str, source: usize) {
        self.push_styled(text, self.style(), source);
    }

    /// Adds text in `style` on top of the current style (code spans, link numbers).
    pub fn push_with(&mut self, text: &str, style: Style, source: usize) {
        self.push_styled(text, self.style().patch(style), source);
    }

    fn push_styled(&mut self, text: &str, style: Style, source: usize) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        push_clean(&mut scratch, text);
        let mut clean = scratch.as_str();
        // A line starts without the spaces its source had after the break (`a<br> b`).
        if self.text.is_empty() || self.text.text.ends_with('\n') {
            clean = clean.trim_start_matches(' ');
        }
        if !clean.is_empty() {
            if std::mem::take(&mut self.pending_soft_break) {
                self.resolve_soft_break(clean, source);
            }
            if self.link.is_some() {
                self.link_text.push_str(clean);
            }
            self.text.push(clean, style, self.link, source);
        }
        self.scratch = scratch;
    }

    /// A newline inside a paragraph: a space between Latin words, nothing between two CJK
    /// characters (SOFA Weekly posts break their Chinese lines mid-sentence; CSS Text 3 does
    /// the same for East Asian wide characters).
    pub fn soft_break(&mut self) {
        if !self.text.is_empty() {
            self.pending_soft_break = true;
        }
    }

    fn resolve_soft_break(&mut self, next: &str, source: usize) {
        let before = self.text.text.chars().next_back();
        let after = next.chars().next();
        // Full-width punctuation carries its own spacing: no space after "。" even before Latin.
        let joins = matches!((before, after), (Some(b), Some(a))
            if is_unspaced(b) && (is_unspaced(a) || is_fullwidth_punctuation(b)));
        if !joins && !self.text.text.ends_with([' ', '\n']) {
            self.text.push(" ", self.style(), self.link, source);
        }
    }

    pub fn hard_break(&mut self, source: usize) {
        self.pending_soft_break = false;
        if !self.text.is_empty() {
            let style = self.style();
            self.text.push("\n", style, None, source);
        }
    }
}

fn is_fullwidth_punctuation(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}')
}

/// Characters of scripts written without spaces between words (not Hangul, which uses
/// spaces).
fn is_unspaced(c: char) -> bool {
    is_cjk_or_fullwidth(c) && !matches!(c, '\u{AC00}'..='\u{D7A3}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(lines: &[&str]) -> String {
        let mut inline = Inline::default();
        inline.reset(Style::new());
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                inline.soft_break();
            }
            inline.push_text(line, 0);
        }
        inline.take().text
    }

    #[test]
    fn soft_breaks_vanish_between_chinese_characters() {
        assert_eq!(
            joined(&["欢迎大家向公众号留言提问", "我们会筛选重点问题"]),
            "欢迎大家向公众号留言提问我们会筛选重点问题"
        );
        assert_eq!(joined(&["提问。", "我们"]), "提问。我们");
        assert_eq!(joined(&["使用的。", "Seata：x"]), "使用的。Seata：x");
    }

    #[test]
    fn soft_breaks_are_spaces_between_latin_words_and_at_script_changes() {
        assert_eq!(joined(&["SOFA", "Weekly"]), "SOFA Weekly");
        assert_eq!(joined(&["使用", "MOSN"]), "使用 MOSN");
        assert_eq!(joined(&["한국어", "문장"]), "한국어 문장");
    }

    #[test]
    fn control_characters_arrive_as_pictures() {
        assert_eq!(joined(&["a\u{1b}[31mb"]), "a␛[31mb");
    }
}
