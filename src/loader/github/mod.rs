//! GitHub repositories as sources: parsing `github:OWNER/REPO[@REF][:PATH]`, listing the
//! markdown files of a tree in one request, and downloading single files from the raw host.
//! The location syntax and the URLs it gives are `location`'s.
//!
//! Listing uses the REST API `GET {api}/repos/{owner}/{repo}/git/trees/{ref}?recursive=1`,
//! whose entries carry each file's git blob sha: the same hash the loader computes for local
//! files, so `crate::sync` can tell which files changed without downloading them. Errors
//! say what to do (wait or set `GITHUB_TOKEN`; check owner, repository, ref and path).
//! No SQLite here: `crate::sync` decides what to download and stores it.

use serde::Deserialize;
use thiserror::Error;

use super::http::{Fetched, HttpClient, HttpError, Validators};
// Files the loader would refuse anyway are not downloaded.
use super::{MAX_FILE_SIZE, is_markdown_name};

mod location;

pub use location::{
    DEFAULT_API, DEFAULT_RAW, DEFAULT_REF, GithubEndpoints, GithubLocation, LocationError,
    encode_segment,
};

/// One markdown file in a listed tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeFile {
    /// Path from the repository root, for the raw URL.
    pub repo_path: String,
    /// Path relative to the location's PATH: the post's identity in its source.
    pub rel_path: String,
    /// Git blob sha-1: equals the loader's `content_hash` of the same bytes.
    pub sha: String,
    pub size: u64,
}

/// The markdown files under a location's PATH, and what the listing skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    pub files: Vec<TreeFile>,
    /// Markdown files not taken, with the reason (too large). They still exist, so posts
    /// already stored for them are kept.
    pub skipped: Vec<(TreeFile, String)>,
    /// The listing's ETag, to store once every file is synced.
    pub etag: Option<String>,
}

/// What a listing gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// 304 to our `If-None-Match`: nothing changed since the stored ETag.
    NotModified,
    Listed(Tree),
}

#[derive(Debug, Error)]
pub enum GithubError {
    #[error(transparent)]
    Location(#[from] LocationError),
    #[error(
        "{url}: GitHub's rate limit is used up; wait for it to reset (up to an hour) or set GITHUB_TOKEN to a personal access token"
    )]
    RateLimited { url: String },
    #[error(
        "{url}: not found; check the owner, repository, ref and path of {location} (a private repository needs GITHUB_TOKEN)"
    )]
    NotFound { url: String, location: String },
    #[error("{url}: GitHub refused the token in GITHUB_TOKEN (HTTP 401); renew it or unset it")]
    BadToken { url: String },
    #[error("{location}: the repository has nothing at path {path:?} on {git_ref}")]
    NoSuchPath {
        location: String,
        path: String,
        git_ref: String,
    },
    #[error(
        "{url}: the tree is too large for GitHub to list in one answer (truncated); point the source at a smaller folder with github:OWNER/REPO@REF:PATH"
    )]
    Truncated { url: String },
    #[error("{url}: not a valid tree listing: {reason}")]
    BadListing { url: String, reason: String },
    #[error(transparent)]
    Http(HttpError),
}

impl GithubError {
    /// True when GitHub could not be reached at all (offline).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, GithubError::Http(e) if e.is_unreachable())
    }

    fn from_http(error: HttpError, location: &GithubLocation) -> GithubError {
        match error {
            HttpError::Status {
                url,
                status: 403 | 429,
                rate_limited: true,
            } => GithubError::RateLimited { url },
            HttpError::Status {
                url, status: 429, ..
            } => GithubError::RateLimited { url },
            HttpError::Status {
                url, status: 404, ..
            } => GithubError::NotFound {
                url,
                location: location.to_string(),
            },
            HttpError::Status {
                url, status: 401, ..
            } => GithubError::BadToken { url },
            other => GithubError::Http(other),
        }
    }
}

#[derive(Deserialize)]
struct TreeResponse {
    tree: Vec<TreeEntry>,
    #[serde(default)]
    truncated: bool,
}

#[derive(Deserialize)]
struct TreeEntry {
    path: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    sha: String,
    #[serde(default)]
    size: Option<u64>,
}

/// Lists the markdown files under `location`'s PATH with one request. With `etag`, an
/// unchanged repository answers 304 and costs nothing more.
pub fn list_tree(
    client: &HttpClient,
    endpoints: &GithubEndpoints,
    location: &GithubLocation,
    etag: Option<&str>,
) -> Result<Listing, GithubError> {
    let url = endpoints.tree_url(location);
    let validators = Validators {
        etag: etag.map(str::to_owned),
        last_modified: None,
    };
    let fetched = client
        .get(
            &url,
            &validators,
            endpoints.token.as_deref(),
            Some("application/vnd.github+json"),
        )
        .map_err(|e| GithubError::from_http(e, location))?;
    let response = match fetched {
        Fetched::NotModified => return Ok(Listing::NotModified),
        Fetched::Body(response) => response,
    };
    let parsed: TreeResponse =
        serde_json::from_slice(&response.body).map_err(|e| GithubError::BadListing {
            url: url.clone(),
            reason: e.to_string(),
        })?;
    if parsed.truncated {
        return Err(GithubError::Truncated { url });
    }
    let mut tree = select_markdown(parsed.tree, location)?;
    tree.etag = response.validators.etag;
    Ok(Listing::Listed(tree))
}

