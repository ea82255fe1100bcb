//! The plan step every kind of source shares: from what the library stores and what the
//! source lists, decide what to fetch, what is unchanged and what to remove, before anything
//! is downloaded or written. Each kind has one plan function, pure and tested on its own:
//!
//! - GitHub ([`super::github`]): a 304 to the tree listing, else the blob sha of each
//!   listed file against the stored content hash.
//! - Feeds ([`super::feed`]): a 304, else each item's hash against the stored one. Nothing
//!   is removed: feeds only list their latest items.
//! - Local folders ([`super::local`]): modification time and size, without reading; for the
//!   files read, the content hash then tells a touched file (only re-stamped) from a
//!   changed one.
//!
//! The library's write ([`crate::library::Library::apply`]) compares hashes once more, but
//! only as a guard for posts that changed between plan and write: it never sees a post the
//! plan called unchanged.

use std::collections::HashMap;

use crate::library::StoredFile;

/// What the sync of one source is to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<T> {
    /// Listed and new or changed: to download, read or store.
    pub fetch: Vec<T>,
    /// Stored and unchanged: left alone.
    pub unchanged: usize,
    /// Stored, but gone from the source (sorted).
    pub remove: Vec<String>,
}

impl<T> Plan<T> {
    /// The source answered 304 to our validators: everything stored is current.
    pub fn not_modified(stored: &HashMap<String, StoredFile>) -> Plan<T> {
        Plan {
            fetch: Vec::new(),
            unchanged: stored.len(),
            remove: Vec::new(),
        }
    }
}

/// The stored paths `keep` does not claim, sorted: what a complete listing says is gone.
pub(super) fn gone(
    stored: &HashMap<String, StoredFile>,
    mut keep: impl FnMut(&str) -> bool,
) -> Vec<String> {
    let mut gone: Vec<String> = stored
        .keys()
        .filter(|rel_path| !keep(rel_path))
        .cloned()
        .collect();
    gone.sort_unstable();
    gone
}

/// What a library stores for `(path, content hash)` pairs, for the plan tests.
#[cfg(test)]
pub(super) fn stored_hashes(files: &[(&str, &str)]) -> HashMap<String, StoredFile> {
    files
        .iter()
        .map(|(path, hash)| {
            let file = StoredFile {
                content_hash: (*hash).to_owned(),
                stamp: None,
            };
            ((*path).to_owned(), file)
        })
        .collect()
}
