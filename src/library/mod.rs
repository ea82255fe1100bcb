//! The library: one SQLite database holding the sources, their posts (metadata and markdown),
//! tags, each post's reading state, and a full-text index. The CLI, the app and sync all go
//! through [`Library`]; nothing else touches SQL.
//!
//! The database runs in WAL mode with a busy timeout, so the app can read while a sync in
//! another thread or process writes. A `Library` is one connection: `Send`, not `Sync`; a
//! background thread opens its own.

mod body;
mod check;
mod excerpt;
mod import;
mod index;
mod items;
mod migrations;
pub mod pictures;
mod query;
mod reading;
mod rows;
mod search;
mod sources;
mod state_export;
mod tag_names;

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use check::{CheckReport, SalvageReport, salvage};
pub use import::{Change, ImportBatch, ImportReport, StoredFile, Upsert};
pub use items::{Details, ItemFilter, ItemRow, SectionCount};
pub use migrations::on_progress as on_migration_progress;
pub use query::{Filter, StoredPost};
pub use reading::ReadingState;
pub use search::SearchHit;
pub use sources::{SourceInfo, SourceKind, SourceSpec};
pub use state_export::{ReadingImportReport, ReadingRecord};

use crate::tags::Topics;
use tag_names::TagName;

/// The database file inside the library folder.
pub const DB_FILE: &str = "library.sqlite3";

/// How long a writer waits for another one before giving up with [`LibraryError::Locked`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("cannot create the library folder {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the library {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the library {} is locked by another program; close it or try again",
        path.display()
    )]
    Locked { path: PathBuf },
    #[error(
        "the library {} was written by a newer sofa-weekly (schema {found}, this one knows {known}); upgrade sofa-weekly",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: usize,
        known: usize,
    },
    #[error(
        "the library {} is read-only ({reason}); it needs a writable folder, even to read",
        path.display()
    )]
    ReadOnly { path: PathBuf, reason: String },
    #[error("the library is read-only or the disk is full ({source}); nothing was changed")]
    CannotWrite { source: rusqlite::Error },
    #[error(
        "the library {} is damaged ({reason}); `sofa-weekly check --repair` moves it aside and saves what it can still read into a new library",
        path.display()
    )]
    Damaged { path: PathBuf, reason: String },
    /// A damaged page met by a query after the library opened; the command line names the
    /// file (see `cli::run`).
    #[error(
        "the library file is damaged ({0}); `sofa-weekly check --repair` moves it aside and saves what it can still read into a new library"
    )]
    Corrupt(#[source] rusqlite::Error),
    #[error("library query failed: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("no source named {0:?}")]
    NoSuchSource(String),
}

impl From<rusqlite::Error> for LibraryError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseCorrupt, DiskFull, NotADatabase, ReadOnly};
        use rusqlite::ffi::{SQLITE_IOERR_FSYNC, SQLITE_IOERR_TRUNCATE, SQLITE_IOERR_WRITE};
        // A failed write is reported by the OS as ENOSPC (SQLITE_FULL) or, for EFBIG, EDQUOT
        // and EROFS, as an I/O error on write: all mean "cannot write", not a query bug.
        let failed_write = err.sqlite_error().is_some_and(|e| {
            matches!(
                e.extended_code,
                SQLITE_IOERR_WRITE | SQLITE_IOERR_FSYNC | SQLITE_IOERR_TRUNCATE
            )
        });
        match err.sqlite_error_code() {
            Some(ReadOnly | DiskFull) => LibraryError::CannotWrite { source: err },
            Some(DatabaseCorrupt | NotADatabase) => LibraryError::Corrupt(err),
            _ if failed_write => LibraryError::CannotWrite { source: err },
            _ => LibraryError::Sqlite(err),
        }
    }
}

/// Why the library cannot be written, when that is why it did not open: SQLite's own
/// message ("unable to open database file") does not say. WAL needs its `-wal` and `-shm`
/// files beside the database, so a read-only folder or file system stops even reading.
fn read_only_reason(dir: &Path, file: &Path) -> Option<String> {
    let probe = if file.exists() {
        std::fs::OpenOptions::new()
            .append(true)
            .open(file)
            .map(drop)
    } else {
        tempfile_probe(dir)
    };
    match probe {
        Err(err)
            if matches!(
                err.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Some(err.to_string())
        }
        _ => tempfile_probe(dir).err().map(|err| err.to_string()),
    }
}

/// Creates and removes a file in `dir`, to learn whether it is writable.
fn tempfile_probe(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    std::fs::File::create(&probe)?;
    std::fs::remove_file(&probe)
}

/// The local store of posts. See the module docs.
pub struct Library {
    conn: Connection,
    /// The database file, or `None` for an in-memory library (the sample archive, a folder
    /// opened without importing).
    path: Option<PathBuf>,
    /// The topic vocabulary; the built-in one unless [`Library::set_topics`] gave another.
    /// Built on first use: callers that set their own never pay for the built-in matcher.
    topics: OnceCell<Topics>,
    /// tag key → (display spelling, kind); derived from `post_tags`, dropped on every write.
    tag_names: RefCell<Option<HashMap<String, TagName>>>,
    /// Whether imports leave the search index to [`Library::index_pending`] (see
    /// [`Library::defer_indexing`]).
    defer_index: bool,
    /// Counts this connection among the process's open ones on its file (see
    /// [`OPEN_FILES`]); declared after `conn`, so it is dropped after the connection closes.
    _open_file: Option<OpenFile>,
}

