//! Which protocol draws pictures, chosen once at start (with the background-colour query,
//! in the same round trip, before the reader takes the terminal), never per picture.
//!
//! - `off` draws nothing and asks the terminal nothing.
//! - `halfblocks` asks nothing either: a cell shows two pixels, one above the other, in the
//!   foreground and background colours (true colour, or the nearest of 256 where the
//!   terminal has no more: the reader brings every colour down to the terminal's depth).
//! - `kitty`, `sixel`, `iterm2` ask the terminal for its cell size in pixels (a picture is
//!   sized in cells from it), then use the protocol named.
//! - `auto` asks the terminal which protocols it speaks (kitty's query, and sixel in its
//!   device attributes: the questions ratatui-image's own query asks) and takes the best,
//!   half blocks when it speaks none. Under tmux the outer terminal only sees
//!   graphics when tmux passes them through (`allow-passthrough`); without it a graphics
//!   sequence would be eaten or drawn in the wrong pane, so tmux gets half blocks unless
//!   passthrough is allowed.

use std::io::IsTerminal;

use ratatui_image::picker::{Picker, ProtocolType};

use crate::app::terminal_background::{GraphicsQuestion, GraphicsReply, StartupQuery};
use crate::config::ImagesChoice;
use crate::render::CellSize;

/// The protocol pictures are drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Kitty,
    Sixel,
    Iterm2,
    HalfBlocks,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Kitty => "kitty",
            Protocol::Sixel => "sixel",
            Protocol::Iterm2 => "iterm2",
            Protocol::HalfBlocks => "halfblocks",
        }
    }
}

/// How pictures are drawn on this terminal.
#[derive(Debug, Clone)]
pub struct Graphics {
    pub protocol: Protocol,
    /// The terminal's cell in pixels: what a picture's natural size in cells comes from.
    pub cell: CellSize,
    /// The query's result, for the graphics protocols (half blocks need none).
    picker: Option<Picker>,
}

impl Graphics {
    /// Half blocks: no query, works everywhere.
    pub fn half_blocks() -> Graphics {
        Graphics {
            protocol: Protocol::HalfBlocks,
            cell: CellSize::HALF_BLOCKS,
            picker: None,
        }
    }

    /// The picker of a graphics protocol (`None` for half blocks).
    pub fn picker(&self) -> Option<&Picker> {
        self.picker.as_ref()
    }

    /// `protocol` with a terminal cell of `cell` pixels, without asking the terminal (tests,
    /// and a terminal known in advance).
    pub fn with_cell(protocol: Protocol, cell: CellSize) -> Graphics {
        if protocol == Protocol::HalfBlocks {
            return Graphics::half_blocks();
        }
        // Picker::halfblocks only guesses tmux from TERM; the protocol and cell come from us.
        #[allow(deprecated)]
        let mut picker =
            Picker::from_fontsize(ratatui_image::FontSize::new(cell.width, cell.height));
        picker.set_protocol_type(protocol_type(protocol));
        Graphics {
            protocol,
            cell,
            picker: Some(picker),
        }
    }
}

fn protocol_type(protocol: Protocol) -> ProtocolType {
    match protocol {
        Protocol::Kitty => ProtocolType::Kitty,
        Protocol::Sixel => ProtocolType::Sixel,
        Protocol::Iterm2 => ProtocolType::Iterm2,
        Protocol::HalfBlocks => ProtocolType::Halfblocks,
    }
}

/// The cell size of a common 10-point font, for a terminal that does not say.
const GUESSED_CELL: CellSize = CellSize {
    width: 10,
    height: 20,
};

