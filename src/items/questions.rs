//! Reader questions: in a Q&A section, each asker line (`**1、@name** 提问：`, `@name 提问：`,
//! `**1.@user #123**`) opens a question; the quoted text is the question, the `A：` text
//! and any follow-up turns the answer, and an editor's project line after the answer
//! (`Seata：https://github.com/seata/seata`, `**「MOSN」**：…`) its project.

use super::blocks::{Block, BlockKind};
use super::projects::{canonical_project, project_by_keywords, project_of_url, projects_named};
use super::sections::strip_numbering;

/// An asker line is at most this wide; a longer line with "提问" is prose about asking.
const ASKER_LINE_MAX_WIDTH: usize = 48;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub asker: String,
    pub question: String,
    pub answer: String,
    pub project: Option<String>,
    /// Byte offset of the asker line.
    pub offset: usize,
    /// The editor's project link, when there is one.
    pub link: Option<String>,
}

/// Whether a section called `key` (see [`super::section_key`]) holds reader questions.
pub fn is_questions_section(key: &str) -> bool {
    key.contains("问答")
        || (key.contains("issue") && key.contains("精选"))
        || key.contains("questions")
}

/// The asker of an asker line, if `line` is one.
/// `bold` tells whether the line opens with bold text: without an `@`, a number or bold,
/// "…提问" is prose ("欢迎提问").
fn asker_of(line: &str, bold: bool) -> Option<String> {
    // Bold marks that did not parse (`**1、@name **提问：`) stay in the text.
    let bold = bold || line.trim_start().starts_with("**");
    let line = line.replace('*', "");
    let line = line.trim();
    if crate::text::display_width(line) > ASKER_LINE_MAX_WIDTH {
        return None;
    }
    let unnumbered = strip_numbering(line);
    let numbered = unnumbered.len() != line.len();
    let rest = unnumbered.trim_start_matches(['*', ' ']);
    let at = rest.starts_with(['@', '＠']);
    let asks = rest.find("提问").filter(|&at| {
        rest[at + "提问".len()..]
            .chars()
            .all(|c| c.is_whitespace() || "*:：".contains(c))
    });
    if !(at || (asks.is_some() && (numbered || bold))) {
        return None;
    }
    let name_end = [asks, rest.find(" #"), rest.find('#')]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    let name = rest[..name_end]
        .trim_start_matches(['@', '＠'])
        .trim_matches(|c: char| c.is_whitespace() || "*:：".contains(c));
    // "@name" alone with no "提问" is an asker only when it is all the line says
    // (`**1.@user #123**`), not a sentence that starts by mentioning someone.
    if asks.is_none() && name.split_whitespace().count() > 3 {
        return None;
    }
    // "关于 SOFAJRaft 的提问：" introduces a topic, not an asker.
    if name.ends_with('的') || name.starts_with("关于") {
        return None;
    }
    (!name.is_empty()).then(|| name.to_string())
}

/// A paragraph that starts an answer: `A：`, `A:`, `答：`.
fn answer_start(text: &str) -> Option<&str> {
    let text = text.trim_start();
    for prefix in ["A：", "A:", "答：", "回答：", "A ：", "A :"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return Some(rest.trim_start());
        }
    }
    None
}

/// An editor's project line: `Seata：https://github.com/seata/seata`,
/// `「SOFARegistry」：[…](https://github.com/sofastack/sofa-registry)`, `**「MOSN」**：…`.
/// Returns the project and its link.
fn project_line(line: &str, block: &Block) -> Option<(String, Option<String>)> {
    let line = line.trim();
    // "A：see https://github.com/…" is an answer that quotes a link.
    if answer_start(line).is_some() {
        return None;
    }
    let colon = line.find(['：', ':'])?;
    let label = line[..colon].trim_matches(|c: char| c.is_whitespace() || "*「」【】_".contains(c));
    let after = line[colon..].trim_start_matches(['：', ':', ' ', '*']);
    let url = block
        .links
        .iter()
        .find(|l| after.contains(&l.text) || after.contains(&l.url))
        .map(|l| l.url.clone())
        .or_else(|| {
            after
                .starts_with("http")
                .then(|| after.split_whitespace().next().unwrap_or(after).to_string())
        })?;
    if label.is_empty() || crate::text::display_width(label) > 30 || !url.contains("github.com") {
        return None;
    }
    // "SOFAStack：https://github.com/sofastack/sofa-jraft": the umbrella names no project,
    // the repository does.
    let project = canonical_project(label)
        .filter(|p| *p != "SOFAStack")
        .or_else(|| project_of_url(&url))
        .or_else(|| canonical_project(label))
        .map(str::to_string)
        // A project we do not know is still a project if its label looks like a name
        // ("Holmes", "sofa-jarslink"), not a sentence ("3.客户端支持哪些").
        .or_else(|| {
            let name_like = label.is_ascii()
                && label.starts_with(|c: char| c.is_ascii_alphabetic())
                && label.split_whitespace().count() <= 2;
            name_like.then(|| label.to_string())
        })?;
    Some((project, Some(url)))
}

