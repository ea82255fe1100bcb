//! The picture cache's records: one row per picture URL (status, file, size, why it failed)
//! and which post uses which: what sync scans and fetches, what it found, and what the
//! reader and `images` look up. What the budget needs (when each was last shown, dropping
//! and forgetting files) is the `budget` submodule's. The files themselves are
//! [`crate::pictures::store`]'s; fetching is [`crate::pictures::fetch`]'s.
//!
//! Nothing here runs when the library opens, so a cache of any size costs opening nothing.

mod budget;

pub use budget::StoredPicture;

use std::path::PathBuf;

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::rows::collect_rows;
use super::{Library, LibraryError};
use crate::pictures::refs::Role;
use crate::pictures::{FetchScope, PictureRecord, PictureStatus};
use crate::post::{PostId, SourceId};

/// A post whose pictures have not been found in its current content yet.
#[derive(Debug, Clone)]
pub struct PostToScan {
    pub id: PostId,
    pub rel_path: String,
    pub body: String,
    pub cover: Option<String>,
    pub web_url: Option<String>,
    pub content_hash: String,
}

/// The pictures found in one post, to record.
#[derive(Debug, Clone)]
pub struct ScannedPost<'a> {
    pub post: PostId,
    /// The content they were found in.
    pub content_hash: &'a str,
    pub pictures: &'a [(String, Role)],
}

/// A picture the cache should fetch now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureToFetch {
    pub url: String,
    /// It was stored once and dropped by the budget: fetched again only while the budget
    /// has room.
    pub evicted: bool,
}

/// What a fetch found, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PictureOutcome {
    Stored {
        hash: String,
        /// Relative to the library folder.
        file: String,
        bytes: u64,
        width: u32,
        height: u32,
    },
    Skipped {
        reason: String,
    },
    Failed {
        reason: String,
    },
}

/// The reason an evicted picture carries until it is fetched again.
pub const EVICTED_REASON: &str = "removed to keep the cache within its budget";

