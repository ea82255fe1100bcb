//! How sofa-weekly fits among other tools: OPML in and out, reading state between machines,
//! the config commands, colours (`--color`, `NO_COLOR`), completions, man page, `--version`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::TestEnv;
use predicates::prelude::*;
use serde_json::Value;
use sofa_weekly::library::Library;

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// (name, location) of every feed source, from `sources --json`.
fn feed_sources(env: &TestEnv) -> BTreeSet<(String, String)> {
    env.json(&["sources", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "feed")
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["location"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn opml_import_adds_every_feed_and_export_round_trips() {
    let env = TestEnv::new();
    env.cmd()
        .args(["import", &fixture("opml/feeds.opml")])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "12 feeds added, 0 already there, 1 listed twice, 0 skipped",
        ))
        .stdout(predicate::str::contains(
            "feeds.opml:30: https://blog.rust-lang.org/feed.xml is listed again",
        ));
    let sources = feed_sources(&env);
    assert_eq!(sources.len(), 12);
    let names: BTreeSet<&str> = sources.iter().map(|(name, _)| name.as_str()).collect();
    for expected in [
        "SOFAStack 博客",
        "Linkerd",
        "Inside Rust Blog",
        "The \"Morning\" Paper — archive",
    ] {
        assert!(names.contains(expected), "{expected} in {names:?}");
    }
    assert!(
        sources
            .iter()
            .any(|(_, url)| url == "https://hnrss.org/frontpage?points=100&comments=25"),
        "{sources:?}"
    );

    // Importing again changes nothing.
    env.cmd()
        .args(["import", &fixture("opml/feeds.opml")])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 feeds added, 12 already there"));

    // Out as OPML, and into a fresh library: the same feeds under the same names.
    let exported = env.stdout(&["export", "--opml"]);
    assert!(
        exported.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">")
    );
    assert!(exported.contains("xmlUrl=\"https://hnrss.org/frontpage?points=100&amp;comments=25\""));
    assert!(exported.contains("&quot;Morning&quot;"));
    let parsed = sofa_weekly::opml::parse(&exported).unwrap();
    assert_eq!(parsed.feeds.len(), 12);
    assert!(parsed.problems.is_empty());

    let other = TestEnv::new();
    let file = other.dir.path().join("exported.opml");
    env.cmd()
        .args(["export", "--opml", "--output", file.to_str().unwrap()])
        .assert()
        .success();
    // Detected by its content too, whatever the file is called.
    let renamed = other.dir.path().join("subscriptions.xml");
    std::fs::rename(&file, &renamed).unwrap();
    other.stdout(&["import", renamed.to_str().unwrap()]);
    assert_eq!(feed_sources(&other), sources);
}

#[test]
fn bad_opml_entries_are_reported_and_the_rest_added() {
    let env = TestEnv::new();
    let output = env
        .cmd()
        .args(["import", &fixture("opml/broken-entries.opml")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains("1 feed added, 0 already there, 0 listed twice, 3 skipped"),
        "{stdout}"
    );
    for line in [6, 7, 8] {
        assert!(
            stderr.contains(&format!("broken-entries.opml:{line}:")),
            "line {line} in {stderr}"
        );
    }
    assert!(stderr.contains("feed://old.example/rss"), "{stderr}");
    assert_eq!(feed_sources(&env).len(), 1);

    let output = env
        .cmd()
        .args(["import", &fixture("opml/malformed.opml")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("malformed.opml:5: not well-formed XML"),
        "{stderr}"
    );
}

#[test]
fn reading_state_moves_to_another_library() {
    let home = TestEnv::new();
    let archive = home.copy_fixture("archive");
    home.stdout(&["import", archive.to_str().unwrap()]);
    let list = home.json(&["list", "--json"]);
    let id_of = |list: &Value, title: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"] == title)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    {
        let library = Library::open(&home.library_dir()).unwrap();
        library.set_read(id_of(&list, "Issue 399"), true).unwrap();
        library.set_starred(id_of(&list, "Issue 98"), true).unwrap();
        library.set_position(id_of(&list, "Issue 98"), 120).unwrap();
    }
    let exported = home.json(&["export", "--state"]);
    assert_eq!(exported["format"], "sofa-weekly reading state");
    assert_eq!(exported["posts"].as_array().unwrap().len(), 2);
    assert_eq!(exported["posts"][0]["source"], "archive");
    assert_eq!(exported["posts"][0]["path"], "issues/issue-399.md");

    // Another machine, where one more post is known to the export than to the library.
    let mut state = exported.clone();
    let mut unknown = state["posts"][0].clone();
    unknown["path"] = "issues/issue-400.md".into();
    state["posts"].as_array_mut().unwrap().push(unknown);
    let away = TestEnv::new();
    let archive = away.copy_fixture("archive");
    away.stdout(&["import", archive.to_str().unwrap()]);
    let file = away.dir.path().join("state.json");
    std::fs::write(&file, state.to_string()).unwrap();
    away.cmd()
        .args(["import", "--state", file.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "2 posts updated, 0 kept (newer here), 1 unknown",
        ))
        .stderr(predicate::str::contains("archive:issues/issue-400.md"));
    let list = away.json(&["list", "--json"]);
    let post = |title: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"] == title)
            .unwrap()
            .clone()
    };
    assert_eq!(post("Issue 399")["read"], true);
    assert_eq!(post("Issue 98")["starred"], true);
    assert_eq!(post("Issue 98")["read"], false);
    let away_state = away.json(&["export", "--state"]);
    assert_eq!(away_state["posts"], exported["posts"]);

    std::fs::write(&file, "{\"posts\": 3}").unwrap();
    away.cmd()
        .args(["import", "--state", file.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "state.json:1: not a reading-state file",
        ));
}

