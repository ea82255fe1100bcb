//! The colours of the reader's frame (panes, lists, bars), dark and light, and a plain
//! variant for `NO_COLOR` that uses only bold, reverse and underline. The post text itself is
//! styled by [`crate::render::Theme`], chosen here to match. Which one applies is decided by
//! [`ThemeKind::choose`]: `NO_COLOR`, then the theme named by `--theme` or the config, then
//! (for `auto`) the terminal's background, asked with OSC 11 ([`super::terminal_background`]), then
//! `COLORFGBG`, then dark.

use ratatui::style::{Color, Modifier, Style};

use crate::render;

/// Which set of styles the reader uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThemeKind {
    Dark,
    Light,
    /// No colours at all (`NO_COLOR`).
    Plain,
}

impl ThemeKind {
    /// `name` from the config: `dark`, `light`, `plain`, or `auto` (and anything else), which
    /// follows the terminal's background: what `terminal_background` finds (the terminal
    /// asked with OSC 11, see [`super::terminal_background`]), else what `COLORFGBG` says, else dark.
    /// `terminal_background` is called only for `auto`, so a theme given by name sends the
    /// terminal nothing. `NO_COLOR` set to a non-empty value wins over everything, as
    /// <https://no-color.org> asks.
    pub fn choose(
        name: Option<&str>,
        no_color: Option<&str>,
        terminal_background: impl FnOnce() -> Option<ThemeKind>,
        colorfgbg: Option<&str>,
    ) -> ThemeKind {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return ThemeKind::Plain;
        }
        match name.map(str::trim) {
            Some(n) if n.eq_ignore_ascii_case("light") => ThemeKind::Light,
            Some(n) if n.eq_ignore_ascii_case("dark") => ThemeKind::Dark,
            Some(n) if n.eq_ignore_ascii_case("plain") || n.eq_ignore_ascii_case("none") => {
                ThemeKind::Plain
            }
            _ => terminal_background()
                .or_else(|| ThemeKind::from_colorfgbg(colorfgbg))
                .unwrap_or(ThemeKind::Dark),
        }
    }

    /// Dark or light for the background colour in `COLORFGBG` (`"15;0"`: white on black),
    /// which rxvt, Konsole, iTerm2 and others set; `None` when it says nothing usable. It
    /// comes second to asking the terminal: the variable is inherited, so it can be stale
    /// after an `ssh` or inside tmux.
    pub fn from_colorfgbg(colorfgbg: Option<&str>) -> Option<ThemeKind> {
        let background = colorfgbg
            .and_then(|v| v.rsplit(';').next())
            .and_then(|bg| bg.trim().parse::<u8>().ok())?;
        Some(match background {
            // The light entries of the 16-colour palette: white, light grey, bright colours.
            7 | 9..=15 => ThemeKind::Light,
            _ => ThemeKind::Dark,
        })
    }

    pub fn render_theme(self) -> render::Theme {
        match self {
            ThemeKind::Dark => render::Theme::dark(),
            ThemeKind::Light => render::Theme::light(),
            ThemeKind::Plain => render::Theme::plain(),
        }
    }

    pub fn styles(self) -> Styles {
        match self {
            ThemeKind::Dark => {
                Styles::colored(Color::Cyan, Color::Yellow, Color::DarkGray, Color::Black)
            }
            ThemeKind::Light => {
                Styles::colored(Color::Blue, Color::Magenta, Color::Gray, Color::White)
            }
            ThemeKind::Plain => Styles::plain(),
        }
    }
}

/// Every style the frame uses, by role.
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    pub title_bar: Style,
    pub status_bar: Style,
    pub key_hint: Style,
    pub border: Style,
    pub border_focused: Style,
    pub selected: Style,
    pub selected_unfocused: Style,
    pub dim: Style,
    pub unread: Style,
    pub star: Style,
    pub topic_tag: Style,
    pub meta_tag: Style,
    pub pinned_tag: Style,
    pub search_match: Style,
    pub current_match: Style,
    pub error: Style,
    pub popup: Style,
}

