//! The tag-name cache: for each tag key, the spelling most posts use and whether any post has
//! the tag in its metadata. Every list, search hit and tag count shows tags by these names.
//!
//! Deriving the names scans all of `post_tags`, so writers store them in the `tag_names`
//! table ([`store_tag_names`], called by `library::import` and the migration that adds the
//! table) and readers keep them in [`Library`]'s cache until the next write.

use std::cell::Ref;
use std::collections::HashMap;

use rusqlite::{Connection, Transaction};

use super::{Library, LibraryError};
use crate::post::TagKind;

/// A tag's name as lists show it.
#[derive(Debug, Clone)]
pub(super) struct TagName {
    /// The spelling most posts use.
    pub(super) spelling: String,
    /// [`TagKind::Meta`] when any post has the tag in its metadata.
    pub(super) kind: TagKind,
}

impl Library {
    /// Tag key → the spelling most posts use, and whether any post has it in its metadata.
    pub(super) fn tag_names(&self) -> Result<Ref<'_, HashMap<String, TagName>>, LibraryError> {
        if self.tag_names.borrow().is_none() {
            let names = match stored_tag_names(&self.conn)? {
                Some(names) => names,
                None => derive_tag_names(&self.conn)?,
            };
            *self.tag_names.borrow_mut() = Some(names);
        }
        Ok(Ref::map(self.tag_names.borrow(), |names| {
            names.as_ref().expect("filled above")
        }))
    }
}

/// The names kept in the `tag_names` table by the last write, or `None` when a write since
/// emptied it (removing a source does) and they must be derived again.
fn stored_tag_names(conn: &Connection) -> rusqlite::Result<Option<HashMap<String, TagName>>> {
    let mut stmt = conn.prepare_cached("SELECT tag_key, spelling, kind FROM tag_names")?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            TagName {
                spelling: row.get(1)?,
                kind: tag_kind(&row.get::<_, String>(2)?),
            },
        ))
    })?;
    let names: HashMap<String, TagName> = rows.collect::<Result<_, _>>()?;
    if !names.is_empty() {
        return Ok(Some(names));
    }
    let any_tags: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM post_tags)", [], |row| {
        row.get(0)
    })?;
    Ok((!any_tags).then(HashMap::new))
}

/// Tag names from every row of `post_tags`: a scan of the whole table (50,000 rows for
/// 10,000 posts), which is why writers store the result in `tag_names`.
fn derive_tag_names(conn: &Connection) -> rusqlite::Result<HashMap<String, TagName>> {
    let mut stmt = conn.prepare(
        "SELECT tag_key, spelling, MIN(kind), COUNT(*) AS uses FROM post_tags
         GROUP BY tag_key, spelling ORDER BY tag_key, uses DESC, spelling",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    let mut names: HashMap<String, TagName> = HashMap::new();
    for row in rows {
        let (key, spelling, kind) = row?;
        let kind = tag_kind(&kind);
        names
            .entry(key)
            .and_modify(|name| {
                if kind == TagKind::Meta {
                    name.kind = TagKind::Meta;
                }
            })
            .or_insert(TagName { spelling, kind });
    }
    Ok(names)
}

fn tag_kind(stored: &str) -> TagKind {
    if stored == "meta" {
        TagKind::Meta
    } else {
        TagKind::Topic
    }
}

/// Derives the tag names again and stores them in `tag_names`, for the next readers.
/// Called at the end of every write to `post_tags` (and by the migration that adds the table).
pub(super) fn store_tag_names(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let names = derive_tag_names(tx)?;
    tx.execute("DELETE FROM tag_names", [])?;
    let mut insert =
        tx.prepare_cached("INSERT INTO tag_names (tag_key, spelling, kind) VALUES (?1, ?2, ?3)")?;
    for (key, name) in &names {
        let kind = match name.kind {
            TagKind::Meta => "meta",
            TagKind::Topic => "topic",
        };
        insert.execute([key.as_str(), name.spelling.as_str(), kind])?;
    }
    Ok(())
}
