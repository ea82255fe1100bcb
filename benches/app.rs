//! One full frame of the reader at 200×50 after a one-line scroll, drawn into ratatui's
//! `TestBackend`: the work between a key press and the screen (state update + drawing),
//! without a terminal. The open post is the largest the corpus generator writes (40 KB,
//! mixed Chinese and English, code, tables, links).

#[path = "common/corpus.rs"]
mod corpus;

use std::collections::VecDeque;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sofa_weekly::app::route::{Outlets, route_effect};
use sofa_weekly::app::state::{App, Effect};
use sofa_weekly::app::store::{MemoryStore, PostText};
use sofa_weekly::app::theme::ThemeKind;
use sofa_weekly::app::{view, worker};
use sofa_weekly::post::PostSummary;

const WIDTH: u16 = 200;
const HEIGHT: u16 = 50;

/// Posts 0..n of the corpus, largest first so the first list row is a 40 KB post.
fn posts(n: u64) -> Vec<PostText> {
    let mut posts: Vec<PostText> = (0..n)
        .map(|index| {
            let (rel_path, text) = corpus::generate_post(index);
            let post = sofa_weekly::loader::parse_post(&rel_path, text.as_bytes()).post;
            PostText {
                summary: PostSummary {
                    id: index as i64 + 1,
                    title: post.title,
                    date: Some("2025-01-01".to_string()),
                    tags: post.meta.tags,
                    source: "bench".into(),
                    path: rel_path,
                    read: false,
                    starred: false,
                },
                web_url: None,
                body: post.body,
                position: None,
            }
        })
        .collect();
    posts.sort_by_key(|post| std::cmp::Reverse(post.body.len()));
    posts
}

/// Keeps the worker's jobs; what runs outside the process (a sync, a URL, the clipboard)
/// is left out of the bench.
#[derive(Default)]
struct Jobs(Vec<worker::Job>);

impl Outlets for Jobs {
    fn work(&mut self, job: worker::Job) {
        self.0.push(job);
    }
    fn sync(&mut self) {}
    fn open_url(&mut self, _url: String) {}
    fn copy(&mut self, _text: String) {}
    fn open_file(&mut self, _path: std::path::PathBuf) {}
    fn decode(&mut self, _batch: sofa_weekly::app::pictures::decode::DecodeBatch) {}
    fn suspend(&mut self) {}
}

/// Runs effects synchronously, as the worker thread would, until none are left.
fn run(app: &mut App, store: &MemoryStore, effects: Vec<Effect>) {
    let style = worker::PageStyle {
        theme: app.theme.render_theme(),
        day_format: app.day_format.clone(),
        pictures: None,
    };
    let mut queue = VecDeque::from(effects);
    while let Some(effect) = queue.pop_front() {
        let mut jobs = Jobs::default();
        route_effect(effect, &mut jobs);
        for job in jobs.0 {
            if let Some(reply) = worker::run(store, &style, job) {
                queue.extend(app.on_worker(reply));
            }
        }
    }
}

fn press(app: &mut App, store: &MemoryStore, code: KeyCode) {
    let effects = app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    run(app, store, effects);
}

fn frame_after_scroll(c: &mut Criterion) {
    let store = MemoryStore::new(posts(200), &["MOSN", "Seata", "SOFARegistry", "Layotto"]);
    let mut app = App::new("/bench/library", ThemeKind::Dark, 100);
    let resize = app.resize(WIDTH, HEIGHT);
    run(&mut app, &store, resize);
    let start = app.start();
    run(&mut app, &store, start);
    // Into the post list, open the first (largest) post.
    press(&mut app, &store, KeyCode::Char(']'));
    press(&mut app, &store, KeyCode::Char(']'));
    press(&mut app, &store, KeyCode::Enter);
    let reader = app.reader.as_ref().expect("a post is open");
    assert!(reader.page.is_some(), "the post is rendered");
    press(&mut app, &store, KeyCode::Char('j'));
    assert_eq!(app.reader.as_ref().map(|r| r.scroll), Some(1), "j scrolls");

    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal");
    terminal
        .draw(|frame| view::draw(frame, &app))
        .expect("draw");
    let mut group = c.benchmark_group("app");
    group.measurement_time(Duration::from_secs(3));
    let mut down = true;
    group.bench_function("frame_200x50_after_scroll", |b| {
        b.iter(|| {
            // Down and up in turn, so the reader never reaches the end of the post.
            press(
                &mut app,
                &store,
                KeyCode::Char(if down { 'j' } else { 'k' }),
            );
            down = !down;
            terminal
                .draw(|frame| view::draw(frame, black_box(&app)))
                .expect("draw");
        });
    });
    group.finish();
}

criterion_group!(app_benches, frame_after_scroll);
criterion_main!(app_benches);