/// The wait before retrying a picture that failed `attempts` times: an hour, doubled each
/// time, at most a week. A server that is down for a day is not asked 40 times; a picture
/// that was briefly missing comes in on the next day's sync.
pub fn retry_delay_seconds(attempts: u32) -> i64 {
    const HOUR: i64 = 3600;
    const WEEK: i64 = 7 * 24 * HOUR;
    HOUR.saturating_mul(1 << attempts.saturating_sub(1).min(20))
        .min(WEEK)
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

const RECORD_COLUMNS: &str = "p.url, p.status, p.hash, p.file, p.bytes, p.width, p.height, \
     p.reason, (SELECT count(*) FROM post_pictures u WHERE u.picture_id = p.id)";

impl Library {
    /// The library folder, where the picture files live; `None` in memory.
    pub fn folder(&self) -> Option<PathBuf> {
        self.path
            .as_deref()
            .and_then(|file| file.parent())
            .map(|dir| dir.to_path_buf())
    }

    /// The front matter's cover reference of a post, as written.
    pub fn post_cover(&self, id: PostId) -> Result<Option<String>, LibraryError> {
        Ok(self
            .conn
            .query_row("SELECT cover FROM posts WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()?
            .flatten())
    }

    /// The posts of `source` whose pictures were not looked for since their content last
    /// changed, newest first; [`Library::posts_for_scan`] reads them a page at a time.
    ///
    /// Ids only, found once: a query for each page that sorted the posts still to scan,
    /// bodies and all, made the scan after a first import quadratic (at 100,000 posts, 391
    /// pages each sorting the bodies of every post not yet scanned took longer than the
    /// import itself).
    pub fn posts_to_scan(&self, source: SourceId) -> Result<Vec<PostId>, LibraryError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT p.id FROM posts p LEFT JOIN picture_scans s ON s.post_id = p.id
             WHERE p.source_id = ?1 AND (s.content_hash IS NULL OR s.content_hash <> p.content_hash)
             ORDER BY p.date_ts DESC, p.natural_key DESC",
        )?;
        collect_rows(&mut statement, [source], |row| row.get(0))
    }

    /// The text of the posts `ids` for finding their pictures, in that order; a post
    /// removed since its id was listed is left out.
    pub fn posts_for_scan(&self, ids: &[PostId]) -> Result<Vec<PostToScan>, LibraryError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id, rel_path, body, cover, web_url, content_hash FROM posts WHERE id = ?1",
        )?;
        let mut posts = Vec::with_capacity(ids.len());
        for &id in ids {
            let post = statement
                .query_row([id], |row| {
                    Ok(PostToScan {
                        id: row.get(0)?,
                        rel_path: row.get(1)?,
                        body: super::body::from_row(row, 2)?,
                        cover: row.get(3)?,
                        web_url: row.get(4)?,
                        content_hash: row.get(5)?,
                    })
                })
                .optional()?;
            posts.extend(post);
        }
        Ok(posts)
    }

    /// Records the pictures a post uses in its content `content_hash`, replacing what it
    /// used before. New URLs start as pending.
    pub fn record_post_pictures(
        &mut self,
        post: PostId,
        content_hash: &str,
        pictures: &[(String, Role)],
    ) -> Result<(), LibraryError> {
        self.record_scanned_posts(&[ScannedPost {
            post,
            content_hash,
            pictures,
        }])
    }

    /// [`Library::record_post_pictures`] for many posts, in one transaction.
    pub fn record_scanned_posts(
        &mut self,
        scanned: &[ScannedPost<'_>],
    ) -> Result<(), LibraryError> {
        // Immediate: a deferred transaction that reads first fails with "cannot promote
        // read transaction" when another program wrote meanwhile; this one waits instead.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut forget_uses =
                tx.prepare_cached("DELETE FROM post_pictures WHERE post_id = ?1")?;
            let mut add_picture =
                tx.prepare_cached("INSERT OR IGNORE INTO pictures (url) VALUES (?1)")?;
            let mut add_use = tx.prepare_cached(
                "INSERT OR IGNORE INTO post_pictures (post_id, picture_id, role)
                 SELECT ?1, id, ?3 FROM pictures WHERE url = ?2",
            )?;
            let mut mark_scanned = tx.prepare_cached(
                "INSERT INTO picture_scans (post_id, content_hash) VALUES (?1, ?2)
                 ON CONFLICT (post_id) DO UPDATE SET content_hash = excluded.content_hash",
            )?;
            for post in scanned {
                forget_uses.execute([post.post])?;
                for (url, role) in post.pictures {
                    add_picture.execute([url])?;
                    let role = match role {
                        Role::Cover => "cover",
                        Role::Body => "body",
                    };
                    add_use.execute(params![post.post, url, role])?;
                }
                mark_scanned.execute(params![post.post, post.content_hash])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The pictures of `source`'s posts (all, or those of its newest posts) to fetch at
    /// `now`: never fetched, failed and due again, or evicted. Never-fetched ones first.
    pub fn pictures_to_fetch(
        &self,
        source: SourceId,
        scope: FetchScope,
        now: i64,
    ) -> Result<Vec<PictureToFetch>, LibraryError> {
        let limit = match scope {
            FetchScope::None => return Ok(Vec::new()),
            FetchScope::All => -1,
            FetchScope::Newest(n) => i64::try_from(n).unwrap_or(i64::MAX),
        };
        let mut statement = self.conn.prepare(
            "SELECT DISTINCT pic.url, pic.reason IS ? AS evicted, pic.status, pic.id
             FROM (SELECT id FROM posts WHERE source_id = ?
                   ORDER BY date_ts DESC, natural_key DESC LIMIT ?) post
             JOIN post_pictures u ON u.post_id = post.id
             JOIN pictures pic ON pic.id = u.picture_id
             WHERE pic.status = 'pending'
                OR (pic.status = 'failed' AND coalesce(pic.retry_at, 0) <= ?)
             ORDER BY evicted, pic.status DESC, pic.id",
        )?;
        let params = params![EVICTED_REASON, source, limit, now];
        collect_rows(&mut statement, params, |row| {
            Ok(PictureToFetch {
                url: row.get(0)?,
                evicted: row.get(1)?,
            })
        })
    }

    /// Records what fetching `url` gave, at `now`.
    pub fn record_picture(
        &self,
        url: &str,
        outcome: &PictureOutcome,
        now: i64,
    ) -> Result<(), LibraryError> {
        match outcome {
            PictureOutcome::Stored {
                hash,
                file,
                bytes,
                width,
                height,
            } => self.conn.execute(
                "UPDATE pictures SET status = 'ok', hash = ?2, file = ?3, bytes = ?4, width = ?5,
                 height = ?6, reason = NULL, attempts = 0, retry_at = NULL, fetched_at = ?7
                 WHERE url = ?1",
                params![url, hash, file, *bytes as i64, width, height, now],
            )?,
            PictureOutcome::Skipped { reason } => self.conn.execute(
                "UPDATE pictures SET status = 'skipped', hash = NULL, file = NULL, bytes = 0,
                 reason = ?2, retry_at = NULL, fetched_at = ?3 WHERE url = ?1",
                params![url, reason, now],
            )?,
            PictureOutcome::Failed { reason } => {
                let attempts: u32 = self
                    .conn
                    .query_row(
                        "SELECT attempts FROM pictures WHERE url = ?1",
                        [url],
                        |row| row.get(0),
                    )
                    .optional()?
                    .unwrap_or(0);
                let attempts = attempts.saturating_add(1);
                self.conn.execute(
                    "UPDATE pictures SET status = 'failed', hash = NULL, file = NULL, bytes = 0,
                     reason = ?2, attempts = ?3, retry_at = ?4 WHERE url = ?1",
                    params![url, reason, attempts, now + retry_delay_seconds(attempts)],
                )?
            }
        };
        Ok(())
    }

    /// The record of one picture URL, with its file's full path when stored. What the
    /// reader and `show` ask before drawing.
    pub fn picture(&self, url: &str) -> Result<Option<PictureRecord>, LibraryError> {
        let folder = self.folder();
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {RECORD_COLUMNS} FROM pictures p WHERE p.url = ?1"),
                [url],
                |row| record_from_row(row, folder.as_deref()),
            )
            .optional()?)
    }

    /// The pictures a post uses, resolved to absolute URLs as they were fetched: its cover
    /// (if any) first, then those of the body in the order of the text. Empty for a post
    /// whose pictures were not looked for yet.
    pub fn post_pictures(&self, post: PostId) -> Result<Vec<(String, Role)>, LibraryError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT p.url, u.role FROM post_pictures u JOIN pictures p ON p.id = u.picture_id
             WHERE u.post_id = ?1 ORDER BY u.role = 'body', p.id",
        )?;
        collect_rows(&mut statement, [post], |row| {
            let role: String = row.get(1)?;
            Ok((
                row.get(0)?,
                if role == "cover" {
                    Role::Cover
                } else {
                    Role::Body
                },
            ))
        })
    }

    /// Every picture URL the library knows, in the order they were first met.
    pub fn pictures(&self) -> Result<Vec<PictureRecord>, LibraryError> {
        let folder = self.folder();
        let mut statement = self.conn.prepare(&format!(
            "SELECT {RECORD_COLUMNS} FROM pictures p ORDER BY p.id"
        ))?;
        collect_rows(&mut statement, [], |row| {
            record_from_row(row, folder.as_deref())
        })
    }
}

