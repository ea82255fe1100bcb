//! Items of newsletter issues in the library: written with their post at import (see
//! [`store_items`]), guarded per source ([`apply_guards`]), and listed by section, search,
//! tag, project.
//!
//! The guards need the whole source: a section splits into items only when it recurs in
//! at least [`RECURRING_SECTION_POSTS`] issues, and text repeated verbatim in many issues
//! (site links, a subscription footer, "No RFCs were approved this week") is not an item.
//! They are recomputed inside the import transaction, after the batch is written, rather
//! than at query time: the app and the CLI read items far more often than a source
//! changes, a stored `visible` flag keeps every read a plain indexed lookup (no grouping of
//! all items per query), and being in the same transaction the flags are never stale.
//!
//! Items are kept small, because a newsletter has dozens of them per issue:
//! - The title, link and text of a section's items, whole or part, are not stored (see
//!   [`DERIVED`]): they are pieces of the post itself, and are derived again from the post
//!   when the items are read (the items of a post come together, so it is read and split
//!   once). A question's and a release's text is not stored either: their question, answer
//!   and changes have their columns.
//! - Items have no search index of their own. A search finds the posts through the posts'
//!   index, then the items of those posts whose title or text holds every term. A trigram
//!   index over the items' text was 2.6× the markdown of a generated archive, and the whole
//!   sections' text another 1×, for a table that is read a page at a time.

use std::collections::HashMap;

use rusqlite::{ToSql, Transaction, params};
use serde::Serialize;

use super::excerpt::find_case_insensitive;
use super::index::query::SearchQuery;
use super::{Library, LibraryError};
use crate::items::{
    ItemKind, Segmented, canonical_project, question_text, release_text, section_key,
};
use crate::post::{PostId, SourceId};
use crate::tags::tag_key;

/// A section splits into items only when it appears in this many issues of its source:
/// a one-off essay's numbered points are not items.
pub const RECURRING_SECTION_POSTS: i64 = 3;

/// Text repeated verbatim in this many issues (and at least [`BOILERPLATE_SHARE`] of
/// them) is boilerplate.
const BOILERPLATE_POSTS: i64 = 3;
const BOILERPLATE_SHARE: f64 = 0.05;

/// The stored title and text of an item whose title and text are derived when read (see
/// the module docs). A whole section's and its parts' from their post: a whole section
/// holds most of its post, and is stored both whole and as its parts, so storing their
/// text doubled the text a library holds, and their titles, links and parts' text were
/// still 0.14× the markdown of a generated archive. A question's and a release's text from
/// their own columns (their titles and links stay stored: they are few).
const DERIVED: &str = "";

/// A section across issues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionCount {
    pub section: String,
    /// Issues it appears in.
    pub posts: i64,
    /// Its items (after the guards).
    pub items: i64,
    #[serde(skip)]
    pub key: String,
}

/// Which items to list. Sections are matched by [`section_key`], also on the last part of
/// a sub-section's name ("RFCs" finds "Final Comment Period / RFCs").
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub sections: Vec<String>,
    /// Sections by their stored key, exactly (as [`SectionCount::key`] gives it).
    pub section_keys: Vec<String>,
    pub search: Option<String>,
    pub tags: Vec<String>,
    /// `question` or `release`: only those.
    pub kind: Option<&'static str>,
    pub project: Option<String>,
    pub limit: Option<usize>,
}

impl ItemFilter {
    /// Whether the items are best found by walking the posts newest first: unless a
    /// condition on the items' own columns, which few items may pass, narrows them first.
    fn posts_first(&self) -> bool {
        self.sections.is_empty()
            && self.section_keys.is_empty()
            && self.kind.is_none()
            && self.project.is_none()
    }
}

/// An item as listed, with its post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemRow {
    #[serde(skip)]
    pub id: i64,
    pub post_id: PostId,
    pub post_title: String,
    pub date: Option<String>,
    pub source: String,
    pub section: String,
    #[serde(skip)]
    pub kind: String,
    pub title: String,
    pub link: Option<String>,
    pub text: String,
    /// Byte offset in the post's markdown.
    #[serde(skip)]
    pub place: usize,
    #[serde(skip)]
    pub details: Details,
    #[serde(skip)]
    pub section_key: String,
}

