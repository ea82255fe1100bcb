//! The picture intake: downloaded bytes in, a picture worth keeping (or a reason) out. Pure:
//! no IO, so the fuzz target and the tests drive it directly; [`super::fetch`] calls it off
//! the UI thread.
//!
//! The steps, each refusing early what the next would pay for:
//! 1. **Sniff** the format from the bytes. URLs and `Content-Type` lie: real posts use URLs
//!    without an extension, `.image`, or `?wx_fmt=png`, and servers send HTML error pages
//!    as `image/png`. Only PNG, JPEG, GIF and WebP are taken.
//! 2. **Read the dimensions** from the header, before decoding anything: a header that claims
//!    100000×100000 is refused without allocating. Tracking pixels (16 px or less on a side)
//!    are skipped here too.
//! 3. **Decode** under [`image::Limits`], catching a panic in a decoder: one bad picture
//!    costs its own entry, never the sync.
//! 4. **Scale** down to at most [`MAX_STORED_WIDTH`] pixels wide, which is more than a
//!    terminal shows and saves space. A GIF keeps its first frame.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbaImage};

/// Wider than any terminal pane draws (a 4K screen of 8 px cells is 480 columns); wide
/// enough for a diagram's small print when opened in a picture viewer.
pub const MAX_STORED_WIDTH: u32 = 1600;

/// Pictures of this many pixels or fewer on a side are tracking pixels or spacers.
pub const MAX_SKIPPED_SIDE: u32 = 16;

/// The most a picture may claim on a side. Long screenshots of chat threads and posters
/// run to 20,000 px tall; beyond this a header is lying or the picture is useless.
pub const MAX_SIDE: u32 = 32_768;

/// The most pixels a picture may have (about 7,000 × 7,000): decoding takes 4 bytes each.
pub const MAX_PIXELS: u64 = 48_000_000;

/// The most memory one decode may allocate.
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// The formats the cache stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureFormat {
    Png,
    Jpeg,
    Gif,
    WebP,
}

impl PictureFormat {
    /// The file extension the store uses.
    pub fn extension(self) -> &'static str {
        match self {
            PictureFormat::Png => "png",
            PictureFormat::Jpeg => "jpg",
            PictureFormat::Gif => "gif",
            PictureFormat::WebP => "webp",
        }
    }

    fn from_image(format: ImageFormat) -> Option<PictureFormat> {
        Some(match format {
            ImageFormat::Png => PictureFormat::Png,
            ImageFormat::Jpeg => PictureFormat::Jpeg,
            ImageFormat::Gif => PictureFormat::Gif,
            ImageFormat::WebP => PictureFormat::WebP,
            _ => return None,
        })
    }

    fn to_image(self) -> ImageFormat {
        match self {
            PictureFormat::Png => ImageFormat::Png,
            PictureFormat::Jpeg => ImageFormat::Jpeg,
            PictureFormat::Gif => ImageFormat::Gif,
            PictureFormat::WebP => ImageFormat::WebP,
        }
    }
}

/// A picture ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The file to store: the original bytes when they needed no change, else the picture
    /// encoded again (JPEG stays JPEG; the others become PNG).
    pub bytes: Vec<u8>,
    pub format: PictureFormat,
    pub width: u32,
    pub height: u32,
}

/// What the intake made of some bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intake {
    Keep(Prepared),
    /// Not worth keeping; the reason is stored.
    Skip(String),
}

/// Why bytes were refused. The messages are what `images` shows as the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("not a picture: {0}")]
    NotAPicture(&'static str),
    #[error("unsupported format: {0}")]
    Unsupported(String),
    #[error("too large: {width}×{height} pixels")]
    TooLarge { width: u32, height: u32 },
    #[error("cannot decode: {0}")]
    Corrupt(String),
    #[error("cannot decode: the decoder crashed")]
    DecoderPanic,
}

