//! Moving subscriptions and reading history between sofa-weekly and other programs or
//! machines: `import FILE.opml` / `export --opml` (feed sources as OPML, what every feed
//! reader speaks) and `export --state` / `import --state FILE` (read, starred and position
//! of each post, as JSON).
//!
//! Feeds from OPML are registered exactly like `source add URL` (the sync module's
//! [`sync::spec_for`]); `sync` fetches them afterwards.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use serde::{Deserialize, Serialize};

use super::CommandContext;
use crate::library::{Library, ReadingRecord, SourceKind};
use crate::opml::{self, FeedEntry};
use crate::sync;
use crate::text::sanitize_line;

/// `sofa-weekly export --opml | --state`
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["opml", "state"])))]
pub struct ExportArgs {
    /// The feed sources as an OPML 2.0 subscription list.
    #[arg(long)]
    pub opml: bool,
    /// The reading state of every post (read, starred, position) as JSON, for
    /// `import --state` on another machine.
    #[arg(long)]
    pub state: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The JSON document of `export --state`.
#[derive(Debug, Serialize, Deserialize)]
struct StateFile {
    /// Always [`STATE_FORMAT`]: tells this file from other JSON.
    format: String,
    version: u32,
    #[serde(default)]
    exported_at: Option<String>,
    posts: Vec<ReadingRecord>,
}

const STATE_FORMAT: &str = "sofa-weekly reading state";
const STATE_VERSION: u32 = 1;

/// Whether `path` is an OPML file: named `*.opml`, or (unless it is markdown) starting as one.
pub fn is_opml(path: &Path) -> bool {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("opml") => return true,
        Some("md" | "markdown") => return false,
        _ => {}
    }
    if !path.is_file() {
        return false;
    }
    let mut head = [0u8; 2048];
    let read = std::fs::File::open(path)
        .and_then(|mut file| std::io::Read::read(&mut file, &mut head))
        .unwrap_or(0);
    opml::looks_like_opml(&String::from_utf8_lossy(&head[..read]))
}

/// Adds every feed an OPML file lists as a source. Feeds already there (same URL) are left
/// alone; a name already taken by another source gets a number. Returns `false` when some
/// entry could not be used (each is reported on stderr with its line).
pub fn import_opml(library: &Library, path: &Path, out: &mut dyn Write) -> anyhow::Result<bool> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {shown}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{shown}: not UTF-8 text; OPML files are UTF-8"))?;
    let document =
        opml::parse(&text).map_err(|e| anyhow::anyhow!("{shown}:{}: {}", e.line, e.message))?;

    let mut problems: Vec<String> = document
        .problems
        .iter()
        .map(|p| format!("{shown}:{}: {}", p.line, p.message))
        .collect();
    let mut added = 0;
    let mut already = 0;
    let mut taken_names: HashSet<String> = library.sources()?.into_iter().map(|s| s.name).collect();
    for feed in &document.feeds {
        let spec = match sync::spec_for("feed", &feed.xml_url) {
            Ok(spec) if spec.kind == SourceKind::Feed => spec,
            Ok(_) => continue, // only http(s) URLs get this far
            Err(problem) => {
                problems.push(format!("{shown}:{}: {problem}; skipped", feed.line));
                continue;
            }
        };
        let location = sanitize_line(&spec.location);
        if let Some(existing) = library.source_at(SourceKind::Feed, &spec.location)? {
            already += 1;
            let name = sanitize_line(&existing.name);
            writeln!(out, "already a source: {name} ({location})")?;
            continue;
        }
        let title = Some(feed.name.as_str());
        let name = sync::suggest_source_name(&spec.location, title, |name| {
            Ok::<_, std::convert::Infallible>(taken_names.contains(name))
        })
        .unwrap_or_else(|never| match never {});
        taken_names.insert(name.clone());
        let spec = crate::library::SourceSpec { name, ..spec };
        library.ensure_source(&spec)?;
        sync::remember_removed_source(library, &spec.name, false)?;
        added += 1;
        writeln!(
            out,
            "added feed source {}: {location}",
            sanitize_line(&spec.name)
        )?;
    }
    for duplicate in &document.duplicates {
        writeln!(
            out,
            "{shown}:{}: {}",
            duplicate.line,
            sanitize_line(&duplicate.message)
        )?;
    }
    writeln!(
        out,
        "{shown}: {added} feed{} added, {already} already there, {} listed twice, {} skipped",
        if added == 1 { "" } else { "s" },
        document.duplicates.len(),
        problems.len()
    )?;
    if added > 0 {
        writeln!(out, "run `sofa-weekly sync` to fetch their posts")?;
    }
    out.flush()?;
    for problem in &problems {
        eprintln!("sofa-weekly: {}", sanitize_line(problem));
    }
    Ok(problems.is_empty())
}

