//! The search index: one contentless FTS5 table, `search_index (title, body)`, over text
//! tokenised in Rust ([`tokenize`]), and the query language that reads it ([`query`]).
//!
//! A second table, `search_chars (chars)`, holds each post's distinct CJK characters
//! without positions: it answers a term of one CJK character alone, which in
//! `search_index` would be a prefix query over every pair starting with the character. A
//! third, `search_title_chars (chars)`, holds those of the title alone, and a fourth,
//! `search_titles (title)`, the title's words and pairs again, with positions: the ranking
//! looks up the titles there, in entries as small as the titles themselves.
//!
//! Why this design (measured in PERFORMANCE.md): SQLite's trigram tokenizer indexed three
//! tokens per character and was most of an import's time, and its index was 2.6× the
//! text. Here a CJK character is one pair token and a word one token, SQLite's own
//! tokenizer (`ascii`) only splits at spaces, and the index keeps positions (for phrases)
//! but not the text (the posts table has it, compressed: see `library::body`).

pub mod query;
pub mod tokenize;

use rusqlite::{Connection, params};

use crate::post::PostId;

/// The index's tables: each holds a row for every indexed post, but for the tables of CJK
/// characters, which have none for a post (or title) without any.
pub(super) const TABLES: [&str; 4] = [
    "search_index",
    "search_chars",
    "search_title_chars",
    "search_titles",
];

/// A post's title and body as the index takes them: tokenised, so the work can be done on
/// any thread before the writer needs it.
#[derive(Debug, Clone, Default)]
pub struct IndexText {
    title: String,
    body: String,
    /// The distinct CJK characters of both, for `search_chars`.
    chars: String,
    /// Those of the title, for `search_title_chars`.
    title_chars: String,
}

impl IndexText {
    pub fn of(title: &str, body: &str) -> IndexText {
        IndexText {
            title: tokenize::index_text(title),
            body: tokenize::index_text(body),
            chars: tokenize::distinct_cjk(&[title, body]),
            title_chars: tokenize::distinct_cjk(&[title]),
        }
    }

    /// How many tokens each column holds, as FTS5 records them in `search_index_docsize`.
    pub(super) fn token_counts(&self) -> [u64; 2] {
        let count = |text: &str| text.split(' ').filter(|t| !t.is_empty()).count() as u64;
        [count(&self.title), count(&self.body)]
    }
}

/// Indexes one post (not yet indexed: [`remove`] it first when replacing).
pub fn insert(conn: &Connection, id: PostId, text: &IndexText) -> rusqlite::Result<()> {
    insert_words_and_chars(conn, id, text)?;
    insert_title_chars(conn, id, &text.title_chars)?;
    insert_title(conn, id, &text.title)
}

/// [`insert`] into the two tables of migration 6, which fills them before migrations 9
/// and 10 have made the others.
pub(super) fn insert_words_and_chars(
    conn: &Connection,
    id: PostId,
    text: &IndexText,
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO search_index (rowid, title, body) VALUES (?1, ?2, ?3)")?
        .execute(params![id, text.title, text.body])?;
    if !text.chars.is_empty() {
        conn.prepare_cached("INSERT INTO search_chars (rowid, chars) VALUES (?1, ?2)")?
            .execute(params![id, text.chars])?;
    }
    Ok(())
}

/// Indexes the CJK characters of one post's title (`distinct_cjk` of it).
pub(super) fn insert_title_chars(
    conn: &Connection,
    id: PostId,
    title_chars: &str,
) -> rusqlite::Result<()> {
    if !title_chars.is_empty() {
        conn.prepare_cached("INSERT INTO search_title_chars (rowid, chars) VALUES (?1, ?2)")?
            .execute(params![id, title_chars])?;
    }
    Ok(())
}

/// Indexes the words and CJK pairs of one post's title (`index_text` of it).
pub(super) fn insert_title(conn: &Connection, id: PostId, title: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO search_titles (rowid, title) VALUES (?1, ?2)")?
        .execute(params![id, title])?;
    Ok(())
}

