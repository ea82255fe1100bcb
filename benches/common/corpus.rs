//! A deterministic generator of synthetic newsletter archives, for benchmarks and for trying
//! the reader on a large library.
//!
//! Shared by `examples/gen-corpus.rs` and the benches, which include this file with
//! `#[path = "…/benches/common/corpus.rs"] mod corpus;` so the two always measure the same
//! posts. Post `i` depends only on `i`: the same index gives the same bytes on every run and
//! every machine, and a corpus of N posts is the first N posts of any larger one.
//!
//! The posts imitate a ten-year archive of community weeklies: YAML front matter with dates
//! from 2015 to 2025 and one to four tags from a vocabulary of about fifty; mostly Chinese
//! text with English posts and paragraphs mixed in, built from written sentences rather than
//! random characters, so wrapping, search and topic detection see realistic text; headings,
//! lists, tables, code blocks, quoted questions and links. Sizes follow a log-normal shape
//! between 2 and 40 KiB with a median near 8 KiB.

// Each target that includes this file uses a different part of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};

#[path = "corpus_text.rs"]
mod text;
use text::*;

/// Smallest and largest post, in bytes.
pub const MIN_BYTES: usize = 2 * 1024;
pub const MAX_BYTES: usize = 40 * 1024;

/// Writes posts `0..n` below `dir` (creating folders as needed) and returns their sizes in
/// bytes, in index order. Existing files with the same names are overwritten.
pub fn write_corpus(n: u64, dir: &Path) -> io::Result<Vec<usize>> {
    let mut sizes = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    for index in 0..n {
        let (rel_path, text) = generate_post(index);
        let path = dir.join(&rel_path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|err| with_path(err, parent))?;
        }
        fs::write(&path, &text).map_err(|err| with_path(err, &path))?;
        sizes.push(text.len());
    }
    Ok(sizes)
}

fn with_path(err: io::Error, path: &Path) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}

/// Post number `index`: its path relative to the archive root (`YYYY/YYYY-MM-DD-slug-N.md`)
/// and its text, front matter included.
pub fn generate_post(index: u64) -> (String, String) {
    let mut rng = SplitMix64::new(SEED ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
    let plan = PostPlan::draw(&mut rng, index);
    let mut text = String::with_capacity(plan.target_bytes + 2048);
    plan.write_front_matter(&mut text);
    plan.write_body(&mut rng, &mut text);
    let rel_path = format!(
        "{}/{}-{}-{index:05}.md",
        plan.date.year(),
        plan.date.format("%Y-%m-%d"),
        plan.slug
    );
    (rel_path, text)
}

/// Count, total and quantiles of a list of file sizes, for printing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeSummary {
    pub count: usize,
    pub total: usize,
    pub min: usize,
    pub p10: usize,
    pub median: usize,
    pub p90: usize,
    pub max: usize,
}

impl SizeSummary {
    /// `None` for an empty list.
    pub fn from_sizes(sizes: &[usize]) -> Option<SizeSummary> {
        let mut sorted = sizes.to_vec();
        sorted.sort_unstable();
        let at = |fraction: f64| sorted[((sorted.len() - 1) as f64 * fraction).round() as usize];
        Some(SizeSummary {
            count: sorted.len(),
            total: sorted.iter().sum(),
            min: *sorted.first()?,
            p10: at(0.1),
            median: at(0.5),
            p90: at(0.9),
            max: *sorted.last()?,
        })
    }
}

const SEED: u64 = 0x50FA_3EE1_C0DE_2015;

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and good enough for test data.
/// Written here rather than taken from `rand` so the stream can never change under us with
/// a dependency upgrade, which would silently change every benchmark input.
struct SplitMix64(u64);

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0), by multiply-shift: no modulo bias worth mentioning for
    /// the small `n` used here.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`, from the top 53 bits.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn percent(&mut self, chance: usize) -> bool {
        self.below(100) < chance
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Like `pick`, but favouring the front of the list (the smaller of two draws), so a
    /// few entries are common and the rest rare, as tags are in a real archive.
    fn pick_skewed<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let index = self.below(items.len()).min(self.below(items.len()));
        &items[index]
    }
}

/// Quantiles of a log-normal distribution with median 8 KiB and sigma 0.6, at p = i/32,
/// clamped to 2–40 KiB at the ends. Interpolating in a table keeps the sizes identical on
/// every platform, which `f64::exp` and `ln` (from the system's libm) would not promise.
const SIZE_QUANTILES: [usize; 33] = [
    2048, 2679, 3263, 3715, 4108, 4469, 4811, 5141, 5466, 5787, 6110, 6435, 6766, 7105, 7454, 7816,
    8192, 8587, 9003, 9445, 9918, 10428, 10984, 11596, 12279, 13053, 13950, 15017, 16336, 18065,
    20566, 25048, 40960,
];

