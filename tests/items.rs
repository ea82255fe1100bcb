//! Newsletters item by item, through the binary: `sections`, `items`, `questions` and
//! `releases` on fixtures of three shapes (SOFA Weekly; a Chinese weekly numbering its
//! items `N、[title](url)`; an English weekly with H1/H2 sections and reference links).

mod common;

use std::collections::BTreeSet;

use common::TestEnv;
use serde_json::Value;

fn rows(value: &Value) -> &Vec<Value> {
    value.as_array().expect("a JSON array")
}

fn strings(value: &Value, field: &str) -> Vec<String> {
    rows(value)
        .iter()
        .map(|row| row[field].as_str().unwrap_or("").to_string())
        .collect()
}

fn keys(row: &Value) -> BTreeSet<&str> {
    row.as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

fn section<'a>(sections: &'a Value, name: &str) -> Option<&'a Value> {
    rows(sections).iter().find(|s| s["section"] == name)
}

#[test]
fn sections_merge_spellings_and_levels_and_count_issues() {
    let env = TestEnv::with_item_newsletters();
    let sections = env.json(&["sections", "--json"]);
    assert_eq!(
        keys(&rows(&sections)[0]),
        BTreeSet::from(["section", "posts", "items"])
    );
    // H1 in old issues, "## 🦀 Crate of the Week:" in a newer one: one section.
    let crate_of_the_week = section(&sections, "Crate of the Week").expect("recognised");
    assert_eq!(crate_of_the_week["posts"], 4);
    assert_eq!(
        rows(&sections)[0]["section"],
        "Crate of the Week",
        "most issues first"
    );
    // A bold line and an H3 are the same section.
    assert_eq!(section(&sections, "每周读者问答提炼").unwrap()["posts"], 2);
    assert_eq!(section(&sections, "本周推荐阅读").unwrap()["posts"], 3);
    assert_eq!(section(&sections, "科技动态").unwrap()["items"], 6);
    // A sub-section under a grouping heading is named with its parent.
    let news = section(&sections, "Updates from Rust Community / News & Blog Posts").unwrap();
    assert_eq!(
        (news["posts"].as_i64(), news["items"].as_i64()),
        (Some(3), Some(5))
    );
    // Boilerplate in every issue is not an item, so its section has none.
    assert!(section(&sections, "Approved RFCs").is_none());
    assert!(section(&sections, "Final Comment Period").is_none());
}

#[test]
fn items_have_titles_links_and_text_newest_first() {
    let env = TestEnv::with_item_newsletters();
    let tools = env.json(&["items", "--section", "工具", "--json"]);
    assert_eq!(
        keys(&rows(&tools)[0]),
        BTreeSet::from([
            "post_id",
            "post_title",
            "date",
            "source",
            "section",
            "title",
            "link",
            "text"
        ])
    );
    assert_eq!(
        strings(&tools, "title"),
        ["Typst", "Helix", "Ripgrep", "Bat", "Zed", "Helix"]
    );
    assert_eq!(rows(&tools)[0]["link"], "https://typst.app/");
    assert_eq!(rows(&tools)[0]["date"], "2024-05-24");
    assert_eq!(
        rows(&tools)[0]["post_title"],
        "科技爱好者周刊（第 302 期）：城市"
    );
    assert!(
        rows(&tools)[1]["text"]
            .as_str()
            .unwrap()
            .contains("终端里的模态编辑器")
    );
    // Reference-style links are resolved; the parent-less sub-section name finds it too.
    let news = env.json(&["items", "--section", "News & Blog Posts", "--json"]);
    let production = rows(&news)
        .iter()
        .find(|i| i["title"] == "Rust in production at a startup")
        .expect("a reference-style link entry");
    assert_eq!(production["link"], "https://example.com/rust-in-production");
    assert_eq!(rows(&news).len(), 5);
}

#[test]
fn one_off_sections_are_not_split_and_footers_are_not_glued() {
    let env = TestEnv::with_item_newsletters();
    // An essay's numbered points in a section seen once: one item, the section.
    let essay = env.json(&["items", "--section", "本周话题：长跑", "--json"]);
    assert_eq!(strings(&essay, "title"), ["本周话题：长跑"]);
    assert!(
        rows(&essay)[0]["text"]
            .as_str()
            .unwrap()
            .contains("第二点是节奏")
    );
    let anniversary = env.json(&["items", "--section", "写在五周年", "--json"]);
    assert_eq!(rows(&anniversary).len(), 1);
    assert!(
        !rows(&anniversary)[0]["text"]
            .as_str()
            .unwrap()
            .contains("扫码关注")
    );
    // The sign-off after the last item is not part of it.
    let sayings = env.json(&["items", "--section", "言论", "--json"]);
    for text in strings(&sayings, "text") {
        assert!(!text.contains("（完）"), "{text}");
    }
    let quote = env.json(&["items", "--section", "Quote of the Week", "--json"]);
    assert!(
        !rows(&quote)[0]["text"]
            .as_str()
            .unwrap()
            .contains("edited by")
    );
}

