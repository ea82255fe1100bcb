//! Reading posts back: the filtered list, tag counts and single posts, and the SQL pieces
//! that [`super::search`] shares with them (the summary columns, the newest-first walk).
//!
//! A list's search filter goes through the index of [`super::index`]: Chinese substrings
//! of any length, words and word prefixes, phrases, exclusions.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Row, ToSql, params};
use serde::Serialize;

use super::index::query::{SearchQuery, Table};
use super::rows::collect_rows;
use super::tag_names::TagName;
use super::{Library, LibraryError};
use crate::post::{PostId, PostSummary, TagCount, TagKind};
use crate::tags::tag_key;

/// Which posts to list. The default lists every post.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Posts must carry all of these (matched by normalised key, any spelling).
    pub tags: Vec<String>,
    /// Posts must contain every whitespace-separated term, in title or body.
    pub search: Option<String>,
    pub unread_only: bool,
    pub starred_only: bool,
    pub limit: Option<usize>,
}

/// A post with its body, for reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredPost {
    #[serde(flatten)]
    pub summary: PostSummary,
    pub author: Option<String>,
    pub description: Option<String>,
    pub web_url: Option<String>,
    pub body: String,
}

/// The tag list is each tag's kind and key (`meta\u{1e}release`), in no particular order:
/// [`summary_from_row`] sorts it (metadata tags first, then by key). Sorting in SQL took a
/// temporary b-tree per post, which a list of every post (what the app shows) paid 10,000
/// times.
pub(super) const SUMMARY_COLUMNS: &str = "p.id, p.title, p.date_day, s.name, p.rel_path, \
     COALESCE(r.read, 0), COALESCE(r.starred, 0), \
     (SELECT group_concat(kind || char(30) || tag_key, char(31)) \
        FROM post_tags WHERE post_id = p.id)";

/// Joined to `posts p` for the columns above (a macro so that `concat!` can use it).
macro_rules! summary_joins {
    () => {
        "JOIN sources s ON s.id = p.source_id \
         LEFT JOIN reading r ON r.source_id = p.source_id AND r.rel_path = p.rel_path"
    };
}

const SUMMARY_JOINS: &str = summary_joins!();

pub(super) const SUMMARY_FROM: &str = concat!("posts p ", summary_joins!());

/// Newest first; undated posts last (NULL sorts lowest), highest path number first.
pub(super) const NEWEST_FIRST: &str = "p.date_ts DESC, p.natural_key DESC";

/// Posts in [`NEWEST_FIRST`] order through the `posts_page` index (migration 3), which also
/// holds every column of `posts` a list needs: a list or a date-ordered search walks it and
/// stops at the page limit, and never sorts nor reads a post row (one 8 KB body each) to
/// decide what is on the page.
///
/// The hint is needed: for a filter given as `p.id IN (…)` (a tag, an indexed search term)
/// SQLite's planner prefers looking up each listed post and sorting them all, which for a
/// word in 7,000 of 10,000 posts took 14 ms against 1 ms for the walk. The walk's worst case
/// is a filter matching almost nothing: every index entry is checked (about 1 ms for
/// 10,000 posts, against a few lookups), so a list uses it only when no such filter is
/// small.
pub(super) const POSTS_NEWEST_FIRST: &str = "posts p INDEXED BY posts_page";

/// A list filter matching fewer posts than this is answered by SQLite's own plan rather
/// than by walking [`POSTS_NEWEST_FIRST`]. See [`Library::list`].
pub(super) const SMALL_FILTER: usize = 100;

/// A WHERE clause under construction, with its parameters.
#[derive(Default)]
struct Conditions {
    clauses: Vec<String>,
    params: Vec<Box<dyn ToSql>>,
}

