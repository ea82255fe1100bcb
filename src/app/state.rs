//! The reader's state and the only code that changes it. [`App::update`] takes an
//! [`Action`], changes the state and returns the [`Effect`]s (queries, writes, opening a
//! link) for the worker to run; [`App::on_worker`] takes the replies. Nothing here touches a
//! terminal, a thread or the library, so the tests drive it key by key.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::keymap::{Action, Focus, Keymap};
use super::layout::{self, Panes};
use super::series::SeriesTitles;
use super::source::ReadDirectly;
use super::store::{ListQuery, SavedSession};
use super::theme::ThemeKind;
use crate::config::DayFormat;
use crate::post::{PostId, PostSummary, TagCount};

mod input;
mod items;
mod messages;
mod mouse;
mod movement;
mod pictures;
mod preview;
mod reader;
mod replies;
mod tags;

pub use items::ItemsView;
pub use messages::{
    Effect, Page, Popup, Reader, SearchInput, StatusNote, SyncStatus, Ticket, WorkerMsg,
};
use movement::step;

/// How long a post stays open before it counts as read.
pub const READ_AFTER: Duration = Duration::from_millis(1500);

/// How many posts a list asks for first. On a large library the whole list takes tens of
/// milliseconds to read (10,000 posts: about 50 ms); its first page, more than any screen
/// shows, takes one, and the rest follows in a second query.
pub const FIRST_PAGE: usize = 200;

/// The whole state of the reader.
#[derive(Debug)]
pub struct App {
    pub keymap: Keymap,
    /// What the title bar says we are reading: a library folder, a path, the sample.
    pub origin: String,
    /// Set when a folder or file is read directly: its marks are not kept, and a single
    /// file's post opens at once.
    pub read_directly: Option<ReadDirectly>,
    /// Set when the library could not be opened: the screen shows only this.
    pub fatal: Option<String>,
    pub theme: ThemeKind,
    /// How the post list and the reader's header write a post's day (the config's
    /// `date_format`).
    pub day_format: DayFormat,
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
    /// The pane `t` was pressed in: Esc while narrowing goes back there.
    tags_opened_from: Option<Focus>,
    pub unread_only: bool,
    /// The kept search.
    pub search: Option<String>,
    pub search_input: Option<SearchInput>,
    pub posts: Vec<PostSummary>,
    /// The shared start of each source's titles in `posts`, which the list leaves out.
    pub series: SeriesTitles,
    pub posts_loaded: bool,
    /// `posts` is the start of the list: more posts follow it in the library, loaded as
    /// the cursor comes near the end of those loaded (see [`App::load_more_posts`]).
    pub more_posts: bool,
    /// How many posts the last list request under `list_ticket` asked for, and whether
    /// a longer one is on its way.
    list_limit: usize,
    loading_more: bool,
    /// The first list waits for the tags (a restored filter names a tag to find).
    list_after_tags: bool,
    pub post_cursor: usize,
    pub post_offset: usize,
    pub reader: Option<Reader>,
    /// Pictures are drawn (a protocol was chosen at start): pages leave rows for them.
    pub draw_pictures: bool,
    /// The pictures are cells of the buffer (half blocks, kitty's placeholders) that
    /// anything drawn later covers; sixel and iTerm2 pictures are not.
    pub pictures_are_cells: bool,
    /// The decoded pictures of the open page.
    pub pictures: super::pictures::DrawnPictures,
    /// The selected post's first page, shown in the reader pane while no post is open.
    pub preview: Option<Arc<Page>>,
    /// The post whose preview was asked for last.
    preview_wanted: Option<PostId>,
    preview_ticket: Ticket,
    /// Set while the items view (`I`) shows sections and items instead of tags and posts.
    pub items: Option<ItemsView>,
    pub popup: Option<Popup>,
    pub note: Option<StatusNote>,
    /// A link no browser took: the copy key, pressed next, copies it.
    copy_offer: Option<String>,
    /// Set while a sync runs.
    pub sync: Option<SyncStatus>,
    /// How each source of the last sync went, for [`Popup::SyncResults`].
    pub sync_results: Vec<String>,
    pub quit: bool,
    list_ticket: Ticket,
    post_ticket: Ticket,
    next_ticket: Ticket,
    /// Select this post when the next list arrives (restored session, reload).
    select_on_load: Option<PostId>,
    /// The next list answers a search just typed: its best match is selected, not the post
    /// selected before.
    top_on_load: bool,
    /// Tag to put the cursor on when the tags arrive (restored session).
    tag_on_load: Option<String>,
    cache: HashMap<(PostId, u16, ThemeKind), Arc<Page>>,
    /// Reading positions saved during this run; newer than those in cached pages.
    positions: HashMap<PostId, usize>,
    /// A key has been handled (the saved session must not undo what it did).
    keys_pressed: bool,
}

