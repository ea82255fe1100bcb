//! Markdown to styled, wrapped lines for the reader and `sofa-weekly show`. Pure: no IO.
//!
//! [`render`] walks pulldown-cmark events ([`blocks`], one function per construct, tables in
//! [`table`], code in [`code`]) and wraps every paragraph's styled runs as a whole with the
//! CJK-aware wrapper in [`wrap`] (break rules in [`breaks`]). Besides the lines it returns
//! what the reader navigates by: headings with their line numbers, the numbered links, and a
//! source offset per line so a reading position survives a change of width.
//!
//! The width is a promise: no line of a [`Rendered`] is wider than the width asked for, for
//! any width of at least 1 (indentation gives way first when it would eat the line; a
//! character wider than the whole line is shown as `�`).
//!
//! Printing a post the way `sofa-weekly show` does (header, text, numbered link list):
//!
//! ```
//! use sofa_weekly::render::{Header, Theme, link_list, render, write_ansi};
//!
//! let (width, color, hyperlinks) = (60, false, false);
//! let theme = if color { Theme::dark() } else { Theme::plain() };
//! let body = "周报正文，见 [官网](https://www.sofastack.tech/)。";
//! let mut out = Vec::new();
//! let header = Header { title: "SOFA Weekly", date: Some("2020-02-28"), tags: &[] };
//! write_ansi(&header.lines(width, &theme), &mut out, color)?;
//! let rendered = render(body, width, &theme);
//! rendered.write_ansi(&mut out, color, hyperlinks)?;
//! write_ansi(&link_list(&rendered.links, width, &theme), &mut out, color)?;
//! let text = String::from_utf8(out).unwrap();
//! assert!(text.contains("周报正文，见 官网[1]。\n"));
//! assert!(text.ends_with("[1] https://www.sofastack.tech/\n"));
//! # Ok::<(), std::io::Error>(())
//! ```

mod ansi;
mod blocks;
pub mod breaks;
pub mod check;
mod code;
mod container;
mod find;
mod header;
mod html;
mod inline;
mod links;
mod output;
mod pictures;
mod sanitize;
mod table;
mod theme;
mod title;
pub mod wrap;

use ratatui::text::Line;

pub use ansi::write_ansi;
pub use header::Header;
pub use links::{is_openable_link, link_list};
pub use pictures::{
    CellSize, PictureBlock, PictureLayout, PictureState, fit_picture, missing_label,
};
pub use theme::Theme;
pub use title::without_repeated_title;

/// A heading of the post, for an outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// Index in [`Rendered::lines`] of its first line.
    pub line: usize,
}

/// A link (or image) of the post, numbered in order of first appearance. The same URL
/// appearing twice keeps its first number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub number: usize,
    pub url: String,
    pub text: String,
    pub is_image: bool,
}

/// Where a span of a rendered line belongs to a link: lets `write_ansi` emit OSC 8
/// hyperlinks and the reader highlight the link under the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkSpan {
    pub line: usize,
    /// Index of the span in `lines[line].spans`.
    pub span: usize,
    /// Index into [`Rendered::links`].
    pub link: usize,
}

/// A match of [`Rendered::find`], in display columns: `[start_col, end_col)` of `line`, and
/// when wrapping cut the matched text, the rest of it on the following lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextMatch {
    pub line: usize,
    pub start_col: usize,
    pub end_col: usize,
    /// The pieces on the next lines, one per line, for a match cut by a soft wrap.
    pub continued: Vec<MatchPiece>,
}

/// Display columns `[start_col, end_col)` of one line: a piece of a [`TextMatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchPiece {
    pub line: usize,
    pub start_col: usize,
    pub end_col: usize,
}

/// Line `line` carries on the paragraph of the line before it, which wrapping cut there:
/// its text starts at display column `column` (after a list's or a quote's indentation), and
/// reading on from the line before takes a space (between Latin words) or nothing (CJK).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoftWrap {
    pub line: usize,
    pub column: usize,
    pub space: bool,
}

/// A post rendered at one width.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub lines: Vec<Line<'static>>,
    pub headings: Vec<Heading>,
    pub links: Vec<LinkRef>,
    pub link_spans: Vec<LinkSpan>,
    /// For each line, the byte offset in the markdown source where its text starts
    /// (non-decreasing): lets a reading position survive a change of width.
    pub line_offsets: Vec<usize>,
    /// The lines that continue the line before them after a wrap, in line order: lets
    /// [`Rendered::find`] match a phrase that a wrap cut in two.
    pub soft_wraps: Vec<SoftWrap>,
    /// The pictures drawn at their place, in line order (only with [`render_with_pictures`]).
    pub pictures: Vec<PictureBlock>,
}

