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
        Some(Popup::SyncResults { scroll }) => {
            popup::draw_sync_results(frame, app, area, *scroll, &styles)
        }
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

/// Paints a pane's frame and returns the area inside it, where its rows go.
fn draw_pane(frame: &mut Frame, block: Block<'_>, area: Rect) -> Rect {
    let inner = super::layout::inner(area);
    frame.render_widget(block, area);
    inner
}

/// A list's place, " 3/40 ", on the right of its bottom border (`len` rows loaded, `total`
/// as shown: "40+" while more can be loaded); nothing while the list is empty.
fn with_position<'a>(
    block: Block<'a>,
    cursor: usize,
    len: usize,
    total: impl std::fmt::Display,
) -> Block<'a> {
    let position = if len == 0 {
        String::new()
    } else {
        format!(" {}/{total} ", cursor + 1)
    };
    block.title_bottom(Line::from(position).right_aligned())
}

/// The row under a list's cursor: bright while its pane has the focus, dimmer otherwise,
/// so the place stays visible while another pane is worked in.
fn cursor_style(has_focus: bool, styles: &Styles) -> Style {
    if has_focus {
        styles.selected
    } else {
        styles.selected_unfocused
    }
}

/// The rows of a list that fit `height`, from where its cursor stays in view, the row under
/// the cursor highlighted: each list pane says only how one of its rows looks.
fn visible_rows<T>(
    items: &[T],
    offset: usize,
    cursor: usize,
    height: usize,
    highlight: Style,
    mut row: impl FnMut(&T) -> Line<'static>,
) -> Vec<Line<'static>> {
    let offset = super::layout::list_offset(offset, cursor, height);
    items
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, item)| {
            let line = row(item);
            if i == cursor {
                line.style(highlight)
            } else {
                line
            }
        })
        .collect()
}

/// A list pane with no rows says why in one dim line ("loading…", "no items").
fn draw_placeholder(frame: &mut Frame, text: &str, inner: Rect, styles: &Styles) {
    let width = inner.width as usize;
    frame.render_widget(
        Paragraph::new(Line::styled(fit(text, width), styles.dim)),
        inner,
    );
}

/// `text` cut to `width` columns, padded to exactly `width`.
fn fit(text: &str, width: usize) -> String {
    crate::text::fit_to_width(text, width)
}

/// `text` cut at a word's end to fit `width` columns (with `…` when cut), padded to exactly
/// `width`: help read "umber/Enter open" when cut by the column.
fn fit_words(text: &str, width: usize) -> String {
    if crate::text::display_width(text) <= width {
        return fit(text, width);
    }
    let room = width.saturating_sub(1);
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if crate::text::display_width(&text[..i + c.len_utf8()]) > room {
            break;
        }
        if c.is_whitespace() {
            end = i;
        }
    }
    // A single word longer than the room is cut where it must be.
    let cut = if end == 0 {
        crate::text::truncate_to_width(text, width).into_owned()
    } else {
        format!("{}…", text[..end].trim_end())
    };
    fit(&cut, width)
}

/// The hints that fit in `width` columns, whole, in order, each `columns` wide: a footer cut
/// mid-hint ("links Es") says nothing about its last key.
fn whole_hints<T>(hints: &[T], width: usize, columns: impl Fn(&T) -> usize) -> &[T] {
    let mut used = 0;
    let mut count = 0;
    for hint in hints {
        used += columns(hint);
        if used > width {
            break;
        }
        count += 1;
    }
    &hints[..count]
}

/// A popup's footer of `·`-separated hints, cut to whole hints that fit `width`.
fn footer_hints(hints: &[&str], width: usize) -> String {
    let sep = " · ";
    let sep_width = crate::text::display_width(sep);
    let fits = whole_hints(hints, width.saturating_sub(2), |h| {
        crate::text::display_width(h) + sep_width
    });
    // The last one needs no separator after it: take one more if that makes it fit.
    let mut shown: Vec<&str> = fits.to_vec();
    if shown.len() < hints.len() {
        let with_next: Vec<&str> = hints[..shown.len() + 1].to_vec();
        let total = with_next
            .iter()
            .map(|h| crate::text::display_width(h))
            .sum::<usize>()
            + sep_width * (with_next.len() - 1)
            + 2;
        if total <= width {
            shown = with_next;
        }
    }
    if shown.is_empty() {
        return String::new();
    }
    format!(" {} ", shown.join(sep))
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

/// A bordered popup of `width`×`height` in the middle of `area`, cleared first, with `title`
/// on its top border and as many of `hints` as fit at its bottom right. Returns the area
/// inside the border, for the popup's text.
fn popup_frame(
    frame: &mut Frame,
    area: Rect,
    (width, height): (u16, u16),
    title: &str,
    hints: &[&str],
    styles: &Styles,
) -> Rect {
    let rect = super::layout::centered(area, width, height);
    clear(frame, rect);
    let footer = footer_hints(hints, rect.width.saturating_sub(2) as usize);
    let block = Block::bordered()
        .title(title.to_string())
        .title_bottom(Line::from(footer).right_aligned())
        .border_style(styles.border_focused);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

/// The height of a popup of `rows` rows over `area`: the rows and the border, at least one
/// row inside, and a row of `area` left free above and below.
fn popup_height(rows: usize, area: Rect) -> u16 {
    (rows as u16 + 2).min(area.height.saturating_sub(2)).max(3)
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
