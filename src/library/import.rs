//! Writing posts: a batch of loaded posts applied to one source in one transaction, so an
//! import or sync either lands whole or leaves the library as it was.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, ToSql, Transaction, TransactionBehavior, params};

use super::index::{self, IndexText, Writing};
use super::{Library, LibraryError};
use crate::loader::{FileStamp, natural_sort_key};
use crate::post::{LoadedPost, PostId, SourceId};
use crate::tags::{Topics, tag_key};

/// What the library remembers of a post's file, to tell whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub content_hash: String,
    /// Modification time and size of the file when it was read, for local sources.
    pub stamp: Option<FileStamp>,
}

/// A post to add or update, identified by `post.key` within the source.
#[derive(Debug, Clone)]
pub struct Upsert {
    pub post: LoadedPost,
    pub stamp: Option<FileStamp>,
}

/// Changes to one source, applied together.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    pub upserts: Vec<Upsert>,
    /// Posts whose content is unchanged but whose file was touched: only the stamp changes.
    pub restamps: Vec<(String, FileStamp)>,
    /// Posts whose files are gone.
    pub removals: Vec<String>,
}

/// One change to a source's posts, as [`Library::apply_changes`] takes them.
// Most changes are upserts, moved one at a time: boxing them would only add an allocation
// per post.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Change {
    /// Add or update a post.
    Upsert(Upsert),
    /// A post whose content is unchanged but whose file was touched: only the stamp changes.
    Restamp(String, FileStamp),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
}

