//! Asks the terminal, once at start, for what the reader cannot know otherwise: its
//! background colour (OSC 11), so that `theme = "auto"` can pick the light or the dark theme
//! from what is really on screen, and, when pictures are drawn with a graphics protocol,
//! which protocols it speaks and its cell size in pixels. When both are wanted they go in
//! one round trip: one write, one read, one timeout ([`StartupQuery`]). Called before the
//! reader takes the terminal (and by `show`); nothing is asked of a pipe, of a theme that is
//! given, or for `--images off` and `halfblocks`.
//!
//! The bytes and the reading of the answer are [`answer`]'s (pure, tested without a
//! terminal). The exchange puts the terminal in non-canonical mode without echo only while
//! it waits (restored on every path), and ends as soon as the answer to its last query
//! (DA1, which nearly every terminal answers) is in, so a terminal that knows none of the
//! other queries costs one round trip. Terminals known to mishandle OSC 11 (GNU Screen,
//! `TERM=dumb`, Eterm: terminal-colorsaurus's list and reasons) are not asked for it.
//!
//! A terminal that answers nothing costs [`QUERY_TIMEOUT`], or [`REMOTE_QUERY_TIMEOUT`] over
//! SSH, where even a terminal that answers takes a round trip. A reply that comes after it
//! would reach the reader as keys (`ESC ] 1 1 ; r g b …`); the reader's input thread drops it
//! with a [`LateReplyFilter`]. (After `show`, the shell would get it: hence the longer wait
//! over SSH.)

mod answer;

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use answer::GraphicsQuestion;
use answer::{Answers, LastAnswer, Questions};

use super::theme::ThemeKind;
use crate::render::CellSize;

/// How long to wait for a terminal that answers neither OSC 11 nor DA1. Every local terminal
/// we know of that answers at all does so within a few milliseconds.
pub const QUERY_TIMEOUT: Duration = Duration::from_millis(150);
/// The same over SSH: the answer crosses the link, and long links take more than 150 ms.
pub const REMOTE_QUERY_TIMEOUT: Duration = Duration::from_secs(1);
/// The same through tmux's passthrough, where the outer terminal answers after tmux.
const PASSTHROUGH_QUERY_TIMEOUT: Duration = Duration::from_millis(500);

/// How long to wait for the terminal's answer: longer when the session is remote (SSH sets
/// `SSH_TTY` or `SSH_CONNECTION`).
pub fn query_timeout(remote: bool) -> Duration {
    if remote {
        REMOTE_QUERY_TIMEOUT
    } else {
        QUERY_TIMEOUT
    }
}

/// What the terminal said about its background.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reply {
    /// The background colour's perceived lightness, 0 (black) to 1 (white).
    Lightness(f32),
    /// The terminal does not answer OSC 11 (it answered DA1 first), or is known not to.
    Unsupported,
    /// Nothing came back in time: a reply may still arrive.
    TimedOut,
    /// Not asked: standard input or output is not a terminal.
    NotATerminal,
    /// The terminal could not be opened or answered something else.
    Failed,
}

impl Reply {
    /// The theme for this background: light when its lightness is above the middle.
    pub fn theme(self) -> Option<ThemeKind> {
        match self {
            Reply::Lightness(lightness) => Some(if lightness > 0.5 {
                ThemeKind::Light
            } else {
                ThemeKind::Dark
            }),
            _ => None,
        }
    }
}

/// What pictures learnt from the start-up query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphicsReply {
    /// Kitty's graphics query was answered `OK`.
    pub kitty: bool,
    /// The device attributes list sixel.
    pub sixel: bool,
    /// The cell in pixels, when the terminal said.
    pub cell: Option<CellSize>,
    /// The terminal answered in time. One that did not is not asked again: a second query
    /// would wait as long, and its answers could come in as keys.
    pub answered: bool,
}

/// The terminal's answers at start, each asked at most once: the background when the theme
/// is left to the terminal ([`StartupQuery::background`]), the graphics when pictures need
/// them ([`StartupQuery::graphics`]). Asking for the background asks the graphics question
/// too, in the same round trip, so a reader that wants both waits once.
#[derive(Debug, Clone)]
pub struct StartupQuery {
    question: Option<GraphicsQuestion>,
    background: Option<Reply>,
    graphics: Option<GraphicsReply>,
}

impl StartupQuery {
    /// A query whose graphics part is `question` (`None`: pictures ask nothing).
    pub fn new(question: Option<GraphicsQuestion>) -> StartupQuery {
        StartupQuery {
            question,
            background: None,
            graphics: None,
        }
    }

