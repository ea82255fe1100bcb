//! Keys in, state out: the reader driven without a terminal.

use std::time::Duration;

use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::*;
use crate::app::store::{MemoryStore, Store};
use crate::app::testing::{Harness, TOPICS, job_of, numbered_posts, post, press, titles};

mod session;
mod sync;

fn ids(app: &App) -> Vec<PostId> {
    app.posts.iter().map(|p| p.id).collect()
}

/// The post open in the reader, which the test has opened.
#[track_caller]
fn reader_of(app: &App) -> &Reader {
    app.reader.as_ref().expect("a post is open")
}

/// No tag filters the list: it shows all five sample posts.
#[track_caller]
fn assert_unfiltered(app: &App) {
    assert!(app.filter_tags().is_empty());
    assert_eq!(ids(app).len(), 5);
}

#[test]
fn starts_with_every_post_newest_first_and_the_tags_by_use() {
    let h = Harness::new(100, 30);
    assert_eq!(ids(&h.app), [3, 2, 1, 4, 5]);
    let tags: Vec<&str> = h.app.tags.iter().map(|t| t.tag.as_str()).collect();
    assert_eq!(&tags[..2], ["SOFA Weekly", "MOSN"]);
    let mosn = h.app.tags.iter().find(|t| t.tag == "MOSN").unwrap();
    assert_eq!(mosn.kind, crate::post::TagKind::Topic);
    assert_eq!(h.app.focus, Focus::Posts);
}

#[test]
fn brackets_step_the_tag_filter_and_the_list_follows() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "]");
    assert_eq!(h.app.filter_tags(), ["SOFA Weekly"]);
    assert_eq!(ids(&h.app), [3, 2, 1, 4]);
    press(&mut h, "]");
    assert_eq!(h.app.filter_tags(), ["MOSN"]);
    assert_eq!(ids(&h.app), [3, 1], "only posts tagged MOSN");
    press(&mut h, "[");
    assert_eq!(h.app.filter_tags(), ["SOFA Weekly"]);
    press(&mut h, "[[[");
    assert_unfiltered(&h.app);
}

#[test]
fn brackets_work_while_reading_and_keep_the_post_open() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<Enter>");
    assert_eq!(h.app.focus, Focus::Reader);
    press(&mut h, "]]");
    assert_eq!(h.app.focus, Focus::Reader);
    assert_eq!(reader_of(&h.app).summary.id, 3);
    assert_eq!(ids(&h.app), [3, 1]);
}

#[test]
fn moving_in_the_tags_pane_filters_live_and_space_adds_tags_to_an_and_filter() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "h");
    assert_eq!(h.app.focus, Focus::Tags);
    press(&mut h, "j");
    assert_eq!(ids(&h.app), [3, 2, 1, 4]);
    press(&mut h, "<Space>j");
    assert_eq!(h.app.filter_tags(), ["SOFA Weekly", "MOSN"]);
    assert_eq!(ids(&h.app), [3, 1]);
    press(&mut h, "j");
    assert_eq!(h.app.cursor_tag().unwrap().tag, "Layotto");
    assert!(
        ids(&h.app).is_empty(),
        "no SOFA Weekly post is tagged Layotto"
    );
    press(&mut h, "T");
    assert_unfiltered(&h.app);
}

#[test]
fn t_narrows_the_tags_by_typing_and_enter_goes_to_the_posts() {
    let mut h = Harness::new(60, 20);
    press(&mut h, "tsea");
    assert_eq!(h.app.focus, Focus::Tags);
    assert!(h.app.panes().tags_popup);
    let visible: Vec<&str> = h
        .app
        .visible_tags()
        .iter()
        .map(|t| t.tag.as_str())
        .collect();
    assert_eq!(visible, ["Seata"]);
    assert_eq!(ids(&h.app), [2]);
    press(&mut h, "<Enter>");
    assert_eq!(h.app.focus, Focus::Posts);
    assert_eq!(h.app.tag_query, None);
    assert_eq!(h.app.filter_tags(), ["Seata"]);
    assert_eq!(ids(&h.app), [2]);
}

