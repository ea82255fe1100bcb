//! The pulldown-cmark walker: one method per markdown construct, turning events into lines
//! through [`Output`]. Paragraph text is collected by [`Inline`] and wrapped as a whole;
//! tables go to [`super::table`], code blocks to [`super::code`], HTML to [`super::html`];
//! callouts (GitHub alerts, and the containers [`super::container`] finds) get a bar and a
//! label. The walker's methods for callouts, for links and HTML, and for images and
//! pictures are in the submodules of those names.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::Span;

use super::code::{self, CodeInfo};
use super::container::{self, Callout, Fence};
use super::html;
use super::inline::Inline;
use super::output::Output;
use super::pictures::{PictureLayout, PictureState, missing_label};
use super::sanitize::clean;
use super::table::{self, TableData};
use super::wrap::StyledText;
use super::{Heading, Rendered, Theme};

mod callouts;
mod images;
mod links;

use callouts::alert_kind;

/// `markdown` rendered at `width` in the plain theme, for the tests of each construct.
#[cfg(test)]
fn plain_rendered(markdown: &str, width: usize) -> Rendered {
    super::render(markdown, width, &Theme::plain())
}

/// The text of [`plain_rendered`], line by line.
#[cfg(test)]
fn plain(markdown: &str, width: usize) -> Vec<String> {
    plain_rendered(markdown, width).plain_lines()
}

const BULLETS: [&str; 3] = ["• ", "◦ ", "▪ "];

pub fn render_blocks(
    markdown: &str,
    width: usize,
    theme: &Theme,
    pictures: Option<&PictureLayout>,
) -> Rendered {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM;
    let (markdown, fences) = container::find(markdown);
    let mut walker = Walker {
        out: Output::new(width),
        theme,
        inline: Inline::default(),
        lists: Vec::new(),
        quote_depth: 0,
        heading: None,
        code: None,
        image: None,
        html: None,
        html_link_open: false,
        table: None,
        footnotes: Vec::new(),
        pictures,
        last_image: None,
        fences,
        next_fence: 0,
        callouts: 0,
    };
    walker.inline.reset(theme.text);
    // Container fences open and close callouts between top-level blocks.
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(&markdown, options).into_offset_iter() {
        if depth == 0 {
            walker.fences_before(range.start);
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        walker.event(event, range);
    }
    walker.fences_before(usize::MAX);
    walker.flush();
    while walker.callouts > 0 {
        walker.close_callout();
    }
    walker.out.finish()
}

struct CodeBlock {
    info: CodeInfo,
    text: String,
    source: usize,
}

struct Image {
    url: String,
    alt: String,
    source: usize,
}

/// The last picture placed in the paragraph being collected, to tell whether it stands
/// alone there.
struct PlacedImage {
    url: String,
    alt: String,
    source: usize,
    link: usize,
    /// Its placeholder as pushed: a paragraph whose whole text is this holds the picture
    /// alone.
    placeholder: String,
}

struct Walker<'t> {
    out: Output,
    theme: &'t Theme,
    inline: Inline,
    /// Next number of each open list (`None`: a bullet list).
    lists: Vec<Option<u64>>,
    quote_depth: usize,
    heading: Option<HeadingLevel>,
    code: Option<CodeBlock>,
    image: Option<Image>,
    html: Option<(String, usize)>,
    /// An `<a href>` is open (its `</a>` closes it; a markdown link's end closes its own).
    html_link_open: bool,
    table: Option<TableData>,
    /// Footnote labels in order of first appearance: a footnote's number is its place here
    /// plus one. Labels are often long words (`[^heartbeat]`); a number reads better in text.
    footnotes: Vec<String>,
    pictures: Option<&'t PictureLayout<'t>>,
    last_image: Option<PlacedImage>,
    /// Container fences of the post ([`container::find`]), and the next one to reach.
    fences: Vec<Fence>,
    next_fence: usize,
    /// Callouts open (containers and GitHub alerts).
    callouts: usize,
}

