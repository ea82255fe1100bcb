//! Reading `config.toml` text into a [`Config`]: every key is checked on its own, and
//! anything wrong (an unknown key, a value of the wrong kind, a syntax error) becomes a
//! [`ConfigWarning`] with its line while the default stays in place.
//!
//! Callers: [`Config::parse`].

use std::path::Path;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::day_format::format_problem;
use super::{
    Config, ConfigWarning, DEFAULT_DATE_FORMAT, DEFAULT_MAX_WIDTH, ImagesChoice, KEY_PANES,
    KeyBinding, ReaderConfig, SourceEntry, ThemeChoice,
};
use crate::pictures::{FetchScope, PictureOptions};

const MAX_WIDTH_RANGE: std::ops::RangeInclusive<i64> = 20..=1000;

pub(super) struct ConfigParser<'a> {
    pub(super) text: &'a str,
    pub(super) file: &'a Path,
    pub(super) warnings: Vec<ConfigWarning>,
}

type Span = std::ops::Range<usize>;

impl ConfigParser<'_> {
    fn warn(&mut self, span: Option<Span>, message: String) {
        let line = span.map(|s| line_of(self.text, s.start));
        self.warnings.push(ConfigWarning {
            file: self.file.to_path_buf(),
            line,
            message,
        });
    }

    /// The keys and values of `value` as a table; none after warning with `problem` (which
    /// says what is used instead) when it is not one.
    fn table_entries<'v, 'a>(
        &mut self,
        value: &'v DeValue<'a>,
        span: Span,
        problem: &str,
    ) -> impl Iterator<Item = (&'v Spanned<DeString<'a>>, &'v Spanned<DeValue<'a>>)> + use<'v, 'a>
    {
        let table = value.as_table();
        if table.is_none() {
            self.warn(Some(span), problem.to_owned());
        }
        table.into_iter().flat_map(|table| table.iter())
    }

    pub(super) fn parse(&mut self) -> Config {
        let mut config = Config::default();
        let table = match DeTable::parse(self.text) {
            Ok(table) => table.into_inner(),
            Err(e) => {
                let message = format!(
                    "not valid TOML ({}); using defaults for everything",
                    e.message().trim()
                );
                self.warn(e.span(), message);
                return config;
            }
        };
        for (key, value) in table.iter() {
            match key.get_ref().as_ref() {
                "sources" => {
                    if let Some(sources) = self.sources(value.get_ref(), value.span()) {
                        config.sources = sources;
                    }
                }
                "reader" => self.reader(value.get_ref(), value.span(), &mut config.reader),
                "topics" => config.topics = self.topics(value.get_ref(), value.span()),
                "date_format" => {
                    if let Some(format) = self.date_format(value.get_ref(), value.span()) {
                        config.date_format = format;
                    }
                }
                "keys" => config.keys = self.keys(value.get_ref(), value.span()),
                "pictures" => self.pictures(value.get_ref(), value.span(), &mut config.pictures),
                other => self.warn(
                    Some(key.span()),
                    format!(
                        "unknown key {other:?} (expected date_format, sources, reader, topics, pictures or keys); ignored"
                    ),
                ),
            }
        }
        config
    }

    fn sources(&mut self, value: &DeValue, span: Span) -> Option<Vec<SourceEntry>> {
        let Some(array) = value.as_array() else {
            self.warn(
                Some(span),
                "sources must be a list of [[sources]] tables with name and location; using the default sources".to_owned(),
            );
            return None;
        };
        let mut sources: Vec<SourceEntry> = Vec::new();
        for item in array.iter() {
            let Some(table) = item.get_ref().as_table() else {
                self.warn(
                    Some(item.span()),
                    "each source must be a table with name and location; ignored".to_owned(),
                );
                continue;
            };
            let mut name = None;
            let mut location = None;
            for (key, value) in table.iter() {
                let slot = match key.get_ref().as_ref() {
                    "name" => &mut name,
                    "location" => &mut location,
                    other => {
                        self.warn(
                            Some(key.span()),
                            format!("unknown key {other:?} in a source (expected name, location); ignored"),
                        );
                        continue;
                    }
                };
                match value.get_ref().as_str().map(str::trim) {
                    Some(text) if !text.is_empty() => *slot = Some(text.to_owned()),
                    _ => self.warn(
                        Some(value.span()),
                        format!("{} must be a non-empty string", key.get_ref()),
                    ),
                }
            }
            match (name, location) {
                (Some(name), Some(location)) => {
                    if sources.iter().any(|s| s.name == name) {
                        self.warn(
                            Some(item.span()),
                            format!("a second source named {name:?}; ignored"),
                        );
                    } else {
                        sources.push(SourceEntry { name, location });
                    }
                }
                _ => self.warn(
                    Some(item.span()),
                    "a source needs both name and location, e.g. name = \"blog\", location = \"github:OWNER/REPO@REF:PATH\"; ignored".to_owned(),
                ),
            }
        }
        Some(sources)
    }

    fn reader(&mut self, value: &DeValue, span: Span, reader: &mut ReaderConfig) {
        for (key, value) in self.table_entries(
            value,
            span,
            "reader must be a table ([reader]); using defaults",
        ) {
            let span = value.span();
            match key.get_ref().as_ref() {
                "max_width" => {
                    let width = value
                        .get_ref()
                        .as_integer()
                        .and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok())
                        .filter(|w| MAX_WIDTH_RANGE.contains(w));
                    match width {
                        Some(width) => reader.max_width = width as usize,
                        None => self.warn(
                            Some(span),
                            format!(
                                "reader.max_width must be a whole number from {} to {}; using {DEFAULT_MAX_WIDTH}",
                                MAX_WIDTH_RANGE.start(),
                                MAX_WIDTH_RANGE.end()
                            ),
                        ),
                    }
                }
                "theme" => match value.get_ref().as_str() {
                    Some("dark") => reader.theme = ThemeChoice::Dark,
                    Some("light") => reader.theme = ThemeChoice::Light,
                    Some("auto") => reader.theme = ThemeChoice::Auto,
                    _ => self.warn(
                        Some(span),
                        "reader.theme must be \"dark\", \"light\" or \"auto\"; using \"auto\""
                            .to_owned(),
                    ),
                },
                "images" => match value.get_ref().as_str().and_then(ImagesChoice::parse) {
                    Some(choice) => reader.images = choice,
                    None => self.warn(
                        Some(span),
                        "reader.images must be \"auto\", \"kitty\", \"sixel\", \"iterm2\", \"halfblocks\" or \"off\"; using \"auto\""
                            .to_owned(),
                    ),
                },
                other => self.warn(
                    Some(key.span()),
                    format!(
                        "unknown key {other:?} in [reader] (expected max_width, theme, images); ignored"
                    ),
                ),
            }
        }
    }

    fn pictures(&mut self, value: &DeValue, span: Span, pictures: &mut PictureOptions) {
        let Some(table) = value.as_table() else {
            self.warn(
                Some(span),
                "pictures must be a table ([pictures]); using defaults".to_owned(),
            );
            return;
        };
        for (key, value) in table.iter() {
            let span = value.span();
            let text = match value.get_ref() {
                DeValue::String(text) => Some(text.to_string()),
                DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                    .ok()
                    .map(|i| i.to_string()),
                _ => None,
            };
            match key.get_ref().as_ref() {
                "fetch" => match text.as_deref().and_then(FetchScope::parse) {
                    Some(scope) => pictures.fetch = scope,
                    None => self.warn(
                        Some(span),
                        "pictures.fetch must be \"all\", \"none\" or a number of newest posts per source; using \"all\""
                            .to_owned(),
                    ),
                },
                "budget" => match text.as_deref().and_then(parse_size) {
                    Some(bytes) => pictures.budget_bytes = bytes,
                    None => self.warn(
                        Some(span),
                        "pictures.budget must be a size such as \"1 GiB\", \"500 MiB\" or a number of bytes; using \"1 GiB\""
                            .to_owned(),
                    ),
                },
                other => self.warn(
                    Some(key.span()),
                    format!(
                        "unknown key {other:?} in [pictures] (expected fetch, budget); ignored"
                    ),
                ),
            }
        }
    }

    fn topics(&mut self, value: &DeValue, span: Span) -> Vec<(String, Vec<String>)> {
        let mut topics = Vec::new();
        for (key, value) in self.table_entries(
            value,
            span,
            "topics must be a table of name = [\"spelling\", …]; ignored",
        ) {
            let name = key.get_ref().trim().to_owned();
            let spellings: Option<Vec<String>> = match value.get_ref() {
                DeValue::String(one) => Some(vec![one.to_string()]),
                DeValue::Array(many) => many
                    .iter()
                    .map(|v| v.get_ref().as_str().map(str::to_owned))
                    .collect(),
                _ => None,
            };
            match spellings {
                Some(spellings) if !name.is_empty() => {
                    let spellings = spellings
                        .into_iter()
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect();
                    topics.push((name, spellings));
                }
                _ => self.warn(
                    Some(value.span()),
                    format!("topic {name:?} must be a list of strings, e.g. [\"dubbo\", \"Apache Dubbo\"]; ignored"),
                ),
            }
        }
        topics
    }
}

