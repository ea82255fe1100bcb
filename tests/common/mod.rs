//! Helpers for tests that run the real binary: a private library folder and a private copy
//! of a fixture folder that a test may change.

#![allow(dead_code)] // each test binary uses a different part of this

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

pub struct TestEnv {
    /// Holds the library and any copied fixtures; removed when the test ends.
    pub dir: TempDir,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn library_dir(&self) -> PathBuf {
        self.dir.path().join("library")
    }

    /// The binary, pointed at this test's library, isolated from the user's environment.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("sofa-weekly").expect("binary built");
        cmd.env("SOFA_WEEKLY_LIBRARY", self.library_dir())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("NO_COLOR", "1")
            // Fixtures refer to pictures on real hosts: tests never reach them.
            .env("SOFA_WEEKLY_PICTURES", "none")
            .env_remove("GITHUB_TOKEN");
        cmd
    }

    /// Copies `tests/fixtures/<name>` into the temp dir and returns the copy's path.
    pub fn copy_fixture(&self, name: &str) -> PathBuf {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let to = self.dir.path().join(name);
        copy_dir(&from, &to);
        to
    }

    /// A library holding the newsletters of `tests/fixtures/items` (SOFA Weekly, a Chinese
    /// weekly, This Week in Rust): sections kept whole and split into parts, questions and
    /// releases.
    pub fn with_item_newsletters() -> TestEnv {
        let env = TestEnv::new();
        for shape in ["sofa", "cnweekly", "twir"] {
            let folder = env.copy_fixture(&format!("items/{shape}"));
            env.stdout(&["import", folder.to_str().unwrap()]);
        }
        env
    }

    /// Runs the binary with `args`, asserts success and returns stdout.
    pub fn stdout(&self, args: &[&str]) -> String {
        succeeds(&mut self.cmd(), args)
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.stdout(args)).expect("valid JSON")
    }
}

/// Runs `cmd` (a [`TestEnv::cmd`] with more set, say) with `args`, asserts success, and
/// returns what it printed on stdout.
pub fn succeeds(cmd: &mut Command, args: &[&str]) -> String {
    let output = cmd.args(args).output().expect("runs");
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
