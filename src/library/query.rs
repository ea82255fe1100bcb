//! Reading posts back: the filtered list, tag counts, full-text search and single posts.
//!
//! Search covers titles and bodies, through the index of [`super::index`]: Chinese
//! substrings of any length, words and word prefixes, phrases, exclusions.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Row, ToSql, params};
use serde::Serialize;

use super::index::query::{SearchQuery, Table};
use super::{Library, LibraryError, TagName};
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

/// `%text%` for LIKE, its wildcards escaped.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Conditions selecting the posts that match `query` (see [`SearchQuery`]); all but the
/// included words when `joined_words` (the caller joins `search_index` on them itself).
fn add_search_conditions(query: &SearchQuery, conditions: &mut Conditions, joined_words: bool) {
    if query.matches_nothing() {
        conditions.push("0", vec![]);
        return;
    }
    for condition in query.conditions() {
        if joined_words && condition.table == Table::Words && !condition.excluded {
            continue;
        }
        let table = condition.table.name();
        let not = if condition.excluded { "NOT " } else { "" };
        conditions.push(
            format!("p.id {not}IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)"),
            vec![Box::new(condition.expression)],
        );
    }
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

    /// Posts matching `query` (see [`SearchQuery`]), best first: posts with every term in
    /// the title, then posts with the terms together (as one phrase), then by relevance,
    /// then newest first.
    ///
    /// Relevance is the bm25 score of the included terms, and only when they are in at most
    /// [`RELEVANCE_LIMIT`] posts; otherwise the rest come newest first. Why: bm25 costs a
    /// pass over every matching post (its size, its hits), and the cost grows with the
    /// number of matches while the page stays 50 posts long. A word found in hundreds of
    /// posts is a common word of the archive, and among its matches a newsletter reader
    /// wants the recent ones, as a mail client's search does; a rarer word keeps the
    /// ranking that puts the post about it first.
    pub fn search(
        &self,
        query: &str,
        limit: Option<usize>,
    ) -> Result<Vec<SearchHit>, LibraryError> {
        let query = SearchQuery::parse(query);
        if query.is_empty() || query.matches_nothing() {
            return Ok(Vec::new());
        }
        let expression = query.included(Table::Words);
        let by_relevance = match &expression {
            Some(expression) => {
                self.index_matches_at_most(Table::Words, expression, RELEVANCE_LIMIT)?
            }
            None => false,
        };
        // Ranking keys. The title test reads the title from the index the ranking walks
        // anyway (a substring test, ASCII case folded): a lookup in the search index's
        // title column cost as much as the search itself for a common word.
        let texts = query.texts();
        let in_title = if texts.is_empty() {
            "0".to_string()
        } else {
            vec!["p.title LIKE ? ESCAPE '\\'"; texts.len()].join(" AND ")
        };
        let mut params: Vec<Box<dyn ToSql>> = texts
            .iter()
            .map(|text| Box::new(like_pattern(text)) as Box<dyn ToSql>)
            .collect();
        let together = match query.together() {
            Some(phrase) => {
                params.push(Box::new(phrase));
                "p.id IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)"
            }
            None => "0",
        };
        let limit = limit.map_or(-1, |limit| limit as i64);
        // Ranked in two steps: first only ids and sort keys of the matching posts, then
        // columns and bodies of the page. Sorting whole rows made SQLite carry every matching
        // body through the sorter.
        let ranked = if by_relevance {
            // The index selects the candidates and gives their bm25 score in one pass (lower
            // is better; a title hit weighs ten body hits).
            params.push(Box::new(
                expression.clone().expect("only with an expression"),
            ));
            let mut conditions = Conditions::default();
            add_search_conditions(&query, &mut conditions, true);
            params.extend(conditions.params);
            format!(
                "SELECT p.id AS id, ({in_title}) AS in_title, ({together}) AS together, \
                     fts.score AS relevance, p.date_ts AS date_ts, p.natural_key AS natural_key \
                 FROM posts p JOIN (SELECT rowid AS id, bm25(search_index, 10.0, 1.0) AS score \
                     FROM search_index WHERE search_index MATCH ?) fts ON fts.id = p.id {} \
                 ORDER BY in_title DESC, together DESC, relevance, date_ts DESC, \
                     natural_key DESC LIMIT {limit}",
                Conditions {
                    clauses: conditions.clauses,
                    params: Vec::new()
                }
                .sql()
            )
        } else {
            let mut conditions = Conditions::default();
            add_search_conditions(&query, &mut conditions, false);
            params.extend(conditions.params);
            format!(
                "SELECT p.id AS id, ({in_title}) AS in_title, ({together}) AS together, \
                     0 AS relevance, p.date_ts AS date_ts, p.natural_key AS natural_key \
                 FROM {POSTS_NEWEST_FIRST} {} \
                 ORDER BY in_title DESC, together DESC, {NEWEST_FIRST} LIMIT {limit}",
                Conditions {
                    clauses: conditions.clauses,
                    params: Vec::new()
                }
                .sql()
            )
        };
        let sql = format!(
            "WITH ranked AS ({ranked}) \
             SELECT {SUMMARY_COLUMNS}, p.body \
             FROM ranked JOIN posts p ON p.id = ranked.id {SUMMARY_JOINS} \
             ORDER BY ranked.in_title DESC, ranked.together DESC, ranked.relevance, \
                 ranked.date_ts DESC, ranked.natural_key DESC"
        );
        let params: Vec<&dyn ToSql> = params.iter().map(|param| param.as_ref()).collect();
        let names = self.tag_names()?;
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params.as_slice(), |row| {
            let post = summary_from_row(row, &names)?;
            let body = super::body::from_row(row, 8)?;
            Ok((post, body))
        })?;
        let terms: Vec<&String> = texts.iter().collect();
        let mut hits = Vec::new();
        for row in rows {
            let (post, body) = row?;
            let excerpt = excerpt(&post.title, &body, &terms);
            hits.push(SearchHit { post, excerpt });
        }
        Ok(hits)
    }

    /// Whether at most `limit` posts match `expression` in `table`. Stops reading the
    /// index after `limit + 1` matches, so a common word costs no more than a rare one.
    fn index_matches_at_most(
        &self,
        table: Table,
        expression: &str,
        limit: usize,
    ) -> Result<bool, LibraryError> {
        let table = table.name();
        let count: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM \
                 (SELECT 1 FROM {table} WHERE {table} MATCH ?1 LIMIT ?2)"
            ))?
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
        let rows = stmt.query_map(params, |row| summary_from_row(row, &names))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Tag key → the spelling most posts use, and whether any post has it in its metadata.
    fn tag_names(&self) -> Result<std::cell::Ref<'_, HashMap<String, TagName>>, LibraryError> {
        if self.tag_names.borrow().is_none() {
            let names = match stored_tag_names(&self.conn)? {
                Some(names) => names,
                None => derive_tag_names(&self.conn)?,
            };
            *self.tag_names.borrow_mut() = Some(names);
        }
        Ok(std::cell::Ref::map(self.tag_names.borrow(), |names| {
            names.as_ref().expect("filled above")
        }))
    }
}

