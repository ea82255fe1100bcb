//! The mouse: the wheel scrolls the pane under it, a click selects (a second click on the
//! selected post opens it).

use ratatui::crossterm::event::{MouseEvent, MouseEventKind};

use super::*;

/// Scrolling the mouse wheel moves this many lines.
const WHEEL_LINES: usize = 3;

impl App {
    pub fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        let effects = self.handle_mouse(mouse);
        self.and_follow_preview(effects)
    }

    fn handle_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        if self.fatal.is_some() || self.popup.is_some() || self.search_input.is_some() {
            return Vec::new();
        }
        let panes = self.panes();
        let Some(pane) = panes.pane_at(mouse.column, mouse.row) else {
            return Vec::new();
        };
        match mouse.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let delta = if mouse.kind == MouseEventKind::ScrollDown {
                    WHEEL_LINES as isize
                } else {
                    -(WHEEL_LINES as isize)
                };
                self.move_in(pane, delta)
            }
            MouseEventKind::Down(_) => self.click(pane, &panes, mouse.row),
            _ => Vec::new(),
        }
    }

    pub(super) fn click(&mut self, pane: Focus, panes: &Panes, row: u16) -> Vec<Effect> {
        let inner_top = |rect: Option<Rect>| rect.map_or(0, |r| layout::inner(r).y);
        match pane {
            Focus::Tags => {
                self.focus = Focus::Tags;
                let top = inner_top(panes.tags);
                let Some(index) = row.checked_sub(top) else {
                    return Vec::new();
                };
                let target = self.tag_offset + index as usize;
                if target > self.visible_tags().len() {
                    return Vec::new();
                }
                self.move_in(Focus::Tags, target as isize - self.tag_cursor as isize)
            }
            Focus::Posts => {
                let top = inner_top(panes.posts);
                let Some(index) = row.checked_sub(top) else {
                    return Vec::new();
                };
                let target = self.post_offset + index as usize;
                if target >= self.posts.len() {
                    return Vec::new();
                }
                let again = self.focus == Focus::Posts && target == self.post_cursor;
                self.focus = Focus::Posts;
                self.post_cursor = target;
                let mut effects = if again { self.open() } else { Vec::new() };
                effects.extend(self.load_more_near_the_end());
                effects
            }
            Focus::Reader => {
                if self.reader.is_some() {
                    self.focus = Focus::Reader;
                }
                Vec::new()
            }
        }
    }
}
