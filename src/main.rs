use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = sofa_weekly::cli::Cli::parse();
    match sofa_weekly::cli::run(cli) {
        Ok(code) => code,
        // `sofa-weekly list | head` closes the pipe early; that is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let message = format!("{err:#}");
            eprintln!(
                "sofa-weekly: {}",
                sofa_weekly::text::sanitize_line(&message)
            );
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
