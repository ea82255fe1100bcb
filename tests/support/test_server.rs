//! A small HTTP/1.1 server for tests, on 127.0.0.1 with a port the OS picks.
//!
//! Routes are scripted: each request target (path and query, exactly as sent, so percent-
//! encoding is checked too) answers with queued replies first and then with its standing
//! reply; anything else is a 404. Every request is recorded. Replies can misbehave on purpose
//! (drop the connection, truncate the body, send an endless body, stall) so tests can check
//! how the client copes. Every connection closes after one answer, and every wait is bounded.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A normal answer. With an `etag`, a request whose `If-None-Match` equals it gets 304.
    Ok {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        etag: Option<String>,
    },
    /// Close the connection without answering.
    Drop,
    /// Declare `Content-Length` of the whole body but send only `sent` bytes, then close.
    Truncate { body: Vec<u8>, sent: usize },
    /// Stream `len` bytes without a declared length (close-delimited).
    Huge { len: u64 },
    /// Say nothing for this long, then close.
    Stall(Duration),
    /// Wait this long, then answer normally.
    Delayed(Duration, Box<Reply>),
}

impl Reply {
    pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200, body)
    }

    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Ok {
            status,
            headers: Vec::new(),
            body: body.into(),
            etag: None,
        }
    }

    pub fn with_etag(mut self, tag: &str) -> Reply {
        if let Reply::Ok { etag, .. } = &mut self {
            *etag = Some(tag.to_owned());
        }
        self
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Ok { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

#[derive(Default)]
struct Route {
    queued: VecDeque<Reply>,
    standing: Option<Reply>,
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    requests: Vec<Request>,
}

pub struct TestServer {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl TestServer {
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let state = Arc::clone(&state);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let state = Arc::clone(&state);
                    std::thread::spawn(move || serve(stream, &state));
                }
            })
        };
        TestServer {
            port,
            state,
            stop,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT` without a trailing slash.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn url(&self, target: &str) -> String {
        format!("{}{}", self.base(), target)
    }

    /// The reply `target` gives from now on (after any queued ones).
    pub fn route(&self, target: &str, reply: Reply) {
        let mut state = self.state.lock().unwrap();
        state.routes.entry(target.to_owned()).or_default().standing = Some(reply);
    }

    /// A reply given once, before the standing one.
    pub fn queue(&self, target: &str, reply: Reply) {
        let mut state = self.state.lock().unwrap();
        state
            .routes
            .entry(target.to_owned())
            .or_default()
            .queued
            .push_back(reply);
    }

    /// Makes `target` a 404 again.
    pub fn unroute(&self, target: &str) {
        self.state.lock().unwrap().routes.remove(target);
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.state.lock().unwrap().requests.clear();
    }

    /// Requests whose target starts with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.target.starts_with(prefix))
            .collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the acceptor so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn serve(mut stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Some(request) = read_request(&stream) else {
        return;
    };
    let reply = {
        let mut state = state.lock().unwrap();
        state.requests.push(request.clone());
        match state.routes.get_mut(&request.target) {
            Some(route) => route
                .queued
                .pop_front()
                .or_else(|| route.standing.clone())
                .unwrap_or_else(|| Reply::status(404, "not found")),
            None => Reply::status(404, "not found"),
        }
    };
    let reply = match reply {
        Reply::Delayed(wait, reply) => {
            std::thread::sleep(wait);
            *reply
        }
        reply => reply,
    };
    match reply {
        Reply::Delayed(..) => {}
        Reply::Ok {
            status,
            headers,
            body,
            etag,
        } => {
            let matches = etag.is_some() && request.header("if-none-match") == etag.as_deref();
            let (status, body) = if matches {
                (304, Vec::new())
            } else {
                (status, body)
            };
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
                reason(status),
                body.len()
            );
            if let Some(etag) = etag {
                head.push_str(&format!("ETag: {etag}\r\n"));
            }
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
        Reply::Drop => {}
        Reply::Truncate { body, sent } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body[..sent.min(body.len())]);
        }
        Reply::Huge { len } => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = len;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                if stream.write_all(&chunk[..n]).is_err() {
                    break;
                }
                left -= n as u64;
            }
        }
        Reply::Stall(wait) => std::thread::sleep(wait),
    }
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Both);
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.take(64 * 1024));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    Some(Request {
        method,
        target,
        headers,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        304 => "Not Modified",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}
