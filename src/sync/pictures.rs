//! The step after a source's posts: their pictures, fetched and kept offline
//! ([`crate::pictures::fetch`]). `sync` runs it for every source, `import` for the folder it
//! imported.

use super::{SyncOptions, SyncProgress};
use crate::library::{Library, LibraryError, SourceInfo};
use crate::pictures::fetch::{PictureFetcher, PictureReport};

/// Fetches the pictures of `source`'s new and changed posts that are not cached yet,
/// reporting [`SyncProgress::Pictures`]. A picture that fails is recorded, never returned
/// as an error; only the library failing stops this step.
pub fn fetch_pictures(
    library: &mut Library,
    source: &SourceInfo,
    options: &SyncOptions,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<PictureReport, LibraryError> {
    let fetcher = PictureFetcher::new(
        &options.http,
        options.pictures.clone(),
        options.unreachable_hosts.clone(),
    );
    fetcher.fetch_source(
        library,
        source,
        &options.github,
        &options.cancel,
        &mut |done, total| {
            progress(SyncProgress::Pictures {
                source: source.name.clone(),
                done,
                total,
            })
        },
    )
}