impl Walker<'_> {
    /// The number of the footnote `label`, giving it the next one when it is new.
    fn footnote_number(&mut self, label: &str) -> usize {
        let index = match self.footnotes.iter().position(|known| known == label) {
            Some(index) => index,
            None => {
                self.footnotes.push(label.to_string());
                self.footnotes.len() - 1
            }
        };
        index + 1
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        let at = range.start;
        match event {
            Event::Start(tag) => self.start(tag, at),
            Event::End(tag) => self.end(tag, at),
            Event::Text(text) => self.text(&text, at),
            Event::Code(code) => self.inline.push_with(&code, self.theme.inline_code, at),
            Event::InlineHtml(tag) => self.inline_html(&tag, at),
            Event::Html(block) => match &mut self.html {
                Some((collected, _)) => collected.push_str(&block),
                None => self.html_pieces(html::parse_block(&block), at),
            },
            Event::FootnoteReference(label) => {
                let marker = format!("[^{}]", self.footnote_number(&label));
                self.inline.push_with(&marker, self.theme.footnote, at);
            }
            Event::SoftBreak => self.inline.soft_break(),
            Event::HardBreak => self.inline.hard_break(at),
            Event::Rule => self.rule(at),
            Event::TaskListMarker(done) => {
                let marker = if done { "[x] " } else { "[ ] " };
                self.out.replace_marker(marker, self.theme.bullet);
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => self.text(&text, at),
        }
    }

    fn start(&mut self, tag: Tag<'_>, at: usize) {
        match tag {
            Tag::Paragraph => self.flush(),
            Tag::Heading { level, .. } => {
                self.flush();
                self.heading = Some(level);
                self.inline
                    .push_style(self.theme.headings[level as usize - 1]);
            }
            Tag::BlockQuote(Some(kind)) => {
                self.open_callout(&Callout::new(alert_kind(kind), None), at);
            }
            Tag::BlockQuote(None) => {
                self.flush();
                self.out.settle_blank();
                self.out.open("┃ ", Some("┃ "), self.theme.quote_bar);
                self.quote_depth += 1;
                self.inline.reset(self.base_style());
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                let info = match kind {
                    CodeBlockKind::Fenced(info) => {
                        let info = CodeInfo::parse(&info);
                        CodeInfo {
                            language: info.language.as_deref().map(clean),
                            title: info.title.as_deref().map(clean),
                        }
                    }
                    CodeBlockKind::Indented => CodeInfo::default(),
                };
                self.code = Some(CodeBlock {
                    info,
                    text: String::new(),
                    source: at,
                });
            }
            Tag::HtmlBlock => {
                self.flush();
                self.html = Some((String::new(), at));
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(number)) => {
                        *number += 1;
                        format!("{}. ", *number - 1)
                    }
                    _ => BULLETS[depth % BULLETS.len()].to_string(),
                };
                self.out.open(&marker, None, self.theme.bullet);
            }
            Tag::FootnoteDefinition(label) => {
                self.flush();
                let marker = format!("[^{}] ", self.footnote_number(&label));
                self.out.open(&marker, None, self.theme.footnote);
            }
            Tag::Table(alignments) => {
                self.flush();
                self.table = Some(TableData::new(alignments, at));
            }
            Tag::TableHead | Tag::TableRow | Tag::TableCell => {
                self.inline.reset(self.theme.text);
            }
            Tag::Emphasis => self.inline.push_style(self.theme.emphasis),
            Tag::Strong => self.inline.push_style(self.theme.strong),
            Tag::Strikethrough => self.inline.push_style(self.theme.strikethrough),
            Tag::Link { dest_url, .. } => self.start_link(&dest_url),
            Tag::Image { dest_url, .. } => {
                self.image = Some(Image {
                    url: dest_url.into_string(),
                    alt: String::new(),
                    source: at,
                });
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, at: usize) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                self.out.blank_before_next();
            }
            TagEnd::Heading(level) => self.end_heading(level),
            TagEnd::BlockQuote(Some(_)) => self.close_callout(),
            TagEnd::BlockQuote(None) => {
                self.flush();
                self.out.close();
                self.quote_depth -= 1;
                self.inline.reset(self.base_style());
                self.out.blank_before_next();
            }
            TagEnd::CodeBlock => {
                if let Some(block) = self.code.take() {
                    let lines = code::render_block(
                        &block.info,
                        &block.text,
                        self.out.content_width(),
                        self.theme,
                    );
                    for (spans, offset) in lines {
                        self.out.emit_spans(spans, block.source + offset);
                    }
                }
                self.out.blank_before_next();
            }
            TagEnd::HtmlBlock => {
                if let Some((block, source)) = self.html.take() {
                    self.html_pieces(html::parse_block(&block), source);
                }
                self.flush();
                self.out.blank_before_next();
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.out.blank_before_next();
                }
            }
            TagEnd::Item | TagEnd::FootnoteDefinition => {
                self.flush();
                self.out.close();
                if tag == TagEnd::FootnoteDefinition {
                    self.out.blank_before_next();
                }
            }
            TagEnd::TableCell => {
                let cell = self.take_inline();
                if let Some(table) = &mut self.table {
                    table.push_cell(cell);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(table) = &mut self.table {
                    table.end_row();
                }
            }
            TagEnd::Table => {
                if let Some(data) = self.table.take() {
                    let width = self.out.content_width();
                    for line in table::render_table(&data, width, self.theme) {
                        self.out.emit_wrapped(line.spans, line.width, line.source);
                    }
                }
                self.inline.reset(self.base_style());
                self.out.blank_before_next();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.inline.pop_style(),
            TagEnd::Link => self.end_link(at),
            TagEnd::Image => {
                if let Some(image) = self.image.take() {
                    self.push_image(&image.url, &image.alt, image.source);
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str, at: usize) {
        if let Some(code) = &mut self.code {
            code.text.push_str(text);
        } else if let Some(image) = &mut self.image {
            image.alt.push_str(text);
        } else {
            self.inline.push_text(text, at);
        }
    }

    fn base_style(&self) -> Style {
        if self.quote_depth > 0 {
            self.theme.text.patch(self.theme.quote_text)
        } else {
            self.theme.text
        }
    }

    fn take_inline(&mut self) -> StyledText {
        self.html_link_open = false;
        let text = self.inline.take();
        self.inline.reset(self.base_style());
        text
    }

    /// Wraps and emits the paragraph collected so far.
    fn flush(&mut self) {
        if self.table.is_some() {
            return; // cells are collected by the table
        }
        let placed = self.last_image.take();
        if let Some(placed) = placed.filter(|p| self.stands_alone(p)) {
            match self
                .pictures
                .and_then(|layout| (layout.lookup)(&placed.url))
            {
                Some(PictureState::Cached { width, height }) => {
                    let text = self.take_inline();
                    self.inline.recycle(text);
                    self.emit_picture(&placed, width, height);
                    return;
                }
                Some(PictureState::Missing(reason)) => {
                    let text = self.take_inline();
                    self.inline.recycle(text);
                    self.push_placeholder(&missing_label(&placed.alt, &reason), &placed);
                }
                None => {}
            }
        }
        let mut text = self.take_inline();
        text.trim_end();
        if !text.is_empty() {
            self.emit_paragraph(&text);
        }
        self.inline.recycle(text);
    }

    /// Wraps `text` to the content width and emits its lines, telling the output which of
    /// them a wrap started (rather than a line break of the text). Returns the width of the
    /// widest line.
    fn emit_paragraph(&mut self, text: &StyledText) -> usize {
        let mut widest = 0;
        let mut previous_end = None;
        for line in text.wrap(self.out.content_width()) {
            widest = widest.max(line.width);
            let source = text.source_offset(line.range.start);
            // What the wrap took out between the two lines: nothing (CJK), spaces (Latin),
            // or a newline, which is a line break of the text and no wrap.
            let gap = previous_end.map(|end| &text.text[end..line.range.start]);
            previous_end = Some(line.range.end);
            self.out
                .emit_wrapped(text.spans(line.range), line.width, source);
            if let Some(gap) = gap
                && !gap.contains('\n')
            {
                self.out.mark_wrapped(!gap.is_empty());
            }
        }
        widest
    }

    fn end_heading(&mut self, level: HeadingLevel) {
        self.heading = None;
        let mut text = self.take_inline();
        text.trim_end();
        let level_number = level as usize;
        let source = text.runs.first().map_or(0, |run| run.source);
        self.out.settle_blank();
        let first_line = self.out.rendered.lines.len();
        self.out.rendered.headings.push(Heading {
            level: level_number as u8,
            text: text.text.replace('\n', " "),
            line: first_line,
        });
        if level_number >= 3 {
            let marker = format!("{} ", "#".repeat(level_number));
            self.out.open(&marker, None, self.theme.heading_marker);
        }
        let width = self.out.content_width();
        let widest = self.emit_paragraph(&text);
        if level_number >= 3 {
            self.out.close();
        } else {
            let rule = if level_number == 1 { "═" } else { "─" };
            let underline = rule.repeat(widest.clamp(1, width));
            let style = self.theme.headings[level_number - 1];
            self.out
                .emit_spans(vec![Span::styled(underline, style)], source);
        }
        self.out.blank_before_next();
    }

    fn rule(&mut self, at: usize) {
        self.flush();
        let width = self.out.content_width();
        self.out
            .emit_spans(vec![Span::styled("─".repeat(width), self.theme.rule)], at);
        self.out.blank_before_next();
    }
}
