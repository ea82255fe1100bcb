//! Turning a stored picture into something to draw, on the picture thread: decode the file
//! (with memory limits, a decoder's panic caught), scale it to the cells the renderer
//! reserved, and encode it for the protocol. The text of a post never waits for this: the
//! page is shown first and each picture fills its rows when it is ready.
//!
//! [`prepare`] is the synchronous core, tested on its own; [`PictureThread`] runs it for the
//! open page and drops the work of a page the reader has left.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use image::{DynamicImage, RgbaImage};
use ratatui::layout::Size;
use ratatui_image::Resize;
use ratatui_image::protocol::halfblocks::Halfblocks;
use ratatui_image::sliced::SlicedProtocol;

use super::graphics::{Graphics, Protocol};
use super::{DecodeRequest, Drawable, PageKey, PixelSource};
use crate::app::event::Event;
use crate::app::state::WorkerMsg;

/// The most pixels on a side a stored picture may have (the cache keeps at most 1600 px
/// wide, but a long screenshot is tall).
const MAX_SIDE: u32 = 32_768;
/// The most memory one decode may allocate.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// Decodes a picture file of the cache to RGBA, with limits: the file may have changed on
/// disk since it was stored.
pub fn load_file(path: &Path) -> Result<RgbaImage, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the cached file: {e}"))?;
    let decoded = std::panic::catch_unwind(|| {
        let mut reader = image::ImageReader::new(std::io::Cursor::new(&bytes[..]))
            .with_guessed_format()
            .map_err(|e| e.to_string())?;
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(MAX_DECODE_BYTES);
        reader.limits(limits);
        reader
            .decode()
            .map(|image| image.into_rgba8())
            .map_err(|e| e.to_string())
    });
    decoded.unwrap_or_else(|_| Err("the decoder failed".to_string()))
}

/// The pixels of `request`, scaled and encoded for `graphics` at its cells.
pub fn prepare(graphics: &Graphics, request: &DecodeRequest) -> Result<Drawable, String> {
    let image = match &request.pixels {
        PixelSource::File(path) => load_file(path)?,
        PixelSource::Pixels(pixels) => RgbaImage::clone(pixels),
    };
    let size = Size::new(request.columns.max(1), request.rows.max(1));
    let protocol = match (graphics.protocol, graphics.picker()) {
        (Protocol::HalfBlocks, _) | (_, None) => {
            // Two pixels a cell, one above the other: scale once, here, off the UI thread.
            let scaled = image::imageops::resize(
                &image,
                u32::from(size.width),
                u32::from(size.height) * 2,
                image::imageops::FilterType::Triangle,
            );
            let blocks = Halfblocks::new(DynamicImage::ImageRgba8(scaled), size)
                .map_err(|e| e.to_string())?;
            SlicedProtocol::Halfblocks(blocks)
        }
        (_, Some(picker)) => SlicedProtocol::new_with_resize(
            picker,
            DynamicImage::ImageRgba8(image),
            size,
            Resize::Fit(None),
        )
        .map_err(|e| e.to_string())?,
    };
    Ok(Drawable(protocol))
}

/// Work for the picture thread: the pictures of one page.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeBatch {
    pub page: PageKey,
    pub pictures: Vec<DecodeRequest>,
}

/// The sending end of the picture thread's queue.
pub struct PictureThread {
    requests: Sender<DecodeBatch>,
}

impl PictureThread {
    /// Starts the thread; each picture it decodes comes back as [`WorkerMsg::Picture`].
    pub fn spawn(graphics: Graphics, events: Sender<Event>) -> PictureThread {
        let (requests, queue) = mpsc::channel();
        thread::Builder::new()
            .name("pictures".into())
            .spawn(move || serve(&graphics, &queue, &events))
            .expect("spawning the picture thread");
        PictureThread { requests }
    }

    pub fn send(&self, batch: DecodeBatch) {
        // The thread only stops when this end is dropped.
        let _ = self.requests.send(batch);
    }
}

fn serve(graphics: &Graphics, queue: &Receiver<DecodeBatch>, events: &Sender<Event>) {
    let mut waiting: VecDeque<(PageKey, DecodeRequest)> = VecDeque::new();
    loop {
        if waiting.is_empty() {
            match queue.recv() {
                Ok(batch) => take(&mut waiting, batch),
                Err(_) => return,
            }
        }
        for batch in queue.try_iter() {
            take(&mut waiting, batch);
        }
        let Some((page, request)) = waiting.pop_front() else {
            continue;
        };
        let result = prepare(graphics, &request).map(Arc::new);
        let reply = WorkerMsg::Picture {
            page,
            index: request.index,
            result,
        };
        if events.send(Event::Worker(reply)).is_err() {
            return;
        }
    }
}

/// Queues the pictures of `batch`; those of any other page are dropped (the reader has
/// moved on).
fn take(waiting: &mut VecDeque<(PageKey, DecodeRequest)>, batch: DecodeBatch) {
    waiting.retain(|(page, _)| *page == batch.page);
    waiting.extend(
        batch
            .pictures
            .into_iter()
            .map(|request| (batch.page, request)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::CellSize;

    fn gradient(width: u32, height: u32) -> RgbaImage {
        RgbaImage::from_fn(width, height, |x, y| {
            image::Rgba([(x * 255 / width) as u8, (y * 255 / height) as u8, 128, 255])
        })
    }

    fn request(columns: u16, rows: u16) -> DecodeRequest {
        DecodeRequest {
            index: 0,
            url: "a.png".into(),
            pixels: PixelSource::Pixels(Arc::new(gradient(64, 32))),
            columns,
            rows,
        }
    }

    #[test]
    fn half_blocks_take_the_cells_asked_for() {
        let drawable = prepare(&Graphics::half_blocks(), &request(20, 5)).unwrap();
        assert_eq!(drawable.0.size(), Size::new(20, 5));
    }

    #[test]
    fn kitty_takes_the_cells_asked_for() {
        let cell = CellSize {
            width: 8,
            height: 16,
        };
        let graphics = Graphics::with_cell(Protocol::Kitty, cell);
        let drawable = prepare(&graphics, &request(8, 2)).unwrap();
        assert!(matches!(drawable.0, SlicedProtocol::Kitty(_)));
    }

    #[test]
    fn a_file_that_is_no_picture_is_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.png");
        std::fs::write(&path, b"<html>not found</html>").unwrap();
        assert!(load_file(&path).is_err());
        assert!(load_file(&dir.path().join("gone.png")).is_err());
    }
}
