//! Post bodies as the library stores them: zstd-compressed, in `posts.body`.
//!
//! Markdown is most of a library's size, and the search index keeps positions rather than
//! text, so the bodies themselves must be small for the whole file to stay within 1.3× the
//! markdown it holds. zstd shrinks a Chinese or English newsletter to well under half (a
//! generated archive to 0.4×), compresses faster than SQLite writes, and reads back at
//! hundreds of MB/s, so an import is not slowed and a page of search excerpts costs little
//! (measured in PERFORMANCE.md).
//!
//! A body longer than [`FIRST_PART`] bytes ends its frame's first block there, so a list's
//! excerpts can decode only that block when the match is in it (most are: see
//! `search::excerpt_of_stored`). It is still one ordinary frame, which any zstd decoder
//! (an older build's included) reads whole; the block boundary costs 0.5 % of the bodies'
//! size on a generated archive.
//!
//! Libraries written before migration 6 held the text itself: a body read as TEXT is
//! taken as it is, so a half-read or salvaged old row still reads.

use std::cell::RefCell;

use rusqlite::types::ValueRef;
use zstd::zstd_safe::zstd_sys::ZSTD_EndDirective;
use zstd::zstd_safe::{self, CCtx, CParameter, DCtx, InBuffer, OutBuffer, ResetDirective};

use super::excerpt::FIRST_PART;

/// Level 9 rather than zstd's default 3: 3 % smaller on newsletter markdown, which is
/// what keeps 10,000 posts within 1.3× their markdown (see PERFORMANCE.md), and still
/// compressing at tens of MB/s on the import's second thread, beside SQLite's writing.
const LEVEL: i32 = 9;

/// Level 1 for a library in memory (the sample, a folder read directly): it is thrown
/// away at exit, so its size matters less than how soon its posts are on screen, and
/// level 9 was a ninth of the time to open a folder of 609 posts.
const IN_MEMORY_LEVEL: i32 = 1;

/// The level to store bodies at in a library on disk or in memory.
pub(super) fn level_for(on_disk: bool) -> i32 {
    if on_disk { LEVEL } else { IN_MEMORY_LEVEL }
}

/// The stored form of `text`.
pub(super) fn compress(text: &str) -> Vec<u8> {
    compress_at(text, LEVEL)
}

/// The stored form of `text`, at zstd level `level`: one frame, recording its size, whose
/// first block ends after [`FIRST_PART`] bytes when the text is longer.
pub(super) fn compress_at(text: &str, level: i32) -> Vec<u8> {
    let bytes = text.as_bytes();
    let split = bytes.len().min(FIRST_PART);
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let cctx = cell.get_or_insert_with(CCtx::create);
        // The bound of one block, and room for the header of the block the flush adds.
        let mut out = Vec::with_capacity(zstd_safe::compress_bound(bytes.len()) + 32);
        let written = (|| {
            cctx.reset(ResetDirective::SessionOnly)?;
            cctx.set_parameter(CParameter::CompressionLevel(level))?;
            cctx.set_pledged_src_size(Some(bytes.len() as u64))?;
            let mut output = OutBuffer::around(&mut out);
            let mut first = InBuffer::around(&bytes[..split]);
            // With the whole bound as room, each directive finishes in one call; the loops
            // are what the streaming interface asks for all the same.
            while cctx.compress_stream2(&mut output, &mut first, ZSTD_EndDirective::ZSTD_e_flush)?
                > 0
            {}
            let mut rest = InBuffer::around(&bytes[split..]);
            while cctx.compress_stream2(&mut output, &mut rest, ZSTD_EndDirective::ZSTD_e_end)? > 0
            {
            }
            Ok::<(), zstd_safe::ErrorCode>(())
        })();
        written.expect("compressing into memory cannot fail");
        out
    })
}

/// The start of a stored body, as far as [`Stored::decode_first_part`] read it.
pub(super) enum FirstPart {
    /// The body is no longer than [`FIRST_PART`] bytes (or was stored before the first part
    /// was a block of its own): this is all of it.
    Whole(String),
    /// The body's first [`FIRST_PART`] bytes, without a character cut at their end.
    Part(String),
}

/// The body in column `index` of `row`, decompressed.
pub(super) fn from_row(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<String> {
    decode(row.get_ref(index)?).map_err(|err| conversion_error(index, err))
}

fn conversion_error(index: usize, err: BodyError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Blob, err.into())
}

/// A body as its row holds it, not yet decompressed: read on the thread that owns the
/// connection, decoded on any (see `Library::search`).
pub(super) struct Stored {
    value: rusqlite::types::Value,
    index: usize,
}

