//! The renderer on whole posts: snapshots of the fixtures at widths 40 and 80 (text plus a
//! compact style dump), navigation data, and the promises checked on every render.

use std::fmt::Write as _;

use ratatui::style::{Color, Modifier, Style};
use sofa_weekly::render::check::assert_promises_kept;
use sofa_weekly::render::{Rendered, Theme, link_list, render};

const FIXTURES: [&str; 5] = ["weekly", "elements", "japanese", "hostile", "generators"];

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/render/{name}.md",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every render in these tests goes through here: the width, kinsoku and no-text-lost
/// promises are asserted each time.
fn render_checked(markdown: &str, width: usize, theme: &Theme) -> Rendered {
    let rendered = render(markdown, width, theme);
    assert_promises_kept(markdown, &rendered, width);
    assert_eq!(rendered.lines.len(), rendered.line_offsets.len());
    rendered
}

fn style_code(style: Style) -> String {
    let mut code = String::new();
    for (modifier, letter) in [
        (Modifier::BOLD, 'b'),
        (Modifier::ITALIC, 'i'),
        (Modifier::UNDERLINED, 'u'),
        (Modifier::CROSSED_OUT, 's'),
        (Modifier::DIM, 'd'),
    ] {
        if style.add_modifier.contains(modifier) {
            code.push(letter);
        }
    }
    for (label, color) in [("fg", style.fg), ("bg", style.bg)] {
        if let Some(Color::Rgb(r, g, b)) = color {
            let _ = write!(code, " {label}#{r:02x}{g:02x}{b:02x}");
        }
    }
    code.trim().to_string()
}

/// The text as a reader sees it, then each styled stretch as `line:start-end style`.
fn dump(rendered: &Rendered, width: usize) -> String {
    let mut out = String::new();
    for line in rendered.plain_lines() {
        let _ = writeln!(out, "|{line}");
    }
    for line in link_list(&rendered.links, width, &Theme::plain()) {
        let _ = writeln!(out, "|{line}");
    }
    out.push_str("--- styles\n");
    for (index, line) in rendered.lines.iter().enumerate() {
        let mut column = 0;
        let mut parts = Vec::new();
        for span in &line.spans {
            let width = span.width();
            let code = style_code(span.style);
            if !code.is_empty() && width > 0 {
                parts.push(format!("{column}-{} {code}", column + width));
            }
            column += width;
        }
        if !parts.is_empty() {
            let _ = writeln!(out, "{index}: {}", parts.join(", "));
        }
    }
    out
}

#[test]
fn fixtures_match_their_snapshots_at_40_and_80() {
    for name in FIXTURES {
        let markdown = fixture(name);
        for width in [40, 80] {
            let rendered = render_checked(&markdown, width, &Theme::dark());
            insta::assert_snapshot!(format!("{name}_{width}"), dump(&rendered, width));
        }
    }
}

#[test]
fn every_width_from_1_to_120_keeps_the_promises() {
    for name in FIXTURES {
        let markdown = fixture(name);
        for width in 1..=120 {
            let rendered = render(&markdown, width, &Theme::plain());
            for (index, line) in rendered.lines.iter().enumerate() {
                assert!(line.width() <= width, "{name}@{width} line {index}: {line}");
            }
            if width >= 8 {
                assert_promises_kept(&markdown, &rendered, width);
            }
        }
    }
}

#[test]
fn plain_and_colour_themes_lay_out_the_same_text() {
    for name in FIXTURES {
        let markdown = fixture(name);
        let plain = render_checked(&markdown, 60, &Theme::plain());
        let dark = render_checked(&markdown, 60, &Theme::dark());
        assert_eq!(plain.plain_lines(), dark.plain_lines(), "{name}");
        assert!(
            plain
                .lines
                .iter()
                .flat_map(|l| &l.spans)
                .all(|s| s.style == Style::new())
        );
    }
}

#[test]
fn headings_are_listed_with_their_lines() {
    let rendered = render_checked(&fixture("elements"), 80, &Theme::plain());
    let titles: Vec<(u8, &str)> = rendered
        .headings
        .iter()
        .map(|h| (h.level, h.text.as_str()))
        .collect();
    assert_eq!(
        titles,
        [
            (1, "Every element"),
            (2, "Lists"),
            (2, "Quotes"),
            (2, "Code"),
            (2, "Table"),
            (2, "HTML")
        ]
    );
    for heading in &rendered.headings {
        assert_eq!(rendered.lines[heading.line].to_string(), heading.text);
    }
}

