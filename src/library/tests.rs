use super::*;
use crate::loader::FileStamp;
use crate::post::{LoadedPost, PostDate, PostMeta, PostSummary, SourceId};

pub(super) fn post(
    rel_path: &str,
    title: &str,
    date: Option<&str>,
    tags: &[&str],
    body: &str,
) -> LoadedPost {
    LoadedPost {
        key: rel_path.to_string(),
        title: title.to_string(),
        meta: PostMeta {
            title: Some(title.to_string()),
            date: date.map(|day| PostDate::from_day(day.parse().unwrap())),
            tags: tags.iter().map(|tag| tag.to_string()).collect(),
            ..PostMeta::default()
        },
        body: body.to_string(),
        content_hash: format!("{:x}", body.len() * 31 + title.len()),
    }
}

fn upserts(posts: Vec<LoadedPost>) -> ImportBatch {
    ImportBatch {
        upserts: posts
            .into_iter()
            .map(|post| Upsert { post, stamp: None })
            .collect(),
        ..ImportBatch::default()
    }
}

/// One field of each post a search finds, in the search's order.
pub(super) fn searched<T>(library: &Library, query: &str, field: fn(PostSummary) -> T) -> Vec<T> {
    library
        .search(query, None)
        .unwrap()
        .into_iter()
        .map(|hit| field(hit.post))
        .collect()
}

pub(super) fn library_with(posts: Vec<LoadedPost>) -> (Library, SourceId) {
    let (mut library, source) = Library::in_memory_with_local_source("weekly", "/tmp/weekly");
    library.apply(source, upserts(posts)).unwrap();
    (library, source)
}

fn sample() -> Vec<LoadedPost> {
    vec![
        post(
            "a.md",
            "状态机回放",
            Some("2019-12-06"),
            &["SOFA Weekly", "Seata"],
            "我们想用 redis 存状态机上下文。",
        ),
        post(
            "b.md",
            "MOSN 发布",
            Some("2020-05-08"),
            &["SOFA Weekly", "Service Mesh"],
            "MOSN 支持 Istio 1.4。",
        ),
        post(
            "c.md",
            "Mesh notes",
            Some("2020-01-01"),
            &["service  mesh"],
            "Sidecar notes in English.",
        ),
        post("issue-98.md", "Issue 98", None, &[], "undated"),
        post("issue-399.md", "Issue 399", None, &[], "undated"),
    ]
}

fn titles(posts: &[PostSummary]) -> Vec<&str> {
    posts.iter().map(|post| post.title.as_str()).collect()
}

#[test]
fn lists_newest_first_with_undated_posts_last() {
    let (library, _) = library_with(sample());
    let posts = library.list(&Filter::default()).unwrap();
    assert_eq!(
        titles(&posts),
        [
            "MOSN 发布",
            "Mesh notes",
            "状态机回放",
            "Issue 399",
            "Issue 98"
        ]
    );
    assert_eq!(posts[0].date.as_deref(), Some("2020-05-08"));
    assert_eq!(posts[3].date, None);
}

#[test]
fn tags_merge_spellings_and_count_posts() {
    let (library, _) = library_with(sample());
    let tags = library.tags().unwrap();
    let weekly = tags.iter().find(|tag| tag.tag == "SOFA Weekly").unwrap();
    assert_eq!(weekly.count, 2);
    let mesh: Vec<_> = tags
        .iter()
        .filter(|tag| tag.tag.to_lowercase().contains("mesh"))
        .collect();
    assert_eq!(mesh.len(), 1, "one tag for both spellings: {tags:?}");
    assert_eq!(mesh[0].count, 2);
}

#[test]
fn filters_by_all_given_tags() {
    let (library, _) = library_with(sample());
    let filter = Filter {
        tags: vec!["sofa weekly".into(), "SERVICE MESH".into()],
        ..Filter::default()
    };
    assert_eq!(titles(&library.list(&filter).unwrap()), ["MOSN 发布"]);
}

