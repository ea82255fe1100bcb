//! The bundled sample archive, as `show --plain` lays it out at 40 and 80 columns: a change
//! in how any construct renders shows up here as a reviewable diff.

use sofa_weekly::loader::parse_post;
use sofa_weekly::render::{Header, Theme, link_list, render};
use sofa_weekly::sample;

fn layout(text: &str, width: usize) -> String {
    let post = parse_post("sample.md", text.as_bytes()).post;
    let theme = Theme::plain();
    let date = post.meta.date.map(|date| date.day_string());
    let rendered = render(&post.body, width, &theme);
    let header = Header {
        title: &post.title,
        date: date.as_deref(),
        tags: &post.meta.tags,
    };
    let mut lines = header.lines(width, &theme);
    lines.extend(rendered.lines.iter().cloned());
    lines.extend(link_list(&rendered.links, width, &theme));
    let mut out = String::new();
    for line in &lines {
        assert!(line.width() <= width, "{line:?} is wider than {width}");
        out.push_str(line.to_string().trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn sample_posts_at_40_and_80_columns() {
    for file in sample::files() {
        let name = file.rel_path.trim_end_matches(".md");
        for width in [40, 80] {
            insta::assert_snapshot!(format!("{name}_{width}"), layout(file.text, width));
        }
    }
}
