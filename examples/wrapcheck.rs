//! Renders every `*.md` under a folder at widths 40, 60 and 80 and checks the renderer's
//! promises on each: no line wider than the width, no wrapped line starting with closing
//! punctuation, no text lost. Prints each violation and the totals; exits non-zero when any
//! was found.
//!
//! ```text
//! cargo run --release --example wrapcheck -- path/to/posts [--show N]
//! ```
//! `--show N` also prints the plain render at width N of every post (for looking at it).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sofa_weekly::render::check::{Violation, violations};
use sofa_weekly::render::{Theme, link_list, render};

const WIDTHS: [usize; 3] = [40, 60, 80];

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: wrapcheck FOLDER [--show WIDTH]");
        return ExitCode::from(2);
    };
    let show: Option<usize> = match (args.next().as_deref(), args.next()) {
        (Some("--show"), Some(width)) => width.parse().ok(),
        _ => None,
    };
    // Printing stops quietly when the reader goes away (`wrapcheck … | head`).
    let mut stdout = std::io::stdout().lock();
    macro_rules! say {
        ($($arg:tt)*) => {
            if writeln!(stdout, $($arg)*).is_err() {
                return ExitCode::SUCCESS;
            }
        };
    }
    let mut files = Vec::new();
    collect_markdown(Path::new(&root), &mut files);
    files.sort();
    let theme = Theme::plain();
    let (mut lines, mut bad, mut bytes) = (0usize, 0usize, 0usize);
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                eprintln!("{}: {error}", path.display());
                continue;
            }
        };
        let body = strip_front_matter(&text);
        bytes += body.len();
        for width in WIDTHS {
            let rendered = render(body, width, &theme);
            lines += rendered.lines.len();
            for line in link_list(&rendered.links, width, &theme) {
                if line.width() > width {
                    say!(
                        "{} @{width}: link list line wider than {width}",
                        path.display()
                    );
                    bad += 1;
                }
            }
            for violation in violations(body, &rendered, width) {
                bad += 1;
                let detail = match &violation {
                    Violation::TooWide { line, .. }
                    | Violation::ClosingPunctuationStartsLine { line } => {
                        format!("{violation:?}: {:?}", rendered.lines[*line].to_string())
                    }
                    Violation::TextLost { .. } => format!("{violation:?}"),
                };
                say!("{} @{width}: {detail}", path.display());
            }
            if show == Some(width) {
                say!("==== {} @{width}", path.display());
                for line in rendered.plain_lines() {
                    say!("{line}");
                }
            }
        }
    }
    say!(
        "{} posts ({} KiB), widths {WIDTHS:?}: {lines} lines, {bad} violations",
        files.len(),
        bytes / 1024
    );
    if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn collect_markdown(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        eprintln!("{}: cannot read folder", path.display());
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_markdown(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "md") {
            out.push(path);
        }
    }
}

/// The text after a leading `---` … `---` block (the loader does this properly; a checker
/// only needs the markdown).
fn strip_front_matter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---") {
        Some(end) => rest[end + 4..].trim_start_matches(['-', '\n']),
        None => text,
    }
}
