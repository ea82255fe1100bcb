//! (being written) Minimal stand-in with the agreed interface, replaced by the renderer.

use ratatui::text::Line;

#[derive(Debug, Clone)]
pub struct Theme;
impl Theme {
    pub fn dark() -> Theme {
        Theme
    }
    pub fn light() -> Theme {
        Theme
    }
    pub fn plain() -> Theme {
        Theme
    }
}
#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub line: usize,
}
#[derive(Debug, Clone)]
pub struct LinkRef {
    pub number: usize,
    pub url: String,
    pub text: String,
    pub is_image: bool,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextMatch {
    pub line: usize,
    pub start_col: usize,
    pub end_col: usize,
}
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub lines: Vec<Line<'static>>,
    pub headings: Vec<Heading>,
    pub links: Vec<LinkRef>,
    pub line_offsets: Vec<usize>,
}
pub fn render(markdown: &str, width: usize, _theme: &Theme) -> Rendered {
    let mut r = Rendered::default();
    let mut offset = 0;
    for src in markdown.split_inclusive('\n') {
        let text = src.trim_end();
        if let Some(h) = text.strip_prefix("# ").or(text.strip_prefix("## ")) {
            r.headings.push(Heading {
                level: 1,
                text: h.to_string(),
                line: r.lines.len(),
            });
        }
        if let Some(i) = text.find("https://") {
            let url: String = text[i..]
                .split(|c: char| c.is_whitespace() || c == ')')
                .next()
                .unwrap()
                .to_string();
            r.links.push(LinkRef {
                number: r.links.len() + 1,
                url: url.clone(),
                text: url,
                is_image: false,
            });
        }
        let mut cur = String::new();
        let mut start = offset;
        let mut pos = offset;
        for c in text.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if crate::text::display_width(&cur) + w > width.max(1) {
                r.lines.push(Line::from(std::mem::take(&mut cur)));
                r.line_offsets.push(start);
                start = pos;
            }
            cur.push(c);
            pos += c.len_utf8();
        }
        r.lines.push(Line::from(cur));
        r.line_offsets.push(start);
        offset += src.len();
    }
    r
}
impl Rendered {
    pub fn find(&self, query: &str) -> Vec<TextMatch> {
        let q = query.to_lowercase();
        let mut out = Vec::new();
        if q.is_empty() {
            return out;
        }
        for (i, l) in self.lines.iter().enumerate() {
            let s: String = l
                .spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
                .to_lowercase();
            let mut from = 0;
            while let Some(p) = s[from..].find(&q) {
                let st = crate::text::display_width(&s[..from + p]);
                out.push(TextMatch {
                    line: i,
                    start_col: st,
                    end_col: st + crate::text::display_width(&q),
                });
                from += p + q.len();
            }
        }
        out
    }
    pub fn line_for_offset(&self, offset: usize) -> usize {
        self.line_offsets
            .iter()
            .rposition(|&o| o <= offset)
            .unwrap_or(0)
    }
    pub fn offset_for_line(&self, line: usize) -> usize {
        self.line_offsets.get(line).copied().unwrap_or(0)
    }
}
pub fn header(
    title: &str,
    date: Option<&str>,
    tags: &[String],
    _width: usize,
    _theme: &Theme,
) -> Vec<Line<'static>> {
    vec![
        Line::from(title.to_string()),
        Line::from(format!("{} {}", date.unwrap_or(""), tags.join(", "))),
        Line::from(""),
    ]
}
