//! Local folders and files, for `import PATH`, the sync of local sources and the sample
//! archive: walk the folder, compare with what the library holds, read only what changed,
//! and apply it all in one transaction.
//!
//! Unchanged files are recognised by modification time and size without being read; a file
//! whose stamp changed but whose content did not is only re-stamped. Files gone from the
//! folder are removed from the library. A file that cannot be read or parsed is reported and
//! skipped; it never stops the rest.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::plan::{Plan, gone};
use super::{SyncError, SyncReport};
use crate::library::{
    Change, ImportBatch, ImportReport, Library, LibraryError, SourceInfo, SourceKind, SourceSpec,
    StoredFile, Upsert,
};
use crate::loader::{self, FoundFile, LoaderError, ParsedPost};
use crate::post::{LoadWarning, LoadedPost, SourceId};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Loader(#[from] LoaderError),
    #[error(transparent)]
    Library(#[from] LibraryError),
}

/// What one import did.
#[derive(Debug, Default)]
pub struct ImportOutcome {
    /// The source the path is registered as.
    pub source: String,
    pub report: ImportReport,
    /// Files not imported, each with the reason.
    pub skipped: Vec<LoadWarning>,
    /// Imported, but with something to say (front matter that did not parse, bad bytes).
    pub warnings: Vec<LoadWarning>,
}

/// Registers `path` as a local source (reusing the one that already reads it) and brings the
/// library up to date with it.
pub fn import_path(library: &mut Library, path: &Path) -> Result<ImportOutcome, ImportError> {
    let walk = loader::walk(path)?;
    // The path as given (canonical), not the walk's root: importing one file of a folder
    // must not make a source that claims, and would prune, the whole folder.
    let location = canonical_location(path);
    let source = match library.source_at(SourceKind::Local, &location)? {
        Some(source) => source.name,
        None => {
            let name = super::suggest_source_name(&location, None, |name| {
                Ok::<_, LibraryError>(library.source(name)?.is_some())
            })?;
            library.ensure_source(&SourceSpec {
                name: name.clone(),
                kind: SourceKind::Local,
                location: location.clone(),
            })?;
            name
        }
    };
    let source_id = library
        .source(&source)?
        .ok_or_else(|| LibraryError::NoSuchSource(source.clone()))?
        .id;
    let mut outcome = sync_walk(library, source_id, walk)?;
    outcome.source = source;
    Ok(outcome)
}

/// Imports what a walk found into an existing source. Used by `import` and by sync of local
/// sources.
fn sync_walk(
    library: &mut Library,
    source: SourceId,
    mut walk: loader::Walk,
) -> Result<ImportOutcome, ImportError> {
    let stored = library.stored_files(source)?;
    let mut outcome = ImportOutcome {
        skipped: std::mem::take(&mut walk.skipped),
        ..ImportOutcome::default()
    };
    let Plan {
        fetch: changed,
        unchanged,
        remove: removals,
    } = plan(&stored, &walk);
    let (skipped, warnings) = (&mut outcome.skipped, &mut outcome.warnings);
    // What a read file changes: nothing if unreadable (being listed, its post stays), else
    // what `change_after_read` says.
    let to_change = |(file, read): (&&FoundFile, Result<ParsedPost, LoadWarning>)| match read {
        Err(skip) => {
            skipped.push(skip);
            None
        }
        Ok(ParsedPost {
            post,
            warnings: post_warnings,
        }) => {
            warnings.extend(post_warnings);
            Some(change_after_read(stored.get(&file.rel_path), file, post))
        }
    };
    outcome.report = if changed.len() < READ_ON_A_THREAD_FROM {
        let reads = changed.iter().map(|file| loader::read_post(file));
        let changes = changed.iter().zip(reads).filter_map(to_change);
        library.apply_changes(source, changes, &removals)?
    } else {
        // Files are read and parsed on a thread of their own (an eighth of the instructions
        // of a fresh import) while the library writes the posts read before them.
        std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::sync_channel(READ_AHEAD);
            let files = &changed;
            scope.spawn(move || {
                for file in files {
                    if sender.send(loader::read_post(file)).is_err() {
                        break; // The library stopped on an error.
                    }
                }
            });
            // Exactly one result per file: a reader that stopped early (it panicked) makes
            // this panic, in the library's transaction, so nothing is written.
            let reads = (0..changed.len()).map(move |_| {
                receiver
                    .recv()
                    .expect("the file reading thread stopped early")
            });
            let changes = changed.iter().zip(reads).filter_map(to_change);
            library.apply_changes(source, changes, &removals)
        })?
    };
    outcome.report.unchanged += unchanged;
    Ok(outcome)
}

