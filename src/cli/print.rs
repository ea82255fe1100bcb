//! What the CLI prints: aligned, width-aware tables for people, JSON for programs.
//!
//! Everything printed from content goes through [`crate::text::sanitize_line`] (JSON escapes
//! control characters by itself), so a post cannot send escape sequences to the terminal.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use crate::library::{SearchHit, SourceInfo};
use crate::post::{PostSummary, TagCount, TagKind};
use crate::sync::ImportOutcome;
use crate::text::{display_width, fit_to_width, sanitize_line, truncate_to_width};

/// The width human output is fitted to on a terminal; `None` for a pipe or file, which gets
/// whole lines (`list | grep Koupleless` must see every title in full).
pub(super) fn output_width() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    let columns = ratatui::crossterm::terminal::size()
        .ok()
        .map(|(columns, _)| usize::from(columns))
        .filter(|&columns| columns > 0)
        .unwrap_or(TERMINAL_FALLBACK_WIDTH);
    Some(columns.max(40))
}

/// A terminal that does not say its size.
const TERMINAL_FALLBACK_WIDTH: usize = 120;

/// `line` cut to `width` columns when there is one.
pub(super) fn fit_line(line: &str, width: Option<usize>) -> std::borrow::Cow<'_, str> {
    match width {
        Some(width) => truncate_to_width(line, width),
        None => std::borrow::Cow::Borrowed(line),
    }
}

/// `1 post`, `2 posts`.
pub fn count_of(count: impl Into<u64>, singular: &str, plural: &str) -> String {
    let count = count.into();
    format!("{count} {}", if count == 1 { singular } else { plural })
}

pub(super) fn json(out: &mut dyn Write, value: &impl serde::Serialize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    writeln!(out, "{}", escape_for_terminal(&text))
}

/// JSON with every character a terminal could act on written as a `\uXXXX` escape.
/// serde_json escapes C0 controls itself but writes DEL, C1 controls (U+009B is an 8-bit
/// CSI to some terminals) and bidi overrides as they are; JSON is often read on a terminal
/// (`list --json | less -R`, `jq` without `-r`). Outside strings JSON is plain ASCII, so
/// every such character is inside a string, and all of them are in the BMP: one escape each.
fn escape_for_terminal(json: &str) -> std::borrow::Cow<'_, str> {
    if !crate::text::has_forbidden(json) {
        return std::borrow::Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if crate::text::is_forbidden(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `N` for unread, `*` for starred: two columns before the title.
fn flags(post: &PostSummary) -> &'static str {
    match (post.read, post.starred) {
        (false, true) => "N*",
        (false, false) => "N ",
        (true, true) => " *",
        (true, false) => "  ",
    }
}

/// The date column: as wide as the widest date (the config's `date_format` may make dates
/// longer or wider than `YYYY-MM-DD`), at least 10 columns.
fn date_width<'a>(posts: impl Iterator<Item = &'a PostSummary>) -> usize {
    posts
        .filter_map(|post| post.date.as_deref())
        .map(display_width)
        .max()
        .unwrap_or(0)
        .max(10)
}

/// One line per post: id, flags, date, title, tags; the title column sized to the widest
/// title that fits, tags after it.
pub fn posts(out: &mut dyn Write, posts: &[PostSummary], as_json: bool) -> io::Result<()> {
    if as_json {
        return json(out, &posts);
    }
    let rows: Vec<(String, String, String)> = posts
        .iter()
        .map(|post| {
            let tags = post
                .tags
                .iter()
                .map(|tag| sanitize_line(tag))
                .collect::<Vec<_>>()
                .join(", ");
            (post.id.to_string(), sanitize_line(&post.title), tags)
        })
        .collect();
    let id_width = rows.iter().map(|row| row.0.len()).max().unwrap_or(1);
    let date_width = date_width(posts.iter());
    // id, space, flags, space, date, two spaces
    let fixed = id_width + 1 + 2 + 1 + date_width + 2;
    let width = output_width();
    let widest_title = rows
        .iter()
        .map(|row| display_width(&row.1))
        .max()
        .unwrap_or(0);
    let title_width = match width {
        Some(width) => widest_title.min(width.saturating_sub(fixed + 20).max(20)),
        None => widest_title,
    };
    for (post, (id, title, tags)) in posts.iter().zip(&rows) {
        let date = fit_to_width(post.date.as_deref().unwrap_or(""), date_width);
        let line = format!(
            "{id:>id_width$} {} {date}  {}  {tags}",
            flags(post),
            fit_to_width(title, title_width)
        );
        writeln!(out, "{}", fit_line(line.trim_end(), width))?;
    }
    Ok(())
}

