//! Importing a folder of 1,000 generated posts (about 10 MB): into an empty library, and
//! again when nothing changed (every file recognised by its stamp, none read).

#[path = "common/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use sofa_weekly::library::Library;
use sofa_weekly::sync::import_path;

const FILES: u64 = 1_000;

fn import(c: &mut Criterion) {
    let work = tempfile::tempdir().expect("temp dir");
    let corpus_dir = work.path().join("corpus");
    corpus::write_corpus(FILES, &corpus_dir).expect("write corpus");

    let mut group = c.benchmark_group("import_1000");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("fresh", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir_in(work.path()).expect("library dir");
                let library = Library::open(dir.path()).expect("open");
                (dir, library)
            },
            |(dir, mut library)| {
                let outcome = import_path(&mut library, &corpus_dir).expect("import");
                assert_eq!(outcome.report.added, FILES as usize);
                // Closing checkpoints the WAL: part of what an import costs, so timed.
                drop(library);
                dir
            },
            BatchSize::PerIteration,
        );
    });

    let library_dir = work.path().join("library");
    let mut library = Library::open(&library_dir).expect("open");
    import_path(&mut library, &corpus_dir).expect("first import");
    drop(library);
    group.bench_function("unchanged", |b| {
        b.iter(|| {
            // As `sofa-weekly import DIR` run again: open, walk, compare stamps.
            let mut library = Library::open(&library_dir).expect("open");
            let outcome = import_path(&mut library, &corpus_dir).expect("import");
            assert_eq!(outcome.report.unchanged, FILES as usize);
            black_box(outcome)
        });
    });
    group.finish();
}

criterion_group!(import_benches, import);
criterion_main!(import_benches);
