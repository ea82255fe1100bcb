//! From sync to screen: a feed on 127.0.0.1 whose post has a picture served by the same
//! server, synced into the cache by the real binary; then, with the server stopped, the
//! reader (the app drawn into a `TestBackend` in half blocks, through the real `Library`)
//! and `show` on a pseudo-terminal draw the picture's own colours where its placeholder
//! would be.

mod common;
#[path = "support/pty.rs"]
mod pty;
#[path = "support/test_server.rs"]
mod test_server;

use std::io::Cursor;

use image::{ImageFormat, Rgba, RgbaImage};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;
use sofa_weekly::app::pictures::graphics::Graphics;
use sofa_weekly::app::state::{App, Effect};
use sofa_weekly::app::theme::ThemeKind;
use sofa_weekly::app::{in_line, view, worker};
use sofa_weekly::library::Library;
use sofa_weekly::pictures::PictureStatus;
use test_server::{Reply, TestServer};

const RED: Rgba<u8> = Rgba([220, 30, 30, 255]);
const BLUE: Rgba<u8> = Rgba([30, 30, 220, 255]);

/// 60×40 px, red above blue, as a PNG: each half is told by its colour on screen.
fn red_over_blue_png() -> Vec<u8> {
    let picture = RgbaImage::from_fn(60, 40, |_, y| if y < 20 { RED } else { BLUE });
    let mut bytes = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .unwrap();
    bytes
}

fn is_red(r: u8, g: u8, b: u8) -> bool {
    r > 150 && g < 100 && b < 100
}

fn is_blue(r: u8, g: u8, b: u8) -> bool {
    b > 150 && r < 100 && g < 100
}

/// Syncs a feed of one post whose picture is on the same server into `env`'s library, and
/// stops the server; returns the post's id.
fn synced_post_with_a_picture(env: &common::TestEnv) -> i64 {
    let server = TestServer::start();
    server.route("/p/arch", Reply::ok(red_over_blue_png()));
    let before: String = (1..=3).map(|i| format!("<p>前文第 {i} 段。</p>")).collect();
    let after: String = (1..=30)
        .map(|i| format!("<p>后文第 {i} 段。</p>"))
        .collect();
    let html = format!(
        "{before}<p><img src=\"{}\" alt=\"架构图\"></p>{after}",
        server.url("/p/arch")
    );
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Weekly</title>\
         <link>https://example.org/</link><item><title>图片周报</title><guid>w1</guid>\
         <pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate>\
         <description><![CDATA[{html}]]></description></item></channel></rss>"
    );
    server.route("/feed.xml", Reply::ok(feed));
    let run = |args: &[&str]| {
        common::succeeds(
            env.cmd()
                .env("SOFA_WEEKLY_PICTURES", "all")
                .env("SOFA_WEEKLY_HTTP_TIMEOUT", "2"),
            args,
        )
    };
    run(&[
        "source",
        "add",
        &server.url("/feed.xml"),
        "--name",
        "weekly",
    ]);
    let printed = run(&["sync", "weekly"]);
    assert!(printed.contains("pictures: 1 stored"), "{printed}");
    let picture_url = server.url("/p/arch");
    drop(server);

    let library = Library::open(&env.library_dir()).unwrap();
    let record = library.picture(&picture_url).unwrap().unwrap();
    assert_eq!(record.status, PictureStatus::Ok);
    library.list(&Default::default()).unwrap()[0].id
}

/// Runs `effects` as the event loop would, the worker's jobs against `library` and the
/// picture thread's decoding in line, until none are left.
fn run(app: &mut App, library: &Library, graphics: &Graphics, effects: Vec<Effect>) {
    let style = worker::PageStyle {
        theme: app.theme.render_theme(),
        day_format: app.day_format.clone(),
        pictures: Some(graphics.cell),
    };
    in_line::run(app, library, &style, graphics, effects);
}

/// The screen's text, a wide character once (without the cell it covers).
fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut covered = false;
        for x in 0..area.width {
            let symbol = buffer[(x, y)].symbol();
            if !covered {
                out.push_str(symbol);
            }
            covered = !covered && sofa_weekly::text::display_width(symbol) > 1;
        }
        out.push('\n');
    }
    out
}

