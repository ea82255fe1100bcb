//! The items of one section, by the first shape that applies: numbered paragraphs, a run of
//! bold-lead paragraphs, list entries that carry a link, link-only paragraphs; otherwise
//! the section is one item.

use super::blocks::{Block, BlockKind};
use super::sections::strip_numbering;

/// An item found by shape, before it is given its section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub title: String,
    pub link: Option<String>,
    pub text: String,
    pub offset: usize,
}

/// The items of a section made of `blocks`, or nothing when no shape applies (the section
/// is then one item, see [`whole`]).
pub fn split(blocks: &[Block]) -> Vec<Part> {
    let numbered: Vec<usize> = leads(blocks, is_numbered);
    if numbered.len() >= 2 {
        return runs(blocks, &numbered, numbered_title);
    }
    let bold: Vec<usize> = leads(blocks, |b| b.bold_lead.is_some());
    if bold.len() >= 2 {
        return runs(blocks, &bold, bold_title);
    }
    let entries: Vec<Part> = blocks
        .iter()
        .filter(|b| b.kind == BlockKind::List)
        .flat_map(|b| &b.entries)
        .filter_map(|entry| {
            let link = entry.links.first()?;
            Some(Part {
                title: link_title(&link.text, &entry.text),
                link: Some(link.url.clone()),
                text: entry.text.clone(),
                offset: entry.offset,
            })
        })
        .collect();
    if !entries.is_empty() {
        return entries;
    }
    blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Paragraph && b.is_link_only())
        .flat_map(|b| {
            b.links.iter().map(|link| Part {
                title: link_title(&link.text, &link.url),
                link: Some(link.url.clone()),
                text: link.text.clone(),
                offset: b.offset,
            })
        })
        .collect()
}

/// The whole section as one item titled `name`; `None` when it shows nothing but pictures.
pub fn whole(name: &str, blocks: &[Block]) -> Option<Part> {
    let kept = until_footer(blocks);
    let text = join_text(kept);
    let link = kept
        .iter()
        .flat_map(|b| &b.links)
        .next()
        .map(|l| l.url.clone());
    if text.is_empty() && link.is_none() {
        return None;
    }
    Some(Part {
        title: name.to_string(),
        link,
        text,
        offset: blocks.first().map_or(0, |b| b.offset),
    })
}

/// The paragraphs of `blocks` that open an item.
fn leads(blocks: &[Block], opens: impl Fn(&Block) -> bool) -> Vec<usize> {
    blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.kind == BlockKind::Paragraph && opens(b))
        .map(|(i, _)| i)
        .collect()
}

fn is_numbered(block: &Block) -> bool {
    let first = first_line(&block.text);
    strip_numbering(first).len() != first.len()
}

/// Items that each run from a lead paragraph to the next one. What comes before the
/// first lead is the section's own introduction; a footer after the last is left out.
fn runs(
    blocks: &[Block],
    leads: &[usize],
    title: fn(&Block) -> (String, Option<String>),
) -> Vec<Part> {
    leads
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = leads.get(n + 1).copied().unwrap_or(blocks.len());
            let lead = &blocks[start];
            let body = until_footer(&blocks[start..end]);
            let (title, link) = title(lead);
            let link = link.or_else(|| {
                body.iter()
                    .flat_map(|b| &b.links)
                    .next()
                    .map(|l| l.url.clone())
            });
            Part {
                title,
                link,
                text: join_text(body),
                offset: lead.offset,
            }
        })
        .collect()
}

fn numbered_title(lead: &Block) -> (String, Option<String>) {
    let line = strip_numbering(first_line(&lead.text));
    // "1、[title](url)": the link is the title.
    if let Some(link) = lead.links.first()
        && !link.text.is_empty()
        && line
            .trim_start_matches(['*', '_', '[', ' '])
            .starts_with(&link.text)
    {
        return (link.text.clone(), Some(link.url.clone()));
    }
    (line.trim().to_string(), None)
}

