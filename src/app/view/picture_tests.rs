//! Pictures in the reader pane, drawn in half blocks into a `TestBackend` from pictures made
//! here: where they go, their edges, a resize, a popup over them, and what is left after
//! the view moves.

use image::{Rgba, RgbaImage};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

use crate::app::pictures::MemoryShelf;
use crate::app::testing::{Harness, post, press};

const RED: Rgba<u8> = Rgba([220, 30, 30, 255]);
const BLUE: Rgba<u8> = Rgba([30, 30, 220, 255]);

/// 60×40 px: red on top, blue below, so each half of the picture is told by its colour.
fn red_over_blue() -> RgbaImage {
    RgbaImage::from_fn(60, 40, |_, y| if y < 20 { RED } else { BLUE })
}

fn body(before: usize) -> String {
    let before: String = (1..=before)
        .map(|i| format!("前文第 {i} 段。\n\n"))
        .collect();
    let after: String = (1..=30).map(|i| format!("后文第 {i} 段。\n\n")).collect();
    format!(
        "{before}![架构图](arch.png)\n\n行内图片 ![图标](arch.png) 保持占位。\n\n![海报](poster.jpg)\n\n{after}"
    )
}

fn reading(width: u16, height: u16) -> Harness {
    reading_after(3, width, height)
}

/// The post with `before` paragraphs ahead of the picture.
fn reading_after(before: usize, width: u16, height: u16) -> Harness {
    let shelf = MemoryShelf::with_pixels(vec![("arch.png", red_over_blue())])
        .missing("poster.jpg", "not downloaded yet");
    let posts = vec![post(
        1,
        "2024-05-01",
        "图片周报",
        &["SOFA Weekly"],
        &body(before),
    )];
    let mut h = Harness::with_pictures(posts, shelf, width, height);
    press(&mut h, "<Enter>");
    h
}

fn draw(h: &Harness) -> Buffer {
    let (width, height) = (h.app.viewport.width, h.app.viewport.height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| super::draw(frame, &h.app))
        .unwrap()
        .buffer
        .clone()
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// The rows holding picture cells, with the colour of the lower half of their first one (a
/// half block's background: a cell whose halves are alike is a space on that colour).
///
/// The cell after a wide character is left out: a terminal covers it with the character, but
/// the diff does not write it, so a `TestBackend` keeps what was there before.
fn picture_rows(buffer: &Buffer) -> Vec<(u16, Color)> {
    let area = buffer.area;
    (0..area.height)
        .filter_map(|y| {
            let mut covered = false;
            (0..area.width)
                .map(|x| &buffer[(x, y)])
                .filter(|cell| {
                    let shown = !covered;
                    covered = crate::text::display_width(cell.symbol()) > 1;
                    shown
                })
                .find(|cell| is_red(cell.bg) || is_blue(cell.bg))
                .map(|cell| (y, cell.bg))
        })
        .collect()
}

fn is_red(color: Color) -> bool {
    matches!(color, Color::Rgb(r, _, b) if r > 150 && b < 100)
}

fn is_blue(color: Color) -> bool {
    matches!(color, Color::Rgb(r, _, b) if b > 150 && r < 100)
}

#[test]
fn a_picture_alone_in_its_paragraph_is_drawn_in_half_blocks_at_its_place() {
    let h = reading(100, 30);
    let page = h.app.reader.as_ref().unwrap().page.clone().unwrap();
    let block = &page.rendered.pictures[0];
    // 60×40 px is 60 columns × 20 rows natural; the text is 46 columns wide, so 15 rows
    // (under the 17 that two thirds of the 26-row pane allow).
    assert_eq!(h.app.reader_height(), 26);
    assert_eq!((block.columns, block.rows), (46, 15));
    let buffer = draw(&h);
    let rows = picture_rows(&buffer);
    assert_eq!(rows.len(), 15, "{}", text(&buffer));
    assert!(is_red(rows[0].1), "top is red: {:?}", rows[0]);
    assert!(is_blue(rows[14].1), "bottom is blue: {:?}", rows[14]);
    insta::assert_snapshot!(text(&buffer));
}

#[test]
fn a_picture_in_a_line_of_text_and_one_not_cached_keep_placeholders() {
    let h = reading(100, 30);
    let page = h.app.reader.as_ref().unwrap().page.clone().unwrap();
    let lines = page.rendered.plain_lines();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("行内图片 [image: 图标][1] 保持占位。"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l == "[image: 海报 (not downloaded yet)][2]"),
        "{lines:#?}"
    );
    assert_eq!(page.rendered.pictures.len(), 1);
}

