//! Pictures drawn by the real binary from files made here: kitty's sequences in the raw
//! stream of a pseudo-terminal (vt100 drops them, so the bytes are read), half blocks from
//! `show`, and the placeholders that `--images off` and a pipe keep.

#[path = "support/pty.rs"]
mod pty;

use std::path::Path;

use assert_cmd::Command;
use pty::PtySession as Session;

/// Kitty's graphics command introducer, and the first chunk of a picture sent for unicode
/// placeholders (`a=T,U=1`: transmit and place virtually, RGBA pixels).
const KITTY_START: &[u8] = b"\x1b_G";
const KITTY_VIRTUAL: &[u8] = b"a=T,U=1,f=32";
/// U+10EEEE, the cell kitty draws a placed picture's part in.
const KITTY_PLACEHOLDER: &str = "\u{10EEEE}";

/// A folder with one post that has a picture alone in a paragraph and one inside a line.
fn post_with_a_picture(dir: &Path) -> std::path::PathBuf {
    let picture = image::RgbaImage::from_fn(120, 80, |x, y| {
        image::Rgba([(x * 2) as u8, (y * 3) as u8, 160, 255])
    });
    picture.save(dir.join("arch.png")).unwrap();
    let before: String = (1..=3).map(|i| format!("前文第 {i} 段。\n\n")).collect();
    let after: String = (1..=40).map(|i| format!("后文第 {i} 段。\n\n")).collect();
    let post = dir.join("2024-05-01-pictures.md");
    std::fs::write(
        &post,
        format!(
            "---\ntitle: 图片周报\ndate: 2024-05-01\n---\n\n{before}![架构图](arch.png)\n\n\
             行内 ![图标](arch.png) 占位。\n\n{after}"
        ),
    )
    .unwrap();
    post
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn wait_for_bytes(session: &Session, needle: &[u8]) -> Vec<u8> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let output = session.output();
        if contains(&output, needle) {
            return output;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never written: {:?}",
            String::from_utf8_lossy(needle)
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn the_reader_sends_a_picture_once_and_places_it_with_kitty_placeholders() {
    let dir = tempfile::tempdir().unwrap();
    post_with_a_picture(dir.path());
    let folder = dir.path().to_string_lossy().into_owned();
    let mut app = Session::run(&["--images", "kitty", &folder], 100, 30);
    app.wait_for("1 post");
    app.press("\r");
    let output = wait_for_bytes(&app, KITTY_VIRTUAL);
    assert!(contains(&output, KITTY_START));
    wait_for_bytes(&app, KITTY_PLACEHOLDER.as_bytes());
    // The text came first and stays: the picture fills its rows beside it.
    app.wait_for("前文第 3 段");
    // Scrolling moves the placeholders with the text; the picture is not sent again.
    app.press("jjjjj");
    app.wait_for(" 6/");
    let sent = |bytes: &[u8]| {
        bytes
            .windows(KITTY_VIRTUAL.len())
            .filter(|w| *w == KITTY_VIRTUAL)
            .count()
    };
    assert_eq!(sent(&app.output()), 1);
    app.press("q");
    app.wait_exit();
}

#[test]
fn images_off_sends_no_graphics_and_keeps_the_placeholders() {
    let dir = tempfile::tempdir().unwrap();
    post_with_a_picture(dir.path());
    let folder = dir.path().to_string_lossy().into_owned();
    let mut app = Session::run(&["--images", "off", &folder], 100, 30);
    app.wait_for("1 post");
    app.press("\r");
    app.wait_for("[image: 架构图][1]");
    app.press("q");
    app.wait_exit();
    assert!(!contains(&app.output(), KITTY_START));
}

#[test]
fn show_on_a_terminal_draws_half_blocks_in_the_pictures_rows() {
    let dir = tempfile::tempdir().unwrap();
    let post = post_with_a_picture(dir.path());
    let post = post.to_string_lossy().into_owned();
    let mut show = Session::run(&["--images", "halfblocks", "show", &post], 80, 40);
    show.wait_exit();
    let output = String::from_utf8_lossy(&show.output()).into_owned();
    // 256 colours (TERM=xterm-256color, no COLORTERM): background and foreground indexes.
    let tail = || {
        output
            .chars()
            .rev()
            .take(600)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<String>()
    };
    assert!(output.contains("48;5;"), "{}", tail());
    assert!(output.contains('▀') || output.contains('▄'), "{}", tail());
    assert!(!output.contains("[image: 架构图]"), "{}", tail());
    assert!(output.contains("[image: 图标]"), "{}", tail());
}

#[test]
fn show_on_a_terminal_sends_kitty_graphics_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let post = post_with_a_picture(dir.path());
    let post = post.to_string_lossy().into_owned();
    let mut show = Session::run(&["--images", "kitty", "show", &post], 80, 40);
    show.wait_exit();
    let output = show.output();
    assert!(contains(&output, KITTY_VIRTUAL));
    assert!(contains(&output, KITTY_PLACEHOLDER.as_bytes()));
}

#[test]
fn show_into_a_pipe_and_plain_keep_the_alt_text() {
    let dir = tempfile::tempdir().unwrap();
    let post = post_with_a_picture(dir.path());
    for args in [
        vec!["--images", "kitty", "show"],
        vec!["--images", "halfblocks", "show", "--plain"],
    ] {
        let output = Command::cargo_bin("sofa-weekly")
            .unwrap()
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("SOFA_WEEKLY_LIBRARY", dir.path().join("library"))
            .args(&args)
            .arg(&post)
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains("[image: 架构图][1]"), "{args:?}: {text}");
        assert!(!text.contains('\x1b'), "{args:?}: {text:?}");
    }
}

