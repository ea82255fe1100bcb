//! Search through the index against its definitions: a plain substring scan for Chinese,
//! words and prefixes, phrases, exclusions, ranking; and the migration that builds it.

use super::query::{SearchQuery, Table};
use crate::library::tests::searched;
use crate::library::{Filter, ImportBatch, Library, Upsert};
use crate::post::SourceId;

fn library_of(posts: &[(&str, &str)]) -> (Library, SourceId) {
    let (mut library, source) = Library::in_memory_with_local_source("test", "/test");
    apply(&mut library, source, posts, &[]);
    (library, source)
}

fn apply(library: &mut Library, source: SourceId, posts: &[(&str, &str)], removals: &[&str]) {
    let upserts = posts
        .iter()
        .map(|(path, text)| Upsert {
            post: crate::loader::parse_post(path, text.as_bytes()).post,
            stamp: None,
        })
        .collect();
    let removals = removals.iter().map(|path| path.to_string()).collect();
    library
        .apply(
            source,
            ImportBatch {
                upserts,
                removals,
                ..ImportBatch::default()
            },
        )
        .unwrap();
}

/// Paths of the posts a search finds, sorted; the list filter must find the same.
fn found(library: &Library, query: &str) -> Vec<String> {
    let filter = Filter {
        search: Some(query.to_string()),
        ..Filter::default()
    };
    let mut paths: Vec<String> = library
        .list(&filter)
        .unwrap()
        .into_iter()
        .map(|post| post.path)
        .collect();
    paths.sort();
    let mut searched = ranked(library, query);
    searched.sort();
    assert_eq!(paths, searched, "list and search agree on {query:?}");
    paths
}

/// Paths of the posts a search finds, in its order.
fn ranked(library: &Library, query: &str) -> Vec<String> {
    searched(library, query, |post| post.path)
}

