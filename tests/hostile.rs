//! Hostile content on every output path: posts and feeds whose titles, bodies, tags,
//! authors, links and file names carry escape sequences (CSI screen clears, SGR, OSC 52
//! clipboard writes, OSC 8 links, OSC 0/2 title changes), BEL, DEL, C1 controls (8-bit CSI
//! U+009B among them) and bidi overrides. Whatever the command — import, list, tags, search,
//! sources (human and JSON), show (piped, and on a pseudo-terminal with colour), sync, the
//! error messages, and the reader itself on a pseudo-terminal — no such character may reach
//! the terminal, and the posts must still be there to read.
//!
//! The fixtures are in tests/hostile/; files whose *names* are hostile are made here.

mod common;
#[path = "support/pty.rs"]
mod pty;
#[path = "support/test_server.rs"]
mod test_server;

use pty::PtySession;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::TestEnv;
use sofa_weekly::render::is_openable_link;
use sofa_weekly::text::is_forbidden;
use test_server::{Reply, TestServer};

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// Plain output: not one character a terminal could act on.
#[track_caller]
fn assert_inert(what: &str, text: &str) {
    if let Some((index, c)) = text.char_indices().find(|&(_, c)| is_forbidden(c)) {
        let before: String = text[..index].chars().rev().take(40).collect();
        let before: String = before.chars().rev().collect();
        panic!("{what}: {c:?} at byte {index}, after {before:?}");
    }
}

/// What the reader asks a terminal at start, in one write: OSC 11 (background colour) when
/// its theme is left to the terminal, kitty's graphics query and the cell size when its
/// pictures are too, and DA1 after them. Fixed bytes, never content.
const STARTUP_QUERIES: [&str; 2] = [
    "\x1b]11;?\x07\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[16t\x1b[c",
    "\x1b]11;?\x07\x1b[c",
];

/// `text` without the start-up query it begins with.
fn without_startup_query(text: &str) -> String {
    match STARTUP_QUERIES.iter().find(|query| text.contains(*query)) {
        Some(query) => text.replacen(query, "", 1),
        None => text.to_owned(),
    }
}

/// Styled output may hold the sequences the reader writes itself — SGR styles, OSC 8
/// hyperlinks to web or mail addresses and the start-up query — and nothing else.
#[track_caller]
fn assert_only_own_sequences(what: &str, text: &str) {
    let text = &without_startup_query(text);
    let mut rest = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        if c != '\x1b' {
            rest.push(c);
            continue;
        }
        let tail = &text[index..];
        let sgr_len = tail
            .strip_prefix("\x1b[")
            .and_then(|t| t.find(|c: char| !(c.is_ascii_digit() || c == ';')))
            .filter(|&end| tail[2 + end..].starts_with('m'))
            .map(|end| 2 + end + 1);
        let osc8_len = tail.strip_prefix("\x1b]8;;").and_then(|t| {
            let end = t.find("\x1b\\")?;
            let target = &t[..end];
            assert!(
                target.bytes().all(|b| (0x21..0x7f).contains(&b)),
                "{what}: OSC 8 target with unsafe bytes: {target:?}"
            );
            assert!(
                target.is_empty() || is_openable_link(target),
                "{what}: OSC 8 link to {target:?}"
            );
            Some(5 + end + 2)
        });
        let Some(len) = sgr_len.or(osc8_len) else {
            panic!(
                "{what}: escape sequence the reader did not write: {:?}",
                tail.chars().take(24).collect::<String>()
            );
        };
        while chars.peek().is_some_and(|&(next, _)| next < index + len) {
            chars.next();
        }
    }
    assert_inert(what, &rest);
}

/// Runs the binary and checks both streams; returns (success, stdout, stderr).
fn run(env: &TestEnv, args: &[&str]) -> (bool, String, String) {
    let output = env.cmd().args(args).output().expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8 stdout");
    let stderr = String::from_utf8(output.stderr).expect("utf-8 stderr");
    assert_inert(&format!("{args:?} stdout"), &stdout);
    assert_inert(&format!("{args:?} stderr"), &stderr);
    (output.status.success(), stdout, stderr)
}

fn run_ok(env: &TestEnv, args: &[&str]) -> String {
    let (ok, stdout, stderr) = run(env, args);
    assert!(ok, "{args:?} failed: {stderr}");
    stdout
}

/// JSON output is inert as bytes, and every string in it is clean as a value too: the
/// library holds no control character to escape in the first place.
fn json_ok(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_str(&run_ok(env, args)).expect("valid JSON");
    fn walk(what: &str, value: &serde_json::Value) {
        match value {
            serde_json::Value::String(s) => assert_inert(what, s),
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(what, v)),
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    assert_inert(what, key);
                    walk(what, v);
                }
            }
            _ => {}
        }
    }
    walk(&format!("{args:?} value"), &value);
    value
}

