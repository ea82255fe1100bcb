//! The reader and the world outside it, in a pseudo-terminal: the browser it hands links to,
//! a sync that cannot reach its source, being suspended with Ctrl-Z, and a file opened
//! directly.

#[path = "support/pty.rs"]
mod pty;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pty::PtySession as Session;

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// Waits until `path` exists and holds something, then returns what it holds.
fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && !text.is_empty()
        {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} never written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A `$BROWSER` program that writes its argument to `out`.
fn recording_browser(dir: &Path, out: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("browser.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", out.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[test]
fn browser_receives_the_link_opened_from_the_links_popup() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("opened.txt");
    let browser = recording_browser(home.path(), &out);
    let folder = fixture("app");
    let mut command = pty::command(&[&folder], home.path());
    // The first entry is not there: the next is tried, as xdg-open does.
    command.env(
        "BROWSER",
        format!("/nonexistent/browser:{}", browser.display()),
    );
    let mut app = Session::start(command, 100, 30);
    app.wait_for("3 posts");
    app.press("\r");
    app.wait_for("1/");
    app.press("f");
    app.wait_for("Links");
    app.press("1");
    assert_eq!(wait_for_file(&out), "https://example.org/mosn/releases");
    app.press("q");
    assert!(app.wait_exit().success());
}

#[test]
fn without_a_browser_the_reader_says_how_to_get_one() {
    let home = tempfile::tempdir().unwrap();
    let folder = fixture("app");
    let mut command = pty::command(&[&folder], home.path());
    command.env("BROWSER", "/nonexistent/browser");
    // No platform opener either.
    command.env("PATH", home.path());
    let mut app = Session::start(command, 100, 30);
    app.wait_for("3 posts");
    app.press("\r");
    app.wait_for("1/");
    app.press("f1");
    app.wait_for("no browser found: set $BROWSER");
    app.press("q");
    assert!(app.wait_exit().success());
}

/// `sofa-weekly ARGS` run to its end with `home` as its home (no terminal).
fn cli(home: &Path, args: &[&str]) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_sofa-weekly"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("SOFA_WEEKLY_LIBRARY", home.join("library"))
        .env_remove("SOFA_WEEKLY_CONFIG")
        .output()
        .unwrap();
    assert!(status.status.success(), "{args:?}: {status:?}");
}

#[test]
fn a_sync_that_cannot_reach_its_source_says_why_first() {
    let home = tempfile::tempdir().unwrap();
    cli(home.path(), &["import", &fixture("app")]);
    // Nothing listens on port 1 of the loopback: the connection is refused at once.
    cli(
        home.path(),
        &[
            "source",
            "add",
            "http://127.0.0.1:1/feed.xml",
            "--name",
            "closed",
        ],
    );
    let mut app = Session::start(pty::command(&[], home.path()), 100, 30);
    app.wait_for("3 posts");
    app.press("r");
    let screen = app.wait_for("cannot connect");
    let status = screen.lines().last().unwrap();
    // The reason first (the line used to start with the URL, and the reason was cut off).
    assert!(status.contains("cannot connect ("), "{screen}");
    assert!(!status.contains("http"), "the URL waits for R:\n{screen}");
    assert!(status.trim_end().ends_with("R all results"), "{screen}");
    app.press("R");
    let screen = app.wait_for("Last sync");
    assert!(screen.contains("http://127.0.0.1:1/feed.xml"), "{screen}");
    app.press("\x1b");
    app.wait_for_screen(|screen| !screen.contains("Last sync"));
    app.press("q");
    assert!(app.wait_exit().success());
}

/// An interactive shell with job control on a pseudo-terminal, in `home`: Ctrl-Z stops a
/// job only where a shell can resume it (the kernel ignores it for an orphaned process).
fn shell(home: &Path) -> portable_pty::CommandBuilder {
    let mut command = portable_pty::CommandBuilder::new("bash");
    command.args(["--norc", "--noprofile", "-i"]);
    command.cwd(home);
    command.env("PS1", "$ ");
    command.env("TERM", "xterm-256color");
    command.env("HOME", home);
    command.env("XDG_CONFIG_HOME", home.join("config"));
    command.env("XDG_DATA_HOME", home.join("data"));
    command.env("SOFA_WEEKLY_LIBRARY", home.join("library"));
    command.env_remove("SOFA_WEEKLY_CONFIG");
    command
}

#[test]
fn ctrl_z_gives_the_terminal_back_and_fg_takes_it_again() {
    let home = tempfile::tempdir().unwrap();
    let mut app = Session::start(shell(home.path()), 100, 30);
    app.wait_for("$ ");
    let bin = env!("CARGO_BIN_EXE_sofa-weekly");
    app.press(&format!("{bin} {}\r", fixture("app")));
    app.wait_for("3 posts");
    assert!(app.alternate_screen());
    app.press("\x1a");
    app.wait_for("Stopped");
    assert!(!app.alternate_screen(), "the shell gets its screen back");
    app.press("fg\r");
    app.wait_for("3 posts");
    assert!(app.alternate_screen());
    // The keys work again, and so does quitting.
    app.press("j");
    app.wait_for("Seata 状态机模式详解             │");
    app.press("q");
    app.wait_for_screen(|screen| !screen.contains("3 posts"));
    assert!(!app.alternate_screen());
    app.press("exit\r");
    app.wait_exit();
}

#[test]
fn a_markdown_file_given_on_the_command_line_opens_its_post() {
    let file = fixture("app/2021-04-16-seata.md");
    let mut app = Session::run(&[&file], 100, 30);
    // The whole screen, not its first rows drawn: the reader's border, title and keys.
    let screen = app.wait_for_screen(|screen| {
        screen.contains("┏ Reader")
            && screen.contains("Seata 状态机模式详解")
            && screen.contains("Space  page")
    });
    assert!(screen.contains("Seata 状态机模式详解"), "{screen}");
    app.press("q");
    assert!(app.wait_exit().success());
}
