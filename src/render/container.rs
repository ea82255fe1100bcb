//! Container blocks of the site generators, which CommonMark does not know: Zenn's
//! `:::message`, `:::message alert` and `:::details Title`; VitePress's `::: tip`,
//! `::: warning`, `::: danger`, `::: details`; Docusaurus's `:::note[Title]`; Pandoc's fenced
//! divs (`::: note`, `::: {.warning}`).
//!
//! [`find`] finds their fence lines (not inside code blocks) and blanks them in a copy of the
//! markdown, byte for byte, so pulldown-cmark sees the content as ordinary blocks and every
//! offset stays what it was. The walker opens a callout where an opening fence was and closes
//! it where the closing fence was, drawn as GitHub's `> [!NOTE]` alerts are.

use std::borrow::Cow;

/// What a callout is about: it picks the label and the colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalloutKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
    /// A collapsible block on the web (`:::details`), shown open here.
    Details,
}

impl CalloutKind {
    /// Warnings and cautions stand out in their own colour.
    pub fn is_warning(self) -> bool {
        matches!(self, CalloutKind::Warning | CalloutKind::Caution)
    }
}

/// A callout's first line: what it is, and its own title when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callout {
    pub kind: CalloutKind,
    pub label: String,
}

impl Callout {
    /// A callout of `kind` labelled with `title`, or with the kind's name without one.
    pub fn new(kind: CalloutKind, title: Option<&str>) -> Callout {
        let title = title.map(str::trim).filter(|title| !title.is_empty());
        let label = match (kind, title) {
            (CalloutKind::Details, Some(title)) => format!("▸ {title}"),
            (_, Some(title)) => title.to_string(),
            (CalloutKind::Note, None) => "Note".into(),
            (CalloutKind::Tip, None) => "Tip".into(),
            (CalloutKind::Important, None) => "Important".into(),
            (CalloutKind::Warning, None) => "Warning".into(),
            (CalloutKind::Caution, None) => "Caution".into(),
            (CalloutKind::Details, None) => "▸ Details".into(),
        };
        Callout { kind, label }
    }
}

/// Where a fence line was, and whether it opened or closed a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// Byte offset of the fence line in the markdown.
    pub offset: usize,
    /// `None` for a closing fence.
    pub opens: Option<Callout>,
}

/// The markdown with container fences blanked, and the fences in order. Borrows the text
/// untouched when it has no container (the common case, checked with one search).
pub fn find(markdown: &str) -> (Cow<'_, str>, Vec<Fence>) {
    if !markdown.contains(":::") {
        return (Cow::Borrowed(markdown), Vec::new());
    }
    let mut fences = Vec::new();
    let mut blank_ranges = Vec::new();
    let mut open = 0usize;
    let mut code_fence: Option<(u8, usize)> = None;
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start_matches(' ').len();
        if indent > 3 {
            continue;
        }
        let trimmed = content[indent..].trim_end();
        if let Some(fence) = code_fence_of(trimmed) {
            code_fence = match code_fence {
                None => Some(fence),
                // A closing code fence: the same character, at least as long, no info.
                Some((c, n)) if fence.0 == c && fence.1 >= n && trimmed.len() == fence.1 => None,
                still_open => still_open,
            };
            continue;
        }
        if code_fence.is_some() {
            continue;
        }
        let colons = trimmed.len() - trimmed.trim_start_matches(':').len();
        if colons < 3 {
            continue;
        }
        let rest = trimmed[colons..].trim();
        let opens = if rest.is_empty() {
            if open == 0 {
                continue; // a closing fence with nothing to close is text
            }
            open -= 1;
            None
        } else {
            let Some(callout) = callout_of(rest) else {
                continue;
            };
            open += 1;
            Some(callout)
        };
        fences.push(Fence {
            offset: start,
            opens,
        });
        blank_ranges.push(start..start + content.len());
    }
    if fences.is_empty() {
        return (Cow::Borrowed(markdown), fences);
    }
    let mut blanked = markdown.as_bytes().to_vec();
    for range in blank_ranges {
        blanked[range].fill(b' ');
    }
    // Only whole lines (minus their line break) became spaces: still UTF-8.
    let blanked = String::from_utf8(blanked).unwrap_or_else(|_| markdown.to_string());
    (Cow::Owned(blanked), fences)
}

