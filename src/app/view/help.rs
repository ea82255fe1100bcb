//! The `?` screen: every binding of the keymap table with where it applies.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, fit_words, popup_frame};
use crate::app::state::App;
use crate::app::theme::Styles;
use crate::text::display_width;

pub fn draw(frame: &mut Frame, app: &App, area: Rect, scroll: usize, styles: &Styles) {
    let rows = app.keymap.help_rows();
    let size = (76, area.height.saturating_sub(2));
    let hints = ["j/k scroll", "Esc close"];
    let inner = popup_frame(frame, area, size, " Keys ", &hints, styles);
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
