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
use serde::Serialize;

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
    pub json: bool,
}

/// What `show` prints: the header fields and the markdown body; with `--json`, all of it as
/// stored (the date as `YYYY-MM-DD`), plus the headings and links of the body.
#[derive(Debug, Serialize)]
struct ShownPost {
    /// `None` for a file shown from disk.
    id: Option<i64>,
    title: String,
    date: Option<String>,
    tags: Vec<String>,
    author: Option<String>,
    description: Option<String>,
    /// The source's name; `None` for a file shown from disk.
    source: Option<String>,
    /// The post's path within its source, or the file's path as given.
    path: String,
    web_url: Option<String>,
    read: bool,
    starred: bool,
    /// The markdown text, without its front matter.
    body: String,
    /// The file, for a post shown by path (its pictures are beside it).
    file: Option<std::path::PathBuf>,
}

/// `show --json`: the post, and what the reader navigates it by.
#[derive(Debug, Serialize)]
struct PostJson<'a> {
    #[serde(flatten)]
    post: &'a ShownPost,
    headings: Vec<HeadingJson>,
    links: Vec<LinkJson>,
}

#[derive(Debug, Serialize)]
struct HeadingJson {
    level: u8,
    text: String,
}

#[derive(Debug, Serialize)]
struct LinkJson {
    number: usize,
    url: String,
    text: String,
    is_image: bool,
}

pub fn run_show(context: &CommandContext<'_>, args: &ShowArgs<'_>) -> anyhow::Result<ExitCode> {
    let mut post = find_post(context, args.target)?;
    if args.json {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        super::print::post_json(&mut out, &post_json(&post))?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
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
    // The background and the graphics are asked in one round trip, only when both ends are
    // a terminal (`--color always` into a pipe asks nothing).
    let images = context.config().reader.images;
    let mut terminal = crate::app::terminal_background::StartupQuery::new(
        (styled && on_terminal)
            .then(|| crate::app::pictures::graphics::question(images))
            .flatten(),
    );
    let theme = if styled {
        // The config's (or --theme's) choice; auto follows the terminal's background.
        let choice = context.config().reader.theme;
        let (theme, _) =
            crate::app::theme_choice::choose_theme(choice, ColorChoice::Always, &mut terminal);
        theme.render_theme()
    } else {
        Theme::plain()
    };

    // The depth the terminal has: on 16 colours the code gets a theme of its own (the RGB
    // themes' shades would all map to greys), and every RGB colour becomes the nearest one.
    let depth = crate::app::colors::ColorDepth::from_env();
    let theme = depth.fit_theme(theme);
    let graphics = if styled && on_terminal {
        crate::app::pictures::graphics::detect(images, &mut terminal)
    } else {
        None
    };
    let shelf = match &graphics {
        Some(_) => post_pictures(context, &post)?,
        None => Vec::new(),
    };

    let mut header = render::Header {
        title: &post.title,
        date: post.date.as_deref(),
        tags: &post.tags,
    }
    .lines(width, &theme);
    let mut rendered = crate::app::pictures::render_with_shelf(
        &post.body,
        &post.title,
        width,
        &theme,
        &shelf,
        graphics.as_ref().map(|graphics| graphics.cell),
        graphics.as_ref().map_or(0, |_| picture_rows()),
    );
    let mut links = render::link_list(&rendered.links, width, &theme);
    if styled {
        // The themes speak RGB; a 256- or 16-colour terminal gets the nearest it has.
        for lines in [&mut header, &mut rendered.lines, &mut links] {
            depth.lines(lines);
        }
    }

    let mut out = std::io::BufWriter::new(stdout.lock());
    render::write_ansi(&header, &mut out, styled)?;
    match &graphics {
        Some(graphics) => {
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

/// What is known of the pictures of `post`, to draw them: for a post of the library, what
/// its picture cache holds (as the reader draws it, without the network); for a file shown
/// by path, the files beside it.
fn post_pictures(
    context: &CommandContext<'_>,
    post: &ShownPost,
) -> anyhow::Result<Vec<ShelfEntry>> {
    if let Some(id) = post.id {
        let library = context.open_for_reading()?;
        return crate::app::pictures::PictureShelf::post_pictures(&library, id, &post.body);
    }
    let Some(file) = &post.file else {
        return Ok(Vec::new());
    };
    let references = crate::app::pictures::picture_references(&post.body);
    Ok(print::pictures_beside(file, &references))
}

/// The post with the headings and links of its body (which do not depend on a width).
fn post_json(post: &ShownPost) -> PostJson<'_> {
    let rendered = render::render(&post.body, DEFAULT_WIDTH, &Theme::plain());
    PostJson {
        post,
        headings: rendered
            .headings
            .into_iter()
            .map(|heading| HeadingJson {
                level: heading.level,
                text: heading.text,
            })
            .collect(),
        links: rendered
            .links
            .into_iter()
            .map(|link| LinkJson {
                number: link.number,
                url: link.url,
                text: link.text,
                is_image: link.is_image,
            })
            .collect(),
    }
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
        id: Some(post.summary.id),
        title: post.summary.title,
        date: post.summary.date,
        tags: post.summary.tags,
        author: post.author,
        description: post.description,
        source: Some(post.summary.source),
        path: post.summary.path,
        web_url: post.web_url,
        read: post.summary.read,
        starred: post.summary.starred,
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
        id: None,
        title: post.title,
        date: post.meta.date.map(|date| date.day_string()),
        tags: post.meta.tags,
        author: post.meta.author,
        description: post.meta.description,
        source: None,
        path: sanitize_line(&path.to_string_lossy()),
        web_url: post.meta.web_url,
        read: false,
        starred: false,
        body: post.body,
        file: Some(path.to_path_buf()),
    })
}
