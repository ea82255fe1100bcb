//! OPML, the file format feed readers use to move subscriptions: reading the feeds out of
//! one ([`parse`]) and writing feed sources as OPML 2.0 ([`write`]). Pure: text in, text out;
//! `crate::cli` reads the file and registers the sources.
//!
//! Parsing uses quick-xml (already in the tree through feed-rs) rather than string search:
//! real exports nest outlines in folders, escape `&` in URLs and titles, and put attributes in
//! any order. Every `<outline>` with an `xmlUrl` is a feed, at any depth; its name is `title`,
//! else `text`. A feed outline without a usable URL is reported with its line and skipped.

use std::collections::HashSet;

use quick_xml::XmlVersion;
use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// One feed listed in an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    /// `title`, else `text`; empty when the outline has neither.
    pub name: String,
    pub xml_url: String,
    /// The folders it sits in, outermost first (`text` of the enclosing outlines).
    pub folders: Vec<String>,
    /// 1-based line of the `<outline>`.
    pub line: usize,
}

/// An outline that looked like a feed but could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlProblem {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for OpmlProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OpmlDocument {
    /// The feeds in document order; a URL listed twice is kept once (the first).
    pub feeds: Vec<OpmlFeed>,
    /// Feeds listed more than once (same URL), with the line of each repeat.
    pub duplicates: Vec<OpmlProblem>,
    pub problems: Vec<OpmlProblem>,
}

/// The whole file is unusable: not XML, or not OPML.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("line {line}: {message}")]
pub struct OpmlError {
    pub line: usize,
    pub message: String,
}

/// Whether `text` looks like an OPML document (for files not named `*.opml`): an `<opml`
/// element near the start, after an optional XML declaration and comments.
pub fn looks_like_opml(text: &str) -> bool {
    let head: String = text.chars().take(2048).collect();
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    trimmed.starts_with('<') && head.contains("<opml")
}

/// Reads the feeds an OPML document lists. Fails only when the text is not well-formed XML
/// or has no `<opml>` root; bad outlines become [`OpmlDocument::problems`].
pub fn parse(text: &str) -> Result<OpmlDocument, OpmlError> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = Reader::from_str(text);
    let mut document = OpmlDocument::default();
    let mut seen_urls = HashSet::new();
    let mut saw_root = false;
    // The `text` of each open outline that is not itself a feed, outermost first; feeds
    // that have children (rare) push `None` so that the stack stays balanced.
    let mut folders: Vec<Option<String>> = Vec::new();
    loop {
        let start_of_event = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| OpmlError {
            line: line_at(text, reader.error_position() as usize),
            message: format!("not well-formed XML ({e})"),
        })?;
        let opens_children = matches!(event, Event::Start(_));
        match event {
            Event::Start(element) | Event::Empty(element)
                if element.local_name().as_ref() == "opml" =>
            {
                saw_root = true;
            }
            Event::Start(element) | Event::Empty(element)
                if element.local_name().as_ref() == "outline" =>
            {
                let line = line_at(text, start_of_event);
                let attributes = outline_attributes(&element, line, &mut document);
                if attributes.xml_url.is_none() {
                    if opens_children {
                        folders.push(attributes.text.or(attributes.title));
                    }
                    continue;
                }
                if let Some(feed) = outline_feed(attributes, line, &folders, &mut document) {
                    add_feed(feed, &mut seen_urls, &mut document);
                }
                if opens_children {
                    folders.push(None);
                }
            }
            Event::End(element) if element.local_name().as_ref() == "outline" => {
                folders.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(OpmlError {
            line: 1,
            message: "not an OPML file (no <opml> element)".to_owned(),
        });
    }
    Ok(document)
}

#[derive(Default)]
struct OutlineAttributes {
    xml_url: Option<String>,
    title: Option<String>,
    text: Option<String>,
}

fn outline_attributes(
    element: &BytesStart<'_>,
    line: usize,
    document: &mut OpmlDocument,
) -> OutlineAttributes {
    let mut found = OutlineAttributes::default();
    for attribute in element.attributes().with_checks(false) {
        let Ok(attribute) = attribute else {
            document.problems.push(OpmlProblem {
                line,
                message: "an outline with a malformed attribute; ignored".to_owned(),
            });
            return OutlineAttributes::default();
        };
        let slot = match attribute.key.local_name().as_ref() {
            // Some exporters write `xmlurl` or `XMLURL`.
            key if key.eq_ignore_ascii_case("xmlUrl") => &mut found.xml_url,
            "title" => &mut found.title,
            "text" => &mut found.text,
            _ => continue,
        };
        let value = attribute
            .normalized_value_with(XmlVersion::Implicit1_0, 4, resolve_entity)
            .map(|v| v.trim().to_owned())
            // An unknown entity: keep the text as written rather than lose the outline.
            .unwrap_or_else(|_| attribute.value.trim().to_owned());
        *slot = Some(value);
    }
    found
}

/// The XML entities plus the few HTML ones that exporters leave in titles.
fn resolve_entity(entity: &str) -> Option<&'static str> {
    resolve_predefined_entity(entity).or(match entity {
        "nbsp" => Some("\u{a0}"),
        "mdash" => Some("—"),
        "ndash" => Some("–"),
        "hellip" => Some("…"),
        "rsquo" => Some("’"),
        "lsquo" => Some("‘"),
        "ldquo" => Some("“"),
        "rdquo" => Some("”"),
        "middot" => Some("·"),
        _ => None,
    })
}