/// One post as JSON (`show --json`).
pub fn post_json(out: &mut dyn Write, post: &impl serde::Serialize) -> io::Result<()> {
    json(out, post)
}

pub fn tags(out: &mut dyn Write, tags: &[TagCount], as_json: bool) -> io::Result<()> {
    if as_json {
        return json(out, &tags);
    }
    let count_width = tags
        .iter()
        .map(|tag| tag.count.to_string().len())
        .max()
        .unwrap_or(1);
    for tag in tags {
        // Topic tags come from the vocabulary, not from the posts' own metadata.
        let marker = match tag.kind {
            TagKind::Meta => " ",
            TagKind::Topic => "#",
        };
        writeln!(
            out,
            "{:>count_width$} {marker}{}",
            tag.count,
            sanitize_line(&tag.tag)
        )?;
    }
    Ok(())
}

pub fn search_hits(out: &mut dyn Write, hits: &[SearchHit], as_json: bool) -> io::Result<()> {
    if as_json {
        return json(out, &hits);
    }
    let width = output_width();
    let id_width = hits
        .iter()
        .map(|hit| hit.post.id.to_string().len())
        .max()
        .unwrap_or(1);
    let date_width = date_width(hits.iter().map(|hit| &hit.post));
    for hit in hits {
        let post = &hit.post;
        let heading = format!(
            "{:>id_width$} {} {}  {}",
            post.id,
            flags(post),
            fit_to_width(post.date.as_deref().unwrap_or(""), date_width),
            sanitize_line(&post.title)
        );
        writeln!(out, "{}", fit_line(&heading, width))?;
        let indent = " ".repeat(id_width + 4);
        let excerpt = fit_line(
            &hit.excerpt,
            width.map(|width| width.saturating_sub(indent.len())),
        );
        writeln!(out, "{indent}{excerpt}")?;
    }
    Ok(())
}

pub fn sources(out: &mut dyn Write, sources: &[SourceInfo], as_json: bool) -> io::Result<()> {
    if as_json {
        return json(out, &sources);
    }
    let name_width = sources
        .iter()
        .map(|s| display_width(&s.name))
        .max()
        .unwrap_or(4);
    let width = output_width();
    for source in sources {
        let synced = match (&source.last_sync, &source.last_status) {
            (Some(when), Some(status)) => format!("synced {when}: {}", sanitize_line(status)),
            _ => "never synced".to_string(),
        };
        let posts = if source.post_count == 1 {
            "post "
        } else {
            "posts"
        };
        let line = format!(
            "{} {:<6} {:>6} {posts}  {}  {}",
            fit_to_width(&sanitize_line(&source.name), name_width),
            source.kind.to_string(),
            source.post_count,
            sanitize_line(&source.location),
            synced
        );
        writeln!(out, "{}", fit_line(line.trim_end(), width))?;
    }
    Ok(())
}

/// The report of one imported path on `out`, with the files it skipped; the warnings about
/// files it did import (a bad date, a YAML error) go to `warnings` (stderr), so that a pipe
/// of the report holds only the report.
pub fn import_outcome(
    out: &mut dyn Write,
    warnings: &mut dyn Write,
    path: &Path,
    outcome: &ImportOutcome,
) -> io::Result<()> {
    let report = &outcome.report;
    writeln!(
        out,
        "{} (source {}): {} added, {} updated, {} removed, {} unchanged, {} skipped",
        sanitize_line(&path.display().to_string()),
        sanitize_line(&outcome.source),
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        outcome.skipped.len()
    )?;
    for skipped in &outcome.skipped {
        writeln!(out, "  skipped {}", sanitize_line(&skipped.to_string()))?;
    }
    for warning in &outcome.warnings {
        writeln!(
            warnings,
            "sofa-weekly: warning: {}",
            sanitize_line(&warning.to_string())
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_del_c1_and_bidi_controls_and_still_parses() {
        let value = serde_json::json!({ "title": "a\u{7f}b\u{9b}2Jc\u{202e}d\u{1b}e" });
        let mut out = Vec::new();
        json(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.chars().any(crate::text::is_forbidden), "{text:?}");
        assert!(text.contains("\\u007f") && text.contains("\\u009b") && text.contains("\\u202e"));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
