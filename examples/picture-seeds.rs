//! Writes small pictures in every format the cache takes (and a few near-misses) into a
//! folder, to seed the `picture` fuzz target:
//!
//! ```sh
//! cargo run --example picture-seeds -- fuzz/corpus/picture
//! ```

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fuzz/corpus/picture".to_owned());
    std::fs::create_dir_all(&dir)?;
    let gradient = |w: u32, h: u32| {
        RgbaImage::from_fn(w, h, |x, y| Rgba([x as u8, y as u8, (x ^ y) as u8, 200]))
    };
    for (w, h) in [(20, 18), (40, 17), (17, 40)] {
        let picture = DynamicImage::ImageRgba8(gradient(w, h));
        for format in [ImageFormat::Png, ImageFormat::WebP, ImageFormat::Gif] {
            let mut bytes = Vec::new();
            picture.write_to(&mut Cursor::new(&mut bytes), format)?;
            std::fs::write(format!("{dir}/{w}x{h}.{:?}", format), bytes)?;
        }
        let mut bytes = Vec::new();
        DynamicImage::ImageRgb8(picture.to_rgb8())
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Jpeg)?;
        std::fs::write(format!("{dir}/{w}x{h}.jpeg"), bytes)?;
    }
    // Wider than the stored width: the scaling path.
    let mut bytes = Vec::new();
    DynamicImage::ImageRgba8(RgbaImage::from_pixel(1700, 20, Rgba([9, 99, 199, 255])))
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)?;
    std::fs::write(format!("{dir}/wide.png"), bytes)?;
    let mut bytes = Vec::new();
    let mut encoder = image::codecs::gif::GifEncoder::new(&mut bytes);
    for shade in [0u8, 255] {
        let frame = RgbaImage::from_pixel(24, 24, Rgba([shade, 0, 0, 255]));
        encoder.encode_frame(image::Frame::new(frame))?;
    }
    drop(encoder);
    std::fs::write(format!("{dir}/animated.gif"), bytes)?;
    std::fs::write(format!("{dir}/page.html"), "<!DOCTYPE html><html></html>")?;
    Ok(())
}
