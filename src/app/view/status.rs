//! The title bar (where we are, the filter, how many posts) and the status line (search
//! being typed, messages, sync progress, or the keys that matter now).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fit;
use crate::app::keymap::Focus;
use crate::app::state::App;
use crate::app::theme::Styles;
use crate::text::{display_width, sanitize_line};

pub fn draw_title(frame: &mut Frame, app: &App, area: Rect, styles: &Styles) {
    // On a narrow screen the filter matters more than the program's name.
    let name = if area.width >= 60 {
        "sofa-weekly · "
    } else {
        ""
    };
    let mut parts = vec![format!(" {name}{}", sanitize_line(&app.origin))];
    let tags = app.filter_tags();
    if !tags.is_empty() {
        parts.push(format!("tag {}", sanitize_line(&tags.join(" + "))));
    }
    if let Some(search) = app.active_search() {
        parts.push(format!("/{}", sanitize_line(search)));
    }
    if app.unread_only {
        parts.push("unread".into());
    }
    let count = if app.posts_loaded {
        match app.posts.len() {
            1 if !app.more_posts => "1 post".to_string(),
            _ => format!("{} posts", app.post_count()),
        }
    } else {
        "loading…".to_string()
    };
    // The count matters most: it stays when the rest is cut.
    let width = area.width as usize;
    let count_text = format!(" {count} ");
    let count_width = crate::text::display_width(&count_text);
    let left = fit(&parts.join(" · "), width.saturating_sub(count_width));
    let line = Line::from(vec![Span::raw(left), Span::raw(count_text)]);
    frame.render_widget(Paragraph::new(line).style(styles.title_bar), area);
}

pub fn draw_status(frame: &mut Frame, app: &App, area: Rect, styles: &Styles) {
    let width = area.width as usize;
    let line = if let Some(input) = &app.search_input {
        let text = sanitize_line(&input.text);
        let found = format!("{} found", app.post_count());
        let room = width.saturating_sub(display_width(&text) + 2);
        let hints = [found.as_str(), "Enter keep", "Esc cancel"];
        Line::from(vec![
            Span::styled("/", styles.key_hint),
            Span::raw(text),
            Span::styled("█", styles.dim),
            Span::raw(super::footer_hints(&hints, room)),
        ])
    } else if let Some(note) = &app.note {
        let style = if note.error {
            styles.error
        } else {
            styles.status_bar
        };
        match &note.hint {
            Some(hint) => {
                let hint = format!(" · {} ", sanitize_line(hint));
                let text_width = width.saturating_sub(display_width(&hint));
                Line::from(vec![
                    Span::styled(fit(&sanitize_line(&note.text), text_width), style),
                    Span::styled(hint, styles.key_hint),
                ])
            }
            None => Line::from(Span::styled(fit(&sanitize_line(&note.text), width), style)),
        }
    } else if let Some(sync) = &app.sync {
        let source = sanitize_line(&sync.source);
        let progress = match (sync.total, source.is_empty()) {
            (0, true) => " syncing…".to_string(),
            (0, false) => format!(" syncing {source}…"),
            (total, _) => format!(" syncing {source} {}/{total}…", sync.done),
        };
        Line::from(Span::raw(progress))
    } else if let Some(query) = app
        .tag_query
        .as_ref()
        .filter(|_| app.focus == crate::app::keymap::Focus::Tags)
    {
        let query = sanitize_line(query);
        let room = width.saturating_sub(display_width(&query) + 8);
        let hints = ["type to narrow", "Enter choose", "Esc stop"];
        Line::from(vec![
            Span::styled(" tags: ", styles.key_hint),
            Span::raw(query),
            Span::styled("█", styles.dim),
            Span::raw(super::footer_hints(&hints, room)),
        ])
    } else {
        // In the list, Esc first clears a kept search; say so while there is one.
        let clears_search = app.search.is_some() && app.focus == Focus::Posts;
        let mut hints: Vec<(String, &str)> = Vec::new();
        if clears_search {
            hints.push(("Esc".into(), "clear search"));
        }
        for (key, help) in app.keymap.hints(app.focus) {
            if clears_search && help == "back" {
                continue;
            }
            hints.push((key, help));
        }
        // Whole hints only: one cut in the middle ("links Es") names no key. When they do
        // not all fit, the one for help stays, last: it leads to the others.
        let columns = |(key, help): &(String, &str)| display_width(key) + display_width(help) + 4;
        let help = hints.iter().position(|(_, help)| *help == "help");
        let mut shown: Vec<(String, &str)> = super::whole_hints(&hints, width, columns).to_vec();
        if shown.len() < hints.len()
            && let Some(help) = help.map(|i| hints.remove(i))
        {
            shown =
                super::whole_hints(&hints, width.saturating_sub(columns(&help)), columns).to_vec();
            shown.push(help);
        }
        let spans: Vec<Span> = shown
            .iter()
            .flat_map(|(key, help)| {
                [
                    Span::styled(format!(" {key} "), styles.key_hint),
                    Span::raw(format!(" {help} ")),
                ]
            })
            .collect();
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(line).style(styles.status_bar), area);
}
