//! A post's title is shown by the header ([`super::header`]); many posts also open with the
//! same words as their first heading (every post titled from its first heading does), which
//! would show the title twice. [`without_repeated_title`] blanks that heading out.

use std::borrow::Cow;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// `markdown` with its leading heading blanked when the heading says `title` (ignoring
/// surrounding and repeated whitespace). Only a heading that is the post's first block
/// counts. The heading's bytes become spaces (its newlines stay), so every other byte keeps
/// its offset and a saved reading position still points where it did.
///
/// ```
/// use sofa_weekly::render::without_repeated_title;
/// let body = "# 科技爱好者周刊（第 1 期）\n\n正文\n";
/// assert_eq!(without_repeated_title(body, "科技爱好者周刊（第 1 期）").trim(), "正文");
/// assert_eq!(without_repeated_title(body, "Another title"), body);
/// ```
pub fn without_repeated_title<'a>(markdown: &'a str, title: &str) -> Cow<'a, str> {
    match repeated_title_range(markdown, title) {
        Some(range) => {
            let mut blanked = String::with_capacity(markdown.len());
            blanked.push_str(&markdown[..range.start]);
            blanked.extend(
                markdown[range.clone()]
                    .chars()
                    .flat_map(|c| blank_of(c).chars()),
            );
            blanked.push_str(&markdown[range.end..]);
            Cow::Owned(blanked)
        }
        None => Cow::Borrowed(markdown),
    }
}

/// The same number of bytes as `c`, all spaces, or the line break itself.
fn blank_of(c: char) -> &'static str {
    const SPACES: &str = "    ";
    match c {
        '\n' => "\n",
        '\r' => "\r",
        c => &SPACES[..c.len_utf8()],
    }
}

/// The byte range of the first block when it is a heading that repeats `title`.
fn repeated_title_range(markdown: &str, title: &str) -> Option<std::ops::Range<usize>> {
    let title = folded(title);
    if title.is_empty() {
        return None;
    }
    let mut events = Parser::new(markdown).into_offset_iter();
    let (Event::Start(Tag::Heading { .. }), range) = events.next()? else {
        return None;
    };
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(part) | Event::Code(part) => text.push_str(&part),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    (folded(&text) == title).then_some(range)
}

/// Whitespace runs folded to one space, the ends trimmed.
fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_heading_that_repeats_the_title_is_blanked_keeping_offsets() {
        let body = "# This Week in Rust 500\n\nHello **world**.\n";
        let shown = without_repeated_title(body, "This Week in Rust  500");
        assert_eq!(shown.len(), body.len());
        assert!(shown.starts_with("                       \n"), "{shown:?}");
        assert_eq!(shown.find("Hello"), body.find("Hello"));
    }

    #[test]
    fn setext_and_inline_markup_headings_count() {
        let body = "Notes on `C++`\n==============\n\ntext\n";
        let shown = without_repeated_title(body, "Notes on C++");
        assert_eq!(shown.trim(), "text");
    }

    #[test]
    fn other_headings_and_later_headings_stay() {
        let later = "Intro.\n\n# Title\n";
        assert_eq!(without_repeated_title(later, "Title"), later);
        let different = "# Chapter 1\n\ntext\n";
        assert_eq!(without_repeated_title(different, "Title"), different);
        assert_eq!(without_repeated_title("# \n", ""), "# \n");
    }
}
