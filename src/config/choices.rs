//! The two "how should output look" choices a user makes: [`ThemeChoice`] (`--theme`, or
//! `[reader] theme` in the config file) and [`ColorChoice`] (`--color`). Whether output may
//! carry colours depends on the colour choice, on `NO_COLOR` and on whether the output is a
//! terminal.
//!
//! Callers: the CLI's flags, the config parser and the app's theme selection.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ThemeChoice {
    /// Light text on a dark background.
    Dark,
    /// Dark text on a light background.
    Light,
    /// Follow the terminal's background: asked of the terminal (OSC 11), else COLORFGBG,
    /// else dark.
    #[default]
    Auto,
}

impl ThemeChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::Dark => "dark",
            ThemeChoice::Light => "light",
            ThemeChoice::Auto => "auto",
        }
    }
}

/// `--images`, or `[reader] images` in the config: how the reader and `show` draw
/// pictures, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ImagesChoice {
    /// Ask the terminal once at start which graphics protocol it speaks; half blocks when it
    /// speaks none (and under tmux, unless passthrough is allowed).
    #[default]
    Auto,
    /// The kitty graphics protocol (kitty, Ghostty, WezTerm).
    Kitty,
    /// Sixel graphics (foot, xterm -ti vt340, mlterm, Windows Terminal).
    Sixel,
    /// iTerm2's inline images (iTerm2, WezTerm, mintty).
    Iterm2,
    /// Unicode half blocks in colour: works in every terminal, tmux included.
    Halfblocks,
    /// No pictures: placeholders with their alt text, and no query to the terminal.
    Off,
}

impl ImagesChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            ImagesChoice::Auto => "auto",
            ImagesChoice::Kitty => "kitty",
            ImagesChoice::Sixel => "sixel",
            ImagesChoice::Iterm2 => "iterm2",
            ImagesChoice::Halfblocks => "halfblocks",
            ImagesChoice::Off => "off",
        }
    }

    pub fn parse(word: &str) -> Option<ImagesChoice> {
        use clap::ValueEnum;
        ImagesChoice::value_variants()
            .iter()
            .copied()
            .find(|choice| choice.as_str() == word)
    }
}

/// `--color`: whether output may carry colours and styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Plain text: not one escape sequence.
    Never,
    /// Colours on a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Colours even into a pipe (for less -R) and despite NO_COLOR.
    Always,
}

impl ColorChoice {
    /// Whether to style output going to a terminal (`is_terminal`) or not. `NO_COLOR` counts
    /// when set to anything but the empty string (<https://no-color.org>).
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Never => false,
            ColorChoice::Always => true,
            ColorChoice::Auto => is_terminal && !no_color_env(),
        }
    }
}

/// `NO_COLOR` is set to something.
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_choice_follows_the_flag_then_the_terminal() {
        assert!(!ColorChoice::Never.enabled(true));
        assert!(ColorChoice::Always.enabled(false));
        assert!(!ColorChoice::Auto.enabled(false));
        assert_eq!(ColorChoice::Auto.enabled(true), !no_color_env());
    }
}
