//! The shared vocabulary of the crate: what a post is, independent of where it came from
//! (loader), where it is kept (library) or how it is shown (render, app). No IO here.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

/// A post's row id in the library.
pub type PostId = i64;
/// A source's row id in the library.
pub type SourceId = i64;

/// When a post was published, as precisely as its metadata says.
///
/// Dates without a time or zone (`2019-12-06`) are taken as midnight UTC, so they sort with
/// the others; `day` keeps the calendar day as written, which is what users see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PostDate {
    pub instant: DateTime<FixedOffset>,
}

impl PostDate {
    pub fn new(instant: DateTime<FixedOffset>) -> Self {
        Self { instant }
    }

    pub fn from_day(day: NaiveDate) -> Self {
        Self::new(
            day.and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .fixed_offset(),
        )
    }

    /// The calendar day in the post's own time zone.
    pub fn day(&self) -> NaiveDate {
        self.instant.date_naive()
    }

    /// Seconds since the Unix epoch, the library's sort key.
    pub fn timestamp(&self) -> i64 {
        self.instant.timestamp()
    }

    /// `YYYY-MM-DD`, the form every output uses.
    pub fn day_string(&self) -> String {
        self.day().format("%Y-%m-%d").to_string()
    }
}

/// Metadata of a post as read from its front matter, feed item or file name.
///
/// Every string here has already had terminal control characters stripped by the loader.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostMeta {
    pub title: Option<String>,
    pub date: Option<PostDate>,
    pub author: Option<String>,
    pub description: Option<String>,
    /// Tags and categories together, in the spelling the post uses, without duplicates.
    pub tags: Vec<String>,
    pub draft: bool,
    pub aliases: Vec<String>,
    /// The post's own page on the web, when known (feed item link).
    pub web_url: Option<String>,
    /// The front matter's `cover` picture, as written (relative references stay relative:
    /// `crate::pictures::refs` resolves them against the post's home).
    pub cover: Option<String>,
}

/// A post as a loader hands it to the library.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedPost {
    /// The post's identity within its source: a `/`-separated path relative to the source
    /// root for a file, or a feed item's guid (not a path at all). The library stores it as
    /// `posts.rel_path`, the column's name from before feeds.
    pub key: String,
    /// Always present: from metadata, else the first heading, else the file name.
    pub title: String,
    pub meta: PostMeta,
    /// The markdown text, without its front matter.
    pub body: String,
    /// Identifies the content: the git blob sha-1 of the file's bytes, so local files and
    /// GitHub trees compare the same way.
    pub content_hash: String,
}

/// Something wrong with one input that did not stop the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadWarning {
    /// The file, URL or item the warning is about.
    pub location: String,
    /// 1-based line in that file, when known.
    pub line: Option<usize>,
    pub reason: String,
}

impl std::fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.location, line, self.reason),
            None => write!(f, "{}: {}", self.location, self.reason),
        }
    }
}

/// One row of a post list: everything the list and the CLI show, never the body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostSummary {
    pub id: PostId,
    pub title: String,
    /// `YYYY-MM-DD`, or null.
    pub date: Option<String>,
    /// Display spellings, front-matter tags first, then topic tags.
    pub tags: Vec<String>,
    /// The source's name.
    pub source: String,
    /// The post's path within its source.
    pub path: String,
    pub read: bool,
    pub starred: bool,
}

/// Whether a tag came from the post's own metadata or from the topic vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TagKind {
    Meta,
    Topic,
}

/// A tag with the number of posts that carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagCount {
    /// The most common spelling among the posts.
    pub tag: String,
    pub count: u64,
    pub kind: TagKind,
}
