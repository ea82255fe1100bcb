//! Test support: a few posts in a [`MemoryStore`], and a harness that runs the effects an
//! [`App`] asks for synchronously, routed by [`route_effect`] and run by [`worker::run`], so
//! a test reads as keys in, state out: `press(&mut h, "]]<Enter>")`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::in_line::Recorder;
use super::route::route_effect;
use super::state::{App, Effect};
use super::store::{MemoryStore, PostText};
use super::theme::ThemeKind;
use super::worker;
use crate::config::DayFormat;
use crate::post::PostSummary;

pub struct Harness {
    pub app: App,
    pub store: MemoryStore,
    /// Effects that leave the process (open a URL, copy), in order.
    pub outside: Vec<Effect>,
}

pub fn post(id: i64, date: &str, title: &str, tags: &[&str], body: &str) -> PostText {
    PostText {
        summary: PostSummary {
            id,
            title: title.to_string(),
            date: Some(date.to_string()),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            source: "weekly".into(),
            path: format!("issue-{id}/index.md"),
            read: false,
            starred: false,
        },
        web_url: Some(format!("https://example.org/blog/issue-{id}/")),
        body: body.to_string(),
        position: None,
    }
}

pub fn sample_posts() -> Vec<PostText> {
    let long: String = (1..=60)
        .map(|i| format!("第 {i} 段：SOFARegistry 的数据分片与 MOSN 的连接池。\n\n"))
        .collect();
    vec![
        post(
            1,
            "2021-03-05",
            "SOFA Weekly | MOSN 发布 v0.21.0",
            &["SOFA Weekly", "MOSN"],
            "## 本周推荐\n\nMOSN 是一款云原生网络代理，使用 Go 语言开发。\n\n## 社区活动\n\n详见 [活动页面](https://example.org/event) 与 [邮件](mailto:sofa@example.org)。\n",
        ),
        post(
            2,
            "2021-04-16",
            "SOFA Weekly | Seata 状态机模式详解",
            &["SOFA Weekly", "Seata"],
            "Seata 的 Saga 模式基于状态机引擎实现。状态机的定义是一个 JSON 文件。\n\n状态机引擎会持久化每一步的执行状态。\n",
        ),
        post(
            3,
            "2021-05-21",
            "SOFA Weekly | SOFARegistry 与 MOSN",
            &["SOFA Weekly", "SOFARegistry", "MOSN"],
            &long,
        ),
        post(
            4,
            "2020-12-11",
            "SOFA Weekly | 年度回顾",
            &["SOFA Weekly"],
            "这一年 SOFAStack 社区发布了很多版本。\n",
        ),
        post(
            5,
            "2019-08-02",
            "Release notes for Layotto",
            &["Layotto", "release"],
            "# Layotto\n\nA sidecar runtime. See https://example.org/layotto for more.\n",
        ),
    ]
}

/// `count` short posts, numbered from 1, each a day newer than the one before.
pub fn numbered_posts(count: usize) -> Vec<PostText> {
    (0..count)
        .map(|i| {
            let date = format!(
                "{:04}-{:02}-{:02}",
                2000 + i / 300,
                1 + (i / 25) % 12,
                1 + i % 25
            );
            let id = i as i64 + 1;
            post(id, &date, &format!("Issue {id}"), &["SOFA Weekly"], "text")
        })
        .collect()
}

/// The posts of the fixture folders under `tests/fixtures/` (`series/twir`), each folder its
/// own source, as the library reads them.
pub fn fixture_posts(folders: &[&str]) -> Vec<PostText> {
    use super::store::{ListQuery, Store};
    let mut library = crate::library::Library::open_in_memory().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for folder in folders {
        crate::sync::import_path(&mut library, &root.join(folder)).unwrap();
    }
    let summaries = Store::list(&library, &ListQuery::default()).unwrap();
    summaries
        .iter()
        .map(|s| Store::post(&library, s.id).unwrap().unwrap())
        .collect()
}

