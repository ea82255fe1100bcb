//! Drawing, and nothing else: every function here reads an [`App`] and paints a frame. The
//! layout comes from [`super::layout`], the colours from [`super::theme`].

mod help;
mod items;
mod popup;
mod posts;
mod reader;
mod status;
mod tags;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::keymap::Focus;
use super::state::{App, Popup};
use super::theme::Styles;

/// Paints the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let styles = app.theme.styles();
    let area = frame.area();
    if let Some(reason) = &app.fatal {
        draw_fatal(frame, app, reason, &styles);
        return;
    }
    let panes = app.panes();
    status::draw_title(frame, app, panes.title, &styles);
    if let Some(posts) = panes.posts {
        match &app.items {
            Some(view) => items::draw_rows(frame, app, view, posts, &styles),
            None => posts::draw(frame, app, posts, &styles),
        }
    }
    if let Some(reader) = panes.reader {
        reader::draw(frame, app, reader, &styles);
    }
    if let Some(tags) = panes.tags {
        if panes.tags_popup {
            clear(frame, tags);
        }
        match &app.items {
            Some(view) => items::draw_sections(frame, app, view, tags, &styles),
            None => tags::draw(frame, app, tags, &styles),
        }
    }
    status::draw_status(frame, app, panes.status, &styles);
    match &app.popup {
        Some(Popup::Help { scroll }) => help::draw(frame, app, area, *scroll, &styles),
        Some(Popup::Outline { cursor }) => popup::draw_outline(frame, app, area, *cursor, &styles),
        Some(Popup::Links { cursor, typed }) => {
            popup::draw_links(frame, app, area, *cursor, typed, &styles)
        }
        None => {}
    }
}

/// A pane's frame, highlighted when it has the focus.
fn pane_block<'a>(title: impl Into<Line<'a>>, focused: bool, styles: &Styles) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused {
            styles.border_focused
        } else {
            styles.border
        })
        .title(title)
}

fn focused(app: &App, pane: Focus) -> bool {
    app.focus == pane && app.popup.is_none()
}

/// `text` cut to `width` columns, padded to exactly `width`.
fn fit(text: &str, width: usize) -> String {
    crate::text::fit_to_width(text, width)
}

fn draw_fatal(frame: &mut Frame, app: &App, reason: &str, styles: &Styles) {
    let area = frame.area();
    let block = Block::bordered()
        .title(Line::from(" sofa-weekly cannot open the library "))
        .border_style(styles.error);
    let text = vec![
        Line::from(Span::styled(
            crate::text::sanitize_line(&app.origin),
            Style::new().add_modifier(ratatui::style::Modifier::BOLD),
        )),
        Line::from(""),
        Line::from(crate::text::sanitize_line(reason)),
        Line::from(""),
        Line::from("Press q to quit."),
    ];
    frame.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: false }),
        area,
    );
}

/// A bordered popup of `width`×`height` in the middle of `area`, cleared first.
fn popup_area(frame: &mut Frame, area: Rect, width: u16, height: u16) -> Rect {
    let rect = super::layout::centered(area, width, height);
    clear(frame, rect);
    rect
}

/// Clears `rect` for a popup drawn over other panes. A wide character just left of it (a
/// Chinese title in the post list) would cover the popup's first column: the terminal draws
/// it two columns wide and the frame's diff then skips the cell after it, so the popup's left
/// border went missing and its row shifted. Such a character becomes a space.
fn clear(frame: &mut Frame, rect: Rect) {
    frame.render_widget(Clear, rect);
    let Some(left) = rect.x.checked_sub(1) else {
        return;
    };
    let buffer = frame.buffer_mut();
    for y in rect.top()..rect.bottom() {
        if let Some(cell) = buffer.cell_mut((left, y))
            && cell.symbol().width() > 1
        {
            cell.set_symbol(" ");
        }
    }
}

#[cfg(test)]
mod picture_tests;
#[cfg(test)]
mod tests;
