//! `sofa-weekly check [--repair]`: the library's health in words, and its repair; and the
//! progress bar a long migration draws while the library opens.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use crate::library::{self, Library, LibraryError};

/// Checks the library in `dir`; with `repair`, rebuilds a faulty index or salvages a
/// damaged file. Exits 1 when a problem is left unrepaired.
pub fn run_check(dir: &Path, repair: bool, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let opened = Library::open(dir);
    let report = match &opened {
        Ok(library) => library.check()?,
        Err(LibraryError::Damaged { reason, .. }) => library::CheckReport {
            damaged: vec![format!("the database file is damaged: {reason}")],
            ..Default::default()
        },
        Err(_) => {
            opened?;
            unreachable!("an error was returned above");
        }
    };
    let file = dir.join(library::DB_FILE);
    if report.is_ok() {
        writeln!(
            out,
            "{}: ok ({} posts; the file and the search index are sound)",
            file.display(),
            report.posts
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    for problem in report.damaged.iter().chain(&report.index) {
        writeln!(out, "{}: {problem}", file.display())?;
    }
    if !repair {
        writeln!(
            out,
            "run `sofa-weekly check --repair` to {}",
            if report.damaged.is_empty() {
                "rebuild the search index from the posts"
            } else {
                "move the file aside and save what it still holds into a new library"
            }
        )?;
        return Ok(ExitCode::from(1));
    }
    if report.damaged.is_empty() {
        let mut library = opened?;
        let count = library.rebuild_index()?;
        writeln!(out, "rebuilt the search index of {count} posts")?;
        return Ok(ExitCode::SUCCESS);
    }
    drop(opened);
    let salvaged = library::salvage(dir)?;
    writeln!(
        out,
        "moved the damaged file to {}\nsaved {} posts and {} reading states into a new library; lost {} posts and {} reading states\n`sofa-weekly sync` (or `import` again) brings back the posts its sources still have",
        salvaged.moved_to.display(),
        salvaged.posts_saved,
        salvaged.reading_saved,
        salvaged.posts_lost,
        salvaged.reading_lost
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Draws a bar on stderr while a migration rewrites a large library, on a terminal only
/// (a bar redraws itself with escape sequences).
pub fn show_migration_progress(enabled: bool) {
    if !enabled || !std::io::stderr().is_terminal() {
        return;
    }
    let bar = std::sync::Mutex::new(None::<ProgressBar>);
    library::on_migration_progress(move |done, total| {
        let mut bar = bar.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let bar = bar.get_or_insert_with(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "upgrading the library: [{bar:30}] {pos}/{len} posts {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar
        });
        bar.set_position(done);
        if done >= total {
            bar.finish_and_clear();
        }
    });
}
