//! The library as the reader's [`PictureShelf`]: a post's pictures found in its text, each
//! looked up where drawing may read it without the network. Pictures beside a post of a
//! local folder are read from that folder.

use std::path::{Path, PathBuf};

use super::print::pictures_beside;
use super::{PictureShelf, ShelfEntry};
use crate::library::{Library, SourceKind};
use crate::post::PostId;
use crate::render::{Theme, render};

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
        Ok(match source.kind {
            SourceKind::Local => {
                let file = local_post_file(Path::new(&source.location), &post.summary.path);
                pictures_beside(&file, &references)
            }
            SourceKind::GitHub | SourceKind::Feed => Vec::new(),
        })
    }

    fn mark_shown(&self, _urls: &[String]) -> anyhow::Result<()> {
        Ok(())
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
