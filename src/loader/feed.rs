//! Feeds as sources: RSS 0.9x/1.0/2.0, Atom and JSON Feed (parsed by feed-rs) become
//! [`LoadedPost`]s, one per item.
//!
//! Each item's HTML (its full content, else its summary) is converted to markdown
//! ([`super::html_to_markdown`]), with relative links and images resolved against the item's
//! `xml:base` or the feed URL. Bytes are decoded by what the document
//! declares (XML declaration, else the HTTP charset); an undeclared non-UTF-8 feed is read as
//! GB18030 when it decodes cleanly (Chinese feeds are this project's home), else as
//! Windows-1252. A feed that does not parse is an error naming the URL, never a panic.
//!
//! Callers: `crate::sync` (which fetches with [`fetch_feed`] and stores the posts).

use chrono::{DateTime, Utc};
use feed_rs::model::{Entry, Text};
use thiserror::Error;
use url::Url;

use super::html_to_markdown::{html_to_text, is_web_url, resolve};
use super::http::{Fetched, HttpClient, HttpError, Validators};
use crate::post::{LoadWarning, LoadedPost, PostDate, PostMeta};
use crate::text::{sanitize_line, strip_controls};

/// Kept here for callers that convert item HTML themselves (the fuzz checks).
pub use super::html_to_markdown::html_to_markdown;

/// A parsed feed: its title and one post per item that could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub posts: Vec<LoadedPost>,
    /// Items skipped, and notes such as a guessed encoding.
    pub warnings: Vec<LoadWarning>,
}

/// What fetching a feed gave.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedFetch {
    /// 304 to our validators: nothing new.
    NotModified,
    Fetched {
        feed: ParsedFeed,
        /// To send next time.
        validators: Validators,
        /// Size of the document as received.
        bytes: u64,
    },
}

#[derive(Debug, Error)]
pub enum FeedError {
    #[error("{url}: not a feed that can be read ({reason})")]
    Parse { url: String, reason: String },
    #[error(transparent)]
    Http(#[from] HttpError),
}

impl FeedError {
    pub fn is_unreachable(&self) -> bool {
        matches!(self, FeedError::Http(e) if e.is_unreachable())
    }
}

const FEED_ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5";

/// Fetches and parses the feed at `url` (conditional on `validators`).
pub fn fetch_feed(
    client: &HttpClient,
    url: &str,
    validators: &Validators,
) -> Result<FeedFetch, FeedError> {
    match client.get(url, validators, None, Some(FEED_ACCEPT))? {
        Fetched::NotModified => Ok(FeedFetch::NotModified),
        Fetched::Body(response) => {
            let feed = parse_feed(url, &response.body, response.content_type.as_deref())?;
            Ok(FeedFetch::Fetched {
                feed,
                validators: response.validators,
                bytes: response.body.len() as u64,
            })
        }
    }
}

/// Parses a feed document fetched from `url` (used as the base for relative links and named
/// in errors). `content_type` is the HTTP header, for its charset.
pub fn parse_feed(
    url: &str,
    bytes: &[u8],
    content_type: Option<&str>,
) -> Result<ParsedFeed, FeedError> {
    let mut warnings = Vec::new();
    let decoded = decode(url, bytes, content_type, &mut warnings);
    let parse = |document: &[u8]| {
        feed_rs::parser::Builder::new()
            .base_uri(Some(url))
            // Items without a guid/id are known by their link. An empty id (no link either)
            // is replaced by a hash of the item's content below: feed-rs's default would be
            // a random UUID, a new post on every sync.
            .id_generator(|links, _title, _uri| {
                links.first().map(|l| l.href.clone()).unwrap_or_default()
            })
            .build()
            .parse(document)
    };
    let feed = match parse(&decoded) {
        Ok(feed) => feed,
        Err(first) => match with_rss_version(&decoded) {
            // `<rss>` without a version attribute is common in the wild; feed-rs needs one.
            Some(patched) => parse(&patched),
            None => Err(first),
        }
        .map_err(|e| FeedError::Parse {
            url: url.to_owned(),
            reason: e.to_string(),
        })?,
    };
    let base = Url::parse(url).ok();
    let posts = feed
        .entries
        .iter()
        .map(|entry| entry_to_post(entry, base.as_ref()))
        .collect();
    Ok(ParsedFeed {
        title: feed.title.map(|t| sanitize_line(&t.content)),
        posts,
        warnings,
    })
}

/// Returns UTF-8 bytes for feed-rs, or the input when it can decode it itself.
fn decode<'a>(
    url: &str,
    bytes: &'a [u8],
    content_type: Option<&str>,
    warnings: &mut Vec<LoadWarning>,
) -> std::borrow::Cow<'a, [u8]> {
    let is_utf8 = std::str::from_utf8(bytes).is_ok();
    let declared = xml_declared_encoding(bytes);
    let header = content_type.and_then(charset_of);
    // quick-xml honours the XML declaration; JSON is UTF-8 by definition.
    if declared.is_some() || (is_utf8 && header.is_none()) || bytes.starts_with(b"\xEF\xBB\xBF") {
        return bytes.into();
    }
    let encoding = match header.and_then(|h| encoding_rs::Encoding::for_label(h.as_bytes())) {
        Some(encoding) => encoding,
        None if is_utf8 => return bytes.into(),
        None => {
            let encoding = if encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .is_some()
            {
                encoding_rs::GB18030
            } else {
                encoding_rs::WINDOWS_1252
            };
            warnings.push(LoadWarning {
                location: url.to_owned(),
                line: None,
                reason: format!(
                    "no character encoding declared and not UTF-8; read as {}",
                    encoding.name()
                ),
            });
            encoding
        }
    };
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned().into_bytes().into()
}

