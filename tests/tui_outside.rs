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
