//! The short-word index: every pair of adjacent CJK characters (and the last character of
//! each CJK run) as a token of a contentless FTS5 table, `posts_bigrams`.
//!
//! The trigram index answers terms of three characters or more. Chinese words are most often
//! two characters (状态, 事务), and a reader typing a query sends one- and two-character
//! prefixes first; without this index those were a `LIKE` scan over every body (about 100 MB
//! for 10,000 posts). CJK text has no case and no spaces, so a pure-CJK term of one or two
//! characters occurs in a post exactly when its bigram (or, for one character, a token
//! starting with it) does: the index gives the same answer the scan gave.
//!
//! The import code keeps the table in step with `posts` (see `library::import`); a trigger
//! removes a post's row when the post is deleted.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use rusqlite::{Transaction, params};

use crate::post::PostId;

/// The letters of words written without spaces: Han ideographs, kana, Hangul syllables.
/// (The table's `ascii` tokenizer splits on ASCII only, so tokens made of these characters
/// reach the index exactly as written.)
///
/// Narrower than the renderer's `render::breaks::is_cjk_or_fullwidth`, which also holds CJK
/// punctuation, bopomofo and full-width forms, where a line may break: those make no words,
/// so the index neither pairs them nor answers a term made of them (a scan does). The set
/// decides what the stored index holds; changing it means indexing every post again.
pub(super) fn is_cjk_letter(c: char) -> bool {
    matches!(c,
        '\u{3041}'..='\u{3096}'     // Hiragana
        | '\u{30A1}'..='\u{30FA}'   // Katakana
        | '\u{3400}'..='\u{4DBF}'   // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK Unified Ideographs
        | '\u{AC00}'..='\u{D7AF}'   // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // CJK Compatibility Ideographs
        | '\u{20000}'..='\u{3FFFF}' // Extensions B and later
    )
}

/// The tokens of `texts` for the index, space-separated: for each run of CJK characters,
/// every adjacent pair and the run's last character alone (so that a one-character query,
/// run as the prefix query `c*`, finds the character wherever it stands in a run).
///
/// Each token appears once: the index keeps no positions or counts, and a post repeats its
/// words, so this cuts the text FTS5 must tokenize and hash to about a third. Repeats are
/// dropped with a hash set (the order of tokens does not matter to the index): sorting the
/// pairs of a post took three quarters of the time of this function.
pub(super) fn tokens(texts: &[&str]) -> String {
    // A pair as one number (first << 32 | second; a lone character has second = 0, which is
    // never CJK).
    let mut keys: HashSet<u64, BuildHasherDefault<PairHasher>> = HashSet::default();
    let mut out = String::new();
    let mut push = |key: u64| {
        if keys.insert(key) {
            for half in [key >> 32, key & 0xFFFF_FFFF] {
                if let Some(c) = char::from_u32(half as u32).filter(|&c| c != '\0') {
                    out.push(c);
                }
            }
            out.push(' ');
        }
    };
    for text in texts {
        let mut previous: Option<char> = None;
        for c in text.chars().chain(std::iter::once(' ')) {
            let cjk = is_cjk_letter(c);
            match (previous, cjk) {
                (Some(first), true) => push(u64::from(first) << 32 | u64::from(c)),
                (Some(last), false) => push(u64::from(last) << 32),
                (None, _) => {}
            }
            previous = cjk.then_some(c);
        }
    }
    out
}

/// Hashes a pair key (two code points) with one multiplication: the standard hasher guards
/// against keys chosen to collide, at several times the cost, and a post's characters
/// cannot make more than slow lookups of its own index tokens.
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, key: u64) {
        // Fibonacci hashing; the high half folded in so that the low bits (the table's
        // index) depend on both characters.
        let mixed = (self.0 ^ key).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = mixed ^ (mixed >> 32);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// How a search term can use the index, if it can.
pub(super) fn match_expression(term: &str) -> Option<String> {
    let mut chars = term.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(a), None, None) if is_cjk_letter(a) => Some(format!("\"{a}\"*")),
        (Some(a), Some(b), None) if is_cjk_letter(a) && is_cjk_letter(b) => {
            Some(format!("\"{a}{b}\""))
        }
        _ => None,
    }
}

/// Writes the index row of one post, its [`tokens`]; `replacing` when the post had one.
pub(super) fn index_post(
    tx: &Transaction<'_>,
    id: PostId,
    grams: &str,
    replacing: bool,
) -> rusqlite::Result<()> {
    if replacing {
        tx.prepare_cached("DELETE FROM posts_bigrams WHERE rowid = ?1")?
            .execute([id])?;
    }
    tx.prepare_cached("INSERT INTO posts_bigrams (rowid, grams) VALUES (?1, ?2)")?
        .execute(params![id, grams])?;
    Ok(())
}