/// Renders `markdown` to lines at most `width` columns wide.
///
/// ```
/// use sofa_weekly::render::{render, Theme};
/// let rendered = render("# 周报\n\nSOFA Weekly 每周精选，筛选每周精华问答。", 12, &Theme::plain());
/// let text: Vec<String> = rendered.lines.iter().map(|l| l.to_string()).collect();
/// assert_eq!(text, ["周报", "════", "", "SOFA Weekly", "每周精选，筛", "选每周精华问", "答。"]);
/// assert_eq!(rendered.headings[0].line, 0);
/// ```
pub fn render(markdown: &str, width: usize, theme: &Theme) -> Rendered {
    blocks::render_blocks(markdown, width.max(1), theme, None)
}

/// [`render`], with the pictures that stand alone in their paragraph laid out as
/// [`PictureBlock`]s (see [`PictureLayout`]): their rows are blank lines to draw them in.
///
/// ```
/// use sofa_weekly::render::{render_with_pictures, CellSize, PictureLayout, PictureState, Theme};
/// let lookup = |url: &str| match url {
///     "arch.png" => Some(PictureState::Cached { width: 400, height: 100 }),
///     _ => Some(PictureState::Missing("not downloaded yet".into())),
/// };
/// let layout = PictureLayout { lookup: &lookup, cell: CellSize::HALF_BLOCKS, max_rows: 20 };
/// let markdown = "Before.\n\n![arch](arch.png)\n\n![poster](poster.jpg)\n\nSee ![x](arch.png) here.";
/// let rendered = render_with_pictures(markdown, 40, &Theme::plain(), &layout);
/// let picture = &rendered.pictures[0];
/// assert_eq!((picture.line, picture.rows, picture.columns), (2, 5, 40));
/// assert_eq!(rendered.lines[2].width(), 0);
/// let text = rendered.plain_lines();
/// assert_eq!(text[8], "[image: poster (not downloaded yet)][2]");
/// assert_eq!(text[10], "See [image: x][1] here.");
/// ```
pub fn render_with_pictures(
    markdown: &str,
    width: usize,
    theme: &Theme,
    pictures: &PictureLayout,
) -> Rendered {
    blocks::render_blocks(markdown, width.max(1), theme, Some(pictures))
}

/// Renders a post's body under its header: [`render`] without the leading heading when it
/// only repeats `title`, which the header already shows ([`without_repeated_title`]).
pub fn render_post(markdown: &str, title: &str, width: usize, theme: &Theme) -> Rendered {
    render(&without_repeated_title(markdown, title), width, theme)
}

/// [`render_post`] with pictures, as [`render_with_pictures`] lays them out.
pub fn render_post_with_pictures(
    markdown: &str,
    title: &str,
    width: usize,
    theme: &Theme,
    pictures: &PictureLayout,
) -> Rendered {
    render_with_pictures(
        &without_repeated_title(markdown, title),
        width,
        theme,
        pictures,
    )
}

impl Rendered {
    /// Line index showing the source byte `offset`: the first of the lines that start at
    /// the last line start at or before it (so a heading maps to its text, not its underline).
    pub fn line_for_offset(&self, offset: usize) -> usize {
        let until = self.line_offsets.partition_point(|&start| start <= offset);
        let Some(&start) = until.checked_sub(1).and_then(|i| self.line_offsets.get(i)) else {
            return 0;
        };
        self.line_offsets.partition_point(|&other| other < start)
    }

    /// Source byte offset where line `line` starts (the last line's for lines past the end).
    pub fn offset_for_line(&self, line: usize) -> usize {
        let last = self.line_offsets.len().saturating_sub(1);
        self.line_offsets.get(line.min(last)).copied().unwrap_or(0)
    }

    /// The text of every line, without styles (what `--plain` prints).
    pub fn plain_lines(&self) -> Vec<String> {
        self.lines.iter().map(|line| line.to_string()).collect()
    }

    /// Writes the lines to a terminal or a pipe: SGR styles when `color`, and OSC 8
    /// hyperlinks on link text when `hyperlinks`.
    pub fn write_ansi(
        &self,
        out: &mut dyn std::io::Write,
        color: bool,
        hyperlinks: bool,
    ) -> std::io::Result<()> {
        let spans = if hyperlinks {
            &self.link_spans[..]
        } else {
            &[]
        };
        ansi::write_lines(&self.lines, 0, spans, &self.links, out, color)
    }

    /// [`Rendered::write_ansi`], with each picture's rows written by `draw_picture` (which
    /// returns `false` to leave them blank as they are).
    pub fn write_ansi_with_pictures(
        &self,
        out: &mut dyn std::io::Write,
        color: bool,
        hyperlinks: bool,
        draw_picture: &mut dyn FnMut(
            &PictureBlock,
            &mut dyn std::io::Write,
        ) -> std::io::Result<bool>,
    ) -> std::io::Result<()> {
        let spans = if hyperlinks {
            &self.link_spans[..]
        } else {
            &[]
        };
        let mut next = 0;
        for block in &self.pictures {
            let text = &self.lines[next..block.line];
            ansi::write_lines(text, next, spans, &self.links, out, color)?;
            next = block.line;
            if draw_picture(block, out)? {
                next = block.line + block.rows;
            }
        }
        ansi::write_lines(&self.lines[next..], next, spans, &self.links, out, color)
    }
}