/// ```` ``` ```` or `~~~` (three or more) opening a line: the character and the count.
fn code_fence_of(line: &str) -> Option<(u8, usize)> {
    let first = *line.as_bytes().first()?;
    if first != b'`' && first != b'~' {
        return None;
    }
    let count = line.bytes().take_while(|&b| b == first).count();
    (count >= 3).then_some((first, count))
}

/// The callout an opening fence's words describe: `message alert`, `details 設定`,
/// `tip Custom title`, `note[Title]`, `{.warning}`. `None` when the first word is not a
/// word (`::: 12:00` in prose).
fn callout_of(words: &str) -> Option<Callout> {
    let words = words.trim_start_matches('{').trim_end_matches('}').trim();
    let words = words.trim_start_matches('.');
    let name_end = words
        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(words.len());
    let (name, rest) = words.split_at(name_end);
    if name.is_empty() || !name.starts_with(|c: char| c.is_alphabetic()) {
        return None;
    }
    let rest = rest.trim();
    // Docusaurus: `:::tip[Title]`; Pandoc: `{.note title="x"}`.
    let rest = rest
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .or_else(|| {
            rest.strip_prefix("title=")
                .map(|title| title.trim_matches(['"', '\'']))
        })
        .unwrap_or(rest);
    let name = name.to_ascii_lowercase();
    let name = name.strip_prefix("callout-").unwrap_or(&name);
    let (kind, title) = match name {
        // Zenn: `:::message alert` is its warning.
        "message" if rest == "alert" => (CalloutKind::Warning, None),
        "message" | "note" | "info" => (CalloutKind::Note, Some(rest)),
        "tip" | "hint" | "success" => (CalloutKind::Tip, Some(rest)),
        "important" => (CalloutKind::Important, Some(rest)),
        "warning" | "warn" | "attention" => (CalloutKind::Warning, Some(rest)),
        "danger" | "caution" | "error" | "alert" => (CalloutKind::Caution, Some(rest)),
        "details" | "spoiler" => (CalloutKind::Details, Some(rest)),
        // Any other container keeps its own name as a label.
        _ => {
            let mut label: String = name.chars().take(1).flat_map(char::to_uppercase).collect();
            label.push_str(&name[name.chars().next().map_or(0, char::len_utf8)..]);
            let title = if rest.is_empty() {
                label
            } else {
                format!("{label}: {rest}")
            };
            return Some(Callout::new(CalloutKind::Note, Some(&title)));
        }
    };
    Some(Callout::new(kind, title))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(markdown: &str) -> Vec<Option<String>> {
        find(markdown)
            .1
            .into_iter()
            .map(|fence| fence.opens.map(|callout| callout.label))
            .collect()
    }

    #[test]
    fn fences_are_blanked_keeping_every_offset() {
        let text = ":::message alert\n注意してください\n:::\n後\n";
        let (blanked, fences) = find(text);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked, "                \n注意してください\n   \n後\n");
        assert_eq!(fences[0].offset, 0);
        assert_eq!(fences[1].offset, text.find(":::\n").unwrap());
        assert_eq!(
            fences[0].opens,
            Some(Callout::new(CalloutKind::Warning, None))
        );
    }

    #[test]
    fn every_generator_spelling_gets_its_label() {
        assert_eq!(labels(":::message\nx\n:::\n"), [Some("Note".into()), None]);
        assert_eq!(
            labels(":::details 設定ファイル\nx\n:::\n"),
            [Some("▸ 設定ファイル".into()), None]
        );
        for (opener, label) in [
            ("::: tip", "Tip"),
            ("::: warning 注意", "注意"),
            (":::note[Heads up]", "Heads up"),
            ("::: {.caution}", "Caution"),
            ("::: danger", "Caution"),
            ("::: code-group", "Code-group"),
        ] {
            assert_eq!(
                labels(&format!("{opener}\nx\n:::\n"))[0].as_deref(),
                Some(label),
                "{opener}"
            );
        }
    }

    #[test]
    fn fences_in_code_and_stray_closers_are_text() {
        let text = "```md\n:::message\n```\n\n:::\n\n~~~~\n::: tip\n~~~~\n";
        let (blanked, fences) = find(text);
        assert!(fences.is_empty());
        assert_eq!(blanked, text);
        assert!(labels("::: 12:00\n").is_empty());
    }

    #[test]
    fn nested_containers_close_innermost_first() {
        let fences = labels("::::details 外\n:::message\n内\n:::\n::::\n");
        assert_eq!(
            fences,
            [Some("▸ 外".into()), Some("Note".into()), None, None]
        );
    }
}
