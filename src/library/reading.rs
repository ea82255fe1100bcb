//! Reading state: read, starred and the reading position of each post. This is user data:
//! it is keyed by the post's path in its source, so re-imports and syncs keep it.

use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::{Library, LibraryError};
use crate::post::PostId;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingState {
    pub read: bool,
    pub starred: bool,
    /// Where the reader was: a byte offset into the post's markdown, so it survives a change
    /// of terminal width.
    #[serde(default)]
    pub position: Option<i64>,
}

impl ReadingState {
    /// The state from the columns `read, starred, position`, the first at `first`.
    pub(super) fn from_row(row: &Row<'_>, first: usize) -> rusqlite::Result<ReadingState> {
        Ok(ReadingState {
            read: row.get(first)?,
            starred: row.get(first + 1)?,
            position: row.get(first + 2)?,
        })
    }
}

impl Library {
    pub fn reading_state(&self, id: PostId) -> Result<ReadingState, LibraryError> {
        let state = self
            .conn
            .query_row(
                "SELECT r.read, r.starred, r.position FROM posts p
                 JOIN reading r ON r.source_id = p.source_id AND r.rel_path = p.rel_path
                 WHERE p.id = ?1",
                [id],
                |row| ReadingState::from_row(row, 0),
            )
            .optional()?;
        Ok(state.unwrap_or_default())
    }

    pub fn set_read(&self, id: PostId, read: bool) -> Result<(), LibraryError> {
        self.update_reading(id, "read", &read)
    }

    pub fn set_starred(&self, id: PostId, starred: bool) -> Result<(), LibraryError> {
        self.update_reading(id, "starred", &starred)
    }

    pub fn set_position(&self, id: PostId, position: i64) -> Result<(), LibraryError> {
        self.update_reading(id, "position", &position)
    }

    /// Sets one column of a post's reading state, creating the row when needed. `column` is
    /// one of our own names, never user input.
    fn update_reading(
        &self,
        id: PostId,
        column: &'static str,
        value: &dyn rusqlite::ToSql,
    ) -> Result<(), LibraryError> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let sql = format!(
            "INSERT INTO reading (source_id, rel_path, {column}, updated_at)
             SELECT source_id, rel_path, ?2, ?3 FROM posts WHERE id = ?1
             ON CONFLICT (source_id, rel_path) DO UPDATE
             SET {column} = excluded.{column}, updated_at = excluded.updated_at"
        );
        self.conn.execute(&sql, params![id, value, now])?;
        Ok(())
    }
}
