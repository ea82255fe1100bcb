//! The pictures of the open page: which to decode (those near the view, so that a post of
//! 45 pictures holds a few screens of them, not all), keeping what the picture thread sends
//! back, and which picture the `f` list's cursor opens.

use std::sync::Arc;

use super::*;
use crate::app::pictures::decode::DecodeBatch;
use crate::app::pictures::{DecodeRequest, Drawable, DrawnPictures, PageKey};
use crate::render::PictureState;

impl App {
    /// The most rows one picture may take: about two thirds of the reading pane (0 when
    /// pictures are not drawn).
    pub fn picture_rows(&self) -> u16 {
        if !self.draw_pictures {
            return 0;
        }
        let rows = (self.reader_height() * 2 / 3).max(1);
        u16::try_from(rows).unwrap_or(u16::MAX)
    }

    /// Asks for the pictures of the page in the reader that are near the view (a screen
    /// above it to two below) and not decoded or on their way yet, notes them shown, and
    /// lets go of decoded ones far from it. Called when a page is shown and after every
    /// batch of events (the view may have moved).
    pub fn decode_pictures(&mut self) -> Vec<Effect> {
        let Some(reader) = self.reader.as_ref() else {
            return Vec::new();
        };
        let Some(page) = reader.page.clone() else {
            return Vec::new();
        };
        if page.rendered.pictures.is_empty() {
            return Vec::new();
        }
        if self.pictures.page != Some(page.key()) {
            self.pictures = DrawnPictures {
                page: Some(page.key()),
                ..DrawnPictures::default()
            };
        }
        let height = self.reader_height();
        let top = page.header_len();
        let scroll = reader.scroll;
        // Rows of the page, as [start, end), with some slack kept before letting go.
        let near = scroll.saturating_sub(height)..scroll + 3 * height;
        let kept = scroll.saturating_sub(3 * height)..scroll + 5 * height;
        let overlaps = |range: &std::ops::Range<usize>, line: usize, rows: usize| {
            top + line < range.end && top + line + rows > range.start
        };
        let blocks = &page.rendered.pictures;
        let far: Vec<usize> = self
            .pictures
            .asked
            .iter()
            .copied()
            .filter(|&i| {
                blocks
                    .get(i)
                    .is_none_or(|b| !overlaps(&kept, b.line, b.rows))
            })
            .collect();
        for index in far {
            self.pictures.asked.remove(&index);
            self.pictures.ready.remove(&index);
        }
        let asked = &self.pictures.asked;
        let requests: Vec<DecodeRequest> = blocks
            .iter()
            .enumerate()
            .filter(|(index, block)| {
                !asked.contains(index) && overlaps(&near, block.line, block.rows)
            })
            .filter_map(|(index, block)| {
                let entry = page.shelf_entry(&block.url)?;
                Some(DecodeRequest {
                    index,
                    url: entry.url.clone(),
                    pixels: entry.pixels.clone()?,
                    columns: u16::try_from(block.columns).unwrap_or(u16::MAX),
                    rows: u16::try_from(block.rows).unwrap_or(u16::MAX),
                })
            })
            .collect();
        if requests.is_empty() {
            return Vec::new();
        }
        self.pictures.asked.extend(requests.iter().map(|r| r.index));
        let shown: Vec<String> = requests.iter().map(|r| r.url.clone()).collect();
        let mut effects = vec![Effect::DecodePictures(DecodeBatch {
            page: page.key(),
            pictures: requests,
        })];
        if !shown.is_empty() {
            effects.push(Effect::MarkPicturesShown(shown));
        }
        effects
    }

    /// Keeps a decoded picture if it belongs to the page shown.
    pub(super) fn picture_ready(
        &mut self,
        page: PageKey,
        index: usize,
        result: Result<Arc<Drawable>, String>,
    ) {
        if self.pictures.page != Some(page) || !self.pictures.asked.contains(&index) {
            return;
        }
        match result {
            Ok(drawable) => {
                self.pictures.ready.insert(index, drawable);
            }
            Err(reason) => {
                self.pictures.failed.insert(index, reason);
            }
        }
    }

    /// The decoded picture drawn at `index` of the page in the reader, if it is ready.
    pub fn drawn_picture(&self, index: usize) -> Option<&Arc<Drawable>> {
        let page = self.reader.as_ref()?.page.as_ref()?;
        if self.pictures.page != Some(page.key()) {
            return None;
        }
        self.pictures.ready.get(&index)
    }
}

/// The cached file of the picture written as `reference` in `page`, if the cache holds it:
/// what opening it from the `f` list opens, with no network.
pub fn cached_file(page: &Page, reference: &str) -> Option<std::path::PathBuf> {
    let entry = page.shelf_entry(reference)?;
    match (&entry.state, &entry.pixels) {
        (PictureState::Cached { .. }, Some(crate::app::pictures::PixelSource::File(path))) => {
            Some(path.clone())
        }
        _ => None,
    }
}
