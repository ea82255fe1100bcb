//! Project names: the aliases one project is written under, and the keywords that point to
//! a project when no name is written. The data is SOFAStack's; the rules (aliases compared
//! without case, spaces or dashes; a name as a whole ASCII word) are not.

/// Canonical name, then its aliases (compared by [`alias_key`]).
const PROJECTS: &[(&str, &[&str])] = &[
    ("MOSN", &["mosn", "sofamosn"]),
    ("Seata", &["seata", "fescar"]),
    ("SOFAJRaft", &["sofajraft", "jraft"]),
    ("SOFARPC", &["sofarpc"]),
    // "SOFARegistery" is how some issues spell it.
    ("SOFARegistry", &["sofaregistry", "sofaregistery"]),
    ("SOFABoot", &["sofaboot"]),
    ("SOFAArk", &["sofaark"]),
    ("SOFATracer", &["sofatracer"]),
    ("SOFABolt", &["sofabolt", "bolt"]),
    ("SOFALookout", &["sofalookout", "lookout"]),
    ("SOFADashboard", &["sofadashboard"]),
    ("SOFAMesh", &["sofamesh"]),
    ("SOFAActs", &["sofaacts", "acts"]),
    ("SOFAHessian", &["sofahessian", "hessian"]),
    ("SOFA-Common-Tools", &["sofacommontools", "commontools"]),
    ("SOFAServerless", &["sofaserverless", "koupleless"]),
    ("Layotto", &["layotto"]),
    ("Occlum", &["occlum"]),
    ("Holmes", &["holmes"]),
    ("Nydus", &["nydus"]),
    // Tongsuo was called BabaSSL until 2022.
    ("Tongsuo", &["tongsuo", "babassl", "铜锁"]),
    ("SOFAStack", &["sofastack"]),
];

/// Words that point to a project when none is named. Case matters for the ASCII ones
/// ("AT" mode is Seata's; "at" is English).
const KEYWORDS: &[(&str, &[&str])] = &[
    (
        "Seata",
        &[
            "AT",
            "TCC",
            "Saga",
            "saga",
            "XA",
            "undo_log",
            "undolog",
            "TC",
            "TM",
            "RM",
            "GlobalTransactional",
            "全局事务",
            "分布式事务",
            "二阶段",
            "回滚",
        ],
    ),
    (
        "SOFAJRaft",
        &[
            "Raft",
            "raft",
            "RheaKV",
            "rheakv",
            "Multi-Raft",
            "选举",
            "onApply",
            "snapshot",
            "Snapshot",
            "快照",
            "follower",
            "Follower",
            "leader",
            "Leader",
            "Learner",
        ],
    ),
    (
        "MOSN",
        &[
            "Sidecar",
            "sidecar",
            "xDS",
            "Istio",
            "istio",
            "Envoy",
            "Service Mesh",
            "Mesh",
            "readloop",
            "fd",
            "filter",
            "热升级",
            "平滑升级",
        ],
    ),
    (
        "SOFAArk",
        &["Ark", "ark-biz", "Biz", "ark-plugin", "合并部署", "类隔离"],
    ),
    (
        "SOFATracer",
        &["Tracer", "tracer", "链路追踪", "埋点", "Zipkin"],
    ),
    (
        "SOFARegistry",
        &["注册中心", "DataServer", "SessionServer", "MetaServer"],
    ),
    (
        "SOFABoot",
        &[
            "readiness",
            "Readiness",
            "健康检查",
            "Spring Boot",
            "SpringBoot",
        ],
    ),
    ("SOFARPC", &["RPC", "rpc", "泛化调用"]),
    ("Occlum", &["SGX", "enclave", "Enclave", "TEE", "LibOS"]),
    ("Layotto", &["Runtime", "runtime", "Dapr", "WASM", "Wasm"]),
];

/// How aliases are compared: lowercase, without spaces, dashes and underscores.
pub fn alias_key(name: &str) -> String {
    crate::tags::tag_key(name)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.'))
        .collect()
}

/// The canonical name of a project written `name`, if it is one we know.
///
/// ```
/// use sofa_weekly::items::canonical_project;
/// assert_eq!(canonical_project("SOFA Mosn"), Some("MOSN"));
/// assert_eq!(canonical_project("sofa-rpc"), Some("SOFARPC"));
/// assert_eq!(canonical_project("nothing"), None);
/// ```
pub fn canonical_project(name: &str) -> Option<&'static str> {
    let key = alias_key(name);
    PROJECTS
        .iter()
        .find(|(canonical, aliases)| alias_key(canonical) == key || aliases.contains(&key.as_str()))
        .map(|(canonical, _)| *canonical)
}

/// The project of a GitHub repository link (`github.com/sofastack/sofa-rpc/...`).
pub fn project_of_url(url: &str) -> Option<&'static str> {
    let rest = url.split("github.com/").nth(1)?;
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    let _owner = parts.next()?;
    let repo = parts.next()?;
    canonical_project(repo)
}

/// ASCII words of `text` (letters, digits, `-`, `_`), with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut start = None;
    let mut out = Vec::new();
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, is_word(c)) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    out.into_iter()
}

/// Projects named in `text`, in order of first mention. "SOFA Mosn" (two words) counts.
pub fn projects_named(text: &str) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = Vec::new();
    let mut add = |name: &'static str| {
        if !found.contains(&name) {
            found.push(name);
        }
    };
    let words: Vec<(usize, &str)> = words(text).collect();
    for (i, (_, word)) in words.iter().enumerate() {
        // Short lowercase words ("acts", "bolt") are English more often than projects.
        let name = canonical_project(word)
            .filter(|_| word.len() > 5 || word.chars().any(|c| c.is_ascii_uppercase()));
        if let Some(name) = name {
            add(name);
            continue;
        }
        if word.eq_ignore_ascii_case("sofa")
            && let Some((_, next)) = words.get(i + 1)
            && let Some(name) = canonical_project(&format!("sofa{next}"))
        {
            add(name);
        }
    }
    for (name, aliases) in PROJECTS {
        for alias in aliases.iter().filter(|a| !a.is_ascii()) {
            if text.contains(alias) {
                add(name);
            }
        }
    }
    found
}

/// The project `text`'s keywords point to: the one with the most keyword hits.
pub fn project_by_keywords(text: &str) -> Option<&'static str> {
    let words: Vec<&str> = words(text).map(|(_, w)| w).collect();
    KEYWORDS
        .iter()
        .map(|(project, keywords)| {
            let hits = keywords
                .iter()
                .filter(|k| {
                    if k.is_ascii() && !k.contains(' ') {
                        words.contains(k)
                    } else {
                        text.contains(*k)
                    }
                })
                .count();
            (hits, *project)
        })
        .filter(|(hits, _)| *hits > 0)
        .max_by_key(|(hits, _)| *hits)
        .map(|(_, project)| project)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_meet() {
        for alias in ["SOFA Mosn", "SOFAMosn", "MOSN", "mosn"] {
            assert_eq!(canonical_project(alias), Some("MOSN"), "{alias}");
        }
        assert_eq!(
            project_of_url("https://github.com/sofastack/sofa-jraft/releases/tag/1.3.3"),
            Some("SOFAJRaft")
        );
        assert_eq!(
            projects_named("用 SOFA Mosn 和 sofa-rpc，不是 bolt"),
            ["MOSN", "SOFARPC"]
        );
        assert_eq!(
            project_by_keywords("AT 模式下 undo_log 没有删除"),
            Some("Seata")
        );
        assert_eq!(project_by_keywords("look at this"), None);
    }
}
