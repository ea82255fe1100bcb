//! Colour depth: what the terminal can show (24-bit, 256 or 16 colours, from `COLORTERM` and
//! `TERM`), and styles brought down to it. The themes and the code highlighter speak RGB;
//! a terminal without 24-bit colour would show those as nothing or as the wrong colour, so
//! every cell of a frame (and every line `show` prints) is mapped to the nearest colour the
//! terminal has.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Style};
use ratatui::text::Line;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    TrueColor,
    Ansi256,
    Ansi16,
}

impl ColorDepth {
    /// From the environment: `COLORTERM=truecolor|24bit` means 24-bit; a `TERM` with
    /// `256color` (or `direct`) means 256; anything else (`xterm`, `screen`, `linux`,
    /// `vt100`) 16.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> ColorDepth {
        let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
        let term = term.unwrap_or("").to_ascii_lowercase();
        if colorterm.contains("truecolor")
            || colorterm.contains("24bit")
            || term.ends_with("direct")
        {
            ColorDepth::TrueColor
        } else if term.contains("256color") {
            ColorDepth::Ansi256
        } else {
            ColorDepth::Ansi16
        }
    }

    pub fn from_env() -> ColorDepth {
        let colorterm = std::env::var("COLORTERM").ok();
        let term = std::env::var("TERM").ok();
        ColorDepth::detect(colorterm.as_deref(), term.as_deref())
    }

    /// `theme` as this depth can show it: on 16 colours the code gets a highlighting theme
    /// of its own, since the RGB themes' shades of keywords, strings and comments would all
    /// map to the same one or two colours.
    pub fn fit_theme(self, theme: crate::render::Theme) -> crate::render::Theme {
        if self == ColorDepth::Ansi16 {
            theme.with_16_colour_code()
        } else {
            theme
        }
    }

    pub fn color(self, color: Color) -> Color {
        match (self, color) {
            (ColorDepth::TrueColor, _) => color,
            (ColorDepth::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(nearest_256(r, g, b)),
            (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => nearest_16(r, g, b),
            (ColorDepth::Ansi16, Color::Indexed(i)) if i >= 16 => {
                let (r, g, b) = rgb_of_index(i);
                nearest_16(r, g, b)
            }
            (ColorDepth::Ansi16, Color::Indexed(i)) => ANSI16[usize::from(i)].0,
            _ => color,
        }
    }

    pub fn style(self, style: Style) -> Style {
        let mut style = style;
        style.fg = style.fg.map(|c| self.color(c));
        style.bg = style.bg.map(|c| self.color(c));
        style
    }

    /// Every cell of a drawn frame.
    pub fn buffer(self, buffer: &mut Buffer) {
        if self == ColorDepth::TrueColor {
            return;
        }
        for cell in &mut buffer.content {
            cell.fg = self.color(cell.fg);
            cell.bg = self.color(cell.bg);
        }
    }

    /// Every span of some lines (for `show`).
    pub fn lines(self, lines: &mut [Line<'_>]) {
        if self == ColorDepth::TrueColor {
            return;
        }
        for line in lines {
            line.style = self.style(line.style);
            for span in &mut line.spans {
                span.style = self.style(span.style);
            }
        }
    }
}

/// The 16 ANSI colours with the xterm default RGB of each.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn distance((r1, g1, b1): (u8, u8, u8), (r2, g2, b2): (u8, u8, u8)) -> u32 {
    let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).unsigned_abs();
    // Weighted for the eye's sensitivity (green most, blue least).
    2 * d(r1, r2).pow(2) + 4 * d(g1, g2).pow(2) + 3 * d(b1, b2).pow(2)
}

fn nearest_16(r: u8, g: u8, b: u8) -> Color {
    ANSI16
        .iter()
        .min_by_key(|(_, rgb)| distance(*rgb, (r, g, b)))
        .map(|(color, _)| *color)
        .unwrap_or(Color::Reset)
}

