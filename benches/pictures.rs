//! Budgets of pictures in the reader (issue 13), as benchmarks rather than timed tests:
//! - one frame of the reader at 200×50 after a one-line scroll, on a post whose screen shows
//!   decoded pictures, in half blocks and in kitty's placeholders: at most 2 ms;
//! - the peak memory of reading a post with 45 pictures, all decoded (kitty keeps each
//!   picture's encoded pixels until it is sent): under 150 MB, printed as `VmHWM`.
//!
//! The pictures are made here (1200×800 px gradients, the size a cached picture is scaled
//! to at most is 1600 px wide); decoding runs synchronously as the picture thread would.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use image::{Rgba, RgbaImage};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sofa_weekly::app::pictures::graphics::{Graphics, Protocol};
use sofa_weekly::app::pictures::{MemoryShelf, PixelSource, ShelfEntry};
use sofa_weekly::app::state::{App, Effect};
use sofa_weekly::app::store::{MemoryStore, PostText};
use sofa_weekly::app::theme::ThemeKind;
use sofa_weekly::app::{in_line, view, worker};
use sofa_weekly::post::PostSummary;
use sofa_weekly::render::{CellSize, PictureState};

const WIDTH: u16 = 200;
const HEIGHT: u16 = 50;
const PICTURES: usize = 45;

fn picture(seed: u32) -> RgbaImage {
    RgbaImage::from_fn(1200, 800, |x, y| {
        Rgba([
            (x / 5 + seed * 17) as u8,
            (y / 4) as u8,
            (seed * 40) as u8,
            255,
        ])
    })
}

/// A post of 45 pictures, each alone in its paragraph between two of text, stored as PNG
/// files in `dir` as the cache keeps them.
fn post(dir: &std::path::Path) -> (PostText, MemoryShelf) {
    let mut body = String::new();
    let mut shelf = MemoryShelf::default();
    for i in 0..PICTURES {
        body.push_str(&format!(
            "第 {i} 张图：SOFARegistry 的数据分片与 MOSN 的连接池。\n\n"
        ));
        let reference = format!("pictures/{i}.png");
        body.push_str(&format!("![图 {i}]({reference})\n\n"));
        let file = dir.join(format!("{i}.png"));
        if !file.exists() {
            picture(i as u32).save(&file).expect("writing a picture");
        }
        shelf.entries.insert(
            reference.clone(),
            ShelfEntry {
                reference: reference.clone(),
                url: format!("https://example.org/{reference}"),
                state: PictureState::Cached {
                    width: 1200,
                    height: 800,
                },
                pixels: Some(PixelSource::File(file)),
            },
        );
    }
    let post = PostText {
        summary: PostSummary {
            id: 1,
            title: "图片周报".into(),
            date: Some("2025-01-01".into()),
            tags: vec!["SOFA Weekly".into()],
            source: "bench".into(),
            path: "pictures.md".into(),
            read: false,
            starred: false,
        },
        web_url: None,
        body,
        position: None,
    };
    (post, shelf)
}

/// Runs `effects` as the event loop would, the worker's jobs against `store` and the
/// picture thread's decoding in line, until none are left.
fn run(app: &mut App, store: &MemoryStore, graphics: &Graphics, effects: Vec<Effect>) {
    let style = worker::PageStyle {
        theme: app.theme.render_theme(),
        day_format: app.day_format.clone(),
        pictures: Some(graphics.cell),
    };
    in_line::run(app, store, &style, graphics, effects);
}

fn press(app: &mut App, store: &MemoryStore, graphics: &Graphics, code: KeyCode) {
    let mut effects = app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    effects.extend(app.decode_pictures());
    run(app, store, graphics, effects);
}

/// The reader open on the 45-picture post, every picture decoded, scrolled to the third.
fn reading(graphics: &Graphics, dir: &std::path::Path) -> (App, MemoryStore) {
    let (post, shelf) = post(dir);
    let mut store = MemoryStore::new(vec![post], &[]);
    store.pictures = Some(shelf);
    let mut app = App::new("/bench/library", ThemeKind::Dark, 100);
    app.draw_pictures = true;
    let resize = app.resize(WIDTH, HEIGHT);
    run(&mut app, &store, graphics, resize);
    let start = app.start();
    run(&mut app, &store, graphics, start);
    press(&mut app, &store, graphics, KeyCode::Enter);
    let page = app
        .reader
        .as_ref()
        .and_then(|r| r.page.clone())
        .expect("open");
    assert_eq!(page.rendered.pictures.len(), PICTURES);
    // Read it to the end, as a reader would, a page at a time: the pictures near the view
    // are decoded, those far behind let go.
    let last = page.line_count();
    let mut peak_ready = 0;
    loop {
        let before = app.reader.as_ref().unwrap().scroll;
        press(&mut app, &store, graphics, KeyCode::Char(' '));
        peak_ready = peak_ready.max(app.pictures.ready.len());
        let after = app.reader.as_ref().unwrap().scroll;
        if after == before || after + usize::from(HEIGHT) >= last {
            break;
        }
    }
    assert!(
        peak_ready < PICTURES,
        "only pictures near the view are held"
    );
    let third = page.header_len() + page.rendered.pictures[2].line;
    app.reader.as_mut().unwrap().scroll = third - 3;
    let effects = app.decode_pictures();
    run(&mut app, &store, graphics, effects);
    assert!(
        !app.pictures.ready.is_empty(),
        "the pictures in view are decoded"
    );
    (app, store)
}

/// Where the bench's pictures are kept between runs.
fn picture_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join("sofa-weekly-bench-pictures");
    std::fs::create_dir_all(&dir).expect("picture folder");
    dir
}

fn scroll_frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("pictures");
    group.measurement_time(Duration::from_secs(3));
    let kitty = Graphics::with_cell(
        Protocol::Kitty,
        CellSize {
            width: 10,
            height: 20,
        },
    );
    for (name, graphics) in [("halfblocks", Graphics::half_blocks()), ("kitty", kitty)] {
        let (mut app, store) = reading(&graphics, &picture_dir());
        let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal");
        terminal
            .draw(|frame| view::draw(frame, &app))
            .expect("draw");
        let mut down = true;
        group.bench_function(format!("frame_200x50_scroll_{name}"), |b| {
            b.iter(|| {
                let key = KeyCode::Char(if down { 'j' } else { 'k' });
                press(&mut app, &store, &graphics, key);
                down = !down;
                terminal
                    .draw(|frame| view::draw(frame, black_box(&app)))
                    .expect("draw");
            });
        });
    }
    group.finish();
}

/// The most resident memory this process has had, from `/proc/self/status` (Linux).
fn peak_resident_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn peak_memory(_c: &mut Criterion) {
    let kitty = Graphics::with_cell(
        Protocol::Kitty,
        CellSize {
            width: 10,
            height: 20,
        },
    );
    let dir = picture_dir();
    post(&dir);
    let before = peak_resident_mb();
    for (name, graphics) in [("halfblocks", Graphics::half_blocks()), ("kitty", kitty)] {
        let (app, store) = reading(&graphics, &dir);
        black_box((&app, &store));
        if let (Some(before), Some(peak)) = (before, peak_resident_mb()) {
            println!(
                "pictures/peak_memory_45_pictures_{name}: VmHWM {peak:.0} MB \
                 ({before:.0} MB before opening; budget 150 MB)"
            );
        }
        drop((app, store));
    }
}

criterion_group!(picture_benches, peak_memory, scroll_frames);
criterion_main!(picture_benches);