/// What a question or a release adds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    pub asker: Option<String>,
    pub question: Option<String>,
    pub answer: Option<String>,
    pub project: Option<String>,
    pub version: Option<String>,
    pub changes: Vec<String>,
}

/// A post's items as [`store_items`] writes them, worked out from the post's text alone,
/// so on any thread: an import derives them beside the writer, whose thread bounds it.
pub(super) struct ItemsToStore {
    segmented: Segmented,
    /// Each item's [`text_key`] (a hash of its text), in order.
    text_keys: Vec<String>,
}

impl ItemsToStore {
    pub(super) fn of(body: &str) -> ItemsToStore {
        let segmented = crate::items::segment(body);
        let text_keys = segmented
            .items
            .iter()
            .map(|item| text_key(&item.title, item.link.as_deref(), &item.text))
            .collect();
        ItemsToStore {
            segmented,
            text_keys,
        }
    }
}

/// Replaces the items of post `id` with `items`. `replacing` says whether the post had
/// items before (an update).
pub(super) fn store_items(
    tx: &Transaction<'_>,
    source: SourceId,
    id: PostId,
    items: &ItemsToStore,
    replacing: bool,
) -> rusqlite::Result<()> {
    let segmented = &items.segmented;
    if replacing {
        tx.prepare_cached("DELETE FROM items WHERE post_id = ?1")?
            .execute([id])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO items (post_id, source_id, seq, section_key, section, kind, title, link,
         body, place, heading, parts, asker, question, answer, project, version, changes,
         text_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
         ?16, ?17, ?18, ?19)",
    )?;
    for (seq, (item, text_key)) in segmented.items.iter().zip(&items.text_keys).enumerate() {
        // `segment` puts a section's parts right after its whole item.
        let parts = match item.kind {
            ItemKind::Whole => segmented.items[seq + 1..]
                .iter()
                .take_while(|i| i.kind == ItemKind::Part)
                .count(),
            _ => 0,
        };
        let (mut asker, mut question, mut answer, mut project, mut version) =
            (None, None, None, None, None);
        let mut changes = None;
        match &item.kind {
            ItemKind::Question(q) => {
                asker = Some(q.asker.as_str());
                question = Some(q.question.as_str());
                answer = Some(q.answer.as_str());
                project = q.project.as_deref();
            }
            ItemKind::Release(r) => {
                project = r.project.as_deref();
                version = r.version.as_deref();
                changes = Some(serde_json::to_string(&r.changes).unwrap_or_default());
            }
            _ => {}
        }
        let from_post = matches!(item.kind, ItemKind::Whole | ItemKind::Part);
        let values: [&dyn ToSql; 19] = [
            &id,
            &source,
            &(seq as i64),
            &item.section_key,
            &item.section,
            &item.kind.name(),
            &if from_post { DERIVED } else { &item.title },
            &if from_post {
                None
            } else {
                item.link.as_deref()
            },
            &DERIVED,
            &(item.offset as i64),
            &item.heading.map(|h| h as i64),
            &(parts as i64),
            &asker,
            &question,
            &answer,
            &project,
            &version,
            &changes,
            text_key,
        ];
        insert.execute(values.as_slice())?;
    }
    Ok(())
}

/// The key verbatim repeats are found by: the item's text with whitespace collapsed.
fn text_key(title: &str, link: Option<&str>, text: &str) -> String {
    let joined = format!("{title}\n{}\n{text}", link.unwrap_or(""));
    let collapsed: Vec<&str> = joined.split_whitespace().collect();
    let digest = sha1_smol::Sha1::from(collapsed.join(" "))
        .digest()
        .to_string();
    digest[..16].to_string()
}

