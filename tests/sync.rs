//! Sync against an HTTP server started inside the test: the client's safety rules, GitHub
//! trees and raw files, feeds, and the faults a real network produces.

mod common;
#[path = "support/test_server.rs"]
mod test_server;

use std::time::Duration;

use sofa_weekly::loader::http::{Fetched, HttpClient, HttpError, HttpOptions, Validators};
use test_server::{Reply, TestServer};

/// Short timeouts and retry delays so fault tests stay fast.
fn fast_options() -> HttpOptions {
    HttpOptions {
        connect_timeout: Duration::from_millis(500),
        read_timeout: Duration::from_millis(300),
        total_timeout: Duration::from_secs(5),
        retries: 3,
        retry_delay: Duration::from_millis(10),
        max_body_bytes: 64 * 1024,
    }
}

fn fast_client() -> HttpClient {
    HttpClient::new(fast_options())
}

fn get(client: &HttpClient, url: &str) -> Result<Fetched, HttpError> {
    client.get(url, &Validators::default(), None, None)
}

/// The ETag a source of `library` keeps from its last complete fetch.
fn etag_of(library: &sofa_weekly::library::Library, source: &str) -> Option<String> {
    library.source(source).unwrap().unwrap().validators.etag
}

fn body_of(fetched: Fetched) -> Vec<u8> {
    match fetched {
        Fetched::Body(response) => response.body,
        Fetched::NotModified => panic!("expected a body, got 304"),
    }
}

// ---------------------------------------------------------------- the HTTP client

#[test]
fn http_get_returns_body_and_validators() {
    let server = TestServer::start();
    server.route(
        "/a",
        Reply::ok("hello")
            .with_etag("\"v1\"")
            .with_header("Last-Modified", "Sat, 21 Nov 2026 05:00:00 GMT"),
    );
    let Fetched::Body(response) = get(&fast_client(), &server.url("/a")).unwrap() else {
        panic!("expected a body");
    };
    assert_eq!(response.body, b"hello");
    assert_eq!(response.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        response.validators.last_modified.as_deref(),
        Some("Sat, 21 Nov 2026 05:00:00 GMT")
    );
}

#[test]
fn http_conditional_get_sends_validators_and_understands_304() {
    let server = TestServer::start();
    server.route("/a", Reply::ok("hello").with_etag("\"v1\""));
    let validators = Validators {
        etag: Some("\"v1\"".into()),
        last_modified: Some("Sat, 21 Nov 2026 05:00:00 GMT".into()),
    };
    let fetched = fast_client()
        .get(&server.url("/a"), &validators, None, None)
        .unwrap();
    assert!(matches!(fetched, Fetched::NotModified));
    let request = &server.requests()[0];
    assert_eq!(request.header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        request.header("if-modified-since"),
        Some("Sat, 21 Nov 2026 05:00:00 GMT")
    );
}

#[test]
fn http_sends_bearer_only_when_asked() {
    let server = TestServer::start();
    server.route("/a", Reply::ok("x"));
    let client = fast_client();
    client
        .get(
            &server.url("/a"),
            &Validators::default(),
            Some("t0ken"),
            None,
        )
        .unwrap();
    get(&client, &server.url("/a")).unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].header("authorization"), Some("Bearer t0ken"));
    assert_eq!(requests[1].header("authorization"), None);
}