/// What `choice` needs to ask the terminal at start, if anything: nothing for `off` and
/// `halfblocks`, nor when standard input or output is not a terminal, nor for `auto` under
/// tmux without passthrough (half blocks, whatever the outer terminal speaks). Asked with
/// the background query when the theme wants that too ([`StartupQuery`]).
pub fn question(choice: ImagesChoice) -> Option<GraphicsQuestion> {
    if matches!(choice, ImagesChoice::Off | ImagesChoice::Halfblocks)
        || !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal())
    {
        return None;
    }
    let auto = choice == ImagesChoice::Auto;
    let tmux = under_tmux();
    if auto && tmux && !tmux_passthrough_allowed() {
        return None;
    }
    let hints = TerminalHints::from_env();
    Some(GraphicsQuestion {
        // WezTerm and Konsole answer kitty's query (and DA1's sixel) but draw neither
        // well: ratatui-image gives them iTerm2's protocol, and so do we.
        protocols: auto && !hints.kitty_and_sixel_unreliable,
        tmux,
    })
}

/// The graphics for `choice` on this terminal; `None` draws no pictures (`off`, or standard
/// input or output is not a terminal). Called once at start, after the theme is chosen, so
/// that the graphics question went with the background query when there was one.
pub fn detect(choice: ImagesChoice, query: &mut StartupQuery) -> Option<Graphics> {
    if choice == ImagesChoice::Off
        || !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal())
    {
        return None;
    }
    let (protocol, cell) = choose(choice, query.graphics(), &TerminalHints::from_env());
    Some(Graphics::with_cell(protocol, cell))
}

/// What the environment says of the terminal, beyond its answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TerminalHints {
    /// WezTerm or Konsole: their kitty and sixel support is not to be used.
    pub kitty_and_sixel_unreliable: bool,
    /// A terminal known to draw iTerm2's inline images (iTerm2, WezTerm, mintty, VS Code…),
    /// which no query tells.
    pub iterm2: bool,
}

impl TerminalHints {
    /// The variables ratatui-image looks at for the same questions.
    pub fn from_env() -> TerminalHints {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        let program = std::env::var("TERM_PROGRAM").unwrap_or_default();
        let iterm2_program = [
            "iTerm",
            "WezTerm",
            "mintty",
            "vscode",
            "Tabby",
            "Hyper",
            "rio",
            "Bobcat",
            "WarpTerminal",
        ]
        .iter()
        .any(|name| program.contains(name));
        let lc_terminal = std::env::var("LC_TERMINAL").unwrap_or_default();
        TerminalHints {
            kitty_and_sixel_unreliable: set("WEZTERM_EXECUTABLE") || set("KONSOLE_VERSION"),
            iterm2: iterm2_program
                || lc_terminal.contains("iTerm")
                || set("ITERM_SESSION_ID")
                || set("WEZTERM_EXECUTABLE"),
        }
    }
}

/// The protocol and cell size for `choice`, from the terminal's `reply` (`None` when
/// nothing was asked, as for half blocks). A protocol asked for by name is used whatever the
/// terminal said, with the cell size it gave or a common one; `auto` takes kitty, then
/// sixel, then iTerm2 (from the environment), else half blocks, and half blocks too when the
/// terminal did not answer or gave no cell size to size pictures by.
pub fn choose(
    choice: ImagesChoice,
    reply: Option<GraphicsReply>,
    hints: &TerminalHints,
) -> (Protocol, CellSize) {
    let half_blocks = (Protocol::HalfBlocks, CellSize::HALF_BLOCKS);
    let cell = reply.and_then(|reply| reply.cell);
    let named = match choice {
        ImagesChoice::Off | ImagesChoice::Halfblocks => return half_blocks,
        ImagesChoice::Kitty => Some(Protocol::Kitty),
        ImagesChoice::Sixel => Some(Protocol::Sixel),
        ImagesChoice::Iterm2 => Some(Protocol::Iterm2),
        ImagesChoice::Auto => None,
    };
    if let Some(protocol) = named {
        return (protocol, cell.unwrap_or(GUESSED_CELL));
    }
    let (Some(reply), Some(cell)) = (reply, cell) else {
        return half_blocks;
    };
    if !reply.answered {
        return half_blocks;
    }
    let protocol = if reply.kitty && !hints.kitty_and_sixel_unreliable {
        Protocol::Kitty
    } else if reply.sixel && !hints.kitty_and_sixel_unreliable {
        Protocol::Sixel
    } else if hints.iterm2 {
        Protocol::Iterm2
    } else {
        return half_blocks;
    };
    (protocol, cell)
}