/// The rows of `buffer` with a red or blue cell, each with whether its first such cell is
/// red (the colour of a half block's lower half, its background).
fn picture_rows(buffer: &Buffer) -> Vec<(u16, bool)> {
    let area = buffer.area;
    (0..area.height)
        .filter_map(|y| {
            (0..area.width).find_map(|x| match buffer[(x, y)].bg {
                Color::Rgb(r, g, b) if is_red(r, g, b) => Some((y, true)),
                Color::Rgb(r, g, b) if is_blue(r, g, b) => Some((y, false)),
                _ => None,
            })
        })
        .collect()
}

#[test]
fn a_synced_picture_is_drawn_offline_by_the_reader_and_by_show() {
    let env = common::TestEnv::new();
    let id = synced_post_with_a_picture(&env);

    // The reader, through the real library, server gone.
    let library = Library::open(&env.library_dir()).unwrap();
    let graphics = Graphics::half_blocks();
    let mut app = App::new(env.library_dir().to_string_lossy(), ThemeKind::Dark, 100);
    app.draw_pictures = true;
    let (width, height) = (100, 40);
    let resize = app.resize(width, height);
    run(&mut app, &library, &graphics, resize);
    let start = app.start();
    run(&mut app, &library, &graphics, start);
    let mut effects = app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    effects.extend(app.decode_pictures());
    run(&mut app, &library, &graphics, effects);
    let effects = app.decode_pictures();
    run(&mut app, &library, &graphics, effects);
    assert_eq!(app.pictures.ready.len(), 1, "{:?}", app.pictures.failed);

    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let buffer = terminal
        .draw(|frame| view::draw(frame, &app))
        .unwrap()
        .buffer
        .clone();
    let screen = text(&buffer);
    let rows = picture_rows(&buffer);
    assert!(!rows.is_empty(), "no picture cells:\n{screen}");
    assert!(rows.first().unwrap().1, "red on top:\n{screen}");
    assert!(!rows.last().unwrap().1, "blue below:\n{screen}");
    assert!(!screen.contains("[image: 架构图]"), "{screen}");
    // In the place of the placeholder: after the text before it, before the text after it.
    let row_of = |needle: &str| {
        screen
            .lines()
            .position(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not on screen:\n{screen}")) as u16
    };
    let (top, bottom) = (rows.first().unwrap().0, rows.last().unwrap().0);
    assert!(row_of("前文第 3 段") < top, "{screen}");
    assert!(bottom < row_of("后文第 1 段"), "{screen}");
    drop(library);

    // `show`, on a terminal, in true colour half blocks: the same picture from the cache.
    let mut command = pty::command(
        &["--images", "halfblocks", "show", &id.to_string()],
        env.dir.path(),
    );
    command.env("COLORTERM", "truecolor");
    let mut show = pty::PtySession::start(command, 80, 120);
    show.wait_exit();
    let contents = show.contents();
    assert!(!contents.contains("[image: 架构图]"), "{contents}");
    let colours: Vec<(u16, bool)> = (0..120)
        .filter_map(|row| {
            (0..80).find_map(|col| match show.background_at(row, col) {
                vt100::Color::Rgb(r, g, b) if is_red(r, g, b) => Some((row, true)),
                vt100::Color::Rgb(r, g, b) if is_blue(r, g, b) => Some((row, false)),
                _ => None,
            })
        })
        .collect();
    assert!(!colours.is_empty(), "show drew no picture:\n{contents}");
    assert!(colours.first().unwrap().1, "red on top:\n{contents}");
    assert!(!colours.last().unwrap().1, "blue below:\n{contents}");
    let row_of = |needle: &str| {
        contents
            .lines()
            .position(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not shown:\n{contents}")) as u16
    };
    assert!(row_of("前文第 3 段") < colours.first().unwrap().0);
    assert!(colours.last().unwrap().0 < row_of("后文第 1 段"));
}
