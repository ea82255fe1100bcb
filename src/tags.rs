//! Tags: how two spellings are recognised as one tag ([`tag_key`]), and the topic vocabulary
//! ([`Topics`]) that tags posts by what they discuss.
//!
//! Every SOFA Weekly post carries the same front-matter tag, so front matter alone cannot tell
//! posts apart; topics can. A topic is a name (`MOSN`, `Service Mesh`) and the spellings that
//! mention it (`Service Mesh`, `ServiceMesh`, `服务网格`). The built-in vocabulary is
//! `assets/topics.toml`; a user's configuration can [`Topics::extend`] it.
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

/// The key two tags are compared by: trimmed, inner whitespace collapsed to one space,
/// full-width ASCII and the ideographic space folded to half-width, lowercased.
/// "Service mesh", " Service  Mesh " and "ＳＥＲＶＩＣＥ　ＭＥＳＨ" are one tag.
///
/// ```
/// use sofa_weekly::tags::tag_key;
/// assert_eq!(tag_key(" Service  Mesh "), "service mesh");
/// assert_eq!(tag_key("ＭＯＳＮ　社区"), "mosn 社区");
/// ```
pub fn tag_key(tag: &str) -> String {
    // Lowercasing maps whitespace to itself and nothing else to whitespace, so it may come
    // before the collapsing.
    crate::text::collapse_whitespace(tag.chars().map(half_width).flat_map(char::to_lowercase))
}

/// U+FF01..U+FF5E are the full-width forms of `!`..`~`; U+3000 is the ideographic space.
fn half_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Why a topic vocabulary was refused.
#[derive(Debug, thiserror::Error)]
pub enum TopicsError {
    #[error("topic vocabulary does not parse{}: {message}", line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Parse {
        /// 1-based line in the TOML text.
        line: Option<usize>,
        message: String,
    },
    #[error("topic `{topic}`: {reason}")]
    Invalid { topic: String, reason: String },
}

/// One topic of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// The tag posts get, as shown.
    pub name: String,
    /// Matched ignoring ASCII letter case.
    pub spellings: Vec<String>,
    /// Matched in exactly this case.
    pub case_sensitive: Vec<String>,
    /// Phrases inside which a mention does not count.
    pub ignore: Vec<String>,
    /// When not empty, a `case_sensitive` mention counts only in a text that also mentions
    /// one of these (ASCII case ignored, whole words).
    pub context: Vec<String>,
    /// The name posts in a Latin script get, when the name is in another script.
    pub english_name: Option<String>,
}

/// A topic's settings as `assets/topics.toml` writes them.
#[derive(Debug, Default)]
struct TopicTable {
    spellings: Vec<String>,
    match_case: Vec<String>,
    ignore: Vec<String>,
    context: Vec<String>,
    english_name: Option<String>,
}

/// The topic vocabulary and the automaton that finds its spellings in a post.
#[derive(Debug, Clone)]
pub struct Topics {
    topics: Vec<Topic>,
    matcher: Matcher,
}