/// The text as the index reads it for substrings: a line break (and the indentation after
/// it) between two CJK characters removed, as a soft line break is.
fn joined(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\n' && i > 0 && super::tokenize::is_cjk_letter(chars[i - 1]) {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j], ' ' | '\t') {
                j += 1;
            }
            if j < chars.len() && super::tokenize::is_cjk_letter(chars[j]) {
                i = j;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// What a plain substring scan finds: the oracle for Chinese terms.
fn scanned(posts: &[(&str, &str)], query: &str) -> Vec<String> {
    let mut paths: Vec<String> = posts
        .iter()
        .filter(|(path, text)| {
            let post = crate::loader::parse_post(path, text.as_bytes()).post;
            joined(&post.title).contains(query) || joined(&post.body).contains(query)
        })
        .map(|(path, _)| path.to_string())
        .collect();
    paths.sort();
    paths
}

const POSTS: &[(&str, &str)] = &[
    ("a.md", "---\ntitle: 状态机\n---\n引擎的**状态**存储。"),
    (
        "b.md",
        "---\ntitle: 事务\n---\n分布式事务，状态不一致。 Go 语言",
    ),
    (
        "c.md",
        "---\ntitle: English\n---\nNo Chinese here: state machine.",
    ),
    (
        "d.md",
        "---\ntitle: 单字\n---\n态 alone, and 状 at a run's end: 状。",
    ),
];

#[test]
fn short_chinese_terms_find_what_a_scan_finds() {
    let (library, _) = library_of(POSTS);
    for query in [
        "状", "态", "状态", "态机", "事务", "务", "机引", "单字", "不在",
    ] {
        assert_eq!(
            found(&library, query),
            scanned(POSTS, query),
            "query {query:?}"
        );
    }
}

#[test]
fn the_index_follows_updates_and_removals() {
    let (mut library, source) = library_of(POSTS);
    apply(
        &mut library,
        source,
        &[("a.md", "---\ntitle: 改了\n---\n没有那个词。")],
        &["b.md"],
    );
    assert_eq!(found(&library, "状态"), Vec::<String>::new());
    assert_eq!(found(&library, "改了"), vec!["a.md".to_string()]);
    assert_eq!(found(&library, "事务"), Vec::<String>::new());
    assert_eq!(found(&library, "状态机"), Vec::<String>::new());
    assert_eq!(found(&library, "没有那个"), vec!["a.md".to_string()]);
    assert_eq!(found(&library, "分布式"), Vec::<String>::new());
}

/// A small deterministic generator (SplitMix64), so the posts are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Posts of Chinese from a small alphabet (so substrings repeat across posts), with
/// punctuation, English words, markdown and soft line breaks between them.
fn generated_posts(count: usize, rng: &mut Rng) -> Vec<(String, String)> {
    const HANZI: &[char] = &[
        '状', '态', '机', '事', '务', '分', '布', '式', '的', '一', '是', '了', '在', '服', '网',
        '格', 'の', 'ア', '한',
    ];
    const OTHER: &[&str] = &[
        "，", "。", " ", "\n", "\n  ", "\n\n", "**", "mosn ", "Rust", "- ", "`", "1.0",
    ];
    (0..count)
        .map(|n| {
            let mut body = String::new();
            for _ in 0..rng.below(200) {
                if rng.below(5) == 0 {
                    body.push_str(OTHER[rng.below(OTHER.len())]);
                } else {
                    body.push(HANZI[rng.below(HANZI.len())]);
                }
            }
            let title: String = (0..rng.below(6))
                .map(|_| HANZI[rng.below(HANZI.len())])
                .collect();
            (
                format!("p{n}.md"),
                format!("---\ntitle: \"t{title}\"\n---\n{body}"),
            )
        })
        .collect()
}

#[test]
fn chinese_terms_of_one_to_four_characters_find_what_a_scan_finds() {
    let mut rng = Rng(15);
    let owned = generated_posts(120, &mut rng);
    let posts: Vec<(&str, &str)> = owned
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let (library, _) = library_of(&posts);
    let texts: Vec<Vec<char>> = owned
        .iter()
        .map(|(_, text)| joined(text).chars().collect())
        .collect();
    let mut checked = 0;
    while checked < 400 {
        // A substring of a post (so most terms are found), cut to its CJK characters.
        let text = &texts[rng.below(texts.len())];
        let length = 1 + rng.below(4);
        if text.len() <= length {
            continue;
        }
        let start = rng.below(text.len() - length);
        let term: String = text[start..start + length].iter().collect();
        if !term.chars().all(super::tokenize::is_cjk_letter) {
            continue;
        }
        assert_eq!(found(&library, &term), scanned(&posts, &term), "{term:?}");
        checked += 1;
    }
}

const ENGLISH: &[(&str, &str)] = &[
    (
        "rustc.md",
        "---\ntitle: Compilers\ndate: 2024-01-01\n---\nThe rustc release notes.",
    ),
    (
        "wide.md",
        "---\ntitle: Wide\ndate: 2023-01-01\n---\nＲＵＳＴ in full width, and an async\nclosure across a line.",
    ),
    (
        "apart.md",
        "---\ntitle: Apart\ndate: 2025-01-01\n---\nAn async runtime; much later, a closure.",
    ),
    (
        "closure.md",
        "---\ntitle: Async closure\ndate: 2020-01-01\n---\nIn the title only.",
    ),
];

fn paths(list: &[&str]) -> Vec<String> {
    list.iter().map(|path| path.to_string()).collect()
}

/// Checks what each query finds in a library of `posts`, as (query, the posts' paths).
fn assert_finds(posts: &[(&str, &str)], cases: &[(&str, &[&str])]) {
    let (library, _) = library_of(posts);
    for (query, expected) in cases {
        assert_eq!(found(&library, query), paths(expected), "{query}");
    }
}

#[test]
fn words_and_prefixes_ignore_case_and_width() {
    assert_finds(
        ENGLISH,
        &[
            ("rust", &["rustc.md", "wide.md"]),
            ("RUSTC", &["rustc.md"]),
            ("ｒｕｓｔ", &["rustc.md", "wide.md"]),
            // Words, not substrings: "lease" is inside "release", not a word's start.
            ("lease", &[]),
        ],
    );
}

#[test]
fn phrases_need_their_words_together_across_a_soft_line_break() {
    assert_finds(
        ENGLISH,
        &[
            ("\"async closure\"", &["closure.md", "wide.md"]),
            ("async closure", &["apart.md", "closure.md", "wide.md"]),
        ],
    );
    let chinese = [("z.md", "---\ntitle: z\n---\n分布式\n  事务，状态 机")];
    assert_finds(
        &chinese,
        &[
            ("\"分布式事务\"", &["z.md"]),
            ("式事", &["z.md"]),
            ("\"状态 机\"", &["z.md"]),
            ("状态机", &[]),
        ],
    );
}

#[test]
fn several_terms_mean_all_and_a_minus_excludes() {
    assert_finds(
        ENGLISH,
        &[
            ("async -title", &["apart.md", "wide.md"]),
            ("async -\"async closure\"", &["apart.md"]),
            ("-async", &["rustc.md"]),
            ("rust async", &["wide.md"]),
            // Nothing to look for: no post, rather than all of them.
            ("* --", &[]),
        ],
    );
}

#[test]
fn the_whole_phrase_and_title_terms_rank_above_words_far_apart() {
    let (library, _) = library_of(ENGLISH);
    // The title match first, then the words together, then apart (though newest).
    assert_eq!(
        ranked(&library, "async closure"),
        paths(&["closure.md", "wide.md", "apart.md"])
    );
}

#[test]
fn excerpts_keep_list_items_apart() {
    let posts = [(
        "l.md",
        "---\ntitle: l\n---\n|tool|path|\n|-|-|\n|`rustc`|target/loongarch|\n\n- [rustc](https://x)\n- target",
    )];
    let (library, _) = library_of(&posts);
    let hits = library.search("loongarch", None).unwrap();
    assert!(
        !hits[0].excerpt.contains("rustctarget"),
        "{}",
        hits[0].excerpt
    );
    assert!(
        hits[0].excerpt.contains("rustc target/loongarch"),
        "{}",
        hits[0].excerpt
    );
}

/// A library as today's schema (3) writes it, opened by this build: the posts are indexed
/// and compressed, and their reading state is kept.
#[test]
fn a_schema_3_library_migrates_with_its_posts_and_reading_state() {
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(include_str!("../../../tests/fixtures/library-v3.sql"))
        .unwrap();
    conn.execute_batch(
        "INSERT INTO sources (id, name, kind, location) VALUES (1, 'old', 'local', '/old');
         INSERT INTO posts (id, source_id, rel_path, title, natural_key, body, content_hash)
         VALUES (1, 1, 'a.md', '状态机', 'a', '分布式\n事务 and an async closure', 'h1'),
                (2, 1, 'b.md', 'Other', 'b', 'nothing here', 'h2');
         INSERT INTO posts (id, source_id, rel_path, title, date_ts, natural_key, body, content_hash)
         VALUES (3, 1, 'c.md', 'Newer', 1700000000, 'c', '一个机字', 'h3');
         INSERT INTO posts_fts (rowid, title, body) SELECT id, title, body FROM posts;
         INSERT INTO reading (source_id, rel_path, read, starred) VALUES (1, 'a.md', 1, 1);",
    )
    .unwrap();
    crate::library::migrations::migrate(&mut conn)
        .unwrap()
        .unwrap();
    let library = Library::from_connection(conn);
    assert_eq!(found(&library, "分布式事务"), paths(&["a.md"]));
    assert_eq!(found(&library, "\"async closure\""), paths(&["a.md"]));
    assert_eq!(found(&library, "状态"), paths(&["a.md"]));
    // The titles' characters are indexed (migration 9): the undated post with 机 in its
    // title ranks above the dated one with it in the text only.
    assert_eq!(ranked(&library, "机"), paths(&["a.md", "c.md"]));
    // And their words and pairs (migration 10).
    for (query, titled) in [("other", vec![2]), ("态机", vec![1]), ("closure", vec![])] {
        let ids: Vec<i64> = library
            .conn
            .prepare("SELECT rowid FROM search_titles WHERE search_titles MATCH ?1")
            .unwrap()
            .query_map([SearchQuery::parse(query).included(Table::Words)], |row| {
                row.get(0)
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(ids, titled, "titles with {query}");
    }
    assert!(library.check().unwrap().is_ok());
    let post = library.post(1).unwrap().unwrap();
    assert_eq!(post.body, "分布式\n事务 and an async closure");
    assert!(post.summary.read && post.summary.starred);
    let stored: String = library
        .conn
        .query_row("SELECT typeof(body) FROM posts WHERE id = 2", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(stored, "blob");
}

#[test]
fn deferred_posts_are_listed_at_once_and_found_once_indexed() {
    let (mut library, source) = Library::in_memory_with_local_source("test", "/test");
    library.defer_indexing(true);
    apply(&mut library, source, POSTS, &[]);
    assert_eq!(library.list(&Filter::default()).unwrap().len(), POSTS.len());
    assert_eq!(library.unindexed_count().unwrap(), POSTS.len() as u64);
    assert_eq!(found(&library, "状态"), Vec::<String>::new());
    assert_eq!(library.index_pending(3).unwrap(), 1);
    assert_eq!(library.index_pending(3).unwrap(), 0);
    assert_eq!(found(&library, "状态"), scanned(POSTS, "状态"));
    assert!(library.check().unwrap().is_ok());
}
