//! Code blocks: highlighted by language with syntect (loaded lazily, the first time a code
//! block with a known language is shown under a colour theme), tabs expanded, control
//! characters made visible, and long lines soft-wrapped with a `↪` continuation mark.
//!
//! ```text
//! ╭─ java
//! │ <properties>
//! │     <tomcat.version>9.0.31</
//! ↪ tomcat.version>
//! ╰─
//! ```

use std::sync::OnceLock;

use ratatui::style::{Color, Style};
use ratatui::text::Span;
use syntect::easy::HighlightLines;
use syntect::highlighting::ThemeSet;
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::Theme;
use super::sanitize::visible;
use super::wrap::StyledText;

/// Highlighting stops after this many bytes of one block: beyond it the code is shown
/// unhighlighted (syntect's regexes make huge or hostile blocks slow).
const HIGHLIGHT_LIMIT: usize = 64 * 1024;
const TAB_WIDTH: usize = 4;

fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static THEMES: OnceLock<ThemeSet> = OnceLock::new();
    THEMES.get_or_init(|| {
        let mut set = ThemeSet::load_defaults();
        set.themes.insert(ANSI16_THEME.to_string(), ansi16_theme());
        set
    })
}

/// The name of the code theme for terminals with 16 colours ([`Theme::with_16_colour_code`]).
pub const ANSI16_THEME: &str = "ansi-16";

/// In [`ansi16_theme`], a colour with alpha 0 is the ANSI colour numbered by its red channel,
/// and one with alpha 1 is the terminal's own text colour (the same convention bat uses for
/// its `ansi` theme).
const ANSI_ALPHA: u8 = 0;
const DEFAULT_ALPHA: u8 = 1;

/// Highlighting in the 16 colours every terminal has. The RGB themes' colours are soft
/// shades that a 16-colour terminal can only show as its nearest grey, so keywords, strings
/// and comments all looked alike; here each kind of token has a colour of its own.
fn ansi16_theme() -> syntect::highlighting::Theme {
    use syntect::highlighting::{
        Color as SyntectColor, ScopeSelectors, StyleModifier, ThemeItem, ThemeSettings,
    };
    let ansi = |index: u8| SyntectColor {
        r: index,
        g: 0,
        b: 0,
        a: ANSI_ALPHA,
    };
    let default = SyntectColor {
        r: 0,
        g: 0,
        b: 0,
        a: DEFAULT_ALPHA,
    };
    // (scopes, colour): 1 red, 2 green, 3 yellow, 4 blue, 5 magenta, 6 cyan, 8 grey.
    let rules: [(&str, SyntectColor); 14] = [
        ("comment, punctuation.definition.comment", ansi(8)),
        ("keyword, storage, keyword.control", ansi(5)),
        ("keyword.operator, punctuation", default),
        ("string, punctuation.definition.string", ansi(2)),
        (
            "constant.numeric, constant.language, constant.character",
            ansi(3),
        ),
        (
            "entity.name.function, support.function, meta.function-call",
            ansi(4),
        ),
        (
            "entity.name.type, entity.name.class, support.type, support.class",
            ansi(6),
        ),
        ("entity.name.tag", ansi(1)),
        ("entity.other.attribute-name", ansi(3)),
        ("variable.parameter", default),
        ("markup.heading", ansi(4)),
        ("markup.inserted", ansi(2)),
        ("markup.deleted", ansi(1)),
        ("invalid", ansi(1)),
    ];
    let scopes = rules
        .into_iter()
        .filter_map(|(selectors, color)| {
            Some(ThemeItem {
                scope: selectors.parse::<ScopeSelectors>().ok()?,
                style: StyleModifier {
                    foreground: Some(color),
                    background: None,
                    font_style: None,
                },
            })
        })
        .collect();
    syntect::highlighting::Theme {
        name: Some(ANSI16_THEME.to_string()),
        author: None,
        settings: ThemeSettings {
            foreground: Some(default),
            ..ThemeSettings::default()
        },
        scopes,
    }
}

/// A highlighted token's colour: RGB from the usual themes, an ANSI colour or the text's own
/// from [`ansi16_theme`].
fn token_style(base: Style, fg: syntect::highlighting::Color) -> Style {
    match fg.a {
        ANSI_ALPHA => base.fg(Color::Indexed(fg.r)),
        DEFAULT_ALPHA => base,
        _ => base.fg(Color::Rgb(fg.r, fg.g, fg.b)),
    }
}

/// What a fenced code block's info string says: the language that picks the highlighting,
/// and the block's title (a file name, usually) when it has one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeInfo {
    pub language: Option<String>,
    pub title: Option<String>,
}

