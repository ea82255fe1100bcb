//! Importing local folders and files: walk the folder, compare with what the library holds,
//! read only what changed, and apply it all in one transaction.
//!
//! Unchanged files are recognised by modification time and size without being read; a file
//! whose stamp changed but whose content did not is only re-stamped. Files gone from the
//! folder are removed from the library. A file that cannot be read or parsed is reported and
//! skipped; it never stops the rest.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::library::{ImportBatch, ImportReport, Library, LibraryError, SourceKind, SourceSpec};
use crate::loader::{self, LoaderError, ParsedPost};
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
    walk: loader::Walk,
) -> Result<ImportOutcome, ImportError> {
    let stored = library.stored_files(source)?;
    let mut outcome = ImportOutcome {
        skipped: walk.skipped,
        ..ImportOutcome::default()
    };
    let mut batch = ImportBatch::default();
    let mut seen = HashSet::with_capacity(walk.files.len());
    let mut unchanged = 0;
    for file in &walk.files {
        seen.insert(file.rel_path.as_str());
        let known = stored.get(&file.rel_path);
        if known.is_some_and(|known| known.stamp == Some(file.stamp)) {
            unchanged += 1;
            continue;
        }
        match loader::read_post(file) {
            // Still there, only unreadable now: being in `seen`, its post stays.
            Err(skip) => outcome.skipped.push(skip),
            Ok(ParsedPost { post, warnings }) => {
                outcome.warnings.extend(warnings);
                if known.is_some_and(|known| known.content_hash == post.content_hash) {
                    batch.restamps.push((post.rel_path, file.stamp));
                } else {
                    batch.upserts.push(crate::library::Upsert {
                        post,
                        stamp: Some(file.stamp),
                    });
                }
            }
        }
    }
    batch.removals = stored
        .keys()
        .filter(|rel_path| !seen.contains(rel_path.as_str()))
        .cloned()
        .collect();
    outcome.report = library.apply(source, batch)?;
    outcome.report.unchanged += unchanged;
    Ok(outcome)
}

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
