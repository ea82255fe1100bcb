//! Sync: the one place that brings a source (GitHub repository path, feed or local folder)
//! up to date in the library, incrementally and safely. The CLI's `sync` and `import` and
//! the reader's `r` all come here.
//!
//! - **GitHub** (`github.rs`). One tree request with `If-None-Match`; a 304 ends the sync
//!   there. Otherwise only files whose blob sha differs from the stored `content_hash` are
//!   downloaded, a few at a time on worker threads, and each post is committed on its own as
//!   it arrives, so an interruption keeps every finished file. Files gone from the tree are
//!   removed (the listing is complete by then). The tree's ETag is stored only when every
//!   file succeeded; otherwise the next sync would get a 304 and never finish the work.
//! - **Feeds** (`feed.rs`). Conditional GET; items upserted in one transaction; items that
//!   left the feed stay (feeds only show recent items).
//! - **Local folders** (`local.rs`, also `import PATH`). Files compared by modification time
//!   and size, read only when those changed, applied in one transaction.
//!
//! Each kind first makes a [`Plan`] (`plan.rs`): what to fetch, what is unchanged, what to
//! remove. That is the only place a sync decides a file is unchanged.
//!
//! [`sync_sources`] (`run.rs`) is the one loop over sources, reporting through a callback;
//! [`sync_source`] runs the steps of one source. One bad file or item is reported and
//! skipped. Cancelling (an [`AtomicBool`] the CLI sets on Ctrl-C and the app can set too)
//! stops between files and keeps what finished. Everything here is synchronous, so the app
//! runs it on a background thread with its own [`Library`].
//!
//! `sources.rs` holds which sources exist (config and library), `naming.rs` how a new one
//! is named, `report.rs` what a sync did.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use thiserror::Error;

use crate::library::{Library, LibraryError, SourceInfo, SourceKind};
use crate::loader::LoaderError;
use crate::loader::feed::FeedError;
use crate::loader::github::{GithubEndpoints, GithubError, LocationError};
use crate::loader::http::HttpOptions;

mod feed;
mod github;
mod local;
mod naming;
mod plan;
mod report;
mod run;
mod sources;

pub use local::{
    ImportError, ImportOutcome, SAMPLE_SOURCE, canonical_location, import_path, import_sample,
};
pub use naming::suggest_source_name;
pub use plan::Plan;
pub use report::{SyncReport, human_bytes};
pub use run::{RunSummary, SyncEvent, sync_sources};
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

/// Brings one source up to date, in steps: its posts (by kind: list, plan, fetch, store),
/// then the outcome (time and status) recorded on the source, also when it fails. A step
/// that works on the posts just stored goes after `sync_posts`, adding to its report.
/// Per-file problems do not fail the sync: they are counted in the report.
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
    let result = sync_posts(library, source, options, progress);
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

/// The posts of one source brought up to date, the way its kind needs.
fn sync_posts(
    library: &mut Library,
    source: &SourceInfo,
    options: &SyncOptions,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<SyncReport, SyncError> {
    match source.kind {
        SourceKind::GitHub => github::sync_github(library, source, options, progress),
        SourceKind::Feed => feed::sync_feed(library, source, options),
        SourceKind::Local => local::sync_local(library, source),
    }
}
