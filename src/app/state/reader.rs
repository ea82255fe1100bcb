//! Opening posts, moving between them, search matches, read/star flags and links out.

use std::time::Instant;

use super::*;

impl App {
    pub(super) fn reload_list(&mut self) -> Vec<Effect> {
        self.list_ticket = self.ticket();
        self.list_limit = FIRST_PAGE;
        self.loading_more = false;
        let mut effects = vec![Effect::LoadList {
            ticket: self.list_ticket,
            query: ListQuery {
                limit: Some(FIRST_PAGE),
                ..self.query()
            },
        }];
        // The tag filter applies to the items view too.
        effects.extend(self.reload_items_view());
        effects
    }

    pub(super) fn open(&mut self) -> Vec<Effect> {
        match self.focus {
            Focus::Tags => {
                self.tag_query = None;
                self.focus = Focus::Posts;
                self.keep_lists_in_view();
                Vec::new()
            }
            Focus::Posts => match self.selected_post().cloned() {
                Some(post) => self.open_post(post),
                None => Vec::new(),
            },
            Focus::Reader => Vec::new(),
        }
    }

    pub(super) fn open_post(&mut self, post: PostSummary) -> Vec<Effect> {
        let mut effects = self.save_position();
        self.focus = Focus::Reader;
        if self
            .reader
            .as_ref()
            .is_some_and(|r| r.summary.id == post.id)
        {
            self.keep_lists_in_view();
            return effects;
        }
        let id = post.id;
        self.reader = Some(Reader {
            summary: post,
            page: None,
            scroll: 0,
            pending_anchor: None,
            mark: None,
            matches: Vec::new(),
            current_match: None,
            opened_at: Instant::now(),
            marked_read: false,
            loading_error: None,
        });
        effects.extend(self.request_page(id));
        effects
    }

    /// The page of `id` at the current width: from the cache, else from the worker.
    pub(super) fn request_page(&mut self, id: PostId) -> Vec<Effect> {
        let width = self.reader_width();
        let picture_rows = self.picture_rows();
        self.post_ticket = self.ticket();
        if let Some(page) = self.cache.get(&(id, width, self.theme)).cloned()
            && (page.rendered.pictures.is_empty() || page.picture_rows == picture_rows)
        {
            return self.show_page(id, page);
        }
        vec![Effect::LoadPost {
            ticket: self.post_ticket,
            id,
            width,
            picture_rows,
        }]
    }

    pub(super) fn save_position(&mut self) -> Vec<Effect> {
        let Some(reader) = &self.reader else {
            return Vec::new();
        };
        let Some(page) = &reader.page else {
            return Vec::new();
        };
        let offset = page.anchor(reader.scroll);
        self.positions.insert(reader.summary.id, offset);
        vec![Effect::SavePosition {
            id: reader.summary.id,
            offset: offset as i64,
        }]
    }

    pub(super) fn back(&mut self) -> Vec<Effect> {
        match self.focus {
            Focus::Reader => {
                self.focus = Focus::Posts;
                if let Some(id) = self.reader.as_ref().map(|r| r.summary.id)
                    && let Some(i) = self.posts.iter().position(|p| p.id == id)
                {
                    self.post_cursor = i;
                }
                self.keep_lists_in_view();
                self.save_position()
            }
            Focus::Posts if self.items.as_ref().is_some_and(|v| v.search.is_some()) => {
                self.note("item search cleared");
                self.search_items(None)
            }
            Focus::Posts if self.items.is_some() => {
                self.focus = Focus::Tags;
                Vec::new()
            }
            Focus::Posts if self.search.is_some() => {
                self.search = None;
                self.note("search cleared");
                self.reload_list()
            }
            Focus::Posts => {
                self.focus = Focus::Tags;
                self.keep_lists_in_view();
                Vec::new()
            }
            Focus::Tags => {
                self.tag_query = None;
                Vec::new()
            }
        }
    }

    pub(super) fn step_post(&mut self, delta: isize) -> Vec<Effect> {
        let current = match &self.reader {
            Some(reader) => self.posts.iter().position(|p| p.id == reader.summary.id),
            None => Some(self.post_cursor),
        };
        let target = match current {
            Some(i) => {
                let t = step(i, delta, self.posts.len());
                if t == i && delta > 0 && self.more_posts {
                    self.note("loading more posts…");
                    return self.load_more_posts();
                }
                if t == i {
                    self.note(if delta > 0 { "last post" } else { "first post" });
                    return Vec::new();
                }
                t
            }
            // The open post left the list (another filter): start from the cursor.
            None => self.post_cursor,
        };
        let Some(post) = self.posts.get(target).cloned() else {
            return Vec::new();
        };
        self.post_cursor = target;
        let mut effects = self.open_post(post);
        effects.extend(self.load_more_near_the_end());
        effects
    }

