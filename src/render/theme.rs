//! The looks of rendered text: one [`Style`] per markdown element, and the syntect theme
//! used for code blocks. `Theme::plain()` has no colours and no styles at all, for pipes,
//! `--plain` and `NO_COLOR`.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub text: Style,
    /// Levels 1 to 6.
    pub headings: [Style; 6],
    pub heading_marker: Style,
    pub emphasis: Style,
    pub strong: Style,
    pub strikethrough: Style,
    pub inline_code: Style,
    pub code_block: Style,
    pub code_gutter: Style,
    pub link: Style,
    pub link_number: Style,
    pub image: Style,
    pub quote_bar: Style,
    pub quote_text: Style,
    /// A callout's bar and label (`> [!NOTE]`, `:::message`, `::: tip`).
    pub callout: Style,
    /// A warning's or caution's bar and label.
    pub callout_warning: Style,
    pub bullet: Style,
    pub rule: Style,
    pub table_border: Style,
    pub table_header: Style,
    pub footnote: Style,
    pub title: Style,
    pub meta: Style,
    pub tag: Style,
    /// Name of the syntect theme for code blocks; `None` turns highlighting off.
    pub code_theme: Option<&'static str>,
}

/// The colours that tell the dark theme from the light one; everything else about the
/// looks is the same in both ([`Theme::from_palette`]).
struct Palette {
    /// Top headings, links, bullets, titles.
    accent: Color,
    /// Markers, gutters, rules, borders, metadata.
    muted: Color,
    /// Third- and fourth-level headings, tags.
    secondary: Color,
    inline_code: Color,
    inline_code_background: Color,
    code_block: Color,
    /// Images and footnotes.
    aside: Color,
    quote_text: Color,
    /// Callouts that warn (`:::message alert`, `> [!WARNING]`).
    warning: Color,
    code_theme: &'static str,
}

const DARK: Palette = Palette {
    accent: Color::Rgb(0x5f, 0xaf, 0xff),
    muted: Color::Rgb(0x80, 0x80, 0x80),
    secondary: Color::Rgb(0x87, 0xd7, 0xaf),
    inline_code: Color::Rgb(0xff, 0xaf, 0x87),
    inline_code_background: Color::Rgb(0x30, 0x30, 0x30),
    code_block: Color::Rgb(0xd0, 0xd0, 0xd0),
    aside: Color::Rgb(0xd7, 0xaf, 0xff),
    quote_text: Color::Rgb(0xbc, 0xbc, 0xbc),
    warning: Color::Rgb(0xff, 0xaf, 0x5f),
    code_theme: "base16-ocean.dark",
};

const LIGHT: Palette = Palette {
    accent: Color::Rgb(0x00, 0x5f, 0xaf),
    muted: Color::Rgb(0x6c, 0x6c, 0x6c),
    secondary: Color::Rgb(0x00, 0x87, 0x5f),
    inline_code: Color::Rgb(0xaf, 0x00, 0x00),
    inline_code_background: Color::Rgb(0xee, 0xee, 0xee),
    code_block: Color::Rgb(0x30, 0x30, 0x30),
    aside: Color::Rgb(0x87, 0x00, 0xaf),
    quote_text: Color::Rgb(0x44, 0x44, 0x44),
    warning: Color::Rgb(0xaf, 0x5f, 0x00),
    code_theme: "InspiredGitHub",
};

impl Theme {
    pub fn dark() -> Theme {
        Theme::from_palette(&DARK)
    }

    pub fn light() -> Theme {
        Theme::from_palette(&LIGHT)
    }

    /// Which element gets which colour of `palette`, and the modifiers, which do not
    /// depend on the background.
    fn from_palette(palette: &Palette) -> Theme {
        let &Palette {
            accent,
            muted,
            secondary,
            ..
        } = palette;
        Theme {
            text: Style::new(),
            headings: [
                Style::new().fg(accent).add_modifier(Modifier::BOLD),
                Style::new().fg(accent).add_modifier(Modifier::BOLD),
                Style::new().fg(secondary).add_modifier(Modifier::BOLD),
                Style::new().fg(secondary),
                Style::new().add_modifier(Modifier::BOLD),
                Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC),
            ],
            heading_marker: Style::new().fg(muted),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strong: Style::new().add_modifier(Modifier::BOLD),
            strikethrough: Style::new().add_modifier(Modifier::CROSSED_OUT),
            inline_code: Style::new()
                .fg(palette.inline_code)
                .bg(palette.inline_code_background),
            code_block: Style::new().fg(palette.code_block),
            code_gutter: Style::new().fg(muted),
            link: Style::new().fg(accent).add_modifier(Modifier::UNDERLINED),
            link_number: Style::new().fg(muted),
            image: Style::new().fg(palette.aside),
            quote_bar: Style::new().fg(muted),
            quote_text: Style::new()
                .fg(palette.quote_text)
                .add_modifier(Modifier::ITALIC),
            callout: Style::new().fg(accent).add_modifier(Modifier::BOLD),
            callout_warning: Style::new()
                .fg(palette.warning)
                .add_modifier(Modifier::BOLD),
            bullet: Style::new().fg(accent),
            rule: Style::new().fg(muted),
            table_border: Style::new().fg(muted),
            table_header: Style::new().add_modifier(Modifier::BOLD),
            footnote: Style::new().fg(palette.aside),
            title: Style::new().fg(accent).add_modifier(Modifier::BOLD),
            meta: Style::new().fg(muted),
            tag: Style::new().fg(secondary),
            code_theme: Some(palette.code_theme),
        }
    }

    /// The same theme with code highlighted in the 16 ANSI colours, for terminals that have
    /// no more (`TERM=xterm`): the RGB themes' shades would all come out as greys there.
    /// A theme without highlighting keeps none.
    pub fn with_16_colour_code(mut self) -> Theme {
        if self.code_theme.is_some() {
            self.code_theme = Some(super::code::ANSI16_THEME);
        }
        self
    }

    /// No colours, no styles, no highlighting: the layout alone.
    pub fn plain() -> Theme {
        let none = Style::new();
        Theme {
            text: none,
            headings: [none; 6],
            heading_marker: none,
            emphasis: none,
            strong: none,
            strikethrough: none,
            inline_code: none,
            code_block: none,
            code_gutter: none,
            link: none,
            link_number: none,
            image: none,
            quote_bar: none,
            quote_text: none,
            callout: none,
            callout_warning: none,
            bullet: none,
            rule: none,
            table_border: none,
            table_header: none,
            footnote: none,
            title: none,
            meta: none,
            tag: none,
            code_theme: None,
        }
    }
}
