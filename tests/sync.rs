//! Sync against an HTTP server started inside the test: the client's safety rules, GitHub
//! trees and raw files, feeds, and the faults a real network produces.

#[path = "support/test_server.rs"]
mod test_server;

use std::time::{Duration, Instant};

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
    let started = Instant::now();
    let err = get(&fast_client(), &server.url("/slow")).unwrap_err();
    assert!(matches!(err, HttpError::Timeout { .. }), "{err}");
    assert!(err.to_string().contains(&server.url("/slow")));
    // Four attempts of 0.3 s each, not four of 3 s.
    assert!(started.elapsed() < Duration::from_secs(3));
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
