//! The reader's popups: the outline of headings (`i`), the numbered links (`f`) and how the
//! last sync went (`R`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, popup_frame, popup_height};
use crate::app::layout;
use crate::app::state::App;
use crate::app::theme::Styles;
use crate::render::{Heading, LinkRef, Rendered};
use crate::text::sanitize_line;

fn list_popup(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    footer: &[&str],
    rows: Vec<String>,
    cursor: usize,
    styles: &Styles,
) {
    let size = (70, popup_height(rows.len(), area));
    let inner = popup_frame(frame, area, size, title, footer, styles);
    let visible = inner.height as usize;
    let offset = layout::list_offset(0, cursor, visible);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, row)| {
            let line = Line::from(Span::raw(fit(row, inner.width as usize)));
            if i == cursor {
                line.style(styles.selected)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The open post's rendered text, once it has come back from the worker: the outline and
/// the links popups list its headings and links, and draw nothing before.
fn open_rendered(app: &App) -> Option<&Rendered> {
    let page = app.reader.as_ref()?.page.as_ref()?;
    Some(&page.rendered)
}

/// A heading as the outline lists it: indented two spaces for each level below the first.
fn outline_row(heading: &Heading) -> String {
    let indent = "  ".repeat(heading.level.saturating_sub(1) as usize);
    format!("{indent}{}", sanitize_line(&heading.text))
}

/// A link as the links popup lists it: its number, `image` for a picture, and its text
/// before the URL unless the text is empty or the URL itself.
fn link_row(link: &LinkRef) -> String {
    let text = sanitize_line(&link.text);
    let url = sanitize_line(&link.url);
    let kind = if link.is_image { "image " } else { "" };
    if text.is_empty() || text == url {
        format!("[{}] {kind}{url}", link.number)
    } else {
        format!("[{}] {kind}{text} — {url}", link.number)
    }
}

pub fn draw_outline(frame: &mut Frame, app: &App, area: Rect, cursor: usize, styles: &Styles) {
    let Some(rendered) = open_rendered(app) else {
        return;
    };
    let rows = rendered.headings.iter().map(outline_row).collect();
    list_popup(
        frame,
        area,
        " Outline ",
        &["Enter jump", "Esc close"],
        rows,
        cursor,
        styles,
    );
}

pub fn draw_links(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    cursor: usize,
    typed: &str,
    styles: &Styles,
) {
    let Some(rendered) = open_rendered(app) else {
        return;
    };
    let rows = rendered.links.iter().map(link_row).collect();
    let typed = format!("{typed}…");
    let footer: &[&str] = if typed.len() == "…".len() {
        &["number/Enter open", "y copy", "Esc close"]
    } else {
        &[&typed]
    };
    list_popup(frame, area, " Links ", footer, rows, cursor, styles);
}

/// Every source's result of the last sync, whole: wrapped, never cut.
pub fn draw_sync_results(frame: &mut Frame, app: &App, area: Rect, scroll: usize, styles: &Styles) {
    let width = area.width.saturating_sub(4).min(90);
    let inner_width = width.saturating_sub(2).max(1) as usize;
    let lines: Vec<Line> = app
        .sync_results
        .iter()
        .flat_map(|result| {
            let text = sanitize_line(result);
            crate::render::wrap::wrap_ranges(&text, inner_width)
                .into_iter()
                .map(|range| Line::from(text[range].trim_end().to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    let size = (width, popup_height(lines.len(), area));
    let hints = ["j/k scroll", "Esc close"];
    let inner = popup_frame(frame, area, size, " Last sync ", &hints, styles);
    let offset = scroll.min(lines.len().saturating_sub(inner.height as usize));
    let shown: Vec<Line> = lines.into_iter().skip(offset).collect();
    frame.render_widget(Paragraph::new(shown).style(styles.popup), inner);
}
