//! A post's markdown flattened to its top-level blocks, as plain text with their links and
//! emphasis facts: what the section and item rules look at. Reference-style links arrive
//! resolved (pulldown-cmark looks the definitions up).

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A link as written: its text and where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub text: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading of this level (1–6).
    Heading(u8),
    Paragraph,
    List,
    Quote,
    Code,
    /// A thematic break (`---`).
    Rule,
    /// Raw HTML, tables and anything else shown but not split.
    Other,
}

/// One entry of a top-level list, with everything nested in it.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub text: String,
    pub links: Vec<Link>,
    pub offset: usize,
}

/// A top-level block.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// Byte range in the markdown.
    pub offset: usize,
    pub end: usize,
    /// The plain text: breaks (soft, hard, `<br>`) as `\n`, images left out.
    pub text: String,
    pub links: Vec<Link>,
    /// Every visible character is inside `**…**` (a paragraph or heading).
    pub bold_only: bool,
    /// The text of the bold run the paragraph opens with, if it opens with one.
    pub bold_lead: Option<String>,
    /// Top-level entries, for a list.
    pub entries: Vec<Entry>,
    /// The block shows a picture and no text.
    pub image_only: bool,
}

impl Block {
    fn new(kind: BlockKind, offset: usize) -> Block {
        Block {
            kind,
            offset,
            end: offset,
            text: String::new(),
            links: Vec::new(),
            bold_only: false,
            bold_lead: None,
            entries: Vec::new(),
            image_only: false,
        }
    }

    /// Only links (and spaces, bullets and emphasis marks) make up the text.
    pub fn is_link_only(&self) -> bool {
        if self.links.is_empty() {
            return false;
        }
        let mut rest = self.text.clone();
        for link in &self.links {
            rest = rest.replacen(&link.text, "", 1);
        }
        rest.chars()
            .all(|c| c.is_whitespace() || "*_-·•|｜/、,，".contains(c))
    }
}

/// State of the walk inside one top-level block.
#[derive(Default)]
struct Walk {
    depth: usize,
    strong: usize,
    image: usize,
    /// Visible text seen outside bold, and inside it.
    plain_chars: bool,
    bold_chars: bool,
    /// The opening bold run, while it is still being read (`Some` once it started).
    lead: Option<String>,
    lead_done: bool,
    saw_image: bool,
    /// Each open link: where its text starts in the block text, and its URL.
    open_links: Vec<(usize, String)>,
    entry: Option<Entry>,
}

/// The top-level blocks of `markdown`, in order.
pub fn read_blocks(markdown: &str) -> Vec<Block> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut blocks = Vec::new();
    let mut current: Option<(Block, Walk)> = None;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        let Some((block, walk)) = current.as_mut() else {
            let kind = match &event {
                Event::Start(Tag::Heading { level, .. }) => {
                    BlockKind::Heading(level_number(*level))
                }
                Event::Start(Tag::Paragraph) => BlockKind::Paragraph,
                Event::Start(Tag::List(_)) => BlockKind::List,
                Event::Start(Tag::BlockQuote(_)) => BlockKind::Quote,
                Event::Start(Tag::CodeBlock(_)) => BlockKind::Code,
                // Raw HTML swallows the markdown lines after it up to a blank line
                // ("</br>\n**2、@name** 提问："): its text is read as a paragraph's.
                Event::Start(Tag::HtmlBlock) => BlockKind::Paragraph,
                Event::Rule => {
                    let mut rule = Block::new(BlockKind::Rule, range.start);
                    rule.end = range.end;
                    blocks.push(rule);
                    continue;
                }
                Event::Start(_) => BlockKind::Other,
                // Top-level HTML and stray text: shown, never split.
                _ => {
                    let mut other = Block::new(BlockKind::Other, range.start);
                    other.end = range.end;
                    blocks.push(other);
                    continue;
                }
            };
            let mut block = Block::new(kind, range.start);
            block.end = range.end;
            current = Some((
                block,
                Walk {
                    depth: 1,
                    ..Walk::default()
                },
            ));
            continue;
        };
        match event {
            Event::Start(tag) => {
                walk.depth += 1;
                match tag {
                    Tag::Strong => walk.strong += 1,
                    Tag::Image { .. } => {
                        walk.image += 1;
                        walk.saw_image = true;
                    }
                    Tag::Link { dest_url, .. } => {
                        walk.open_links
                            .push((block.text.len(), dest_url.to_string()));
                    }
                    Tag::Item if walk.depth == 2 && block.kind == BlockKind::List => {
                        walk.entry = Some(Entry {
                            offset: range.start,
                            ..Entry::default()
                        });
                    }
                    Tag::Paragraph | Tag::Item | Tag::CodeBlock(_) | Tag::Heading { .. } => {
                        push_break(block, walk)
                    }
                    _ => {}
                }
            }
            Event::End(tag) => {
                walk.depth -= 1;
                match tag {
                    TagEnd::Strong => {
                        walk.strong = walk.strong.saturating_sub(1);
                        if walk.strong == 0 && walk.lead.is_some() {
                            walk.lead_done = true;
                        }
                    }
                    TagEnd::Image => walk.image = walk.image.saturating_sub(1),
                    TagEnd::Link => {
                        if let Some((start, url)) = walk.open_links.pop() {
                            let text = block.text[start..].trim().to_string();
                            let link = Link { text, url };
                            if let Some(entry) = walk.entry.as_mut() {
                                entry.links.push(link.clone());
                            }
                            block.links.push(link);
                        }
                    }
                    TagEnd::Item if walk.depth == 1 => {
                        if let Some(mut entry) = walk.entry.take() {
                            entry.text = entry.text.trim().to_string();
                            block.entries.push(entry);
                        }
                    }
                    _ => {}
                }
                if walk.depth == 0 {
                    let (mut block, walk) = current.take().expect("a block is open");
                    finish(&mut block, &walk);
                    blocks.push(block);
                }
            }
            Event::Text(text) | Event::Code(text) => push_text(block, walk, &text),
            Event::InlineHtml(html) if is_break_tag(&html) => push_break(block, walk),
            Event::Html(html) => {
                for line in html.lines() {
                    let text = crate::text::strip_tags(line);
                    if !text.trim().is_empty() {
                        push_text(block, walk, text.trim());
                    }
                    push_break(block, walk);
                }
            }
            Event::SoftBreak | Event::HardBreak => push_break(block, walk),
            _ => {}
        }
    }
    blocks
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn is_break_tag(html: &str) -> bool {
    let tag: String = html
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '/')
        .collect::<String>()
        .to_ascii_lowercase();
    tag == "<br>"
}

