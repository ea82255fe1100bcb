//! Finding text in rendered lines, case-insensitively, reporting display columns so the
//! reader can highlight the match. A phrase that wrapping cut across two lines is found too:
//! the lines of one paragraph are searched as the text they were wrapped from, joined with a
//! space where the wrap took one (Latin words) and with nothing where it did not (CJK).

use unicode_width::UnicodeWidthChar;

use super::{MatchPiece, Rendered, TextMatch};
use crate::text::fold_case;

/// One character of the searched text: folded, with its line and display column; `None`
/// for the space that joins two wrapped lines (on no line of the screen).
#[derive(Debug, Clone, Copy)]
struct Placed {
    c: char,
    at: Option<(usize, usize)>,
    width: usize,
}

impl Rendered {
    /// Every match of `query` (case-insensitive; CJK fine), in line order. A match may run
    /// on over a wrap within a paragraph; it does not span a line break of the source, a
    /// block or a table cell.
    ///
    /// ```
    /// use sofa_weekly::render::{render, Theme};
    /// let rendered = render("Seata 的状态机引擎", 12, &Theme::plain());
    /// // "Seata 的状态" | "机引擎": the match is cut by the wrap, in two pieces.
    /// let found = rendered.find("状态机");
    /// assert_eq!(found.len(), 1);
    /// assert_eq!((found[0].line, found[0].start_col, found[0].end_col), (0, 8, 12));
    /// assert_eq!((found[0].continued[0].line, found[0].continued[0].end_col), (1, 2));
    /// ```
    pub fn find(&self, query: &str) -> Vec<TextMatch> {
        let needle: Vec<char> = query.chars().map(fold_case).collect();
        let mut matches = Vec::new();
        if needle.is_empty() {
            return matches;
        }
        let mut wraps = self.soft_wraps.iter().peekable();
        let mut text: Vec<Placed> = Vec::new();
        let mut index = 0;
        while index < self.lines.len() {
            // One paragraph's run of lines: this one and those that wrap on from it.
            text.clear();
            self.push_line(&mut text, index, 0);
            index += 1;
            while let Some(wrap) = wraps.next_if(|w| w.line <= index) {
                if wrap.line != index {
                    continue; // a wrap of a line already searched (cannot happen, but be safe)
                }
                if wrap.space && text.last().is_some_and(|p| p.c != ' ') {
                    text.push(Placed {
                        c: ' ',
                        at: None,
                        width: 0,
                    });
                }
                self.push_line(&mut text, index, wrap.column);
                index += 1;
            }
            find_in(&text, &needle, &mut matches);
        }
        matches
    }

    /// The characters of line `index` from display column `from` on.
    fn push_line(&self, text: &mut Vec<Placed>, index: usize, from: usize) {
        let mut column = 0;
        for span in &self.lines[index].spans {
            for c in span.content.chars() {
                let width = c.width().unwrap_or(0);
                if column >= from {
                    text.push(Placed {
                        c: fold_case(c),
                        at: Some((index, column)),
                        width,
                    });
                }
                column += width;
            }
        }
    }
}

/// The matches of `needle` in `text`, left to right, not overlapping.
fn find_in(text: &[Placed], needle: &[char], matches: &mut Vec<TextMatch>) {
    let mut start = 0;
    while start + needle.len() <= text.len() {
        let window = &text[start..start + needle.len()];
        if window.iter().map(|p| p.c).eq(needle.iter().copied())
            && let Some(found) = pieces(window)
        {
            matches.push(found);
            start += needle.len();
        } else {
            start += 1;
        }
    }
}

/// The matched characters as one piece per line.
fn pieces(window: &[Placed]) -> Option<TextMatch> {
    let mut pieces: Vec<MatchPiece> = Vec::new();
    for placed in window {
        let Some((line, column)) = placed.at else {
            continue;
        };
        match pieces.last_mut() {
            Some(piece) if piece.line == line => piece.end_col = column + placed.width,
            _ => pieces.push(MatchPiece {
                line,
                start_col: column,
                end_col: column + placed.width,
            }),
        }
    }
    let mut pieces = pieces.into_iter();
    // A match of the joining space alone is on no line: nothing to show.
    let first = pieces.next()?;
    Some(TextMatch {
        line: first.line,
        start_col: first.start_col,
        end_col: first.end_col,
        continued: pieces.collect(),
    })
}

#[cfg(test)]
mod tests {
    use crate::render::{MatchPiece, TextMatch, Theme, render};

