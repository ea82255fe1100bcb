//! `sofa-weekly show ID|PATH`: one post rendered for the terminal, like glow or mdcat.
//!
//! A path is read straight from disk: no library is opened, and the code highlighter is only
//! loaded by the renderer when the post has a code block, so showing a file stays cheap.
//!
//! On a terminal, pictures are drawn as the reader draws them (`--images`): from the cache
//! for a post of the library, from the files beside it for a post shown by path; never from
//! the network. `--plain`, a pipe, uncoloured output or `--images off` keep the
//! placeholders with their alt text.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::CommandContext;
use crate::app::pictures::{ShelfEntry, print};
use crate::config::ColorChoice;
use crate::loader;
use crate::render::{self, Theme};
use crate::text::sanitize_line;

/// The width when neither `--width` nor a terminal says otherwise.
const DEFAULT_WIDTH: usize = 80;

pub struct ShowArgs<'a> {
    pub target: &'a str,
    pub width: Option<usize>,
    pub plain: bool,
}

/// What `show` prints: the header fields and the markdown body.
struct ShownPost {
    title: String,
    date: Option<String>,
    tags: Vec<String>,
    body: String,
    /// The file, for a post shown by path (its pictures are beside it).
    file: Option<std::path::PathBuf>,
}

pub fn run_show(context: &CommandContext<'_>, args: &ShowArgs<'_>) -> anyhow::Result<ExitCode> {
    let mut post = find_post(context, args.target)?;
    context.format_day(&mut post.date);
    let stdout = std::io::stdout();
    let on_terminal = stdout.is_terminal();
    let width = args
        .width
        .or_else(|| on_terminal.then(terminal_width).flatten())
        .unwrap_or(DEFAULT_WIDTH)
        .max(1);
    // `--color always` styles even a pipe (for `less -R`); NO_COLOR and `--color never`
    // leave not one escape sequence.
    let styled = !args.plain && context.color().enabled(on_terminal);
    let mut background = None;
    let theme = if styled {
        // The config's (or --theme's) choice; auto follows the terminal's background, asked
        // only when both ends are a terminal (`--color always` into a pipe asks nothing).
        let choice = context.config().reader.theme;
        let (theme, reply) = crate::app::theme_choice::choose_theme(choice, ColorChoice::Always);
        background = reply;
        theme.render_theme()
    } else {
        Theme::plain()
    };

    let graphics = if styled && on_terminal {
        crate::app::pictures::graphics::detect(context.config().reader.images, background)
    } else {
        None
    };
    let shelf = match &graphics {
        Some(_) => post_pictures(&post),
        None => Vec::new(),
    };

    let mut header = render::header(&post.title, post.date.as_deref(), &post.tags, width, &theme);
    let mut rendered = match &graphics {
        Some(graphics) => {
            let lookup = |reference: &str| {
                shelf
                    .iter()
                    .find(|entry| entry.reference == reference)
                    .map(|entry| entry.state.clone())
            };
            let layout = render::PictureLayout {
                lookup: &lookup,
                cell: graphics.cell,
                max_rows: picture_rows(),
            };
            render::render_with_pictures(&post.body, width, &theme, &layout)
        }
        None => render::render(&post.body, width, &theme),
    };
    let mut links = render::link_list(&rendered.links, width, &theme);
    if styled {
        // The themes speak RGB; a 256- or 16-colour terminal gets the nearest it has.
        let depth = crate::app::colors::ColorDepth::from_env();
        for lines in [&mut header, &mut rendered.lines, &mut links] {
            depth.lines(lines);
        }
    }

    let mut out = std::io::BufWriter::new(stdout.lock());
    render::write_ansi(&header, &mut out, styled)?;
    match &graphics {
        Some(graphics) => {
            let depth = crate::app::colors::ColorDepth::from_env();
            rendered.write_ansi_with_pictures(&mut out, styled, styled, &mut |block, out| {
                let entry = shelf.iter().find(|entry| entry.reference == block.url);
                let Some(cells) = entry.and_then(|entry| print::draw_block(graphics, block, entry))
                else {
                    return Ok(false);
                };
                print::write_cells(&cells, depth, out)?;
                Ok(true)
            })?
        }
        None => rendered.write_ansi(&mut out, styled, styled)?,
    }
    if !links.is_empty() {
        writeln!(out)?;
        render::write_ansi(&links, &mut out, styled)?;
    }
    out.flush()?;
    // The process ends here: freeing every line and span one by one (about 4 % of the
    // instructions of `show` on a 40 KB post) would only hand memory back to an exiting
    // process.
    std::mem::forget(rendered);
    Ok(ExitCode::SUCCESS)
}

/// About two thirds of the terminal's height: the most rows one picture takes.
fn picture_rows() -> usize {
    let rows = ratatui::crossterm::terminal::size().map_or(24, |(_, rows)| rows);
    usize::from(rows.max(3)) * 2 / 3
}

/// What is known of the pictures of `post`, to draw them: the files beside a post shown by
/// path.
fn post_pictures(post: &ShownPost) -> Vec<ShelfEntry> {
    let Some(file) = &post.file else {
        return Vec::new();
    };
    let references = crate::app::pictures::picture_references(&post.body);
    print::pictures_beside(file, &references)
}

fn terminal_width() -> Option<usize> {
    ratatui::crossterm::terminal::size()
        .ok()
        .map(|(columns, _)| usize::from(columns))
        .filter(|&columns| columns > 0)
}

/// A file when `target` names one; otherwise a post id in the library.
fn find_post(context: &CommandContext<'_>, target: &str) -> anyhow::Result<ShownPost> {
    let path = Path::new(target);
    if path.exists() {
        return read_file(path);
    }
    let Ok(id) = target.parse::<i64>() else {
        bail!("{}: no such file, and not a post id", sanitize_line(target));
    };
    let library = context.open_for_reading()?;
    let Some(post) = library.post(id)? else {
        bail!("no post with id {id} (`sofa-weekly list` shows the ids)");
    };
    Ok(ShownPost {
        title: post.summary.title,
        date: post.summary.date,
        tags: post.summary.tags,
        body: post.body,
        file: None,
    })
}

fn read_file(path: &Path) -> anyhow::Result<ShownPost> {
    if path.is_dir() {
        bail!(
            "{} is a folder; `show` takes one file (open a folder with `sofa-weekly {}`)",
            path.display(),
            path.display()
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    // The whole path, not just the file name: `slug/index.md` takes its title fallback and
    // date from the folder, and warnings then name the file as the user typed it.
    let post = loader::parse_content(&path.to_string_lossy(), &bytes);
    for warning in &post.warnings {
        eprintln!("sofa-weekly: {}", sanitize_line(&warning.to_string()));
    }
    Ok(ShownPost {
        title: post.title,
        date: post.meta.date.map(|date| date.day_string()),
        tags: post.meta.tags,
        body: post.body,
        file: Some(path.to_path_buf()),
    })
}