/// Keeps the markdown blobs under PATH (skipping hidden files and folders, symlinks and
/// submodules, like the folder walk). A PATH that names nothing in the tree is an error, so a
/// typo never looks like "every post was deleted".
fn select_markdown(
    entries: Vec<TreeEntry>,
    location: &GithubLocation,
) -> Result<Tree, GithubError> {
    let prefix = &location.path;
    let mut path_exists = prefix.is_empty();
    let mut tree = Tree {
        files: Vec::new(),
        skipped: Vec::new(),
        etag: None,
    };
    for entry in entries {
        let rel_path = if prefix.is_empty() {
            entry.path.as_str()
        } else if entry.path == *prefix {
            path_exists = true;
            // PATH names a single file: its identity is its file name.
            entry.path.rsplit('/').next().unwrap_or_default()
        } else if let Some(rest) = entry
            .path
            .strip_prefix(prefix.as_str())
            .and_then(|r| r.strip_prefix('/'))
        {
            path_exists = true;
            rest
        } else {
            continue;
        };
        let is_file = entry.kind == "blob" && entry.mode != "120000";
        if !is_file || !is_markdown_name(&entry.path) || rel_path.split('/').any(is_hidden) {
            continue;
        }
        let size = entry.size.unwrap_or(0);
        let mut file = TreeFile {
            rel_path: rel_path.to_owned(),
            repo_path: entry.path,
            sha: entry.sha,
            size,
        };
        if size > MAX_FILE_SIZE {
            let reason = format!("{size} bytes, larger than the 10 MiB a post may have");
            tree.skipped.push((file, reason));
        } else if file.rel_path.chars().any(crate::text::is_forbidden) {
            // A path is shown in lists and messages: it must not carry escape sequences.
            let reason = "the path contains terminal control characters".to_owned();
            file.repo_path = crate::text::sanitize_line(&file.repo_path);
            tree.skipped.push((file, reason));
        } else {
            tree.files.push(file);
        }
    }
    if !path_exists {
        return Err(GithubError::NoSuchPath {
            location: location.to_string(),
            path: prefix.clone(),
            git_ref: location.git_ref.clone(),
        });
    }
    Ok(tree)
}

fn is_hidden(segment: &str) -> bool {
    segment.starts_with('.')
}

/// Downloads one file of the tree from the raw host.
pub fn download(
    client: &HttpClient,
    endpoints: &GithubEndpoints,
    location: &GithubLocation,
    file: &TreeFile,
) -> Result<Vec<u8>, GithubError> {
    let url = endpoints.raw_url(location, &file.repo_path);
    match client.get(
        &url,
        &Validators::default(),
        endpoints.token.as_deref(),
        None,
    ) {
        Ok(Fetched::Body(response)) => Ok(response.body),
        // We sent no validators, so a 304 is the server misbehaving.
        Ok(Fetched::NotModified) => Err(GithubError::Http(HttpError::Status {
            url,
            status: 304,
            rate_limited: false,
        })),
        Err(e) => Err(GithubError::from_http(e, location)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn loc(s: &str) -> GithubLocation {
        GithubLocation::parse(s).unwrap()
    }

    fn entry(path: &str, kind: &str, size: u64) -> TreeEntry {
        TreeEntry {
            path: path.into(),
            kind: kind.into(),
            mode: if kind == "blob" { "100644" } else { "040000" }.into(),
            sha: format!("sha-{path}"),
            size: Some(size),
        }
    }

    #[test]
    fn selects_markdown_blobs_under_the_path() {
        let entries = vec![
            entry("content/zh/blog", "tree", 0),
            entry("content/zh/blog/a/index.md", "blob", 10),
            entry("content/zh/blog/b.MARKDOWN", "blob", 10),
            entry("content/zh/blog/c.png", "blob", 10),
            entry("content/zh/blog/.draft/x.md", "blob", 10),
            entry("content/zh/blogger/x.md", "blob", 10),
            entry("content/en/blog/y.md", "blob", 10),
            entry("content/zh/blog/huge.md", "blob", MAX_FILE_SIZE + 1),
            entry("content/zh/blog/\u{1b}[31mred.md", "blob", 10),
        ];
        let tree = select_markdown(entries, &loc("github:o/r:content/zh/blog")).unwrap();
        let rel: Vec<_> = tree.files.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(rel, ["a/index.md", "b.MARKDOWN"]);
        assert_eq!(tree.files[0].repo_path, "content/zh/blog/a/index.md");
        assert_eq!(tree.skipped.len(), 2);
        assert_eq!(tree.skipped[0].0.rel_path, "huge.md");
        assert!(!tree.skipped[1].0.repo_path.contains('\u{1b}'));
    }

    #[test]
    fn a_path_that_names_nothing_is_an_error_not_an_empty_source() {
        let entries = vec![entry("docs/a.md", "blob", 1)];
        let err = select_markdown(entries, &loc("github:o/r@main:doc")).unwrap_err();
        assert!(matches!(err, GithubError::NoSuchPath { .. }), "{err}");
        // An existing folder without markdown is simply empty.
        let entries = vec![entry("docs", "tree", 0), entry("docs/a.png", "blob", 1)];
        let tree = select_markdown(entries, &loc("github:o/r@main:docs")).unwrap();
        assert!(tree.files.is_empty());
    }

    #[test]
    fn a_path_naming_one_file_lists_that_file() {
        let entries = vec![entry("README.md", "blob", 1), entry("x.md", "blob", 1)];
        let tree = select_markdown(entries, &loc("github:o/r:README.md")).unwrap();
        assert_eq!(tree.files.len(), 1);
        assert_eq!(tree.files[0].rel_path, "README.md");
    }
}
