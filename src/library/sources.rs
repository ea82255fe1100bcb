//! Sources: where posts come from (a local folder, a GitHub repository path, a feed), with
//! what a sync needs to remember between runs (HTTP validators, last result).

use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use super::rows::collect_rows;
use super::{Library, LibraryError};
use crate::loader::http::Validators;
use crate::post::SourceId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Local,
    #[serde(rename = "github")]
    GitHub,
    Feed,
}

impl SourceKind {
    fn as_str(self) -> &'static str {
        match self {
            SourceKind::Local => "local",
            SourceKind::GitHub => "github",
            SourceKind::Feed => "feed",
        }
    }

    fn parse(text: &str) -> SourceKind {
        match text {
            "github" => SourceKind::GitHub,
            "feed" => SourceKind::Feed,
            _ => SourceKind::Local,
        }
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a user says a source is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    pub name: String,
    pub kind: SourceKind,
    pub location: String,
}

/// A source as the library knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    pub id: SourceId,
    pub name: String,
    pub kind: SourceKind,
    pub location: String,
    pub post_count: u64,
    /// RFC 3339.
    pub last_sync: Option<String>,
    pub last_status: Option<String>,
    /// The HTTP validators (ETag, Last-Modified) of the last complete fetch.
    #[serde(skip)]
    pub validators: Validators,
}

const SOURCE_COLUMNS: &str = "s.id, s.name, s.kind, s.location, \
     (SELECT COUNT(*) FROM posts p WHERE p.source_id = s.id), \
     s.last_sync, s.last_status, s.etag, s.last_modified";

fn source_from_row(row: &Row<'_>) -> rusqlite::Result<SourceInfo> {
    Ok(SourceInfo {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: SourceKind::parse(&row.get::<_, String>(2)?),
        location: row.get(3)?,
        post_count: row.get(4)?,
        last_sync: row.get(5)?,
        last_status: row.get(6)?,
        validators: Validators {
            etag: row.get(7)?,
            last_modified: row.get(8)?,
        },
    })
}

impl Library {
    /// Registers a source by name, or updates its kind and location if the name exists.
    pub fn ensure_source(&self, spec: &SourceSpec) -> Result<SourceId, LibraryError> {
        let id = self.conn.query_row(
            "INSERT INTO sources (name, kind, location) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, location = excluded.location
             RETURNING id",
            (&spec.name, spec.kind.as_str(), &spec.location),
            |row| row.get(0),
        )?;
        Ok(id)
    }

    /// All sources, by name.
    pub fn sources(&self) -> Result<Vec<SourceInfo>, LibraryError> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources s ORDER BY s.name");
        let mut stmt = self.conn.prepare(&sql)?;
        collect_rows(&mut stmt, [], source_from_row)
    }

    pub fn source(&self, name: &str) -> Result<Option<SourceInfo>, LibraryError> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.name = ?1");
        Ok(self
            .conn
            .query_row(&sql, [name], source_from_row)
            .optional()?)
    }

    /// The local source reading `location`, if one exists.
    pub fn source_at(
        &self,
        kind: SourceKind,
        location: &str,
    ) -> Result<Option<SourceInfo>, LibraryError> {
        let sql =
            format!("SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.kind = ?1 AND s.location = ?2");
        Ok(self
            .conn
            .query_row(&sql, [kind.as_str(), location], source_from_row)
            .optional()?)
    }

    /// Removes a source with its posts and their reading state; returns how many posts went.
    pub fn remove_source(&self, name: &str) -> Result<usize, LibraryError> {
        let source = self
            .source(name)?
            .ok_or_else(|| LibraryError::NoSuchSource(name.to_string()))?;
        self.conn
            .execute("DELETE FROM sources WHERE id = ?1", [source.id])?;
        self.invalidate_caches();
        Ok(source.post_count as usize)
    }

    /// Remembers the HTTP validators (ETag, Last-Modified) of a source's last complete fetch.
    pub fn set_source_validators(
        &self,
        id: SourceId,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<(), LibraryError> {
        self.conn.execute(
            "UPDATE sources SET etag = ?2, last_modified = ?3 WHERE id = ?1",
            (id, etag, last_modified),
        )?;
        Ok(())
    }

    /// Records when a source was last synced and how it went.
    pub fn record_sync(&self, id: SourceId, status: &str) -> Result<(), LibraryError> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.conn.execute(
            "UPDATE sources SET last_sync = ?2, last_status = ?3 WHERE id = ?1",
            (id, now, status),
        )?;
        Ok(())
    }
}

#[cfg(test)]
impl Library {
    /// An empty in-memory library with one local source: where most library tests start.
    pub(crate) fn in_memory_with_local_source(name: &str, location: &str) -> (Library, SourceId) {
        let library = Library::open_in_memory().unwrap();
        let source = library
            .ensure_source(&SourceSpec {
                name: name.into(),
                kind: SourceKind::Local,
                location: location.into(),
            })
            .unwrap();
        (library, source)
    }
}