#[test]
fn links_are_numbered_in_order_with_images_marked() {
    let rendered = render_checked(&fixture("weekly"), 80, &Theme::plain());
    let links: Vec<(usize, &str, bool)> = rendered
        .links
        .iter()
        .map(|l| (l.number, l.url.as_str(), l.is_image))
        .collect();
    assert_eq!(links[0], (1, "https://example.com/weekly.png", true));
    assert_eq!(links[1], (2, "https://www.sofastack.tech/", false));
    assert_eq!(rendered.links[2].text, "部分代码");
    let text = rendered.plain_lines().join("\n");
    assert!(text.contains("[image: weekly][1]"));
    assert!(
        text.contains("官网: **https://www.sofastack.tech[2]"),
        "{text}"
    );
}

#[test]
fn html_breaks_images_entities_and_dropped_tags() {
    let rendered = render_checked(&fixture("elements"), 100, &Theme::plain());
    let text = rendered.plain_lines().join("\n");
    assert!(
        text.contains("A hard break follows\nand a <br> too\nand an entity & © 中."),
        "{text}"
    );
    assert!(text.contains("[image: logo]"));
    assert!(text.contains("Centered text"));
    assert!(text.contains("Inline span text stays."));
    assert!(!text.contains("<span"));
    assert!(
        rendered
            .links
            .iter()
            .any(|l| l.is_image && l.url == "https://example.com/logo.png")
    );
}

#[test]
fn soft_breaks_join_chinese_lines_without_a_space() {
    let rendered = render_checked(&fixture("weekly"), 200, &Theme::plain());
    let text = rendered.plain_lines().join("\n");
    assert!(
        text.contains("留言提问或在群里与我们互动我们会筛选重点问题"),
        "{text}"
    );
}

#[test]
fn hostile_content_never_reaches_the_terminal() {
    let rendered = render_checked(&fixture("hostile"), 60, &Theme::dark());
    let mut out = Vec::new();
    rendered.write_ansi(&mut out, true, true).unwrap();
    let text = String::from_utf8(out).unwrap();
    // Our own sequences are SGR (ESC [ … m) and OSC 8 (ESC ] 8 ;;): nothing else.
    let stripped = text
        .replace("\x1b]8;;\x1b\\", "")
        .split('\x1b')
        .skip(1)
        .all(|rest| rest.starts_with("[0") || rest.starts_with("]8;;http"));
    assert!(stripped, "{text:?}");
    assert!(!text.contains('\u{7}') && !text.contains('\u{9b}') && !text.contains('\u{202e}'));
    assert!(rendered.plain_lines()[0].contains("␛[31mred␛[0m"));
}

#[test]
fn reading_position_survives_a_width_change() {
    let markdown = fixture("weekly");
    let wide = render_checked(&markdown, 80, &Theme::plain());
    let narrow = render_checked(&markdown, 40, &Theme::plain());
    assert!(wide.line_offsets.windows(2).all(|w| w[0] <= w[1]));
    assert!(narrow.line_offsets.windows(2).all(|w| w[0] <= w[1]));
    // The line showing "A：" at 80 columns maps to the line showing it at 40.
    let line_at_80 = wide
        .plain_lines()
        .iter()
        .position(|l| l.starts_with("A："))
        .unwrap();
    let offset = wide.offset_for_line(line_at_80);
    let line_at_40 = narrow.line_for_offset(offset);
    assert!(
        narrow.plain_lines()[line_at_40].starts_with("A："),
        "{offset}"
    );
    assert_eq!(narrow.line_for_offset(0), 0);
    for heading in &narrow.headings {
        let offset = narrow.offset_for_line(heading.line);
        assert_eq!(narrow.line_for_offset(offset), heading.line, "{heading:?}");
    }
    assert_eq!(
        narrow.offset_for_line(usize::MAX),
        *narrow.line_offsets.last().unwrap()
    );
}

#[test]
fn find_reports_lines_and_display_columns() {
    let rendered = render_checked(&fixture("weekly"), 80, &Theme::plain());
    let found = rendered.find("seata saga");
    assert_eq!(found.len(), 1);
    let line = rendered.plain_lines()[found[0].line].clone();
    assert!(line.contains("Seata Saga"));
    assert_eq!(found[0].end_col - found[0].start_col, 10);
}

#[test]
fn empty_and_whitespace_posts_render_nothing() {
    assert!(render_checked("", 40, &Theme::plain()).lines.is_empty());
    assert!(
        render_checked("   \n\n  ", 40, &Theme::plain())
            .lines
            .is_empty()
    );
}
