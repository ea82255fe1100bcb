//! The command line: clap definitions, and `run`, which opens the library and dispatches.
//! Printing lives in [`print`]; each command here only gathers what to print.

mod check;
mod config;
mod context;
pub mod generate;
mod images;
mod import;
mod items;
mod print;
mod show;
pub mod sync;
mod transfer;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::ColorChoice;
use crate::library::{self, Filter};
pub use context::CommandContext;

/// `--version`: the crate version and, when built from a git checkout, the commit.
const VERSION: &str = if env!("SOFA_WEEKLY_GIT_COMMIT").is_empty() {
    env!("CARGO_PKG_VERSION")
} else {
    concat!(
        env!("CARGO_PKG_VERSION"),
        " (commit ",
        env!("SOFA_WEEKLY_GIT_COMMIT"),
        ")"
    )
};

/// Shown by `--help` and as the man page's extra section.
const AFTER_LONG_HELP: &str = "\
Files:
  ~/.config/sofa-weekly/config.toml  settings (`sofa-weekly config path`, `config show`)
  ~/.local/share/sofa-weekly/        the library (library.sqlite3)
  (the platform's config and data folders elsewhere)

Environment:
  SOFA_WEEKLY_LIBRARY, SOFA_WEEKLY_CONFIG  as --library and --config
  NO_COLOR                                 no colours unless --color always
  GITHUB_TOKEN                             sent to GitHub when syncing
  SOFA_WEEKLY_GITHUB_API, SOFA_WEEKLY_GITHUB_RAW, SOFA_WEEKLY_HTTP_TIMEOUT,
  SOFA_WEEKLY_HTTP_RETRY_DELAY_MS          sync endpoints and network timing

Examples:
  sofa-weekly sync && sofa-weekly             fetch the SOFAStack blog, then read
  sofa-weekly import feeds.opml               subscribe to the feeds of an OPML file
  sofa-weekly export --state -o state.json    reading history, for another machine";

#[derive(Debug, Parser)]
#[command(
    name = "sofa-weekly",
    version = VERSION,
    after_long_help = AFTER_LONG_HELP,
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

/// Options of every command, under their own heading in each command's `--help`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The library folder [default: the user's data folder, e.g. ~/.local/share/sofa-weekly].
    #[arg(long, global = true, env = "SOFA_WEEKLY_LIBRARY", value_name = "DIR")]
    pub library: Option<PathBuf>,
    /// The config file [default: config.toml in the user's config folder, e.g. ~/.config/sofa-weekly].
    #[arg(long, global = true, env = "SOFA_WEEKLY_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colours and styles: auto (on a terminal, unless NO_COLOR is set), never, always.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ColorChoice::Auto,
        value_name = "WHEN"
    )]
    pub color: ColorChoice,
    /// The reader's theme, over the config's: dark, light, or auto (from the terminal's
    /// background).
    #[arg(long, global = true, value_enum, value_name = "THEME")]
    pub theme: Option<crate::config::ThemeChoice>,
    /// How the reader and `show` draw pictures, over the config's: auto (asks the terminal
    /// once), kitty, sixel, iterm2, halfblocks, or off (placeholders, no query).
    #[arg(long, global = true, value_enum, value_name = "HOW")]
    pub images: Option<crate::config::ImagesChoice>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import markdown folders or files (again: update them), OPML subscription lists, or
    /// reading state.
    #[command(
        long_about = "Import markdown files from folders or files into the library (again: \
                      update it). An OPML file (*.opml, or any file that starts as one) adds \
                      every feed it lists as a source; `sync` then fetches them. With --state, \
                      applies reading state written by `export --state`."
    )]
    Import {
        #[arg(required_unless_present = "state", value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Apply reading state (JSON from `export --state`); posts are matched by source
        /// name and path, and newer local state is kept.
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
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
        /// Print the post as JSON: metadata, the markdown body, its headings and links.
        #[arg(long, conflicts_with_all = ["width", "plain"])]
        json: bool,
    },
    /// Newsletter sections with the issues they appear in and their items, most issues first.
    Sections(items::SectionsArgs),
    /// Newsletter items (a reading-list entry, a tool, a news item), newest first.
    Items(items::ItemsArgs),
    /// Reader questions with their askers, answers and projects, newest first.
    Questions(items::QuestionsArgs),
    /// Releases announced in the newsletters: project, version, changes, newest first.
    Releases(items::ReleasesArgs),
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
    /// List the picture cache (one entry per picture URL, then the totals), or prune it.
    Images(images::ImagesArgs),
    /// Export the feed sources as OPML, or the reading state as JSON.
    Export(transfer::ExportArgs),
    /// Find and print the settings file.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Check the library file and its search index, and say what is wrong.
    #[command(
        long_about = "Check the library: SQLite's integrity check, the search index's own, \
                      and that every post is indexed with its own words. With --repair, rebuilds \
                      the search index from the posts; a damaged file is moved aside and every \
                      post and reading state it still holds is saved into a new library."
    )]
    Check {
        /// Repair what the check finds.
        #[arg(long)]
        repair: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(long_about = "Print a shell completion script. For bash: \
                      `sofa-weekly completions bash > ~/.local/share/bash-completion/completions/sofa-weekly`; \
                      zsh: into a folder of your $fpath as `_sofa-weekly`; fish: \
                      `~/.config/fish/completions/sofa-weekly.fish`.")]
    Completions {
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into --dir.
    Man {
        /// Write sofa-weekly.1 and a page for each command into this folder.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let context = CommandContext::new(&cli.global);
    check::show_migration_progress(context.global.color.enabled(true));
    run_command(cli.command, cli.path, &context).map_err(|err| name_damaged_file(err, &context))
}

/// A damaged page met after the library opened is reported with the file's name.
fn name_damaged_file(err: anyhow::Error, context: &CommandContext<'_>) -> anyhow::Error {
    let damaged = err.chain().find_map(|cause| match cause.downcast_ref() {
        Some(library::LibraryError::Corrupt(source)) => Some(source.to_string()),
        _ => None,
    });
    match (damaged, context.library_dir()) {
        (Some(reason), Ok(dir)) => library::LibraryError::Damaged {
            path: dir.join(library::DB_FILE),
            reason,
        }
        .into(),
        _ => err,
    }
}

fn run_command(
    command: Option<Command>,
    path: Option<PathBuf>,
    context: &CommandContext<'_>,
) -> anyhow::Result<ExitCode> {
    match command {
        None => {
            let source = match path {
                Some(path) => crate::app::AppSource::Path(path),
                None => crate::app::AppSource::Library(context.library_dir()?),
            };
            let config = context.config();
            let mut options = crate::app::Options::from_config(config, context.color());
            options.notes = context.config_warnings().to_vec();
            crate::app::run_with(source, config, options)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Import { paths, state }) => {
            let mut code = ExitCode::SUCCESS;
            if !paths.is_empty() {
                code = import::run_import(context, &paths)?;
            }
            if let Some(state) = state {
                let mut library = context.open_library()?;
                transfer::import_state(&mut library, &state, &mut stdout())?;
            }
            Ok(code)
        }
        Some(Command::Export(args)) => transfer::run_export(context, &args),
        Some(Command::Config(command)) => config::run_config(context, &command, &mut stdout()),
        Some(Command::Completions { shell }) => {
            generate::completions(shell, &mut stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man { dir }) => {
            match dir {
                Some(dir) => {
                    for page in generate::write_man_pages(&dir)? {
                        println!("{}", page.display());
                    }
                }
                None => generate::man_page(&mut stdout())?,
            }
            Ok(ExitCode::SUCCESS)
        }
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
            let library = context.open_for_reading()?;
            let mut posts = library.list(&filter)?;
            if !json {
                for post in &mut posts {
                    context.format_day(&mut post.date);
                }
            }
            print::posts(&mut stdout(), &posts, json)?;
            let filtered = filter
                != Filter {
                    limit: filter.limit,
                    ..Filter::default()
                };
            if posts.is_empty() && filtered {
                return Ok(no_match(&describe_filter(&filter)));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Tags { json }) => {
            let library = context.open_for_reading()?;
            print::tags(&mut stdout(), &library.tags()?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Search { query, limit, json }) => {
            let library = context.open_for_reading()?;
            let query = query.join(" ");
            let mut hits = library.search(&query, limit)?;
            if !json {
                for hit in &mut hits {
                    context.format_day(&mut hit.post.date);
                }
            }
            print::search_hits(&mut stdout(), &hits, json)?;
            if hits.is_empty() {
                return Ok(no_match(&format!("{query:?}")));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Show {
            target,
            width,
            plain,
            json,
        }) => show::run_show(
            context,
            &show::ShowArgs {
                target: &target,
                width: width.map(usize::from),
                plain,
                json,
            },
        ),
        Some(Command::Images(args)) => {
            let mut library = context.open_library()?;
            images::run_images(
                &mut library,
                &context.picture_options(),
                &args,
                &mut stdout(),
            )
        }
        Some(Command::Sections(args)) => items::run_sections(context, &args),
        Some(Command::Items(args)) => items::run_items(context, &args),
        Some(Command::Questions(args)) => items::run_questions(context, &args),
        Some(Command::Releases(args)) => items::run_releases(context, &args),
        Some(Command::Sources { json }) => sync::run_sources(context, json),
        Some(Command::Source(command)) => {
            let mut library = context.open_library()?;
            sync::run_source(&mut library, command, &mut stdout())
        }
        Some(Command::Check { repair }) => {
            check::run_check(&context.library_dir()?, repair, &mut stdout())
        }
        Some(Command::Sync(args)) => sync::run_sync(context, &args),
    }
}

/// Says on stderr that a search or filter found nothing, and exits 1, as grep does: a
/// script can tell "nothing" from "something" without reading the output.
fn no_match(what: &str) -> ExitCode {
    eprintln!("no posts match {}", crate::text::sanitize_line(what));
    ExitCode::from(1)
}

/// A list filter in words, for [`no_match`].
fn describe_filter(filter: &Filter) -> String {
    let mut parts: Vec<String> = filter
        .tags
        .iter()
        .map(|tag| format!("tag {tag:?}"))
        .collect();
    if let Some(search) = &filter.search {
        parts.push(format!("{search:?}"));
    }
    if filter.unread_only {
        parts.push("unread".into());
    }
    if filter.starred_only {
        parts.push("starred".into());
    }
    parts.join(", ")
}

fn stdout() -> impl Write {
    std::io::BufWriter::new(std::io::stdout().lock())
}
