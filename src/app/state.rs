//! The reader's state and the only code that changes it. [`App::update`] takes an
//! [`Action`], changes the state and returns the [`Effect`]s (queries, writes, opening a
//! link) for the worker to run; [`App::on_worker`] takes the replies. Nothing here touches a
//! terminal, a thread or the library, so the tests drive it key by key.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::keymap::{Action, Focus, Keymap};
use super::layout::{self, Panes};
use super::store::{ListQuery, Session};
use super::theme::ThemeKind;
use crate::post::{PostId, PostSummary, TagCount};
use crate::render::{Rendered, TextMatch};

/// How long a post stays open before it counts as read.
pub const READ_AFTER: Duration = Duration::from_millis(1500);

/// Identifies a query, so that a reply to an older one is ignored.
pub type Ticket = u64;

/// Work for the worker (or, for the last three, for the event loop).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadTags,
    LoadSession,
    LoadList {
        ticket: Ticket,
        query: ListQuery,
    },
    LoadPost {
        ticket: Ticket,
        id: PostId,
        width: u16,
    },
    SetRead {
        id: PostId,
        read: bool,
    },
    SetStarred {
        id: PostId,
        starred: bool,
    },
    SavePosition {
        id: PostId,
        offset: i64,
    },
    SaveSession(Session),
    Sync,
    /// Hand a URL to the platform's opener (already checked: http, https or mailto).
    OpenUrl(String),
    /// Put text on the clipboard (OSC 52).
    Copy(String),
}

/// A post rendered at one width, ready to draw.
#[derive(Debug, Clone)]
pub struct Page {
    pub id: PostId,
    pub width: u16,
    /// `render::header` lines first, then the text: the body's line `n` is line
    /// `header_len + n` here.
    pub header: Vec<ratatui::text::Line<'static>>,
    pub rendered: Rendered,
    pub web_url: Option<String>,
    /// The saved reading position, a byte offset into the body.
    pub position: Option<i64>,
}

impl Page {
    pub fn header_len(&self) -> usize {
        self.header.len()
    }

    pub fn line_count(&self) -> usize {
        self.header.len() + self.rendered.lines.len()
    }

    pub fn line(&self, index: usize) -> Option<&ratatui::text::Line<'static>> {
        if index < self.header.len() {
            self.header.get(index)
        } else {
            self.rendered.lines.get(index - self.header.len())
        }
    }

    /// The source offset of the text at `scroll`, to find the same place at another width.
    pub fn anchor(&self, scroll: usize) -> usize {
        match scroll.checked_sub(self.header_len()) {
            Some(body_line) if !self.rendered.lines.is_empty() => {
                self.rendered.offset_for_line(body_line)
            }
            _ => 0,
        }
    }

    /// The scroll that shows the text at `offset` at the top (0 for the very start, so the
    /// header shows).
    pub fn scroll_for(&self, offset: usize) -> usize {
        if offset == 0 || self.rendered.lines.is_empty() {
            0
        } else {
            self.header_len() + self.rendered.line_for_offset(offset)
        }
    }
}

/// Replies from the worker.
#[derive(Debug, Clone)]
pub enum WorkerMsg {
    Tags(Result<Vec<TagCount>, String>),
    Session(Session),
    List {
        ticket: Ticket,
        result: Result<Vec<PostSummary>, String>,
    },
    Post {
        ticket: Ticket,
        id: PostId,
        result: Result<Arc<Page>, String>,
    },
    /// A write or a background job failed.
    Failed(String),
    /// Something worth a line in the status bar.
    Note(String),
    SyncProgress {
        done: usize,
        total: usize,
    },
    SyncFinished(String),
}

/// The post open in the reader.
#[derive(Debug, Clone)]
pub struct Reader {
    pub summary: PostSummary,
    pub page: Option<Arc<Page>>,
    pub scroll: usize,
    /// A source offset to scroll to when the page at the new width arrives.
    pub pending_anchor: Option<usize>,
    pub matches: Vec<TextMatch>,
    pub current_match: Option<usize>,
    pub opened_at: Instant,
    pub marked_read: bool,
    pub loading_error: Option<String>,
}

/// A floating list over the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Help { scroll: usize },
    Outline { cursor: usize },
    Links { cursor: usize, typed: String },
}