impl Stored {
    pub(super) fn from_row(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Stored> {
        Ok(Stored {
            value: row.get(index)?,
            index,
        })
    }

    pub(super) fn decode(&self) -> rusqlite::Result<String> {
        decode(ValueRef::from(&self.value)).map_err(|err| conversion_error(self.index, err))
    }

    /// The body's first [`FIRST_PART`] bytes, decoding only the frame's first block, or the
    /// whole body when it is short or was stored as one block.
    pub(super) fn decode_first_part(&self) -> rusqlite::Result<FirstPart> {
        let blob = match &self.value {
            rusqlite::types::Value::Blob(blob) => blob,
            _ => return self.decode().map(FirstPart::Whole),
        };
        let size = zstd_safe::get_frame_content_size(blob).ok().flatten();
        if size.is_none_or(|size| size <= FIRST_PART as u64) {
            return self.decode().map(FirstPart::Whole);
        }
        let corrupt = || conversion_error(self.index, BodyError::Corrupt);
        let Some(mut block_ends) = BlockEnds::of(blob) else {
            return Err(corrupt());
        };
        let bytes = STREAM_DECOMPRESSOR.with(|cell| {
            let mut cell = cell.borrow_mut();
            let dctx = cell.get_or_insert_with(DCtx::create);
            dctx.reset(ResetDirective::SessionOnly)
                .map_err(|_| corrupt())?;
            let mut part = Vec::with_capacity(FIRST_PART);
            let mut output = OutBuffer::around(&mut part);
            // The decoder is given one block at a time: with more input it decodes the next
            // block ahead as soon as the room is full, which is the work this saves.
            let mut fed = 0;
            while output.pos() < FIRST_PART {
                let Some(end) = block_ends.next() else { break };
                let mut input = InBuffer::around(&blob[..end.map_err(|_| corrupt())?]);
                input.set_pos(fed);
                while input.pos() < input.src.len() && output.pos() < FIRST_PART {
                    dctx.decompress_stream(&mut output, &mut input)
                        .map_err(|_| corrupt())?;
                }
                fed = input.pos();
            }
            Ok::<_, rusqlite::Error>(part)
        })?;
        if bytes.len() < FIRST_PART {
            return Err(corrupt()); // The frame said it holds more.
        }
        match simdutf8::compat::from_utf8(&bytes) {
            Ok(text) => Ok(FirstPart::Part(text.to_owned())),
            // A character cut by the part's end is left out, as the excerpt cuts it.
            Err(err) if err.error_len().is_none() => {
                let valid = &bytes[..err.valid_up_to()];
                Ok(FirstPart::Part(
                    simdutf8::basic::from_utf8(valid)
                        .map_err(|_| corrupt())?
                        .to_owned(),
                ))
            }
            Err(_) => Err(corrupt()),
        }
    }
}

/// Where each block of a zstd frame ends in `blob`, read from the frame's header and the
/// blocks' headers (RFC 8878, section 3.1.1), to give a decoder one block at a time. `Err`
/// for a block that runs past the blob or is of the reserved type: a damaged body.
struct BlockEnds<'a> {
    blob: &'a [u8],
    at: usize,
    last_seen: bool,
}

impl<'a> BlockEnds<'a> {
    fn of(blob: &'a [u8]) -> Option<BlockEnds<'a>> {
        let descriptor = *blob.get(4)?;
        let single_segment = descriptor & 0x20 != 0;
        let window = usize::from(!single_segment);
        let dictionary = [0, 1, 2, 4][usize::from(descriptor & 3)];
        let content_size = match descriptor >> 6 {
            0 => usize::from(single_segment),
            1 => 2,
            2 => 4,
            _ => 8,
        };
        Some(BlockEnds {
            blob,
            at: 5 + window + dictionary + content_size,
            last_seen: false,
        })
    }
}

impl Iterator for BlockEnds<'_> {
    type Item = Result<usize, BodyError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.last_seen {
            return None;
        }
        let Some(header) = self.blob.get(self.at..self.at + 3) else {
            self.last_seen = true;
            return Some(Err(BodyError::Corrupt));
        };
        let header = u32::from(header[0]) | u32::from(header[1]) << 8 | u32::from(header[2]) << 16;
        self.last_seen = header & 1 == 1;
        let content = match (header >> 1) & 3 {
            1 => 1, // One byte, repeated.
            3 => {
                self.last_seen = true;
                return Some(Err(BodyError::Corrupt));
            }
            _ => (header >> 3) as usize,
        };
        self.at += 3 + content;
        if self.at > self.blob.len() {
            self.last_seen = true;
            return Some(Err(BodyError::Corrupt));
        }
        Some(Ok(self.at))
    }
}

/// The most a stored body may decompress to: more than any post the loader takes
/// (`loader::MAX_FILE_SIZE`), so only a damaged frame's header can claim more.
const MAX_TEXT: usize = 4 * crate::loader::MAX_FILE_SIZE as usize;

thread_local! {
    /// One decompression context per thread, kept: creating one per body was 13 % of a
    /// `search --json` over 5,000 posts.
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { RefCell::new(None) };
    /// The same for decoding the first part only, which streams.
    static STREAM_DECOMPRESSOR: RefCell<Option<DCtx<'static>>> = const { RefCell::new(None) };
    /// And one compression context per thread, for the same reason.
    static COMPRESSOR: RefCell<Option<CCtx<'static>>> = const { RefCell::new(None) };
}