    pub(super) fn jump_match(&mut self, forward: bool) -> Vec<Effect> {
        let height = self.reader_height();
        let Some(reader) = &mut self.reader else {
            return Vec::new();
        };
        if reader.matches.is_empty() {
            self.note("no matches here (search with /)");
            return Vec::new();
        }
        let count = reader.matches.len();
        let next = match reader.current_match {
            Some(i) if forward => (i + 1) % count,
            Some(i) => (i + count - 1) % count,
            None => 0,
        };
        reader.current_match = Some(next);
        let header_len = reader.page.as_ref().map_or(0, |p| p.header_len());
        let line = header_len + reader.matches[next].line;
        if line < reader.scroll || line >= reader.scroll + height {
            reader.scroll = line.saturating_sub(2);
        }
        self.clamp_scroll();
        self.note(format!("match {} of {count}", next + 1));
        Vec::new()
    }

    /// `s` and `m`: on the open post in the reader, else on the selected one.
    pub(super) fn toggle_flag(&mut self, read_flag: bool) -> Vec<Effect> {
        let target = match (&self.reader, self.focus) {
            (Some(reader), Focus::Reader) => Some(reader.summary.id),
            _ => self.selected_post().map(|p| p.id),
        };
        let Some(id) = target else {
            return Vec::new();
        };
        let current = self
            .posts
            .iter()
            .find(|p| p.id == id)
            .or(self
                .reader
                .as_ref()
                .map(|r| &r.summary)
                .filter(|s| s.id == id))
            .map(|p| if read_flag { p.read } else { p.starred })
            .unwrap_or(false);
        let value = !current;
        for summary in self
            .posts
            .iter_mut()
            .chain(self.reader.as_mut().map(|r| &mut r.summary))
            .filter(|p| p.id == id)
        {
            if read_flag {
                summary.read = value;
            } else {
                summary.starred = value;
            }
        }
        if read_flag {
            if let Some(reader) = self.reader.as_mut().filter(|r| r.summary.id == id) {
                // Marked unread by hand: do not mark it read again behind the user's back.
                reader.marked_read = true;
            }
            let done = if value {
                "marked read"
            } else {
                "marked unread"
            };
            self.note_mark(done);
            vec![Effect::SetRead { id, read: value }]
        } else {
            self.note_mark(if value { "starred" } else { "unstarred" });
            vec![Effect::SetStarred { id, starred: value }]
        }
    }

    /// Says a mark was set, and that it is not kept when the posts are read directly: they
    /// live in memory, and marks used to vanish on restart without a word.
    fn note_mark(&mut self, done: &str) {
        match &self.read_directly {
            Some(direct) => {
                let text = format!(
                    "{done}, until you quit: {} is read directly (import it to keep marks)",
                    direct.path
                );
                self.note(text);
            }
            None => self.note(done),
        }
    }

    /// The web page of the post in the reader (or, in the lists, of the selected post once
    /// it has been opened: the list rows do not carry it); else why not.
    pub(super) fn web_url(&self) -> Result<String, &'static str> {
        let page = match (&self.reader, self.focus) {
            (Some(reader), Focus::Reader) => reader.page.clone(),
            _ => {
                let selected = self.selected_post().ok_or("no post selected")?.id;
                let open = self.reader.as_ref().and_then(|r| r.page.clone());
                open.filter(|p| p.id == selected)
                    .or_else(|| self.cache.values().find(|p| p.id == selected).cloned())
            }
        };
        let page = page.ok_or("open the post first")?;
        page.web_url.clone().ok_or("this post has no web page")
    }

    pub(super) fn open_url(&mut self, url: &str) -> Vec<Effect> {
        if is_openable(url) {
            self.note(format!("opening {url}"));
            vec![Effect::OpenUrl(url.to_string())]
        } else {
            self.error(format!(
                "not opening {url}: only http, https and mailto links"
            ));
            Vec::new()
        }
    }
}
