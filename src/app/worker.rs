//! Runs the [`Job`]s that need the library or take time, on a thread of its own that owns
//! the [`Store`], and answers with [`WorkerMsg`]s through the event channel. The event loop
//! turns the state's effects into jobs ([`super::route`]). Queries carry the ticket they were
//! asked with; when several list or post requests are waiting, only the newest of each kind
//! runs (typing a search asks once per key).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use super::event::Event;
use super::pictures::ShelfEntry;
use super::state::{Page, WorkerMsg};
use super::store::{PostText, SESSION_KEY, SavedSession, Store};
use crate::config::DayFormat;
use crate::render;

/// Declares an enum that starts with the library's work, written once for the worker's
/// [`Job`] and for the state's [`Effect`](super::state::Effect), which asks for the same work
/// and also for what runs outside the worker. [`super::route`] turns one into the other, so a
/// job added here must be routed there before anything compiles.
macro_rules! enum_with_library_jobs {
    ($(#[$attr:meta])* $vis:vis enum $name:ident { $($more:tt)* }) => {
        $(#[$attr])*
        $vis enum $name {
            LoadTags,
            LoadSession,
            LoadList {
                ticket: $crate::app::state::Ticket,
                query: $crate::app::store::ListQuery,
            },
            LoadPost {
                ticket: $crate::app::state::Ticket,
                id: $crate::post::PostId,
                width: u16,
                /// The most rows a picture may take (about two thirds of the pane).
                picture_rows: u16,
            },
            SetRead {
                id: $crate::post::PostId,
                read: bool,
            },
            SetStarred {
                id: $crate::post::PostId,
                starred: bool,
            },
            SavePosition {
                id: $crate::post::PostId,
                offset: i64,
            },
            SaveSession($crate::app::store::SavedSession),
            /// Tell the cache these pictures (absolute URLs) were shown.
            MarkPicturesShown(Vec<String>),
            /// The sections of the items view, under these tags.
            LoadSections {
                tags: Vec<String>,
            },
            LoadItems {
                ticket: $crate::app::state::Ticket,
                query: $crate::app::store::ItemsQuery,
            },
            $($more)*
        }
    };
}
pub(crate) use enum_with_library_jobs;

enum_with_library_jobs! {
    /// Work on the library: the [`Effect`](super::state::Effect)s of the same names.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Job {}
}

/// What goes down the worker's queue, in the order it was sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Run(Job),
    /// Read from the library in this folder from now on (the event loop asks for it when a
    /// sync has filled the library the sample stood in for).
    SwitchLibrary(PathBuf),
}

/// How the worker renders a page: the text's theme, the header's date format, and the
/// terminal's cell when pictures are drawn (`None`: placeholders only).
#[derive(Debug, Clone)]
pub struct PageStyle {
    pub theme: render::Theme,
    pub day_format: DayFormat,
    pub pictures: Option<render::CellSize>,
}

/// The sending end of the worker's queue.
pub struct Worker {
    requests: Option<Sender<Request>>,
    thread: Option<thread::JoinHandle<()>>,
    /// Where an idle worker says that it has no library.
    events: Sender<Event>,
}

impl Worker {
    pub fn spawn(store: Box<dyn Store>, style: PageStyle, events: Sender<Event>) -> Worker {
        let (requests, queue) = mpsc::channel();
        let replies = events.clone();
        let thread = thread::Builder::new()
            .name("worker".into())
            .spawn(move || serve(store, &style, queue, &replies))
            .expect("spawning the worker thread");
        Worker {
            requests: Some(requests),
            thread: Some(thread),
            events,
        }
    }

    /// A worker with no library (the error screen): it answers every job with an error.
    pub fn idle(events: Sender<Event>) -> Worker {
        Worker {
            requests: None,
            thread: None,
            events,
        }
    }

    pub fn send(&self, job: Job) {
        self.request(Request::Run(job));
    }

    /// Reads from the library in `dir` from now on, if it holds posts; jobs sent before run
    /// on the old store, jobs sent after on the new one.
    pub fn switch_library(&self, dir: PathBuf) {
        self.request(Request::SwitchLibrary(dir));
    }

    fn request(&self, request: Request) {
        match &self.requests {
            // The worker only stops when this end is dropped, so a send cannot fail while
            // the app runs; ignoring the error keeps shutdown simple.
            Some(requests) => {
                let _ = requests.send(request);
            }
            None => {
                let failed = WorkerMsg::Failed(format!("no library is open ({request:?})"));
                let _ = self.events.send(Event::Worker(failed));
            }
        }
    }

    /// Waits for the requests already sent (the last writes) and stops the thread.
    pub fn finish(mut self) {
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    mut store: Box<dyn Store>,
    style: &PageStyle,
    queue: Receiver<Request>,
    events: &Sender<Event>,
) {
    let send = |reply: Option<WorkerMsg>| match reply {
        Some(reply) => events.send(Event::Worker(reply)).is_ok(),
        None => true,
    };
    // While the store builds its search index, the worker builds it between requests, and
    // a search asked for meanwhile waits for it (the newest one only), so that it does not
    // answer with the few posts indexed so far.
    let mut indexing = true;
    let mut waiting_search: Option<Job> = None;
    loop {
        let first = if indexing {
            match queue.try_recv() {
                Ok(request) => request,
                Err(mpsc::TryRecvError::Empty) => {
                    let (still_indexing, reply) = index_step(store.as_mut());
                    indexing = still_indexing;
                    if !send(reply) {
                        return;
                    }
                    if !indexing
                        && let Some(job) = waiting_search.take()
                        && !(send(Some(WorkerMsg::Note(INDEXED.into())))
                            && send(run(store.as_ref(), style, job)))
                    {
                        return;
                    }
                    continue;
                }
                Err(mpsc::TryRecvError::Disconnected) => return,
            }
        } else {
            match queue.recv() {
                Ok(request) => request,
                Err(_) => return,
            }
        };
        let mut batch = vec![first];
        batch.extend(queue.try_iter());
        for request in newest_queries(batch) {
            let reply = match request {
                Request::SwitchLibrary(dir) => {
                    indexing = true;
                    switch_library(&mut store, &dir)
                }
                Request::Run(job @ Job::LoadList { .. }) if indexing && is_search(&job) => {
                    waiting_search = Some(job);
                    Some(WorkerMsg::Note(INDEXING.into()))
                }
                Request::Run(job) => run(store.as_ref(), style, job),
            };
            if !send(reply) {
                return;
            }
        }
    }
}

/// What the status line says while a search waits for the index, and once it answers.
pub const INDEXING: &str = "indexing… the search answers when every post is indexed";
pub const INDEXED: &str = "every post is indexed";

fn is_search(job: &Job) -> bool {
    matches!(job, Job::LoadList { query, .. } if query.search.as_deref().is_some_and(|s| !s.trim().is_empty()))
}

/// Builds one step of the store's search index: whether more remains, and what to tell.
fn index_step(store: &mut dyn Store) -> (bool, Option<WorkerMsg>) {
    match store.index_pending() {
        Ok(0) => (false, None),
        Ok(_) => (true, None),
        Err(e) => (
            false,
            Some(WorkerMsg::Failed(format!(
                "could not build the search index: {e:#}"
            ))),
        ),
    }
}

/// Replaces the store by the library in `dir` if it holds posts now (after the first sync of
/// an empty library, whose place the sample archive took).
fn switch_library(store: &mut Box<dyn Store>, dir: &std::path::Path) -> Option<WorkerMsg> {
    let library = crate::library::Library::open(dir).ok()?;
    if library.post_count().ok()? == 0 {
        return None;
    }
    *store = Box::new(library);
    Some(WorkerMsg::Switched {
        origin: dir.display().to_string(),
    })
}

/// Drops every list and post request that a later one of the same kind supersedes.
pub fn newest_queries(batch: Vec<Request>) -> Vec<Request> {
    let last_list = batch
        .iter()
        .rposition(|r| matches!(r, Request::Run(Job::LoadList { .. })));
    let last_post = batch
        .iter()
        .rposition(|r| matches!(r, Request::Run(Job::LoadPost { .. })));
    batch
        .into_iter()
        .enumerate()
        .filter(|(i, r)| match r {
            Request::Run(Job::LoadList { .. }) => Some(*i) == last_list,
            Request::Run(Job::LoadPost { .. }) => Some(*i) == last_post,
            _ => true,
        })
        .map(|(_, e)| e)
        .collect()
}

/// Runs one job against the store: the synchronous core, tested without threads.
pub fn run(store: &dyn Store, style: &PageStyle, job: Job) -> Option<WorkerMsg> {
    let failed = |what: &str, e: anyhow::Error| Some(WorkerMsg::Failed(format!("{what}: {e:#}")));
    match job {
        Job::LoadTags => Some(WorkerMsg::Tags(store.tags().map_err(|e| format!("{e:#}")))),
        Job::LoadSession => {
            let session = match store.setting(SESSION_KEY) {
                Ok(Some(json)) => serde_json::from_str(&json).unwrap_or_default(),
                _ => SavedSession::default(),
            };
            Some(WorkerMsg::Session(session))
        }
        Job::LoadList { ticket, query } => Some(WorkerMsg::List {
            ticket,
            result: store.list(&query).map_err(|e| format!("{e:#}")),
        }),
        Job::LoadPost {
            ticket,
            id,
            width,
            picture_rows,
        } => {
            let result = match store.post(id) {
                Ok(Some(post)) => {
                    let shelf = post_pictures(store, &post, style);
                    Ok(Arc::new(render_page(
                        post,
                        width,
                        picture_rows,
                        shelf,
                        style,
                    )))
                }
                Ok(None) => Err(format!("post {id} is no longer in the library")),
                Err(e) => Err(format!("{e:#}")),
            };
            Some(WorkerMsg::Post { ticket, id, result })
        }
        Job::SetRead { id, read } => store
            .set_read(id, read)
            .err()
            .and_then(|e| failed("could not save the read mark", e)),
        Job::SetStarred { id, starred } => store
            .set_starred(id, starred)
            .err()
            .and_then(|e| failed("could not save the star", e)),
        Job::SavePosition { id, offset } => store
            .set_position(id, offset)
            .err()
            .and_then(|e| failed("could not save the reading position", e)),
        Job::MarkPicturesShown(urls) => store
            .picture_shelf()?
            .mark_shown(&urls)
            .err()
            .and_then(|e| failed("could not note the pictures shown", e)),
        Job::LoadSections { tags } => Some(WorkerMsg::Sections(
            store.sections(&tags).map_err(|e| format!("{e:#}")),
        )),
        Job::LoadItems { ticket, query } => Some(WorkerMsg::Items {
            ticket,
            result: store.items(&query).map_err(|e| format!("{e:#}")),
        }),
        Job::SaveSession(session) => {
            let json = serde_json::to_string(&session).expect("a session serialises");
            store
                .set_setting(SESSION_KEY, &json)
                .err()
                .and_then(|e| failed("could not save the session", e))
        }
    }
}

/// What the cache holds of the pictures of `post`, when pictures are drawn. A cache that
/// cannot answer leaves the placeholders, as with pictures off.
fn post_pictures(store: &dyn Store, post: &PostText, style: &PageStyle) -> Vec<ShelfEntry> {
    match (style.pictures, store.picture_shelf()) {
        (Some(_), Some(shelf)) => shelf
            .post_pictures(post.summary.id, &post.body)
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Header and text of a post wrapped at `width`, the header's date in the configured format;
/// with pictures drawn, each picture that stands alone gets at most `picture_rows` rows.
pub fn render_page(
    post: PostText,
    width: u16,
    picture_rows: u16,
    shelf: Vec<ShelfEntry>,
    style: &PageStyle,
) -> Page {
    let summary = &post.summary;
    let theme = &style.theme;
    let date = summary
        .date
        .as_deref()
        .map(|day| style.day_format.format(day));
    let header = render::Header {
        title: &summary.title,
        date: date.as_deref(),
        tags: &summary.tags,
    };
    let rendered = super::pictures::render_with_shelf(
        &post.body,
        &summary.title,
        width as usize,
        theme,
        &shelf,
        style.pictures,
        usize::from(picture_rows.max(1)),
    );
    Page {
        id: summary.id,
        width,
        header: header.lines(width as usize, theme),
        other_header: header.compact_lines(width as usize, theme),
        compact: false,
        rendered,
        web_url: post.web_url,
        position: post.position,
        picture_rows: if style.pictures.is_some() {
            picture_rows
        } else {
            0
        },
        shelf,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::store::{ListQuery, MemoryStore};
    use crate::post::PostId;

    fn plain_style() -> PageStyle {
        PageStyle {
            theme: render::Theme::plain(),
            day_format: DayFormat::default(),
            pictures: None,
        }
    }

    fn list(ticket: u64) -> Job {
        Job::LoadList {
            ticket,
            query: ListQuery::default(),
        }
    }

    fn post(ticket: u64, id: crate::post::PostId) -> Job {
        Job::LoadPost {
            ticket,
            id,
            width: 80,
            picture_rows: 20,
        }
    }

    /// What the worker answers `job` with on a library that holds nothing.
    fn run_on_empty_store(job: Job) -> Option<WorkerMsg> {
        run(&MemoryStore::default(), &plain_style(), job)
    }

    #[test]
    fn only_the_newest_list_and_post_requests_of_a_batch_run() {
        let batch = vec![
            list(1),
            post(2, 7),
            Job::SetRead { id: 7, read: true },
            list(3),
            post(4, 8),
            list(5),
        ];
        let kept = newest_queries(batch.into_iter().map(Request::Run).collect());
        let kept: Vec<Job> = kept
            .into_iter()
            .map(|request| match request {
                Request::Run(job) => job,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            kept,
            [Job::SetRead { id: 7, read: true }, post(4, 8), list(5)]
        );
    }

    #[test]
    fn a_switch_of_library_keeps_its_place_among_the_queries() {
        let dir = PathBuf::from("/library");
        let batch = vec![
            Request::Run(list(1)),
            Request::SwitchLibrary(dir.clone()),
            Request::Run(list(2)),
        ];
        assert_eq!(
            newest_queries(batch),
            [Request::SwitchLibrary(dir), Request::Run(list(2))]
        );
    }

    /// A store that needs three steps to index its posts.
    struct SlowIndex(MemoryStore, u64);

    impl Store for SlowIndex {
        fn list(&self, query: &ListQuery) -> anyhow::Result<Vec<crate::post::PostSummary>> {
            self.0.list(query)
        }
        fn tags(&self) -> anyhow::Result<Vec<crate::post::TagCount>> {
            self.0.tags()
        }
        fn post(&self, id: PostId) -> anyhow::Result<Option<super::super::store::PostText>> {
            self.0.post(id)
        }
        fn set_read(&self, id: PostId, read: bool) -> anyhow::Result<()> {
            self.0.set_read(id, read)
        }
        fn set_starred(&self, id: PostId, starred: bool) -> anyhow::Result<()> {
            self.0.set_starred(id, starred)
        }
        fn set_position(&self, id: PostId, offset: i64) -> anyhow::Result<()> {
            self.0.set_position(id, offset)
        }
        fn setting(&self, key: &str) -> anyhow::Result<Option<String>> {
            self.0.setting(key)
        }
        fn set_setting(&self, key: &str, value: &str) -> anyhow::Result<()> {
            self.0.set_setting(key, value)
        }
        fn index_pending(&mut self) -> anyhow::Result<u64> {
            std::thread::sleep(std::time::Duration::from_millis(20));
            self.1 = self.1.saturating_sub(1);
            Ok(self.1)
        }
    }

    #[test]
    fn a_search_before_the_index_is_built_says_indexing_then_answers() {
        let (events, inbox) = mpsc::channel();
        let worker = Worker::spawn(
            Box::new(SlowIndex(MemoryStore::default(), 3)),
            plain_style(),
            events,
        );
        worker.send(Job::LoadList {
            ticket: 7,
            query: ListQuery {
                search: Some("状态".into()),
                ..ListQuery::default()
            },
        });
        let mut replies = Vec::new();
        while replies.len() < 3 {
            match inbox.recv_timeout(std::time::Duration::from_secs(10)) {
                Ok(Event::Worker(msg)) => replies.push(msg),
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(&replies[0], WorkerMsg::Note(note) if note == INDEXING));
        assert!(matches!(&replies[1], WorkerMsg::Note(note) if note == INDEXED));
        assert!(matches!(
            &replies[2],
            WorkerMsg::List {
                ticket: 7,
                result: Ok(_)
            }
        ));
        worker.finish();
    }

    #[test]
    fn a_worker_without_a_library_answers_a_job_with_an_error() {
        let (events, inbox) = mpsc::channel();
        Worker::idle(events).send(Job::LoadTags);
        match inbox.try_recv() {
            Ok(Event::Worker(WorkerMsg::Failed(e))) => assert!(e.contains("no library"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_post_is_an_error_reply_not_a_panic() {
        let reply = run_on_empty_store(post(1, 42));
        match reply {
            Some(WorkerMsg::Post { result: Err(e), .. }) => assert!(e.contains("42"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_failed_write_is_reported() {
        let reply = run_on_empty_store(Job::SetStarred {
            id: 9,
            starred: true,
        });
        assert!(matches!(reply, Some(WorkerMsg::Failed(e)) if e.contains("star")));
    }

    #[test]
    fn a_corrupt_saved_session_is_ignored() {
        let store = MemoryStore::default();
        store.set_setting(SESSION_KEY, "{not json").unwrap();
        let reply = run(&store, &plain_style(), Job::LoadSession);
        assert!(matches!(reply, Some(WorkerMsg::Session(s)) if s == SavedSession::default()));
    }
}
