use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = sofa_weekly::cli::Cli::parse();
    match sofa_weekly::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!(
                "sofa-weekly: {}",
                sofa_weekly::text::sanitize_line(&format!("{err:#}"))
            );
            ExitCode::FAILURE
        }
    }
}
