//! The ratatui reader: browse, filter by tag, search and read offline.
//!
//! [`run`] opens what is to be read ([`source`]), takes the terminal and gives it back
//! however we leave ([`terminal`]), and runs the [`event_loop`]: draw, wait for the next
//! [`event::Event`], let [`state::App`] turn it into [`state::Effect`]s, send each to where
//! it runs ([`route`]: the [`worker::Worker`] for the library, [`sync_job`] for a sync,
//! [`browser_and_clipboard`] for the rest), repeat. Nothing is redrawn while idle, and the UI
//! thread never touches the library.
//!
//! Before that, [`options`] gathers the config's reader settings, and [`theme_choice`] picks
//! the theme (`show` uses it too), asking the terminal for its background colour only when
//! the theme is left to it ([`terminal_background`]).

pub mod browser_and_clipboard;
pub mod colors;
pub mod event;
pub mod event_loop;
pub mod in_line;
pub mod keymap;
pub mod layout;
pub mod options;
pub mod pictures;
pub mod route;
pub mod series;
pub mod source;
pub mod state;
pub mod store;
pub mod sync_job;
pub mod terminal;
pub mod terminal_background;
pub mod theme;
pub mod theme_choice;
pub mod view;
pub mod worker;

#[cfg(test)]
mod testing;

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Instant;

pub use options::Options;
pub use source::AppSource;

use crate::config::{ColorChoice, Config};
use colors::ColorDepth;
use event_loop::EventLoop;
use pictures::decode::PictureThread;
use pictures::graphics::Protocol;
use state::App;
use store::Store;
use sync_job::SyncPlan;
use terminal::with_terminal;
use terminal_background::LateReplyFilter;
use worker::Worker;

/// Opens `source` and runs the reader until the user quits, with the reading width and
/// theme of `config` (and `NO_COLOR`). A library or path that cannot be opened shows an
/// error screen with the reason instead.
pub fn run(source: AppSource, config: &Config) -> anyhow::Result<()> {
    run_with(
        source,
        config,
        Options::from_config(config, ColorChoice::Auto),
    )
}

/// [`run`] with options the caller has made (`--color`, notes about the config).
pub fn run_with(source: AppSource, config: &Config, options: Options) -> anyhow::Result<()> {
    match source.open(config) {
        Ok(opened) => {
            // Reading the sample because the library is empty: once a sync has brought
            // posts in, switch to the library.
            let switch_to = match (&source, opened.showing_sample) {
                (AppSource::Library(dir), true) => Some(dir.clone()),
                _ => None,
            };
            let sync = source.sync_plan(config);
            let mut app = App::new(opened.origin, options.theme, options.max_width);
            app.read_directly = opened.direct;
            run_app(app, Box::new(opened.library), &options, sync, switch_to)
        }
        Err(e) => run_failed(&source.origin(), &format!("{e:#}")),
    }
}

/// Runs the reader on `store` until the user quits. `origin` names what is being read in the
/// title bar.
pub fn run_store(
    store: Box<dyn Store>,
    origin: &str,
    options: &Options,
    sync: SyncPlan,
    switch_to: Option<PathBuf>,
) -> anyhow::Result<()> {
    let app = App::new(origin, options.theme, options.max_width);
    run_app(app, store, options, sync, switch_to)
}

fn run_app(
    mut app: App,
    store: Box<dyn Store>,
    options: &Options,
    sync: SyncPlan,
    switch_to: Option<PathBuf>,
) -> anyhow::Result<()> {
    app.keymap = options.keymap.clone();
    app.draw_pictures = options.graphics.is_some();
    app.pictures_are_cells = options
        .graphics
        .as_ref()
        .is_none_or(|g| matches!(g.protocol, Protocol::HalfBlocks | Protocol::Kitty));
    app.day_format = options.day_format.clone();
    if !options.notes.is_empty() {
        app.note = Some(state::StatusNote {
            text: options.notes.join("; "),
            error: true,
            hint: None,
        });
    }
    let (events, inbox) = mpsc::channel();
    let style = worker::PageStyle {
        theme: options.color_depth.fit_theme(options.theme.render_theme()),
        day_format: options.day_format.clone(),
        pictures: options.graphics.as_ref().map(|g| g.cell),
    };
    let worker = Worker::spawn(store, style, events.clone());
    let pictures = options
        .graphics
        .clone()
        .map(|graphics| PictureThread::spawn(graphics, events.clone()));
    // Kitty names a picture by the foreground colour of its placeholder cells, which must
    // reach the terminal as written; every terminal that speaks kitty's protocol has true
    // colour.
    let color_depth = match options.graphics.as_ref().map(|g| g.protocol) {
        Some(Protocol::Kitty) => ColorDepth::TrueColor,
        _ => options.color_depth,
    };
    let late_reply = LateReplyFilter::after(options.background, Instant::now());
    let result = with_terminal(&events, |terminal| {
        event::spawn_input(events.clone(), late_reply);
        let start = app.start();
        let event_loop = EventLoop {
            worker: &worker,
            events: &events,
            sync_plan: &sync,
            sync_job: None,
            switch_to,
            color_depth,
            pictures: pictures.as_ref(),
            suspend_asked: false,
        };
        event_loop.run(terminal, &mut app, start, &inbox)
    });
    // Let the worker finish the writes already asked for (read marks, the session).
    worker.finish();
    result
}

/// Shows why the library could not be opened, until the user presses q.
pub fn run_failed(origin: &str, reason: &str) -> anyhow::Result<()> {
    let mut app = App::failed(origin, reason);
    let (events, inbox) = mpsc::channel();
    with_terminal(&events, |terminal| {
        event::spawn_input(events.clone(), LateReplyFilter::none());
        let idle = Worker::idle(events.clone());
        let plan = SyncPlan::Nothing(String::new());
        let event_loop = EventLoop {
            worker: &idle,
            events: &events,
            sync_plan: &plan,
            sync_job: None,
            switch_to: None,
            color_depth: ColorDepth::from_env(),
            pictures: None,
            suspend_asked: false,
        };
        event_loop.run(terminal, &mut app, Vec::new(), &inbox)
    })
}
