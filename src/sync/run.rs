//! The run loop: syncs sources one after the other and reports each step through a
//! callback. `sofa-weekly sync` draws progress bars from it; the reader's background sync
//! turns it into messages for the status line.

use super::{SyncError, SyncOptions, SyncProgress, SyncReport, sync_source};
use crate::library::{Library, SourceInfo};

/// What a run reports, in order: progress of the source being synced, then its outcome.
#[derive(Debug)]
pub enum SyncEvent<'a> {
    Progress(SyncProgress),
    /// One source is done: its report, or why it could not be synced at all.
    SourceDone {
        source: &'a SourceInfo,
        result: Result<SyncReport, SyncError>,
    },
}

/// How a run went, all sources together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Sources that had their turn.
    pub synced: usize,
    /// Some source could not be synced, or some file of one failed.
    pub failed: bool,
    /// Cancelled before every source had its turn.
    pub cancelled: bool,
}

/// Syncs `sources` in turn, stopping before the next source once `options.cancel` is set
/// (the source being synced stops between files). One source failing never stops the
/// others.
pub fn sync_sources<'a>(
    library: &mut Library,
    sources: &'a [SourceInfo],
    options: &SyncOptions,
    on_event: &mut dyn FnMut(SyncEvent<'a>),
) -> RunSummary {
    let mut summary = RunSummary::default();
    for source in sources {
        if options.cancelled() {
            summary.cancelled = true;
            break;
        }
        let result = sync_source(library, source, options, &mut |progress| {
            on_event(SyncEvent::Progress(progress))
        });
        summary.synced += 1;
        summary.failed |= !result.as_ref().is_ok_and(|report| report.failed == 0);
        on_event(SyncEvent::SourceDone { source, result });
    }
    summary
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;
    use crate::sync::{register_configured_sources, select_sources};

    #[test]
    fn a_run_goes_on_after_a_failing_source() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("posts");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("a.md"), "# A\n\ntext\n").unwrap();
        let mut library = Library::open_in_memory().unwrap();
        let configured = [
            crate::config::SourceEntry {
                name: "gone".into(),
                location: dir.path().join("missing").to_string_lossy().into_owned(),
            },
            crate::config::SourceEntry {
                name: "posts".into(),
                location: folder.to_string_lossy().into_owned(),
            },
        ];
        let options = SyncOptions::from_env();
        let run = |library: &mut Library| {
            register_configured_sources(library, &configured).unwrap();
            let sources = select_sources(library, &[]).unwrap();
            let mut outcomes = Vec::new();
            let summary = sync_sources(library, &sources, &options, &mut |event| {
                if let SyncEvent::SourceDone { source, result } = event {
                    outcomes.push((source.name.clone(), result));
                }
            });
            (summary, outcomes)
        };
        let (summary, outcomes) = run(&mut library);
        assert_eq!(outcomes.len(), 2);
        assert!(
            outcomes[0]
                .1
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("missing")
        );
        assert_eq!(outcomes[1].1.as_ref().unwrap().added, 1);
        assert_eq!(library.post_count().unwrap(), 1);
        assert_eq!(
            (summary.synced, summary.failed, summary.cancelled),
            (2, true, false)
        );

        options.cancel.store(true, Ordering::SeqCst);
        let (summary, outcomes) = run(&mut library);
        assert!(outcomes.is_empty());
        assert!(summary.cancelled);
    }
}
