//! The renderer's promises as checks, shared by the tests, the fuzz target and
//! `examples/wrapcheck.rs`: no line wider than the width, no line starting with closing
//! punctuation where it wrapped, and no text lost.

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::Rendered;
use super::breaks::is_no_start;
use super::sanitize::visible;

/// A broken promise, with the line it was found on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    TooWide { line: usize, width: usize },
    ClosingPunctuationStartsLine { line: usize },
    TextLost { missing: String },
}

/// The visible characters of the markdown's text (no markup, no HTML, no spaces), as the
/// renderer shows them (control characters as pictures). Container fences (`:::message`)
/// and GitHub alert markers (`[!NOTE]`) are markup: the renderer shows a label instead.
pub fn source_characters(markdown: &str) -> HashMap<char, usize> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM;
    let (markdown, _) = super::container::find(markdown);
    let mut counts = HashMap::new();
    let mut in_html_block = false;
    for event in Parser::new_ext(&markdown, options) {
        match event {
            Event::Start(Tag::HtmlBlock) => in_html_block = true,
            Event::End(TagEnd::HtmlBlock) => in_html_block = false,
            Event::Text(text) | Event::Code(text) if !in_html_block => count(&mut counts, &text),
            _ => {}
        }
    }
    counts
}

fn count(counts: &mut HashMap<char, usize>, text: &str) {
    for c in text.chars().filter_map(visible) {
        // A zero-width joiner is formatting, not text: the renderer keeps it only inside
        // emoji sequences.
        if !c.is_whitespace() && c != '\u{200d}' {
            *counts.entry(c).or_default() += 1;
        }
    }
}

/// Checks every promise of a render at `width`.
pub fn violations(markdown: &str, rendered: &Rendered, width: usize) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut shown = HashMap::new();
    for (index, line) in rendered.lines.iter().enumerate() {
        if line.width() > width {
            found.push(Violation::TooWide {
                line: index,
                width: line.width(),
            });
        }
        let text = line.to_string();
        count(&mut shown, &text);
        let content = text.trim_start_matches(|c: char| " ┃│↪•◦▪".contains(c));
        if index > 0 && content.starts_with(|c: char| !c.is_ascii() && is_no_start(c)) {
            let previous = rendered.lines[index - 1].to_string();
            // Only wrapped lines count: the previous line is text of the same block.
            if !previous.trim_end().is_empty() && !content.starts_with('…') {
                found.push(Violation::ClosingPunctuationStartsLine { line: index });
            }
        }
    }
    let mut missing: Vec<(char, usize)> = source_characters(markdown)
        .into_iter()
        .filter_map(|(c, n)| {
            let have = shown.get(&c).copied().unwrap_or(0);
            (have < n).then(|| (c, n - have))
        })
        .collect();
    if !missing.is_empty() {
        missing.sort();
        let missing = missing.iter().map(|(c, n)| format!("{c:?}×{n}")).collect();
        found.push(Violation::TextLost {
            missing: missing_list(missing),
        });
    }
    found
}

fn missing_list(items: Vec<String>) -> String {
    items.join(" ")
}

/// Panics with the violations of a render at `width` (for tests and the fuzz target).
pub fn assert_promises_kept(markdown: &str, rendered: &Rendered, width: usize) {
    let found = violations(markdown, rendered, width);
    assert!(
        found.is_empty(),
        "{found:?} in {:#?}",
        rendered.plain_lines()
    );
}

/// Panics when some of the markdown's text is missing from the render.
pub fn assert_text_kept(markdown: &str, rendered: &Rendered) {
    let found: Vec<_> = violations(markdown, rendered, usize::MAX)
        .into_iter()
        .filter(|v| matches!(v, Violation::TextLost { .. }))
        .collect();
    assert!(
        found.is_empty(),
        "{found:?} in {:#?}",
        rendered.plain_lines()
    );
}