impl CodeInfo {
    /// Reads an info string: `rust`, `rust,ignore`, `python {linenos}`, Zenn's
    /// `yaml:設定ファイル`, and `js title="x.js"` (Docusaurus, VitePress, MkDocs).
    ///
    /// ```text
    /// yaml:設定ファイル        → yaml, "設定ファイル"
    /// js title="src/x.js" {1}  → js, "src/x.js"
    /// ```
    pub fn parse(info: &str) -> CodeInfo {
        let first = info.split([' ', ',', '{']).next().unwrap_or("");
        let (language, zenn_title) = match first.split_once(':') {
            Some((language, title)) => (language, Some(title)),
            None => (first, None),
        };
        let title = zenn_title
            .map(str::to_string)
            .or_else(|| title_attribute(info))
            .map(|title| title.trim().to_string())
            .filter(|title| !title.is_empty());
        CodeInfo {
            language: Some(language.to_string()).filter(|language| !language.is_empty()),
            title,
        }
    }
}

/// The value of `title=…` in an info string, quoted or not.
fn title_attribute(info: &str) -> Option<String> {
    let at = info.find("title=")?;
    let preceded_by_word = info[..at].ends_with(|c: char| c.is_alphanumeric() || c == '-');
    if preceded_by_word {
        return None;
    }
    let value = &info[at + "title=".len()..];
    let title = match value.chars().next()? {
        quote @ ('"' | '\'') => value[1..].split(quote).next()?,
        _ => value.split([' ', '}', ',']).next()?,
    };
    Some(title.to_string())
}

/// The lines of a code block with their byte offsets in `code`: a label line (language
/// and title), each code line (continuations marked), and a closing line. Every line fits
/// `width`.
pub fn render_block(
    info: &CodeInfo,
    code: &str,
    width: usize,
    theme: &Theme,
) -> Vec<(Vec<Span<'static>>, usize)> {
    let gutter = theme.code_gutter;
    let language = info.language.as_deref();
    let mut out = Vec::new();
    let label = match (language, info.title.as_deref()) {
        (Some(lang), Some(title)) => format!("╭─ {lang} · {title}"),
        (None, Some(title)) => format!("╭─ {title}"),
        (Some(lang), None) => format!("╭─ {lang}"),
        (None, None) => "╭─".to_string(),
    };
    out.push((vec![Span::styled(fit(&label, width), gutter)], 0));
    // The gutter goes first when it would leave less than a wide character's room.
    let with_gutter = width >= 4;
    let text_width = if with_gutter { width - 2 } else { width };
    for (offset, line) in styled_lines(language, code, theme) {
        for (i, wrapped) in line.wrap(text_width).into_iter().enumerate() {
            let mut spans = Vec::new();
            if with_gutter {
                let mark = if i == 0 { "│ " } else { "↪ " };
                spans.push(Span::styled(mark, gutter));
            }
            spans.extend(line.spans(wrapped.range).map(|piece| piece.span));
            out.push((spans, offset));
        }
    }
    out.push((vec![Span::styled(fit("╰─", width), gutter)], code.len()));
    out
}

fn fit(text: &str, width: usize) -> String {
    crate::text::truncate_to_width(text, width).into_owned()
}

/// Each line of the block as styled text, with its byte offset in `code`.
fn styled_lines(language: Option<&str>, code: &str, theme: &Theme) -> Vec<(usize, StyledText)> {
    let base = theme.code_block;
    let mut highlighter = match (language, theme.code_theme) {
        (Some(lang), Some(theme_name)) if code.len() <= HIGHLIGHT_LIMIT => {
            let syntaxes = syntaxes();
            syntaxes
                .find_syntax_by_token(lang)
                .zip(themes().themes.get(theme_name))
                .map(|(syntax, theme)| HighlightLines::new(syntax, theme))
        }
        _ => None,
    };
    let mut out = Vec::new();
    let mut offset = 0;
    for line in LinesWithEndings::from(code) {
        let mut styled = StyledText::default();
        let mut column = 0;
        let pieces = highlighter
            .as_mut()
            .and_then(|h| h.highlight_line(line, syntaxes()).ok());
        match pieces {
            Some(pieces) => {
                for (style, piece) in pieces {
                    let style = token_style(base, style.foreground);
                    push_code(&mut styled, piece, style, &mut column);
                }
            }
            None => push_code(&mut styled, line, base, &mut column),
        }
        out.push((offset, styled));
        offset += line.len();
    }
    out
}

