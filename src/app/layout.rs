//! Where each pane goes for a terminal size. Pure arithmetic on `Rect`s, shared by the state
//! (page sizes, mouse hit tests) and the view (drawing), so both always agree.
//!
//! From [`WIDE`] columns up the screen has three panes, tags | posts | reader (below [`ROOMY`]
//! the tags pane shows only while it has the focus). Below that the
//! tags pane folds away (it comes back as a popup over the list) and the post list and the
//! reader take turns at the full width: half of a narrow screen is too little to read Chinese.

use ratatui::layout::Rect;

use super::keymap::Focus;

/// The narrowest terminal that gets the list and the reader side by side.
pub const WIDE: u16 = 100;

/// The narrowest terminal that keeps the tags pane beside them whatever has the focus.
pub const ROOMY: u16 = 140;

/// The screen cut into its parts. A pane that is not shown is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub title: Rect,
    pub status: Rect,
    pub tags: Option<Rect>,
    pub posts: Option<Rect>,
    pub reader: Option<Rect>,
    /// The tags pane floats over the posts list (narrow screens).
    pub tags_popup: bool,
}

impl Panes {
    /// The shown pane containing a screen cell, tags first as it may float on top.
    pub fn pane_at(&self, column: u16, row: u16) -> Option<Focus> {
        let hit = |rect: Option<Rect>| {
            rect.is_some_and(|r| {
                column >= r.x && column < r.right() && row >= r.y && row < r.bottom()
            })
        };
        if hit(self.tags) {
            Some(Focus::Tags)
        } else if hit(self.posts) {
            Some(Focus::Posts)
        } else if hit(self.reader) {
            Some(Focus::Reader)
        } else {
            None
        }
    }
}

/// Lays out `area` for the pane that has the focus.
pub fn panes(area: Rect, focus: Focus) -> Panes {
    let title = Rect {
        height: area.height.min(1),
        ..area
    };
    let status = Rect {
        y: area.bottom().saturating_sub(1).max(title.bottom()),
        height: area.height.saturating_sub(1).min(1),
        ..area
    };
    let body = Rect {
        y: title.bottom(),
        height: area.height.saturating_sub(title.height + status.height),
        ..area
    };
    if area.width >= WIDE {
        let tags_width = (area.width * 18 / 100).clamp(18, 28);
        let posts_width = (area.width * 32 / 100).clamp(32, 50);
        // Below ROOMY the tags pane folds away while the posts or the reader have the
        // focus, and the list takes its columns: titles need them more than a pane that is
        // not in use (the title bar still names the filter). The reader stays where it is.
        let fold_tags = area.width < ROOMY && focus != Focus::Tags;
        let tags = Rect {
            width: if fold_tags { 0 } else { tags_width },
            ..body
        };
        let posts = Rect {
            x: tags.right(),
            width: posts_width + tags_width - tags.width,
            ..body
        };
        let reader = Rect {
            x: posts.right(),
            width: body.right().saturating_sub(posts.right()),
            ..body
        };
        return Panes {
            title,
            status,
            tags: (!fold_tags).then_some(tags),
            posts: Some(posts),
            reader: Some(reader),
            tags_popup: false,
        };
    }
    match focus {
        Focus::Reader => Panes {
            title,
            status,
            tags: None,
            posts: None,
            reader: Some(body),
            tags_popup: false,
        },
        Focus::Posts => Panes {
            title,
            status,
            tags: None,
            posts: Some(body),
            reader: None,
            tags_popup: false,
        },
        Focus::Tags => Panes {
            title,
            status,
            tags: Some(centered(body, 36, body.height.saturating_sub(2).max(3))),
            posts: Some(body),
            reader: None,
            tags_popup: true,
        },
    }
}

