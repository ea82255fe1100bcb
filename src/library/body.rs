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

/// The stored form of `text`.
pub(super) fn compress(text: &str) -> Vec<u8> {
    zstd::bulk::compress(text.as_bytes(), LEVEL).expect("compressing into memory cannot fail")
}

/// The body in column `index` of `row`, decompressed.
pub(super) fn from_row(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<String> {
    decode(row.get_ref(index)?).map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Blob, err.into())
    })
}

/// A stored body's text: the decompressed blob, or the text of an old row.
pub(super) fn decode(value: ValueRef<'_>) -> Result<String, BodyError> {
    match value {
        ValueRef::Text(text) => Ok(String::from_utf8_lossy(text).into_owned()),
        ValueRef::Blob(blob) => {
            let bytes = zstd::stream::decode_all(blob).map_err(|_| BodyError::Corrupt)?;
            String::from_utf8(bytes).map_err(|_| BodyError::Corrupt)
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
