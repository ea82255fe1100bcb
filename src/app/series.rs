//! What tells a post apart from the others of its series, for the post list.
//!
//! A newsletter's titles share a shape: `This Week in Rust 512`, `科技爱好者周刊（第 296 期）：
//! 标题`, `SOFA Weekly | MOSN 发布`. In a pane 30 columns wide that shared part is all a row
//! showed, so every row of a source read the same. [`SeriesTitles::learn`] finds, per source,
//! the start most of its titles share (with the issue number as a wildcard), and
//! [`SeriesTitles::short`] drops it from a title, keeping the number and the subtitle.
//!
//! Pure: the state learns the shapes when a list arrives, the view asks for each row.

use std::collections::HashMap;

use crate::post::PostSummary;

/// Stands for the issue number (a title's first run of ASCII digits) in a title's shape.
const NUMBER: char = '\u{1}';

/// Characters that end a series name at the start of a title ("SOFA Weekly | …").
const SEPARATORS: &[char] = &[
    '|', '｜', ':', '：', '-', '–', '—', '·', '/', ')', '）', ']', '】', '」', '》',
];

/// The shared start of each source's titles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeriesTitles {
    by_source: HashMap<String, SeriesPrefix>,
}

/// The start of a source's titles, as a shape (see [`NUMBER`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct SeriesPrefix {
    /// What most titles share, cut at the end of a word.
    shared: Vec<char>,
}

/// A title as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortTitle {
    /// The issue number the series prefix held (`512`).
    pub number: Option<String>,
    /// What follows the series prefix (the subtitle), or the whole title.
    pub text: String,
}

impl ShortTitle {
    /// The number and the text on one line: `#296 标题`, `#512`, `标题`.
    pub fn joined(&self) -> String {
        match (&self.number, self.text.is_empty()) {
            (Some(n), true) => format!("#{n}"),
            (Some(n), false) => format!("#{n} {}", self.text),
            (None, _) => self.text.clone(),
        }
    }
}

impl SeriesTitles {
    /// Learns the shared start of the titles of each source in `posts`. A source needs at
    /// least two posts, and a start shared by at least half of them.
    pub fn learn(posts: &[PostSummary]) -> SeriesTitles {
        let mut shapes: HashMap<&str, Vec<Vec<char>>> = HashMap::new();
        for post in posts {
            shapes
                .entry(post.source.as_str())
                .or_default()
                .push(shape(&post.title).0);
        }
        let by_source = shapes
            .into_iter()
            .filter_map(|(source, mut shapes)| {
                let prefix = majority_prefix(&mut shapes)?;
                Some((source.to_string(), prefix))
            })
            .collect();
        SeriesTitles { by_source }
    }

    /// `post`'s title without its series prefix; the whole title when it has none.
    pub fn short(&self, post: &PostSummary) -> ShortTitle {
        let whole = || ShortTitle {
            number: None,
            text: post.title.clone(),
        };
        let Some(prefix) = self.by_source.get(&post.source) else {
            return whole();
        };
        let (title_shape, number) = shape(&post.title);
        if !title_shape.starts_with(&prefix.shared) {
            return whole();
        }
        let rest: String = title_shape[prefix.shared.len()..].iter().collect();
        // The number stood in the shape only once, at its first digit run: what is left
        // is plain text again.
        let rest = rest.replace(NUMBER, number.as_deref().unwrap_or(""));
        let text = rest
            .trim_start_matches(|c: char| c.is_whitespace() || SEPARATORS.contains(&c))
            .to_string();
        let number = number.filter(|_| prefix.shared.contains(&NUMBER));
        if number.is_none() && text.is_empty() {
            return whole();
        }
        // Only a number left (`This Week in Rust 512`): the series name follows it, or a
        // list of several newsletters would show bare numbers.
        let text = if text.is_empty() {
            series_name(&prefix.shared)
        } else {
            text
        };
        ShortTitle { number, text }
    }
}

/// The name a shared start gives its series: what comes before the number, without the
/// marks that lead up to it (`#`, `（第`).
fn series_name(shared: &[char]) -> String {
    let before: String = shared.iter().take_while(|&&c| c != NUMBER).collect();
    before
        .trim_end_matches(|c: char| c.is_whitespace() || "#№(（[【第-–—:：|｜".contains(c))
        .to_string()
}

/// `title` with its first run of ASCII digits replaced by [`NUMBER`], and that run.
fn shape(title: &str) -> (Vec<char>, Option<String>) {
    let mut out = Vec::with_capacity(title.len());
    let mut number: Option<String> = None;
    let mut in_number = false;
    for c in title.chars() {
        if c.is_ascii_digit() && (number.is_none() || in_number) {
            if !in_number {
                out.push(NUMBER);
                number = Some(String::new());
                in_number = true;
            }
            if let Some(n) = number.as_mut() {
                n.push(c);
            }
            continue;
        }
        in_number = false;
        out.push(c);
    }
    (out, number)
}