fn draw_size(rng: &mut SplitMix64) -> usize {
    let position = rng.unit() * 32.0;
    let segment = position as usize;
    let (low, high) = (SIZE_QUANTILES[segment], SIZE_QUANTILES[segment + 1]);
    low + ((high - low) as f64 * (position - segment as f64)) as usize
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Language {
    Chinese,
    English,
}

/// Everything decided about a post before its text is written.
struct PostPlan {
    language: Language,
    /// The project the post is about; `None` for posts about nothing in particular, so
    /// topic detection has posts to leave alone.
    project: Option<&'static Project>,
    date: NaiveDate,
    hour: usize,
    minute: usize,
    title: String,
    slug: &'static str,
    author: &'static str,
    tags: Vec<String>,
    /// Indices in `THEMES`: what the post mostly talks about, and what else. Keeping each
    /// post to two subjects keeps topic tags as selective as in a real archive.
    themes: [usize; 2],
    category: Option<&'static str>,
    target_bytes: usize,
}

impl PostPlan {
    fn draw(rng: &mut SplitMix64, index: u64) -> PostPlan {
        let language = if rng.percent(75) {
            Language::Chinese
        } else {
            Language::English
        };
        let project = rng.percent(70).then(|| rng.pick(PROJECTS));
        let main_theme = project.map_or_else(|| rng.below(THEMES.len()), |p| p.theme);
        let side_theme = rng.below(THEMES.len());
        // 2015-01-01 plus up to eleven years of days: the whole of 2015–2025.
        let first_day = NaiveDate::from_ymd_opt(2015, 1, 1).expect("valid date");
        let date = first_day + Days::new(rng.below(4018) as u64);
        let weekly = rng.percent(60);
        let (title, slug) = draw_title(rng, language, project, weekly, index);
        let tags = draw_tags(rng, project, weekly);
        PostPlan {
            language,
            project,
            date,
            hour: rng.between(8, 22),
            minute: rng.below(12) * 5,
            title,
            slug,
            author: rng.pick::<&str>(AUTHORS),
            tags,
            themes: [main_theme, side_theme],
            category: (weekly && rng.percent(50)).then_some("SOFA Weekly"),
            target_bytes: draw_size(rng),
        }
    }

    fn write_front_matter(&self, out: &mut String) {
        let description = match self.language {
            Language::Chinese => format!(
                "【{}】每周精选，筛选每周精华问答，同步开源进展，欢迎留言互动。",
                self.date.format("%m/%d")
            ),
            Language::English => {
                "Releases, answers to readers' questions and community news.".to_owned()
            }
        };
        let tags: Vec<String> = self.tags.iter().map(|tag| format!("\"{tag}\"")).collect();
        let _ = writeln!(out, "---");
        let _ = writeln!(out, "title: \"{}\"", self.title);
        let _ = writeln!(
            out,
            "date: {}T{:02}:{:02}:00+08:00",
            self.date.format("%Y-%m-%d"),
            self.hour,
            self.minute
        );
        let _ = writeln!(out, "author: \"{}\"", self.author);
        let _ = writeln!(out, "description: \"{description}\"");
        if let Some(category) = self.category {
            let _ = writeln!(out, "categories: \"{category}\"");
        }
        let _ = writeln!(out, "tags: [{}]", tags.join(", "));
        let _ = writeln!(out, "---\n");
    }

    fn write_body(&self, rng: &mut SplitMix64, out: &mut String) {
        match self.language {
            Language::Chinese => {
                out.push_str("**SOFA WEEKLY | 每周精选，筛选每周精华问答，同步开源进展**\n\n")
            }
            Language::English => out.push_str("*The week in the community, in one page.*\n\n"),
        }
        let mut writer = BlockWriter {
            plan: self,
            last: Block::Paragraph,
            questions: 0,
            asked: Vec::new(),
            references: Vec::new(),
        };
        // Blocks are added whole until the post reaches its drawn size; one that would push
        // it past the maximum is skipped, so sizes stay within MIN_BYTES..=MAX_BYTES.
        let mut block = String::new();
        let mut attempts = 0;
        while out.len() < self.target_bytes && attempts < 1000 {
            attempts += 1;
            block.clear();
            let references_before = writer.references.len();
            writer.write_block(rng, &mut block);
            if out.len() + block.len() + self.references_len(&writer) <= MAX_BYTES {
                out.push_str(&block);
            } else {
                writer.references.truncate(references_before);
            }
        }
        for (label, url) in &writer.references {
            let _ = writeln!(out, "[{label}]: {url}");
        }
        // The drawn size is at least MIN_BYTES, and below it every block fits.
        debug_assert!((MIN_BYTES..=MAX_BYTES).contains(&out.len()));
    }

    fn references_len(&self, writer: &BlockWriter) -> usize {
        writer
            .references
            .iter()
            .map(|(label, url)| label.len() + url.len() + 5)
            .sum()
    }
}

fn draw_title(
    rng: &mut SplitMix64,
    language: Language,
    project: Option<&'static Project>,
    weekly: bool,
    index: u64,
) -> (String, &'static str) {
    let name = project.map_or("SOFAStack", |p| p.name);
    match (language, weekly) {
        (Language::Chinese, true) => (
            format!(
                "SOFA Weekly | {name} 发布、{}问答、{}（第 {} 期）",
                rng.pick(ZH_TITLE_TOPICS),
                rng.pick(ZH_TITLE_EVENTS),
                index + 1
            ),
            "weekly",
        ),
        (Language::Chinese, false) => (
            format!(
                "{name} 实践 | {}：{}",
                rng.pick(ZH_TITLE_TOPICS),
                rng.pick(ZH_TITLE_ANGLES)
            ),
            "article",
        ),
        (Language::English, true) => (
            format!(
                "SOFA Weekly | {name} release, {} and {} (issue {})",
                rng.pick(EN_TITLE_TOPICS),
                rng.pick(EN_TITLE_EVENTS),
                index + 1
            ),
            "weekly-en",
        ),
        (Language::English, false) => (
            format!(
                "{}: {} in {name}",
                rng.pick(EN_TITLE_ANGLES),
                rng.pick(EN_TITLE_TOPICS)
            ),
            "notes",
        ),
    }
}

/// One to four tags, without two spellings of the same tag in one post. Now and then an
/// English tag is written in lower case, as real archives do, so tag normalisation has
/// work to do.
fn draw_tags(rng: &mut SplitMix64, project: Option<&Project>, weekly: bool) -> Vec<String> {
    let wanted = rng.between(1, 4);
    let mut tags: Vec<String> = Vec::with_capacity(wanted);
    if weekly {
        tags.push("SOFA Weekly".to_owned());
    }
    if let Some(project) = project.filter(|_| rng.percent(50)) {
        tags.push(project.name.to_owned());
    }
    let mut attempts = 0;
    while tags.len() < wanted && attempts < 20 {
        attempts += 1;
        let mut tag = (*rng.pick_skewed(TAGS)).to_owned();
        if rng.percent(5) {
            tag = tag.to_lowercase();
        }
        if !tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
            tags.push(tag);
        }
    }
    tags.truncate(wanted.max(1));
    tags
}