/// A copy of the hostile posts plus files and folders whose names are hostile.
fn hostile_folder(env: &TestEnv) -> PathBuf {
    let folder = env.dir.path().join("hostile");
    std::fs::create_dir_all(&folder).unwrap();
    for entry in std::fs::read_dir(hostile_dir().join("posts")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), folder.join(entry.file_name())).unwrap();
    }
    let post = "---\ntitle: Named badly\n---\n\nbody\n";
    for name in [
        "clear\x1b[2J.md",
        "\u{202e}dm.exe.md",
        "csi\u{9b}31m.md",
        "bell\x07.md",
    ] {
        std::fs::write(folder.join(name), post).unwrap();
    }
    let bad_dir = folder.join("title\x1b]0;pwned\x07");
    std::fs::create_dir_all(&bad_dir).unwrap();
    std::fs::write(bad_dir.join("inside.md"), post).unwrap();
    folder
}

fn post_ids(env: &TestEnv) -> Vec<i64> {
    json_ok(env, &["list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|post| post["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn import_warnings_and_every_listing_are_inert() {
    let env = TestEnv::new();
    let folder = hostile_folder(&env);
    let imported = run_ok(&env, &["import", folder.to_str().unwrap()]);
    // Files named with control characters are refused, and said so.
    assert_eq!(
        imported.matches("control characters").count(),
        5,
        "{imported}"
    );
    assert!(imported.contains("6 added"), "{imported}");

    let list = run_ok(&env, &["list"]);
    for title in [
        "Body full of escapes",
        "Front[2J matter]0;pwned title 31mevil",
        "Key value [2J[Htitle",
        "TOML [2Jtitle 2J",
        "Heading title ]52;c;",
        "Latin",
    ] {
        assert!(list.contains(title), "{title:?} not in\n{list}");
    }
    assert!(!list.contains("Named badly"), "{list}");
    let posts = json_ok(&env, &["list", "--json"]);
    assert_eq!(posts.as_array().unwrap().len(), 6);

    let tags = run_ok(&env, &["tags"]);
    assert!(tags.contains("tag[31mred"), "{tags}");
    assert!(tags.contains("gnp.exe"), "{tags}");
    json_ok(&env, &["tags", "--json"]);

    for query in ["Paragraph", "clipboard", "2J", "MOSN", "pwned", "evil"] {
        run_ok(&env, &["search", query]);
        json_ok(&env, &["search", query, "--json"]);
    }
    let hits = json_ok(&env, &["search", "bidi", "--json"]);
    assert!(!hits.as_array().unwrap().is_empty());
    run_ok(&env, &["list", "--tag", "hostile"]);
    run_ok(&env, &["list", "--search", "clipboard"]);
    run_ok(&env, &["sources"]);
    json_ok(&env, &["sources", "--json"]);
}

#[test]
fn show_piped_is_inert_by_id_and_by_path() {
    let env = TestEnv::new();
    let folder = hostile_folder(&env);
    run_ok(&env, &["import", folder.to_str().unwrap()]);
    for id in post_ids(&env) {
        for width in ["80", "20", "1"] {
            run_ok(&env, &["show", &id.to_string(), "--width", width]);
        }
    }
    for entry in std::fs::read_dir(hostile_dir().join("posts")).unwrap() {
        let path = entry.unwrap().path();
        let shown = run_ok(&env, &["show", path.to_str().unwrap(), "--width", "60"]);
        assert!(!shown.trim().is_empty(), "{}", path.display());
    }
    // The links are listed as text, every one, dangerous schemes included.
    let body = hostile_dir().join("posts/body.md");
    let shown = run_ok(&env, &["show", body.to_str().unwrap()]);
    for link in ["javascript:alert", "file:///etc/passwd", "data:text/html"] {
        assert!(shown.contains(link), "{link} not listed in\n{shown}");
    }
}

#[test]
fn error_messages_are_inert() {
    let env = TestEnv::new();
    let (ok, _, stderr) = run(&env, &["show", "missing\x1b]0;pwned\x07\u{9b}2J.md"]);
    assert!(!ok);
    assert!(stderr.contains("missing"), "{stderr}");
    let (ok, _, stderr) = run(&env, &["import", "/nonexistent/\x1b[2J\u{202e}x"]);
    assert!(!ok);
    assert!(stderr.contains("nonexistent"), "{stderr}");
    // A config file full of escapes: its problems are reported on one clean line each.
    let config = env.dir.path().join("config.toml");
    std::fs::write(
        &config,
        "\x1b[2J = \"\u{9b}\"\n[sources.\"a\x07\"]\nx = 1\n",
    )
    .unwrap();
    run(&env, &["--config", config.to_str().unwrap(), "list"]);
    let (_, _, _) = run(
        &env,
        &[
            "source",
            "add",
            "https://evil.example/\x1b]52;c;eA==\x07feed.xml",
            "--name",
            "n\x1b[2Jame\u{202e}",
        ],
    );
    run_ok(&env, &["sources"]);
    json_ok(&env, &["sources", "--json"]);
}

/// Feeds over HTTP: a hostile RSS feed, a hostile JSON feed, a feed that does not parse
/// (its error quotes the document) and a 404 whose body is hostile.
#[test]
fn sync_output_and_synced_posts_are_inert() {
    let server = TestServer::start();
    let rss = std::fs::read(hostile_dir().join("feed.xml")).unwrap();
    let json = std::fs::read(hostile_dir().join("feed.json")).unwrap();
    server.route("/feed.xml", Reply::ok(rss));
    server.route("/feed.json", Reply::ok(json));
    server.route(
        "/broken.xml",
        Reply::ok("<rss version=\"2.0\"><channel><title>\x1b]0;pwned\x07<\u{9b}2J\x1b[2J"),
    );
    server.route(
        "/gone.xml",
        Reply::status(404, "\x1b[2J\x1b]0;pwned\x07 not here"),
    );
    let env = TestEnv::new();
    for (name, target) in [
        ("rss", "/feed.xml"),
        ("json", "/feed.json"),
        ("broken", "/broken.xml"),
        ("gone", "/gone.xml"),
    ] {
        run_ok(
            &env,
            &["source", "add", &server.url(target), "--name", name],
        );
    }
    let (_, synced, errors) = run(&env, &["sync"]);
    assert!(errors.contains("broken"), "{errors}");
    assert!(errors.contains("gone"), "{errors}");

    let list = run_ok(&env, &["list"]);
    assert!(list.contains("Feed item"), "{list}");
    assert!(list.contains("JSON item"), "{list}");
    assert!(list.contains("Second"), "{list}\n{synced}");
    json_ok(&env, &["list", "--json"]);
    run_ok(&env, &["tags"]);
    json_ok(&env, &["tags", "--json"]);
    run_ok(&env, &["sources"]);
    let sources = json_ok(&env, &["sources", "--json"]);
    let names: Vec<&str> = sources
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|source| source["name"].as_str())
        .collect();
    for name in ["rss", "json", "broken", "gone"] {
        assert!(names.contains(&name), "{names:?}");
    }
    for id in post_ids(&env) {
        let shown = run_ok(&env, &["show", &id.to_string()]);
        assert!(!shown.contains("<script"), "{shown}");
    }
    for query in ["body", "json", "item"] {
        json_ok(&env, &["search", query, "--json"]);
        run_ok(&env, &["search", query]);
    }
}

/// `show` on a real terminal, in colour with hyperlinks: only the reader's own SGR and
/// OSC 8 (to web and mail links) may appear, and the screen shows the post.
#[test]
fn show_on_a_terminal_writes_only_its_own_sequences() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};

    let env = TestEnv::new();
    for post in [
        "body.md",
        "front-matter.md",
        "key-value.md",
        "toml.md",
        "latin1.md",
    ] {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_sofa-weekly"));
        command.arg("show");
        command.arg(hostile_dir().join("posts").join(post));
        command.env("TERM", "xterm-256color");
        command.env_remove("NO_COLOR");
        command.env("SOFA_WEEKLY_LIBRARY", env.library_dir());
        command.env("HOME", env.dir.path());
        command.env("XDG_CONFIG_HOME", env.dir.path().join("config"));
        let mut child = pty.slave.spawn_command(command).expect("start sofa-weekly");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let collected = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let mut buf = [0u8; 8192];
            // EIO once the child has exited and the pty is closed: the end of output.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                bytes.extend_from_slice(&buf[..n]);
            }
            bytes
        });
        let status = child.wait().expect("child exits");
        drop(pty.master);
        let bytes = collected.join().unwrap();
        assert!(status.success(), "show {post} failed");
        // The pty turns each "\n" into "\r\n" (ONLCR); that CR is the terminal's, not ours.
        let text = String::from_utf8(bytes.clone())
            .expect("utf-8 on the terminal")
            .replace("\r\n", "\n");
        assert!(text.contains("\x1b["), "{post}: no colour on a terminal");
        assert_only_own_sequences(&format!("show {post} on a pty"), &text);
        if post == "body.md" {
            assert!(
                text.contains("\x1b]8;;https://"),
                "no hyperlink at all: {text:?}"
            );
        }

        let mut screen = vt100::Parser::new(
            std::num::NonZeroU16::new(40).unwrap(),
            std::num::NonZeroU16::new(100).unwrap(),
            0,
        );
        screen.process(&bytes);
        assert!(
            !screen.screen().contents().trim().is_empty(),
            "{post}: nothing on screen"
        );
    }
}

