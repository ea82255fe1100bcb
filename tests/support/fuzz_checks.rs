//! The properties the fuzz targets check, shared with `tests/fuzz_regressions.rs`, which runs
//! them on every input a fuzzer once failed on (tests/fixtures/fuzz/<target>/).
//!
//! Included with `#[path]` by both, so a regression input is checked exactly as the fuzzer
//! checked it.

#![allow(dead_code)] // each includer uses a different part

use sofa_weekly::loader::feed::{html_to_markdown, parse_feed};
use sofa_weekly::loader::{git_blob_sha1, parse_post};
use sofa_weekly::post::LoadedPost;
use sofa_weekly::render::{Theme, render};
use sofa_weekly::text::is_forbidden;

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.chars().any(is_forbidden),
        "control character in {what}: {text:?}"
    );
}

fn assert_post_clean(post: &LoadedPost) {
    assert_clean("title", &post.title);
    assert_clean("key", &post.key);
    assert_clean("body", &post.body);
    for tag in post.meta.tags.iter().chain(&post.meta.aliases) {
        assert_clean("tag or alias", tag);
    }
    let fields = [
        &post.meta.title,
        &post.meta.author,
        &post.meta.description,
        &post.meta.web_url,
    ];
    for field in fields.into_iter().flatten() {
        assert_clean("field", field);
    }
}

/// Random bytes as a markdown file: `parse_post` never panics, and nothing it returns for
/// display (title, tags, author, description, body, warnings) holds a control character.
pub fn parse_post_is_clean(data: &[u8]) {
    let parsed = parse_post("fuzz/index.md", data);
    assert_post_clean(&parsed.post);
    for warning in &parsed.warnings {
        assert_clean("warning", &warning.to_string());
    }
    assert_eq!(parsed.post.content_hash, git_blob_sha1(data));
}

/// Random bytes as an RSS, Atom or JSON feed: parsing never panics, and every post it yields
/// is clean.
pub fn feed_is_clean(data: &[u8]) {
    let Ok(feed) = parse_feed("https://example.com/feed.xml", data, None) else {
        return;
    };
    if let Some(title) = &feed.title {
        assert_clean("feed title", title);
    }
    for post in &feed.posts {
        assert_post_clean(post);
    }
    for warning in &feed.warnings {
        assert_clean("warning", &warning.to_string());
    }
}

/// Random HTML as feed content: the conversion never panics, and the markdown it makes
/// renders within the width with no control character on screen.
pub fn html_to_markdown_renders(html: &str) {
    let base = url::Url::parse("https://example.com/blog/").ok();
    let markdown = html_to_markdown(html, base.as_ref());
    assert_rendered_within(&markdown, 60, &Theme::plain());
}

/// Random markdown and width (from the first byte): no panic, no line wider than the
/// width, no control character, and every character of the text still there.
pub fn render_keeps_the_rules(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(markdown) = std::str::from_utf8(rest) else {
        return;
    };
    let width = 1 + (first as usize * 300) / 256;
    let theme = if first % 2 == 0 {
        Theme::plain()
    } else {
        Theme::dark()
    };
    let rendered = assert_rendered_within(markdown, width, &theme);
    if width >= 2 {
        sofa_weekly::render::check::assert_text_kept(markdown, &rendered);
    }
    assert_eq!(rendered.lines.len(), rendered.line_offsets.len());
    assert!(rendered.line_offsets.windows(2).all(|w| w[0] <= w[1]));
}

fn assert_rendered_within(
    markdown: &str,
    width: usize,
    theme: &Theme,
) -> sofa_weekly::render::Rendered {
    let rendered = render(markdown, width, theme);
    for (index, line) in rendered.lines.iter().enumerate() {
        assert!(
            line.width() <= width,
            "line {index} wider than {width}: {line:?}"
        );
        for span in &line.spans {
            assert_clean("rendered span", &span.content);
        }
    }
    rendered
}

/// Random bytes as a downloaded picture: the intake never panics (a decoder panic is caught
/// and becomes a refusal), and what it keeps obeys its rules: not a tracking pixel, at most
/// the stored width, within the pixel limit, and readable again at the size it reports.
pub fn picture_intake_is_sound(data: &[u8]) {
    use sofa_weekly::pictures::intake::{
        Intake, MAX_PIXELS, MAX_SKIPPED_SIDE, MAX_STORED_WIDTH, load_rgba, prepare, sniff,
    };
    let Ok(Intake::Keep(kept)) = prepare(data) else {
        return;
    };
    assert!(kept.width > MAX_SKIPPED_SIDE && kept.height > MAX_SKIPPED_SIDE);
    assert!(kept.width <= MAX_STORED_WIDTH, "{} px wide", kept.width);
    assert!(u64::from(kept.width) * u64::from(kept.height) <= MAX_PIXELS);
    assert_eq!(sniff(&kept.bytes).ok(), Some(kept.format));
    let again = load_rgba(&kept.bytes).expect("a kept picture reads back");
    assert_eq!(again.dimensions(), (kept.width, kept.height));
}
