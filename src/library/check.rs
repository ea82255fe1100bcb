//! `sofa-weekly check`: whether the library file and its search index are sound, said in
//! words; and the two repairs: rebuilding the index from the posts, and salvaging what can
//! still be read from a damaged file into a new library.
//!
//! A damaged file is moved aside and kept (a truncated one is only given its length back,
//! as zeros, so that SQLite reads what is left): the salvage reads it post by post
//! (each by its id, so one unreadable page costs the posts on it, not the rest of the
//! table) and writes every post, tag and reading state it can read into a fresh library
//! in one transaction. Sources keep their names and locations but forget their sync
//! validators (ETag, Last-Modified), so the next sync fetches everything again and brings
//! back the posts that were lost.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::index::{self, IndexText, Writing};
use super::{DB_FILE, Library, LibraryError};

/// What `check` found: nothing, or each problem in a sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Problems of the file itself: only a salvage helps.
    pub damaged: Vec<String>,
    /// Problems of the search index alone: rebuilding it helps.
    pub index: Vec<String>,
    pub posts: u64,
}

impl CheckReport {
    pub fn is_ok(&self) -> bool {
        self.damaged.is_empty() && self.index.is_empty()
    }
}

/// What a salvage saved and lost.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SalvageReport {
    pub posts_saved: u64,
    pub posts_lost: u64,
    pub reading_saved: u64,
    pub reading_lost: u64,
    /// Where the damaged file now is.
    pub moved_to: PathBuf,
}

/// At most this many problems of one kind are listed.
const MAX_LISTED: usize = 10;

impl Library {
    /// Runs SQLite's integrity check, the search index's own, and checks that every post is
    /// in the index with as many words as its text has (and nothing else is).
    pub fn check(&self) -> Result<CheckReport, LibraryError> {
        let mut report = CheckReport::default();
        let messages: Vec<String> = match self.conn.prepare("PRAGMA integrity_check(10)") {
            Ok(mut stmt) => stmt
                .query_map([], |row| row.get(0))
                .and_then(|rows| rows.collect())
                .unwrap_or_else(|err| vec![err.to_string()]),
            Err(err) => vec![err.to_string()],
        };
        if messages != ["ok"] {
            report.damaged.extend(
                messages
                    .into_iter()
                    .map(|message| format!("the database file is damaged: {message}")),
            );
            return Ok(report);
        }
        for table in index::TABLES {
            if let Err(err) = self.conn.execute(
                &format!("INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 0)"),
                [],
            ) {
                report.index.push(format!(
                    "the search index ({table}) is inconsistent in itself ({err})"
                ));
            }
        }
        for (docsize, what) in [
            ("search_chars_docsize", "single characters"),
            ("search_title_chars_docsize", "the titles' characters"),
            ("search_titles_docsize", "the titles"),
        ] {
            let stray = self.stray_index_rows(docsize)?;
            if stray > 0 {
                report.index.push(format!(
                    "the index of {what} holds {stray} post(s) the library no longer has"
                ));
            }
        }
        self.check_index_rows(&mut report)?;
        Ok(report)
    }

    /// How many rows of the index table `docsize` (a table name of ours, never input) stand
    /// for posts the library no longer has.
    fn stray_index_rows(&self, docsize: &str) -> Result<i64, LibraryError> {
        Ok(self.conn.query_row(
            &format!("SELECT COUNT(*) FROM {docsize} WHERE id NOT IN (SELECT id FROM posts)"),
            [],
            |row| row.get(0),
        )?)
    }

