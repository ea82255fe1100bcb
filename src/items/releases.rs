//! Release notes: in a release section (本周发布, SOFA 项目进展, "MOSN v1.1.0 版本发布"),
//! each line announcing a version opens a release; the lists under it are its changes and
//! its link (a `releases/tag/…` one preferred) confirms the version. A project named only
//! in the section title ("SOFAJRaft 本周发布" → "发布 1.3.10 版本") still counts.

use super::blocks::{Block, BlockKind};
use super::projects::{canonical_project, project_of_url, projects_named};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub project: Option<String>,
    pub version: Option<String>,
    pub changes: Vec<String>,
    pub link: Option<String>,
    /// Byte offset of the line announcing it.
    pub offset: usize,
    /// That line, as written.
    pub lead: String,
}

/// Whether a section called `key` holds release notes.
pub fn is_releases_section(key: &str) -> bool {
    ["发布", "release", "项目进展", "版本"]
        .iter()
        .any(|w| key.contains(w))
}

/// The first version-like token of `text`: `v1.3.3`, `1.3.5.Alpha1`, `V6-alpha`, `5.11.0`.
pub fn version_in(text: &str) -> Option<String> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        let prefixed = matches!(c, 'v' | 'V')
            && chars.get(n + 1).is_some_and(|(_, d)| d.is_ascii_digit())
            && (n == 0 || !chars[n - 1].1.is_ascii_alphanumeric());
        let bare = c.is_ascii_digit()
            && (n == 0 || !chars[n - 1].1.is_ascii_alphanumeric() && chars[n - 1].1 != '.');
        if !prefixed && !bare {
            continue;
        }
        let end = chars[n..]
            .iter()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
            .map_or(text.len(), |(j, _)| *j);
        let token = text[i..end].trim_end_matches(['.', '-', '_']);
        let digits = token.trim_start_matches(['v', 'V']);
        // A version has a dot ("1.3.3") or a pre-release tail ("V6-alpha"); a bare number
        // is a count or a date.
        let has_dot = digits.split('.').filter(|p| !p.is_empty()).count() >= 2
            && digits
                .split('.')
                .next()
                .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
        let tagged = prefixed && digits.contains('-');
        if has_dot || tagged {
            return Some(token.to_string());
        }
    }
    None
}

/// A line that announces a release: it mentions a version and releasing.
fn announces(text: &str) -> bool {
    // A version inside a link ("详细发布报告：https://…/releases/tag/v1.0") confirms a
    // release; it does not announce one.
    let text: String = text
        .split_whitespace()
        .filter(|w| !w.contains("http"))
        .collect::<Vec<_>>()
        .join(" ");
    let text = text.as_str();
    let lower = text.to_lowercase();
    version_in(text).is_some()
                // "升级 Dubbo 版本至 2.7.3" is a change, not a release.
        && ["发布", "release"].iter().any(|w| lower.contains(w))
        && crate::text::display_width(text) <= 120
}

/// The version of a `releases/tag/<version>` link.
fn tag_version(url: &str) -> Option<String> {
    let tag = url.split("releases/tag/").nth(1)?;
    let tag = tag.split(['/', '?', '#']).next()?;
    (!tag.is_empty()).then(|| tag.to_string())
}

/// The project an announcing line names: a known one, else the word before the version.
fn project_in(lead: &str) -> Option<String> {
    if let Some(name) = projects_named(lead).into_iter().find(|p| *p != "SOFAStack") {
        return Some(name.to_string());
    }
    let version = version_in(lead)?;
    let before = lead[..lead.find(&version)?].trim_end();
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if word.chars().any(|c| c.is_ascii_alphabetic()) && !word.eq_ignore_ascii_case("v") {
        return Some(canonical_project(&word).map_or(word, str::to_string));
    }
    // "BabaSSL 开源发布 8.3.0 版本": the first word written in capitals or CamelCase.
    before
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| w.len() >= 3 && w.chars().any(|c| c.is_ascii_uppercase()))
        .map(|w| canonical_project(w).map_or(w.to_string(), str::to_string))
}

