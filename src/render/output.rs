//! Where rendered lines are collected: the container prefixes (quote bars, list markers,
//! footnote labels), blank lines between blocks, source offsets, link spans, and the last
//! guard of the width promise.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::wrap::LineSpan;
use super::{LinkSpan, Rendered, SoftWrap};

/// Content keeps at least this many columns when deep nesting would eat the line: the
/// indentation is cut instead.
const MIN_CONTENT_WIDTH: usize = 8;

/// Something that puts a prefix before each of its lines: a quote bar, a list marker.
struct Container {
    /// Prefix of the first line (a list bullet), then of every later line (spaces under it).
    /// Both have the same width.
    first: Vec<Span<'static>>,
    rest: Vec<Span<'static>>,
    width: usize,
    first_used: bool,
}

pub struct Output {
    pub width: usize,
    pub rendered: Rendered,
    containers: Vec<Container>,
    pending_blank: bool,
    last_offset: usize,
    /// Display width of the prefix of the last line emitted.
    last_prefix_width: usize,
}

impl Output {
    pub fn new(width: usize) -> Output {
        Output {
            width,
            rendered: Rendered::default(),
            containers: Vec::new(),
            pending_blank: false,
            last_offset: 0,
            last_prefix_width: 0,
        }
    }

    /// Opens a container whose first line starts with `first` in `style` and whose other
    /// lines are indented by as many spaces (or start with `rest` when given).
    pub fn open(&mut self, first: &str, rest: Option<&str>, style: Style) {
        let width = first.width();
        let rest = match rest {
            Some(rest) => Span::styled(rest.to_string(), style),
            None => Span::raw(" ".repeat(width)),
        };
        self.containers.push(Container {
            first: vec![Span::styled(first.to_string(), style)],
            rest: vec![rest],
            width,
            first_used: false,
        });
    }

    pub fn close(&mut self) {
        self.containers.pop();
    }

    /// Replaces the marker of the innermost container before its first line (task lists).
    pub fn replace_marker(&mut self, marker: &str, style: Style) {
        if let Some(container) = self.containers.last_mut()
            && !container.first_used
        {
            container.width = marker.width();
            container.first = vec![Span::styled(marker.to_string(), style)];
            container.rest = vec![Span::raw(" ".repeat(container.width))];
        }
    }

    /// The next block is separated from the previous one by a blank line.
    pub fn blank_before_next(&mut self) {
        self.pending_blank = true;
    }

    fn prefix_width(&self) -> usize {
        self.containers.iter().map(|c| c.width).sum()
    }

    /// Columns left for content after the indentation.
    pub fn content_width(&self) -> usize {
        let floor = self.width.min(MIN_CONTENT_WIDTH);
        self.width.saturating_sub(self.prefix_width()).max(floor)
    }

    /// Emits the blank line separating blocks, if one is due: the line index of the next
    /// content line is then `self.rendered.lines.len()`.
    pub fn settle_blank(&mut self) {
        if self.pending_blank && !self.rendered.lines.is_empty() {
            let prefix = self.prefix(true);
            let mut line = Line::from(prefix);
            trim_trailing_spaces(&mut line);
            self.push(line, self.last_offset);
        }
        self.pending_blank = false;
    }