/// The checks above would fail on what they look for (a test that cannot fail proves nothing).
#[test]
fn the_checks_catch_what_they_look_for() {
    let fails = |check: fn(&str, &str), text: &'static str| {
        std::panic::catch_unwind(|| check("probe", text)).is_err()
    };
    for hostile in [
        "a\x1b[2J",
        "\x07",
        "x\u{9b}31m",
        "\u{202e}gnp",
        "\u{2066}",
        "\x7f",
        "\r",
    ] {
        assert!(fails(assert_inert, hostile), "{hostile:?}");
        assert!(fails(assert_only_own_sequences, hostile), "{hostile:?}");
    }
    for hostile in [
        "\x1b]52;c;eA==\x07",
        "\x1b]0;title\x07",
        "\x1b]8;;javascript:alert(1)\x1b\\x\x1b]8;;\x1b\\",
        "\x1b]8;;file:///etc/passwd\x1b\\x\x1b]8;;\x1b\\",
        "\x1b[2J",
        "\x1b[31m\x1b[H",
    ] {
        assert!(fails(assert_only_own_sequences, hostile), "{hostile:?}");
    }
    assert_only_own_sequences(
        "own",
        "\x1b[0;1;38;5;33mtitle\x1b[0m \x1b]8;;https://a.io/x%20y\x1b\\link\x1b]8;;\x1b\\ 周报",
    );
}