/// Reader panes with fewer rows than this get the compact header.
const COMPACT_HEADER_BELOW: usize = 12;

const CACHE_SIZE: usize = 48;

impl App {
    pub fn new(origin: impl Into<String>, theme: ThemeKind, max_width: u16) -> App {
        App {
            keymap: Keymap::builtin(),
            origin: origin.into(),
            read_directly: None,
            fatal: None,
            theme,
            day_format: DayFormat::default(),
            max_width,
            viewport: Rect::new(0, 0, 100, 30),
            focus: Focus::Posts,
            tags: Vec::new(),
            tag_cursor: 0,
            tag_offset: 0,
            pinned_tags: Vec::new(),
            tag_query: None,
            tags_opened_from: None,
            unread_only: false,
            search: None,
            search_input: None,
            posts: Vec::new(),
            series: SeriesTitles::default(),
            posts_loaded: false,
            more_posts: false,
            list_limit: FIRST_PAGE,
            loading_more: false,
            list_after_tags: false,
            post_cursor: 0,
            post_offset: 0,
            reader: None,
            draw_pictures: false,
            pictures_are_cells: true,
            pictures: Default::default(),
            preview: None,
            preview_wanted: None,
            preview_ticket: 0,
            items: None,
            popup: None,
            note: None,
            copy_offer: None,
            sync: None,
            sync_results: Vec::new(),
            quit: false,
            list_ticket: 0,
            post_ticket: 0,
            next_ticket: 0,
            select_on_load: None,
            top_on_load: false,
            tag_on_load: None,
            cache: HashMap::new(),
            positions: HashMap::new(),
            keys_pressed: false,
        }
    }

    /// The screen for a library that could not be opened.
    pub fn failed(origin: impl Into<String>, reason: impl Into<String>) -> App {
        let mut app = App::new(origin, ThemeKind::Plain, 100);
        app.fatal = Some(reason.into());
        app
    }