#[test]
fn http_retries_5xx_then_succeeds() {
    let server = TestServer::start();
    server.queue("/a", Reply::status(500, "oops"));
    server.queue("/a", Reply::status(503, "busy"));
    server.route("/a", Reply::ok("fine"));
    let body = body_of(get(&fast_client(), &server.url("/a")).unwrap());
    assert_eq!(body, b"fine");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn http_gives_up_after_three_retries_naming_the_url() {
    let server = TestServer::start();
    server.route("/a", Reply::status(500, "oops"));
    let err = get(&fast_client(), &server.url("/a")).unwrap_err();
    assert!(
        matches!(err, HttpError::Status { status: 500, .. }),
        "{err}"
    );
    assert!(err.to_string().contains(&server.url("/a")), "{err}");
    assert_eq!(server.requests().len(), 4, "one try and three retries");
}

#[test]
fn http_does_not_retry_404() {
    let server = TestServer::start();
    let err = get(&fast_client(), &server.url("/missing")).unwrap_err();
    assert!(matches!(err, HttpError::Status { status: 404, .. }));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn http_retries_dropped_connections() {
    let server = TestServer::start();
    server.queue("/a", Reply::Drop);
    server.queue("/a", Reply::Drop);
    server.route("/a", Reply::ok("fine"));
    assert_eq!(
        body_of(get(&fast_client(), &server.url("/a")).unwrap()),
        b"fine"
    );
}

#[test]
fn http_detects_truncated_bodies_and_retries() {
    let server = TestServer::start();
    server.queue(
        "/a",
        Reply::Truncate {
            body: b"0123456789".to_vec(),
            sent: 4,
        },
    );
    server.route("/a", Reply::ok("0123456789"));
    assert_eq!(
        body_of(get(&fast_client(), &server.url("/a")).unwrap()),
        b"0123456789"
    );
    assert_eq!(server.requests().len(), 2);

    server.route(
        "/b",
        Reply::Truncate {
            body: b"0123456789".to_vec(),
            sent: 4,
        },
    );
    let err = get(&fast_client(), &server.url("/b")).unwrap_err();
    assert!(matches!(err, HttpError::Transfer { .. }), "{err}");
    assert!(err.to_string().contains(&server.url("/b")));
}

#[test]
fn http_caps_an_endless_body_while_reading() {
    let server = TestServer::start();
    // 64 MiB would be sent if the client kept reading; the cap is 64 KiB.
    server.route("/huge", Reply::Huge { len: 64 << 20 });
    let err = get(&fast_client(), &server.url("/huge")).unwrap_err();
    assert!(matches!(err, HttpError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains(&server.url("/huge")));
    assert_eq!(
        server.requests().len(),
        1,
        "a too-large body is not retried"
    );
}

#[test]
fn http_refuses_a_declared_huge_body_up_front() {
    let server = TestServer::start();
    server.route("/big", Reply::ok(vec![b'y'; 65 * 1024]));
    let err = get(&fast_client(), &server.url("/big")).unwrap_err();
    assert!(matches!(err, HttpError::TooLarge { .. }), "{err}");
}

#[test]
fn http_times_out_on_a_silent_server() {
    let server = TestServer::start();
    server.route("/slow", Reply::Stall(Duration::from_secs(3)));
    let err = get(&fast_client(), &server.url("/slow")).unwrap_err();
    assert!(matches!(err, HttpError::Timeout { .. }), "{err}");
    assert!(err.to_string().contains(&server.url("/slow")));
    assert_eq!(server.requests().len(), 4, "a timeout is retried");
}

#[test]
fn http_reports_a_refused_connection_as_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/feed.xml");
    let err = get(&fast_client(), &url).unwrap_err();
    assert!(err.is_unreachable(), "{err}");
    assert!(err.to_string().contains(&url));
}

// ---------------------------------------------------------------- GitHub listing

mod github_listing {
    use super::*;
    use sofa_weekly::loader::github::{
        GithubEndpoints, GithubError, GithubLocation, Listing, download, list_tree,
    };

    const TREE: &str = "/repos/o/r/git/trees/main?recursive=1";

    fn endpoints(server: &TestServer) -> GithubEndpoints {
        GithubEndpoints {
            api: server.base(),
            raw: server.url("/raw"),
            token: Some("t0ken".into()),
        }
    }

    fn location() -> GithubLocation {
        GithubLocation::parse("github:o/r@main:blog").unwrap()
    }

    fn tree_json(files: &[(&str, &str)]) -> String {
        let entries: Vec<_> = files
            .iter()
            .map(|(path, sha)| {
                serde_json::json!({"path": path, "mode": "100644", "type": "blob", "sha": sha, "size": 10})
            })
            .chain([serde_json::json!({"path": "blog", "mode": "040000", "type": "tree", "sha": "t"})])
            .collect();
        serde_json::json!({"sha": "root", "tree": entries, "truncated": false}).to_string()
    }

    #[test]
    fn lists_with_etag_and_token_then_gets_304() {
        let server = TestServer::start();
        server.route(
            TREE,
            Reply::ok(tree_json(&[("blog/a.md", "1"), ("README.md", "2")])).with_etag("\"t1\""),
        );
        let client = fast_client();
        let Listing::Listed(tree) =
            list_tree(&client, &endpoints(&server), &location(), None).unwrap()
        else {
            panic!("expected a listing");
        };
        assert_eq!(tree.files.len(), 1);
        assert_eq!(tree.files[0].rel_path, "a.md");
        assert_eq!(tree.etag.as_deref(), Some("\"t1\""));
        let again = list_tree(&client, &endpoints(&server), &location(), Some("\"t1\"")).unwrap();
        assert_eq!(again, Listing::NotModified);
        let requests = server.requests();
        assert_eq!(requests[0].header("authorization"), Some("Bearer t0ken"));
        assert_eq!(requests[1].header("if-none-match"), Some("\"t1\""));
    }

    #[test]
    fn rate_limit_says_to_wait_or_set_a_token() {
        let server = TestServer::start();
        server.route(
            TREE,
            Reply::status(403, "{\"message\":\"API rate limit exceeded\"}")
                .with_header("x-ratelimit-remaining", "0"),
        );
        let err = list_tree(&fast_client(), &endpoints(&server), &location(), None).unwrap_err();
        assert!(matches!(err, GithubError::RateLimited { .. }), "{err}");
        assert!(err.to_string().contains("GITHUB_TOKEN"));
        assert_eq!(server.requests().len(), 1, "a rate limit is not retried");
    }

    #[test]
    fn not_found_names_what_to_check() {
        let server = TestServer::start();
        let err = list_tree(&fast_client(), &endpoints(&server), &location(), None).unwrap_err();
        assert!(matches!(err, GithubError::NotFound { .. }), "{err}");
        let message = err.to_string();
        assert!(
            message.contains("github:o/r@main:blog") && message.contains("ref"),
            "{message}"
        );
    }

    #[test]
    fn truncated_tree_is_a_clear_error() {
        let server = TestServer::start();
        server.route(TREE, Reply::ok(r#"{"sha":"x","tree":[],"truncated":true}"#));
        let err = list_tree(&fast_client(), &endpoints(&server), &location(), None).unwrap_err();
        assert!(matches!(err, GithubError::Truncated { .. }), "{err}");
        assert!(err.to_string().contains("PATH"));
    }

    #[test]
    fn invalid_json_names_the_url() {
        let server = TestServer::start();
        server.route(TREE, Reply::ok("<html>oops</html>"));
        let err = list_tree(&fast_client(), &endpoints(&server), &location(), None).unwrap_err();
        assert!(matches!(err, GithubError::BadListing { .. }), "{err}");
        assert!(err.to_string().contains(&server.url(TREE)));
    }

    #[test]
    fn downloads_from_percent_encoded_raw_urls() {
        let server = TestServer::start();
        let path = "blog/周报 (1) & more|x.md";
        server.route(
            "/raw/o/r/main/blog/%E5%91%A8%E6%8A%A5%20%281%29%20%26%20more%7Cx.md",
            Reply::ok("# hi"),
        );
        server.route(TREE, Reply::ok(tree_json(&[(path, "1")])));
        let client = fast_client();
        let Listing::Listed(tree) =
            list_tree(&client, &endpoints(&server), &location(), None).unwrap()
        else {
            panic!("expected a listing");
        };
        let bytes = download(&client, &endpoints(&server), &location(), &tree.files[0]).unwrap();
        assert_eq!(bytes, b"# hi");
    }
}

// ---------------------------------------------------------------- GitHub sync

mod github_sync {
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use sofa_weekly::library::{Filter, Library, SourceInfo, SourceKind, SourceSpec};
    use sofa_weekly::loader::git_blob_sha1;
    use sofa_weekly::loader::github::{GithubEndpoints, encode_segment};
    use sofa_weekly::sync::{SyncError, SyncOptions, SyncProgress, SyncReport, sync_source};

    pub const TREE: &str = "/repos/sofastack/weekly/git/trees/main?recursive=1";
    pub const LOCATION: &str = "github:sofastack/weekly@main:content/blog";

    /// A repository served by the test server: a tree listing and raw files.
    pub struct FakeRepo {
        pub server: TestServer,
        pub files: BTreeMap<String, String>,
    }

    impl FakeRepo {
        pub fn new(files: &[(&str, &str)]) -> FakeRepo {
            let repo = FakeRepo {
                server: TestServer::start(),
                files: files
                    .iter()
                    .map(|(p, c)| (p.to_string(), c.to_string()))
                    .collect(),
            };
            repo.publish();
            repo
        }

        pub fn raw_target(path: &str) -> String {
            let encoded: Vec<String> = path.split('/').map(encode_segment).collect();
            format!("/raw/sofastack/weekly/main/{}", encoded.join("/"))
        }

        /// Serves the current files: tree (with an ETag that changes with it) and raw.
        pub fn publish(&self) {
            let mut entries = vec![
                serde_json::json!({"path": "content", "mode": "040000", "type": "tree", "sha": "a"}),
                serde_json::json!({"path": "content/blog", "mode": "040000", "type": "tree", "sha": "b"}),
                serde_json::json!({"path": "README.md", "mode": "100644", "type": "blob", "sha": git_blob_sha1(b"readme"), "size": 6}),
            ];
            for (path, content) in &self.files {
                entries.push(serde_json::json!({
                    "path": path, "mode": "100644", "type": "blob",
                    "sha": git_blob_sha1(content.as_bytes()), "size": content.len(),
                }));
                self.server
                    .route(&Self::raw_target(path), Reply::ok(content.as_bytes()));
            }
            let body =
                serde_json::json!({"sha": "root", "tree": entries, "truncated": false}).to_string();
            let etag = format!("\"{}\"", &git_blob_sha1(body.as_bytes())[..12]);
            self.server.route(TREE, Reply::ok(body).with_etag(&etag));
        }

        pub fn options(&self) -> SyncOptions {
            SyncOptions {
                http: fast_options(),
                github: GithubEndpoints {
                    api: self.server.base(),
                    raw: self.server.url("/raw"),
                    token: None,
                },
                parallel_downloads: 3,
                cancel: Arc::new(AtomicBool::new(false)),
                ..SyncOptions::from_env()
            }
        }

        pub fn raw_requests(&self) -> usize {
            self.server.requests_to("/raw/").len()
        }
    }

    pub fn post(title: &str, text: &str) -> String {
        format!("---\ntitle: {title}\ndate: 2024-01-05\ntags: [SOFA Weekly]\n---\n\n{text}\n")
    }

    pub fn library_with_source(location: &str) -> (Library, SourceInfo) {
        let library = Library::open_in_memory().unwrap();
        library
            .ensure_source(&SourceSpec {
                name: "blog".into(),
                kind: sofa_weekly::sync::kind_of_location(location),
                location: location.into(),
            })
            .unwrap();
        let source = library.source("blog").unwrap().unwrap();
        (library, source)
    }

    pub fn sync(library: &mut Library, options: &SyncOptions) -> Result<SyncReport, SyncError> {
        let source = library.source("blog").unwrap().unwrap();
        sync_source(library, &source, options, &mut |_| {})
    }

    fn titles(library: &Library) -> Vec<String> {
        let mut titles: Vec<String> = library
            .list(&Filter::default())
            .unwrap()
            .into_iter()
            .map(|p| p.title)
            .collect();
        titles.sort();
        titles
    }

    fn three_posts() -> FakeRepo {
        FakeRepo::new(&[
            (
                "content/blog/weekly-1/index.md",
                &post("Weekly 1", "MOSN news"),
            ),
            (
                "content/blog/weekly-2/index.md",
                &post("Weekly 2", "Seata news"),
            ),
            (
                "content/blog/周报 (3) & more|x.md",
                &post("周报 3", "中文内容"),
            ),
        ])
    }

    #[test]
    fn first_sync_downloads_everything() {
        let repo = three_posts();
        let (mut library, source) = library_with_source(LOCATION);
        assert_eq!(source.kind, SourceKind::GitHub);
        let mut events = Vec::new();
        let report = sync_source(&mut library, &source, &repo.options(), &mut |p| {
            events.push(p)
        })
        .unwrap();
        assert_eq!(
            (report.added, report.failed, report.unchanged),
            (3, 0, 0),
            "{report:?}"
        );
        assert!(report.bytes > 0);
        assert_eq!(titles(&library), ["Weekly 1", "Weekly 2", "周报 3"]);
        assert_eq!(repo.raw_requests(), 3);
        assert!(events.contains(&SyncProgress::Downloading {
            source: "blog".into(),
            total: 3
        }));
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, SyncProgress::FileDone { .. }))
                .count(),
            3
        );
        let source = library.source("blog").unwrap().unwrap();
        assert_eq!(source.last_status.as_deref(), Some("ok"));
        assert!(source.last_sync.is_some());
        assert!(source.validators.etag.is_some());
        // The post is readable, with its body.
        let id = library
            .list(&Filter::default())
            .unwrap()
            .into_iter()
            .find(|p| p.title == "周报 3")
            .unwrap()
            .id;
        assert!(library.post(id).unwrap().unwrap().body.contains("中文内容"));
    }

    #[test]
    fn second_sync_makes_one_request_and_downloads_nothing() {
        let repo = three_posts();
        let (mut library, _) = library_with_source(LOCATION);
        sync(&mut library, &repo.options()).unwrap();
        repo.server.clear_requests();
        let report = sync(&mut library, &repo.options()).unwrap();
        assert!(report.not_modified);
        assert_eq!((report.added, report.updated, report.unchanged), (0, 0, 3));
        let requests = repo.server.requests();
        assert_eq!(requests.len(), 1, "{requests:?}");
        assert_eq!(requests[0].target, TREE);
        assert!(requests[0].header("if-none-match").is_some());
    }

    #[test]
    fn changing_one_blob_downloads_one_file_and_deleting_one_removes_one_post() {
        let mut repo = three_posts();
        let (mut library, _) = library_with_source(LOCATION);
        sync(&mut library, &repo.options()).unwrap();

        repo.files.insert(
            "content/blog/weekly-2/index.md".into(),
            post("Weekly 2, revised", "more"),
        );
        repo.publish();
        repo.server.clear_requests();
        let report = sync(&mut library, &repo.options()).unwrap();
        assert_eq!(
            (
                report.added,
                report.updated,
                report.removed,
                report.unchanged
            ),
            (0, 1, 0, 2)
        );
        assert_eq!(repo.raw_requests(), 1);
        assert!(titles(&library).contains(&"Weekly 2, revised".to_string()));

        repo.files.remove("content/blog/weekly-1/index.md");
        repo.publish();
        repo.server.clear_requests();
        let report = sync(&mut library, &repo.options()).unwrap();
        assert_eq!(
            (
                report.added,
                report.updated,
                report.removed,
                report.unchanged
            ),
            (0, 0, 1, 2)
        );
        assert_eq!(repo.raw_requests(), 0);
        assert_eq!(titles(&library), ["Weekly 2, revised", "周报 3"]);
    }

    #[test]
    fn reading_state_survives_a_resync() {
        let mut repo = three_posts();
        let (mut library, _) = library_with_source(LOCATION);
        sync(&mut library, &repo.options()).unwrap();
        let id = library
            .list(&Filter::default())
            .unwrap()
            .into_iter()
            .find(|p| p.title == "Weekly 1")
            .unwrap()
            .id;
        library.set_read(id, true).unwrap();
        library.set_starred(id, true).unwrap();
        library.set_position(id, 42).unwrap();
        repo.files.insert(
            "content/blog/weekly-1/index.md".into(),
            post("Weekly 1", "edited text"),
        );
        repo.publish();
        let report = sync(&mut library, &repo.options()).unwrap();
        assert_eq!(report.updated, 1);
        let post = library
            .list(&Filter::default())
            .unwrap()
            .into_iter()
            .find(|p| p.title == "Weekly 1")
            .unwrap();
        let state = library.reading_state(post.id).unwrap();
        assert!(state.read && state.starred, "{state:?}");
        assert_eq!(state.position, Some(42));
    }

    #[test]
    fn failed_downloads_are_reported_keep_the_rest_and_are_finished_next_time() {
        let repo = three_posts();
        let broken = FakeRepo::raw_target("content/blog/weekly-2/index.md");
        repo.server.route(&broken, Reply::status(500, "boom"));
        let (mut library, _) = library_with_source(LOCATION);
        let report = sync(&mut library, &repo.options()).unwrap();
        assert_eq!((report.added, report.failed), (2, 1), "{report:?}");
        assert!(
            report.failures[0].location.contains("weekly-2"),
            "{:?}",
            report.failures
        );
        assert_eq!(
            repo.server.requests_to(&broken).len(),
            4,
            "retried three times"
        );
        let source = library.source("blog").unwrap().unwrap();
        assert_eq!(
            source.validators.etag, None,
            "no ETag kept after a partial sync"
        );
        assert_eq!(source.last_status.as_deref(), Some("partial: 1 failed"));

        // The server recovers: the next sync lists again (no 304) and fetches only the missing one.
        repo.publish();
        repo.server.clear_requests();
        let report = sync(&mut library, &repo.options()).unwrap();
        assert_eq!((report.added, report.unchanged, report.failed), (1, 2, 0));
        assert_eq!(repo.raw_requests(), 1);
        assert!(etag_of(&library, "blog").is_some());
    }

    #[test]
    fn faults_lose_no_post() {
        let mut repo = three_posts();
        let (mut library, _) = library_with_source(LOCATION);
        sync(&mut library, &repo.options()).unwrap();

        // Every file changes; the server then misbehaves in every way on the raw host.
        for (i, content) in repo.files.values_mut().enumerate() {
            content.push_str(&format!("\nedit {i}\n"));
        }
        repo.publish();
        let targets: Vec<String> = repo.files.keys().map(|p| FakeRepo::raw_target(p)).collect();
        repo.server.route(&targets[0], Reply::Drop);
        repo.server.route(
            &targets[1],
            Reply::Truncate {
                body: b"---\ntitle: cut".to_vec(),
                sent: 5,
            },
        );
        repo.server.route(&targets[2], Reply::Huge { len: 1 << 30 });
        let report = sync(&mut library, &repo.options()).unwrap();
        assert_eq!((report.updated, report.failed), (0, 3), "{report:?}");
        assert_eq!(
            titles(&library),
            ["Weekly 1", "Weekly 2", "周报 3"],
            "nothing lost"
        );

        // A tree listing that is not JSON, or a stalled one: the sync fails, nothing is lost.
        repo.server.route(TREE, Reply::ok("{\"tree\": [oops"));
        let err = sync(&mut library, &repo.options()).unwrap_err();
        assert!(err.to_string().contains(TREE), "{err}");
        repo.server
            .route(TREE, Reply::Stall(Duration::from_secs(2)));
        let err = sync(&mut library, &repo.options()).unwrap_err();
        assert!(err.to_string().contains("no answer"), "{err}");
        assert_eq!(titles(&library), ["Weekly 1", "Weekly 2", "周报 3"]);
        assert!(
            library
                .source("blog")
                .unwrap()
                .unwrap()
                .last_status
                .unwrap()
                .starts_with("failed")
        );
    }

    #[test]
    fn no_network_fails_in_one_line_and_touches_no_post() {
        let repo = three_posts();
        let (mut library, _) = library_with_source(LOCATION);
        sync(&mut library, &repo.options()).unwrap();
        let mut options = repo.options();
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        options.github.api = format!("http://127.0.0.1:{port}");
        options.github.raw = format!("http://127.0.0.1:{port}/raw");
        let err = sync(&mut library, &options).unwrap_err();
        assert!(err.is_unreachable(), "{err}");
        assert!(!err.to_string().contains('\n'));
        assert_eq!(titles(&library).len(), 3);
    }

    #[test]
    fn an_empty_library_ignores_the_stored_etag() {
        let repo = three_posts();
        let (mut library, source) = library_with_source(LOCATION);
        library
            .set_source_validators(source.id, Some("\"stale\""), None)
            .unwrap();
        sync(&mut library, &repo.options()).unwrap();
        assert_eq!(repo.server.requests()[0].header("if-none-match"), None);
    }

    #[test]
    fn cancelling_stops_between_files_and_keeps_what_finished() {
        let repo = three_posts();
        let (mut library, source) = library_with_source(LOCATION);
        // Slow answers, so the cancel lands while the second file is in flight.
        for (path, content) in &repo.files {
            repo.server.route(
                &FakeRepo::raw_target(path),
                Reply::Delayed(
                    Duration::from_millis(200),
                    Box::new(Reply::ok(content.as_bytes())),
                ),
            );
        }
        let mut options = repo.options();
        options.parallel_downloads = 1;
        let cancel = Arc::clone(&options.cancel);
        let report = sync_source(&mut library, &source, &options, &mut |p| {
            if matches!(p, SyncProgress::FileDone { .. }) {
                cancel.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        })
        .unwrap();
        assert!(report.cancelled, "{report:?}");
        assert!(report.added >= 1 && report.added < 3, "{report:?}");
        assert_eq!(library.post_count().unwrap() as usize, report.added);
        assert_eq!(etag_of(&library, "blog"), None);
        // The next run finishes the work.
        options
            .cancel
            .store(false, std::sync::atomic::Ordering::SeqCst);
        let report = sync(&mut library, &options).unwrap();
        assert_eq!(library.post_count().unwrap(), 3, "{report:?}");
    }

    #[test]
    fn rate_limit_stops_the_downloads_with_advice() {
        let repo = three_posts();
        for path in repo.files.keys() {
            repo.server.route(
                &FakeRepo::raw_target(path),
                Reply::status(429, "slow down").with_header("x-ratelimit-remaining", "0"),
            );
        }
        let (mut library, _) = library_with_source(LOCATION);
        let mut options = repo.options();
        options.parallel_downloads = 1;
        let report = sync(&mut library, &options).unwrap();
        assert_eq!(report.failed, 3, "{report:?}");
        assert_eq!(
            repo.raw_requests(),
            1,
            "no more requests after a rate limit"
        );
        assert!(
            report
                .failures
                .iter()
                .any(|f| f.reason.contains("GITHUB_TOKEN"))
        );
    }
}

// ---------------------------------------------------------------- feeds

mod feed_sync {
    use super::github_sync::{library_with_source, sync};
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use sofa_weekly::library::{Filter, Library, SourceKind};
    use sofa_weekly::loader::github::GithubEndpoints;
    use sofa_weekly::sync::SyncOptions;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/feeds")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn options() -> SyncOptions {
        SyncOptions {
            http: fast_options(),
            github: GithubEndpoints::default(),
            parallel_downloads: 2,
            cancel: Arc::new(AtomicBool::new(false)),
            ..SyncOptions::from_env()
        }
    }

    /// Serves `fixture` at /feed and syncs it into a fresh library.
    fn synced(fixture_name: &str) -> (TestServer, Library) {
        let server = TestServer::start();
        server.route(
            "/feed",
            Reply::ok(fixture(fixture_name)).with_etag("\"f1\""),
        );
        let (mut library, source) = library_with_source(&server.url("/feed"));
        assert_eq!(source.kind, SourceKind::Feed);
        let report = sync(&mut library, &options()).unwrap();
        assert_eq!(report.failed, 0, "{report:?}");
        (server, library)
    }

    fn post_titled(library: &Library, title: &str) -> sofa_weekly::library::StoredPost {
        let summary = library
            .list(&Filter::default())
            .unwrap()
            .into_iter()
            .find(|p| p.title == title)
            .unwrap_or_else(|| panic!("no post titled {title:?}"));
        library.post(summary.id).unwrap().unwrap()
    }

    #[test]
    fn rss2_with_html_content_is_imported_and_readable() {
        let (server, library) = synced("rss2-html.xml");
        assert_eq!(library.post_count().unwrap(), 2);
        let post = post_titled(&library, "SOFA Weekly | MOSN 发布 & Seata 社区会议");
        assert_eq!(post.summary.date.as_deref(), Some("2024-01-05"));
        assert!(
            post.summary.tags.contains(&"SOFA Weekly".to_string()),
            "{:?}",
            post.summary.tags
        );
        assert!(post.summary.tags.contains(&"MOSN".to_string()));
        assert_eq!(post.author.as_deref(), Some("SOFA 团队"));
        assert_eq!(
            post.web_url.as_deref(),
            Some("https://example.org/weekly/2024-01-05/")
        );
        assert_eq!(post.summary.path, "sofa-weekly-2024-01-05");
        let body = &post.body;
        assert!(body.contains("## 本周推荐"), "{body}");
        assert!(body.contains("**v1.6.0**"), "{body}");
        // Relative links are resolved against the feed's URL.
        let release = format!("[发布说明]({})", server.url("/releases/mosn-1.6.html"));
        assert!(body.contains(&release), "{body}");
        let image = format!("![MOSN 架构图]({})", server.url("/images/mosn.png"));
        assert!(body.contains(&image), "{body}");
        assert!(body.contains("> 社区会议时间"), "{body}");
        assert!(body.contains("go install mosn.io/mosn@latest"), "{body}");
        // The second item has no guid (known by its link) and only a description.
        let second = post_titled(&library, "SOFA Weekly | Layotto 新特性");
        assert_eq!(
            second.summary.path,
            "https://example.org/weekly/2024-01-12/"
        );
        assert!(second.body.contains("*WebAssembly*"), "{}", second.body);
        // Searchable like any post.
        assert_eq!(library.search("连接池", None).unwrap().len(), 1);
    }

    #[test]
    fn atom_is_imported_with_xml_base_links() {
        let (_server, library) = synced("atom.xml");
        let post = post_titled(&library, "Sidecars without tears");
        assert_eq!(post.summary.date.as_deref(), Some("2024-01-30"));
        assert_eq!(post.author.as_deref(), Some("Bob"));
        assert_eq!(post.summary.tags, ["Service Mesh"]);
        assert_eq!(
            post.web_url.as_deref(),
            Some("https://example.org/blog/posts/sidecars.html")
        );
        assert!(
            post.body
                .contains("![diagram](https://example.org/blog/posts/diagram.png)"),
            "{}",
            post.body
        );
        assert!(
            post.body
                .contains("[about](https://example.org/blog/about.html)"),
            "{}",
            post.body
        );
    }

    #[test]
    fn json_feed_is_imported() {
        let (_server, library) = synced("feed.json");
        let post = post_titled(&library, "Koupleless：模块化应用架构");
        assert!(post.body.contains("**合并部署**"), "{}", post.body);
        assert!(post.body.contains("1.  节省资源"), "{}", post.body);
        assert_eq!(post.summary.tags[..2], ["Koupleless", "Serverless"]);
        assert_eq!(post.author.as_deref(), Some("Carol"));
        let plain = post_titled(&library, "Plain text item");
        assert_eq!(plain.body, "Just text, no HTML.");
    }

    #[test]
    fn resync_is_conditional_and_items_that_left_the_feed_stay() {
        let (server, mut library) = synced("rss2-html.xml");
        server.clear_requests();
        let report = sync(&mut library, &options()).unwrap();
        assert!(report.not_modified);
        assert_eq!(server.requests()[0].header("if-none-match"), Some("\"f1\""));

        // The feed moves on: the first item left, a new one arrived.
        let text = String::from_utf8(fixture("rss2-html.xml")).unwrap();
        let start = text.find("<item>").unwrap();
        let end = text.find("</item>").unwrap() + "</item>".len();
        let newer = text[..start].to_string()
            + "<item><title>Newest</title><guid>n1</guid><description>new</description></item>"
            + &text[end..];
        server.route("/feed", Reply::ok(newer).with_etag("\"f2\""));
        let report = sync(&mut library, &options()).unwrap();
        assert_eq!(
            (report.added, report.unchanged, report.removed),
            (1, 1, 0),
            "{report:?}"
        );
        assert_eq!(library.post_count().unwrap(), 3, "the item that left stays");
        assert_eq!(etag_of(&library, "blog").as_deref(), Some("\"f2\""));
    }

    #[test]
    fn reading_state_survives_a_feed_update() {
        let (server, mut library) = synced("feed.json");
        let id = post_titled(&library, "Plain text item").summary.id;
        library.set_read(id, true).unwrap();
        let text = String::from_utf8(fixture("feed.json"))
            .unwrap()
            .replace("Just text", "Edited text");
        server.route("/feed", Reply::ok(text));
        let report = sync(&mut library, &options()).unwrap();
        assert_eq!(report.updated, 1, "{report:?}");
        let post = post_titled(&library, "Plain text item");
        assert!(post.body.starts_with("Edited"));
        assert!(library.reading_state(post.summary.id).unwrap().read);
    }

    #[test]
    fn a_malformed_feed_is_an_error_naming_the_url_and_keeps_the_posts() {
        let (server, mut library) = synced("rss2-html.xml");
        server.route("/feed", Reply::ok(fixture("malformed.xml")));
        let err = sync(&mut library, &options()).unwrap_err();
        assert!(err.to_string().starts_with(&server.url("/feed")), "{err}");
        assert_eq!(library.post_count().unwrap(), 2);
        let status = library
            .source("blog")
            .unwrap()
            .unwrap()
            .last_status
            .unwrap();
        assert!(
            status.starts_with("failed:") && status.contains("/feed"),
            "{status}"
        );
    }

    #[test]
    fn feed_faults_are_errors_naming_the_url() {
        let server = TestServer::start();
        let (mut library, _) = library_with_source(&server.url("/feed"));
        for reply in [
            Reply::status(500, "down"),
            Reply::Drop,
            Reply::Truncate {
                body: fixture("rss2-html.xml"),
                sent: 300,
            },
            Reply::Huge { len: 1 << 30 },
            Reply::Stall(Duration::from_secs(2)),
            Reply::ok("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [}"),
            Reply::ok("<html><body>Just a web page</body></html>"),
        ] {
            server.route("/feed", reply.clone());
            let err = sync(&mut library, &options()).unwrap_err();
            assert!(
                err.to_string().contains(&server.url("/feed")),
                "{reply:?}: {err}"
            );
        }
        assert_eq!(library.post_count().unwrap(), 0);
    }

    #[test]
    fn undeclared_gb2312_feed_is_read() {
        let server = TestServer::start();
        let (bytes, _, _) = encoding_rs_free_gb2312();
        server.route("/feed", Reply::ok(bytes));
        let (mut library, _) = library_with_source(&server.url("/feed"));
        let report = sync(&mut library, &options()).unwrap();
        assert_eq!(report.added, 1);
        assert!(!report.warnings.is_empty(), "the guess is reported");
        post_titled(&library, "不归移民漫画系列：专业工作");
    }

    /// GB2312 bytes of a tiny versionless RSS document with no encoding declaration (the
    /// bytes are written out so the test does not need an encoder).
    fn encoding_rs_free_gb2312() -> (Vec<u8>, (), ()) {
        let mut doc = b"<!-- no declaration -->\n<rss>\n<channel>\n<item>\n<title>".to_vec();
        // 不归移民漫画系列：专业工作 in GB2312.
        doc.extend_from_slice(&[
            0xB2, 0xBB, 0xB9, 0xE9, 0xD2, 0xC6, 0xC3, 0xF1, 0xC2, 0xFE, 0xBB, 0xAD, 0xCF, 0xB5,
            0xC1, 0xD0, 0xA3, 0xBA, 0xD7, 0xA8, 0xD2, 0xB5, 0xB9, 0xA4, 0xD7, 0xF7,
        ]);
        doc.extend_from_slice(b"</title>\n</item>\n</channel>\n</rss>\n");
        (doc, (), ())
    }
}

// ---------------------------------------------------------------- the binary

mod cli_sync {
    use super::github_sync::{FakeRepo, LOCATION, post};
    use super::*;
    use common::TestEnv;

    fn sync_cmd(env: &TestEnv, repo: &FakeRepo) -> assert_cmd::Command {
        let mut cmd = env.cmd();
        cmd.env("SOFA_WEEKLY_GITHUB_API", repo.server.base())
            .env("SOFA_WEEKLY_GITHUB_RAW", repo.server.url("/raw"))
            .env("SOFA_WEEKLY_HTTP_TIMEOUT", "0.5")
            .env("SOFA_WEEKLY_HTTP_RETRY_DELAY_MS", "10");
        cmd
    }

    fn write_config(env: &TestEnv, text: &str) -> String {
        let path = env.dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn repo() -> FakeRepo {
        FakeRepo::new(&[
            ("content/blog/weekly-1/index.md", &post("Weekly 1", "MOSN")),
            ("content/blog/weekly-2/index.md", &post("Weekly 2", "Seata")),
        ])
    }

    #[test]
    fn source_add_sync_sources_and_remove() {
        let env = TestEnv::new();
        let repo = repo();
        let config = write_config(&env, "sources = []\n");
        let added = env.stdout(&[
            "source", "add", "--config", &config, LOCATION, "--name", "blog",
        ]);
        assert!(added.contains("added github source blog"), "{added}");

        let output = sync_cmd(&env, &repo)
            .args(["sync", "--config", &config])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            stdout.starts_with("blog: 2 added, 0 updated, 0 removed, 0 unchanged, 0 failed, "),
            "{stdout}"
        );
        // Not a terminal: plain progress lines, no bar drawing.
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("blog: downloading 2 files"), "{stderr}");
        assert!(!stderr.contains('\u{1b}'), "{stderr:?}");

        let again = sync_cmd(&env, &repo)
            .args(["sync", "--config", &config, "blog"])
            .output()
            .unwrap();
        let stdout = String::from_utf8(again.stdout).unwrap();
        assert!(
            stdout.contains("2 unchanged") && stdout.contains("(not modified)"),
            "{stdout}"
        );

        let sources = env.json(&["sources", "--config", &config, "--json"]);
        assert_eq!(sources[0]["name"], "blog");
        assert_eq!(sources[0]["post_count"], 2);
        assert_eq!(sources[0]["last_status"], "ok (not modified)");
        assert!(sources[0]["last_sync"].is_string());

        let list = env.json(&["list", "--json"]);
        assert_eq!(list.as_array().unwrap().len(), 2);

        let removed = env.stdout(&["source", "remove", "--config", &config, "blog"]);
        assert_eq!(removed.trim(), "removed source blog and its 2 posts");
    }

    #[test]
    fn configured_sources_are_synced_and_a_removed_one_stays_removed() {
        let env = TestEnv::new();
        let repo = repo();
        let config = write_config(
            &env,
            &format!("[[sources]]\nname = \"weekly\"\nlocation = \"{LOCATION}\"\n"),
        );
        let output = sync_cmd(&env, &repo)
            .args(["sync", "--config", &config])
            .output()
            .unwrap();
        assert!(output.status.success());
        assert!(String::from_utf8_lossy(&output.stdout).contains("weekly: 2 added"));
        env.stdout(&["source", "remove", "--config", &config, "weekly"]);
        let sources = env.json(&["sources", "--config", &config, "--json"]);
        assert_eq!(sources.as_array().unwrap().len(), 0, "{sources}");
    }

    #[test]
    fn a_fresh_install_has_the_sofastack_blog() {
        let env = TestEnv::new();
        let sources = env.json(&["sources", "--json"]);
        assert_eq!(sources[0]["name"], "sofastack-blog");
        assert_eq!(
            sources[0]["location"],
            "github:sofastack/sofastack.tech@master:content/zh/blog"
        );
    }

    #[test]
    fn no_network_says_so_in_one_line_per_source_and_exits_non_zero() {
        let env = TestEnv::new();
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let config = write_config(
            &env,
            &format!(
                "[[sources]]\nname = \"gh\"\nlocation = \"github:o/r\"\n\n[[sources]]\nname = \"feed\"\nlocation = \"http://127.0.0.1:{port}/feed.xml\"\n"
            ),
        );
        let output = env
            .cmd()
            .env("SOFA_WEEKLY_GITHUB_API", format!("http://127.0.0.1:{port}"))
            .env("SOFA_WEEKLY_HTTP_RETRY_DELAY_MS", "1")
            .args(["sync", "--config", &config])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8(output.stderr).unwrap();
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("sofa-weekly: "))
            .collect();
        assert_eq!(errors.len(), 2, "{stderr}");
        assert!(
            errors.iter().all(|l| l.contains("cannot connect")),
            "{stderr}"
        );
        assert!(output.stdout.is_empty());
    }

    #[test]
    fn failed_files_are_named_and_make_the_exit_code_non_zero() {
        let env = TestEnv::new();
        let repo = repo();
        repo.server.route(
            &FakeRepo::raw_target("content/blog/weekly-2/index.md"),
            Reply::status(503, "busy"),
        );
        let config = write_config(
            &env,
            &format!("[[sources]]\nname = \"blog\"\nlocation = \"{LOCATION}\"\n"),
        );
        let output = sync_cmd(&env, &repo)
            .args(["sync", "--config", &config])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            stdout.contains("blog: 1 added") && stdout.contains("1 failed"),
            "{stdout}"
        );
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.contains("content/blog/weekly-2/index.md") && stderr.contains("HTTP 503"),
            "{stderr}"
        );
    }

    #[test]
    fn a_broken_config_is_reported_and_defaults_are_used() {
        let env = TestEnv::new();
        let config = write_config(&env, "[reader]\ntheme = \"pink\"\n");
        let output = env
            .cmd()
            .args(["sources", "--config", &config])
            .output()
            .unwrap();
        assert!(output.status.success());
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.contains(&format!("{config}:2: reader.theme")),
            "{stderr}"
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("sofastack-blog"));
    }

    #[test]
    fn source_add_without_a_name_picks_a_free_one_and_knows_its_locations() {
        let env = TestEnv::new();
        let added = env.stdout(&["source", "add", "https://www.example.com/feed.xml"]);
        assert!(added.contains("added feed source example.com:"), "{added}");
        // The derived name is taken by another location: the next number.
        let added = env.stdout(&["source", "add", "https://example.com/other.xml"]);
        assert!(
            added.contains("added feed source example.com-2:"),
            "{added}"
        );
        // A location a source already reads is not added twice, whatever it is called.
        let again = env.stdout(&["source", "add", "https://example.com/other.xml"]);
        assert!(
            again.contains("source example.com-2 is already there"),
            "{again}"
        );
        let sources = env.json(&["sources", "--json"]);
        let feeds: Vec<&str> = (sources.as_array().unwrap().iter())
            .filter(|source| source["location"].as_str().unwrap().contains("example.com"))
            .map(|source| source["name"].as_str().unwrap())
            .collect();
        assert_eq!(feeds, ["example.com", "example.com-2"]);
    }

    #[test]
    fn bad_locations_and_unknown_names_are_clear_errors() {
        let env = TestEnv::new();
        let output = env
            .cmd()
            .args(["source", "add", "github:nope"])
            .output()
            .unwrap();
        assert!(!output.status.success());
        assert!(String::from_utf8_lossy(&output.stderr).contains("github:OWNER/REPO"));
        let output = env
            .cmd()
            .args(["source", "add", "ftp://example.com/feed"])
            .output()
            .unwrap();
        assert!(!output.status.success());
        let output = env.cmd().args(["sync", "nosuch"]).output().unwrap();
        assert!(!output.status.success());
        assert!(String::from_utf8_lossy(&output.stderr).contains("nosuch"));
    }
}