/// The kinds of block a post is made of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Paragraph,
    /// A paragraph in the other language: Chinese posts quote English and the reverse.
    OtherLanguage,
    Heading,
    List,
    Table,
    Code,
    Question,
    Link,
}

impl Block {
    /// Weighted by how often each appears in real weeklies, roughly.
    fn draw(rng: &mut SplitMix64) -> Block {
        match rng.below(100) {
            0..=34 => Block::Paragraph,
            35..=44 => Block::OtherLanguage,
            45..=54 => Block::Heading,
            55..=66 => Block::List,
            67..=73 => Block::Table,
            74..=83 => Block::Code,
            84..=93 => Block::Question,
            _ => Block::Link,
        }
    }
}

/// Writes `sentence` wrapped in `marker`, leaving its final punctuation outside: `**…**。`
/// closes the emphasis by CommonMark's flanking rules, `**…。**` followed by a Chinese
/// character would not.
fn emphasise(sentence: &str, marker: &str, out: &mut String) {
    let (core, end) = match sentence.char_indices().last() {
        Some((at, c)) if "。！？.!?".contains(c) => sentence.split_at(at),
        _ => (sentence, ""),
    };
    let _ = write!(out, "{marker}{core}{marker}{end}");
}

/// Writes one block at a time, remembering what must come once per post.
struct BlockWriter<'p> {
    plan: &'p PostPlan,
    last: Block,
    questions: usize,
    asked: Vec<String>,
    references: Vec<(String, String)>,
}

