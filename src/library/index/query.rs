//! A search query as the user types it, turned into FTS5 expressions over the tokens of
//! [`super::tokenize`].
//!
//! - Terms separated by spaces must all match; `-term` excludes the posts with it.
//! - `"several words"` is a phrase: its words in that order, next to each other (a soft
//!   line break between them in the source counts as adjacent).
//! - A term's last word is a prefix (`rust` finds `rustc`); inside a quoted phrase it is not
//!   (the quotes ask for exactly those words), unless the closing quote is missing, as while
//!   the phrase is still being typed.
//! - CJK text matches as a substring, of any length (see the module docs of `tokenize`).
//!
//! Characters that are neither letters, digits nor CJK only separate words, so no query
//! can inject FTS5 syntax: every token reaches the expression inside double quotes, and
//! tokens hold no quotes.

use super::tokenize::{Token, tokens};

/// One term of a query: the text the user typed (for excerpts) and its FTS5 phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub phrase: String,
    /// Which table answers it.
    pub table: Table,
}

/// The two tables of the index (see the module docs of `library::index`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `search_index`: words and CJK pairs, with positions.
    Words,
    /// `search_chars`: each post's distinct CJK characters, without positions. A term of
    /// one CJK character alone is looked up here: in `search_index` it is a prefix query
    /// over every pair starting with it, which for a common character (的) reads a large
    /// part of the index.
    Chars,
    /// `search_title_chars`: the distinct CJK characters of each post's title, for
    /// ranking the posts with such a term in the title first. The title's own text was
    /// read instead, every title of the library for a character in no title.
    TitleChars,
    /// `search_titles`: the words and CJK pairs of each post's title, with positions, for
    /// ranking the posts with every term in the title first. A column filter on
    /// `search_index` read every post's entries of the words instead.
    Titles,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Words => "search_index",
            Table::Chars => "search_chars",
            Table::TitleChars => "search_title_chars",
            Table::Titles => "search_titles",
        }
    }
}

/// One condition of a query on one table: posts that match `expression` (or, when
/// `excluded`, posts that do not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub table: Table,
    pub expression: String,
    pub excluded: bool,
}

/// A parsed query. Terms that hold no word at all (`--`, `*`) are dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub include: Vec<Term>,
    pub exclude: Vec<Term>,
    /// Whether a term was dropped for holding no word.
    dropped: bool,
}

impl SearchQuery {
    pub fn parse(query: &str) -> SearchQuery {
        let mut parsed = SearchQuery::default();
        let mut rest = query;
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let excluded = rest.len() > 1 && rest.starts_with('-');
            if excluded {
                rest = &rest[1..];
            }
            let (text, quoted, closed);
            if let Some(inner) = rest.strip_prefix('"') {
                let end = inner.find('"');
                text = &inner[..end.unwrap_or(inner.len())];
                rest = end.map_or("", |end| &inner[end + 1..]);
                (quoted, closed) = (true, end.is_some());
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                text = &rest[..end];
                rest = &rest[end..];
                (quoted, closed) = (false, false);
            }
            let Some(phrase) = phrase(text, !quoted || !closed) else {
                parsed.dropped = true;
                continue;
            };
            let mut chars = text.trim().chars();
            let table = match (chars.next(), chars.next()) {
                (Some(c), None) if super::tokenize::is_cjk_letter(c) => Table::Chars,
                _ => Table::Words,
            };
            let phrase = match table {
                Table::Words => phrase,
                _ => format!("\"{}\"", text.trim()),
            };
            let term = Term {
                text: text.trim().to_string(),
                phrase,
                table,
            };
            if excluded {
                parsed.exclude.push(term);
            } else {
                parsed.include.push(term);
            }
        }
        parsed
    }

    /// Whether the query asks for nothing at all.
    pub fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Whether the query had terms but none the index can look for (`*`, `--`): it
    /// matches no post, rather than every post.
    pub fn matches_nothing(&self) -> bool {
        self.is_empty() && self.dropped
    }

    /// The included terms of `table`, all required; `None` when it has none.
    pub fn included(&self, table: Table) -> Option<String> {
        join(&self.include, table, " AND ")
    }

    /// The excluded terms of `table`: posts with any of them; `None` when it has none.
    pub fn excluded(&self, table: Table) -> Option<String> {
        join(&self.exclude, table, " OR ")
    }

    /// Every condition of the query, those that select posts first.
    pub fn conditions(&self) -> Vec<Condition> {
        let mut conditions = Vec::new();
        for excluded in [false, true] {
            for table in [Table::Words, Table::Chars] {
                let expression = if excluded {
                    self.excluded(table)
                } else {
                    self.included(table)
                };
                if let Some(expression) = expression {
                    conditions.push(Condition {
                        table,
                        expression,
                        excluded,
                    });
                }
            }
        }
        conditions
    }

    /// The included terms as one phrase, their words whole and next to each other: for
    /// ranking the posts with the words together above those with them apart. `None` for
    /// fewer than two terms.
    ///
    /// Whole words because a ranking key is looked up for every query: a prefix merges the
    /// index entries of every word it begins (for `the`, 15 ms at 10,000 posts), which a
    /// whole word never does.
    pub fn together(&self) -> Option<String> {
        if self.include.len() < 2 {
            return None;
        }
        let text: Vec<&str> = self.include.iter().map(|term| term.text.as_str()).collect();
        phrase(&text.join(" "), false)
    }

    /// The included terms of `search_index` with each last word whole rather than a
    /// prefix, for ranking the posts with `rust` itself above those with only `rustc`.
    /// `None` when no term ends in a word prefix.
    pub fn included_exactly(&self) -> Option<String> {
        let mut any = false;
        let phrases: Vec<&str> = self
            .include
            .iter()
            .filter(|term| term.table == Table::Words)
            .map(|term| match term.phrase.strip_suffix('*') {
                Some(exact) if ends_in_word(exact) => {
                    any = true;
                    exact
                }
                _ => term.phrase.as_str(),
            })
            .collect();
        any.then(|| phrases.join(" AND "))
    }

    /// The text of every included term, for finding the excerpt.
    pub fn texts(&self) -> Vec<String> {
        self.include.iter().map(|term| term.text.clone()).collect()
    }
}

