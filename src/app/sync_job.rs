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
use crate::config::Config;
use crate::library::Library;
use crate::sync::{self, SyncEvent, SyncOptions, SyncProgress};

/// What `r` can sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncPlan {
    /// The sources of the library in `dir`, after registering those of the config file;
    /// new posts get the config's topics.
    Library { dir: PathBuf, config: Box<Config> },
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
            SyncPlan::Library { dir, config } => {
                let dir = dir.clone();
                let config = config.clone();
                let stop = Arc::clone(&cancel);
                thread::Builder::new()
                    .name("sync".into())
                    .spawn(move || {
                        let outcome = sync_library(&dir, &config, stop, &events);
                        let (summary, failed) = match outcome {
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

/// Syncs every source of the library in `dir`, one after the other; returns the summary
/// line and whether something failed.
fn sync_library(
    dir: &std::path::Path,
    config: &Config,
    cancel: Arc<AtomicBool>,
    events: &Sender<Event>,
) -> anyhow::Result<(String, bool)> {
    let mut library = Library::open(dir)?;
    library.set_topics(config.topics_vocabulary()?)?;
    let mut lines = Vec::new();
    let mut failed = false;
    for problem in sync::register_configured_sources(&library, &config.sources)? {
        lines.push(format!("config: {problem}"));
        failed = true;
    }
    let sources = sync::select_sources(&library, &[])?;
    if sources.is_empty() {
        lines.push("no sources to sync; add one with `sofa-weekly source add LOCATION`".into());
        return Ok((lines.join("; "), failed));
    }
    let options = SyncOptions {
        cancel,
        ..SyncOptions::from_env()
    };
    let send = |source: String, done: usize, total: usize| {
        let _ = events.send(Event::Worker(WorkerMsg::SyncProgress {
            source,
            done,
            total,
        }));
    };
    let summary = sync::sync_sources(&mut library, &sources, &options, &mut |event| match event {
        SyncEvent::Progress(SyncProgress::Checking { source }) => send(source, 0, 0),
        SyncEvent::Progress(SyncProgress::Downloading { source, total }) => send(source, 0, total),
        SyncEvent::Progress(SyncProgress::FileDone {
            source,
            done,
            total,
            ..
        }) => send(source, done, total),
        SyncEvent::SourceDone { source, result } => lines.push(match result {
            Ok(report) => report.summary_line(),
            Err(e) => format!("{}: {e}", source.name),
        }),
    });
    failed |= summary.failed;
    if summary.cancelled {
        lines.push("cancelled".into());
    }
    Ok((lines.join("; "), failed))
}