/// The names kept in the `tag_names` table by the last write, or `None` when a write since
/// emptied it (removing a source does) and they must be derived again.
fn stored_tag_names(
    conn: &rusqlite::Connection,
) -> rusqlite::Result<Option<HashMap<String, TagName>>> {
    let mut stmt = conn.prepare_cached("SELECT tag_key, spelling, kind FROM tag_names")?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            TagName {
                spelling: row.get(1)?,
                kind: tag_kind(&row.get::<_, String>(2)?),
            },
        ))
    })?;
    let names: HashMap<String, TagName> = rows.collect::<Result<_, _>>()?;
    if !names.is_empty() {
        return Ok(Some(names));
    }
    let any_tags: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM post_tags)", [], |row| {
        row.get(0)
    })?;
    Ok((!any_tags).then(HashMap::new))
}

/// Tag names from every row of `post_tags`: a scan of the whole table (50,000 rows for
/// 10,000 posts), which is why writers store the result in `tag_names`.
fn derive_tag_names(conn: &rusqlite::Connection) -> rusqlite::Result<HashMap<String, TagName>> {
    let mut stmt = conn.prepare(
        "SELECT tag_key, spelling, MIN(kind), COUNT(*) AS uses FROM post_tags
         GROUP BY tag_key, spelling ORDER BY tag_key, uses DESC, spelling",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    let mut names: HashMap<String, TagName> = HashMap::new();
    for row in rows {
        let (key, spelling, kind) = row?;
        let kind = tag_kind(&kind);
        names
            .entry(key)
            .and_modify(|name| {
                if kind == TagKind::Meta {
                    name.kind = TagKind::Meta;
                }
            })
            .or_insert(TagName { spelling, kind });
    }
    Ok(names)
}

fn tag_kind(stored: &str) -> TagKind {
    if stored == "meta" {
        TagKind::Meta
    } else {
        TagKind::Topic
    }
}

/// Derives the tag names again and stores them in `tag_names`, for the next readers.
/// Called at the end of every write to `post_tags` (and by the migration that adds the table).
pub(super) fn store_tag_names(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let names = derive_tag_names(tx)?;
    tx.execute("DELETE FROM tag_names", [])?;
    let mut insert =
        tx.prepare_cached("INSERT INTO tag_names (tag_key, spelling, kind) VALUES (?1, ?2, ?3)")?;
    for (key, name) in &names {
        let kind = match name.kind {
            TagKind::Meta => "meta",
            TagKind::Topic => "topic",
        };
        insert.execute([key.as_str(), name.spelling.as_str(), kind])?;
    }
    Ok(())
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

/// About this many characters of context on each side of the match.
const EXCERPT_CONTEXT: usize = 30;

/// A one-line excerpt of the body around the first match of any term, with markdown
/// punctuation folded away; the title's start when the match is only in the title.
///
/// The body is made plain in parts (4 KB, then growing fourfold), and the search stops at
/// the first part that holds a match and the excerpt's length after it: a page of 50 hits
/// used to fold every body whole, 20 M instructions of a 57 M search. The parts are pieces
/// of one left-to-right pass, so the text is that of the whole body, and each part is
/// searched from a little before its start (by the longest term), so no match across two
/// parts is missed: the excerpt is the one the whole body gives.
fn excerpt(title: &str, body: &str, terms: &[&String]) -> String {
    let longest_term = terms
        .iter()
        .map(|term| term.chars().flat_map(char::to_lowercase).count())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    let mut done = 0;
    let mut part_end = 4096;
    let mut found: Option<usize> = None;
    loop {
        let searched = text.len();
        let mut end = body.len().min(part_end);
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        done = push_plain_text(body, done, end, &mut text);
        if found.is_none() {
            // A match found now starts in the new text or at most one term's length (in
            // characters of up to 4 bytes) before it.
            let mut from = searched.saturating_sub(4 * longest_term);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            found = terms
                .iter()
                .filter_map(|term| find_case_insensitive(&text[from..], term))
                .min()
                .map(|start| from + start);
        }
        let enough = |start: usize| text[start..].chars().nth(EXCERPT_CONTEXT * 2).is_some();
        if done >= body.len() || found.is_some_and(enough) {
            break;
        }
        part_end = part_end.saturating_mul(4);
    }
    snippet(&text, found, title)
}

/// The excerpt of `text` around byte `found` (a term's first match): some context before
/// it, more after; without a match, the text's start, or the title for an empty text.
fn snippet(text: &str, found: Option<usize>, title: &str) -> String {
    let Some(start) = found else {
        let lead: String = text.chars().take(EXCERPT_CONTEXT * 2).collect();
        let lead = crate::text::sanitize_line(&lead);
        return if lead.is_empty() {
            crate::text::sanitize_line(title)
        } else {
            lead
        };
    };
    let before: Vec<char> = text[..start].chars().rev().take(EXCERPT_CONTEXT).collect();
    let after: String = text[start..].chars().take(EXCERPT_CONTEXT * 2).collect();
    let mut snippet = String::new();
    if before.len() == EXCERPT_CONTEXT {
        snippet.push('…');
    }
    snippet.extend(before.iter().rev());
    snippet.push_str(&after);
    if text[start..].chars().nth(EXCERPT_CONTEXT * 2).is_some() {
        snippet.push('…');
    }
    crate::text::sanitize_line(&snippet)
}

/// Markdown with its syntax characters and link targets removed, whitespace and table cell
/// borders folded into single spaces: good enough for an excerpt, and cheap.
#[cfg(test)]
fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    push_plain_text(markdown, 0, markdown.len(), &mut out);
    out
}

/// Appends the plain text (see [`plain_text`]) of `markdown[from..to]` to `out` and returns
/// where the next part starts: `to`, or beyond it when a link target skipped runs past it.
/// Bytes are skipped by a table lookup until one may begin a syntax character or
/// whitespace, and runs of ordinary text are copied whole.
fn push_plain_text(markdown: &str, from: usize, to: usize, out: &mut String) -> usize {
    let bytes = markdown.as_bytes();
    let mut copied = from;
    let mut at = from;
    while at < to {
        if !MAY_BREAK[usize::from(bytes[at])] {
            at += 1;
            continue;
        }
        // An ASCII byte or a lead byte: a character starts here.
        let c = markdown[at..].chars().next().expect("at a char boundary");
        let syntax = matches!(c, '*' | '_' | '#' | '`' | '>' | '[' | ']' | '!');
        // A table's cell border separates words as a space does: dropping it ran the
        // cells together (`|rustc|target/loongarch|` gave "rustctarget/loongarch").
        if !syntax && !c.is_whitespace() && c != '|' {
            at += c.len_utf8();
            continue;
        }
        out.push_str(&markdown[copied..at]);
        at += c.len_utf8();
        if c == ']' && bytes.get(at) == Some(&b'(') {
            // Skip the link target: "](url)".
            at = markdown[at..]
                .find(')')
                .map_or(bytes.len(), |end| at + end + 1);
        } else if !syntax && !out.ends_with(' ') {
            out.push(' ');
        }
        copied = at;
    }
    out.push_str(&markdown[copied..at]);
    at
}

/// The bytes that may begin a character [`plain_text`] drops or folds: the markdown syntax
/// characters, ASCII whitespace, and the lead bytes of the other whitespace characters
/// (U+0085 and U+00A0, U+1680, U+2000–U+205F, U+3000; a test checks every character).
const MAY_BREAK: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = b"*_#`>[]|! \t\n\x0B\x0C\r\xC2\xE1\xE2\xE3";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether `c` is in a block of characters that have no case (CJK, kana, Hangul, Yi), where
/// lowering is the identity and need not be looked up (a test checks every one of them).
fn is_uncased(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{A63F}' | '\u{AC00}'..='\u{D7FF}')
}

/// Byte offset of the first case-insensitive occurrence of `needle` in `haystack`.
///
/// Excerpts of a page of hits search 50 bodies, often to their end: only the positions where
/// the needle's first character can begin are compared in full. For an ASCII first
/// character those are its two cases and the lead bytes of the two non-ASCII characters
/// whose lower case begins with an ASCII letter (İ, the Kelvin sign); for a CJK one, that
/// character itself, which nothing else lowers to (tests check every character).
fn find_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    let &first = needle.first()?;
    let matches_at = |index: &usize| {
        let mut rest = haystack[*index..].chars().flat_map(char::to_lowercase);
        needle.iter().all(|&n| rest.next() == Some(n))
    };
    if first.is_ascii() {
        let (lower, upper) = (first as u8, first.to_ascii_uppercase() as u8);
        haystack
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == lower || b == upper || b == 0xC4 || b == 0xE2)
            .map(|(index, _)| index)
            .find(|index| haystack.is_char_boundary(*index) && matches_at(index))
    } else if is_uncased(first) {
        haystack
            .match_indices(first)
            .map(|(index, _)| index)
            .find(matches_at)
    } else {
        haystack
            .char_indices()
            .filter(|&(_, c)| c.to_lowercase().next() == Some(first))
            .map(|(index, _)| index)
            .find(matches_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    /// The plain definitions: character by character, every position compared in full.
    fn plain_text_oracle(markdown: &str) -> String {
        let mut out = String::new();
        let mut chars = markdown.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' | '_' | '#' | '`' | '>' | '[' | '!' => {}
                ']' if chars.peek() == Some(&'(') => {
                    for c in chars.by_ref() {
                        if c == ')' {
                            break;
                        }
                    }
                }
                ']' => {}
                c if c.is_whitespace() || c == '|' => {
                    if !out.ends_with(' ') {
                        out.push(' ');
                    }
                }
                c => out.push(c),
            }
        }
        out
    }

    fn find_oracle(haystack: &str, needle: &str) -> Option<usize> {
        let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
        if needle.is_empty() {
            return None;
        }
        haystack
            .char_indices()
            .map(|(index, _)| index)
            .find(|&index| {
                let mut rest = haystack[index..].chars().flat_map(char::to_lowercase);
                needle.iter().all(|&n| rest.next() == Some(n))
            })
    }

    const TEXTS: &[&str] = &[
        "",
        "plain",
        "**状态**机的 [链接](https://example.com/状态) 和 `code`\n\n  > 引用\u{3000}全角空格 ![图](x.png)",
        "unclosed [link](never closed",
        "a]b ]( ] x",
        "Graceful SHUTDOWN: the KELVIN \u{212A} and \u{130}stanbul, ÅNGSTRÖM",
        "混合 Mixed 文本 with Straße and ΣΊΣΥΦΟΣ",
    ];

    #[test]
    fn plain_text_is_the_character_by_character_definition() {
        for text in TEXTS {
            assert_eq!(plain_text(text), plain_text_oracle(text), "{text:?}");
        }
    }

    #[test]
    fn finds_the_first_case_insensitive_match_like_a_full_comparison() {
        let needles = [
            "状态",
            "态",
            "graceful",
            "GRACE",
            "k",
            "kelvin",
            "i",
            "istanbul",
            "å",
            "ångström",
            "straße",
            "σίσυφος",
            "ς",
            "link",
            "x",
            "",
            "不在",
        ];
        for text in TEXTS {
            for needle in needles {
                assert_eq!(
                    find_case_insensitive(text, needle),
                    find_oracle(text, needle),
                    "{needle:?} in {text:?}"
                );
            }
        }
    }

    /// Text from a small alphabet full of the characters that matter here: markdown
    /// syntax, whitespace of several kinds, case pairs and characters whose lower case is
    /// longer or different in length.
    fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                'a', 'A', 'k', 'K', 'i', 'I', 's', 'S', 'ß', 'ς', 'Σ', 'σ', '\u{130}', '\u{212A}',
                '\u{307}', '状', '态', '*', '_', '[', ']', '(', ')', '!', ' ', '\n', '\u{3000}',
            ]),
            0..40,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_plain_definitions(text in tricky_text(), needle in tricky_text()) {
            proptest::prop_assert_eq!(plain_text(&text), plain_text_oracle(&text));
            let needle: String = needle.chars().take(3).collect();
            proptest::prop_assert_eq!(
                find_case_insensitive(&text, &needle),
                find_oracle(&text, &needle)
            );
        }
    }

    /// The excerpt as the whole body's plain text gives it.
    fn excerpt_oracle(title: &str, body: &str, terms: &[&String]) -> String {
        let text = plain_text_oracle(body);
        let found = terms
            .iter()
            .filter_map(|term| find_oracle(&text, term))
            .min();
        snippet(&text, found, title)
    }

    #[test]
    fn excerpts_of_long_bodies_are_those_of_the_whole_plain_text() {
        let filler = "正文 **text** [link](https://example.com/x) ".repeat(200);
        let bodies = [
            format!("early match 状态 {filler}"),
            format!("{filler} late match 状态 and the end"),
            format!("{filler}状态"),
            format!("{}状态{}", "字".repeat(4094), filler),
            format!("{filler} no match at all"),
            format!("[{}](状态 hidden in a link target) 状态", "x".repeat(4090)),
            format!("{}graceful {filler}", "a ".repeat(2047)),
            format!("{}grace**ful** {filler}", "a ".repeat(2046)),
            format!("{}状态{filler}", "a".repeat(4095)),
            "short 状态".to_string(),
            String::new(),
        ];
        let terms = [
            "状态".to_string(),
            "不在".to_string(),
            "end".to_string(),
            "GRACEFUL".to_string(),
        ];
        let long_term = "x".repeat(100);
        for body in &bodies {
            for chosen in [
                &terms[..1],
                &terms[1..2],
                &terms[3..],
                &terms[..],
                std::slice::from_ref(&long_term),
            ] {
                let chosen: Vec<&String> = chosen.iter().collect();
                assert_eq!(
                    excerpt("标题", body, &chosen),
                    excerpt_oracle("标题", body, &chosen),
                    "{chosen:?} in a body of {} bytes",
                    body.len()
                );
            }
        }
    }

    #[test]
    fn uncased_blocks_lower_to_themselves() {
        for c in ('\u{2E80}'..='\u{A63F}').chain('\u{AC00}'..='\u{D7FF}') {
            assert!(is_uncased(c));
            assert_eq!(c.to_lowercase().collect::<Vec<_>>(), [c], "{c:?}");
        }
    }

    #[test]
    fn the_break_table_holds_the_first_byte_of_every_break() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let breaks = matches!(c, '*' | '_' | '#' | '`' | '>' | '[' | ']' | '|' | '!')
                || c.is_whitespace();
            let mut utf8 = [0; 4];
            let first_byte = c.encode_utf8(&mut utf8).as_bytes()[0];
            assert!(!breaks || MAY_BREAK[usize::from(first_byte)], "{c:?}");
        }
    }

    #[test]
    fn nothing_else_lowers_to_an_uncased_character() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            if let Some(lower) = c.to_lowercase().next().filter(|&l| is_uncased(l)) {
                assert_eq!(lower, c, "{c:?}");
            }
        }
    }

    #[test]
    fn only_two_characters_beyond_ascii_lower_to_an_ascii_letter() {
        let lowering_to_ascii: Vec<char> = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii() && c.to_lowercase().next().is_some_and(|l| l.is_ascii()))
            .collect();
        assert_eq!(lowering_to_ascii, ['\u{130}', '\u{212A}']);
    }
}
