//! The command line: clap definitions and the commands that work on the library.

use std::process::ExitCode;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "sofa-weekly",
    version,
    about = "A terminal reader for newsletters, offline"
)]
pub struct Cli {}

pub fn run(_cli: Cli) -> anyhow::Result<ExitCode> {
    Ok(ExitCode::SUCCESS)
}