/// The plan for a walk: files whose stamp (modification time and size) differs from the
/// stored one, or that are new, are read; stored posts whose file is gone are removed,
/// unless the walk had to skip something that may hold them ([`loader::Walk::keeps`]).
fn plan<'w>(stored: &HashMap<String, StoredFile>, walk: &'w loader::Walk) -> Plan<&'w FoundFile> {
    let mut plan = Plan {
        fetch: Vec::new(),
        unchanged: 0,
        remove: Vec::new(),
    };
    for file in &walk.files {
        let known = stored.get(&file.rel_path);
        if known.is_some_and(|known| known.stamp == Some(file.stamp)) {
            plan.unchanged += 1;
        } else {
            plan.fetch.push(file);
        }
    }
    let listed: HashSet<&str> = walk.files.iter().map(|f| f.rel_path.as_str()).collect();
    plan.remove = gone(stored, |rel_path| {
        listed.contains(rel_path) || walk.keeps(rel_path)
    });
    plan
}

/// The second half of the plan, for a file that was read: the same content as stored (the
/// file was only touched) gets its new stamp, anything else is written.
fn change_after_read(known: Option<&StoredFile>, file: &FoundFile, post: LoadedPost) -> Change {
    if known.is_some_and(|known| known.content_hash == post.content_hash) {
        Change::Restamp(post.key, file.stamp)
    } else {
        Change::Upsert(Upsert {
            post,
            stamp: Some(file.stamp),
        })
    }
}

/// A local source brought up to date, as a sync reports it.
pub(super) fn sync_local(
    library: &mut Library,
    source: &SourceInfo,
) -> Result<SyncReport, SyncError> {
    let walk = loader::walk(Path::new(&source.location))?;
    let outcome = sync_walk(library, source.id, walk)?;
    let mut report = SyncReport::new(&source.name);
    report.add(outcome.report);
    report.failed = outcome.skipped.len();
    report.failures = outcome.skipped;
    report.warnings = outcome.warnings;
    Ok(report)
}

/// Fewer files than this are read on the calling thread.
const READ_ON_A_THREAD_FROM: usize = 16;

/// How many read files may wait for the library.
const READ_AHEAD: usize = 16;

/// The canonical absolute form of a path, as sources record it.
pub fn canonical_location(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| PathBuf::from(path))
        .to_string_lossy()
        .into_owned()
}

/// The name of the source holding the sample archive in an in-memory library.
pub const SAMPLE_SOURCE: &str = "sample";

