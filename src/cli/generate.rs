//! Shell completions and man pages, generated from the clap definitions so they never drift
//! from the real flags. `sofa-weekly completions SHELL`, `sofa-weekly man`, and
//! `cargo run --example man` (which writes the pages into a folder) call these.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;

use super::Cli;

const BIN_NAME: &str = "sofa-weekly";

/// Writes the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> anyhow::Result<()> {
    clap_complete::generate(shell, &mut Cli::command(), BIN_NAME, out);
    out.flush()?;
    Ok(())
}

/// Writes the main man page, `sofa-weekly(1)`, as roff.
pub fn man_page(out: &mut dyn Write) -> anyhow::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    out.flush()?;
    Ok(())
}

/// Writes `sofa-weekly.1` and one page per command (`sofa-weekly-sync.1`, …) into `dir`,
/// creating it; returns the files written.
pub fn write_man_pages(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("cannot write man pages into {}", dir.display()))?;
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(BIN_NAME) && n.ends_with(".1"))
        })
        .collect();
    pages.sort();
    Ok(pages)
}