    /// What the terminal said about its background, asked now (with the graphics question,
    /// if not answered yet) unless it was asked before.
    pub fn background(&mut self) -> Reply {
        if let Some(reply) = self.background {
            return reply;
        }
        let graphics = self.question.filter(|_| self.graphics.is_none());
        let (background, reply) = ask(Questions {
            background: true,
            graphics,
        });
        if graphics.is_some() {
            self.graphics = reply;
        }
        *self.background.insert(background.unwrap_or(Reply::Failed))
    }

    /// What the terminal said to the graphics question (`None` when there is none), asked
    /// now on its own unless the background query asked it already.
    pub fn graphics(&mut self) -> Option<GraphicsReply> {
        let question = self.question?;
        if self.graphics.is_none() {
            self.graphics = ask(Questions {
                background: false,
                graphics: Some(question),
            })
            .1;
        }
        self.graphics
    }
}

/// Asks `questions` in one round trip, when both standard input and output are a terminal
/// (never in a pipe or under CI: nothing is written then). Returns the background reply
/// when it was asked, and the graphics reply when that was.
fn ask(mut questions: Questions) -> (Option<Reply>, Option<GraphicsReply>) {
    let asked_background = questions.background;
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return (asked_background.then_some(Reply::NotATerminal), None);
    }
    let term = std::env::var("TERM").ok();
    if mishandles_background_query(term.as_deref()) {
        questions.background = false;
    }
    let background_of = |answers: &Answers| {
        if !questions.background {
            return Reply::Unsupported;
        }
        match answers.background {
            Some(lightness) => Reply::Lightness(lightness),
            // The last answer came, and no colour before it: OSC 11 is not known.
            None if answers.complete => Reply::Unsupported,
            None => Reply::TimedOut,
        }
    };
    if !questions.any() {
        return (asked_background.then_some(Reply::Unsupported), None);
    }
    let remote = ["SSH_TTY", "SSH_CONNECTION"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    let mut timeout = query_timeout(remote);
    if questions.graphics.is_some_and(|graphics| graphics.tmux) {
        timeout = timeout.max(PASSTHROUGH_QUERY_TIMEOUT);
    }
    let answers = exchange(&questions.bytes(), questions.last_answer(), timeout);
    let background = asked_background.then(|| match &answers {
        Ok(answers) => background_of(answers),
        Err(_) => Reply::Failed,
    });
    let graphics = questions.graphics.map(|_| match &answers {
        Ok(answers) => GraphicsReply {
            kitty: answers.kitty,
            sixel: answers.sixel,
            cell: answers.cell.or_else(cell_from_window_size),
            answered: answers.complete,
        },
        Err(_) => GraphicsReply {
            kitty: false,
            sixel: false,
            cell: None,
            answered: false,
        },
    });
    (background, graphics)
}

/// Terminals that get OSC 11 wrong (terminal-colorsaurus's list): `dumb` promises nothing;
/// GNU Screen answers DA1 before relaying OSC 11, which reads as "not supported" at best;
/// Eterm does not even answer DA1.
fn mishandles_background_query(term: Option<&str>) -> bool {
    match term {
        None => true,
        Some(term) => {
            term == "dumb" || term == "screen" || term.starts_with("screen.") || term == "Eterm"
        }
    }
}

