//! `import`: folders, files and OPML subscription lists brought into the library, and the
//! pictures of the posts imported.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{CommandContext, print, stdout, transfer};
use crate::library::Library;

/// The pictures of the posts `import` just brought in: beside them on disk, or on the web.
/// A picture that fails is recorded and reported by `images`, never an import failure.
fn import_pictures(
    context: &CommandContext<'_>,
    library: &mut Library,
    source: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let Some(source) = library.source(source)? else {
        return Ok(());
    };
    let options = crate::sync::SyncOptions {
        pictures: context.picture_options(),
        ..crate::sync::SyncOptions::from_env()
    };
    let report = crate::sync::fetch_pictures(library, &source, &options, &mut |_| {})?;
    if let Some(line) = report.summary_line() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

pub(super) fn run_import(
    context: &CommandContext<'_>,
    paths: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let mut library = context.open_library()?;
    let mut failed = false;
    let mut out = stdout();
    for path in paths {
        if transfer::is_opml(path) {
            failed |= !transfer::import_opml(&library, path, &mut out)?;
            continue;
        }
        match crate::sync::import_path(&mut library, path) {
            Ok(outcome) => {
                print::import_outcome(&mut out, &mut std::io::stderr(), path, &outcome)?;
                import_pictures(context, &mut library, &outcome.source, &mut out)?;
            }
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
