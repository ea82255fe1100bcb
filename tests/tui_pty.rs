//! The real binary in a pseudo-terminal: keys go in as bytes, the screen comes out through a
//! vt100 parser, as a person would see it.

#[path = "support/pty.rs"]
mod pty;

use std::path::Path;

use pty::PtySession as Session;

fn fixtures() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/app")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn browse_filter_search_read_and_quit_cleanly() {
    let folder = fixtures();
    let mut app = Session::run(&[&folder], 100, 30);
    let screen = app.wait_for("3 posts");
    assert!(app.alternate_screen());
    let newest = screen.find("2021-05-21").unwrap();
    let oldest = screen.find("2020-12-11").unwrap();
    assert!(newest < oldest, "newest first:\n{screen}");

    // `]` steps through the tags (most used first, then by name) and the list follows.
    app.press("]");
    app.wait_for("tag SOFA Weekly");
    app.press("]]");
    let screen = app.wait_for("tag MOSN");
    let screen = if screen.contains("1 post ") {
        screen
    } else {
        app.wait_for("1 post ")
    };
    assert!(screen.contains("2021-05-21"), "{screen}");
    assert!(!screen.contains("2021-04-16"), "{screen}");

    // Back to every post, then search in the bodies.
    app.press("T/状态机");
    app.wait_for("1 found");
    app.press("\r");
    // The title changes as soon as Enter is read; the list follows when the worker replies.
    let screen = app.wait_for_screen(|screen| {
        screen.contains("/状态机") && screen.contains("2021-04-16 Seata 状态机")
    });
    assert!(
        !screen.contains("2021-05-21"),
        "only the matching post is listed:\n{screen}"
    );

    // Open it: the reader shows the header and the matches.
    app.press("\r");
    let screen = app.wait_for("match 1/");
    assert!(screen.contains("2021-04-16"), "{screen}");

    app.press("q");
    assert!(app.wait_exit().success());
    assert!(!app.alternate_screen(), "q must leave the alternate screen");
}

#[test]
fn narrow_terminal_takes_turns_and_a_hangup_restores_the_terminal() {
    let folder = fixtures();
    let mut app = Session::run(&[&folder], 40, 12);
    app.wait_for("3 posts");
    app.press("\r");
    let screen = app.wait_for("Reader");
    assert!(
        !screen.contains("Posts"),
        "the reader takes the whole width:\n{screen}"
    );
    app.child.kill().unwrap();
    app.wait_exit();
    assert!(
        !app.alternate_screen(),
        "a killed reader must restore the terminal"
    );
}

#[test]
fn a_library_that_cannot_be_opened_shows_why() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "a file where the library folder should be").unwrap();
    let mut app = Session::run(&["--library", blocker.to_str().unwrap()], 80, 16);
    app.wait_for("cannot open the library");
    app.press("q");
    assert!(app.wait_exit().success());
    assert!(!app.alternate_screen());
}

#[test]
fn resizing_rewraps_the_open_post_at_once() {
    let folder = fixtures();
    let mut app = Session::run(&[&folder], 100, 30);
    app.wait_for("3 posts");
    app.press("j\r");
    let wide = app.wait_for("Seata 的 Saga 模式");
    // The list beside the reader at 100 columns (the tags pane folds away while the
    // reader has the focus); the reader alone at 60.
    assert!(
        wide.contains("Posts"),
        "list and reader at 100 columns:\n{wide}"
    );
    app.resize(60, 20);
    let narrow = app.wait_for_screen(|s| !s.contains("Posts") && s.contains("Seata 的 Saga"));
    for line in narrow.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 60,
            "past the screen: {line:?}"
        );
    }
    app.press("q");
    assert!(app.wait_exit().success());
}

