//! The user's settings file, `config.toml`: where it lives, what it may say, and how a broken
//! one is survived.
//!
//! The file sits in the config directory from `directories` (on Linux
//! `~/.config/sofa-weekly/config.toml`); `--config FILE` names another. Loading never fails:
//! an unknown key, a value of the wrong kind or even a syntax error becomes a
//! [`ConfigWarning`] naming the file and line, and the default is used for that setting, so the
//! app always starts. Keys:
//!
//! ```toml
//! date_format = "%Y-%m-%d"    # how the reader, `list`, `search` and `show` print a post's day
//!
//! [[sources]]                 # replaces the default source list when present
//! name = "sofastack-blog"
//! location = "github:sofastack/sofastack.tech@master:content/zh/blog"
//!
//! [reader]
//! max_width = 100             # columns of text at most (20..=1000)
//! theme = "auto"              # "dark", "light" or "auto" (the terminal's background)
//!
//! [topics]                    # added to the built-in topic vocabulary
//! Dubbo = ["dubbo", "Apache Dubbo"]
//!
//! [keys]                      # key = action, in every pane
//! "ctrl-n" = "next_post"
//! [keys.reader]               # only in one pane: tags, posts or reader
//! x = "star"
//! ```
//!
//! `date_format` takes chrono's strftime fields for a day (`%Y`, `%m`, `%d`, `%b`, `%a`, …);
//! fields of a time of day are refused, posts carry only their day. Key bindings are kept as
//! written here, with their lines; the app checks the key names and action names against its
//! keymap and reports unknown ones the same way.
//!
//! [`ColorChoice`] (the `--color` flag) lives here too: whether output may carry colours
//! depends on it, on `NO_COLOR` and on whether the output is a terminal.
//!
//! Callers: the CLI (`sources`, `sync`, `config`) and the app read [`Config`]; nothing here
//! does IO besides reading the one file (and `NO_COLOR`).

use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::tags::{Topics, TopicsError};

/// The source a fresh install syncs: the SOFAStack blog, home of SOFA Weekly.
pub const DEFAULT_SOURCE_NAME: &str = "sofastack-blog";
pub const DEFAULT_SOURCE_LOCATION: &str = "github:sofastack/sofastack.tech@master:content/zh/blog";
pub const DEFAULT_MAX_WIDTH: usize = 100;
pub const DEFAULT_DATE_FORMAT: &str = "%Y-%m-%d";
/// The panes a `[keys.PANE]` table may name.
pub const KEY_PANES: [&str; 3] = ["tags", "posts", "reader"];
const MAX_WIDTH_RANGE: std::ops::RangeInclusive<i64> = 20..=1000;

/// A source named in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEntry {
    pub name: String,
    pub location: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ThemeChoice {
    /// Light text on a dark background.
    Dark,
    /// Dark text on a light background.
    Light,
    /// Follow the terminal's background: asked of the terminal (OSC 11), else COLORFGBG,
    /// else dark.
    #[default]
    Auto,
}

impl ThemeChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeChoice::Dark => "dark",
            ThemeChoice::Light => "light",
            ThemeChoice::Auto => "auto",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderConfig {
    /// The reader wraps text at most this wide, even in a wider terminal.
    pub max_width: usize,
    pub theme: ThemeChoice,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        Self {
            max_width: DEFAULT_MAX_WIDTH,
            theme: ThemeChoice::Auto,
        }
    }
}

/// One line of `[keys]`: bind `key` to `action`, in `pane` or everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBinding {
    /// `None`: every pane; else one of [`KEY_PANES`].
    pub pane: Option<String>,
    /// As written, e.g. `j`, `ctrl-d`, `pagedown`, `space`.
    pub key: String,
    /// An action name (e.g. `next_post`), or `none` to unbind the key.
    pub action: String,
    /// 1-based line in the config file.
    pub line: usize,
}

/// The effective settings: the file's, with defaults for what it does not say (or says wrong).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub sources: Vec<SourceEntry>,
    pub reader: ReaderConfig,
    /// Topic name → spellings to recognise, added to the built-in vocabulary.
    pub topics: Vec<(String, Vec<String>)>,
    /// strftime format of a post's day in human-readable output (JSON keeps `YYYY-MM-DD`).
    pub date_format: String,
    /// Key bindings on top of the defaults, in file order.
    pub keys: Vec<KeyBinding>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            sources: vec![SourceEntry {
                name: DEFAULT_SOURCE_NAME.to_owned(),
                location: DEFAULT_SOURCE_LOCATION.to_owned(),
            }],
            reader: ReaderConfig::default(),
            topics: Vec::new(),
            date_format: DEFAULT_DATE_FORMAT.to_owned(),
            keys: Vec::new(),
        }
    }
}

/// `--color`: whether output may carry colours and styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Plain text: not one escape sequence.
    Never,
    /// Colours on a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Colours even into a pipe (for less -R) and despite NO_COLOR.
    Always,
}

