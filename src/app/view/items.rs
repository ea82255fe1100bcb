//! The items view's two panes, where tags and posts are otherwise: sections with their
//! issue and item counts (most issues first), and the chosen section's items with their
//! date and newsletter.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{
    cursor_style, draw_pane, draw_placeholder, fit, focused, pane_block, visible_rows,
    with_position,
};
use crate::app::keymap::Focus;
use crate::app::state::{App, ItemsView};
use crate::app::theme::Styles;
use crate::text::{display_width, sanitize_line};

pub fn draw_sections(frame: &mut Frame, app: &App, view: &ItemsView, area: Rect, styles: &Styles) {
    let has_focus = focused(app, Focus::Tags);
    let inner = draw_pane(frame, pane_block(" Sections ", has_focus, styles), area);
    let width = inner.width as usize;
    let height = inner.height as usize;
    if view.sections.is_empty() {
        draw_placeholder(frame, "no sections", inner, styles);
        return;
    }
    let lines = visible_rows(
        &view.sections,
        view.section_offset,
        view.section_cursor,
        height,
        cursor_style(has_focus, styles),
        |section| {
            // Issues, then items: "154·446".
            let count = format!(" {}·{}", section.posts, section.items);
            let style = if section.kind.is_some() {
                styles.topic_tag
            } else {
                styles.meta_tag
            };
            let name_width = width.saturating_sub(display_width(&count));
            Line::from(vec![
                Span::styled(fit(&sanitize_line(&section.name), name_width), style),
                Span::styled(count, styles.dim),
            ])
        },
    );
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn draw_rows(frame: &mut Frame, app: &App, view: &ItemsView, area: Rect, styles: &Styles) {
    let has_focus = focused(app, Focus::Posts);
    let title = match &view.search {
        Some(q) => format!(" Items /{} ", sanitize_line(q)),
        None => " Items ".to_string(),
    };
    let block = with_position(
        pane_block(title, has_focus, styles),
        view.row_cursor,
        view.rows.len(),
        view.rows.len(),
    );
    let inner = draw_pane(frame, block, area);
    let width = inner.width as usize;
    let height = inner.height as usize;
    if view.rows.is_empty() {
        let text = if view.rows_loaded {
            "no items"
        } else {
            "loading…"
        };
        draw_placeholder(frame, text, inner, styles);
        return;
    }
    let date_width = app.day_format.width();
    // Date and newsletter only where they leave the title 14 columns.
    let source_width = 12;
    let show_date = width >= date_width + 1 + 14;
    let show_source = width >= date_width + 1 + source_width + 1 + 24;
    let lines = visible_rows(
        &view.rows,
        view.row_offset,
        view.row_cursor,
        height,
        cursor_style(has_focus, styles),
        |row| {
            let date = match (&row.date, show_date) {
                (Some(day), true) => format!("{} ", fit(&app.day_format.format(day), date_width)),
                (None, true) => " ".repeat(date_width + 1),
                _ => String::new(),
            };
            let source = if show_source {
                format!(" {}", fit(&sanitize_line(&row.source), source_width))
            } else {
                String::new()
            };
            let title_width = width.saturating_sub(display_width(&date) + display_width(&source));
            let title = row.title.lines().next().unwrap_or("");
            Line::from(vec![
                Span::styled(date, styles.dim),
                Span::styled(fit(&sanitize_line(title), title_width), styles.meta_tag),
                Span::styled(source, styles.dim),
            ])
        },
    );
    frame.render_widget(Paragraph::new(lines), inner);
}
