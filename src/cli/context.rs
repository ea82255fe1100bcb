//! [`CommandContext`]: the config and the library, loaded the first time a command asks.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::GlobalArgs;
use crate::config::{ColorChoice, Config, DayFormat};
use crate::library::{self, Library};

/// What every command may need, loaded only when it does: the config file (read once, its
/// warnings printed once) and the library, opened with the config's topic vocabulary so that
/// every command tags posts the same way.
pub struct CommandContext<'a> {
    pub(super) global: &'a GlobalArgs,
    /// The config with `--theme` applied, and its problems as printed.
    config: OnceCell<(Config, Vec<String>)>,
    /// The config's `date_format`, made once: it measures its widest day when made.
    day_format: OnceCell<DayFormat>,
}

impl<'a> CommandContext<'a> {
    pub fn new(global: &'a GlobalArgs) -> CommandContext<'a> {
        CommandContext {
            global,
            config: OnceCell::new(),
            day_format: OnceCell::new(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.loaded_config().0
    }

    /// The config's problems, one line each (file and line included), as printed on stderr.
    pub fn config_warnings(&self) -> &[String] {
        &self.loaded_config().1
    }

    /// Loads the config once, checks its key bindings against the app's keymap, and prints
    /// every problem on stderr.
    fn loaded_config(&self) -> &(Config, Vec<String>) {
        self.config.get_or_init(|| {
            let loaded = Config::load(self.global.config.as_deref());
            let mut warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
            let (_, key_problems) = crate::app::keymap::Keymap::with_config(&loaded.config.keys);
            let file = loaded
                .path
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "config".to_owned());
            warnings.extend(
                key_problems
                    .iter()
                    .map(|p| format!("{file}:{}: {}", p.line, p.message)),
            );
            for warning in &warnings {
                eprintln!("sofa-weekly: {}", crate::text::sanitize_line(warning));
            }
            let mut config = loaded.config;
            if let Some(theme) = self.global.theme {
                config.reader.theme = theme;
            }
            if let Some(images) = self.global.images {
                config.reader.images = images;
            }
            (config, warnings)
        })
    }

    /// `--color`, for output that may be styled.
    pub fn color(&self) -> ColorChoice {
        self.global.color
    }

    /// The config file in use: `--config`, else the default one (which may not exist).
    pub fn config_path(&self) -> Option<PathBuf> {
        self.global
            .config
            .clone()
            .or_else(crate::config::default_path)
    }

    /// The picture cache's settings: the config's `[pictures]`, then `SOFA_WEEKLY_PICTURES`.
    pub fn picture_options(&self) -> crate::pictures::PictureOptions {
        self.config().pictures.clone().with_env()
    }

    /// A post's stored day in the configured `date_format`, for human-readable output.
    pub fn format_day(&self, day: &mut Option<String>) {
        if let Some(text) = day {
            let format = self.day_format.get_or_init(|| self.config().day_format());
            *text = format.format(text);
        }
    }

    pub fn library_dir(&self) -> anyhow::Result<PathBuf> {
        match &self.global.library {
            Some(dir) => Ok(dir.clone()),
            None => library::default_dir()
                .context("cannot find a data folder for the library; pass --library DIR"),
        }
    }

    /// The user's library.
    pub fn open_library(&self) -> anyhow::Result<Library> {
        let mut library = Library::open(&self.library_dir()?)?;
        self.apply_topics(&mut library)?;
        Ok(library)
    }

    /// The user's library, or the bundled sample archive while the library is empty, so that
    /// a first run shows something.
    pub fn open_for_reading(&self) -> anyhow::Result<Library> {
        let library = self.open_library()?;
        if library.post_count()? > 0 {
            return Ok(library);
        }
        eprintln!(
            "sofa-weekly: the library is empty; showing the bundled sample archive \
             (add your own with `sofa-weekly import PATH`)"
        );
        let mut sample = Library::open_in_memory()?;
        self.apply_topics(&mut sample)?;
        crate::sync::import_sample(&mut sample).context("cannot load the sample archive")?;
        Ok(sample)
    }

    /// A folder or file read into an in-memory library, leaving the user's library alone.
    pub fn open_path(&self, path: &Path) -> anyhow::Result<Library> {
        let mut library = Library::open_in_memory()?;
        self.apply_topics(&mut library)?;
        crate::sync::import_path(&mut library, path)?;
        Ok(library)
    }

    fn apply_topics(&self, library: &mut Library) -> anyhow::Result<()> {
        let topics = self
            .config()
            .topics_vocabulary()
            .context("the topic vocabulary is invalid")?;
        library.set_topics(topics)?;
        Ok(())
    }
}
