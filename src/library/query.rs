//! Reading posts back: the filtered list, tag counts, full-text search and single posts.
//!
//! Search covers titles and bodies. Terms of three characters or more go through the FTS5
//! trigram index, which finds substrings and so works for Chinese (no spaces between words).
//! Shorter terms cannot use trigrams: one- and two-character Chinese terms (a two-character
//! word is the common case) go through the bigram index (see [`super::bigrams`]); other
//! short terms ("Go", "k8") are found by a plain scan.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Row, ToSql, params};
use serde::Serialize;

use super::excerpt::excerpt;
use super::tag_names::TagName;
use super::{Library, LibraryError, bigrams};
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

/// A search result: the post and a short excerpt around the first match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    #[serde(flatten)]
    pub post: PostSummary,
    pub excerpt: String,
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
const SUMMARY_COLUMNS: &str = "p.id, p.title, p.date_day, s.name, p.rel_path, \
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

const SUMMARY_FROM: &str = concat!("posts p ", summary_joins!());

/// Newest first; undated posts last (NULL sorts lowest), highest path number first.
const NEWEST_FIRST: &str = "p.date_ts DESC, p.natural_key DESC";

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
const POSTS_NEWEST_FIRST: &str = "posts p INDEXED BY posts_page";

/// A list filter matching fewer posts than this is answered by SQLite's own plan rather
/// than by walking [`POSTS_NEWEST_FIRST`]. See [`Library::list`].
pub(super) const SMALL_FILTER: usize = 100;

/// Above this many posts matching the trigram terms, search ranks body matches by date
/// rather than by bm25 relevance. See [`Library::search`].
pub(super) const RELEVANCE_LIMIT: usize = 500;

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

/// A search query split into the terms the trigram index can answer, the one- and
/// two-character CJK terms the bigram index answers, and those only a scan can find.
struct SearchTerms {
    indexed: Vec<String>,
    short_cjk: Vec<String>,
    scanned: Vec<String>,
}

impl SearchTerms {
    fn parse(query: &str) -> SearchTerms {
        let mut terms = SearchTerms {
            indexed: Vec::new(),
            short_cjk: Vec::new(),
            scanned: Vec::new(),
        };
        for term in query.split_whitespace() {
            let kind = if term.chars().count() >= 3 {
                &mut terms.indexed
            } else if bigrams::match_expression(term).is_some() {
                &mut terms.short_cjk
            } else {
                &mut terms.scanned
            };
            kind.push(term.to_string());
        }
        terms
    }

    fn is_empty(&self) -> bool {
        self.indexed.is_empty() && self.short_cjk.is_empty() && self.scanned.is_empty()
    }

    /// Every term, in the order excerpts and title ranking look at them.
    fn all(&self) -> Vec<&String> {
        self.indexed
            .iter()
            .chain(&self.short_cjk)
            .chain(&self.scanned)
            .collect()
    }

    /// Each term as an FTS5 phrase (quotes doubled), all required.
    fn match_expression(&self) -> Option<String> {
        if self.indexed.is_empty() {
            return None;
        }
        let phrases: Vec<String> = self
            .indexed
            .iter()
            .map(|term| format!("\"{}\"", term.replace('"', "\"\"")))
            .collect();
        Some(phrases.join(" AND "))
    }

    /// Conditions for every term; for the trigram terms too unless `with_trigrams` is false
    /// (the caller joins the trigram index itself).
    fn add_conditions(&self, conditions: &mut Conditions, with_trigrams: bool) {
        if let Some(expression) = self.match_expression().filter(|_| with_trigrams) {
            conditions.push(
                "p.id IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)",
                vec![Box::new(expression)],
            );
        }
        for term in &self.short_cjk {
            let expression = bigrams::match_expression(term).expect("sorted by parse");
            conditions.push(
                "p.id IN (SELECT rowid FROM posts_bigrams WHERE posts_bigrams MATCH ?)",
                vec![Box::new(expression)],
            );
        }
        for term in &self.scanned {
            let pattern = like_pattern(term);
            conditions.push(
                "(p.title LIKE ? ESCAPE '\\' OR p.body LIKE ? ESCAPE '\\')",
                vec![Box::new(pattern.clone()), Box::new(pattern)],
            );
        }
    }
}