/// The nearest of the 6×6×6 cube (16–231) and the grey ramp (232–255).
fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    let step = |v: u8| {
        CUBE.iter()
            .enumerate()
            .min_by_key(|(_, c)| (i32::from(**c) - i32::from(v)).abs())
            .map(|(i, _)| i as u8)
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (step(r), step(g), step(b));
    let cube_index = 16 + 36 * ri + 6 * gi + bi;
    let cube = (CUBE[ri as usize], CUBE[gi as usize], CUBE[bi as usize]);
    let average = ((u16::from(r) + u16::from(g) + u16::from(b)) / 3) as u8;
    let grey_step = (average.saturating_sub(8) / 10).min(23);
    let grey_value = 8 + 10 * grey_step;
    if distance((grey_value, grey_value, grey_value), (r, g, b)) < distance(cube, (r, g, b)) {
        232 + grey_step
    } else {
        cube_index
    }
}

fn rgb_of_index(index: u8) -> (u8, u8, u8) {
    match index {
        0..=15 => ANSI16[usize::from(index)].1,
        16..=231 => {
            let i = index - 16;
            (
                CUBE[usize::from(i / 36)],
                CUBE[usize::from(i / 6 % 6)],
                CUBE[usize::from(i % 6)],
            )
        }
        _ => {
            let v = 8 + 10 * (index - 232);
            (v, v, v)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_16_colours_change_the_code_theme() {
        let dark = crate::render::Theme::dark();
        let on_16 = ColorDepth::Ansi16.fit_theme(dark.clone());
        assert_ne!(on_16.code_theme, dark.code_theme);
        assert_eq!(
            on_16.code_theme,
            dark.clone().with_16_colour_code().code_theme
        );
        assert_eq!(ColorDepth::Ansi256.fit_theme(dark.clone()), dark);
        assert_eq!(ColorDepth::TrueColor.fit_theme(dark.clone()), dark);
    }

    #[test]
    fn depth_comes_from_colorterm_then_term() {
        use ColorDepth::*;
        assert_eq!(
            ColorDepth::detect(Some("truecolor"), Some("xterm")),
            TrueColor
        );
        assert_eq!(ColorDepth::detect(Some("24bit"), None), TrueColor);
        assert_eq!(ColorDepth::detect(None, Some("xterm-256color")), Ansi256);
        assert_eq!(ColorDepth::detect(None, Some("tmux-256color")), Ansi256);
        assert_eq!(ColorDepth::detect(None, Some("xterm")), Ansi16);
        assert_eq!(ColorDepth::detect(None, Some("linux")), Ansi16);
        assert_eq!(ColorDepth::detect(None, None), Ansi16);
    }

    #[test]
    fn rgb_degrades_to_the_nearest_colour() {
        let accent = Color::Rgb(0x5f, 0xaf, 0xff);
        assert_eq!(ColorDepth::TrueColor.color(accent), accent);
        // 5f/af/ff is exactly cube entry (1, 3, 5).
        assert_eq!(
            ColorDepth::Ansi256.color(accent),
            Color::Indexed(16 + 36 + 18 + 5)
        );
        assert_eq!(
            ColorDepth::Ansi256.color(Color::Rgb(0x80, 0x80, 0x80)),
            Color::Indexed(244)
        );
        assert_eq!(
            ColorDepth::Ansi16.color(Color::Rgb(250, 10, 10)),
            Color::LightRed
        );
        assert_eq!(
            ColorDepth::Ansi16.color(Color::Rgb(0x30, 0x30, 0x30)),
            Color::Black
        );
        assert_eq!(
            ColorDepth::Ansi16.color(Color::Indexed(196)),
            Color::LightRed
        );
        assert_eq!(ColorDepth::Ansi16.color(Color::Cyan), Color::Cyan);
        assert_eq!(ColorDepth::Ansi16.color(Color::Reset), Color::Reset);
    }

    #[test]
    fn a_frame_keeps_no_rgb_on_a_16_colour_terminal() {
        let mut buffer = Buffer::empty(ratatui::layout::Rect::new(0, 0, 3, 1));
        buffer[(0, 0)].set_fg(Color::Rgb(0x87, 0xd7, 0xaf));
        buffer[(1, 0)].set_bg(Color::Indexed(236));
        ColorDepth::Ansi16.buffer(&mut buffer);
        assert!(
            buffer
                .content
                .iter()
                .all(|c| !matches!(c.fg, Color::Rgb(..) | Color::Indexed(_))
                    && !matches!(c.bg, Color::Rgb(..) | Color::Indexed(_)))
        );
    }
}