    /// Every post has an index row whose word counts are those of its text, and every index
    /// row is a post's.
    fn check_index_rows(&self, report: &mut CheckReport) -> Result<(), LibraryError> {
        let stray = self.stray_index_rows("search_index_docsize")?;
        if stray > 0 {
            report.index.push(format!(
                "the search index holds {stray} post(s) the library no longer has"
            ));
        }
        let mut stmt = self.conn.prepare(
            "SELECT p.id, p.rel_path, p.title, p.body, d.sz \
             FROM posts p LEFT JOIN search_index_docsize d ON d.id = p.id",
        )?;
        let mut rows = stmt.query([])?;
        let (mut missing, mut wrong, mut unreadable) = (Vec::new(), Vec::new(), Vec::new());
        while let Some(row) = rows.next()? {
            report.posts += 1;
            let path: String = row.get(1)?;
            let title: String = row.get(2)?;
            let Ok(body) = super::body::decode(row.get_ref(3)?) else {
                unreadable.push(path);
                continue;
            };
            let sizes: Option<Vec<u8>> = row.get(4)?;
            let Some(sizes) = sizes else {
                missing.push(path);
                continue;
            };
            if column_sizes(&sizes) != IndexText::of(&title, &body).token_counts() {
                wrong.push(path);
            }
        }
        let describe = |paths: Vec<String>, what: &str, target: &mut Vec<String>| {
            if !paths.is_empty() {
                let listed: Vec<&str> = paths.iter().take(MAX_LISTED).map(String::as_str).collect();
                let more = paths.len().saturating_sub(MAX_LISTED);
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                target.push(format!(
                    "{} post(s) {what}: {}{more}",
                    paths.len(),
                    listed.join(", ")
                ));
            }
        };
        describe(
            missing,
            "are missing from the search index",
            &mut report.index,
        );
        describe(
            wrong,
            "are indexed with words that are not theirs",
            &mut report.index,
        );
        describe(
            unreadable,
            "have text that cannot be read",
            &mut report.damaged,
        );
        Ok(())
    }

    /// Builds the search index again from the posts, in one transaction. Returns the number
    /// of posts indexed.
    pub fn rebuild_index(&mut self) -> Result<u64, LibraryError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for table in index::TABLES {
            tx.execute(
                &format!("INSERT INTO {table} ({table}) VALUES ('delete-all')"),
                [],
            )?;
        }
        index::set_writing(&tx, Writing::Bulk)?;
        let mut count = 0;
        {
            let mut stmt = tx.prepare("SELECT id, title, body FROM posts")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let title: String = row.get(1)?;
                let body = super::body::from_row(row, 2)?;
                index::insert(&tx, row.get(0)?, &IndexText::of(&title, &body))?;
                count += 1;
            }
        }
        index::set_writing(&tx, Writing::Usual)?;
        tx.commit()?;
        Ok(count)
    }
}

/// The column sizes (in tokens) of a `search_index_docsize` row: SQLite varints.
fn column_sizes(blob: &[u8]) -> [u64; 2] {
    let mut sizes = [0; 2];
    let mut at = 0;
    for size in &mut sizes {
        let mut value: u64 = 0;
        for i in 0..9 {
            let Some(&byte) = blob.get(at) else { break };
            at += 1;
            if i == 8 {
                value = (value << 8) | u64::from(byte);
                break;
            }
            value = (value << 7) | u64::from(byte & 0x7F);
            if byte & 0x80 == 0 {
                break;
            }
        }
        *size = value;
    }
    sizes
}

/// Whether the file at `path` is shorter than its header says it is: a truncated file,
/// which SQLite itself notices only when it reads past the end. `None` when the header
/// cannot tell (no file, a WAL not yet copied back, a header too short to read).
pub(super) fn is_truncated(path: &Path) -> Option<bool> {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    if std::fs::metadata(&wal).is_ok_and(|wal| wal.len() > 0) {
        return None; // The database's true size may be in the WAL.
    }
    Some(std::fs::metadata(path).ok()?.len() < size_in_header(path)?)
}

/// The size of the database in bytes, as its header gives it.
fn size_in_header(path: &Path) -> Option<u64> {
    use std::io::Read;
    let mut header = [0u8; 100];
    std::fs::File::open(path)
        .ok()?
        .read_exact(&mut header)
        .ok()?;
    if &header[..16] != b"SQLite format 3\0" {
        return None;
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536,
        size => u64::from(size),
    };
    let pages = u64::from(u32::from_be_bytes(header[28..32].try_into().ok()?));
    // The page count is valid only when written by the same change as the header's counter.
    (header[24..28] == header[92..96] && pages > 0).then_some(pages * page_size)
}

/// Moves the damaged library file in `dir` aside and salvages what it can into a new one.
pub fn salvage(dir: &Path) -> Result<SalvageReport, LibraryError> {
    let path = dir.join(DB_FILE);
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let aside = dir.join(format!("{DB_FILE}.damaged-{stamp}"));
    let io_error = |source: std::io::Error| LibraryError::CreateDir {
        path: aside.clone(),
        source,
    };
    std::fs::rename(&path, &aside).map_err(io_error)?;
    for suffix in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", path.display()));
        if from.exists() {
            let to = PathBuf::from(format!("{}{suffix}", aside.display()));
            std::fs::rename(&from, &to).map_err(io_error)?;
        }
    }
    // SQLite refuses to read a truncated file at all (even its schema): given its length
    // back as zeros, it reads every page that is left and finds the missing ones damaged.
    if is_truncated(&aside) == Some(true)
        && let Some(size) = size_in_header(&aside)
    {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&aside)
            .and_then(|file| file.set_len(size))
            .map_err(io_error)?;
    }
    let old = Connection::open_with_flags(
        &aside,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| LibraryError::Open {
        path: aside.clone(),
        source,
    })?;
    let mut library = Library::open(dir)?;
    let mut report = copy_readable(&old, &mut library)?;
    report.moved_to = aside;
    Ok(report)
}

