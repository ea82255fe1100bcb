//! Sync: brings one source (GitHub repository path, feed or local folder) up to date in the
//! library, incrementally and safely.
//!
//! - **GitHub.** One tree request with `If-None-Match`; a 304 ends the sync there. Otherwise
//!   only files whose blob sha differs from the stored `content_hash` are downloaded, a few at
//!   a time on worker threads, and each post is committed on its own as it arrives, so an
//!   interruption keeps every finished file. Files gone from the tree are removed (the listing
//!   is complete by then). The tree's ETag is stored only when every file succeeded; otherwise
//!   the next sync would get a 304 and never finish the work.
//! - **Feeds.** Conditional GET; items upserted in one transaction; items that left the feed
//!   stay (feeds only show recent items).
//! - **Local folders.** As `import` does ([`crate::import::sync_walk`]).
//!
//! One bad file or item is reported and skipped. Cancelling (an [`AtomicBool`] the CLI sets on
//! Ctrl-C and the app can set too) stops between files and keeps what finished. Everything
//! here is synchronous and reports progress through a callback, so the app can run it on a
//! background thread with its own [`Library`].
//!
//! `github.rs` holds the GitHub sync, `sources.rs` which sources exist (config and library).

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::import::{self, ImportError};
use crate::library::{
    ImportBatch, ImportReport, Library, LibraryError, SourceInfo, SourceKind, Upsert,
};
use crate::loader::feed::{self, FeedError, FeedFetch};
use crate::loader::github::{GithubEndpoints, GithubError, LocationError};
use crate::loader::http::{HttpClient, HttpOptions, Validators};
use crate::loader::{self, LoaderError};
use crate::post::LoadWarning;

mod github;
mod sources;

pub use sources::{
    kind_of_location, register_configured_sources, remember_removed_source, select_sources,
    spec_for,
};

/// Downloads in flight at once: enough to hide latency, few enough to be polite to GitHub.
pub const DEFAULT_PARALLEL_DOWNLOADS: usize = 4;

/// Settings of a sync run.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub http: HttpOptions,
    pub github: GithubEndpoints,
    pub parallel_downloads: usize,
    /// Set to stop between files; what finished is kept.
    pub cancel: Arc<AtomicBool>,
}