/// The `/` line while it is being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchInput {
    pub text: String,
    /// The kept search to go back to on Esc.
    pub previous: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusNote {
    pub text: String,
    pub error: bool,
}

/// The whole state of the reader.
#[derive(Debug)]
pub struct App {
    pub keymap: Keymap,
    /// What the title bar says we are reading: a library folder, a path, the sample.
    pub origin: String,
    /// Set when the library could not be opened: the screen shows only this.
    pub fatal: Option<String>,
    pub theme: ThemeKind,
    pub max_width: u16,
    pub viewport: Rect,
    pub focus: Focus,
    pub tags: Vec<TagCount>,
    /// Row in [`App::visible_tags`] plus one: 0 is "all posts".
    pub tag_cursor: usize,
    pub tag_offset: usize,
    /// Tags chosen with Space: posts must carry all of them.
    pub pinned_tags: Vec<String>,
    /// Type-to-narrow text of the tags pane, while typing.
    pub tag_query: Option<String>,
    pub unread_only: bool,
    /// The kept search.
    pub search: Option<String>,
    pub search_input: Option<SearchInput>,
    pub posts: Vec<PostSummary>,
    pub posts_loaded: bool,
    pub post_cursor: usize,
    pub post_offset: usize,
    pub reader: Option<Reader>,
    pub popup: Option<Popup>,
    pub note: Option<StatusNote>,
    pub sync: Option<(usize, usize)>,
    pub quit: bool,
    list_ticket: Ticket,
    post_ticket: Ticket,
    next_ticket: Ticket,
    /// Select this post when the next list arrives (restored session, reload).
    select_on_load: Option<PostId>,
    /// Tag to put the cursor on when the tags arrive (restored session).
    tag_on_load: Option<String>,
    cache: HashMap<(PostId, u16, ThemeKind), Arc<Page>>,
    /// Reading positions saved during this run; newer than those in cached pages.
    positions: HashMap<PostId, usize>,
}

/// Scrolling the mouse wheel moves this many lines.
const WHEEL_LINES: usize = 3;
/// Rendered posts kept for going back and forth (and for resizing back).
const CACHE_SIZE: usize = 48;

impl App {
    pub fn new(origin: impl Into<String>, theme: ThemeKind, max_width: u16) -> App {
        App {
            keymap: Keymap::builtin(),
            origin: origin.into(),
            fatal: None,
            theme,
            max_width,
            viewport: Rect::new(0, 0, 100, 30),
            focus: Focus::Posts,
            tags: Vec::new(),
            tag_cursor: 0,
            tag_offset: 0,
            pinned_tags: Vec::new(),
            tag_query: None,
            unread_only: false,
            search: None,
            search_input: None,
            posts: Vec::new(),
            posts_loaded: false,
            post_cursor: 0,
            post_offset: 0,
            reader: None,
            popup: None,
            note: None,
            sync: None,
            quit: false,
            list_ticket: 0,
            post_ticket: 0,
            next_ticket: 0,
            select_on_load: None,
            tag_on_load: None,
            cache: HashMap::new(),
            positions: HashMap::new(),
        }
    }

    /// The screen for a library that could not be opened.
    pub fn failed(origin: impl Into<String>, reason: impl Into<String>) -> App {
        let mut app = App::new(origin, ThemeKind::Plain, 100);
        app.fatal = Some(reason.into());
        app
    }

    /// What to ask for first: tags and the saved session (which then asks for the list).
    pub fn start(&mut self) -> Vec<Effect> {
        vec![Effect::LoadTags, Effect::LoadSession]
    }

    // ----- derived values, used by the view as well -----

    pub fn panes(&self) -> Panes {
        layout::panes(self.viewport, self.focus)
    }

    /// The tags shown in the tags pane: all, or those matching the typed text.
    pub fn visible_tags(&self) -> Vec<&TagCount> {
        let query = self.tag_query.as_deref().unwrap_or("").to_lowercase();
        self.tags
            .iter()
            .filter(|t| query.is_empty() || t.tag.to_lowercase().contains(&query))
            .collect()
    }

    /// The tag under the cursor of the tags pane, `None` on "all posts".
    pub fn cursor_tag(&self) -> Option<&TagCount> {
        self.tag_cursor
            .checked_sub(1)
            .and_then(|i| self.visible_tags().get(i).copied())
    }

