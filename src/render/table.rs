//! Tables: columns sized by display width, cells wrapped inside their column, borders drawn
//! with box characters. When even the narrowest columns do not fit, each row becomes a
//! stacked record (`header` line, then the value indented under it).

use pulldown_cmark::Alignment;
use ratatui::text::Span;

use super::Theme;
use super::wrap::{LineSpan, StyledText, WrappedLine, for_each_fragment};

/// Columns narrower than this are unreadable: switch to stacked records instead.
const MIN_COLUMN: usize = 3;
/// A column needs no more than this for its longest unbreakable word: longer ones are cut.
const MAX_WORD: usize = 12;

/// A table as collected from the parser: header row first.
pub struct TableData {
    alignments: Vec<Alignment>,
    rows: Vec<Vec<StyledText>>,
    current: Vec<StyledText>,
    source: usize,
}

impl TableData {
    pub fn new(alignments: Vec<Alignment>, source: usize) -> TableData {
        TableData {
            alignments,
            rows: Vec::new(),
            current: Vec::new(),
            source,
        }
    }

    pub fn push_cell(&mut self, mut cell: StyledText) {
        cell.trim_end();
        self.current.push(cell);
    }

    pub fn end_row(&mut self) {
        self.rows.push(std::mem::take(&mut self.current));
    }

