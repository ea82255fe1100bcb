//! Wrapping a paragraph's styled runs as a whole: the signature of the reader.
//!
//! The text of a paragraph is kept as one string plus the styled runs that cover it
//! ([`StyledText`]). Wrapping looks only at the string: it is cut into [`Fragment`]s at the
//! break opportunities of [`super::breaks`] (UAX #14 with CJK tailoring and kinsoku), each
//! fragment carrying its display width and the width of the spaces after it (textwrap's
//! model). A greedy first-fit then fills each line to the width. Styles are applied last, by
//! byte range, so a break may fall inside or between styled runs without losing a style.
//!
//! Where no break is allowed (a long URL, a long word), a fragment is cut at grapheme cluster
//! boundaries; a wide character is never split, and the cut avoids starting a line with
//! closing punctuation by pulling the grapheme before it down to the new line.

use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::Span;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::breaks::{Break, for_each_break, is_ideograph, is_no_start};

/// A piece of text between two break opportunities, as the line filler sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment {
    /// Byte range of the visible part (without the spaces or newline after it).
    pub start: usize,
    pub end: usize,
    /// Display width of `start..end`.
    pub width: usize,
    /// Display width of the spaces after it: they separate it from the next fragment on the
    /// same line and vanish at a line break.
    pub whitespace_width: usize,
    /// A line must end after this fragment (a hard break, or the end of the text).
    pub hard_break: bool,
}

/// Cuts `text` into fragments at its break opportunities.
pub fn fragments(text: &str) -> Vec<Fragment> {
    let mut out = Vec::with_capacity(text.len() / 3 + 1);
    for_each_fragment(text, |fragment| out.push(fragment));
    out
}

/// Calls `found` with each fragment of `text`, in order, without collecting them.
pub fn for_each_fragment(text: &str, mut found: impl FnMut(Fragment)) {
    let mut start = 0;
    for_each_break(text, |Break { at, mandatory }| {
        let fragment = if is_lone_ideograph(&text.as_bytes()[start..at]) {
            // Two columns, nothing to trim: most fragments of a Chinese text.
            Fragment {
                start,
                end: at,
                width: 2,
                whitespace_width: 0,
                hard_break: mandatory,
            }
        } else {
            let piece = &text[start..at];
            let without_newline = piece.strip_suffix('\n').unwrap_or(piece);
            let visible = without_newline.trim_end_matches(' ');
            Fragment {
                start,
                end: start + visible.len(),
                width: measure(visible),
                whitespace_width: without_newline.len() - visible.len(),
                hard_break: mandatory,
            }
        };
        found(fragment);
        start = at;
    });
}

/// Whether `piece`, whole characters of a text, is one CJK ideograph (U+4E00..U+9FFF, see
/// [`is_ideograph`]): the UTF-8 sequences E4 B8 80 to E9 BF BF, told without decoding.
fn is_lone_ideograph(piece: &[u8]) -> bool {
    matches!(piece, [0xE4, 0xB8..=0xBF, _] | [0xE5..=0xE9, _, _])
}

/// Display width of `text` as the sum of its grapheme clusters' widths: what a line made
/// of whole clusters takes, whichever spans it ends up split into. (A whole-string width
/// can be smaller, e.g. for an Arabic lam-alef ligature; never larger.)
#[inline]
pub fn measure(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    // Per-character widths add up to the cluster widths unless a character joins or
    // modifies its neighbours (zero-width marks, ZWJ, variation selectors, emoji, jamo).
    let mut total = 0;
    for c in text.chars() {
        // Most of a Chinese text, and two columns wide, without a table lookup.
        if is_ideograph(c) {
            total += 2;
            continue;
        }
        let width = UnicodeWidthChar::width(c).unwrap_or(0);
        if width == 0 || matches!(c, '\u{1100}'..='\u{11FF}' | '\u{1F000}'..) {
            return text.graphemes(true).map(UnicodeWidthStr::width).sum();
        }
        total += width;
    }
    total
}

/// One line of a wrapped text: a byte range of the text and its display width (as
/// [`measure`] counts it), so that nobody has to measure the line again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedLine {
    pub range: Range<usize>,
    pub width: usize,
}

