//! How the reader looks and which keys do what, gathered from the config file and the
//! environment before the reader takes the terminal.

use super::colors::ColorDepth;
use super::keymap::Keymap;
use super::pictures::graphics::{self, Graphics};
use super::terminal_background;
use super::theme::ThemeKind;
use super::theme_choice::choose_theme;
use crate::config::{ColorChoice, Config, DayFormat};

/// How the reader looks and which keys do what: from the config and the environment.
#[derive(Debug, Clone)]
pub struct Options {
    /// The widest the text is wrapped, in columns.
    pub max_width: u16,
    pub theme: ThemeKind,
    /// What the terminal can show; colours are brought down to it.
    pub color_depth: ColorDepth,
    /// The default keys with the config's `[keys]` applied.
    pub keymap: Keymap,
    /// How a post's day is written (the config's `date_format`).
    pub day_format: DayFormat,
    /// Problems to show in the status line at start (a broken config, say).
    pub notes: Vec<String>,
    /// What the terminal answered when asked for its background (`None`: not asked).
    pub background: Option<terminal_background::Reply>,
    /// How pictures are drawn (`None`: not at all, placeholders instead).
    pub graphics: Option<Graphics>,
}

impl Options {
    /// The reader settings of the config file with `--color`; `NO_COLOR` and the terminal's
    /// background decide what the config leaves to them. Key bindings that cannot be applied
    /// become [`Options::notes`].
    pub fn from_config(config: &Config, color: ColorChoice) -> Options {
        let (keymap, problems) = Keymap::with_config(&config.keys);
        // One round trip for the background and the graphics, before the reader takes
        // the terminal.
        let mut terminal =
            terminal_background::StartupQuery::new(graphics::question(config.reader.images));
        let (theme, background) = choose_theme(config.reader.theme, color, &mut terminal);
        let graphics = graphics::detect(config.reader.images, &mut terminal);
        Options {
            max_width: u16::try_from(config.reader.max_width.max(20)).unwrap_or(u16::MAX),
            theme,
            color_depth: ColorDepth::from_env(),
            keymap,
            day_format: config.day_format(),
            notes: problems
                .into_iter()
                .map(|p| format!("config line {}: {}", p.line, p.message))
                .collect(),
            background,
            graphics,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_width: 100,
            theme: ThemeKind::Dark,
            color_depth: ColorDepth::TrueColor,
            keymap: Keymap::builtin(),
            day_format: DayFormat::default(),
            notes: Vec::new(),
            background: None,
            graphics: None,
        }
    }
}
