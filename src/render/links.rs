//! The numbered link list: links and images get a number in order of first appearance
//! (a URL seen again keeps its number), shown after their text and listed at the end.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::sanitize::clean;
use super::wrap::wrap_ranges;
use super::{LinkRef, Theme};

/// Index in `links` of `url`, adding it when it is new.
pub fn register_link(links: &mut Vec<LinkRef>, url: &str, is_image: bool) -> usize {
    let url = clean(url);
    if let Some(found) = links.iter().position(|link| link.url == url) {
        return found;
    }
    links.push(LinkRef {
        number: links.len() + 1,
        url,
        text: String::new(),
        is_image,
    });
    links.len() - 1
}

/// Whether a link target may be made clickable or handed to a browser: web pages and mail
/// only. `javascript:`, `file:`, `data:` and custom schemes (which can start programs) are
/// shown as text and never made into OSC 8 hyperlinks or opened.
pub fn is_openable_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    let has_rest = |scheme: &str| lower.len() > scheme.len() && lower.starts_with(scheme);
    (has_rest("https://") || has_rest("http://") || has_rest("mailto:"))
        && !url
            .chars()
            .any(|c| c.is_control() || crate::text::is_forbidden(c))
}

/// The link list as lines for the end of a post (`show` prints it after the text):
/// `[n] URL`, long URLs wrapped under themselves, every line at most `width` columns.
pub fn link_list(links: &[LinkRef], width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut lines = Vec::new();
    if links.is_empty() {
        return lines;
    }
    lines.push(Line::from(Span::styled(
        "─".repeat(width.min(40)),
        theme.rule,
    )));
    let label_width = format!("[{}] ", links.len()).width();
    for link in links {
        let label = format!("[{}] ", link.number);
        let indent = if width >= label_width + 8 {
            label_width
        } else {
            0
        };
        let url_width = width - indent;
        let ranges = wrap_ranges(&link.url, url_width);
        if indent == 0 {
            lines.push(Line::from(Span::styled(
                label.trim_end().to_string(),
                theme.link_number,
            )));
        }
        for (i, range) in ranges.into_iter().enumerate() {
            let mut spans = Vec::new();
            if indent > 0 {
                let lead = if i == 0 {
                    format!("{label:<label_width$}")
                } else {
                    " ".repeat(indent)
                };
                spans.push(Span::styled(lead, theme.link_number));
            }
            let style = if link.is_image {
                theme.image
            } else {
                theme.link
            };
            spans.push(Span::styled(link.url[range].to_string(), style));
            lines.push(Line::from(spans));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_urls_keep_their_first_number() {
        let mut links = Vec::new();
        assert_eq!(register_link(&mut links, "https://a", false), 0);
        assert_eq!(register_link(&mut links, "https://b", true), 1);
        assert_eq!(register_link(&mut links, "https://a", false), 0);
        assert_eq!(links[1].number, 2);
    }

    #[test]
    fn link_list_wraps_long_urls_under_themselves() {
        let mut links = Vec::new();
        register_link(
            &mut links,
            "https://github.com/sofastack/sofa-jraft/releases/tag/v1.3.0",
            false,
        );
        let lines: Vec<String> = link_list(&links, 30, &Theme::plain())
            .iter()
            .map(|l| l.to_string())
            .collect();
        assert!(lines[1].starts_with("[1] https://"));
        assert!(lines[2].starts_with("    "));
        assert!(lines.iter().all(|l| l.width() <= 30));
    }

    #[test]
    fn only_web_and_mail_links_are_openable() {
        for url in [
            "https://sofastack.tech/",
            "http://a.io/x?y=1",
            "mailto:sofa@example.org",
            "HTTPS://A.IO",
            "https://例.com/a b",
        ] {
            assert!(is_openable_link(url), "{url}");
        }
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>x</script>",
            "vbscript:x",
            "ssh://host",
            "https://",
            "mailto:",
            "https://a.io/\u{1b}]52;c;eA==\u{7}",
            "https://a.io/\u{202e}fdp.exe",
            "https://a.io/\tb",
            "relative/path",
        ] {
            assert!(!is_openable_link(url), "{url:?}");
        }
    }
}
