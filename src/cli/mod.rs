//! The command line: clap definitions, and `run`, which opens the library and dispatches.
//! Printing lives in [`print`]; each command here only gathers what to print.

mod print;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

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
    /// List sources with their post counts.
    Sources {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = &cli.global;
    match cli.command {
        None => anyhow::bail!("the reader is not available in this build"),
        Some(Command::Import { paths }) => run_import(global, &paths),
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
            let library = open_for_reading(global)?;
            let posts = library.list(&filter)?;
            print::posts(&mut stdout(), &posts, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Tags { json }) => {
            let library = open_for_reading(global)?;
            print::tags(&mut stdout(), &library.tags()?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Search { query, limit, json }) => {
            let library = open_for_reading(global)?;
            let hits = library.search(&query.join(" "), limit)?;
            print::search_hits(&mut stdout(), &hits, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Sources { json }) => {
            let library = open_library(global)?;
            print::sources(&mut stdout(), &library.sources()?, json)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn stdout() -> impl Write {
    std::io::BufWriter::new(std::io::stdout().lock())
}

fn library_dir(global: &GlobalArgs) -> anyhow::Result<PathBuf> {
    match &global.library {
        Some(dir) => Ok(dir.clone()),
        None => library::default_dir()
            .context("cannot find a data folder for the library; pass --library DIR"),
    }
}

/// The user's library.
fn open_library(global: &GlobalArgs) -> anyhow::Result<Library> {
    Ok(Library::open(&library_dir(global)?)?)
}

/// The user's library, or the bundled sample archive while the library is empty, so that a
/// first run shows something.
fn open_for_reading(global: &GlobalArgs) -> anyhow::Result<Library> {
    let library = open_library(global)?;
    if library.post_count()? > 0 {
        return Ok(library);
    }
    eprintln!(
        "sofa-weekly: the library is empty; showing the bundled sample archive \
         (add your own with `sofa-weekly import PATH`)"
    );
    sample_library()
}

/// An in-memory library holding the sample archive.
pub fn sample_library() -> anyhow::Result<Library> {
    let mut library = Library::open_in_memory()?;
    import::import_sample(&mut library).context("cannot load the sample archive")?;
    Ok(library)
}

fn run_import(global: &GlobalArgs, paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut library = open_library(global)?;
    let mut failed = false;
    let mut out = stdout();
    for path in paths {
        match import::import_path(&mut library, path) {
            Ok(outcome) => print::import_outcome(&mut out, path, &outcome)?,
            Err(err) => {
                out.flush()?;
                failed = true;
                eprintln!(
                    "sofa-weekly: {}",
                    crate::text::sanitize_line(&format!("{err:#}"))
                );
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

/// Opens the post list of a folder or file in memory, without touching the library.
pub fn library_for_path(path: &Path) -> anyhow::Result<Library> {
    let mut library = Library::open_in_memory()?;
    import::import_path(&mut library, path)?;
    Ok(library)
}
