//! The start-up query as bytes, and what the terminal's answer to it says. Pure, so that a
//! combined answer (both parts, only one, none at all) is tested without a terminal; the
//! round trip itself is [`super::ask`]'s.
//!
//! What is asked, in this order, in one write:
//! - `OSC 11 ; ?` (background colour), ended by BEL: urxvt answers an ST-ended query with a
//!   bare ESC, which would make us wait for the timeout (terminal-colorsaurus's finding);
//! - for pictures, kitty's graphics query (a one-pixel picture it is asked to check, not
//!   show) when the protocol is left to the terminal, and `CSI 16 t` (the cell size in
//!   pixels); under tmux these go through its passthrough, for the outer terminal to answer;
//! - `CSI c` (DA1, device attributes), which nearly every terminal answers: its attribute 4
//!   says sixel, and since a terminal answers in order, its answer ends the exchange. A
//!   terminal that answers DA1 and not OSC 11 does not know OSC 11, and is not waited for.
//!
//! Under tmux, DA1 goes through the passthrough too (tmux's own would say nothing of the
//! outer terminal), and `CSI 5 n` (device status) after it ends the exchange instead: tmux
//! keeps the outer terminal's DA1 answer to itself, and its own answers come before the
//! outer terminal's, so only an answer of the outer terminal can be the last one.

use crate::render::CellSize;

/// What the start-up query asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Questions {
    /// The background colour, for the theme.
    pub background: bool,
    /// What pictures need to know; `None` asks nothing for them.
    pub graphics: Option<GraphicsQuestion>,
}

/// What pictures ask the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphicsQuestion {
    /// Which protocols it speaks (kitty's query; sixel is in every DA1 answer). A protocol
    /// chosen by name only needs the cell size.
    pub protocols: bool,
    /// Through tmux's passthrough, for the terminal outside tmux to answer.
    pub tmux: bool,
}

/// The answer that ends the exchange: the last query's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastAnswer {
    /// `CSI ? … c`
    DeviceAttributes,
    /// `CSI 0 n`
    Status,
}

/// One picture of one pixel, for kitty to check and answer `OK` (`i=31` names the answer).
const KITTY_QUERY: &str = "_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA";
const KITTY_ANSWER: &[u8] = b"Gi=31;";
const ESC: u8 = 0x1b;
const BEL: u8 = 0x07;

impl Questions {
    /// Whether anything is asked at all.
    pub fn any(&self) -> bool {
        self.background || self.graphics.is_some()
    }

    /// The bytes to write, in one piece.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        if self.background {
            out.push_str("\x1b]11;?\x07");
        }
        let mut graphics = String::new();
        if let Some(question) = self.graphics {
            if question.protocols {
                graphics.push_str(&format!("\x1b{KITTY_QUERY}\x1b\\"));
            }
            graphics.push_str("\x1b[16t");
        }
        match self.graphics {
            Some(GraphicsQuestion { tmux: true, .. }) => {
                graphics.push_str("\x1b[c\x1b[5n");
                // DCS tmux; … ST, every ESC inside doubled.
                out.push_str("\x1bPtmux;");
                out.push_str(&graphics.replace('\x1b', "\x1b\x1b"));
                out.push_str("\x1b\\");
            }
            _ => {
                out.push_str(&graphics);
                out.push_str("\x1b[c");
            }
        }
        out.into_bytes()
    }

    /// The answer that ends the exchange.
    pub fn last_answer(&self) -> LastAnswer {
        match self.graphics {
            Some(GraphicsQuestion { tmux: true, .. }) => LastAnswer::Status,
            _ => LastAnswer::DeviceAttributes,
        }
    }
}

/// What the terminal has said so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    /// The background colour's perceived lightness, 0 (black) to 1 (white).
    pub background: Option<f32>,
    /// Kitty checked the one-pixel picture and said `OK`.
    pub kitty: bool,
    /// DA1 listed attribute 4.
    pub sixel: bool,
    /// The cell in pixels, when told (and not zero).
    pub cell: Option<CellSize>,
    /// The last query's answer came: the terminal has said all it will.
    pub complete: bool,
}

