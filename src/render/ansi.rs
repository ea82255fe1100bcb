//! Lines as bytes for a terminal or a pipe: SGR sequences for styles when colour is on, OSC 8
//! hyperlinks around link text when asked, and nothing else: any control character that
//! reached a span is dropped here as a last line of defence.

use std::io::{self, Write};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use super::{LinkRef, LinkSpan};
use crate::text::{has_forbidden, is_forbidden};

/// Writes `lines`, one per output line: SGR styles when `color`, plain text otherwise.
/// For OSC 8 hyperlinks use [`super::Rendered::write_ansi`], which knows where the links are.
pub fn write_ansi(lines: &[Line], out: &mut dyn Write, color: bool) -> io::Result<()> {
    write_lines(lines, 0, &[], &[], out, color)
}

/// `lines` are the lines from index `first` on (what `link_spans` count from).
pub(super) fn write_lines(
    lines: &[Line],
    first: usize,
    link_spans: &[LinkSpan],
    links: &[LinkRef],
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    let mut next_link = link_spans.iter().peekable();
    let mut buffer = String::new();
    for (index, line) in lines.iter().enumerate() {
        let index = first + index;
        buffer.clear();
        for (span_index, span) in line.spans.iter().enumerate() {
            let mut url = None;
            while let Some(link) = next_link.peek() {
                if (link.line, link.span) < (index, span_index) {
                    next_link.next();
                    continue;
                }
                if (link.line, link.span) == (index, span_index) {
                    // Only web and mail links become clickable: a terminal hands an OSC 8
                    // target to the system opener, which would run `file:` or custom schemes.
                    url = links
                        .get(link.link)
                        .map(|l| l.url.as_str())
                        .filter(|url| super::links::is_openable_link(url));
                }
                break;
            }
            let style = line.style.patch(span.style);
            let styled = color && style != Style::default();
            if let Some(url) = url {
                buffer.push_str("\x1b]8;;");
                push_uri(&mut buffer, url);
                buffer.push_str("\x1b\\");
            }
            if styled {
                push_sgr(&mut buffer, style);
            }
            if has_forbidden(&span.content) {
                buffer.extend(span.content.chars().filter(|&c| !is_forbidden(c)));
            } else {
                buffer.push_str(&span.content);
            }
            if styled {
                buffer.push_str("\x1b[0m");
            }
            if url.is_some() {
                buffer.push_str("\x1b]8;;\x1b\\");
            }
        }
        buffer.push('\n');
        out.write_all(buffer.as_bytes())?;
    }
    Ok(())
}

/// Every byte outside printable ASCII (`!` to `~`): what OSC 8 cannot carry.
const NOT_URI_SAFE: &AsciiSet = &CONTROLS.add(b' ');

/// A URL as OSC 8 accepts it: printable ASCII only, everything else percent-encoded, so no
/// byte of it can end the sequence early.
fn push_uri(buffer: &mut String, url: &str) {
    // `CONTROLS` holds C0 and DEL; bytes from 0x80 up are always encoded.
    buffer.extend(utf8_percent_encode(url, NOT_URI_SAFE));
}

fn push_sgr(buffer: &mut String, style: Style) {
    let mut codes: Vec<String> = vec!["0".into()];
    let modifiers = [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::REVERSED, "7"),
        (Modifier::CROSSED_OUT, "9"),
    ];
    for (modifier, code) in modifiers {
        if style.add_modifier.contains(modifier) {
            codes.push(code.into());
        }
    }
    if let Some(fg) = style.fg.and_then(|c| color_code(c, false)) {
        codes.push(fg);
    }
    if let Some(bg) = style.bg.and_then(|c| color_code(c, true)) {
        codes.push(bg);
    }
    buffer.push_str("\x1b[");
    buffer.push_str(&codes.join(";"));
    buffer.push('m');
}

fn color_code(color: Color, background: bool) -> Option<String> {
    let base = if background { 40 } else { 30 };
    let named = |n: u8| Some((base + n).to_string());
    let bright = |n: u8| Some((base + 60 + n).to_string());
    let extended = if background { 48 } else { 38 };
    match color {
        Color::Reset => None,
        Color::Black => named(0),
        Color::Red => named(1),
        Color::Green => named(2),
        Color::Yellow => named(3),
        Color::Blue => named(4),
        Color::Magenta => named(5),
        Color::Cyan => named(6),
        Color::Gray => named(7),
        Color::DarkGray => bright(0),
        Color::LightRed => bright(1),
        Color::LightGreen => bright(2),
        Color::LightYellow => bright(3),
        Color::LightBlue => bright(4),
        Color::LightMagenta => bright(5),
        Color::LightCyan => bright(6),
        Color::White => bright(7),
        Color::Rgb(r, g, b) => Some(format!("{extended};2;{r};{g};{b}")),
        Color::Indexed(i) => Some(format!("{extended};5;{i}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Theme, render};
    use ratatui::text::Span;

    fn written(lines: &[Line], color: bool) -> String {
        let mut out = Vec::new();
        write_ansi(lines, &mut out, color).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn plain_output_has_no_escape_sequences() {
        let line = Line::from(vec![
            Span::styled("粗", Style::new().bold()),
            Span::raw("体"),
        ]);
        assert_eq!(written(&[line], false), "粗体\n");
    }

    #[test]
    fn colour_output_uses_sgr_and_resets() {
        let line = Line::from(Span::styled(
            "x",
            Style::new().bold().fg(Color::Rgb(1, 2, 3)),
        ));
        assert_eq!(written(&[line], true), "\x1b[0;1;38;2;1;2;3mx\x1b[0m\n");
    }

    #[test]
    fn control_characters_in_spans_never_reach_the_output() {
        let line = Line::from(Span::raw("a\u{1b}]52;c;x\u{7}b\u{9b}"));
        assert_eq!(written(&[line], true), "a]52;c;xb\n");
    }

    #[test]
    fn links_become_osc8_hyperlinks() {
        let rendered = render("[周报](<https://例.com/a b>)", 40, &Theme::plain());
        let mut out = Vec::new();
        rendered.write_ansi(&mut out, false, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("\x1b]8;;https://%E4%BE%8B.com/a%20b\x1b\\周报\x1b]8;;\x1b\\[1]"),
            "{text:?}"
        );
    }

    #[test]
    fn only_web_and_mail_links_become_hyperlinks() {
        let rendered = render(
            "[a](javascript:alert(1)) [b](file:///etc/passwd) [c](data:text/html,x) [d](https://a.io)",
            80,
            &Theme::plain(),
        );
        let mut out = Vec::new();
        rendered.write_ansi(&mut out, false, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text.matches("\x1b]8;;https://a.io\x1b\\").count(),
            1,
            "{text:?}"
        );
        assert_eq!(text.matches("\x1b]8;;").count(), 2, "{text:?}");
    }
}
