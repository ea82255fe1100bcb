//! Pictures in `sofa-weekly show`: the same pictures as the reader, drawn into the rows the
//! renderer left, written straight to the terminal. Drawing never touches the network: a
//! picture comes from the cache, or from a file beside a post shown by path.

use std::io::{self, Write};
use std::path::Path;

use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use ratatui_image::sliced::{SignedPosition, SlicedImage};

use super::decode::prepare;
use super::graphics::Graphics;
use super::{DecodeRequest, PixelSource, ShelfEntry};
use crate::app::colors::ColorDepth;
use crate::render::{PictureBlock, PictureState};

/// The pictures beside a post file that its text uses by a relative reference (`img/a.png`,
/// `./cover.jpg`), with their sizes read from the files' headers.
pub fn pictures_beside(post_file: &Path, references: &[String]) -> Vec<ShelfEntry> {
    let folder = post_file.parent().unwrap_or(Path::new("."));
    references
        .iter()
        .filter(|reference| !reference.contains(':') && !reference.starts_with("//"))
        .filter_map(|reference| {
            let relative = reference.trim_start_matches('/');
            let file = folder.join(relative);
            let (width, height) = image::image_dimensions(&file).ok()?;
            Some(ShelfEntry {
                reference: reference.clone(),
                url: file.display().to_string(),
                state: PictureState::Cached { width, height },
                pixels: Some(PixelSource::File(file)),
            })
        })
        .collect()
}

/// The rows of `block` drawn with `graphics`, as cells; `None` when it cannot be decoded
/// (the rows stay blank).
pub fn draw_block(graphics: &Graphics, block: &PictureBlock, entry: &ShelfEntry) -> Option<Buffer> {
    let request = DecodeRequest {
        index: 0,
        url: entry.url.clone(),
        pixels: entry.pixels.clone()?,
        columns: u16::try_from(block.columns).ok()?,
        rows: u16::try_from(block.rows).ok()?,
    };
    let drawable = prepare(graphics, &request).ok()?;
    let area = Rect::new(0, 0, request.columns, request.rows);
    let mut buffer = Buffer::empty(area);
    SlicedImage::new(&drawable.0, SignedPosition::from((0, 0))).render(area, &mut buffer);
    Some(buffer)
}

/// Writes the cells of `buffer` row by row: colours as SGR (brought down to `depth`), the
/// symbols as the protocol made them (its own escape sequences included), cells a picture
/// covers (sixel, iTerm2) left out.
pub fn write_cells(buffer: &Buffer, depth: ColorDepth, out: &mut dyn Write) -> io::Result<()> {
    let area = buffer.area;
    let mut line = String::new();
    for y in area.top()..area.bottom() {
        line.clear();
        for x in area.left()..area.right() {
            let Some(cell) = buffer.cell((x, y)) else {
                continue;
            };
            if cell.diff_option == CellDiffOption::Skip {
                continue;
            }
            line.push_str("\x1b[0");
            push_color(&mut line, depth.color(cell.fg), true);
            push_color(&mut line, depth.color(cell.bg), false);
            line.push('m');
            line.push_str(cell.symbol());
        }
        line.push_str("\x1b[0m\n");
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

fn push_color(out: &mut String, color: ratatui::style::Color, foreground: bool) {
    use ratatui::style::Color;
    use std::fmt::Write as _;
    let base = if foreground { 38 } else { 48 };
    let _ = match color {
        Color::Rgb(r, g, b) => write!(out, ";{base};2;{r};{g};{b}"),
        Color::Indexed(i) => write!(out, ";{base};5;{i}"),
        Color::Reset => Ok(()),
        other => {
            // The 16 named colours: bring them to their index.
            let index = match other {
                Color::Black => 0,
                Color::Red => 1,
                Color::Green => 2,
                Color::Yellow => 3,
                Color::Blue => 4,
                Color::Magenta => 5,
                Color::Cyan => 6,
                Color::Gray => 7,
                Color::DarkGray => 8,
                Color::LightRed => 9,
                Color::LightGreen => 10,
                Color::LightYellow => 11,
                Color::LightBlue => 12,
                Color::LightMagenta => 13,
                Color::LightCyan => 14,
                _ => 15,
            };
            write!(out, ";{base};5;{index}")
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn half_block_rows_are_written_as_coloured_cells() {
        let image = image::RgbaImage::from_pixel(4, 4, image::Rgba([255, 0, 0, 255]));
        let entry = ShelfEntry {
            reference: "red.png".into(),
            url: "red.png".into(),
            state: PictureState::Cached {
                width: 4,
                height: 4,
            },
            pixels: Some(PixelSource::Pixels(Arc::new(image))),
        };
        let block = PictureBlock {
            line: 0,
            rows: 2,
            columns: 4,
            url: "red.png".into(),
            link: 0,
        };
        let buffer = draw_block(&Graphics::half_blocks(), &block, &entry).unwrap();
        let mut out = Vec::new();
        write_cells(&buffer, ColorDepth::TrueColor, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.contains("255;0;0"), "{text:?}");
    }

    #[test]
    fn only_relative_references_are_read_beside_the_post() {
        let dir = tempfile::tempdir().unwrap();
        let post = dir.path().join("post.md");
        image::RgbaImage::from_pixel(20, 10, image::Rgba([0, 0, 255, 255]))
            .save(dir.path().join("a.png"))
            .unwrap();
        let references = vec![
            "a.png".to_string(),
            "https://example.org/a.png".to_string(),
            "missing.png".to_string(),
        ];
        let found = pictures_beside(&post, &references);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].state,
            PictureState::Cached {
                width: 20,
                height: 10
            }
        );
    }
}
