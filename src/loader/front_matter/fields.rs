//! The fields every form shares: the keys of the site generators mapped to [`PostMeta`]
//! (Hugo's `publishDate`, Zenn's `topics` and `published`, Astro's `pubDate`, …), from the
//! `(key, value)` pairs each form's reader yields.

use super::{BLOCK_FIRST_LINE, Problem};
use crate::loader::dates::parse_date;
use crate::post::PostMeta;

/// One metadata value, whatever syntax it came from.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Text(String),
    List(Vec<String>),
    Bool(bool),
    /// A map or other structure no field of ours takes.
    Other,
}

/// How a text value of a list field (tags, categories, aliases) is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ListSyntax {
    /// YAML and TOML have real lists: a string is one item, commas and all.
    Structured,
    /// `Tags: a, b` is the key-value form's way to write a list.
    CommaSeparated,
}

/// Builds the fields from `(key, value)` pairs; keys are matched case-insensitively, unknown
/// keys (`authorlink`, …) are ignored. `block` is used to find a key's line for
/// problems.
pub(super) fn fields_from_entries(
    entries: impl Iterator<Item = (String, Value)>,
    block: &str,
    syntax: ListSyntax,
) -> (PostMeta, Vec<Problem>) {
    let mut fields = PostMeta::default();
    let mut categories = Vec::new();
    let mut problems = Vec::new();
    let mut fallback_date = None;
    for (key, value) in entries {
        let key = key.trim().to_ascii_lowercase();
        match key.as_str() {
            "title" => fields.title = text_of(value),
            "author" | "authors" => fields.author = text_of(value).or(fields.author),
            "description" | "summary" => {
                fields.description = text_of(value).or(fields.description);
            }
            // `topics`: Zenn's tags.
            "tags" | "tag" | "keywords" | "topics" => fields.tags.extend(list_of(value, syntax)),
            "categories" | "category" => categories.extend(list_of(value, syntax)),
            "aliases" => fields.aliases.extend(list_of(value, syntax)),
            "draft" => fields.draft |= is_true(&value),
            "cover" => fields.cover = text_of(value),
            // Zenn and Jekyll: `published: false` is a draft, `published: true` says nothing
            // more (it is no date); some generators give the date under this key instead.
            "published" if is_boolean(&value) => fields.draft |= !is_true(&value),
            // `published_at`: Zenn; `publishDate`: Hugo; `pubDate`: Astro.
            "date" | "publishdate" | "pubdate" | "published" | "published_at" => {
                let Some(text) = text_of(value) else { continue };
                match parse_date(&text) {
                    Some(date) if key == "date" => fields.date = Some(date),
                    Some(date) => fallback_date = fallback_date.or(Some(date)),
                    None => problems.push(Problem {
                        line: line_of_key(block, &key).map(|line| BLOCK_FIRST_LINE + line),
                        reason: format!(
                            "`{key}: {text}` is not a date (expected e.g. 2019-12-06, \
                             2019-12-06 15:00 or 2019-12-06T15:00:00+08:00); ignored"
                        ),
                    }),
                }
            }
            _ => {}
        }
    }
    fields.date = fields.date.or(fallback_date);
    fields.tags.extend(categories);
    (fields, problems)
}

pub(super) fn text_of(value: Value) -> Option<String> {
    match value {
        Value::Text(text) => Some(text).filter(|text| !text.trim().is_empty()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::List(items) => Some(items.join(", ")).filter(|text| !text.trim().is_empty()),
        Value::Other => None,
    }
}

pub(super) fn list_of(value: Value, syntax: ListSyntax) -> Vec<String> {
    match value {
        Value::Text(text) if syntax == ListSyntax::CommaSeparated => text
            .split([',', '，'])
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(String::from)
            .collect(),
        Value::Text(text) => vec![text],
        Value::List(items) => items,
        Value::Bool(_) | Value::Other => Vec::new(),
    }
}

/// A YAML or TOML boolean, or `true`/`false` written in a `Key: value` block.
pub(super) fn is_boolean(value: &Value) -> bool {
    match value {
        Value::Bool(_) => true,
        Value::Text(text) => matches!(text.trim().to_ascii_lowercase().as_str(), "true" | "false"),
        Value::List(_) | Value::Other => false,
    }
}

pub(super) fn is_true(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => *flag,
        Value::Text(text) => matches!(text.trim().to_ascii_lowercase().as_str(), "true" | "yes"),
        Value::List(_) | Value::Other => false,
    }
}

/// 0-based index of the first line of `block` that sets `key` (`key:` or `key =`), ignoring
/// letter case as the fields do.
pub(super) fn line_of_key(block: &str, key: &str) -> Option<usize> {
    block.lines().position(|line| {
        let line = line.trim_start();
        line.len() > key.len()
            && line.is_char_boundary(key.len())
            && line[..key.len()].eq_ignore_ascii_case(key)
            && line[key.len()..].trim_start().starts_with([':', '='])
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::day_of;
    use super::super::*;

    #[test]
    fn yaml_keys_are_case_insensitive_and_crlf_is_fine() {
        let front = read("---\r\nTitle: Hello\r\nDate: 2019-12-06\r\n---\r\nbody\r\n");
        assert_eq!(front.meta.title.as_deref(), Some("Hello"));
        assert_eq!(front.meta.date.unwrap().day_string(), "2019-12-06");
        assert_eq!(front.body, "body\r\n");
    }

    #[test]
    fn yaml_date_variants_and_a_bad_date_is_reported_at_its_line() {
        let front = read("---\ntitle: x\ndate: next tuesday\n---\n");
        assert_eq!(front.problems.len(), 1);
        assert_eq!(front.problems[0].line, Some(3));
        assert!(front.problems[0].reason.contains("next tuesday"));
        assert_eq!(front.meta.title.as_deref(), Some("x"));
        assert_eq!(
            day_of("---\ndate: \"2019-12-06 15:00:00\"\n---\n"),
            "2019-12-06"
        );
        assert_eq!(day_of("---\npublishDate: 2019-12-06\n---\n"), "2019-12-06");
    }

    #[test]
    fn published_flags_are_drafts_not_dates() {
        let public = read("---\npublished: true\n---\n");
        assert!(public.problems.is_empty(), "{:?}", public.problems);
        assert!(!public.meta.draft);
        assert!(read("---\npublished: false\n---\n").meta.draft);
        assert!(read("+++\npublished = false\n+++\n").meta.draft);
        assert!(read("Title: x\nPublished: false\n\nbody\n").meta.draft);
        let dated = read("---\npublished: 2020-01-02\n---\n");
        assert_eq!(dated.meta.date.unwrap().day_string(), "2020-01-02");
    }
}
