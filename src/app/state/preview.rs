//! The preview: while no post is open and the reader pane is on screen, it shows the first
//! page of the post under the list's cursor, so the pane says something about it (it used to
//! say "Enter opens the selected post"). A preview does not count as reading the post.

use std::sync::Arc;

use super::*;

impl App {
    /// Ends every key, click and reply: `effects`, and the preview's if the selected post
    /// changed.
    pub(super) fn and_follow_preview(&mut self, mut effects: Vec<Effect>) -> Vec<Effect> {
        effects.extend(self.follow_preview());
        effects
    }

    /// Asks for the selected post's page when the preview should show it and does not yet.
    /// Called after every key, reply, click and resize, so the preview follows the cursor.
    pub(super) fn follow_preview(&mut self) -> Vec<Effect> {
        let wanted = self
            .selected_post()
            .map(|p| p.id)
            // The items view lists items, not posts: its cursor is not on a post.
            .filter(|_| {
                self.reader.is_none() && self.items.is_none() && self.panes().reader.is_some()
            });
        if wanted.is_none() {
            self.preview = None;
            self.preview_wanted = None;
            return Vec::new();
        }
        let width = self.reader_width();
        let showing = self
            .preview
            .as_ref()
            .is_some_and(|p| Some(p.id) == wanted && p.width == width);
        if showing || (self.preview_wanted == wanted && self.preview.is_none()) {
            return Vec::new();
        }
        let Some(id) = wanted else {
            return Vec::new();
        };
        self.preview_wanted = Some(id);
        if let Some(page) = self.cache.get(&(id, width, self.theme)).cloned() {
            self.preview = Some(Page::with_compact_header(
                &page,
                self.wants_compact_header(),
            ));
            return Vec::new();
        }
        self.preview = None;
        self.preview_ticket = self.ticket();
        vec![Effect::LoadPost {
            ticket: self.preview_ticket,
            id,
            width,
            picture_rows: self.picture_rows(),
        }]
    }

    pub(super) fn show_preview(&mut self, result: Result<Arc<Page>, String>) {
        // A preview that failed shows nothing: opening the post says why.
        if let Ok(page) = result {
            self.remember(page.clone());
            if self.preview_wanted == Some(page.id) {
                self.preview = Some(Page::with_compact_header(
                    &page,
                    self.wants_compact_header(),
                ));
            }
        }
    }

    /// The preview to draw: the selected post's, never another's.
    pub fn preview_page(&self) -> Option<&Page> {
        let selected = self.selected_post()?.id;
        self.preview.as_deref().filter(|p| p.id == selected)
    }
}