    fn columns(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    fn cell(&self, row: usize, column: usize) -> Option<&StyledText> {
        self.rows.get(row).and_then(|cells| cells.get(column))
    }
}

/// One line of a rendered table.
pub struct TableLine {
    pub spans: Vec<LineSpan>,
    /// Display width, known from the layout (no need to measure the spans again).
    pub width: usize,
    /// Byte offset in the markdown source.
    pub source: usize,
}

type Lines = Vec<TableLine>;

/// The table's lines, each at most `width` columns, with their source offsets.
pub fn render_table(table: &TableData, width: usize, theme: &Theme) -> Lines {
    let columns = table.columns();
    if columns == 0 {
        return Vec::new();
    }
    match column_widths(table, columns, width) {
        Some(widths) => grid(table, &widths, theme),
        None => stacked(table, width, theme),
    }
}

/// Natural widths when they fit; otherwise each column gets what it needs for its longest
/// word and the rest is shared out round-robin. `None` when not even that fits.
fn column_widths(table: &TableData, columns: usize, width: usize) -> Option<Vec<usize>> {
    let borders = 3 * columns + 1;
    let available = width.checked_sub(borders)?;
    let mut natural = vec![0; columns];
    let mut minimum = vec![MIN_COLUMN; columns];
    for row in &table.rows {
        for (column, cell) in row.iter().enumerate() {
            // Measured as the wrapper measures: a cell whose lines fit its natural width
            // then stays on one line.
            let mut line_width = 0;
            for_each_fragment(&cell.text, |fragment| {
                minimum[column] = minimum[column].max(fragment.width.min(MAX_WORD));
                line_width += fragment.width;
                if fragment.hard_break {
                    natural[column] = natural[column].max(line_width);
                    line_width = 0;
                } else {
                    line_width += fragment.whitespace_width;
                }
            });
        }
    }
    for column in 0..columns {
        natural[column] = natural[column].max(MIN_COLUMN);
        minimum[column] = minimum[column].min(natural[column]);
    }
    if natural.iter().sum::<usize>() <= available {
        return Some(natural);
    }
    let mut widths = minimum;
    let mut spare = available.checked_sub(widths.iter().sum())?;
    while spare > 0 {
        let mut grew = false;
        for column in 0..columns {
            if spare > 0 && widths[column] < natural[column] {
                widths[column] += 1;
                spare -= 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    Some(widths)
}

/// A border line of a grid: as wide as its rows.
fn border(
    widths: &[usize],
    [left, middle, right]: [&str; 3],
    source: usize,
    theme: &Theme,
) -> TableLine {
    let mut text = String::from(left);
    for (i, &w) in widths.iter().enumerate() {
        if i > 0 {
            text.push_str(middle);
        }
        text.push_str(&"─".repeat(w + 2));
    }
    text.push_str(right);
    TableLine {
        spans: vec![plain_span(text, theme.table_border)],
        width: grid_width(widths),
        source,
    }
}

/// Columns, their padding and the borders between them.
fn grid_width(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + 3 * widths.len() + 1
}

fn plain_span(text: String, style: ratatui::style::Style) -> LineSpan {
    LineSpan {
        span: Span::styled(text, style),
        link: None,
    }
}

fn grid(table: &TableData, widths: &[usize], theme: &Theme) -> Lines {
    let source = table.source;
    let mut lines = vec![border(widths, ["┌", "┬", "┐"], source, theme)];
    let empty = StyledText::default();
    // Each cell wrapped once: rows, then columns, then the cell's lines.
    let wrapped_rows: Vec<Vec<Vec<WrappedLine>>> = (0..table.rows.len())
        .map(|row| {
            widths
                .iter()
                .enumerate()
                .map(|(column, &w)| table.cell(row, column).unwrap_or(&empty).wrap(w))
                .collect()
        })
        .collect();
    let multi_line = wrapped_rows
        .iter()
        .skip(1)
        .any(|row| row.iter().any(|cell| cell.len() > 1));
    for (row, wrapped) in wrapped_rows.iter().enumerate() {
        if row == 1 || (row > 1 && multi_line) {
            lines.push(border(widths, ["├", "┼", "┤"], source, theme));
        }
        let cells: Vec<&StyledText> = (0..widths.len())
            .map(|column| table.cell(row, column).unwrap_or(&empty))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let row_source = cells
            .iter()
            .find_map(|c| c.runs.first().map(|r| r.source))
            .unwrap_or(source);
        for line in 0..height {
            let mut spans = vec![plain_span("│ ".into(), theme.table_border)];
            let mut line_width = grid_width(widths);
            for (column, cell) in cells.iter().enumerate() {
                if column > 0 {
                    spans.push(plain_span(" │ ".into(), theme.table_border));
                }
                let wrapped_line = wrapped[column].get(line).cloned();
                let used = wrapped_line.as_ref().map_or(0, |l| l.width);
                // Only a lone grapheme wider than its column overflows it.
                line_width += used.saturating_sub(widths[column]);
                let pad = widths[column].saturating_sub(used);
                let alignment = table
                    .alignments
                    .get(column)
                    .copied()
                    .unwrap_or(Alignment::None);
                let (before, after) = match alignment {
                    Alignment::Right => (pad, 0),
                    Alignment::Center => (pad / 2, pad - pad / 2),
                    _ => (0, pad),
                };
                if before > 0 {
                    spans.push(plain_span(" ".repeat(before), theme.text));
                }
                if let Some(wrapped_line) = wrapped_line {
                    let header = row == 0;
                    spans.extend(cell.spans(wrapped_line.range).map(|mut piece| {
                        if header {
                            piece.span.style = piece.span.style.patch(theme.table_header);
                        }
                        piece
                    }));
                }
                if after > 0 {
                    spans.push(plain_span(" ".repeat(after), theme.text));
                }
            }
            spans.push(plain_span(" │".into(), theme.table_border));
            lines.push(TableLine {
                spans,
                width: line_width,
                source: row_source,
            });
        }
    }
    lines.push(border(widths, ["└", "┴", "┘"], source, theme));
    lines
}

/// One record per row: each header on its own line, the value indented under it.
fn stacked(table: &TableData, width: usize, theme: &Theme) -> Lines {
    let mut lines = Vec::new();
    let empty = StyledText::default();
    let indent = if width > 10 { 2 } else { 0 };
    let columns = table.columns();
    for row in 1..table.rows.len().max(2) {
        if row > 1 {
            lines.push(TableLine {
                spans: vec![plain_span("─".repeat(width.min(20)), theme.table_border)],
                width: width.min(20),
                source: table.source,
            });
        }
        for column in 0..columns {
            let header = table.cell(0, column).unwrap_or(&empty);
            for line in header.wrap(width) {
                let spans = header.spans(line.range).map(|mut piece| {
                    piece.span.style = piece.span.style.patch(theme.table_header);
                    piece
                });
                lines.push(TableLine {
                    spans: spans.collect(),
                    width: line.width,
                    source: table.source,
                });
            }
            let Some(value) = table.cell(row, column) else {
                continue;
            };
            let source = value.runs.first().map_or(table.source, |r| r.source);
            for line in value.wrap(width - indent) {
                let mut spans = vec![plain_span(" ".repeat(indent), theme.text)];
                spans.extend(value.spans(line.range));
                lines.push(TableLine {
                    spans,
                    width: indent + line.width,
                    source,
                });
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;
    use unicode_width::UnicodeWidthStr;

    fn table(rows: &[&[&str]]) -> TableData {
        let mut data = TableData::new(vec![Alignment::None; rows[0].len()], 0);
        for row in rows {
            for cell in *row {
                let mut text = StyledText::default();
                text.push(cell, Style::new(), None, 0);
                data.push_cell(text);
            }
            data.end_row();
        }
        data
    }

    fn text(lines: Lines) -> Vec<String> {
        lines
            .into_iter()
            .map(|line| {
                let text: String = line.spans.iter().map(|s| s.span.content.as_ref()).collect();
                assert_eq!(text.width(), line.width, "the width reported for {text:?}");
                text
            })
            .collect()
    }

    #[test]
    fn columns_are_sized_by_display_width() {
        let lines = text(render_table(
            &table(&[&["项目", "版本"], &["MOSN", "v1.0"]]),
            40,
            &Theme::plain(),
        ));
        assert_eq!(
            lines,
            [
                "┌──────┬──────┐",
                "│ 项目 │ 版本 │",
                "├──────┼──────┤",
                "│ MOSN │ v1.0 │",
                "└──────┴──────┘"
            ]
        );
    }

    #[test]
    fn cells_wrap_inside_narrow_columns() {
        let data = table(&[
            &["名称", "说明"],
            &["SOFARPC", "高可扩展性、高性能、生产级的 Java RPC 框架"],
        ]);
        let lines = text(render_table(&data, 30, &Theme::plain()));
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| l.width() <= 30), "{lines:#?}");
    }

    #[test]
    fn too_narrow_tables_become_stacked_records() {
        let data = table(&[&["a", "b", "c", "d", "e"], &["1", "2", "3", "4", "5"]]);
        let lines = text(render_table(&data, 12, &Theme::plain()));
        assert_eq!(lines[..4], ["a", "  1", "b", "  2"]);
    }
}