#[test]
fn searches_chinese_with_long_and_short_queries() {
    let (library, _) = library_with(sample());
    let hits = library.search("状态机", None).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].excerpt.contains("状态机"), "{}", hits[0].excerpt);
    let hits = library.search("发布", None).unwrap();
    assert_eq!(
        titles(&hits.iter().map(|hit| hit.post.clone()).collect::<Vec<_>>()),
        ["MOSN 发布"]
    );
    assert!(library.search("不存在的词", None).unwrap().is_empty());
    assert_eq!(
        library.search("sidecar", None).unwrap().len(),
        1,
        "case-insensitive"
    );
    assert_eq!(
        library.search("mosn istio", None).unwrap().len(),
        1,
        "all terms"
    );
}

/// FTS5 operators and LIKE wildcards in a query are text, not syntax: "a OR b" needs all
/// three terms (as the FTS5 operator it would also find the posts with only one of "alpha"
/// and "beta"). Search is by words (issue 15): punctuation only separates them, so the
/// decoys, which lack just the punctuation, are found too, and a query of punctuation
/// alone (`"`, `*`) finds nothing.
#[test]
fn fts_syntax_in_the_query_is_searched_as_text() {
    let (library, _) = library_with(vec![
        post("alpha.md", "Alpha only", None, &[], "alpha here"),
        post("beta.md", "Beta only", None, &[], "beta here"),
        post("both.md", "Alpha and beta", None, &[], "alpha beta"),
        post(
            "or.md",
            "Alpha or beta",
            None,
            &[],
            "alpha OR beta, and \"quoted\" text",
        ),
        post(
            "syntax.md",
            "Syntax",
            None,
            &[],
            "100% sure, snake_x_case, NEAR(here) and *stars*",
        ),
        post(
            "decoys.md",
            "Decoys",
            None,
            &[],
            "100 percent, box, near here, stars",
        ),
    ]);
    let found = |query: &str| -> Vec<String> {
        let mut titles = searched(&library, query, |post| post.title);
        titles.sort();
        titles
    };
    assert_eq!(found("a OR b"), ["Alpha or beta"]);
    assert_eq!(found("alpha OR beta"), ["Alpha or beta"]);
    assert_eq!(found("\""), Vec::<String>::new());
    assert_eq!(found("NEAR("), ["Decoys", "Syntax"]);
    assert_eq!(found("*"), Vec::<String>::new());
    assert_eq!(found("100%"), ["Decoys", "Syntax"]);
    assert_eq!(found("_x_"), ["Syntax"]);
}

#[test]
fn reimport_keeps_reading_state_and_updates_in_place() {
    let (mut library, source) = library_with(sample());
    let id = library.list(&Filter::default()).unwrap()[0].id;
    library.set_read(id, true).unwrap();
    library.set_starred(id, true).unwrap();
    library.set_position(id, 120).unwrap();

    let report = library.apply(source, upserts(sample())).unwrap();
    assert_eq!(
        report,
        ImportReport {
            unchanged: 5,
            ..ImportReport::default()
        }
    );

    let mut changed = sample();
    changed[1].body = "MOSN 1.0 发布了。".into();
    changed[1].content_hash = "changed".into();
    let report = library.apply(source, upserts(changed)).unwrap();
    assert_eq!(report.updated, 1);
    assert_eq!(
        library.search("1.0", None).unwrap().len(),
        1,
        "index follows updates"
    );
    let state = library.reading_state(id).unwrap();
    assert_eq!(
        state,
        ReadingState {
            read: true,
            starred: true,
            position: Some(120)
        }
    );

    let unread = library
        .list(&Filter {
            unread_only: true,
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(unread.len(), 4);
}

#[test]
fn removals_delete_posts_tags_and_index_entries() {
    let (mut library, source) = library_with(sample());
    let batch = ImportBatch {
        removals: vec!["b.md".into(), "missing.md".into()],
        ..ImportBatch::default()
    };
    assert_eq!(library.apply(source, batch).unwrap().removed, 1);
    assert!(library.search("Istio", None).unwrap().is_empty());
    assert_eq!(library.post_count().unwrap(), 4);
    let weekly = library
        .tags()
        .unwrap()
        .into_iter()
        .find(|tag| tag.tag == "SOFA Weekly");
    assert_eq!(weekly.unwrap().count, 1);
}

#[test]
fn restamps_and_stored_files() {
    let (mut library, source) = library_with(sample());
    let stamp = FileStamp::new(42, 7);
    let batch = ImportBatch {
        restamps: vec![("a.md".into(), stamp)],
        ..ImportBatch::default()
    };
    library.apply(source, batch).unwrap();
    let stored = library.stored_files(source).unwrap();
    assert_eq!(stored.len(), 5);
    assert_eq!(stored["a.md"].stamp, Some(stamp));
    assert_eq!(stored["b.md"].stamp, None);
}

#[test]
fn sources_count_posts_and_removal_cascades() {
    let (library, source) = library_with(sample());
    library
        .set_source_validators(source, Some("\"etag\""), None)
        .unwrap();
    library.record_sync(source, "ok").unwrap();
    let sources = library.sources().unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].post_count, 5);
    assert_eq!(sources[0].validators.etag.as_deref(), Some("\"etag\""));
    assert_eq!(sources[0].last_status.as_deref(), Some("ok"));
    assert_eq!(library.remove_source("weekly").unwrap(), 5);
    assert_eq!(library.post_count().unwrap(), 0);
    assert!(library.tags().unwrap().is_empty());
    assert!(matches!(
        library.remove_source("weekly"),
        Err(LibraryError::NoSuchSource(_))
    ));
}