    /// What to ask for first: tags and the saved session (which then asks for the list).
    /// What the app asks for first: the saved session, which says what to list (the
    /// list and the tags follow its reply).
    pub fn start(&mut self) -> Vec<Effect> {
        vec![Effect::LoadSession]
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
            limit: None,
        }
    }

    /// The number of posts for a title or status line: "200+" while the rest of a list is
    /// on its way.
    pub fn post_count(&self) -> String {
        let more = if self.more_posts { "+" } else { "" };
        format!("{}{more}", self.posts.len())
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

    /// A pane this short gets the two-line header, so that a post's first page shows its
    /// text (40×12 leaves 8 rows).
    pub fn wants_compact_header(&self) -> bool {
        self.reader_height() < COMPACT_HEADER_BELOW
    }

    /// The columns the reader's text is wrapped to.
    pub fn reader_width(&self) -> u16 {
        let panes = layout::panes(self.viewport, Focus::Reader);
        panes
            .reader
            .map_or(1, |r| layout::reader_text(r, self.max_width).width.max(1))
    }

    pub(super) fn list_height(&self, focus: Focus) -> usize {
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

    pub(super) fn ticket(&mut self) -> Ticket {
        self.next_ticket += 1;
        self.next_ticket
    }

    /// Whether a search waits for the search index (see [`super::worker::INDEXING`]): the
    /// search line says so instead of a count that is not the search's yet.
    pub fn waiting_for_index(&self) -> bool {
        self.note
            .as_ref()
            .is_some_and(|note| note.text == super::worker::INDEXING)
    }

    pub(super) fn note(&mut self, text: impl Into<String>) {
        self.note = Some(StatusNote {
            text: text.into(),
            error: false,
            hint: None,
        });
    }

    pub(super) fn error(&mut self, text: impl Into<String>) {
        self.note = Some(StatusNote {
            text: text.into(),
            error: true,
            hint: None,
        });
    }

    // ----- input -----

    /// A key press: text entry and popups first, then the keymap.
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let effects = self.handle_key(key);
        self.and_follow_preview(effects)
    }

    fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.fatal.is_some() {
            if matches!(key.code, KeyCode::Char('q') | KeyCode::Esc)
                || (key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL))
            {
                self.quit = true;
            }
            return Vec::new();
        }
        self.note = None;
        self.keys_pressed = true;
        if let Some(url) = self.copy_offer.take()
            && self.search_input.is_none()
            && self.keymap.resolve(Focus::Posts, &key) == Some(Action::CopyLink)
        {
            self.note(format!("copied {url}"));
            return vec![Effect::Copy(url)];
        }
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
            Action::Open => match self.open_in_items() {
                Some(effects) => effects,
                None => self.open(),
            },
            Action::Back => self.back(),
            Action::NextPane => self.cycle_pane(true),
            Action::PrevPane => self.cycle_pane(false),
            // The sections pane stands where the tags were: no tag under its cursor.
            Action::ToggleTag if self.items.is_some() && self.focus == Focus::Tags => Vec::new(),
            Action::ToggleTag => self.toggle_tag(),
            Action::TagNext => self.step_tag(1),
            Action::TagPrev => self.step_tag(-1),
            Action::Tags => {
                self.tags_opened_from = (self.focus != Focus::Tags).then_some(self.focus);
                // Typing a tag needs the tags pane back.
                self.items = None;
                self.focus = Focus::Tags;
                self.tag_query = Some(String::new());
                Vec::new()
            }
            Action::ClearTags => {
                // The whole filter: a restored search or "unread only" hides posts as much
                // as a tag does, and the note on reopening names this one key for all.
                self.pinned_tags.clear();
                self.tag_query = None;
                self.tag_cursor = 0;
                self.tag_offset = 0;
                self.search = None;
                self.unread_only = false;
                self.refresh_matches();
                self.note("filter cleared");
                self.reload_list()
            }
            Action::NextPost => match self.step_item(1) {
                Some(effects) => effects,
                None => self.step_post(1),
            },
            Action::PrevPost => match self.step_item(-1) {
                Some(effects) => effects,
                None => self.step_post(-1),
            },
            Action::Items => self.toggle_items(),
            Action::Search => {
                self.search_input = Some(SearchInput {
                    text: self.search.clone().unwrap_or_default(),
                    previous: self.search.clone(),
                });
                Vec::new()
            }
            Action::NextMatch => self.jump_match(true),
            Action::PrevMatch => self.jump_match(false),
            Action::UnreadOnly => {
                self.unread_only = !self.unread_only;
                self.note(if self.unread_only {
                    "showing unread posts only"
                } else {
                    "showing read and unread posts"
                });
                self.reload_list()
            }
            Action::Star => self.toggle_flag(false),
            Action::ToggleRead => self.toggle_flag(true),
            Action::Outline => self.open_popup_for_page(Popup::Outline { cursor: 0 }),
            Action::Links => self.open_popup_for_page(Popup::Links {
                cursor: 0,
                typed: String::new(),
            }),
            Action::OpenWeb => match self.web_url() {
                Ok(url) => self.open_url(&url),
                Err(why) => {
                    self.note(why);
                    Vec::new()
                }
            },
            Action::CopyLink => match self.web_url() {
                Ok(url) => {
                    self.note(format!("copied {url}"));
                    vec![Effect::Copy(url)]
                }
                Err(why) => {
                    self.note(why);
                    Vec::new()
                }
            },
            Action::Sync => {
                if self.sync.is_some() {
                    self.note("a sync is already running");
                    return Vec::new();
                }
                self.sync = Some(SyncStatus::default());
                vec![Effect::Sync]
            }
            Action::SyncResults => {
                if self.sync_results.is_empty() {
                    self.note(if self.sync.is_some() {
                        "the sync is still running"
                    } else {
                        "no sync yet in this session"
                    });
                } else {
                    self.popup = Some(Popup::SyncResults { scroll: 0 });
                }
                Vec::new()
            }
            Action::Suspend => vec![Effect::Suspend],
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
        let mut effects = self.follow_preview();
        effects.extend(self.rewrap_reader());
        effects
    }

    fn rewrap_reader(&mut self) -> Vec<Effect> {
        self.keep_lists_in_view();
        let new_width = self.reader_width();
        let picture_rows = self.picture_rows();
        let compact = self.wants_compact_header();
        let Some(reader) = &mut self.reader else {
            return Vec::new();
        };
        let Some(page) = &reader.page else {
            return Vec::new();
        };
        // A picture is sized to the pane's height too: lay its rows out again.
        let pictures_fit = page.rendered.pictures.is_empty() || page.picture_rows == picture_rows;
        if page.width == new_width && pictures_fit {
            // Same width, maybe another height: the header may change form.
            let page = Page::with_compact_header(page, compact);
            let anchor = reader.page.as_ref().map(|p| p.anchor(reader.scroll));
            if let Some(anchor) = anchor.filter(|_| page.header_len() != reader.header_len()) {
                reader.scroll = page.scroll_for(anchor);
            }
            reader.page = Some(page);
            self.clamp_scroll();
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

    /// What to restore next time.
    pub fn session(&self) -> SavedSession {
        SavedSession {
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

/// Links the reader hands to the browser: those the renderer makes clickable (web pages and
/// mail, never `file:`, `javascript:` or a custom scheme that could start a program), and
/// without whitespace, which the system opener would take as the end of the address.
pub fn is_openable(url: &str) -> bool {
    crate::render::is_openable_link(url) && !url.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests;