/// The longest start shared by at least half of `shapes` (and by two), cut back to the end
/// of a series name; `None` when that leaves nothing worth dropping.
fn majority_prefix(shapes: &mut [Vec<char>]) -> Option<SeriesPrefix> {
    let count = shapes.len();
    if count < 2 {
        return None;
    }
    let quorum = count.div_ceil(2).max(2);
    shapes.sort_unstable();
    // In sorted order, the start shared by a run of shapes is the one its first and last share.
    let (longest, first) = (0..=count - quorum)
        .map(|i| (common_len(&shapes[i], &shapes[i + quorum - 1]), i))
        .max()?;
    let shared = &shapes[first][..longest];
    let shared = cut_at_name_end(shared)?;
    Some(SeriesPrefix {
        shared: shared.to_vec(),
    })
}

fn common_len(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// `shared` cut back so that it ends a series name: after the number (and whatever closes
/// it, like ` 期）：`), or after a separator. A start that is only words ("The ") is not a
/// series name: dropping it would cut titles mid-phrase.
fn cut_at_name_end(shared: &[char]) -> Option<&[char]> {
    let before_number = |end: usize| shared[..end].iter().any(|c| c.is_alphanumeric());
    if let Some(at) = shared.iter().position(|&c| c == NUMBER) {
        if !before_number(at) {
            return None;
        }
        // After the number, keep only what closes it: spaces, punctuation and a counter
        // word ("期"), cut at the last separator or space.
        let tail = &shared[at + 1..];
        let keep = tail
            .iter()
            .rposition(|&c| c.is_whitespace() || SEPARATORS.contains(&c))
            .map_or(0, |i| i + 1);
        let keep = if tail[..keep].iter().any(|c| c.is_ascii_alphanumeric()) {
            0
        } else {
            keep
        };
        return Some(&shared[..at + 1 + keep]);
    }
    let end = shared.iter().rposition(|c| SEPARATORS.contains(c))? + 1;
    before_number(end).then_some(&shared[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(source: &str, title: &str) -> PostSummary {
        PostSummary {
            id: 1,
            title: title.to_string(),
            date: None,
            tags: Vec::new(),
            source: source.to_string(),
            path: "p.md".into(),
            read: false,
            starred: false,
        }
    }

    fn shorts(titles: &[&str]) -> Vec<String> {
        let posts: Vec<PostSummary> = titles.iter().map(|t| post("s", t)).collect();
        let series = SeriesTitles::learn(&posts);
        posts.iter().map(|p| series.short(p).joined()).collect()
    }

    #[test]
    fn a_numbered_series_without_subtitles_puts_its_number_first() {
        assert_eq!(
            shorts(&[
                "This Week in Rust 512",
                "This Week in Rust 511",
                "This Week in Rust 49"
            ]),
            [
                "#512 This Week in Rust",
                "#511 This Week in Rust",
                "#49 This Week in Rust"
            ]
        );
        assert_eq!(
            shorts(&["Issue #12", "Issue #11"]),
            ["#12 Issue", "#11 Issue"]
        );
    }

    #[test]
    fn a_numbered_series_with_subtitles_keeps_number_and_subtitle() {
        assert_eq!(
            shorts(&[
                "科技爱好者周刊（第 296 期）：AI 的下一步",
                "科技爱好者周刊（第 295 期）：软件的 2.0",
                "科技爱好者周刊（第 294 期）：程序员的护城河",
                "科技爱好者周刊：年终特辑",
            ]),
            [
                "#296 AI 的下一步",
                "#295 软件的 2.0",
                "#294 程序员的护城河",
                "科技爱好者周刊：年终特辑"
            ]
        );
    }

    #[test]
    fn a_series_name_before_a_separator_leaves() {
        assert_eq!(
            shorts(&[
                "SOFA Weekly | MOSN 发布 v0.21.0",
                "SOFA Weekly | Seata 状态机",
                "SOFA Weekly | SOFARegistry 与 MOSN",
                "Release notes for Layotto",
            ]),
            [
                "MOSN 发布 v0.21.0",
                "Seata 状态机",
                "SOFARegistry 与 MOSN",
                "Release notes for Layotto"
            ]
        );
    }

    #[test]
    fn shared_words_without_a_separator_stay() {
        assert_eq!(
            shorts(&["The road ahead", "The Rust book", "The end"]),
            ["The road ahead", "The Rust book", "The end"]
        );
        assert_eq!(
            shorts(&["2024 review", "2023 review"]),
            ["2024 review", "2023 review"]
        );
    }

    #[test]
    fn each_source_has_its_own_series() {
        let posts = [
            post("twir", "This Week in Rust 2"),
            post("twir", "This Week in Rust 1"),
            post("other", "This Week in Rust 3"),
        ];
        let series = SeriesTitles::learn(&posts);
        assert_eq!(series.short(&posts[0]).joined(), "#2 This Week in Rust");
        assert_eq!(series.short(&posts[2]).joined(), "This Week in Rust 3");
    }

    #[test]
    fn a_title_that_is_only_the_series_name_stays_whole() {
        assert_eq!(
            shorts(&["Weekly |", "Weekly | one", "Weekly | two"]),
            ["Weekly |", "one", "two"]
        );
    }
}