#[test]
fn a_failed_batch_changes_nothing() {
    let (mut library, source) = library_with(sample());
    // A batch for a source that does not exist violates the foreign key half-way through.
    let result = library.apply(
        source + 100,
        upserts(vec![post("x.md", "X", None, &[], "x")]),
    );
    assert!(result.is_err());
    assert_eq!(library.post_count().unwrap(), 5);
    // The same for a batch large enough to derive index data on a second thread: the
    // writer stops at the first post, and the thread with it.
    let many = (0..100)
        .map(|n| post(&format!("x{n}.md"), "X", None, &[], "状态"))
        .collect();
    assert!(library.apply(source + 100, upserts(many)).is_err());
    assert_eq!(library.post_count().unwrap(), 5);
}

#[test]
fn a_long_import_and_a_rebuild_give_the_index_its_usual_settings_back() {
    let settings = |library: &Library| {
        ["search_index", "search_chars"].map(|table| {
            ["hashsize", "automerge"].map(|key| {
                library
                    .conn
                    .query_row(
                        &format!("SELECT v FROM {table}_config WHERE k = ?1"),
                        [key],
                        |row| row.get::<_, i64>(0),
                    )
                    .unwrap()
            })
        })
    };
    let many = (0..100)
        .map(|n| post(&format!("x{n}.md"), "X", None, &[], "状态 rust"))
        .collect();
    let (mut library, _) = library_with(many);
    let usual = [[8 << 20, 4]; 2];
    assert_eq!(settings(&library), usual, "after the import");
    assert_eq!(library.rebuild_index().unwrap(), 100);
    assert_eq!(settings(&library), usual, "after the rebuild");
}

#[test]
fn on_disk_library_uses_wal_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut library = Library::open(dir.path()).unwrap();
        let source = library
            .ensure_source(&SourceSpec {
                name: "w".into(),
                kind: SourceKind::Local,
                location: "/w".into(),
            })
            .unwrap();
        library.apply(source, upserts(sample())).unwrap();
    }
    let library = Library::open(dir.path()).unwrap();
    assert_eq!(library.post_count().unwrap(), 5);
    let mode: String = library
        .conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn refuses_a_library_from_a_newer_version() {
    let dir = tempfile::tempdir().unwrap();
    drop(Library::open(dir.path()).unwrap());
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    assert!(matches!(
        Library::open(dir.path()),
        Err(LibraryError::TooNew { found: 999, .. })
    ));
}

