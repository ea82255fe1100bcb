//! The library as the reader's [`PictureShelf`]: a post's pictures found in its text, each
//! resolved against the post's home as the sync resolved it and looked up in the picture
//! cache, so drawing never touches the network. Pictures beside a post of a local folder
//! that the cache does not know are read from that folder.

use std::path::{Path, PathBuf};

use super::print::pictures_beside;
use super::{PictureShelf, PixelSource, ShelfEntry};
use crate::library::{Library, SourceKind};
use crate::loader::github::GithubEndpoints;
use crate::pictures::fetch::post_home;
use crate::pictures::{PictureRecord, PictureStatus};
use crate::post::PostId;
use crate::render::{PictureState, Theme, render};

impl PictureShelf for Library {
    fn post_pictures(&self, id: PostId, body: &str) -> anyhow::Result<Vec<ShelfEntry>> {
        let references = picture_references(body);
        if references.is_empty() {
            return Ok(Vec::new());
        }
        let Some(post) = self.post(id)? else {
            return Ok(Vec::new());
        };
        let Some(source) = self.source(&post.summary.source)? else {
            return Ok(Vec::new());
        };
        let home = post_home(
            &source,
            None,
            &GithubEndpoints::from_env(),
            &post.summary.path,
            post.web_url.as_deref(),
        );
        let mut entries = Vec::with_capacity(references.len());
        let mut not_in_cache = Vec::new();
        for reference in references {
            let url = home.as_ref().and_then(|home| home.resolve(&reference));
            let record = match &url {
                Some(url) => self.picture(url)?,
                None => None,
            };
            match record {
                Some(record) => entries.push(entry_of(reference, record)),
                None => not_in_cache.push((reference, url)),
            }
        }
        // A local post's pictures are on disk beside it even when the cache has no record
        // of them (a library synced with `fetch = "none"`, or before pictures were kept).
        if source.kind == SourceKind::Local && !not_in_cache.is_empty() {
            let file = local_post_file(Path::new(&source.location), &post.summary.path);
            let references: Vec<String> = not_in_cache.iter().map(|(r, _)| r.clone()).collect();
            let beside = pictures_beside(&file, &references);
            not_in_cache.retain(|(reference, _)| !beside.iter().any(|e| &e.reference == reference));
            entries.extend(beside);
        }
        entries.extend(not_in_cache.into_iter().map(|(reference, url)| ShelfEntry {
            url: url.unwrap_or_else(|| reference.clone()),
            reference,
            state: PictureState::Missing("not downloaded yet".into()),
            pixels: None,
        }));
        Ok(entries)
    }

    fn mark_shown(&self, urls: &[String]) -> anyhow::Result<()> {
        let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
        Ok(self.mark_pictures_shown(&urls)?)
    }
}

/// What the reader makes of the cache's record of a picture: drawable when stored with its
/// size, else the reason it cannot be drawn, as the placeholder shows it.
fn entry_of(reference: String, record: PictureRecord) -> ShelfEntry {
    let stored = match (record.status, &record.file, record.width, record.height) {
        (PictureStatus::Ok, Some(file), Some(width), Some(height)) => {
            Some((file.clone(), width, height))
        }
        _ => None,
    };
    let (state, pixels) = match stored {
        Some((file, width, height)) => (
            PictureState::Cached { width, height },
            Some(PixelSource::File(file)),
        ),
        None => {
            let reason = match record.status {
                PictureStatus::Pending | PictureStatus::Ok => "not downloaded yet".to_string(),
                PictureStatus::Failed => format!(
                    "failed: {}",
                    record.reason.as_deref().unwrap_or("unknown reason")
                ),
                PictureStatus::Skipped => record.reason.unwrap_or_else(|| "skipped".into()),
            };
            (PictureState::Missing(reason), None)
        }
    };
    ShelfEntry {
        reference,
        url: record.url,
        state,
        pixels,
    }
}

/// The file of a local post: the source itself when it is one file, else the post's path
/// inside the source's folder.
fn local_post_file(root: &Path, rel_path: &str) -> PathBuf {
    if root.is_file() {
        root.to_path_buf()
    } else {
        root.join(rel_path)
    }
}

/// The pictures `body` uses, as written (markdown and HTML images alike, as the renderer
/// reads them).
pub fn picture_references(body: &str) -> Vec<String> {
    if !body.contains("![") && !body.to_ascii_lowercase().contains("<img") {
        return Vec::new();
    }
    render(body, 80, &Theme::plain())
        .links
        .into_iter()
        .filter(|link| link.is_image)
        .map(|link| link.url)
        .collect()
}
