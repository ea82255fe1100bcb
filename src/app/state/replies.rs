//! Replies from the worker: tags, the restored session, lists and rendered pages.

use std::sync::Arc;

use super::*;

impl App {
    pub fn on_worker(&mut self, msg: WorkerMsg) -> Vec<Effect> {
        let effects = self.handle_reply(msg);
        self.and_follow_preview(effects)
    }

    fn handle_reply(&mut self, msg: WorkerMsg) -> Vec<Effect> {
        match msg {
            WorkerMsg::Post { ticket, result, .. } if ticket == self.preview_ticket => {
                self.show_preview(result);
                Vec::new()
            }
            WorkerMsg::Tags(Ok(tags)) => {
                let cursor_name = self.cursor_tag().map(|t| t.tag.clone());
                self.tags = tags;
                let wanted = self.tag_on_load.take().or(cursor_name);
                self.tag_cursor = wanted
                    .and_then(|name| {
                        self.visible_tags()
                            .iter()
                            .position(|t| t.tag.eq_ignore_ascii_case(&name))
                    })
                    .map_or(0, |i| i + 1);
                self.keep_lists_in_view();
                if std::mem::take(&mut self.list_after_tags) {
                    self.say_filter_restored();
                    return self.reload_list();
                }
                Vec::new()
            }
            WorkerMsg::Sections(Ok(sections)) => self.on_sections(sections),
            WorkerMsg::Sections(Err(e)) => {
                self.error(format!("could not read the sections: {e}"));
                Vec::new()
            }
            WorkerMsg::Items { ticket, result } => {
                match result {
                    Ok(rows) => self.on_items(ticket, rows),
                    Err(e) => self.error(format!("could not read the items: {e}")),
                }
                Vec::new()
            }
            WorkerMsg::Tags(Err(e)) => {
                self.error(format!("could not read the tags: {e}"));
                Vec::new()
            }
            // Keys typed before the saved session arrived win over it: the user has started.
            WorkerMsg::Session(_) if self.keys_pressed => {
                let mut effects = self.reload_list();
                effects.push(Effect::LoadTags);
                effects
            }
            WorkerMsg::Session(session) => {
                self.pinned_tags = session.pinned_tags;
                self.unread_only = session.unread_only;
                self.search = session.search;
                self.select_on_load = session.last_post;
                self.keep_lists_in_view();
                // The tags come after the first page (counting every tag's posts took
                // 130 ms at 100,000 posts), unless the list is filtered by the tag that
                // had the cursor: then it waits for them.
                if let Some(name) = session.cursor_tag {
                    self.tag_on_load = Some(name);
                    self.list_after_tags = true;
                    return vec![Effect::LoadTags];
                }
                self.say_filter_restored();
                let mut effects = self.reload_list();
                effects.push(Effect::LoadTags);
                effects
            }
            WorkerMsg::List { ticket, result } => {
                if ticket != self.list_ticket {
                    return Vec::new();
                }
                self.loading_more = false;
                match result {
                    Ok(posts) => {
                        // A full page: the list goes on in the library.
                        self.more_posts = posts.len() >= self.list_limit;
                        self.set_posts(posts);
                        // `sofa-weekly FILE.md` is for reading that post, not a list of one.
                        if let Some(direct) = self.read_directly.as_mut()
                            && std::mem::take(&mut direct.single_file)
                            && self.posts.len() == 1
                            && self.reader.is_none()
                        {
                            return self.open_post(self.posts[0].clone());
                        }
                        // The post to select again is further down: load until it is there.
                        if self.select_on_load.is_some() {
                            return self.load_more_posts();
                        }
                        return self.load_more_near_the_end();
                    }
                    Err(e) => {
                        self.more_posts = false;
                        self.error(format!("could not list the posts: {e}"));
                    }
                }
                Vec::new()
            }
            WorkerMsg::Post { ticket, id, result } => {
                if ticket != self.post_ticket {
                    return Vec::new();
                }
                match result {
                    Ok(page) => {
                        self.remember(page.clone());
                        return self.show_page(id, page);
                    }
                    Err(e) => {
                        if let Some(reader) = self.reader.as_mut().filter(|r| r.summary.id == id) {
                            reader.loading_error = Some(e.clone());
                        }
                        self.error(format!("could not open the post: {e}"));
                    }
                }
                Vec::new()
            }
            WorkerMsg::Picture {
                page,
                index,
                result,
            } => {
                self.picture_ready(page, index, result);
                Vec::new()
            }
            WorkerMsg::Failed(e) => {
                self.error(e);
                Vec::new()
            }
            WorkerMsg::Switched { origin } => {
                // Another set of posts: ids, tags and places of the sample mean nothing there.
                self.origin = origin;
                self.cache.clear();
                self.positions.clear();
                self.posts.clear();
                self.posts_loaded = false;
                self.post_cursor = 0;
                self.post_offset = 0;
                self.tag_cursor = 0;
                self.tag_offset = 0;
                self.pinned_tags.clear();
                self.reader = None;
                if self.focus == Focus::Reader {
                    self.focus = Focus::Posts;
                }
                let mut effects = vec![Effect::LoadTags];
                effects.extend(self.reload_list());
                effects
            }
            WorkerMsg::Note(text) => {
                self.note(text);
                Vec::new()
            }
            WorkerMsg::NoBrowser { url } => {
                let key = self.keymap.key_for(Focus::Posts, Action::CopyLink);
                match key {
                    Some(key) => {
                        self.error(format!(
                            "no browser found: set $BROWSER — {} copies the link",
                            key.label()
                        ));
                        self.copy_offer = Some(url);
                    }
                    None => self.error("no browser found: set $BROWSER"),
                }
                Vec::new()
            }
            WorkerMsg::SyncProgress {
                source,
                done,
                total,
            } => {
                self.sync = Some(SyncStatus {
                    source,
                    done,
                    total,
                });
                Vec::new()
            }
            WorkerMsg::SyncFinished {
                summary,
                failed,
                results,
            } => {
                self.sync = None;
                self.sync_results = results;
                if failed {
                    self.error(summary);
                    if let (Some(note), Some(key)) = (
                        self.note.as_mut(),
                        self.keymap.key_for(self.focus, Action::SyncResults),
                    ) {
                        note.hint = Some(format!("{} all results", key.label()));
                    }
                } else {
                    self.note(summary);
                }
                // Posts may have changed under the cached pages.
                self.cache.clear();
                let mut effects = vec![Effect::LoadTags];
                effects.extend(self.reload_list());
                effects
            }
        }
    }

