//! A 10,000-post library for the library and app benches, built once and cached.
//!
//! Generating and importing ten thousand posts takes a while (tens of seconds on two cores),
//! so the finished library is kept in `target/bench-library/<VERSION>-<N>/` and reused by
//! later runs. Bump `VERSION` when the generator or the import changes what is stored; the
//! cache is also rebuilt when a previous build did not finish (no `complete` marker).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use sofa_weekly::library::Library;
use sofa_weekly::sync::import_path;

/// Changes whenever the cached library must be rebuilt.
const VERSION: &str = "v2";

/// The number of posts in the large library the budgets speak of.
pub const LARGE: u64 = 10_000;

/// The folder under `target/` where bench data lives.
pub fn bench_data_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-library")
}

/// The library folder of an imported corpus of `n` posts, building it if needed.
pub fn library_of(n: u64) -> PathBuf {
    let root = bench_data_dir().join(format!("{VERSION}-{n}"));
    let library_dir = root.join("library");
    let marker = root.join("complete");
    if marker.exists() {
        return library_dir;
    }
    if root.exists() {
        std::fs::remove_dir_all(&root).expect("remove a half-built bench library");
    }
    let corpus_dir = root.join("corpus");
    eprintln!(
        "building a {n}-post bench library in {} (once)",
        root.display()
    );
    super::corpus::write_corpus(n, &corpus_dir).expect("write the bench corpus");
    let mut library = Library::open(&library_dir).expect("open the bench library");
    import_path(&mut library, &corpus_dir).expect("import the bench corpus");
    drop(library);
    std::fs::write(&marker, b"").expect("mark the bench library complete");
    library_dir
}
