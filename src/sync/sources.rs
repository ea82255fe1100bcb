//! Which sources exist: kinds of locations, checked specs, the sources named in the config
//! file (and those the user removed from it), and picking sources by name.

use std::collections::HashMap;

use crate::config::SourceEntry;
use crate::library::{Library, LibraryError, SourceInfo, SourceKind, SourceSpec};
use crate::loader::github::GithubLocation;

/// What kind of source a location names: `github:…`, an `http(s)://` feed, else a path.
pub fn kind_of_location(location: &str) -> SourceKind {
    let lower = location.trim().to_ascii_lowercase();
    if lower.starts_with("github:") {
        SourceKind::GitHub
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        SourceKind::Feed
    } else {
        SourceKind::Local
    }
}

/// The library setting that remembers configured sources the user removed, so they do not
/// come back on the next sync.
const REMOVED_SOURCES_SETTING: &str = "sync.removed_config_sources";

/// Adds the sources named in the config file to the library (by name; a changed location is
/// updated), except those the user removed with `source remove`. Returns problems to report.
pub fn register_configured_sources(
    library: &Library,
    sources: &[SourceEntry],
) -> Result<Vec<String>, LibraryError> {
    let removed = removed_config_sources(library)?;
    let mut problems = Vec::new();
    for entry in sources {
        if removed.contains(&entry.name) {
            continue;
        }
        match spec_for(&entry.name, &entry.location) {
            Ok(spec) => {
                let known = library.source(&spec.name)?;
                if known.is_none_or(|k| k.location != spec.location || k.kind != spec.kind) {
                    let id = library.ensure_source(&spec)?;
                    // Validators of the old location would make the new one answer 304
                    // (same repository tree, other PATH) and never be read.
                    library.set_source_validators(id, None, None)?;
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    Ok(problems)
}

/// A source spec for a configured or added location, checked (GitHub syntax, URL scheme;
/// local paths are made absolute).
pub fn spec_for(name: &str, location: &str) -> Result<SourceSpec, String> {
    let name = crate::text::sanitize_line(name.trim());
    if name.is_empty() {
        return Err(format!("{location}: a source needs a name"));
    }
    let location = location.trim();
    let kind = kind_of_location(location);
    let location = match kind {
        SourceKind::GitHub => GithubLocation::parse(location)
            .map_err(|e| e.to_string())?
            .to_string(),
        SourceKind::Feed => crate::loader::http::check_url(location)
            .map_err(|e| e.to_string())?
            .to_string(),
        SourceKind::Local => super::canonical_location(std::path::Path::new(location)),
    };
    Ok(SourceSpec {
        name,
        kind,
        location,
    })
}

fn removed_config_sources(library: &Library) -> Result<Vec<String>, LibraryError> {
    Ok(library
        .setting(REMOVED_SOURCES_SETTING)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

/// Remembers that the user removed (`removed = true`) or re-added a configured source.
pub fn remember_removed_source(
    library: &Library,
    name: &str,
    removed: bool,
) -> Result<(), LibraryError> {
    let mut names = removed_config_sources(library)?;
    names.retain(|n| n != name);
    if removed {
        names.push(name.to_owned());
    }
    let json = serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_owned());
    library.set_setting(REMOVED_SOURCES_SETTING, &json)
}

/// The sources to sync: all, or those named (an unknown name is an error naming it).
pub fn select_sources(
    library: &Library,
    names: &[String],
) -> Result<Vec<SourceInfo>, LibraryError> {
    let all = library.sources()?;
    if names.is_empty() {
        return Ok(all);
    }
    let by_name: HashMap<&str, &SourceInfo> = all.iter().map(|s| (s.name.as_str(), s)).collect();
    names
        .iter()
        .map(|name| {
            by_name
                .get(name.as_str())
                .map(|s| (*s).clone())
                .ok_or_else(|| LibraryError::NoSuchSource(name.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_classified() {
        assert_eq!(kind_of_location("github:o/r"), SourceKind::GitHub);
        assert_eq!(kind_of_location("https://x/feed"), SourceKind::Feed);
        assert_eq!(kind_of_location("HTTP://x/feed"), SourceKind::Feed);
        assert_eq!(kind_of_location("./posts"), SourceKind::Local);
        assert_eq!(kind_of_location("/home/u/weekly"), SourceKind::Local);
    }

    #[test]
    fn spec_for_checks_the_location() {
        assert!(spec_for("x", "github:o").unwrap_err().contains("github:o"));
        assert!(spec_for("x", "https://").is_err());
        let spec = spec_for("x", "github:o/r@main:/blog/").unwrap();
        assert_eq!(spec.location, "github:o/r@main:blog");
        assert!(spec_for("  ", "github:o/r").is_err());
    }

    #[test]
    fn configured_sources_are_registered_unless_removed() {
        let library = Library::open_in_memory().unwrap();
        let entries = [
            SourceEntry {
                name: "blog".into(),
                location: "github:o/r@main:blog".into(),
            },
            SourceEntry {
                name: "bad".into(),
                location: "github:nope".into(),
            },
        ];
        let problems = register_configured_sources(&library, &entries).unwrap();
        assert_eq!(problems.len(), 1);
        assert_eq!(library.sources().unwrap().len(), 1);

        // A moved location forgets the old validators.
        let id = library.source("blog").unwrap().unwrap().id;
        library
            .set_source_validators(id, Some("\"e\""), None)
            .unwrap();
        register_configured_sources(&library, &entries).unwrap();
        assert!(
            library
                .source("blog")
                .unwrap()
                .unwrap()
                .validators
                .etag
                .is_some()
        );
        let mut moved = entries.clone();
        moved[0].location = "github:o/r@main:news".into();
        register_configured_sources(&library, &moved).unwrap();
        let blog = library.source("blog").unwrap().unwrap();
        assert_eq!(
            (blog.location.as_str(), blog.validators.etag),
            ("github:o/r@main:news", None)
        );
        library.remove_source("blog").unwrap();
        remember_removed_source(&library, "blog", true).unwrap();
        register_configured_sources(&library, &entries).unwrap();
        assert!(library.sources().unwrap().is_empty());
        remember_removed_source(&library, "blog", false).unwrap();
        register_configured_sources(&library, &entries).unwrap();
        assert_eq!(library.sources().unwrap().len(), 1);
    }
}