/// Fills the index from every stored post: run once, by the migration that creates it.
pub(super) fn index_all(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut select = tx.prepare("SELECT id, title, body FROM posts")?;
    let mut rows = select.query([])?;
    let mut insert = tx.prepare("INSERT INTO posts_bigrams (rowid, grams) VALUES (?1, ?2)")?;
    while let Some(row) = rows.next()? {
        let id: PostId = row.get(0)?;
        let title: String = row.get(1)?;
        let body: String = row.get(2)?;
        insert.execute(params![id, tokens(&[&title, &body])])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::{Filter, ImportBatch, Library, SourceKind, SourceSpec, Upsert};

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

    fn library_of(posts: &[(&str, &str)]) -> (Library, crate::post::SourceId) {
        let mut library = Library::open_in_memory().unwrap();
        let source = library
            .ensure_source(&SourceSpec {
                name: "test".into(),
                kind: SourceKind::Local,
                location: "/test".into(),
            })
            .unwrap();
        apply(&mut library, source, posts, &[]);
        (library, source)
    }

    fn apply(
        library: &mut Library,
        source: crate::post::SourceId,
        posts: &[(&str, &str)],
        removals: &[&str],
    ) {
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

    /// Paths of the posts a search finds, sorted.
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
        let mut searched: Vec<String> = library
            .search(query, None)
            .unwrap()
            .into_iter()
            .map(|hit| hit.post.path)
            .collect();
        searched.sort();
        assert_eq!(paths, searched, "list and search agree on {query:?}");
        paths
    }

    /// What a plain substring scan finds: the oracle the index must agree with.
    fn scanned(posts: &[(&str, &str)], query: &str) -> Vec<String> {
        let mut paths: Vec<String> = posts
            .iter()
            .filter(|(path, text)| {
                let post = crate::loader::parse_post(path, text.as_bytes()).post;
                post.title.contains(query) || post.body.contains(query)
            })
            .map(|(path, _)| path.to_string())
            .collect();
        paths.sort();
        paths
    }

    #[test]
    fn short_chinese_terms_find_what_a_scan_finds() {
        let (library, _) = library_of(POSTS);
        for query in [
            "状", "态", "状态", "态机", "事务", "务", "机引", "单字", "不在", "。",
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
        // The trigram index follows too (written by the import code, not by triggers).
        assert_eq!(found(&library, "状态机"), Vec::<String>::new());
        assert_eq!(found(&library, "没有那个"), vec!["a.md".to_string()]);
        assert_eq!(found(&library, "分布式"), Vec::<String>::new());
    }

    #[test]
    fn the_migration_indexes_posts_stored_before_it() {
        let (library, _) = library_of(POSTS);
        // Back to schema 1, as a library written by an earlier build.
        library
            .conn
            .execute_batch(
                "DROP INDEX posts_page;
                 CREATE INDEX posts_newest ON posts (date_ts DESC, natural_key DESC);
                 DROP TABLE posts_bigrams; DROP TABLE tag_names; DROP INDEX post_tags_by_spelling;
                 DROP TRIGGER posts_bigrams_delete; DROP TRIGGER tag_names_stale;
                 CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN SELECT 1; END;
                 CREATE TRIGGER posts_fts_update AFTER UPDATE ON posts BEGIN SELECT 1; END;
                 DROP TABLE items; DROP TABLE items_fts;
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        let mut conn = library.conn;
        crate::library::migrations::migrate(&mut conn)
            .unwrap()
            .unwrap();
        let library = Library {
            conn,
            ..Library::open_in_memory().unwrap()
        };
        assert_eq!(found(&library, "状态"), scanned(POSTS, "状态"));
        assert_eq!(
            library.tags().unwrap().len(),
            Library::tags(&library_of(POSTS).0).unwrap().len()
        );
    }

    #[test]
    fn the_items_migration_segments_posts_stored_before_it() {
        let posts: &[(&str, &str)] = &[
            ("1.md", "## 工具\n\n- [a](https://a)\n- [b](https://b)\n"),
            ("2.md", "## 工具\n\n- [c](https://c)\n"),
        ];
        let (library, _) = library_of(posts);
        let items = |library: &Library| {
            library
                .items(&crate::library::ItemFilter::default())
                .unwrap()
                .into_iter()
                .map(|i| i.title)
                .collect::<Vec<_>>()
        };
        let before = items(&library);
        library
            .conn
            .execute_batch("DROP TABLE items; DROP TABLE items_fts; PRAGMA user_version = 3;")
            .unwrap();
        let mut conn = library.conn;
        crate::library::migrations::migrate(&mut conn)
            .unwrap()
            .unwrap();
        let library = Library {
            conn,
            ..Library::open_in_memory().unwrap()
        };
        assert_eq!(items(&library), before);
        assert_eq!(before.len(), 2, "two issues: each section is one item");
    }

    /// The tokens as a sorted list, to compare without caring about order.
    fn token_list(texts: &[&str]) -> Vec<String> {
        let mut list: Vec<String> = tokens(texts)
            .split(' ')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        list.sort();
        list
    }

    fn sorted(list: &[&str]) -> Vec<String> {
        let mut list: Vec<String> = list.iter().map(|t| t.to_string()).collect();
        list.sort();
        list
    }

    #[test]
    fn pairs_and_the_last_character_of_each_run() {
        assert_eq!(
            token_list(&["状态机 ok 事务"]),
            sorted(&["状态", "态机", "机", "事务", "务"])
        );
        assert_eq!(token_list(&["a中b"]), sorted(&["中"]));
        assert_eq!(tokens(&["", "English only"]), "");
    }

    #[test]
    fn each_token_once() {
        assert_eq!(token_list(&["状态，状态。状态"]), sorted(&["状态", "态"]));
    }

    #[test]
    fn title_and_body_do_not_join() {
        assert_eq!(
            token_list(&["标题", "正文"]),
            sorted(&["标题", "题", "正文", "文"])
        );
    }

    #[test]
    fn only_short_cjk_terms_use_the_index() {
        assert_eq!(match_expression("状").as_deref(), Some("\"状\"*"));
        assert_eq!(match_expression("状态").as_deref(), Some("\"状态\""));
        assert_eq!(match_expression("状态机"), None);
        assert_eq!(match_expression("Go"), None);
        assert_eq!(match_expression("状a"), None);
        assert_eq!(match_expression(""), None);
    }
}