pub const TOPICS: &[&str] = &["MOSN", "Seata", "SOFARegistry", "Layotto"];

impl Harness {
    pub fn new(width: u16, height: u16) -> Harness {
        Harness::with_posts(sample_posts(), width, height)
    }

    pub fn with_posts(posts: Vec<PostText>, width: u16, height: u16) -> Harness {
        Harness::themed(posts, ThemeKind::Dark, width, height)
    }

    pub fn themed(posts: Vec<PostText>, theme: ThemeKind, width: u16, height: u16) -> Harness {
        Harness::configured(posts, theme, DayFormat::default(), width, height)
    }

    /// `posts` with the pictures of `shelf`, drawn in half blocks.
    pub fn with_pictures(
        posts: Vec<PostText>,
        shelf: crate::app::pictures::MemoryShelf,
        width: u16,
        height: u16,
    ) -> Harness {
        let mut h = Harness {
            app: App::new("/home/reader/library", ThemeKind::Dark, 100),
            store: MemoryStore::new(posts, TOPICS),
            outside: Vec::new(),
        };
        h.store.pictures = Some(shelf);
        h.app.draw_pictures = true;
        let resize = h.app.resize(width, height);
        let start = h.app.start();
        h.run(resize);
        h.run(start);
        h
    }

    /// The sample posts with days written in `date_format`.
    pub fn dated(date_format: &str, width: u16, height: u16) -> Harness {
        let format = DayFormat::new(date_format);
        Harness::configured(sample_posts(), ThemeKind::Dark, format, width, height)
    }

    fn configured(
        posts: Vec<PostText>,
        theme: ThemeKind,
        day_format: DayFormat,
        width: u16,
        height: u16,
    ) -> Harness {
        let mut h = Harness {
            app: App::new("/home/reader/library", theme, 100),
            store: MemoryStore::new(posts, TOPICS),
            outside: Vec::new(),
        };
        h.app.day_format = day_format;
        let resize = h.app.resize(width, height);
        let start = h.app.start();
        h.run(resize);
        h.run(start);
        h
    }

    /// How the worker renders pages for this app.
    pub fn page_style(&self) -> worker::PageStyle {
        worker::PageStyle {
            theme: self.app.theme.render_theme(),
            day_format: self.app.day_format.clone(),
            pictures: self
                .app
                .draw_pictures
                .then_some(crate::render::CellSize::HALF_BLOCKS),
        }
    }

    /// Runs effects (and the effects their replies cause) until there are none left, each
    /// routed as the event loop routes it; pictures are decoded in half blocks.
    pub fn run(&mut self, effects: Vec<Effect>) {
        let style = self.page_style();
        let graphics = crate::app::pictures::graphics::Graphics::half_blocks();
        let outside = super::in_line::run(&mut self.app, &self.store, &style, &graphics, effects);
        self.outside.extend(outside);
    }
}

/// The worker's job for `effect`, routed as the event loop routes it; panics for an effect
/// that runs elsewhere.
pub fn job_of(effect: Effect) -> worker::Job {
    let mut outside = Vec::new();
    let mut routed = Recorder::new(&mut outside);
    route_effect(effect, &mut routed);
    let job = routed.jobs.pop();
    assert!(outside.is_empty(), "not the worker's: {outside:?}");
    job.expect("one job")
}

/// Presses keys written like vim's `:map`: plain characters, and `<Enter>`, `<Esc>`,
/// `<Tab>`, `<S-Tab>`, `<Space>`, `<BS>`, `<Up>`, `<Down>`, `<PgDn>`, `<PgUp>`, `<C-x>`.
pub fn press(h: &mut Harness, keys: &str) {
    for key in parse_keys(keys) {
        let mut effects = h.app.on_key(key);
        // As the event loop does after each batch of events.
        effects.extend(h.app.decode_pictures());
        h.run(effects);
    }
}

