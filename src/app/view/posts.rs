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
use crate::post::PostSummary;
use crate::text::sanitize_line;

pub fn draw(frame: &mut Frame, app: &App, area: Rect, styles: &Styles) {
    let has_focus = focused(app, Focus::Posts);
    let position = if app.posts.is_empty() {
        String::new()
    } else {
        format!(" {}/{} ", app.post_cursor + 1, app.post_count())
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
    // Dates only where they leave the title at least 14 columns (seven Chinese characters):
    // a list of dates without titles says nothing.
    let date_width = app.day_format.width();
    let show_date = width >= 1 + date_width + 1 + 14;
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
                (Some(day), true) => format!("{} ", fit(&app.day_format.format(day), date_width)),
                (None, true) => " ".repeat(date_width + 1),
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
                Span::styled(
                    fit(&sanitize_line(list_title(post)), title_width),
                    title_style,
                ),
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

/// Characters that end a series name at the start of a title ("SOFA Weekly | …").
const TITLE_SEPARATORS: &[char] = &['|', '｜', ':', '：', '-', '–', '—', '·'];

/// The title as the list shows it: without a leading series name that is also one of the
/// post's tags. Every SOFA Weekly title starts "SOFA Weekly | ", which in a narrow pane left
/// every row reading "SOFA Weekly｜SOFA…"; the tag and the reader's header still say it.
fn list_title(post: &PostSummary) -> &str {
    let title = post.title.as_str();
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

    #[test]
    fn a_series_name_that_is_a_tag_leaves_the_list_title() {
        let weekly = ["SOFA Weekly", "MOSN"];
        assert_eq!(
            list_title(&post("SOFA Weekly | MOSN 发布", &weekly)),
            "MOSN 发布"
        );
        assert_eq!(
            list_title(&post("SOFA Weekly｜SOFA 聊天室", &weekly)),
            "SOFA 聊天室"
        );
        assert_eq!(list_title(&post("sofa weekly: 周报", &weekly)), "周报");
    }

    #[test]
    fn other_titles_stay_whole() {
        let weekly = ["SOFA Weekly"];
        assert_eq!(
            list_title(&post("Special Weekly | 年终", &weekly)),
            "Special Weekly | 年终"
        );
        assert_eq!(
            list_title(&post("SOFA Weekly 年度回顾", &weekly)),
            "SOFA Weekly 年度回顾"
        );
        assert_eq!(list_title(&post("SOFA Weekly |", &weekly)), "SOFA Weekly |");
        assert_eq!(list_title(&post("MOSN | x", &[])), "MOSN | x");
    }
}