/// Text a question is being built from.
#[derive(Default)]
struct Draft {
    asker: String,
    offset: usize,
    question: Vec<String>,
    answer: Vec<String>,
    project: Option<(String, Option<String>)>,
    answered: bool,
}

impl Draft {
    fn finish(self) -> Question {
        let question = self.question.join("\n").trim().to_string();
        let answer = self.answer.join("\n\n").trim().to_string();
        let (project, link) = match self.project {
            // "SOFAStack：…" names the umbrella, which a named project or keyword beats.
            Some((project, link)) if project != "SOFAStack" => (Some(project), link),
            umbrella => {
                let link = umbrella.as_ref().and_then(|(_, link)| link.clone());
                let named = projects_named(&format!("{question}\n{answer}"));
                let project = named
                    .into_iter()
                    .find(|p| *p != "SOFAStack")
                    .or_else(|| project_by_keywords(&format!("{question}\n{answer}")))
                    .or(umbrella.as_ref().map(|_| "SOFAStack"));
                (project.map(str::to_string), link)
            }
        };
        Question {
            asker: self.asker,
            question,
            answer,
            project,
            offset: self.offset,
            link,
        }
    }
}

/// The questions of a Q&A section made of `blocks`.
pub fn questions(blocks: &[Block]) -> Vec<Question> {
    let mut done = Vec::new();
    let mut draft: Option<Draft> = None;
    for block in blocks {
        if matches!(block.kind, BlockKind::Heading(_) | BlockKind::Rule) && draft.is_some() {
            break;
        }
        let lines: Vec<&str> = block.text.lines().collect();
        // An asker line may sit inside a paragraph, after the previous answer's lines
        // when no blank line came between, or in a quote that swallowed it as a lazy
        // continuation; in a quote only an explicit "提问" counts ("> @Override" is code).
        let quoted = block.kind == BlockKind::Quote;
        let can_ask = block.kind == BlockKind::Paragraph || quoted;
        let mut from = 0;
        for (n, line) in lines.iter().enumerate() {
            let bold = n == 0 && block.bold_lead.is_some();
            let Some(asker) =
                asker_of(line, bold).filter(|_| can_ask && (!quoted || line.contains("提问")))
            else {
                continue;
            };
            if let Some(current) = draft.as_mut() {
                absorb(current, block, &lines[from..n]);
            }
            from = n + 1;
            // `**1.@MOSN #2347**` then `@huayangchan`: the first line named the project
            // the issue was filed under, the second the asker.
            if let Some(header) = draft
                .as_mut()
                .filter(|d| d.question.is_empty() && d.answer.is_empty())
            {
                if header.project.is_none() {
                    header.project =
                        canonical_project(&header.asker).map(|p| (p.to_string(), None));
                }
                header.asker = asker;
                continue;
            }
            if let Some(previous) = draft.take() {
                done.push(previous.finish());
            }
            let mut new = Draft {
                asker,
                offset: block.offset,
                ..Draft::default()
            };
            // "提问：" may carry the question on the same line.
            let same_line = line
                .split_once("提问")
                .map(|(_, q)| q.trim_start_matches([':', '：', ' ', '*']));
            if let Some(q) = same_line.filter(|q| !q.is_empty()) {
                new.question.push(q.to_string());
            }
            draft = Some(new);
        }
        if let Some(current) = draft.as_mut() {
            absorb(current, block, &lines[from..]);
        }
    }
    if let Some(last) = draft {
        done.push(last.finish());
    }
    done
}

