//! Where a repository is: `github:OWNER/REPO[@REF][:PATH]` parsed and printed, and the API
//! and raw-file URLs it gives, each path segment percent-encoded.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use thiserror::Error;

pub const DEFAULT_API: &str = "https://api.github.com";
pub const DEFAULT_RAW: &str = "https://raw.githubusercontent.com";
/// The ref used when a location names none: whatever branch the repository calls default.
pub const DEFAULT_REF: &str = "HEAD";

/// A parsed `github:OWNER/REPO[@REF][:PATH]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubLocation {
    pub owner: String,
    pub repo: String,
    /// Branch, tag or commit; [`DEFAULT_REF`] when the location names none.
    pub git_ref: String,
    /// Folder (or file) inside the repository, `/`-separated, no leading or trailing `/`;
    /// empty for the whole repository.
    pub path: String,
}

/// Why a location string is not a GitHub location.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("{location}: not a GitHub location ({reason}); expected github:OWNER/REPO[@REF][:PATH]")]
pub struct LocationError {
    pub location: String,
    pub reason: String,
}

impl GithubLocation {
    /// Parses `github:OWNER/REPO[@REF][:PATH]`, e.g.
    /// `github:sofastack/sofastack.tech@master:content/zh/blog`.
    ///
    /// ```
    /// use sofa_weekly::loader::github::GithubLocation;
    /// let loc = GithubLocation::parse("github:sofastack/sofastack.tech@master:content/zh/blog").unwrap();
    /// assert_eq!((loc.owner.as_str(), loc.git_ref.as_str()), ("sofastack", "master"));
    /// assert_eq!(loc.path, "content/zh/blog");
    /// assert_eq!(GithubLocation::parse("github:o/r").unwrap().git_ref, "HEAD");
    /// ```
    pub fn parse(location: &str) -> Result<GithubLocation, LocationError> {
        let fail = |reason: &str| LocationError {
            location: location.to_owned(),
            reason: reason.to_owned(),
        };
        let rest = location
            .strip_prefix("github:")
            .ok_or_else(|| fail("it does not start with github:"))?;
        let (repo_and_ref, path) = rest.split_once(':').unwrap_or((rest, ""));
        let (owner_repo, git_ref) = match repo_and_ref.split_once('@') {
            Some((owner_repo, git_ref)) => (owner_repo, git_ref),
            None => (repo_and_ref, DEFAULT_REF),
        };
        let (owner, repo) = owner_repo
            .split_once('/')
            .ok_or_else(|| fail("no OWNER/REPO"))?;
        for (what, name) in [("owner", owner), ("repository", repo)] {
            let valid = !name.is_empty()
                && name != "."
                && name != ".."
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !valid {
                return Err(fail(&format!("bad {what} name {name:?}")));
            }
        }
        let ref_ok = !git_ref.is_empty()
            && !git_ref.contains("..")
            && !git_ref.starts_with('/')
            && !git_ref.ends_with('/')
            && git_ref
                .chars()
                .all(|c| !c.is_control() && !c.is_whitespace() && !"~^?*[\\".contains(c));
        if !ref_ok {
            return Err(fail(&format!("bad ref {git_ref:?}")));
        }
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if segments.iter().any(|s| *s == "." || *s == "..") {
            return Err(fail("the path may not contain . or .. segments"));
        }
        if path.chars().any(char::is_control) {
            return Err(fail("the path contains control characters"));
        }
        Ok(GithubLocation {
            owner: owner.to_owned(),
            repo: repo.to_owned(),
            git_ref: git_ref.to_owned(),
            path: segments.join("/"),
        })
    }

    /// A short name for the source: the repository name, or the last folder of the path.
    pub fn suggested_name(&self) -> String {
        match self.path.rsplit('/').next() {
            Some(last) if !last.is_empty() => format!("{}-{}", self.repo, last),
            _ => self.repo.clone(),
        }
    }
}

impl fmt::Display for GithubLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "github:{}/{}@{}", self.owner, self.repo, self.git_ref)?;
        if !self.path.is_empty() {
            write!(f, ":{}", self.path)?;
        }
        Ok(())
    }
}

/// Where GitHub is: the API and raw hosts (overridable for tests and mirrors) and the token.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct GithubEndpoints {
    pub api: String,
    pub raw: String,
    pub token: Option<String>,
}

impl fmt::Debug for GithubEndpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the token.
        f.debug_struct("GithubEndpoints")
            .field("api", &self.api)
            .field("raw", &self.raw)
            .field("token", &self.token.as_ref().map(|_| "…"))
            .finish()
    }
}

impl GithubEndpoints {
    /// `SOFA_WEEKLY_GITHUB_API`, `SOFA_WEEKLY_GITHUB_RAW` and `GITHUB_TOKEN` when set
    /// (and not empty), else the public hosts and no token.
    pub fn from_env() -> Self {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        GithubEndpoints {
            api: var("SOFA_WEEKLY_GITHUB_API")
                .unwrap_or_else(|| DEFAULT_API.to_owned())
                .trim_end_matches('/')
                .to_owned(),
            raw: var("SOFA_WEEKLY_GITHUB_RAW")
                .unwrap_or_else(|| DEFAULT_RAW.to_owned())
                .trim_end_matches('/')
                .to_owned(),
            token: var("GITHUB_TOKEN"),
        }
    }