#[test]
fn search_keeps_matching_posts_on_enter_and_highlights_them_in_the_reader() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "/状态机");
    assert_eq!(ids(&h.app), [2], "the list follows while typing");
    press(&mut h, "<Enter>");
    assert_eq!(h.app.search.as_deref(), Some("状态机"));
    assert_eq!(ids(&h.app), [2]);
    press(&mut h, "<Enter>");
    let reader = reader_of(&h.app);
    assert_eq!(reader.matches.len(), 3);
    assert_eq!(reader.current_match, Some(0));
    press(&mut h, "n");
    assert_eq!(reader_of(&h.app).current_match, Some(1));
    press(&mut h, "NN");
    assert_eq!(reader_of(&h.app).current_match, Some(2));
}

#[test]
fn a_typed_search_selects_its_best_match_not_the_post_selected_before() {
    let posts = vec![
        post(1, "2024-02-01", "Newest", &[], "Mentions kernel once."),
        post(2, "2019-01-01", "Kernel notes", &[], "All about it."),
    ];
    let mut h = Harness::with_posts(posts, 100, 30);
    assert_eq!(h.app.selected_post().map(|p| p.id), Some(1));
    press(&mut h, "/kernel");
    assert_eq!(ids(&h.app), [2, 1], "the title match first");
    assert_eq!(h.app.selected_post().map(|p| p.id), Some(2));
    press(&mut h, "<Enter>j");
    assert_eq!(h.app.selected_post().map(|p| p.id), Some(1));
    // A list loaded again for the same search keeps the selection.
    let effects = h.app.reload_list();
    h.run(effects);
    assert_eq!(h.app.selected_post().map(|p| p.id), Some(1));
}

#[test]
fn escape_cancels_a_search_and_brings_the_list_back() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "/mosn");
    assert_eq!(ids(&h.app), [3, 1], "case-insensitive, titles and bodies");
    press(&mut h, "<Esc>");
    assert_eq!(h.app.search, None);
    assert_eq!(ids(&h.app).len(), 5);
}

#[test]
fn search_finds_text_only_in_bodies() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "/云原生网络代理<Enter>");
    assert_eq!(ids(&h.app), [1]);
    press(&mut h, "<Esc>");
    assert_eq!(h.app.search, None, "Esc in the list clears a kept search");
    assert_eq!(ids(&h.app).len(), 5);
}

#[test]
fn replies_to_old_queries_are_ignored() {
    let mut h = Harness::new(100, 30);
    let first = h.app.update(Action::TagNext);
    let second = h.app.update(Action::TagNext);
    let style = h.page_style();
    let newer = crate::app::worker::run(&h.store, &style, job_of(second[0].clone())).unwrap();
    let older = crate::app::worker::run(&h.store, &style, job_of(first[0].clone())).unwrap();
    h.app.on_worker(newer);
    h.app.on_worker(older);
    assert_eq!(
        ids(&h.app),
        [3, 1],
        "the MOSN list stays, the late SOFA Weekly one is dropped"
    );
}

#[test]
fn opening_a_post_renders_it_and_j_k_move_between_posts() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "j<Enter>");
    let reader = reader_of(&h.app);
    assert_eq!(reader.summary.id, 2);
    let page = reader.page.as_ref().unwrap();
    assert_eq!(page.width, h.app.reader_width());
    assert!(page.line_count() > page.header_len());
    press(&mut h, "J");
    assert_eq!(reader_of(&h.app).summary.id, 1);
    assert_eq!(h.app.post_cursor, 2, "the list follows the reader");
    press(&mut h, "KK");
    assert_eq!(reader_of(&h.app).summary.id, 3);
    press(&mut h, "K");
    assert_eq!(h.app.note.as_ref().unwrap().text, "first post");
    press(&mut h, "<Esc>");
    assert_eq!(h.app.focus, Focus::Posts);
    assert_eq!(h.app.post_cursor, 0);
}

#[test]
fn the_reader_scrolls_within_the_post() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<Enter>");
    let max = h.app.max_scroll();
    assert!(max > 30, "the long post needs scrolling");
    press(&mut h, "jjj");
    assert_eq!(reader_of(&h.app).scroll, 3);
    press(&mut h, "<Space>");
    let page = h.app.reader_height() - 1;
    assert_eq!(reader_of(&h.app).scroll, 3 + page);
    press(&mut h, "b<C-d>");
    assert_eq!(reader_of(&h.app).scroll, 3 + page / 2);
    press(&mut h, "G");
    assert_eq!(reader_of(&h.app).scroll, max);
    press(&mut h, "jjj");
    assert_eq!(reader_of(&h.app).scroll, max);
    press(&mut h, "g");
    assert_eq!(reader_of(&h.app).scroll, 0);
}