/// Reads the answers in `bytes` (what the terminal sent back so far), up to the one that
/// ends the exchange. Anything else (a key pressed meanwhile, an answer to another query)
/// is passed over; an answer cut off at the end is left for the next read to finish.
pub fn parse(bytes: &[u8], last: LastAnswer) -> Answers {
    let mut answers = Answers::default();
    let mut at = 0;
    while let Some(start) = find(bytes, at, |b| b == ESC) {
        let Some(&kind) = bytes.get(start + 1) else {
            break;
        };
        let body = start + 2;
        let next = match kind {
            b']' => {
                let Some((end, after)) = string_end(bytes, body, true) else {
                    break;
                };
                if let Some(spec) = bytes[body..end].strip_prefix(b"11;") {
                    answers.background = lightness(spec).or(answers.background);
                }
                after
            }
            b'_' => {
                let Some((end, after)) = string_end(bytes, body, false) else {
                    break;
                };
                if let Some(status) = bytes[body..end].strip_prefix(KITTY_ANSWER) {
                    answers.kitty |= status == b"OK";
                }
                after
            }
            b'[' => {
                // Parameters and intermediates (0x20–0x3F), then the final byte.
                let Some(end) = find(bytes, body, |b| !(0x20..=0x3f).contains(&b)) else {
                    break;
                };
                let params = &bytes[body..end];
                if !(0x40..=0x7e).contains(&bytes[end]) {
                    // Not a CSI after all (an ESC, say): look again from there.
                    at = end;
                    continue;
                }
                match bytes[end] {
                    b'c' if params.starts_with(b"?") => {
                        answers.sixel |= params[1..].split(|&b| b == b';').any(|a| a == b"4");
                        if last == LastAnswer::DeviceAttributes {
                            answers.complete = true;
                            return answers;
                        }
                    }
                    b't' => answers.cell = cell_size(params).or(answers.cell),
                    b'n' if params == b"0" && last == LastAnswer::Status => {
                        answers.complete = true;
                        return answers;
                    }
                    _ => {}
                }
                end + 1
            }
            _ => body,
        };
        at = next;
    }
    answers
}

fn find(bytes: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| pred(b))
        .map(|i| from + i)
}

/// Where a string (OSC, APC) that starts at `from` ends: ST (`ESC \`), or BEL when
/// `bel_ends` (OSC answers end either way). Returns the end of its content and the index
/// after its terminator.
fn string_end(bytes: &[u8], from: usize, bel_ends: bool) -> Option<(usize, usize)> {
    let end = find(bytes, from, |b| b == ESC || (bel_ends && b == BEL))?;
    if bytes[end] == BEL {
        return Some((end, end + 1));
    }
    match bytes.get(end + 1) {
        Some(b'\\') => Some((end, end + 2)),
        // An ESC that starts something else: this string was cut short.
        Some(_) => Some((end, end)),
        None => None,
    }
}

/// `rgb:ffff/ffff/ffff`, `rgba:…`, `#rrggbb` (X11's colour specs) as perceived lightness.
fn lightness(spec: &[u8]) -> Option<f32> {
    xterm_color::Color::parse(spec)
        .ok()
        .map(|color| color.perceived_lightness())
}

