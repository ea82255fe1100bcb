//! The real binary in a pseudo-terminal, for tests of what a person at a terminal sees: keys
//! go in as bytes; what comes out is kept both raw (to check which escape sequences were
//! written) and through a vt100 parser (the screen).
//!
//! Every run gets its own HOME and config folder, so a developer's own config.toml (a
//! remapped `q`, say) can never change what a test sees.
//!
//! The terminal answers the queries a program may send it as [`Answers`] says: by default
//! like a plain VT100-style terminal, which answers DA1 (device attributes) and not OSC 11
//! (background colour), so the reader's background query ends at once and the theme is the
//! fallback (dark, as `COLORFGBG` is unset).

#![allow(dead_code)] // each test binary uses a different part of this

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// How long a wait may take before the test fails: only a broken build gets near it.
const PATIENCE: Duration = Duration::from_secs(20);

/// `sofa-weekly ARGS` with a terminal that takes colours, and `home` as its HOME, config
/// folder and data folder (the library is under `home` too unless the args name one).
pub fn command(args: &[&str], home: &Path) -> CommandBuilder {
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_sofa-weekly"));
    command.args(args);
    command.env("TERM", "xterm-256color");
    command.env("HOME", home);
    command.env("XDG_CONFIG_HOME", home.join("config"));
    command.env("XDG_DATA_HOME", home.join("data"));
    command.env("SOFA_WEEKLY_LIBRARY", home.join("library"));
    // Fixtures refer to pictures on real hosts: tests never reach them.
    command.env("SOFA_WEEKLY_PICTURES", "none");
    command.env_remove("NO_COLOR");
    command.env_remove("COLORTERM");
    command.env_remove("SOFA_WEEKLY_CONFIG");
    // A run from an SSH session would wait longer for the terminal's answers.
    command.env_remove("SSH_TTY");
    command.env_remove("SSH_CONNECTION");
    command
}

/// What the terminal answers to the program's queries.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    /// The colour spec to answer OSC 11 with (`rgb:ffff/ffff/ffff`); `None`: no answer.
    pub background: Option<String>,
    /// Whether DA1 (`ESC [ c`) is answered, as nearly every terminal does.
    pub device_attributes: bool,
    /// How long each answer takes (a slow link).
    pub delay: Duration,
}

impl Answers {
    /// A terminal that answers DA1 only, at once.
    pub fn vt100() -> Answers {
        Answers {
            device_attributes: true,
            ..Answers::default()
        }
    }

    /// A terminal that answers nothing at all.
    pub fn silent() -> Answers {
        Answers::default()
    }
}

const BACKGROUND_QUERY: &[u8] = b"\x1b]11;?";
const DEVICE_ATTRIBUTES_QUERY: &[u8] = b"\x1b[c";
/// The device status report request (DSR 5), which ratatui-image's protocol query ends with.
const DEVICE_STATUS_QUERY: &[u8] = b"\x1b[5n";

/// Finds the queries in what the program writes and answers them through the keys.
struct Responder {
    answers: Answers,
    /// Answers and when they are due, written in order by a thread of their own.
    outbox: std::sync::mpsc::Sender<(Instant, Vec<u8>)>,
    /// Where in the program's output to look next.
    next: usize,
}

impl Responder {
    fn scan(&mut self, output: &[u8]) {
        let mut at = self.next;
        while at < output.len() {
            let rest = &output[at..];
            if rest.starts_with(BACKGROUND_QUERY) {
                if let Some(colour) = &self.answers.background {
                    self.answer(format!("\x1b]11;{colour}\x1b\\").into_bytes());
                }
                at += BACKGROUND_QUERY.len();
            } else if rest.starts_with(DEVICE_ATTRIBUTES_QUERY) {
                if self.answers.device_attributes {
                    self.answer(b"\x1b[?62;22c".to_vec());
                }
                at += DEVICE_ATTRIBUTES_QUERY.len();
            } else if rest.starts_with(DEVICE_STATUS_QUERY) {
                // A VT100 answers "terminal OK" wherever it answers DA1.
                if self.answers.device_attributes {
                    self.answer(b"\x1b[0n".to_vec());
                }
                at += DEVICE_STATUS_QUERY.len();
            } else if BACKGROUND_QUERY.starts_with(rest)
                || DEVICE_ATTRIBUTES_QUERY.starts_with(rest)
                || DEVICE_STATUS_QUERY.starts_with(rest)
            {
                break; // the start of a query: wait for the rest of it
            } else {
                at += 1;
            }
        }
        self.next = at;
    }

    fn answer(&self, bytes: Vec<u8>) {
        let _ = self
            .outbox
            .send((Instant::now() + self.answers.delay, bytes));
    }
}