/// The ids of the posts the damaged file knows of: from the table itself as far as it reads,
/// and from every index and table that names them, so that posts on an unreadable page are
/// counted as lost rather than forgotten.
fn known_post_ids(old: &Connection) -> BTreeSet<i64> {
    let mut ids = BTreeSet::new();
    for sql in [
        "SELECT id FROM posts",
        "SELECT id FROM posts INDEXED BY posts_page",
        "SELECT DISTINCT post_id FROM post_tags",
        "SELECT id FROM search_index_docsize",
    ] {
        let Ok(mut stmt) = old.prepare(sql) else {
            continue;
        };
        let Ok(mut rows) = stmt.query([]) else {
            continue;
        };
        // Read until the first error: what came before it is good.
        while let Ok(Some(row)) = rows.next() {
            if let Ok(id) = row.get::<_, i64>(0) {
                ids.insert(id);
            }
        }
    }
    ids
}

/// One post's columns as the damaged file still has them.
struct OldPost {
    source_id: i64,
    rel_path: String,
    title: String,
    columns: [rusqlite::types::Value; 10],
    body: String,
}

fn read_post(old: &Connection, id: i64) -> Option<OldPost> {
    old.query_row(
        "SELECT source_id, rel_path, title, date_ts, date_day, author, description, web_url, \
             draft, natural_key, content_hash, mtime_ns, size, body FROM posts WHERE id = ?1",
        [id],
        |row| {
            let body = super::body::decode(row.get_ref(13)?).map_err(|_| {
                rusqlite::Error::InvalidColumnType(13, "body".into(), rusqlite::types::Type::Blob)
            })?;
            Ok(OldPost {
                source_id: row.get(0)?,
                rel_path: row.get(1)?,
                title: row.get(2)?,
                columns: std::array::from_fn(|i| {
                    row.get(3 + i).unwrap_or(rusqlite::types::Value::Null)
                }),
                body,
            })
        },
    )
    .ok()
}

fn copy_readable(old: &Connection, library: &mut Library) -> Result<SalvageReport, LibraryError> {
    let mut report = SalvageReport::default();
    let tx = library
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let sources = copy_sources(old, &tx)?;
    let saved = copy_posts(old, &tx, &sources, &mut report)?;
    copy_reading(old, &tx, &sources, &saved, &mut report)?;
    copy_settings(old, &tx)?;
    super::tag_names::store_tag_names(&tx)?;
    // The items are derived from the posts: made again from those saved rather than
    // copied from a table that may be damaged too.
    super::items::index_all(&tx)?;
    tx.commit()?;
    library.invalidate_caches();
    Ok(report)
}

