//! One markdown file's bytes → one post: text decoding (UTF-8, or UTF-16 with a byte order
//! mark), front matter, the cleaned metadata and the title and date found when the metadata
//! lacks them. Pure and infallible: whatever is odd about a file becomes a [`LoadWarning`].
//!
//! Callers: [`super::folder`] and the GitHub sync for each file, `show FILE` through
//! [`parse_content`]. Both are re-exported from [`crate::loader`].

use std::borrow::Cow;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{dates, front_matter, git_blob_sha1};
use crate::post::{LoadWarning, LoadedPost, PostMeta};
use crate::tags::tag_key;
use crate::text::{sanitize_line, strip_controls};

/// A post and what was wrong with its file (nothing, usually).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedPost {
    pub post: LoadedPost,
    pub warnings: Vec<LoadWarning>,
}

/// What a reader needs of one file: [`ParsedPost`] without the content hash, which only
/// an import compares (`show FILE` has no use for it).
#[derive(Debug, Clone, PartialEq)]
pub struct PostContent {
    pub title: String,
    pub meta: PostMeta,
    pub body: String,
    pub warnings: Vec<LoadWarning>,
}

/// Pure: bytes of one markdown file → post. Never fails: bad front matter or non-UTF-8 become
/// warnings, located at `rel_path` and the file's line.
///
/// The title comes from the metadata, else the first heading, else the file name (the folder's
/// for `…/slug/index.md`); the date from the metadata, else the file or folder name.
///
/// ```
/// use sofa_weekly::loader::parse_post;
/// let parsed = parse_post("2019-12-06/index.md", b"# MOSN &amp; Seata\n\ntext\n");
/// assert_eq!(parsed.post.title, "MOSN & Seata");
/// assert_eq!(parsed.post.meta.date.unwrap().day_string(), "2019-12-06");
/// assert!(parsed.warnings.is_empty());
/// ```
pub fn parse_post(rel_path: &str, bytes: &[u8]) -> ParsedPost {
    let content = parse_content(rel_path, bytes);
    ParsedPost {
        post: LoadedPost {
            key: rel_path.to_string(),
            title: content.title,
            meta: content.meta,
            body: content.body,
            content_hash: git_blob_sha1(bytes),
        },
        warnings: content.warnings,
    }
}

/// [`parse_post`] without hashing the bytes.
pub fn parse_content(rel_path: &str, bytes: &[u8]) -> PostContent {
    let mut warnings = Vec::new();
    let mut warn = |line: Option<usize>, reason: String| {
        warnings.push(LoadWarning {
            location: sanitize_line(rel_path),
            line,
            // Reasons quote the file (a bad date, a YAML error): they are content too.
            reason: sanitize_line(&reason),
        });
    };

    let text = match decode_text(bytes) {
        Ok(text) => text,
        Err((text, problem)) => {
            warn(problem.line, problem.reason);
            text
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);

    let front = front_matter::read(text);
    for problem in front.problems {
        warn(problem.line, problem.reason);
    }
    let body = strip_controls(front.body).into_owned();
    let meta = clean_meta(front.meta, rel_path);
    let title = meta
        .title
        .clone()
        .or_else(|| first_heading(&body))
        .unwrap_or_else(|| title_from_path(rel_path));

    PostContent {
        title,
        meta,
        body,
        warnings,
    }
}

/// The metadata as the library keeps it: strings cleaned ([`decode_and_sanitize_line`]), empty ones dropped,
/// tags without duplicates (by [`tag_key`], first spelling kept), the date from the path when
/// the metadata has none.
fn clean_meta(fields: PostMeta, rel_path: &str) -> PostMeta {
    let non_empty = |text: Option<String>| {
        text.map(|text| decode_and_sanitize_line(&text))
            .filter(|text| !text.is_empty())
    };
    let mut tags: Vec<String> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    for tag in fields.tags.iter().map(|tag| decode_and_sanitize_line(tag)) {
        let key = tag_key(&tag);
        if !key.is_empty() && !keys.contains(&key) {
            keys.push(key);
            tags.push(tag);
        }
    }
    PostMeta {
        title: non_empty(fields.title),
        date: fields.date.or_else(|| dates::date_from_path(rel_path)),
        author: non_empty(fields.author),
        description: non_empty(fields.description),
        tags,
        draft: fields.draft,
        // Paths, not prose: no entities to decode.
        aliases: fields
            .aliases
            .iter()
            .map(|alias| sanitize_line(alias))
            .filter(|alias| !alias.is_empty())
            .collect(),
        web_url: None,
        // A reference, not prose: no entities to decode.
        cover: fields
            .cover
            .map(|cover| sanitize_line(&cover))
            .filter(|cover| !cover.is_empty()),
    }
}

/// A one-line metadata string as users should see it: HTML entities decoded (SOFA Weekly
/// titles say `MOSN&amp;SOFARPC`), control characters removed, whitespace folded.
fn decode_and_sanitize_line(text: &str) -> String {
    sanitize_line(&crate::text::decode_entities(text))
}

/// The text of the first heading (ATX or setext), inline markup stripped; `None` when there is
/// no heading or it is empty.
fn first_heading(markdown: &str) -> Option<String> {
    let mut text = String::new();
    let mut inside = false;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => inside = true,
            Event::End(TagEnd::Heading(_)) => {
                let title = sanitize_line(&text);
                if !title.is_empty() {
                    return Some(title);
                }
                text.clear();
                inside = false;
            }
            Event::Text(part) | Event::Code(part) if inside => text.push_str(&part),
            Event::SoftBreak | Event::HardBreak if inside => text.push(' '),
            _ => {}
        }
    }
    None
}