    /// A filter restored from last time hides posts: say so on the first screen, with the
    /// key that clears it (`filter restored: tag MOSN · /状态 — T clears`).
    fn say_filter_restored(&mut self) {
        let mut parts = Vec::new();
        let tags = self.filter_tags();
        if !tags.is_empty() {
            parts.push(format!("tag {}", tags.join(" + ")));
        }
        if let Some(search) = &self.search {
            parts.push(format!("/{search}"));
        }
        if self.unread_only {
            parts.push("unread only".to_string());
        }
        if parts.is_empty() && self.tag_on_load.is_none() {
            return;
        }
        if let Some(tag) = &self.tag_on_load {
            parts.push(format!("tag {tag}"));
        }
        let mut text = format!("filter restored: {}", parts.join(" · "));
        if let Some(key) = self.keymap.key_for(Focus::Posts, Action::ClearTags) {
            text.push_str(&format!(" — {} clears", key.label()));
        }
        match &mut self.note {
            // A problem with the config, said at start, stays first.
            Some(note) if note.error => note.text = format!("{}; {text}", note.text),
            _ => self.note(text),
        }
    }

    /// Asks for a longer list, four times as long, under the same ticket: the list grows
    /// as it is read rather than all at once, so a library of 100,000 posts keeps in
    /// memory the posts the reader has scrolled past (the whole list was 150 MB), and
    /// the worker is not busy listing them all when a post is opened.
    pub(super) fn load_more_posts(&mut self) -> Vec<Effect> {
        if !self.more_posts || self.loading_more {
            return Vec::new();
        }
        self.loading_more = true;
        self.list_limit = self.posts.len().max(FIRST_PAGE) * 4;
        vec![Effect::LoadList {
            ticket: self.list_ticket,
            query: ListQuery {
                limit: Some(self.list_limit),
                ..self.query()
            },
        }]
    }

    /// [`App::load_more_posts`] once the cursor is within a screen or two of the last
    /// post loaded.
    pub(super) fn load_more_near_the_end(&mut self) -> Vec<Effect> {
        let ahead = 2 * self.list_height(Focus::Posts).max(FIRST_PAGE / 4);
        if self.post_cursor + ahead >= self.posts.len() {
            self.load_more_posts()
        } else {
            Vec::new()
        }
    }

    pub(super) fn set_posts(&mut self, posts: Vec<PostSummary>) {
        let kept = self.select_on_load.take();
        let keep = if std::mem::take(&mut self.top_on_load) {
            None
        } else {
            kept.or_else(|| self.selected_post().map(|p| p.id))
        };
        self.series = SeriesTitles::learn(&posts);
        self.posts = posts;
        self.posts_loaded = true;
        let found = keep.and_then(|id| self.posts.iter().position(|p| p.id == id));
        if found.is_none() && self.more_posts {
            // The post to select may be further down the list than its first page.
            self.select_on_load = keep;
        }
        self.post_cursor = found.unwrap_or(0);
        self.keep_lists_in_view();
    }

    pub(super) fn show_page(&mut self, id: PostId, page: Arc<Page>) -> Vec<Effect> {
        let page = Page::with_compact_header(&page, self.wants_compact_header());
        let query = self.active_search().map(str::to_string);
        let Some(reader) = self.reader.as_mut().filter(|r| r.summary.id == id) else {
            return Vec::new();
        };
        let first_time = reader.page.is_none();
        let saved = self
            .positions
            .get(&id)
            .copied()
            .or(page.position.map(|p| p.max(0) as usize));
        let anchor = reader
            .pending_anchor
            .take()
            .or(if first_time { saved } else { None });
        if let Some(anchor) = anchor {
            reader.scroll = page.scroll_for(anchor);
        }
        reader.matches = match &query {
            Some(q) => page.find_terms(q),
            None => Vec::new(),
        };
        if first_time && reader.mark.is_some() {
            super::items::mark_item(reader, &page);
        }
        reader.page = Some(page);
        if first_time
            && anchor.is_none()
            && let Some(first_line) = reader.matches.first().map(|m| m.line)
        {
            let header_len = reader.page.as_ref().map_or(0, |p| p.header_len());
            reader.current_match = Some(0);
            reader.scroll = (header_len + first_line).saturating_sub(2);
        }
        self.clamp_scroll();
        self.decode_pictures()
    }

    pub(super) fn remember(&mut self, page: Arc<Page>) {
        if self.cache.len() >= CACHE_SIZE {
            self.cache.clear();
        }
        self.cache.insert((page.id, page.width, self.theme), page);
    }
}
