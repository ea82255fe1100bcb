//! What the reader opens ([`AppSource`]) and how: the user's library (or the bundled sample
//! while it is empty), a folder or file imported into memory, or the sample itself. Also
//! what `r` can sync for each.

use std::path::PathBuf;

use anyhow::Context;

use super::sync_job::SyncPlan;
use crate::config::Config;
use crate::library::Library;

/// What the reader opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppSource {
    /// The library in this folder; the bundled sample while it holds no post.
    Library(PathBuf),
    /// A folder or markdown file read directly, in memory, without importing it.
    Path(PathBuf),
    /// The bundled sample archive.
    Sample,
}

/// A source opened for reading.
pub struct Opened {
    pub library: Library,
    /// What the title bar calls it.
    pub origin: String,
    /// The sample stands in for an empty library.
    pub showing_sample: bool,
    /// A folder or file read in memory, not from the library.
    pub direct: Option<ReadDirectly>,
}

/// A folder or file read directly (`sofa-weekly PATH`): its posts live in memory only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDirectly {
    /// As the user gave it, for messages.
    pub path: String,
    /// One markdown file: the reader opens its post at once.
    pub single_file: bool,
}

impl AppSource {
    /// What the error screen calls the source when it cannot be opened.
    pub fn origin(&self) -> String {
        match self {
            AppSource::Library(p) | AppSource::Path(p) => p.display().to_string(),
            AppSource::Sample => "sample archive".to_string(),
        }
    }

    /// What `r` syncs: the library's sources; nothing (and why) for the others.
    pub fn sync_plan(&self, config: &Config) -> SyncPlan {
        match self {
            AppSource::Library(dir) => SyncPlan::Library {
                dir: dir.clone(),
                config: Box::new(config.clone()),
            },
            AppSource::Path(path) => SyncPlan::Nothing(format!(
                "{} is read directly: nothing to sync (import it to keep it in the library)",
                path.display()
            )),
            AppSource::Sample => SyncPlan::Nothing("no sources to sync".into()),
        }
    }

    /// The library to read. Every library gets the config's topics, so tags match what the
    /// CLI shows.
    pub fn open(&self, config: &Config) -> anyhow::Result<Opened> {
        let topics = config
            .topics_vocabulary()
            .context("the topic vocabulary is invalid")?;
        let in_memory = || -> anyhow::Result<Library> {
            let mut library = Library::open_in_memory()?;
            library.set_topics(topics.clone())?;
            Ok(library)
        };
        let sample = || -> anyhow::Result<Library> {
            let mut library = in_memory()?;
            crate::sync::import_sample(&mut library).context("cannot load the sample archive")?;
            Ok(library)
        };
        let opened = |library, origin: String, showing_sample| Opened {
            library,
            origin,
            showing_sample,
            direct: None,
        };
        match self {
            AppSource::Library(dir) => {
                let mut library = Library::open(dir)?;
                library.set_topics(topics.clone())?;
                if library.post_count()? > 0 {
                    return Ok(opened(library, dir.display().to_string(), false));
                }
                let origin = "sample archive (the library is empty: press r to sync, or sofa-weekly import PATH)";
                Ok(opened(sample()?, origin.into(), true))
            }
            AppSource::Path(path) => {
                let mut library = in_memory()?;
                crate::sync::import_path(&mut library, path)?;
                Ok(Opened {
                    direct: Some(ReadDirectly {
                        path: path.display().to_string(),
                        single_file: path.is_file(),
                    }),
                    ..opened(library, path.display().to_string(), false)
                })
            }
            AppSource::Sample => Ok(opened(sample()?, "sample archive".into(), false)),
        }
    }
}
