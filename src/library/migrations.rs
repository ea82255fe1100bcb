//! Numbered schema migrations, applied in order on open. `PRAGMA user_version` records how
//! many have run; each runs in its own transaction, so a failure leaves the previous schema.
//! Never edit a migration that has shipped: add a new one.

use rusqlite::{Connection, Transaction, TransactionBehavior};

/// One schema step: SQL, then (for a new derived table) Rust that fills it from existing
/// rows, in the same transaction.
struct Migration {
    sql: &'static str,
    fill: Option<fn(&Transaction<'_>) -> rusqlite::Result<()>>,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: MIGRATION_1,
        fill: None,
    },
    Migration {
        sql: MIGRATION_2,
        fill: Some(fill_migration_2),
    },
    Migration {
        sql: MIGRATION_3,
        fill: None,
    },
    Migration {
        sql: MIGRATION_4,
        fill: Some(super::items::index_all),
    },
    Migration {
        sql: MIGRATION_5,
        fill: None,
    },
    Migration {
        sql: MIGRATION_6,
        fill: Some(fill_migration_6),
    },
    Migration {
        sql: MIGRATION_7,
        fill: None,
    },
    Migration {
        sql: MIGRATION_8,
        fill: None,
    },
    Migration {
        sql: MIGRATION_9,
        fill: Some(fill_migration_9),
    },
    Migration {
        sql: MIGRATION_10,
        fill: Some(fill_migration_10),
    },
    Migration {
        sql: MIGRATION_11,
        fill: None,
    },
];

