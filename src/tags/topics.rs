//! The topic vocabulary: read from TOML (`assets/topics.toml`, or a user's `[topics]`),
//! checked, merged by name, and fingerprinted so a library knows when to retag.

use std::sync::OnceLock;

use super::matching::{MATCHING_RULES_VERSION, Matcher};
use super::tag_key;

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
    pub(super) topics: Vec<Topic>,
    pub(super) matcher: Matcher,
}

impl Topics {
    /// The vocabulary shipped with sofa-weekly (`assets/topics.toml`).
    pub fn builtin() -> Topics {
        // Parsed and compiled once per process; a clone shares nothing mutable.
        static BUILTIN: OnceLock<Topics> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Topics::from_toml(include_str!("../../assets/topics.toml"))
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

fn merge_unique(into: &mut Vec<String>, from: Vec<String>) {
    for item in from {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
