//! The sync commands: `source add`, `source remove`, `sources` and `sync`, as clap
//! definitions plus one function each. `crate::cli` parses the arguments and calls these
//! with what they need: an open [`Library`], or the command's context, which opens the
//! library and loads the [`Config`].
//!
//! `sync` shows a progress bar on a terminal (indicatif, on stderr) and plain lines
//! otherwise, then one summary line per source on stdout. Failures are named on stderr, one
//! line each, and make the exit code non-zero. Ctrl-C stops between files and keeps what
//! finished (a second Ctrl-C ends the program at once).

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use super::CommandContext;
use crate::config::{Config, LoadedConfig};
use crate::library::{Library, SourceKind, SourceSpec};
use crate::sync::{self, SyncError, SyncEvent, SyncOptions, SyncProgress, SyncReport};
use crate::text::sanitize_line;

/// `sofa-weekly source …`
#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    // An attribute, not a doc comment: rustdoc would read `[:PATH]` as a link.
    #[command(
        about = "Add a source: github:OWNER/REPO[@REF][:PATH], an http(s) feed URL, or a local path"
    )]
    Add {
        #[arg(value_name = "LOCATION")]
        location: String,
        /// The name to call it by [default: derived from the location].
        #[arg(long)]
        name: Option<String>,
    },
    /// Remove a source and its posts (says how many).
    Remove {
        #[arg(value_name = "NAME")]
        name: String,
    },
}

/// `sofa-weekly sync [NAME…]`
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Sources to sync [default: all].
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}

/// Loads the config (`--config FILE` or the default file) and reports its problems on
/// stderr, one line each; never fails.
pub fn load_config(explicit: Option<&Path>) -> Config {
    let LoadedConfig {
        config, warnings, ..
    } = Config::load(explicit);
    for warning in warnings {
        eprintln!("sofa-weekly: {}", sanitize_line(&warning.to_string()));
    }
    config
}

/// Adds the configured sources the library does not know yet, reporting bad ones.
fn register_configured(library: &Library, config: &Config) -> anyhow::Result<()> {
    for problem in sync::register_configured_sources(library, &config.sources)? {
        eprintln!("sofa-weekly: config: {}", sanitize_line(&problem));
    }
    Ok(())
}

