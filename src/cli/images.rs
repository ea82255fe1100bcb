//! `sofa-weekly images [--json]`: the picture cache, one entry per picture URL, then the
//! totals; `sofa-weekly images prune`: apply the budget now.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::library::Library;
use crate::pictures::store::{self, PictureStore};
use crate::pictures::{PictureOptions, PictureRecord, PictureStatus};
use crate::sync::human_bytes;
use crate::text::sanitize_line;

#[derive(Debug, Args)]
pub struct ImagesArgs {
    #[command(subcommand)]
    pub command: Option<ImagesCommand>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ImagesCommand {
    /// Drop the least recently shown pictures until the cache fits its budget.
    Prune,
}

/// The totals line of `images`, also its JSON `totals`.
#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub pictures: usize,
    pub ok: usize,
    pub failed: usize,
    pub skipped: usize,
    pub pending: usize,
    /// Size of the stored files (a file shared by several URLs counts once).
    pub bytes: u64,
    pub budget: u64,
}

impl Totals {
    fn of(pictures: &[PictureRecord], budget: u64) -> Totals {
        let mut totals = Totals {
            pictures: pictures.len(),
            budget,
            ..Totals::default()
        };
        let mut files = std::collections::HashSet::new();
        for picture in pictures {
            match picture.status {
                PictureStatus::Ok => totals.ok += 1,
                PictureStatus::Failed => totals.failed += 1,
                PictureStatus::Skipped => totals.skipped += 1,
                PictureStatus::Pending => totals.pending += 1,
            }
            if picture.status == PictureStatus::Ok && files.insert(picture.hash.clone()) {
                totals.bytes += picture.bytes;
            }
        }
        totals
    }
}

pub fn run_images(
    library: &mut Library,
    options: &PictureOptions,
    args: &ImagesArgs,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    match args.command {
        None => {
            let pictures = library.pictures()?;
            let totals = Totals::of(&pictures, options.budget_bytes);
            print_pictures(out, &pictures, &totals, args.json)?;
        }
        Some(ImagesCommand::Prune) => {
            let Some(folder) = library.folder() else {
                anyhow::bail!("an in-memory library has no picture cache");
            };
            let store = PictureStore::new(&folder);
            let report = store::apply_budget(library, &store, options.budget_bytes)?;
            if args.json {
                super::print::json(
                    out,
                    &serde_json::json!({
                        "removed": report.removed,
                        "freed_bytes": report.freed_bytes,
                        "kept_bytes": report.kept_bytes,
                        "budget": options.budget_bytes,
                    }),
                )?;
            } else {
                writeln!(
                    out,
                    "{} pictures removed, {} freed; {} kept of a {} budget",
                    report.removed,
                    human_bytes(report.freed_bytes),
                    human_bytes(report.kept_bytes),
                    human_bytes(options.budget_bytes)
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn print_pictures(
    out: &mut dyn Write,
    pictures: &[PictureRecord],
    totals: &Totals,
    as_json: bool,
) -> std::io::Result<()> {
    if as_json {
        return super::print::json(
            out,
            &serde_json::json!({ "pictures": pictures, "totals": totals }),
        );
    }
    for picture in pictures {
        let size = match (picture.width, picture.height) {
            (Some(w), Some(h)) => format!("{w}×{h}"),
            _ => "-".to_owned(),
        };
        let bytes = if picture.status == PictureStatus::Ok {
            human_bytes(picture.bytes)
        } else {
            "-".to_owned()
        };
        let mut line = format!(
            "{:<7} {:>9} {:>11} {:>3} {}",
            picture.status.as_str(),
            bytes,
            size,
            picture.posts,
            sanitize_line(&picture.url)
        );
        if let Some(reason) = &picture.reason {
            line.push_str(&format!("  ({})", sanitize_line(reason)));
        }
        writeln!(out, "{line}")?;
    }
    writeln!(
        out,
        "{} pictures: {} ok, {} failed, {} skipped, {} pending; {} stored of a {} budget",
        totals.pictures,
        totals.ok,
        totals.failed,
        totals.skipped,
        totals.pending,
        human_bytes(totals.bytes),
        human_bytes(totals.budget)
    )
}
