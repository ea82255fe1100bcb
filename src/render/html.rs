//! The little HTML that markdown posts carry: `<br>` breaks a line, `<img>` becomes an image,
//! `<a href>` a link,
//! block tags (`<p>`, `<div>`, …) separate paragraphs, entities are decoded, every other tag
//! is dropped with its text kept, and `<script>`/`<style>` bodies and comments vanish.

/// What a piece of HTML means to the renderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HtmlPiece {
    Text(String),
    LineBreak,
    ParagraphBreak,
    Image {
        src: String,
        alt: String,
    },
    /// `<a href=…>`: the text up to [`HtmlPiece::LinkEnd`] is a link, as `[text](href)` is.
    LinkStart {
        href: String,
    },
    LinkEnd,
}

/// Interprets one tag (`<br/>`, `<img src=…>`, `</span>`); `None` for tags that are dropped.
pub fn tag_meaning(tag: &str) -> Option<HtmlPiece> {
    let name = tag_name(tag)?;
    let closing = tag.trim_start_matches('<').starts_with('/');
    match name.as_str() {
        "br" => Some(HtmlPiece::LineBreak),
        "a" if closing => Some(HtmlPiece::LinkEnd),
        // An anchor without a target (`<a name=…>`) is no link.
        "a" => attribute(tag, "href")
            .filter(|href| !href.trim().is_empty())
            .map(|href| HtmlPiece::LinkStart { href }),
        "img" if !closing => Some(HtmlPiece::Image {
            src: attribute(tag, "src").unwrap_or_default(),
            alt: attribute(tag, "alt").unwrap_or_default(),
        }),
        "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "ul" | "ol" | "tr"
        | "table" | "blockquote" | "pre" | "hr" | "section" | "article" | "figure" | "center"
        | "details" | "summary" => Some(HtmlPiece::ParagraphBreak),
        _ => None,
    }
}

/// Splits a block of HTML into text, breaks and images.
pub fn parse_block(html: &str) -> Vec<HtmlPiece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let is_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        if !is_tag {
            if skip_until.is_none() {
                text.push_str(&rest[..=open]);
            }
            rest = after;
            continue;
        }
        if skip_until.is_none() {
            text.push_str(&rest[..open]);
        }
        if after.starts_with("!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let end = tag_end(after).unwrap_or(after.len());
        let tag = &rest[open..open + 1 + end];
        rest = after.get(end + 1..).unwrap_or("");
        let name = tag_name(tag).unwrap_or_default();
        if let Some(closer) = skip_until {
            if tag.starts_with("</") && name == closer {
                skip_until = None;
            }
            continue;
        }
        if !tag.starts_with("</") && (name == "script" || name == "style") {
            skip_until = Some(if name == "script" { "script" } else { "style" });
            continue;
        }
        if let Some(piece) = tag_meaning(tag) {
            flush_text(&mut text, &mut out);
            out.push(piece);
        }
    }
    if skip_until.is_none() {
        text.push_str(rest);
    }
    flush_text(&mut text, &mut out);
    out
}

fn flush_text(text: &mut String, out: &mut Vec<HtmlPiece>) {
    if !text.trim().is_empty() {
        out.push(HtmlPiece::Text(decode_entities(text)));
    }
    text.clear();
}

/// Byte index of the `>` closing a tag whose text (after `<`) is `after`, skipping quoted
/// attribute values.
fn tag_end(after: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in after.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn tag_name(tag: &str) -> Option<String> {
    let inner = tag.trim_start_matches('<').trim_start_matches('/');
    let name: String = inner
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// The value of attribute `name` in a tag, entities decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    crate::text::tag_attribute(tag, name).map(decode_entities)
}

/// Decodes entities (see [`crate::text::decode_entities`]).
pub fn decode_entities(text: &str) -> String {
    crate::text::decode_entities(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn br_breaks_and_img_becomes_an_image() {
        assert_eq!(tag_meaning("<br/>"), Some(HtmlPiece::LineBreak));
        assert_eq!(
            tag_meaning(r#"<img src="a.png" alt='架构 &amp; 图' width=300>"#),
            Some(HtmlPiece::Image {
                src: "a.png".into(),
                alt: "架构 & 图".into()
            })
        );
        assert_eq!(tag_meaning("<span class=x>"), None);
    }

    #[test]
    fn anchors_with_a_target_are_links() {
        assert_eq!(
            tag_meaning(r#"<a href="https://a.io/?x=1&amp;y=2" target=_blank>"#),
            Some(HtmlPiece::LinkStart {
                href: "https://a.io/?x=1&y=2".into()
            })
        );
        assert_eq!(tag_meaning("</a>"), Some(HtmlPiece::LinkEnd));
        assert_eq!(tag_meaning("<a name=top>"), None);
        assert_eq!(tag_meaning("<abbr title=x>"), None);
    }

    #[test]
    fn block_html_keeps_text_drops_tags_scripts_and_comments() {
        let pieces = parse_block(
            "<div align=center><b>粗</b> &lt;tag&gt;<!-- hidden --><script>x()</script>尾</div>",
        );
        assert_eq!(
            pieces,
            [
                HtmlPiece::ParagraphBreak,
                HtmlPiece::Text("粗 <tag>尾".into()),
                HtmlPiece::ParagraphBreak
            ]
        );
    }

    #[test]
    fn a_lone_less_than_sign_is_text() {
        assert_eq!(parse_block("1 < 2"), [HtmlPiece::Text("1 < 2".into())]);
    }

    #[test]
    fn entities_decode_numeric_and_named_and_keep_unknown() {
        assert_eq!(
            decode_entities("&#x4E2D;&#25991;&hellip;&bogus; &"),
            "中文…&bogus; &"
        );
    }
}