    /// The prefix spans of the next line, cut to leave [`Self::content_width`] columns.
    fn prefix(&mut self, blank: bool) -> Vec<Span<'static>> {
        let budget = self.width - self.content_width().min(self.width);
        let mut spans = Vec::new();
        for container in &mut self.containers {
            if blank || container.first_used {
                spans.extend(container.rest.iter().cloned());
            } else {
                spans.extend(container.first.iter().cloned());
                container.first_used = true;
            }
        }
        cut_spans(&mut spans, budget);
        spans
    }

    /// Emits one line of content (already wrapped to [`Self::content_width`]).
    pub fn emit(&mut self, content: impl IntoIterator<Item = LineSpan>, source: usize) {
        let mut line = self.line_of(content);
        if line.width() > self.width {
            fit_line(&mut line, self.width);
        }
        self.push(line, source);
    }

    /// The next line: the blank line before it settled, the prefixes, then `content`.
    fn line_of(&mut self, content: impl IntoIterator<Item = LineSpan>) -> Line<'static> {
        self.settle_blank();
        let mut spans = self.prefix(false);
        self.last_prefix_width = spans.iter().map(Span::width).sum();
        let line_index = self.rendered.lines.len();
        for piece in content {
            if let Some(link) = piece.link {
                self.rendered.link_spans.push(LinkSpan {
                    line: line_index,
                    span: spans.len(),
                    link,
                });
            }
            spans.push(piece.span);
        }
        Line::from(spans)
    }

    /// Emits one line of content that [`super::wrap`] fitted to [`Self::content_width`]
    /// and measured at `width` columns: the line need not be measured again unless it is
    /// the lone too-wide grapheme the wrapper lets through.
    pub fn emit_wrapped(
        &mut self,
        content: impl IntoIterator<Item = LineSpan>,
        width: usize,
        source: usize,
    ) {
        if width <= self.content_width() {
            let line = self.line_of(content);
            self.push(line, source);
        } else {
            self.emit(content, source);
        }
    }

    /// Records that the line just emitted carries on the one before it, which a wrap cut:
    /// `space` when the wrap took the space between two words.
    pub fn mark_wrapped(&mut self, space: bool) {
        if let Some(line) = self.rendered.lines.len().checked_sub(1) {
            self.rendered.soft_wraps.push(SoftWrap {
                line,
                column: self.last_prefix_width,
                space,
            });
        }
    }

    /// Emits one line of plain spans (rules, borders).
    pub fn emit_spans(&mut self, spans: Vec<Span<'static>>, source: usize) {
        let content = spans.into_iter().map(|span| LineSpan { span, link: None });
        self.emit(content, source);
    }

    fn push(&mut self, line: Line<'static>, source: usize) {
        self.last_offset = self.last_offset.max(source);
        self.rendered.lines.push(line);
        self.rendered.line_offsets.push(self.last_offset);
    }

    pub fn finish(self) -> Rendered {
        self.rendered
    }
}

fn trim_trailing_spaces(line: &mut Line<'static>) {
    while let Some(last) = line.spans.last_mut() {
        let trimmed = last.content.trim_end_matches(' ').len();
        if trimmed == 0 {
            line.spans.pop();
        } else {
            last.content.to_mut().truncate(trimmed);
            break;
        }
    }
}

/// Cuts spans to at most `width` columns, at grapheme boundaries.
fn cut_spans(spans: &mut Vec<Span<'static>>, width: usize) {
    let mut used = 0;
    let mut keep = 0;
    for span in spans.iter_mut() {
        let span_width = span.content.width();
        if used + span_width <= width {
            used += span_width;
            keep += 1;
            continue;
        }
        let mut cut = String::new();
        for grapheme in span.content.graphemes(true) {
            let w = grapheme.width();
            if used + w > width {
                break;
            }
            used += w;
            cut.push_str(grapheme);
        }
        span.content = cut.into();
        keep += 1;
        break;
    }
    spans.truncate(keep);
}

/// The last guard of the width promise: a grapheme wider than the whole line (a CJK
/// character at width 1) is shown as `�`; anything else still too wide is cut.
pub(super) fn fit_line(line: &mut Line<'static>, width: usize) {
    let mut used = 0;
    let mut spans = Vec::with_capacity(line.spans.len());
    for span in line.spans.drain(..) {
        let mut text = String::new();
        for grapheme in span.content.graphemes(true) {
            let mut shown = grapheme;
            let mut w = grapheme.width();
            if w > width {
                shown = "\u{FFFD}";
                w = 1;
            }
            if used + w > width {
                break;
            }
            used += w;
            text.push_str(shown);
        }
        if !text.is_empty() {
            spans.push(Span::styled(text, span.style));
        }
    }
    line.spans = spans;
}
