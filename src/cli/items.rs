//! `sections`, `items`, `questions`, `releases`: newsletter issues item by item. Human
//! output is one aligned line per row, every piece of content through
//! [`sanitize_line`]; `--json` prints exactly the fields each command documents.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use super::CommandContext;
use super::print::{count_of, fit_line, json, output_width};
use crate::library::{ItemFilter, ItemRow, SectionCount};
use crate::text::{display_width, fit_to_width, sanitize_line};

/// What every item command takes.
#[derive(Debug, Args)]
pub struct Common {
    /// Only items of posts with this tag or topic; repeat for all of them.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// At most this many rows.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SectionsArgs {
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct ItemsArgs {
    /// Only items of this section (any spelling); repeat for several.
    #[arg(long = "section", value_name = "NAME")]
    pub sections: Vec<String>,
    /// Only items containing this text (title or text).
    #[arg(long, value_name = "QUERY")]
    pub search: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct QuestionsArgs {
    /// Only questions about this project (any alias: sofa-rpc, SOFARPC).
    #[arg(long, value_name = "PROJECT")]
    pub project: Option<String>,
    /// Only questions containing this text (question or answer).
    #[arg(long, value_name = "QUERY")]
    pub search: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct ReleasesArgs {
    /// Only releases of this project (any alias).
    #[arg(long, value_name = "PROJECT")]
    pub project: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

fn filter(common: &Common) -> ItemFilter {
    ItemFilter {
        tags: common.tags.clone(),
        limit: common.limit,
        ..ItemFilter::default()
    }
}

pub fn run_sections(context: &CommandContext<'_>, args: &SectionsArgs) -> anyhow::Result<ExitCode> {
    let library = context.open_for_reading()?;
    let sections = library.sections(&filter(&args.common))?;
    print_sections(&mut super::stdout(), &sections, args.common.json)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_items(context: &CommandContext<'_>, args: &ItemsArgs) -> anyhow::Result<ExitCode> {
    let filter = ItemFilter {
        sections: args.sections.clone(),
        search: args.search.clone(),
        ..filter(&args.common)
    };
    run_item_rows(context, &filter, args.common.json, print_items)
}

pub fn run_questions(
    context: &CommandContext<'_>,
    args: &QuestionsArgs,
) -> anyhow::Result<ExitCode> {
    let filter = ItemFilter {
        kind: Some("question"),
        project: args.project.clone(),
        search: args.search.clone(),
        ..filter(&args.common)
    };
    run_item_rows(context, &filter, args.common.json, print_questions)
}

pub fn run_releases(context: &CommandContext<'_>, args: &ReleasesArgs) -> anyhow::Result<ExitCode> {
    let filter = ItemFilter {
        kind: Some("release"),
        project: args.project.clone(),
        ..filter(&args.common)
    };
    run_item_rows(context, &filter, args.common.json, print_releases)
}

/// What `items`, `questions` and `releases` share: the matching items, their dates
/// formatted for people, printed by the command's own `print`.
fn run_item_rows(
    context: &CommandContext<'_>,
    filter: &ItemFilter,
    as_json: bool,
    print: fn(&mut dyn Write, &[ItemRow], bool) -> io::Result<()>,
) -> anyhow::Result<ExitCode> {
    let library = context.open_for_reading()?;
    let items = formatted(context, library.items(filter)?, as_json);
    print(&mut super::stdout(), &items, as_json)?;
    Ok(ExitCode::SUCCESS)
}

/// Dates in the configured format for people; JSON keeps `YYYY-MM-DD`.
fn formatted(context: &CommandContext<'_>, mut items: Vec<ItemRow>, as_json: bool) -> Vec<ItemRow> {
    if !as_json {
        for item in &mut items {
            context.format_day(&mut item.date);
        }
    }
    items
}

/// Columns of human output: each cell fitted to its column's widest value, up to a cap,
/// and the line cut at the terminal's width (a pipe gets it whole).
fn print_rows(out: &mut dyn Write, rows: &[Vec<String>], caps: &[usize]) -> io::Result<()> {
    let width = output_width();
    let columns = caps.len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|row| display_width(&row[c]))
                .max()
                .unwrap_or(0)
                .min(caps[c])
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let cell = sanitize_line(cell);
            if c + 1 == row.len() {
                line.push_str(&cell);
            } else {
                line.push_str(&fit_to_width(&cell, widths[c]));
                line.push_str("  ");
            }
        }
        writeln!(out, "{}", fit_line(line.trim_end(), width))?;
    }
    Ok(())
}

/// Human output of item rows: each starts with its post's id and date (up to 6 and 12
/// columns), then the cells `cells` gives, capped by `caps`.
fn print_item_rows(
    out: &mut dyn Write,
    items: &[ItemRow],
    caps: &[usize],
    cells: impl Fn(&ItemRow) -> Vec<String>,
) -> io::Result<()> {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let mut row = vec![i.post_id.to_string(), i.date.clone().unwrap_or_default()];
            row.extend(cells(i));
            row
        })
        .collect();
    let caps: Vec<usize> = [6, 12].into_iter().chain(caps.iter().copied()).collect();
    print_rows(out, &rows, &caps)
}

fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

pub fn print_sections(
    out: &mut dyn Write,
    sections: &[SectionCount],
    as_json: bool,
) -> io::Result<()> {
    if as_json {
        return json(out, &sections);
    }
    let rows: Vec<Vec<String>> = sections
        .iter()
        .map(|s| {
            vec![
                count_of(s.posts as u64, "issue", "issues"),
                count_of(s.items as u64, "item", "items"),
                s.section.clone(),
            ]
        })
        .collect();
    print_rows(out, &rows, &[12, 12, usize::MAX])
}

pub fn print_items(out: &mut dyn Write, items: &[ItemRow], as_json: bool) -> io::Result<()> {
    if as_json {
        return json(out, &items);
    }
    print_item_rows(out, items, &[24, 60, usize::MAX], |i| {
        vec![
            i.section.clone(),
            first_line(&i.title),
            i.link.clone().unwrap_or_default(),
        ]
    })
}

#[derive(Serialize)]
struct QuestionJson<'a> {
    post_id: i64,
    date: Option<&'a str>,
    asker: Option<&'a str>,
    question: Option<&'a str>,
    answer: Option<&'a str>,
    project: Option<&'a str>,
}

pub fn print_questions(out: &mut dyn Write, items: &[ItemRow], as_json: bool) -> io::Result<()> {
    if as_json {
        let rows: Vec<QuestionJson<'_>> = items
            .iter()
            .map(|i| QuestionJson {
                post_id: i.post_id,
                date: i.date.as_deref(),
                asker: i.details.asker.as_deref(),
                question: i.details.question.as_deref(),
                answer: i.details.answer.as_deref(),
                project: i.details.project.as_deref(),
            })
            .collect();
        return json(out, &rows);
    }
    print_item_rows(out, items, &[14, 16, usize::MAX], |i| {
        vec![
            i.details.project.clone().unwrap_or_else(|| "-".into()),
            format!("@{}", i.details.asker.as_deref().unwrap_or("")),
            first_line(i.details.question.as_deref().unwrap_or(&i.title)),
        ]
    })
}

#[derive(Serialize)]
struct ReleaseJson<'a> {
    post_id: i64,
    date: Option<&'a str>,
    project: Option<&'a str>,
    version: Option<&'a str>,
    link: Option<&'a str>,
    changes: &'a [String],
}

pub fn print_releases(out: &mut dyn Write, items: &[ItemRow], as_json: bool) -> io::Result<()> {
    if as_json {
        let rows: Vec<ReleaseJson<'_>> = items
            .iter()
            .map(|i| ReleaseJson {
                post_id: i.post_id,
                date: i.date.as_deref(),
                project: i.details.project.as_deref(),
                version: i.details.version.as_deref(),
                link: i.link.as_deref(),
                changes: &i.details.changes,
            })
            .collect();
        return json(out, &rows);
    }
    print_item_rows(out, items, &[18, 16, 12, usize::MAX], |i| {
        vec![
            i.details.project.clone().unwrap_or_else(|| "-".into()),
            i.details.version.clone().unwrap_or_else(|| "-".into()),
            format!("{} changes", i.details.changes.len()),
            i.link.clone().unwrap_or_default(),
        ]
    })
}