/// Rows of `sql` in the damaged file, as far as they read: an error ends them.
fn readable_rows<T>(
    old: &Connection,
    sql: &str,
    mut each: impl FnMut(&rusqlite::Row<'_>) -> Result<T, LibraryError>,
) -> Result<bool, LibraryError> {
    let Ok(mut stmt) = old.prepare(sql) else {
        return Ok(false);
    };
    let Ok(mut rows) = stmt.query([]) else {
        return Ok(false);
    };
    loop {
        match rows.next() {
            Ok(Some(row)) => {
                each(row)?;
            }
            Ok(None) => return Ok(true),
            Err(_) => return Ok(false),
        }
    }
}

/// The sources (posts refer to them), without their sync validators; their ids.
fn copy_sources(
    old: &Connection,
    tx: &rusqlite::Transaction<'_>,
) -> Result<BTreeSet<i64>, LibraryError> {
    readable_rows(old, "SELECT id, name, kind, location FROM sources", |row| {
        let source: rusqlite::Result<(i64, String, String, String)> =
            (|| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))();
        if let Ok((id, name, kind, location)) = source {
            tx.execute(
                "INSERT OR IGNORE INTO sources (id, name, kind, location) VALUES (?1, ?2, ?3, ?4)",
                params![id, name, kind, location],
            )?;
        }
        Ok(())
    })?;
    Ok(tx
        .prepare("SELECT id FROM sources")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Every post that reads whole, with its tags, indexed again; the (source, path) of each.
fn copy_posts(
    old: &Connection,
    tx: &rusqlite::Transaction<'_>,
    sources: &BTreeSet<i64>,
    report: &mut SalvageReport,
) -> Result<BTreeSet<(i64, String)>, LibraryError> {
    let mut saved = BTreeSet::new();
    for id in known_post_ids(old) {
        let Some(post) = read_post(old, id).filter(|post| sources.contains(&post.source_id)) else {
            report.posts_lost += 1;
            continue;
        };
        let mut values: Vec<&dyn rusqlite::ToSql> =
            vec![&id, &post.source_id, &post.rel_path, &post.title];
        values.extend(
            post.columns
                .iter()
                .map(|value| value as &dyn rusqlite::ToSql),
        );
        let body = super::body::compress(&post.body);
        values.push(&body);
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO posts (id, source_id, rel_path, title, date_ts, date_day, \
                 author, description, web_url, draft, natural_key, content_hash, mtime_ns, size, \
                 body) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            values.as_slice(),
        )?;
        if inserted == 0 {
            report.posts_lost += 1;
            continue;
        }
        index::insert(tx, id, &IndexText::of(&post.title, &post.body))?;
        copy_tags(old, tx, id)?;
        report.posts_saved += 1;
        saved.insert((post.source_id, post.rel_path));
    }
    Ok(saved)
}

const READING: &str =
    "SELECT source_id, rel_path, read, starred, position, updated_at FROM reading";

/// Reading state: each saved post's by lookup (which may read where a scan of the table
/// stops), then the rest of the table as far as it reads (the state of posts that are gone
/// is kept, as the library always keeps it).
fn copy_reading(
    old: &Connection,
    tx: &rusqlite::Transaction<'_>,
    sources: &BTreeSet<i64>,
    saved: &BTreeSet<(i64, String)>,
    report: &mut SalvageReport,
) -> Result<(), LibraryError> {
    let copy = |row: &rusqlite::Row<'_>| -> Result<bool, LibraryError> {
        let source_id: i64 = row.get(0)?;
        if !sources.contains(&source_id) {
            return Ok(false);
        }
        let values: [rusqlite::types::Value; 6] =
            std::array::from_fn(|i| row.get(i).unwrap_or(rusqlite::types::Value::Null));
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO reading (source_id, rel_path, read, starred, position, \
                 updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params_from_iter(values.iter()),
        )?;
        Ok(inserted > 0)
    };
    let lookup = format!("{READING} WHERE source_id = ?1 AND rel_path = ?2");
    for (source_id, rel_path) in saved {
        let found = old
            .query_row(&lookup, params![source_id, rel_path], |row| Ok(copy(row)))
            .optional();
        match found {
            Ok(Some(copied)) => report.reading_saved += u64::from(copied?),
            Ok(None) => {}
            Err(_) => report.reading_lost += 1,
        }
    }
    let whole = readable_rows(old, READING, |row| {
        report.reading_saved += u64::from(copy(row)?);
        Ok(())
    })?;
    if !whole {
        report.reading_lost += 1;
    }
    Ok(())
}

fn copy_settings(old: &Connection, tx: &rusqlite::Transaction<'_>) -> Result<(), LibraryError> {
    readable_rows(old, "SELECT key, value FROM settings", |row| {
        if let (Ok(key), Ok(value)) = (row.get::<_, String>(0), row.get::<_, String>(1)) {
            tx.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                [key, value],
            )?;
        }
        Ok(())
    })?;
    Ok(())
}

fn copy_tags(
    old: &Connection,
    tx: &rusqlite::Transaction<'_>,
    id: i64,
) -> Result<(), LibraryError> {
    let Ok(mut stmt) =
        old.prepare_cached("SELECT tag_key, spelling, kind FROM post_tags WHERE post_id = ?1")
    else {
        return Ok(());
    };
    let Ok(mut rows) = stmt.query([id]) else {
        return Ok(());
    };
    while let Ok(Some(row)) = rows.next() {
        let tag: rusqlite::Result<(String, String, String)> =
            (|| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))();
        if let Ok((key, spelling, kind)) = tag {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO post_tags (post_id, tag_key, spelling, kind) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id, key, spelling, kind])?;
        }
    }
    Ok(())
}
