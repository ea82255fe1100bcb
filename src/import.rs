//! Importing local folders and files: walk the folder, compare with what the library holds,
//! read only what changed, and apply it all in one transaction.
//!
//! Unchanged files are recognised by modification time and size without being read; a file
//! whose stamp changed but whose content did not is only re-stamped. Files gone from the
//! folder are removed from the library. A file that cannot be read or parsed is reported and
//! skipped; it never stops the rest.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::library::{
    Change, ImportBatch, ImportReport, Library, LibraryError, SourceKind, SourceSpec,
};
use crate::loader::{self, FoundFile, LoaderError, ParsedPost};
use crate::post::{LoadWarning, SourceId};

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
            let name = unused_source_name(library, Path::new(&location))?;
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
pub fn sync_walk(
    library: &mut Library,
    source: SourceId,
    mut walk: loader::Walk,
) -> Result<ImportOutcome, ImportError> {
    let stored = library.stored_files(source)?;
    let mut outcome = ImportOutcome {
        skipped: std::mem::take(&mut walk.skipped),
        ..ImportOutcome::default()
    };
    let mut seen = HashSet::with_capacity(walk.files.len());
    let mut unchanged = 0;
    let mut changed = Vec::new();
    for file in &walk.files {
        seen.insert(file.rel_path.as_str());
        let known = stored.get(&file.rel_path);
        if known.is_some_and(|known| known.stamp == Some(file.stamp)) {
            unchanged += 1;
        } else {
            changed.push(file);
        }
    }
    let removals: Vec<String> = stored
        .keys()
        .filter(|rel_path| !seen.contains(rel_path.as_str()) && !walk.keeps(rel_path))
        .cloned()
        .collect();
    let (skipped, warnings) = (&mut outcome.skipped, &mut outcome.warnings);
    // What a read file changes: nothing if unreadable (being in `seen`, its post stays), a
    // new stamp if only that changed, else the post.
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
            let known = stored.get(&file.rel_path);
            Some(
                if known.is_some_and(|known| known.content_hash == post.content_hash) {
                    Change::Restamp(post.rel_path, file.stamp)
                } else {
                    Change::Upsert(crate::library::Upsert {
                        post,
                        stamp: Some(file.stamp),
                    })
                },
            )
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

/// Fewer files than this are read on the calling thread.
const READ_ON_A_THREAD_FROM: usize = 16;

/// How many read files may wait for the library.
const READ_AHEAD: usize = 16;

/// A source name for a newly imported path: its folder (or file) name, made unique.
fn unused_source_name(library: &Library, path: &Path) -> Result<String, LibraryError> {
    let base = path
        .file_name()
        .map(|name| crate::text::sanitize_line(&name.to_string_lossy()))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "local".to_string());
    let mut name = base.clone();
    let mut n = 2;
    while library.source(&name)?.is_some() {
        name = format!("{base}-{n}");
        n += 1;
    }
    Ok(name)
}

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
        .map(|file| crate::library::Upsert {
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
