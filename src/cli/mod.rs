//! The command line: clap definitions, and `run`, which opens the library and dispatches.
//! Printing lives in [`print`]; each command here only gathers what to print.

mod print;
mod show;
pub mod sync;

use std::cell::OnceCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::import;
use crate::library::{self, Filter, Library};

#[derive(Debug, Parser)]
#[command(
    name = "sofa-weekly",
    version,
    about = "A terminal reader for newsletters, offline",
    long_about = "A terminal reader for newsletters, offline: SOFA Weekly and any archive of \
                  markdown posts. With no command, opens the reader on the library (or on the \
                  bundled sample archive while the library is empty); with a PATH, opens that \
                  folder or file without importing it."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// A folder or markdown file to read directly, without importing it.
    pub path: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The library folder [default: the user's data folder, e.g. ~/.local/share/sofa-weekly].
    #[arg(long, global = true, env = "SOFA_WEEKLY_LIBRARY", value_name = "DIR")]
    pub library: Option<PathBuf>,
    /// The config file [default: config.toml in the user's config folder, e.g. ~/.config/sofa-weekly].
    #[arg(long, global = true, env = "SOFA_WEEKLY_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import markdown files from folders or files into the library (again: update it).
    Import {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// List posts, newest first.
    List {
        /// Only posts with this tag; repeat for posts with all of them.
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// Only posts containing this text (title or body).
        #[arg(long, value_name = "QUERY")]
        search: Option<String>,
        /// Only posts not read yet.
        #[arg(long)]
        unread: bool,
        /// Only starred posts.
        #[arg(long)]
        starred: bool,
        /// At most this many posts.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List tags with their post counts, most used first.
    Tags {
        #[arg(long)]
        json: bool,
    },
    /// Search titles and bodies (Chinese works); best matches first.
    Search {
        #[arg(value_name = "QUERY", required = true, num_args = 1..)]
        query: Vec<String>,
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Print one post, rendered: a post id from `list`, or a markdown file.
    Show {
        #[arg(value_name = "ID|PATH")]
        target: String,
        /// Wrap to this many columns [default: the terminal's width, else 80].
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        width: Option<u16>,
        /// Plain text: no colours, styles or hyperlinks (also what a pipe gets).
        #[arg(long)]
        plain: bool,
    },
    /// List sources with their post counts, last sync time and status.
    Sources {
        #[arg(long)]
        json: bool,
    },
    /// Add or remove a source (GitHub repository path, feed URL, or local folder).
    #[command(subcommand)]
    Source(sync::SourceCommand),
    /// Bring sources up to date: all, or those named.
    Sync(sync::SyncArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let session = Session::new(&cli.global);
    match cli.command {
        None => {
            let source = match cli.path {
                Some(path) => crate::app::AppSource::Path(path),
                None => crate::app::AppSource::Library(session.library_dir()?),
            };
            crate::app::run(source, session.config())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Import { paths }) => run_import(&session, &paths),
        Some(Command::List {
            tags,
            search,
            unread,
            starred,
            limit,
            json,
        }) => {
            let filter = Filter {
                tags,
                search,
                unread_only: unread,
                starred_only: starred,
                limit,
            };
            let library = session.open_for_reading()?;
            let posts = library.list(&filter)?;
            print::posts(&mut stdout(), &posts, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Tags { json }) => {
            let library = session.open_for_reading()?;
            print::tags(&mut stdout(), &library.tags()?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Search { query, limit, json }) => {
            let library = session.open_for_reading()?;
            let hits = library.search(&query.join(" "), limit)?;
            print::search_hits(&mut stdout(), &hits, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Show {
            target,
            width,
            plain,
        }) => show::run_show(
            &session,
            &show::ShowArgs {
                target: &target,
                width: width.map(usize::from),
                plain,
            },
        ),
        Some(Command::Sources { json }) => {
            let library = session.open_library()?;
            sync::run_sources(&library, session.config(), json, &mut stdout())
        }
        Some(Command::Source(command)) => {
            let mut library = session.open_library()?;
            sync::run_source(&mut library, command, &mut stdout())
        }
        Some(Command::Sync(args)) => {
            let mut library = session.open_library()?;
            sync::run_sync(&mut library, session.config(), &args, &mut stdout())
        }
    }
}

fn stdout() -> impl Write {
    std::io::BufWriter::new(std::io::stdout().lock())
}

/// What every command may need, loaded only when it does: the config file (read once, its
/// warnings printed once) and the library, opened with the config's topic vocabulary so that
/// every command tags posts the same way.
pub struct Session<'a> {
    global: &'a GlobalArgs,
    config: OnceCell<Config>,
}

impl<'a> Session<'a> {
    pub fn new(global: &'a GlobalArgs) -> Session<'a> {
        Session {
            global,
            config: OnceCell::new(),
        }
    }

    pub fn config(&self) -> &Config {
        self.config
            .get_or_init(|| sync::load_config(self.global.config.as_deref()))
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
        import::import_sample(&mut sample).context("cannot load the sample archive")?;
        Ok(sample)
    }

    /// A folder or file read into an in-memory library, leaving the user's library alone.
    pub fn open_path(&self, path: &Path) -> anyhow::Result<Library> {
        let mut library = Library::open_in_memory()?;
        self.apply_topics(&mut library)?;
        import::import_path(&mut library, path)?;
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

fn run_import(session: &Session<'_>, paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut library = session.open_library()?;
    let mut failed = false;
    let mut out = stdout();
    for path in paths {
        match import::import_path(&mut library, path) {
            Ok(outcome) => print::import_outcome(&mut out, path, &outcome)?,
            Err(err) => {
                out.flush()?;
                failed = true;
                let message = format!("{err:#}");
                eprintln!("sofa-weekly: {}", crate::text::sanitize_line(&message));
            }
        }
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