/// Recomputes which items of `source` are shown (see the module doc).
///
/// Only the flags that change are written. Writing every item's flag rewrote the whole
/// table at each sync: a re-import of one changed post took 2.6 s at 10,000 posts (now
/// 1.5 s), and at 100,000 posts (2.7 million items) the guards were about 5 of the
/// import's 12.5 minutes.
pub(super) fn apply_guards(tx: &Transaction<'_>, source: SourceId) -> rusqlite::Result<()> {
    let posts: i64 = tx.query_row(
        "SELECT COUNT(*) FROM posts WHERE source_id = ?1",
        [source],
        |row| row.get(0),
    )?;
    let boilerplate = BOILERPLATE_POSTS.max((posts as f64 * BOILERPLATE_SHARE).ceil() as i64);
    tx.prepare_cached(
        "WITH sec AS (SELECT section_key AS k, COUNT(DISTINCT post_id) AS n FROM items
                      WHERE source_id = ?1 GROUP BY section_key),
              dup AS (SELECT text_key AS k, COUNT(DISTINCT post_id) AS n FROM items
                      WHERE source_id = ?1 GROUP BY text_key),
              wanted AS (
                  SELECT i.id AS id, i.visible AS was, (
                      CASE
                          WHEN i.kind IN ('question', 'release') THEN 1
                          WHEN sec.n >= ?2 THEN i.kind = 'part' OR i.parts = 0
                          ELSE i.kind = 'whole'
                      END
                  ) AND (i.kind IN ('question', 'release') OR dup.n < ?3) AS visible
                  FROM items i JOIN sec ON sec.k = i.section_key JOIN dup ON dup.k = i.text_key
                  WHERE i.source_id = ?1)
         UPDATE items SET visible = wanted.visible FROM wanted
         WHERE items.id = wanted.id AND wanted.visible != wanted.was",
    )?
    .execute(params![source, RECURRING_SECTION_POSTS, boilerplate])?;
    Ok(())
}

/// Fills the item tables from the posts already stored (the migration that adds them).
pub(super) fn index_all(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let posts: Vec<(PostId, SourceId, String)> = {
        let mut stmt = tx.prepare("SELECT id, source_id, body FROM posts")?;
        // Text before migration 6, compressed after: `body::from_row` reads both.
        stmt.query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, super::body::from_row(row, 2)?))
        })?
        .collect::<Result<_, _>>()?
    };
    let mut sources: Vec<SourceId> = posts.iter().map(|p| p.1).collect();
    sources.sort_unstable();
    sources.dedup();
    for (id, source, body) in posts {
        store_items(tx, source, id, &ItemsToStore::of(&body), false)?;
    }
    for source in sources {
        apply_guards(tx, source)?;
    }
    Ok(())
}

/// Conditions of an item query, with their parameters.
#[derive(Default)]
struct Where {
    clauses: Vec<String>,
    params: Vec<Box<dyn ToSql>>,
}

impl Where {
    fn push(&mut self, clause: &str, params: Vec<Box<dyn ToSql>>) {
        self.clauses.push(clause.to_string());
        self.params.extend(params);
    }

    fn of(filter: &ItemFilter) -> Where {
        let mut conditions = Where::default();
        conditions.push("i.visible = 1", vec![]);
        for tag in &filter.tags {
            conditions.push(
                "i.post_id IN (SELECT post_id FROM post_tags WHERE tag_key = ?)",
                vec![Box::new(tag_key(tag))],
            );
        }
        if !filter.sections.is_empty() {
            let mut any = Vec::new();
            let mut params: Vec<Box<dyn ToSql>> = Vec::new();
            for name in &filter.sections {
                let key = section_key(name);
                any.push("(i.section_key = ? OR i.section_key LIKE ? ESCAPE '\\')");
                params.push(Box::new(key.clone()));
                params.push(Box::new(format!("% / {}", escape_like(&key))));
            }
            conditions.push(&format!("({})", any.join(" OR ")), params);
        }
        if !filter.section_keys.is_empty() {
            let marks = vec!["?"; filter.section_keys.len()].join(", ");
            let params: Vec<Box<dyn ToSql>> = filter
                .section_keys
                .iter()
                .map(|k| Box::new(k.clone()) as Box<dyn ToSql>)
                .collect();
            conditions.push(&format!("i.section_key IN ({marks})"), params);
        }
        if let Some(kind) = filter.kind {
            // The first term, which the second implies, is the condition of `items_by_kind`
            // (migration 11): SQLite uses a partial index only for a query that states it.
            conditions.push(
                "i.kind IN ('question', 'release') AND i.kind = ?",
                vec![Box::new(kind)],
            );
        }
        if let Some(project) = &filter.project {
            let canonical = canonical_project(project).map_or(project.clone(), str::to_string);
            conditions.push("lower(i.project) = lower(?)", vec![Box::new(canonical)]);
        }
        if let Some(query) = filter.search.as_deref().map(SearchQuery::parse) {
            // The posts that hold every term; which of their items do is decided after
            // (see [`matches`]). An excluded term in the post says nothing of its items.
            // Unary `+`: the posts are walked in order and tested against the set, rather than
            // looked up from it and every item of theirs sorted (see [`Library::items`]).
            let post = if filter.posts_first() {
                "+i.post_id"
            } else {
                "i.post_id"
            };
            for clause in super::query::index_clauses(&query, post, false) {
                let params: Vec<Box<dyn ToSql>> = clause
                    .expression
                    .into_iter()
                    .map(|e| Box::new(e) as Box<dyn ToSql>)
                    .collect();
                conditions.push(&clause.sql, params);
            }
        }
        conditions
    }

