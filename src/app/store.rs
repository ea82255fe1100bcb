//! The data the reader needs, as a small trait: listing, tags, one post's text, reading
//! state and settings. [`crate::library::Library`] implements it for real; the state and view
//! tests use [`MemoryStore`] so they need no SQLite. Only the worker thread calls a store.

use serde::{Deserialize, Serialize};

use super::pictures::{MemoryShelf, PictureShelf};
use crate::post::{PostId, PostSummary, TagCount, TagKind};

/// Which posts the list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Posts must carry all of these.
    pub tags: Vec<String>,
    /// Words in the title or the text.
    pub search: Option<String>,
    pub unread_only: bool,
    /// At most this many (the newest).
    pub limit: Option<usize>,
}

/// Which items the items view shows: one section (by key) or one kind (questions,
/// releases), or every item matching a search; the tag filter applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemsQuery {
    pub section_key: Option<String>,
    pub kind: Option<&'static str>,
    pub tags: Vec<String>,
    pub search: Option<String>,
}

/// A row of the sections pane: a section, or all questions or all releases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionEntry {
    pub name: String,
    pub key: Option<String>,
    pub kind: Option<&'static str>,
    /// Issues it appears in, and its items.
    pub posts: i64,
    pub items: i64,
}

impl SectionEntry {
    /// The query for this section's items under `tags`.
    pub fn query(&self, tags: Vec<String>) -> ItemsQuery {
        ItemsQuery {
            section_key: self.key.clone(),
            kind: self.kind,
            tags,
            search: None,
        }
    }
}

/// A post with its text, as the reader opens it.
#[derive(Debug, Clone, PartialEq)]
pub struct PostText {
    pub summary: PostSummary,
    pub web_url: Option<String>,
    pub body: String,
    /// Saved reading position: a byte offset into `body`.
    pub position: Option<i64>,
}

/// The reader's place, saved on quit and restored next time: the filter and the selected
/// post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSession {
    #[serde(default)]
    pub pinned_tags: Vec<String>,
    #[serde(default)]
    pub cursor_tag: Option<String>,
    #[serde(default)]
    pub unread_only: bool,
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub last_post: Option<PostId>,
}

/// The settings key the session is kept under.
pub const SESSION_KEY: &str = "app.session";

pub trait Store: Send {
    /// Newest first; for a search, in the search's ranking (best first).
    fn list(&self, query: &ListQuery) -> anyhow::Result<Vec<PostSummary>>;
    /// Most used first.
    fn tags(&self) -> anyhow::Result<Vec<TagCount>>;
    fn post(&self, id: PostId) -> anyhow::Result<Option<PostText>>;
    fn set_read(&self, id: PostId, read: bool) -> anyhow::Result<()>;
    fn set_starred(&self, id: PostId, starred: bool) -> anyhow::Result<()>;
    fn set_position(&self, id: PostId, offset: i64) -> anyhow::Result<()>;
    fn setting(&self, key: &str) -> anyhow::Result<Option<String>>;
    fn set_setting(&self, key: &str, value: &str) -> anyhow::Result<()>;
    /// Builds a little more of the search index of posts stored without one (a folder read
    /// directly shows its posts first) and returns how many posts still wait; 0 when search
    /// finds every post. The worker calls it while it has nothing else to do.
    fn index_pending(&mut self) -> anyhow::Result<u64> {
        Ok(0)
    }

    /// The picture cache, when this store has one.
    fn picture_shelf(&self) -> Option<&dyn PictureShelf> {
        None
    }

    /// Sections (questions and releases among them), most issues first. A store without
    /// items has none.
    fn sections(&self, _tags: &[String]) -> anyhow::Result<Vec<SectionEntry>> {
        Ok(Vec::new())
    }
    /// Items, newest post first.
    fn items(&self, _query: &ItemsQuery) -> anyhow::Result<Vec<crate::library::ItemRow>> {
        Ok(Vec::new())
    }
}