impl ColorChoice {
    /// Whether to style output going to a terminal (`is_terminal`) or not. `NO_COLOR` counts
    /// when set to anything but the empty string (<https://no-color.org>).
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Never => false,
            ColorChoice::Always => true,
            ColorChoice::Auto => is_terminal && !no_color_env(),
        }
    }
}

/// `NO_COLOR` is set to something.
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

/// Why a `date_format` cannot be used, or `None` when it can.
fn date_format_problem(format: &str) -> Option<&'static str> {
    use chrono::format::{Item, StrftimeItems};
    use std::fmt::Write;
    if format.trim().is_empty() {
        return Some("is empty");
    }
    if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
        return Some("has an unknown % field");
    }
    let day = chrono::NaiveDate::from_ymd_opt(2019, 12, 6).expect("a valid day");
    let mut out = String::new();
    if write!(out, "{}", day.format(format)).is_err() {
        return Some("uses a time-of-day field, but posts carry only a day");
    }
    None
}

impl Config {
    /// A post's day (`YYYY-MM-DD`, as the library stores it) in the configured format; the
    /// day as stored when it does not parse.
    pub fn format_day(&self, day: &str) -> String {
        format_day(&self.date_format, day)
    }

    /// The configured `date_format`, ready for the reader.
    pub fn day_format(&self) -> DayFormat {
        DayFormat::new(&self.date_format)
    }
}

fn format_day(format: &str, day: &str) -> String {
    use std::fmt::Write;
    let Ok(date) = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") else {
        return day.to_owned();
    };
    let mut out = String::new();
    match write!(out, "{}", date.format(format)) {
        Ok(()) => out,
        Err(_) => day.to_owned(),
    }
}

/// A `date_format` together with the widest day it can produce, so that a column of dates
/// (the reader's post list) has one width however long a month's name is or however wide
/// the characters of the format (`%Y年%m月%d日` takes 14 columns, not 10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayFormat {
    format: String,
    width: usize,
}

impl DayFormat {
    pub fn new(format: &str) -> DayFormat {
        // Every day of a leap year covers every month, weekday, day of the month and day
        // of the year a format can name; the year itself has four digits in any post.
        let first = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid day");
        let width = first
            .iter_days()
            .take(366)
            .map(|day| crate::text::display_width(&format_day(format, &day.to_string())))
            .max()
            .unwrap_or(0);
        DayFormat {
            format: format.to_owned(),
            width,
        }
    }

    /// A post's day (`YYYY-MM-DD`) in this format, with nothing a terminal would act on;
    /// the day as stored when it does not parse.
    pub fn format(&self, day: &str) -> String {
        crate::text::sanitize_line(&format_day(&self.format, day))
    }

    /// The display width of the widest day this format writes.
    pub fn width(&self) -> usize {
        self.width
    }
}

impl Default for DayFormat {
    fn default() -> Self {
        DayFormat {
            format: DEFAULT_DATE_FORMAT.to_owned(),
            width: 10,
        }
    }
}

impl Config {
    /// The built-in topic vocabulary with this config's `[topics]` added (a known topic
    /// gains the spellings). A topic given no spellings is matched by its own name.
    pub fn topics_vocabulary(&self) -> Result<Topics, TopicsError> {
        let mut topics = Topics::builtin();
        if self.topics.is_empty() {
            return Ok(topics);
        }
        let mut table = toml::Table::new();
        for (name, spellings) in &self.topics {
            let spellings = if spellings.is_empty() {
                vec![name.clone()]
            } else {
                spellings.clone()
            };
            table.insert(
                name.clone(),
                toml::Value::Array(spellings.into_iter().map(toml::Value::String).collect()),
            );
        }
        let text = toml::to_string(&table).unwrap_or_default();
        topics.extend(Topics::from_toml(&text)?);
        Ok(topics)
    }
}

/// Something in the config file that was ignored, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    pub file: PathBuf,
    /// 1-based, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// A loaded config with where it came from and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedConfig {
    pub config: Config,
    /// The file read, if one exists.
    pub path: Option<PathBuf>,
    pub warnings: Vec<ConfigWarning>,
}

/// `config.toml` in the user's config directory, if the platform has one.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "sofa-weekly")
        .map(|d| d.config_dir().join("config.toml"))
}