/// The file name without its extension; for `…/slug/index.md` (and `_index.md`, `README.md`)
/// the folder's name, which is the post's real name in Hugo-style archives.
fn title_from_path(rel_path: &str) -> String {
    let mut components = rel_path.rsplit('/');
    let file = components.next().unwrap_or(rel_path);
    let stem = file
        .rsplit_once('.')
        .map_or(file, |(stem, _)| stem)
        .to_string();
    let generic = ["index", "_index", "readme"].contains(&stem.to_ascii_lowercase().as_str());
    let name = match components.next() {
        Some(folder) if generic && !folder.is_empty() => folder.to_string(),
        _ => stem,
    };
    let name = sanitize_line(&name);
    if name.is_empty() {
        sanitize_line(rel_path)
    } else {
        name
    }
}

/// Whether `bytes` start with a UTF-16 byte order mark (little or big endian). Such files are
/// text despite their NUL bytes.
pub(crate) fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff])
}

/// The text of a file: UTF-8, or UTF-16 when it starts with a UTF-16 byte order mark (as some
/// Windows editors save). Undecodable bytes are replaced with U+FFFD and reported, with the
/// line of the first one.
fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, (Cow<'_, str>, front_matter::Problem)> {
    if has_utf16_bom(bytes) {
        let little_endian = bytes[0] == 0xff;
        let units = bytes[2..]
            .chunks(2)
            .map(|pair| match (pair, little_endian) {
                ([low, high], true) => u16::from_le_bytes([*low, *high]),
                ([high, low], false) => u16::from_be_bytes([*high, *low]),
                _ => 0xfffd, // an odd byte at the end
            });
        let mut text = String::with_capacity(bytes.len());
        let mut first_bad_line = None;
        for decoded in char::decode_utf16(units) {
            let c = decoded.unwrap_or_else(|_| {
                first_bad_line.get_or_insert(1 + text.matches('\n').count());
                char::REPLACEMENT_CHARACTER
            });
            text.push(c);
        }
        return match first_bad_line {
            None => Ok(Cow::Owned(text)),
            Some(line) => Err((
                Cow::Owned(text),
                front_matter::Problem {
                    line: Some(line),
                    reason: "not valid UTF-16; the units that are not were replaced with �".into(),
                },
            )),
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(error) => Err((
            String::from_utf8_lossy(bytes),
            front_matter::Problem {
                line: Some(line_of_offset(bytes, error.valid_up_to())),
                reason: "not valid UTF-8; the bytes that are not were replaced with �".into(),
            },
        )),
    }
}

/// 1-based line of byte `offset`.
fn line_of_offset(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixture committed under `tests/fixtures/posts/`.
    fn fixture(rel_path: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/posts")
            .join(rel_path);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn parse_fixture(rel_path: &str) -> ParsedPost {
        parse_post(rel_path, &fixture(rel_path))
    }

    /// A fixture that must parse without a warning.
    fn clean_fixture(rel_path: &str) -> LoadedPost {
        let parsed = parse_fixture(rel_path);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        parsed.post
    }

    #[test]
    fn sofa_weekly_post_as_published() {
        let post = clean_fixture("yaml/sofa-weekly-20200508/index.md");
        // `&amp;` as the real archive writes it.
        assert_eq!(post.title, "SOFA Weekly | MOSN&SOFARPC 发布、社区活动报名");
        assert_eq!(post.meta.title.as_deref(), Some(post.title.as_str()));
        assert_eq!(
            post.meta.date.unwrap().instant.to_rfc3339(),
            "2020-05-08T17:00:00+08:00"
        );
        assert_eq!(post.meta.author.as_deref(), Some("SOFA 团队"));
        assert!(post.meta.description.unwrap().starts_with("SOFA WEEKLY"));
        // `categories: "SOFA Weekly"` and `tags: ["SOFA Weekly"]` are one tag.
        assert_eq!(post.meta.tags, ["SOFA Weekly"]);
        assert!(!post.meta.draft);
        assert!(post.body.starts_with("\n**SOFA WEEKLY |"));
        assert!(!post.body.contains("authorlink"));
        assert_eq!(post.key, "yaml/sofa-weekly-20200508/index.md");
    }

    /// A post written for another site generator, under `tests/fixtures/generators/`.
    fn parse_generator_fixture(name: &str) -> ParsedPost {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/generators")
            .join(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let parsed = parse_post(name, &bytes);
        assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
        parsed
    }

    #[test]
    fn zenn_topics_published_at_and_published_flag() {
        // `published: true` used to warn "is not a date".
        let post = parse_generator_fixture("zenn.md").post;
        assert_eq!(post.title, "Rust で TUI を作る");
        assert_eq!(post.meta.tags, ["rust", "tui", "ratatui"]);
        assert_eq!(post.meta.date.unwrap().day_string(), "2024-03-01");
        assert!(!post.meta.draft);
        let draft = parse_generator_fixture("zenn-draft.md").post;
        assert!(draft.meta.draft);
        assert!(draft.meta.tags.is_empty());
    }

    #[test]
    fn hugo_publish_date_and_keywords() {
        let post = parse_generator_fixture("hugo.md").post;
        assert_eq!(
            post.meta.date.unwrap().instant.to_rfc3339(),
            "2024-01-19T10:00:00+08:00"
        );
        assert_eq!(post.meta.tags, ["Rust", "Service Mesh", "Engineering"]);
        assert!(!post.meta.draft);
    }

    #[test]
    fn jekyll_space_separated_tags_and_categories() {
        let post = parse_generator_fixture("jekyll.md").post;
        assert_eq!(post.meta.tags, ["rust", "tui", "blog", "news"]);
        assert_eq!(post.meta.date.unwrap().day_string(), "2024-02-09");
        assert!(post.meta.draft, "`published: false` is a draft");
    }

    #[test]
    fn astro_pub_date() {
        let post = parse_generator_fixture("astro.md").post;
        assert_eq!(post.meta.date.unwrap().day_string(), "2024-05-04");
        assert_eq!(post.meta.author.as_deref(), Some("Astro Learner"));
        assert_eq!(post.meta.tags, ["astro", "blogging"]);
    }

    #[test]
    fn docusaurus_authors_and_tags() {
        let post = parse_generator_fixture("docusaurus.md").post;
        assert_eq!(post.meta.author.as_deref(), Some("slorber, yangshun"));
        assert_eq!(post.meta.tags, ["facebook", "hello", "docusaurus"]);
        assert_eq!(post.meta.date.unwrap().day_string(), "2021-08-26");
    }

    #[test]
    fn hexo_block_lists_and_date() {
        let post = parse_generator_fixture("hexo.md").post;
        assert_eq!(post.meta.tags, ["hexo", "入门", "Notes"]);
        assert_eq!(post.meta.date.unwrap().day_string(), "2013-07-13");
        assert_eq!(post.meta.author.as_deref(), Some("hexo"));
    }

    #[test]
    fn toml_post() {
        let post = clean_fixture("toml/hugo-post.md");
        assert_eq!(post.title, "Seata 1.0 发布");
        assert_eq!(post.meta.date.unwrap().day_string(), "2019-12-20");
        assert_eq!(post.meta.tags, ["Seata", "分布式事务", "SOFA Weekly"]);
        assert_eq!(post.meta.aliases, ["/seata-1.0/"]);
        assert!(post.meta.draft);
        assert!(post.body.starts_with("\nSeata 1.0"));
    }

    #[test]
    fn key_value_post() {
        let post = clean_fixture("key-value/pelican-post.md");
        assert_eq!(post.title, "Service Mesh in practice");
        assert_eq!(post.meta.date.unwrap().day_string(), "2021-03-05");
        // "Service mesh" (tags) and "Service Mesh" (category) are one tag, first spelling kept.
        assert_eq!(post.meta.tags, ["MOSN", "Service mesh"]);
        assert_eq!(post.meta.author.as_deref(), Some("Ada"));
        assert_eq!(
            post.meta.description.as_deref(),
            Some("How a sidecar carries traffic.")
        );
        assert!(post.body.starts_with("Note: this paragraph"));
    }

    #[test]
    fn no_metadata_title_from_heading_date_from_folder() {
        let post = clean_fixture("plain/2019-12-06/index.md");
        // Setext heading, inline markup stripped.
        assert_eq!(post.title, "每周精选 MOSN & Seata");
        assert_eq!(post.meta.title, None);
        assert_eq!(post.meta.date.unwrap().day_string(), "2019-12-06");
        assert!(post.meta.tags.is_empty());
    }

    #[test]
    fn no_metadata_no_heading_title_and_date_from_file_name() {
        let parsed = parse_fixture("plain/20191206.md");
        assert_eq!(parsed.post.title, "20191206");
        assert_eq!(parsed.post.meta.date.unwrap().day_string(), "2019-12-06");
        let numbered = parse_fixture("plain/issue-98.md");
        assert_eq!(numbered.post.title, "Issue 98: the atx heading");
        assert_eq!(numbered.post.meta.date, None);
    }

    #[test]
    fn title_from_folder_for_index_files() {
        assert_eq!(
            parse_post("sofa-channel-12/index.md", b"text").post.title,
            "sofa-channel-12"
        );
        assert_eq!(parse_post("notes.markdown", b"").post.title, "notes");
        assert_eq!(parse_post("README.md", b"plain").post.title, "README");
    }

    #[test]
    fn heading_inside_code_is_not_a_title() {
        let parsed = parse_post("x.md", b"```\n# not a title\n```\n\n## Real *one*\n");
        assert_eq!(parsed.post.title, "Real one");
    }

    #[test]
    fn broken_yaml_is_imported_with_a_warning_at_the_file_line() {
        let parsed = parse_fixture("bad/broken-yaml.md");
        assert_eq!(parsed.post.title, "A post whose front matter is broken");
        assert_eq!(parsed.post.meta, PostMeta::default());
        assert!(parsed.post.body.starts_with("\n# A post"));
        let [warning] = parsed.warnings.as_slice() else {
            panic!("{:?}", parsed.warnings)
        };
        assert_eq!(warning.location, "bad/broken-yaml.md");
        assert_eq!(warning.line, Some(4), "{warning}");
        assert!(warning.reason.contains("YAML"), "{warning}");
    }

    #[test]
    fn unclosed_front_matter_is_all_body() {
        let parsed = parse_fixture("bad/unclosed.md");
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].line, Some(1));
        assert!(parsed.post.body.starts_with("---\ntitle:"));
        assert_eq!(parsed.post.title, "Unclosed front matter");
    }

    #[test]
    fn non_utf8_is_replaced_with_a_warning() {
        let parsed = parse_fixture("bad/latin1.md");
        let [warning] = parsed.warnings.as_slice() else {
            panic!("{:?}", parsed.warnings)
        };
        assert_eq!(warning.line, Some(5));
        assert!(warning.reason.contains("UTF-8"));
        assert_eq!(parsed.post.title, "Caf\u{fffd} cr\u{fffd}me");
        assert!(parsed.post.body.contains("na\u{fffd}ve"));
    }

    #[test]
    fn utf16_with_byte_order_mark_is_decoded() {
        let text = "---\ntitle: 宽字符\n---\nbody\n";
        for little_endian in [true, false] {
            let mut bytes = if little_endian {
                vec![0xff, 0xfe]
            } else {
                vec![0xfe, 0xff]
            };
            for unit in text.encode_utf16() {
                let pair = if little_endian {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                };
                bytes.extend(pair);
            }
            assert!(has_utf16_bom(&bytes));
            let parsed = parse_post("wide.md", &bytes);
            assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
            assert_eq!(parsed.post.title, "宽字符");
            assert_eq!(parsed.post.body, "body\n");
        }
        // A lone surrogate on line 2.
        let mut bytes = vec![0xff, 0xfe];
        for unit in "a\nb".encode_utf16().chain([0xd800]) {
            bytes.extend(unit.to_le_bytes());
        }
        let parsed = parse_post("bad.md", &bytes);
        assert_eq!(parsed.warnings[0].line, Some(2));
        assert_eq!(parsed.post.body, "a\nb\u{fffd}");
    }

    #[test]
    fn control_characters_are_stripped_from_metadata_and_body() {
        let post = clean_fixture("bad/controls.md");
        let meta = &post.meta;
        let strings = [
            &post.title,
            meta.author.as_ref().unwrap(),
            &meta.tags[0],
            &post.body,
        ];
        for text in strings {
            assert!(!text.chars().any(crate::text::is_forbidden), "{text:?}");
        }
        assert_eq!(post.title, "Evil [2Jtitle");
        assert_eq!(meta.tags, ["red[31mtag"]);
        assert!(post.body.contains("line one\nline two]52;c;aGk=\n"));
        assert!(post.body.contains("\nreversed\n"));
        assert!(post.body.contains("\ttabs stay"));
    }

    #[test]
    fn byte_order_mark_is_skipped_but_hashed() {
        let bytes = fixture("bad/bom.md");
        assert!(bytes.starts_with(b"\xef\xbb\xbf---"));
        let parsed = parse_post("bad/bom.md", &bytes);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(parsed.post.title, "Starts with a BOM");
        assert_eq!(parsed.post.content_hash, git_blob_sha1(&bytes));
    }

    #[test]
    fn entities_are_decoded_in_metadata_only() {
        let text = "---\ntitle: \"A &lt;b&gt; &#x4E2D;&#25991; &copy; &bogus; AT&T\"\n\
                    author: \"R&amp;D\"\ntags: [\"Q&amp;A\"]\n---\nbody &amp; more\n";
        let post = parse_post("x.md", text.as_bytes()).post;
        assert_eq!(post.title, "A <b> 中文 © &bogus; AT&T");
        assert_eq!(post.meta.author.as_deref(), Some("R&D"));
        assert_eq!(post.meta.tags, ["Q&A"]);
        assert_eq!(post.body, "body &amp; more\n");
    }

    #[test]
    fn tags_deduplicated_by_key_keeping_first_spelling() {
        let text = "---\ntags: [\"Service mesh\", \" Service  Mesh \", \"ＭＯＳＮ\", \"\"]\n\
                    categories: [\"mosn\", \"SOFA Weekly\"]\n---\n";
        let post = parse_post("x.md", text.as_bytes()).post;
        assert_eq!(post.meta.tags, ["Service mesh", "ＭＯＳＮ", "SOFA Weekly"]);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Whatever the bytes, a post comes out, with a title, and nothing in it that a
            /// terminal would take for a control sequence.
            #[test]
            fn any_bytes_give_a_clean_post(
                bytes in proptest::collection::vec(any::<u8>(), 0..400),
                front in prop::sample::select(vec!["", "---\n", "+++\n", "Title: "]),
            ) {
                let mut input = front.as_bytes().to_vec();
                input.extend(&bytes);
                let post = parse_post("p/index.md", &input).post;
                prop_assert!(!post.title.is_empty());
                let meta = &post.meta;
                let texts = [Some(&post.title), meta.title.as_ref(), meta.author.as_ref(),
                    meta.description.as_ref(), Some(&post.body)];
                for text in texts.into_iter().flatten().chain(&meta.tags).chain(&meta.aliases) {
                    prop_assert!(!text.chars().any(crate::text::is_forbidden), "{:?}", text);
                }
            }
        }
    }
}
