//! The ratatui reader: browse, filter by tag, search and read offline.
//!
//! [`run`] sets up the terminal (raw mode, alternate screen, mouse), makes sure it is
//! restored however we leave (quit, Ctrl-C, SIGTERM/SIGHUP, panic), and runs the event loop:
//! draw, wait for the next [`event::Event`], let [`state::App`] turn it into
//! [`state::Effect`]s, hand those to the [`worker::Worker`], repeat. Nothing is redrawn while
//! idle, and the UI thread never touches the library.

pub mod colors;
pub mod event;
pub mod keymap;
pub mod layout;
pub mod state;
pub mod store;
pub mod sync_job;
pub mod terminal_background;
pub mod theme;
pub mod view;
pub mod worker;

#[cfg(test)]
mod testing;

use std::io::{self, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Instant;

use std::path::PathBuf;

use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture, KeyEventKind};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};
use terminal_background::LateReplyFilter;

use crate::config::{ColorChoice, Config, DayFormat, ThemeChoice};
use crate::library::Library;
use colors::ColorDepth;
use event::Event;
use keymap::Keymap;
use state::{App, Effect, WorkerMsg};
use store::Store;
use sync_job::{SyncJob, SyncPlan};
use theme::ThemeKind;
use worker::Worker;

/// How the reader looks and which keys do what: from the config and the environment.
#[derive(Debug, Clone)]
pub struct Options {
    /// The widest the text is wrapped, in columns.
    pub max_width: u16,
    pub theme: ThemeKind,
    /// What the terminal can show; colours are brought down to it.
    pub color_depth: ColorDepth,
    /// The default keys with the config's `[keys]` applied.
    pub keymap: Keymap,
    /// How a post's day is written (the config's `date_format`).
    pub day_format: DayFormat,
    /// Problems to show in the status line at start (a broken config, say).
    pub notes: Vec<String>,
    /// What the terminal answered when asked for its background (`None`: not asked).
    pub background: Option<terminal_background::Reply>,
}

impl Options {
    /// The reader settings of the config file with `--color`; `NO_COLOR` and the terminal's
    /// background decide what the config leaves to them. Key bindings that cannot be applied
    /// become [`Options::notes`].
    pub fn from_config(config: &Config, color: ColorChoice) -> Options {
        let (keymap, problems) = Keymap::with_config(&config.keys);
        let (theme, background) = choose_theme(config.reader.theme, color);
        Options {
            max_width: u16::try_from(config.reader.max_width.max(20)).unwrap_or(u16::MAX),
            theme,
            color_depth: ColorDepth::from_env(),
            keymap,
            day_format: config.day_format(),
            notes: problems
                .into_iter()
                .map(|p| format!("config line {}: {}", p.line, p.message))
                .collect(),
            background,
        }
    }
}

/// The theme for the config's `choice` and `--color`: `never` is the plain theme, `always`
/// ignores `NO_COLOR`, `auto` leaves it to `NO_COLOR`. The terminal is asked for its
/// background only when the choice is left to it, and then its reply comes back too.
pub fn choose_theme(
    choice: ThemeChoice,
    color: ColorChoice,
) -> (ThemeKind, Option<terminal_background::Reply>) {
    let no_color = match color {
        ColorChoice::Never => return (ThemeKind::Plain, None),
        ColorChoice::Always => None,
        ColorChoice::Auto => std::env::var("NO_COLOR").ok(),
    };
    let colorfgbg = std::env::var("COLORFGBG").ok();
    let mut reply = None;
    let theme = ThemeKind::choose(
        theme_name(choice),
        no_color.as_deref(),
        || reply.insert(terminal_background::ask()).theme(),
        colorfgbg.as_deref(),
    );
    (theme, reply)
}

fn theme_name(choice: ThemeChoice) -> Option<&'static str> {
    match choice {
        ThemeChoice::Dark => Some("dark"),
        ThemeChoice::Light => Some("light"),
        ThemeChoice::Auto => None,
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_width: 100,
            theme: ThemeKind::Dark,
            color_depth: ColorDepth::TrueColor,
            keymap: Keymap::builtin(),
            day_format: DayFormat::default(),
            notes: Vec::new(),
            background: None,
        }
    }
}