/// Wraps `text` to lines of at most `width` columns and returns each line as a byte range
/// of `text` (spaces at the breaks and newlines excluded).
///
/// A lone grapheme wider than `width` (a CJK character when `width` is 1) gets a line of its
/// own; the caller decides how to show it.
///
/// ```
/// use sofa_weekly::render::wrap::wrap_ranges;
/// let text = "SOFA Weekly 每周精选，筛选每周精华问答";
/// let lines: Vec<&str> = wrap_ranges(text, 16).into_iter().map(|r| &text[r]).collect();
/// assert_eq!(lines, ["SOFA Weekly 每周", "精选，筛选每周精", "华问答"]);
/// ```
pub fn wrap_ranges(text: &str, width: usize) -> Vec<Range<usize>> {
    wrap_lines(text, width)
        .into_iter()
        .map(|line| line.range)
        .collect()
}

/// [`wrap_ranges`] with each line's width.
pub fn wrap_lines(text: &str, width: usize) -> Vec<WrappedLine> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line: Option<Range<usize>> = None;
    let mut used = 0;
    let mut pending_space = 0;
    for_each_fragment(text, |fragment| {
        if fragment.width > width {
            if let Some(range) = line.take() {
                lines.push(WrappedLine { range, width: used });
            }
            let (rest, rest_width) = split_long(text, &fragment, width, &mut lines);
            line = Some(rest);
            used = rest_width;
        } else {
            match &mut line {
                Some(current) if used + pending_space + fragment.width <= width => {
                    current.end = fragment.end;
                    used += pending_space + fragment.width;
                }
                _ => {
                    if let Some(range) = line.take() {
                        lines.push(WrappedLine { range, width: used });
                    }
                    line = Some(fragment.start..fragment.end);
                    used = fragment.width;
                }
            }
        }
        pending_space = fragment.whitespace_width;
        if fragment.hard_break {
            let range = line.take().unwrap_or(fragment.end..fragment.end);
            lines.push(WrappedLine { range, width: used });
            used = 0;
            pending_space = 0;
        }
    });
    // The last fragment always carries the final hard break, so nothing is left open.
    debug_assert!(line.is_none());
    lines
}

/// Cuts a fragment wider than the line at grapheme boundaries. Pushes the full lines and
/// returns the last, partly filled one with its width.
fn split_long(
    text: &str,
    fragment: &Fragment,
    width: usize,
    lines: &mut Vec<WrappedLine>,
) -> (Range<usize>, usize) {
    let mut line_start = fragment.start;
    let mut used = 0;
    let mut previous: Option<(usize, usize)> = None; // start and width of the last grapheme
    for (offset, cluster) in text[fragment.start..fragment.end].grapheme_indices(true) {
        // A cluster wider than the whole line (a run of conjoining jamo, a wide character at
        // width 1) is laid out by characters: better a split cluster than a line too wide.
        let splittable = cluster.width() > width
            && cluster
                .chars()
                .all(|c| UnicodeWidthChar::width(c).unwrap_or(0) <= width);
        let units: Vec<(usize, &str)> = if splittable {
            cluster
                .char_indices()
                .map(|(i, _)| (i, &cluster[i..]))
                .map(|(i, rest)| {
                    let len = rest.chars().next().map_or(0, char::len_utf8);
                    (i, &rest[..len])
                })
                .collect()
        } else {
            vec![(0, cluster)]
        };
        for (inner, grapheme) in units {
            let start = fragment.start + offset + inner;
            let grapheme_width = grapheme.width();
            if used + grapheme_width > width && start > line_start {
                let mut cut = start;
                let starts_badly = grapheme.chars().next().is_some_and(is_no_start);
                if let Some((previous_start, previous_width)) = previous
                    && starts_badly
                    && previous_start > line_start
                    && previous_width + grapheme_width <= width
                {
                    cut = previous_start;
                }
                // Measured whole: a cluster laid out by characters may be wider than
                // the sum of its characters.
                lines.push(WrappedLine {
                    range: line_start..cut,
                    width: measure(&text[line_start..cut]),
                });
                used = measure(&text[cut..start]);
                line_start = cut;
            }
            used += grapheme_width;
            previous = Some((start, grapheme_width));
        }
    }
    (
        line_start..fragment.end,
        measure(&text[line_start..fragment.end]),
    )
}

/// One styled run of a paragraph: `StyledText::text[previous run end..end]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub end: usize,
    pub style: Style,
    /// Index into the link list when the run is (part of) a link's text.
    pub link: Option<usize>,
    /// Byte offset in the markdown source where the run's text starts.
    pub source: usize,
}

