//! TOML between `+++` lines (Hugo): its pairs for [`super::fields`], and a parse error as a
//! problem at the file's line.

use super::fields::{ListSyntax, Value, fields_from_entries};
use super::{BLOCK_FIRST_LINE, Problem};
use crate::post::PostMeta;

pub(super) fn fields_from_toml(block: &str) -> (PostMeta, Vec<Problem>) {
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

pub(super) fn toml_scalar(value: toml::Value) -> Option<String> {
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

pub(super) fn toml_value(value: toml::Value) -> Value {
    use toml::Value as T;
    match value {
        T::Boolean(flag) => Value::Bool(flag),
        T::Array(items) => Value::List(items.into_iter().filter_map(toml_scalar).collect()),
        T::Table(_) => Value::Other,
        scalar => toml_scalar(scalar).map_or(Value::Other, Value::Text),
    }
}

/// 0-based index of the line holding byte `offset` of `text`.
pub(super) fn line_index_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

#[cfg(test)]
mod tests {
    use super::super::tests::day_of;
    use super::super::*;

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
        assert_eq!(day_of("+++\ndate = 2019-12-06\n+++\n"), "2019-12-06");
        assert_eq!(
            day_of("+++\ndate = 2019-12-06T15:00:00\n+++\n"),
            "2019-12-06"
        );
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
}
