//! Where a post's sections start and what they are called: headings, and bold-only short
//! lines that newsletters use as headings. Names get a key ([`section_key`]) that is the
//! same across issues whatever the case, width, numbering, emoji or punctuation.

use super::blocks::{Block, BlockKind};

/// A bold-only line this wide or narrower may be a section title; a longer one is a
/// sentence that happens to be bold.
const BOLD_TITLE_MAX_WIDTH: usize = 40;

/// A section of one post: its title and the blocks under it, up to the next section.
#[derive(Debug, Clone)]
pub struct SectionSpan {
    /// As written (a sub-section's includes its parent: "Parent / Child").
    pub name: String,
    pub key: String,
    /// Byte offset of the title in the markdown.
    pub offset: usize,
    /// Which heading of the post it is (0-based), for a section started by a heading.
    pub heading: Option<usize>,
    /// Indexes into the post's blocks, title excluded.
    pub blocks: std::ops::Range<usize>,
}

/// The key two section names are compared by: full-width folded, lowercased, leading
/// numbering ("1、", "一、", "02.", "(3)") dropped, emoji and punctuation dropped, spaces
/// collapsed.
///
/// ```
/// use sofa_weekly::items::section_key;
/// assert_eq!(section_key("🦀 Crate of the Week:"), "crate of the week");
/// assert_eq!(section_key("３、本周推荐阅读！"), "本周推荐阅读");
/// assert_eq!(section_key("二、 工具"), "工具");
/// ```
pub fn section_key(name: &str) -> String {
    let folded = crate::tags::tag_key(name);
    let rest = strip_numbering(&folded);
    let mut key = String::with_capacity(rest.len());
    let mut pending_space = false;
    for c in rest.chars() {
        if c.is_alphanumeric() {
            if pending_space && !key.is_empty() {
                key.push(' ');
            }
            pending_space = false;
            key.push(c);
        } else if c.is_whitespace() || c == '/' {
            pending_space = true;
        }
        // Anything else (punctuation, symbols, emoji) is left out, without a space, so
        // "News & Blog Posts" and "News and Blog Posts" stay different but "C++" is "c".
    }
    key
}

/// `rest` without a leading list number such as "1、", "1.", "01 ", "一、", "(2)", "第三，".
pub fn strip_numbering(text: &str) -> &str {
    let trimmed = text.trim_start();
    let body = trimmed
        .strip_prefix('第')
        .unwrap_or(trimmed)
        .trim_start_matches(['(', '（']);
    let digits_end = body
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || is_chinese_numeral(c)))
        .map_or(body.len(), |(i, _)| i);
    if digits_end == 0 {
        return trimmed;
    }
    let after = &body[digits_end..];
    let mut chars = after.chars();
    match chars.next() {
        Some('、' | '.' | '．' | ')' | '）' | '，' | ',' | ':' | '：') => {
            // "1.5 版本" is a number, not numbering.
            if after.starts_with('.') && chars.next().is_some_and(|c| c.is_ascii_digit()) {
                return trimmed;
            }
            after[after.chars().next().map_or(0, char::len_utf8)..].trim_start()
        }
        Some(' ') if body[..digits_end].chars().all(|c| c.is_ascii_digit()) => {
            // "1 foo" is numbering only when the number is short.
            if digits_end <= 2 {
                after.trim_start()
            } else {
                trimmed
            }
        }
        _ => trimmed,
    }
}

