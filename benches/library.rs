//! The library at the size of a ten-year archive of many newsletters: 10,000 generated posts
//! (about 100 MB of markdown), imported once and cached under `target/bench-library/`.
//!
//! Measures what a reader waits for: opening the library and the first list page, a tag
//! filter (one tag, two tags), and full-text search for a two-character and a four-character
//! Chinese word and an English word, both as ranked search (`Library::search`, excerpts
//! included) and as a list filter (`Filter.search`, a page of it); and the app's unlimited
//! lists (every post; every post with a word, what its search box runs).

#[path = "common/big_library.rs"]
mod big_library;
#[path = "common/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use sofa_weekly::library::{Filter, Library};
use sofa_weekly::tags::Topics;

/// One list page of the app or of `list --limit 50`.
const PAGE: usize = 50;

/// Words the generator really writes: one-, two- and four-character Chinese (a lone
/// character is a prefix query over the index's pairs, the costliest kind), an English
/// word, a phrase, and a term with an exclusion.
const QUERIES: &[(&str, &str)] = &[
    ("zh1", "态"),
    ("zh2", "状态"),
    ("zh4", "分布式事"),
    ("en", "graceful"),
    ("phrase", "\"graceful shutdown\""),
    ("exclude", "状态 -事务"),
];

fn open_and_first_page(c: &mut Criterion) {
    let dir = big_library::library_of(big_library::LARGE);
    let mut group = c.benchmark_group("library_10k");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("open_and_first_page", |b| {
        b.iter(|| {
            // What `list --limit 50` does after reading the config.
            let mut library = Library::open(&dir).expect("open");
            library.set_topics(Topics::builtin()).expect("topics");
            let page = library
                .list(&Filter {
                    limit: Some(PAGE),
                    ..Filter::default()
                })
                .expect("list");
            black_box(page)
        });
    });
    group.finish();
}

fn filters_and_search(c: &mut Criterion) {
    let dir = big_library::library_of(big_library::LARGE);
    let library = Library::open(&dir).expect("open");
    let mut group = c.benchmark_group("library_10k");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(3));

    let tag_filters: &[(&str, &[&str])] = &[
        ("tag_one", &["Release"]),
        ("tag_one_rare", &["Benchmark"]),
        ("tag_two", &["Community", "云原生"]),
    ];
    for (name, tags) in tag_filters {
        let filter = Filter {
            tags: tags.iter().map(|tag| tag.to_string()).collect(),
            limit: Some(PAGE),
            ..Filter::default()
        };
        assert!(
            !library.list(&filter).expect("list").is_empty(),
            "the generator writes posts tagged {tags:?}"
        );
        group.bench_function(*name, |b| {
            b.iter(|| black_box(library.list(black_box(&filter)).expect("list")))
        });
    }

    // What the app's post list asks for: every post (it has no page limit), and every post
    // containing a word (its search box).
    group.bench_function("app_list_all", |b| {
        b.iter(|| black_box(library.list(black_box(&Filter::default())).expect("list")))
    });
    let app_search = Filter {
        search: Some(QUERIES[0].1.to_string()),
        ..Filter::default()
    };
    group.bench_function("app_list_all_search_zh2", |b| {
        b.iter(|| black_box(library.list(black_box(&app_search)).expect("list")))
    });

    for (name, query) in QUERIES {
        assert!(
            !library
                .search(query, Some(PAGE))
                .expect("search")
                .is_empty(),
            "the generator writes {query:?}"
        );
        group.bench_function(format!("search_{name}"), |b| {
            b.iter(|| {
                black_box(
                    library
                        .search(black_box(query), Some(PAGE))
                        .expect("search"),
                )
            })
        });
        let filter = Filter {
            search: Some(query.to_string()),
            limit: Some(PAGE),
            ..Filter::default()
        };
        group.bench_function(format!("list_search_{name}"), |b| {
            b.iter(|| black_box(library.list(black_box(&filter)).expect("list")))
        });
    }
    group.finish();
}

criterion_group!(library_benches, open_and_first_page, filters_and_search);
criterion_main!(library_benches);
