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

use super::dates::parse_date;
use crate::post::PostMeta;

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

/// Keys that may open a `Key: value` block. Requiring one of them on the first line keeps a
/// first paragraph such as "Note: this is…" from being taken for metadata.
const KEY_VALUE_OPENERS: &[&str] = &[
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

/// Splits `text` (already decoded, without BOM) into front matter and body.
pub fn read(text: &str) -> FrontMatter<'_> {
    let first_line = text.split_inclusive('\n').next().unwrap_or("");
    match first_line.trim_end() {
        "---" => read_fenced(text, Form::Yaml),
        "+++" => read_fenced(text, Form::Toml),
        _ => read_key_value(text).unwrap_or(FrontMatter {
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
                Form::Yaml => fields_from_yaml(block),
                _ => fields_from_toml(block),
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

/// One metadata value, whatever syntax it came from.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    List(Vec<String>),
    Bool(bool),
    /// A map or other structure no field of ours takes.
    Other,
}

fn fields_from_yaml(block: &str) -> (PostMeta, Vec<Problem>) {
    if block.trim().is_empty() {
        return (PostMeta::default(), Vec::new());
    }
    let parsed: serde_yaml::Value = match serde_yaml::from_str(block) {
        Ok(value) => value,
        Err(error) => {
            return (PostMeta::default(), vec![yaml_problem(block, &error)]);
        }
    };
    let serde_yaml::Value::Mapping(mapping) = parsed else {
        return (
            PostMeta::default(),
            vec![Problem {
                line: Some(BLOCK_FIRST_LINE),
                reason: "front matter is not a list of `key: value` pairs; ignored".into(),
            }],
        );
    };
    let entries = mapping.into_iter().filter_map(|(key, value)| {
        let key = yaml_scalar(key)?;
        let value = jekyll_words(&key, yaml_value(value), block);
        Some((key, value))
    });
    fields_from_entries(entries, block, ListSyntax::Structured)
}

/// Jekyll reads a `tags` or `categories` string as words (`tags: rust tui` is two tags). Only
/// a plain, unquoted string without commas is split: `categories: "SOFA Weekly"` (how SOFA
/// Weekly names its one category) and `tags: Service Mesh, MOSN` stay one tag each, as they
/// always have.
fn jekyll_words(key: &str, value: Value, block: &str) -> Value {
    let Value::Text(text) = &value else {
        return value;
    };
    let key = key.to_ascii_lowercase();
    if !matches!(key.as_str(), "tags" | "categories") || text.contains(',') {
        return value;
    }
    let quoted = line_of_key(block, &key)
        .and_then(|index| block.lines().nth(index))
        .and_then(|line| line.split_once(':'))
        .is_none_or(|(_, written)| written.trim_start().starts_with(['"', '\'', '|', '>']));
    if quoted {
        return value;
    }
    Value::List(text.split_whitespace().map(String::from).collect())
}

/// A YAML error as a problem at the file's line. libyaml reports where it noticed the error,
/// and for an unclosed construct also where that construct began ("did not find expected ','
/// or ']' at line 4 column 7, while parsing a flow sequence at line 3 column 7"): the
/// beginning is the line to fix, so that is the line reported.
fn yaml_problem(block: &str, error: &serde_yaml::Error) -> Problem {
    let to_file_line = |block_line: usize| BLOCK_FIRST_LINE + block_line - 1;
    let message = error.to_string();
    let (problem, context) = match message.split_once(", while ") {
        Some((problem, context)) => (problem, Some(context)),
        None => (message.as_str(), None),
    };
    let noticed = error.location().map(|location| location.line());
    let began = context.and_then(line_in_message);
    let mut line = began.or(noticed);
    let mut reason = format!(
        "YAML front matter does not parse: {}",
        without_location(problem)
    );
    if let Some(context) = context {
        reason.push_str(" while ");
        reason.push_str(without_location(context));
        if let (Some(began), Some(noticed)) = (began, noticed)
            && began != noticed
        {
            reason.push_str(&format!(" (noticed at line {})", to_file_line(noticed)));
        }
    }
    if let Some(key) = problem.strip_prefix("duplicate entry with key ") {
        // libyaml points at the start of the mapping; the second occurrence is the one to fix.
        let key = key.trim_matches('"');
        line = block
            .lines()
            .enumerate()
            .filter(|(_, text)| {
                text.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
            .nth(1)
            .map(|(index, _)| index + 1)
            .or(line);
    }
    reason.push_str("; metadata ignored");
    Problem {
        line: line.map(to_file_line),
        reason,
    }
}

/// `L` in "… at line L column C".
fn line_in_message(message: &str) -> Option<usize> {
    let (_, after) = message.split_once(" at line ")?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The message without its " at line L column C" (the line is reported apart, as the file's).
fn without_location(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

fn yaml_scalar(value: serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value as Y;
    match value {
        Y::String(text) => Some(text),
        Y::Number(number) => Some(number.to_string()),
        Y::Bool(flag) => Some(flag.to_string()),
        Y::Tagged(tagged) => yaml_scalar(tagged.value),
        Y::Null | Y::Sequence(_) | Y::Mapping(_) => None,
    }
}

fn yaml_value(value: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Bool(flag) => Value::Bool(flag),
        Y::Null => Value::List(Vec::new()),
        Y::Sequence(items) => Value::List(items.into_iter().filter_map(yaml_scalar).collect()),
        Y::Tagged(tagged) => yaml_value(tagged.value),
        Y::Mapping(_) => Value::Other,
        scalar => yaml_scalar(scalar).map_or(Value::Other, Value::Text),
    }
}

fn fields_from_toml(block: &str) -> (PostMeta, Vec<Problem>) {
    let table: toml::Table = match block.parse() {
        Ok(table) => table,
        Err(error) => {
            let error: toml::de::Error = error;
            let line = error
                .span()
                .map(|span| BLOCK_FIRST_LINE + line_index_of(block, span.start));
            let problem = Problem {
                line,
                reason: format!(
                    "TOML front matter does not parse ({}); metadata ignored",
                    error.message().trim()
                ),
            };
            return (PostMeta::default(), vec![problem]);
        }
    };
    let entries = table
        .into_iter()
        .map(|(key, value)| (key, toml_value(value)));
    fields_from_entries(entries, block, ListSyntax::Structured)
}

fn toml_scalar(value: toml::Value) -> Option<String> {
    use toml::Value as T;
    match value {
        T::String(text) => Some(text),
        T::Integer(number) => Some(number.to_string()),
        T::Float(number) => Some(number.to_string()),
        T::Boolean(flag) => Some(flag.to_string()),
        T::Datetime(datetime) => Some(datetime.to_string()),
        T::Array(_) | T::Table(_) => None,
    }
}

fn toml_value(value: toml::Value) -> Value {
    use toml::Value as T;
    match value {
        T::Boolean(flag) => Value::Bool(flag),
        T::Array(items) => Value::List(items.into_iter().filter_map(toml_scalar).collect()),
        T::Table(_) => Value::Other,
        scalar => toml_scalar(scalar).map_or(Value::Other, Value::Text),
    }
}

/// A leading block of `Key: value` lines, ended by a blank line (or by the first line that is
/// neither a `Key: value` line nor an indented continuation). `None` when the first line does
/// not name a known key.
fn read_key_value(text: &str) -> Option<FrontMatter<'_>> {
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
fn split_key_value(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let plausible_key = key.len() <= 32
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-'))
        && !key.ends_with(' ');
    plausible_key.then(|| (key, value.trim()))
}

/// How a text value of a list field (tags, categories, aliases) is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListSyntax {
    /// YAML and TOML have real lists: a string is one item, commas and all.
    Structured,
    /// `Tags: a, b` is the key-value form's way to write a list.
    CommaSeparated,
}

/// Builds the fields from `(key, value)` pairs; keys are matched case-insensitively, unknown
/// keys (`cover`, `authorlink`, …) are ignored. `block` is used to find a key's line for
/// problems.
fn fields_from_entries(
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

fn text_of(value: Value) -> Option<String> {
    match value {
        Value::Text(text) => Some(text).filter(|text| !text.trim().is_empty()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::List(items) => Some(items.join(", ")).filter(|text| !text.trim().is_empty()),
        Value::Other => None,
    }
}

fn list_of(value: Value, syntax: ListSyntax) -> Vec<String> {
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
fn is_boolean(value: &Value) -> bool {
    match value {
        Value::Bool(_) => true,
        Value::Text(text) => matches!(text.trim().to_ascii_lowercase().as_str(), "true" | "false"),
        Value::List(_) | Value::Other => false,
    }
}

fn is_true(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => *flag,
        Value::Text(text) => matches!(text.trim().to_ascii_lowercase().as_str(), "true" | "yes"),
        Value::List(_) | Value::Other => false,
    }
}

/// 0-based index of the first line of `block` that sets `key` (`key:` or `key =`), ignoring
/// letter case as the fields do.
fn line_of_key(block: &str, key: &str) -> Option<usize> {
    block.lines().position(|line| {
        let line = line.trim_start();
        line.len() > key.len()
            && line.is_char_boundary(key.len())
            && line[..key.len()].eq_ignore_ascii_case(key)
            && line[key.len()..].trim_start().starts_with([':', '='])
    })
}

/// 0-based index of the line holding byte `offset` of `text`.
fn line_index_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(front.body, "\n# Body\n");
    }

    #[test]
    fn yaml_tags_as_string_stay_one_tag_even_with_commas() {
        let front = read("---\ntags: Service Mesh, MOSN\ncategories: [a, b]\n---\n");
        assert_eq!(front.meta.tags, ["Service Mesh, MOSN", "a", "b"]);
    }

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
        let quoted = read("---\ndate: \"2019-12-06 15:00:00\"\n---\n");
        assert_eq!(quoted.meta.date.unwrap().day_string(), "2019-12-06");
        let publish = read("---\npublishDate: 2019-12-06\n---\n");
        assert_eq!(publish.meta.date.unwrap().day_string(), "2019-12-06");
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

    #[test]
    fn jekyll_words_split_only_plain_strings() {
        let front = read("---\ntags: rust  tui\ncategories: 'SOFA Weekly'\n---\n");
        assert_eq!(front.meta.tags, ["rust", "tui", "SOFA Weekly"]);
        let front = read("---\ntags: \"Service Mesh\"\ncategory: Service Mesh\n---\n");
        assert_eq!(front.meta.tags, ["Service Mesh", "Service Mesh"]);
    }

    #[test]
    fn broken_yaml_reports_the_file_line_and_keeps_the_body() {
        let text = "---\ntitle: ok\ntags: [unclosed\nauthor: x\n---\n# Heading\n";
        let front = read(text);
        assert_eq!(front.meta, PostMeta::default());
        assert_eq!(front.body, "# Heading\n");
        assert_eq!(front.problems.len(), 1);
        let problem = &front.problems[0];
        assert!(
            problem
                .reason
                .starts_with("YAML front matter does not parse")
        );
        assert!(!problem.reason.contains("column"), "{}", problem.reason);
        // libyaml notices the unclosed list on the next line; the list begins on line 3.
        assert_eq!(problem.line, Some(3), "{}", problem.reason);
        assert!(
            problem.reason.contains("flow sequence (noticed at line 4)"),
            "{}",
            problem.reason
        );
        let bad_indent = read("---\ntitle: a\n  b: c\n---\n");
        assert_eq!(bad_indent.problems[0].line, Some(3));
        let unterminated = read("---\ndate: 2020-01-01\ntitle: \"oops\nauthor: x\n---\n");
        assert_eq!(unterminated.problems[0].line, Some(3));
        let duplicate = read("---\ntitle: a\ndate: 2020-01-01\nTitle: b\ntitle: c\n---\n");
        assert_eq!(duplicate.problems[0].line, Some(5));
        assert!(
            duplicate.problems[0]
                .reason
                .contains("duplicate entry with key")
        );
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
    fn yaml_that_is_not_a_mapping_is_reported() {
        let front = read("---\njust a sentence\n---\ntext\n");
        assert_eq!(front.problems[0].line, Some(2));
        assert_eq!(front.body, "text\n");
        assert!(read("---\n---\ntext\n").problems.is_empty());
    }

    #[test]
    fn toml_with_datetime_and_lists() {
        let text = "+++\ntitle = \"Hugo post\"\ndate = 2019-12-06T15:00:00+08:00\n\
                    tags = [\"MOSN\"]\ncategories = \"SOFA Weekly\"\ndraft = false\n\
                    [params]\ncover = \"x\"\n+++\nbody\n";
        let front = read(text);
        assert_eq!(front.form, Form::Toml);
        assert!(front.problems.is_empty(), "{:?}", front.problems);
        assert_eq!(front.meta.title.as_deref(), Some("Hugo post"));
        assert_eq!(
            front.meta.date.unwrap().instant.to_rfc3339(),
            "2019-12-06T15:00:00+08:00"
        );
        assert_eq!(front.meta.tags, ["MOSN", "SOFA Weekly"]);
        assert_eq!(front.body, "body\n");
        let local = read("+++\ndate = 2019-12-06\n+++\n");
        assert_eq!(local.meta.date.unwrap().day_string(), "2019-12-06");
        let local_time = read("+++\ndate = 2019-12-06T15:00:00\n+++\n");
        assert_eq!(local_time.meta.date.unwrap().day_string(), "2019-12-06");
    }

    #[test]
    fn broken_toml_reports_the_file_line() {
        let front = read("+++\ntitle = \"ok\"\ntags = [\n+++\nbody\n");
        assert_eq!(front.problems.len(), 1);
        assert!(front.problems[0].reason.starts_with("TOML front matter"));
        assert!(matches!(front.problems[0].line, Some(3..=4)));
        let front = read("+++\ntitle = \"ok\"\nnot toml at all\n+++\nbody\n");
        assert_eq!(front.problems[0].line, Some(3));
        assert_eq!(front.body, "body\n");
    }

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

    #[test]
    fn no_front_matter() {
        let front = read("# Heading\n\ntext\n");
        assert_eq!(front.form, Form::None);
        assert_eq!(front.meta, PostMeta::default());
        assert!(front.problems.is_empty());
    }
}