/// A paragraph's text and the styled runs covering it, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StyledText {
    pub text: String,
    pub runs: Vec<Run>,
}

/// A span of a wrapped line and the link it belongs to, if any.
pub struct LineSpan {
    pub span: Span<'static>,
    pub link: Option<usize>,
}

impl StyledText {
    /// Appends `text` (already cleaned of control characters) in `style`.
    pub fn push(&mut self, text: &str, style: Style, link: Option<usize>, source: usize) {
        if text.is_empty() {
            return;
        }
        let joined_at = self.text.len();
        self.text.push_str(text);
        let end = self.text.len();
        // A style change inside a grapheme cluster (a ZWJ or a variation selector opening
        // the new text) would split the cluster over two spans and change its width: the
        // cluster stays whole in the earlier run.
        let glued = self.cluster_end_after(joined_at);
        match self.runs.last_mut() {
            Some(last) if last.style == style && last.link == link => last.end = end,
            Some(last) if glued > joined_at => {
                last.end = glued;
                if glued < end {
                    self.runs.push(Run {
                        end,
                        style,
                        link,
                        source,
                    });
                }
            }
            _ => self.runs.push(Run {
                end,
                style,
                link,
                source,
            }),
        }
    }

    /// When byte `at` falls inside a grapheme cluster, the end of that cluster; else `at`.
    fn cluster_end_after(&self, at: usize) -> usize {
        if at == 0 {
            return 0;
        }
        let next_is_extender = self.text[at..].chars().next().is_some_and(|c| {
            UnicodeWidthChar::width(c) == Some(0) || matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
        });
        if !next_is_extender && !self.text[..at].ends_with('\u{200D}') {
            return at;
        }
        let window_start = self.text[..at]
            .char_indices()
            .rev()
            .nth(16)
            .map_or(0, |(i, _)| i);
        let mut boundary = at;
        for (offset, cluster) in self.text[window_start..].grapheme_indices(true) {
            let start = window_start + offset;
            if start < at && start + cluster.len() > at {
                boundary = start + cluster.len();
                break;
            }
            if start >= at {
                break;
            }
        }
        boundary
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Empties the text, keeping its buffers for the next paragraph.
    pub fn clear(&mut self) {
        self.text.clear();
        self.runs.clear();
    }

    /// Removes trailing spaces and hard breaks (a `<br>` at the end of a paragraph).
    pub fn trim_end(&mut self) {
        let keep = self.text.trim_end_matches([' ', '\n']).len();
        self.text.truncate(keep);
        let mut run_start = 0;
        self.runs.retain(|run| {
            let keep_run = run_start < keep;
            run_start = run.end;
            keep_run
        });
        if let Some(last) = self.runs.last_mut() {
            last.end = keep;
        }
    }

    /// Wraps the whole paragraph; each line is a byte range of `self.text` and its width.
    pub fn wrap(&self, width: usize) -> Vec<WrappedLine> {
        wrap_lines(&self.text, width)
    }

    /// The styled spans of one wrapped line.
    pub fn spans(&self, range: Range<usize>) -> impl Iterator<Item = LineSpan> + '_ {
        let first = self.runs.partition_point(|run| run.end <= range.start);
        let mut start = range.start;
        self.runs[first..]
            .iter()
            .map_while(move |run| {
                if start >= range.end {
                    return None;
                }
                let end = run.end.min(range.end);
                let piece = (end > start).then(|| LineSpan {
                    span: Span::styled(self.text[start..end].to_string(), run.style),
                    link: run.link,
                });
                start = end;
                Some(piece)
            })
            .flatten()
    }

    /// Source offset of the text at byte `at`: the start of its run plus the distance into it
    /// (exact for plain text, approximate where the source had escapes or entities).
    pub fn source_offset(&self, at: usize) -> usize {
        let index = self.runs.partition_point(|run| run.end <= at);
        let Some(run) = self.runs.get(index) else {
            return self.runs.last().map_or(0, |run| run.source);
        };
        let run_start = if index == 0 {
            0
        } else {
            self.runs[index - 1].end
        };
        run.source + (at - run_start)
    }
}

#[cfg(test)]
#[path = "wrap_tests.rs"]
mod tests;
