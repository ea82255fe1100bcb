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

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::config::SourceEntry;
use crate::import::{self, ImportError};
use crate::library::{
    ImportBatch, ImportReport, Library, LibraryError, SourceInfo, SourceKind, SourceSpec, Upsert,
};
use crate::loader::feed::{self, FeedError, FeedFetch};
use crate::loader::github::{
    self, GithubEndpoints, GithubError, GithubLocation, Listing, LocationError, TreeFile,
};
use crate::loader::http::{HttpClient, HttpOptions, Validators};
use crate::loader::{self, LoaderError};
use crate::post::LoadWarning;

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

/// What kind of source a location names: `github:…`, an `http(s)://` feed, else a path.
pub fn kind_of_location(location: &str) -> SourceKind {
    let lower = location.trim().to_ascii_lowercase();
    if lower.starts_with("github:") {
        SourceKind::GitHub
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        SourceKind::Feed
    } else {
        SourceKind::Local
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
        SourceKind::GitHub => sync_github(library, source, options, progress),
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

fn sync_github(
    library: &mut Library,
    source: &SourceInfo,
    options: &SyncOptions,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<SyncReport, SyncError> {
    let location = GithubLocation::parse(&source.location)?;
    let client = HttpClient::new(options.http.clone());
    let stored = library.stored_files(source.id)?;
    let etag = if stored.is_empty() {
        None
    } else {
        source.etag.as_deref()
    };
    let mut report = SyncReport::new(&source.name);
    let tree = match github::list_tree(&client, &options.github, &location, etag)? {
        Listing::NotModified => {
            report.not_modified = true;
            report.unchanged = stored.len();
            return Ok(report);
        }
        Listing::Listed(tree) => tree,
    };

    let mut present: HashSet<&str> = HashSet::new();
    let mut wanted: Vec<TreeFile> = Vec::new();
    for file in &tree.files {
        present.insert(&file.rel_path);
        match stored.get(&file.rel_path) {
            Some(known) if known.content_hash == file.sha => report.unchanged += 1,
            _ => wanted.push(file.clone()),
        }
    }
    for (file, reason) in &tree.skipped {
        // Still in the repository: a post stored from it earlier stays.
        present.insert(&file.rel_path);
        report.fail(&file.repo_path, reason.clone());
    }

    // Removals first: the listing is complete, and they cost no download.
    let removals: Vec<String> = stored
        .keys()
        .filter(|rel_path| !present.contains(rel_path.as_str()))
        .cloned()
        .collect();
    if !removals.is_empty() {
        report.add(library.apply(
            source.id,
            ImportBatch {
                removals,
                ..ImportBatch::default()
            },
        )?);
    }

    download_and_store(
        library,
        source,
        &location,
        &client,
        options,
        wanted,
        &mut report,
        progress,
    )?;

    // Only a sync that got every file may let the next one stop at a 304.
    let complete = report.failed == 0 && !report.cancelled;
    let etag = if complete { tree.etag.as_deref() } else { None };
    library.set_source_validators(source.id, etag, None)?;
    Ok(report)
}

/// Downloads `wanted` on a few threads; this thread parses and commits each file as it
/// arrives (one transaction per post), so whatever finished is kept.
#[allow(clippy::too_many_arguments)]
fn download_and_store(
    library: &mut Library,
    source: &SourceInfo,
    location: &GithubLocation,
    client: &HttpClient,
    options: &SyncOptions,
    wanted: Vec<TreeFile>,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<(), SyncError> {
    let total = wanted.len();
    if total == 0 {
        return Ok(());
    }
    progress(SyncProgress::Downloading {
        source: source.name.clone(),
        total,
    });
    let next = AtomicUsize::new(0);
    // Set when going on is pointless (rate limit, network gone) or the user cancelled.
    let stop = AtomicBool::new(false);
    let workers = options.parallel_downloads.clamp(1, total);
    std::thread::scope(|scope| -> Result<(), SyncError> {
        let (sender, receiver) = mpsc::channel::<(usize, Result<Vec<u8>, GithubError>)>();
        for _ in 0..workers {
            let sender = sender.clone();
            let (next, stop, wanted) = (&next, &stop, &wanted);
            let client = client.clone();
            scope.spawn(move || {
                loop {
                    if stop.load(Ordering::Relaxed) || options.cancelled() {
                        break;
                    }
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = wanted.get(index) else { break };
                    let result = github::download(&client, &options.github, location, file);
                    if let Err(error) = &result
                        && is_hopeless(error)
                    {
                        // Stop the other workers now, not when the result is read.
                        stop.store(true, Ordering::Relaxed);
                    }
                    if sender.send((index, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut done = 0;
        let mut stop_reason: Option<String> = None;
        for (index, result) in receiver {
            let file = &wanted[index];
            done += 1;
            match result {
                Ok(bytes) => {
                    report.bytes += bytes.len() as u64;
                    let mut parsed = loader::parse_post(&file.rel_path, &bytes);
                    report.warnings.extend(parsed.warnings);
                    if parsed.post.content_hash != file.sha {
                        report.warnings.push(LoadWarning {
                            location: file.repo_path.clone(),
                            line: None,
                            reason: "the downloaded file differs from the listed one (did the branch move during the sync?)".to_owned(),
                        });
                    }
                    // Stored under the listed sha so the next listing compares equal; if the
                    // branch moved, the next listing has a new sha and fetches it again.
                    parsed.post.content_hash = file.sha.clone();
                    let batch = ImportBatch {
                        upserts: vec![Upsert {
                            post: parsed.post,
                            stamp: None,
                        }],
                        ..ImportBatch::default()
                    };
                    match library.apply(source.id, batch) {
                        Ok(applied) => report.add(applied),
                        Err(error) => {
                            // The library cannot take writes (disk full, read-only): stop.
                            stop.store(true, Ordering::Relaxed);
                            return Err(error.into());
                        }
                    }
                }
                Err(error) => {
                    if is_hopeless(&error) {
                        stop_reason.get_or_insert_with(|| error.to_string());
                    }
                    report.fail(&file.repo_path, error.to_string());
                }
            }
            progress(SyncProgress::FileDone {
                source: source.name.clone(),
                done,
                total,
                rel_path: file.rel_path.clone(),
            });
        }
        let not_attempted = total - done;
        if not_attempted > 0 {
            if let Some(reason) = stop_reason {
                report.failed += not_attempted;
                report.failures.push(LoadWarning {
                    location: location.to_string(),
                    line: None,
                    reason: format!("{not_attempted} more files not downloaded after: {reason}"),
                });
            } else {
                report.cancelled = true;
            }
        }
        Ok(())
    })
}

/// An error after which further downloads would fail the same way.
fn is_hopeless(error: &GithubError) -> bool {
    matches!(
        error,
        GithubError::RateLimited { .. } | GithubError::BadToken { .. }
    ) || error.is_unreachable()
}

/// The library setting that remembers configured sources the user removed, so they do not
/// come back on the next sync.
const REMOVED_SOURCES_SETTING: &str = "sync.removed_config_sources";

/// Adds the sources named in the config file to the library (by name; a changed location is
/// updated), except those the user removed with `source remove`. Returns problems to report.
pub fn register_configured_sources(
    library: &Library,
    sources: &[SourceEntry],
) -> Result<Vec<String>, LibraryError> {
    let removed = removed_config_sources(library)?;
    let mut problems = Vec::new();
    for entry in sources {
        if removed.contains(&entry.name) {
            continue;
        }
        match spec_for(&entry.name, &entry.location) {
            Ok(spec) => {
                let known = library.source(&spec.name)?;
                if known.is_none_or(|k| k.location != spec.location || k.kind != spec.kind) {
                    library.ensure_source(&spec)?;
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    Ok(problems)
}

/// A source spec for a configured or added location, checked (GitHub syntax, URL scheme;
/// local paths are made absolute).
pub fn spec_for(name: &str, location: &str) -> Result<SourceSpec, String> {
    let name = crate::text::sanitize_line(name.trim());
    if name.is_empty() {
        return Err(format!("{location}: a source needs a name"));
    }
    let location = location.trim();
    let kind = kind_of_location(location);
    let location = match kind {
        SourceKind::GitHub => GithubLocation::parse(location)
            .map_err(|e| e.to_string())?
            .to_string(),
        SourceKind::Feed => crate::loader::http::check_url(location)
            .map_err(|e| e.to_string())?
            .to_string(),
        SourceKind::Local => import::canonical_location(std::path::Path::new(location)),
    };
    Ok(SourceSpec {
        name,
        kind,
        location,
    })
}

fn removed_config_sources(library: &Library) -> Result<Vec<String>, LibraryError> {
    Ok(library
        .setting(REMOVED_SOURCES_SETTING)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

/// Remembers that the user removed (`removed = true`) or re-added a configured source.
pub fn remember_removed_source(
    library: &Library,
    name: &str,
    removed: bool,
) -> Result<(), LibraryError> {
    let mut names = removed_config_sources(library)?;
    names.retain(|n| n != name);
    if removed {
        names.push(name.to_owned());
    }
    let json = serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_owned());
    library.set_setting(REMOVED_SOURCES_SETTING, &json)
}

/// The sources to sync: all, or those named (an unknown name is an error naming it).
pub fn select_sources(
    library: &Library,
    names: &[String],
) -> Result<Vec<SourceInfo>, LibraryError> {
    let all = library.sources()?;
    if names.is_empty() {
        return Ok(all);
    }
    let by_name: HashMap<&str, &SourceInfo> = all.iter().map(|s| (s.name.as_str(), s)).collect();
    names
        .iter()
        .map(|name| {
            by_name
                .get(name.as_str())
                .map(|s| (*s).clone())
                .ok_or_else(|| LibraryError::NoSuchSource(name.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_classified() {
        assert_eq!(kind_of_location("github:o/r"), SourceKind::GitHub);
        assert_eq!(kind_of_location("https://x/feed"), SourceKind::Feed);
        assert_eq!(kind_of_location("HTTP://x/feed"), SourceKind::Feed);
        assert_eq!(kind_of_location("./posts"), SourceKind::Local);
        assert_eq!(kind_of_location("/home/u/weekly"), SourceKind::Local);
    }

    #[test]
    fn spec_for_checks_the_location() {
        assert!(spec_for("x", "github:o").unwrap_err().contains("github:o"));
        assert!(spec_for("x", "https://").is_err());
        let spec = spec_for("x", "github:o/r@main:/blog/").unwrap();
        assert_eq!(spec.location, "github:o/r@main:blog");
        assert!(spec_for("  ", "github:o/r").is_err());
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

    #[test]
    fn configured_sources_are_registered_unless_removed() {
        let library = Library::open_in_memory().unwrap();
        let entries = [
            SourceEntry {
                name: "blog".into(),
                location: "github:o/r@main:blog".into(),
            },
            SourceEntry {
                name: "bad".into(),
                location: "github:nope".into(),
            },
        ];
        let problems = register_configured_sources(&library, &entries).unwrap();
        assert_eq!(problems.len(), 1);
        assert_eq!(library.sources().unwrap().len(), 1);
        library.remove_source("blog").unwrap();
        remember_removed_source(&library, "blog", true).unwrap();
        register_configured_sources(&library, &entries).unwrap();
        assert!(library.sources().unwrap().is_empty());
        remember_removed_source(&library, "blog", false).unwrap();
        register_configured_sources(&library, &entries).unwrap();
        assert_eq!(library.sources().unwrap().len(), 1);
    }
}
