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
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The YAML between the opening and closing `---` lines, parsed.
    fn front_matter(file: &SampleFile) -> serde_yaml::Mapping {
        let rest = file
            .text
            .strip_prefix("---\n")
            .unwrap_or_else(|| panic!("{}: no opening `---` line", file.rel_path));
        let (yaml, _body) = rest
            .split_once("\n---\n")
            .unwrap_or_else(|| panic!("{}: no closing `---` line", file.rel_path));
        serde_yaml::from_str(yaml)
            .unwrap_or_else(|err| panic!("{}: front matter: {err}", file.rel_path))
    }

    fn string_field<'a>(meta: &'a serde_yaml::Mapping, key: &str) -> Option<&'a str> {
        meta.get(key).and_then(serde_yaml::Value::as_str)
    }

    fn tags(meta: &serde_yaml::Mapping) -> Vec<String> {
        let list = meta.get("tags").and_then(serde_yaml::Value::as_sequence);
        list.into_iter()
            .flatten()
            .filter_map(|tag| tag.as_str().map(str::to_owned))
            .collect()
    }

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

    #[test]
    fn every_file_has_a_title_a_zoned_date_and_tags() {
        for file in files() {
            let meta = front_matter(file);
            let title = string_field(&meta, "title").unwrap_or_default();
            assert!(!title.trim().is_empty(), "{}: no title", file.rel_path);
            let date = string_field(&meta, "date").unwrap_or_default();
            let parsed = chrono::DateTime::parse_from_rfc3339(date)
                .unwrap_or_else(|err| panic!("{}: date {date:?}: {err}", file.rel_path));
            assert_eq!(
                parsed.format("%Y-%m-%d").to_string(),
                file.rel_path[..10],
                "{}: file name and date disagree",
                file.rel_path
            );
            assert!(!tags(&meta).is_empty(), "{}: no tags", file.rel_path);
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
    fn some_tag_is_spelled_two_ways() {
        let spellings: BTreeSet<String> = files()
            .iter()
            .flat_map(|file| tags(&front_matter(file)))
            .collect();
        let folded: BTreeSet<String> = spellings.iter().map(|t| t.to_lowercase()).collect();
        assert!(
            folded.len() < spellings.len(),
            "no tag has two spellings: {spellings:?}"
        );
    }
}