/// Every spelling and ignore phrase of every topic in one Aho-Corasick automaton, so a post is
/// scanned once whatever the size of the vocabulary. The automaton is compiled when a post is
/// first scanned: most commands only compare the vocabulary's fingerprint, and compiling the
/// built-in one takes longer (about 2 ms) than a whole `list`.
#[derive(Debug, Clone)]
struct Matcher {
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
const MATCHING_RULES_VERSION: &str = "topics-v2";

impl Topics {
    /// The vocabulary shipped with sofa-weekly (`assets/topics.toml`).
    pub fn builtin() -> Topics {
        // Parsed and compiled once per process; a clone shares nothing mutable.
        static BUILTIN: OnceLock<Topics> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Topics::from_toml(include_str!("../assets/topics.toml"))
                    .expect("assets/topics.toml is valid (checked by a unit test)")
            })
            .clone()
    }

    /// An empty vocabulary: detects nothing.
    pub fn empty() -> Topics {
        Topics::from_list(Vec::new())
    }

    /// Reads a vocabulary: one key per topic, its value the spellings or a table.
    ///
    /// ```
    /// use sofa_weekly::tags::Topics;
    /// let topics = Topics::from_toml(r#"
    ///     MOSN = ["MOSN"]
    ///     [Go]
    ///     match = ["Golang"]
    ///     match_case = ["Go"]
    /// "#).unwrap();
    /// assert_eq!(topics.detect("Go 与 MOSN", ""), ["Go", "MOSN"]);
    /// assert!(topics.detect("Google", "let's go").is_empty());
    /// ```
    pub fn from_toml(text: &str) -> Result<Topics, TopicsError> {
        let entries: toml::Table =
            toml::from_str(text).map_err(|error: toml::de::Error| TopicsError::Parse {
                line: error
                    .span()
                    .map(|span| 1 + text[..span.start.min(text.len())].matches('\n').count()),
                message: error.message().trim().to_string(),
            })?;
        let mut topics = Vec::with_capacity(entries.len());
        for (name, entry) in entries {
            let table = topic_table(&name, entry)?;
            topics.push(checked_topic(name, table)?);
        }
        Ok(Topics::from_list(topics))
    }

    fn from_list(topics: Vec<Topic>) -> Topics {
        let matcher = Matcher::new(&topics);
        Topics { topics, matcher }
    }

    /// Adds `other`'s topics; a topic with the same name (by [`tag_key`]) gains its spellings.
    pub fn extend(&mut self, other: Topics) {
        let mut topics = std::mem::take(&mut self.topics);
        for topic in other.topics {
            let key = tag_key(&topic.name);
            match topics.iter_mut().find(|known| tag_key(&known.name) == key) {
                Some(known) => {
                    merge_unique(&mut known.spellings, topic.spellings);
                    merge_unique(&mut known.case_sensitive, topic.case_sensitive);
                    merge_unique(&mut known.ignore, topic.ignore);
                    merge_unique(&mut known.context, topic.context);
                    known.english_name = known.english_name.take().or(topic.english_name);
                }
                None => topics.push(topic),
            }
        }
        *self = Topics::from_list(topics);
    }

    /// The topics in the vocabulary.
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

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

    /// Changes when the vocabulary (or the way it matches) changes: a library stores it to
    /// know when topic tags must be recomputed.
    pub fn fingerprint(&self) -> String {
        let mut canonical: Vec<String> = self
            .topics
            .iter()
            .map(|topic| {
                let mut parts = vec![topic.name.clone()];
                parts.push(format!(
                    "en={}",
                    topic.english_name.as_deref().unwrap_or("")
                ));
                for (label, list) in [
                    ("match", &topic.spellings),
                    ("match_case", &topic.case_sensitive),
                    ("ignore", &topic.ignore),
                    ("context", &topic.context),
                ] {
                    let mut list = list.clone();
                    list.sort();
                    parts.push(format!("{label}={}", list.join("\u{1f}")));
                }
                parts.join("\u{1e}")
            })
            .collect();
        canonical.sort();
        let mut hasher = sha1_smol::Sha1::new();
        hasher.update(MATCHING_RULES_VERSION.as_bytes());
        for topic in canonical {
            hasher.update(b"\x1d");
            hasher.update(topic.as_bytes());
        }
        hasher.digest().to_string()
    }
}

impl Default for Topics {
    fn default() -> Self {
        Topics::empty()
    }
}

/// A topic's value: a list of spellings, or a table with `match`, `match_case`, `ignore`.
fn topic_table(name: &str, entry: toml::Value) -> Result<TopicTable, TopicsError> {
    let invalid = |reason: String| TopicsError::Invalid {
        topic: name.to_string(),
        reason,
    };
    let strings = |key: &str, value: toml::Value| -> Result<Vec<String>, TopicsError> {
        let toml::Value::Array(items) = value else {
            return Err(invalid(format!("`{key}` must be a list of strings")));
        };
        items
            .into_iter()
            .map(|item| match item {
                toml::Value::String(text) => Ok(text),
                other => Err(invalid(format!(
                    "`{key}` holds {other}, which is not a string"
                ))),
            })
            .collect()
    };
    match entry {
        array @ toml::Value::Array(_) => Ok(TopicTable {
            spellings: strings("match", array)?,
            ..TopicTable::default()
        }),
        toml::Value::Table(settings) => {
            let mut table = TopicTable::default();
            for (key, value) in settings {
                match key.as_str() {
                    "match" => table.spellings = strings(&key, value)?,
                    "match_case" => table.match_case = strings(&key, value)?,
                    "ignore" => table.ignore = strings(&key, value)?,
                    "context" => table.context = strings(&key, value)?,
                    "en" => match value {
                        toml::Value::String(name) => table.english_name = Some(name),
                        _ => return Err(invalid("`en` must be a string".into())),
                    },
                    _ => {
                        return Err(invalid(format!(
                            "unknown setting `{key}` (expected match, match_case, ignore, \
                             context or en)"
                        )));
                    }
                }
            }
            Ok(table)
        }
        _ => Err(invalid(
            "expected a list of spellings or a table with `match`, `match_case`, `ignore`".into(),
        )),
    }
}

