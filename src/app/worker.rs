//! Runs the [`Effect`]s that need the library or take time, on a thread of its own that owns
//! the [`Store`], and answers with [`WorkerMsg`]s through the event channel. Queries carry the
//! ticket they were asked with; when several list or post requests are waiting, only the
//! newest of each kind runs (typing a search asks once per key).

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use super::event::Event;
use super::state::{Effect, Page, WorkerMsg};
use super::store::{SESSION_KEY, Session, Store};
use crate::config::DayFormat;
use crate::render;

/// How the worker renders a page: the text's theme and the header's date format.
#[derive(Debug, Clone)]
pub struct PageStyle {
    pub theme: render::Theme,
    pub day_format: DayFormat,
}

/// The sending end of the worker's queue.
pub struct Worker {
    requests: Option<Sender<Effect>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Worker {
    pub fn spawn(store: Box<dyn Store>, style: PageStyle, events: Sender<Event>) -> Worker {
        let (requests, queue) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("worker".into())
            .spawn(move || serve(store, &style, queue, &events))
            .expect("spawning the worker thread");
        Worker {
            requests: Some(requests),
            thread: Some(thread),
        }
    }

    /// A worker with nothing to work on (the error screen): effects are dropped.
    pub fn idle() -> Worker {
        Worker {
            requests: None,
            thread: None,
        }
    }

    pub fn send(&self, effect: Effect) {
        // The worker only stops when this end is dropped, so a send cannot fail while the
        // app runs; ignoring the error keeps shutdown simple.
        if let Some(requests) = &self.requests {
            let _ = requests.send(effect);
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
    queue: Receiver<Effect>,
    events: &Sender<Event>,
) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        batch.extend(queue.try_iter());
        for effect in newest_queries(batch) {
            let reply = match effect {
                Effect::SwitchLibrary(dir) => switch_library(&mut store, &dir),
                other => run(store.as_ref(), style, other),
            };
            if let Some(reply) = reply
                && events.send(Event::Worker(reply)).is_err()
            {
                return;
            }
        }
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
pub fn newest_queries(batch: Vec<Effect>) -> Vec<Effect> {
    let last_list = batch
        .iter()
        .rposition(|e| matches!(e, Effect::LoadList { .. }));
    let last_post = batch
        .iter()
        .rposition(|e| matches!(e, Effect::LoadPost { .. }));
    batch
        .into_iter()
        .enumerate()
        .filter(|(i, e)| match e {
            Effect::LoadList { .. } => Some(*i) == last_list,
            Effect::LoadPost { .. } => Some(*i) == last_post,
            _ => true,
        })
        .map(|(_, e)| e)
        .collect()
}

/// Runs one effect against the store: the synchronous core, tested without threads.
pub fn run(store: &dyn Store, style: &PageStyle, effect: Effect) -> Option<WorkerMsg> {
    let failed = |what: &str, e: anyhow::Error| Some(WorkerMsg::Failed(format!("{what}: {e:#}")));
    match effect {
        Effect::LoadTags => Some(WorkerMsg::Tags(store.tags().map_err(|e| format!("{e:#}")))),
        Effect::LoadSession => {
            let session = match store.setting(SESSION_KEY) {
                Ok(Some(json)) => serde_json::from_str(&json).unwrap_or_default(),
                _ => Session::default(),
            };
            Some(WorkerMsg::Session(session))
        }
        Effect::LoadList { ticket, query } => Some(WorkerMsg::List {
            ticket,
            result: store.list(&query).map_err(|e| format!("{e:#}")),
        }),
        Effect::LoadPost { ticket, id, width } => {
            let result = match store.post(id) {
                Ok(Some(post)) => Ok(Arc::new(render_page(post, width, style))),
                Ok(None) => Err(format!("post {id} is no longer in the library")),
                Err(e) => Err(format!("{e:#}")),
            };
            Some(WorkerMsg::Post { ticket, id, result })
        }
        Effect::SetRead { id, read } => store
            .set_read(id, read)
            .err()
            .and_then(|e| failed("could not save the read mark", e)),
        Effect::SetStarred { id, starred } => store
            .set_starred(id, starred)
            .err()
            .and_then(|e| failed("could not save the star", e)),
        Effect::SavePosition { id, offset } => store
            .set_position(id, offset)
            .err()
            .and_then(|e| failed("could not save the reading position", e)),
        Effect::SaveSession(session) => {
            let json = serde_json::to_string(&session).expect("a session serialises");
            store
                .set_setting(SESSION_KEY, &json)
                .err()
                .and_then(|e| failed("could not save the session", e))
        }
        Effect::Sync | Effect::OpenUrl(_) | Effect::Copy(_) | Effect::SwitchLibrary(_) => None,
    }
}

/// Header and text of a post wrapped at `width`, the header's date in the configured format.
pub fn render_page(post: super::store::PostText, width: u16, style: &PageStyle) -> Page {
    let summary = &post.summary;
    let theme = &style.theme;
    let date = summary
        .date
        .as_deref()
        .map(|day| style.day_format.format(day));
    let header = render::header(
        &summary.title,
        date.as_deref(),
        &summary.tags,
        width as usize,
        theme,
    );
    Page {
        id: summary.id,
        width,
        header,
        rendered: render::render_post(&post.body, &summary.title, width as usize, theme),
        web_url: post.web_url,
        position: post.position,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::store::{ListQuery, MemoryStore};

    fn plain_style() -> PageStyle {
        PageStyle {
            theme: render::Theme::plain(),
            day_format: DayFormat::default(),
        }
    }

    fn list(ticket: u64) -> Effect {
        Effect::LoadList {
            ticket,
            query: ListQuery::default(),
        }
    }

    #[test]
    fn only_the_newest_list_and_post_requests_of_a_batch_run() {
        let batch = vec![
            list(1),
            Effect::LoadPost {
                ticket: 2,
                id: 7,
                width: 80,
            },
            Effect::SetRead { id: 7, read: true },
            list(3),
            Effect::LoadPost {
                ticket: 4,
                id: 8,
                width: 80,
            },
            list(5),
        ];
        let kept = newest_queries(batch);
        assert_eq!(
            kept,
            [
                Effect::SetRead { id: 7, read: true },
                Effect::LoadPost {
                    ticket: 4,
                    id: 8,
                    width: 80
                },
                list(5),
            ]
        );
    }

    #[test]
    fn a_missing_post_is_an_error_reply_not_a_panic() {
        let store = MemoryStore::default();
        let reply = run(
            &store,
            &plain_style(),
            Effect::LoadPost {
                ticket: 1,
                id: 42,
                width: 80,
            },
        );
        match reply {
            Some(WorkerMsg::Post { result: Err(e), .. }) => assert!(e.contains("42"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_failed_write_is_reported() {
        let store = MemoryStore::default();
        let reply = run(
            &store,
            &plain_style(),
            Effect::SetStarred {
                id: 9,
                starred: true,
            },
        );
        assert!(matches!(reply, Some(WorkerMsg::Failed(e)) if e.contains("star")));
    }

    #[test]
    fn a_corrupt_saved_session_is_ignored() {
        let store = MemoryStore::default();
        store.set_setting(SESSION_KEY, "{not json").unwrap();
        let reply = run(&store, &plain_style(), Effect::LoadSession);
        assert!(matches!(reply, Some(WorkerMsg::Session(s)) if s == Session::default()));
    }
}
