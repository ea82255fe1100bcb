//! Build script: records the git commit the binary was built from, for `--version`.
//!
//! Built from a git checkout, `SOFA_WEEKLY_GIT_COMMIT` is the short hash of HEAD; built from
//! a crate tarball (crates.io, `cargo package`) or without git, it is empty and `--version`
//! shows the version alone. The commit is taken only when the checkout's top folder is this
//! crate's own, so a tarball unpacked inside some other repository does not borrow its hash.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = git_commit(&manifest_dir).unwrap_or_default();
    println!("cargo:rustc-env=SOFA_WEEKLY_GIT_COMMIT={commit}");
    println!("cargo:rerun-if-changed=build.rs");
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn git_commit(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same_folder = match (Path::new(&top).canonicalize(), dir.canonicalize()) {
        (Ok(top), Ok(dir)) => top == dir,
        _ => false,
    };
    if !same_folder {
        return None;
    }
    // Rebuild when HEAD moves: HEAD itself (a checkout), the branch it points to (a commit),
    // and packed-refs (where `git gc` moves branch heads). In a worktree these live in
    // different folders, so ask git where each one is.
    for file in ["HEAD", "packed-refs"] {
        watch(dir, file);
    }
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watch(dir, &branch);
    }
    git(dir, &["rev-parse", "--short=9", "HEAD"])
}

fn watch(dir: &Path, git_file: &str) {
    if let Some(path) = git(dir, &["rev-parse", "--git-path", git_file]) {
        let path = dir.join(path);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}