/// What the reader opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppSource {
    /// The library in this folder; the bundled sample while it holds no post.
    Library(PathBuf),
    /// A folder or markdown file read directly, in memory, without importing it.
    Path(PathBuf),
    /// The bundled sample archive.
    Sample,
}

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
    let opened = open_source(&source, config);
    let sync = match &source {
        AppSource::Library(dir) => SyncPlan::Library {
            dir: dir.clone(),
            config: Box::new(config.clone()),
        },
        AppSource::Path(path) => SyncPlan::Nothing(format!(
            "{} is read directly: nothing to sync (import it to keep it in the library)",
            path.display()
        )),
        AppSource::Sample => SyncPlan::Nothing("no sources to sync".into()),
    };
    match opened {
        Ok((library, origin, showing_sample)) => {
            // Reading the sample because the library is empty: once a sync has brought
            // posts in, switch to the library.
            let switch_to = match (&source, showing_sample) {
                (AppSource::Library(dir), true) => Some(dir.clone()),
                _ => None,
            };
            run_store(Box::new(library), &origin, &options, sync, switch_to)
        }
        Err(e) => {
            let origin = match &source {
                AppSource::Library(p) | AppSource::Path(p) => p.display().to_string(),
                AppSource::Sample => "sample archive".to_string(),
            };
            run_failed(&origin, &format!("{e:#}"))
        }
    }
}

/// The library to read for `source`, what the title bar calls it, and whether it is the
/// sample standing in for an empty library. Every library gets the config's topics, so tags
/// match what the CLI shows.
fn open_source(source: &AppSource, config: &Config) -> anyhow::Result<(Library, String, bool)> {
    let topics = config
        .topics_vocabulary()
        .context("the topic vocabulary is invalid")?;
    let in_memory = || -> anyhow::Result<Library> {
        let mut library = Library::open_in_memory()?;
        library.set_topics(topics.clone())?;
        Ok(library)
    };
    let sample = || -> anyhow::Result<Library> {
        let mut library = in_memory()?;
        crate::import::import_sample(&mut library).context("cannot load the sample archive")?;
        Ok(library)
    };
    match source {
        AppSource::Library(dir) => {
            let mut library = Library::open(dir)?;
            library.set_topics(topics.clone())?;
            if library.post_count()? > 0 {
                return Ok((library, dir.display().to_string(), false));
            }
            let origin = "sample archive (the library is empty: press r to sync, or sofa-weekly import PATH)";
            Ok((sample()?, origin.into(), true))
        }
        AppSource::Path(path) => {
            let mut library = in_memory()?;
            crate::import::import_path(&mut library, path)?;
            Ok((library, path.display().to_string(), false))
        }
        AppSource::Sample => Ok((sample()?, "sample archive".into(), false)),
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
    let mut app = App::new(origin, options.theme, options.max_width);
    app.keymap = options.keymap.clone();
    app.day_format = options.day_format.clone();
    if !options.notes.is_empty() {
        app.note = Some(state::StatusNote {
            text: options.notes.join("; "),
            error: true,
        });
    }
    let (events, inbox) = mpsc::channel();
    let style = worker::PageStyle {
        theme: options.theme.render_theme(),
        day_format: options.day_format.clone(),
    };
    let worker = Worker::spawn(store, style, events.clone());
    let late_reply = LateReplyFilter::after(options.background, Instant::now());
    let result = with_terminal(|terminal| {
        event::spawn_input(events.clone(), late_reply);
        let signals = event::spawn_signals(events.clone()).context("watching for signals")?;
        let start = app.start();
        dispatch(&worker, start);
        let mut context = Outlets {
            worker: &worker,
            events: &events,
            sync_plan: &sync,
            sync_job: None,
            switch_to,
            color_depth: options.color_depth,
        };
        let result = event_loop(terminal, &mut app, &mut context, &inbox);
        if let Some(job) = context.sync_job.take() {
            job.cancel();
        }
        // Signals behave as usual again once the reader is gone.
        signals.close();
        result
    });
    // Let the worker finish the writes already asked for (read marks, the session).
    worker.finish();
    result
}

/// Shows why the library could not be opened, until the user presses q.
pub fn run_failed(origin: &str, reason: &str) -> anyhow::Result<()> {
    let mut app = App::failed(origin, reason);
    let (events, inbox) = mpsc::channel();
    with_terminal(|terminal| {
        event::spawn_input(events.clone(), LateReplyFilter::none());
        let signals = event::spawn_signals(events.clone()).context("watching for signals")?;
        let idle = Worker::idle();
        let plan = SyncPlan::Nothing(String::new());
        let mut context = Outlets {
            worker: &idle,
            events: &events,
            sync_plan: &plan,
            sync_job: None,
            switch_to: None,
            color_depth: ColorDepth::from_env(),
        };
        let result = event_loop(terminal, &mut app, &mut context, &inbox);
        signals.close();
        result
    })
}

type Term = Terminal<CrosstermBackend<io::Stdout>>;

/// Runs `body` on a terminal in raw mode and restores the terminal afterwards, also when
/// `body` fails or panics.
fn with_terminal<T>(body: impl FnOnce(&mut Term) -> anyhow::Result<T>) -> anyhow::Result<T> {
    install_panic_hook();
    if let Err(e) = enter_terminal() {
        return Err(e).context(
            "setting up the terminal (the reader needs one; `sofa-weekly list` and `show` \
             print to pipes)",
        );
    }
    let result = Terminal::new(CrosstermBackend::new(io::stdout()))
        .context("setting up the terminal")
        .and_then(|mut terminal| body(&mut terminal));
    restore_terminal();
    result
}

fn enter_terminal() -> io::Result<()> {
    enable_raw_mode()?;
    let entered = execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        cursor::Hide
    );
    if entered.is_err() {
        // Half set up (raw mode on, alternate screen refused) is worse than not at all.
        restore_terminal();
    }
    entered
}

