//! The pictures a post uses: markdown images, HTML `<img src>` (feed items keep some as
//! HTML), and the front matter's `cover`, each resolved against the post's home. Pure.
//!
//! Relative references resolve as the post's own site would:
//! - a local folder: the file beside the post (`file:` URLs, read from disk at import);
//! - a GitHub repository: the raw file at the same ref;
//! - a feed item: its link, else the feed's address.
//!
//! Hugo page bundles write a cover as `/cover.jpg`, meaning the post's own folder; for local
//! and GitHub posts a reference starting with `/` is read that way ([`PostHome::bundle`]).
//! On the web (feeds) it means the host's root, as browsers read it.

use pulldown_cmark::{Event, Options, Parser, Tag};
use url::Url;

/// Where a post lives, for resolving its relative references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostHome {
    /// The post's own address: its file (`file:`), its raw GitHub URL, or its web page.
    pub base: Url,
    /// A reference starting with `/` is relative to the post's folder (a page bundle).
    pub bundle: bool,
}

impl PostHome {
    /// A local post at `file` (an absolute path).
    pub fn local_file(file: &std::path::Path) -> Option<PostHome> {
        Some(PostHome {
            base: Url::from_file_path(file).ok()?,
            bundle: true,
        })
    }

    /// A post in a repository, at its raw URL.
    pub fn github_raw(raw_url: &str) -> Option<PostHome> {
        Some(PostHome {
            base: Url::parse(raw_url).ok()?,
            bundle: true,
        })
    }

    /// A feed item: its link, else the feed's address.
    pub fn web(page: &str) -> Option<PostHome> {
        Some(PostHome {
            base: Url::parse(page).ok()?,
            bundle: false,
        })
    }

    /// The absolute URL of `reference`, or `None` when it cannot be fetched (a `data:` URL,
    /// a `mailto:`, a reference that does not parse, a `file:` URL in a web post).
    pub fn resolve(&self, reference: &str) -> Option<String> {
        let reference = reference.trim();
        if reference.is_empty() || reference.starts_with('#') {
            return None;
        }
        let resolved = match reference.strip_prefix('/') {
            Some(rest) if self.bundle && !rest.starts_with('/') => self.base.join(rest),
            _ => self.base.join(reference),
        }
        .ok()?;
        let allowed = match resolved.scheme() {
            "http" | "https" => true,
            // A local post may use pictures beside it; nothing else may read local files.
            "file" => self.base.scheme() == "file",
            _ => false,
        };
        allowed.then(|| resolved.to_string())
    }
}

/// How a post uses a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The front matter's `cover`, shown at the top.
    Cover,
    /// In the body.
    Body,
}

/// The pictures `body` and `cover` refer to, absolute, each once, cover first, then in the
/// order of the text.
///
/// ```
/// use sofa_weekly::pictures::refs::{pictures_of, PostHome, Role};
/// let home = PostHome::web("https://example.org/weekly/42/").unwrap();
/// let body = "![arch](arch.png)\n\n<p><img src=\"/i/poster.jpg\"></p>\n\n![again](arch.png)";
/// let found = pictures_of(body, None, &home);
/// assert_eq!(found, [
///     ("https://example.org/weekly/42/arch.png".to_owned(), Role::Body),
///     ("https://example.org/i/poster.jpg".to_owned(), Role::Body),
/// ]);
/// ```
pub fn pictures_of(body: &str, cover: Option<&str>, home: &PostHome) -> Vec<(String, Role)> {
    let mut found: Vec<(String, Role)> = Vec::new();
    let mut add = |reference: &str, role: Role| {
        if let Some(url) = home.resolve(reference)
            && !found.iter().any(|(known, _)| *known == url)
        {
            found.push((url, role));
        }
    };
    if let Some(cover) = cover {
        add(cover, Role::Cover);
    }
    for event in Parser::new_ext(body, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => add(&dest_url, Role::Body),
            Event::Html(html) | Event::InlineHtml(html) => {
                for src in img_sources(&html) {
                    add(&crate::text::decode_entities(src), Role::Body);
                }
            }
            _ => {}
        }
    }
    found
}

/// The `src` attribute of every `<img>` tag in an HTML fragment.
fn img_sources(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut sources = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<img").map(|i| from + i) {
        let end = lower[start..].find('>').map_or(lower.len(), |i| start + i);
        if let Some(src) = crate::text::tag_attribute(&html[start..end], "src") {
            sources.push(src);
        }
        from = end;
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(body: &str, cover: Option<&str>, home: &PostHome) -> Vec<String> {
        pictures_of(body, cover, home)
            .into_iter()
            .map(|(url, _)| url)
            .collect()
    }

    #[test]
    fn a_github_post_resolves_beside_its_raw_file_and_its_bundle_cover() {
        let home = PostHome::github_raw("https://raw.example/o/r/master/content/blog/w42/index.md")
            .unwrap();
        let body = "![a](./arch.png) ![b](../images/b.jpg) ![c](https://cdn.example/c?wx_fmt=png)";
        assert_eq!(
            urls(body, Some("/cover.jpg"), &home),
            [
                "https://raw.example/o/r/master/content/blog/w42/cover.jpg",
                "https://raw.example/o/r/master/content/blog/w42/arch.png",
                "https://raw.example/o/r/master/content/blog/images/b.jpg",
                "https://cdn.example/c?wx_fmt=png",
            ]
        );
        assert_eq!(pictures_of("", Some("cover.jpg"), &home)[0].1, Role::Cover);
    }

    #[test]
    fn a_local_post_uses_the_files_beside_it_and_a_web_post_never_reads_files() {
        let home = PostHome::local_file(std::path::Path::new("/archive/2024/week.md")).unwrap();
        assert_eq!(
            urls("![x](img/x.png)", None, &home),
            ["file:///archive/2024/img/x.png"]
        );
        let web = PostHome::web("https://example.org/p/1").unwrap();
        assert!(
            urls(
                "![x](file:///etc/passwd) ![d](data:image/png;base64,AA==)",
                None,
                &web
            )
            .is_empty()
        );
        assert!(urls("![m](mailto:a@b) ![j](javascript:alert(1))", None, &home).is_empty());
    }

    #[test]
    fn html_images_are_found_with_any_quoting_and_entities() {
        let body = "<p><IMG alt='x' SRC='a.png'><img data-src=\"no.png\" src=b.png/>\
                    <img src=\"c.png?a=1&amp;b=2\"></p>";
        let home = PostHome::web("https://example.org/").unwrap();
        assert_eq!(
            urls(body, None, &home),
            [
                "https://example.org/a.png",
                "https://example.org/b.png",
                "https://example.org/c.png?a=1&b=2",
            ]
        );
    }

    #[test]
    fn reference_style_images_and_duplicates() {
        let body = "![one][pic] and ![two][pic]\n\n[pic]: https://example.org/p.gif\n";
        let home = PostHome::web("https://example.org/").unwrap();
        assert_eq!(urls(body, None, &home), ["https://example.org/p.gif"]);
    }
}
