//! The command line's output as other programs and newcomers meet it: `show --json`, a post
//! titled by its heading, whole lines in a pipe, help headings, plurals, 16-colour code.

mod common;

use common::TestEnv;

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

/// The distinct foreground colours of SGR sequences in `text` (`31`, `92`, `38;5;n`, …).
fn foreground_colours(text: &str) -> std::collections::BTreeSet<String> {
    let mut colours = std::collections::BTreeSet::new();
    for sequence in text.split("\u{1b}[").skip(1) {
        let Some((params, _)) = sequence.split_once('m') else {
            continue;
        };
        let params: Vec<&str> = params.split(';').collect();
        let mut i = 0;
        while i < params.len() {
            match params[i] {
                "38" if params.get(i + 1) == Some(&"5") => {
                    colours.insert(params[i..(i + 3).min(params.len())].join(";"));
                    i += 3;
                }
                "38" => {
                    colours.insert(params[i..(i + 5).min(params.len())].join(";"));
                    i += 5;
                }
                code if matches!(code.parse::<u8>(), Ok(30..=37 | 90..=97)) => {
                    colours.insert(code.to_string());
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
    colours
}

#[test]
fn highlighted_code_on_16_colours_uses_at_least_three_colours() {
    let env = TestEnv::new();
    let file = write_post(
        &env,
        "code.md",
        "# Code\n\n```rust\nfn main() {\n    let s = \"text\"; // comment\n    let n = 42;\n}\n```\n",
    );
    let output = env
        .cmd()
        .env_remove("NO_COLOR")
        .env_remove("COLORTERM")
        .env("TERM", "xterm")
        .args(["--color", "always", "--theme", "dark", "show"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let code: String = text
        .lines()
        .filter(|line| line.contains("let") || line.contains("fn"))
        .collect::<Vec<_>>()
        .join("\n");
    let colours = foreground_colours(&code);
    assert!(colours.len() >= 3, "{colours:?} in {code:?}");
    assert!(
        colours.iter().all(|c| !c.starts_with("38")),
        "only the 16 colours: {colours:?}"
    );
}

#[test]
fn a_pipe_gets_whole_lines_from_list_search_and_sources() {
    let env = TestEnv::new();
    let folder = env.dir.path().join("long");
    std::fs::create_dir_all(&folder).unwrap();
    let title = format!(
        "Koupleless {}the end of a long title",
        "and more words ".repeat(12)
    );
    std::fs::write(
        folder.join("2024-01-12-long.md"),
        format!("---\ntitle: \"{title}\"\ntags: [\"Koupleless\"]\n---\n\nKoupleless body.\n"),
    )
    .unwrap();
    env.stdout(&["import", folder.to_str().unwrap()]);
    for args in [&["list"][..], &["search", "Koupleless"]] {
        let output = env.cmd().env("COLUMNS", "250").args(args).output().unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains(&title), "{args:?} cut the line:\n{text}");
        assert!(!text.contains('…'), "{args:?}:\n{text}");
    }
    let sources = env.stdout(&["sources"]);
    let line = sources.lines().next().unwrap();
    assert!(line.contains(folder.to_str().unwrap()), "{sources}");
    assert!(
        line.contains(" 1 post "),
        "one post, not `1 posts`: {sources}"
    );
    assert!(!line.contains('…'), "{sources}");
}

#[test]
fn each_command_help_puts_global_options_under_their_own_heading() {
    let env = TestEnv::new();
    for command in ["list", "show", "import", "sources", "sync"] {
        let help = env.stdout(&[command, "--help"]);
        let (own, global) = help
            .split_once("Global options:")
            .unwrap_or_else(|| panic!("{command}: no global heading\n{help}"));
        assert!(global.contains("--library"), "{command}\n{help}");
        assert!(!own.contains("--library"), "{command}\n{help}");
        assert!(!global.contains("--json"), "{command}\n{help}");
    }
}