/// Puts the terminal back as we found it. Safe to call more than once.
pub fn restore_terminal() {
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

/// On a panic, restore the terminal first so that the message is readable and the shell
/// usable, then report as usual.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
}

/// What the event loop hands effects to.
struct Outlets<'a> {
    worker: &'a Worker,
    events: &'a mpsc::Sender<Event>,
    sync_plan: &'a SyncPlan,
    sync_job: Option<SyncJob>,
    /// The library folder to read from once a sync has filled it (while showing the sample).
    switch_to: Option<PathBuf>,
    color_depth: ColorDepth,
}

fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    context: &mut Outlets,
    inbox: &mpsc::Receiver<Event>,
) -> anyhow::Result<()> {
    let worker = context.worker;
    let size = terminal.size().context("reading the terminal size")?;
    let effects = app.resize(size.width, size.height);
    dispatch(worker, effects);
    loop {
        terminal
            .draw(|frame| {
                view::draw(frame, app);
                context.color_depth.buffer(frame.buffer_mut());
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
            if let (Event::Worker(WorkerMsg::SyncFinished { .. }), Some(dir)) =
                (&event, &context.switch_to)
            {
                // Before the reloads the app asks for, so they read the library.
                worker.send(Effect::SwitchLibrary(dir.clone()));
            }
            if let Event::Worker(WorkerMsg::Switched { .. }) = &event {
                context.switch_to = None;
            }
            effects.extend(handle(app, event)?);
            if app.quit {
                break;
            }
        }
        for effect in effects {
            match effect {
                Effect::OpenUrl(url) => {
                    if let Err(e) = open_in_browser(&url) {
                        app.on_worker(state::WorkerMsg::Failed(format!(
                            "could not open {url}: {e}"
                        )));
                    }
                }
                Effect::Copy(text) => copy_osc52(&text),
                Effect::Sync => {
                    if !context.sync_job.as_ref().is_some_and(SyncJob::running) {
                        context.sync_job =
                            Some(SyncJob::start(context.sync_plan, context.events.clone()));
                    }
                }
                other => worker.send(other),
            }
        }
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
        Event::Signal(_) => app.update(keymap::Action::Quit),
        Event::InputGone(e) => anyhow::bail!("reading the terminal: {e}"),
    })
}

fn dispatch(worker: &Worker, effects: Vec<Effect>) {
    for effect in effects {
        worker.send(effect);
    }
}

/// Hands `url` to the platform's opener as a single argument: no shell sees it. The state
/// has already checked it is http, https or mailto.
fn open_in_browser(url: &str) -> io::Result<()> {
    debug_assert!(state::is_openable(url));
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let mut child = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    // Reap it in the background so it leaves no zombie and the UI does not wait.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// Asks the terminal to put `text` on the clipboard (OSC 52), which also works over SSH.
fn copy_osc52(text: &str) {
    let mut out = io::stdout();
    let _ = write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes()));
    let _ = out.flush();
}

/// Standard base64 with padding: a dozen lines, not worth a dependency.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_examples() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }
}