/// Adds `lines` of `block` to the question being read: to its question until an answer
/// starts, then to its answer; the editor's project line is taken out.
fn absorb(current: &mut Draft, block: &Block, lines: &[&str]) {
    let text = lines.join("\n");
    // A paragraph may end with the project line after a `<br/>`.
    let answering = current.answered || answer_start(&text).is_some();
    let mut kept = Vec::new();
    for line in lines {
        if block.kind == BlockKind::Paragraph
            && answering
            && let Some(project) = project_line(line, block)
        {
            current.project.get_or_insert(project);
        } else {
            kept.push(*line);
        }
    }
    let text = kept.join("\n");
    if text.trim().is_empty() {
        return;
    }
    if let Some(answer) = answer_start(&text) {
        current.answered = true;
        current.answer.push(answer.to_string());
    } else if current.answered {
        // A follow-up turn ("> 我理解…" then another "A："), or more of the answer.
        current.answer.push(text);
    } else {
        current.question.push(text);
    }
}

#[cfg(test)]
mod tests {
    use super::super::blocks::read_blocks;
    use super::*;

    #[test]
    fn asker_lines_in_their_many_spellings() {
        for (line, name) in [
            ("1、@张思雨提问：", "张思雨"),
            ("@林楠 提问：", "林楠"),
            ("1. @dengqian #2203", "dengqian"),
            ("2. 肖文璧 提问", "肖文璧"),
            ("@jiaxin shan 提问：", "jiaxin shan"),
            ("3、 @ 王 ** 提问:", "王"),
            ("**1、@J~杰 **提问：", "J~杰"),
            ("**2、王国柱 **提问：", "王国柱"),
        ] {
            assert_eq!(asker_of(line, false).as_deref(), Some(name), "{line}");
        }
        assert_eq!(asker_of("欢迎提问", false), None);
        assert_eq!(asker_of("**1、关于 SOFAJRaft 的提问：**", true), None);
        assert_eq!(
            asker_of("**黄润良** 提问：", true).as_deref(),
            Some("黄润良")
        );
        assert_eq!(
            asker_of(
                "欢迎大家向公众号留言提问或在群里与我们互动，我们会筛选重点问题通过 SOFA WEEKLY 的形式回复",
                true
            ),
            None
        );
        assert_eq!(asker_of("A：可以的", true), None);
    }

    #[test]
    fn a_question_with_its_answer_follow_up_and_project_line() {
        let md = "欢迎提问\n\n**1、@郝连帅** 提问：\n\n> 回滚失败有告警吗？\n\nA：可以的。<br/>\nSeata：[https://github.com/seata/seata](https://github.com/seata/seata)\n\n\
                  @林楠 提问：\n\n> Layotto 有案例吗？\n\nA：有。\n\n> 那 FaaS 呢？\n\nA：在探索。\n\n\
                  「Layotto」：[https://github.com/mosn/layotto](https://github.com/mosn/layotto)\n";
        let found = questions(&read_blocks(md));
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].asker, "郝连帅");
        assert_eq!(found[0].question, "回滚失败有告警吗？");
        assert_eq!(found[0].answer, "可以的。");
        assert_eq!(found[0].project.as_deref(), Some("Seata"));
        assert_eq!(found[1].answer, "有。\n\n那 FaaS 呢？\n\n在探索。");
        assert_eq!(found[1].project.as_deref(), Some("Layotto"));
        assert_eq!(
            found[1].link.as_deref(),
            Some("https://github.com/mosn/layotto")
        );
    }

    #[test]
    fn without_a_project_line_names_then_keywords_decide() {
        let md = "@a 提问：\n\n> TCC 模式空回滚怎么办？\n\nA：看文档。\n\n@b 提问：\n\n> SOFARPC 支持 gRPC 吗？\n\nA：支持。\n";
        let found = questions(&read_blocks(md));
        assert_eq!(found[0].project.as_deref(), Some("Seata"));
        assert_eq!(found[1].project.as_deref(), Some("SOFARPC"));
    }
}
