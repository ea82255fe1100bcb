//! Taking the terminal and giving it back: raw mode, the alternate screen, mouse capture and
//! a hidden cursor while the reader runs, restored however we leave: quit, an error, a panic
//! (the panic hook), or SIGTERM, SIGHUP (the terminal hung up) and SIGINT, which become
//! [`Event::Signal`]s so that the event loop leaves as it does on `q`. Ctrl-Z gives the
//! terminal back until the shell resumes us ([`suspend`]).

use std::io;
use std::sync::mpsc::Sender;
use std::thread;

use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};

use super::event::Event;

pub type Term = Terminal<CrosstermBackend<io::Stdout>>;

/// Runs `body` on a terminal in raw mode and restores the terminal afterwards, also when
/// `body` fails or panics. Termination signals arrive on `events` meanwhile.
pub fn with_terminal<T>(
    events: &Sender<Event>,
    body: impl FnOnce(&mut Term) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    install_panic_hook();
    if let Err(e) = enter_terminal() {
        return Err(e).context(
            "setting up the terminal (the reader needs one; `sofa-weekly list` and `show` \
             print to pipes)",
        );
    }
    let result = spawn_signals(events.clone())
        .context("watching for signals")
        .and_then(|signals| {
            let result = Terminal::new(CrosstermBackend::new(io::stdout()))
                .context("setting up the terminal")
                .and_then(|mut terminal| body(&mut terminal));
            // Signals behave as usual again once the reader is gone.
            signals.close();
            result
        });
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

/// Ctrl-Z, as less and vim do it: the terminal goes back to the shell, the process stops
/// (SIGTSTP, which raw mode kept the terminal from sending), and when `fg` resumes it the
/// reader takes the terminal again and draws the whole screen anew.
pub fn suspend(terminal: &mut Term) -> io::Result<()> {
    restore_terminal();
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    enter_terminal()?;
    // The screen is blank again: forget what was drawn, so the next frame is drawn whole.
    // (Not `Terminal::clear`: it asks the terminal for the cursor position, and the input
    // thread takes the answer, so the question times out.)
    execute!(io::stdout(), Clear(ClearType::All))?;
    terminal.swap_buffers();
    terminal.swap_buffers();
    Ok(())
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

/// Turns SIGTERM, SIGHUP and SIGINT into events, so that the loop restores the terminal
/// before leaving instead of dying in raw mode.
fn spawn_signals(events: Sender<Event>) -> io::Result<signal_hook::iterator::Handle> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    let handle = signals.handle();
    thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _ = events.send(Event::Signal(signal));
            }
        })?;
    Ok(handle)
}