impl Library {
    /// What is stored for each post of a source, by path.
    pub fn stored_files(
        &self,
        source: SourceId,
    ) -> Result<HashMap<String, StoredFile>, LibraryError> {
        let mut stmt = self.conn.prepare(
            "SELECT rel_path, content_hash, mtime_ns, size FROM posts WHERE source_id = ?1",
        )?;
        let rows = stmt.query_map([source], |row| {
            let mtime_ns: Option<i64> = row.get(2)?;
            let size: Option<i64> = row.get(3)?;
            let stamp = match (mtime_ns, size) {
                (Some(mtime_ns), Some(size)) => Some(FileStamp::new(mtime_ns, size as u64)),
                _ => None,
            };
            Ok((
                row.get::<_, String>(0)?,
                StoredFile {
                    content_hash: row.get(1)?,
                    stamp,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Applies a batch in one transaction. A post whose content hash is unchanged counts as
    /// unchanged and is not rewritten. Reading state is keyed by path, so it is kept.
    pub fn apply(
        &mut self,
        source: SourceId,
        batch: ImportBatch,
    ) -> Result<ImportReport, LibraryError> {
        let changes = batch.upserts.into_iter().map(Change::Upsert).chain(
            batch
                .restamps
                .into_iter()
                .map(|(path, stamp)| Change::Restamp(path, stamp)),
        );
        self.apply_changes(source, changes, &batch.removals)
    }

    /// [`Library::apply`] for changes that are still being produced (files being read on
    /// another thread, say): they are written as they come, in one transaction, and the
    /// removals after them. The iterator runs on a thread of its own when it may be long,
    /// so it must be `Send`; if it panics, `apply_changes` panics and nothing is written.
    pub fn apply_changes(
        &mut self,
        source: SourceId,
        changes: impl Iterator<Item = Change> + Send,
        removals: &[String],
    ) -> Result<ImportReport, LibraryError> {
        let short = changes
            .size_hint()
            .1
            .is_some_and(|most| most < DERIVE_ON_A_THREAD_FROM);
        if short {
            return self.write_changes(source, changes, removals, short);
        }
        let cache = LargerCache::for_import(&self.conn)?;
        let written = self.write_changes(source, changes, removals, short);
        cache.restore(&self.conn)?;
        written
    }

    /// [`Library::apply_changes`]'s transaction; `short` says whether the changes are few
    /// enough to be derived on this thread.
    fn write_changes(
        &mut self,
        source: SourceId,
        changes: impl Iterator<Item = Change> + Send,
        removals: &[String],
        short: bool,
    ) -> Result<ImportReport, LibraryError> {
        let mut report = ImportReport::default();
        let topics = self.topics.get_or_init(Topics::builtin);
        // Immediate: the transaction reads before it writes, and a deferred one would fail
        // at once with "database is locked" (SQLITE_BUSY_SNAPSHOT, which the busy timeout
        // does not wait out) whenever the app wrote reading state in between.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !short {
            index::set_writing(&tx, Writing::Bulk)?;
        }
        let with_index = !self.defer_index;
        let level = super::body::level_for(self.path.is_some());
        let derive = |change: Change| {
            let derived = match &change {
                Change::Upsert(upsert) => {
                    Some(Derived::of(topics, &upsert.post, with_index, level))
                }
                Change::Restamp(..) => None,
            };
            (change, derived)
        };
        let mut write = |(change, derived): (Change, Option<Derived>)| {
            match change {
                Change::Upsert(upsert) => {
                    let derived = derived.expect("derived for every upsert");
                    match upsert_post(&tx, source, &upsert, derived)? {
                        UpsertOutcome::Added => report.added += 1,
                        UpsertOutcome::Updated => report.updated += 1,
                        UpsertOutcome::Unchanged => report.unchanged += 1,
                    }
                }
                Change::Restamp(rel_path, stamp) => {
                    tx.prepare_cached(
                        "UPDATE posts SET mtime_ns = ?3, size = ?4 \
                         WHERE source_id = ?1 AND rel_path = ?2",
                    )?
                    .execute(params![
                        source,
                        rel_path,
                        stamp.mtime_ns,
                        stamp.size as i64
                    ])?;
                    report.unchanged += 1;
                }
            }
            Ok::<(), LibraryError>(())
        };
        if short {
            for change in changes {
                write(derive(change))?;
            }
        } else {
            // The changes are taken, and the index tokens and topics of the next posts
            // worked out, on a second thread while this one writes: about a sixth of the
            // instructions of a fresh import, off the path that SQLite's writing (two thirds)
            // keeps busy. A panic there ends the receiver's iteration early, and `scope` then
            // panics too (before the commit below), so no post is silently left out. An
            // error here drops the receiver, which stops the other thread.
            std::thread::scope(|scope| {
                let (sender, receiver) = std::sync::mpsc::sync_channel(DERIVED_AHEAD);
                scope.spawn(move || {
                    for change in changes {
                        if sender.send(derive(change)).is_err() {
                            break; // The writer stopped on an error.
                        }
                    }
                });
                receiver.into_iter().try_for_each(&mut write)
            })?;
        }
        {
            let mut remove =
                tx.prepare_cached("DELETE FROM posts WHERE source_id = ?1 AND rel_path = ?2")?;
            for rel_path in removals {
                report.removed += remove.execute(params![source, rel_path])?;
            }
        }
        if report.added + report.updated + report.removed > 0 {
            super::tag_names::store_tag_names(&tx)?;
            super::items::apply_guards(&tx, source)?;
        }
        if !short {
            index::set_writing(&tx, Writing::Usual)?;
        }
        tx.commit()?;
        self.invalidate_caches();
        Ok(report)
    }

    /// Recomputes every post's topic tags from the current vocabulary.
    pub(super) fn retag_topics(&mut self) -> Result<(), LibraryError> {
        let topics = self.topics.get_or_init(Topics::builtin);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM post_tags WHERE kind = 'topic'", [])?;
        {
            let mut stmt = tx.prepare("SELECT id, title, body FROM posts")?;
            let posts = stmt.query_map([], |row| {
                Ok((
                    row.get::<_, PostId>(0)?,
                    row.get::<_, String>(1)?,
                    super::body::from_row(row, 2)?,
                ))
            })?;
            for post in posts {
                let (id, title, body) = post?;
                insert_topic_tags(&tx, id, topics.detect(&title, &body))?;
            }
        }
        super::tag_names::store_tag_names(&tx)?;
        tx.commit()?;
        self.invalidate_caches();
        Ok(())
    }
}

/// Batches that may hold this many changes or more derive their index tokens and topics on
/// a second thread (a sync of a GitHub source applies one post at a time).
const DERIVE_ON_A_THREAD_FROM: usize = 8;

/// The page cache of a long import, in KiB (SQLite's default is 2 MiB). The import's
/// inserts land all over the indexes (an item's repeat key is a hash), so with the default
/// cache most of them read a page back from the file or the WAL, and dirty pages spill to
/// the WAL before the commit and are read back: at 3,000 posts the import took 0.79× the
/// time with this cache, its system time halved. Given back after the commit.
const IMPORT_CACHE_KIB: i64 = 128 * 1024;

/// The connection's page cache size while a long import runs.
struct LargerCache {
    before: i64,
}

impl LargerCache {
    fn for_import(conn: &rusqlite::Connection) -> rusqlite::Result<LargerCache> {
        let before = conn.query_row("PRAGMA cache_size", [], |row| row.get(0))?;
        conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
        Ok(LargerCache { before })
    }

    /// Sets the cache back (SQLite frees the pages above the smaller size).
    fn restore(self, conn: &rusqlite::Connection) -> rusqlite::Result<()> {
        conn.pragma_update(None, "cache_size", self.before)
    }
}

/// How many posts' derived data may wait for the writer.
const DERIVED_AHEAD: usize = 32;

/// What an added or updated post needs written besides its own columns, worked out from its
/// text alone (so on any thread): its compressed body, its index tokens, the topics it
/// mentions, and its sections and items.
struct Derived {
    body: Vec<u8>,
    /// `None` while indexing is deferred.
    index: Option<IndexText>,
    topics: Vec<String>,
    items: super::items::ItemsToStore,
}

impl Derived {
    fn of(topics: &Topics, post: &LoadedPost, with_index: bool, level: i32) -> Derived {
        Derived {
            body: super::body::compress_at(&post.body, level),
            index: with_index.then(|| IndexText::of(&post.title, &post.body)),
            topics: topics.detect(&post.title, &post.body),
            items: super::items::ItemsToStore::of(&post.body),
        }
    }
}

enum UpsertOutcome {
    Added,
    Updated,
    Unchanged,
}

fn upsert_post(
    tx: &Transaction<'_>,
    source: SourceId,
    upsert: &Upsert,
    derived: Derived,
) -> Result<UpsertOutcome, LibraryError> {
    let post = &upsert.post;
    let (mtime_ns, size) = match upsert.stamp {
        Some(stamp) => (Some(stamp.mtime_ns), Some(stamp.size as i64)),
        None => (None, None),
    };
    let existing: Option<(PostId, String)> = tx
        .prepare_cached(
            "SELECT id, content_hash FROM posts WHERE source_id = ?1 AND rel_path = ?2",
        )?
        .query_row(params![source, post.key], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let meta = &post.meta;
    let date_ts = meta.date.map(|date| date.timestamp());
    let date_day = meta.date.map(|date| date.day_string());
    let natural_key = natural_sort_key(&post.key);
    // The post's own columns, in the order both the UPDATE and the INSERT below name them.
    let content: [&dyn ToSql; 13] = [
        &post.title,
        &date_ts,
        &date_day,
        &meta.author,
        &meta.description,
        &meta.web_url,
        &meta.draft,
        &natural_key,
        &derived.body,
        &post.content_hash,
        &mtime_ns,
        &size,
        &meta.cover,
    ];
    let (id, outcome) = match existing {
        Some((id, hash)) if hash == post.content_hash => {
            tx.prepare_cached("UPDATE posts SET mtime_ns = ?2, size = ?3 WHERE id = ?1")?
                .execute(params![id, mtime_ns, size])?;
            return Ok(UpsertOutcome::Unchanged);
        }
        Some((id, _)) => {
            index::remove(tx, id)?;
            let mut values: Vec<&dyn ToSql> = vec![&id];
            values.extend(content);
            tx.prepare_cached(
                "UPDATE posts SET title = ?2, date_ts = ?3, date_day = ?4, author = ?5,
                 description = ?6, web_url = ?7, draft = ?8, natural_key = ?9, body = ?10,
                 content_hash = ?11, mtime_ns = ?12, size = ?13, cover = ?14 WHERE id = ?1",
            )?
            .execute(values.as_slice())?;
            tx.prepare_cached("DELETE FROM post_tags WHERE post_id = ?1")?
                .execute([id])?;
            (id, UpsertOutcome::Updated)
        }
        None => {
            // No RETURNING: SQLite runs it as a trigger, and a trigger's savepoint makes
            // FTS5 flush (see migration 2).
            let mut values: Vec<&dyn ToSql> = vec![&source, &post.key];
            values.extend(content);
            tx.prepare_cached(
                "INSERT INTO posts (source_id, rel_path, title, date_ts, date_day, author,
                 description, web_url, draft, natural_key, body, content_hash, mtime_ns, size,
                 cover)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?
            .execute(values.as_slice())?;
            (tx.last_insert_rowid(), UpsertOutcome::Added)
        }
    };
    let mut insert_tag = tx.prepare_cached(
        "INSERT OR IGNORE INTO post_tags (post_id, tag_key, spelling, kind) VALUES (?1, ?2, ?3, 'meta')",
    )?;
    for tag in &meta.tags {
        let key = tag_key(tag);
        if !key.is_empty() {
            insert_tag.execute(params![id, key, tag])?;
        }
    }
    insert_topic_tags(tx, id, derived.topics)?;
    if let Some(text) = &derived.index {
        index::insert(tx, id, text)?;
    }
    let replacing = matches!(outcome, UpsertOutcome::Updated);
    super::items::store_items(tx, source, id, &derived.items, replacing)?;
    Ok(outcome)
}

fn insert_topic_tags(
    tx: &Transaction<'_>,
    id: PostId,
    topics: Vec<String>,
) -> Result<(), LibraryError> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO post_tags (post_id, tag_key, spelling, kind) VALUES (?1, ?2, ?3, 'topic')",
    )?;
    for topic in topics {
        insert.execute(params![id, tag_key(&topic), topic])?;
    }
    Ok(())
}