fn like_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
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
        let terms = filter.search.as_deref().map(SearchTerms::parse);
        if let Some(terms) = &terms {
            terms.add_conditions(&mut conditions, true);
        }
        if filter.unread_only {
            conditions.push("COALESCE(r.read, 0) = 0", vec![]);
        }
        if filter.starred_only {
            conditions.push("COALESCE(r.starred, 0) = 1", vec![]);
        }
        let limit = filter.limit.map_or(-1, |limit| limit as i64);
        let posts = if self.has_small_filter(&filter.tags, terms.as_ref())? {
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
        terms: Option<&SearchTerms>,
    ) -> Result<bool, LibraryError> {
        let fewer_than = |sql: &str, key: &str| -> Result<bool, LibraryError> {
            let count: i64 = self
                .conn
                .prepare_cached(sql)?
                .query_row(params![key, SMALL_FILTER as i64], |row| row.get(0))?;
            Ok((count as usize) < SMALL_FILTER)
        };
        for tag in tags {
            let sql = "SELECT COUNT(*) FROM \
                       (SELECT 1 FROM post_tags WHERE tag_key = ?1 LIMIT ?2)";
            if fewer_than(sql, &tag_key(tag))? {
                return Ok(true);
            }
        }
        let Some(terms) = terms else {
            return Ok(false);
        };
        if let Some(expression) = terms.match_expression()
            && self.trigram_matches_at_most(&expression, SMALL_FILTER - 1)?
        {
            return Ok(true);
        }
        for term in &terms.short_cjk {
            let expression = bigrams::match_expression(term).expect("sorted by parse");
            let sql = "SELECT COUNT(*) FROM \
                       (SELECT 1 FROM posts_bigrams WHERE posts_bigrams MATCH ?1 LIMIT ?2)";
            if fewer_than(sql, &expression)? {
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

    /// Posts containing every term of `query`, best first: matches in the title before
    /// matches in the body only, then by relevance, then newest first.
    ///
    /// Relevance is the bm25 score of the terms of three characters or more, and only when
    /// they are in at most [`RELEVANCE_LIMIT`] posts; otherwise (and for queries of short
    /// terms only, which the trigram index cannot score) body matches come newest first.
    /// Why: bm25 costs a pass over every matching post (its size, its hits), 10 ms for an
    /// English word in 1,900 of 10,000 posts, and the cost grows with the number of matches
    /// while the page stays 50 posts long. A word found in hundreds of posts is a common
    /// word of the archive, and among its matches a newsletter reader wants the recent ones,
    /// as a mail client's search does; a rarer word keeps the ranking that puts the post
    /// about it first. The date order walks an index and stops at the page, so its cost
    /// does not grow with the number of matches.
    pub fn search(
        &self,
        query: &str,
        limit: Option<usize>,
    ) -> Result<Vec<SearchHit>, LibraryError> {
        let terms = SearchTerms::parse(query);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let all_terms = terms.all();
        let title_match = all_terms
            .iter()
            .map(|_| "p.title LIKE ? ESCAPE '\\'")
            .collect::<Vec<_>>()
            .join(" AND ");
        let expression = terms.match_expression();
        let by_relevance = match &expression {
            Some(expression) => self.trigram_matches_at_most(expression, RELEVANCE_LIMIT)?,
            None => false,
        };
        let mut conditions = Conditions::default();
        terms.add_conditions(&mut conditions, !by_relevance);
        let limit = limit.map_or(-1, |limit| limit as i64);
        // Ranked in two steps: first only ids and sort keys of the matching posts, then
        // columns and bodies of the page. Sorting whole rows made SQLite carry every matching
        // body through the sorter (30 MB for a common word in 10,000 posts).
        let ranked = if by_relevance {
            // The trigram terms select the candidates and give their bm25 score in one pass
            // (lower is better; a title hit weighs ten body hits), rather than a MATCH per
            // row.
            format!(
                "SELECT p.id AS id, ({title_match}) AS in_title, fts.score AS relevance, \
                     p.date_ts AS date_ts, p.natural_key AS natural_key \
                 FROM posts p JOIN (SELECT rowid AS id, bm25(posts_fts, 10.0, 1.0) AS score \
                     FROM posts_fts WHERE posts_fts MATCH ?) fts ON fts.id = p.id {} \
                 ORDER BY in_title DESC, relevance, date_ts DESC, natural_key DESC \
                 LIMIT {limit}",
                conditions.sql()
            )
        } else {
            format!(
                "SELECT p.id AS id, ({title_match}) AS in_title, 0 AS relevance, \
                     p.date_ts AS date_ts, p.natural_key AS natural_key \
                 FROM {POSTS_NEWEST_FIRST} {} \
                 ORDER BY in_title DESC, {NEWEST_FIRST} LIMIT {limit}",
                conditions.sql()
            )
        };
        let sql = format!(
            "WITH ranked AS ({ranked}) \
             SELECT {SUMMARY_COLUMNS}, p.body \
             FROM ranked JOIN posts p ON p.id = ranked.id {SUMMARY_JOINS} \
             ORDER BY ranked.in_title DESC, ranked.relevance, ranked.date_ts DESC, \
                 ranked.natural_key DESC"
        );
        let title_patterns: Vec<String> = all_terms.iter().map(|term| like_pattern(term)).collect();
        let mut params: Vec<&dyn ToSql> = title_patterns
            .iter()
            .map(|pattern| pattern as &dyn ToSql)
            .collect();
        if let Some(expression) = expression.as_ref().filter(|_| by_relevance) {
            params.push(expression);
        }
        params.extend(conditions.params());
        let names = self.tag_names()?;
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params.as_slice(), |row| {
            let post = summary_from_row(row, &names)?;
            let body: String = row.get(8)?;
            Ok((post, body))
        })?;
        let mut hits = Vec::new();
        for row in rows {
            let (post, body) = row?;
            let excerpt = excerpt(&post.title, &body, &all_terms);
            hits.push(SearchHit { post, excerpt });
        }
        Ok(hits)
    }

    /// Whether at most `limit` posts match the trigram `expression`. Stops reading the
    /// index after `limit + 1` matches, so a common word costs no more than a rare one.
    fn trigram_matches_at_most(
        &self,
        expression: &str,
        limit: usize,
    ) -> Result<bool, LibraryError> {
        let count: i64 = self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM \
                 (SELECT 1 FROM posts_fts WHERE posts_fts MATCH ?1 LIMIT ?2)",
            )?
            .query_row(params![expression, limit as i64 + 1], |row| row.get(0))?;
        Ok(count as usize <= limit)
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
                    body: row.get(11)?,
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
        let rows = stmt.query_map(params, |row| summary_from_row(row, &names))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn summary_from_row(
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
