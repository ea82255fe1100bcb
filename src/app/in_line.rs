//! An app's effects run on this thread, as the event loop would run them: each routed by
//! [`route_effect`], the worker's jobs run against a store, the pictures decoded in line,
//! and what leaves the process (a URL opened, text copied, a sync) written down. For the
//! tests and benches that drive the app without a terminal.

use std::collections::VecDeque;
use std::sync::Arc;

use super::pictures::decode::{DecodeBatch, prepare};
use super::pictures::graphics::Graphics;
use super::route::{Outlets, route_effect};
use super::state::{App, Effect, WorkerMsg};
use super::store::Store;
use super::worker::{self, PageStyle};

/// Runs `effects`, and the effects their replies cause, until none are left. Returns the
/// effects that leave the process, in order.
pub fn run(
    app: &mut App,
    store: &dyn Store,
    style: &PageStyle,
    graphics: &Graphics,
    effects: Vec<Effect>,
) -> Vec<Effect> {
    let mut outside = Vec::new();
    let mut queue = VecDeque::from(effects);
    while let Some(effect) = queue.pop_front() {
        let mut routed = Recorder::new(&mut outside);
        route_effect(effect, &mut routed);
        let Recorder { jobs, batches, .. } = routed;
        for job in jobs {
            if let Some(reply) = worker::run(store, style, job) {
                queue.extend(app.on_worker(reply));
            }
        }
        for batch in batches {
            for request in &batch.pictures {
                let result = prepare(graphics, request).map(Arc::new);
                queue.extend(app.on_worker(WorkerMsg::Picture {
                    page: batch.page,
                    index: request.index,
                    result,
                }));
            }
        }
    }
    outside
}

/// Outlets that keep the worker's jobs and the pictures to decode, to run them here, and
/// write down the rest.
pub(crate) struct Recorder<'a> {
    pub jobs: Vec<worker::Job>,
    pub batches: Vec<DecodeBatch>,
    outside: &'a mut Vec<Effect>,
}

impl<'a> Recorder<'a> {
    pub(crate) fn new(outside: &'a mut Vec<Effect>) -> Recorder<'a> {
        Recorder {
            jobs: Vec::new(),
            batches: Vec::new(),
            outside,
        }
    }
}

impl Outlets for Recorder<'_> {
    fn work(&mut self, job: worker::Job) {
        self.jobs.push(job);
    }

    fn sync(&mut self) {
        self.outside.push(Effect::Sync);
    }

    fn open_url(&mut self, url: String) {
        self.outside.push(Effect::OpenUrl(url));
    }

    fn copy(&mut self, text: String) {
        self.outside.push(Effect::Copy(text));
    }

    fn open_file(&mut self, path: std::path::PathBuf) {
        self.outside.push(Effect::OpenFile(path));
    }

    fn decode(&mut self, batch: DecodeBatch) {
        self.batches.push(batch);
    }

    fn suspend(&mut self) {
        self.outside.push(Effect::Suspend);
    }
}
