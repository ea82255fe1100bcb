//! Writes a synthetic newsletter archive for benchmarks and for trying the reader on a
//! large library:
//!
//! ```text
//! cargo run --release --example gen-corpus -- N DIR
//! ```
//!
//! writes N posts below DIR (in one folder per year) and prints their total size and size
//! distribution. The same N always gives the same bytes; see `benches/common/corpus.rs`.

#![forbid(unsafe_code)]

#[path = "../benches/common/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};

const USAGE: &str = "usage: gen-corpus N DIR   (writes N synthetic posts below DIR)";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gen-corpus: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<()> {
    let (count, dir) = parse_args(std::env::args().skip(1))?;
    let sizes = corpus::write_corpus(count, &dir)
        .with_context(|| format!("writing the corpus to {}", dir.display()))?;
    let Some(summary) = corpus::SizeSummary::from_sizes(&sizes) else {
        println!("wrote no posts to {}", dir.display());
        return Ok(());
    };
    println!(
        "wrote {} posts to {}: {} bytes ({:.1} MiB) in all",
        summary.count,
        dir.display(),
        summary.total,
        summary.total as f64 / (1024.0 * 1024.0)
    );
    println!(
        "post size (KiB): min {}  p10 {}  median {}  p90 {}  max {}",
        kib(summary.min),
        kib(summary.p10),
        kib(summary.median),
        kib(summary.p90),
        kib(summary.max)
    );
    Ok(())
}

fn parse_args(mut args: impl Iterator<Item = String>) -> anyhow::Result<(u64, PathBuf)> {
    let (Some(count), Some(dir), None) = (args.next(), args.next(), args.next()) else {
        bail!("{USAGE}");
    };
    let count = count.parse().map_err(|err| {
        anyhow::anyhow!("N must be a whole number, not {count:?} ({err})\n{USAGE}")
    })?;
    Ok((count, PathBuf::from(dir)))
}

fn kib(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / 1024.0)
}
