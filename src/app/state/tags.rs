//! The tag filter: stepping with `[`/`]`, pinning with Space, narrowing by typing after `t`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

impl App {
    pub(super) fn step_tag(&mut self, delta: isize) -> Vec<Effect> {
        self.tag_query = None;
        let rows = self.visible_tags().len() + 1;
        let target = step(self.tag_cursor, delta, rows);
        if target == self.tag_cursor {
            self.note(if delta > 0 { "last tag" } else { "all posts" });
            return Vec::new();
        }
        self.tag_cursor = target;
        self.keep_lists_in_view();
        match self.cursor_tag() {
            Some(tag) => self.note(format!("tag {}", tag.tag)),
            None => self.note("all posts"),
        }
        self.reload_list()
    }

    pub(super) fn toggle_tag(&mut self) -> Vec<Effect> {
        let Some(tag) = self.cursor_tag().map(|t| t.tag.clone()) else {
            return Vec::new();
        };
        match self
            .pinned_tags
            .iter()
            .position(|t| t.eq_ignore_ascii_case(&tag))
        {
            Some(i) => {
                self.pinned_tags.remove(i);
            }
            None => self.pinned_tags.push(tag),
        }
        self.reload_list()
    }

    /// Keys while typing after `t`: letters narrow the tags, Enter keeps the cursor's tag and
    /// goes to the posts, Esc stops narrowing. Other keys fall through to the keymap.
    pub(super) fn on_tag_query_key(&mut self, key: KeyEvent) -> Option<Vec<Effect>> {
        let query = self.tag_query.as_mut()?;
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) && c != ' ' => {
                query.push(c);
            }
            KeyCode::Backspace => {
                query.pop();
            }
            KeyCode::Enter => {
                self.stop_tag_query();
                self.tags_opened_from = None;
                self.focus = Focus::Posts;
                self.keep_lists_in_view();
                return Some(self.reload_list());
            }
            KeyCode::Esc => {
                self.stop_tag_query();
                // Back where `t` was pressed: from the reader, that is the post, not the
                // tags pane (which on a narrow screen is a popup over the list).
                match self.tags_opened_from.take() {
                    Some(Focus::Reader) if self.reader.is_some() => self.focus = Focus::Reader,
                    Some(Focus::Posts) => self.focus = Focus::Posts,
                    _ => {}
                }
                self.keep_lists_in_view();
                return Some(Vec::new());
            }
            _ => return None,
        }
        // Narrowing: the cursor goes to the first match, and the list follows it.
        let rows = self.visible_tags().len();
        self.tag_cursor = if rows > 0 { 1 } else { 0 };
        self.tag_offset = 0;
        Some(self.reload_list())
    }

    /// Ends the typing after `t`: every tag shows again, the cursor on the tag it was on.
    fn stop_tag_query(&mut self) {
        let chosen = self.cursor_tag().map(|t| t.tag.clone());
        self.tag_query = None;
        self.tag_cursor = chosen
            .and_then(|name| self.visible_tags().iter().position(|t| t.tag == name))
            .map_or(0, |i| i + 1);
    }
}
