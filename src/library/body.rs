//! Post bodies as the library stores them: zstd-compressed, in `posts.body`.
//!
//! Markdown is most of a library's size, and the search index keeps positions rather than
//! text, so the bodies themselves must be small for the whole file to stay within 1.3× the
//! markdown it holds. zstd shrinks a Chinese or English newsletter to well under half (a
//! generated archive to 0.4×), compresses faster than SQLite writes, and reads back at
//! hundreds of MB/s, so an import is not slowed and a page of search excerpts costs little
//! (measured in PERFORMANCE.md).
//!
//! Libraries written before migration 6 held the text itself: a body read as TEXT is
//! taken as it is, so a half-read or salvaged old row still reads.

use rusqlite::types::ValueRef;

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

/// The stored form of `text`, at zstd level `level`.
pub(super) fn compress_at(text: &str, level: i32) -> Vec<u8> {
    zstd::bulk::compress(text.as_bytes(), level).expect("compressing into memory cannot fail")
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
}

/// The most a stored body may decompress to: more than any post the loader takes
/// (`loader::MAX_FILE_SIZE`), so only a damaged frame's header can claim more.
const MAX_TEXT: usize = 4 * crate::loader::MAX_FILE_SIZE as usize;

thread_local! {
    /// One decompression context per thread, kept: creating one per body was 13 % of a
    /// `search --json` over 5,000 posts.
    static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { std::cell::RefCell::new(None) };
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
