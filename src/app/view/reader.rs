//! The reader pane: the post's header and text at the reading width, centred, search
//! matches highlighted, the pictures decoded so far in the rows left for them, and where we
//! are in the post; while no post is open, a preview of the selected one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui_image::sliced::{SignedPosition, SlicedImage};
use unicode_segmentation::UnicodeSegmentation;

use super::{focused, pane_block};
use crate::app::keymap::Focus;
use crate::app::layout;
use crate::app::state::{App, Page};
use crate::app::theme::Styles;
use crate::text::display_width;

pub fn draw(frame: &mut Frame, app: &App, area: Rect, styles: &Styles) {
    let has_focus = focused(app, Focus::Reader);
    let Some(reader) = &app.reader else {
        draw_preview(frame, app, area, styles);
        return;
    };
    let text_area = layout::reader_text(area, app.max_width);
    let height = text_area.height as usize;
    let mut block = pane_block(" Reader ", has_focus, styles);
    let Some(page) = &reader.page else {
        frame.render_widget(block, area);
        let text = match &reader.loading_error {
            Some(e) => Line::styled(crate::text::sanitize_line(e), styles.error),
            None => Line::styled("loading…", styles.dim),
        };
        frame.render_widget(Paragraph::new(text), text_area);
        return;
    };
    let total = page.line_count();
    let max_scroll = total.saturating_sub(height);
    let percent = (reader.scroll.min(max_scroll) * 100)
        .checked_div(max_scroll)
        .unwrap_or(100);
    let mut position = format!(" {}/{} {percent}% ", (reader.scroll + 1).min(total), total);
    if !reader.matches.is_empty() {
        let current = reader.current_match.map_or(0, |i| i + 1);
        position = format!(" match {current}/{} ·{position}", reader.matches.len());
    }
    block = block.title_bottom(Line::from(position).right_aligned());
    frame.render_widget(block, area);

    let header_len = page.header_len();
    let lines: Vec<Line> = (reader.scroll..(reader.scroll + height).min(total))
        .filter_map(|index| {
            let line = page.line(index)?;
            let Some(body_line) = index.checked_sub(header_len) else {
                return Some(line.clone());
            };
            // Every piece on this line: a match cut by a wrap has one on each of its lines.
            let ranges: Vec<(usize, usize, Style)> = reader
                .matches
                .iter()
                .enumerate()
                .flat_map(|(i, m)| {
                    let style = if Some(i) == reader.current_match {
                        styles.current_match
                    } else {
                        styles.search_match
                    };
                    let first = (m.line, m.start_col, m.end_col);
                    let rest = m.continued.iter().map(|p| (p.line, p.start_col, p.end_col));
                    std::iter::once(first)
                        .chain(rest)
                        .filter(|&(line, _, _)| line == body_line)
                        .map(move |(_, start, end)| (start, end, style))
                })
                .collect();
            Some(if ranges.is_empty() {
                line.clone()
            } else {
                highlight(line, &ranges)
            })
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), text_area);
    draw_pictures(frame, app, page, reader.scroll, text_area);
}

/// Draws each decoded picture that is at least partly in view into its rows, sliced at the
/// pane's top and bottom edges. Cells the picture covered before the view moved are text
/// (or blank) again in this frame, so the terminal redraws them; kitty drops a placement
/// whose placeholder cells are gone.
fn draw_pictures(frame: &mut Frame, app: &App, page: &Page, scroll: usize, area: Rect) {
    // Sixel and iTerm2 pictures are painted by the terminal over whatever cells they cover,
    // a popup's too: they wait while a popup is open. Half blocks and kitty's placeholders
    // are cells, which the popup simply draws over.
    if app.popup.is_some() && !app.pictures_are_cells {
        return;
    }
    let header_len = page.header_len();
    for (index, block) in page.rendered.pictures.iter().enumerate() {
        let top = (header_len + block.line) as i64 - scroll as i64;
        let bottom = top + block.rows as i64;
        if bottom <= 0 || top >= i64::from(area.height) {
            continue;
        }
        let Some(drawable) = app.drawn_picture(index) else {
            continue;
        };
        let Ok(y) = i16::try_from(top) else {
            continue;
        };
        let position = SignedPosition::from((0, y));
        frame.render_widget(SlicedImage::new(&drawable.0, position), area);
    }
}

/// The selected post's first page while none is open; the pane's title says Enter opens it.
fn draw_preview(frame: &mut Frame, app: &App, area: Rect, styles: &Styles) {
    if app.items.is_some() || app.posts.is_empty() {
        let hint = if app.items.is_some() {
            "Enter opens the selected item."
        } else {
            ""
        };
        let inner = layout::inner(area);
        frame.render_widget(pane_block(" Reader ", false, styles), area);
        frame.render_widget(
            Paragraph::new(Line::styled(hint, styles.dim)).centered(),
            inner,
        );
        return;
    }
    frame.render_widget(pane_block(" Preview · Enter opens ", false, styles), area);
    let text_area = layout::reader_text(area, app.max_width);
    let Some(page) = app.preview_page() else {
        frame.render_widget(Paragraph::new(Line::styled("…", styles.dim)), text_area);
        return;
    };
    let lines: Vec<Line> = (0..(text_area.height as usize).min(page.line_count()))
        .filter_map(|i| page.line(i).cloned())
        .collect();
    frame.render_widget(Paragraph::new(lines), text_area);
}

/// `line` with the display columns `[start, end)` of each range patched with its style.
pub fn highlight(line: &Line<'_>, ranges: &[(usize, usize, Style)]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut column = 0;
    for span in &line.spans {
        let mut run = String::new();
        let mut run_style: Option<Style> = None;
        for grapheme in span.content.graphemes(true) {
            let hit = ranges
                .iter()
                .find(|(s, e, _)| column >= *s && column < *e)
                .map(|r| r.2);
            let style = match hit {
                Some(h) => span.style.patch(h),
                None => span.style,
            };
            if run_style.is_some_and(|s| s != style) {
                spans.push(Span::styled(std::mem::take(&mut run), run_style.unwrap()));
            }
            run_style = Some(style);
            run.push_str(grapheme);
            column += display_width(grapheme);
        }
        if let Some(style) = run_style {
            spans.push(Span::styled(run, style));
        }
    }
    Line::from(spans).style(line.style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Stylize};

    #[test]
    fn highlight_counts_wide_characters_as_two_columns() {
        let line = Line::from(vec![Span::raw("讲讲"), "状态机".bold()]);
        let mark = Style::new().bg(Color::Yellow);
        let out = highlight(&line, &[(4, 10, mark)]);
        let texts: Vec<&str> = out.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["讲讲", "状态机"]);
        assert_eq!(out.spans[1].style.bg, Some(Color::Yellow));
        assert_eq!(out.spans[0].style.bg, None);
    }

    #[test]
    fn highlight_splits_a_span_at_the_match() {
        let line = Line::from("ab状态机cd");
        let out = highlight(&line, &[(2, 6, Style::new().bg(Color::Red))]);
        let texts: Vec<&str> = out.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["ab", "状态", "机cd"]);
    }
}
