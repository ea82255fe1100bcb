//! Pictures kept offline: a sync against a server on 127.0.0.1 that serves pictures made
//! here (PNG, JPEG, WebP, GIF, one without an extension), one picture used by two posts, and
//! hostile ones (a dimension bomb, a truncated file, an HTML page named `.png`, a 404, an
//! endless body, a stalled server, an unreachable host). The server is stopped before the
//! cache is checked: what is kept must be readable offline.

#[path = "support/blackhole.rs"]
mod blackhole;
mod common;
#[path = "support/test_server.rs"]
mod test_server;

use std::io::Cursor;
use std::time::{Duration, Instant};

use image::{ImageFormat, Rgba, RgbaImage};
use sofa_weekly::library::Library;
use sofa_weekly::pictures::PictureStatus;
use sofa_weekly::pictures::intake::load_rgba;
use sofa_weekly::pictures::store::{PictureStore, apply_budget};
use test_server::{Reply, TestServer};

/// A picture of `width`×`height` with a gradient, so that every format has real content.
fn picture(width: u32, height: u32, seed: u8) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        Rgba([(x as u8).wrapping_add(seed), y as u8, seed, 255])
    })
}

fn encoded(width: u32, height: u32, seed: u8, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    let picture = picture(width, height, seed);
    match format {
        ImageFormat::Jpeg => image::DynamicImage::ImageRgba8(picture)
            .to_rgb8()
            .write_to(&mut Cursor::new(&mut bytes), format),
        ImageFormat::Gif => {
            let mut encoder = image::codecs::gif::GifEncoder::new(&mut bytes);
            encoder
                .encode_frame(image::Frame::new(picture.clone()))
                .and_then(|()| encoder.encode_frame(image::Frame::new(picture)))
        }
        _ => picture.write_to(&mut Cursor::new(&mut bytes), format),
    }
    .unwrap();
    bytes
}

/// A well-formed PNG whose header claims `width`×`height`, with a little data: what a
/// decompression bomb looks like to the intake.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]);
    // A zlib stream of one stored block of 64 zero bytes.
    let mut data = vec![0x78, 0x01, 0x01, 64, 0, !64, 0xff];
    data.extend_from_slice(&[0; 64]);
    data.extend_from_slice(&(64u32 << 16 | 1).to_be_bytes());
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, body) in [(b"IHDR", header), (b"IDAT", data), (b"IEND", Vec::new())] {
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&body);
        bytes.extend_from_slice(&(body.len() as u32).to_be_bytes());
        bytes.extend_from_slice(&chunk);
        bytes.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    bytes
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn rss(items: &[(&str, &str)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Pictures</title>\
         <link>https://example.org/</link>",
    );
    for (i, (title, html)) in items.iter().enumerate() {
        xml.push_str(&format!(
            "<item><title>{title}</title><guid>item-{i}</guid>\
             <pubDate>Mon, 0{} Jan 2024 10:00:00 GMT</pubDate>\
             <description><![CDATA[{html}]]></description></item>",
            i + 1
        ));
    }
    xml.push_str("</channel></rss>");
    xml
}

fn img(url: &str) -> String {
    format!("<p><img src=\"{url}\" alt=\"pic\"></p>")
}

/// The binary with pictures on and short timeouts (the stalled server costs about a second).
fn cmd(env: &common::TestEnv) -> assert_cmd::Command {
    let mut cmd = env.cmd();
    cmd.env("SOFA_WEEKLY_PICTURES", "all")
        .env("SOFA_WEEKLY_HTTP_TIMEOUT", "0.7")
        .env("SOFA_WEEKLY_HTTP_RETRY_DELAY_MS", "10");
    cmd
}

fn stdout(env: &common::TestEnv, args: &[&str]) -> String {
    common::succeeds(&mut cmd(env), args)
}

/// `sofa-weekly sync` of the feed at `feed_url` (added as a source the first time);
/// returns what it printed.
fn sync_feed(env: &common::TestEnv, feed_url: &str) -> String {
    let known = env.library_dir().exists()
        && Library::open(&env.library_dir())
            .unwrap()
            .source("weekly")
            .unwrap()
            .is_some();
    if !known {
        stdout(env, &["source", "add", feed_url, "--name", "weekly"]);
    }
    stdout(env, &["sync", "weekly"])
}

