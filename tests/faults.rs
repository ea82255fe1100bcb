//! A full disk and a read-only library: the command fails with one clear line, and the
//! library keeps exactly what it had — no post, no reading state, nothing half-written.
//!
//! The full disk is a file-size limit (`ulimit -f`, with SIGXFSZ ignored so writes fail
//! with EFBIG, as they would with ENOSPC), which needs no privileges. The read-only library
//! is a folder and file without write permission; root ignores permissions, so as root the
//! test uses a read-only tmpfs instead, and says so if it cannot mount one.

#![cfg(unix)]

mod common;
#[path = "../benches/common/corpus.rs"]
mod corpus;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use common::TestEnv;
use sofa_weekly::library::{Filter, Library};

/// Every post as (source, path, read, starred, position, body length), after checking the
/// file's integrity.
fn contents(library_dir: &Path) -> Vec<(String, String, bool, bool, Option<i64>, usize)> {
    let conn = rusqlite::Connection::open(library_dir.join("library.sqlite3")).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    let library = Library::open(library_dir).unwrap();
    let mut all: Vec<_> = library
        .list(&Filter::default())
        .unwrap()
        .into_iter()
        .map(|post| {
            let state = library.reading_state(post.id).unwrap();
            let body = library.post(post.id).unwrap().unwrap().body;
            (
                post.source,
                post.path,
                state.read,
                state.starred,
                state.position,
                body.len(),
            )
        })
        .collect();
    all.sort();
    all
}

/// A library with a few posts and some reading state.
fn seeded_library(env: &TestEnv) {
    let archive = env.dir.path().join("first");
    corpus::write_corpus(10, &archive).unwrap();
    env.stdout(&["import", archive.to_str().unwrap()]);
    let library = Library::open(&env.library_dir()).unwrap();
    let posts = library.list(&Filter::default()).unwrap();
    library.set_read(posts[0].id, true).unwrap();
    library.set_starred(posts[1].id, true).unwrap();
    library.set_position(posts[2].id, 1234).unwrap();
}

#[track_caller]
fn assert_one_clear_line(output: &Output, expected: &[&str]) {
    assert!(!output.status.success(), "should fail");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("sofa-weekly:"))
        .collect();
    assert!(!errors.is_empty(), "no error line in {stderr:?}");
    assert!(
        expected.iter().any(|word| stderr.contains(word)),
        "none of {expected:?} in {stderr:?}"
    );
}

#[test]
fn a_full_disk_fails_clearly_and_changes_nothing() {
    let env = TestEnv::new();
    seeded_library(&env);
    let before = contents(&env.library_dir());
    let more = env.dir.path().join("more");
    corpus::write_corpus(150, &more).unwrap();

    // Room for what is there and a little more: the import of ~1 MB of posts fills it.
    let largest = std::fs::read_dir(env.library_dir())
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .max()
        .unwrap();
    let blocks = largest / 512 + 64; // `ulimit -f` counts 512-byte blocks in POSIX sh
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_sofa-weekly"))
        .args(["import", more.to_str().unwrap()]);
    for (key, value) in env.cmd().get_envs() {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    let output = command.output().unwrap();
    assert_one_clear_line(&output, &["the disk is full"]);
    assert_eq!(contents(&env.library_dir()), before, "the library changed");

    // With room again, the same import goes through.
    env.stdout(&["import", more.to_str().unwrap()]);
    assert_eq!(contents(&env.library_dir()).len(), before.len() + 150);
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("Uid:"))
                .map(|line| line.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

/// Makes `dir` read-only for the binary; returns a guard that makes it writable again.
fn make_read_only(dir: &Path) -> Option<impl Drop> {
    struct Undo(Box<dyn Fn()>);
    impl Drop for Undo {
        fn drop(&mut self) {
            (self.0)();
        }
    }
    if running_as_root() {
        // Root writes through permissions: remount a tmpfs holding the library read-only.
        let remount = |mode: &str| {
            Command::new("mount")
                .args(["-o", &format!("remount,{mode}")])
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success())
        };
        if !remount("ro") {
            return None;
        }
        let dir = dir.to_path_buf();
        return Some(Undo(Box::new(move || {
            Command::new("mount")
                .args(["-o", "remount,rw"])
                .arg(&dir)
                .status()
                .ok();
        })));
    }
    let set = |dir: &Path, file_mode: u32, dir_mode: u32| {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(file_mode)).unwrap();
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(dir_mode)).unwrap();
    };
    set(dir, 0o444, 0o555);
    let dir = dir.to_path_buf();
    Some(Undo(Box::new(move || {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        set(&dir, 0o644, 0o755);
    })))
}

#[test]
fn a_read_only_library_fails_clearly_and_changes_nothing() {
    let env = TestEnv::new();
    let library_dir = env.library_dir();
    std::fs::create_dir_all(&library_dir).unwrap();
    let mounted = running_as_root()
        && Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
            .arg(&library_dir)
            .status()
            .is_ok_and(|s| s.success());
    if running_as_root() && !mounted {
        eprintln!("skipped: running as root without permission to mount a tmpfs");
        return;
    }
    struct Unmount(Option<std::path::PathBuf>);
    impl Drop for Unmount {
        fn drop(&mut self) {
            if let Some(dir) = &self.0 {
                Command::new("umount").arg(dir).status().ok();
            }
        }
    }
    let _unmount = Unmount(mounted.then(|| library_dir.clone()));

    seeded_library(&env);
    let before = contents(&library_dir);
    let more = env.dir.path().join("more");
    corpus::write_corpus(5, &more).unwrap();
    {
        let Some(_writable_again) = make_read_only(&library_dir) else {
            eprintln!("skipped: cannot make the library read-only");
            return;
        };
        let output = env
            .cmd()
            .args(["import", more.to_str().unwrap()])
            .output()
            .unwrap();
        assert_one_clear_line(&output, &["is read-only"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.lines().count() <= 3, "{stderr}");
        // Reading a read-only library either works or fails in one clear line.
        let listed = env.cmd().args(["list"]).output().unwrap();
        if !listed.status.success() {
            assert_one_clear_line(&listed, &["is read-only"]);
        }
    }
    assert_eq!(contents(&library_dir), before, "the library changed");
}
