//! The ranking of search results, and its first page by tiers, on generated libraries.

use super::RELEVANCE_LIMIT;
use crate::library::Filter;
use crate::library::tests::{library_with, post, searched};
use crate::post::LoadedPost;

#[test]
fn search_ranks_title_matches_first_then_by_relevance() {
    let (library, _) = library_with(vec![
        post(
            "old.md",
            "Kernel notes",
            Some("2015-01-01"),
            &[],
            "Nothing else.",
        ),
        post(
            "new.md",
            "Newest",
            Some("2024-01-01"),
            &[],
            &format!("{} kernel once.", "Filler text. ".repeat(40)),
        ),
        post(
            "dense.md",
            "Dense",
            Some("2018-01-01"),
            &[],
            "kernel kernel kernel",
        ),
    ]);
    assert_eq!(
        searched(&library, "kernel", |post| post.title),
        ["Kernel notes", "Dense", "Newest"]
    );
}

#[test]
fn a_word_in_very_many_posts_ranks_its_body_matches_newest_first() {
    let day = |n: u64| {
        (chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + chrono::Days::new(n)).to_string()
    };
    // Older posts mention the word more often (bm25 would put them first).
    let mut posts: Vec<LoadedPost> = (0..=RELEVANCE_LIMIT as u64)
        .map(|n| {
            let repeats = if n < 10 { 5 } else { 1 };
            post(
                &format!("p{n}.md"),
                &format!("Post {n}"),
                Some(&day(n)),
                &[],
                &"common word. ".repeat(repeats),
            )
        })
        .collect();
    posts.push(post(
        "title.md",
        "A common title",
        Some("2010-01-01"),
        &[],
        "Nothing.",
    ));
    let (library, _) = library_with(posts);
    let newest = RELEVANCE_LIMIT;
    let expected = [
        "A common title".to_string(),
        format!("Post {newest}"),
        format!("Post {}", newest - 1),
    ];
    let hits = library.search("common", Some(3)).unwrap();
    let found: Vec<&str> = hits.iter().map(|hit| hit.post.title.as_str()).collect();
    assert_eq!(found, expected);
    assert!(hits[1].excerpt.contains("common"), "{}", hits[1].excerpt);
    // Every match is found, as the list filter finds them.
    let listed = library
        .list(&Filter {
            search: Some("common".into()),
            ..Filter::default()
        })
        .unwrap();
    assert_eq!(library.search("common", None).unwrap().len(), listed.len());
    assert_eq!(listed.len(), RELEVANCE_LIMIT + 2);
}

#[test]
fn a_first_page_found_by_tiers_is_the_first_page_of_the_whole_ranking() {
    // More matches than RELEVANCE_LIMIT, so both orders are by date; dates in no order
    // of the posts' ids, some undated, some on the same day; titles and bodies mixing
    // the words whole, as prefixes, together and apart.
    let mut seed = 7u64;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let words = [
        "rust",
        "rustc",
        "async",
        "closure",
        "状态",
        "状态机",
        "的",
        "tokio",
        "go",
    ];
    let count = 2000;
    let posts: Vec<LoadedPost> = (0..count)
        .map(|n| {
            let pick = |next: &mut dyn FnMut(u64) -> u64, k: u64| -> String {
                (0..k)
                    .map(|_| words[next(words.len() as u64) as usize])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let title = format!("Post {n} {}", pick(&mut next, 2));
            let mut body = format!("Rust news. {}.", pick(&mut next, 6));
            if next(2) == 0 {
                body.push_str(" async closure.");
            }
            let date = match next(10) {
                0 => None,
                d => Some(format!("2020-{:02}-{:02}", 1 + next(12), d * 2)),
            };
            post(&format!("p{n}.md"), &title, date.as_deref(), &[], &body)
        })
        .collect();
    let (library, _) = library_with(posts);
    let ids = |query: &str, limit: Option<usize>| -> Vec<i64> {
        let hits = library.search(query, limit).unwrap();
        hits.iter().map(|hit| hit.post.id).collect()
    };
    for query in [
        "rust",
        "rustc",
        "rust async",
        "async closure",
        "\"async closure\"",
        "rust -go",
        "rust -状态机",
        "rust -\"async closure\"",
        "rust 的",
        "news 状",
        "go",
    ] {
        let all = ids(query, None);
        assert!(all.len() > RELEVANCE_LIMIT, "{query}: {}", all.len());
        if query == "rust" {
            // A list this long has its excerpts made on several threads: each is its post's.
            for hit in library.search(query, None).unwrap() {
                let body = library.post(hit.post.id).unwrap().unwrap().body;
                let lead: String = body.chars().take(40).collect();
                assert!(hit.excerpt.starts_with(&lead), "{} / {body}", hit.excerpt);
            }
        }
        for limit in [1, 7, 50, 300] {
            assert_eq!(
                ids(query, Some(limit)),
                all[..limit],
                "{query}, limit {limit}"
            );
        }
    }
}
