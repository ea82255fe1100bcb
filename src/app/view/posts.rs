//! The post list: unread mark, star, date (or number) and title, newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{
    cursor_style, draw_pane, draw_placeholder, fit, focused, pane_block, visible_rows,
    with_position,
};
use crate::app::keymap::Focus;
use crate::app::series::ShortTitle;
use crate::app::state::App;
use crate::app::theme::Styles;
use crate::post::PostSummary;
use crate::text::sanitize_line;

pub fn draw(frame: &mut Frame, app: &App, area: Rect, styles: &Styles) {
    let has_focus = focused(app, Focus::Posts);
    let block = with_position(
        pane_block(" Posts ", has_focus, styles),
        app.post_cursor,
        app.posts.len(),
        app.post_count(),
    );
    let inner = draw_pane(frame, block, area);
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
        draw_placeholder(frame, text, inner, styles);
        return;
    }
    let open_id = app.reader.as_ref().map(|r| r.summary.id);
    // Dates only where they leave the title at least 14 columns (seven Chinese characters):
    // a list of dates without titles says nothing.
    let date_width = app.day_format.width();
    let show_date = width >= MARK_WIDTH + date_width + 1 + 14;
    let lines = visible_rows(
        &app.posts,
        app.post_offset,
        app.post_cursor,
        height,
        cursor_style(has_focus, styles),
        |post| {
            let short = app.series.short(post);
            let (lead, title) = match (&post.date, show_date) {
                (Some(day), true) => (
                    format!("{} ", fit(&app.day_format.format(day), date_width)),
                    short.joined(),
                ),
                // An undated post shows its number, or else its file, where the day
                // would be: eleven blank columns told nothing apart.
                (None, true) => (
                    format!("{} ", fit_right(&undated_lead(post, &short), date_width)),
                    short.text.clone(),
                ),
                _ => (String::new(), short.joined()),
            };
            let title_width = width.saturating_sub(MARK_WIDTH + crate::text::display_width(&lead));
            let title_style = if post.read {
                styles.meta_tag
            } else {
                styles.unread
            };
            let mut spans = marks(post, styles);
            spans.push(Span::styled(lead, styles.dim));
            spans.push(Span::styled(
                fit(&sanitize_line(list_title(post, &title)), title_width),
                title_style,
            ));
            let line = Line::from(spans);
            // The open post stands out, unless the cursor is on it.
            if Some(post.id) == open_id {
                line.style(styles.pinned_tag)
            } else {
                line
            }
        },
    );
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Columns of the marks before each row: unread, then starred.
const MARK_WIDTH: usize = 2;

/// `•` for unread and `*` for starred, each in its own column, so that a star never hides
/// whether the post is read.
fn marks(post: &PostSummary, styles: &Styles) -> Vec<Span<'static>> {
    vec![
        if post.read {
            Span::raw(" ")
        } else {
            Span::styled("•", styles.unread)
        },
        if post.starred {
            Span::styled("*", styles.star)
        } else {
            Span::raw(" ")
        },
    ]
}

/// What stands in the date column for an undated post: `#296`, else its file's name.
fn undated_lead(post: &PostSummary, short: &ShortTitle) -> String {
    if let Some(number) = &short.number {
        return format!("#{number}");
    }
    let path = std::path::Path::new(&post.path);
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    // `issue-12/index.md`: the folder names the post, not `index`.
    let named = if matches!(stem.to_ascii_lowercase().as_str(), "index" | "readme") {
        path.parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or(stem)
    } else {
        stem
    };
    sanitize_line(named)
}

/// `text` cut to `width` columns, padded on the left: numbers line up at their end.
fn fit_right(text: &str, width: usize) -> String {
    let cut = crate::text::fit_to_width(text, width);
    let trimmed = cut.trim_end();
    let pad = width.saturating_sub(crate::text::display_width(trimmed));
    format!("{}{trimmed}", " ".repeat(pad))
}

/// Characters that end a series name at the start of a title ("SOFA Weekly | …").
const TITLE_SEPARATORS: &[char] = &['|', '｜', ':', '：', '-', '–', '—', '·'];

/// The title as the list shows it: `shown` (the title without its series' shared start, see
/// [`crate::app::series`]), also without a leading series name that is one of the post's
/// tags. Every SOFA Weekly title starts "SOFA Weekly | ", which in a narrow pane left every
/// row reading "SOFA Weekly｜SOFA…"; the tag and the reader's header still say it. The tag
/// rule still counts for a list with a single post of the series.
fn list_title<'a>(post: &PostSummary, shown: &'a str) -> &'a str {
    let title = shown;
    for tag in &post.tags {
        let Some(head) = title.get(..tag.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(tag) {
            continue;
        }
        let rest = title[tag.len()..].trim_start();
        if let Some(rest) = rest.strip_prefix(TITLE_SEPARATORS) {
            let rest = rest.trim_start();
            if !rest.is_empty() {
                return rest;
            }
        }
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(title: &str, tags: &[&str]) -> PostSummary {
        PostSummary {
            id: 1,
            title: title.to_string(),
            date: None,
            tags: tags.iter().map(|tag| tag.to_string()).collect(),
            source: "s".into(),
            path: "p.md".into(),
            read: false,
            starred: false,
        }
    }

    fn title_of(title: &str, tags: &[&str]) -> String {
        let post = post(title, tags);
        list_title(&post, &post.title).to_string()
    }

    #[test]
    fn a_series_name_that_is_a_tag_leaves_the_list_title() {
        let weekly = ["SOFA Weekly", "MOSN"];
        assert_eq!(title_of("SOFA Weekly | MOSN 发布", &weekly), "MOSN 发布");
        assert_eq!(title_of("SOFA Weekly｜SOFA 聊天室", &weekly), "SOFA 聊天室");
        assert_eq!(title_of("sofa weekly: 周报", &weekly), "周报");
    }

    #[test]
    fn other_titles_stay_whole() {
        let weekly = ["SOFA Weekly"];
        assert_eq!(
            title_of("Special Weekly | 年终", &weekly),
            "Special Weekly | 年终"
        );
        assert_eq!(
            title_of("SOFA Weekly 年度回顾", &weekly),
            "SOFA Weekly 年度回顾"
        );
        assert_eq!(title_of("SOFA Weekly |", &weekly), "SOFA Weekly |");
        assert_eq!(title_of("MOSN | x", &[]), "MOSN | x");
    }
}
