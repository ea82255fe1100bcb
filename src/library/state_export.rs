//! Reading history in and out: every post's reading state as portable records (source name
//! and path, never row ids, which differ between machines), and applying such records to
//! another library. `crate::cli` turns them into JSON (`export --state`, `import --state`).

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::rows::collect_rows;
use super::{Library, LibraryError, ReadingState};

/// The reading state of one post, named the way every library names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingRecord {
    /// The source's name (`sofa-weekly sources`).
    pub source: String,
    /// The post's path in its source.
    pub path: String,
    /// Read, starred and the position (`read`, `starred`, `position` in the JSON).
    #[serde(flatten)]
    pub state: ReadingState,
    /// RFC 3339, UTC: when the state last changed.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// What [`Library::apply_reading_records`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReadingImportReport {
    /// Records written.
    pub applied: usize,
    /// Records older than the state this library has for the post, or equal to it.
    pub kept_local: usize,
    /// Records naming a source this library does not have.
    pub unknown_source: Vec<ReadingRecord>,
    /// Records naming a post its source does not have (not synced yet, or gone).
    pub unknown_post: Vec<ReadingRecord>,
}

impl Library {
    /// The reading state of every post that has one, by source name and path.
    pub fn reading_records(&self) -> Result<Vec<ReadingRecord>, LibraryError> {
        let mut stmt = self.conn.prepare(
            "SELECT s.name, r.rel_path, r.read, r.starred, r.position, r.updated_at
             FROM reading r
             JOIN sources s ON s.id = r.source_id
             JOIN posts p ON p.source_id = r.source_id AND p.rel_path = r.rel_path
             ORDER BY s.name, r.rel_path",
        )?;
        collect_rows(&mut stmt, [], |row| {
            Ok(ReadingRecord {
                source: row.get(0)?,
                path: row.get(1)?,
                state: ReadingState::from_row(row, 2)?,
                updated_at: row.get(5)?,
            })
        })
    }

    /// Applies reading records in one transaction. A record replaces this library's state
    /// for its post unless the local state is newer (by `updated_at`), so importing an old
    /// export never undoes newer reading. Records for unknown sources or posts are returned
    /// in the report, not applied.
    pub fn apply_reading_records(
        &mut self,
        records: &[ReadingRecord],
    ) -> Result<ReadingImportReport, LibraryError> {
        let mut report = ReadingImportReport::default();
        let tx = self.conn.transaction()?;
        for record in records {
            let source_id: Option<i64> = tx
                .query_row(
                    "SELECT id FROM sources WHERE name = ?1",
                    [&record.source],
                    |row| row.get(0),
                )
                .optional()?;
            let Some(source_id) = source_id else {
                report.unknown_source.push(record.clone());
                continue;
            };
            let post_exists = tx
                .query_row(
                    "SELECT 1 FROM posts WHERE source_id = ?1 AND rel_path = ?2",
                    params![source_id, record.path],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !post_exists {
                report.unknown_post.push(record.clone());
                continue;
            }
            let local: Option<Option<String>> = tx
                .query_row(
                    "SELECT updated_at FROM reading WHERE source_id = ?1 AND rel_path = ?2",
                    params![source_id, record.path],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(local_time) = local
                && !is_newer(record.updated_at.as_deref(), local_time.as_deref())
            {
                report.kept_local += 1;
                continue;
            }
            let updated_at = record.updated_at.clone().unwrap_or_else(|| {
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            });
            tx.execute(
                "INSERT INTO reading (source_id, rel_path, read, starred, position, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (source_id, rel_path) DO UPDATE SET
                   read = excluded.read, starred = excluded.starred,
                   position = excluded.position, updated_at = excluded.updated_at",
                params![
                    source_id,
                    record.path,
                    record.state.read,
                    record.state.starred,
                    record.state.position,
                    updated_at
                ],
            )?;
            report.applied += 1;
        }
        tx.commit()?;
        self.invalidate_caches();
        Ok(report)
    }
}

/// Whether an imported time is later than the local one. A record without a time is taken
/// as newer only when the local state has none either; times that do not parse compare as
/// text (RFC 3339 in UTC sorts as text).
fn is_newer(imported: Option<&str>, local: Option<&str>) -> bool {
    match (imported, local) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(imported), Some(local)) => {
            match (
                chrono::DateTime::parse_from_rfc3339(imported),
                chrono::DateTime::parse_from_rfc3339(local),
            ) {
                (Ok(imported), Ok(local)) => imported > local,
                _ => imported > local,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::{ImportBatch, Upsert};

    fn library_with(posts: &[&str]) -> Library {
        let (mut library, id) = Library::in_memory_with_local_source("blog", "/blog");
        let upserts = posts
            .iter()
            .map(|path| Upsert {
                post: crate::loader::parse_post(path, format!("# {path}\n\ntext").as_bytes()).post,
                stamp: None,
            })
            .collect();
        library
            .apply(
                id,
                ImportBatch {
                    upserts,
                    ..Default::default()
                },
            )
            .unwrap();
        library
    }

    fn id_of(library: &Library, path: &str) -> i64 {
        library
            .list(&Default::default())
            .unwrap()
            .into_iter()
            .find(|p| p.path == path)
            .unwrap()
            .id
    }

    #[test]
    fn state_moves_between_libraries_by_source_and_path() {
        let from = library_with(&["a.md", "b.md", "c.md"]);
        from.set_read(id_of(&from, "a.md"), true).unwrap();
        from.set_starred(id_of(&from, "b.md"), true).unwrap();
        from.set_position(id_of(&from, "b.md"), 42).unwrap();
        let records = from.reading_records().unwrap();
        assert_eq!(records.len(), 2, "c.md has no state");

        // Another machine: same posts, inserted in another order (other row ids), one missing.
        let mut to = library_with(&["b.md", "a.md"]);
        let mut with_unknown = records.clone();
        with_unknown.push(ReadingRecord {
            source: "elsewhere".into(),
            ..records[0].clone()
        });
        with_unknown.push(ReadingRecord {
            path: "gone.md".into(),
            ..records[0].clone()
        });
        let report = to.apply_reading_records(&with_unknown).unwrap();
        assert_eq!(report.applied, 2);
        assert_eq!(report.unknown_source.len(), 1);
        assert_eq!(report.unknown_post[0].path, "gone.md");
        let b = to.reading_state(id_of(&to, "b.md")).unwrap();
        assert!(b.starred && !b.read);
        assert_eq!(b.position, Some(42));
        assert!(to.reading_state(id_of(&to, "a.md")).unwrap().read);
        assert_eq!(to.reading_records().unwrap(), records);
    }

    #[test]
    fn newer_local_state_is_kept() {
        let mut library = library_with(&["a.md"]);
        library.set_read(id_of(&library, "a.md"), true).unwrap();
        let old = ReadingRecord {
            source: "blog".into(),
            path: "a.md".into(),
            state: ReadingState {
                read: false,
                starred: true,
                position: None,
            },
            updated_at: Some("2001-01-01T00:00:00Z".into()),
        };
        let report = library
            .apply_reading_records(std::slice::from_ref(&old))
            .unwrap();
        assert_eq!((report.applied, report.kept_local), (0, 1));
        assert!(library.reading_state(id_of(&library, "a.md")).unwrap().read);
        let newer = ReadingRecord {
            updated_at: Some("2999-01-01T00:00:00+08:00".into()),
            ..old
        };
        let report = library.apply_reading_records(&[newer]).unwrap();
        assert_eq!(report.applied, 1);
        let state = library.reading_state(id_of(&library, "a.md")).unwrap();
        assert!(state.starred && !state.read);
    }
}