impl ConfigParser<'_> {
    fn date_format(&mut self, value: &DeValue, span: Span) -> Option<String> {
        let problem = match value.as_str() {
            Some(format) => match format_problem(format) {
                None => return Some(format.to_owned()),
                Some(problem) => problem,
            },
            None => "is not a string",
        };
        self.warn(
            Some(span),
            format!(
                "date_format {problem}; expected a strftime format of a day such as \"%Y-%m-%d\", \"%d %b %Y\" or \"%Y年%m月%d日\"; using \"{DEFAULT_DATE_FORMAT}\""
            ),
        );
        None
    }

    /// `[keys]`: `key = "action"` lines apply everywhere; `[keys.PANE]` tables to one pane.
    fn keys(&mut self, value: &DeValue, span: Span) -> Vec<KeyBinding> {
        let mut bindings = Vec::new();
        for (key, value) in self.table_entries(
            value,
            span,
            "keys must be a table: [keys] with lines such as j = \"down\"; ignored",
        ) {
            let name = key.get_ref().as_ref();
            match value.get_ref() {
                DeValue::Table(pane_table) => {
                    if !KEY_PANES.contains(&name) {
                        self.warn(
                            Some(key.span()),
                            format!(
                                "unknown pane [keys.{name}] (expected tags, posts or reader); ignored"
                            ),
                        );
                        continue;
                    }
                    for (key, value) in pane_table.iter() {
                        self.key_binding(Some(name), key, value, &mut bindings);
                    }
                }
                _ => self.key_binding(None, key, value, &mut bindings),
            }
        }
        bindings
    }

    fn key_binding(
        &mut self,
        pane: Option<&str>,
        key: &toml::Spanned<std::borrow::Cow<'_, str>>,
        value: &toml::Spanned<DeValue<'_>>,
        bindings: &mut Vec<KeyBinding>,
    ) {
        match value.get_ref().as_str() {
            Some(action) if !action.trim().is_empty() => bindings.push(KeyBinding {
                pane: pane.map(str::to_owned),
                key: key.get_ref().to_string(),
                action: action.trim().to_owned(),
                line: line_of(self.text, key.span().start),
            }),
            _ => self.warn(
                Some(value.span()),
                format!(
                    "key {:?} must name an action as a string, e.g. \"next_post\" (or \"none\" to unbind it); ignored",
                    key.get_ref()
                ),
            ),
        }
    }
}

