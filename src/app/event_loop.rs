//! The reader's loop: draw, wait for the next [`Event`], let [`App`] turn it into
//! [`Effect`]s, send each to where it runs ([`route_effect`]), repeat. Nothing is redrawn
//! while idle, and the loop never touches the library: the worker does.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Instant;

use anyhow::Context;
use ratatui::crossterm::event::KeyEventKind;

use super::browser_and_clipboard::{OpenError, copy_osc52, open_file, open_in_browser};
use super::colors::ColorDepth;
use super::event::Event;
use super::keymap::Action;
use super::pictures::decode::{DecodeBatch, PictureThread};
use super::route::{Outlets, route_effect};
use super::state::{App, Effect, WorkerMsg};
use super::sync_job::{SyncJob, SyncPlan};
use super::terminal::{Term, suspend};
use super::view;
use super::worker::{Job, Worker};

/// Everything the loop hands effects to, and what it keeps between events.
pub struct EventLoop<'a> {
    pub worker: &'a Worker,
    pub events: &'a mpsc::Sender<Event>,
    pub sync_plan: &'a SyncPlan,
    pub sync_job: Option<SyncJob>,
    /// The library folder to read from once a sync has filled it (while showing the sample).
    pub switch_to: Option<PathBuf>,
    pub color_depth: ColorDepth,
    /// Where pictures are decoded (`None`: pictures are not drawn).
    pub pictures: Option<&'a PictureThread>,
    /// Ctrl-Z was pressed: suspend once the effects before it have run.
    pub suspend_asked: bool,
}

impl EventLoop<'_> {
    /// Routes `first` (the app's start), then runs until the app quits or the events end.
    /// A sync still running is cancelled on the way out.
    pub fn run(
        mut self,
        terminal: &mut Term,
        app: &mut App,
        first: Vec<Effect>,
        inbox: &mpsc::Receiver<Event>,
    ) -> anyhow::Result<()> {
        let result = self.run_until_quit(terminal, app, first, inbox);
        if let Some(job) = self.sync_job.take() {
            job.cancel();
        }
        result
    }

    fn run_until_quit(
        &mut self,
        terminal: &mut Term,
        app: &mut App,
        first: Vec<Effect>,
        inbox: &mpsc::Receiver<Event>,
    ) -> anyhow::Result<()> {
        self.route_all(first);
        let size = terminal.size().context("reading the terminal size")?;
        self.route_all(app.resize(size.width, size.height));
        loop {
            terminal
                .draw(|frame| {
                    view::draw(frame, app);
                    self.color_depth.buffer(frame.buffer_mut());
                })
                .context("drawing the screen")?;
            if app.quit {
                return Ok(());
            }
            let first = match app.next_deadline() {
                Some(deadline) => {
                    match inbox.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                        Ok(event) => Some(event),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return Ok(()),
                    }
                }
                None => match inbox.recv() {
                    Ok(event) => Some(event),
                    Err(_) => return Ok(()),
                },
            };
            // Take everything that is waiting before drawing again: a burst of keys or
            // replies costs one frame.
            let mut effects = app.tick(Instant::now());
            for event in first.into_iter().chain(inbox.try_iter()) {
                self.before_handling(&event);
                effects.extend(handle(app, event)?);
                if app.quit {
                    break;
                }
            }
            // The view may have moved: pictures coming into view are decoded, far ones let go.
            effects.extend(app.decode_pictures());
            self.route_all(effects);
            if std::mem::take(&mut self.suspend_asked) {
                suspend(terminal).context("suspending")?;
                // The terminal may have changed size meanwhile.
                let size = terminal.size().context("reading the terminal size")?;
                self.route_all(app.resize(size.width, size.height));
            }
        }
    }

    /// Switches the worker to the library a sync has filled, before the reloads the app
    /// asks for on hearing of it, so that they read the library.
    fn before_handling(&mut self, event: &Event) {
        match event {
            Event::Worker(WorkerMsg::SyncFinished { .. }) => {
                if let Some(dir) = &self.switch_to {
                    self.worker.switch_library(dir.clone());
                }
            }
            Event::Worker(WorkerMsg::Switched { .. }) => self.switch_to = None,
            _ => {}
        }
    }

    fn route_all(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            route_effect(effect, self);
        }
    }
}

impl Outlets for EventLoop<'_> {
    fn work(&mut self, job: Job) {
        self.worker.send(job);
    }

    fn sync(&mut self) {
        if !self.sync_job.as_ref().is_some_and(SyncJob::running) {
            self.sync_job = Some(SyncJob::start(self.sync_plan, self.events.clone()));
        }
    }

    fn open_url(&mut self, url: String) {
        // Starting a program can take a moment (a slow disk, many `$BROWSER` entries): on a
        // thread of its own, so the screen never waits.
        let events = self.events.clone();
        std::thread::spawn(move || {
            let reply = match open_in_browser(&url) {
                Ok(()) => return,
                Err(OpenError::NoBrowser) => WorkerMsg::NoBrowser { url },
                Err(OpenError::Failed(e)) => {
                    WorkerMsg::Failed(format!("could not open {url}: {e}"))
                }
            };
            let _ = events.send(Event::Worker(reply));
        });
    }

    fn copy(&mut self, text: String) {
        copy_osc52(&text);
    }

    fn open_file(&mut self, path: PathBuf) {
        if let Err(e) = open_file(&path) {
            let failed = WorkerMsg::Failed(format!("could not open {}: {e}", path.display()));
            let _ = self.events.send(Event::Worker(failed));
        }
    }

    fn decode(&mut self, batch: DecodeBatch) {
        if let Some(pictures) = self.pictures {
            pictures.send(batch);
        }
    }

    fn suspend(&mut self) {
        self.suspend_asked = true;
    }
}

fn handle(app: &mut App, event: Event) -> anyhow::Result<Vec<Effect>> {
    use ratatui::crossterm::event::Event as Term;
    Ok(match event {
        Event::Term(Term::Key(key)) if key.kind != KeyEventKind::Release => app.on_key(key),
        Event::Term(Term::Mouse(mouse)) => app.on_mouse(mouse),
        Event::Term(Term::Resize(width, height)) => app.resize(width, height),
        Event::Term(_) => Vec::new(),
        Event::Worker(msg) => app.on_worker(msg),
        Event::Signal(_) => app.update(Action::Quit),
        Event::InputGone(e) => anyhow::bail!("reading the terminal: {e}"),
    })
}