/// Writes the answers to the terminal's input when they are due, in order, and keeps a copy
/// of what it has written in `answered`.
fn spawn_answering(
    keys: Arc<Mutex<Box<dyn Write + Send>>>,
    answered: Arc<Mutex<Vec<u8>>>,
) -> std::sync::mpsc::Sender<(Instant, Vec<u8>)> {
    let (outbox, inbox) = std::sync::mpsc::channel::<(Instant, Vec<u8>)>();
    std::thread::spawn(move || {
        for (due, bytes) in inbox {
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
            let mut keys = keys.lock().unwrap();
            let _ = keys.write_all(&bytes);
            let _ = keys.flush();
            answered.lock().unwrap().extend_from_slice(&bytes);
        }
    });
    outbox
}

pub struct PtySession {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    /// Set when the program's output has ended and all of it is on `screen`.
    output_closed: Arc<AtomicBool>,
    keys: Arc<Mutex<Box<dyn Write + Send>>>,
    /// Every answer written to the program's input so far.
    answered: Arc<Mutex<Vec<u8>>>,
    pub child: Box<dyn Child + Send + Sync>,
    // Kept open for the reader thread; closed when the session ends.
    master: Box<dyn MasterPty + Send>,
    /// The private home of a session made by [`PtySession::run`], removed at its end.
    _home: Option<tempfile::TempDir>,
}

impl PtySession {
    /// `sofa-weekly ARGS` at `cols`×`rows` with a private, empty home folder.
    pub fn run(args: &[&str], cols: u16, rows: u16) -> PtySession {
        let home = tempfile::tempdir().expect("temp dir");
        let mut session = PtySession::start(command(args, home.path()), cols, rows);
        session._home = Some(home);
        session
    }

    /// `command` on a terminal that answers like a VT100 ([`Answers::vt100`]).
    pub fn start(command: CommandBuilder, cols: u16, rows: u16) -> PtySession {
        PtySession::start_answering(command, cols, rows, Answers::vt100())
    }

    pub fn start_answering(
        command: CommandBuilder,
        cols: u16,
        rows: u16,
        answers: Answers,
    ) -> PtySession {
        let pty = native_pty_system()
            .openpty(size(cols, rows))
            .expect("open a pty");
        let child = pty.slave.spawn_command(command).expect("start sofa-weekly");
        drop(pty.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(rows).unwrap(),
            std::num::NonZeroU16::new(cols).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let output_closed = Arc::new(AtomicBool::new(false));
        let mut output = pty.master.try_clone_reader().expect("pty reader");
        let keys = Arc::new(Mutex::new(pty.master.take_writer().expect("pty writer")));
        let answered = Arc::new(Mutex::new(Vec::new()));
        let mut responder = Responder {
            answers,
            outbox: spawn_answering(Arc::clone(&keys), Arc::clone(&answered)),
            next: 0,
        };
        let (parser, bytes, closed) = (
            Arc::clone(&screen),
            Arc::clone(&raw),
            Arc::clone(&output_closed),
        );
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = output.read(&mut buf) {
                if n == 0 {
                    break;
                }
                parser.lock().unwrap().process(&buf[..n]);
                let mut bytes = bytes.lock().unwrap();
                bytes.extend_from_slice(&buf[..n]);
                responder.scan(&bytes);
            }
            closed.store(true, Ordering::SeqCst);
        });
        PtySession {
            screen,
            raw,
            output_closed,
            keys,
            answered,
            child,
            master: pty.master,
            _home: None,
        }
    }

    /// The screen's text now.
    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Every byte the program has written so far.
    pub fn output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until the screen shows `text`.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_for_screen(|screen| screen.contains(text))
    }

    /// Waits until the screen passes `check`.
    pub fn wait_for_screen(&self, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
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

    /// Waits until the terminal has answered the background query (written the colour to
    /// the program's input), however long [`Answers::delay`] makes that take.
    pub fn wait_for_background_answer(&self) {
        let deadline = Instant::now() + PATIENCE;
        while !self
            .answered
            .lock()
            .unwrap()
            .windows(5)
            .any(|w| w == b"\x1b]11;")
        {
            assert!(
                Instant::now() < deadline,
                "the terminal never answered the background query"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn press(&mut self, keys: &str) {
        let mut writer = self.keys.lock().unwrap();
        writer.write_all(keys.as_bytes()).unwrap();
        writer.flush().unwrap();
    }

    /// Waits for the program to exit and for the last of its output to be read.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + PATIENCE;
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
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.screen.lock().unwrap().screen_mut().set_size(
            std::num::NonZeroU16::new(rows).unwrap(),
            std::num::NonZeroU16::new(cols).unwrap(),
        );
        self.master.resize(size(cols, rows)).unwrap();
    }

    /// The background colour of the cell at `row`, `col`.
    pub fn background_at(&self, row: u16, col: u16) -> vt100::Color {
        let parser = self.screen.lock().unwrap();
        parser
            .screen()
            .cell(row, col)
            .map_or(vt100::Color::Default, |cell| cell.bgcolor())
    }

    pub fn alternate_screen(&self) -> bool {
        self.screen.lock().unwrap().screen().alternate_screen()
    }
}

fn size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}