    /// The tags the list is filtered by: the pinned ones and the one under the cursor.
    pub fn filter_tags(&self) -> Vec<String> {
        let mut tags = self.pinned_tags.clone();
        if let Some(tag) = self.cursor_tag()
            && !tags.iter().any(|t| t.eq_ignore_ascii_case(&tag.tag))
        {
            tags.push(tag.tag.clone());
        }
        tags
    }

    /// The search the list currently reflects: the one being typed, else the kept one.
    pub fn active_search(&self) -> Option<&str> {
        match &self.search_input {
            Some(input) if !input.text.trim().is_empty() => Some(input.text.trim()),
            Some(_) => None,
            None => self.search.as_deref(),
        }
    }

    pub fn query(&self) -> ListQuery {
        ListQuery {
            tags: self.filter_tags(),
            search: self.active_search().map(str::to_string),
            unread_only: self.unread_only,
        }
    }

    pub fn selected_post(&self) -> Option<&PostSummary> {
        self.posts.get(self.post_cursor)
    }

    /// Rows of text the reader shows at once.
    pub fn reader_height(&self) -> usize {
        let panes = layout::panes(self.viewport, Focus::Reader);
        panes
            .reader
            .map_or(1, |r| layout::inner(r).height.max(1) as usize)
    }

    /// The columns the reader's text is wrapped to.
    pub fn reader_width(&self) -> u16 {
        let panes = layout::panes(self.viewport, Focus::Reader);
        panes
            .reader
            .map_or(1, |r| layout::reader_text(r, self.max_width).width.max(1))
    }

    fn list_height(&self, focus: Focus) -> usize {
        let panes = self.panes();
        let pane = match focus {
            Focus::Tags => panes.tags,
            _ => panes.posts,
        };
        pane.map_or(1, |r| layout::inner(r).height.max(1) as usize)
    }

    /// The largest useful scroll: the last line at the bottom of the pane.
    pub fn max_scroll(&self) -> usize {
        let lines = self
            .reader
            .as_ref()
            .and_then(|r| r.page.as_ref())
            .map_or(0, |p| p.line_count());
        lines.saturating_sub(self.reader_height())
    }

    fn ticket(&mut self) -> Ticket {
        self.next_ticket += 1;
        self.next_ticket
    }

    fn note(&mut self, text: impl Into<String>) {
        self.note = Some(StatusNote {
            text: text.into(),
            error: false,
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.note = Some(StatusNote {
            text: text.into(),
            error: true,
        });
    }

    // ----- input -----

    /// A key press: text entry and popups first, then the keymap.
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.fatal.is_some() {
            if matches!(key.code, KeyCode::Char('q') | KeyCode::Esc)
                || (key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL))
            {
                self.quit = true;
            }
            return Vec::new();
        }
        self.note = None;
        if self.search_input.is_some() {
            return self.on_search_key(key);
        }
        if self.popup.is_some() {
            return self.on_popup_key(key);
        }
        if self.focus == Focus::Tags
            && self.tag_query.is_some()
            && let Some(effects) = self.on_tag_query_key(key)
        {
            return effects;
        }
        match self.keymap.resolve(self.focus, &key) {
            Some(action) => self.update(action),
            None => Vec::new(),
        }
    }