/// A server with every picture of the module docs; returns it with the feed's URL.
fn picture_server() -> (TestServer, String) {
    let server = TestServer::start();
    let routes: Vec<(&str, Reply)> = vec![
        ("/p/a.png", Reply::ok(encoded(40, 30, 1, ImageFormat::Png))),
        ("/p/b.jpg", Reply::ok(encoded(48, 32, 2, ImageFormat::Jpeg))),
        (
            "/p/c.webp",
            Reply::ok(encoded(36, 36, 3, ImageFormat::WebP)),
        ),
        ("/p/d.gif", Reply::ok(encoded(24, 24, 4, ImageFormat::Gif))),
        (
            "/p/noext",
            Reply::ok(encoded(2000, 100, 5, ImageFormat::Png))
                .with_header("Content-Type", "application/octet-stream"),
        ),
        (
            "/p/shared.png",
            Reply::ok(encoded(64, 64, 6, ImageFormat::Png)),
        ),
        (
            "/p/pixel.gif",
            Reply::ok(encoded(1, 1, 7, ImageFormat::Gif)),
        ),
        ("/p/bomb.png", Reply::ok(png_claiming(100_000, 100_000))),
        ("/p/truncated.png", {
            let whole = encoded(64, 64, 8, ImageFormat::Png);
            Reply::ok(whole[..whole.len() / 2].to_vec())
        }),
        (
            "/p/page.png",
            Reply::ok("<!DOCTYPE html><html><body>Not here</body></html>")
                .with_header("Content-Type", "image/png"),
        ),
        ("/p/endless.png", Reply::Huge { len: 64 << 20 }),
        ("/p/stalled.png", Reply::Stall(Duration::from_secs(4))),
    ];
    for (target, reply) in routes {
        server.route(target, reply);
    }
    let first: String = [
        "a.png",
        "b.jpg",
        "c.webp",
        "d.gif",
        "noext",
        "shared.png",
        "pixel.gif",
        "bomb.png",
        "truncated.png",
        "page.png",
        "missing.png",
        "endless.png",
        "stalled.png",
    ]
    .iter()
    .map(|name| img(&server.url(&format!("/p/{name}"))))
    .collect();
    // Port 9 (discard) is closed on a test machine: connecting is refused at once.
    let second = format!(
        "{}{}{}",
        img(&server.url("/p/shared.png")),
        img("http://127.0.0.1:9/one.png"),
        img("http://127.0.0.1:9/two.png"),
    );
    let feed = rss(&[("First", &first), ("Second", &second)]);
    server.route("/feed.xml", Reply::ok(feed));
    let feed_url = server.url("/feed.xml");
    (server, feed_url)
}

