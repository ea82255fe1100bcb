//! The post list: unread mark, star, date and title, newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, focused, pane_block};
use crate::app::keymap::Focus;
use crate::app::layout;
use crate::app::state::App;
use crate::app::theme::Styles;
use crate::text::sanitize_line;

pub fn draw(frame: &mut Frame, app: &App, area: Rect, styles: &Styles) {
    let has_focus = focused(app, Focus::Posts);
    let position = if app.posts.is_empty() {
        String::new()
    } else {
        format!(" {}/{} ", app.post_cursor + 1, app.posts.len())
    };
    let block =
        pane_block(" Posts ", has_focus, styles).title_bottom(Line::from(position).right_aligned());
    let inner = layout::inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let height = inner.height as usize;
    if app.posts.is_empty() {
        let text = if !app.posts_loaded {
            "loading…"
        } else if app.active_search().is_some() || !app.filter_tags().is_empty() || app.unread_only
        {
            "no post matches the filter"
        } else {
            "no posts"
        };
        frame.render_widget(
            Paragraph::new(Line::styled(fit(text, width), styles.dim)),
            inner,
        );
        return;
    }
    let offset = layout::list_offset(app.post_offset, app.post_cursor, height);
    let open_id = app.reader.as_ref().map(|r| r.summary.id);
    let show_date = width >= 30;
    let lines: Vec<Line> = app
        .posts
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, post)| {
            let mark = match (post.starred, post.read) {
                (true, _) => Span::styled("*", styles.star),
                (false, false) => Span::styled("•", styles.unread),
                (false, true) => Span::raw(" "),
            };
            let date = match (&post.date, show_date) {
                (Some(d), true) => format!("{d} "),
                (None, true) => " ".repeat(11),
                _ => String::new(),
            };
            let title_width = width.saturating_sub(1 + crate::text::display_width(&date));
            let title_style = if post.read {
                styles.meta_tag
            } else {
                styles.unread
            };
            let mut line = Line::from(vec![
                mark,
                Span::styled(date, styles.dim),
                Span::styled(fit(&sanitize_line(&post.title), title_width), title_style),
            ]);
            if i == app.post_cursor {
                line = line.style(if has_focus {
                    styles.selected
                } else {
                    styles.selected_unfocused
                });
            } else if Some(post.id) == open_id {
                line = line.style(styles.pinned_tag);
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
