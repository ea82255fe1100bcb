//! Syncing a GitHub source: one conditional tree listing, then only the changed files,
//! downloaded on a few threads and committed one by one as they arrive.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use super::plan::{Plan, gone};
use super::{SyncError, SyncOptions, SyncProgress, SyncReport};
use crate::library::{ImportBatch, Library, SourceInfo, StoredFile, Upsert};
use crate::loader;
use crate::loader::github::{self, GithubError, GithubLocation, Listing, TreeFile};
use crate::loader::http::HttpClient;
use crate::post::LoadWarning;

pub(super) fn sync_github(
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
        source.validators.etag.as_deref()
    };
    let mut report = SyncReport::new(&source.name);
    let listing = github::list_tree(&client, &options.github, &location, etag)?;
    let plan = plan(&stored, &listing);
    report.unchanged = plan.unchanged;
    let tree = match listing {
        Listing::NotModified => {
            report.not_modified = true;
            return Ok(report);
        }
        Listing::Listed(tree) => tree,
    };
    for (file, reason) in &tree.skipped {
        report.fail(&file.repo_path, reason.clone());
    }

    // From here the stored posts and the stored ETag may disagree until the end: forget the
    // ETag first, so a sync killed half-way cannot be answered 304 next time.
    if source.validators.etag.is_some() {
        library.set_source_validators(source.id, None, None)?;
    }

    // Removals first: the listing is complete, and they cost no download.
    if !plan.remove.is_empty() {
        report.add(library.apply(
            source.id,
            ImportBatch {
                removals: plan.remove,
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
        plan.fetch,
        &mut report,
        progress,
    )?;

    // Only a sync that got every file may let the next one stop at a 304.
    // Files skipped by the listing (too large, unsafe path) stay skipped until the tree
    // changes, so they do not hold the ETag back: they are reported once, not on every sync.
    let complete = report.failed == tree.skipped.len() && !report.cancelled;
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

/// The plan for a listing: files whose blob sha differs from the stored content hash (or
/// that are new) are downloaded; stored posts whose file left the tree are removed. A file
/// the listing skipped (too large, unsafe path) is still in the repository, so its post
/// stays.
fn plan(stored: &HashMap<String, StoredFile>, listing: &Listing) -> Plan<TreeFile> {
    let Listing::Listed(tree) = listing else {
        return Plan::not_modified(stored);
    };
    let mut plan = Plan {
        fetch: Vec::new(),
        unchanged: 0,
        remove: Vec::new(),
    };
    for file in &tree.files {
        match stored.get(&file.rel_path) {
            Some(known) if known.content_hash == file.sha => plan.unchanged += 1,
            _ => plan.fetch.push(file.clone()),
        }
    }
    let listed: HashSet<&str> = (tree.files.iter())
        .chain(tree.skipped.iter().map(|(file, _)| file))
        .map(|file| file.rel_path.as_str())
        .collect();
    plan.remove = gone(stored, |rel_path| listed.contains(rel_path));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::github::Tree;
    use crate::sync::plan::stored_hashes as stored;

    fn file(rel_path: &str, sha: &str) -> TreeFile {
        TreeFile {
            repo_path: format!("blog/{rel_path}"),
            rel_path: rel_path.to_owned(),
            sha: sha.to_owned(),
            size: 10,
        }
    }

    #[test]
    fn only_changed_and_new_files_are_downloaded_and_gone_ones_removed() {
        let stored = stored(&[
            ("a.md", "1"),
            ("b.md", "2"),
            ("gone.md", "3"),
            ("big.md", "4"),
        ]);
        let listing = Listing::Listed(Tree {
            files: vec![
                file("a.md", "1"),
                file("b.md", "changed"),
                file("c.md", "5"),
            ],
            skipped: vec![(file("big.md", "6"), "too large".into())],
            etag: None,
        });
        let plan = plan(&stored, &listing);
        let fetch: Vec<&str> = plan.fetch.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(fetch, ["b.md", "c.md"]);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.remove, ["gone.md"], "a skipped file keeps its post");
    }

    #[test]
    fn not_modified_downloads_and_removes_nothing() {
        let plan = plan(&stored(&[("a.md", "1")]), &Listing::NotModified);
        assert_eq!(plan, Plan::not_modified(&stored(&[("a.md", "1")])));
        assert_eq!((plan.fetch.len(), plan.unchanged), (0, 1));
    }
}
