//! The tags pane: "all posts", then every tag with its count. Topic tags (from the topic
//! vocabulary) are marked `#` and coloured apart from front-matter tags; pinned tags (Space)
//! are marked `+`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{cursor_style, draw_pane, fit, focused, pane_block};
use crate::app::keymap::Focus;
use crate::app::layout;
use crate::app::state::App;
use crate::app::theme::Styles;
use crate::post::TagKind;
use crate::text::{display_width, sanitize_line};

pub fn draw(frame: &mut Frame, app: &App, area: Rect, styles: &Styles) {
    let has_focus = focused(app, Focus::Tags);
    let title = match &app.tag_query {
        Some(q) if has_focus => format!(" Tags /{} ", sanitize_line(q)),
        _ => " Tags ".to_string(),
    };
    let inner = draw_pane(frame, pane_block(title, has_focus, styles), area);
    let width = inner.width as usize;
    let height = inner.height as usize;
    let visible = app.visible_tags();
    let offset = layout::list_offset(app.tag_offset, app.tag_cursor, height);
    let mut lines = Vec::with_capacity(height);
    for row in offset..(visible.len() + 1).min(offset + height) {
        let (mark, name, count, style) = match row.checked_sub(1).map(|i| visible[i]) {
            None => (" ", "All posts".to_string(), None, styles.meta_tag),
            Some(tag) => {
                let pinned = app
                    .pinned_tags
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&tag.tag));
                let (mark, style) = match (pinned, tag.kind) {
                    (true, _) => ("+", styles.pinned_tag),
                    (false, TagKind::Topic) => ("#", styles.topic_tag),
                    (false, TagKind::Meta) => (" ", styles.meta_tag),
                };
                (mark, sanitize_line(&tag.tag), Some(tag.count), style)
            }
        };
        let count = count.map(|c| format!(" {c}")).unwrap_or_default();
        let name_width = width.saturating_sub(1 + display_width(&count));
        let mut line = Line::from(vec![
            Span::styled(mark, style),
            Span::styled(fit(&name, name_width), style),
            Span::styled(count, styles.dim),
        ]);
        if row == app.tag_cursor {
            line = line.style(cursor_style(has_focus, styles));
        }
        lines.push(line);
    }
    if visible.is_empty() && app.tag_query.as_ref().is_some_and(|q| !q.is_empty()) {
        lines.push(Line::styled(fit(" no tag matches", width), styles.dim));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