#[cfg(unix)]
#[test]
fn sigterm_leaves_the_terminal_as_it_was() {
    let folder = fixtures();
    let mut app = Session::run(&[&folder], 80, 24);
    app.wait_for("3 posts");
    let pid = app.child.process_id().expect("a pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(app.wait_exit().success(), "SIGTERM quits like q");
    assert!(!app.alternate_screen());
}

/// The title bar's colour: blue in the light theme, cyan in the dark one (as 16-colour
/// indexes, since the harness's terminal says `xterm-256color` without `COLORTERM`).
const LIGHT_TITLE: vt100::Color = vt100::Color::Idx(4);
const DARK_TITLE: vt100::Color = vt100::Color::Idx(6);

fn asked_for_the_background(app: &Session) -> bool {
    let output = app.output();
    output.windows(5).any(|w| w == b"\x1b]11;")
}

fn start_answering(answers: pty::Answers, args: &[&str]) -> (Session, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let command = pty::command(args, home.path());
    (Session::start_answering(command, 100, 30, answers), home)
}

#[test]
fn auto_theme_follows_the_background_the_terminal_reports() {
    let folder = fixtures();
    for (colour, title) in [
        ("rgb:ffff/ffff/ffff", LIGHT_TITLE),
        ("rgb:fd/f6/e3", LIGHT_TITLE),
        ("rgb:0000/0000/0000", DARK_TITLE),
        ("rgb:28/2c/34", DARK_TITLE),
    ] {
        let answers = pty::Answers {
            background: Some(colour.into()),
            ..pty::Answers::vt100()
        };
        let (mut app, _home) = start_answering(answers, &[&folder]);
        app.wait_for("3 posts");
        assert!(asked_for_the_background(&app));
        assert_eq!(app.background_at(0, 0), title, "{colour}");
        app.press("j");
        app.wait_for("2/3");
        app.press("q");
        assert!(app.wait_exit().success());
    }
}

#[test]
fn a_terminal_that_answers_nothing_gets_the_dark_theme_after_the_timeout() {
    let folder = fixtures();
    let (mut app, _home) = start_answering(pty::Answers::silent(), &[&folder]);
    app.wait_for("3 posts");
    assert!(asked_for_the_background(&app));
    assert_eq!(app.background_at(0, 0), DARK_TITLE);
    app.press("j");
    app.wait_for("2/3");
    app.press("q");
    assert!(app.wait_exit().success());
    assert!(!app.alternate_screen());
}

#[test]
fn a_background_reply_after_the_timeout_is_not_taken_for_keys() {
    let folder = fixtures();
    let answers = pty::Answers {
        background: Some("rgb:ffff/ffff/ffff".into()),
        device_attributes: true,
        delay: std::time::Duration::from_millis(1000),
    };
    let (mut app, _home) = start_answering(answers, &[&folder]);
    app.wait_for("3 posts");
    assert_eq!(app.background_at(0, 0), DARK_TITLE, "the query gave up");
    // The reply arrives now: as keys it would sync (r), open links (f), go to the top (g),
    // start a search (/)…
    app.wait_for_background_answer();
    // Input is read in order: once `j` has moved the cursor from the first post to the
    // second, the reply before it has been read too.
    app.press("j");
    let screen = app.wait_for("2/3");
    assert!(!screen.contains("nothing to sync"), "{screen}");
    assert!(!screen.contains("11;rgb"), "{screen}");
    assert!(!screen.contains("ffff"), "{screen}");
    app.press("q");
    assert!(app.wait_exit().success());
}

#[test]
fn a_theme_that_is_given_sends_the_terminal_no_query() {
    let folder = fixtures();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("light.toml");
    std::fs::write(&config, "[reader]\ntheme = \"light\"\n").unwrap();
    let config = config.to_str().unwrap();
    // Flags, and a variable to set.
    type Run<'a> = (&'a [&'a str], Option<(&'a str, &'a str)>);
    let runs: [Run; 4] = [
        (&["--theme", "dark"], None),
        (&["--color", "never"], None),
        (&[], Some(("NO_COLOR", "1"))),
        (&["--config", config], None),
    ];
    for (flags, var) in runs {
        let mut args = flags.to_vec();
        args.push(&folder);
        let mut command = pty::command(&args, home.path());
        if let Some((name, value)) = var {
            command.env(name, value);
        }
        let answers = pty::Answers {
            background: Some("rgb:ffff/ffff/ffff".into()),
            ..pty::Answers::vt100()
        };
        let mut app = Session::start_answering(command, 100, 30, answers);
        app.wait_for("3 posts");
        app.press("q");
        assert!(app.wait_exit().success());
        assert!(!asked_for_the_background(&app), "{args:?} {var:?}");
    }
}

#[test]
fn over_ssh_a_slower_answer_is_still_taken() {
    let folder = fixtures();
    let home = tempfile::tempdir().unwrap();
    let mut command = pty::command(&[&folder], home.path());
    command.env("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22");
    let answers = pty::Answers {
        background: Some("rgb:ffff/ffff/ffff".into()),
        device_attributes: true,
        delay: std::time::Duration::from_millis(300),
    };
    let mut app = Session::start_answering(command, 100, 30, answers);
    app.wait_for("3 posts");
    assert_eq!(app.background_at(0, 0), LIGHT_TITLE);
    app.press("q");
    assert!(app.wait_exit().success());
}
