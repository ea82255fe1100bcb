//! Extreme input: a post over the size limit, a 100,000-character line, a 10,000-character
//! title, 1,000 tags, a table of 200 columns, and nesting 1,000 levels deep (lists, quotes,
//! emphasis, HTML, and HTML in a feed). Each is rendered within the width with its text
//! kept, or refused with a reason that says why. Nothing here measures time: each test
//! finishing (on a test thread's 2 MiB stack) is the claim; the benches measure speed.

mod common;

use common::TestEnv;
use sofa_weekly::library::{Filter, Library};
use sofa_weekly::loader::parse_post;
use sofa_weekly::render::{Header, Rendered, Theme, render};
use sofa_weekly::sync::import_path;

/// Renders at a few widths and checks the renderer's promises on each.
fn render_checked(markdown: &str) -> Rendered {
    let mut last = None;
    for width in [1, 80] {
        let rendered = render(markdown, width, &Theme::dark());
        for (index, line) in rendered.lines.iter().enumerate() {
            assert!(line.width() <= width, "line {index} wider than {width}");
        }
        assert_eq!(rendered.lines.len(), rendered.line_offsets.len());
        if width > 1 {
            sofa_weekly::render::check::assert_text_kept(markdown, &rendered);
        }
        last = Some(rendered);
    }
    last.unwrap()
}

fn text_of(rendered: &Rendered) -> String {
    rendered
        .lines
        .iter()
        .flat_map(|line| line.spans.iter().map(|span| span.content.to_string()))
        .collect()
}

#[test]
fn a_post_over_the_size_limit_is_skipped_with_the_reason() {
    let env = TestEnv::new();
    let folder = env.dir.path().join("big");
    std::fs::create_dir_all(&folder).unwrap();
    let mut huge = String::from("---\ntitle: Huge\n---\n\n");
    while huge.len() < 10 * 1024 * 1024 + 10 {
        huge.push_str("MOSN 是一款云原生网络代理。A line of a very large post.\n");
    }
    std::fs::write(folder.join("huge.md"), &huge).unwrap();
    std::fs::write(folder.join("small.md"), "# Small\n\ntext\n").unwrap();
    let output = env.stdout(&["import", folder.to_str().unwrap()]);
    assert!(output.contains("1 added"), "{output}");
    assert!(output.contains("huge.md"), "{output}");
    assert!(output.contains("10 MiB limit"), "{output}");
    let list = env.stdout(&["list"]);
    assert!(list.contains("Small") && !list.contains("Huge"), "{list}");
}

#[test]
fn a_long_post_under_the_limit_renders() {
    // 1 MB keeps a debug test quick; the limit is 10 MiB and rendering is linear.
    let paragraph = "SOFA 周报：MOSN 与 Seata 社区会议纪要，a mixed paragraph of text. ".repeat(20);
    let mut markdown = String::new();
    while markdown.len() < 1024 * 1024 {
        markdown.push_str("## 本周\n\n");
        markdown.push_str(&paragraph);
        markdown.push_str("\n\n");
    }
    let rendered = render(&markdown, 80, &Theme::plain());
    assert!(rendered.lines.iter().all(|line| line.width() <= 80));
    assert!(rendered.headings.len() > 100);
}

#[test]
fn a_line_of_100_000_characters_wraps() {
    let latin = "x".repeat(100_000);
    let rendered = render_checked(&latin);
    assert!(rendered.lines.len() >= 100_000 / 80);
    let cjk = "长".repeat(100_000);
    render_checked(&cjk);
    let words = "word ".repeat(20_000);
    render_checked(&words);
    let url = format!("https://example.com/{}", "a/".repeat(50_000));
    render_checked(&format!("<{url}>"));
}

#[test]
fn a_title_of_10_000_characters_is_wrapped_and_listed_within_the_width() {
    let title = "很长的标题 long title ".repeat(625);
    assert!(title.chars().count() >= 10_000);
    let file = format!("---\ntitle: \"{title}\"\ndate: 2021-01-01\n---\n\nbody\n");
    let parsed = parse_post("long.md", file.as_bytes());
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    for width in [1, 40, 80] {
        let header = Header {
            title: &parsed.post.title,
            date: Some("2021-01-01"),
            tags: &[],
        };
        let lines = header.lines(width, &Theme::dark());
        assert!(lines.iter().all(|line| line.width() <= width));
    }

    let env = TestEnv::new();
    let folder = env.dir.path().join("posts");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("long.md"), &file).unwrap();
    env.stdout(&["import", folder.to_str().unwrap()]);
    let list = env.stdout(&["list"]);
    // Piped output keeps whole lines (only a terminal is cut to fit): the title is all there.
    assert!(list.contains(title.trim_end()), "{list}");
    assert!(!list.contains('…'), "{list}");
    let shown = env.stdout(&["show", "1", "--width", "50"]);
    assert!(shown.lines().all(|line| line.chars().count() <= 50 * 2));
}