/// Whether the last token of `phrase` (`"a b"`) is a word, not CJK: a CJK token's
/// prefix means the run goes on, which has no whole form to rank first.
fn ends_in_word(phrase: &str) -> bool {
    phrase
        .trim_end_matches('"')
        .rsplit([' ', '"'])
        .next()
        .and_then(|token| token.chars().next())
        .is_some_and(|c| !super::tokenize::is_cjk_letter(c))
}

fn join(terms: &[Term], table: Table, operator: &str) -> Option<String> {
    let phrases: Vec<&str> = terms
        .iter()
        .filter(|term| term.table == table)
        .map(|term| term.phrase.as_str())
        .collect();
    (!phrases.is_empty()).then(|| phrases.join(operator))
}

/// The FTS5 phrase of `text`, its last token a prefix when `prefix_last` (see the module
/// docs; a CJK run at the end always continues). `None` when the text has no token.
fn phrase(text: &str, prefix_last: bool) -> Option<String> {
    let tokens = tokens(text);
    let count = tokens.len();
    let mut words: Vec<String> = Vec::new();
    let mut prefix = false;
    for (index, token) in tokens.into_iter().enumerate() {
        let last = index + 1 == count;
        match token {
            Token::Word(word) => {
                words.push(word);
                prefix = last && prefix_last;
            }
            Token::CjkRun(run) => {
                for pair in run.windows(2) {
                    words.push(pair.iter().collect());
                }
                if run.len() == 1 {
                    // Alone it is the last character of a run in the post, unless the
                    // query ends here: then any run continuing from it (a pair starting
                    // with it) matches too.
                    words.push(run[0].to_string());
                    prefix = last;
                } else if !last {
                    // The run ends here in the query, so it must end here in the post.
                    words.push(run[run.len() - 1].to_string());
                }
            }
        }
    }
    if words.is_empty() {
        return None;
    }
    let star = if prefix { "*" } else { "" };
    Some(format!("\"{}\"{star}", words.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(query: &str) -> (Vec<String>, Vec<String>) {
        let parsed = SearchQuery::parse(query);
        let get = |terms: &[Term]| terms.iter().map(|t| t.phrase.clone()).collect();
        (get(&parsed.include), get(&parsed.exclude))
    }

    #[test]
    fn included_terms_become_phrases() {
        let cases = [
            // Words are prefixes; quoted words are not.
            ("Rust", ["\"rust\"*"]),
            ("\"async closure\"", ["\"async closure\""]),
            ("\"async clo", ["\"async clo\"*"]),
            ("v1.2", ["\"v1 2\"*"]),
            // CJK text is searched as substrings.
            ("状", ["\"状\""]),
            ("状态", ["\"状态\""]),
            ("分布式事", ["\"分布 布式 式事\""]),
            ("\"状态 机\"", ["\"状态 态 机\"*"]),
            ("\"的 x\"", ["\"的 x\""]),
            ("用MOSN", ["\"用 mosn\"*"]),
        ];
        for (query, included) in cases {
            assert_eq!(phrases(query).0, included, "{query:?}");
        }
        assert_eq!(SearchQuery::parse("状").include[0].table, Table::Chars);
    }

    #[test]
    fn exclusions_and_syntax() {
        assert_eq!(
            phrases("mosn -istio -\"go sdk\""),
            (
                vec!["\"mosn\"*".to_string()],
                vec!["\"istio\"*".to_string(), "\"go sdk\"".to_string()]
            )
        );
        // An unclosed quote runs to the end of the query.
        assert_eq!(
            phrases("- -- * NEAR( a:b \"x"),
            (
                vec![
                    "\"near\"*".to_string(),
                    "\"a b\"*".to_string(),
                    "\"x\"*".to_string()
                ],
                vec![]
            )
        );
        assert!(SearchQuery::parse("* --").matches_nothing());
        let parsed = SearchQuery::parse("a 的 -b -态");
        let all = parsed.conditions();
        let conditions: Vec<(Table, &str, bool)> = all
            .iter()
            .map(|c| (c.table, c.expression.as_str(), c.excluded))
            .collect();
        assert_eq!(
            conditions,
            [
                (Table::Words, "\"a\"*", false),
                (Table::Chars, "\"的\"", false),
                (Table::Words, "\"b\"*", true),
                (Table::Chars, "\"态\"", true),
            ]
        );
        assert_eq!(
            SearchQuery::parse("async closure").together().unwrap(),
            "\"async closure\""
        );
        let exactly = |query: &str| SearchQuery::parse(query).included_exactly();
        assert_eq!(
            exactly("rust \"go sdk\" 状态").unwrap(),
            "\"rust\" AND \"go sdk\" AND \"状态\""
        );
        assert_eq!(exactly("用mosn").unwrap(), "\"用 mosn\"");
        assert_eq!(exactly("\"go sdk\" 状态 状"), None);
        assert_eq!(exactly("\"状态 机\""), None);
    }
}
