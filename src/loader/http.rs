//! The one HTTP client every network source goes through (GitHub trees and files, feeds).
//!
//! It owns the safety rules of fetching, so callers cannot forget them: only `http` and
//! `https` URLs; timeouts on connect and on every read; up to three retries with exponential
//! backoff on connection errors, timeouts and 5xx answers (a caller that remembers
//! unreachable hosts can turn the retries off for them); a size cap per response that is
//! enforced while the body is read (a `Content-Length` is not trusted, an endless body is cut
//! off); and conditional GET (`If-None-Match`, `If-Modified-Since`). TLS is rustls, so no
//! system OpenSSL is needed. Every error names the URL.
//!
//! Callers: [`crate::loader::github`], [`crate::loader::feed`], and through them `crate::sync`.

use std::io::Read;
use std::time::Duration;

use thiserror::Error;

/// 20 MiB: far above any newsletter post or feed, far below what hurts a laptop.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 20 * 1024 * 1024;

/// How patient and how careful the client is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Time allowed to open a connection (DNS, TCP, TLS).
    pub connect_timeout: Duration,
    /// Time allowed for any single read while waiting for headers or body bytes: a server
    /// that goes silent this long is given up on.
    pub read_timeout: Duration,
    /// Time allowed for a whole request including its body, so a server dripping one byte
    /// at a time cannot hold a sync forever.
    pub total_timeout: Duration,
    /// Retries after the first attempt, for connection errors, timeouts and 5xx answers.
    pub retries: u32,
    /// Delay before the first retry; doubled for each later one.
    pub retry_delay: Duration,
    /// Responses longer than this are refused.
    pub max_body_bytes: u64,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(300),
            retries: 3,
            retry_delay: Duration::from_millis(500),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl HttpOptions {
    /// The defaults, with `SOFA_WEEKLY_HTTP_TIMEOUT` (seconds, connect and read; decimals
    /// allowed) and `SOFA_WEEKLY_HTTP_RETRY_DELAY_MS` applied when set. Slow or flaky links
    /// can wait longer; tests of fault handling can stay fast.
    pub fn from_env() -> Self {
        let mut options = Self::default();
        if let Some(seconds) = std::env::var("SOFA_WEEKLY_HTTP_TIMEOUT")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
        {
            let timeout = Duration::from_secs_f64(seconds);
            options.connect_timeout = timeout;
            options.read_timeout = timeout;
            options.total_timeout = options.total_timeout.max(timeout * 4);
        }
        if let Some(millis) = std::env::var("SOFA_WEEKLY_HTTP_RETRY_DELAY_MS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            options.retry_delay = Duration::from_millis(millis);
        }
        options
    }
}

/// The validators a previous answer gave, sent back to ask "has it changed?".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// A successful (2xx) answer, body read in full.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub body: Vec<u8>,
    /// `Content-Type` as sent, e.g. `application/rss+xml; charset=ISO-8859-1`.
    pub content_type: Option<String>,
    /// The validators to send next time.
    pub validators: Validators,
}

/// What a GET gave.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: what we have is current.
    NotModified,
    Body(HttpResponse),
}

/// Why a fetch failed. Each variant names the URL.
#[derive(Debug, Error)]
pub enum HttpError {
    #[error("{url}: only http and https URLs can be fetched")]
    UnsupportedScheme { url: String },
    #[error("{url}: not a valid URL: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("{url}: cannot connect ({reason}); is the network up?")]
    Connect { url: String, reason: String },
    /// The host's name did not resolve, or its TCP (or TLS) handshake did not complete, in
    /// time: a host that drops packets looks like this, where a closed port refuses at once.
    #[error("{url}: cannot connect (no answer within {seconds:.1} s); is the network up?")]
    ConnectTimeout { url: String, seconds: f64 },
    #[error("{url}: no answer within {seconds:.1} s")]
    Timeout { url: String, seconds: f64 },
    #[error("{url}: the server answered HTTP {status}")]
    Status {
        url: String,
        status: u16,
        /// The answer said `x-ratelimit-remaining: 0` (GitHub's rate limit).
        rate_limited: bool,
    },
    #[error("{url}: the response is larger than {limit} bytes; refused")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: the connection broke while reading the response ({reason})")]
    Transfer { url: String, reason: String },
}

impl HttpError {
    pub fn url(&self) -> &str {
        match self {
            HttpError::UnsupportedScheme { url }
            | HttpError::BadUrl { url, .. }
            | HttpError::Connect { url, .. }
            | HttpError::ConnectTimeout { url, .. }
            | HttpError::Timeout { url, .. }
            | HttpError::Status { url, .. }
            | HttpError::TooLarge { url, .. }
            | HttpError::Transfer { url, .. } => url,
        }
    }

