//! The picture cache's budget, as the library keeps it: when each picture was last shown,
//! which stored files go first, and dropping or forgetting them. Deleting the files is
//! [`crate::pictures::store::apply_budget`]'s, from what these return.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::EVICTED_REASON;
use crate::library::rows::collect_rows;
use crate::library::{Library, LibraryError};

/// A stored picture, as the budget sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPicture {
    pub url: String,
    pub hash: String,
    /// Relative to the library folder.
    pub file: String,
    pub bytes: u64,
}

impl Library {
    /// Notes that these pictures were shown now: the budget drops the least recently shown
    /// first. Unknown URLs are ignored.
    pub fn mark_pictures_shown(&self, urls: &[&str]) -> Result<(), LibraryError> {
        self.mark_pictures_shown_at(urls, super::now())
    }

    /// [`Library::mark_pictures_shown`] at a given time, for tests.
    pub fn mark_pictures_shown_at(&self, urls: &[&str], at: i64) -> Result<(), LibraryError> {
        let mut statement = self
            .conn
            .prepare_cached("UPDATE pictures SET shown_at = ?2 WHERE url = ?1")?;
        for url in urls {
            statement.execute(params![url, at])?;
        }
        Ok(())
    }

    /// Stored pictures, the one to drop first first: least recently shown (a picture never
    /// shown counts from when it was fetched).
    pub fn stored_pictures_by_last_use(&self) -> Result<Vec<StoredPicture>, LibraryError> {
        let mut statement = self.conn.prepare(
            "SELECT url, hash, file, bytes FROM pictures
             WHERE status = 'ok' AND hash IS NOT NULL AND file IS NOT NULL
             ORDER BY coalesce(shown_at, fetched_at, 0), id",
        )?;
        collect_rows(&mut statement, [], |row| {
            Ok(StoredPicture {
                url: row.get(0)?,
                hash: row.get(1)?,
                file: row.get(2)?,
                bytes: row.get::<_, i64>(3)?.max(0) as u64,
            })
        })
    }

    /// Forgets the file of every picture stored as `hash` (they share it): they become
    /// pending again, with [`EVICTED_REASON`].
    pub fn evict_picture_file(&self, hash: &str) -> Result<(), LibraryError> {
        self.conn.execute(
            "UPDATE pictures SET status = 'pending', hash = NULL, file = NULL, bytes = 0,
             reason = ?2 WHERE hash = ?1 AND status = 'ok'",
            params![hash, EVICTED_REASON],
        )?;
        Ok(())
    }

    /// Forgets the pictures no post uses any more (their posts were removed or changed),
    /// and returns the files that no remaining picture shares, for the caller to delete.
    pub fn forget_unused_pictures(&mut self) -> Result<Vec<String>, LibraryError> {
        // Immediate: a deferred transaction that reads first fails with "cannot promote
        // read transaction" when another program wrote meanwhile; this one waits instead.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let unused: Vec<(Option<String>, Option<String>)> = {
            let mut statement = tx.prepare(
                "SELECT hash, file FROM pictures p
                 WHERE NOT EXISTS (SELECT 1 FROM post_pictures u WHERE u.picture_id = p.id)",
            )?;
            collect_rows(&mut statement, [], |row| Ok((row.get(0)?, row.get(1)?)))?
        };
        tx.execute(
            "DELETE FROM pictures
             WHERE NOT EXISTS (SELECT 1 FROM post_pictures u WHERE u.picture_id = pictures.id)",
            [],
        )?;
        let mut files = Vec::new();
        for (hash, file) in unused {
            let (Some(hash), Some(file)) = (hash, file) else {
                continue;
            };
            let shared: bool = tx
                .query_row(
                    "SELECT 1 FROM pictures WHERE hash = ?1 AND status = 'ok' LIMIT 1",
                    [&hash],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !shared && !files.contains(&file) {
                files.push(file);
            }
        }
        tx.commit()?;
        Ok(files)
    }

    /// Whether any stored picture uses the file of `hash`.
    pub fn picture_file_in_use(&self, hash: &str) -> Result<bool, LibraryError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM pictures WHERE hash = ?1 AND status = 'ok' LIMIT 1",
                [hash],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The stored file of a picture with this content, if any (another URL may have
    /// brought the same bytes).
    pub fn picture_file_of_hash(&self, hash: &str) -> Result<Option<String>, LibraryError> {
        Ok(self
            .conn
            .query_row(
                "SELECT file FROM pictures WHERE hash = ?1 AND status = 'ok' LIMIT 1",
                [hash],
                |row| row.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::library_with_posts;
    use super::*;
    use crate::library::pictures::PictureOutcome;
    use crate::pictures::PictureStatus;
    use crate::pictures::refs::Role;

    #[test]
    fn the_least_recently_shown_comes_first_and_eviction_makes_it_pending() {
        let (mut library, _, scans) = library_with_posts(1);
        let urls = ["https://x/a.png", "https://x/b.png"];
        let uses: Vec<_> = urls.iter().map(|u| (u.to_string(), Role::Body)).collect();
        library
            .record_post_pictures(scans[0].id, "hash0", &uses)
            .unwrap();
        for (i, url) in urls.iter().enumerate() {
            let stored = PictureOutcome::Stored {
                hash: format!("h{i}"),
                file: format!("pictures/h{i}.png"),
                bytes: 10,
                width: 20,
                height: 20,
            };
            library.record_picture(url, &stored, 100).unwrap();
        }
        library
            .mark_pictures_shown_at(&["https://x/a.png"], 200)
            .unwrap();
        let order = library.stored_pictures_by_last_use().unwrap();
        assert_eq!(order[0].url, "https://x/b.png");
        library.evict_picture_file("h1").unwrap();
        assert!(!library.picture_file_in_use("h1").unwrap());
        let evicted = library.picture("https://x/b.png").unwrap().unwrap();
        assert_eq!(evicted.status, PictureStatus::Pending);
        assert_eq!(evicted.reason.as_deref(), Some(EVICTED_REASON));
    }

    #[test]
    fn a_picture_no_post_uses_is_forgotten_with_its_file_unless_shared() {
        let (mut library, _, scans) = library_with_posts(2);
        let stored = |hash: &str| PictureOutcome::Stored {
            hash: hash.into(),
            file: format!("pictures/{hash}.png"),
            bytes: 10,
            width: 20,
            height: 20,
        };
        let uses = |urls: &[&str]| -> Vec<(String, Role)> {
            urls.iter().map(|u| (u.to_string(), Role::Body)).collect()
        };
        library
            .record_post_pictures(scans[0].id, "a", &uses(&["https://x/1", "https://x/2"]))
            .unwrap();
        library
            .record_post_pictures(scans[1].id, "b", &uses(&["https://y/2"]))
            .unwrap();
        library
            .record_picture("https://x/1", &stored("h1"), 1)
            .unwrap();
        library
            .record_picture("https://x/2", &stored("h2"), 1)
            .unwrap();
        library
            .record_picture("https://y/2", &stored("h2"), 1)
            .unwrap();
        // The first post changes and no longer uses either picture.
        library
            .record_post_pictures(scans[0].id, "a2", &[])
            .unwrap();
        let files = library.forget_unused_pictures().unwrap();
        assert_eq!(files, ["pictures/h1.png"], "h2 is still used through y/2");
        assert!(library.picture("https://x/1").unwrap().is_none());
        assert!(library.picture("https://y/2").unwrap().is_some());
    }
}
