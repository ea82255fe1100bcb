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
//! images = "auto"             # auto, kitty, sixel, iterm2, halfblocks or off
//!
//! [topics]                    # added to the built-in topic vocabulary
//! Dubbo = ["dubbo", "Apache Dubbo"]
//!
//! [pictures]                  # pictures kept offline (see `crate::pictures`)
//! fetch = "all"               # "all", "none", or N: the newest N posts of each source
//! budget = "1 GiB"            # total size of the cache; a number of bytes, or with KiB, MiB, GiB
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
//! - `parse.rs` reads the file's text ([`Config::parse`]), warning about what it cannot use.
//! - `day_format.rs` writes a post's day in `date_format` ([`DayFormat`]).
//! - `choices.rs` holds [`ThemeChoice`], [`ImagesChoice`] and [`ColorChoice`], which flags
//!   can also make.
//!
//! Callers: the CLI (`sources`, `sync`, `config`) and the app read [`Config`]; nothing here
//! does IO besides reading the one file (and `NO_COLOR`).

mod choices;
mod day_format;
mod parse;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::tags::{Topics, TopicsError};

pub use choices::{ColorChoice, ImagesChoice, ThemeChoice, no_color_env};
pub use day_format::DayFormat;

/// The source a fresh install syncs: the SOFAStack blog, home of SOFA Weekly.
pub const DEFAULT_SOURCE_NAME: &str = "sofastack-blog";
pub const DEFAULT_SOURCE_LOCATION: &str = "github:sofastack/sofastack.tech@master:content/zh/blog";
pub const DEFAULT_MAX_WIDTH: usize = 100;
pub const DEFAULT_DATE_FORMAT: &str = "%Y-%m-%d";
/// The panes a `[keys.PANE]` table may name.
pub const KEY_PANES: [&str; 3] = ["tags", "posts", "reader"];

/// A source named in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEntry {
    pub name: String,
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderConfig {
    /// The reader wraps text at most this wide, even in a wider terminal.
    pub max_width: usize,
    pub theme: ThemeChoice,
    /// How pictures are drawn (`--images` overrides it).
    pub images: ImagesChoice,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        Self {
            max_width: DEFAULT_MAX_WIDTH,
            theme: ThemeChoice::Auto,
            images: ImagesChoice::Auto,
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
    /// `[pictures]`: which posts have their pictures fetched, and the cache's budget.
    pub pictures: crate::pictures::PictureOptions,
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
            pictures: crate::pictures::PictureOptions::default(),
        }
    }
}

impl Config {
    /// The configured `date_format`, ready for the reader and the CLI.
    pub fn day_format(&self) -> DayFormat {
        DayFormat::new(&self.date_format)
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
        let mut parser = parse::ConfigParser {
            text,
            file,
            warnings: Vec::new(),
        };
        let config = parser.parse();
        (config, parser.warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_additions_extend_the_builtin_vocabulary() {
        let text = "[topics]\nDubbo = [\"dubbo\", \"Apache Dubbo\"]\nMOSN = [\"摩森\"]\n";
        let (config, _) = Config::parse(text, Path::new("config.toml"));
        let topics = config.topics_vocabulary().unwrap();
        assert_eq!(topics.detect("Apache Dubbo 3.0", ""), ["Dubbo"]);
        assert_eq!(topics.detect("摩森 新版本", ""), ["MOSN"]);
        assert_eq!(
            Config::default().topics_vocabulary().unwrap().fingerprint(),
            Topics::builtin().fingerprint()
        );
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
