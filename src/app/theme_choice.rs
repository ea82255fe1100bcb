//! Which theme the reader and `sofa-weekly show` use: the config's choice and `--color`,
//! then `NO_COLOR`, then (for `auto`) the terminal's background. One function for both, so
//! the reader and `show` can never pick differently for the same terminal.

use super::terminal_background;
use super::theme::ThemeKind;
use crate::config::{ColorChoice, ThemeChoice};

/// The theme for the config's `choice` and `--color`: `never` is the plain theme, `always`
/// ignores `NO_COLOR`, `auto` leaves it to `NO_COLOR`. The terminal is asked for its
/// background (through `terminal`, with whatever else it asks) only when the choice is left
/// to it, and then its reply comes back too.
pub fn choose_theme(
    choice: ThemeChoice,
    color: ColorChoice,
    terminal: &mut terminal_background::StartupQuery,
) -> (ThemeKind, Option<terminal_background::Reply>) {
    let no_color = match color {
        ColorChoice::Never => return (ThemeKind::Plain, None),
        ColorChoice::Always => None,
        ColorChoice::Auto => std::env::var("NO_COLOR").ok(),
    };
    let colorfgbg = std::env::var("COLORFGBG").ok();
    let mut reply = None;
    let theme = ThemeKind::choose(
        theme_name(choice),
        no_color.as_deref(),
        || reply.insert(terminal.background()).theme(),
        colorfgbg.as_deref(),
    );
    (theme, reply)
}

fn theme_name(choice: ThemeChoice) -> Option<&'static str> {
    match choice {
        ThemeChoice::Dark => Some("dark"),
        ThemeChoice::Light => Some("light"),
        ThemeChoice::Auto => None,
    }
}