impl Styles {
    fn colored(accent: Color, topic: Color, dim: Color, on_accent: Color) -> Styles {
        let bold = Modifier::BOLD;
        Styles {
            title_bar: Style::new().fg(on_accent).bg(accent).add_modifier(bold),
            status_bar: Style::new().add_modifier(Modifier::REVERSED),
            key_hint: Style::new().add_modifier(Modifier::REVERSED | bold),
            border: Style::new().fg(dim),
            border_focused: Style::new().fg(accent),
            selected: Style::new().fg(on_accent).bg(accent),
            selected_unfocused: Style::new().add_modifier(Modifier::REVERSED),
            dim: Style::new().fg(dim),
            unread: Style::new().add_modifier(bold),
            star: Style::new().fg(topic),
            topic_tag: Style::new().fg(topic),
            meta_tag: Style::new(),
            pinned_tag: Style::new().fg(accent).add_modifier(bold),
            search_match: Style::new().fg(Color::Black).bg(Color::Yellow),
            current_match: Style::new()
                .fg(Color::Black)
                .bg(Color::LightRed)
                .add_modifier(bold),
            error: Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(bold),
            popup: Style::new(),
        }
    }

    fn plain() -> Styles {
        let reversed = Style::new().add_modifier(Modifier::REVERSED);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Styles {
            title_bar: reversed.add_modifier(Modifier::BOLD),
            status_bar: reversed,
            key_hint: reversed.add_modifier(Modifier::BOLD),
            border: Style::new(),
            border_focused: bold,
            selected: reversed,
            selected_unfocused: Style::new().add_modifier(Modifier::UNDERLINED),
            dim: Style::new(),
            unread: bold,
            star: Style::new(),
            topic_tag: Style::new(),
            meta_tag: Style::new(),
            pinned_tag: bold,
            search_match: Style::new().add_modifier(Modifier::UNDERLINED),
            current_match: reversed,
            error: reversed.add_modifier(Modifier::BOLD),
            popup: Style::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A terminal that must not be asked.
    fn not_asked() -> Option<ThemeKind> {
        panic!("the terminal was asked although the theme was given")
    }

    #[test]
    fn no_color_wins_over_the_config() {
        assert_eq!(
            ThemeKind::choose(Some("light"), Some("1"), not_asked, None),
            ThemeKind::Plain
        );
        assert_eq!(
            ThemeKind::choose(None, Some("1"), not_asked, None),
            ThemeKind::Plain
        );
        assert_eq!(
            ThemeKind::choose(Some("light"), Some(""), not_asked, None),
            ThemeKind::Light
        );
        assert_eq!(
            ThemeKind::choose(None, None, || None, None),
            ThemeKind::Dark
        );
    }

    #[test]
    fn auto_asks_the_terminal_first() {
        let light = || Some(ThemeKind::Light);
        assert_eq!(ThemeKind::choose(None, None, light, None), ThemeKind::Light);
        assert_eq!(
            ThemeKind::choose(Some("auto"), None, light, Some("15;0")),
            ThemeKind::Light
        );
        let dark = || Some(ThemeKind::Dark);
        assert_eq!(
            ThemeKind::choose(Some("auto"), None, dark, Some("0;15")),
            ThemeKind::Dark
        );
        let named = [
            ("dark", ThemeKind::Dark),
            ("light", ThemeKind::Light),
            ("plain", ThemeKind::Plain),
        ];
        for (name, theme) in named {
            assert_eq!(
                ThemeKind::choose(Some(name), None, not_asked, Some("0;15")),
                theme
            );
        }
    }

    #[test]
    fn auto_falls_back_to_colorfgbg_then_dark() {
        let by_colorfgbg = |colorfgbg| ThemeKind::choose(Some("auto"), None, || None, colorfgbg);
        assert_eq!(by_colorfgbg(Some("0;15")), ThemeKind::Light);
        assert_eq!(by_colorfgbg(Some("15;0")), ThemeKind::Dark);
        assert_eq!(by_colorfgbg(Some("15;default;0")), ThemeKind::Dark);
        assert_eq!(by_colorfgbg(Some("garbage")), ThemeKind::Dark);
        assert_eq!(by_colorfgbg(None), ThemeKind::Dark);
        let named = ThemeKind::choose(Some("dark"), None, not_asked, Some("0;15"));
        assert_eq!(named, ThemeKind::Dark);
    }

    #[test]
    fn plain_styles_have_no_colour() {
        let s = ThemeKind::Plain.styles();
        for style in [
            s.title_bar,
            s.selected,
            s.topic_tag,
            s.search_match,
            s.error,
            s.border,
        ] {
            assert_eq!(style.fg, None);
            assert_eq!(style.bg, None);
        }
    }
}