#[test]
fn a_post_with_1000_tags_is_imported_listed_and_shown() {
    let tags: Vec<String> = (0..1000).map(|i| format!("\"标签-{i}\"")).collect();
    let file = format!(
        "---\ntitle: Many tags\ntags: [{}]\n---\n\nbody\n",
        tags.join(", ")
    );
    let parsed = parse_post("tags.md", file.as_bytes());
    assert_eq!(parsed.post.meta.tags.len(), 1000);
    let header = Header {
        title: "Many tags",
        date: None,
        tags: &parsed.post.meta.tags,
    };
    let lines = header.lines(60, &Theme::dark());
    assert!(lines.iter().all(|line| line.width() <= 60));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tags.md"), &file).unwrap();
    let mut library = Library::open_in_memory().unwrap();
    import_path(&mut library, dir.path()).unwrap();
    let posts = library.list(&Filter::default()).unwrap();
    assert_eq!(posts[0].tags.len(), 1000);
    assert!(library.tags().unwrap().len() >= 1000);
    let filtered = library
        .list(&Filter {
            tags: vec!["标签-999".into()],
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(filtered.len(), 1);
}

#[test]
fn a_table_of_200_columns_fits() {
    let header_row: Vec<String> = (0..200).map(|i| format!("列{i}")).collect();
    let rule = vec!["---"; 200];
    let row: Vec<String> = (0..200).map(|i| format!("value {i} 值")).collect();
    let markdown = format!(
        "| {} |\n| {} |\n| {} |\n| {} |\n",
        header_row.join(" | "),
        rule.join(" | "),
        row.join(" | "),
        row.join(" | ")
    );
    let rendered = render_checked(&markdown);
    assert!(text_of(&rendered).contains("value 199"));
}

#[test]
fn nesting_1000_levels_deep_renders() {
    let depth = 1000;
    let cases = [
        ("lists", format!("{}deep\n", "- ".repeat(depth))),
        ("ordered lists", format!("{}deep\n", "1. ".repeat(depth))),
        ("quotes", format!("{}deep\n", "> ".repeat(depth))),
        (
            "emphasis",
            format!("{}deep{}\n", "*_".repeat(depth / 2), "_*".repeat(depth / 2)),
        ),
        (
            "links",
            format!(
                "{}deep{}\n",
                "[".repeat(depth),
                "](https://a.io)".repeat(depth)
            ),
        ),
        (
            "HTML blocks",
            format!("{}deep{}\n", "<div>".repeat(depth), "</div>".repeat(depth)),
        ),
        (
            "inline HTML",
            format!("x {}deep{}\n", "<b>".repeat(depth), "</b>".repeat(depth)),
        ),
        (
            "indented lists",
            (0..depth)
                .map(|level| format!("{}- level {level}\n", "  ".repeat(level)))
                .collect(),
        ),
    ];
    for (what, markdown) in cases {
        let rendered = std::panic::catch_unwind(|| render_checked(&markdown))
            .unwrap_or_else(|_| panic!("{what} nested {depth} deep"));
        assert!(text_of(&rendered).contains("deep") || what == "indented lists");
    }
}

#[test]
fn feed_html_nested_1000_levels_deep_becomes_text() {
    use sofa_weekly::loader::feed::html_to_markdown;
    for tag in ["div", "blockquote", "ul><li", "b", "table><tr><td"] {
        let parts: Vec<&str> = tag.split("><").collect();
        let close: String = parts.iter().rev().map(|t| format!("</{t}>")).collect();
        let html = format!(
            "{}deep text{}",
            format!("<{tag}>").repeat(1000),
            close.repeat(1000)
        );
        let markdown = html_to_markdown(&html, None);
        assert!(markdown.contains("deep text"), "{tag}: {markdown:.200}");
        render_checked(&markdown);
    }
}
