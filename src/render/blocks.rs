//! The pulldown-cmark walker: one method per markdown construct, turning events into lines
//! through [`Output`]. Paragraph text is collected by [`Inline`] and wrapped as a whole;
//! tables go to [`super::table`], code blocks to [`super::code`], HTML to [`super::html`];
//! callouts (GitHub alerts, and the containers [`super::container`] finds) get a bar and a
//! label.

use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use ratatui::style::Style;
use ratatui::text::Span;

use super::code::{self, CodeInfo};
use super::container::{self, Callout, CalloutKind, Fence};
use super::html::{self, HtmlPiece};
use super::inline::Inline;
use super::links::register_link;
use super::output::Output;
use super::pictures::{PictureBlock, PictureLayout, PictureState, fit_picture, missing_label};
use super::sanitize::clean;
use super::table::{self, TableData};
use super::wrap::StyledText;
use super::{Heading, Rendered, Theme};

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

    /// Opens and closes the callouts of the container fences up to source byte `offset`.
    fn fences_before(&mut self, offset: usize) {
        while let Some(fence) = self.fences.get(self.next_fence)
            && fence.offset <= offset
        {
            self.next_fence += 1;
            match fence.opens.clone() {
                Some(callout) => self.open_callout(&callout, fence.offset),
                None => self.close_callout(),
            }
        }
    }

    /// A callout: a coloured bar down its left side, its label on the first line, then its
    /// content, which renders as any markdown does.
    fn open_callout(&mut self, callout: &Callout, at: usize) {
        self.flush();
        self.out.settle_blank();
        let style = if callout.kind.is_warning() {
            self.theme.callout_warning
        } else {
            self.theme.callout
        };
        self.out.open("┃ ", Some("┃ "), style);
        self.callouts += 1;
        self.inline.reset(self.base_style());
        self.inline.push_with(&callout.label, style, at);
        self.flush();
    }

    fn close_callout(&mut self) {
        if self.callouts == 0 {
            return;
        }
        self.flush();
        self.out.close();
        self.callouts -= 1;
        self.inline.reset(self.base_style());
        self.out.blank_before_next();
    }

    /// A link's text follows (a markdown link, or HTML's `<a href>`), until [`Self::end_link`].
    fn start_link(&mut self, url: &str) {
        let index = register_link(&mut self.out.rendered.links, url, false);
        self.inline.link = Some(index);
        self.inline.link_text.clear();
        self.inline.push_style(self.theme.link);
    }

    /// The link's number after its text.
    fn end_link(&mut self, at: usize) {
        self.inline.pop_style();
        if let Some(index) = self.inline.link.take() {
            let link = &mut self.out.rendered.links[index];
            if link.text.is_empty() {
                link.text = clean(&self.inline.link_text);
            }
            let marker = format!("[{}]", link.number);
            self.inline.push_with(&marker, self.theme.link_number, at);
        }
    }

    /// `<a href>` opens a link unless one is open already (HTML does not nest links);
    /// `</a>` closes only a link that HTML opened, not a markdown link around it.
    fn html_link(&mut self, piece: HtmlPiece, at: usize) {
        match piece {
            HtmlPiece::LinkStart { href } if self.inline.link.is_none() => {
                self.start_link(&href);
                self.html_link_open = true;
            }
            HtmlPiece::LinkEnd if std::mem::take(&mut self.html_link_open) => self.end_link(at),
            _ => {}
        }
    }

    fn inline_html(&mut self, tag: &str, at: usize) {
        match html::tag_meaning(tag) {
            Some(HtmlPiece::LineBreak) => self.inline.hard_break(at),
            Some(HtmlPiece::Image { src, alt }) => self.push_image(&src, &alt, at),
            Some(HtmlPiece::Text(text)) => self.inline.push_text(&text, at),
            Some(piece @ (HtmlPiece::LinkStart { .. } | HtmlPiece::LinkEnd)) => {
                self.html_link(piece, at);
            }
            Some(HtmlPiece::ParagraphBreak) | None => {}
        }
    }

    fn html_pieces(&mut self, pieces: Vec<HtmlPiece>, at: usize) {
        for piece in pieces {
            match piece {
                HtmlPiece::Text(text) => self.inline.push_text(&text, at),
                HtmlPiece::LineBreak => self.inline.hard_break(at),
                HtmlPiece::ParagraphBreak => {
                    if !self.inline.text.is_empty() {
                        self.flush();
                        self.out.blank_before_next();
                    }
                }
                HtmlPiece::Image { src, alt } => self.push_image(&src, &alt, at),
                piece @ (HtmlPiece::LinkStart { .. } | HtmlPiece::LinkEnd) => {
                    self.html_link(piece, at);
                }
            }
        }
    }

    /// `[image: alt][n]`, with the URL in the link list.
    fn push_image(&mut self, url: &str, alt: &str, at: usize) {
        let index = register_link(&mut self.out.rendered.links, url, true);
        let alt = clean(alt.trim());
        let link = &mut self.out.rendered.links[index];
        if link.text.is_empty() {
            link.text.clone_from(&alt);
        }
        let label = if alt.is_empty() {
            "[image]".to_string()
        } else {
            format!("[image: {alt}]")
        };
        let mut placed = PlacedImage {
            url: url.to_string(),
            alt,
            source: at,
            link: index,
            placeholder: String::new(),
        };
        placed.placeholder = self.push_placeholder(&label, &placed);
        self.last_image = Some(placed);
    }

    /// Pushes `label` and the picture's number, as a link to it; returns the text pushed.
    fn push_placeholder(&mut self, label: &str, placed: &PlacedImage) -> String {
        let number = self.out.rendered.links[placed.link].number;
        let outer_link = self.inline.link;
        self.inline.link = Some(placed.link);
        self.inline
            .push_with(label, self.theme.image, placed.source);
        self.inline.link = outer_link;
        let marker = format!("[{number}]");
        self.inline
            .push_with(&marker, self.theme.link_number, placed.source);
        format!("{label}{marker}")
    }

    /// Whether the paragraph collected so far is `placed` and nothing else, outside lists
    /// and quotes (where a picture would have to be indented).
    fn stands_alone(&self, placed: &PlacedImage) -> bool {
        self.lists.is_empty()
            && self.quote_depth == 0
            && self.heading.is_none()
            && self.inline.text.text.trim() == placed.placeholder
    }

    /// Reserves the rows of a picture drawn at its place: blank lines at its source offset.
    fn emit_picture(&mut self, placed: &PlacedImage, width: u32, height: u32) {
        let Some(layout) = self.pictures else {
            return;
        };
        let (columns, rows) = fit_picture(
            width,
            height,
            layout.cell,
            self.out.content_width(),
            layout.max_rows,
        );
        self.out.settle_blank();
        let line = self.out.rendered.lines.len();
        for _ in 0..rows {
            self.out.emit_spans(Vec::new(), placed.source);
        }
        self.out.rendered.pictures.push(PictureBlock {
            line,
            rows,
            columns,
            url: placed.url.clone(),
            link: placed.link,
        });
    }
}