/// `export --opml` / `export --state`.
pub fn run_export(context: &CommandContext<'_>, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let library = context.open_library()?;
    let text = if args.opml {
        // Sources named in the config file count too, as in `sources`.
        for problem in sync::register_configured_sources(&library, &context.config().sources)? {
            eprintln!("sofa-weekly: config: {}", sanitize_line(&problem));
        }
        opml_text(&library)?
    } else {
        state_text(&library)?
    };
    match &args.output {
        Some(path) => write_file(path, &text)?,
        None => {
            let mut out = super::stdout();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn opml_text(library: &Library) -> anyhow::Result<String> {
    let sources = library.sources()?;
    let others = sources
        .iter()
        .filter(|s| s.kind != SourceKind::Feed)
        .count();
    if others > 0 {
        eprintln!(
            "sofa-weekly: {others} source{} that {} not a feed (GitHub, local) left out; OPML lists feeds",
            if others == 1 { "" } else { "s" },
            if others == 1 { "is" } else { "are" }
        );
    }
    let feeds: Vec<FeedEntry<'_>> = sources
        .iter()
        .filter(|s| s.kind == SourceKind::Feed)
        .map(|s| FeedEntry {
            name: &s.name,
            xml_url: &s.location,
        })
        .collect();
    let created = chrono::Utc::now().to_rfc2822();
    Ok(opml::write("sofa-weekly feeds", &created, &feeds))
}

fn state_text(library: &Library) -> anyhow::Result<String> {
    let file = StateFile {
        format: STATE_FORMAT.to_owned(),
        version: STATE_VERSION,
        exported_at: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        posts: library.reading_records()?,
    };
    let mut text = serde_json::to_string_pretty(&file)?;
    text.push('\n');
    Ok(text)
}

/// Writes next to the target and renames, so an interrupted export never leaves half a file
/// where a good one was.
fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, text).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// `import --state FILE`: applies reading state exported elsewhere.
pub fn import_state(library: &mut Library, path: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {shown}"))?;
    let file: StateFile = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{shown}:{}: not a reading-state file from `sofa-weekly export --state` ({e})",
            e.line()
        )
    })?;
    if file.format != STATE_FORMAT {
        bail!(
            "{shown}: not a reading-state file (format {:?})",
            file.format
        );
    }
    if file.version > STATE_VERSION {
        bail!(
            "{shown}: written by a newer sofa-weekly (version {}); upgrade to import it",
            file.version
        );
    }
    let report = library.apply_reading_records(&file.posts)?;
    let unknown = report.unknown_source.len() + report.unknown_post.len();
    writeln!(
        out,
        "{shown}: {} post{} updated, {} kept (newer here), {unknown} unknown",
        report.applied,
        if report.applied == 1 { "" } else { "s" },
        report.kept_local
    )?;
    out.flush()?;
    let mut missing_sources: Vec<&str> = report
        .unknown_source
        .iter()
        .map(|r| r.source.as_str())
        .collect();
    missing_sources.sort_unstable();
    missing_sources.dedup();
    if !missing_sources.is_empty() {
        eprintln!(
            "sofa-weekly: {} record{} for sources this library does not have: {} \
             (add them with `sofa-weekly source add`, sync, then import again)",
            report.unknown_source.len(),
            if report.unknown_source.len() == 1 {
                ""
            } else {
                "s"
            },
            sanitize_line(&missing_sources.join(", "))
        );
    }
    if !report.unknown_post.is_empty() {
        let examples: Vec<String> = report
            .unknown_post
            .iter()
            .take(3)
            .map(|r| format!("{}:{}", r.source, r.path))
            .collect();
        eprintln!(
            "sofa-weekly: {} record{} for posts not in the library (not synced yet?), e.g. {}",
            report.unknown_post.len(),
            if report.unknown_post.len() == 1 {
                ""
            } else {
                "s"
            },
            sanitize_line(&examples.join(", "))
        );
    }
    Ok(())
}
