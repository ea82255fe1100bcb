//! A TCP port on 127.0.0.1 that never completes a handshake, for tests of connect timeouts
//! without any outside network: a listener that never accepts, whose accept queue is filled
//! first. Once the queue is full, Linux drops further SYNs (it does not refuse them), so a
//! client's connect waits until its own timeout, as it would for a host that drops packets.

#![allow(dead_code)]

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

pub struct Blackhole {
    addr: SocketAddr,
    /// Kept open so that nothing is accepted and the queue stays full.
    _listener: TcpListener,
    _queued: Vec<TcpStream>,
}

impl Blackhole {
    /// The blackhole, or `None` where the kernel answers a full queue some other way (it
    /// refuses, or its queue is larger than the file descriptors a test may open).
    pub fn start() -> Option<Blackhole> {
        let listener = TcpListener::bind("127.0.0.1:0").ok()?;
        let addr = listener.local_addr().ok()?;
        let mut queued = Vec::new();
        // std listens with a backlog of 128 on Linux: the queue fills after about as many.
        for _ in 0..4096 {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                Ok(stream) => queued.push(stream),
                Err(err) if err.kind() == ErrorKind::TimedOut => {
                    return Some(Blackhole {
                        addr,
                        _listener: listener,
                        _queued: queued,
                    });
                }
                Err(_) => return None,
            }
        }
        None
    }

    /// `http://127.0.0.1:PORT` without a trailing slash.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url(&self, target: &str) -> String {
        format!("{}{}", self.base(), target)
    }
}