/// GitHub's alerts (`> [!NOTE]`) are callouts like the site generators' containers.
fn alert_kind(kind: BlockQuoteKind) -> CalloutKind {
    match kind {
        BlockQuoteKind::Note => CalloutKind::Note,
        BlockQuoteKind::Tip => CalloutKind::Tip,
        BlockQuoteKind::Important => CalloutKind::Important,
        BlockQuoteKind::Warning => CalloutKind::Warning,
        BlockQuoteKind::Caution => CalloutKind::Caution,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Theme, render};

    fn plain(markdown: &str, width: usize) -> Vec<String> {
        render(markdown, width, &Theme::plain()).plain_lines()
    }

    #[test]
    fn inline_html_anchor_is_a_numbered_link() {
        let rendered = render(
            "见 <a href=\"https://www.ruanyifeng.com/\">阮一峰</a>的周刊。",
            40,
            &Theme::plain(),
        );
        assert_eq!(rendered.plain_lines(), ["见 阮一峰[1]的周刊。"]);
        assert_eq!(rendered.links[0].url, "https://www.ruanyifeng.com/");
        assert_eq!(rendered.links[0].text, "阮一峰");
        assert!(!rendered.links[0].is_image);
        assert!(!rendered.link_spans.is_empty(), "the text is the link's");
    }

    #[test]
    fn block_html_anchor_is_a_link_too() {
        let rendered = render(
            "<p>See <a href='https://a.io/'>a</a> and <a name=x>b</a></p>\n",
            40,
            &Theme::plain(),
        );
        assert_eq!(rendered.plain_lines(), ["See a[1] and b"]);
        assert_eq!(rendered.links.len(), 1);
    }

    #[test]
    fn zenn_message_alert_is_a_labelled_callout_not_text() {
        let lines = plain(
            "前\n\n:::message alert\n**注意**: `rm -rf` は危険です\n\n- 一\n- 二\n:::\n\n後\n",
            40,
        );
        assert_eq!(
            lines,
            [
                "前",
                "",
                "┃ Warning",
                "┃ 注意: rm -rf は危険です",
                "┃ ",
                "┃ • 一",
                "┃ • 二",
                "",
                "後"
            ]
            .map(|line| line.trim_end().to_string())
        );
    }

    #[test]
    fn containers_and_github_alerts_draw_alike() {
        let alert = plain("> [!TIP]\n> Use `cargo fmt`.\n", 40);
        let container = plain("::: tip\nUse `cargo fmt`.\n:::\n", 40);
        assert_eq!(alert, ["┃ Tip", "┃ Use cargo fmt."]);
        assert_eq!(container, alert);
        let details = plain(":::details 設定ファイル\n```yaml\na: 1\n```\n:::\n", 40);
        assert_eq!(details[0], "┃ ▸ 設定ファイル");
        assert!(details[1].starts_with("┃ ╭─ yaml"), "{details:?}");
    }

    #[test]
    fn callout_lines_keep_their_source_offsets_and_width() {
        let markdown = ":::note\nA long line of text inside a note that must wrap.\n:::\n";
        let rendered = render(markdown, 20, &Theme::plain());
        assert!(
            rendered
                .plain_lines()
                .iter()
                .all(|line| line.chars().count() <= 20)
        );
        let text_line = rendered
            .plain_lines()
            .iter()
            .position(|line| line.contains("A long"))
            .unwrap();
        assert_eq!(
            rendered.line_offsets[text_line],
            markdown.find("A long").unwrap()
        );
    }

    #[test]
    fn a_line_after_br_has_no_leading_space() {
        assert_eq!(
            plain("one<br> two<br/>\nthree", 40),
            ["one", "two", "three"]
        );
        assert_eq!(plain("一<br> 二", 40), ["一", "二"]);
    }
}
