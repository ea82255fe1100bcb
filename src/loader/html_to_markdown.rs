//! HTML → markdown for feed items: the same renderer then shows feeds and markdown archives.
//!
//! htmd does the conversion; before it, relative `href`/`src` attributes are resolved against
//! the item's base URL and links a reader should never follow are dropped. HTML nested too
//! deep for a recursive converter (or for html5ever's tree building) is reduced to its text.
//!
//! Callers: [`super::feed`], for item bodies, summaries and HTML titles.

use std::rc::Rc;

use markup5ever_rcdom::{Node, NodeData};
use url::Url;

/// Deeper HTML than this is reduced to its text: htmd converts recursively, and a feed with
/// thousands of nested elements would otherwise overflow the stack (measured: a debug build
/// overflows 2 MiB at about 1,000 nested `<div>`s). Real articles nest a few dozen deep.
const MAX_HTML_DEPTH: usize = 100;

/// HTML → markdown, with `href`/`src` resolved against `base` and scripts and styles dropped.
pub fn html_to_markdown(html: &str, base: Option<&Url>) -> String {
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(vec![
            "script", "style", "noscript", "iframe", "object", "embed",
        ])
        .build();
    // html5ever takes quadratic time on absurd nesting (minutes for 50,000 levels), so
    // such input never reaches it.
    if estimated_depth(html) > MAX_HTML_DEPTH {
        return crate::text::strip_tags(html).trim().to_owned();
    }
    let markdown = match converter.html_to_tree(html) {
        Ok(tree) if max_depth(&tree) > MAX_HTML_DEPTH => text_of(&tree),
        Ok(tree) => {
            rewrite_links(&tree, base);
            converter.tree_to_markdown(&tree)
        }
        // html5ever parses anything; an error here would be an IO error on a string.
        Err(_) => html.to_owned(),
    };
    markdown.trim().to_owned()
}

/// The text of an HTML fragment, without markup (for titles).
pub(super) fn html_to_text(html: &str) -> String {
    match htmd::HtmlToMarkdown::new().html_to_tree(html) {
        Ok(tree) => text_of(&tree),
        Err(_) => html.to_owned(),
    }
}

/// Elements that never hold others open: void ones, and those HTML closes implicitly.
fn never_nests(tag: &str) -> bool {
    matches!(
        tag,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "option"
            | "tr"
            | "td"
            | "th"
    )
}

/// The deepest element nesting a plain scan of the tags suggests (an over-estimate for
/// sloppy HTML, which only costs formatting). Linear time.
fn estimated_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|b| *b == b'<') {
        let start = at + offset + 1;
        let end = bytes[start..]
            .iter()
            .position(|b| *b == b'>')
            .map_or(bytes.len(), |e| start + e);
        let tag = &html[start..end];
        at = end.min(bytes.len());
        if let Some(closing) = tag.strip_prefix('/') {
            let name = closing.trim().to_ascii_lowercase();
            if !never_nests(&name) {
                depth = depth.saturating_sub(1);
            }
        } else if tag.starts_with(|c: char| c.is_ascii_alphabetic()) && !tag.ends_with('/') {
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if !never_nests(&name) {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
    }
    deepest
}

/// Every node with its depth, parents before children, without recursion.
fn for_each_node(root: &Rc<Node>, mut visit: impl FnMut(&Rc<Node>, usize)) {
    let mut stack = vec![(Rc::clone(root), 0)];
    while let Some((node, depth)) = stack.pop() {
        visit(&node, depth);
        let children = node.children.borrow();
        stack.extend(children.iter().rev().map(|c| (Rc::clone(c), depth + 1)));
    }
}

fn max_depth(root: &Rc<Node>) -> usize {
    let mut deepest = 0;
    for_each_node(root, |_, depth| deepest = deepest.max(depth));
    deepest
}

/// The text of a tree, in document order, skipping scripts and styles.
fn text_of(root: &Rc<Node>) -> String {
    let mut text = String::new();
    let mut skip_below: Option<usize> = None;
    for_each_node(root, |node, depth| {
        if skip_below.is_some_and(|d| depth > d) {
            return;
        }
        skip_below = None;
        match &node.data {
            NodeData::Element { name, .. }
                if matches!(&*name.local, "script" | "style" | "noscript") =>
            {
                skip_below = Some(depth);
            }
            NodeData::Text { contents } => text.push_str(&contents.borrow()),
            _ => {}
        }
    });
    text
}

/// Resolves relative `href` and `src` attributes; drops those with schemes a reader should
/// never follow (`javascript:`, `data:`, `file:`, …).
fn rewrite_links(root: &Rc<Node>, base: Option<&Url>) {
    for_each_node(root, |node, _| rewrite_node_links(node, base));
}

fn rewrite_node_links(node: &Rc<Node>, base: Option<&Url>) {
    if let NodeData::Element { attrs, .. } = &node.data {
        let mut attrs = attrs.borrow_mut();
        attrs.retain_mut(|attr| {
            let name = &*attr.name.local;
            if name != "href" && name != "src" {
                return true;
            }
            let resolved = resolve(base, attr.value.trim());
            let keep = resolved.starts_with('#') || is_web_url(&resolved) || {
                resolved.starts_with("mailto:")
            };
            if keep {
                attr.value = resolved.as_str().into();
            }
            keep
        });
    }
}

pub(super) fn resolve(base: Option<&Url>, href: &str) -> String {
    if href.starts_with('#') {
        return href.to_owned();
    }
    match Url::parse(href) {
        Ok(absolute) => absolute.to_string(),
        Err(_) => base
            .and_then(|b| b.join(href).ok())
            .map(|u| u.to_string())
            .unwrap_or_else(|| href.to_owned()),
    }
}

pub(super) fn is_web_url(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurdly_deep_html_becomes_text_instead_of_overflowing_the_stack() {
        let html = "<div>".repeat(50_000) + "deep <b>text</b>" + &"</div>".repeat(50_000);
        // The size of a background thread's stack in the app.
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || html_to_markdown(&html, None))
            .unwrap();
        assert_eq!(handle.join().unwrap(), "deep text");
        assert_eq!(
            estimated_depth("<p>a<p>b<br><img src=x><div><b>c</b></div>"),
            2
        );
        // Nesting left unclosed counts too.
        let implicit = "<ul>".repeat(150) + "x";
        assert_eq!(html_to_markdown(&implicit, None), "x");
        // Ordinary nesting is converted as usual.
        let nested = "<div>".repeat(30) + "<p>a <b>b</b></p>" + &"</div>".repeat(30);
        assert_eq!(html_to_markdown(&nested, None), "a **b**");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    const URL_FOR_PROPS: &str = "https://example.com/feed.xml";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any HTML converts without panicking and without control characters in titles.
        #[test]
        fn any_html_converts(html in "\\PC{0,200}") {
            let _ = html_to_markdown(&html, Url::parse(URL_FOR_PROPS).ok().as_ref());
            prop_assert!(!crate::text::sanitize_line(&html_to_text(&html)).chars().any(crate::text::is_forbidden));
        }
    }
}
