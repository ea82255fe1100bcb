//! Reading posts back: the filtered list, tag counts, full-text search and single posts.
//!
//! Search covers titles and bodies. Terms of three characters or more go through the FTS5
//! trigram index, which finds substrings and so works for Chinese (no spaces between words).
//! Shorter terms cannot use trigrams: one- and two-character Chinese terms (a two-character
//! word is the common case) go through the bigram index (see [`super::bigrams`]); other
//! short terms ("Go", "k8") are found by a plain scan.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Row, ToSql};
use serde::Serialize;

use super::{Library, LibraryError, TagName, bigrams};
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

const SUMMARY_COLUMNS: &str = "p.id, p.title, p.date_day, s.name, p.rel_path, \
     COALESCE(r.read, 0), COALESCE(r.starred, 0), \
     (SELECT group_concat(t.tag_key, char(31)) FROM \
        (SELECT tag_key FROM post_tags WHERE post_id = p.id ORDER BY kind, tag_key) t)";

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
        if let Some(query) = &filter.search {
            let terms = SearchTerms::parse(query);
            terms.add_conditions(&mut conditions, true);
        }
        if filter.unread_only {
            conditions.push("COALESCE(r.read, 0) = 0", vec![]);
        }
        if filter.starred_only {
            conditions.push("COALESCE(r.starred, 0) = 1", vec![]);
        }
        let limit = filter.limit.map_or(-1, |limit| limit as i64);
        // The page is chosen from ids and sort keys alone; only its posts then get their
        // columns (the tag list is a subquery per row). Sorting full rows made SQLite build
        // the tag list of every match: 3,000 posts for a common tag or word in 10,000.
        let sql = format!(
            "WITH page AS ( \
                 SELECT p.id AS id, p.date_ts AS date_ts, p.natural_key AS natural_key \
                 FROM {SUMMARY_FROM} {} ORDER BY {NEWEST_FIRST} LIMIT {limit}) \
             SELECT {SUMMARY_COLUMNS} FROM page JOIN posts p ON p.id = page.id {SUMMARY_JOINS} \
             ORDER BY page.date_ts DESC, page.natural_key DESC",
            conditions.sql()
        );
        self.query_summaries(&sql, &conditions.params())
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
    pub fn search(
        &self,
        query: &str,
        limit: Option<usize>,
    ) -> Result<Vec<SearchHit>, LibraryError> {
        let terms = SearchTerms::parse(query);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        // Ranked in two steps: first only ids and sort keys of the matching posts, then
        // columns and bodies of the page. Sorting whole rows made SQLite carry every matching
        // body through the sorter (30 MB for a common word in 10,000 posts).
        let mut conditions = Conditions::default();
        terms.add_conditions(&mut conditions, false);
        let all_terms = terms.all();
        let title_match = all_terms
            .iter()
            .map(|_| "p.title LIKE ? ESCAPE '\\'")
            .collect::<Vec<_>>()
            .join(" AND ");
        let expression = terms.match_expression();
        // The trigram terms select the candidates and give their bm25 score in one pass
        // (lower is better; a title hit weighs ten body hits), rather than a MATCH per row.
        let (fts_join, relevance) = match expression {
            Some(_) => (
                "JOIN (SELECT rowid AS id, bm25(posts_fts, 10.0, 1.0) AS score \
                 FROM posts_fts WHERE posts_fts MATCH ?) fts ON fts.id = p.id",
                "fts.score",
            ),
            None => ("", "0"),
        };
        let limit = limit.map_or(-1, |limit| limit as i64);
        let sql = format!(
            "WITH ranked AS ( \
                 SELECT p.id AS id, ({title_match}) AS in_title, {relevance} AS relevance, \
                     p.date_ts AS date_ts, p.natural_key AS natural_key \
                 FROM posts p {fts_join} {} \
                 ORDER BY in_title DESC, relevance, date_ts DESC, natural_key DESC \
                 LIMIT {limit}) \
             SELECT {SUMMARY_COLUMNS}, p.body \
             FROM ranked JOIN posts p ON p.id = ranked.id {SUMMARY_JOINS} \
             ORDER BY ranked.in_title DESC, ranked.relevance, ranked.date_ts DESC, \
                 ranked.natural_key DESC",
            conditions.sql()
        );
        let title_patterns: Vec<String> = all_terms.iter().map(|term| like_pattern(term)).collect();
        let mut params: Vec<&dyn ToSql> = title_patterns
            .iter()
            .map(|pattern| pattern as &dyn ToSql)
            .collect();
        if let Some(expression) = &expression {
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
    let tags = keys
        .iter()
        .flat_map(|keys| keys.split('\u{1f}'))
        .map(|key| {
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
fn excerpt(title: &str, body: &str, terms: &[&String]) -> String {
    let text = plain_text(body);
    let found = terms
        .iter()
        .filter_map(|term| find_case_insensitive(&text, term))
        .min();
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
    if text[start..].chars().count() > EXCERPT_CONTEXT * 2 {
        snippet.push('…');
    }
    crate::text::sanitize_line(&snippet)
}

/// Markdown with its syntax characters and link targets removed, whitespace folded: good
/// enough for an excerpt, and cheap.
fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' | '_' | '#' | '`' | '>' | '[' | '|' | '!' => {}
            ']' if chars.peek() == Some(&'(') => {
                // Skip the link target: "](url)".
                for c in chars.by_ref() {
                    if c == ')' {
                        break;
                    }
                }
            }
            ']' => {}
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Byte offset of the first case-insensitive occurrence of `needle` in `haystack`.
fn find_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
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