impl BlockWriter<'_> {
    fn write_block(&mut self, rng: &mut SplitMix64, out: &mut String) {
        let own = self.plan.language;
        let other = match own {
            Language::Chinese => Language::English,
            Language::English => Language::Chinese,
        };
        let kind = loop {
            let kind = Block::draw(rng);
            // Two lists in a row would read as one, and two headings in a row as an
            // empty section.
            if !(kind == self.last && matches!(kind, Block::List | Block::Heading)) {
                break kind;
            }
        };
        self.last = kind;
        match kind {
            Block::Paragraph => self.paragraph(rng, own, out),
            Block::OtherLanguage => self.paragraph(rng, other, out),
            Block::Heading => self.heading(rng, out),
            Block::List => self.list(rng, out),
            Block::Table => self.table(rng, out),
            Block::Code => self.code(rng, out),
            Block::Question => self.question(rng, out),
            Block::Link => self.link(rng, out),
        }
    }

    /// The project's name for `{p}`, or `None` when the post has no project, in which case
    /// text naming one is passed over.
    fn fill_project(&self, template: &str) -> Option<String> {
        match self.plan.project {
            Some(project) => Some(template.replace("{p}", project.name)),
            None if template.contains("{p}") => None,
            None => Some(template.to_owned()),
        }
    }

    /// A pick from `pool` that suits the post (see `fill_project`).
    fn pick_filled(&self, rng: &mut SplitMix64, pool: &[&str]) -> String {
        loop {
            if let Some(text) = self.fill_project(rng.pick::<&str>(pool)) {
                return text;
            }
        }
    }

    /// A sentence from the pool for `language`, naming the post's project; posts without
    /// one only get sentences that name no project.
    fn sentence(&self, rng: &mut SplitMix64, language: Language) -> String {
        let (theme, own_subject) = match rng.below(100) {
            0..=59 => (&THEMES[self.plan.themes[0]], true),
            60..=84 => (&THEMES[self.plan.themes[1]], false),
            _ => (&GENERAL, true),
        };
        let pool = match language {
            Language::Chinese => theme.zh,
            Language::English => theme.en,
        };
        loop {
            let sentence = *rng.pick(pool);
            // A side theme's sentences about "{p}" describe another kind of project
            // (a Raft library has no transaction coordinator): only its general ones fit.
            if (own_subject || !sentence.contains("{p}"))
                && let Some(sentence) = self.fill_project(sentence)
            {
                return sentence;
            }
        }
    }

    fn paragraph(&self, rng: &mut SplitMix64, language: Language, out: &mut String) {
        let count = rng.between(2, 6);
        let mut used: Vec<String> = Vec::with_capacity(count);
        for i in 0..count {
            let mut sentence = self.sentence(rng, language);
            // A writer does not say the same thing twice in one paragraph.
            for _ in 0..8 {
                if !used.contains(&sentence) {
                    break;
                }
                sentence = self.sentence(rng, language);
            }
            used.push(sentence.clone());
            if language == Language::English && i > 0 {
                out.push(' ');
            }
            // Some inline styling, as writers use it.
            match rng.below(20) {
                0 => emphasise(&sentence, "**", out),
                1 => emphasise(&sentence, "*", out),
                _ => out.push_str(&sentence),
            }
        }
        out.push_str("\n\n");
    }

    fn heading(&self, rng: &mut SplitMix64, out: &mut String) {
        let level = if rng.percent(60) { "##" } else { "###" };
        let text = match self.plan.language {
            Language::Chinese => rng.pick(ZH_HEADINGS),
            Language::English => rng.pick(EN_HEADINGS),
        };
        let _ = writeln!(out, "{level} {text}\n");
    }

    fn list(&self, rng: &mut SplitMix64, out: &mut String) {
        let ordered = rng.percent(30);
        let nested = rng.percent(30);
        let mut items: Vec<String> = LIST_ITEMS
            .iter()
            .filter_map(|item| self.fill_project(item))
            .collect();
        for n in 1..=rng.between(3, 6) {
            // Without replacement: a list does not repeat itself.
            let item = items.swap_remove(rng.below(items.len()));
            if ordered {
                let _ = writeln!(out, "{n}. {item}");
            } else {
                let _ = writeln!(out, "- {item}");
            }
            if nested && n == 1 {
                let indent = if ordered { "   " } else { "  " };
                let first = rng.below(LIST_ITEMS_SHORT.len());
                for sub in 1..=rng.between(2, 3) {
                    let item = LIST_ITEMS_SHORT[(first + sub) % LIST_ITEMS_SHORT.len()];
                    let _ = writeln!(out, "{indent}{sub}. {item}");
                }
            }
        }
        out.push('\n');
    }

    fn table(&self, rng: &mut SplitMix64, out: &mut String) {
        let name = self.plan.project.map_or("SOFAStack", |p| p.name);
        match rng.below(3) {
            0 => {
                out.push_str("| 版本 | 发布日期 | 主要变化 |\n|------|----------|----------|\n");
                let (major, minor) = (rng.between(0, 2), rng.between(0, 9));
                // Releases the post can know about: up to three months before it, newest last.
                let patches = rng.between(2, 6);
                for patch in 0..patches {
                    let days_before = (patches - patch) * rng.between(3, 15);
                    let released = self.plan.date - Days::new(days_before as u64);
                    let _ = writeln!(
                        out,
                        "| {name} v{major}.{minor}.{patch} | {} | {} |",
                        released.format("%Y-%m-%d"),
                        rng.pick(LIST_ITEMS_SHORT)
                    );
                }
            }
            1 => {
                out.push_str("| Scenario | QPS | P99 (ms) | Notes |\n|---|---:|---:|---|\n");
                for _ in 0..rng.between(3, 7) {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {}.{} | {} |",
                        rng.pick(BENCH_SCENARIOS),
                        rng.between(2, 90) * 1000,
                        rng.between(1, 40),
                        rng.below(10),
                        rng.pick(LIST_ITEMS_SHORT)
                    );
                }
            }
            _ => {
                out.push_str("| 时间 | 议题 | 讲师 |\n|------|------|------|\n");
                for _ in 0..rng.between(2, 5) {
                    let _ = writeln!(
                        out,
                        "| {:02}:{:02} | {} | {} |",
                        rng.between(13, 18),
                        rng.below(4) * 15,
                        self.pick_filled(rng, TALKS),
                        rng.pick(SPEAKERS)
                    );
                }
            }
        }
        out.push('\n');
    }

    fn code(&self, rng: &mut SplitMix64, out: &mut String) {
        // Code that goes with what the post is about.
        let fitting: Vec<&Snippet> = CODE_SNIPPETS
            .iter()
            .filter(|s| s.theme == ANY_THEME || self.plan.themes.contains(&s.theme))
            .collect();
        let snippet = rng.pick(&fitting);
        let code = snippet
            .code
            .replace("{port}", &rng.between(8000, 20000).to_string())
            .replace("{timeout}", &(rng.between(1, 30) * 100).to_string());
        let _ = writeln!(out, "```{}\n{code}```\n", snippet.language);
    }

    fn question(&mut self, rng: &mut SplitMix64, out: &mut String) {
        self.questions += 1;
        let asker = rng.pick(ASKERS);
        let (questions, answer) = match self.plan.language {
            Language::Chinese => {
                let _ = writeln!(out, "**{}、@{asker} 提问：**\n", self.questions);
                (ZH_QUESTIONS, "A：")
            }
            Language::English => {
                let _ = writeln!(out, "**{}. @{asker} asks:**\n", self.questions);
                (EN_QUESTIONS, "A: ")
            }
        };
        let mut question = self.pick_filled(rng, questions);
        // Readers do not ask the same thing twice in one issue.
        for _ in 0..8 {
            if !self.asked.contains(&question) {
                break;
            }
            question = self.pick_filled(rng, questions);
        }
        self.asked.push(question.clone());
        let _ = writeln!(out, "> {question}\n");
        let first = self.sentence(rng, self.plan.language);
        let second = self.sentence(rng, self.plan.language);
        let gap = if self.plan.language == Language::English {
            " "
        } else {
            ""
        };
        let _ = writeln!(out, "{answer}{first}{gap}{second}\n");
    }

    fn link(&mut self, rng: &mut SplitMix64, out: &mut String) {
        let project = self.plan.project.unwrap_or(&SOFASTACK);
        let chinese = self.plan.language == Language::Chinese;
        match rng.below(3) {
            0 => {
                let _ = if chinese {
                    writeln!(
                        out,
                        "详情见 [{0} 仓库]({1})，欢迎 Star 和提 issue。\n",
                        project.name, project.url
                    )
                } else {
                    writeln!(
                        out,
                        "Details are in the [{0} repository]({1}); issues welcome.\n",
                        project.name, project.url
                    )
                };
            }
            1 => {
                let label = format!("{}-releases", project.name.to_lowercase());
                let url = format!("{}/releases", project.url);
                let _ = if chinese {
                    writeln!(out, "完整的变更说明见 [Release Notes][{label}]。\n")
                } else {
                    writeln!(
                        out,
                        "The full change log is in the [release notes][{label}].\n"
                    )
                };
                if !self.references.iter().any(|(l, _)| *l == label) {
                    self.references.push((label, url));
                }
            }
            _ => {
                let _ = if chinese {
                    writeln!(out, "{} 项目地址：{}\n", project.name, project.url)
                } else {
                    writeln!(out, "{}: {}\n", project.name, project.url)
                };
            }
        }
    }
}
