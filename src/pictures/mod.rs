//! Pictures in posts, kept offline: the vocabulary shared by the cache's parts.
//!
//! A post's pictures are found by [`refs`] (pure), fetched after the posts by [`fetch`],
//! checked, decoded and scaled by [`intake`] (pure), written once per content by [`store`],
//! and recorded by URL in the library (`crate::library`'s picture tables). Drawing them is the
//! reader's and `show`'s job, with three calls:
//! - [`crate::library::Library::picture`]: a URL's [`PictureRecord`] (status, reason, pixels,
//!   and the cached file when stored). A post's pictures as absolute URLs, cover first, are
//!   [`crate::library::Library::post_pictures`]; a rendered image's relative reference
//!   resolves with [`fetch::post_home`] and [`refs::PostHome::resolve`], as at fetch time;
//! - [`store::load_picture`]: a cached file as RGBA pixels, with limits (off the UI thread);
//! - [`crate::library::Library::mark_pictures_shown`]: keeps the budget's order (least
//!   recently shown go first).
//!
//! Nothing here touches the terminal: a picture's URL, reason and file name are data, and
//! whoever prints them sanitises them as any other text.

pub mod fetch;
pub mod intake;
pub mod refs;
pub mod store;

use std::path::PathBuf;

/// Where a picture stands in the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PictureStatus {
    /// Stored: its file is in the cache.
    Ok,
    /// Fetching or decoding failed; `reason` says why. Retried on later syncs, each time
    /// after a longer wait.
    Failed,
    /// Not worth keeping (a tracking pixel); never fetched again.
    Skipped,
    /// Known to be used by a post, not fetched yet (or dropped by the budget).
    Pending,
}

impl PictureStatus {
    /// The word stored in the library and printed by `images`.
    pub fn as_str(self) -> &'static str {
        match self {
            PictureStatus::Ok => "ok",
            PictureStatus::Failed => "failed",
            PictureStatus::Skipped => "skipped",
            PictureStatus::Pending => "pending",
        }
    }

    pub fn parse(word: &str) -> Option<PictureStatus> {
        Some(match word {
            "ok" => PictureStatus::Ok,
            "failed" => PictureStatus::Failed,
            "skipped" => PictureStatus::Skipped,
            "pending" => PictureStatus::Pending,
            _ => return None,
        })
    }
}

/// One picture URL as the library knows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PictureRecord {
    /// The absolute URL (`http`, `https`, or `file` for a picture beside a local post).
    pub url: String,
    pub status: PictureStatus,
    /// The content's hash (sha-1 of the bytes as fetched), when stored. Not in the JSON:
    /// `images` shows what a user can act on.
    #[serde(skip)]
    pub hash: Option<String>,
    /// Size of the stored file (0 unless stored).
    pub bytes: u64,
    /// Pixels of the stored (possibly scaled) picture, when known.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Why it failed or was skipped (`HTTP 404`, `not a picture: an HTML page`, …).
    pub reason: Option<String>,
    /// How many posts use it.
    pub posts: u64,
    /// The stored file, when `status` is ok. Not in the JSON: it is this machine's path.
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

/// What the cache may hold and fetch, from the config's `[pictures]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureOptions {
    pub fetch: FetchScope,
    /// Total size of the stored files; the least recently shown are dropped beyond it.
    pub budget_bytes: u64,
}

/// 1 GiB: thousands of scaled pictures, little against a laptop's disk.
pub const DEFAULT_BUDGET_BYTES: u64 = 1 << 30;

impl Default for PictureOptions {
    fn default() -> Self {
        Self {
            fetch: FetchScope::All,
            budget_bytes: DEFAULT_BUDGET_BYTES,
        }
    }
}

impl PictureOptions {
    /// With `SOFA_WEEKLY_PICTURES` (`all`, `none`, or a number of newest posts per source)
    /// applied over `fetch` when it is set and valid.
    pub fn with_env(mut self) -> Self {
        if let Some(scope) = std::env::var("SOFA_WEEKLY_PICTURES")
            .ok()
            .and_then(|value| FetchScope::parse(&value))
        {
            self.fetch = scope;
        }
        self
    }
}

/// Which posts have their pictures fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchScope {
    All,
    None,
    /// The newest N posts of each source.
    Newest(usize),
}

impl FetchScope {
    /// `all`, `none`, or a number of newest posts per source.
    pub fn parse(text: &str) -> Option<FetchScope> {
        match text.trim().to_ascii_lowercase().as_str() {
            "all" => Some(FetchScope::All),
            "none" => Some(FetchScope::None),
            other => other.parse().ok().map(FetchScope::Newest),
        }
    }
}