#[test]
fn config_path_and_show_survive_a_broken_config() {
    let env = TestEnv::new();
    let config = env.dir.path().join("config.toml");
    std::fs::write(
        &config,
        "date_format = \"%d.%m.%Y\"\ncolour = \"yes\"\n[reader]\nmax_width = 5\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    env.cmd()
        .args(["--config", config, "config", "path"])
        .assert()
        .success()
        .stdout(format!("{config}\n"));
    let output = env
        .cmd()
        .args(["--config", config, "config", "show"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stdout.contains("date_format = \"%d.%m.%Y\""), "{stdout}");
    assert!(stdout.contains("max_width = 100"), "{stdout}");
    assert!(
        stdout.contains("location = \"github:sofastack/sofastack.tech@master:content/zh/blog\"")
    );
    assert!(
        stderr.contains(&format!("{config}:2: unknown key \"colour\"")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{config}:4: reader.max_width must be")),
        "{stderr}"
    );

    // The date format reaches `list`; JSON keeps ISO days.
    let archive = env.copy_fixture("archive");
    env.stdout(&["import", archive.to_str().unwrap()]);
    let list = env.stdout(&["--config", config, "list"]);
    assert!(list.contains("06.12.2019"), "{list}");
    let json = env.stdout(&["--config", config, "list", "--json"]);
    assert!(json.contains("\"2019-12-06\""));

    // --theme wins over the file.
    let shown = env.stdout(&["--config", config, "--theme", "light", "config", "show"]);
    assert!(shown.contains("theme = \"light\""), "{shown}");

    // No file at all: the defaults, said so.
    env.cmd()
        .args(["config", "show"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "# Default settings: there is no ",
        ));
}

#[test]
fn color_flags_and_no_color_decide_every_escape_sequence() {
    let env = TestEnv::new();
    let post = fixture("archive/sofa-weekly-20200508/index.md");
    let run = |args: &[&str], no_color: bool| {
        let mut cmd = env.cmd();
        if !no_color {
            cmd.env_remove("NO_COLOR");
        }
        let output = cmd.args(args).output().unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    // The control: asked for, colours are there even in a pipe.
    assert!(run(&["--color", "always", "show", &post], false).contains('\u{1b}'));
    for (args, no_color) in [
        (&["--color", "never", "show", &post][..], false),
        (&["show", &post][..], true),
        (&["--color", "auto", "show", &post][..], true),
        (&["--color", "never", "list"][..], false),
    ] {
        let out = run(args, no_color);
        assert!(!out.is_empty());
        assert!(
            !out.contains('\u{1b}'),
            "{args:?} NO_COLOR={no_color}: {out:?}"
        );
    }
    env.cmd()
        .args(["--color", "sometimes", "list"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("never"));
}

#[test]
fn completions_man_page_and_version() {
    let env = TestEnv::new();
    let bash = env.stdout(&["completions", "bash"]);
    assert!(
        bash.contains("-F _sofa__weekly"),
        "{}",
        &bash[..200.min(bash.len())]
    );
    for subcommand in ["import", "export", "sync", "completions", "config"] {
        assert!(bash.contains(subcommand), "{subcommand}");
    }
    assert!(
        env.stdout(&["completions", "zsh"])
            .starts_with("#compdef sofa-weekly")
    );
    assert!(
        env.stdout(&["completions", "fish"])
            .contains("complete -c sofa-weekly")
    );

    // bash itself loads the script and completes the subcommands (where bash exists).
    if let Ok(output) = std::process::Command::new("bash")
        .arg("-c")
        .arg(
            r#"source "$0"; complete -p sofa-weekly
COMP_WORDS=(sofa-weekly ex); COMP_CWORD=1; COMP_LINE="sofa-weekly ex"; COMP_POINT=${#COMP_LINE}
fn=$(complete -p sofa-weekly | sed -E 's/.*-F ([^ ]+).*/\1/')
"$fn" sofa-weekly ex sofa-weekly; printf '%s\n' "${COMPREPLY[@]}""#,
        )
        .arg(write_temp(&env, "completions.bash", &bash))
        .output()
    {
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("-F _sofa__weekly sofa-weekly"), "{stdout}");
        assert!(stdout.lines().any(|l| l == "export"), "{stdout}");
    }

    let man = env.stdout(&["man"]);
    assert!(
        man.starts_with(".ie \\n(.g .ds Aq") || man.contains(".TH sofa-weekly 1"),
        "{}",
        &man[..200]
    );
    assert!(man.contains("completions"));
    let dir = env.dir.path().join("man");
    env.stdout(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(dir.join("sofa-weekly.1").is_file());
    assert!(dir.join("sofa-weekly-sync.1").is_file());

    let version = env.stdout(&["--version"]);
    assert!(
        version.starts_with(&format!("sofa-weekly {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
}

fn write_temp(env: &TestEnv, name: &str, text: &str) -> String {
    let path = env.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Runs the binary in a pseudo-terminal (so that "auto" means colours) and returns every
/// byte it wrote. `keys` are typed once `ready` appears in the output (for the reader).
fn on_a_terminal(
    env: &TestEnv,
    vars: &[(&str, &str)],
    args: &[&str],
    keys: Option<(&str, &str)>,
) -> Vec<u8> {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_sofa-weekly"));
    command.args(args);
    command.env("TERM", "xterm-256color");
    command.env("HOME", env.dir.path());
    command.env("XDG_CONFIG_HOME", env.dir.path().join("config"));
    command.env("SOFA_WEEKLY_LIBRARY", env.library_dir());
    command.env_remove("NO_COLOR");
    command.env_remove("COLORTERM");
    for (name, value) in vars {
        command.env(name, value);
    }
    let mut child = pty.slave.spawn_command(command).expect("start sofa-weekly");
    drop(pty.slave);
    let output = Arc::new(Mutex::new(Vec::new()));
    let mut reader = pty.master.try_clone_reader().expect("pty reader");
    let sink = Arc::clone(&output);
    let reading = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    if let Some((ready, typed)) = keys {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !String::from_utf8_lossy(&output.lock().unwrap()).contains(ready) {
            assert!(
                std::time::Instant::now() < deadline,
                "{ready:?} never showed"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let mut writer = pty.master.take_writer().expect("pty writer");
        writer.write_all(typed.as_bytes()).unwrap();
        writer.flush().unwrap();
    }
    let status = child.wait().expect("sofa-weekly ends");
    assert!(status.success(), "{args:?}: {status:?}");
    drop(pty.master);
    let _ = reading.join();
    // The reading thread has ended: this is the only owner left.
    Arc::try_unwrap(output)
        .expect("reader thread finished")
        .into_inner()
        .unwrap()
}

fn has_escape(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

/// A colour in an SGR sequence: `ESC[38;…`, `ESC[48;…`, or a 30–37/40–47/90–97 code.
fn has_colour(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.split('\u{1b}').skip(1).any(|sequence| {
        let Some(params) = sequence.strip_prefix('[').and_then(|s| s.split_once('m')) else {
            return false;
        };
        if params.0.contains(|c: char| !c.is_ascii_digit() && c != ';') {
            return false;
        }
        params.0.split(';').any(|code| {
            matches!(
                code.parse::<u16>(),
                Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)
            )
        })
    })
}

#[test]
fn on_a_terminal_no_color_and_color_never_mean_no_escape_sequence_at_all() {
    let env = TestEnv::new();
    let post = fixture("archive/sofa-weekly-20200508/index.md");
    // The control: a terminal gets colours by default.
    let styled = on_a_terminal(&env, &[], &["show", &post], None);
    assert!(has_colour(&styled), "{}", String::from_utf8_lossy(&styled));
    for (vars, args) in [
        (&[("NO_COLOR", "1")][..], &["show", &post][..]),
        (&[][..], &["--color", "never", "show", &post][..]),
        (&[("NO_COLOR", "1")][..], &["list"][..]),
    ] {
        let bytes = on_a_terminal(&env, vars, args, None);
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("SOFA") || text.contains("sample"), "{text}");
        assert!(!has_escape(&bytes), "{vars:?} {args:?}: {text:?}");
    }
}

#[test]
fn the_reader_uses_no_colour_with_no_color_or_color_never() {
    let env = TestEnv::new();
    let posts = fixture("archive");
    // The control: colours by default.
    let coloured = on_a_terminal(&env, &[], &[&posts], Some(("Posts", "q")));
    assert!(has_colour(&coloured));
    for (vars, args) in [
        (&[("NO_COLOR", "1")][..], &[posts.as_str()][..]),
        (&[][..], &["--color", "never", posts.as_str()][..]),
    ] {
        let bytes = on_a_terminal(&env, vars, args, Some(("Posts", "q")));
        assert!(!has_colour(&bytes), "{vars:?} {args:?}");
    }
}