/// `1 GiB`, `500MiB`, `2 G`, `1048576`: a size in bytes. Units are binary (a KB is 1024
/// bytes, as file managers show the cache folder).
pub(super) fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok().filter(|n: &f64| n.is_finite())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return None,
    };
    let bytes = number * (1u64 << shift) as f64;
    (bytes >= 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::super::DEFAULT_SOURCE_LOCATION;
    use super::*;

    fn parse(text: &str) -> (Config, Vec<ConfigWarning>) {
        Config::parse(text, Path::new("/home/u/.config/sofa-weekly/config.toml"))
    }

    #[test]
    fn an_empty_file_means_defaults() {
        let (config, warnings) = parse("");
        assert_eq!(config, Config::default());
        assert!(warnings.is_empty());
        assert_eq!(config.sources[0].location, DEFAULT_SOURCE_LOCATION);
        assert_eq!(config.reader.max_width, 100);
    }

    #[test]
    fn every_key_is_read() {
        let (config, warnings) = parse(
            r#"
[[sources]]
name = "blog"
location = "github:o/r@main:posts"

[[sources]]
name = "feed"
location = "https://example.com/feed.xml"

[reader]
max_width = 80
theme = "light"
images = "off"

[topics]
Dubbo = ["dubbo", "Apache Dubbo"]
Layotto = "layotto"
"#,
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.sources.len(), 2);
        assert_eq!(config.sources[1].name, "feed");
        assert_eq!(config.reader.max_width, 80);
        assert_eq!(config.reader.theme, ThemeChoice::Light);
        assert_eq!(config.reader.images, ImagesChoice::Off);
        assert_eq!(
            config.topics,
            [
                (
                    "Dubbo".to_owned(),
                    vec!["dubbo".to_owned(), "Apache Dubbo".to_owned()]
                ),
                ("Layotto".to_owned(), vec!["layotto".to_owned()]),
            ]
        );
    }

    #[test]
    fn pictures_say_what_to_fetch_and_the_budget() {
        let (config, warnings) = parse("[pictures]\nfetch = 20\nbudget = \"500 MiB\"\n");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.pictures.fetch, FetchScope::Newest(20));
        assert_eq!(config.pictures.budget_bytes, 500 << 20);
        let (config, _) = parse("[pictures]\nfetch = \"none\"\nbudget = 4096\n");
        assert_eq!(config.pictures.fetch, FetchScope::None);
        assert_eq!(config.pictures.budget_bytes, 4096);
        let (config, warnings) = parse("[pictures]\nfetch = \"some\"\nbudget = \"lots\"\n");
        assert_eq!(config.pictures, PictureOptions::default());
        assert_eq!(warnings.len(), 2);
        assert!(
            warnings
                .iter()
                .any(|w| w.to_string().contains(":2: pictures.fetch must be")),
            "{warnings:?}"
        );
        assert_eq!(parse_size("1 GiB"), Some(1 << 30));
        assert_eq!(parse_size("1.5k"), Some(1536));
        assert_eq!(parse_size("-1"), None);
    }

    #[test]
    fn an_empty_source_list_means_no_sources() {
        let (config, warnings) = parse("sources = []\n");
        assert!(warnings.is_empty());
        assert!(config.sources.is_empty());
    }

    #[test]
    fn bad_values_and_unknown_keys_are_reported_with_file_and_line() {
        let (config, warnings) = parse(
            "colour = true\n[reader]\nmax_width = 5\ntheme = \"pink\"\nwrap = 1\n[[sources]]\nname = \"x\"\n",
        );
        assert_eq!(config.reader, ReaderConfig::default());
        assert_eq!(
            config.sources,
            [],
            "a source list was given, with nothing valid"
        );
        let lines: Vec<_> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(1), Some(3), Some(4), Some(5), Some(6)]);
        let text = warnings[1].to_string();
        assert!(
            text.starts_with("/home/u/.config/sofa-weekly/config.toml:3: reader.max_width"),
            "{text}"
        );
        assert!(
            warnings[2]
                .message
                .contains("\"dark\", \"light\" or \"auto\"")
        );
    }

    #[test]
    fn a_syntax_error_keeps_every_default() {
        let (config, warnings) = parse("[reader]\nmax_width = = 3\n");
        assert_eq!(config, Config::default());
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, Some(2));
        assert!(warnings[0].message.contains("not valid TOML"));
    }

    #[test]
    fn date_formats_are_checked_and_applied() {
        let (config, warnings) = parse("date_format = \"%Y年%m月%d日\"\n");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.day_format().format("2019-12-06"), "2019年12月06日");
        assert_eq!(config.day_format().format("someday"), "someday");
        for bad in ["\"%H:%M\"", "\"%Q\"", "\"\"", "3"] {
            let (config, warnings) = parse(&format!("\n date_format = {bad}\n"));
            assert_eq!(config.date_format, DEFAULT_DATE_FORMAT, "{bad}");
            assert_eq!(warnings.len(), 1, "{bad}");
            assert_eq!(warnings[0].line, Some(2));
            assert!(warnings[0].message.contains("%Y-%m-%d"), "{}", warnings[0]);
        }
    }

    #[test]
    fn key_bindings_keep_their_pane_and_line() {
        let (config, warnings) = parse(
            "[keys]\n\"ctrl-n\" = \"next_post\"\nq = 3\n[keys.reader]\nx = \"star\"\n[keys.sidebar]\ny = \"up\"\n",
        );
        let bound: Vec<_> = config
            .keys
            .iter()
            .map(|k| (k.pane.as_deref(), k.key.as_str(), k.action.as_str(), k.line))
            .collect();
        assert_eq!(
            bound,
            [
                (None, "ctrl-n", "next_post", 2),
                (Some("reader"), "x", "star", 5)
            ]
        );
        let lines: Vec<_> = warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(3), Some(6)]);
        assert!(warnings[1].message.contains("tags, posts or reader"));
    }
}
