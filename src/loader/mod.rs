//! Bringing posts in: turns the bytes of markdown files into [`LoadedPost`]s plus
//! [`LoadWarning`]s for anything odd about them. Never touches the library.
//!
//! - [`parse_post`] (in `parse.rs`) is pure: one file's bytes in, one post out, whatever the
//!   bytes are.
//! - [`front_matter`] reads the metadata forms (YAML, TOML, `Key: value`, none).
//! - [`dates`] knows the date formats and the dates hidden in file names.
//! - [`folder`] walks a folder and reads its files (skipping hidden, binary and huge ones).
//! - [`http`], [`github`] and [`feed`] fetch posts from GitHub repositories and feeds;
//!   [`html_to_markdown`] turns a feed item's HTML into the markdown the renderer shows.
//!
//! Every string that leaves this module has had terminal control characters removed, so
//! nothing downstream can be made to print an escape sequence.

pub mod dates;
pub mod feed;
pub mod folder;
pub mod front_matter;
pub mod github;
pub mod html_to_markdown;
pub mod http;
mod parse;

use std::path::PathBuf;

#[cfg(doc)]
use crate::post::{LoadWarning, LoadedPost};

pub use folder::{FileStamp, FoundFile, Walk, read_post, walk};
pub(crate) use parse::has_utf16_bom;
pub use parse::{ParsedPost, PostContent, parse_content, parse_post};

/// Files larger than this are not posts, wherever they are (a folder, a GitHub tree): no
/// newsletter issue is 10 MiB of text, and reading one into the library would only slow
/// everything down.
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Whether a file is a post by its name (or `/`-separated path): `*.md` and `*.markdown`, in
/// any letter case, with something before the dot.
///
/// ```
/// use sofa_weekly::loader::is_markdown_name;
/// assert!(is_markdown_name("blog/周报 1.MD") && is_markdown_name("a.markdown"));
/// assert!(!is_markdown_name("notes.txt") && !is_markdown_name("blog/.md"));
/// ```
pub fn is_markdown_name(name: &str) -> bool {
    let name = name.rsplit('/').next().unwrap_or(name);
    name.rsplit_once('.').is_some_and(|(stem, extension)| {
        !stem.is_empty()
            && (extension.eq_ignore_ascii_case("md") || extension.eq_ignore_ascii_case("markdown"))
    })
}

/// Why a whole folder or file could not be loaded (one bad file inside a folder is a
/// [`LoadWarning`] instead).
#[derive(Debug, thiserror::Error)]
pub enum LoaderError {
    #[error("{}: no such file or folder", path.display())]
    NotFound { path: PathBuf },
    #[error("cannot read {}", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: neither a file nor a folder", path.display())]
    NotAFileOrFolder { path: PathBuf },
}

/// The git blob sha-1 of `bytes` in hex (`"blob {len}\0"` + bytes): the same id GitHub's tree
/// API gives a file, so a local copy and a repository compare without downloading.
///
/// ```
/// // `printf 'hello\n' | git hash-object --stdin`
/// assert_eq!(
///     sofa_weekly::loader::git_blob_sha1(b"hello\n"),
///     "ce013625030ba8dba906f756967f9e9ca394464a"
/// );
/// ```
pub fn git_blob_sha1(bytes: &[u8]) -> String {
    let mut hasher = sha1_smol::Sha1::new();
    hasher.update(format!("blob {}\0", bytes.len()).as_bytes());
    hasher.update(bytes);
    hasher.digest().to_string()
}

/// Width digit runs are padded to; longer runs (rare: hashes, timestamps in ns) keep their
/// length, which still sorts them after every shorter number.
const SORT_DIGITS: usize = 20;

/// Sort key for posts without a date: digit runs zero-padded so that a plain string
/// comparison is a natural sort ("issue-399" > "issue-98"). Letters are lowercased so that
/// `Issue-10` and `issue-9` sort as numbers too.
///
/// ```
/// use sofa_weekly::loader::natural_sort_key;
/// assert!(natural_sort_key("issue-399.md") > natural_sort_key("issue-98.md"));
/// ```
pub fn natural_sort_key(rel_path: &str) -> String {
    let mut key = String::with_capacity(rel_path.len() + SORT_DIGITS);
    let mut digits = String::new();
    let flush = |digits: &mut String, key: &mut String| {
        if digits.is_empty() {
            return;
        }
        let significant = digits.trim_start_matches('0');
        let significant = if significant.is_empty() {
            "0"
        } else {
            significant
        };
        key.extend(std::iter::repeat_n(
            '0',
            SORT_DIGITS.saturating_sub(significant.len()),
        ));
        key.push_str(significant);
        digits.clear();
    };
    for c in rel_path.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut key);
            key.extend(c.to_lowercase());
        }
    }
    flush(&mut digits, &mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_is_the_git_blob_sha() {
        // `git hash-object` of an empty file and of "hello\n".
        assert_eq!(
            git_blob_sha1(b""),
            "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
        );
        assert_eq!(
            parse_post("a.md", b"hello\n").post.content_hash,
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }

    #[test]
    fn natural_sort_orders_numbers_by_value() {
        let mut paths = vec![
            "issue-98.md",
            "issue-399.md",
            "Issue-100.md",
            "issue-9.md",
            "issue-0010.md",
            "2019/issue-1.md",
            "a.md",
        ];
        paths.sort_by_key(|path| natural_sort_key(path));
        assert_eq!(
            paths,
            [
                "2019/issue-1.md",
                "a.md",
                "issue-9.md",
                "issue-0010.md",
                "issue-98.md",
                "Issue-100.md",
                "issue-399.md"
            ]
        );
        assert_eq!(natural_sort_key("v2"), format!("v{}2", "0".repeat(19)));
        let long = "1".repeat(25);
        assert!(natural_sort_key(&long) > natural_sort_key("99999"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Paths differing only in a number sort like the numbers.
            #[test]
            fn natural_sort_matches_numeric_order(
                prefix in "[a-z/-]{0,8}", suffix in "[a-z.]{0,5}",
                a in 0u64..10_000_000_000, b in 0u64..10_000_000_000,
            ) {
                let key = |n: u64| natural_sort_key(&format!("{prefix}{n}{suffix}"));
                prop_assert_eq!(key(a).cmp(&key(b)), a.cmp(&b));
            }
        }
    }
}
