//! Asks the terminal for its background colour (OSC 11), so that `theme = "auto"` can pick
//! the light or the dark theme from what is really on screen. Called once, before the reader
//! takes the terminal (and by `show`), only when the theme is left to the terminal.
//!
//! The query and its reply are left to `terminal-colorsaurus`: it puts the terminal in raw
//! mode only while it waits (restored on every path), sends a DA1 request after OSC 11 so
//! that a terminal without OSC 11 answers DA1 at once instead of making us wait, reads the
//! reply from the terminal itself, and knows the terminals that mishandle the query (GNU
//! Screen, urxvt's terminator, `TERM=dumb`) and leaves them alone.
//!
//! A terminal that answers nothing costs [`QUERY_TIMEOUT`], or [`REMOTE_QUERY_TIMEOUT`] over
//! SSH, where even a terminal that answers takes a round trip. A reply that comes after it
//! would reach the reader as keys (`ESC ] 1 1 ; r g b …`); the reader's input thread drops it
//! with a [`LateReplyFilter`]. (After `show`, the shell would get it: hence the longer wait
//! over SSH.)

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::theme::ThemeKind;

/// How long to wait for a terminal that answers neither OSC 11 nor DA1. Every local terminal
/// we know of that answers at all does so within a few milliseconds.
pub const QUERY_TIMEOUT: Duration = Duration::from_millis(150);
/// The same over SSH: the answer crosses the link, and long links take more than 150 ms.
pub const REMOTE_QUERY_TIMEOUT: Duration = Duration::from_secs(1);

/// How long to wait for the terminal's answer: longer when the session is remote (SSH sets
/// `SSH_TTY` or `SSH_CONNECTION`).
pub fn query_timeout(remote: bool) -> Duration {
    if remote {
        REMOTE_QUERY_TIMEOUT
    } else {
        QUERY_TIMEOUT
    }
}

/// How long after a query that timed out a late reply is still looked for in the input.
const LATE_REPLY_WINDOW: Duration = Duration::from_secs(3);

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

/// Asks the terminal for its background colour, when both standard input and output are a
/// terminal (never in a pipe or under CI: nothing is written then).
pub fn ask() -> Reply {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Reply::NotATerminal;
    }
    let remote = ["SSH_TTY", "SSH_CONNECTION"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    let mut options = terminal_colorsaurus::QueryOptions::default();
    options.timeout = query_timeout(remote);
    match terminal_colorsaurus::background_color(options) {
        Ok(color) => Reply::Lightness(color.perceived_lightness()),
        Err(terminal_colorsaurus::Error::UnsupportedTerminal(_)) => Reply::Unsupported,
        Err(terminal_colorsaurus::Error::Timeout(_)) => Reply::TimedOut,
        Err(_) => Reply::Failed,
    }
}

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
