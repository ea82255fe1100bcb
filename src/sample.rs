//! The sample archive: eight short newsletter posts from `assets/sample/`, embedded in the
//! binary so that a first run has something real to show, offline.
//!
//! The app and the CLI read from here when the library is empty; they hand each file to the
//! loader exactly as if it had been found in a folder, so the sample exercises the same path
//! as a user's own archive. Nothing here does IO.

/// One markdown file of the sample archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleFile {
    /// The file name, which is also its path relative to the archive root.
    pub rel_path: &'static str,
    /// The whole file, front matter included.
    pub text: &'static str,
}

/// Embeds `assets/sample/<name>` under its own name, so the two can never disagree.
macro_rules! sample_file {
    ($name:literal) => {
        SampleFile {
            rel_path: $name,
            text: include_str!(concat!("../assets/sample/", $name)),
        }
    };
}

/// Newest first, the order the reader lists them in.
const FILES: &[SampleFile] = &[
    sample_file!("2024-03-01-welcome-to-sofa-weekly.md"),
    sample_file!("2024-02-23-weekly-mosn-release.md"),
    sample_file!("2024-02-09-weekly-sofajraft-qa.md"),
    sample_file!("2024-01-26-weekly-layotto-meetup.md"),
    sample_file!("2024-01-19-sidecar-in-rust.md"),
    sample_file!("2024-01-12-weekly-koupleless.md"),
    sample_file!("2024-01-05-weekly-sofarpc.md"),
    sample_file!("2023-12-29-year-in-review.md"),
];

/// Every file of the sample archive, newest first.
pub fn files() -> &'static [SampleFile] {
    FILES
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::parse_post;
    use crate::tags::{Topics, tag_key};
    use std::collections::BTreeSet;
    use std::path::Path;

    #[test]
    fn embedded_list_matches_the_folder() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample");
        let on_disk: BTreeSet<String> = std::fs::read_dir(&folder)
            .unwrap_or_else(|err| panic!("{}: {err}", folder.display()))
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".md"))
            .collect();
        let embedded: BTreeSet<String> = files().iter().map(|f| f.rel_path.to_owned()).collect();
        assert_eq!(embedded.len(), files().len(), "a file is embedded twice");
        assert_eq!(embedded, on_disk, "src/sample.rs and assets/sample/ differ");
    }

    /// Each post loads cleanly, with its title from the front matter (not a fallback), a
    /// date in +08:00 that agrees with the file name, an author, a description and tags.
    #[test]
    fn every_file_loads_without_warnings_and_with_full_metadata() {
        for file in files() {
            let parsed = parse_post(file.rel_path, file.text.as_bytes());
            assert_eq!(parsed.warnings, [], "{}", file.rel_path);
            let post = parsed.post;
            let meta = &post.meta;
            assert!(
                file.text.contains(&format!("title: \"{}\"", post.title)),
                "{}: title {:?} is not the front matter's",
                file.rel_path,
                post.title
            );
            let date = meta
                .date
                .unwrap_or_else(|| panic!("{}: no date", file.rel_path));
            assert_eq!(date.day_string(), file.rel_path[..10], "{}", file.rel_path);
            assert_eq!(date.instant.offset().local_minus_utc(), 8 * 3600);
            assert!(meta.author.is_some() && meta.description.is_some());
            assert!(!meta.tags.is_empty(), "{}: no tags", file.rel_path);
            assert!(!post.body.trim().is_empty(), "{}: no body", file.rel_path);
        }
    }

    #[test]
    fn files_are_listed_newest_first() {
        let names: Vec<&str> = files().iter().map(|f| f.rel_path).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(names, sorted);
    }

    #[test]
    fn posts_are_short() {
        for file in files() {
            let size = file.text.len();
            assert!(
                (1024..=4096).contains(&size),
                "{}: {size} bytes, the sample posts stay between 1 and 4 KiB",
                file.rel_path
            );
        }
    }

    #[test]
    fn text_holds_no_terminal_control_characters() {
        for file in files() {
            // `is_forbidden` lets tabs and newlines through; `\r` would be caught.
            let bad = file
                .text
                .char_indices()
                .find(|&(_, c)| crate::text::is_forbidden(c));
            assert_eq!(bad, None, "{}: control character", file.rel_path);
        }
    }

    /// The welcome post promises that "Service mesh" and "Service Mesh" are one tag; the
    /// archive must hold such a pair for the promise to be visible.
    #[test]
    fn service_mesh_is_spelled_two_ways() {
        let spellings: BTreeSet<String> = files()
            .iter()
            .flat_map(|file| {
                parse_post(file.rel_path, file.text.as_bytes())
                    .post
                    .meta
                    .tags
            })
            .filter(|tag| tag_key(tag) == "service mesh")
            .collect();
        assert_eq!(spellings.len(), 2, "{spellings:?}");
    }

    /// The archive shows topic tags for the community's main projects.
    #[test]
    fn main_projects_are_detected_as_topics() {
        let topics = Topics::builtin();
        let detected: BTreeSet<String> = files()
            .iter()
            .flat_map(|file| {
                let post = parse_post(file.rel_path, file.text.as_bytes()).post;
                topics.detect(&post.title, &post.body)
            })
            .collect();
        for project in [
            "MOSN",
            "SOFAJRaft",
            "Seata",
            "Layotto",
            "SOFARPC",
            "Koupleless",
        ] {
            assert!(detected.contains(project), "{project} not in {detected:?}");
        }
    }
}