// 1: sources, posts, tags, reading state, settings, full-text index.
const MIGRATION_1: &str = r#"
    CREATE TABLE sources (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        kind          TEXT NOT NULL,
        location      TEXT NOT NULL,
        etag          TEXT,
        last_modified TEXT,
        last_sync     TEXT,
        last_status   TEXT
    );
    CREATE TABLE posts (
        id           INTEGER PRIMARY KEY,
        source_id    INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        rel_path     TEXT NOT NULL,
        title        TEXT NOT NULL,
        date_ts      INTEGER,
        date_day     TEXT,
        author       TEXT,
        description  TEXT,
        web_url      TEXT,
        draft        INTEGER NOT NULL DEFAULT 0,
        natural_key  TEXT NOT NULL,
        body         TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        mtime_ns     INTEGER,
        size         INTEGER,
        UNIQUE (source_id, rel_path)
    );
    -- Newest first; undated posts (NULL date) after dated ones, by natural path order.
    CREATE INDEX posts_newest ON posts (date_ts DESC, natural_key DESC);
    CREATE TABLE post_tags (
        post_id  INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        tag_key  TEXT NOT NULL,
        spelling TEXT NOT NULL,
        kind     TEXT NOT NULL CHECK (kind IN ('meta', 'topic')),
        PRIMARY KEY (post_id, tag_key, kind)
    ) WITHOUT ROWID;
    CREATE INDEX post_tags_by_key ON post_tags (tag_key, post_id);
    -- Reading state is user data: keyed by the post's identity in its source, not by row id,
    -- so it survives a post being re-imported, updated, or removed and added back.
    CREATE TABLE reading (
        source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        rel_path   TEXT NOT NULL,
        read       INTEGER NOT NULL DEFAULT 0,
        starred    INTEGER NOT NULL DEFAULT 0,
        position   INTEGER,
        updated_at TEXT,
        PRIMARY KEY (source_id, rel_path)
    ) WITHOUT ROWID;
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    -- trigram: substring search that works for Chinese, which has no spaces between words.
    CREATE VIRTUAL TABLE posts_fts USING fts5 (
        title, body, content = 'posts', content_rowid = 'id', tokenize = 'trigram'
    );
    CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
        INSERT INTO posts_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
    END;
    CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
        INSERT INTO posts_fts (posts_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END;
    CREATE TRIGGER posts_fts_update AFTER UPDATE OF title, body ON posts BEGIN
        INSERT INTO posts_fts (posts_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO posts_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
    END;
    "#;

// 2: speed for a large library.
// - The short-word index (see `library::bigrams`): one- and two-character Chinese terms,
//   which trigrams cannot answer, without scanning every body. Contentless (the text is in
//   `posts`), no positions (queries are single tokens), ASCII-only separators (the tokens
//   are CJK characters split by spaces).
// - The import code, not triggers, writes both full-text indexes. A statement that fires a
//   trigger opens a savepoint, and FTS5 writes its pending terms to disk at every savepoint:
//   one tiny segment per post, merged again and again (3 of the 4.5 s of importing 1,000
//   posts). Without them the terms of a whole import are flushed in large pieces, in memory
//   up to `hashsize`. Deletes still follow `posts` by trigger (removals are few).
// - Tag names (key → the spelling most posts use, and kind) stored by writers, so that
//   opening the library does not group all of `post_tags`. Writers store them after
//   changing `post_tags`; removing a source (a cascade) empties the table, and readers
//   derive the names themselves while it is empty.
// - A covering index for deriving them without sorting the table.
const MIGRATION_2: &str = r#"
    DROP TRIGGER posts_fts_insert;
    DROP TRIGGER posts_fts_update;
    INSERT INTO posts_fts (posts_fts, rank) VALUES ('hashsize', 8388608);
    CREATE VIRTUAL TABLE posts_bigrams USING fts5 (
        grams, content = '', contentless_delete = 1, detail = 'none', tokenize = 'ascii'
    );
    INSERT INTO posts_bigrams (posts_bigrams, rank) VALUES ('hashsize', 8388608);
    CREATE TRIGGER posts_bigrams_delete AFTER DELETE ON posts BEGIN
        DELETE FROM posts_bigrams WHERE rowid = old.id;
    END;
    CREATE TABLE tag_names (
        tag_key  TEXT PRIMARY KEY,
        spelling TEXT NOT NULL,
        kind     TEXT NOT NULL CHECK (kind IN ('meta', 'topic'))
    ) WITHOUT ROWID;
    CREATE INDEX post_tags_by_spelling ON post_tags (tag_key, spelling, kind);
    CREATE TRIGGER tag_names_stale AFTER DELETE ON sources BEGIN
        DELETE FROM tag_names;
    END;
    "#;

// 3: a list page without reading post rows. `posts_page` orders posts newest first, as
// `posts_newest` did, and also holds the other columns of `posts` a list or search needs to
// choose and show its page (source, path, day, title; the id comes with every index entry).
// Walking it, a list stops at its page limit and never reads a post row, whose body makes it
// a page or more of the file; a search tests titles for its title-first ranking from it.
// For the app's list of every post, 48 ms → 21 ms on 10,000 posts.
const MIGRATION_3: &str = r#"
    CREATE INDEX posts_page ON posts (
        date_ts DESC, natural_key DESC, source_id, rel_path, date_day, title
    );
    DROP INDEX posts_newest;
    "#;

// 4: newsletter items (see `crate::items` and `library::items`). Each post's sections and
// items, written with the post and deleted with it (cascade). A whole section is stored
// both as one item (`kind = 'whole'`, `parts` = how many items it splits into) and as its
// parts; `visible` says which the per-source guards chose. Questions and releases carry
// their fields in their own columns (`changes` a JSON array). `text_key` finds text
// repeated verbatim across issues. Search: a trigram index like the posts' one, written by
// the import code; deletes follow by trigger.
const MIGRATION_4: &str = r#"
    CREATE TABLE items (
        id          INTEGER PRIMARY KEY,
        post_id     INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        source_id   INTEGER NOT NULL,
        seq         INTEGER NOT NULL,
        section_key TEXT NOT NULL,
        section     TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('whole', 'part', 'question', 'release')),
        title       TEXT NOT NULL,
        link        TEXT,
        body        TEXT NOT NULL,
        place       INTEGER NOT NULL,
        heading     INTEGER,
        parts       INTEGER NOT NULL DEFAULT 0,
        asker       TEXT,
        question    TEXT,
        answer      TEXT,
        project     TEXT,
        version     TEXT,
        changes     TEXT,
        text_key    TEXT NOT NULL,
        visible     INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX items_by_post ON items (post_id, seq);
    CREATE INDEX items_by_section ON items (source_id, section_key);
    CREATE INDEX items_by_text ON items (source_id, text_key);
    CREATE INDEX items_by_kind ON items (kind, visible);
    CREATE VIRTUAL TABLE items_fts USING fts5 (
        title, body, content = 'items', content_rowid = 'id', tokenize = 'trigram'
    );
    CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END;
    "#;

// 5: pictures kept offline (see `crate::pictures`).
// - `posts.cover`: the front matter's cover reference, as written (resolved when fetched).
// - `pictures`: one row per picture URL, whatever its state; `file` is relative to the
//   library folder, so a moved library keeps its cache. `shown_at` (or, never shown,
//   `fetched_at`) orders what the budget drops first. Failures keep `attempts` and
//   `retry_at` for a growing delay.
// - `post_pictures`: which post uses which picture; a picture used by 97 posts is one row
//   in `pictures` and one file.
// - `picture_scans`: the content each post's pictures were last found in, so that only
//   new and changed posts are read again, and an interrupted sync resumes.
// Nothing here is read on open: a cache of any size costs opening the library nothing.
const MIGRATION_5: &str = r#"
    ALTER TABLE posts ADD COLUMN cover TEXT;
    CREATE TABLE pictures (
        id         INTEGER PRIMARY KEY,
        url        TEXT NOT NULL UNIQUE,
        status     TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('ok', 'failed', 'skipped', 'pending')),
        hash       TEXT,
        file       TEXT,
        bytes      INTEGER NOT NULL DEFAULT 0,
        width      INTEGER,
        height     INTEGER,
        reason     TEXT,
        attempts   INTEGER NOT NULL DEFAULT 0,
        retry_at   INTEGER,
        fetched_at INTEGER,
        shown_at   INTEGER
    );
    CREATE INDEX pictures_by_hash ON pictures (hash);
    CREATE TABLE post_pictures (
        post_id    INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        picture_id INTEGER NOT NULL REFERENCES pictures(id) ON DELETE CASCADE,
        role       TEXT NOT NULL CHECK (role IN ('cover', 'body')),
        PRIMARY KEY (post_id, picture_id)
    ) WITHOUT ROWID;
    CREATE INDEX post_pictures_by_picture ON post_pictures (picture_id, post_id);
    CREATE TABLE picture_scans (
        post_id      INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
        content_hash TEXT NOT NULL
    );
    "#;

// 6: the search index of `library::index` replaces both the trigram and the short-word
// index, and bodies are stored compressed (`library::body`). Measured on 10,000 posts
// (187 MB of markdown): the import 85 s on one pegged core → 35 s of CPU on two threads,
// the library 3.6× → 1.3× the markdown; see PERFORMANCE.md. Contentless with deletes (the text is in `posts`, and a
// row is removed by id alone); positions kept, for phrases; the `ascii` tokenizer, as the
// text reaches it already split into tokens by spaces. Deletes follow `posts` by trigger;
// the import code writes the rows (see migration 2 for why not triggers).
const MIGRATION_6: &str = r#"
    DROP TRIGGER posts_fts_delete;
    DROP TABLE posts_fts;
    DROP TRIGGER posts_bigrams_delete;
    DROP TABLE posts_bigrams;
    CREATE VIRTUAL TABLE search_index USING fts5 (
        title, body, content = '', contentless_delete = 1, tokenize = 'ascii'
    );
    INSERT INTO search_index (search_index, rank) VALUES ('hashsize', 8388608);
    CREATE VIRTUAL TABLE search_chars USING fts5 (
        chars, content = '', contentless_delete = 1, detail = 'none', tokenize = 'ascii'
    );
    INSERT INTO search_chars (search_chars, rank) VALUES ('hashsize', 8388608);
    CREATE TRIGGER search_index_delete AFTER DELETE ON posts BEGIN
        DELETE FROM search_index WHERE rowid = old.id;
        DELETE FROM search_chars WHERE rowid = old.id;
    END;
    "#;

// 7: items kept small (see `library::items`): no trigram index of their own (a search
// finds their posts through `search_index`), and a whole section's text derived from its
// post when read rather than stored, a question's and a release's from their columns.
// The guards' counts of posts per section and per text read only the two indexes, which
// now hold the post.
const MIGRATION_7: &str = r#"
    DROP TRIGGER items_fts_delete;
    DROP TABLE items_fts;
    UPDATE items SET body = '' WHERE kind IN ('whole', 'question', 'release');
    DROP INDEX items_by_section;
    DROP INDEX items_by_text;
    CREATE INDEX items_by_section ON items (source_id, section_key, post_id);
    CREATE INDEX items_by_text ON items (source_id, text_key, post_id);
    "#;

// 8: the titles, links and text of sections' items derived from their post when read,
// like a whole section's text in 7 (see `library::items`): they were 0.14× the markdown of
// a generated archive.
const MIGRATION_8: &str = r#"
    UPDATE items SET title = '', link = NULL, body = '' WHERE kind IN ('whole', 'part');
    "#;

// 9: the CJK characters of each title (see `library::index`), so that a search for one
// character ranks the posts with it in the title first without reading every title: at
// 100,000 posts, 35 of the 39 ms of `search 的`, a character in no title.
const MIGRATION_9: &str = r#"
    CREATE VIRTUAL TABLE search_title_chars USING fts5 (
        chars, content = '', contentless_delete = 1, detail = 'none', tokenize = 'ascii'
    );
    CREATE TRIGGER search_title_chars_delete AFTER DELETE ON posts BEGIN
        DELETE FROM search_title_chars WHERE rowid = old.id;
    END;
    "#;

// 10: the words and CJK pairs of each title, with positions (see `library::index`), so that
// a search ranks the posts with its words in the title first without reading the whole
// index entries of those words: a column filter on `search_index` (`{title} : …`) reads
// every post's entries of each word, 6.4 of the 30 ms in SQL of `search "async closure"`
// at 100,000 posts, for one title.
const MIGRATION_10: &str = r#"
    CREATE VIRTUAL TABLE search_titles USING fts5 (
        title, content = '', contentless_delete = 1, tokenize = 'ascii'
    );
    CREATE TRIGGER search_titles_delete AFTER DELETE ON posts BEGIN
        DELETE FROM search_titles WHERE rowid = old.id;
    END;
    "#;

// 11: the index of items by kind holds questions and releases alone, the only kinds an
// item query asks for (see `library::items`). Sections' items, whole and part, are all
// but a few of the items: the index of every item was 4.5 MB at 10,000 generated posts
// (1.5 % of the library), 45 MB at 100,000, and an insert into it for each of them.
const MIGRATION_11: &str = r#"
    DROP INDEX items_by_kind;
    CREATE INDEX items_by_kind ON items (kind, visible) WHERE kind IN ('question', 'release');
    "#;

// Migration 2 also filled the short-word index; migration 6 drops that index, so a library
// migrating past both no longer builds it in between.
fn fill_migration_2(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    super::tag_names::store_tag_names(tx)
}

/// Compresses every body and indexes every post, reporting progress as it goes.
fn fill_migration_6(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM posts")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let total = ids.len() as u64;
    let mut read = tx.prepare("SELECT title, body FROM posts WHERE id = ?1")?;
    let mut write = tx.prepare("UPDATE posts SET body = ?2 WHERE id = ?1")?;
    for (done, id) in ids.into_iter().enumerate() {
        let (title, body): (String, String) = read.query_row([id], |row| {
            Ok((row.get(0)?, super::body::from_row(row, 1)?))
        })?;
        write.execute(rusqlite::params![id, super::body::compress(&body)])?;
        super::index::insert_words_and_chars(tx, id, &super::index::IndexText::of(&title, &body))?;
        if done % 64 == 0 {
            report_progress(done as u64, total);
        }
    }
    report_progress(total, total);
    Ok(())
}

/// Indexes the CJK characters of every title (see [`index_every_title`]: 4.8 s for
/// 100,000 posts).
fn fill_migration_9(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    index_every_title(tx, |tx, id, title| {
        let chars = super::index::tokenize::distinct_cjk(&[title]);
        super::index::insert_title_chars(tx, id, &chars)
    })
}

/// Indexes the words and CJK pairs of every title (see [`index_every_title`]: 5.5 s for
/// 100,000 posts).
fn fill_migration_10(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    index_every_title(tx, |tx, id, title| {
        let tokens = super::index::tokenize::index_text(title);
        super::index::insert_title(tx, id, &tokens)
    })
}

/// Calls `index` with every post's id and title, reporting progress as it goes: titles
/// only, no body is read.
fn index_every_title(
    tx: &Transaction<'_>,
    index: impl Fn(&Transaction<'_>, i64, &str) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let total: u64 = tx.query_row("SELECT COUNT(*) FROM posts", [], |row| row.get(0))?;
    let mut titles = tx.prepare("SELECT id, title FROM posts")?;
    let mut rows = titles.query([])?;
    let mut done = 0;
    while let Some(row) = rows.next()? {
        let title: String = row.get(1)?;
        index(tx, row.get(0)?, &title)?;
        if done % 256 == 0 {
            report_progress(done, total);
        }
        done += 1;
    }
    report_progress(total, total);
    Ok(())
}

/// Called as a long migration goes, with the posts done and their total.
type ProgressFn = dyn Fn(u64, u64) + Send + Sync;

static PROGRESS: std::sync::OnceLock<Box<ProgressFn>> = std::sync::OnceLock::new();

/// Sets what is told of a long migration's progress (the command line draws a bar on a
/// terminal). The library itself prints nothing; without this, nothing is told.
pub fn on_progress(report: impl Fn(u64, u64) + Send + Sync + 'static) {
    let _ = PROGRESS.set(Box::new(report));
}

fn report_progress(done: u64, total: u64) {
    if let Some(report) = PROGRESS.get() {
        report(done, total);
    }
}

/// The schema version this build writes.
pub const LATEST: usize = MIGRATIONS.len();

/// Brings the schema up to date. A library written by a newer build is refused rather than
/// silently misread.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<Result<(), usize>> {
    let version = |conn: &Connection| -> rusqlite::Result<usize> {
        conn.query_row("PRAGMA user_version", [], |row| row.get(0))
    };
    let current = version(conn)?;
    if current >= LATEST {
        return Ok(if current > LATEST {
            Err(current)
        } else {
            Ok(())
        });
    }
    // Two programs may open a new library at the same moment: the write lock is taken
    // first and the version read again under it, so only one of them runs each migration
    // (the other used to fail with "table posts already exists").
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = version(&tx)?;
    if current > LATEST {
        return Ok(Err(current));
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.execute_batch(migration.sql)?;
        if let Some(fill) = migration.fill {
            fill(&tx)?;
        }
        tx.pragma_update(None, "user_version", index + 1)?;
    }
    tx.commit()?;
    if current < 8 && current > 0 {
        reclaim_space(conn);
    }
    Ok(Ok(()))
}

/// Gives the space of the dropped trigram indexes (2.6× the markdown each) back to the file
/// system after migrations 6 and 7, and after 8 when it frees enough. Migration 8 shortens
/// rows in place, which frees room inside pages rather than whole pages, so an upgraded
/// library usually keeps its size (later writes reuse the room) and only a fresh import is
/// smaller. Best effort: another program holding the library open makes VACUUM fail, and
/// the library is as good without it (the free pages are reused).
fn reclaim_space(conn: &Connection) {
    let pages = |pragma: &str| -> i64 {
        conn.query_row(&format!("PRAGMA {pragma}"), [], |row| row.get(0))
            .unwrap_or(0)
    };
    if pages("freelist_count") * 4 > pages("page_count") {
        let _ = conn.execute_batch("VACUUM");
    }
}
