//! The one channel the event loop reads: terminal input, worker replies and termination
//! signals all arrive as an [`Event`], each from its own thread. The input thread is here;
//! the signals are watched by [`super::terminal`], the replies come from
//! [`super::worker`] and [`super::sync_job`].

use std::sync::mpsc::Sender;
use std::thread;
use std::time::Instant;

use ratatui::crossterm::event;

use super::state::WorkerMsg;
use super::terminal_background::LateReplyFilter;

#[derive(Debug)]
pub enum Event {
    Term(event::Event),
    Worker(WorkerMsg),
    /// SIGTERM, SIGHUP or SIGINT: leave cleanly, restoring the terminal.
    Signal(i32),
    /// The input thread could not read the terminal any more.
    InputGone(String),
}

/// Reads the terminal forever, sending each event but those `late_reply` drops (a
/// background colour reply that came after we stopped waiting for it); ends when the loop
/// has gone.
pub fn spawn_input(events: Sender<Event>, mut late_reply: LateReplyFilter) {
    thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            loop {
                match event::read() {
                    Ok(ev) => {
                        if late_reply.swallows(&ev, Instant::now()) {
                            continue;
                        }
                        if events.send(Event::Term(ev)).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = events.send(Event::InputGone(e.to_string()));
                        return;
                    }
                }
            }
        })
        .expect("spawning the input thread");
}
