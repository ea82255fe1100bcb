//! Finding a vocabulary's topics in a post: one automaton over every spelling, boundary and
//! case checks, ignore and context phrases, and the name in the post's language.
//!
//! # How spellings match
//! - Letter case is ignored for ASCII (`mosn` mentions MOSN), except for spellings listed under
//!   `match_case`: short words such as `Go` would otherwise match "go" in any English sentence.
//! - A spelling that starts (ends) with an ASCII letter or digit must not have one right before
//!   (after) it, so `Go` does not match `Google` and `Ark` does not match `SOFAArk`. Chinese
//!   text needs no spaces, so `MOSN社区` still mentions MOSN, and Chinese spellings match
//!   anywhere.
//! - A mention inside one of the topic's `ignore` phrases does not count: every SOFA Weekly
//!   post opens with the same paragraph about "金融级云原生架构", which is not a post about
//!   cloud native.
//! - A `match_case` spelling of a topic with `context` phrases counts only in a post that also
//!   mentions one of them: `MoE` is SOFA's "MOSN on Envoy" next to MOSN or Envoy, and a
//!   mixture-of-experts model anywhere else.
//!
//! # Names in the post's language
//! A topic named in Chinese may give its English name (`en = "Cloud Native"`): a post written
//! in a Latin script is tagged with that name, so English posts get no `#云原生`.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::{Topic, Topics};

/// Every spelling and ignore phrase of every topic in one Aho-Corasick automaton, so a post is
/// scanned once whatever the size of the vocabulary. The automaton is compiled when a post is
/// first scanned: most commands only compare the vocabulary's fingerprint, and compiling the
/// built-in one takes longer (about 2 ms) than a whole `list`.
#[derive(Debug, Clone)]
pub(super) struct Matcher {
    automaton: OnceLock<Option<AhoCorasick>>,
    patterns: Vec<Pattern>,
    /// Per topic: whether its `match_case` mentions need a context phrase.
    needs_context: Vec<bool>,
}

#[derive(Debug, Clone)]
struct Pattern {
    /// The spelling as written, for `match_case` patterns (the automaton ignores case).
    text: String,
    topic: usize,
    role: Role,
    /// Must be preceded / followed by a non-alphanumeric ASCII byte (or the text's edge).
    left_boundary: bool,
    right_boundary: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Mention,
    MentionExactCase,
    Ignore,
    Context,
}

/// What a scan found of one topic.
#[derive(Debug, Clone, Copy, Default)]
struct Found {
    /// A `match` spelling (or a `match_case` one of a topic without context).
    mentioned: bool,
    /// A `match_case` spelling of a topic with context phrases.
    needs_context: bool,
    context: bool,
}

impl Found {
    fn counts(self) -> bool {
        self.mentioned || (self.needs_context && self.context)
    }
}

/// Bumped when the matching rules change, so that [`Topics::fingerprint`] changes with them
/// and stored topic tags get recomputed.
pub(super) const MATCHING_RULES_VERSION: &str = "topics-v2";

impl Topics {
    /// Names of the topics the title or the body mentions, in vocabulary order (a vocabulary
    /// read by [`Topics::from_toml`] is ordered by name; topics added by [`Topics::extend`]
    /// come after), each in the post's language where the topic has an English name.
    pub fn detect(&self, title: &str, body: &str) -> Vec<String> {
        let Some(automaton) = self.matcher.automaton() else {
            return Vec::new();
        };
        let mut found = vec![Found::default(); self.topics.len()];
        for text in [title, body] {
            self.matcher.mark_mentions(automaton, text, &mut found);
        }
        if !found.iter().any(|found| found.counts()) {
            return Vec::new();
        }
        let latin = is_latin_script(title, body);
        self.topics
            .iter()
            .zip(found)
            .filter(|(_, found)| found.counts())
            .map(|(topic, _)| match &topic.english_name {
                Some(english) if latin => english.clone(),
                _ => topic.name.clone(),
            })
            .collect()
    }
}

