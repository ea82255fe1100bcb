//! The real binary in a pseudo-terminal: keys go in as bytes, the screen comes out through a
//! vt100 parser, as a person would see it.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    /// Set when the program's output has ended and all of it is on `screen`.
    output_closed: Arc<AtomicBool>,
    keys: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    // Kept open for the reader thread; closed when the session ends.
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Session {
    fn start(args: &[&str], cols: u16, rows: u16) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_sofa-weekly"));
        command.args(args);
        command.env("TERM", "xterm-256color");
        command.env_remove("NO_COLOR");
        let child = pty.slave.spawn_command(command).expect("start sofa-weekly");
        drop(pty.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(rows).unwrap(),
            std::num::NonZeroU16::new(cols).unwrap(),
            0,
        )));
        let mut output = pty.master.try_clone_reader().expect("pty reader");
        let parser = Arc::clone(&screen);
        let output_closed = Arc::new(AtomicBool::new(false));
        let closed = Arc::clone(&output_closed);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = output.read(&mut buf) {
                if n == 0 {
                    break;
                }
                parser.lock().unwrap().process(&buf[..n]);
            }
            closed.store(true, Ordering::SeqCst);
        });
        let keys = pty.master.take_writer().expect("pty writer");
        Session {
            screen,
            output_closed,
            keys,
            child,
            _master: pty.master,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; the limit only keeps a broken build from hanging.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let contents = self.contents();
            if contents.contains(text) {
                return contents;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never showed {text:?}:\n{contents}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen passes `check`.
    fn wait_for_screen(&self, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let contents = self.contents();
            if check(&contents) {
                return contents;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never changed as expected:\n{contents}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn press(&mut self, keys: &str) {
        self.keys.write_all(keys.as_bytes()).unwrap();
        self.keys.flush().unwrap();
    }

    /// Waits for the program to exit and for the last of its output to be on the screen.
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap()
                && self.output_closed.load(Ordering::SeqCst)
            {
                return status;
            }
            assert!(Instant::now() < deadline, "sofa-weekly did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Resizes the terminal, as a window manager would.
    fn resize(&mut self, cols: u16, rows: u16) {
        self.screen.lock().unwrap().screen_mut().set_size(
            std::num::NonZeroU16::new(rows).unwrap(),
            std::num::NonZeroU16::new(cols).unwrap(),
        );
        self._master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    fn alternate_screen(&self) -> bool {
        self.screen.lock().unwrap().screen().alternate_screen()
    }
}

fn fixtures() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/app")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn browse_filter_search_read_and_quit_cleanly() {
    let folder = fixtures();
    let mut app = Session::start(&[&folder], 100, 30);
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
        screen.contains("/状态机") && screen.contains("2021-04-16 SOFA Weekly")
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
    let mut app = Session::start(&[&folder], 40, 12);
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
    let mut app = Session::start(&["--library", blocker.to_str().unwrap()], 80, 16);
    app.wait_for("cannot open the library");
    app.press("q");
    assert!(app.wait_exit().success());
    assert!(!app.alternate_screen());
}

#[test]
fn resizing_rewraps_the_open_post_at_once() {
    let folder = fixtures();
    let mut app = Session::start(&[&folder], 100, 30);
    app.wait_for("3 posts");
    app.press("j\r");
    let wide = app.wait_for("Seata 的 Saga 模式");
    assert!(wide.contains("Tags"), "three panes at 100 columns:\n{wide}");
    app.resize(60, 20);
    let narrow = app.wait_for_screen(|s| !s.contains("Tags") && s.contains("Seata 的 Saga"));
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
    let mut app = Session::start(&[&folder], 80, 24);
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
