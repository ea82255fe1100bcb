//! A newsletter issue as sections and items: pure, no IO. The library calls [`segment`] on
//! every post it imports and stores the result; the guards that need the whole source (a
//! section splits only when it recurs in several issues, boilerplate is not an item) are
//! the library's, because one post cannot tell.
//!
//! The rules are generic, with no code per newsletter:
//! - [`sections`]: a heading, or a bold-only short line, starts a section; names are
//!   compared by [`section_key`].
//! - [`split`]: a section's items are its numbered paragraphs, else its bold-lead
//!   paragraphs, else its list entries with links, else its link-only paragraphs.
//! - [`questions`] and [`releases`]: Q&A and release-note sections yield one structured
//!   item per question or release, with [`projects`] naming the project.

mod blocks;
mod projects;
mod questions;
mod releases;
mod sections;
mod split;

pub use projects::{alias_key, canonical_project};
pub use questions::Question;
pub use releases::Release;
pub use sections::section_key;

/// What an item is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// A whole section as one item: the item of a section with no shape, and the stand-in
    /// for a split section that does not recur (the library chooses).
    Whole,
    /// One of the items a section splits into.
    Part,
    Question(Question),
    Release(Release),
}

impl ItemKind {
    /// The name the library stores.
    pub fn name(&self) -> &'static str {
        match self {
            ItemKind::Whole => "whole",
            ItemKind::Part => "part",
            ItemKind::Question(_) => "question",
            ItemKind::Release(_) => "release",
        }
    }
}

/// One item of a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The section's name as written, and its key.
    pub section: String,
    pub section_key: String,
    pub kind: ItemKind,
    pub title: String,
    pub link: Option<String>,
    pub text: String,
    /// Byte offset of the item in the markdown.
    pub offset: usize,
    /// The heading (0-based, among the post's headings) of its section, if a heading
    /// started it.
    pub heading: Option<usize>,
}

/// A section of a post, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub key: String,
    pub offset: usize,
    pub heading: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segmented {
    pub sections: Vec<Section>,
    pub items: Vec<Item>,
}

/// Splits a post's markdown into its sections and items. Every titled section yields its
/// [`ItemKind::Whole`] item (unless it shows only pictures) and, when a shape applies, its
/// parts; a Q&A or release section yields its questions or releases instead of parts.
///
/// ```
/// use sofa_weekly::items::{segment, ItemKind};
/// let post = "## 工具\n\n1、[Zed](https://zed.dev)\n\n编辑器。\n\n2、[Helix](https://helix-editor.com)\n\n也是。\n";
/// let segmented = segment(post);
/// let parts: Vec<_> = segmented.items.iter().filter(|i| i.kind == ItemKind::Part).collect();
/// assert_eq!(parts[1].title, "Helix");
/// assert_eq!(parts[1].section, "工具");
/// ```
pub fn segment(markdown: &str) -> Segmented {
    let blocks = blocks::read_blocks(markdown);
    let mut out = Segmented::default();
    for span in sections::find_sections(&blocks) {
        if span.key.is_empty() {
            continue; // The untitled introduction is not a section.
        }
        let body = &blocks[span.blocks.clone()];
        out.sections.push(Section {
            name: span.name.clone(),
            key: span.key.clone(),
            offset: span.offset,
            heading: span.heading,
        });
        let item = |kind: ItemKind, part: split::Part| Item {
            section: span.name.clone(),
            section_key: span.key.clone(),
            kind,
            title: part.title,
            link: part.link,
            text: part.text,
            offset: part.offset,
            heading: span.heading,
        };
        let structured = structured_items(&span, body);
        if !structured.is_empty() {
            out.items
                .extend(structured.into_iter().map(|(kind, part)| item(kind, part)));
            continue;
        }
        let parts = split::split(body);
        if let Some(whole) = split::whole(&span.name, body) {
            out.items.push(item(ItemKind::Whole, whole));
        }
        out.items
            .extend(parts.into_iter().map(|part| item(ItemKind::Part, part)));
    }
    out
}

/// The questions or releases of a section, as items.
fn structured_items(
    span: &sections::SectionSpan,
    body: &[blocks::Block],
) -> Vec<(ItemKind, split::Part)> {
    let leaf_key = span.key.rsplit(" / ").next().unwrap_or(&span.key);
    if questions::is_questions_section(leaf_key) {
        return questions::questions(body)
            .into_iter()
            .map(|q| {
                let part = split::Part {
                    title: split::first_line(&q.question).trim().to_string(),
                    link: q.link.clone(),
                    text: question_text(&q.question, &q.answer),
                    offset: q.offset,
                };
                (ItemKind::Question(q), part)
            })
            .collect();
    }
    if releases::is_releases_section(leaf_key) {
        let leaf_name = span.name.rsplit(" / ").next().unwrap_or(&span.name);
        return releases::releases(leaf_name, span.offset, body)
            .into_iter()
            .map(|r| {
                let title = match (&r.project, &r.version) {
                    (Some(p), Some(v)) => format!("{p} {v}"),
                    _ => r.lead.trim_end_matches([':', '：']).to_string(),
                };
                let part = split::Part {
                    title,
                    link: r.link.clone(),
                    text: release_text(&r.changes),
                    offset: r.offset,
                };
                (ItemKind::Release(r), part)
            })
            .collect();
    }
    Vec::new()
}

/// A question item's text: the question, then its answer.
pub fn question_text(question: &str, answer: &str) -> String {
    format!("{question}\n\n{answer}").trim().to_string()
}

/// A release item's text: its changes as a list.
pub fn release_text(changes: &[String]) -> String {
    changes
        .iter()
        .map(|c| format!("- {c}"))
        .collect::<Vec<_>>()
        .join("\n")
}