/// The reader (the TUI) on a pseudo-terminal, opened on the hostile folder: every post
/// opened, its link list shown (where it has links) and its end, the tags pane shown. The
/// terminal gets cursor moves and styles from the reader and nothing of the content's: no
/// OSC sequence at all (clipboard, title, hyperlink), no BEL, no C1 control, no bidi
/// override.
#[test]
fn the_reader_on_a_terminal_writes_nothing_from_the_content() {
    let env = TestEnv::new();
    let folder = hostile_folder(&env);
    let folder = folder.to_str().unwrap();
    let mut app = PtySession::start(pty::command(&[folder], env.dir.path()), 100, 30);
    // Each key waits for what it does to be on screen: so every screen is drawn (keys read
    // together would be drawn once), and an Esc is read on its own rather than as Alt with
    // the key after it.
    let status_line = |screen: &str| screen.lines().last().unwrap_or("").to_string();
    let page_shown = |screen: &str| {
        !screen.contains("loading…") && !screen.contains("Enter opens the selected post")
    };
    app.wait_for("6 posts");
    app.wait_for("Latin 2J raw");
    app.press("\r");
    for post in 1..=6 {
        let cursor = format!(" {post}/6 ");
        app.wait_for_screen(|s| s.contains(&cursor) && page_shown(s));
        app.press("f"); // the link list
        let screen =
            app.wait_for_screen(|s| s.contains(" Links ") || s.contains("this post has no links"));
        if screen.contains(" Links ") {
            app.press("\x1b");
            app.wait_for_screen(|s| !s.contains(" Links "));
        }
        app.press("G"); // the end of the post
        app.wait_for("100% ");
        app.press("J"); // the next post
    }
    app.wait_for("last post");
    app.press("\x1b"); // back to the posts
    app.wait_for_screen(|s| status_line(s).contains("Enter  open"));
    app.press("\x1b"); // back to the tags
    app.wait_for_screen(|s| status_line(s).contains("Space  pick"));
    app.press("t");
    let screen = app.wait_for_screen(|s| status_line(s).contains("type to narrow"));
    assert!(screen.contains("gnp.exe"), "{screen}");
    app.press("\x1b");
    app.wait_for_screen(|s| status_line(s).contains("Space  pick"));
    app.press("q");
    app.wait_exit();

    let bytes = app.output();
    let text = without_startup_query(&String::from_utf8_lossy(&bytes));
    assert!(
        !text.contains("\x1b]"),
        "an OSC sequence reached the terminal"
    );
    for c in text.chars() {
        let allowed = c == '\x1b' || c == '\r' || c == '\n' || c == '\u{8}';
        assert!(
            !is_forbidden(c) || allowed,
            "{c:?} reached the terminal from the reader"
        );
    }
}
