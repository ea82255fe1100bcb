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
                    results: vec![reason.clone()],
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
                        let msg = match outcome {
                            Ok(outcome) => outcome.message(),
                            Err(e) => {
                                let line =
                                    format!("sync failed: {}", reason_first(&format!("{e:#}")));
                                WorkerMsg::SyncFinished {
                                    summary: line.clone(),
                                    failed: true,
                                    results: vec![line],
                                }
                            }
                        };
                        let _ = events.send(Event::Worker(msg));
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

/// What a sync did, source by source.
#[derive(Debug, Default, PartialEq, Eq)]
struct SyncOutcome {
    /// One line per source (and per problem of the config), the reason before the URL.
    lines: Vec<String>,
    /// The short form of each failure: the source and the reason, without the URL.
    failures: Vec<String>,
    failed: bool,
}

impl SyncOutcome {
    /// The reply for the state: the status line leads with the first failure's reason
    /// (the whole line used to start with a URL that pushed the reason off the screen).
    fn message(self) -> WorkerMsg {
        let summary = match self.failures.first() {
            Some(first) if self.failures.len() > 1 => {
                format!("{first} (and {} more failed)", self.failures.len() - 1)
            }
            Some(first) => first.clone(),
            None => self.lines.join("; "),
        };
        WorkerMsg::SyncFinished {
            summary,
            failed: self.failed,
            results: self.lines,
        }
    }

    fn fail(&mut self, name: &str, message: &str) {
        let (reason, place) = split_reason(message);
        self.failures.push(format!("{name}: {reason}"));
        self.lines.push(match place {
            Some(place) => format!("{name}: {reason} — {place}"),
            None => format!("{name}: {reason}"),
        });
        self.failed = true;
    }
}

/// `message` (`https://…: cannot connect (host not found)`) with the reason first and the
/// URL or location after it.
pub fn reason_first(message: &str) -> String {
    match split_reason(message) {
        (reason, Some(place)) => format!("{reason} — {place}"),
        (reason, None) => reason.to_string(),
    }
}

/// The reason of an error message, and the URLs or locations it starts with: errors name
/// what failed first (`{url}: {reason}`), which in a status line left no room for why.
fn split_reason(message: &str) -> (&str, Option<String>) {
    let mut rest = message;
    let mut places = Vec::new();
    while let Some((head, tail)) = rest.split_once(": ") {
        let is_place = !head.contains(' ')
            && (head.contains("://") || head.starts_with("github:") || head.starts_with('/'));
        if !is_place || tail.is_empty() {
            break;
        }
        places.push(head);
        rest = tail;
    }
    let place = (!places.is_empty()).then(|| places.join(": "));
    (rest, place)
}

/// Syncs every source of the library in `dir`, one after the other.
fn sync_library(
    dir: &std::path::Path,
    config: &Config,
    cancel: Arc<AtomicBool>,
    events: &Sender<Event>,
) -> anyhow::Result<SyncOutcome> {
    let mut library = Library::open(dir)?;
    library.set_topics(config.topics_vocabulary()?)?;
    let mut outcome = SyncOutcome::default();
    for problem in sync::register_configured_sources(&library, &config.sources)? {
        outcome.fail("config", &problem.to_string());
    }
    let sources = sync::select_sources(&library, &[])?;
    if sources.is_empty() {
        outcome
            .lines
            .push("no sources to sync; add one with `sofa-weekly source add LOCATION`".into());
        return Ok(outcome);
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
        SyncEvent::SourceDone { source, result } => match result {
            Ok(report) => outcome.lines.push(report.summary_line()),
            Err(e) => outcome.fail(&source.name, &e.to_string()),
        },
    });
    outcome.failed |= summary.failed;
    if summary.cancelled {
        outcome.lines.push("cancelled".into());
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reason_comes_before_the_url() {
        let message = "https://api.github.com/repos/o/r/git/trees/main?recursive=1: cannot connect (host not found); is the network up?";
        assert_eq!(
            reason_first(message),
            "cannot connect (host not found); is the network up? — https://api.github.com/repos/o/r/git/trees/main?recursive=1"
        );
        assert_eq!(reason_first("no sources"), "no sources");
        assert_eq!(reason_first("time: 3 s left"), "time: 3 s left");
    }

    #[test]
    fn a_failure_leads_the_status_and_every_source_is_in_the_results() {
        let mut outcome = SyncOutcome::default();
        outcome.lines.push("weekly: 3 new".into());
        outcome.fail(
            "blog",
            "https://example.invalid/feed: cannot connect (host not found)",
        );
        let WorkerMsg::SyncFinished {
            summary,
            failed,
            results,
        } = outcome.message()
        else {
            panic!("not a finish");
        };
        assert!(failed);
        assert_eq!(summary, "blog: cannot connect (host not found)");
        assert_eq!(
            results,
            [
                "weekly: 3 new",
                "blog: cannot connect (host not found) — https://example.invalid/feed"
            ]
        );
    }
}