/// A stored body's text: the decompressed blob, or the text of an old row.
pub(super) fn decode(value: ValueRef<'_>) -> Result<String, BodyError> {
    match value {
        ValueRef::Text(text) => Ok(String::from_utf8_lossy(text).into_owned()),
        ValueRef::Blob(blob) => {
            let bytes = DECOMPRESSOR.with(|cell| {
                let mut cell = cell.borrow_mut();
                if cell.is_none() {
                    *cell = Some(zstd::bulk::Decompressor::new().map_err(|_| BodyError::Corrupt)?);
                }
                let decompressor = cell.as_mut().expect("made above");
                // The frame records its size (see `compress`), which is what is allocated.
                decompressor
                    .decompress(blob, MAX_TEXT)
                    .map_err(|_| BodyError::Corrupt)
            })?;
            // A damaged frame may decompress to anything, so the text is checked: by the
            // SIMD validator, as the standard library's took a fifth of a `search --json`
            // on Chinese text. The copy it costs (no unsafe code here) is much cheaper.
            simdutf8::basic::from_utf8(&bytes)
                .map(str::to_owned)
                .map_err(|_| BodyError::Corrupt)
        }
        _ => Err(BodyError::Corrupt),
    }
}

/// A stored body that does not decompress to text: a damaged file.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("a post's stored text is damaged")]
    Corrupt,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(blob: Vec<u8>) -> Stored {
        Stored {
            value: rusqlite::types::Value::Blob(blob),
            index: 0,
        }
    }

    fn first_part(stored: &Stored) -> String {
        match stored.decode_first_part().unwrap() {
            FirstPart::Part(part) => part,
            FirstPart::Whole(_) => panic!("a long body's first part is a part"),
        }
    }

    /// A long body is one frame that any decoder reads whole (an older build's plain
    /// decompression), its first block ending after the first part, which decodes alone to
    /// the text's start without a character cut in two.
    #[test]
    fn a_long_body_s_first_block_is_its_first_part() {
        // Two bytes, then characters of three: byte 4,096 is inside the 1,365th.
        let text = format!("ab{}", "状态机周报".repeat(1000));
        assert!(!text.is_char_boundary(FIRST_PART));
        let blob = compress(&text);
        assert_eq!(
            zstd::bulk::decompress(&blob, text.len()).unwrap(),
            text.as_bytes()
        );
        let ends: Vec<usize> = BlockEnds::of(&blob).unwrap().map(Result::unwrap).collect();
        assert_eq!(ends.len(), 2, "the first part, then the rest");
        assert_eq!(*ends.last().unwrap(), blob.len());
        let part = first_part(&stored(blob));
        assert_eq!(part, text[..FIRST_PART - 2]);
    }

    /// Bodies stored before the first part had a block of its own, and short ones, read too.
    #[test]
    fn first_parts_of_old_and_short_bodies() {
        let text = "state machine 状态机 ".repeat(1000);
        let old = stored(zstd::bulk::compress(text.as_bytes(), 9).unwrap());
        let end = crate::text::floor_char_boundary(&text, FIRST_PART);
        assert!(end < FIRST_PART, "a character is cut");
        assert_eq!(first_part(&old), text[..end]);
        assert_eq!(old.decode().unwrap(), text);
        let short = stored(compress("状态机"));
        assert!(matches!(short.decode_first_part().unwrap(), FirstPart::Whole(t) if t == "状态机"));
        let text_row = Stored {
            value: rusqlite::types::Value::Text("old".into()),
            index: 0,
        };
        assert!(matches!(text_row.decode_first_part().unwrap(), FirstPart::Whole(t) if t == "old"));
    }

    /// A body cut short or with a damaged block header is an error, never a panic.
    #[test]
    fn a_damaged_first_part_is_an_error() {
        let blob = compress(&"状态机 state machine ".repeat(1000));
        for len in [3, 5, 8, 12, 40, blob.len() / 3] {
            assert!(
                stored(blob[..len].to_vec()).decode_first_part().is_err(),
                "{len}"
            );
        }
        let mut reserved = blob.clone();
        let header = BlockEnds::of(&blob).unwrap().at;
        reserved[header] |= 0b110; // Block type 3, reserved.
        assert!(stored(reserved).decode_first_part().is_err());
    }

    #[test]
    fn round_trips_and_reads_old_text() {
        let text = "状态机 state machine ".repeat(100);
        let stored = compress(&text);
        assert!(stored.len() < text.len() / 5);
        assert_eq!(decode(ValueRef::Blob(&stored)).unwrap(), text);
        assert_eq!(decode(ValueRef::Text(b"old")).unwrap(), "old");
        assert!(decode(ValueRef::Blob(b"garbage")).is_err());
    }
}