/// How `search_index` and `search_chars` take new terms: how many bytes of them they hold
/// in memory before writing them out as a segment (`hashsize`), and how many segments of a
/// size pile up before FTS5 merges them into one (`automerge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Writing {
    /// 8 MiB, as migration 6 sets it, and FTS5's own 4.
    Usual,
    /// 64 MiB and 16, for writing a whole library's worth of posts (a long import, a
    /// rebuild). Each write of the pending terms is a new segment, and merging reads the
    /// segments back and writes them again, so an import with the usual settings rewrote
    /// most of its index several times. Measured against the usual settings (see
    /// PERFORMANCE.md): the buffer alone made an import of 10,000 posts 0.80× the wall
    /// time and one of 100,000 posts 0.90×, for a peak of 279 MB against 191 MB and 382
    /// MB against 215 MB (128 MiB was no faster, 32 MiB slower); merging by 16 then made
    /// the 100,000 posts 0.88× again (261 → 231 s), with fewer segments at the end (9
    /// against 11) and searches as fast.
    Bulk,
}

/// Sets how the index takes new terms (see [`Writing`]). A bulk writer sets it and sets it
/// back inside its transaction: the settings are stored with the tables, and a library
/// keeps the usual ones for everything else (a reader building its index in the
/// background, a sync of a few posts).
pub(super) fn set_writing(conn: &Connection, writing: Writing) -> rusqlite::Result<()> {
    let (hashsize, automerge): (i64, i64) = match writing {
        Writing::Usual => (8 << 20, 4),
        Writing::Bulk => (64 << 20, 16),
    };
    for table in ["search_index", "search_chars"] {
        let mut set = conn.prepare_cached(&format!(
            "INSERT INTO {table} ({table}, rank) VALUES (?1, ?2)"
        ))?;
        set.execute(params!["hashsize", hashsize])?;
        set.execute(params!["automerge", automerge])?;
    }
    Ok(())
}

/// Takes one post out of the index.
pub fn remove(conn: &Connection, id: PostId) -> rusqlite::Result<()> {
    for table in TABLES {
        conn.prepare_cached(&format!("DELETE FROM {table} WHERE rowid = ?1"))?
            .execute([id])?;
    }
    Ok(())
}

impl crate::library::Library {
    /// Makes imports write posts without indexing them, for a reader that shows posts at
    /// once and builds the index behind them with [`Library::index_pending`]. Tokenising
    /// is most of an import's work: a folder read directly shows its posts in a fraction
    /// of the time. Searches find only the posts indexed so far; see
    /// [`Library::unindexed_count`].
    pub fn defer_indexing(&mut self, defer: bool) {
        self.defer_index = defer;
    }

    /// Whether imports leave the index to [`Library::index_pending`].
    pub fn defers_indexing(&self) -> bool {
        self.defer_index
    }

    /// How many posts are not in the search index yet.
    pub fn unindexed_count(&self) -> Result<u64, crate::library::LibraryError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM posts WHERE id NOT IN (SELECT id FROM search_index_docsize)",
            [],
            |row| row.get(0),
        )?)
    }

    /// Indexes up to `batch` posts not indexed yet, in one transaction, and returns how many
    /// remain. Called again and again by a background job until it returns 0; each call is
    /// short, so the job can answer other requests between them.
    pub fn index_pending(&mut self, batch: usize) -> Result<u64, crate::library::LibraryError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "SELECT id, title, body FROM posts \
                 WHERE id NOT IN (SELECT id FROM search_index_docsize) LIMIT ?1",
            )?;
            let mut rows = stmt.query([batch as i64])?;
            while let Some(row) = rows.next()? {
                let title: String = row.get(1)?;
                let body = crate::library::body::from_row(row, 2)?;
                insert(&tx, row.get(0)?, &IndexText::of(&title, &body))?;
            }
        }
        tx.commit()?;
        self.unindexed_count()
    }
}

#[cfg(test)]
mod tests;