/// tmux sets `TMUX` in the environment of what runs inside it.
fn under_tmux() -> bool {
    std::env::var_os("TMUX").is_some_and(|value| !value.is_empty())
}

/// Whether tmux passes graphics through to the outer terminal for this pane
/// (`allow-passthrough on` or `all`, tmux 3.3 and later), set on the pane or inherited
/// (`-A`) from the window or the global options.
fn tmux_passthrough_allowed() -> bool {
    let output = std::process::Command::new("tmux")
        .args(["show-options", "-Apqv", "allow-passthrough"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output();
    let pane = output
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_default();
    passthrough_allows(&pane)
}

/// `on` and `all` let graphics through; `off`, an empty answer (the option unset or an old
/// tmux) do not.
pub fn passthrough_allows(value: &str) -> bool {
    matches!(value, "on" | "all")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_on_and_all_let_graphics_through_tmux() {
        assert!(passthrough_allows("on"));
        assert!(passthrough_allows("all"));
        assert!(!passthrough_allows("off"));
        assert!(!passthrough_allows(""));
    }

    #[test]
    fn off_is_never_drawn_and_asks_nothing() {
        assert!(detect(ImagesChoice::Off, &mut StartupQuery::new(None)).is_none());
        assert_eq!(question(ImagesChoice::Off), None);
        assert_eq!(question(ImagesChoice::Halfblocks), None);
    }

    const CELL: CellSize = CellSize {
        width: 9,
        height: 18,
    };

    fn reply(kitty: bool, sixel: bool, answered: bool) -> Option<GraphicsReply> {
        Some(GraphicsReply {
            kitty,
            sixel,
            cell: Some(CELL),
            answered,
        })
    }

    #[test]
    fn auto_takes_the_best_protocol_the_terminal_answered() {
        let plain = TerminalHints::default();
        let auto = |reply, hints: &TerminalHints| choose(ImagesChoice::Auto, reply, hints).0;
        assert_eq!(auto(reply(true, true, true), &plain), Protocol::Kitty);
        assert_eq!(auto(reply(false, true, true), &plain), Protocol::Sixel);
        assert_eq!(
            auto(reply(false, false, true), &plain),
            Protocol::HalfBlocks
        );
        assert_eq!(
            choose(ImagesChoice::Auto, reply(true, false, true), &plain).1,
            CELL,
            "sized by the terminal's cell"
        );
        let wezterm = TerminalHints {
            kitty_and_sixel_unreliable: true,
            iterm2: true,
        };
        assert_eq!(auto(reply(true, true, true), &wezterm), Protocol::Iterm2);
        // Silent, or no cell size to size pictures by: half blocks.
        assert_eq!(auto(reply(true, true, false), &plain), Protocol::HalfBlocks);
        let no_cell = Some(GraphicsReply {
            cell: None,
            ..reply(true, false, true).unwrap()
        });
        assert_eq!(auto(no_cell, &plain), Protocol::HalfBlocks);
        assert_eq!(
            auto(None, &plain),
            Protocol::HalfBlocks,
            "tmux without passthrough"
        );
    }

    #[test]
    fn a_protocol_asked_for_by_name_is_used_whatever_the_answer() {
        let plain = TerminalHints::default();
        assert_eq!(
            choose(ImagesChoice::Sixel, reply(true, false, true), &plain),
            (Protocol::Sixel, CELL)
        );
        assert_eq!(
            choose(ImagesChoice::Kitty, reply(false, false, false), &plain).0,
            Protocol::Kitty
        );
        let silent = Some(GraphicsReply {
            kitty: false,
            sixel: false,
            cell: None,
            answered: false,
        });
        assert_eq!(
            choose(ImagesChoice::Iterm2, silent, &plain),
            (Protocol::Iterm2, GUESSED_CELL)
        );
        assert_eq!(
            choose(ImagesChoice::Halfblocks, None, &plain),
            (Protocol::HalfBlocks, CellSize::HALF_BLOCKS)
        );
    }
}
