//! Kill tests: the real binary importing a folder or syncing a feed is killed with SIGKILL at
//! random moments. After every kill the library must open, pass `PRAGMA integrity_check`,
//! and still hold every post and every reading state it held before the run was started.
//!
//! The moments come from a seeded generator (set `SOFA_KILL_SEED` to replay another run),
//! spread over how long one uninterrupted run takes on this machine; nothing asserts a time.
//! Between kills the test changes some files and reading states, so that every run has
//! inserts, updates and reading state to lose if a transaction were not atomic.

#![cfg(unix)]

mod common;
#[path = "../benches/common/corpus.rs"]
mod corpus;
#[path = "support/test_server.rs"]
mod test_server;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TestEnv;
use sofa_weekly::library::{Filter, Library, ReadingState};

/// (source, path) → reading state and content, for every post in the library.
type Snapshot = BTreeMap<(String, String), (ReadingState, String)>;

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn seed() -> u64 {
    std::env::var("SOFA_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x005E_ED0F_50FA)
}

/// Opens the library the way the app does, checks the file, and reads every post's state.
fn snapshot(library_dir: &Path) -> Snapshot {
    let file = library_dir.join("library.sqlite3");
    let conn = rusqlite::Connection::open(&file).expect("the database opens");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity_check runs");
    assert_eq!(check, "ok", "integrity_check after a kill");
    drop(conn);
    let library = Library::open(library_dir).expect("the library opens after a kill");
    library
        .list(&Filter::default())
        .expect("list")
        .into_iter()
        .map(|post| {
            let state = library.reading_state(post.id).expect("reading state");
            let body = library.post(post.id).expect("post").expect("listed").body;
            ((post.source, post.path), (state, body))
        })
        .collect()
}

/// Every post before is still there, with the same reading state; its body is either the
/// one it had or a whole newer one (from the files the run was importing).
#[track_caller]
fn assert_nothing_lost(before: &Snapshot, after: &Snapshot, run: &str) {
    for (key, (state, body)) in before {
        let Some((state_after, body_after)) = after.get(key) else {
            panic!("{run}: post {key:?} lost");
        };
        assert_eq!(state, state_after, "{run}: reading state of {key:?}");
        assert!(
            body_after == body || body_after.contains(EDIT_MARK),
            "{run}: body of {key:?} is neither the old nor a new version"
        );
    }
}

const EDIT_MARK: &str = "Edited between kills";

/// Rewrites some posts (a new version to import) and adds some new ones.
fn change_files(archive: &Path, rng: &mut SplitMix64, next_index: &mut u64, round: usize) {
    let files = markdown_files(archive);
    for _ in 0..10 {
        let path = &files[rng.below(files.len() as u64) as usize];
        let mut text = std::fs::read_to_string(path).unwrap();
        text.push_str(&format!("\n\n{EDIT_MARK}, round {round}.\n"));
        std::fs::write(path, text).unwrap();
    }
    for _ in 0..15 {
        let (rel_path, text) = corpus::generate_post(*next_index);
        *next_index += 1;
        let path = archive.join(rel_path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn markdown_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Marks a few posts read, starred or scrolled: user data no later run may lose.
fn change_reading_state(library_dir: &Path, rng: &mut SplitMix64) {
    let library = Library::open(library_dir).unwrap();
    let posts = library.list(&Filter::default()).unwrap();
    for _ in 0..8 {
        let post = &posts[rng.below(posts.len() as u64) as usize];
        match rng.below(3) {
            0 => library.set_read(post.id, !post.read).unwrap(),
            1 => library.set_starred(post.id, !post.starred).unwrap(),
            _ => library
                .set_position(post.id, rng.below(500) as i64)
                .unwrap(),
        }
    }
}

/// Starts the binary with `args` and kills it after `delay` if it is still running.
/// Returns how long it took when it finished by itself, `None` when it was killed.
fn run_and_kill(env: &TestEnv, args: &[&str], delay: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sofa-weekly"))
        .args(args)
        .env("SOFA_WEEKLY_LIBRARY", env.library_dir())
        .env("HOME", env.dir.path())
        .env("XDG_CONFIG_HOME", env.dir.path().join("config"))
        .env("XDG_DATA_HOME", env.dir.path().join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sofa-weekly");
    let deadline = started + delay;
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(started.elapsed());
        }
        if Instant::now() >= deadline {
            child.kill().expect("SIGKILL");
            child.wait().unwrap();
            return None;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// How long one uninterrupted run takes here: the range the kill moments are drawn from.
fn timed_run(env: &TestEnv, args: &[&str]) -> Duration {
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_sofa-weekly"))
        .args(args)
        .env("SOFA_WEEKLY_LIBRARY", env.library_dir())
        .env("HOME", env.dir.path())
        .env("XDG_CONFIG_HOME", env.dir.path().join("config"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{args:?}");
    started.elapsed()
}

/// What a kill loop works on: a command to run, a change to make before each run, and how
/// many posts there are once a run has finished.
type Change<'a> = Box<dyn FnMut(&mut SplitMix64, usize) + 'a>;

struct Workload<'a> {
    args: Vec<String>,
    change: Change<'a>,
    expected_posts: Box<dyn Fn() -> usize + 'a>,
}

fn kill_loop(env: &TestEnv, mut work: Workload<'_>, rounds: usize, rng: &mut SplitMix64) {
    let args: Vec<&str> = work.args.iter().map(String::as_str).collect();
    // The kill moments are spread over how long a run takes here, learnt as runs finish.
    let mut run_time = timed_run(env, &args);
    let mut killed = 0;
    for round in 0..rounds {
        (work.change)(rng, round);
        change_reading_state(&env.library_dir(), rng);
        let before = snapshot(&env.library_dir());
        // Up to 1.2 × a run, so that some runs finish and some die at the very start.
        let limit = (run_time.as_micros() as u64 * 12 / 10).max(1_000);
        let delay = Duration::from_micros(rng.below(limit));
        match run_and_kill(env, &args, delay) {
            Some(finished_in) => run_time = finished_in,
            None => killed += 1,
        }
        let after = snapshot(&env.library_dir());
        assert_nothing_lost(&before, &after, &format!("{args:?} round {round}"));
    }
    // Finish the work: nothing the kills interrupted is stuck.
    timed_run(env, &args);
    let last = snapshot(&env.library_dir());
    assert_eq!(
        last.len(),
        (work.expected_posts)(),
        "after a full run every item is a post"
    );
    eprintln!("{args:?}: {killed} of {rounds} runs killed");
    assert!(killed > 0, "no run was killed: the test proved nothing");
}

/// Rewrites some posts and adds new ones, like a folder being edited.
fn folder_workload<'a>(archive: &'a Path, args: Vec<String>) -> Workload<'a> {
    let mut next_index = markdown_files(archive).len() as u64 + 10_000;
    Workload {
        args,
        change: Box::new(move |rng, round| change_files(archive, rng, &mut next_index, round)),
        expected_posts: Box::new(move || markdown_files(archive).len()),
    }
}

#[test]
fn killed_imports_lose_nothing() {
    let env = TestEnv::new();
    let archive = env.dir.path().join("archive");
    corpus::write_corpus(100, &archive).unwrap();
    let mut rng = SplitMix64(seed());
    eprintln!("seed {}", seed());
    let args = vec!["import".to_owned(), archive.to_str().unwrap().to_owned()];
    kill_loop(&env, folder_workload(&archive, args), 10, &mut rng);
}

#[test]
fn killed_syncs_lose_nothing() {
    let env = TestEnv::new();
    let archive = env.dir.path().join("synced");
    corpus::write_corpus(80, &archive).unwrap();
    let mut rng = SplitMix64(seed() ^ 0xFEED);
    eprintln!("seed {}", seed() ^ 0xFEED);
    let added = Command::new(env!("CARGO_BIN_EXE_sofa-weekly"))
        .args([
            "source",
            "add",
            archive.to_str().unwrap(),
            "--name",
            "local",
        ])
        .env("SOFA_WEEKLY_LIBRARY", env.library_dir())
        .env("HOME", env.dir.path())
        .env("XDG_CONFIG_HOME", env.dir.path().join("config"))
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let args = vec!["sync".to_owned(), "local".to_owned()];
    kill_loop(&env, folder_workload(&archive, args), 6, &mut rng);
}

/// A feed of `items` (index, edited in round) as RSS: each item a generated post.
fn rss(items: &[(u64, Option<usize>)]) -> String {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Kill</title><link>https://example.com/</link><description>d</description>\n",
    );
    for &(index, edited) in items {
        let (_, text) = corpus::generate_post(index);
        let body = text.rsplit("\n---\n").next().unwrap_or(&text);
        let mut body = body.to_owned();
        if let Some(round) = edited {
            body.push_str(&format!("\n\n{EDIT_MARK}, round {round}.\n"));
        }
        out.push_str(&format!(
            "<item><title>Post {index}</title><guid>post-{index}</guid><link>https://example.com/{index}</link><pubDate>Fri, 07 May 2021 10:00:00 +0000</pubDate><description>{}</description></item>\n",
            escape(&body)
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

#[test]
fn killed_feed_syncs_lose_nothing() {
    use std::cell::RefCell;
    use test_server::{Reply, TestServer};

    let env = TestEnv::new();
    let server = TestServer::start();
    let items = RefCell::new((0..100).map(|index| (index, None)).collect::<Vec<_>>());
    server.route("/feed.xml", Reply::ok(rss(&items.borrow())));
    let url = server.url("/feed.xml");
    env.stdout(&["source", "add", &url, "--name", "feed"]);
    let mut rng = SplitMix64(seed() ^ 0xFEED_F00D);
    let work = Workload {
        args: vec!["sync".to_owned(), "feed".to_owned()],
        change: Box::new(|rng, round| {
            let mut items = items.borrow_mut();
            for _ in 0..8 {
                let at = rng.below(items.len() as u64) as usize;
                items[at].1 = Some(round);
            }
            let next = items.len() as u64;
            items.extend((next..next + 10).map(|index| (index, None)));
            server.route("/feed.xml", Reply::ok(rss(&items)));
        }),
        expected_posts: Box::new(|| items.borrow().len()),
    };
    kill_loop(&env, work, 6, &mut rng);
}
