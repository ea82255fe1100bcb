//! Finding text in rendered lines, case-insensitively, reporting display columns so the
//! reader can highlight the match.

use unicode_width::UnicodeWidthChar;

use super::{Rendered, TextMatch};

/// Case folding good enough for search: the first char of the lowercase mapping.
fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

impl Rendered {
    /// Every match of `query` (case-insensitive; CJK fine), in line order. Matches do not
    /// span a line break.
    pub fn find(&self, query: &str) -> Vec<TextMatch> {
        let needle: Vec<char> = query.chars().map(fold).collect();
        let mut matches = Vec::new();
        if needle.is_empty() {
            return matches;
        }
        let mut chars: Vec<(char, usize)> = Vec::new();
        for (index, line) in self.lines.iter().enumerate() {
            chars.clear();
            let mut column = 0;
            for span in &line.spans {
                for c in span.content.chars() {
                    chars.push((fold(c), column));
                    column += c.width().unwrap_or(0);
                }
            }
            let mut start = 0;
            while start + needle.len() <= chars.len() {
                let found = chars[start..start + needle.len()]
                    .iter()
                    .map(|&(c, _)| c)
                    .eq(needle.iter().copied());
                if found {
                    let end = start + needle.len();
                    let end_col = chars.get(end).map_or(column, |&(_, col)| col);
                    matches.push(TextMatch {
                        line: index,
                        start_col: chars[start].1,
                        end_col,
                    });
                    start = end;
                } else {
                    start += 1;
                }
            }
        }
        matches
    }
}

#[cfg(test)]
mod tests {
    use crate::render::{TextMatch, Theme, render};

    #[test]
    fn finds_cjk_and_latin_case_insensitively_in_columns() {
        let rendered = render("SOFA Weekly 周报\n\n介绍 MOSN 和 mosn", 80, &Theme::plain());
        assert_eq!(
            rendered.find("周报"),
            [TextMatch {
                line: 0,
                start_col: 12,
                end_col: 16
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
}