pub fn parse_keys(keys: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut chars = keys.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '<' || chars.peek().is_none() {
            out.push(key(KeyCode::Char(c), KeyModifiers::NONE));
            continue;
        }
        let name: String = chars.by_ref().take_while(|&c| c != '>').collect();
        let (code, mods) = match name.as_str() {
            "Enter" | "CR" => (KeyCode::Enter, KeyModifiers::NONE),
            "Esc" => (KeyCode::Esc, KeyModifiers::NONE),
            "Tab" => (KeyCode::Tab, KeyModifiers::NONE),
            "S-Tab" => (KeyCode::BackTab, KeyModifiers::SHIFT),
            "Space" => (KeyCode::Char(' '), KeyModifiers::NONE),
            "BS" => (KeyCode::Backspace, KeyModifiers::NONE),
            "Up" => (KeyCode::Up, KeyModifiers::NONE),
            "Down" => (KeyCode::Down, KeyModifiers::NONE),
            "PgDn" => (KeyCode::PageDown, KeyModifiers::NONE),
            "PgUp" => (KeyCode::PageUp, KeyModifiers::NONE),
            "lt" => (KeyCode::Char('<'), KeyModifiers::NONE),
            other => match other.strip_prefix("C-").and_then(|c| c.chars().next()) {
                Some(c) => (KeyCode::Char(c), KeyModifiers::CONTROL),
                None => panic!("unknown key <{other}>"),
            },
        };
        out.push(key(code, mods));
    }
    out
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new_with_kind(code, modifiers, KeyEventKind::Press)
}

/// The titles of the listed posts, in order.
pub fn titles(app: &App) -> Vec<String> {
    app.posts.iter().map(|p| p.title.clone()).collect()
}

/// Switches `h` to the items view with two sections (one of them the reader questions)
/// and three items of the sample posts, as the worker would answer from a library:
/// paragraph 40 of post 3, the "社区活动" section of post 1, paragraph 10 of post 3.
pub fn open_items_view(h: &mut Harness) {
    use crate::app::keymap::Action;
    use crate::app::state::WorkerMsg;
    use crate::app::store::SectionEntry;
    let effects = h.app.update(Action::Items);
    assert!(
        matches!(effects[..], [Effect::LoadSections { .. }]),
        "{effects:?}"
    );
    let sections = vec![
        SectionEntry {
            name: "本周推荐".into(),
            key: Some("本周推荐".into()),
            kind: None,
            posts: 2,
            items: 3,
        },
        SectionEntry {
            name: "Reader questions".into(),
            key: None,
            kind: Some("question"),
            posts: 1,
            items: 1,
        },
    ];
    let effects = h.app.on_worker(WorkerMsg::Sections(Ok(sections)));
    let [Effect::LoadItems { ticket, query }] = &effects[..] else {
        panic!("asks for the first section's items: {effects:?}");
    };
    assert_eq!(query.section_key.as_deref(), Some("本周推荐"));
    let posts = sample_posts();
    let row = |post: usize, title: &str, find: &str| {
        let p = &posts[post - 1];
        crate::library::ItemRow {
            id: post as i64,
            post_id: p.summary.id,
            post_title: p.summary.title.clone(),
            date: p.summary.date.clone(),
            source: "sofa-weekly".into(),
            section: "本周推荐".into(),
            kind: "part".into(),
            title: title.into(),
            link: None,
            text: title.into(),
            place: p.body.find(find).expect("in the post"),
            details: Default::default(),
            section_key: "本周推荐".into(),
        }
    };
    let rows = vec![
        row(3, "第 40 段：SOFARegistry 的数据分片", "第 40 段"),
        row(1, "社区活动", "## 社区活动"),
        row(3, "第 10 段：SOFARegistry 的数据分片", "第 10 段"),
    ];
    h.app.on_worker(WorkerMsg::Items {
        ticket: *ticket,
        result: Ok(rows),
    });
}