#[test]
fn a_post_open_for_a_moment_is_marked_read() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<Enter>");
    let opened = reader_of(&h.app).opened_at;
    assert!(h.app.tick(opened + Duration::from_millis(500)).is_empty());
    let effects = h.app.tick(opened + READ_AFTER);
    assert_eq!(effects, [Effect::SetRead { id: 3, read: true }]);
    h.run(effects);
    assert!(h.app.posts[0].read);
    assert!(h.store.post(3).unwrap().unwrap().summary.read);
    assert!(h.app.next_deadline().is_none());
    assert!(
        h.app.tick(opened + READ_AFTER * 2).is_empty(),
        "marked once"
    );
}

#[test]
fn u_hides_read_posts_and_m_s_toggle_flags() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "m");
    assert!(h.store.post(3).unwrap().unwrap().summary.read);
    press(&mut h, "js");
    assert!(h.store.post(2).unwrap().unwrap().summary.starred);
    press(&mut h, "u");
    assert_eq!(ids(&h.app), [2, 1, 4, 5]);
    assert_eq!(
        h.app.selected_post().unwrap().id,
        2,
        "the selection stays on its post"
    );
    press(&mut h, "u");
    assert_eq!(ids(&h.app).len(), 5);
}

#[test]
fn resizing_rewraps_at_the_new_width_at_the_same_place_in_the_text() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<Enter>");
    press(&mut h, "<C-d><C-d><C-d>");
    let before = reader_of(&h.app);
    let offset = before.page.as_ref().unwrap().anchor(before.scroll);
    let old_width = before.page.as_ref().unwrap().width;
    let effects = h.app.resize(60, 20);
    assert!(matches!(effects[..], [Effect::LoadPost { width, .. }] if width != old_width));
    h.run(effects);
    let after = reader_of(&h.app);
    let page = after.page.as_ref().unwrap();
    assert_eq!(page.width, h.app.reader_width());
    // The top line is the first line of the block holding the old top line's text.
    let line = after.scroll - page.header_len();
    let offsets = &page.rendered.line_offsets;
    assert!(offsets[line] <= offset, "{} <= {offset}", offsets[line]);
    assert!(
        offsets
            .get(line + 1)
            .is_none_or(|&next| next <= offset || next > offsets[line])
    );
    assert_eq!(line, page.rendered.line_for_offset(offset));
    assert!(page.rendered.lines[line].width() > 0, "not a blank line");
    // Back to the old size: served from the cache, no query.
    assert!(h.app.resize(100, 30).is_empty());
}

#[test]
fn links_open_by_number_and_only_safe_schemes_are_opened() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "jj<Enter>f");
    assert!(matches!(h.app.popup, Some(Popup::Links { .. })));
    press(&mut h, "1");
    assert_eq!(
        h.outside,
        [Effect::OpenUrl("https://example.org/event".into())]
    );
    assert_eq!(h.app.popup, None);
    press(&mut h, "fj<Enter>");
    assert_eq!(
        h.outside[1],
        Effect::OpenUrl("mailto:sofa@example.org".into())
    );
    assert!(!is_openable("javascript:alert(1)"));
    assert!(!is_openable("file:///etc/passwd"));
    assert!(!is_openable("https://a.example/ x"));
    // A bidi override would make the status line show another address than the one opened.
    assert!(!is_openable("https://a.example/\u{202e}moc.evil"));
    assert!(!is_openable("https://a.example/\u{2066}x"));
    assert!(!is_openable("data:text/html,x"));
    assert!(!is_openable("  javascript:alert(1)"));
    assert!(is_openable("HTTPS://example.org/"));
}

#[test]
fn o_opens_and_y_copies_the_posts_web_page() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<Enter>oy");
    assert_eq!(
        h.outside,
        [
            Effect::OpenUrl("https://example.org/blog/issue-3/".into()),
            Effect::Copy("https://example.org/blog/issue-3/".into()),
        ]
    );
}

