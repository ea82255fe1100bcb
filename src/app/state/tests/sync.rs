//! Syncing from the reader: one at a time, its progress and results, and the switch from the
//! sample to the synced library.

use super::*;

#[test]
fn sync_runs_once_at_a_time_reports_progress_and_reloads() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "r");
    assert_eq!(h.outside, [Effect::Sync]);
    assert!(h.app.sync.is_some());
    press(&mut h, "r");
    assert_eq!(h.outside.len(), 1, "one sync at a time");
    let progress = WorkerMsg::SyncProgress {
        source: "weekly".into(),
        done: 2,
        total: 9,
    };
    assert!(h.app.on_worker(progress).is_empty());
    assert_eq!(h.app.sync.as_ref().unwrap().done, 2);
    let effects = h.app.on_worker(WorkerMsg::SyncFinished {
        summary: "weekly: 2 added".into(),
        failed: false,
        results: vec!["weekly: 2 added".into()],
    });
    assert!(
        effects.contains(&Effect::LoadTags),
        "tags and list are reloaded"
    );
    h.run(effects);
    assert_eq!(h.app.sync, None);
    assert_eq!(h.app.note.as_ref().unwrap().text, "weekly: 2 added");
    assert_eq!(titles(&h.app).len(), 5);
}

#[test]
fn switching_from_the_sample_to_the_synced_library_starts_afresh() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "]]jj<Enter>");
    let effects = h.app.on_worker(WorkerMsg::Switched {
        origin: "/home/reader/library".into(),
    });
    assert!(h.app.reader.is_none());
    assert_eq!(h.app.focus, Focus::Posts);
    assert!(h.app.filter_tags().is_empty());
    h.run(effects);
    assert_eq!(h.app.post_cursor, 0);
    assert_eq!(ids(&h.app).len(), 5);
}

#[test]
fn a_failed_sync_leads_with_the_reason_and_r_shows_every_source() {
    let mut h = Harness::new(100, 30);
    press(&mut h, "R");
    assert_eq!(h.app.popup, None, "no sync yet");
    press(&mut h, "r");
    let effects = h.app.on_worker(WorkerMsg::SyncFinished {
        summary: "blog: cannot connect (host not found)".into(),
        failed: true,
        results: vec![
            "weekly: 2 added".into(),
            "blog: cannot connect (host not found) — https://example.invalid/feed".into(),
        ],
    });
    h.run(effects);
    let note = h.app.note.clone().unwrap();
    assert!(note.error);
    assert_eq!(note.text, "blog: cannot connect (host not found)");
    assert_eq!(note.hint.as_deref(), Some("R all results"));
    press(&mut h, "R");
    assert_eq!(h.app.popup, Some(Popup::SyncResults { scroll: 0 }));
    press(&mut h, "<Esc>");
    assert_eq!(h.app.popup, None);
}