/// Steps 1 to 4 of the module docs.
///
/// ```
/// use sofa_weekly::pictures::intake::{prepare, IntakeError};
/// let page = b"<!DOCTYPE html><html><body>Not found</body></html>";
/// assert_eq!(prepare(page), Err(IntakeError::NotAPicture("an HTML page")));
/// ```
pub fn prepare(bytes: &[u8]) -> Result<Intake, IntakeError> {
    let format = sniff(bytes)?;
    let (width, height) = guarded(|| dimensions(bytes, format))?;
    check_dimensions(width, height)?;
    if width <= MAX_SKIPPED_SIDE || height <= MAX_SKIPPED_SIDE {
        return Ok(Intake::Skip(format!(
            "too small to show ({width}×{height}): a tracking pixel or spacer"
        )));
    }
    let picture = guarded(|| decode(bytes, format))?;
    // The header said one thing; what matters is what was decoded.
    check_dimensions(picture.width(), picture.height())?;
    if picture.width() <= MAX_SKIPPED_SIDE || picture.height() <= MAX_SKIPPED_SIDE {
        return Ok(Intake::Skip(format!(
            "too small to show ({}×{}): a tracking pixel or spacer",
            picture.width(),
            picture.height()
        )));
    }
    let needs_scaling = picture.width() > MAX_STORED_WIDTH;
    if !needs_scaling && format != PictureFormat::Gif {
        return Ok(Intake::Keep(Prepared {
            bytes: bytes.to_vec(),
            format,
            width: picture.width(),
            height: picture.height(),
        }));
    }
    let picture = if needs_scaling {
        // The height follows the width, but a very wide strip (found by the fuzzer: a
        // 10769×40 JPEG) keeps more than a tracking pixel's height, so that what is kept
        // is never what would have been skipped.
        let height =
            u64::from(picture.height()) * u64::from(MAX_STORED_WIDTH) / u64::from(picture.width());
        let height = (height as u32).max(MAX_SKIPPED_SIDE + 1);
        picture.resize_exact(
            MAX_STORED_WIDTH,
            height,
            image::imageops::FilterType::Triangle,
        )
    } else {
        picture
    };
    guarded(|| encode(&picture, format)).map(Intake::Keep)
}

/// The format, from the bytes alone.
pub fn sniff(bytes: &[u8]) -> Result<PictureFormat, IntakeError> {
    match image::guess_format(bytes) {
        Ok(format) => PictureFormat::from_image(format)
            .ok_or_else(|| IntakeError::Unsupported(format!("{format:?}"))),
        Err(_) => Err(IntakeError::NotAPicture(describe_non_picture(bytes))),
    }
}

/// What a download that is no picture looks like, for the reason users read.
fn describe_non_picture(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(512)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if bytes.is_empty() {
        "the file is empty"
    } else if text.contains("<svg") {
        "SVG, which is not supported yet"
    } else if text.starts_with('<') && (text.contains("<html") || text.contains("<!doctype")) {
        "an HTML page"
    } else if text.starts_with('<') {
        "an XML or HTML document"
    } else {
        "unknown content"
    }
}

fn reader(bytes: &[u8], format: PictureFormat, limits: Limits) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.to_image());
    reader.limits(limits);
    reader
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// The size the header claims. Reading a header allocates nothing per pixel, so it runs
/// without limits: the decoders would refuse a bomb here with a vague "exceeds limit",
/// and [`check_dimensions`] says how large it claimed to be.
fn dimensions(bytes: &[u8], format: PictureFormat) -> Result<(u32, u32), IntakeError> {
    reader(bytes, format, Limits::no_limits())
        .into_dimensions()
        .map_err(|err| refusal(&err))
}

fn check_dimensions(width: u32, height: u32) -> Result<(), IntakeError> {
    let too_large =
        width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS;
    if too_large || width == 0 || height == 0 {
        if width == 0 || height == 0 {
            return Err(IntakeError::Corrupt(format!("{width}×{height} pixels")));
        }
        return Err(IntakeError::TooLarge { width, height });
    }
    Ok(())
}

fn decode(bytes: &[u8], format: PictureFormat) -> Result<DynamicImage, IntakeError> {
    reader(bytes, format, limits())
        .decode()
        .map_err(|err| refusal(&err))
}

fn refusal(err: &image::ImageError) -> IntakeError {
    match err {
        image::ImageError::Limits(_) => IntakeError::Corrupt(format!("over the limits ({err})")),
        image::ImageError::Unsupported(_) => IntakeError::Unsupported(err.to_string()),
        _ => IntakeError::Corrupt(err.to_string()),
    }
}

fn encode(picture: &DynamicImage, format: PictureFormat) -> Result<Prepared, IntakeError> {
    let mut bytes = Vec::new();
    let stored = match format {
        PictureFormat::Jpeg => {
            let encoder =
                image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut bytes), 85);
            DynamicImage::ImageRgb8(picture.to_rgb8()).write_with_encoder(encoder)
        }
        _ => {
            let encoder = image::codecs::png::PngEncoder::new(Cursor::new(&mut bytes));
            picture.write_with_encoder(encoder)
        }
    };
    stored.map_err(|err| IntakeError::Corrupt(format!("cannot encode again: {err}")))?;
    Ok(Prepared {
        bytes,
        format: if format == PictureFormat::Jpeg {
            PictureFormat::Jpeg
        } else {
            PictureFormat::Png
        },
        width: picture.width(),
        height: picture.height(),
    })
}

/// Runs a decoder step, turning a panic into [`IntakeError::DecoderPanic`].
///
/// A caught panic still runs the panic hook, and the reader's hook restores the terminal
/// (leaving the full-screen view) before printing: a bad picture decoded on a background
/// thread would break the screen. So the first decode wraps whatever hook is installed by
/// then (the reader installs its own at start) with one that stays silent for panics inside
/// this guard, on this thread, and passes every other panic on unchanged.
fn guarded<T>(step: impl FnOnce() -> Result<T, IntakeError>) -> Result<T, IntakeError> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !DECODING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was_decoding = DECODING.with(|flag| flag.replace(true));
    let result = catch_unwind(AssertUnwindSafe(step)).unwrap_or(Err(IntakeError::DecoderPanic));
    DECODING.with(|flag| flag.set(was_decoding));
    result
}