/// The releases of a release section named `name` made of `blocks`.
pub fn releases(name: &str, name_offset: usize, blocks: &[Block]) -> Vec<Release> {
    let section_project = projects_named(name)
        .into_iter()
        .find(|p| *p != "SOFAStack")
        .map(str::to_string);
    let mut found: Vec<Release> = Vec::new();
    // "MOSN v1.1.0 版本发布" as the title: the section is the release.
    if announces(name) {
        found.push(Release {
            project: project_in(name).or_else(|| section_project.clone()),
            version: version_in(name),
            changes: Vec::new(),
            link: None,
            offset: name_offset,
            lead: name.to_string(),
        });
    }
    for block in blocks {
        // "**本周发布详情如下：**" and the first release may share a paragraph.
        let announcing = (block.kind == BlockKind::Paragraph)
            .then(|| block.text.lines().find(|line| announces(line)))
            .flatten();
        if let Some(first) = announcing {
            let version = version_in(first);
            let project = project_in(first).or_else(|| section_project.clone());
            // The body repeating the title's release ("发布 SOFARPC 5.11.0 版本") is the same one.
            let same = found.last().is_some_and(|r| {
                r.version == version && (r.project == project || project.is_none())
            });
            if !same {
                found.push(Release {
                    project,
                    version,
                    changes: Vec::new(),
                    link: None,
                    offset: block.offset,
                    lead: first.to_string(),
                });
            }
        }
        let Some(current) = found.last_mut() else {
            continue;
        };
        if block.kind == BlockKind::List {
            current
                .changes
                .extend(block.entries.iter().map(|e| e.text.clone()));
        }
        for link in &block.links {
            if let Some(tag) = tag_version(&link.url) {
                current.version = Some(tag);
                current.link = Some(link.url.clone());
                if current.project.is_none() {
                    current.project = project_of_url(&link.url).map(str::to_string);
                }
            } else if current.link.is_none() && block.kind != BlockKind::List {
                current.link = Some(link.url.clone());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::blocks::read_blocks;
    use super::*;

    #[test]
    fn versions() {
        for (text, version) in [
            ("发布 SOFAJRaft v1.3.3，主要变更如下", "v1.3.3"),
            ("SOFAJRaft v1.3.5.Alpha1 版本", "v1.3.5.Alpha1"),
            ("发布 V6-alpha 代码", "V6-alpha"),
            ("发布 1.3.10 版本", "1.3.10"),
        ] {
            assert_eq!(version_in(text).as_deref(), Some(version), "{text}");
        }
        assert_eq!(version_in("共 3 个版本"), None);
        assert_eq!(version_in("SOFA5 发布"), None);
    }

    #[test]
    fn a_release_section_with_two_releases() {
        let md = "**本周发布详情如下：**\n\n**1、发布 SOFA Mosn v0.7.0，主要变更如下：**\n\n- 支持 A\n- 修复 B\n\n\
                  详细发布报告：[https://github.com/mosn/mosn/releases/tag/v0.7.0](https://github.com/mosn/mosn/releases/tag/v0.7.0)\n\n\
                  **2、发布 1.3.10 版本，主要变更如下：**\n\n- 升级 C\n";
        let found = releases("SOFAJRaft 本周发布", 0, &read_blocks(md));
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].project.as_deref(), Some("MOSN"));
        assert_eq!(found[0].version.as_deref(), Some("v0.7.0"));
        assert_eq!(found[0].changes, ["支持 A", "修复 B"]);
        assert!(found[0].link.as_deref().unwrap().contains("releases/tag"));
        assert_eq!(
            found[1].project.as_deref(),
            Some("SOFAJRaft"),
            "from the section title"
        );
        assert_eq!(found[1].version.as_deref(), Some("1.3.10"));
    }

    #[test]
    fn a_title_release_is_not_counted_twice() {
        let md = "发布 SOFARPC 5.11.0 版本，主要变更如下:\n\n- 支持 M1\n";
        let found = releases("SOFARPC 5.11.0 版本发布", 0, &read_blocks(md));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].changes, ["支持 M1"]);
    }
}
