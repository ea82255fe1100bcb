//! The command line as a user runs it: import, list, tags, search, sources, and their JSON.

mod common;

use common::TestEnv;
use predicates::prelude::*;
use serde_json::Value;

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|post| post["title"].as_str().unwrap().to_string())
        .collect()
}

fn imported() -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::new();
    let archive = env.copy_fixture("archive");
    env.stdout(&["import", archive.to_str().unwrap()]);
    (env, archive)
}

#[test]
fn import_reports_counts_and_skips_hidden_folders() {
    let env = TestEnv::new();
    let archive = env.copy_fixture("archive");
    env.cmd()
        .args(["import", archive.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "7 added, 0 updated, 0 removed, 0 unchanged, 0 skipped",
        ));
    let list = env.json(&["list", "--json"]);
    assert!(!titles(&list).iter().any(|title| title.contains("hidden")));
}

#[test]
fn list_is_newest_first_with_every_metadata_form() {
    let (env, _) = imported();
    let list = env.json(&["list", "--json"]);
    assert_eq!(
        titles(&list),
        [
            "周报：三月初",
            "SOFARPC 5.7 released",
            "SOFA Weekly | MOSN&SOFARPC 发布、社区活动报名",
            "Service Mesh notes",
            "SOFA Weekly | 每周精选【12/2 - 12/6】",
            "Issue 399",
            "Issue 98",
        ]
    );
    let dates: Vec<Value> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["date"].clone())
        .collect();
    assert_eq!(dates[0], "2021-03-05", "date from the folder name");
    assert_eq!(dates[1], "2020-11-20", "key-value metadata");
    assert_eq!(dates[3], "2020-03-01", "TOML front matter");
    assert_eq!(dates[4], "2019-12-06", "the post's own day, not UTC's");
    assert_eq!(dates[5], Value::Null);
}

#[test]
fn list_json_has_the_documented_shape() {
    let (env, _) = imported();
    let list = env.json(&["list", "--json", "--limit", "1", "--tag", "sofa weekly"]);
    let post = &list[0];
    for key in [
        "id", "title", "date", "tags", "source", "path", "read", "starred",
    ] {
        assert!(post.get(key).is_some(), "missing {key} in {post}");
    }
    assert!(post["id"].is_i64());
    assert_eq!(post["source"], "archive");
    assert_eq!(post["path"], "sofa-weekly-20200508/index.md");
    assert_eq!(post["read"], false);
    assert_eq!(post["starred"], false);
    assert!(
        post["tags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("SOFA Weekly"))
    );
}

#[test]
fn tags_fold_spellings_and_count() {
    let (env, _) = imported();
    let tags = env.json(&["tags", "--json"]);
    let tags = tags.as_array().unwrap();
    let count = |name: &str| {
        tags.iter()
            .find(|tag| tag["tag"].as_str().unwrap().eq_ignore_ascii_case(name))
            .map(|tag| tag["count"].as_u64().unwrap())
    };
    assert_eq!(count("SOFA Weekly"), Some(2));
    assert_eq!(
        count("Service Mesh"),
        Some(2),
        "\"Service mesh\" and \"Service Mesh\" are one tag: {tags:?}"
    );
    assert_eq!(count("News"), Some(1), "categories become tags");
    let counts: Vec<u64> = tags
        .iter()
        .map(|tag| tag["count"].as_u64().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|pair| pair[0] >= pair[1]),
        "most used first"
    );
}

#[test]
fn several_tags_mean_all_of_them() {
    let (env, _) = imported();
    let list = env.json(&[
        "list",
        "--json",
        "--tag",
        "SOFA Weekly",
        "--tag",
        "service MESH",
    ]);
    assert_eq!(
        titles(&list),
        ["SOFA Weekly | MOSN&SOFARPC 发布、社区活动报名"]
    );
}

#[test]
fn search_finds_chinese_with_long_and_two_character_queries() {
    let (env, _) = imported();
    let hits = env.json(&["search", "状态机", "--json"]);
    assert_eq!(titles(&hits), ["SOFA Weekly | 每周精选【12/2 - 12/6】"]);
    assert!(hits[0]["excerpt"].as_str().unwrap().contains("状态机"));
    let hits = env.json(&["search", "发布", "--json"]);
    assert_eq!(hits.as_array().unwrap().len(), 2, "{hits}");
    let list = env.json(&["list", "--search", "sidecar", "--json"]);
    assert_eq!(titles(&list), ["Service Mesh notes"]);
    let human = env.stdout(&["search", "状态机"]);
    assert!(human.contains("每周精选"), "{human}");
}