fn push_text(block: &mut Block, walk: &mut Walk, text: &str) {
    if walk.image > 0 {
        return;
    }
    let visible = text.chars().any(|c| !c.is_whitespace());
    if visible {
        if walk.strong > 0 {
            walk.bold_chars = true;
            if !walk.plain_chars && !walk.lead_done {
                walk.lead.get_or_insert_with(String::new).push_str(text);
            }
        } else {
            walk.plain_chars = true;
            if walk.lead.is_some() {
                walk.lead_done = true;
            }
        }
    } else if walk.strong > 0
        && let Some(lead) = walk.lead.as_mut()
        && !walk.lead_done
    {
        lead.push_str(text);
    }
    block.text.push_str(text);
    if let Some(entry) = walk.entry.as_mut() {
        entry.text.push_str(text);
    }
}

fn push_break(block: &mut Block, walk: &mut Walk) {
    if !block.text.is_empty() && !block.text.ends_with('\n') {
        block.text.push('\n');
    }
    if let Some(entry) = walk.entry.as_mut()
        && !entry.text.is_empty()
        && !entry.text.ends_with('\n')
    {
        entry.text.push('\n');
    }
}

fn finish(block: &mut Block, walk: &Walk) {
    block.text = block.text.trim().to_string();
    let text_like = matches!(block.kind, BlockKind::Paragraph | BlockKind::Heading(_));
    block.bold_only = text_like && walk.bold_chars && !walk.plain_chars;
    if block.kind == BlockKind::Paragraph {
        block.bold_lead = walk
            .lead
            .as_ref()
            .map(|lead| lead.trim().to_string())
            .filter(|lead| !lead.is_empty());
    }
    block.image_only = walk.saw_image && block.text.is_empty();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paragraph_keeps_its_breaks_links_and_bold_lead() {
        let blocks =
            read_blocks("**1、@张三** 提问：<br/>\n> 问题\n\nA：[答](https://a.example)\n");
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0].text, "1、@张三 提问：");
        assert_eq!(blocks[0].bold_lead.as_deref(), Some("1、@张三"));
        assert!(!blocks[0].bold_only);
        assert_eq!(blocks[1].kind, BlockKind::Quote);
        assert_eq!(blocks[2].links[0].url, "https://a.example");
        assert_eq!(blocks[2].links[0].text, "答");
    }

    #[test]
    fn reference_links_are_resolved_and_entries_collected() {
        let md = "* [One][1] by a\n* [Two][two]\n\n[1]: https://one.example\n[two]: https://two.example\n";
        let blocks = read_blocks(md);
        let list = &blocks[0];
        assert_eq!(list.entries.len(), 2);
        assert_eq!(list.entries[0].links[0].url, "https://one.example");
        assert_eq!(list.entries[0].text, "One by a");
        assert_eq!(list.entries[1].links[0].url, "https://two.example");
    }

    #[test]
    fn bold_only_and_link_only() {
        let blocks = read_blocks("**本周推荐阅读**\n\n[标题](https://x.example)\n\n![图](a.png)\n");
        assert!(blocks[0].bold_only);
        assert!(blocks[1].is_link_only());
        assert!(blocks[2].image_only);
    }
}