/// Writes `query` to the terminal and reads what comes back until the answer that ends the
/// exchange, or until `timeout` is over (then with what came so far).
#[cfg(unix)]
fn exchange(query: &[u8], last: LastAnswer, timeout: Duration) -> std::io::Result<Answers> {
    use std::io::{Read, Write};
    use std::os::fd::AsFd;

    use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex};

    // The terminal on standard input (checked above), where its answers arrive and where
    // the reader reads its keys; the query goes out on standard output.
    let tty = std::fs::File::from(std::io::stdin().as_fd().try_clone_to_owned()?);
    let original = termios::tcgetattr(&tty)?;
    let mut quiet = original.clone();
    // Answers are read as they come, not as lines, and not echoed on screen. A read
    // returns after a tenth of a second without input, so the deadline is checked without
    // a thread left behind, blocked on the terminal, to steal the first keys.
    quiet.local_modes &= !(LocalModes::ICANON | LocalModes::ECHO);
    quiet.special_codes[SpecialCodeIndex::VMIN] = 0;
    quiet.special_codes[SpecialCodeIndex::VTIME] = 1;
    termios::tcsetattr(&tty, OptionalActions::Now, &quiet)?;
    struct Restore<'a>(&'a std::fs::File, termios::Termios);
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let _ = termios::tcsetattr(self.0, OptionalActions::Now, &self.1);
        }
    }
    let restore = Restore(&tty, original);

    let deadline = Instant::now() + timeout;
    let mut out = std::io::stdout().lock();
    out.write_all(query)?;
    out.flush()?;
    drop(out);
    let mut received = Vec::new();
    let mut chunk = [0u8; 256];
    loop {
        let answers = answer::parse(&received, last);
        if answers.complete || Instant::now() >= deadline {
            drop(restore);
            return Ok(answers);
        }
        match (&tty).read(&mut chunk) {
            Ok(read) => received.extend_from_slice(&chunk[..read]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}

#[cfg(not(unix))]
fn exchange(_query: &[u8], _last: LastAnswer, _timeout: Duration) -> std::io::Result<Answers> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// The cell size from the window's size in pixels, for a terminal that does not answer
/// `CSI 16 t` but fills in the pixels of `TIOCGWINSZ` (as ratatui-image falls back to).
#[cfg(unix)]
fn cell_from_window_size() -> Option<CellSize> {
    let size = rustix::termios::tcgetwinsize(std::io::stdout()).ok()?;
    if size.ws_xpixel == 0 || size.ws_ypixel == 0 || size.ws_col == 0 || size.ws_row == 0 {
        return None;
    }
    Some(CellSize {
        width: (size.ws_xpixel / size.ws_col).max(1),
        height: (size.ws_ypixel / size.ws_row).max(1),
    })
}

#[cfg(not(unix))]
fn cell_from_window_size() -> Option<CellSize> {
    None
}

/// How long after a query that timed out a late reply is still looked for in the input.
const LATE_REPLY_WINDOW: Duration = Duration::from_secs(3);

/// Drops, from the reader's input, a background reply that arrived after the query gave up
/// on it. crossterm reads `ESC ] 11;rgb:…` as Alt-`]` followed by plain keys, ended by BEL
/// (Ctrl-G) or ST (Alt-`\`); those keys are swallowed, from an Alt-`]` seen within a few
/// seconds of start to the terminator. (The DA1 reply after it is a sequence crossterm keeps
/// to itself.) A key that cannot be part of a colour reply, or a pause, ends the swallowing
/// and counts as typed, so a person pressing Alt-`]` loses nothing but that key. Without a
/// timed-out query the filter lets everything through.
#[derive(Debug, Clone)]
pub struct LateReplyFilter {
    /// Until when a reply is looked for; `None` once one was dropped or the time is over.
    until: Option<Instant>,
    /// When the Alt-`]` that opened the reply being dropped was read.
    inside_since: Option<Instant>,
}

/// A reply comes in one burst: keys this long after its Alt-`]` are a person's.
const REPLY_BURST: Duration = Duration::from_millis(300);

impl LateReplyFilter {
    /// A filter for the input that follows `reply`, received at `now`.
    pub fn after(reply: Option<Reply>, now: Instant) -> LateReplyFilter {
        LateReplyFilter {
            until: (reply == Some(Reply::TimedOut)).then(|| now + LATE_REPLY_WINDOW),
            inside_since: None,
        }
    }

    /// Lets everything through.
    pub fn none() -> LateReplyFilter {
        LateReplyFilter {
            until: None,
            inside_since: None,
        }
    }

    /// Whether `event`, read at `now`, is part of a late reply and must be dropped.
    pub fn swallows(&mut self, event: &Event, now: Instant) -> bool {
        let Some(until) = self.until else {
            return false;
        };
        let Event::Key(key) = event else {
            return false;
        };
        if let Some(since) = self.inside_since {
            if is_terminator(key) {
                // One reply was asked for: after it, every key is the user's.
                self.until = None;
                self.inside_since = None;
                return true;
            }
            if now <= since + REPLY_BURST && is_reply_char(key) {
                return true;
            }
            // Not a reply after all: this key and the next are the user's.
            self.until = None;
            self.inside_since = None;
            return false;
        }
        if now > until {
            self.until = None;
            return false;
        }
        if is_alt(key, ']') {
            self.inside_since = Some(now);
            return true;
        }
        false
    }
}

/// A character of `11;rgb:ffff/ffff/ffff` (or `rgba:…`, `#rrggbb`).
fn is_reply_char(key: &KeyEvent) -> bool {
    let KeyCode::Char(c) = key.code else {
        return false;
    };
    let plain = (key.modifiers - KeyModifiers::SHIFT).is_empty();
    plain && (c.is_ascii_hexdigit() || "rgba:/;#.".contains(c))
}

fn is_alt(key: &KeyEvent, c: char) -> bool {
    key.code == KeyCode::Char(c)
        && key.modifiers.contains(KeyModifiers::ALT)
        && key.kind != KeyEventKind::Release
}

fn is_terminator(key: &KeyEvent) -> bool {
    let bel = key.code == KeyCode::Char('g') && key.modifiers.contains(KeyModifiers::CONTROL);
    bel || is_alt(key, '\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_backgrounds_give_the_light_theme() {
        assert_eq!(Reply::Lightness(1.0).theme(), Some(ThemeKind::Light));
        assert_eq!(Reply::Lightness(0.93).theme(), Some(ThemeKind::Light));
        assert_eq!(Reply::Lightness(0.12).theme(), Some(ThemeKind::Dark));
        assert_eq!(Reply::Lightness(0.5).theme(), Some(ThemeKind::Dark));
        for silent in [
            Reply::Unsupported,
            Reply::TimedOut,
            Reply::NotATerminal,
            Reply::Failed,
        ] {
            assert_eq!(silent.theme(), None);
        }
    }

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, modifiers))
    }

    fn chars(text: &str) -> Vec<Event> {
        text.chars()
            .map(|c| key(KeyCode::Char(c), KeyModifiers::NONE))
            .collect()
    }

    /// The keys crossterm makes of `ESC ] 11;rgb:ffff/ffff/ffff` and a terminator.
    fn late_reply(terminator: Event) -> Vec<Event> {
        let mut events = vec![key(KeyCode::Char(']'), KeyModifiers::ALT)];
        events.extend(chars("11;rgb:ffff/ffff/ffff"));
        events.push(terminator);
        events
    }

    fn kept(filter: &mut LateReplyFilter, events: &[Event], now: Instant) -> String {
        events
            .iter()
            .filter(|event| !filter.swallows(event, now))
            .map(|event| match event {
                Event::Key(KeyEvent {
                    code: KeyCode::Char(c),
                    ..
                }) => c.to_string(),
                _ => "?".into(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_late_reply_is_dropped_and_the_keys_around_it_kept() {
        let start = Instant::now();
        let bel = key(KeyCode::Char('g'), KeyModifiers::CONTROL);
        let st = key(KeyCode::Char('\\'), KeyModifiers::ALT);
        for (terminator, shown) in [(bel, "g"), (st, "\\")] {
            let mut filter = LateReplyFilter::after(Some(Reply::TimedOut), start);
            let mut events = chars("j");
            events.extend(late_reply(terminator.clone()));
            events.extend(chars("k"));
            // The filter is spent after one reply: the same keys again are the user's.
            events.push(key(KeyCode::Char(']'), KeyModifiers::ALT));
            events.extend(chars("r"));
            events.push(terminator);
            let kept = kept(&mut filter, &events, start + Duration::from_millis(400));
            assert_eq!(kept, format!("j k ] r {shown}"));
        }
    }

    #[test]
    fn over_ssh_the_answer_is_given_longer() {
        assert_eq!(query_timeout(false), Duration::from_millis(150));
        assert!(query_timeout(true) >= Duration::from_secs(1));
    }

    #[test]
    fn a_person_pressing_alt_bracket_loses_only_that_key() {
        let start = Instant::now();
        let soon = start + Duration::from_millis(400);
        let mut events = vec![key(KeyCode::Char(']'), KeyModifiers::ALT)];
        events.extend(chars("jq"));
        let mut filter = LateReplyFilter::after(Some(Reply::TimedOut), start);
        assert_eq!(kept(&mut filter, &events, soon), "j q");
        // A reply-like key typed after a pause counts too.
        let mut filter = LateReplyFilter::after(Some(Reply::TimedOut), start);
        assert!(filter.swallows(&events[0], soon));
        let later = soon + REPLY_BURST + Duration::from_millis(1);
        assert!(!filter.swallows(&chars("f")[0], later));
        assert!(!filter.swallows(&chars("g")[0], later));
    }

    #[test]
    fn without_a_timed_out_query_or_after_a_while_every_key_counts() {
        let start = Instant::now();
        let events = late_reply(key(KeyCode::Char('g'), KeyModifiers::CONTROL));
        let soon = start + Duration::from_millis(200);
        for reply in [None, Some(Reply::Lightness(0.1)), Some(Reply::Unsupported)] {
            let mut filter = LateReplyFilter::after(reply, start);
            assert_eq!(kept(&mut filter, &events, soon).split(' ').count(), 23);
        }
        let mut filter = LateReplyFilter::after(Some(Reply::TimedOut), start);
        let later = start + LATE_REPLY_WINDOW + Duration::from_secs(1);
        assert_eq!(kept(&mut filter, &events, later).split(' ').count(), 23);
        assert_eq!(
            kept(&mut LateReplyFilter::none(), &events, soon)
                .split(' ')
                .count(),
            23
        );
    }
}