/// Whether a post is written in a Latin script rather than Chinese, Japanese or Korean:
/// fewer CJK characters than one per eight ASCII letters (a Chinese post names many projects
/// in English, but its CJK characters still far outnumber that). Looks at the first 16 KiB.
fn is_latin_script(title: &str, body: &str) -> bool {
    const SAMPLE: usize = 16 * 1024;
    let end = crate::text::floor_char_boundary(body, SAMPLE);
    let (mut letters, mut cjk) = (0usize, 0usize);
    for c in title.chars().chain(body[..end].chars()) {
        if c.is_ascii_alphabetic() {
            letters += 1;
        } else if is_cjk_letter(c) {
            cjk += 1;
        }
    }
    letters > 0 && cjk * 8 < letters
}

/// Kana, Hangul syllables and CJK ideographs: the letters of a CJK text, without the
/// punctuation and symbols the renderer's wider `is_cjk` also counts for line breaking.
fn is_cjk_letter(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

impl Matcher {
    pub(super) fn new(topics: &[Topic]) -> Matcher {
        let mut patterns = Vec::new();
        let mut needs_context = Vec::with_capacity(topics.len());
        for (index, topic) in topics.iter().enumerate() {
            needs_context.push(!topic.context.is_empty());
            let roles = [
                (Role::Mention, &topic.spellings),
                (Role::MentionExactCase, &topic.case_sensitive),
                (Role::Ignore, &topic.ignore),
                (Role::Context, &topic.context),
            ];
            for (role, list) in roles {
                for text in list {
                    patterns.push(Pattern {
                        text: text.clone(),
                        topic: index,
                        role,
                        left_boundary: text.starts_with(|c: char| c.is_ascii_alphanumeric()),
                        right_boundary: text.ends_with(|c: char| c.is_ascii_alphanumeric()),
                    });
                }
            }
        }
        Matcher {
            automaton: OnceLock::new(),
            patterns,
            needs_context,
        }
    }

    /// The automaton over every pattern; `None` for an empty vocabulary.
    fn automaton(&self) -> Option<&AhoCorasick> {
        self.automaton
            .get_or_init(|| {
                let texts: Vec<&str> = self.patterns.iter().map(|p| p.text.as_str()).collect();
                (!texts.is_empty()).then(|| {
                    AhoCorasick::builder()
                        .ascii_case_insensitive(true)
                        .build(&texts)
                        .expect("a few thousand short patterns fit the automaton's limits")
                })
            })
            .as_ref()
    }

    /// Records in `found[topic]` every counting mention (and context phrase) in `text`.
    fn mark_mentions(&self, automaton: &AhoCorasick, text: &str, found_topics: &mut [Found]) {
        let bytes = text.as_bytes();
        // Overlapping search: a match that fails its boundary check must not hide a shorter
        // one that passes (as leftmost-longest matching would).
        let mut mentions = Vec::new();
        let mut ignored = Vec::new();
        for found in automaton.find_overlapping_iter(text) {
            let pattern = &self.patterns[found.pattern().as_usize()];
            let (start, end) = (found.start(), found.end());
            if found_topics[pattern.topic].mentioned && pattern.role != Role::Ignore {
                continue;
            }
            let bounded =
                (!pattern.left_boundary || start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
                    && (!pattern.right_boundary
                        || end == bytes.len()
                        || !bytes[end].is_ascii_alphanumeric());
            match pattern.role {
                Role::Ignore => ignored.push((pattern.topic, start, end)),
                Role::Context if bounded => found_topics[pattern.topic].context = true,
                Role::Context => {}
                Role::MentionExactCase if !bounded => {}
                Role::MentionExactCase => {
                    if bytes[start..end] == *pattern.text.as_bytes() {
                        mentions.push((pattern.topic, start, end, true));
                    }
                }
                Role::Mention if bounded => mentions.push((pattern.topic, start, end, false)),
                Role::Mention => {}
            }
        }
        for (topic, start, end, exact_case) in mentions {
            let inside_ignored = ignored
                .iter()
                .any(|&(t, s, e)| t == topic && s <= start && end <= e);
            if inside_ignored {
                continue;
            }
            if exact_case && self.needs_context[topic] {
                found_topics[topic].needs_context = true;
            } else {
                found_topics[topic].mentioned = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(title: &str, body: &str) -> Vec<String> {
        Topics::builtin().detect(title, body)
    }

    #[test]
    fn mentions_by_spelling_word_boundaries_and_case() {
        // In the title as in the body.
        assert_eq!(detect("SOFA Weekly | MOSN 发布", ""), ["MOSN"]);
        // A body and the topics found in it, joined with ", ".
        let cases = [
            // Spellings match ignoring ASCII case.
            ("we upgraded mosn last week", "MOSN"),
            ("基于 SOFAJRaft 的状态机", "SOFAJRaft"),
            ("jraft 的线性一致读", "SOFAJRaft"),
            ("服务网格落地", "Service Mesh"),
            ("a service  mesh", ""),
            ("ServiceMesh", "Service Mesh"),
            // ASCII spellings need word boundaries, but CJK neighbours are fine.
            ("Google and Gopher", ""),
            ("MOSNX, XMOSN, mosn2", ""),
            ("MOSN社区", "MOSN"),
            ("使用MOSN。", "MOSN"),
            ("(MOSN)", "MOSN"),
            ("github.com/mosn/mosn", "MOSN"),
            // `Ark` does not match inside `SOFAArk`, but SOFAArk is its own spelling.
            ("SOFAArk 模块", "SOFAArk"),
            ("JavaScript", ""),
            ("Java 与 Rust", "Java, Rust"),
            // Short names match only in their own case.
            ("MOSN 是 Go 写的", "Go, MOSN"),
            ("let's go, GO!", ""),
            ("golang", "Go"),
            ("Ark 包", "SOFAArk"),
            ("Noah's ark", ""),
            ("运行在 TEE 中", "机密计算"),
            ("tee time", ""),
        ];
        for (body, topics) in cases {
            assert_eq!(detect("", body).join(", "), topics, "topics of {body:?}");
        }
    }

    #[test]
    fn ignored_phrases_do_not_count_but_other_mentions_do() {
        let boilerplate = "SOFAStack 是蚂蚁集团自主研发的金融级云原生架构，包含了构建金融级云原生架构所需的\
                           各个组件，分布式高可用消息队列，分布式事务框架，分布式数据库代理层等组件";
        assert!(
            detect("", boilerplate).is_empty(),
            "{:?}",
            detect("", boilerplate)
        );
        let body = format!("{boilerplate}\n\n云原生网络代理 MOSN 与分布式事务 Seata");
        assert_eq!(detect("", &body), ["MOSN", "Seata", "云原生", "分布式事务"]);
    }

    #[test]
    fn issue_16_moe_needs_mosn_or_envoy_nearby() {
        let models = "Mixture-of-experts (MoE) models route each token to a few experts.";
        assert!(detect("MoE models explained", models).is_empty());
        assert_eq!(detect("", "MOSN 的 MoE 方案"), ["MOSN", "MoE"]);
        assert_eq!(
            detect("", "MoE brings MOSN to Envoy"),
            ["Envoy", "MOSN", "MoE"]
        );
        assert_eq!(
            detect("", "moe next to MOSN"),
            ["MOSN"],
            "acronyms keep their case"
        );
        assert_eq!(detect("", "MOSN on Envoy"), ["Envoy", "MOSN", "MoE"]);
    }

    #[test]
    fn issue_16_topics_are_named_in_the_posts_language() {
        assert_eq!(
            detect(
                "Going cloud native",
                "Cloud Native apps and confidential computing."
            ),
            ["Cloud Native", "Confidential Computing"]
        );
        assert_eq!(detect("云原生", "云原生网络代理"), ["云原生"]);
        // A Chinese post naming projects in English is still Chinese.
        assert_eq!(
            detect("", "我们在 Kubernetes 上运行 Cloud Native 应用，效果很好。"),
            ["Kubernetes", "云原生"]
        );
        let custom =
            Topics::from_toml("\"服务\" = { match = [\"service\"], en = \"Service\" }\n").unwrap();
        assert_eq!(custom.detect("", "a service"), ["Service"]);
        assert!(Topics::from_toml("A = { en = 1 }").is_err());
    }
}
