//! Front matter: the metadata block at the top of a markdown file, in the forms real archives
//! use — YAML between `---` lines (Hugo, Jekyll, SOFA Weekly), TOML between `+++` lines (Hugo),
//! a leading block of `Key: value` lines (Pelican, MultiMarkdown) — or none at all.
//!
//! The keys of the common site generators are read: Hugo (`publishDate`, `keywords`), Jekyll
//! (space-separated `tags`/`categories`, `published: false`), Zenn (`topics`, `published_at`,
//! `published`), Astro (`pubDate`), Docusaurus and Hexo (`tags`, `authors`, `date`), and the
//! `draft`/`published` booleans.
//!
//! [`read`] splits a file's text into raw metadata (a [`PostMeta`]) and the body, and reports
//! [`Problem`]s with the file's line numbers. It never fails: metadata that does not parse is
//! reported and left out, and the body is still returned. Cleaning the strings (entities,
//! control characters) and the fallbacks (title from a heading, date from the file name) are
//! [`super::parse_post`]'s job.
//!
//! Each form has its reader (`yaml_block`, `toml_block`, `key_value`) yielding
//! `(key, value)` pairs; `fields` maps the generators' keys to the metadata.

use crate::post::PostMeta;

mod fields;
mod key_value;
mod toml_block;
mod yaml_block;

/// Something wrong in the front matter, at a 1-based line of the file when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub reason: String,
}

/// Which form the metadata was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Yaml,
    Toml,
    KeyValue,
    None,
}

/// A file's text split into metadata and body.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter<'a> {
    pub form: Form,
    /// The metadata as written: not yet sanitised, tags then categories in the order
    /// written (duplicates not yet removed), no `web_url` (a file has none).
    pub meta: PostMeta,
    /// The markdown after the front matter (all of the text when there is none or it is
    /// not closed).
    pub body: &'a str,
    pub problems: Vec<Problem>,
}

/// Splits `text` (already decoded, without BOM) into front matter and body.
pub fn read(text: &str) -> FrontMatter<'_> {
    let first_line = text.split_inclusive('\n').next().unwrap_or("");
    match first_line.trim_end() {
        "---" => read_fenced(text, Form::Yaml),
        "+++" => read_fenced(text, Form::Toml),
        _ => key_value::read_key_value(text).unwrap_or(FrontMatter {
            form: Form::None,
            meta: PostMeta::default(),
            body: text,
            problems: Vec::new(),
        }),
    }
}

/// YAML or TOML between fence lines. The opening fence is line 1, so the block's first line is
/// line 2 of the file.
fn read_fenced(text: &str, form: Form) -> FrontMatter<'_> {
    let mut lines = text.split_inclusive('\n');
    let block_start = lines.next().map_or(0, str::len);
    let mut offset = block_start;
    for line in lines {
        let line_start = offset;
        offset += line.len();
        let closes = match form {
            // YAML also ends a document with `...` (Pandoc writes it).
            Form::Yaml => matches!(line.trim_end(), "---" | "..."),
            _ => line.trim_end() == "+++",
        };
        if closes {
            let block = &text[block_start..line_start];
            let (fields, problems) = match form {
                Form::Yaml => yaml_block::fields_from_yaml(block),
                _ => toml_block::fields_from_toml(block),
            };
            return FrontMatter {
                form,
                meta: fields,
                body: &text[offset..],
                problems,
            };
        }
    }
    let fence = if form == Form::Yaml { "---" } else { "+++" };
    FrontMatter {
        form: Form::None,
        meta: PostMeta::default(),
        body: text,
        problems: vec![Problem {
            line: Some(1),
            reason: format!(
                "front matter opened with `{fence}` is never closed; the whole file is read as text"
            ),
        }],
    }
}

/// The first line of the front-matter block within the file.
const BLOCK_FIRST_LINE: usize = 2;

#[cfg(test)]
mod tests {
    use super::*;

    /// The day of the date `text`'s front matter gives, which must give one.
    pub(super) fn day_of(text: &str) -> String {
        read(text).meta.date.unwrap().day_string()
    }

    #[test]
    fn yaml_with_every_field() {
        let text = "---\ntitle: \"SOFA Weekly | 每周精选\"\nauthor: SOFA 团队\n\
                    description: 每周精华\ncategories: \"SOFA Weekly\"\ntags: [\"MOSN\", Seata]\n\
                    date: 2019-12-06T15:00:00+08:00\ndraft: true\naliases: /old/\n\
                    cover: \"https://example.com/c.png\"\nauthorlink: x\n---\n\n# Body\n";
        let front = read(text);
        assert_eq!(front.form, Form::Yaml);
        assert!(front.problems.is_empty(), "{:?}", front.problems);
        let fields = front.meta;
        assert_eq!(fields.title.as_deref(), Some("SOFA Weekly | 每周精选"));
        assert_eq!(fields.author.as_deref(), Some("SOFA 团队"));
        assert_eq!(fields.description.as_deref(), Some("每周精华"));
        assert_eq!(fields.tags, ["MOSN", "Seata", "SOFA Weekly"]);
        assert_eq!(fields.date.unwrap().day_string(), "2019-12-06");
        assert!(fields.draft);
        assert_eq!(fields.aliases, ["/old/"]);
        assert_eq!(fields.cover.as_deref(), Some("https://example.com/c.png"));
        assert_eq!(front.body, "\n# Body\n");
    }

    #[test]
    fn unclosed_fence_reads_everything_as_body() {
        let text = "---\ntitle: x\n\n# Heading\n";
        let front = read(text);
        assert_eq!(front.form, Form::None);
        assert_eq!(front.body, text);
        assert_eq!(front.problems[0].line, Some(1));
        assert!(front.problems[0].reason.contains("never closed"));
    }

    #[test]
    fn no_front_matter() {
        let front = read("# Heading\n\ntext\n");
        assert_eq!(front.form, Form::None);
        assert_eq!(front.meta, PostMeta::default());
        assert!(front.problems.is_empty());
    }
}
