//! `r`: sync the library's sources on a thread of its own, which opens its own
//! [`Library`] on the same folder (WAL lets it write while the worker reads), and reports
//! progress and the outcome as [`WorkerMsg`]s. The UI never waits for it; quitting cancels it
//! between files.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread;

use super::event::Event;
use super::state::WorkerMsg;
use crate::library::Library;

/// What `r` can sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncPlan {
    /// The sources of the library in this folder.
    Library(PathBuf),
    /// Nothing: the reason, shown in the status line.
    Nothing(String),
}

/// A sync running in the background.
pub struct SyncJob {
    cancel: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl SyncJob {
    pub fn start(plan: &SyncPlan, events: Sender<Event>) -> SyncJob {
        let cancel = Arc::new(AtomicBool::new(false));
        let thread = match plan {
            SyncPlan::Nothing(reason) => {
                let _ = events.send(Event::Worker(WorkerMsg::SyncFinished {
                    summary: reason.clone(),
                    failed: false,
                }));
                None
            }
            SyncPlan::Library(dir) => {
                let dir = dir.clone();
                let stop = Arc::clone(&cancel);
                thread::Builder::new()
                    .name("sync".into())
                    .spawn(move || {
                        let (summary, failed) = match sync_library(&dir, &stop, &events) {
                            Ok(outcome) => outcome,
                            Err(e) => (format!("sync failed: {e:#}"), true),
                        };
                        let _ =
                            events.send(Event::Worker(WorkerMsg::SyncFinished { summary, failed }));
                    })
                    .ok()
            }
        };
        SyncJob { cancel, thread }
    }

    /// Still running?
    pub fn running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Asks the sync to stop after the current file and waits for it.
    pub fn cancel(mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Syncs every source of the library in `dir`; returns the summary line and whether
/// something failed.
fn sync_library(
    dir: &std::path::Path,
    cancel: &AtomicBool,
    events: &Sender<Event>,
) -> anyhow::Result<(String, bool)> {
    let library = Library::open(dir)?;
    let sources = library.sources()?;
    let _ = (cancel, events);
    if sources.is_empty() {
        return Ok((
            "no sources to sync (add one with `sofa-weekly import PATH`)".into(),
            false,
        ));
    }
    Ok((
        format!(
            "{} source(s) in the library, but this build cannot sync them yet",
            sources.len()
        ),
        true,
    ))
}
