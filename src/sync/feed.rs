//! Syncing a feed: one conditional GET, then the new and changed items upserted in one
//! transaction. Items that left the feed stay (feeds only show recent items).

use std::collections::{HashMap, HashSet};

use super::plan::Plan;
use super::{SyncError, SyncOptions, SyncReport};
use crate::library::{ImportBatch, Library, SourceInfo, StoredFile, Upsert};
use crate::loader::feed::{self, FeedFetch};
use crate::loader::http::{HttpClient, Validators};
use crate::post::{LoadWarning, LoadedPost};

pub(super) fn sync_feed(
    library: &mut Library,
    source: &SourceInfo,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let client = HttpClient::new(options.http.clone());
    let stored = library.stored_files(source.id)?;
    // Without stored posts the validators would only make us miss them (a 304 for nothing).
    let validators = if stored.is_empty() {
        Validators::default()
    } else {
        source.validators.clone()
    };
    let mut report = SyncReport::new(&source.name);
    let (parsed, new_validators, bytes) =
        match feed::fetch_feed(&client, &source.location, &validators)? {
            FeedFetch::NotModified => {
                report.not_modified = true;
                report.unchanged = Plan::<LoadedPost>::not_modified(&stored).unchanged;
                return Ok(report);
            }
            FeedFetch::Fetched {
                feed,
                validators,
                bytes,
            } => (feed, validators, bytes),
        };
    report.bytes = bytes;
    report.warnings = parsed.warnings;
    let (plan, duplicates) = plan(&stored, &source.location, parsed.posts);
    report.warnings.extend(duplicates);
    report.unchanged += plan.unchanged;
    let batch = ImportBatch {
        upserts: plan
            .fetch
            .into_iter()
            .map(|post| Upsert { post, stamp: None })
            .collect(),
        ..ImportBatch::default()
    };
    report.add(library.apply(source.id, batch)?);
    library.set_source_validators(
        source.id,
        new_validators.etag.as_deref(),
        new_validators.last_modified.as_deref(),
    )?;
    Ok(report)
}

/// The plan for a fetched feed: items whose hash differs from the stored one (or that are
/// new) are to be stored. An id listed twice keeps its first item; the others come back as
/// warnings. Nothing is removed.
fn plan(
    stored: &HashMap<String, StoredFile>,
    feed_location: &str,
    posts: Vec<LoadedPost>,
) -> (Plan<LoadedPost>, Vec<LoadWarning>) {
    let mut plan = Plan {
        fetch: Vec::new(),
        unchanged: 0,
        remove: Vec::new(),
    };
    let mut duplicates = Vec::new();
    let mut seen = HashSet::new();
    for post in posts {
        if !seen.insert(post.key.clone()) {
            duplicates.push(LoadWarning {
                location: format!("{feed_location} item {}", post.key),
                line: None,
                reason: "a second item with the same id; only the first is kept".to_owned(),
            });
            continue;
        }
        match stored.get(&post.key) {
            Some(known) if known.content_hash == post.content_hash => plan.unchanged += 1,
            _ => plan.fetch.push(post),
        }
    }
    (plan, duplicates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::plan::stored_hashes as stored;

    fn item(id: &str, hash: &str) -> LoadedPost {
        let mut post = crate::loader::parse_post(id, b"text").post;
        post.content_hash = hash.to_owned();
        post
    }

    #[test]
    fn new_and_changed_items_are_stored_and_none_removed() {
        let stored = stored(&[("a", "1"), ("b", "2"), ("old", "3")]);
        let posts = vec![item("a", "1"), item("b", "changed"), item("c", "4")];
        let (plan, duplicates) = plan(&stored, "https://x/feed", posts);
        let fetch: Vec<&str> = plan.fetch.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(fetch, ["b", "c"]);
        assert_eq!(plan.unchanged, 1);
        assert!(plan.remove.is_empty(), "an item that left the feed stays");
        assert!(duplicates.is_empty());
    }

    #[test]
    fn an_id_listed_twice_keeps_its_first_item() {
        let posts = vec![item("a", "1"), item("a", "2")];
        let (plan, duplicates) = plan(&HashMap::new(), "https://x/feed", posts);
        assert_eq!(plan.fetch.len(), 1);
        assert_eq!(plan.fetch[0].content_hash, "1");
        assert_eq!(duplicates.len(), 1);
        assert_eq!(duplicates[0].location, "https://x/feed item a");
    }

    #[test]
    fn not_modified_means_everything_stored_is_unchanged() {
        let plan = Plan::<LoadedPost>::not_modified(&stored(&[("a", "1"), ("b", "2")]));
        assert_eq!((plan.fetch.len(), plan.unchanged), (0, 2));
    }
}
