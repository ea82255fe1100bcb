//! The ranking of search results, and its first page by tiers, on generated libraries.

use std::collections::HashSet;

use super::RELEVANCE_LIMIT;
use crate::library::Filter;
use crate::library::tests::{library_with, post, searched};
use crate::post::{LoadedPost, PostSummary};

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

/// 2,000 generated posts: more matches than RELEVANCE_LIMIT, so both orders are by date;
/// dates in no order of the posts' ids, some undated, some on the same day; titles and
/// bodies mixing the words whole, as prefixes, together and apart; a third of the posts
/// tagged `odd`.
fn generated_posts() -> Vec<LoadedPost> {
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
    (0..count)
        .map(|n| {
            let pick = |next: &mut dyn FnMut(u64) -> u64, k: u64| -> String {
                (0..k)
                    .map(|_| words[next(words.len() as u64) as usize])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let title = format!("Post {n} {}", pick(&mut next, 2));
            // Some posts have only `rustc`, for the key of the whole word `rust`.
            let lead = if next(3) == 0 { "Rustc" } else { "Rust" };
            let mut body = format!("{lead} news. {}.", pick(&mut next, 6));
            if next(2) == 0 {
                body.push_str(" async closure.");
            }
            let date = match next(10) {
                0 => None,
                d => Some(format!("2020-{:02}-{:02}", 1 + next(12), d * 2)),
            };
            let tags: &[&str] = if n % 3 == 0 { &["odd"] } else { &[] };
            post(&format!("p{n}.md"), &title, date.as_deref(), tags, &body)
        })
        .collect()
}

#[test]
fn a_first_page_found_by_tiers_is_the_first_page_of_the_whole_ranking() {
    let posts = generated_posts();
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
        // Few posts have both words in the title: those are looked up by id.
        "rust async",
        "rust async 的",
        "tokio \"async closure\"",
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

#[test]
fn a_ranked_list_is_the_search_order_of_the_posts_the_filter_keeps() {
    let (library, _) = library_with(generated_posts());
    let ids_of = |posts: Vec<PostSummary>| -> Vec<i64> { posts.iter().map(|p| p.id).collect() };
    let every = ids_of(library.list(&Filter::default()).unwrap());
    let read: HashSet<i64> = every.iter().copied().step_by(4).collect();
    for &id in &read {
        library.set_read(id, true).unwrap();
    }
    let tagged: HashSet<i64> = ids_of(
        library
            .list(&Filter {
                tags: vec!["odd".into()],
                ..Filter::default()
            })
            .unwrap(),
    )
    .into_iter()
    .collect();
    assert!(tagged.len() > 600 && read.len() > 400);
    for query in [
        "rust",
        "\"async closure\"",
        "rust -go",
        "状态 的",
        "tokio closure",
    ] {
        let ranked: Vec<i64> = library
            .search(query, None)
            .unwrap()
            .iter()
            .map(|hit| hit.post.id)
            .collect();
        let search = Filter {
            search: Some(query.into()),
            ..Filter::default()
        };
        let kept = |keeps: &dyn Fn(&i64) -> bool| -> Vec<i64> {
            ranked.iter().copied().filter(|id| keeps(id)).collect()
        };
        let cases = [
            (search.clone(), ranked.clone()),
            (
                Filter {
                    tags: vec!["odd".into()],
                    ..search.clone()
                },
                kept(&|id| tagged.contains(id)),
            ),
            (
                Filter {
                    unread_only: true,
                    ..search.clone()
                },
                kept(&|id| !read.contains(id)),
            ),
        ];
        for (filter, expected) in cases {
            assert!(expected.len() > 50, "{query}: {}", expected.len());
            for limit in [None, Some(1), Some(50), Some(400)] {
                let listed = ids_of(
                    library
                        .list_ranked(&Filter {
                            limit,
                            ..filter.clone()
                        })
                        .unwrap(),
                );
                let end = limit.unwrap_or(usize::MAX).min(expected.len());
                assert_eq!(listed, expected[..end], "{query}, {filter:?}");
            }
        }
    }
}

#[test]
fn a_ranked_list_puts_the_post_about_the_words_first_where_a_list_puts_the_newest() {
    let (library, _) = library_with(vec![
        post(
            "old.md",
            "分布式事务",
            Some("2015-01-01"),
            &[],
            "讲分布式事务。",
        ),
        post(
            "new.md",
            "Newest",
            Some("2024-01-01"),
            &[],
            "顺带提到分布式事务。",
        ),
    ]);
    let titles = |posts: Vec<PostSummary>| -> Vec<String> {
        posts.into_iter().map(|post| post.title).collect()
    };
    let filter = Filter {
        search: Some("分布式事务".into()),
        ..Filter::default()
    };
    assert_eq!(
        titles(library.list(&filter).unwrap()),
        ["Newest", "分布式事务"]
    );
    assert_eq!(
        titles(library.list_ranked(&filter).unwrap()),
        ["分布式事务", "Newest"]
    );
    assert_eq!(
        titles(library.list_ranked(&Filter::default()).unwrap()),
        ["Newest", "分布式事务"]
    );
}