#[test]
fn a_picture_cut_by_the_top_edge_draws_only_its_lower_rows() {
    let mut h = reading(100, 30);
    let page = h.app.reader.as_ref().unwrap().page.clone().unwrap();
    let top = page.header_len() + page.rendered.pictures[0].line;
    // Scroll until 11 of its 15 rows are above the pane.
    h.app.reader.as_mut().unwrap().scroll = top + 11;
    let buffer = draw(&h);
    let rows = picture_rows(&buffer);
    assert_eq!(rows.len(), 4, "{}", text(&buffer));
    assert!(rows.iter().all(|(_, fg)| is_blue(*fg)), "{rows:?}");
    // Its first visible row is the pane's first text row, under the border and title.
    let pane_top = h.app.panes().reader.unwrap().y + 1;
    assert_eq!(rows[0].0, pane_top);
}

#[test]
fn a_picture_cut_by_the_bottom_edge_draws_only_its_upper_rows() {
    let mut h = reading_after(20, 100, 30);
    let page = h.app.reader.as_ref().unwrap().page.clone().unwrap();
    let top = page.header_len() + page.rendered.pictures[0].line;
    let height = h.app.reader_height();
    // Only its first 4 rows are in view, at the bottom of the pane.
    let cuts_bottom = h.app.reader.as_mut().unwrap();
    cuts_bottom.scroll = top + 4 - height;
    assert!(top + 4 > height);
    let buffer = draw(&h);
    let rows = picture_rows(&buffer);
    assert_eq!(rows.len(), 4, "{}", text(&buffer));
    assert!(rows.iter().all(|(_, fg)| is_red(*fg)), "{rows:?}");
}

#[test]
fn no_picture_is_left_behind_after_the_view_moves() {
    let mut h = reading(100, 30);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal.draw(|frame| super::draw(frame, &h.app)).unwrap();
    assert!(!picture_rows(terminal.backend().buffer()).is_empty());
    // Far past the picture: what the terminal shows (the backend's copy, fed by the diff)
    // has no picture cell left.
    press(&mut h, "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjj");
    terminal.draw(|frame| super::draw(frame, &h.app)).unwrap();
    assert!(
        picture_rows(terminal.backend().buffer()).is_empty(),
        "{}",
        text(terminal.backend().buffer())
    );
}

#[test]
fn a_resize_lays_the_picture_out_again() {
    let mut h = reading(100, 30);
    let effects = h.app.resize(60, 20);
    h.run(effects);
    let page = h.app.reader.as_ref().unwrap().page.clone().unwrap();
    let block = &page.rendered.pictures[0];
    let allowed = h.app.reader_height() * 2 / 3;
    assert_eq!(usize::from(page.picture_rows), allowed);
    assert_eq!(block.rows, allowed);
    assert_eq!(block.columns, (60 * allowed + 10) / 20);
    // Scrolled to the picture, all of it shows, at its new size.
    let top = page.header_len() + block.line;
    h.app.reader.as_mut().unwrap().scroll = top;
    let buffer = draw(&h);
    let rows = picture_rows(&buffer);
    assert_eq!(rows.len(), allowed, "{}", text(&buffer));
}

#[test]
fn a_popup_is_drawn_over_a_picture() {
    let mut h = reading(100, 30);
    press(&mut h, "f");
    let buffer = draw(&h);
    let screen = text(&buffer);
    assert!(screen.contains("arch.png"), "{screen}");
    // The popup's rows show its list, not half blocks, where it covers the picture.
    let popup_row = (0..30)
        .find(|&y| {
            (0..100)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .contains("arch.png")
        })
        .unwrap();
    let line: String = (0..100).map(|x| buffer[(x, popup_row)].symbol()).collect();
    assert!(line.contains("arch.png"), "{line}");
}

#[test]
fn the_pictures_shown_are_noted_for_the_budget() {
    let h = reading(100, 30);
    let shown = h
        .store
        .pictures
        .as_ref()
        .unwrap()
        .shown
        .lock()
        .unwrap()
        .clone();
    assert_eq!(shown, ["arch.png"]);
}

#[test]
fn only_the_pictures_near_the_view_are_decoded_and_kept() {
    let mut body = String::new();
    let mut pictures = Vec::new();
    for i in 0..45 {
        body.push_str(&format!("第 {i} 张图。\n\n![图 {i}](p{i}.png)\n\n"));
        pictures.push((format!("p{i}.png"), red_over_blue()));
    }
    let shelf = MemoryShelf::with_pixels(
        pictures
            .iter()
            .map(|(name, image)| (name.as_str(), image.clone()))
            .collect(),
    );
    let posts = vec![post(1, "2024-05-01", "45 张图", &["SOFA Weekly"], &body)];
    let mut h = Harness::with_pictures(posts, shelf, 100, 30);
    press(&mut h, "<Enter>");
    let first_screen: Vec<usize> = h.app.pictures.ready.keys().copied().collect();
    assert!(first_screen.contains(&0));
    assert!(first_screen.len() < 10, "{first_screen:?}");
    // Far down the post: the first pictures are let go, those in view are there.
    for _ in 0..30 {
        press(&mut h, "<Space>");
    }
    assert!(!h.app.pictures.ready.contains_key(&0));
    assert!(h.app.pictures.ready.len() < 10);
    let buffer = draw(&h);
    assert!(!picture_rows(&buffer).is_empty(), "{}", text(&buffer));
}