thread_local! {
    /// Inside [`guarded`] on this thread.
    static DECODING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A stored picture as RGBA pixels, for drawing: decoded with the same limits and panic
/// guard as at intake, since the file may have been changed on disk since. A GIF gives its
/// first frame.
pub fn load_rgba(bytes: &[u8]) -> Result<RgbaImage, IntakeError> {
    let format = sniff(bytes)?;
    let (width, height) = guarded(|| dimensions(bytes, format))?;
    check_dimensions(width, height)?;
    guarded(|| decode(bytes, format)).map(|picture| picture.to_rgba8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbaImage::from_fn(width, height, |x, y| {
            image::Rgba([(x % 256) as u8, (y % 256) as u8, 128, 255])
        });
        let mut bytes = Vec::new();
        picture
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        bytes
    }

    fn kept(result: Result<Intake, IntakeError>) -> Prepared {
        match result {
            Ok(Intake::Keep(prepared)) => prepared,
            other => panic!("not kept: {other:?}"),
        }
    }

    #[test]
    fn a_small_png_is_kept_as_it_came() {
        let bytes = png(40, 30);
        let prepared = kept(prepare(&bytes));
        assert_eq!(prepared.bytes, bytes);
        assert_eq!((prepared.width, prepared.height), (40, 30));
        assert_eq!(prepared.format, PictureFormat::Png);
    }

    #[test]
    fn a_wide_picture_is_scaled_to_the_stored_width() {
        let prepared = kept(prepare(&png(2000, 500)));
        assert_eq!((prepared.width, prepared.height), (1600, 400));
        assert_eq!(sniff(&prepared.bytes), Ok(PictureFormat::Png));
    }

    #[test]
    fn a_very_wide_strip_is_scaled_to_no_less_than_a_tracking_pixel() {
        let prepared = kept(prepare(&png(4000, 20)));
        assert_eq!((prepared.width, prepared.height), (1600, 17));
    }

    #[test]
    fn tracking_pixels_are_skipped() {
        for (w, h) in [(1, 1), (16, 16), (600, 2)] {
            assert!(
                matches!(prepare(&png(w, h)), Ok(Intake::Skip(_))),
                "{w}×{h}"
            );
        }
        assert!(matches!(prepare(&png(17, 17)), Ok(Intake::Keep(_))));
    }

    #[test]
    fn a_header_claiming_100000_by_100000_is_refused_before_decoding() {
        let mut bytes = png(20, 20);
        // IHDR width and height, big-endian, right after the signature and chunk header.
        bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let err = prepare(&bytes).unwrap_err();
        assert!(
            matches!(err, IntakeError::TooLarge { .. } | IntakeError::Corrupt(_)),
            "{err:?}"
        );
    }

    #[test]
    fn what_is_no_picture_says_what_it_is() {
        assert_eq!(
            prepare(b"<html><body>404</body></html>"),
            Err(IntakeError::NotAPicture("an HTML page"))
        );
        assert_eq!(
            prepare(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            Err(IntakeError::NotAPicture("SVG, which is not supported yet"))
        );
        assert_eq!(
            prepare(b""),
            Err(IntakeError::NotAPicture("the file is empty"))
        );
    }

    #[test]
    fn a_truncated_picture_is_refused() {
        let bytes = png(64, 64);
        let err = prepare(&bytes[..bytes.len() / 2]).unwrap_err();
        assert!(matches!(err, IntakeError::Corrupt(_)), "{err:?}");
    }

    #[test]
    fn a_panic_inside_the_guard_becomes_a_refusal() {
        let result: Result<(), IntakeError> = guarded(|| panic!("a decoder bug"));
        assert_eq!(result, Err(IntakeError::DecoderPanic));
        assert!(!DECODING.with(std::cell::Cell::get));
    }

    #[test]
    fn a_gif_keeps_its_first_frame_as_png() {
        let mut bytes = Vec::new();
        {
            let mut encoder = image::codecs::gif::GifEncoder::new(&mut bytes);
            for shade in [10u8, 200] {
                let frame = RgbaImage::from_pixel(32, 32, image::Rgba([shade, 0, 0, 255]));
                encoder.encode_frame(image::Frame::new(frame)).unwrap();
            }
        }
        let prepared = kept(prepare(&bytes));
        assert_eq!(prepared.format, PictureFormat::Png);
        let first = load_rgba(&prepared.bytes).unwrap();
        assert_eq!(first.get_pixel(5, 5).0[0], 10);
    }
}