/// The database files this process has a connection open on, once per connection.
///
/// [`Library::open`] reads a file's header itself to tell a truncated file, and that means
/// opening and closing the file. On POSIX systems closing any descriptor of a file drops
/// every lock the process holds on it, those of SQLite's own connections included: a reader
/// thread would go on reading pages a writer in another process is replacing, which SQLite
/// then reports as a malformed database, and a writer's lock lost could let two write at
/// once. So the header is read only while no connection of this process has the file open;
/// a file that one of them opened is not truncated, or SQLite has said so to it.
static OPEN_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// One entry of [`OPEN_FILES`], removed when dropped.
struct OpenFile(PathBuf);

impl Drop for OpenFile {
    fn drop(&mut self) {
        let mut open = OPEN_FILES.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(index) = open.iter().position(|path| *path == self.0) {
            open.swap_remove(index);
        }
    }
}

/// Switches a connection to WAL. Switching needs the database to itself, and SQLite answers
/// "busy" at once rather than through the busy handler when another connection holds it (two
/// programs opening a new library at the same moment), so the wait is done here.
fn enable_wal(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(err)
                if err.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            result => return result,
        }
    }
}

/// Where [`Library::open`] keeps the database by default: `~/.local/share/sofa-weekly` on
/// Linux, the platform's data folder elsewhere.
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "sofa-weekly").map(|dirs| dirs.data_dir().to_path_buf())
}

impl Library {
    /// Opens (creating if needed) the library in `dir`.
    pub fn open(dir: &Path) -> Result<Library, LibraryError> {
        std::fs::create_dir_all(dir).map_err(|source| LibraryError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(DB_FILE);
        // One name for the file however `dir` was written (relative, through a link).
        let key = std::fs::canonicalize(dir).map_or_else(|_| path.clone(), |dir| dir.join(DB_FILE));
        let mut open_files = OPEN_FILES.lock().unwrap_or_else(PoisonError::into_inner);
        if !open_files.contains(&key) && check::is_truncated(&path) == Some(true) {
            return Err(LibraryError::Damaged {
                path,
                reason: "the file is shorter than its header says: it was cut off".into(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let opened = Connection::open_with_flags(&path, flags)
            .map_err(|source| LibraryError::Open {
                path: path.clone(),
                source,
            })
            .and_then(|conn| Self::setup(conn, Some(path.clone())));
        let mut library = opened.map_err(|err| match (&err, read_only_reason(dir, &path)) {
            (LibraryError::Open { .. }, Some(reason)) => LibraryError::ReadOnly { path, reason },
            _ => err,
        })?;
        open_files.push(key.clone());
        library._open_file = Some(OpenFile(key));
        Ok(library)
    }

    /// A library that lives only as long as the value: for the sample archive and for folders
    /// read without importing them.
    pub fn open_in_memory() -> Result<Library, LibraryError> {
        let conn = Connection::open_in_memory().map_err(|source| LibraryError::Open {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        Self::setup(conn, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Library, LibraryError> {
        let shown_path = path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
        let open_error = |source: rusqlite::Error| match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                LibraryError::Locked {
                    path: shown_path.clone(),
                }
            }
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                LibraryError::Damaged {
                    path: shown_path.clone(),
                    reason: source.to_string(),
                }
            }
            _ => LibraryError::Open {
                path: shown_path.clone(),
                source,
            },
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
        // WAL lets readers (the app) go on while a writer (a sync) commits; NORMAL
        // synchronous is durable across application crashes, which is what WAL needs.
        enable_wal(&conn).map_err(open_error)?;
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .map_err(open_error)?;
        match migrations::migrate(&mut conn).map_err(open_error)? {
            Ok(()) => {}
            Err(found) => {
                return Err(LibraryError::TooNew {
                    path: shown_path,
                    found,
                    known: migrations::LATEST,
                });
            }
        }
        Ok(Library {
            conn,
            path,
            topics: OnceCell::new(),
            tag_names: RefCell::new(None),
            defer_index: false,
            _open_file: None,
        })
    }

    /// A library over a connection already migrated, for tests that build the database
    /// themselves.
    #[cfg(test)]
    pub(crate) fn from_connection(conn: Connection) -> Library {
        Library {
            conn,
            path: None,
            topics: OnceCell::new(),
            tag_names: RefCell::new(None),
            defer_index: false,
            _open_file: None,
        }
    }

    /// The database file, or `None` when the library is in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The topic vocabulary used to tag posts by what they mention. Setting a different one
    /// re-tags every post (topic tags only; front-matter tags are left alone).
    pub fn set_topics(&mut self, topics: Topics) -> Result<(), LibraryError> {
        let fingerprint = topics.fingerprint();
        self.topics = OnceCell::from(topics);
        if self.setting("topics.fingerprint")?.as_deref() != Some(fingerprint.as_str()) {
            self.retag_topics()?;
            self.set_setting("topics.fingerprint", &fingerprint)?;
        }
        Ok(())
    }

    /// Forgets derived data after a write.
    fn invalidate_caches(&self) {
        self.tag_names.borrow_mut().take();
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>, LibraryError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), LibraryError> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
