//! What the state says to the worker ([`Effect`]) and hears back ([`WorkerMsg`]), and the
//! parts of the state those carry.

use std::sync::Arc;
use std::time::Instant;

use crate::app::pictures::decode::DecodeBatch;
use crate::app::pictures::{Drawable, PageKey, ShelfEntry};
use crate::app::store::{SavedSession, SectionEntry};
use crate::library::ItemRow;
use crate::post::{PostId, PostSummary, TagCount};
use crate::render::{Rendered, TextMatch};

/// Identifies a query, so that a reply to an older one is ignored.
pub type Ticket = u64;

crate::app::worker::enum_with_library_jobs! {
    /// What the state asks for. Each runs where [`crate::app::route::route_effect`] sends it:
    /// the library's work on the worker, a sync on a thread of its own, the last two in the
    /// event loop.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Effect {
        Sync,
        /// Hand a URL to the platform's opener (already checked: http, https or mailto).
        OpenUrl(String),
        /// Put text on the clipboard (OSC 52).
        Copy(String),
        /// Hand a local file (a cached picture) to the platform's opener.
        OpenFile(std::path::PathBuf),
        /// Decode the pictures of the page shown, on the picture thread.
        DecodePictures(DecodeBatch),
        /// Give the terminal back and stop until the shell resumes us (Ctrl-Z).
        Suspend,
    }
}

/// A post rendered at one width, ready to draw.
#[derive(Debug, Clone)]
pub struct Page {
    pub id: PostId,
    pub width: u16,
    /// `render::Header` lines first, then the text: the body's line `n` is line
    /// `header_len + n` here.
    pub header: Vec<ratatui::text::Line<'static>>,
    /// The other form of the header: the compact one while `header` is the full one, and
    /// back (see [`Page::with_compact_header`]).
    pub other_header: Vec<ratatui::text::Line<'static>>,
    /// `header` is the compact form.
    pub compact: bool,
    pub rendered: Rendered,
    pub web_url: Option<String>,
    /// The saved reading position, a byte offset into the body.
    pub position: Option<i64>,
    /// The most rows a picture was given in this layout (0: pictures are not drawn).
    pub picture_rows: u16,
    /// What the cache holds of each picture the post uses, in the order of the text.
    pub shelf: Vec<ShelfEntry>,
}

impl Page {
    /// Which page this is, for the pictures decoded for it.
    pub fn key(&self) -> PageKey {
        PageKey {
            id: self.id,
            width: self.width,
            max_rows: usize::from(self.picture_rows),
        }
    }

    /// What the cache holds of the picture written as `reference`.
    pub fn shelf_entry(&self, reference: &str) -> Option<&ShelfEntry> {
        self.shelf.iter().find(|entry| entry.reference == reference)
    }

    /// This page with the compact header (for a short pane) or the full one.
    pub fn with_compact_header(page: &Arc<Page>, compact: bool) -> Arc<Page> {
        if page.compact == compact {
            return Arc::clone(page);
        }
        let mut other = Page::clone(page);
        std::mem::swap(&mut other.header, &mut other.other_header);
        other.compact = compact;
        Arc::new(other)
    }

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

    /// Where the text shows the words of a search: each whitespace-separated term on its
    /// own, as the library matches them, in reading order.
    pub fn find_terms(&self, query: &str) -> Vec<TextMatch> {
        let mut matches: Vec<TextMatch> = query
            .split_whitespace()
            .flat_map(|term| self.rendered.find(term))
            .collect();
        matches.sort_by_key(|m| (m.line, m.start_col, m.end_col));
        matches.dedup();
        matches
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
    Session(SavedSession),
    List {
        ticket: Ticket,
        result: Result<Vec<PostSummary>, String>,
    },
    Post {
        ticket: Ticket,
        id: PostId,
        result: Result<Arc<Page>, String>,
    },
    /// A picture of `page` is decoded (or could not be).
    Picture {
        page: PageKey,
        /// Its index in the page's `rendered.pictures`.
        index: usize,
        result: Result<Arc<Drawable>, String>,
    },
    /// A write or a background job failed.
    Sections(Result<Vec<SectionEntry>, String>),
    Items {
        ticket: Ticket,
        result: Result<Vec<ItemRow>, String>,
    },
    Failed(String),
    /// Something worth a line in the status bar.
    Note(String),
    /// No browser could be started for `url`: the reader offers to copy it instead.
    NoBrowser {
        url: String,
    },
    /// The worker now reads from another library (see [`crate::app::worker::Request::SwitchLibrary`]).
    Switched {
        origin: String,
    },
    /// Sync is at file `done` of `total` of `source` (`total` 0: still checking).
    SyncProgress {
        source: String,
        done: usize,
        total: usize,
    },
    /// Sync ended; `summary` says what it did (the first failure's reason, if any),
    /// `failed` whether a source failed, `results` how each source went.
    SyncFinished {
        summary: String,
        failed: bool,
        results: Vec<String>,
    },
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
    /// The item the post was opened at, marked when its page arrives: its title.
    pub mark: Option<String>,
}

impl Reader {
    /// Lines of header the page shown has (0 while loading).
    pub fn header_len(&self) -> usize {
        self.page.as_ref().map_or(0, |p| p.header_len())
    }
}

/// A floating list over the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Help {
        scroll: usize,
    },
    Outline {
        cursor: usize,
    },
    Links {
        cursor: usize,
        typed: String,
    },
    /// How each source of the last sync went.
    SyncResults {
        scroll: usize,
    },
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
    /// A key hint kept at the line's end however long `text` is (`R all results`).
    pub hint: Option<String>,
}

/// Where a running sync is, for the status line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStatus {
    pub source: String,
    pub done: usize,
    pub total: usize,
}
