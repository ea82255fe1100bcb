//! Which protocol draws pictures, chosen once at start (right after the background-colour
//! query, before the reader takes the terminal), never per picture.
//!
//! - `off` draws nothing and asks the terminal nothing.
//! - `halfblocks` asks nothing either: a cell shows two pixels, one above the other, in the
//!   foreground and background colours (true colour, or the nearest of 256 where the
//!   terminal has no more: the reader brings every colour down to the terminal's depth).
//! - `kitty`, `sixel`, `iterm2` ask the terminal for its cell size in pixels (a picture is
//!   sized in cells from it), then use the protocol named.
//! - `auto` asks the terminal which protocols it speaks (ratatui-image's query) and takes
//!   the best, half blocks when it speaks none. Under tmux the outer terminal only sees
//!   graphics when tmux passes them through (`allow-passthrough`); without it a graphics
//!   sequence would be eaten or drawn in the wrong pane, so tmux gets half blocks unless
//!   passthrough is allowed.

use std::io::IsTerminal;
use std::time::Duration;

use ratatui_image::picker::cap_parser::QueryStdioOptions;
use ratatui_image::picker::{Picker, ProtocolType};

use crate::app::terminal_background::Reply;
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

/// How long the protocol query may wait for a terminal that answers nothing.
const QUERY_TIMEOUT: Duration = Duration::from_millis(500);

/// The graphics for `choice` on this terminal; `None` draws no pictures (`off`, or standard
/// input or output is not a terminal). Called once at start, after the background query
/// when there was one (`background`).
///
/// A terminal that left the background query unanswered (not even DA1) is not asked again:
/// ratatui-image's query would wait for it, and its reading thread, left behind when the
/// wait ends, would take the first keys meant for the reader.
pub fn detect(choice: ImagesChoice, background: Option<Reply>) -> Option<Graphics> {
    if choice == ImagesChoice::Off
        || !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal())
    {
        return None;
    }
    let forced = match choice {
        ImagesChoice::Off => return None,
        ImagesChoice::Halfblocks => return Some(Graphics::half_blocks()),
        ImagesChoice::Auto => None,
        ImagesChoice::Kitty => Some(Protocol::Kitty),
        ImagesChoice::Sixel => Some(Protocol::Sixel),
        ImagesChoice::Iterm2 => Some(Protocol::Iterm2),
    };
    let silent = matches!(background, Some(Reply::TimedOut | Reply::Failed));
    if silent {
        return Some(match forced {
            Some(protocol) => Graphics::with_cell(protocol, GUESSED_CELL),
            None => Graphics::half_blocks(),
        });
    }
    if forced.is_none() && under_tmux() && !tmux_passthrough_allowed() {
        return Some(Graphics::half_blocks());
    }
    let options = QueryStdioOptions {
        timeout: QUERY_TIMEOUT,
        ..QueryStdioOptions::default()
    };
    let Ok(picker) = Picker::from_query_stdio_with_options(options) else {
        // A protocol asked for by name is used even so, with a common cell size.
        return Some(match forced {
            Some(protocol) => Graphics::with_cell(protocol, GUESSED_CELL),
            None => Graphics::half_blocks(),
        });
    };
    let font = picker.font_size();
    let cell = CellSize {
        width: font.width.max(1),
        height: font.height.max(1),
    };
    let protocol = match forced {
        Some(protocol) => protocol,
        None => match picker.protocol_type() {
            ProtocolType::Kitty => Protocol::Kitty,
            ProtocolType::Sixel => Protocol::Sixel,
            ProtocolType::Iterm2 => Protocol::Iterm2,
            ProtocolType::Halfblocks => return Some(Graphics::half_blocks()),
        },
    };
    let mut picker = picker;
    picker.set_protocol_type(protocol_type(protocol));
    Some(Graphics {
        protocol,
        cell,
        picker: Some(picker),
    })
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
    fn off_is_never_drawn() {
        assert!(detect(ImagesChoice::Off, None).is_none());
    }
}
