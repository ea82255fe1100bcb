//! Keys in, state out: the reader driven without a terminal.

use std::time::Duration;

use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::*;
use crate::app::store::{MemoryStore, Store};
use crate::app::testing::{Harness, TOPICS, job_of, numbered_posts, press, titles};

fn ids(app: &App) -> Vec<PostId> {
    app.posts.iter().map(|p| p.id).collect()
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
    assert!(h.app.filter_tags().is_empty());
    assert_eq!(ids(&h.app).len(), 5);
}

#[test]
fn brackets_work_while_reading_and_keep_the_post_open() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<Enter>");
    assert_eq!(h.app.focus, Focus::Reader);
    press(&mut h, "]]");
    assert_eq!(h.app.focus, Focus::Reader);
    assert_eq!(h.app.reader.as_ref().unwrap().summary.id, 3);
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
    assert!(h.app.filter_tags().is_empty());
    assert_eq!(ids(&h.app).len(), 5);
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
    let reader = h.app.reader.as_ref().unwrap();
    assert_eq!(reader.matches.len(), 3);
    assert_eq!(reader.current_match, Some(0));
    press(&mut h, "n");
    assert_eq!(h.app.reader.as_ref().unwrap().current_match, Some(1));
    press(&mut h, "NN");
    assert_eq!(h.app.reader.as_ref().unwrap().current_match, Some(2));
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
    let reader = h.app.reader.as_ref().unwrap();
    assert_eq!(reader.summary.id, 2);
    let page = reader.page.as_ref().unwrap();
    assert_eq!(page.width, h.app.reader_width());
    assert!(page.line_count() > page.header_len());
    press(&mut h, "J");
    assert_eq!(h.app.reader.as_ref().unwrap().summary.id, 1);
    assert_eq!(h.app.post_cursor, 2, "the list follows the reader");
    press(&mut h, "KK");
    assert_eq!(h.app.reader.as_ref().unwrap().summary.id, 3);
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
    assert_eq!(h.app.reader.as_ref().unwrap().scroll, 3);
    press(&mut h, "<Space>");
    let page = h.app.reader_height() - 1;
    assert_eq!(h.app.reader.as_ref().unwrap().scroll, 3 + page);
    press(&mut h, "b<C-d>");
    assert_eq!(h.app.reader.as_ref().unwrap().scroll, 3 + page / 2);
    press(&mut h, "G");
    assert_eq!(h.app.reader.as_ref().unwrap().scroll, max);
    press(&mut h, "jjj");
    assert_eq!(h.app.reader.as_ref().unwrap().scroll, max);
    press(&mut h, "g");
    assert_eq!(h.app.reader.as_ref().unwrap().scroll, 0);
}

#[test]
fn a_post_open_for_a_moment_is_marked_read() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<Enter>");
    let opened = h.app.reader.as_ref().unwrap().opened_at;
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
    let before = h.app.reader.as_ref().unwrap();
    let offset = before.page.as_ref().unwrap().anchor(before.scroll);
    let old_width = before.page.as_ref().unwrap().width;
    let effects = h.app.resize(60, 20);
    assert!(matches!(effects[..], [Effect::LoadPost { width, .. }] if width != old_width));
    h.run(effects);
    let after = h.app.reader.as_ref().unwrap();
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
fn the_reading_position_is_saved_and_restored() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<Enter><C-d><C-d>");
    let scroll = h.app.reader.as_ref().unwrap().scroll;
    press(&mut h, "J");
    let saved = h.store.post(3).unwrap().unwrap().position;
    assert!(saved.unwrap() > 0);
    press(&mut h, "K");
    assert_eq!(h.app.reader.as_ref().unwrap().scroll, scroll);
    // A new run over the same store, at another width, finds the same text.
    let posts = h.store.posts.lock().unwrap().clone();
    let mut again = Harness::with_posts(posts, 60, 20);
    press(&mut again, "<Enter>");
    let reader = again.app.reader.as_ref().unwrap();
    let page = reader.page.as_ref().unwrap();
    assert!(reader.scroll > page.header_len());
    assert!(page.anchor(reader.scroll) <= saved.unwrap() as usize);
}