fn is_chinese_numeral(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

/// Whether a paragraph is a bold-only line standing for a section title.
fn is_bold_title(block: &Block) -> bool {
    if block.kind != BlockKind::Paragraph || !block.bold_only || block.text.contains('\n') {
        return false;
    }
    let text = block.text.trim();
    let width = crate::text::display_width(text);
    // A colon at the end introduces what follows ("本周发布详情如下："); an asker line
    // ("@name 提问") and a numbered lead are items, not titles.
    !text.is_empty()
        && width <= BOLD_TITLE_MAX_WIDTH
        && block.links.is_empty()
        && !text.ends_with([':', '：'])
        && !text.contains('@')
        // Sentence punctuation makes a bold line a sentence ("筛选每周精华问答，同步开源进展").
        && !text.contains(['，', '。', '！', '？', '?', '～', '!'])
        && !text.contains("提问")
        && strip_numbering(text).len() == text.len()
}

/// Splits a post's blocks into sections. Blocks before the first title form an untitled
/// section (key ""), returned only when it has blocks.
pub fn find_sections(blocks: &[Block]) -> Vec<SectionSpan> {
    let mut sections: Vec<SectionSpan> = Vec::new();
    let mut start_untitled = 0;
    // Open headings: (level, name, key, groups), deepest last. A heading groups when a
    // deeper heading follows it directly ("## Updates from Rust Community" then
    // "### Official"): its sub-sections' bare names are ambiguous ("Official" of what?)
    // and get its name in front. A heading with text of its own is not a group, and the
    // headings under it keep their names (an editor's H4 "本周推荐阅读" after an H3).
    let mut parents: Vec<(u8, String, String, bool)> = Vec::new();
    let mut heading_index = 0;
    let close = |sections: &mut Vec<SectionSpan>, at: usize| {
        if let Some(last) = sections.last_mut() {
            last.blocks.end = at;
        }
    };
    for (i, block) in blocks.iter().enumerate() {
        let title = match block.kind {
            BlockKind::Heading(level) => {
                let index = heading_index;
                heading_index += 1;
                let bare = block.text.trim().to_string();
                while parents.last().is_some_and(|(l, ..)| *l >= level) {
                    parents.pop();
                }
                let parent = parents.last().filter(|(.., groups)| *groups).cloned();
                let groups = blocks
                    .get(i + 1)
                    .is_some_and(|next| matches!(next.kind, BlockKind::Heading(l) if l > level));
                let (name, key) = match parent {
                    Some((_, parent_name, parent_key, _)) => (
                        format!("{parent_name} / {bare}"),
                        format!("{parent_key} / {}", section_key(&bare)),
                    ),
                    None => (bare.clone(), section_key(&bare)),
                };
                parents.push((level, name.clone(), key.clone(), groups));
                Some((name, key, Some(index)))
            }
            // Bold-only titles stand in for headings, at any depth: SOFA Weekly puts
            // "**每周读者问答提炼**" under an H3 as often as under an H2. Their name is bare,
            // as they do not say which heading they belong to. A bold line right under a
            // title is its subtitle ("本周各项目回复 issue 共计 2 条"). Release notes end with
            // their report link: a bold line before it is the notes' own ("此版本强烈建议
            // 升级"), one after it starts the next section.
            BlockKind::Paragraph
                if is_bold_title(block)
                    && !sections.last().is_some_and(|s| {
                        s.blocks.start == i
                            || (super::releases::is_releases_section(&s.key)
                                && blocks[i - 1].links.is_empty())
                    }) =>
            {
                let name = block.text.trim().to_string();
                let key = section_key(&name);
                Some((name, key, None))
            }
            _ => None,
        };
        let Some((name, key, heading)) = title else {
            continue;
        };
        if sections.is_empty() && i > start_untitled {
            sections.push(SectionSpan {
                name: String::new(),
                key: String::new(),
                offset: blocks[start_untitled].offset,
                heading: None,
                blocks: start_untitled..i,
            });
        }
        close(&mut sections, i);
        if key.is_empty() {
            // A title of only punctuation or emoji names nothing: its blocks join the
            // section before.
            start_untitled = i + 1;
            continue;
        }
        sections.push(SectionSpan {
            name,
            key,
            offset: block.offset,
            heading,
            blocks: i + 1..i + 1,
        });
    }
    close(&mut sections, blocks.len());
    if sections.is_empty() && !blocks.is_empty() {
        sections.push(SectionSpan {
            name: String::new(),
            key: String::new(),
            offset: blocks[0].offset,
            heading: None,
            blocks: 0..blocks.len(),
        });
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::super::blocks::read_blocks;
    use super::*;

    /// The names of the sections `md` is cut into, in order.
    fn section_names(md: &str) -> Vec<String> {
        let blocks = read_blocks(md);
        find_sections(&blocks).into_iter().map(|s| s.name).collect()
    }

    #[test]
    fn keys_fold_numbering_case_width_and_emoji() {
        assert_eq!(
            section_key("Crate of the Week"),
            section_key("crate of the week 🦀")
        );
        assert_eq!(section_key("1. Tools"), "tools");
        assert_eq!(section_key("（二）文章"), "文章");
        assert_eq!(section_key("SOFA 1.5 发布"), "sofa 15 发布");
        assert_eq!(section_key("2019 年回顾"), "2019 年回顾");
        assert_eq!(section_key("✨"), "");
    }

    #[test]
    fn headings_and_bold_lines_start_sections() {
        let md = "intro\n\n**每周读者问答提炼**\n\nq\n\n**本周发布详情如下：**\n\n## 本周发布\n\n### MOSN\n\n- x\n\n**此版本强烈建议升级**\n\n## 社区\n\nhi\n\n**本周推荐阅读**\n";
        assert_eq!(
            section_names(md),
            [
                "",
                "每周读者问答提炼",
                "本周发布",
                "本周发布 / MOSN",
                "社区",
                "本周推荐阅读"
            ]
        );
    }

    #[test]
    fn only_a_grouping_heading_names_its_sub_sections() {
        let md = "# Issue 12\n\nhello\n\n## News\n\n- [a](https://a)\n\n## Updates\n\n### Official\n\n#### Deep\n";
        assert_eq!(
            section_names(md),
            [
                "Issue 12",
                "News",
                "Updates",
                "Updates / Official",
                "Updates / Official / Deep"
            ]
        );
    }
}