impl SyncOptions {
    /// Defaults with the environment's overrides (`SOFA_WEEKLY_GITHUB_API`,
    /// `SOFA_WEEKLY_GITHUB_RAW`, `GITHUB_TOKEN`, `SOFA_WEEKLY_HTTP_TIMEOUT`,
    /// `SOFA_WEEKLY_HTTP_RETRY_DELAY_MS`).
    pub fn from_env() -> Self {
        Self {
            http: HttpOptions::from_env(),
            github: GithubEndpoints::from_env(),
            parallel_downloads: DEFAULT_PARALLEL_DOWNLOADS,
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Progress of one source's sync, for a progress bar or the app's status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncProgress {
    /// Listing the repository, fetching the feed or walking the folder.
    Checking { source: String },
    /// `total` files are to be downloaded (GitHub); sent once before the first.
    Downloading { source: String, total: usize },
    /// One more file finished (stored or failed).
    FileDone {
        source: String,
        done: usize,
        total: usize,
        rel_path: String,
    },
}

/// What syncing one source did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub source: String,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Bytes received over the network.
    pub bytes: u64,
    pub elapsed: Duration,
    /// The server said nothing changed (HTTP 304).
    pub not_modified: bool,
    pub cancelled: bool,
    /// Files or items that could not be stored, each with the reason.
    pub failures: Vec<LoadWarning>,
    /// Stored, with something to say (front matter that did not parse, guessed encoding).
    pub warnings: Vec<LoadWarning>,
}

impl SyncReport {
    fn new(source: &str) -> Self {
        Self {
            source: source.to_owned(),
            ..Self::default()
        }
    }

    fn add(&mut self, report: ImportReport) {
        self.added += report.added;
        self.updated += report.updated;
        self.removed += report.removed;
        self.unchanged += report.unchanged;
    }

    fn fail(&mut self, location: &str, reason: String) {
        self.failed += 1;
        self.failures.push(LoadWarning {
            location: location.to_owned(),
            line: None,
            reason,
        });
    }

    /// The one-line summary: `NAME: 3 added, 1 updated, 0 removed, 187 unchanged, 0 failed,
    /// 42.1 KiB in 1.2 s`.
    pub fn summary_line(&self) -> String {
        let mut line = format!(
            "{}: {} added, {} updated, {} removed, {} unchanged, {} failed, {} in {:.1} s",
            crate::text::sanitize_line(&self.source),
            self.added,
            self.updated,
            self.removed,
            self.unchanged,
            self.failed,
            human_bytes(self.bytes),
            self.elapsed.as_secs_f64()
        );
        if self.not_modified {
            line.push_str(" (not modified)");
        }
        if self.cancelled {
            line.push_str(" (cancelled; run sync again to finish)");
        }
        line
    }

    /// Short status kept with the source, shown by `sources`.
    pub fn status(&self) -> String {
        if self.cancelled {
            "cancelled".to_owned()
        } else if self.failed > 0 {
            format!("partial: {} failed", self.failed)
        } else if self.not_modified {
            "ok (not modified)".to_owned()
        } else {
            "ok".to_owned()
        }
    }
}

/// `1.5 KiB`, `3.2 MiB`, `12 B`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Why a source could not be synced at all (per-file problems are in [`SyncReport`]).
#[derive(Debug, Error)]
pub enum SyncError {
    #[error(transparent)]
    Location(#[from] LocationError),
    #[error(transparent)]
    Github(#[from] GithubError),
    #[error(transparent)]
    Feed(#[from] FeedError),
    #[error(transparent)]
    Loader(#[from] LoaderError),
    #[error(transparent)]
    Library(#[from] LibraryError),
}

impl From<ImportError> for SyncError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::Loader(e) => SyncError::Loader(e),
            ImportError::Library(e) => SyncError::Library(e),
        }
    }
}

impl SyncError {
    /// The server could not be reached at all: most likely no network.
    pub fn is_unreachable(&self) -> bool {
        match self {
            SyncError::Github(e) => e.is_unreachable(),
            SyncError::Feed(e) => e.is_unreachable(),
            _ => false,
        }
    }
}

/// Brings one source up to date. Records the outcome (time and status) on the source, also
/// when it fails. Per-file problems do not fail the sync: they are counted in the report.
pub fn sync_source(
    library: &mut Library,
    source: &SourceInfo,
    options: &SyncOptions,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    progress(SyncProgress::Checking {
        source: source.name.clone(),
    });
    let result = match source.kind {
        SourceKind::GitHub => github::sync_github(library, source, options, progress),
        SourceKind::Feed => sync_feed(library, source, options),
        SourceKind::Local => sync_local(library, source),
    };
    match result {
        Ok(mut report) => {
            report.elapsed = started.elapsed();
            library.record_sync(source.id, &report.status())?;
            Ok(report)
        }
        Err(error) => {
            let status = format!("failed: {}", crate::text::sanitize_line(&error.to_string()));
            // The error is what matters; a failure to record it must not hide it.
            let _ = library.record_sync(source.id, &status);
            Err(error)
        }
    }
}

/// How one source of [`sync_all`] went.
#[derive(Debug)]
pub struct SourceOutcome {
    pub source: String,
    pub result: Result<SyncReport, SyncError>,
}

/// Registers the configured sources, then syncs the named ones (all when `names` is empty)
/// in turn, stopping before the next source once cancelled. What the app's background thread
/// runs; one source failing never stops the others.
pub fn sync_all(
    library: &mut Library,
    configured: &[crate::config::SourceEntry],
    names: &[String],
    options: &SyncOptions,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<Vec<SourceOutcome>, LibraryError> {
    register_configured_sources(library, configured)?;
    let mut outcomes = Vec::new();
    for source in select_sources(library, names)? {
        if options.cancelled() {
            break;
        }
        let result = sync_source(library, &source, options, progress);
        outcomes.push(SourceOutcome {
            source: source.name,
            result,
        });
    }
    Ok(outcomes)
}

fn sync_local(library: &mut Library, source: &SourceInfo) -> Result<SyncReport, SyncError> {
    let walk = loader::walk(std::path::Path::new(&source.location))?;
    let outcome = import::sync_walk(library, source.id, walk)?;
    let mut report = SyncReport::new(&source.name);
    report.add(outcome.report);
    report.failed = outcome.skipped.len();
    report.failures = outcome.skipped;
    report.warnings = outcome.warnings;
    Ok(report)
}

fn sync_feed(
    library: &mut Library,
    source: &SourceInfo,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let client = HttpClient::new(options.http.clone());
    let stored = library.stored_files(source.id)?;
    // Without stored posts the validators would only make us miss them (a 304 for nothing).
    let validators = if stored.is_empty() {
        Validators::default()
    } else {
        Validators {
            etag: source.etag.clone(),
            last_modified: source.last_modified.clone(),
        }
    };
    let mut report = SyncReport::new(&source.name);
    let (parsed, new_validators, bytes) =
        match feed::fetch_feed(&client, &source.location, &validators)? {
            FeedFetch::NotModified => {
                report.not_modified = true;
                report.unchanged = stored.len();
                return Ok(report);
            }
            FeedFetch::Fetched {
                feed,
                validators,
                bytes,
            } => (feed, validators, bytes),
        };
    report.bytes = bytes;
    report.warnings = parsed.warnings;
    let mut batch = ImportBatch::default();
    let mut seen = HashSet::new();
    for post in parsed.posts {
        if !seen.insert(post.rel_path.clone()) {
            report.warnings.push(LoadWarning {
                location: format!("{} item {}", source.location, post.rel_path),
                line: None,
                reason: "a second item with the same id; only the first is kept".to_owned(),
            });
            continue;
        }
        match stored.get(&post.rel_path) {
            Some(known) if known.content_hash == post.content_hash => report.unchanged += 1,
            _ => batch.upserts.push(Upsert { post, stamp: None }),
        }
    }
    report.add(library.apply(source.id, batch)?);
    library.set_source_validators(
        source.id,
        new_validators.etag.as_deref(),
        new_validators.last_modified.as_deref(),
    )?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_all_goes_on_after_a_failing_source() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("posts");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("a.md"), "# A\n\ntext\n").unwrap();
        let mut library = Library::open_in_memory().unwrap();
        let configured = [
            crate::config::SourceEntry {
                name: "gone".into(),
                location: dir.path().join("missing").to_string_lossy().into_owned(),
            },
            crate::config::SourceEntry {
                name: "posts".into(),
                location: folder.to_string_lossy().into_owned(),
            },
        ];
        let options = SyncOptions::from_env();
        let outcomes = sync_all(&mut library, &configured, &[], &options, &mut |_| {}).unwrap();
        assert_eq!(outcomes.len(), 2);
        assert!(
            outcomes[0]
                .result
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("missing")
        );
        assert_eq!(outcomes[1].result.as_ref().unwrap().added, 1);
        assert_eq!(library.post_count().unwrap(), 1);

        options.cancel.store(true, Ordering::SeqCst);
        let outcomes = sync_all(&mut library, &configured, &[], &options, &mut |_| {}).unwrap();
        assert!(outcomes.is_empty());
    }

    #[test]
    fn summary_line_has_every_count() {
        let report = SyncReport {
            source: "blog".into(),
            added: 3,
            updated: 1,
            unchanged: 187,
            bytes: 43_110,
            elapsed: Duration::from_millis(1234),
            ..SyncReport::default()
        };
        assert_eq!(
            report.summary_line(),
            "blog: 3 added, 1 updated, 0 removed, 187 unchanged, 0 failed, 42.1 KiB in 1.2 s"
        );
        assert_eq!(human_bytes(12), "12 B");
        assert_eq!(human_bytes(5 << 20), "5.0 MiB");
    }
}