#[test]
fn pictures_are_kept_and_hostile_ones_refused_with_their_reasons() {
    let env = common::TestEnv::new();
    let (server, feed_url) = picture_server();
    let printed = sync_feed(&env, &feed_url);
    let base = server.base();
    drop(server);

    assert!(
        printed.contains("pictures: 6 stored, 1 skipped, 8 failed")
            && printed.contains("(host unreachable: http://127.0.0.1:9)"),
        "{printed}"
    );
    let library = Library::open(&env.library_dir()).unwrap();
    let record = |name: &str| {
        let url = if name.starts_with("http") {
            name.to_owned()
        } else {
            format!("{base}/p/{name}")
        };
        library
            .picture(&url)
            .unwrap()
            .unwrap_or_else(|| panic!("{url} not recorded"))
    };
    for (name, width, height) in [
        ("a.png", 40, 30),
        ("b.jpg", 48, 32),
        ("c.webp", 36, 36),
        ("d.gif", 24, 24),
        ("noext", 1600, 80),
        ("shared.png", 64, 64),
    ] {
        let picture = record(name);
        assert_eq!(picture.status, PictureStatus::Ok, "{name}: {picture:?}");
        assert_eq!(
            (picture.width, picture.height),
            (Some(width), Some(height)),
            "{name}"
        );
        let bytes = std::fs::read(picture.file.as_ref().unwrap()).unwrap();
        assert_eq!(bytes.len() as u64, picture.bytes);
        let decoded = load_rgba(&bytes).unwrap();
        assert_eq!(decoded.dimensions(), (width, height), "{name} reads back");
    }
    let reason = |name: &str| {
        let picture = record(name);
        (picture.status, picture.reason.unwrap_or_default())
    };
    let failed = |name: &str, expected: &str| {
        let (status, reason) = reason(name);
        assert_eq!(status, PictureStatus::Failed, "{name}: {reason}");
        assert!(
            reason.contains(expected),
            "{name}: {reason:?} lacks {expected:?}"
        );
    };
    failed("bomb.png", "too large: 100000×100000");
    failed("truncated.png", "cannot decode");
    failed("page.png", "not a picture: an HTML page");
    failed("missing.png", "HTTP 404");
    failed("endless.png", "too large: more than 8.0 MiB");
    failed("stalled.png", "no answer within");
    failed("http://127.0.0.1:9/one.png", "cannot connect");
    failed("http://127.0.0.1:9/two.png", "not tried");
    let (status, why) = reason("pixel.gif");
    assert_eq!(status, PictureStatus::Skipped);
    assert!(why.contains("too small"), "{why}");

    // `images --json`: one entry per URL with the documented fields, then the totals.
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&env, &["images", "--json"])).unwrap();
    let entries = listed["pictures"].as_array().unwrap();
    assert_eq!(entries.len(), 15);
    let keys: Vec<&str> = entries[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "bytes", "height", "posts", "reason", "status", "url", "width"
        ]
    );
    let totals = &listed["totals"];
    assert_eq!(
        (
            &totals["ok"],
            &totals["failed"],
            &totals["skipped"],
            &totals["pending"]
        ),
        (&6.into(), &8.into(), &1.into(), &0.into())
    );
    let human = stdout(&env, &["images"]);
    assert!(
        human.contains("HTTP 404") && human.ends_with("of a 1.0 GiB budget\n"),
        "{human}"
    );

    // The shared picture: two posts, one record, one file.
    let shared = record("shared.png");
    assert_eq!(shared.posts, 2);
    let stored: Vec<_> = walk_files(&env.library_dir().join("pictures"));
    assert_eq!(stored.len(), 6, "{stored:?}");
    assert!(
        stored
            .iter()
            .all(|f| !f.to_string_lossy().ends_with(".tmp"))
    );
}

#[test]
fn a_second_sync_fetches_nothing_again_and_failures_wait() {
    let env = common::TestEnv::new();
    let (server, feed_url) = picture_server();
    sync_feed(&env, &feed_url);
    server.clear_requests();
    let again = sync_feed(&env, &feed_url);
    assert!(!again.contains("stored"), "{again}");
    assert!(
        server.requests_to("/p/").is_empty(),
        "{:?}",
        server.requests_to("/p/")
    );
}