#[test]
fn reimport_is_incremental_and_keeps_reading_state() {
    let (env, archive) = imported();
    let path = archive.to_str().unwrap();
    {
        let library = sofa_weekly::library::Library::open(&env.library_dir()).unwrap();
        let id = library.list(&Default::default()).unwrap()[0].id;
        library.set_read(id, true).unwrap();
        library.set_starred(id, true).unwrap();
    }
    env.cmd()
        .args(["import", path])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 added, 0 updated, 0 removed, 7 unchanged",
        ));

    let changed = archive.join("notes-2021-03-05/index.md");
    std::fs::write(&changed, "# 周报：三月初\n\n本周发布了 MOSN 1.0。\n").unwrap();
    env.cmd()
        .args(["import", path])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 added, 1 updated, 0 removed, 6 unchanged",
        ));

    std::fs::remove_file(archive.join("issues/issue-98.md")).unwrap();
    env.cmd()
        .args(["import", path])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 added, 0 updated, 1 removed, 6 unchanged",
        ));

    let list = env.json(&["list", "--json"]);
    assert_eq!(list[0]["title"], "周报：三月初");
    assert_eq!(list[0]["read"], true, "reading state survives the update");
    assert_eq!(list[0]["starred"], true);
    assert_eq!(
        env.json(&["list", "--unread", "--json"])
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        env.json(&["search", "1.0", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_touched_but_unchanged_file_counts_as_unchanged() {
    let (env, archive) = imported();
    let file = archive.join("pelican/release.markdown");
    let text = std::fs::read(&file).unwrap();
    let imported_at = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::fs::write(&file, text).unwrap();
    // Rewritten within the file system's timestamp resolution, the file could keep its
    // modification time: set one an hour later, so it surely looks touched.
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(imported_at + std::time::Duration::from_secs(3600))
        .unwrap();
    env.cmd()
        .args(["import", archive.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 added, 0 updated, 0 removed, 7 unchanged",
        ));
}

#[test]
fn bad_files_are_reported_and_the_rest_imported() {
    let env = TestEnv::new();
    let dir = env.dir.path().join("bad");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("broken.md"),
        "---\ntitle: [unclosed\ndate: 2020-01-01\n---\n# Fallback title\n\nBody.\n",
    )
    .unwrap();
    std::fs::write(dir.join("latin1.md"), b"# Caf\xe9 notes\n\nna\xefve\n").unwrap();
    std::fs::write(dir.join("binary.md"), b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR").unwrap();
    std::fs::write(
        dir.join("hostile.md"),
        "---\ntitle: \"Evil\\e]52;c;cHduZWQ=\\a title\\e[2J\"\n---\nx\n",
    )
    .unwrap();
    std::fs::write(dir.join("good.md"), "# Good\n\nFine.\n").unwrap();

    let output = env
        .cmd()
        .args(["import", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("4 added"), "{stdout}");
    assert!(stdout.contains("1 skipped"), "{stdout}");
    assert!(
        stdout.contains("binary.md"),
        "names the skipped file: {stdout}"
    );
    // Warnings go to stderr: a pipe of the report holds only the report.
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("broken.md:2"),
        "names the file and line: {stderr}"
    );
    assert!(
        stderr.contains("latin1.md"),
        "warns about non-UTF-8: {stderr}"
    );
    assert!(!stdout.contains("warning"), "{stdout}");

    let list = env.stdout(&["list"]);
    assert!(list.contains("Fallback title"), "{list}");
    assert!(list.contains("Caf\u{fffd} notes"), "{list}");
    assert!(
        !list.contains('\u{1b}') && !list.contains('\u{7}'),
        "no control characters: {list:?}"
    );
    assert!(list.contains("Evil]52;c;cHduZWQ= title[2J"), "{list}");
}

#[test]
fn a_missing_path_is_one_clear_error() {
    let env = TestEnv::new();
    env.cmd()
        .args(["import", "/no/such/folder"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("/no/such/folder"))
        .stderr(predicate::str::contains("panicked").not())
        .stderr(predicate::function(|err: &str| err.lines().count() == 1));
}

#[test]
fn an_unopenable_library_is_one_clear_error() {
    let env = TestEnv::new();
    let not_a_folder = env.dir.path().join("file");
    std::fs::write(&not_a_folder, "x").unwrap();
    env.cmd()
        .args(["--library", not_a_folder.to_str().unwrap(), "list"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("library"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn an_empty_library_shows_the_sample_archive() {
    let env = TestEnv::new();
    let output = env.cmd().args(["list", "--json"]).output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("sample"));
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(list.as_array().unwrap().len() >= 6);
    let tags = env.json(&["tags", "--json"]);
    assert!(tags.as_array().unwrap().len() >= 4);
}

#[test]
fn sources_lists_imported_folders() {
    let (env, _) = imported();
    let sources = env.json(&["sources", "--json"]);
    assert_eq!(sources[0]["name"], "archive");
    assert_eq!(sources[0]["kind"], "local");
    assert_eq!(sources[0]["post_count"], 7);
}

#[test]
fn human_list_is_aligned_by_display_width() {
    let (env, _) = imported();
    let list = env.stdout(&["list"]);
    let tag_columns: Vec<usize> = list
        .lines()
        .filter(|line| line.contains("SOFA Weekly"))
        .map(|line| {
            let (before, _) = line.split_once("  SOFA Weekly").unwrap();
            unicode_width::UnicodeWidthStr::width(before)
        })
        .collect();
    assert_eq!(tag_columns.len(), 2, "{list}");
    assert_eq!(
        tag_columns[0], tag_columns[1],
        "tags column aligned:\n{list}"
    );
}

/// Closing punctuation that must never start a line.
const NO_LINE_START: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '）', '」', '』', '】', '》',
];

#[test]
fn show_renders_a_file_within_the_width_without_opening_a_library() {
    let env = TestEnv::new();
    let file = env
        .copy_fixture("archive")
        .join("sofa-weekly-20191206/index.md");
    for width in [20, 40, 60, 80] {
        let output = env.stdout(&[
            "show",
            file.to_str().unwrap(),
            "--width",
            &width.to_string(),
            "--plain",
        ]);
        assert!(
            output
                .replace('\n', "")
                .starts_with("SOFA Weekly | 每周精选"),
            "header first: {output}"
        );
        assert!(
            !output.contains("title:"),
            "front matter is a header, not YAML"
        );
        for line in output.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= width,
                "{line:?} wider than {width}"
            );
            assert!(
                !line.starts_with(NO_LINE_START),
                "{line:?} starts with closing punctuation"
            );
        }
        let joined: String = output.lines().collect::<Vec<_>>().join("").replace(' ', "");
        assert!(
            joined.contains("我理解是你可以新启动一个状态机实例，把之前生成的id传进上下文。"),
            "{joined}"
        );
        if width >= 40 {
            assert!(
                output.contains("[1] https://github.com/seata/seata"),
                "link list: {output}"
            );
        }
    }
    assert!(
        !env.library_dir().exists(),
        "show FILE must not create a library"
    );
}

#[test]
fn show_by_id_uses_the_library() {
    let (env, _) = imported();
    let list = env.json(&["list", "--json", "--search", "状态机"]);
    let id = list[0]["id"].to_string();
    let output = env.stdout(&["show", &id, "--width", "50"]);
    assert!(output.contains("状态机"), "{output}");
    assert!(
        !output.contains('\u{1b}'),
        "a pipe gets no escape sequences"
    );
}

#[test]
fn show_reports_a_missing_file_or_unknown_id() {
    let (env, _) = imported();
    env.cmd()
        .args(["show", "/no/such/post.md"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("/no/such/post.md"));
    env.cmd()
        .args(["show", "999999"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no post with id 999999"));
}

/// `date_format` is written by hand: an ESC in it (here `\u001b[2J`, "clear the screen") must
/// not reach the terminal through `list`, which prints days in that format.
#[test]
fn a_date_format_with_an_escape_prints_none_to_list() {
    let (env, _) = imported();
    let config = env.dir.path().join("config.toml");
    std::fs::write(&config, "date_format = \"\\u001b[2J%Y-%m-%d\\u009b\"\n").unwrap();
    let list = env.stdout(&["--config", config.to_str().unwrap(), "list"]);
    assert!(list.contains("[2J2019-12-06"), "{list}");
    assert!(
        !list.contains(['\u{1b}', '\u{9b}']),
        "an escape reached the output: {list:?}"
    );
}