    /// The tree listing URL for `location`.
    pub fn tree_url(&self, location: &GithubLocation) -> String {
        // A ref with slashes (`release/v1`) is written as path segments, as GitHub's own
        // links do; each segment is encoded on its own.
        let git_ref: Vec<String> = location.git_ref.split('/').map(encode_segment).collect();
        format!(
            "{}/repos/{}/{}/git/trees/{}?recursive=1",
            self.api,
            encode_segment(&location.owner),
            encode_segment(&location.repo),
            git_ref.join("/"),
        )
    }

    /// The raw download URL of `repo_path` (a path from the tree, relative to the
    /// repository root), each segment percent-encoded.
    pub fn raw_url(&self, location: &GithubLocation, repo_path: &str) -> String {
        let mut url = format!(
            "{}/{}/{}",
            self.raw,
            encode_segment(&location.owner),
            encode_segment(&location.repo)
        );
        for segment in location.git_ref.split('/').chain(repo_path.split('/')) {
            url.push('/');
            url.push_str(&encode_segment(segment));
        }
        url
    }
}

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes everything but RFC 3986 unreserved characters, so spaces, `&`, `|`,
/// parentheses, `#`, `?`, `/` and non-ASCII (Chinese) names survive as one path segment.
///
/// ```
/// use sofa_weekly::loader::github::encode_segment;
/// assert_eq!(encode_segment("a b&c|(d).md"), "a%20b%26c%7C%28d%29.md");
/// assert_eq!(encode_segment("周报"), "%E5%91%A8%E6%8A%A5");
/// ```
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, PATH_SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::github::tests::loc;

    #[test]
    fn parses_every_form() {
        let l = loc("github:sofastack/sofastack.tech@master:content/zh/blog");
        assert_eq!(
            l,
            GithubLocation {
                owner: "sofastack".into(),
                repo: "sofastack.tech".into(),
                git_ref: "master".into(),
                path: "content/zh/blog".into(),
            }
        );
        assert_eq!(
            l.to_string(),
            "github:sofastack/sofastack.tech@master:content/zh/blog"
        );
        let l = loc("github:o/r");
        assert_eq!((l.git_ref.as_str(), l.path.as_str()), ("HEAD", ""));
        let l = loc("github:o/r:/docs/weekly/");
        assert_eq!(
            (l.git_ref.as_str(), l.path.as_str()),
            ("HEAD", "docs/weekly")
        );
        let l = loc("github:o/r@release/v1.2:周报");
        assert_eq!(
            (l.git_ref.as_str(), l.path.as_str()),
            ("release/v1.2", "周报")
        );
    }

    #[test]
    fn rejects_bad_locations_with_the_reason() {
        for bad in [
            "sofastack/sofastack.tech",
            "github:",
            "github:owner",
            "github:/repo",
            "github:o/r@",
            "github:o/r@a..b",
            "github:o w/r",
            "github:o/r:../../etc",
            "github:o/../r",
        ] {
            let err = GithubLocation::parse(bad).unwrap_err();
            assert!(err.to_string().starts_with(bad), "{err}");
        }
    }

    #[test]
    fn raw_urls_encode_each_segment() {
        let endpoints = GithubEndpoints {
            api: "https://api.example".into(),
            raw: "https://raw.example".into(),
            token: None,
        };
        let l = loc("github:o/r@main:blog");
        assert_eq!(
            endpoints.raw_url(&l, "blog/a b & c|(1)/周报 #3.md"),
            "https://raw.example/o/r/main/blog/a%20b%20%26%20c%7C%281%29/%E5%91%A8%E6%8A%A5%20%233.md"
        );
        assert_eq!(
            endpoints.tree_url(&loc("github:o/r@feature/x")),
            "https://api.example/repos/o/r/git/trees/feature/x?recursive=1"
        );
    }

    #[test]
    fn token_is_not_printed() {
        let endpoints = GithubEndpoints {
            token: Some("ghp_secret".into()),
            ..GithubEndpoints::default()
        };
        assert!(!format!("{endpoints:?}").contains("secret"));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Parsing never panics, and what parses prints back to a location that parses the
        /// same.
        #[test]
        fn parse_display_round_trips(text in "github:\\PC{0,40}") {
            if let Ok(location) = GithubLocation::parse(&text) {
                prop_assert_eq!(GithubLocation::parse(&location.to_string()).unwrap(), location);
            }
        }

        /// Encoded segments hold only unreserved characters and `%XX`.
        #[test]
        fn encoded_segments_are_safe(segment in "\\PC{0,30}") {
            let encoded = encode_segment(&segment);
            prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        }
    }
}