fn record_from_row(
    row: &rusqlite::Row<'_>,
    folder: Option<&std::path::Path>,
) -> rusqlite::Result<PictureRecord> {
    let status: String = row.get(1)?;
    let file: Option<String> = row.get(3)?;
    let status = PictureStatus::parse(&status).unwrap_or(PictureStatus::Pending);
    Ok(PictureRecord {
        url: row.get(0)?,
        status,
        hash: row.get(2)?,
        bytes: row.get::<_, i64>(4)?.max(0) as u64,
        width: row.get(5)?,
        height: row.get(6)?,
        reason: row.get(7)?,
        posts: row.get::<_, i64>(8)?.max(0) as u64,
        file: match (status, file, folder) {
            (PictureStatus::Ok, Some(file), Some(folder)) => Some(folder.join(file)),
            _ => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::{ImportBatch, Upsert};
    use crate::post::{LoadedPost, PostMeta};

    pub(super) fn library_with_posts(count: usize) -> (Library, SourceId, Vec<PostToScan>) {
        let (mut library, source) = Library::in_memory_with_local_source("blog", "/blog");
        let upserts = (0..count)
            .map(|i| Upsert {
                post: LoadedPost {
                    key: format!("{i}.md"),
                    title: format!("post {i}"),
                    meta: PostMeta {
                        date: Some(crate::post::PostDate::from_day(
                            chrono::NaiveDate::from_ymd_opt(2024, 1, 1 + i as u32).unwrap(),
                        )),
                        cover: Some("cover.png".into()),
                        ..PostMeta::default()
                    },
                    body: format!("![p](p{i}.png)"),
                    content_hash: format!("hash{i}"),
                },
                stamp: None,
            })
            .collect();
        library
            .apply(
                source,
                ImportBatch {
                    upserts,
                    ..ImportBatch::default()
                },
            )
            .unwrap();
        let ids = library.posts_to_scan(source).unwrap();
        let scans = library.posts_for_scan(&ids).unwrap();
        (library, source, scans)
    }

    #[test]
    fn the_posts_to_scan_are_listed_newest_first_and_read_in_the_order_asked() {
        let (mut library, source, scans) = library_with_posts(3);
        let paths: Vec<&str> = scans.iter().map(|scan| scan.rel_path.as_str()).collect();
        assert_eq!(paths, ["2.md", "1.md", "0.md"]);
        library
            .record_post_pictures(scans[1].id, &scans[1].content_hash, &[])
            .unwrap();
        assert_eq!(
            library.posts_to_scan(source).unwrap(),
            [scans[0].id, scans[2].id]
        );
        // A post removed since its id was listed is left out.
        let read = library
            .posts_for_scan(&[scans[2].id, 999_999, scans[0].id])
            .unwrap();
        let ids: Vec<PostId> = read.iter().map(|scan| scan.id).collect();
        assert_eq!(ids, [scans[2].id, scans[0].id]);
        assert_eq!(read[0].body, "![p](p0.png)");
    }

    #[test]
    fn a_scanned_post_is_not_scanned_again_until_it_changes() {
        let (mut library, source, scans) = library_with_posts(2);
        assert_eq!(scans.len(), 2);
        assert_eq!(scans[0].rel_path, "1.md", "newest first");
        assert_eq!(scans[0].cover.as_deref(), Some("cover.png"));
        assert_eq!(
            library.post_cover(scans[0].id).unwrap().as_deref(),
            Some("cover.png")
        );
        for scan in &scans {
            let pictures = [
                ("https://x/shared.png".to_owned(), Role::Body),
                (format!("https://x/{}.png", scan.rel_path), Role::Body),
            ];
            library
                .record_post_pictures(scan.id, &scan.content_hash, &pictures)
                .unwrap();
        }
        assert!(library.posts_to_scan(source).unwrap().is_empty());
        assert_eq!(
            library.post_pictures(scans[0].id).unwrap()[0].0,
            "https://x/shared.png"
        );
        let shared = library.picture("https://x/shared.png").unwrap().unwrap();
        assert_eq!((shared.status, shared.posts), (PictureStatus::Pending, 2));
        assert_eq!(library.pictures().unwrap().len(), 3);
        let newest = library
            .pictures_to_fetch(source, FetchScope::Newest(1), 0)
            .unwrap();
        assert_eq!(newest.len(), 2);
        assert!(newest.iter().any(|p| p.url == "https://x/1.md.png"));
        assert!(
            library
                .pictures_to_fetch(source, FetchScope::None, 0)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            library
                .pictures_to_fetch(source, FetchScope::All, 0)
                .unwrap()
                .len(),
            3
        );
    }

    #[test]
    fn a_failed_picture_waits_longer_after_each_failure() {
        let (mut library, source, scans) = library_with_posts(1);
        let url = "https://x/gone.png".to_owned();
        library
            .record_post_pictures(scans[0].id, "hash0", &[(url.clone(), Role::Body)])
            .unwrap();
        let failed = PictureOutcome::Failed {
            reason: "HTTP 404".into(),
        };
        let due = |at| {
            library
                .pictures_to_fetch(source, FetchScope::All, at)
                .unwrap()
                .len()
        };
        library.record_picture(&url, &failed, 1000).unwrap();
        assert_eq!(due(1000), 0);
        assert_eq!(due(1000 + 3600), 1);
        library.record_picture(&url, &failed, 10_000).unwrap();
        assert_eq!(due(10_000 + 3600), 0);
        assert_eq!(due(10_000 + 7200), 1);
        let record = library.picture(&url).unwrap().unwrap();
        assert_eq!(record.status, PictureStatus::Failed);
        assert_eq!(record.reason.as_deref(), Some("HTTP 404"));
        assert_eq!(retry_delay_seconds(100), 7 * 24 * 3600);
    }
}