fn bold_title(lead: &Block) -> (String, Option<String>) {
    let bold = lead.bold_lead.as_deref().unwrap_or_default();
    let title = strip_numbering(bold)
        .trim()
        .trim_end_matches([':', '：'])
        .trim();
    let title = if title.is_empty() {
        strip_numbering(first_line(&lead.text)).trim()
    } else {
        title
    };
    (title.to_string(), None)
}

/// A link's title: its text, or the surrounding text when the link shows only its URL.
fn link_title(link_text: &str, fallback: &str) -> String {
    if link_text.is_empty() {
        first_line(fallback).trim().to_string()
    } else {
        link_text.to_string()
    }
}

pub(super) fn first_line(text: &str) -> &str {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or("")
}

pub(super) fn join_text(blocks: &[Block]) -> String {
    let mut text = String::new();
    for block in blocks {
        let piece = match block.kind {
            BlockKind::List => block
                .entries
                .iter()
                .map(|e| format!("- {}", e.text))
                .collect::<Vec<_>>()
                .join("\n"),
            _ => block.text.clone(),
        };
        if piece.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&piece);
    }
    text
}

/// `blocks` up to the first footer: a thematic break, or a paragraph asking the reader to
/// subscribe or follow, or signing off. Footers sit after the last item of an issue and
/// must not become part of it.
pub(super) fn until_footer(blocks: &[Block]) -> &[Block] {
    let end = blocks
        .iter()
        .position(|b| b.kind == BlockKind::Rule || is_footer(b))
        .unwrap_or(blocks.len());
    &blocks[..end]
}

fn is_footer(block: &Block) -> bool {
    if block.kind != BlockKind::Paragraph {
        return false;
    }
    let text = block.text.trim();
    let lower = text.to_lowercase();
    const SIGN_OFFS: [&str; 4] = ["（完）", "(完)", "-- end --", "— end —"];
    const ASKS: [&str; 9] = [
        "扫码关注",
        "关注“",
        "关注\"",
        "欢迎订阅",
        "订阅本周刊",
        "subscribe",
        "unsubscribe",
        "is edited by",
        "更多文章请",
    ];
    SIGN_OFFS.iter().any(|s| lower == *s)
        || (crate::text::display_width(text) <= 120 && ASKS.iter().any(|s| lower.contains(s)))
}

#[cfg(test)]
mod tests {
    use super::super::blocks::read_blocks;
    use super::*;

    fn titles(md: &str) -> Vec<(String, Option<String>)> {
        split(&read_blocks(md))
            .into_iter()
            .map(|p| (p.title, p.link))
            .collect()
    }

    #[test]
    fn numbered_paragraphs_take_their_link_as_title() {
        let md = "intro\n\n1、[One](https://1.example)\n\nabout one\n\n2、Two without link\n\nabout two\n\n（完）\n";
        let parts = split(&read_blocks(md));
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].title, "One");
        assert_eq!(parts[0].link.as_deref(), Some("https://1.example"));
        assert_eq!(parts[0].text, "1、One\n\nabout one");
        assert_eq!(parts[1].title, "Two without link");
        assert_eq!(
            parts[1].text, "2、Two without link\n\nabout two",
            "the footer is not glued"
        );
    }

    #[test]
    fn bold_leads_then_lists_then_link_paragraphs() {
        assert_eq!(
            titles("**A**：one\n\nmore\n\n**B**：two\n"),
            [("A".to_string(), None), ("B".to_string(), None)]
        );
        assert_eq!(
            titles("- [x](https://x)\n- no link\n- [y][y]\n\n[y]: https://y\n"),
            [
                ("x".to_string(), Some("https://x".to_string())),
                ("y".to_string(), Some("https://y".to_string()))
            ]
        );
        assert_eq!(
            titles("[a](https://a)\n\n[b](https://b)\n\n更多文章请扫码关注\n"),
            [
                ("a".to_string(), Some("https://a".to_string())),
                ("b".to_string(), Some("https://b".to_string()))
            ]
        );
        assert!(titles("just prose\n\nmore prose\n").is_empty());
    }
}