#[test]
fn the_budget_drops_the_least_recently_shown() {
    let env = common::TestEnv::new();
    let (server, feed_url) = picture_server();
    sync_feed(&env, &feed_url);
    let base = server.base();
    let mut library = Library::open(&env.library_dir()).unwrap();
    let ok: Vec<_> = library
        .pictures()
        .unwrap()
        .into_iter()
        .filter(|p| p.status == PictureStatus::Ok)
        .collect();
    let total: u64 = ok.iter().map(|p| p.bytes).sum();
    let now = chrono::Utc::now().timestamp();
    let urls: Vec<&str> = ok.iter().map(|p| p.url.as_str()).collect();
    library.mark_pictures_shown_at(&urls, now).unwrap();
    let oldest = format!("{base}/p/b.jpg");
    library
        .mark_pictures_shown_at(&[&oldest], now - 1000)
        .unwrap();
    let jpeg = library.picture(&oldest).unwrap().unwrap();

    let store = PictureStore::new(&env.library_dir());
    let pruned = apply_budget(&mut library, &store, total - 1).unwrap();
    assert_eq!(pruned.removed, 1);
    assert_eq!(pruned.freed_bytes, jpeg.bytes);
    let evicted = library.picture(&oldest).unwrap().unwrap();
    assert_eq!(evicted.status, PictureStatus::Pending);
    assert!(!jpeg.file.unwrap().exists());
    let kept = library
        .picture(&format!("{base}/p/a.png"))
        .unwrap()
        .unwrap();
    assert_eq!(kept.status, PictureStatus::Ok);
    assert!(kept.file.unwrap().exists());

    // With that budget in the config, the next sync does not fetch the dropped picture back
    // (it would only drop another, and fetch that one back the time after).
    let config = env.dir.path().join("config/sofa-weekly/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, format!("[pictures]\nbudget = {}\n", total - 1)).unwrap();
    drop(library);
    let printed = sync_feed(&env, &feed_url);
    assert!(!printed.contains("dropped"), "{printed}");
    let library = Library::open(&env.library_dir()).unwrap();
    assert_eq!(
        library.picture(&oldest).unwrap().unwrap().status,
        PictureStatus::Pending
    );
    let images = stdout(&env, &["images", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&images).unwrap();
    assert_eq!(listed["totals"]["ok"], 5, "{images}");
    assert_eq!(listed["totals"]["budget"], total - 1);
    drop(server);
}

#[test]
fn pictures_beside_a_local_post_are_taken_from_disk() {
    let env = common::TestEnv::new();
    let folder = env.dir.path().join("posts/2024-01-05");
    std::fs::create_dir_all(folder.join("img")).unwrap();
    std::fs::write(
        folder.join("img/arch.png"),
        encoded(50, 40, 9, ImageFormat::Png),
    )
    .unwrap();
    std::fs::write(
        folder.join("cover.jpg"),
        encoded(60, 30, 10, ImageFormat::Jpeg),
    )
    .unwrap();
    std::fs::write(
        folder.join("index.md"),
        "---\ntitle: Weekly\ncover: /cover.jpg\n---\n\n![架构](img/arch.png)\n\n![gone](img/gone.png)\n",
    )
    .unwrap();
    let posts = env.dir.path().join("posts");
    let printed = stdout(&env, &["import", posts.to_str().unwrap()]);
    assert!(
        printed.contains("pictures: 2 stored, 0 skipped, 1 failed"),
        "{printed}"
    );
    let library = Library::open(&env.library_dir()).unwrap();
    let pictures = library.pictures().unwrap();
    assert_eq!(
        pictures[0].width,
        Some(60),
        "the cover comes first: {pictures:?}"
    );
    assert!(pictures[0].url.ends_with("/2024-01-05/cover.jpg"));
    assert_eq!(pictures[2].status, PictureStatus::Failed);
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_type().unwrap().is_dir() {
            files.extend(walk_files(&entry.path()));
        } else {
            files.push(entry.path());
        }
    }
    files
}

#[test]
fn a_github_post_takes_its_pictures_from_the_raw_files_at_the_same_ref() {
    let env = common::TestEnv::new();
    let server = TestServer::start();
    let post = "---\ntitle: Weekly 42\ncover: /cover.jpg\n---\n\n![arch](./arch.png)\n";
    let sha = sofa_weekly::loader::git_blob_sha1(post.as_bytes());
    let tree = serde_json::json!({"sha": "root", "truncated": false, "tree": [
        {"path": "content/blog/w42/index.md", "mode": "100644", "type": "blob",
         "sha": sha, "size": post.len()},
    ]});
    server.route(
        "/repos/o/r/git/trees/main?recursive=1",
        Reply::ok(tree.to_string()),
    );
    let raw = "/raw/o/r/main/content/blog/w42";
    server.route(&format!("{raw}/index.md"), Reply::ok(post));
    server.route(
        &format!("{raw}/cover.jpg"),
        Reply::ok(encoded(64, 32, 11, ImageFormat::Jpeg)),
    );
    server.route(
        &format!("{raw}/arch.png"),
        Reply::ok(encoded(32, 32, 12, ImageFormat::Png)),
    );
    let run = |args: &[&str]| {
        common::succeeds(
            cmd(&env)
                .env("SOFA_WEEKLY_GITHUB_API", server.base())
                .env("SOFA_WEEKLY_GITHUB_RAW", server.url("/raw")),
            args,
        )
    };
    run(&[
        "source",
        "add",
        "github:o/r@main:content/blog",
        "--name",
        "repo",
    ]);
    let printed = run(&["sync", "repo"]);
    assert!(
        printed.contains("pictures: 2 stored, 0 skipped, 0 failed"),
        "{printed}"
    );
    drop(server);
    let library = Library::open(&env.library_dir()).unwrap();
    let post = library.list(&Default::default()).unwrap().remove(0);
    let pictures = library.post_pictures(post.id).unwrap();
    let urls: Vec<&str> = pictures.iter().map(|(url, _)| url.as_str()).collect();
    assert!(
        urls[0].ends_with("/raw/o/r/main/content/blog/w42/cover.jpg"),
        "{urls:?}"
    );
    assert!(
        urls[1].ends_with("/raw/o/r/main/content/blog/w42/arch.png"),
        "{urls:?}"
    );
    assert_eq!(
        library.post_cover(post.id).unwrap().as_deref(),
        Some("/cover.jpg")
    );
}

#[test]
fn the_reader_finds_synced_pictures_in_the_cache_with_the_server_gone() {
    use sofa_weekly::app::pictures::{PictureShelf, PixelSource};
    use sofa_weekly::render::PictureState;

    let env = common::TestEnv::new();
    let (server, feed_url) = picture_server();
    sync_feed(&env, &feed_url);
    let base = server.base();
    drop(server);

    let library = Library::open(&env.library_dir()).unwrap();
    let first = library
        .list(&sofa_weekly::library::Filter::default())
        .unwrap()
        .into_iter()
        .find(|post| post.title == "First")
        .unwrap();
    let post = library.post(first.id).unwrap().unwrap();
    let entries = PictureShelf::post_pictures(&library, first.id, &post.body).unwrap();
    let entry = |name: &str| {
        let url = format!("{base}/p/{name}");
        entries
            .iter()
            .find(|entry| entry.url == url)
            .unwrap_or_else(|| panic!("{url} not among {entries:?}"))
    };
    // Stored: drawable from its file in the cache, with the size it was kept at.
    let png = entry("a.png");
    assert_eq!(
        png.state,
        PictureState::Cached {
            width: 40,
            height: 30
        }
    );
    match &png.pixels {
        Some(PixelSource::File(file)) => assert!(file.starts_with(env.library_dir())),
        other => panic!("a.png: {other:?}"),
    }
    // Refused ones say why, as the placeholder shows it.
    match &entry("missing.png").state {
        PictureState::Missing(reason) => assert!(reason.starts_with("failed: "), "{reason}"),
        other => panic!("missing.png: {other:?}"),
    }
    assert!(entry("bomb.png").pixels.is_none());
}

/// A port that never completes a handshake, or a note saying why this machine has none.
fn blackhole() -> Option<blackhole::Blackhole> {
    let hole = blackhole::Blackhole::start();
    if hole.is_none() {
        #[cfg(target_os = "linux")]
        panic!("Linux drops SYNs to a full accept queue: the blackhole should work here");
        #[cfg(not(target_os = "linux"))]
        eprintln!("no blackhole on this system: a full accept queue is not silent here");
    }
    hole
}

#[test]
fn a_connect_timeout_is_unreachable_and_pictures_do_not_retry_it() {
    use sofa_weekly::loader::http::{HttpClient, HttpError, HttpOptions, Validators};
    let Some(hole) = blackhole() else { return };
    let options = HttpOptions {
        connect_timeout: Duration::from_millis(300),
        read_timeout: Duration::from_millis(300),
        total_timeout: Duration::from_secs(10),
        retries: 2,
        retry_delay: Duration::from_millis(10),
        max_body_bytes: 1024,
    };
    let url = hole.url("/a.png");
    let timed = |client: &HttpClient| {
        let start = Instant::now();
        let err = client
            .get(&url, &Validators::default(), None, None)
            .unwrap_err();
        (err, start.elapsed())
    };
    // Posts keep their retries (the network may be back in a moment)…
    let (err, spent) = timed(&HttpClient::new(options.clone()));
    assert!(matches!(err, HttpError::ConnectTimeout { .. }), "{err}");
    assert!(err.is_unreachable(), "{err}");
    assert!(err.to_string().contains(&url), "{err}");
    assert!(
        spent >= Duration::from_millis(850),
        "three attempts: {spent:?}"
    );
    // …pictures try an unreachable host once. The lower bounds leave slack because the
    // connect timer and this clock may disagree by a fraction of a millisecond (one run
    // measured 299.94 ms for a 300 ms timeout).
    let (err, spent) = timed(&HttpClient::new(options).without_retries_when_unreachable());
    assert!(err.is_unreachable(), "{err}");
    assert!(
        spent >= Duration::from_millis(250) && spent < Duration::from_millis(800),
        "one attempt: {spent:?}"
    );
}

#[test]
fn a_host_that_drops_packets_costs_one_timeout_not_one_per_picture() {
    let Some(hole) = blackhole() else { return };
    let env = common::TestEnv::new();
    let server = TestServer::start();
    server.route("/p/a.png", Reply::ok(encoded(40, 30, 1, ImageFormat::Png)));
    server.route("/p/b.png", Reply::ok(encoded(30, 40, 2, ImageFormat::Png)));
    // 60 pictures on the silent host, spread over three posts, around the served ones.
    let silent = |post: usize| -> String {
        (0..20)
            .map(|i| img(&hole.url(&format!("/{post}/{i}.png"))))
            .collect()
    };
    let first = format!("{}{}", silent(0), img(&server.url("/p/a.png")));
    let second = format!("{}{}", img(&server.url("/p/b.png")), silent(1));
    let third = silent(2);
    let feed = rss(&[("First", &first), ("Second", &second), ("Third", &third)]);
    server.route("/feed.xml", Reply::ok(feed));
    let run =
        |args: &[&str]| common::succeeds(cmd(&env).env("SOFA_WEEKLY_HTTP_TIMEOUT", "0.5"), args);
    run(&[
        "source",
        "add",
        &server.url("/feed.xml"),
        "--name",
        "weekly",
    ]);
    let start = Instant::now();
    let printed = run(&["sync", "weekly"]);
    let spent = start.elapsed();
    // One connect timeout (0.5 s) and the rest of the sync. Paid per picture, with the
    // retry it used to get, it was 60 × 1 s over four threads: 15 s.
    assert!(spent < Duration::from_secs(4), "{spent:?}: {printed}");
    assert!(
        printed.contains("pictures: 2 stored, 0 skipped, 60 failed")
            && printed.contains(&format!("(host unreachable: {})", hole.base())),
        "{printed}"
    );
    drop(server);

    let library = Library::open(&env.library_dir()).unwrap();
    let pictures = library.pictures().unwrap();
    let (stored, failed): (Vec<_>, Vec<_>) =
        pictures.iter().partition(|p| p.status == PictureStatus::Ok);
    assert_eq!(stored.len(), 2, "the other host's pictures are fetched");
    assert_eq!(failed.len(), 60);
    let reasons: Vec<&str> = failed
        .iter()
        .map(|p| p.reason.as_deref().unwrap_or_default())
        .collect();
    let tried: Vec<&&str> = reasons
        .iter()
        .filter(|r| r.starts_with("cannot connect"))
        .collect();
    assert_eq!(tried.len(), 1, "the host is tried once: {reasons:?}");
    assert!(
        tried[0].contains(&hole.base()) && tried[0].contains("no answer within 0.5 s"),
        "{}",
        tried[0]
    );
    for reason in &reasons {
        assert!(reason.contains(&hole.base()), "names the host: {reason}");
        assert!(
            reason.starts_with("cannot connect") || reason.starts_with("not tried: "),
            "{reason}"
        );
    }
}