/// `source add` / `source remove`.
pub fn run_source(
    library: &mut Library,
    command: SourceCommand,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    match command {
        SourceCommand::Add { location, name } => add_source(library, &location, name, out),
        SourceCommand::Remove { name } => {
            let removed = library.remove_source(&name)?;
            // A source from the config file would come back on the next sync otherwise.
            sync::remember_removed_source(library, &name, true)?;
            writeln!(
                out,
                "removed source {} and its {removed} post{}",
                sanitize_line(&name),
                if removed == 1 { "" } else { "s" }
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn add_source(
    library: &mut Library,
    location: &str,
    name: Option<String>,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let kind = sync::kind_of_location(location);
    if kind == SourceKind::Local && !Path::new(location).exists() {
        bail!("{location}: no such file or folder");
    }
    let spec = match name {
        Some(name) => sync::spec_for(&name, location).map_err(anyhow::Error::msg)?,
        None => {
            // Checked first, so that a bad location is the error, not its name.
            let checked = sync::spec_for("new", location).map_err(anyhow::Error::msg)?;
            if let Some(existing) = library.source_at(checked.kind, &checked.location)? {
                writeln!(
                    out,
                    "source {} is already there",
                    sanitize_line(&existing.name)
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            let name = sync::suggest_source_name(&checked.location, None, |name| {
                Ok::<_, anyhow::Error>(library.source(name)?.is_some())
            })?;
            SourceSpec { name, ..checked }
        }
    };
    if let Some(existing) = library.source(&spec.name)? {
        if existing.location == spec.location {
            writeln!(out, "source {} is already there", sanitize_line(&spec.name))?;
            return Ok(ExitCode::SUCCESS);
        }
        bail!(
            "a source named {} already reads {}; choose another with --name",
            spec.name,
            existing.location
        );
    }
    library.ensure_source(&spec)?;
    sync::remember_removed_source(library, &spec.name, false)?;
    writeln!(
        out,
        "added {} source {}: {}\nrun `sofa-weekly sync {}` to fetch its posts",
        spec.kind,
        sanitize_line(&spec.name),
        sanitize_line(&spec.location),
        sanitize_line(&spec.name)
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `sources [--json]`: every source, the configured ones included, with post count, last
/// sync time and status.
pub fn run_sources(context: &CommandContext<'_>, json: bool) -> anyhow::Result<ExitCode> {
    let library = context.open_library()?;
    register_configured(&library, context.config())?;
    super::print::sources(&mut super::stdout(), &library.sources()?, json)?;
    Ok(ExitCode::SUCCESS)
}

/// `sync [NAME…]`: syncs the named sources, or all, with a progress bar when stderr is a
/// terminal that may take escape sequences (else plain lines). Exit code 1 when any source
/// or file failed, 130 when cancelled with Ctrl-C.
pub fn run_sync(context: &CommandContext<'_>, args: &SyncArgs) -> anyhow::Result<ExitCode> {
    let mut library = context.open_library()?;
    let config = context.config();
    register_configured(&library, config)?;
    // A progress bar redraws itself with escape sequences: none without colours.
    let progress_bars = std::io::stderr().is_terminal() && context.global.color.enabled(true);
    let mut out = super::stdout();
    let sources = sync::select_sources(&library, &args.names)?;
    if sources.is_empty() {
        writeln!(
            out,
            "no sources to sync; add one with `sofa-weekly source add LOCATION`"
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let options = SyncOptions {
        pictures: config.pictures.clone().with_env(),
        ..SyncOptions::from_env()
    };
    stop_on_ctrl_c(&options.cancel)?;
    let mut display = ProgressDisplay::new(progress_bars);
    let mut write_error = None;
    let summary = sync::sync_sources(&mut library, &sources, &options, &mut |event| match event {
        SyncEvent::Progress(progress) => display.update(progress),
        SyncEvent::SourceDone { source, result } => {
            display.finish();
            if let Err(error) = print_outcome(&mut out, &source.name, &result) {
                // stdout is gone (a closed pipe): no point syncing more.
                options.cancel.store(true, Ordering::Relaxed);
                write_error.get_or_insert(error);
            }
        }
    });
    if let Some(error) = write_error {
        return Err(error.into());
    }
    Ok(if options.cancel.load(Ordering::Relaxed) {
        eprintln!("sofa-weekly: sync cancelled; what finished is kept, run it again to finish");
        ExitCode::from(130)
    } else if summary.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// One source's outcome: its summary line on `out`, warnings, skipped files and errors on
/// stderr, one line each.
fn print_outcome(
    out: &mut dyn Write,
    source: &str,
    result: &Result<SyncReport, SyncError>,
) -> std::io::Result<()> {
    match result {
        Ok(report) => {
            for warning in &report.warnings {
                eprintln!(
                    "sofa-weekly: warning: {}",
                    sanitize_line(&warning.to_string())
                );
            }
            for failure in &report.failures {
                eprintln!(
                    "sofa-weekly: skipped {}",
                    sanitize_line(&failure.to_string())
                );
            }
            writeln!(out, "{}", report.summary_line())?;
        }
        Err(error) => {
            let hint = if error.is_unreachable() {
                " (the library is unchanged)"
            } else {
                ""
            };
            eprintln!(
                "sofa-weekly: {}: {}{hint}",
                sanitize_line(source),
                sanitize_line(&format!("{error:#}"))
            );
        }
    }
    out.flush()
}

/// The first Ctrl-C sets `cancel` (sync stops between files); a second one exits at once.
fn stop_on_ctrl_c(cancel: &Arc<AtomicBool>) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::SIGINT;
        // Registered first, so it sees the flag as it was before this Ctrl-C.
        signal_hook::flag::register_conditional_shutdown(SIGINT, 130, Arc::clone(cancel))
            .context("cannot handle Ctrl-C")?;
        signal_hook::flag::register(SIGINT, Arc::clone(cancel)).context("cannot handle Ctrl-C")?;
    }
    #[cfg(not(unix))]
    let _ = cancel;
    Ok(())
}

/// A progress bar on a terminal; plain lines (on stderr) otherwise.
struct ProgressDisplay {
    bar: Option<ProgressBar>,
    interactive: bool,
}

impl ProgressDisplay {
    fn new(interactive: bool) -> Self {
        Self {
            bar: None,
            interactive,
        }
    }

    fn update(&mut self, progress: SyncProgress) {
        match progress {
            SyncProgress::Checking { source } => {
                let source = sanitize_line(&source);
                if self.interactive {
                    let bar = ProgressBar::new_spinner().with_prefix(source);
                    bar.set_style(
                        ProgressStyle::with_template("{spinner} {prefix}: checking…")
                            .expect("valid template"),
                    );
                    bar.enable_steady_tick(std::time::Duration::from_millis(120));
                    self.bar = Some(bar);
                } else {
                    eprintln!("{source}: checking");
                }
            }
            SyncProgress::Downloading { source, total } => {
                let source = sanitize_line(&source);
                if self.interactive {
                    let bar = self.bar.get_or_insert_with(ProgressBar::no_length);
                    bar.set_prefix(source);
                    bar.set_length(total as u64);
                    bar.set_position(0);
                    bar.set_style(
                        ProgressStyle::with_template("{prefix}: [{bar:30}] {pos}/{len} {wide_msg}")
                            .expect("valid template")
                            .progress_chars("=> "),
                    );
                } else {
                    eprintln!(
                        "{source}: downloading {}",
                        super::print::count_of(total as u64, "file", "files")
                    );
                }
            }
            SyncProgress::FileDone {
                source,
                done,
                total,
                rel_path,
            } => {
                if let Some(bar) = &self.bar {
                    bar.set_position(done as u64);
                    bar.set_message(sanitize_line(&rel_path));
                } else if !self.interactive && (done == total || done % 25 == 0) {
                    eprintln!(
                        "{}: {done}/{total} {}",
                        sanitize_line(&source),
                        if total == 1 { "file" } else { "files" }
                    );
                }
            }
            SyncProgress::Pictures {
                source,
                done,
                total,
            } => self.pictures(&sanitize_line(&source), done, total),
        }
    }

    /// The bar counts pictures after the files: it starts again at 0 of their number.
    fn pictures(&mut self, source: &str, done: usize, total: usize) {
        if !self.interactive {
            if done == 0 {
                eprintln!("{source}: fetching {total} pictures");
            } else if done == total || done.is_multiple_of(25) {
                eprintln!("{source}: {done}/{total} pictures");
            }
            return;
        }
        let bar = self.bar.get_or_insert_with(ProgressBar::no_length);
        if done == 0 {
            bar.disable_steady_tick();
            bar.set_prefix(source.to_owned());
            bar.set_length(total as u64);
            bar.set_message("");
            bar.set_style(
                ProgressStyle::with_template("{prefix}: [{bar:30}] {pos}/{len} pictures")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
        }
        bar.set_position(done as u64);
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
