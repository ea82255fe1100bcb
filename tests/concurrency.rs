//! One library, used at once by two readers (each its own connection, as two running apps
//! would have) that list, search and write reading state, and by a third party importing
//! or syncing: nobody gets an error (the busy timeout waits out the others' transactions)
//! and no write is lost.

mod common;
#[path = "../benches/common/corpus.rs"]
mod corpus;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::TestEnv;
use sofa_weekly::library::{Filter, Library, ReadingState};
use sofa_weekly::post::PostId;

/// What one reader writes: a deterministic walk over the posts it owns (every other post),
/// remembered so the final state can be checked.
fn reader(library_dir: &Path, owner: usize, stop: &AtomicBool) -> HashMap<PostId, ReadingState> {
    let library = Library::open(library_dir).expect("a second connection opens");
    let mut expected: HashMap<PostId, ReadingState> = HashMap::new();
    let mut step = 0u64;
    // At least a fixed number of rounds, and on until the importer is done.
    while step < 150 || !stop.load(Ordering::SeqCst) {
        let posts = library
            .list(&Filter::default())
            .expect("list while importing");
        let mine: Vec<PostId> = posts
            .iter()
            .map(|post| post.id)
            .filter(|id| *id as usize % 2 == owner)
            .collect();
        let id = mine[(step as usize * 7) % mine.len()];
        let state = expected
            .entry(id)
            .or_insert_with(|| library.reading_state(id).unwrap());
        match step % 3 {
            0 => {
                state.read = !state.read;
                library
                    .set_read(id, state.read)
                    .expect("set_read while importing");
            }
            1 => {
                state.starred = !state.starred;
                library
                    .set_starred(id, state.starred)
                    .expect("set_starred while importing");
            }
            _ => {
                let position = (step * 13 % 1000) as i64;
                state.position = Some(position);
                library
                    .set_position(id, position)
                    .expect("set_position while importing");
            }
        }
        if step.is_multiple_of(10) {
            library
                .search("MOSN", Some(5))
                .expect("search while importing");
            library.tags().expect("tags while importing");
        }
        step += 1;
        if step > 5_000 {
            break; // a bound, should the importer hang
        }
    }
    expected
}

#[test]
fn two_readers_and_an_import_lose_no_write() {
    let env = TestEnv::new();
    let archive = env.dir.path().join("archive");
    corpus::write_corpus(60, &archive).unwrap();
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_sofa-weekly"))
            .args(args)
            .env("SOFA_WEEKLY_LIBRARY", env.library_dir())
            .env("HOME", env.dir.path())
            .env("XDG_CONFIG_HOME", env.dir.path().join("config"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{args:?} failed beside two readers: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(&["import", archive.to_str().unwrap()]);

    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|owner| {
            let dir = env.library_dir();
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || reader(&dir, owner, &stop))
        })
        .collect();

    // The third party: imports of a growing archive (a new post and a changed one each
    // time), and syncs of the same folder as a named source, in another process.
    let synced = env.dir.path().join("synced");
    corpus::write_corpus(30, &synced).unwrap();
    run(&[
        "source",
        "add",
        synced.to_str().unwrap(),
        "--name",
        "synced",
    ]);
    for round in 0..6u64 {
        let (rel_path, text) = corpus::generate_post(1_000 + round);
        std::fs::write(archive.join(rel_path.replace('/', "-")), text).unwrap();
        let (rel_path, text) = corpus::generate_post(2_000 + round);
        let path = synced.join(rel_path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        run(&["import", archive.to_str().unwrap()]);
        run(&["sync", "synced"]);
    }
    stop.store(true, Ordering::SeqCst);

    let library = Library::open(&env.library_dir()).unwrap();
    for reader in readers {
        let expected = reader.join().expect("a reader failed");
        assert!(!expected.is_empty());
        for (id, state) in expected {
            assert_eq!(library.reading_state(id).unwrap(), state, "post {id}");
        }
    }
    assert_eq!(library.post_count().unwrap(), 60 + 6 + 30 + 6);
}

/// Two programs opening a library that does not exist yet, at the same moment: both
/// create-or-migrate it without stepping on each other.
#[test]
fn two_first_opens_at_once_both_succeed() {
    for _ in 0..5 {
        let env = TestEnv::new();
        let dir = env.library_dir();
        let barrier = Arc::new(std::sync::Barrier::new(3));
        let openers: Vec<_> = (0..3)
            .map(|_| {
                let dir = dir.clone();
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    Library::open(&dir).map(|_| ())
                })
            })
            .collect();
        for opener in openers {
            opener.join().unwrap().expect("a first open beside others");
        }
    }
}