/// The background query and the graphics query as the reader writes them when both are
/// wanted: one piece, ended by one DA1.
const ONE_ROUND_TRIP: &[u8] =
    b"\x1b]11;?\x07\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[16t\x1b[c";
const BACKGROUND_QUERY: &[u8] = b"\x1b]11;?";
const KITTY_QUERY: &[u8] = b"\x1b_Gi=31,s=1,v=1,a=q";
const DEVICE_ATTRIBUTES_QUERY: &[u8] = b"\x1b[c";

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|window| *window == needle)
        .count()
}

/// The reader on `folder` with `flags`, outside tmux whatever the test runs in; returns all
/// it wrote once it has quit.
fn reader_output(flags: &[&str], folder: &str) -> Vec<u8> {
    let home = tempfile::tempdir().unwrap();
    let mut args = flags.to_vec();
    args.push(folder);
    let mut command = pty::command(&args, home.path());
    command.env_remove("TMUX");
    let mut app = Session::start(command, 100, 30);
    app.wait_for("1 post");
    app.press("q");
    app.wait_exit();
    app.output()
}

#[test]
fn the_background_and_the_graphics_are_asked_in_one_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    post_with_a_picture(dir.path());
    let folder = dir.path().to_string_lossy().into_owned();
    // Theme and pictures both left to the terminal: one write, one DA1 to end it.
    let both = reader_output(&[], &folder);
    assert_eq!(
        count(&both, ONE_ROUND_TRIP),
        1,
        "{:?}",
        String::from_utf8_lossy(&both)
    );
    assert_eq!(count(&both, DEVICE_ATTRIBUTES_QUERY), 1);
    // A theme that is given: the graphics alone.
    let graphics = reader_output(&["--theme", "dark"], &folder);
    assert_eq!(count(&graphics, BACKGROUND_QUERY), 0);
    assert_eq!(count(&graphics, KITTY_QUERY), 1);
    assert_eq!(count(&graphics, DEVICE_ATTRIBUTES_QUERY), 1);
    // `off` and half blocks send no graphics query: the background alone.
    for images in ["off", "halfblocks"] {
        let background = reader_output(&["--images", images], &folder);
        assert_eq!(count(&background, BACKGROUND_QUERY), 1, "{images}");
        assert_eq!(count(&background, KITTY_QUERY), 0, "{images}");
        assert_eq!(count(&background, b"\x1b[16t"), 0, "{images}");
        assert_eq!(count(&background, DEVICE_ATTRIBUTES_QUERY), 1, "{images}");
    }
}
