//! YAML between `---` lines (Hugo, Jekyll, SOFA Weekly): its pairs for [`super::fields`], and
//! libyaml's errors as problems at the file's line.

use super::fields::{ListSyntax, Value, fields_from_entries, line_of_key};
use super::{BLOCK_FIRST_LINE, Problem};
use crate::post::PostMeta;

pub(super) fn fields_from_yaml(block: &str) -> (PostMeta, Vec<Problem>) {
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
pub(super) fn jekyll_words(key: &str, value: Value, block: &str) -> Value {
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
pub(super) fn yaml_problem(block: &str, error: &serde_yaml::Error) -> Problem {
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
pub(super) fn line_in_message(message: &str) -> Option<usize> {
    let (_, after) = message.split_once(" at line ")?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The message without its " at line L column C" (the line is reported apart, as the file's).
pub(super) fn without_location(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

pub(super) fn yaml_scalar(value: serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value as Y;
    match value {
        Y::String(text) => Some(text),
        Y::Number(number) => Some(number.to_string()),
        Y::Bool(flag) => Some(flag.to_string()),
        Y::Tagged(tagged) => yaml_scalar(tagged.value),
        Y::Null | Y::Sequence(_) | Y::Mapping(_) => None,
    }
}

pub(super) fn yaml_value(value: serde_yaml::Value) -> Value {
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

#[cfg(test)]
mod tests {
    use super::super::*;

    #[test]
    fn yaml_tags_as_string_stay_one_tag_even_with_commas() {
        let front = read("---\ntags: Service Mesh, MOSN\ncategories: [a, b]\n---\n");
        assert_eq!(front.meta.tags, ["Service Mesh, MOSN", "a", "b"]);
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
    fn yaml_that_is_not_a_mapping_is_reported() {
        let front = read("---\njust a sentence\n---\ntext\n");
        assert_eq!(front.problems[0].line, Some(2));
        assert_eq!(front.body, "text\n");
        assert!(read("---\n---\ntext\n").problems.is_empty());
    }
}