    fn sql(&self) -> String {
        format!("WHERE {}", self.clauses.join(" AND "))
    }

    fn params(&self) -> Vec<&dyn ToSql> {
        self.params.iter().map(|p| p.as_ref()).collect()
    }
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Library {
    /// Sections with items, the ones in most issues first. The filter's tags and search
    /// apply; its sections do not.
    pub fn sections(&self, filter: &ItemFilter) -> Result<Vec<SectionCount>, LibraryError> {
        let unsectioned = ItemFilter {
            sections: Vec::new(),
            section_keys: Vec::new(),
            limit: None,
            ..filter.clone()
        };
        if filter.search.is_some() {
            let mut sections = self.sections_of_search(&unsectioned)?;
            sections.truncate(filter.limit.unwrap_or(usize::MAX));
            return Ok(sections);
        }
        let conditions = Where::of(&unsectioned);
        let limit = filter.limit.map_or(-1, |l| l as i64);
        let sql = format!(
            "SELECT i.section_key, MIN(i.section), COUNT(DISTINCT i.post_id), COUNT(*)
             FROM items i {} GROUP BY i.section_key
             ORDER BY 3 DESC, 4 DESC, 2 LIMIT {limit}",
            conditions.sql()
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(conditions.params().as_slice(), |row| {
            Ok(SectionCount {
                key: row.get(0)?,
                section: row.get(1)?,
                posts: row.get(2)?,
                items: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Items, newest post first, in their order within a post.
    pub fn items(&self, filter: &ItemFilter) -> Result<Vec<ItemRow>, LibraryError> {
        let conditions = Where::of(filter);
        let search = filter.search.as_deref().map(SearchQuery::parse);
        // A search's items are chosen after SQL has found their posts, so its limit counts
        // here, not in SQL.
        let limit = match (&search, filter.limit) {
            (None, Some(limit)) => limit as i64,
            _ => -1,
        };
        // Newest post first. Walking the posts by `posts_page` (CROSS JOIN keeps them the
        // outer loop) and each post's items by `items_by_post` gives the first items without
        // sorting them all: `items --limit 50` sorted every visible item, 3.6 s at 100,000
        // posts, and a search's items are matched as they come, until the page is full.
        // (SQLite sorts NULL below every date, so a post without one comes last either way.)
        let from = if filter.posts_first() {
            "posts p CROSS JOIN items i ON i.post_id = p.id"
        } else {
            "items i JOIN posts p ON p.id = i.post_id"
        };
        let sql = format!(
            "SELECT i.id, i.post_id, p.title, p.date_day, s.name, i.section, i.kind, i.title,
                    i.link, i.body, i.place, i.asker, i.question, i.answer, i.project,
                    i.version, i.changes, i.section_key
             FROM {from} JOIN sources s ON s.id = p.source_id
             {} ORDER BY p.date_ts DESC, p.natural_key DESC, i.seq LIMIT {limit}",
            conditions.sql()
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(conditions.params().as_slice())?;
        let mut post_items = PostItems::default();
        let mut items = Vec::new();
        while let Some(row) = rows.next()? {
            let mut item = item_from_row(row)?;
            match item.kind.as_str() {
                "question" => {
                    item.text = question_text(
                        item.details.question.as_deref().unwrap_or(""),
                        item.details.answer.as_deref().unwrap_or(""),
                    )
                }
                "release" => item.text = release_text(&item.details.changes),
                _ => post_items.derive(self, &mut item)?,
            }
            if search.as_ref().is_some_and(|query| !matches(query, &item)) {
                continue;
            }
            items.push(item);
            if filter.limit.is_some_and(|limit| items.len() >= limit) {
                break;
            }
        }
        Ok(items)
    }

    /// [`Library::sections`] for a search: its items are matched in Rust (see
    /// [`matches`]), so they are counted here.
    fn sections_of_search(&self, filter: &ItemFilter) -> Result<Vec<SectionCount>, LibraryError> {
        let mut counts: HashMap<String, (SectionCount, Vec<PostId>)> = HashMap::new();
        for item in self.items(filter)? {
            let (count, posts) = counts.entry(item.section_key.clone()).or_insert_with(|| {
                let count = SectionCount {
                    section: item.section.clone(),
                    posts: 0,
                    items: 0,
                    key: item.section_key.clone(),
                };
                (count, Vec::new())
            });
            count.items += 1;
            count.section = count.section.clone().min(item.section.clone());
            if posts.last() != Some(&item.post_id) {
                posts.push(item.post_id);
            }
        }
        let mut sections: Vec<SectionCount> = counts
            .into_values()
            .map(|(mut count, mut posts)| {
                posts.sort_unstable();
                posts.dedup();
                count.posts = posts.len() as i64;
                count
            })
            .collect();
        sections
            .sort_by(|a, b| (b.posts, b.items, &a.section).cmp(&(a.posts, a.items, &b.section)));
        Ok(sections)
    }
}

fn item_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ItemRow> {
    let changes: Option<String> = row.get(16)?;
    Ok(ItemRow {
        id: row.get(0)?,
        post_id: row.get(1)?,
        post_title: row.get(2)?,
        date: row.get(3)?,
        source: row.get(4)?,
        section: row.get(5)?,
        kind: row.get(6)?,
        title: row.get(7)?,
        link: row.get(8)?,
        text: row.get(9)?,
        place: row.get::<_, i64>(10)? as usize,
        details: Details {
            asker: row.get(11)?,
            question: row.get(12)?,
            answer: row.get(13)?,
            project: row.get(14)?,
            version: row.get(15)?,
            changes: changes
                .and_then(|c| serde_json::from_str(&c).ok())
                .unwrap_or_default(),
        },
        section_key: row.get(17)?,
    })
}

/// Whether `item`'s title or text holds every included term of `query`, as a substring
/// in any case, and no excluded one.
fn matches(query: &SearchQuery, item: &ItemRow) -> bool {
    let holds = |text: &str| {
        find_case_insensitive(&item.title, text).is_some()
            || find_case_insensitive(&item.text, text).is_some()
    };
    query.include.iter().all(|term| holds(&term.text))
        && !query.exclude.iter().any(|term| holds(&term.text))
}

/// The sections' items of the post read last, for the items whose title, link and text
/// are [`DERIVED`]: the items of a post come together, so each post is read and split
/// once.
#[derive(Default)]
struct PostItems {
    post: Option<PostId>,
    items: Vec<crate::items::Item>,
}

impl PostItems {
    fn derive(&mut self, library: &Library, item: &mut ItemRow) -> Result<(), LibraryError> {
        if self.post != Some(item.post_id) {
            let body = library.conn.query_row(
                "SELECT body FROM posts WHERE id = ?1",
                [item.post_id],
                |row| super::body::from_row(row, 0),
            )?;
            self.items = crate::items::segment(&body).items;
            self.post = Some(item.post_id);
        }
        // Found by its kind and place rather than its number: the same place is the same
        // piece of the post even if a later build splits the post differently.
        if let Some(found) = self
            .items
            .iter()
            .find(|found| found.kind.name() == item.kind && found.offset == item.place)
        {
            item.title.clone_from(&found.title);
            item.link.clone_from(&found.link);
            item.text.clone_from(&found.text);
        }
        Ok(())
    }
}