impl Config {
    /// Loads `explicit` (from `--config`), else the default file. A missing default file is
    /// not a problem (defaults); a missing explicit one is reported.
    pub fn load(explicit: Option<&Path>) -> LoadedConfig {
        let (path, must_exist) = match explicit {
            Some(path) => (path.to_path_buf(), true),
            None => match default_path() {
                Some(path) => (path, false),
                None => {
                    return LoadedConfig {
                        config: Config::default(),
                        path: None,
                        warnings: Vec::new(),
                    };
                }
            },
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let (config, warnings) = Config::parse(&text, &path);
                LoadedConfig {
                    config,
                    path: Some(path),
                    warnings,
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => LoadedConfig {
                config: Config::default(),
                path: None,
                warnings: Vec::new(),
            },
            Err(e) => LoadedConfig {
                config: Config::default(),
                path: None,
                warnings: vec![ConfigWarning {
                    file: path,
                    line: None,
                    message: format!("cannot read the config file ({e}); using defaults"),
                }],
            },
        }
    }

    /// Parses config text; `file` is only used to name it in warnings.
    pub fn parse(text: &str, file: &Path) -> (Config, Vec<ConfigWarning>) {
        let mut parser = ConfigParser {
            text,
            file,
            warnings: Vec::new(),
        };
        let config = parser.parse();
        (config, parser.warnings)
    }
}

struct ConfigParser<'a> {
    text: &'a str,
    file: &'a Path,
    warnings: Vec<ConfigWarning>,
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

    fn parse(&mut self) -> Config {
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
                other => self.warn(
                    Some(key.span()),
                    format!(
                        "unknown key {other:?} (expected date_format, sources, reader, topics or keys); ignored"
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
        let Some(table) = value.as_table() else {
            self.warn(
                Some(span),
                "reader must be a table ([reader]); using defaults".to_owned(),
            );
            return;
        };
        for (key, value) in table.iter() {
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
                other => self.warn(
                    Some(key.span()),
                    format!(
                        "unknown key {other:?} in [reader] (expected max_width, theme); ignored"
                    ),
                ),
            }
        }
    }

    fn topics(&mut self, value: &DeValue, span: Span) -> Vec<(String, Vec<String>)> {
        let Some(table) = value.as_table() else {
            self.warn(
                Some(span),
                "topics must be a table of name = [\"spelling\", …]; ignored".to_owned(),
            );
            return Vec::new();
        };
        let mut topics = Vec::new();
        for (key, value) in table.iter() {
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
            Some(format) => match date_format_problem(format) {
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
        let Some(table) = value.as_table() else {
            self.warn(
                Some(span),
                "keys must be a table: [keys] with lines such as j = \"down\"; ignored".to_owned(),
            );
            return Vec::new();
        };
        let mut bindings = Vec::new();
        for (key, value) in table.iter() {
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

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
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
    fn topic_additions_extend_the_builtin_vocabulary() {
        let (config, _) =
            parse("[topics]\nDubbo = [\"dubbo\", \"Apache Dubbo\"]\nMOSN = [\"摩森\"]\n");
        let topics = config.topics_vocabulary().unwrap();
        assert_eq!(topics.detect("Apache Dubbo 3.0", ""), ["Dubbo"]);
        assert_eq!(topics.detect("摩森 新版本", ""), ["MOSN"]);
        assert_eq!(
            Config::default().topics_vocabulary().unwrap().fingerprint(),
            Topics::builtin().fingerprint()
        );
    }

    #[test]
    fn a_day_format_knows_its_widest_day() {
        assert_eq!(DayFormat::default(), DayFormat::new(DEFAULT_DATE_FORMAT));
        let cjk = DayFormat::new("%Y年%m月%d日");
        assert_eq!(cjk.format("2019-12-06"), "2019年12月06日");
        assert_eq!(cjk.width(), 14);
        // Month names vary: the widest one counts ("September").
        let long = DayFormat::new("%-d %B %Y");
        assert_eq!(long.format("2019-05-06"), "6 May 2019");
        assert_eq!(long.width(), "30 September 2000".len());
        assert_eq!(long.format("not a day"), "not a day");
    }

    #[test]
    fn a_day_format_writes_no_control_characters() {
        let format = DayFormat::new("\u{1b}[2J%Y");
        assert_eq!(format.format("2019-12-06"), "[2J2019");
    }

    #[test]
    fn date_formats_are_checked_and_applied() {
        let (config, warnings) = parse("date_format = \"%Y年%m月%d日\"\n");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.format_day("2019-12-06"), "2019年12月06日");
        assert_eq!(config.format_day("someday"), "someday");
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

    #[test]
    fn color_choice_follows_the_flag_then_the_terminal() {
        assert!(!ColorChoice::Never.enabled(true));
        assert!(ColorChoice::Always.enabled(false));
        assert!(!ColorChoice::Auto.enabled(false));
        assert_eq!(ColorChoice::Auto.enabled(true), !no_color_env());
    }

    #[test]
    fn a_missing_explicit_file_is_reported() {
        let loaded = Config::load(Some(Path::new("/nonexistent/sofa-weekly.toml")));
        assert_eq!(loaded.config, Config::default());
        assert!(
            loaded.warnings[0]
                .to_string()
                .contains("/nonexistent/sofa-weekly.toml")
        );
    }
}
