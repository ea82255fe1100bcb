//! Moving cursors and scrolling: in whichever pane has the focus, kept in view when the
//! lists or the screen change, and from pane to pane.

use super::*;

impl App {
    pub(super) fn page_of(&self, focus: Focus) -> usize {
        match focus {
            Focus::Reader => self.reader_height().saturating_sub(1).max(1),
            other => self.list_height(other).max(1),
        }
    }

    pub(super) fn move_by(&mut self, delta: isize) -> Vec<Effect> {
        self.move_in(self.focus, delta)
    }

    pub(super) fn move_in(&mut self, pane: Focus, delta: isize) -> Vec<Effect> {
        if let Some(effects) = self.move_in_items(pane, delta) {
            return effects;
        }
        match pane {
            Focus::Tags => {
                let rows = self.visible_tags().len() + 1;
                let target = step(self.tag_cursor, delta, rows);
                if target == self.tag_cursor {
                    return Vec::new();
                }
                self.tag_cursor = target;
                self.keep_lists_in_view();
                self.reload_list()
            }
            Focus::Posts => {
                self.post_cursor = step(self.post_cursor, delta, self.posts.len());
                self.keep_lists_in_view();
                self.load_more_near_the_end()
            }
            Focus::Reader => {
                if let Some(reader) = &mut self.reader {
                    reader.scroll = step(reader.scroll, delta, usize::MAX);
                }
                self.clamp_scroll();
                Vec::new()
            }
        }
    }

    pub(super) fn clamp_scroll(&mut self) {
        let max = self.max_scroll();
        if let Some(reader) = &mut self.reader {
            reader.scroll = reader.scroll.min(max);
        }
    }

    pub(super) fn keep_lists_in_view(&mut self) {
        let rows = self.visible_tags().len() + 1;
        self.tag_cursor = self.tag_cursor.min(rows - 1);
        self.post_cursor = self.post_cursor.min(self.posts.len().saturating_sub(1));
        self.tag_offset = layout::list_offset(
            self.tag_offset,
            self.tag_cursor,
            self.list_height(Focus::Tags),
        );
        self.post_offset = layout::list_offset(
            self.post_offset,
            self.post_cursor,
            self.list_height(Focus::Posts),
        );
        self.clamp_scroll();
    }

    pub(super) fn cycle_pane(&mut self, forward: bool) -> Vec<Effect> {
        let mut order = vec![Focus::Tags, Focus::Posts];
        if self.reader.is_some() {
            order.push(Focus::Reader);
        }
        let here = order.iter().position(|f| *f == self.focus).unwrap_or(1);
        let next = if forward {
            (here + 1) % order.len()
        } else {
            (here + order.len() - 1) % order.len()
        };
        self.focus = order[next];
        self.tag_query = None;
        self.keep_lists_in_view();
        Vec::new()
    }
}

/// `index` moved by `delta` within `0..len`, stopping at the ends.
pub(super) fn step(index: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    index.saturating_add_signed(delta).min(len - 1)
}