/// Loads the embedded sample archive into `library` (meant for an in-memory one).
pub fn import_sample(library: &mut Library) -> Result<ImportReport, LibraryError> {
    let source = library.ensure_source(&SourceSpec {
        name: SAMPLE_SOURCE.to_string(),
        kind: SourceKind::Local,
        location: "(bundled sample archive)".to_string(),
    })?;
    let upserts = crate::sample::files()
        .iter()
        .map(|file| Upsert {
            post: loader::parse_post(file.rel_path, file.text.as_bytes()).post,
            stamp: None,
        })
        .collect();
    library.apply(
        source,
        ImportBatch {
            upserts,
            ..ImportBatch::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Filter;
    use crate::loader::FileStamp;

    fn found(rel_path: &str, mtime_ns: i64) -> FoundFile {
        FoundFile {
            rel_path: rel_path.to_owned(),
            abs_path: PathBuf::from("/archive").join(rel_path),
            stamp: FileStamp::new(mtime_ns, 10),
        }
    }

    fn stored(files: &[(&str, i64)]) -> HashMap<String, StoredFile> {
        files
            .iter()
            .map(|(path, mtime_ns)| {
                let file = StoredFile {
                    content_hash: format!("hash-{path}"),
                    stamp: Some(FileStamp::new(*mtime_ns, 10)),
                };
                ((*path).to_owned(), file)
            })
            .collect()
    }

    #[test]
    fn the_plan_reads_touched_and_new_files_and_removes_gone_ones() {
        let stored = stored(&[("a.md", 1), ("b.md", 2), ("gone.md", 3), ("locked/c.md", 4)]);
        let walk = loader::Walk {
            root: PathBuf::from("/archive"),
            files: vec![found("a.md", 1), found("b.md", 20), found("new.md", 5)],
            skipped: Vec::new(),
            kept: vec!["locked/".to_owned()],
        };
        let plan = plan(&stored, &walk);
        let read: Vec<&str> = plan.fetch.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(read, ["b.md", "new.md"]);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(
            plan.remove,
            ["gone.md"],
            "a folder that cannot be read keeps its posts"
        );
    }

    #[test]
    fn a_read_file_with_the_stored_content_is_only_restamped() {
        let stored = stored(&[("b.md", 2)]);
        let file = found("b.md", 20);
        let mut post = loader::parse_post("b.md", b"text").post;
        post.content_hash = "hash-b.md".to_owned();
        let change = change_after_read(stored.get("b.md"), &file, post.clone());
        assert!(
            matches!(change, Change::Restamp(path, stamp) if path == "b.md" && stamp == file.stamp)
        );
        post.content_hash = "other".to_owned();
        let change = change_after_read(stored.get("b.md"), &file, post);
        assert!(matches!(change, Change::Upsert(upsert) if upsert.stamp == Some(file.stamp)));
    }

    /// Enough files for reading on several threads and deriving index data on a second one.
    const FILES: usize = 40;

    #[test]
    fn a_file_that_grew_too_large_keeps_its_post() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.md");
        std::fs::write(&path, "# 状态机\n\n第一版。\n").unwrap();
        std::fs::write(dir.path().join("gone.md"), "# Gone\n").unwrap();
        let mut library = Library::open_in_memory().unwrap();
        assert_eq!(
            import_path(&mut library, dir.path()).unwrap().report.added,
            2
        );

        // Eleven MiB of text: skipped with a warning, but not taken for a deleted file.
        std::fs::write(&path, "状态机。".repeat(11 * 1024 * 1024 / 12)).unwrap();
        std::fs::remove_file(dir.path().join("gone.md")).unwrap();
        let outcome = import_path(&mut library, dir.path()).unwrap();
        assert_eq!(
            outcome.report.removed, 1,
            "only the deleted file's post goes"
        );
        assert_eq!(outcome.skipped.len(), 1);
        assert!(
            outcome.skipped[0].reason.contains("limit"),
            "{:?}",
            outcome.skipped
        );
        let titles: Vec<String> = library
            .list(&Filter::default())
            .unwrap()
            .into_iter()
            .map(|post| post.title)
            .collect();
        assert_eq!(titles, ["状态机"]);
    }

    #[test]
    fn a_large_folder_is_read_in_order_and_every_post_indexed() {
        let dir = tempfile::tempdir().unwrap();
        for n in 0..FILES {
            let text = match n % 10 {
                // Binary: skipped, with the reason.
                3 => "\0binary".to_string(),
                // Front matter that does not parse: imported, with a warning.
                7 => format!("---\ntitle: [unclosed\n---\n第{n}篇 状态"),
                _ => format!(
                    "---\ntitle: Post {n}\ntags: [T{}]\n---\n第{n}篇，讲 MOSN 的状态。",
                    n % 3
                ),
            };
            std::fs::write(dir.path().join(format!("post-{n:02}.md")), text).unwrap();
        }
        let mut library = Library::open_in_memory().unwrap();
        let outcome = import_path(&mut library, dir.path()).unwrap();
        assert_eq!(outcome.report.added, FILES - FILES / 10);
        let skipped: Vec<&str> = outcome
            .skipped
            .iter()
            .map(|s| s.location.as_str())
            .collect();
        let expected: Vec<String> = (0..FILES)
            .filter(|n| n % 10 == 3)
            .map(|n| {
                dir.path()
                    .join(format!("post-{n:02}.md"))
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(skipped, expected, "in the walk's order");
        assert_eq!(outcome.warnings.len(), FILES / 10);
        assert!(outcome.warnings[0].location.ends_with("post-07.md"));

        // Both full-text indexes and the topic tags were written for every post.
        let found = |query: &str| {
            library
                .list(&Filter {
                    search: Some(query.into()),
                    ..Filter::default()
                })
                .unwrap()
                .len()
        };
        assert_eq!(found("状态"), FILES - FILES / 10, "bigram index");
        assert_eq!(found("的状态"), FILES - 2 * FILES / 10, "trigram index");
        assert_eq!(found("第12篇"), 1);
        let tags = library.tags().unwrap();
        let mosn = tags
            .iter()
            .find(|tag| tag.tag == "MOSN")
            .expect("topic tag");
        assert_eq!(mosn.count as usize, FILES - 2 * FILES / 10);

        // Again: nothing changed, nothing read.
        let again = import_path(&mut library, dir.path()).unwrap();
        assert_eq!(again.report.unchanged, FILES - FILES / 10);
        assert_eq!(again.report.added + again.report.updated, 0);
    }
}