fn checked_topic(name: String, table: TopicTable) -> Result<Topic, TopicsError> {
    let name = crate::text::sanitize_line(&name);
    if name.is_empty() {
        return Err(TopicsError::Invalid {
            topic: name,
            reason: "the name is empty".into(),
        });
    }
    let mut spellings = table.spellings;
    if spellings.is_empty() && table.match_case.is_empty() {
        // `[Seata]` alone: the name is the spelling.
        spellings.push(name.clone());
    }
    for spelling in spellings
        .iter()
        .chain(&table.match_case)
        .chain(&table.ignore)
        .chain(&table.context)
    {
        if spelling.trim().is_empty() {
            return Err(TopicsError::Invalid {
                topic: name,
                reason: "a spelling is empty (it would match everywhere)".into(),
            });
        }
    }
    let english_name = table
        .english_name
        .map(|english| crate::text::sanitize_line(&english))
        .filter(|english| !english.is_empty());
    Ok(Topic {
        name,
        spellings,
        case_sensitive: table.match_case,
        ignore: table.ignore,
        context: table.context,
        english_name,
    })
}

/// Whether a post is written in a Latin script rather than Chinese, Japanese or Korean:
/// fewer CJK characters than one per eight ASCII letters (a Chinese post names many projects
/// in English, but its CJK characters still far outnumber that). Looks at the first 16 KiB.
fn is_latin_script(title: &str, body: &str) -> bool {
    const SAMPLE: usize = 16 * 1024;
    let mut end = body.len().min(SAMPLE);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
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

fn merge_unique(into: &mut Vec<String>, from: Vec<String>) {
    for item in from {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

impl Matcher {
    fn new(topics: &[Topic]) -> Matcher {
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

    #[test]
    fn tag_key_folds_case_spaces_and_width() {
        assert_eq!(tag_key("Service mesh"), tag_key("Service Mesh"));
        assert_eq!(tag_key("  Service \t Mesh\n"), "service mesh");
        assert_eq!(tag_key("ＳＯＦＡ　Ｗｅｅｋｌｙ"), "sofa weekly");
        assert_eq!(tag_key("ＭＯＳＮ！"), "mosn!");
        assert_eq!(tag_key("云原生"), "云原生");
        assert_eq!(tag_key("问答｜QA"), "问答|qa");
        // CJK punctuation outside U+FF01..U+FF5E has no half-width twin: left alone.
        assert_eq!(tag_key("问答、QA。"), "问答、qa。");
        assert_eq!(tag_key("ÉCOLE"), "école");
        assert_eq!(tag_key("   "), "");
    }

    #[test]
    fn builtin_vocabulary_loads_and_covers_the_sofa_projects() {
        let topics = Topics::builtin();
        assert!((20..=60).contains(&topics.topics().len()));
        for name in [
            "MOSN",
            "SOFAJRaft",
            "Seata",
            "Service Mesh",
            "Layotto",
            "Go",
        ] {
            assert!(
                topics.topics().iter().any(|topic| topic.name == name),
                "{name} missing"
            );
        }
    }

    fn detect(title: &str, body: &str) -> Vec<String> {
        Topics::builtin().detect(title, body)
    }

    #[test]
    fn detects_in_title_and_body_ignoring_ascii_case() {
        assert_eq!(detect("SOFA Weekly | MOSN 发布", ""), ["MOSN"]);
        assert_eq!(detect("", "we upgraded mosn last week"), ["MOSN"]);
        assert_eq!(detect("", "基于 SOFAJRaft 的状态机"), ["SOFAJRaft"]);
        assert_eq!(detect("", "jraft 的线性一致读"), ["SOFAJRaft"]);
        assert_eq!(detect("", "服务网格落地"), ["Service Mesh"]);
        assert_eq!(detect("", "a service  mesh"), Vec::<String>::new());
        assert_eq!(detect("", "ServiceMesh"), ["Service Mesh"]);
    }

    #[test]
    fn ascii_spellings_need_word_boundaries_but_cjk_neighbours_are_fine() {
        assert!(detect("", "Google and Gopher").is_empty());
        assert!(detect("", "MOSNX, XMOSN, mosn2").is_empty());
        assert_eq!(detect("", "MOSN社区"), ["MOSN"]);
        assert_eq!(detect("", "使用MOSN。"), ["MOSN"]);
        assert_eq!(detect("", "(MOSN)"), ["MOSN"]);
        assert_eq!(detect("", "github.com/mosn/mosn"), ["MOSN"]);
        // `Ark` does not match inside `SOFAArk`, but SOFAArk is its own spelling.
        assert_eq!(detect("", "SOFAArk 模块"), ["SOFAArk"]);
        assert_eq!(detect("", "JavaScript"), Vec::<String>::new());
        assert_eq!(detect("", "Java 与 Rust"), ["Java", "Rust"]);
    }

    #[test]
    fn short_names_match_only_in_their_own_case() {
        assert_eq!(detect("", "MOSN 是 Go 写的"), ["Go", "MOSN"]);
        assert!(detect("", "let's go, GO!").is_empty());
        assert_eq!(detect("", "golang"), ["Go"]);
        assert_eq!(detect("", "Ark 包"), ["SOFAArk"]);
        assert!(detect("", "Noah's ark").is_empty());
        assert_eq!(detect("", "运行在 TEE 中"), ["机密计算"]);
        assert!(detect("", "tee time").is_empty());
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

    #[test]
    fn vocabulary_order_and_no_duplicates() {
        let topics = Topics::from_toml("B = [\"beta\", \"β\"]\nA = [\"alpha\"]\n").unwrap();
        assert_eq!(topics.detect("beta alpha", "β alpha beta"), ["A", "B"]);
    }

    #[test]
    fn from_toml_forms_and_errors() {
        let topics = Topics::from_toml(
            "Seata = {}\nGo = { match = [\"Golang\"], match_case = [\"Go\"] }\n\
             [\"Service Mesh\"]\nmatch = [\"服务网格\"]\n",
        )
        .unwrap();
        assert_eq!(topics.detect("seata", ""), ["Seata"]);
        assert_eq!(topics.detect("服务网格 Go", ""), ["Go", "Service Mesh"]);

        let error = Topics::from_toml("MOSN = [\"MOSN\"\n").unwrap_err();
        assert!(
            matches!(
                error,
                TopicsError::Parse {
                    line: Some(1 | 2),
                    ..
                }
            ),
            "{error}"
        );
        let error = Topics::from_toml("MOSN = { matches = [\"x\"] }").unwrap_err();
        assert!(
            error.to_string().contains("unknown setting `matches`"),
            "{error}"
        );
        let error = Topics::from_toml("MOSN = [\"\"]").unwrap_err();
        assert!(error.to_string().contains("empty"), "{error}");
        let error = Topics::from_toml("MOSN = [1]").unwrap_err();
        assert!(error.to_string().starts_with("topic `MOSN`"), "{error}");
        assert!(Topics::from_toml("MOSN = 3").is_err());
    }

    #[test]
    fn extend_merges_by_name_and_adds_new_topics() {
        let mut topics = Topics::from_toml("MOSN = [\"MOSN\"]").unwrap();
        let before = topics.fingerprint();
        topics.extend(Topics::from_toml("mosn = [\"摩森\"]\nNacos = [\"Nacos\"]").unwrap());
        assert_eq!(topics.topics().len(), 2);
        assert_eq!(topics.detect("摩森", "nacos"), ["MOSN", "Nacos"]);
        assert_ne!(topics.fingerprint(), before);
    }

    #[test]
    fn fingerprint_is_stable_and_tracks_the_vocabulary() {
        assert_eq!(
            Topics::builtin().fingerprint(),
            Topics::builtin().fingerprint()
        );
        let a = Topics::from_toml("A = [\"x\", \"y\"]\nB = [\"z\"]").unwrap();
        let same = Topics::from_toml("B = [\"z\"]\nA = [\"y\", \"x\"]").unwrap();
        let other = Topics::from_toml("A = [\"x\"]\nB = [\"z\"]").unwrap();
        let case = Topics::from_toml("A = { match = [\"y\"], match_case = [\"x\"] }\nB = [\"z\"]")
            .unwrap();
        assert_eq!(a.fingerprint(), same.fingerprint());
        assert_ne!(a.fingerprint(), other.fingerprint());
        assert_ne!(a.fingerprint(), case.fingerprint());
        assert_eq!(a.fingerprint().len(), 40);
        assert!(Topics::empty().detect("MOSN", "MOSN").is_empty());
    }
}