mod github_consistency {
    use super::github_sync::{FakeRepo, LOCATION, library_with_source, post, sync};
    use super::*;

    #[test]
    fn a_raw_file_that_differs_from_its_listing_is_stored_once_not_fetched_forever() {
        let repo = FakeRepo::new(&[("content/blog/a.md", &post("A", "listed"))]);
        // The raw host serves other bytes than the tree lists (a branch that moved).
        repo.server.route(
            &FakeRepo::raw_target("content/blog/a.md"),
            Reply::ok(post("A", "moved on")),
        );
        let (mut library, _) = library_with_source(LOCATION);
        let report = sync(&mut library, &repo.options()).unwrap();
        assert_eq!(report.added, 1);
        assert!(
            report.warnings.iter().any(|w| w.reason.contains("differs")),
            "{report:?}"
        );
        repo.server.clear_requests();
        // Same listing again (no ETag match forced): nothing to download.
        repo.server.unroute(github_sync::TREE);
        repo.publish();
        let mut options = repo.options();
        options.parallel_downloads = 1;
        library
            .set_source_validators(library.source("blog").unwrap().unwrap().id, None, None)
            .unwrap();
        let report = sync(&mut library, &options).unwrap();
        assert_eq!(
            (report.unchanged, report.added, report.updated),
            (1, 0, 0),
            "{report:?}"
        );
        assert_eq!(repo.raw_requests(), 0);
    }
}