/// An in-memory store with the same semantics as the library's queries, for tests.
#[derive(Debug, Default)]
pub struct MemoryStore {
    pub posts: std::sync::Mutex<Vec<PostText>>,
    pub topics: Vec<String>,
    pub settings: std::sync::Mutex<std::collections::HashMap<String, String>>,
    /// Pictures made in the test, by reference.
    pub pictures: Option<MemoryShelf>,
}

impl MemoryStore {
    pub fn new(posts: Vec<PostText>, topics: &[&str]) -> MemoryStore {
        MemoryStore {
            posts: std::sync::Mutex::new(posts),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            settings: Default::default(),
            pictures: None,
        }
    }

    fn with_post(&self, id: PostId, change: impl FnOnce(&mut PostText)) -> anyhow::Result<()> {
        let mut posts = self.posts.lock().expect("store lock");
        let post = posts
            .iter_mut()
            .find(|p| p.summary.id == id)
            .ok_or_else(|| anyhow::anyhow!("no post {id}"))?;
        change(post);
        Ok(())
    }
}

impl Store for MemoryStore {
    fn list(&self, query: &ListQuery) -> anyhow::Result<Vec<PostSummary>> {
        let posts = self.posts.lock().expect("store lock");
        let needle = query.search.as_deref().map(str::to_lowercase);
        let mut found: Vec<PostSummary> = posts
            .iter()
            .filter(|p| {
                query.tags.iter().all(|t| {
                    p.summary
                        .tags
                        .iter()
                        .any(|have| have.eq_ignore_ascii_case(t))
                })
            })
            .filter(|p| !query.unread_only || !p.summary.read)
            .filter(|p| match &needle {
                // Every term, in the title or the text, as the library's search does.
                Some(n) => n.split_whitespace().all(|term| {
                    p.summary.title.to_lowercase().contains(term)
                        || p.body.to_lowercase().contains(term)
                }),
                None => true,
            })
            .map(|p| p.summary.clone())
            .collect();
        // Newest first, and for a search the posts with every term in the title before
        // the others, as the library's ranking's first key does.
        found.sort_by(|a, b| b.date.cmp(&a.date));
        if let Some(needle) = &needle {
            found.sort_by_key(|p| {
                let title = p.title.to_lowercase();
                !needle.split_whitespace().all(|term| title.contains(term))
            });
        }
        found.truncate(query.limit.unwrap_or(usize::MAX));
        Ok(found)
    }

    fn tags(&self) -> anyhow::Result<Vec<TagCount>> {
        let posts = self.posts.lock().expect("store lock");
        let mut counts: Vec<TagCount> = Vec::new();
        for post in posts.iter() {
            for tag in &post.summary.tags {
                match counts.iter_mut().find(|c| &c.tag == tag) {
                    Some(count) => count.count += 1,
                    None => counts.push(TagCount {
                        tag: tag.clone(),
                        count: 1,
                        kind: if self.topics.contains(tag) {
                            TagKind::Topic
                        } else {
                            TagKind::Meta
                        },
                    }),
                }
            }
        }
        counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.tag.cmp(&b.tag)));
        Ok(counts)
    }

    fn post(&self, id: PostId) -> anyhow::Result<Option<PostText>> {
        let posts = self.posts.lock().expect("store lock");
        Ok(posts.iter().find(|p| p.summary.id == id).cloned())
    }

    fn set_read(&self, id: PostId, read: bool) -> anyhow::Result<()> {
        self.with_post(id, |p| p.summary.read = read)
    }

    fn set_starred(&self, id: PostId, starred: bool) -> anyhow::Result<()> {
        self.with_post(id, |p| p.summary.starred = starred)
    }

    fn set_position(&self, id: PostId, offset: i64) -> anyhow::Result<()> {
        self.with_post(id, |p| p.position = Some(offset))
    }

    fn setting(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(self.settings.lock().expect("store lock").get(key).cloned())
    }

    fn picture_shelf(&self) -> Option<&dyn PictureShelf> {
        self.pictures
            .as_ref()
            .map(|shelf| shelf as &dyn PictureShelf)
    }

    fn set_setting(&self, key: &str, value: &str) -> anyhow::Result<()> {
        self.settings
            .lock()
            .expect("store lock")
            .insert(key.to_string(), value.to_string());
        Ok(())
    }
}

