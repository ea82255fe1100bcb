//! The picture files: content-addressed under the library folder
//! (`pictures/ab/ab12…ef.png`, named by the sha-1 of the bytes as fetched), so one picture
//! used by 97 posts, or reached by two URLs, is one file; and the budget that keeps their
//! total size.
//!
//! Every file is written to a temporary name in the same folder, flushed to disk, then
//! renamed into place: a rename is atomic, so a kill -9 at any moment leaves either no file
//! or the whole file, never half a picture that the reader would show. Temporaries left by
//! such a kill start with `.` and are removed by [`PictureStore::remove_temporaries`].

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::library::{Library, LibraryError};

/// The folder inside the library folder.
pub const PICTURES_DIR: &str = "pictures";

/// The picture files of one library.
#[derive(Debug, Clone)]
pub struct PictureStore {
    root: PathBuf,
}

/// The sha-1 of `bytes` in hex: a picture's content address.
pub fn content_hash(bytes: &[u8]) -> String {
    sha1_smol::Sha1::from(bytes).digest().to_string()
}

impl PictureStore {
    /// The store of the library in `library_dir`.
    pub fn new(library_dir: &Path) -> PictureStore {
        PictureStore {
            root: library_dir.to_path_buf(),
        }
    }

    /// The file for `hash`, relative to the library folder (as the library records it).
    pub fn relative_path(hash: &str, extension: &str) -> String {
        let fan = hash.get(..2).unwrap_or("00");
        format!("{PICTURES_DIR}/{fan}/{hash}.{extension}")
    }

    pub fn full_path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Writes `bytes` as the file for `hash` unless it is there already; returns its
    /// relative path.
    pub fn write(&self, hash: &str, extension: &str, bytes: &[u8]) -> std::io::Result<String> {
        let relative = Self::relative_path(hash, extension);
        let path = self.full_path(&relative);
        if path.metadata().is_ok_and(|m| m.len() == bytes.len() as u64) {
            return Ok(relative);
        }
        let dir = path.parent().expect("a picture path has a folder");
        std::fs::create_dir_all(dir)?;
        let temporary = dir.join(format!(
            ".{hash}.{}.{}.tmp",
            std::process::id(),
            unique_suffix()
        ));
        let written = (|| {
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&temporary, &path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written.map(|()| relative)
    }

    /// Removes the file at `relative`; a file already gone is fine.
    pub fn remove(&self, relative: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.full_path(relative)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }

    /// Removes temporaries that an interrupted write left behind (older than a minute, so a
    /// write in progress in another process is left alone).
    pub fn remove_temporaries(&self) -> std::io::Result<usize> {
        let mut removed = 0;
        let Ok(fans) = std::fs::read_dir(self.root.join(PICTURES_DIR)) else {
            return Ok(0);
        };
        for fan in fans.flatten() {
            let Ok(entries) = std::fs::read_dir(fan.path()) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let old = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age.as_secs() > 60);
                if name.starts_with('.') && name.ends_with(".tmp") && old {
                    std::fs::remove_file(entry.path())?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }
}

fn unique_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What applying the budget did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneReport {
    /// Picture files removed.
    pub removed: usize,
    pub freed_bytes: u64,
    /// Total size of the stored files after pruning.
    pub kept_bytes: u64,
}

/// Why a cached picture could not be loaded for drawing.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the cached picture {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the cached picture {} is too large", path.display())]
    TooLarge { path: PathBuf },
    #[error(transparent)]
    Decode(#[from] super::intake::IntakeError),
}

/// Reads and decodes the cached file at `path` (a [`crate::pictures::PictureRecord`]'s
/// `file`) as RGBA pixels, with the intake's limits: the file may have changed on disk.
/// Slow for a large picture: call it off the UI thread.
pub fn load_picture(path: &Path) -> Result<image::RgbaImage, LoadError> {
    use std::io::Read;
    let read_error = |source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    };
    let limit = super::fetch::MAX_PICTURE_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit + 1).read_to_end(&mut bytes))
        .map_err(read_error)?;
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    Ok(super::intake::load_rgba(&bytes)?)
}

/// Why pruning stopped.
#[derive(Debug, thiserror::Error)]
pub enum PruneError {
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("cannot remove the picture {}: {source}", path.display())]
    Remove {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Drops the least recently shown pictures until the stored files fit in `budget_bytes`.
/// A file shared by several URLs counts once and goes with all of them.
/// Pictures no post uses any more go first, whatever the budget.
pub fn apply_budget(
    library: &mut Library,
    store: &PictureStore,
    budget_bytes: u64,
) -> Result<PruneReport, PruneError> {
    let _ = store.remove_temporaries();
    let mut report = PruneReport::default();
    for file in library.forget_unused_pictures()? {
        let size = std::fs::metadata(store.full_path(&file)).map_or(0, |m| m.len());
        store.remove(&file).map_err(|source| PruneError::Remove {
            path: store.full_path(&file),
            source,
        })?;
        report.removed += 1;
        report.freed_bytes += size;
    }
    let stored = library.stored_pictures_by_last_use()?;
    let mut seen = std::collections::HashSet::new();
    let files: Vec<_> = stored
        .into_iter()
        .filter(|picture| seen.insert(picture.hash.clone()))
        .collect();
    let mut total: u64 = files.iter().map(|picture| picture.bytes).sum();
    for picture in files {
        if total <= budget_bytes {
            break;
        }
        library.evict_picture_file(&picture.hash)?;
        store
            .remove(&picture.file)
            .map_err(|source| PruneError::Remove {
                path: store.full_path(&picture.file),
                source,
            })?;
        total -= picture.bytes;
        report.removed += 1;
        report.freed_bytes += picture.bytes;
    }
    report.kept_bytes = total;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_is_whole_and_happens_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = PictureStore::new(dir.path());
        let hash = content_hash(b"picture");
        let relative = store.write(&hash, "png", b"picture").unwrap();
        assert_eq!(relative, format!("pictures/{}/{hash}.png", &hash[..2]));
        assert_eq!(
            std::fs::read(store.full_path(&relative)).unwrap(),
            b"picture"
        );
        assert_eq!(store.write(&hash, "png", b"picture").unwrap(), relative);
        let folder = store.full_path(&relative).parent().unwrap().to_path_buf();
        assert_eq!(
            std::fs::read_dir(folder).unwrap().count(),
            1,
            "no temporary left"
        );
        store.remove(&relative).unwrap();
        store.remove(&relative).unwrap();
    }
}