    /// One action: the only way (with the worker replies) that the state changes.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Down => self.move_by(1),
            Action::Up => self.move_by(-1),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::HalfPageDown => self.move_by(self.page_of(self.focus) as isize / 2),
            Action::HalfPageUp => self.move_by(-(self.page_of(self.focus) as isize / 2)),
            Action::PageDown => self.move_by(self.page_of(self.focus) as isize),
            Action::PageUp => self.move_by(-(self.page_of(self.focus) as isize)),
            Action::Open => self.open(),
            Action::Back => self.back(),
            Action::NextPane => self.cycle_pane(true),
            Action::PrevPane => self.cycle_pane(false),
            Action::ToggleTag => self.toggle_tag(),
            Action::NextTag => self.step_tag(1),
            Action::PrevTag => self.step_tag(-1),
            Action::FocusTags => {
                self.focus = Focus::Tags;
                self.tag_query = Some(String::new());
                Vec::new()
            }
            Action::ClearTags => {
                self.pinned_tags.clear();
                self.tag_query = None;
                self.tag_cursor = 0;
                self.tag_offset = 0;
                self.note("tag filter cleared");
                self.reload_list()
            }
            Action::NextPost => self.step_post(1),
            Action::PrevPost => self.step_post(-1),
            Action::Search => {
                self.search_input = Some(SearchInput {
                    text: self.search.clone().unwrap_or_default(),
                    previous: self.search.clone(),
                });
                Vec::new()
            }
            Action::NextMatch => self.jump_match(true),
            Action::PrevMatch => self.jump_match(false),
            Action::ToggleUnreadOnly => {
                self.unread_only = !self.unread_only;
                self.note(if self.unread_only {
                    "showing unread posts only"
                } else {
                    "showing read and unread posts"
                });
                self.reload_list()
            }
            Action::ToggleStar => self.toggle_flag(false),
            Action::ToggleRead => self.toggle_flag(true),
            Action::Outline => self.open_popup_for_page(Popup::Outline { cursor: 0 }),
            Action::Links => self.open_popup_for_page(Popup::Links {
                cursor: 0,
                typed: String::new(),
            }),
            Action::OpenWebPage => match self.web_url() {
                Some(url) => self.open_url(&url),
                None => {
                    self.note("this post has no web page");
                    Vec::new()
                }
            },
            Action::CopyLink => match self.web_url() {
                Some(url) => {
                    self.note(format!("copied {url}"));
                    vec![Effect::Copy(url)]
                }
                None => {
                    self.note("this post has no link to copy");
                    Vec::new()
                }
            },
            Action::Sync => {
                if self.sync.is_some() {
                    self.note("a sync is already running");
                    return Vec::new();
                }
                self.sync = Some((0, 0));
                vec![Effect::Sync]
            }
            Action::Help => {
                self.popup = Some(Popup::Help { scroll: 0 });
                Vec::new()
            }
            Action::Quit => {
                self.quit = true;
                let mut effects = self.save_position();
                effects.push(Effect::SaveSession(self.session()));
                effects
            }
        }
    }

    /// The terminal changed size: lists stay in view and an open post is wrapped anew at
    /// the new width, at the same place in the text.
    pub fn resize(&mut self, width: u16, height: u16) -> Vec<Effect> {
        self.viewport = Rect::new(0, 0, width, height);
        self.keep_lists_in_view();
        let new_width = self.reader_width();
        let Some(reader) = &mut self.reader else {
            return Vec::new();
        };
        let Some(page) = &reader.page else {
            return Vec::new();
        };
        if page.width == new_width {
            return Vec::new();
        }
        reader.pending_anchor = Some(page.anchor(reader.scroll));
        let id = reader.summary.id;
        self.request_page(id)
    }

    /// Time passes: a post open long enough is marked read.
    pub fn tick(&mut self, now: Instant) -> Vec<Effect> {
        let Some(reader) = &mut self.reader else {
            return Vec::new();
        };
        if reader.marked_read
            || reader.summary.read
            || now.duration_since(reader.opened_at) < READ_AFTER
        {
            return Vec::new();
        }
        reader.marked_read = true;
        reader.summary.read = true;
        let id = reader.summary.id;
        if let Some(post) = self.posts.iter_mut().find(|p| p.id == id) {
            post.read = true;
        }
        vec![Effect::SetRead { id, read: true }]
    }

    /// When the next [`App::tick`] could change something, if ever.
    pub fn next_deadline(&self) -> Option<Instant> {
        let reader = self.reader.as_ref()?;
        (!reader.marked_read && !reader.summary.read).then(|| reader.opened_at + READ_AFTER)
    }

    pub fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
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

    fn click(&mut self, pane: Focus, panes: &Panes, row: u16) -> Vec<Effect> {
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
                if again { self.open() } else { Vec::new() }
            }
            Focus::Reader => {
                if self.reader.is_some() {
                    self.focus = Focus::Reader;
                }
                Vec::new()
            }
        }
    }

    // ----- worker replies -----

    pub fn on_worker(&mut self, msg: WorkerMsg) -> Vec<Effect> {
        match msg {
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
                Vec::new()
            }
            WorkerMsg::Tags(Err(e)) => {
                self.error(format!("could not read the tags: {e}"));
                Vec::new()
            }
            WorkerMsg::Session(session) => {
                self.pinned_tags = session.pinned_tags;
                self.unread_only = session.unread_only;
                self.search = session.search;
                self.select_on_load = session.last_post;
                if let Some(name) = session.cursor_tag {
                    match self
                        .visible_tags()
                        .iter()
                        .position(|t| t.tag.eq_ignore_ascii_case(&name))
                    {
                        Some(i) => self.tag_cursor = i + 1,
                        None => self.tag_on_load = Some(name),
                    }
                }
                self.keep_lists_in_view();
                self.reload_list()
            }
            WorkerMsg::List { ticket, result } => {
                if ticket != self.list_ticket {
                    return Vec::new();
                }
                match result {
                    Ok(posts) => self.set_posts(posts),
                    Err(e) => self.error(format!("could not list the posts: {e}")),
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
                        self.show_page(id, page);
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
            WorkerMsg::Failed(e) => {
                self.error(e);
                Vec::new()
            }
            WorkerMsg::Note(text) => {
                self.note(text);
                Vec::new()
            }
            WorkerMsg::SyncProgress { done, total } => {
                self.sync = Some((done, total));
                Vec::new()
            }
            WorkerMsg::SyncFinished(summary) => {
                self.sync = None;
                self.note(summary);
                let mut effects = vec![Effect::LoadTags];
                effects.extend(self.reload_list());
                effects
            }
        }
    }

    fn set_posts(&mut self, posts: Vec<PostSummary>) {
        let keep = self
            .select_on_load
            .take()
            .or_else(|| self.selected_post().map(|p| p.id));
        self.posts = posts;
        self.posts_loaded = true;
        self.post_cursor = keep
            .and_then(|id| self.posts.iter().position(|p| p.id == id))
            .unwrap_or(0);
        self.keep_lists_in_view();
    }

    fn show_page(&mut self, id: PostId, page: Arc<Page>) {
        let query = self.active_search().map(str::to_string);
        let Some(reader) = self.reader.as_mut().filter(|r| r.summary.id == id) else {
            return;
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
            Some(q) => page.rendered.find(q),
            None => Vec::new(),
        };
        reader.page = Some(page);
        if first_time
            && anchor.is_none()
            && let Some(first) = reader.matches.first().copied()
        {
            let header_len = reader.page.as_ref().map_or(0, |p| p.header_len());
            reader.current_match = Some(0);
            reader.scroll = (header_len + first.line).saturating_sub(2);
        }
        self.clamp_scroll();
    }

    fn remember(&mut self, page: Arc<Page>) {
        if self.cache.len() >= CACHE_SIZE {
            self.cache.clear();
        }
        self.cache.insert((page.id, page.width, self.theme), page);
    }

    // ----- movement -----

    fn page_of(&self, focus: Focus) -> usize {
        match focus {
            Focus::Reader => self.reader_height().saturating_sub(1).max(1),
            other => self.list_height(other).max(1),
        }
    }

    fn move_by(&mut self, delta: isize) -> Vec<Effect> {
        self.move_in(self.focus, delta)
    }

    fn move_in(&mut self, pane: Focus, delta: isize) -> Vec<Effect> {
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
                Vec::new()
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

    fn clamp_scroll(&mut self) {
        let max = self.max_scroll();
        if let Some(reader) = &mut self.reader {
            reader.scroll = reader.scroll.min(max);
        }
    }

    fn keep_lists_in_view(&mut self) {
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

    fn cycle_pane(&mut self, forward: bool) -> Vec<Effect> {
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

    // ----- tags -----

    fn step_tag(&mut self, delta: isize) -> Vec<Effect> {
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

    fn toggle_tag(&mut self) -> Vec<Effect> {
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
    fn on_tag_query_key(&mut self, key: KeyEvent) -> Option<Vec<Effect>> {
        let query = self.tag_query.as_mut()?;
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) && c != ' ' => {
                query.push(c);
            }
            KeyCode::Backspace => {
                query.pop();
            }
            KeyCode::Enter => {
                let chosen = self.cursor_tag().map(|t| t.tag.clone());
                self.tag_query = None;
                self.tag_cursor = chosen
                    .and_then(|name| self.visible_tags().iter().position(|t| t.tag == name))
                    .map_or(0, |i| i + 1);
                self.focus = Focus::Posts;
                self.keep_lists_in_view();
                return Some(self.reload_list());
            }
            KeyCode::Esc => {
                let chosen = self.cursor_tag().map(|t| t.tag.clone());
                self.tag_query = None;
                self.tag_cursor = chosen
                    .and_then(|name| self.visible_tags().iter().position(|t| t.tag == name))
                    .map_or(0, |i| i + 1);
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

    // ----- posts and the reader -----

    fn reload_list(&mut self) -> Vec<Effect> {
        self.list_ticket = self.ticket();
        vec![Effect::LoadList {
            ticket: self.list_ticket,
            query: self.query(),
        }]
    }

    fn open(&mut self) -> Vec<Effect> {
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

    fn open_post(&mut self, post: PostSummary) -> Vec<Effect> {
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
    fn request_page(&mut self, id: PostId) -> Vec<Effect> {
        let width = self.reader_width();
        self.post_ticket = self.ticket();
        if let Some(page) = self.cache.get(&(id, width, self.theme)).cloned() {
            self.show_page(id, page);
            return Vec::new();
        }
        vec![Effect::LoadPost {
            ticket: self.post_ticket,
            id,
            width,
        }]
    }

    fn save_position(&mut self) -> Vec<Effect> {
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

    fn back(&mut self) -> Vec<Effect> {
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

    fn step_post(&mut self, delta: isize) -> Vec<Effect> {
        let current = match &self.reader {
            Some(reader) => self.posts.iter().position(|p| p.id == reader.summary.id),
            None => Some(self.post_cursor),
        };
        let target = match current {
            Some(i) => {
                let t = step(i, delta, self.posts.len());
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
        self.open_post(post)
    }

    fn jump_match(&mut self, forward: bool) -> Vec<Effect> {
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
    fn toggle_flag(&mut self, read_flag: bool) -> Vec<Effect> {
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
            self.note(if value {
                "marked read"
            } else {
                "marked unread"
            });
            vec![Effect::SetRead { id, read: value }]
        } else {
            self.note(if value { "starred" } else { "unstarred" });
            vec![Effect::SetStarred { id, starred: value }]
        }
    }

    fn web_url(&self) -> Option<String> {
        match (&self.reader, self.focus) {
            (Some(reader), Focus::Reader) => reader.page.as_ref()?.web_url.clone(),
            _ => {
                let selected = self.selected_post()?.id;
                self.cache
                    .values()
                    .find(|p| p.id == selected)
                    .and_then(|p| p.web_url.clone())
            }
        }
    }

    fn open_url(&mut self, url: &str) -> Vec<Effect> {
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

    // ----- search -----

    fn on_search_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(input) = self.search_input.as_mut() else {
            return Vec::new();
        };
        match key.code {
            KeyCode::Enter => {
                let text = input.text.trim().to_string();
                self.search = (!text.is_empty()).then_some(text);
                self.search_input = None;
                if self.focus == Focus::Tags {
                    self.focus = Focus::Posts;
                }
                self.refresh_matches();
                self.keep_lists_in_view();
                return Vec::new();
            }
            KeyCode::Esc => {
                let previous = input.previous.clone();
                self.search_input = None;
                self.search = previous;
                self.refresh_matches();
                return self.reload_list();
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.search_input = None;
                return self.update(Action::Quit);
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                input.text.clear();
            }
            KeyCode::Backspace => {
                input.text.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                input.text.push(c);
            }
            _ => return Vec::new(),
        }
        self.reload_list()
    }

    fn refresh_matches(&mut self) {
        let query = self.active_search().map(str::to_string);
        if let Some(reader) = &mut self.reader {
            reader.current_match = None;
            reader.matches = match (&query, &reader.page) {
                (Some(q), Some(page)) => page.rendered.find(q),
                _ => Vec::new(),
            };
        }
    }

    // ----- popups -----

    fn open_popup_for_page(&mut self, popup: Popup) -> Vec<Effect> {
        let Some(page) = self.reader.as_ref().and_then(|r| r.page.as_ref()) else {
            self.note("open a post first");
            return Vec::new();
        };
        let empty = match popup {
            Popup::Outline { .. } => page.rendered.headings.is_empty(),
            Popup::Links { .. } => page.rendered.links.is_empty(),
            Popup::Help { .. } => false,
        };
        if empty {
            self.note(match popup {
                Popup::Outline { .. } => "this post has no headings",
                _ => "this post has no links",
            });
            return Vec::new();
        }
        self.popup = Some(popup);
        Vec::new()
    }

    fn on_popup_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(mut popup) = self.popup.take() else {
            return Vec::new();
        };
        let rows = match &popup {
            Popup::Help { .. } => self.keymap.help_rows().len(),
            Popup::Outline { .. } => self.page_items(|p| p.rendered.headings.len()),
            Popup::Links { .. } => self.page_items(|p| p.rendered.links.len()),
        };
        let close = matches!(
            key.code,
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?')
        ) || (key.code == KeyCode::Char('c')
            && key.modifiers.contains(KeyModifiers::CONTROL));
        if close {
            return Vec::new();
        }
        let delta: isize = match key.code {
            KeyCode::Char('j') | KeyCode::Down => 1,
            KeyCode::Char('k') | KeyCode::Up => -1,
            KeyCode::PageDown | KeyCode::Char(' ') => 10,
            KeyCode::PageUp => -10,
            KeyCode::Char('g') | KeyCode::Home => isize::MIN / 2,
            KeyCode::Char('G') | KeyCode::End => isize::MAX / 2,
            _ => 0,
        };
        let mut effects = Vec::new();
        match &mut popup {
            Popup::Help { scroll } => *scroll = step(*scroll, delta, rows),
            Popup::Outline { cursor } => {
                *cursor = step(*cursor, delta, rows);
                if key.code == KeyCode::Enter {
                    self.jump_to_heading(*cursor);
                    return effects;
                }
            }
            Popup::Links { cursor, typed } => {
                *cursor = step(*cursor, delta, rows);
                if let KeyCode::Char(d) = key.code
                    && d.is_ascii_digit()
                {
                    typed.push(d);
                    let number: usize = typed.parse().unwrap_or(0);
                    if (1..=rows).contains(&number) {
                        *cursor = number - 1;
                    }
                    // Open at once when no longer number could start with what was typed.
                    if number >= 1 && number <= rows && number * 10 > rows {
                        return self.open_link(number - 1);
                    }
                    if number * 10 > rows {
                        typed.clear();
                    }
                }
                match key.code {
                    KeyCode::Enter => return self.open_link(*cursor),
                    KeyCode::Char('y') => {
                        let cursor = *cursor;
                        if let Some(link) = self.link(cursor) {
                            self.note(format!("copied {}", link.url));
                            effects.push(Effect::Copy(link.url));
                        }
                        return effects;
                    }
                    _ => {}
                }
            }
        }
        self.popup = Some(popup);
        effects
    }

    fn page_items(&self, count: impl Fn(&Page) -> usize) -> usize {
        self.reader
            .as_ref()
            .and_then(|r| r.page.as_deref())
            .map_or(0, count)
    }

    fn link(&self, index: usize) -> Option<crate::render::LinkRef> {
        self.reader
            .as_ref()?
            .page
            .as_ref()?
            .rendered
            .links
            .get(index)
            .cloned()
    }

    fn open_link(&mut self, index: usize) -> Vec<Effect> {
        match self.link(index) {
            Some(link) => self.open_url(&link.url),
            None => Vec::new(),
        }
    }

    fn jump_to_heading(&mut self, index: usize) {
        if let Some(reader) = &mut self.reader
            && let Some(page) = &reader.page
            && let Some(heading) = page.rendered.headings.get(index)
        {
            reader.scroll = page.header_len() + heading.line;
            self.focus = Focus::Reader;
        }
        self.clamp_scroll();
    }

    /// What to restore next time.
    pub fn session(&self) -> Session {
        Session {
            pinned_tags: self.pinned_tags.clone(),
            cursor_tag: self.cursor_tag().map(|t| t.tag.clone()),
            unread_only: self.unread_only,
            search: self.search.clone(),
            last_post: self
                .reader
                .as_ref()
                .map(|r| r.summary.id)
                .or(self.selected_post().map(|p| p.id)),
        }
    }
}

/// `index` moved by `delta` within `0..len`, stopping at the ends.
fn step(index: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    index.saturating_add_signed(delta).min(len - 1)
}

/// Links the reader hands to the browser: web pages and mail, never `file:`, `javascript:`
/// or a custom scheme that could start a program.
pub fn is_openable(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let has_rest = |scheme: &str| lower.len() > scheme.len() && lower.starts_with(scheme);
    (has_rest("https://") || has_rest("http://") || has_rest("mailto:"))
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests;
