//! A search's ranking as SQL: its keys (every term in the title, the terms together, the
//! words whole), the conditions they and a list's filter put on `posts p`, and the tiers in
//! which a first page is found. [`super`] runs them.

use crate::library::Filter;
use crate::library::index::query::{SearchQuery, Table};
use crate::library::query::{IndexClause, index_clauses};
use crate::post::PostId;
use crate::tags::tag_key;

/// A piece of SQL with the strings it binds, in order.
#[derive(Debug, Clone, Default)]
pub(super) struct Sql {
    pub(super) text: String,
    pub(super) params: Vec<String>,
}

impl Sql {
    pub(super) fn new(text: impl Into<String>, params: Vec<String>) -> Sql {
        Sql {
            text: text.into(),
            params,
        }
    }

    pub(super) fn append(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub(super) fn push(&mut self, other: &Sql) {
        self.text.push_str(&other.text);
        self.params.extend(other.params.iter().cloned());
    }

    /// Conditions joined with AND; `1` for none.
    pub(super) fn all<'a>(parts: impl IntoIterator<Item = &'a Sql>) -> Sql {
        let mut sql = Sql::default();
        for part in parts {
            if !sql.text.is_empty() {
                sql.append(" AND ");
            }
            sql.append("(");
            sql.push(part);
            sql.append(")");
        }
        if sql.text.is_empty() {
            sql.append("1");
        }
        sql
    }
}

/// A search's ranking keys as conditions on `posts p`, shared by the statement that ranks
/// every match and by the tiers of a first page, so that both give the same order.
pub(super) struct Ranking {
    /// In the ranking's order: every included term in the title ([`IN_TITLE`]), the
    /// included terms as one phrase ([`TOGETHER`]), the included words whole rather than as
    /// prefixes ([`EXACT`]).
    pub(super) keys: [Key; 3],
    /// The query's own conditions, all of them.
    pub(super) matching: Sql,
    /// The conditions the ranking keys do not imply: CJK characters and exclusions.
    pub(super) rest_of_query: Sql,
}

pub(super) const IN_TITLE: usize = 0;
pub(super) const TOGETHER: usize = 1;
pub(super) const EXACT: usize = 2;

/// One ranking key.
pub(super) struct Key {
    /// The key as a condition on `posts p`: `0` or `1` when it is the same for every post.
    pub(super) sql: Sql,
    /// Its lookup in the index, when it has one: the table and the expression.
    pub(super) lookup: Option<(Table, String)>,
    /// What it asks beyond `lookup`: the title's CJK characters when the title's words
    /// are looked up; `1` for nothing.
    beyond: Sql,
}

impl Key {
    fn constant(value: &str) -> Key {
        Key {
            sql: Sql::new(value, vec![]),
            lookup: None,
            beyond: Sql::new("1", vec![]),
        }
    }

    /// Holds for the posts whose entry in `table` matches `expression`.
    fn in_index(table: Table, expression: String) -> Key {
        Key {
            sql: in_table(table, &expression),
            lookup: Some((table, expression)),
            beyond: Sql::new("1", vec![]),
        }
    }

    /// Holds for the posts whose words in the index match `words`.
    fn in_words(words: String) -> Key {
        Key::in_index(Table::Words, words)
    }
}

/// `p.id IN (SELECT rowid FROM table WHERE table MATCH ?)`, binding `expression`.
fn in_table(table: Table, expression: &str) -> Sql {
    Sql::new(
        format!("p.id IN {}", index_rows(table)),
        vec![expression.to_string()],
    )
}

impl Ranking {
    pub(super) fn of(query: &SearchQuery) -> Ranking {
        // Whole words, as for `together` (see `SearchQuery::together`).
        let title_words = query
            .included_exactly()
            .or_else(|| query.included(Table::Words))
            .map(|words| format!("({words})"));
        // A CJK character alone has no words: the title's characters are looked up.
        let title_chars = query.included(Table::Chars);
        let in_title = match (title_words, title_chars) {
            _ if query.include.is_empty() => Key::constant("0"),
            (Some(words), None) => Key::in_index(Table::Titles, words),
            (None, Some(chars)) => Key::in_index(Table::TitleChars, chars),
            (Some(words), Some(chars)) => {
                let mut key = Key::in_index(Table::Titles, words);
                key.beyond = in_table(Table::TitleChars, &chars);
                key.sql = Sql::all([&key.sql, &key.beyond]);
                key
            }
            (None, None) => Key::constant("0"),
        };
        let clauses = index_clauses(query, "p.id", true);
        let to_sql = |clause: &IndexClause| {
            Sql::new(
                clause.sql.clone(),
                clause.expression.iter().cloned().collect(),
            )
        };
        let all: Vec<Sql> = clauses.iter().map(to_sql).collect();
        let rest: Vec<Sql> = clauses
            .iter()
            .filter(|clause| !clause.included_words)
            .map(to_sql)
            .collect();
        Ranking {
            keys: [
                in_title,
                query
                    .together()
                    .map_or_else(|| Key::constant("0"), Key::in_words),
                query
                    .included_exactly()
                    .map_or_else(|| Key::constant("1"), Key::in_words),
            ],
            matching: Sql::all(&all),
            rest_of_query: Sql::all(&rest),
        }
    }