#[test]
fn a_search_looks_in_whole_sections_and_honours_exclusions() {
    let env = TestEnv::with_item_newsletters();
    // The essay is one whole item, whose text the library derives from its post.
    let rhythm = env.json(&["items", "--search", "第二点是节奏", "--json"]);
    assert_eq!(strings(&rhythm, "title"), ["本周话题：长跑"]);
    // Every term must be in the item itself, not only somewhere in its post.
    let both = env.json(&["items", "--search", "固态电池 长跑", "--json"]);
    assert!(rows(&both).is_empty(), "{both}");
    let battery = env.json(&["items", "--search", "固态电池", "--json"]);
    assert_eq!(strings(&battery, "title"), ["固态电池量产"]);
    let not_battery = env.json(&["items", "--search", "公司 -固态", "--json"]);
    assert!(
        !strings(&not_battery, "title").contains(&"固态电池量产".to_string()),
        "{not_battery}"
    );
    // Sections count the items the search keeps.
    let library = sofa_weekly::library::Library::open(&env.library_dir()).unwrap();
    let sections = library
        .sections(&sofa_weekly::library::ItemFilter {
            search: Some("固态电池".into()),
            ..Default::default()
        })
        .unwrap();
    let counts: Vec<(&str, i64, i64)> = sections
        .iter()
        .map(|s| (s.section.as_str(), s.posts, s.items))
        .collect();
    assert_eq!(counts, [("科技动态", 1, 1)]);
}

#[test]
fn boilerplate_is_no_item_but_an_item_repeated_twice_is() {
    let env = TestEnv::with_item_newsletters();
    let all = env.json(&["items", "--json"]);
    assert!(
        !strings(&all, "text")
            .iter()
            .any(|t| t.contains("No RFCs were approved")),
        "repeated verbatim in every issue"
    );
    // Helix is recommended in two issues: still an item each time.
    let helix = env.json(&["items", "--search", "Helix", "--json"]);
    assert_eq!(strings(&helix, "title"), ["Helix", "Helix"]);
}

#[test]
fn questions_have_asker_question_answer_and_project() {
    let env = TestEnv::with_item_newsletters();
    let questions = env.json(&["questions", "--json"]);
    assert_eq!(
        keys(&rows(&questions)[0]),
        BTreeSet::from(["post_id", "date", "asker", "question", "answer", "project"])
    );
    assert_eq!(
        strings(&questions, "asker"),
        ["dengqian", "肖文璧", "林南行", "林楠", "郝连帅", "张三"]
    );
    let by_asker = |name: &str| {
        rows(&questions)
            .iter()
            .find(|q| q["asker"] == name)
            .unwrap()
            .clone()
    };
    let first = by_asker("郝连帅");
    assert_eq!(first["question"], "如果回滚失败有没有告警机制实现？");
    assert_eq!(first["answer"], "可以的，实现 FailureHandler 接口。");
    assert_eq!(first["project"], "Seata", "from the editor's project line");
    assert_eq!(by_asker("张三")["project"], "Seata", "TCC points to Seata");
    assert_eq!(
        by_asker("林南行")["project"],
        "MOSN",
        "「MOSN」 after a <br/>"
    );
    assert_eq!(by_asker("dengqian")["project"], "MOSN", "**「MOSN」**：");
    assert_eq!(by_asker("肖文璧")["project"], "Seata", "AT and undo_log");
    let follow_up = by_asker("林楠");
    assert_eq!(follow_up["project"], "SOFARegistry", "the project named");
    assert!(
        follow_up["answer"]
            .as_str()
            .unwrap()
            .contains("计划使用 jraft")
    );

    let seata = env.json(&["questions", "--project", "seata", "--json"]);
    assert_eq!(strings(&seata, "asker"), ["肖文璧", "郝连帅", "张三"]);
    // Two characters: shorter than a trigram.
    let rollback = env.json(&["questions", "--search", "回滚", "--json"]);
    assert_eq!(strings(&rollback, "asker"), ["郝连帅", "张三"]);
}