    /// True when the host could not be reached at all: the sign of being offline (or of a
    /// wrong host name, or of a host that drops packets), as opposed to a server that
    /// answered badly. A read that times out after connecting is not: the host is there.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            HttpError::Connect { .. } | HttpError::ConnectTimeout { .. }
        )
    }

    /// Worth trying again: the network or the server may recover.
    fn is_transient(&self) -> bool {
        match self {
            HttpError::Connect { reason, .. } => reason != HOST_NOT_FOUND,
            HttpError::ConnectTimeout { .. }
            | HttpError::Timeout { .. }
            | HttpError::Transfer { .. } => true,
            HttpError::Status { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

const HOST_NOT_FOUND: &str = "host not found";

/// The client. Cheap to clone; clones share the connection pool, so threads can each hold one.
#[derive(Clone)]
pub struct HttpClient {
    agent: ureq::Agent,
    options: HttpOptions,
    /// Whether an unreachable host is tried again within one `get`
    /// (see [`HttpClient::without_retries_when_unreachable`]).
    retry_unreachable: bool,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    pub fn new(options: HttpOptions) -> Self {
        let config = ureq::Agent::config_builder()
            // We look at statuses ourselves: 304 and 404 are answers, not failures.
            .http_status_as_error(false)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_recv_response(Some(options.read_timeout))
            .timeout_per_read(Some(options.read_timeout))
            .timeout_global(Some(options.total_timeout))
            .max_redirects(5)
            .user_agent(concat!("sofa-weekly/", env!("CARGO_PKG_VERSION")))
            .build();
        Self {
            agent: config.new_agent(),
            options,
            retry_unreachable: true,
        }
    }

    /// This client, giving up at once on a host it cannot reach instead of retrying it.
    /// For callers that remember unreachable hosts and try them again later anyway
    /// (pictures, on the next sync): there a host that drops packets costs one connect
    /// timeout, where each retry would add another one and a delay. Other transient
    /// failures (5xx, a broken transfer, a read timeout) are retried as usual.
    pub fn without_retries_when_unreachable(mut self) -> Self {
        self.retry_unreachable = false;
        self
    }

    pub fn options(&self) -> &HttpOptions {
        &self.options
    }

    /// GET `url`, retrying transient failures. `validators` make it conditional;
    /// `bearer` is sent as `Authorization: Bearer …` (only pass it to hosts that should
    /// see it: redirects never carry it on).
    pub fn get(
        &self,
        url: &str,
        validators: &Validators,
        bearer: Option<&str>,
        accept: Option<&str>,
    ) -> Result<Fetched, HttpError> {
        check_url(url)?;
        // A request is spent by sending it: each attempt builds its own.
        let request = || {
            let mut request = self.agent.get(url);
            if let Some(etag) = &validators.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(last_modified) = &validators.last_modified {
                request = request.header("If-Modified-Since", last_modified);
            }
            if let Some(token) = bearer {
                request = request.header("Authorization", &format!("Bearer {token}"));
            }
            if let Some(accept) = accept {
                request = request.header("Accept", accept);
            }
            request
        };
        let mut attempt = 0;
        loop {
            match self.send(url, request()) {
                Err(err)
                    if err.is_transient()
                        && (self.retry_unreachable || !err.is_unreachable())
                        && attempt < self.options.retries =>
                {
                    std::thread::sleep(self.options.retry_delay * 2u32.pow(attempt));
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// Sends `request` (a GET of `url`) once and reads the answer.
    fn send(
        &self,
        url: &str,
        request: ureq::RequestBuilder<ureq::typestate::WithoutBody>,
    ) -> Result<Fetched, HttpError> {
        let response = request.call().map_err(|e| self.classify(url, e))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        if status == 304 {
            return Ok(Fetched::NotModified);
        }
        if !(200..300).contains(&status) {
            let rate_limited = header("x-ratelimit-remaining").as_deref() == Some("0");
            return Err(HttpError::Status {
                url: url.to_owned(),
                status,
                rate_limited,
            });
        }
        let content_type = header("content-type");
        let validators = Validators {
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        let body = self.read_capped(url, response.into_body())?;
        Ok(Fetched::Body(HttpResponse {
            body,
            content_type,
            validators,
        }))
    }

    /// Reads at most `max_body_bytes`; one byte more means the body is too large. The
    /// declared length is checked first so an honest huge answer costs nothing to refuse.
    ///
    /// Not ureq's own `Body::with_config().limit(..)`: in ureq 3 that limit counts the bytes
    /// as they arrive, before gzip is undone (`BodyReader` wraps its `LimitReader` in the
    /// decoder), so a few MiB of gzip could still unpack to gigabytes in memory. Here the
    /// cap counts the decoded bytes we keep. It also lets a body of exactly the limit
    /// through, where ureq's errors on the read after it, and its error would not name the
    /// URL. Stalled or endless bodies end either way, by the read and total timeouts.
    fn read_capped(&self, url: &str, body: ureq::Body) -> Result<Vec<u8>, HttpError> {
        let limit = self.options.max_body_bytes;
        let too_large = || HttpError::TooLarge {
            url: url.to_owned(),
            limit,
        };
        if body.content_length().is_some_and(|len| len > limit) {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        body.into_reader()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| self.classify(url, ureq::Error::from(e)))
            .map_err(|e| match e {
                HttpError::Connect { url, reason } => HttpError::Transfer { url, reason },
                other => other,
            })?;
        if bytes.len() as u64 > limit {
            return Err(too_large());
        }
        Ok(bytes)
    }

    fn classify(&self, url: &str, error: ureq::Error) -> HttpError {
        let url = url.to_owned();
        match error {
            // A name that does not resolve or a handshake that never completes: the host
            // is unreachable, like one that refuses, only slower to tell.
            ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
                HttpError::ConnectTimeout {
                    url,
                    seconds: self.options.connect_timeout.as_secs_f64(),
                }
            }
            ureq::Error::Timeout(which) => {
                let limit = match which {
                    ureq::Timeout::Global => self.options.total_timeout,
                    _ => self.options.read_timeout,
                };
                HttpError::Timeout {
                    url,
                    seconds: limit.as_secs_f64(),
                }
            }
            ureq::Error::HostNotFound => HttpError::Connect {
                url,
                reason: HOST_NOT_FOUND.to_owned(),
            },
            ureq::Error::ConnectionFailed => HttpError::Connect {
                url,
                reason: "connection failed".to_owned(),
            },
            // std reports a failed DNS lookup as an uncategorised error with this text
            // (offline, or a wrong host name); retrying it only delays the message.
            ureq::Error::Io(e) if e.to_string().starts_with("failed to lookup address") => {
                HttpError::Connect {
                    url,
                    reason: HOST_NOT_FOUND.to_owned(),
                }
            }
            ureq::Error::Io(e) => match e.kind() {
                std::io::ErrorKind::ConnectionRefused
                | std::io::ErrorKind::NetworkUnreachable
                | std::io::ErrorKind::HostUnreachable
                | std::io::ErrorKind::NetworkDown
                | std::io::ErrorKind::AddrNotAvailable => HttpError::Connect {
                    url,
                    reason: e.to_string(),
                },
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                    HttpError::Timeout {
                        url,
                        seconds: self.options.read_timeout.as_secs_f64(),
                    }
                }
                _ => HttpError::Transfer {
                    url,
                    reason: e.to_string(),
                },
            },
            ureq::Error::BadUri(reason) => HttpError::BadUrl { url, reason },
            ureq::Error::Http(e) => HttpError::BadUrl {
                url,
                reason: e.to_string(),
            },
            other => HttpError::Transfer {
                url,
                reason: other.to_string(),
            },
        }
    }
}

/// Refuses anything that is not an absolute http(s) URL with a host.
pub fn check_url(url: &str) -> Result<url::Url, HttpError> {
    let parsed = url::Url::parse(url).map_err(|e| HttpError::BadUrl {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(HttpError::UnsupportedScheme {
            url: url.to_owned(),
        });
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(HttpError::BadUrl {
            url: url.to_owned(),
            reason: "no host".to_owned(),
        });
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_are_fetched() {
        for url in [
            "file:///etc/passwd",
            "ftp://example.com/feed.xml",
            "javascript:alert(1)",
        ] {
            let err = check_url(url).unwrap_err();
            assert!(
                matches!(err, HttpError::UnsupportedScheme { .. }),
                "{url}: {err}"
            );
            assert!(err.to_string().contains(url));
        }
        assert!(matches!(
            check_url("not a url").unwrap_err(),
            HttpError::BadUrl { .. }
        ));
        assert!(check_url("https://example.com/feed.xml").is_ok());
        assert!(check_url("http://127.0.0.1:8080/x").is_ok());
    }

    #[test]
    fn unsupported_scheme_is_refused_before_any_connection() {
        let client = HttpClient::new(HttpOptions::default());
        let err = client
            .get("file:///etc/passwd", &Validators::default(), None, None)
            .unwrap_err();
        assert!(matches!(err, HttpError::UnsupportedScheme { .. }));
    }

    #[test]
    fn transient_errors_are_the_retried_ones() {
        let url = "http://x/".to_owned();
        let status = |status| HttpError::Status {
            url: url.clone(),
            status,
            rate_limited: false,
        };
        assert!(status(500).is_transient());
        assert!(status(503).is_transient());
        assert!(!status(404).is_transient());
        assert!(!status(403).is_transient());
        assert!(
            HttpError::Connect {
                url: url.clone(),
                reason: "refused".into()
            }
            .is_transient()
        );
        assert!(
            !HttpError::Connect {
                url: url.clone(),
                reason: HOST_NOT_FOUND.into()
            }
            .is_transient()
        );
        assert!(!HttpError::TooLarge { url, limit: 1 }.is_transient());
    }

    #[test]
    fn a_connect_timeout_is_unreachable_and_a_read_timeout_is_not() {
        let url = "http://x/".to_owned();
        let connect = HttpError::ConnectTimeout {
            url: url.clone(),
            seconds: 0.5,
        };
        assert!(connect.is_unreachable() && connect.is_transient());
        assert!(
            connect
                .to_string()
                .contains("cannot connect (no answer within 0.5 s)")
        );
        let read = HttpError::Timeout { url, seconds: 0.5 };
        assert!(!read.is_unreachable() && read.is_transient());
    }
}