    fn lines(markdown: &str, width: usize) -> Vec<String> {
        render(markdown, width, &Theme::plain())
            .lines
            .iter()
            .map(|line| line.to_string())
            .collect()
    }

    #[test]
    fn finds_cjk_and_latin_case_insensitively_in_columns() {
        let rendered = render("SOFA Weekly 周报\n\n介绍 MOSN 和 mosn", 80, &Theme::plain());
        assert_eq!(
            rendered.find("周报"),
            [TextMatch {
                line: 0,
                start_col: 12,
                end_col: 16,
                continued: Vec::new(),
            }]
        );
        let found = rendered.find("Mosn");
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].line, found[0].start_col, found[0].end_col),
            (2, 5, 9)
        );
    }

    #[test]
    fn empty_queries_find_nothing() {
        assert!(render("a", 10, &Theme::plain()).find("").is_empty());
    }

    #[test]
    fn a_chinese_phrase_cut_by_a_wrap_is_found_in_two_pieces() {
        let markdown = "Seata 的 Saga 模式基于状态机引擎实现。状态机的定义是一个 JSON 文件。";
        assert_eq!(
            lines(markdown, 20),
            [
                "Seata 的 Saga 模式基",
                "于状态机引擎实现。状",
                "态机的定义是一个",
                "JSON 文件。",
            ]
        );
        let rendered = render(markdown, 20, &Theme::plain());
        let found = rendered.find("状态机");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[0],
            TextMatch {
                line: 1,
                start_col: 2,
                end_col: 8,
                continued: Vec::new()
            }
        );
        assert_eq!(
            found[1],
            TextMatch {
                line: 1,
                start_col: 18,
                end_col: 20,
                continued: vec![MatchPiece {
                    line: 2,
                    start_col: 0,
                    end_col: 4
                }],
            }
        );
        // Across a wrap between CJK characters nothing is put between them.
        assert_eq!(rendered.find("基于").len(), 1);
        assert!(rendered.find("基 于").is_empty());
    }

    #[test]
    fn latin_words_cut_by_a_wrap_are_joined_by_one_space() {
        let markdown = "The service mesh of MOSN";
        assert_eq!(lines(markdown, 12), ["The service", "mesh of MOSN"]);
        let rendered = render(markdown, 12, &Theme::plain());
        let found = rendered.find("Service Mesh");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].line, found[0].start_col, found[0].end_col),
            (0, 4, 11)
        );
        assert_eq!(
            found[0].continued,
            [MatchPiece {
                line: 1,
                start_col: 0,
                end_col: 4
            }]
        );
        assert!(rendered.find("servicemesh").is_empty());
    }

    #[test]
    fn wrapped_list_items_and_quotes_are_joined_after_their_indentation() {
        let markdown = "- 蚂蚁集团的状态机引擎\n\n> 蚂蚁集团的状态机引擎";
        let shown = lines(markdown, 14);
        assert_eq!(shown[1], "  态机引擎", "{shown:?}");
        assert_eq!(shown[4], "┃ 态机引擎", "{shown:?}");
        let found = render(markdown, 14, &Theme::plain()).find("状态机");
        let pieces: Vec<_> = found
            .iter()
            .map(|m| (m.line, m.start_col, m.end_col, m.continued.clone()))
            .collect();
        let rest = |line| {
            vec![MatchPiece {
                line,
                start_col: 2,
                end_col: 6,
            }]
        };
        assert_eq!(pieces, [(0, 12, 14, rest(1)), (3, 12, 14, rest(4))]);
    }

    #[test]
    fn a_wrap_after_a_line_break_of_the_source_paragraph_is_joined_too() {
        // The source line break inside the paragraph is no break of the text (CJK on
        // both sides: nothing), and the wrap then cuts the phrase.
        let markdown = "Seata 的状\n态机引擎";
        assert_eq!(lines(markdown, 12), ["Seata 的状态", "机引擎"]);
        let found = render(markdown, 12, &Theme::plain()).find("状态机");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].continued.len(), 1);
    }

    #[test]
    fn separate_paragraphs_list_items_and_source_lines_are_not_joined() {
        for markdown in [
            "状态\n\n机",
            "状态\\\n机",
            "- 状态\n- 机",
            "```\n状态\n机\n```",
            "| a |\n|---|\n| 状态 |\n| 机 |",
        ] {
            let rendered = render(markdown, 40, &Theme::plain());
            assert!(rendered.find("状态机").is_empty(), "{markdown:?}");
        }
    }
}