#[test]
fn the_filter_and_selected_post_come_back_next_time() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "]]j");
    assert_eq!(h.app.selected_post().unwrap().id, 1);
    press(&mut h, "q");
    assert!(h.app.quit);
    let session = h
        .store
        .setting(crate::app::store::SESSION_KEY)
        .unwrap()
        .unwrap();
    let settings = h.store.settings.lock().unwrap().clone();
    let posts = h.store.posts.lock().unwrap().clone();
    let mut next = Harness::with_posts(posts, 100, 30);
    *next.store.settings.lock().unwrap() = settings;
    let start = next.app.start();
    next.run(start);
    assert_eq!(next.app.filter_tags(), ["MOSN"], "{session}");
    assert_eq!(ids(&next.app), [3, 1]);
    assert_eq!(next.app.selected_post().unwrap().id, 1);
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
    let reader = h.app.reader.as_ref().unwrap();
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
    assert_eq!(h.app.reader.as_ref().unwrap().scroll, 3);
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
    assert_eq!(
        h.app.reader.as_ref().unwrap().summary.id,
        2,
        "a second click opens"
    );
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
fn sync_runs_once_at_a_time_reports_progress_and_reloads() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "r");
    assert_eq!(h.outside, [Effect::Sync]);
    assert!(h.app.sync.is_some());
    press(&mut h, "r");
    assert_eq!(h.outside.len(), 1, "one sync at a time");
    let progress = WorkerMsg::SyncProgress {
        source: "weekly".into(),
        done: 2,
        total: 9,
    };
    assert!(h.app.on_worker(progress).is_empty());
    assert_eq!(h.app.sync.as_ref().unwrap().done, 2);
    let effects = h.app.on_worker(WorkerMsg::SyncFinished {
        summary: "weekly: 2 added".into(),
        failed: false,
        results: vec!["weekly: 2 added".into()],
    });
    assert!(
        effects.contains(&Effect::LoadTags),
        "tags and list are reloaded"
    );
    h.run(effects);
    assert_eq!(h.app.sync, None);
    assert_eq!(h.app.note.as_ref().unwrap().text, "weekly: 2 added");
    assert_eq!(titles(&h.app).len(), 5);
}

#[test]
fn switching_from_the_sample_to_the_synced_library_starts_afresh() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "]]jj<Enter>");
    let effects = h.app.on_worker(WorkerMsg::Switched {
        origin: "/home/reader/library".into(),
    });
    assert!(h.app.reader.is_none());
    assert_eq!(h.app.focus, Focus::Posts);
    assert!(h.app.filter_tags().is_empty());
    h.run(effects);
    assert_eq!(h.app.post_cursor, 0);
    assert_eq!(ids(&h.app).len(), 5);
}

#[test]
fn every_term_of_a_search_is_highlighted_on_its_own() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "/状态机 JSON<Enter>");
    assert_eq!(ids(&h.app), [2]);
    press(&mut h, "<Enter>");
    let reader = h.app.reader.as_ref().unwrap();
    assert_eq!(reader.matches.len(), 4, "three 状态机 and one JSON");
    let lines: Vec<usize> = reader.matches.iter().map(|m| m.line).collect();
    assert!(lines.is_sorted(), "{lines:?}");
}

#[test]
fn keys_typed_before_the_saved_session_arrives_are_not_undone_by_it() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "]]q");
    let settings = h.store.settings.lock().unwrap().clone();
    let posts = h.store.posts.lock().unwrap().clone();
    let mut next = Harness::with_posts(posts, 100, 30);
    *next.store.settings.lock().unwrap() = settings;
    // The session is asked for, but `T` is handled before its reply.
    let start = next.app.start();
    let effects = next.app.on_key(crate::app::testing::parse_keys("T")[0]);
    next.run(start);
    next.run(effects);
    assert!(next.app.filter_tags().is_empty());
    assert_eq!(ids(&next.app).len(), 5);
}

/// Starts an app on `store` and runs what it asks for, noting after each list reply how
/// many posts it shows and what its title bar counts.
fn start_noting_lists(store: &MemoryStore) -> (App, Vec<(usize, String)>) {
    let mut app = App::new("/home/reader/library", ThemeKind::Dark, 100);
    let style = crate::app::worker::PageStyle {
        theme: app.theme.render_theme(),
        day_format: app.day_format.clone(),
        pictures: None,
    };
    let mut queue: std::collections::VecDeque<Effect> = app.resize(100, 30).into();
    queue.extend(app.start());
    let mut lists = Vec::new();
    while let Some(effect) = queue.pop_front() {
        if let Some(reply) = crate::app::worker::run(store, &style, job_of(effect)) {
            let is_list = matches!(reply, WorkerMsg::List { .. });
            queue.extend(app.on_worker(reply));
            if is_list {
                lists.push((app.posts.len(), app.post_count()));
            }
        }
    }
    (app, lists)
}