/// A `width`×`height` rectangle centred in `area` (shrunk to fit).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// The inside of a pane drawn with a border.
pub fn inner(pane: Rect) -> Rect {
    Rect {
        x: pane.x.saturating_add(1).min(pane.right()),
        y: pane.y.saturating_add(1).min(pane.bottom()),
        width: pane.width.saturating_sub(2),
        height: pane.height.saturating_sub(2),
    }
}

/// The columns the reader's text takes: at most `max_width`, one column of air on each side
/// when there is room, centred in the pane.
pub fn reader_text(pane: Rect, max_width: u16) -> Rect {
    let inside = inner(pane);
    let room = if inside.width > 24 {
        inside.width - 2
    } else {
        inside.width
    };
    let width = room.min(max_width.max(1));
    Rect {
        x: inside.x + (inside.width - width) / 2,
        width,
        ..inside
    }
}

/// The first row to show of a list of which row `cursor` must be visible, starting from the
/// previous `offset`: moves only as much as needed.
pub fn list_offset(offset: usize, cursor: usize, height: usize) -> usize {
    if height == 0 {
        return cursor;
    }
    if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(width: u16, height: u16) -> Rect {
        Rect::new(0, 0, width, height)
    }

    #[test]
    fn wide_screens_have_three_panes_filling_the_width() {
        let panes = panes(screen(100, 30), Focus::Tags);
        let (tags, posts, reader) = (
            panes.tags.unwrap(),
            panes.posts.unwrap(),
            panes.reader.unwrap(),
        );
        assert_eq!(tags.x, 0);
        assert_eq!(posts.x, tags.right());
        assert_eq!(reader.x, posts.right());
        assert_eq!(reader.right(), 100);
        assert_eq!(tags.height, 28);
        assert!(!panes.tags_popup);
    }

    #[test]
    fn below_roomy_the_tags_fold_away_and_the_reader_stays() {
        let tags = panes(screen(100, 30), Focus::Tags);
        for focus in [Focus::Posts, Focus::Reader] {
            let folded = panes(screen(100, 30), focus);
            assert_eq!(folded.tags, None);
            assert_eq!(folded.reader, tags.reader);
            assert_eq!(folded.posts.unwrap().x, 0);
            assert_eq!(folded.posts.unwrap().right(), tags.posts.unwrap().right());
        }
        assert!(panes(screen(140, 30), Focus::Posts).tags.is_some());
    }

    #[test]
    fn narrow_screens_take_turns_and_float_the_tags() {
        let list = panes(screen(60, 20), Focus::Posts);
        assert_eq!((list.tags, list.reader), (None, None));
        assert_eq!(list.posts.unwrap().width, 60);
        let reading = panes(screen(60, 20), Focus::Reader);
        assert_eq!(reading.reader.unwrap(), Rect::new(0, 1, 60, 18));
        let tags = panes(screen(40, 12), Focus::Tags);
        assert!(tags.tags_popup);
        assert_eq!(tags.pane_at(20, 5), Some(Focus::Tags));
    }

    #[test]
    fn tiny_screens_do_not_underflow() {
        for (w, h) in [(0, 0), (1, 1), (3, 2), (40, 12)] {
            for focus in [Focus::Tags, Focus::Posts, Focus::Reader] {
                let panes = panes(screen(w, h), focus);
                if let Some(reader) = panes.reader {
                    let text = reader_text(reader, 100);
                    assert!(text.right() <= reader.right());
                }
            }
        }
    }

    #[test]
    fn reading_width_is_capped_and_centred() {
        let text = reader_text(Rect::new(0, 0, 200, 30), 100);
        assert_eq!(text.width, 100);
        assert_eq!(text.x, 1 + (198 - 100) / 2);
        let narrow = reader_text(Rect::new(0, 0, 60, 20), 100);
        assert_eq!(narrow.width, 56);
    }

    #[test]
    fn list_offset_moves_only_as_needed() {
        assert_eq!(list_offset(0, 3, 10), 0);
        assert_eq!(list_offset(0, 12, 10), 3);
        assert_eq!(list_offset(5, 2, 10), 2);
    }
}
