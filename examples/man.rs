//! Writes the man pages: `cargo run --example man [-- DIR]` puts `sofa-weekly.1` and a page per
//! command into DIR (default: the current folder). Read one with `man -l sofa-weekly.1`.

fn main() -> anyhow::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    for page in sofa_weekly::cli::generate::write_man_pages(&dir)? {
        println!("{}", page.display());
    }
    Ok(())
}