#[test]
fn the_outline_jumps_to_a_heading() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "jj<Enter>i");
    assert!(matches!(h.app.popup, Some(Popup::Outline { cursor: 0 })));
    press(&mut h, "j<Enter>");
    let reader = reader_of(&h.app);
    let page = reader.page.as_ref().unwrap();
    let target = page.header_len() + page.rendered.headings[1].line;
    assert_eq!(reader.scroll, target.min(h.app.max_scroll()));
    assert_eq!(h.app.popup, None);
}

#[test]
fn narrow_screens_take_turns_between_list_and_reader() {
    let mut h = Harness::new(60, 20);
    assert!(h.app.panes().reader.is_none());
    press(&mut h, "<Enter>");
    let panes = h.app.panes();
    assert!(panes.posts.is_none());
    assert_eq!(panes.reader.unwrap().width, 60);
    press(&mut h, "h");
    assert!(h.app.panes().reader.is_none());
    press(&mut h, "<Tab><Tab>");
    assert_eq!(h.app.focus, Focus::Tags);
    press(&mut h, "<S-Tab>");
    assert_eq!(h.app.focus, Focus::Reader);
}

#[test]
fn the_smallest_terminal_still_works() {
    let mut h = Harness::new(40, 12);
    press(&mut h, "<Enter><C-d>Jjjj]]t<Esc>?<Esc>/a<Enter>q");
    assert!(h.app.quit);
}

#[test]
fn the_mouse_wheel_scrolls_the_pane_under_it_and_a_click_selects() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<Enter>");
    let reader_x = h.app.panes().reader.unwrap().x + 5;
    let posts = h.app.panes().posts.unwrap();
    let mouse = |kind, column, row| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    let effects = h
        .app
        .on_mouse(mouse(MouseEventKind::ScrollDown, reader_x, 10));
    h.run(effects);
    assert_eq!(reader_of(&h.app).scroll, 3);
    let effects = h.app.on_mouse(mouse(
        MouseEventKind::Down(MouseButton::Left),
        posts.x + 3,
        posts.y + 2,
    ));
    h.run(effects);
    assert_eq!(h.app.focus, Focus::Posts);
    assert_eq!(h.app.post_cursor, 1);
    let effects = h.app.on_mouse(mouse(
        MouseEventKind::Down(MouseButton::Left),
        posts.x + 3,
        posts.y + 2,
    ));
    h.run(effects);
    assert_eq!(reader_of(&h.app).summary.id, 2, "a second click opens");
}

#[test]
fn help_lists_the_keymap_and_closes_with_escape() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "?");
    assert!(matches!(h.app.popup, Some(Popup::Help { .. })));
    press(&mut h, "jq");
    assert_eq!(h.app.popup, None);
    assert!(!h.app.quit, "q closes the help, not the app");
}

#[test]
fn every_term_of_a_search_is_highlighted_on_its_own() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "/状态机 JSON<Enter>");
    assert_eq!(ids(&h.app), [2]);
    press(&mut h, "<Enter>");
    let reader = reader_of(&h.app);
    assert_eq!(reader.matches.len(), 4, "three 状态机 and one JSON");
    let lines: Vec<usize> = reader.matches.iter().map(|m| m.line).collect();
    assert!(lines.is_sorted(), "{lines:?}");
}

#[test]
fn t_then_esc_from_the_reader_goes_back_to_the_post() {
    for (width, height) in [(100, 30), (60, 20), (40, 12)] {
        let mut h = Harness::new(width, height);
        press(&mut h, "<Enter>t<Esc>");
        assert_eq!(h.app.focus, Focus::Reader, "{width}x{height}");
        assert!(h.app.panes().reader.is_some());
        assert_eq!(h.app.tag_query, None);
    }
}

#[test]
fn with_no_browser_the_reader_says_so_and_y_copies_the_link() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "jj<Enter>f1");
    assert_eq!(
        h.outside,
        [Effect::OpenUrl("https://example.org/event".into())]
    );
    let effects = h.app.on_worker(WorkerMsg::NoBrowser {
        url: "https://example.org/event".into(),
    });
    h.run(effects);
    let note = h.app.note.clone().unwrap();
    assert!(note.error);
    assert_eq!(
        note.text,
        "no browser found: set $BROWSER — y copies the link"
    );
    press(&mut h, "y");
    assert_eq!(
        h.outside.last(),
        Some(&Effect::Copy("https://example.org/event".into()))
    );
}

#[test]
fn ctrl_z_asks_to_suspend() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<C-z>");
    assert_eq!(h.outside, [Effect::Suspend]);
}
