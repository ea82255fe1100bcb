//! The header `show` prints above a post: its title wrapped like the text, then the date
//! and tags on one line (wrapped too), then a rule; and a two-line form for short panes.

use ratatui::text::{Line, Span};

use super::Theme;
use super::sanitize::clean;
use super::wrap::StyledText;

/// What a post's header says: its title, its date as it should read, and its tags. Both
/// forms of the header are drawn from it, so they always say the same.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    pub title: &'a str,
    pub date: Option<&'a str>,
    pub tags: &'a [String],
}

impl Header<'_> {
    /// The title, date and tags as lines above the post's text, each at most `width` columns.
    pub fn lines(&self, width: usize, theme: &Theme) -> Vec<Line<'static>> {
        let width = width.max(1);
        let mut lines = Vec::new();
        let mut title_text = StyledText::default();
        title_text.push(clean(self.title).trim(), theme.title, None, 0);
        push_wrapped(&mut lines, &title_text, width);

        let mut meta = StyledText::default();
        for (text, is_tag) in self.meta_pieces() {
            if !meta.is_empty() {
                meta.push(META_SEPARATOR, theme.meta, None, 0);
            }
            meta.push(&text, if is_tag { theme.tag } else { theme.meta }, None, 0);
        }
        push_wrapped(&mut lines, &meta, width);
        lines.push(Line::from(Span::styled("─".repeat(width), theme.rule)));
        lines.push(Line::default());
        lines
    }

    /// The header for a short pane: the title on one line and the date and tags on another,
    /// each cut with `…`. At 40×12 the full header took 8 of the 9 rows for a long title and
    /// a few tags, and the post's first page showed no text.
    pub fn compact_lines(&self, width: usize, theme: &Theme) -> Vec<Line<'static>> {
        let width = width.max(1);
        let cut = |text: &str| crate::text::truncate_to_width(text, width).into_owned();
        let meta: Vec<String> = self.meta_pieces().map(|(text, _)| text).collect();
        let mut lines = vec![Line::from(Span::styled(
            cut(clean(self.title).trim()),
            theme.title,
        ))];
        if !meta.is_empty() {
            lines.push(Line::from(Span::styled(
                cut(&meta.join(META_SEPARATOR)),
                theme.meta,
            )));
        }
        lines
    }

    /// What the header's second line says, in order: the date, then each tag as `#tag`,
    /// each cleaned and marked whether it is a tag (the full header colours tags apart).
    fn meta_pieces(&self) -> impl Iterator<Item = (String, bool)> + '_ {
        let date = self.date.map(|date| (clean(date), false));
        let tags = self
            .tags
            .iter()
            .map(|tag| (format!("#{}", clean(tag)), true));
        date.into_iter().chain(tags)
    }
}

/// Between the date and the tags of the header's second line.
const META_SEPARATOR: &str = " · ";

fn push_wrapped(lines: &mut Vec<Line<'static>>, text: &StyledText, width: usize) {
    if text.is_empty() {
        return;
    }
    for wrapped in text.wrap(width) {
        let spans: Vec<Span<'static>> = text.spans(wrapped.range).map(|s| s.span).collect();
        let mut line = Line::from(spans);
        // A wide character alone on a line of width 1 is wider than the line: the same
        // guard as the text's keeps the promise.
        super::output::fit_line(&mut line, width);
        lines.push(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn header_wraps_the_title_and_lists_date_and_tags() {
        let tags = ["SOFA Weekly".into(), "MOSN".into()];
        let header = Header {
            title: "SOFA Weekly | MOSN 发布、直播系列整理、0312直播预告",
            date: Some("2020-02-28"),
            tags: &tags,
        };
        let lines: Vec<String> = header
            .lines(26, &Theme::plain())
            .iter()
            .map(|l| l.to_string())
            .collect();
        assert!(lines.iter().all(|l| l.width() <= 26), "{lines:#?}");
        assert!(
            lines.contains(&"2020-02-28 · #SOFA Weekly".to_string()),
            "{lines:#?}"
        );
        assert_eq!(lines[lines.len() - 2], "─".repeat(26));
    }

    #[test]
    fn control_characters_in_titles_are_made_visible() {
        let header = Header {
            title: "a\u{1b}[2Jb",
            date: None,
            tags: &[],
        };
        let lines = header.lines(40, &Theme::plain());
        assert_eq!(lines[0].to_string(), "a␛[2Jb");
    }

    #[test]
    fn wide_characters_at_width_1_keep_the_width() {
        let tags = ["标签".into()];
        let header = Header {
            title: "很长 title",
            date: Some("2021-01-01"),
            tags: &tags,
        };
        let lines = header.lines(1, &Theme::dark());
        assert!(lines.iter().all(|line| line.width() <= 1), "{lines:#?}");
    }
}