impl Conditions {
    fn push(&mut self, clause: impl Into<String>, params: Vec<Box<dyn ToSql>>) {
        self.clauses.push(clause.into());
        self.params.extend(params);
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    fn params(&self) -> Vec<&dyn ToSql> {
        self.params.iter().map(|param| param.as_ref()).collect()
    }
}

/// Conditions selecting the posts that match `query` (see [`SearchQuery`]); all but the
/// included words when `joined_words` (the caller joins `search_index` on them itself).
fn add_search_conditions(query: &SearchQuery, conditions: &mut Conditions, joined_words: bool) {
    for clause in index_clauses(query, "p.id", true) {
        if joined_words && clause.included_words {
            continue;
        }
        let params: Vec<Box<dyn ToSql>> = clause
            .expression
            .into_iter()
            .map(|e| Box::new(e) as Box<dyn ToSql>)
            .collect();
        conditions.push(clause.sql, params);
    }
}

/// One SQL condition on the index, and the MATCH expression it binds.
pub(super) struct IndexClause {
    pub sql: String,
    pub expression: Option<String>,
    /// Whether it is the included terms of `search_index`.
    pub included_words: bool,
}

/// The conditions that select the posts whose id (the column `id`) match `query`'s
/// included terms, and with `exclusions` its excluded ones too. A query of terms the index
/// cannot look for matches nothing.
pub(super) fn index_clauses(query: &SearchQuery, id: &str, exclusions: bool) -> Vec<IndexClause> {
    if query.matches_nothing() {
        return vec![IndexClause {
            sql: "0".to_string(),
            expression: None,
            included_words: false,
        }];
    }
    query
        .conditions()
        .into_iter()
        .filter(|condition| exclusions || !condition.excluded)
        .map(|condition| {
            let table = condition.table.name();
            let not = if condition.excluded { "NOT " } else { "" };
            IndexClause {
                sql: format!("{id} {not}IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"),
                included_words: condition.table == Table::Words && !condition.excluded,
                expression: Some(condition.expression),
            }
        })
        .collect()
}

impl Library {
    /// Posts matching the filter, newest first.
    pub fn list(&self, filter: &Filter) -> Result<Vec<PostSummary>, LibraryError> {
        let mut conditions = Conditions::default();
        for tag in &filter.tags {
            conditions.push(
                "p.id IN (SELECT post_id FROM post_tags WHERE tag_key = ?)",
                vec![Box::new(tag_key(tag))],
            );
        }
        let query = filter.search.as_deref().map(SearchQuery::parse);
        if let Some(query) = &query {
            add_search_conditions(query, &mut conditions, false);
        }
        if filter.unread_only {
            conditions.push("COALESCE(r.read, 0) = 0", vec![]);
        }
        if filter.starred_only {
            conditions.push("COALESCE(r.starred, 0) = 1", vec![]);
        }
        let limit = filter.limit.map_or(-1, |limit| limit as i64);
        let posts = if self.has_small_filter(&filter.tags, query.as_ref())? {
            "posts p"
        } else {
            POSTS_NEWEST_FIRST
        };
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM {posts} {SUMMARY_JOINS} {} \
             ORDER BY {NEWEST_FIRST} LIMIT {limit}",
            conditions.sql()
        );
        self.query_summaries(&sql, &conditions.params())
    }

