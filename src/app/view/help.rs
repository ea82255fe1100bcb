//! The `?` screen: every binding of the keymap table with where it applies.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{fit, fit_words, footer_hints, popup_area};
use crate::app::state::App;
use crate::app::theme::Styles;
use crate::text::display_width;

pub fn draw(frame: &mut Frame, app: &App, area: Rect, scroll: usize, styles: &Styles) {
    let rows = app.keymap.help_rows();
    let rect = popup_area(frame, area, 76, area.height.saturating_sub(2));
    let block = Block::bordered()
        .title(" Keys ")
        .title_bottom(
            Line::from(footer_hints(
                &["j/k scroll", "Esc close"],
                rect.width.saturating_sub(2) as usize,
            ))
            .right_aligned(),
        )
        .border_style(styles.border_focused);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let key_width = rows
        .iter()
        .map(|r| display_width(&r.0))
        .max()
        .unwrap_or(0)
        .min(20);
    let scope_width = 10;
    let help_width = (inner.width as usize).saturating_sub(key_width + scope_width + 2);
    let lines: Vec<Line> = rows
        .iter()
        .skip(scroll.min(rows.len().saturating_sub(inner.height as usize)))
        .take(inner.height as usize)
        .map(|(keys, scope, help)| {
            Line::from(vec![
                Span::styled(fit(keys, key_width), styles.pinned_tag),
                Span::raw(" "),
                Span::styled(fit(scope, scope_width), styles.dim),
                Span::raw(" "),
                Span::raw(fit_words(help, help_width)),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).style(styles.popup), inner);
}