/// The `encoding="…"` of a leading `<?xml …?>` declaration (comments may precede it).
fn xml_declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head);
    let start = head.find("<?xml")?;
    let declaration = &head[start..start + head[start..].find("?>")?];
    let at = declaration.find("encoding")?;
    let rest = declaration[at + "encoding".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_owned())
}

fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        (name.trim().eq_ignore_ascii_case("charset"))
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// `<rss>` → `<rss version="2.0">` when the root has no version attribute.
fn with_rss_version(document: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(document).ok()?;
    let start = text.find("<rss")?;
    let after = &text[start + 4..];
    let end = after.find('>')?;
    let attributes = &after[..end];
    if attributes.contains("version") || !(attributes.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let mut patched = String::with_capacity(text.len() + 16);
    patched.push_str(&text[..start + 4]);
    patched.push_str(" version=\"2.0\"");
    patched.push_str(after);
    Some(patched.into_bytes())
}

/// One item → one post. Never fails: missing parts get sensible stand-ins.
fn entry_to_post(entry: &Entry, feed_url: Option<&Url>) -> LoadedPost {
    let base = item_base(entry, feed_url);
    let web_url = item_web_url(entry, base.as_ref());
    let body = item_body(entry, base.as_ref(), web_url.as_deref());
    let title = item_title(entry, &body);
    let date: Option<DateTime<Utc>> = entry.published.or(entry.updated);
    let authors = item_authors(entry);
    let meta = PostMeta {
        title: Some(title.clone()),
        date: date.map(|d| PostDate::new(d.fixed_offset())),
        author: (!authors.is_empty()).then(|| authors.join(", ")),
        description: item_description(entry, base.as_ref()),
        tags: item_tags(entry),
        draft: false,
        aliases: Vec::new(),
        web_url,
        cover: None,
    };
    let content_hash = item_hash(&title, &meta, &body);
    LoadedPost {
        key: item_key(entry, &content_hash),
        title,
        meta,
        body,
        content_hash,
    }
}

/// The URL relative links of an item resolve against: its `xml:base` (itself relative to the
/// feed), else the feed's URL.
fn item_base(entry: &Entry, feed_url: Option<&Url>) -> Option<Url> {
    entry
        .base
        .as_deref()
        .and_then(|b| match feed_url {
            Some(feed_url) => feed_url.join(b).ok(),
            None => Url::parse(b).ok(),
        })
        .or_else(|| feed_url.cloned())
}

/// The item's page on the web: its `alternate` link (or one without a `rel`), else its first
/// link, when that is http(s).
fn item_web_url(entry: &Entry, base: Option<&Url>) -> Option<String> {
    entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(entry.links.first())
        .map(|l| resolve(base, &l.href))
        .filter(|u| is_web_url(u))
}

/// The item's text as markdown: its content, else its summary; when it has neither, a line
/// pointing to where the text is.
fn item_body(entry: &Entry, base: Option<&Url>, web_url: Option<&str>) -> String {
    let (body_html, body_is_html) = match (&entry.content, &entry.summary) {
        (Some(content), _)
            if content
                .body
                .as_deref()
                .is_some_and(|b| !b.trim().is_empty()) =>
        {
            (
                content.body.clone().unwrap_or_default(),
                content.content_type.essence().to_string() != "text/plain",
            )
        }
        (_, Some(summary)) if !summary.content.trim().is_empty() => {
            (summary.content.clone(), is_html_text(summary))
        }
        _ => (String::new(), false),
    };
    // The body is stored and searched as it is: like a markdown file's, it keeps no control
    // characters (the renderer would hide them, but excerpts and other readers might not).
    let body = if body_is_html {
        html_to_markdown(&body_html, base)
    } else {
        body_html.trim().to_owned()
    };
    let body = strip_controls(&body).into_owned();
    if !body.is_empty() {
        return body;
    }
    match (&entry.content, web_url) {
        (Some(content), _) if content.src.is_some() => format!(
            "The text of this item is at <{}>.",
            resolve(base, &content.src.as_ref().unwrap().href)
        ),
        (_, Some(link)) => format!("This item has no text in the feed. Read it at <{link}>."),
        _ => "This item has no text in the feed.".to_owned(),
    }
}

/// The summary as one line of at most 300 characters, when the item also has content (else
/// the summary is the body already).
fn item_description(entry: &Entry, base: Option<&Url>) -> Option<String> {
    match (&entry.content, &entry.summary) {
        (Some(_), Some(summary)) if !summary.content.trim().is_empty() => {
            let text = if is_html_text(summary) {
                html_to_markdown(&summary.content, base)
            } else {
                summary.content.clone()
            };
            Some(truncate_chars(&sanitize_line(&text), 300))
        }
        _ => None,
    }
}

fn item_authors(entry: &Entry) -> Vec<String> {
    entry
        .authors
        .iter()
        .filter_map(|p| p.name.as_deref().map(sanitize_line))
        .filter(|n| !n.is_empty())
        .collect()
}

/// The categories' labels (else terms), each once, in feed order.
fn item_tags(entry: &Entry) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for category in &entry.categories {
        let tag = sanitize_line(category.label.as_deref().unwrap_or(&category.term));
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

/// The item's title as plain text; without one, the body's first line (at most 80
/// characters), else "Untitled".
fn item_title(entry: &Entry, body: &str) -> String {
    entry
        .title
        .as_ref()
        .map(|t| {
            if is_html_text(t) {
                sanitize_line(&html_to_text(&t.content))
            } else {
                sanitize_line(&t.content)
            }
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            let first_line =
                sanitize_line(body.lines().find(|l| !l.trim().is_empty()).unwrap_or(""));
            let first_line = truncate_chars(first_line.trim_start_matches('#').trim(), 80);
            if first_line.is_empty() {
                "Untitled".to_owned()
            } else {
                first_line
            }
        })
}

/// What the library knows the item by (its `LoadedPost::key`): its guid or id (its link
/// when it has none, see `parse_feed`), else a hash of its content, so that a re-sync finds
/// the same post again.
fn item_key(entry: &Entry, content_hash: &str) -> String {
    let id = sanitize_line(&entry.id);
    if id.is_empty() {
        format!("item-{}", &content_hash[..16])
    } else {
        id
    }
}

/// The hash the library compares to decide "unchanged": everything the post shows.
fn item_hash(title: &str, meta: &PostMeta, body: &str) -> String {
    let canonical = format!(
        "title: {title}\ndate: {}\nauthor: {}\nlink: {}\ntags: {}\ndescription: {}\n\n{body}",
        meta.date
            .map(|d| d.instant.to_rfc3339())
            .unwrap_or_default(),
        meta.author.as_deref().unwrap_or(""),
        meta.web_url.as_deref().unwrap_or(""),
        meta.tags.join("\u{1f}"),
        meta.description.as_deref().unwrap_or(""),
    );
    super::git_blob_sha1(canonical.as_bytes())
}

fn is_html_text(text: &Text) -> bool {
    let essence = text.content_type.essence().to_string();
    essence.contains("html")
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://example.com/blog/feed.xml";

    fn parse(doc: &str) -> ParsedFeed {
        parse_feed(URL, doc.as_bytes(), None).unwrap()
    }

    #[test]
    fn rss_item_becomes_a_post_with_markdown_body_and_resolved_links() {
        let feed = parse(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Weekly</title><link>https://example.com/</link>
<item>
  <title>Issue 12 &amp; more</title>
  <link>https://example.com/blog/12</link>
  <guid isPermaLink="false">weekly-12</guid>
  <pubDate>Fri, 06 Dec 2019 08:00:00 +0800</pubDate>
  <author>team@example.com (SOFA Team)</author>
  <category>SOFA Weekly</category><category>MOSN</category><category>MOSN</category>
  <description>Short summary</description>
  <content:encoded><![CDATA[<h2>News</h2><p>See <a href="../docs/x.html">the docs</a> and <img src="img/a.png" alt="pic"></p><script>alert(1)</script><p><a href="javascript:alert(1)">bad</a></p>]]></content:encoded>
</item></channel></rss>"#,
        );
        assert_eq!(feed.title.as_deref(), Some("Weekly"));
        let post = &feed.posts[0];
        assert_eq!(post.key, "weekly-12");
        assert_eq!(post.title, "Issue 12 & more");
        assert_eq!(post.meta.tags, ["SOFA Weekly", "MOSN"]);
        assert_eq!(
            post.meta.web_url.as_deref(),
            Some("https://example.com/blog/12")
        );
        assert_eq!(post.meta.date.unwrap().day_string(), "2019-12-06");
        assert_eq!(post.meta.description.as_deref(), Some("Short summary"));
        assert!(post.body.contains("## News"), "{}", post.body);
        assert!(
            post.body
                .contains("[the docs](https://example.com/docs/x.html)"),
            "{}",
            post.body
        );
        assert!(
            post.body
                .contains("![pic](https://example.com/blog/img/a.png)"),
            "{}",
            post.body
        );
        assert!(!post.body.contains("alert"), "{}", post.body);
        assert_eq!(post.content_hash.len(), 40);
    }

    #[test]
    fn item_without_guid_is_known_by_its_link_and_without_either_by_its_content() {
        let doc = r#"<rss version="2.0"><channel><title>t</title>
<item><title>A</title><link>https://example.com/a</link><description>x</description></item>
<item><title>B</title><description>only text</description></item>
</channel></rss>"#;
        let first = parse(doc);
        assert_eq!(first.posts[0].key, "https://example.com/a");
        assert!(first.posts[1].key.starts_with("item-"));
        // Stable across parses, so a re-sync does not duplicate it.
        assert_eq!(parse(doc).posts[1].key, first.posts[1].key);
    }

    #[test]
    fn summary_is_the_body_when_there_is_no_content() {
        let feed = parse(
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>x</id><updated>2024-01-01T00:00:00Z</updated>
<entry><id>e1</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; title</title><updated>2024-01-02T00:00:00Z</updated>
<summary type="html">&lt;p&gt;Hello &lt;em&gt;world&lt;/em&gt;&lt;/p&gt;</summary></entry></feed>"#,
        );
        let post = &feed.posts[0];
        assert_eq!(post.body, "Hello *world*");
        assert_eq!(post.meta.description, None);
        assert_eq!(post.title, "Bold title");
    }

    #[test]
    fn changing_the_text_changes_the_hash_and_nothing_else_does() {
        let doc = |text: &str| {
            format!(
                r#"<rss version="2.0"><channel><title>t</title><item><guid>g</guid><title>T</title><description>{text}</description></item></channel></rss>"#
            )
        };
        let a = parse(&doc("one")).posts[0].content_hash.clone();
        assert_eq!(parse(&doc("one")).posts[0].content_hash, a);
        assert_ne!(parse(&doc("two")).posts[0].content_hash, a);
    }

    #[test]
    fn undeclared_gb2312_and_versionless_rss_are_read() {
        let (bytes, _, _) =
            encoding_rs::GB18030.encode("<!-- c -->\n<rss>\n<channel>\n<item>\n<title>不归移民漫画系列：专业工作</title>\n</item>\n</channel>\n</rss>\n");
        let feed = parse_feed(URL, &bytes, None).unwrap();
        assert_eq!(feed.posts[0].title, "不归移民漫画系列：专业工作");
        assert!(feed.warnings[0].reason.to_lowercase().contains("gb18030"));
    }

    #[test]
    fn declared_iso_8859_1_is_read() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Inovação</title><item><guid>1</guid><title>Revolução</title></item></channel></rss>",
        );
        let feed = parse_feed(URL, &bytes, None).unwrap();
        assert_eq!(feed.title.as_deref(), Some("Inovação"));
        assert_eq!(feed.posts[0].title, "Revolução");
        assert!(feed.warnings.is_empty());
    }

    #[test]
    fn http_charset_is_used_when_the_document_declares_none() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(
            "<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>Café</title></item></channel></rss>",
        );
        let feed =
            parse_feed(URL, &bytes, Some("application/rss+xml; charset=iso-8859-1")).unwrap();
        assert_eq!(feed.posts[0].title, "Café");
    }

    #[test]
    fn malformed_feeds_are_errors_naming_the_url() {
        for doc in [
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title><![CD",
            "<rss version=\"2.0\"><channel><item><title>x</title>",
            "<html><body>Service unavailable</body></html>",
            "{\"version\": \"https://jsonfeed.org/version/1\", \"items\": [",
            "",
            "\u{0}\u{1}binary",
        ] {
            let err = parse_feed(URL, doc.as_bytes(), None).unwrap_err();
            assert!(err.to_string().starts_with(URL), "{err}");
        }
    }

    #[test]
    fn control_characters_never_reach_metadata() {
        let feed = parse(
            "<rss version=\"2.0\"><channel><title>t</title><item><guid>g</guid><title>Evil &#x1b;[31mred</title><category>a&#x9b;b</category></item></channel></rss>",
        );
        let post = &feed.posts[0];
        assert!(!post.title.contains('\u{1b}'), "{:?}", post.title);
        assert!(post.meta.tags.iter().all(|t| !t.contains('\u{9b}')));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><item><guid>g</guid><title>A &amp; B</title><link>https://example.com/a</link><description><![CDATA[<p>Hi <a href="x">there</a></p>]]></description></item></channel></rss>"#;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Whatever the bytes, parsing returns (a feed or an error naming the URL); it never
        /// panics.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Err(err) = parse_feed(URL_FOR_PROPS, &bytes, None) {
                prop_assert!(err.to_string().starts_with(URL_FOR_PROPS));
            }
        }

        /// A real feed cut anywhere or with one byte changed never panics either.
        #[test]
        fn damaged_feeds_never_panic(cut in 0..RSS.len(), at in 0..RSS.len(), byte in any::<u8>()) {
            let _ = parse_feed(URL_FOR_PROPS, &RSS.as_bytes()[..cut], None);
            let mut changed = RSS.as_bytes().to_vec();
            changed[at] = byte;
            let _ = parse_feed(URL_FOR_PROPS, &changed, Some("text/xml; charset=utf-8"));
        }
    }

    const URL_FOR_PROPS: &str = "https://example.com/feed.xml";
}
