//! What one run leaves for the next: the reading position, the filter and the selected post
//! (also past a long list's first page); and posts read directly, whose marks are not kept.

use super::*;

#[test]
fn the_reading_position_is_saved_and_restored() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "<Enter><C-d><C-d>");
    let scroll = reader_of(&h.app).scroll;
    press(&mut h, "J");
    let saved = h.store.post(3).unwrap().unwrap().position;
    assert!(saved.unwrap() > 0);
    press(&mut h, "K");
    assert_eq!(reader_of(&h.app).scroll, scroll);
    // A new run over the same store, at another width, finds the same text.
    let posts = h.store.posts.lock().unwrap().clone();
    let mut again = Harness::with_posts(posts, 60, 20);
    press(&mut again, "<Enter>");
    let reader = reader_of(&again.app);
    let page = reader.page.as_ref().unwrap();
    assert!(reader.scroll > page.header_len());
    assert!(page.anchor(reader.scroll) <= saved.unwrap() as usize);
}

/// A new run of the reader over what `h`'s run left in its store: the posts with their
/// marks and the settings, the saved session among them.
fn next_run(h: &Harness) -> Harness {
    let posts = h.store.posts.lock().unwrap().clone();
    let next = Harness::with_posts(posts, 100, 30);
    *next.store.settings.lock().unwrap() = h.store.settings.lock().unwrap().clone();
    next
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
    let mut next = next_run(&h);
    let start = next.app.start();
    next.run(start);
    assert_eq!(next.app.filter_tags(), ["MOSN"], "{session}");
    assert_eq!(ids(&next.app), [3, 1]);
    assert_eq!(next.app.selected_post().unwrap().id, 1);
}

#[test]
fn keys_typed_before_the_saved_session_arrives_are_not_undone_by_it() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "]]q");
    let mut next = next_run(&h);
    // The session is asked for, but `T` is handled before its reply.
    let start = next.app.start();
    let effects = next.app.on_key(crate::app::testing::parse_keys("T")[0]);
    next.run(start);
    next.run(effects);
    assert_unfiltered(&next.app);
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
fn a_long_list_shows_its_first_page_at_once_and_the_rest_as_the_cursor_nears_its_end() {
    let total = FIRST_PAGE * 5 + 50;
    let store = MemoryStore::new(numbered_posts(total), TOPICS);
    let (mut app, lists) = start_noting_lists(&store);
    // The first page only: the rest waits until it is needed.
    assert_eq!(lists, [(FIRST_PAGE, format!("{FIRST_PAGE}+"))]);
    assert!(app.more_posts);
    assert_eq!(app.posts[0].title, format!("Issue {total}"));
    let style = crate::app::worker::PageStyle {
        theme: app.theme.render_theme(),
        day_format: app.day_format.clone(),
        pictures: None,
    };
    // A few rows down asks for nothing; going on down the list loads it, four times
    // as long each time, until it is whole.
    let mut loads = Vec::new();
    let mut queue: std::collections::VecDeque<Effect> = app.move_in(Focus::Posts, 5).into();
    assert!(queue.is_empty(), "{queue:?}");
    for _ in 0..total {
        queue.extend(app.move_in(Focus::Posts, 1));
        while let Some(effect) = queue.pop_front() {
            if let Some(reply) = crate::app::worker::run(&store, &style, job_of(effect)) {
                let is_list = matches!(reply, WorkerMsg::List { .. });
                queue.extend(app.on_worker(reply));
                if is_list {
                    loads.push(app.posts.len());
                }
            }
        }
    }
    assert_eq!(loads, [FIRST_PAGE * 4, total]);
    assert!(!app.more_posts);
    assert_eq!(app.post_count(), total.to_string());
    assert_eq!(app.post_cursor, total - 1);

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
    assert_eq!(reader_of(&h.app).summary.id, 1);
    assert!(reader_of(&h.app).page.is_some());
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
