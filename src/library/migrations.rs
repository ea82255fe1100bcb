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

fn fill_migration_2(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    super::bigrams::index_all(tx)?;
    super::tag_names::store_tag_names(tx)
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
    Ok(Ok(()))
}
