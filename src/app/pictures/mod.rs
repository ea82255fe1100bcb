//! Pictures in the reader: what the cache holds for a post ([`PictureShelf`], asked by the
//! worker as it renders the post), which protocol draws them ([`graphics`], chosen once at
//! start), and turning a stored picture into cells to draw ([`decode`], on a thread of its
//! own, so the text never waits for its pictures).
//!
//! The state keeps the decoded pictures of the open page ([`DrawnPictures`]); the view
//! draws them into the rows the renderer reserved, sliced to the rows that are visible.

pub mod decode;
pub mod graphics;
mod library_shelf;

pub use library_shelf::picture_references;
pub mod print;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use image::RgbaImage;

use crate::post::PostId;
use crate::render::PictureState;

/// What the cache knows of one picture a post uses.
#[derive(Debug, Clone, PartialEq)]
pub struct ShelfEntry {
    /// The reference as the post's text writes it (relative ones too).
    pub reference: String,
    /// The absolute URL it was fetched from.
    pub url: String,
    pub state: PictureState,
    /// Where its pixels are, when it can be drawn.
    pub pixels: Option<PixelSource>,
}

/// Where a drawable picture's pixels come from.
#[derive(Debug, Clone, PartialEq)]
pub enum PixelSource {
    /// A file of the picture cache (decoded with limits on the picture thread).
    File(PathBuf),
    /// Pixels already in memory (tests, and pictures made by the program).
    Pixels(Arc<RgbaImage>),
}

/// The picture cache, as the reader needs it. The library implements it for real; tests use
/// [`MemoryShelf`]. Only the worker thread calls it.
pub trait PictureShelf {
    /// The pictures post `id` uses, each by the reference its `body` writes.
    fn post_pictures(&self, id: PostId, body: &str) -> anyhow::Result<Vec<ShelfEntry>>;
    /// Notes that these pictures (absolute URLs) were shown: the cache's budget drops the
    /// least recently shown first.
    fn mark_shown(&self, urls: &[String]) -> anyhow::Result<()>;
}

/// `body` rendered with the pictures of `shelf` in rows of their own (`cell` pixels a
/// cell, at most `max_rows` rows each), or with placeholders only when there is no `cell`
/// (no protocol to draw with). The reader's worker and `show` render a post through this.
pub fn render_with_shelf(
    body: &str,
    title: &str,
    width: usize,
    theme: &crate::render::Theme,
    shelf: &[ShelfEntry],
    cell: Option<crate::render::CellSize>,
    max_rows: usize,
) -> crate::render::Rendered {
    let Some(cell) = cell else {
        return crate::render::render_post(body, title, width, theme);
    };
    let lookup = |reference: &str| {
        shelf
            .iter()
            .find(|entry| entry.reference == reference)
            .map(|entry| entry.state.clone())
    };
    let layout = crate::render::PictureLayout {
        lookup: &lookup,
        cell,
        max_rows,
    };
    crate::render::render_post_with_pictures(body, title, width, theme, &layout)
}

/// Pictures held in memory by reference, for tests.
#[derive(Debug, Default)]
pub struct MemoryShelf {
    pub entries: HashMap<String, ShelfEntry>,
    pub shown: Mutex<Vec<String>>,
}

impl MemoryShelf {
    /// A shelf holding `pictures` (reference, pixels), all cached.
    pub fn with_pixels(pictures: Vec<(&str, RgbaImage)>) -> MemoryShelf {
        let entries = pictures
            .into_iter()
            .map(|(reference, image)| {
                let entry = ShelfEntry {
                    reference: reference.to_string(),
                    url: reference.to_string(),
                    state: PictureState::Cached {
                        width: image.width(),
                        height: image.height(),
                    },
                    pixels: Some(PixelSource::Pixels(Arc::new(image))),
                };
                (reference.to_string(), entry)
            })
            .collect();
        MemoryShelf {
            entries,
            shown: Mutex::default(),
        }
    }

    /// Adds a picture the cache does not hold, with the reason.
    pub fn missing(mut self, reference: &str, reason: &str) -> MemoryShelf {
        self.entries.insert(
            reference.to_string(),
            ShelfEntry {
                reference: reference.to_string(),
                url: reference.to_string(),
                state: PictureState::Missing(reason.to_string()),
                pixels: None,
            },
        );
        self
    }
}

impl PictureShelf for MemoryShelf {
    fn post_pictures(&self, _id: PostId, body: &str) -> anyhow::Result<Vec<ShelfEntry>> {
        let mut found: Vec<ShelfEntry> = self
            .entries
            .values()
            .filter(|entry| body.contains(&entry.reference))
            .cloned()
            .collect();
        found.sort_by(|a, b| a.reference.cmp(&b.reference));
        Ok(found)
    }

    fn mark_shown(&self, urls: &[String]) -> anyhow::Result<()> {
        self.shown
            .lock()
            .expect("shelf lock")
            .extend_from_slice(urls);
        Ok(())
    }
}

/// Which page a set of decoded pictures belongs to: the post, its width and the rows a
/// picture may take (a picture is decoded at the size it is laid out at).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub id: PostId,
    pub width: u16,
    pub max_rows: usize,
}

/// A picture ready to draw: cells (half blocks) or a protocol's escape sequences, sliced by
/// rows so that a picture cut by the pane's edge draws only its visible rows.
pub struct Drawable(pub ratatui_image::sliced::SlicedProtocol);

impl std::fmt::Debug for Drawable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let size = self.0.size();
        write!(f, "Drawable({}x{})", size.width, size.height)
    }
}

/// The decoded pictures of the open page, by their index in its `rendered.pictures`.
#[derive(Debug, Default, Clone)]
pub struct DrawnPictures {
    pub page: Option<PageKey>,
    /// Asked of the picture thread (ready, failed, or on their way).
    pub asked: std::collections::HashSet<usize>,
    pub ready: HashMap<usize, Arc<Drawable>>,
    /// Pictures that could not be decoded, and why (they keep their blank rows).
    pub failed: HashMap<usize, String>,
}

/// One picture to decode for a page.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeRequest {
    pub index: usize,
    pub url: String,
    pub pixels: PixelSource,
    pub columns: u16,
    pub rows: u16,
}