    /// Whether a filter given as a list of posts (a tag, an indexed search term) holds fewer
    /// than [`SMALL_FILTER`] of them. SQLite's own plan, looking each up and sorting them,
    /// then beats walking the whole index to find them: a rare tag takes 0.06 ms rather than
    /// 1.2 ms on 10,000 posts. Each count stops at the threshold.
    fn has_small_filter(
        &self,
        tags: &[String],
        query: Option<&SearchQuery>,
    ) -> Result<bool, LibraryError> {
        for tag in tags {
            let sql = "SELECT COUNT(*) FROM \
                       (SELECT 1 FROM post_tags WHERE tag_key = ?1 LIMIT ?2)";
            let count: i64 = self
                .conn
                .prepare_cached(sql)?
                .query_row(params![tag_key(tag), SMALL_FILTER as i64], |row| row.get(0))?;
            if (count as usize) < SMALL_FILTER {
                return Ok(true);
            }
        }
        for condition in query.map(SearchQuery::conditions).unwrap_or_default() {
            if !condition.excluded
                && self.index_matches_at_most(
                    condition.table,
                    &condition.expression,
                    SMALL_FILTER - 1,
                )?
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Every tag with the number of posts carrying it, most used first.
    pub fn tags(&self) -> Result<Vec<TagCount>, LibraryError> {
        let names = self.tag_names()?;
        let mut stmt = self
            .conn
            .prepare("SELECT tag_key, COUNT(DISTINCT post_id) FROM post_tags GROUP BY tag_key")?;
        let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))?;
        let mut tags = Vec::new();
        for row in rows {
            let (key, count): (String, u64) = row?;
            let name = names.get(&key);
            tags.push(TagCount {
                tag: name.map_or_else(|| key.clone(), |name| name.spelling.clone()),
                count,
                kind: name.map_or(TagKind::Meta, |name| name.kind),
            });
        }
        tags.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.tag.cmp(&b.tag)));
        Ok(tags)
    }

    /// Whether at most `limit` posts match `expression` in `table`. Stops reading the
    /// index after `limit + 1` matches, so a common word costs no more than a rare one.
    pub(super) fn index_matches_at_most(
        &self,
        table: Table,
        expression: &str,
        limit: usize,
    ) -> Result<bool, LibraryError> {
        Ok(self
            .index_matches_first(table, expression, limit + 1)?
            .len()
            <= limit)
    }

    /// The first `limit` posts that match `expression` in `table`, by id.
    pub(super) fn index_matches_first(
        &self,
        table: Table,
        expression: &str,
        limit: usize,
    ) -> Result<Vec<PostId>, LibraryError> {
        let table = table.name();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT rowid FROM {table} WHERE {table} MATCH ?1 LIMIT ?2"
        ))?;
        collect_rows(&mut stmt, params![expression, limit as i64], |row| {
            row.get(0)
        })
    }

    /// One post with its body.
    pub fn post(&self, id: PostId) -> Result<Option<StoredPost>, LibraryError> {
        let names = self.tag_names()?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, p.author, p.description, p.web_url, p.body \
             FROM {SUMMARY_FROM} WHERE p.id = ?1"
        );
        Ok(self
            .conn
            .query_row(&sql, [id], |row| {
                Ok(StoredPost {
                    summary: summary_from_row(row, &names)?,
                    author: row.get(8)?,
                    description: row.get(9)?,
                    web_url: row.get(10)?,
                    body: super::body::from_row(row, 11)?,
                })
            })
            .optional()?)
    }

    pub fn post_count(&self) -> Result<u64, LibraryError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM posts", [], |row| row.get(0))?)
    }

    fn query_summaries(
        &self,
        sql: &str,
        params: &[&dyn ToSql],
    ) -> Result<Vec<PostSummary>, LibraryError> {
        let names = self.tag_names()?;
        let mut stmt = self.conn.prepare(sql)?;
        collect_rows(&mut stmt, params, |row| summary_from_row(row, &names))
    }
}

pub(super) fn summary_from_row(
    row: &Row<'_>,
    names: &HashMap<String, TagName>,
) -> rusqlite::Result<PostSummary> {
    let keys: Option<String> = row.get(7)?;
    // "kind\u{1e}key" items (see SUMMARY_COLUMNS): metadata tags first ("meta" < "topic"),
    // then by key.
    let mut kinds_and_keys: Vec<(&str, &str)> = keys
        .iter()
        .flat_map(|keys| keys.split('\u{1f}'))
        .map(|item| item.split_once('\u{1e}').unwrap_or(("", item)))
        .collect();
    kinds_and_keys.sort_unstable();
    // A post tagged MOSN by its author is also found to discuss MOSN: one tag, shown once,
    // in the metadata's place.
    let mut seen: Vec<&str> = Vec::with_capacity(kinds_and_keys.len());
    kinds_and_keys.retain(|&(_, key)| {
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    let tags = kinds_and_keys
        .into_iter()
        .map(|(_, key)| {
            names
                .get(key)
                .map_or_else(|| key.to_string(), |name| name.spelling.clone())
        })
        .collect();
    Ok(PostSummary {
        id: row.get(0)?,
        title: row.get(1)?,
        date: row.get(2)?,
        tags,
        source: row.get(3)?,
        path: row.get(4)?,
        read: row.get(5)?,
        starred: row.get(6)?,
    })
}