#[test]
fn post_tags_list_metadata_tags_first_then_topics() {
    // "MOSN" is in the built-in topic vocabulary; the front matter gives two tags.
    let (library, _) = library_with(vec![post(
        "a.md",
        "MOSN 发布",
        Some("2020-05-08"),
        &["Zeta", "Alpha"],
        "MOSN 支持 Istio。",
    )]);
    let tags = &library.list(&Filter::default()).unwrap()[0].tags;
    assert_eq!(&tags[..2], ["Alpha", "Zeta"], "{tags:?}");
    assert!(tags[2..].iter().any(|tag| tag == "MOSN"), "{tags:?}");
}

#[test]
fn a_metadata_tag_that_is_also_a_topic_is_listed_once() {
    let (library, _) = library_with(vec![post(
        "a.md",
        "周报",
        Some("2020-05-08"),
        &["MOSN", "Zeta"],
        "MOSN 支持 Istio。",
    )]);
    let tags = &library.list(&Filter::default()).unwrap()[0].tags;
    assert_eq!(
        tags.iter().filter(|tag| tag.as_str() == "MOSN").count(),
        1,
        "{tags:?}"
    );
    assert_eq!(&tags[..2], ["MOSN", "Zeta"], "{tags:?}");
}

#[test]
fn changes_that_stop_with_a_panic_write_nothing() {
    let (mut library, source) = library_with(sample());
    let changes = (0..20).map(|n| {
        assert!(n < 10, "the producer of changes fails half-way");
        Change::Upsert(Upsert {
            post: post(&format!("x{n}.md"), "X", None, &[], "状态"),
            stamp: None,
        })
    });
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        library.apply_changes(source, changes, &[])
    }));
    assert!(result.is_err(), "the panic reaches the caller");
    assert_eq!(library.post_count().unwrap(), 5);
}

#[test]
fn streamed_changes_add_restamp_and_remove() {
    let (mut library, source) = library_with(sample());
    let stamp = FileStamp::new(7, 9);
    let changes = (0..20)
        .map(|n| {
            Change::Upsert(Upsert {
                post: post(&format!("new-{n}.md"), "新", None, &[], "状态"),
                stamp: None,
            })
        })
        .chain([Change::Restamp("a.md".into(), stamp)]);
    let report = library
        .apply_changes(source, changes, &["b.md".to_string()])
        .unwrap();
    assert_eq!(
        report,
        ImportReport {
            added: 20,
            updated: 0,
            removed: 1,
            unchanged: 1
        }
    );
    assert_eq!(
        library.stored_files(source).unwrap()["a.md"].stamp,
        Some(stamp)
    );
    assert_eq!(library.search("状态", None).unwrap().len(), 21);
}

#[test]
fn small_and_large_filters_list_the_same_newest_first() {
    let day = |n: u64| {
        (chrono::NaiveDate::from_ymd_opt(2016, 1, 1).unwrap() + chrono::Days::new(n)).to_string()
    };
    let count = 2 * super::query::SMALL_FILTER as u64;
    let posts = (0..count)
        .map(|n| {
            let tags: &[&str] = if n % 40 == 0 {
                &["Common", "Rare"]
            } else {
                &["Common"]
            };
            post(
                &format!("p{n}.md"),
                &format!("Post {n}"),
                Some(&day(n)),
                tags,
                "状态",
            )
        })
        .collect();
    let (library, _) = library_with(posts);
    let page = |tags: &[&str], search: Option<&str>| {
        let filter = Filter {
            tags: tags.iter().map(|tag| tag.to_string()).collect(),
            search: search.map(str::to_string),
            limit: Some(3),
            ..Filter::default()
        };
        titles(&library.list(&filter).unwrap())
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let newest = |step: u64| -> Vec<String> {
        (0..count)
            .rev()
            .filter(|n| n % step == 0)
            .take(3)
            .map(|n| format!("Post {n}"))
            .collect()
    };
    // Walking the index (large filters) and SQLite's lookups (a small one) agree.
    assert_eq!(page(&["common"], None), newest(1));
    assert_eq!(page(&["rare"], None), newest(40));
    assert_eq!(page(&["common", "rare"], Some("状态")), newest(40));
    assert_eq!(page(&[], Some("状态")), newest(1));
}
