//! A leading block of `Key: value` lines (Pelican, MultiMarkdown), told apart from a first
//! paragraph that merely has a colon.

use super::fields::{ListSyntax, Value, fields_from_entries};
use super::{BLOCK_FIRST_LINE, Form, FrontMatter, Problem};

/// Keys that may open a `Key: value` block. Requiring one of them on the first line keeps a
/// first paragraph such as "Note: this is…" from being taken for metadata.
pub(super) const KEY_VALUE_OPENERS: &[&str] = &[
    "title",
    "date",
    "tags",
    "category",
    "categories",
    "author",
    "authors",
    "summary",
    "description",
    "slug",
    "keywords",
    "modified",
    "lang",
    "subtitle",
];

/// A leading block of `Key: value` lines, ended by a blank line (or by the first line that is
/// neither a `Key: value` line nor an indented continuation). `None` when the first line does
/// not name a known key.
pub(super) fn read_key_value(text: &str) -> Option<FrontMatter<'_>> {
    let first = text.split_inclusive('\n').next()?;
    let (key, _) = split_key_value(first)?;
    if !KEY_VALUE_OPENERS.contains(&key.to_ascii_lowercase().as_str()) {
        return None;
    }
    let mut entries: Vec<(String, String)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let is_continuation = line.starts_with([' ', '\t']) && !line.trim().is_empty();
        if line.trim().is_empty() {
            offset += line.len();
            break;
        } else if is_continuation && let Some((_, value)) = entries.last_mut() {
            value.push(' ');
            value.push_str(line.trim());
        } else if let Some((key, value)) = split_key_value(line) {
            entries.push((key.to_string(), value.to_string()));
        } else {
            break;
        }
        offset += line.len();
    }
    let block = &text[..offset];
    let entries = entries
        .into_iter()
        .map(|(key, value)| (key, Value::Text(value)));
    let (fields, problems) = fields_from_entries(entries, block, ListSyntax::CommaSeparated);
    // The block starts on line 1, not after a fence: shift the reported lines up by one.
    let problems = problems
        .into_iter()
        .map(|problem| Problem {
            line: problem.line.map(|line| line + 1 - BLOCK_FIRST_LINE),
            ..problem
        })
        .collect();
    Some(FrontMatter {
        form: Form::KeyValue,
        meta: fields,
        body: &text[offset..],
        problems,
    })
}

/// `Key: value` with a short key of letters, digits, spaces, `_` or `-`, starting with a
/// letter at the start of the line.
pub(super) fn split_key_value(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let plausible_key = key.len() <= 32
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-'))
        && !key.ends_with(' ');
    plausible_key.then(|| (key, value.trim()))
}

#[cfg(test)]
mod tests {
    use super::super::*;

    #[test]
    fn key_value_block_pelican_style() {
        let text = "Title: My super title\nDate: 2010-12-03 10:20\nModified: 2010-12-05 19:30\n\
                    Category: Python\nTags: pelican, publishing，中文\nSlug: my-super-post\n\
                    Authors: Alexis Metaireau\nSummary: Short version\n  continued here\n\
                    \nThis is the content: of my super blog post.\n";
        let front = read(text);
        assert_eq!(front.form, Form::KeyValue);
        let fields = &front.meta;
        assert_eq!(fields.title.as_deref(), Some("My super title"));
        assert_eq!(fields.date.unwrap().day_string(), "2010-12-03");
        assert_eq!(fields.tags, ["pelican", "publishing", "中文", "Python"]);
        assert_eq!(fields.author.as_deref(), Some("Alexis Metaireau"));
        assert_eq!(
            fields.description.as_deref(),
            Some("Short version continued here")
        );
        assert_eq!(front.body, "This is the content: of my super blog post.\n");
    }

    #[test]
    fn key_value_bad_date_line_is_the_files() {
        let front = read("Title: x\nDate: someday\n\nbody\n");
        assert_eq!(front.problems[0].line, Some(2));
    }

    #[test]
    fn a_first_paragraph_with_a_colon_is_not_metadata() {
        for text in [
            "Note: this is a post about MOSN.\nIt goes on.\n",
            "注意: 这不是元数据\n",
            "https://example.com is a link\n",
            "# Title: with a colon\n",
        ] {
            let front = read(text);
            assert_eq!(front.form, Form::None, "{text}");
            assert_eq!(front.body, text);
        }
    }
}