impl Store for crate::library::Library {
    fn list(&self, query: &ListQuery) -> anyhow::Result<Vec<PostSummary>> {
        let filter = crate::library::Filter {
            tags: query.tags.clone(),
            search: query.search.clone(),
            unread_only: query.unread_only,
            limit: query.limit,
            ..Default::default()
        };
        Ok(crate::library::Library::list_ranked(self, &filter)?)
    }

    fn tags(&self) -> anyhow::Result<Vec<TagCount>> {
        Ok(crate::library::Library::tags(self)?)
    }

    fn post(&self, id: PostId) -> anyhow::Result<Option<PostText>> {
        let Some(stored) = crate::library::Library::post(self, id)? else {
            return Ok(None);
        };
        let position = self.reading_state(id)?.position;
        Ok(Some(PostText {
            summary: stored.summary,
            web_url: stored.web_url,
            body: stored.body,
            position,
        }))
    }

    fn set_read(&self, id: PostId, read: bool) -> anyhow::Result<()> {
        Ok(crate::library::Library::set_read(self, id, read)?)
    }

    fn set_starred(&self, id: PostId, starred: bool) -> anyhow::Result<()> {
        Ok(crate::library::Library::set_starred(self, id, starred)?)
    }

    fn set_position(&self, id: PostId, offset: i64) -> anyhow::Result<()> {
        Ok(crate::library::Library::set_position(self, id, offset)?)
    }

    fn setting(&self, key: &str) -> anyhow::Result<Option<String>> {
        Ok(crate::library::Library::setting(self, key)?)
    }

    fn set_setting(&self, key: &str, value: &str) -> anyhow::Result<()> {
        Ok(crate::library::Library::set_setting(self, key, value)?)
    }

    fn index_pending(&mut self) -> anyhow::Result<u64> {
        if !self.defers_indexing() {
            return Ok(0);
        }
        // About 20 ms of work each: the worker answers a key between two steps.
        const POSTS_PER_STEP: usize = 16;
        Ok(crate::library::Library::index_pending(
            self,
            POSTS_PER_STEP,
        )?)
    }

    fn picture_shelf(&self) -> Option<&dyn PictureShelf> {
        Some(self)
    }

    fn sections(&self, tags: &[String]) -> anyhow::Result<Vec<SectionEntry>> {
        use crate::library::ItemFilter;
        let filter = ItemFilter {
            tags: tags.to_vec(),
            ..ItemFilter::default()
        };
        let mut entries: Vec<SectionEntry> = crate::library::Library::sections(self, &filter)?
            .into_iter()
            .map(|s| SectionEntry {
                name: s.section,
                key: Some(s.key),
                kind: None,
                posts: s.posts,
                items: s.items,
            })
            .collect();
        for (kind, name) in [("question", "Reader questions"), ("release", "Releases")] {
            let rows = crate::library::Library::items(
                self,
                &ItemFilter {
                    kind: Some(kind),
                    ..filter.clone()
                },
            )?;
            let mut posts: Vec<PostId> = rows.iter().map(|r| r.post_id).collect();
            posts.dedup();
            if !rows.is_empty() {
                entries.push(SectionEntry {
                    name: name.to_string(),
                    key: None,
                    kind: Some(kind),
                    posts: posts.len() as i64,
                    items: rows.len() as i64,
                });
            }
        }
        entries.sort_by(|a, b| b.posts.cmp(&a.posts).then(b.items.cmp(&a.items)));
        Ok(entries)
    }

    fn items(&self, query: &ItemsQuery) -> anyhow::Result<Vec<crate::library::ItemRow>> {
        let filter = crate::library::ItemFilter {
            section_keys: query.section_key.iter().cloned().collect(),
            kind: query.kind,
            tags: query.tags.clone(),
            search: query.search.clone(),
            ..Default::default()
        };
        Ok(crate::library::Library::items(self, &filter)?)
    }
}