#[test]
fn releases_have_project_version_changes_and_link() {
    let env = TestEnv::with_item_newsletters();
    let releases = env.json(&["releases", "--json"]);
    assert_eq!(
        keys(&rows(&releases)[0]),
        BTreeSet::from(["post_id", "date", "project", "version", "link", "changes"])
    );
    let found: Vec<(String, String)> = rows(&releases)
        .iter()
        .map(|r| {
            (
                r["project"].as_str().unwrap().to_string(),
                r["version"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("SOFARPC", "v5.11.0"),
        ("SOFAJRaft", "1.3.10"),
        ("MOSN", "v0.23.0"),
        ("SOFARPC", "v5.7.8"),
        ("SOFAJRaft", "1.3.3"),
    ];
    assert_eq!(found, expected.map(|(p, v)| (p.to_string(), v.to_string())));
    let jraft = &rows(&releases)[4];
    assert_eq!(
        jraft["link"],
        "https://github.com/sofastack/sofa-jraft/releases/tag/1.3.3"
    );
    assert_eq!(
        jraft["changes"][0],
        "RheaKV 允许不同分片各自配置不同的 learner 节点；"
    );
    assert_eq!(rows(&releases)[0]["changes"].as_array().unwrap().len(), 2);
    // Aliases: "SOFA Mosn" in the post, "mosn" asked for; "sofa-rpc" both ways.
    let rpc = env.json(&["releases", "--project", "sofa-rpc", "--json"]);
    assert_eq!(strings(&rpc, "version"), ["v5.11.0", "v5.7.8"]);
}

#[test]
fn tag_limit_and_human_output() {
    let env = TestEnv::with_item_newsletters();
    let sofa = env.json(&["items", "--tag", "SOFA Weekly", "--json"]);
    assert!(!rows(&sofa).is_empty());
    assert!(strings(&sofa, "source").iter().all(|s| s == "sofa"));
    let limited = env.json(&["items", "--limit", "2", "--json"]);
    assert_eq!(rows(&limited).len(), 2);
    let sections = env.stdout(&["sections", "--limit", "1"]);
    assert_eq!(sections.lines().count(), 1);
    assert!(sections.contains("4 issues") && sections.contains("Crate of the Week"));
    let questions = env.stdout(&["questions", "--project", "MOSN"]);
    assert!(questions.contains("@dengqian"), "{questions}");
    let releases = env.stdout(&["releases"]);
    assert!(releases.contains("SOFARPC") && releases.contains("v5.11.0"));
}

#[test]
fn items_follow_their_post_when_it_changes_or_goes() {
    let env = TestEnv::new();
    let folder = env.copy_fixture("items/cnweekly");
    let import = || env.stdout(&["import", folder.to_str().unwrap()]);
    import();
    let titles = || {
        strings(
            &env.json(&["items", "--section", "工具", "--json"]),
            "title",
        )
    };
    assert_eq!(
        titles(),
        ["Typst", "Helix", "Ripgrep", "Bat", "Zed", "Helix"]
    );
    let path = folder.join("issue-302.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "[Typst](https://typst.app/)",
            "[Tectonic](https://tectonic-typesetting.github.io/)",
        ),
    )
    .unwrap();
    import();
    assert_eq!(
        titles(),
        ["Tectonic", "Helix", "Ripgrep", "Bat", "Zed", "Helix"]
    );
    std::fs::remove_file(folder.join("issue-301.md")).unwrap();
    import();
    // Two issues left: "工具" no longer recurs in three, so each issue's section is one item.
    assert_eq!(titles(), ["工具", "工具"]);
    assert!(
        env.json(&["items", "--search", "Ripgrep", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn content_cannot_reach_the_terminal_as_escapes() {
    let env = TestEnv::new();
    let folder = env.library_dir().parent().unwrap().join("hostile");
    std::fs::create_dir_all(&folder).unwrap();
    for n in 1..=3 {
        std::fs::write(
            folder.join(format!("{n}.md")),
            format!("# Issue {n}\n\n## Tools\n\n1、[evil\u{1b}[31m{n}](https://x.example)\n\ntext\u{9b}2J\n\n2、[fine](https://y.example)\n\nok\n"),
        )
        .unwrap();
    }
    env.stdout(&["import", folder.to_str().unwrap()]);
    for command in ["items", "sections"] {
        let out = env.stdout(&[command]);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{9b}'),
            "{out:?}"
        );
        let json = env.stdout(&[command, "--json"]);
        assert!(
            !json.contains('\u{1b}') && !json.contains('\u{9b}'),
            "{json:?}"
        );
    }
}