mod github_skips {
    use super::github_sync::{FakeRepo, LOCATION, TREE, library_with_source, sync};
    use super::*;
    use sofa_weekly::loader::git_blob_sha1;

    #[test]
    fn a_file_too_large_is_reported_once_and_does_not_block_the_etag() {
        let repo = FakeRepo::new(&[("content/blog/a.md", "# A\n")]);
        let body = serde_json::json!({"sha": "r", "truncated": false, "tree": [
            {"path": "content/blog", "mode": "040000", "type": "tree", "sha": "t"},
            {"path": "content/blog/a.md", "mode": "100644", "type": "blob", "sha": git_blob_sha1(b"# A\n"), "size": 4},
            {"path": "content/blog/huge.md", "mode": "100644", "type": "blob", "sha": "h", "size": 11 << 20},
        ]})
        .to_string();
        repo.server.route(TREE, Reply::ok(body).with_etag("\"t1\""));
        let (mut library, _) = library_with_source(LOCATION);
        let report = sync(&mut library, &repo.options()).unwrap();
        assert_eq!((report.added, report.failed), (1, 1), "{report:?}");
        assert!(report.failures[0].location.ends_with("huge.md"));
        assert!(report.failures[0].reason.contains("10 MiB"));
        assert_eq!(
            repo.server.requests_to("/raw/").len(),
            1,
            "the large file is not downloaded"
        );
        let report = sync(&mut library, &repo.options()).unwrap();
        assert!(report.not_modified, "{report:?}");
    }
}