/// Appends code text: tabs expanded to the next tab stop, newlines dropped, control
/// characters shown as pictures.
fn push_code(text: &mut StyledText, piece: &str, style: Style, column: &mut usize) {
    let mut clean = String::with_capacity(piece.len());
    for c in piece.chars() {
        match c {
            '\n' | '\r' => {}
            '\t' => {
                let spaces = TAB_WIDTH - *column % TAB_WIDTH;
                clean.extend(std::iter::repeat_n(' ', spaces));
                *column += spaces;
            }
            c => {
                if let Some(shown) = visible(c) {
                    clean.push(shown);
                    *column += unicode_width::UnicodeWidthChar::width(shown).unwrap_or(0);
                }
            }
        }
    }
    text.push(&clean, style, None, 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn plain(language: Option<&str>, code: &str, width: usize) -> Vec<String> {
        let info = CodeInfo {
            language: language.map(String::from),
            title: None,
        };
        render_block(&info, code, width, &Theme::plain())
            .into_iter()
            .map(|(spans, _)| spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn long_lines_wrap_with_a_continuation_mark() {
        let lines = plain(
            Some("java"),
            "<tomcat.version>9.0.31</tomcat.version>\n",
            20,
        );
        assert_eq!(lines[0], "╭─ java");
        assert!(lines[1].starts_with("│ "));
        assert!(lines[2].starts_with("↪ "));
        assert_eq!(lines.last().unwrap(), "╰─");
        assert!(lines.iter().all(|l| l.width() <= 20));
    }

    #[test]
    fn escape_sequences_in_code_are_shown_not_sent() {
        let lines = plain(None, "echo \u{1b}[2J\n", 40);
        assert_eq!(lines[1], "│ echo ␛[2J");
    }

    #[test]
    fn highlighting_colours_known_languages() {
        let lines = render_block(
            &CodeInfo::parse("rust"),
            "fn main() {}\n",
            40,
            &Theme::dark(),
        );
        let colours: std::collections::HashSet<_> =
            lines[1].0.iter().filter_map(|s| s.style.fg).collect();
        assert!(colours.len() > 1, "{lines:?}");
    }

    #[test]
    fn info_strings_give_language_and_title() {
        let parse = |info: &str| {
            let info = CodeInfo::parse(info);
            (info.language, info.title)
        };
        let some = |text: &str| Some(text.to_string());
        assert_eq!(
            parse("yaml:設定ファイル"),
            (some("yaml"), some("設定ファイル"))
        );
        assert_eq!(parse(r#"js title="x.js""#), (some("js"), some("x.js")));
        assert_eq!(
            parse(r#"jsx title='src/App.jsx' {1,3}"#),
            (some("jsx"), some("src/App.jsx"))
        );
        assert_eq!(parse("rust,ignore"), (some("rust"), None));
        assert_eq!(parse("python {linenos=table}"), (some("python"), None));
        assert_eq!(parse(":only-title.txt"), (None, some("only-title.txt")));
        assert_eq!(parse("text subtitle=x"), (some("text"), None));
        assert_eq!(parse(""), (None, None));
    }

    #[test]
    fn the_title_is_in_the_frame_and_the_language_still_highlights() {
        let info = CodeInfo::parse("yaml:設定ファイル");
        let plain: Vec<String> = render_block(&info, "a: 1\n", 40, &Theme::plain())
            .into_iter()
            .map(|(spans, _)| spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(plain, ["╭─ yaml · 設定ファイル", "│ a: 1", "╰─"]);
        let dark = render_block(&info, "key: \"value\"\n", 40, &Theme::dark());
        let colours: std::collections::HashSet<_> =
            dark[1].0.iter().filter_map(|s| s.style.fg).collect();
        assert!(colours.len() > 1, "{dark:?}");
        let narrow = render_block(&info, "a: 1\n", 8, &Theme::plain());
        assert!(
            narrow
                .iter()
                .all(|(spans, _)| { spans.iter().map(|s| s.content.width()).sum::<usize>() <= 8 })
        );
    }

    #[test]
    fn sixteen_colour_code_keeps_keywords_strings_comments_and_numbers_apart() {
        let theme = Theme::dark().with_16_colour_code();
        let code = "fn main() { let s = \"text\"; let n = 42; } // note\n";
        let lines = render_block(&CodeInfo::parse("rust"), code, 80, &theme);
        let colour_of = |text: &str| {
            lines[1]
                .0
                .iter()
                .find(|span| span.content.contains(text))
                .and_then(|span| span.style.fg)
        };
        let colours = ["fn", "\"text\"", "42", "// note"].map(colour_of);
        for colour in colours {
            assert!(
                matches!(colour, Some(Color::Indexed(0..=15))),
                "{colours:?}"
            );
        }
        let distinct: std::collections::HashSet<_> = colours.iter().collect();
        assert_eq!(distinct.len(), 4, "{colours:?}");
        // Plain stays plain.
        assert_eq!(Theme::plain().with_16_colour_code().code_theme, None);
    }
}