/// `6;HEIGHT;WIDTH`, the answer to `CSI 16 t`.
fn cell_size(params: &[u8]) -> Option<CellSize> {
    let text = std::str::from_utf8(params).ok()?;
    let mut parts = text.split(';');
    if parts.next()? != "6" {
        return None;
    }
    let height: u16 = parts.next()?.parse().ok()?;
    let width: u16 = parts.next()?.parse().ok()?;
    (width > 0 && height > 0 && parts.next().is_none()).then_some(CellSize { width, height })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: Questions = Questions {
        background: true,
        graphics: Some(GraphicsQuestion {
            protocols: true,
            tmux: false,
        }),
    };

    const KITTY_OK: &str = "\x1b_Gi=31;OK\x1b\\";
    const CELL: &str = "\x1b[6;20;10t";
    const DA1_SIXEL: &str = "\x1b[?62;4;22c";
    const DA1: &str = "\x1b[?62;22c";

    fn parse_str(text: &str, last: LastAnswer) -> Answers {
        parse(text.as_bytes(), last)
    }

    /// What a terminal that ends the exchange and tells nothing else gives.
    fn complete_and_nothing_else() -> Answers {
        Answers {
            complete: true,
            ..Answers::default()
        }
    }

    #[test]
    fn both_questions_go_in_one_write_ended_by_device_attributes() {
        let bytes = String::from_utf8(BOTH.bytes()).unwrap();
        assert_eq!(
            bytes,
            "\x1b]11;?\x07\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[16t\x1b[c"
        );
        assert_eq!(BOTH.last_answer(), LastAnswer::DeviceAttributes);
        let background_only = Questions {
            background: true,
            graphics: None,
        };
        assert_eq!(background_only.bytes(), b"\x1b]11;?\x07\x1b[c");
        let named = Questions {
            background: false,
            graphics: Some(GraphicsQuestion {
                protocols: false,
                tmux: false,
            }),
        };
        assert_eq!(
            named.bytes(),
            b"\x1b[16t\x1b[c",
            "kitty's query only for auto"
        );
        assert!(
            !Questions {
                background: false,
                graphics: None
            }
            .any()
        );
    }

    #[test]
    fn under_tmux_the_graphics_go_through_passthrough_and_status_ends_it() {
        let questions = Questions {
            background: true,
            graphics: Some(GraphicsQuestion {
                protocols: true,
                tmux: true,
            }),
        };
        let bytes = String::from_utf8(questions.bytes()).unwrap();
        assert_eq!(
            bytes,
            "\x1b]11;?\x07\x1bPtmux;\x1b\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\x1b\\\
             \x1b\x1b[16t\x1b\x1b[c\x1b\x1b[5n\x1b\\"
        );
        assert_eq!(questions.last_answer(), LastAnswer::Status);
        // tmux answers the background at once; the outer terminal the rest, then status.
        let answers = parse_str(
            &format!("\x1b]11;rgb:ffff/ffff/ffff\x07{KITTY_OK}{CELL}\x1b[0n"),
            LastAnswer::Status,
        );
        assert!(answers.complete && answers.kitty);
        assert_eq!(answers.background, Some(1.0));
    }

    #[test]
    fn a_terminal_that_answers_both_gives_background_protocols_and_cell() {
        let text = format!("\x1b]11;rgb:0000/0000/0000\x1b\\{KITTY_OK}{CELL}{DA1_SIXEL}");
        let answers = parse_str(&text, LastAnswer::DeviceAttributes);
        assert_eq!(
            answers,
            Answers {
                background: Some(0.0),
                kitty: true,
                sixel: true,
                cell: Some(CellSize {
                    width: 10,
                    height: 20
                }),
                complete: true,
            }
        );
    }

    #[test]
    fn only_the_background_answered() {
        let text = format!("\x1b]11;rgb:fd/f6/e3\x07{DA1}");
        let answers = parse_str(&text, LastAnswer::DeviceAttributes);
        assert!(answers.complete);
        assert!(answers.background.unwrap() > 0.9);
        assert!(!answers.kitty && !answers.sixel && answers.cell.is_none());
    }

    #[test]
    fn only_the_graphics_answered() {
        let text = format!("{KITTY_OK}{CELL}{DA1}");
        let answers = parse_str(&text, LastAnswer::DeviceAttributes);
        assert!(answers.complete && answers.kitty);
        assert_eq!(answers.background, None, "it does not know OSC 11");
        assert_eq!(answers.cell.map(|c| c.height), Some(20));
    }

    #[test]
    fn nothing_but_device_attributes_or_nothing_at_all() {
        let answers = parse_str(DA1, LastAnswer::DeviceAttributes);
        assert_eq!(answers, complete_and_nothing_else());
        // A silent terminal (a timeout): nothing, and not complete.
        assert_eq!(parse(b"", LastAnswer::DeviceAttributes), Answers::default());
        // Answered in part when the time was up: what came is kept.
        let partial = parse_str(
            "\x1b]11;rgb:ffff/ffff/ffff\x07\x1b_Gi=31;O",
            LastAnswer::Status,
        );
        assert_eq!(partial.background, Some(1.0));
        assert!(!partial.kitty && !partial.complete);
    }

    #[test]
    fn refusals_keys_and_strange_answers_are_passed_over() {
        let text = "jk\x1b_Gi=31;ENOTSUPPORTED:no\x1b\\\x1b[6;0;0t\x1b]11;not a colour\x07\
             \x1b[0n\x1b[?1;2c";
        let answers = parse_str(text, LastAnswer::DeviceAttributes);
        assert_eq!(
            answers,
            complete_and_nothing_else(),
            "the DSR answer does not end a DA1-ended exchange"
        );
        // An answer cut off at the end of what was read waits for the rest.
        assert!(!parse_str("\x1b[?62;4", LastAnswer::DeviceAttributes).complete);
        assert!(parse_str("\x1b[?62;4c", LastAnswer::DeviceAttributes).sixel);
    }
}
