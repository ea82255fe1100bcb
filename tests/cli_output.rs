//! The command line's output as other programs and newcomers meet it: `show --json`, a post
//! titled by its heading, whole lines in a pipe, help headings, plurals, 16-colour code.

mod common;

use common::TestEnv;
use serde_json::Value;

/// A markdown file written into the test's folder.
fn write_post(env: &TestEnv, name: &str, text: &str) -> std::path::PathBuf {
    let path = env.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn show_json_prints_metadata_body_headings_and_links() {
    let env = TestEnv::new();
    let file = write_post(
        &env,
        "zenn.md",
        "---\ntitle: \"Rust で TUI\"\ntopics: [\"rust\"]\npublished: true\n\
         published_at: 2024-03-01 09:00\n---\n\n## 準備\n\n[ratatui](https://ratatui.rs/) \
         と <a href=\"https://docs.rs/\">docs.rs</a>\n",
    );
    let post = env.json(&["show", file.to_str().unwrap(), "--json"]);
    assert_eq!(post["title"], "Rust で TUI");
    assert_eq!(post["date"], "2024-03-01");
    assert_eq!(post["tags"], serde_json::json!(["rust"]));
    assert!(post["id"].is_null());
    assert!(post["body"].as_str().unwrap().starts_with("\n## 準備"));
    assert_eq!(post["headings"][0]["level"], 2);
    assert_eq!(post["headings"][0]["text"], "準備");
    let links: Vec<&str> = post["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|link| link["url"].as_str().unwrap())
        .collect();
    assert_eq!(links, ["https://ratatui.rs/", "https://docs.rs/"]);

    // By id, from the library.
    let imported = env.stdout(&["import", file.to_str().unwrap()]);
    assert!(imported.contains("1 added"), "{imported}");
    let list = env.json(&["list", "--json"]);
    let id = list[0]["id"].to_string();
    let stored = env.json(&["show", &id, "--json"]);
    assert_eq!(stored["id"], list[0]["id"]);
    assert_eq!(stored["title"], "Rust で TUI");
    assert_eq!(stored["body"], post["body"]);
    assert_eq!(stored["links"], post["links"]);
    assert!(stored["source"].is_string(), "{stored}");
}

#[test]
fn a_post_titled_by_its_heading_shows_the_title_once() {
    let env = TestEnv::new();
    let file = write_post(
        &env,
        "issue-12.md",
        "# 科技爱好者周刊（第 12 期）\n\n这里记录每周值得分享的科技内容。\n",
    );
    let shown = env.stdout(&["show", file.to_str().unwrap(), "--plain"]);
    assert_eq!(
        shown.matches("科技爱好者周刊（第 12 期）").count(),
        1,
        "{shown}"
    );
    assert!(
        shown.contains("这里记录每周值得分享的科技内容。"),
        "{shown}"
    );
}