    /// The same ranking of the posts that also meet `filter` (conditions on `posts p`).
    pub(super) fn within(mut self, filter: &Sql) -> Ranking {
        if filter.text != "1" {
            self.matching = Sql::all([&self.matching, filter]);
            self.rest_of_query = Sql::all([&self.rest_of_query, filter]);
        }
        self
    }

    /// The tiers of [`Library::search_page_by_tiers`], in order, with what is known of
    /// each key's posts.
    ///
    /// A tier is one combination of the keys (in the title, together, exact), in the
    /// order of the whole ranking: 111, 110, 101, …, 000. Its condition is only its keys
    /// that hold: any other post with them has more keys, so it belongs to an earlier tier
    /// and is excluded by id. A key implies the included words, so a tier with one needs
    /// only the rest of the query. A tier with a key held by few posts looks up those posts
    /// by id and checks its other keys on each of them (see [`KeyPosts`]).
    pub(super) fn tiers(&self, posts: &[KeyPosts; 3]) -> Vec<Tier> {
        let mut tiers = Vec::new();
        for pattern in (0..8u8).rev() {
            let holds = |key: usize| pattern & (4 >> key) != 0;
            // A key that is the same for every post ("0" or "1") has one value only, and
            // one that no post has holds in no tier.
            let possible = self
                .keys
                .iter()
                .zip(posts)
                .enumerate()
                .all(|(k, (key, posts))| {
                    let never = key.sql.text == "0"
                        || matches!(posts, KeyPosts::Few(ids) if ids.is_empty());
                    !(holds(k) && never || !holds(k) && key.sql.text == "1")
                });
            if !possible {
                continue;
            }
            // The title and phrase keys are whole words, so either implies `exact`: asking
            // for it too made SQLite build its set of posts (a common word's is most of
            // the library) for nothing.
            let implied = |k: usize| k == EXACT && (holds(IN_TITLE) || holds(TOGETHER));
            let positive: Vec<usize> = (0..3)
                .filter(|&k| holds(k) && self.keys[k].sql.text != "1" && !implied(k))
                .collect();
            let few = positive
                .iter()
                .any(|&k| matches!(posts[k], KeyPosts::Few(_)));
            let condition = if positive.is_empty() {
                self.matching.clone()
            } else {
                let parts: Vec<Sql> = positive
                    .iter()
                    .map(|&k| self.keys[k].condition(&posts[k], few))
                    .collect();
                Sql::all(parts.iter().chain([&self.rest_of_query]))
            };
            tiers.push(Tier { condition, few });
        }
        tiers
    }
}

impl Key {
    /// The key as a tier's condition: by the ids of its posts when they are few; checked
    /// post by post in the index when `by_post` (the tier's posts are few) and its words
    /// are whole (a prefix would be merged again for each post); else as the set of the
    /// posts it holds.
    fn condition(&self, posts: &KeyPosts, by_post: bool) -> Sql {
        let lookup = match (posts, &self.lookup) {
            (KeyPosts::Few(ids), _) => Sql::new(format!("p.id IN ({})", id_list(ids)), vec![]),
            (KeyPosts::Many, Some((table, expression))) if by_post && !expression.contains('*') => {
                let table = table.name();
                Sql::new(
                    format!(
                        "EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH ? AND rowid = p.id)"
                    ),
                    vec![expression.clone()],
                )
            }
            (KeyPosts::Many, _) => return self.sql.clone(),
        };
        if self.beyond.text == "1" {
            lookup
        } else {
            Sql::all([&lookup, &self.beyond])
        }
    }
}

/// What a first page knows of a ranking key's posts before it looks for them.
pub(super) enum KeyPosts {
    /// Fewer than [`SMALL_FILTER`](crate::library::query::SMALL_FILTER): these (by the key's words; what it asks beyond them is
    /// checked in the tier).
    Few(Vec<PostId>),
    /// Many, or not counted.
    Many,
}

/// One tier of a first page (see [`Ranking::tiers`]).
pub(super) struct Tier {
    pub(super) condition: Sql,
    /// Whether one of its keys holds for few posts, which are then looked up one by one
    /// rather than found by walking every post newest first.
    pub(super) few: bool,
}

/// `1, 2, 3`: ids for `IN (…)`.
pub(super) fn id_list(ids: &[PostId]) -> String {
    ids.iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A list filter's tags and marks as conditions on `posts p` (its search aside).
pub(super) fn filter_conditions(filter: &Filter) -> Sql {
    let mut parts: Vec<Sql> = filter
        .tags
        .iter()
        .map(|tag| {
            Sql::new(
                "p.id IN (SELECT post_id FROM post_tags WHERE tag_key = ?)",
                vec![tag_key(tag)],
            )
        })
        .collect();
    let marked = |mark: &str| {
        format!(
            "EXISTS (SELECT 1 FROM reading r WHERE r.source_id = p.source_id \
             AND r.rel_path = p.rel_path AND r.{mark} = 1)"
        )
    };
    if filter.unread_only {
        parts.push(Sql::new(format!("NOT {}", marked("read")), vec![]));
    }
    if filter.starred_only {
        parts.push(Sql::new(marked("starred"), vec![]));
    }
    Sql::all(&parts)
}

/// `(SELECT rowid FROM table WHERE table MATCH ?)`.
pub(super) fn index_rows(table: Table) -> String {
    let table = table.name();
    format!("(SELECT rowid FROM {table} WHERE {table} MATCH ?)")
}