#[test]
fn a_long_list_shows_its_first_page_at_once_and_the_rest_after() {
    let store = MemoryStore::new(numbered_posts(FIRST_PAGE * 2 + 50), TOPICS);
    let (app, lists) = start_noting_lists(&store);
    assert_eq!(
        lists,
        [
            (FIRST_PAGE, format!("{FIRST_PAGE}+")),
            (FIRST_PAGE * 2 + 50, format!("{}", FIRST_PAGE * 2 + 50))
        ]
    );
    assert!(!app.more_posts);
    assert_eq!(app.posts[0].title, format!("Issue {}", FIRST_PAGE * 2 + 50));

    // A list no longer than its first page comes in one reply.
    let store = MemoryStore::new(numbered_posts(FIRST_PAGE - 1), TOPICS);
    let (_, lists) = start_noting_lists(&store);
    assert_eq!(lists, [(FIRST_PAGE - 1, format!("{}", FIRST_PAGE - 1))]);
}

#[test]
fn the_post_selected_last_time_is_selected_again_when_it_is_past_the_first_page() {
    let store = MemoryStore::new(numbered_posts(FIRST_PAGE * 2), TOPICS);
    let session = crate::app::store::SavedSession {
        last_post: Some(7),
        ..Default::default()
    };
    store
        .set_setting(
            crate::app::store::SESSION_KEY,
            &serde_json::to_string(&session).unwrap(),
        )
        .unwrap();
    let (app, _) = start_noting_lists(&store);
    assert_eq!(app.selected_post().map(|p| p.id), Some(7));
}

#[test]
fn a_restored_filter_says_so_and_capital_t_clears_it() {
    let mut h = Harness::new(100, 30);
    h.app = App::new("/home/reader/library", ThemeKind::Dark, 100);
    let resize = h.app.resize(100, 30);
    h.run(resize);
    h.run(vec![Effect::LoadTags]);
    let session = SavedSession {
        cursor_tag: Some("MOSN".into()),
        search: Some("状态".into()),
        ..SavedSession::default()
    };
    let effects = h.app.on_worker(WorkerMsg::Session(session));
    h.run(effects);
    let note = h.app.note.clone().unwrap();
    assert_eq!(note.text, "filter restored: tag MOSN · /状态 — T clears");
    press(&mut h, "T");
    assert_eq!(h.app.filter_tags(), Vec::<String>::new());
    assert_eq!(h.app.search, None);
    assert_eq!(ids(&h.app), [3, 2, 1, 4, 5]);
}

#[test]
fn an_empty_session_says_nothing() {
    let h = Harness::new(100, 30);
    assert_eq!(h.app.note, None);
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
fn a_failed_sync_leads_with_the_reason_and_r_shows_every_source() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "R");
    assert_eq!(h.app.popup, None, "no sync yet");
    press(&mut h, "r");
    let effects = h.app.on_worker(WorkerMsg::SyncFinished {
        summary: "blog: cannot connect (host not found)".into(),
        failed: true,
        results: vec![
            "weekly: 2 added".into(),
            "blog: cannot connect (host not found) — https://example.invalid/feed".into(),
        ],
    });
    h.run(effects);
    let note = h.app.note.clone().unwrap();
    assert!(note.error);
    assert_eq!(note.text, "blog: cannot connect (host not found)");
    assert_eq!(note.hint.as_deref(), Some("R all results"));
    press(&mut h, "R");
    assert_eq!(h.app.popup, Some(Popup::SyncResults { scroll: 0 }));
    press(&mut h, "<Esc>");
    assert_eq!(h.app.popup, None);
}

#[test]
fn ctrl_z_asks_to_suspend() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<C-z>");
    assert_eq!(h.outside, [Effect::Suspend]);
}

fn read_directly(posts: Vec<crate::app::store::PostText>, single_file: bool) -> Harness {
    let mut h = Harness::with_posts(posts, 100, 30);
    h.app = App::new("post.md", ThemeKind::Dark, 100);
    h.app.read_directly = Some(crate::app::source::ReadDirectly {
        path: "post.md".into(),
        single_file,
    });
    let resize = h.app.resize(100, 30);
    h.run(resize);
    let start = h.app.start();
    h.run(start);
    h
}

#[test]
fn a_file_read_directly_opens_its_post() {
    let mut posts = crate::app::testing::sample_posts();
    posts.truncate(1);
    let h = read_directly(posts, true);
    assert_eq!(h.app.focus, Focus::Reader);
    assert_eq!(h.app.reader.as_ref().unwrap().summary.id, 1);
    assert!(h.app.reader.as_ref().unwrap().page.is_some());
}

#[test]
fn marks_on_posts_read_directly_say_they_are_not_kept() {
    let mut h = read_directly(crate::app::testing::sample_posts(), false);
    assert_eq!(h.app.focus, Focus::Posts, "a folder is listed");
    press(&mut h, "s");
    assert_eq!(
        h.app.note.clone().unwrap().text,
        "starred, until you quit: post.md is read directly (import it to keep marks)"
    );
}