fn outline_feed(
    attributes: OutlineAttributes,
    line: usize,
    folders: &[Option<String>],
    document: &mut OpmlDocument,
) -> Option<OpmlFeed> {
    let url = attributes.xml_url?;
    let name = attributes
        .title
        .filter(|t| !t.is_empty())
        .or(attributes.text)
        .unwrap_or_default();
    let lower = url.to_ascii_lowercase();
    if url.is_empty() {
        document.problems.push(OpmlProblem {
            line,
            message: format!("feed {name:?} has an empty xmlUrl; skipped"),
        });
        return None;
    }
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        document.problems.push(OpmlProblem {
            line,
            message: format!(
                "feed {name:?} has xmlUrl {url:?}, which is not an http(s) URL; skipped"
            ),
        });
        return None;
    }
    Some(OpmlFeed {
        name,
        xml_url: url,
        folders: folders.iter().flatten().cloned().collect(),
        line,
    })
}

fn add_feed(feed: OpmlFeed, seen: &mut HashSet<String>, document: &mut OpmlDocument) {
    if seen.insert(feed.xml_url.clone()) {
        document.feeds.push(feed);
    } else {
        document.duplicates.push(OpmlProblem {
            line: feed.line,
            message: format!("{} is listed again; skipped", feed.xml_url),
        });
    }
}

fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A feed to write out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry<'a> {
    pub name: &'a str,
    pub xml_url: &'a str,
}

/// An OPML 2.0 document listing `feeds`, titled `title`, dated `created` (RFC 822, as OPML
/// asks). Attribute values are escaped; control characters, which XML 1.0 cannot carry, are
/// dropped.
pub fn write(title: &str, created: &str, feeds: &[FeedEntry<'_>]) -> String {
    let attr = |value: &str| escape(crate::text::strip_controls(value)).into_owned();
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<opml version=\"2.0\">\n  <head>\n");
    out.push_str(&format!("    <title>{}</title>\n", attr(title)));
    out.push_str(&format!(
        "    <dateCreated>{}</dateCreated>\n",
        attr(created)
    ));
    out.push_str("  </head>\n  <body>\n");
    for feed in feeds {
        let name = attr(feed.name);
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{}\"/>\n",
            attr(feed.xml_url)
        ));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_entities_and_name_fallbacks() {
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- exported -->
<opml version="1.0">
  <head><title>Subs</title></head>
  <body>
    <outline text="Tech" title="Tech">
      <outline text="Rust &amp; more" type="rss" xmlUrl="https://example.com/feed?a=1&amp;b=2"/>
      <outline type="rss" title="Mesh&nbsp;news" text="ignored" xmlUrl="https://mesh.example/atom.xml">
      </outline>
      <outline text="Deeper"><outline xmlurl="http://deep.example/rss"/></outline>
    </outline>
    <outline text="dup" xmlUrl="https://example.com/feed?a=1&amp;b=2"/>
    <outline text="bad" xmlUrl="feed://nope.example/rss"/>
    <outline text="empty" xmlUrl=""/>
  </body>
</opml>"#;
        assert!(looks_like_opml(text));
        let doc = parse(text).unwrap();
        let feeds: Vec<_> = doc
            .feeds
            .iter()
            .map(|f| {
                (
                    f.name.as_str(),
                    f.xml_url.as_str(),
                    f.folders.join("/"),
                    f.line,
                )
            })
            .collect();
        assert_eq!(
            feeds,
            [
                (
                    "Rust & more",
                    "https://example.com/feed?a=1&b=2",
                    "Tech".to_owned(),
                    7
                ),
                (
                    "Mesh\u{a0}news",
                    "https://mesh.example/atom.xml",
                    "Tech".to_owned(),
                    8
                ),
                ("", "http://deep.example/rss", "Tech/Deeper".to_owned(), 10),
            ]
        );
        assert_eq!(doc.duplicates.len(), 1);
        assert_eq!(doc.duplicates[0].line, 12);
        let problems: Vec<_> = doc.problems.iter().map(|p| p.line).collect();
        assert_eq!(problems, [13, 14]);
        assert!(
            doc.problems[0]
                .to_string()
                .contains("feed://nope.example/rss")
        );
    }

    #[test]
    fn broken_xml_and_other_documents_are_errors_with_a_line() {
        let err = parse("<opml>\n<body>\n<outline text=\"a\" xmlUrl=\"https://x\">\n</body>")
            .unwrap_err();
        assert!(err.line >= 3, "{err}");
        let err = parse("<rss><channel/></rss>").unwrap_err();
        assert!(err.message.contains("not an OPML file"));
        assert!(!looks_like_opml("# a markdown post about <opml>"));
    }

    #[test]
    fn written_documents_escape_and_read_back() {
        let feeds = [
            FeedEntry {
                name: "Q&A <\"weekly\"> 周报\u{1b}[31m",
                xml_url: "https://example.com/feed?a=1&b=2",
            },
            FeedEntry {
                name: "plain",
                xml_url: "https://plain.example/rss.xml",
            },
        ];
        let text = write(
            "sofa-weekly feeds",
            "Sat, 21 Nov 2026 06:00:00 +0000",
            &feeds,
        );
        assert!(text.contains("xmlUrl=\"https://example.com/feed?a=1&amp;b=2\""));
        assert!(!text.contains('\u{1b}'));
        let doc = parse(&text).unwrap();
        assert_eq!(doc.feeds.len(), 2);
        assert_eq!(doc.feeds[0].name, "Q&A <\"weekly\"> 周报[31m");
        assert_eq!(doc.feeds[0].xml_url, feeds[0].xml_url);
        assert!(doc.problems.is_empty());
    }
}
