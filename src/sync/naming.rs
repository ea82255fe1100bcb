//! Naming a new source: a short name from its location, made unique among the sources.
//! Used by `import PATH`, `source add LOCATION` without `--name`, and `import FILE.opml`.

use std::path::Path;

use super::kind_of_location;
use super::local::canonical_location;
use crate::library::SourceKind;
use crate::loader::github::GithubLocation;
use crate::text::sanitize_line;

/// A name for a new source reading `location`: `wanted` when it has one (an OPML outline's
/// title), else the repository and its last folder for GitHub, the host without `www.` for
/// a feed, the file or folder name for a local path. `-2`, `-3`… is appended while `taken`
/// says a source has the name. The name is clean (one line, no control characters).
///
/// ```
/// use sofa_weekly::sync::suggest_source_name;
/// let taken = |name: &str| Ok::<_, std::convert::Infallible>(name == "example.com");
/// assert_eq!(suggest_source_name("https://www.example.com/feed.xml", None, taken), Ok("example.com-2".to_owned()));
/// assert_eq!(suggest_source_name("github:o/weekly@main:blog", None, taken), Ok("weekly-blog".to_owned()));
/// assert_eq!(suggest_source_name("https://x.org/rss", Some(" Blog "), taken), Ok("Blog".to_owned()));
/// ```
pub fn suggest_source_name<E>(
    location: &str,
    wanted: Option<&str>,
    mut taken: impl FnMut(&str) -> Result<bool, E>,
) -> Result<String, E> {
    let base = wanted
        .map(sanitize_line)
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| name_from_location(location));
    let mut name = base.clone();
    let mut n = 2;
    while taken(&name)? {
        name = format!("{base}-{n}");
        n += 1;
    }
    Ok(name)
}

fn name_from_location(location: &str) -> String {
    let location = location.trim();
    let (name, fallback) = match kind_of_location(location) {
        SourceKind::GitHub => (
            GithubLocation::parse(location)
                .ok()
                .map(|location| location.suggested_name()),
            "github",
        ),
        SourceKind::Feed => (
            url::Url::parse(location).ok().and_then(|url| {
                url.host_str()
                    .map(|host| host.trim_start_matches("www.").to_owned())
            }),
            "feed",
        ),
        SourceKind::Local => (
            Path::new(&canonical_location(Path::new(location)))
                .file_name()
                .map(|name| name.to_string_lossy().into_owned()),
            "local",
        ),
    };
    name.map(|name| sanitize_line(&name))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| fallback.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(location: &str, wanted: Option<&str>, taken: &[&str]) -> String {
        suggest_source_name(location, wanted, |name| {
            Ok::<_, std::convert::Infallible>(taken.contains(&name))
        })
        .unwrap()
    }

    #[test]
    fn names_come_from_the_location() {
        assert_eq!(name("github:o/weekly", None, &[]), "weekly");
        assert_eq!(
            name("github:o/weekly@main:content/blog", None, &[]),
            "weekly-blog"
        );
        assert_eq!(
            name("https://www.example.com/feed", None, &[]),
            "example.com"
        );
        assert_eq!(name("/nowhere/周报\u{1b}[31m", None, &[]), "周报[31m");
        assert_eq!(name("/", None, &[]), "local");
        assert_eq!(name("https://", None, &[]), "feed");
    }

    #[test]
    fn a_taken_name_gets_the_first_free_number() {
        let taken = ["weekly", "weekly-2"];
        assert_eq!(name("github:o/weekly", None, &taken), "weekly-3");
        assert_eq!(
            name("https://x.org/rss", Some("weekly"), &taken),
            "weekly-3"
        );
        assert_eq!(name("https://x.org/rss", Some(" \u{7} "), &[]), "x.org");
    }
}
