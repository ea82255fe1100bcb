//! sofa-weekly: a terminal reader for newsletters, offline.
//!
//! The layers, each depending only on the ones above it:
//!
//! - [`post`] and [`text`]: shared vocabulary (posts, metadata, tags) and text utilities
//!   (control-character stripping, display width). No IO.
//! - [`tags`]: tag normalisation and the topic vocabulary that tags posts by what they discuss.
//! - [`loader`]: brings posts in from a folder, a GitHub repository or a feed as
//!   [`post::LoadedPost`]s plus warnings. Never touches SQLite.
//! - [`items`]: a newsletter issue split into sections and items (reader questions,
//!   releases), which the library stores at import. Pure: no IO.
//! - [`library`]: the SQLite store: sources, posts, tags, reading state, full-text search.
//! - [`sync`]: brings sources (GitHub repositories, feeds, local folders) up to date in the
//!   library: one plan step per kind of source, one run loop for the CLI and the app.
//! - [`render`]: markdown to styled, CJK-aware wrapped lines. Pure: no IO, no library.
//! - [`opml`]: reading and writing OPML subscription lists (pure).
//! - [`cli`]: the command line, printing aligned text or JSON.
//! - [`app`]: the ratatui reader. [`app::state`] is the state and its `update`, with no
//!   terminal and no threads; [`app::view`] draws it; [`app::event_loop`] feeds it events
//!   and [`app::route`] sends what it asks for to the [`app::worker`] (the library),
//!   [`app::sync_job`] or [`app::browser_and_clipboard`]. [`app::terminal`] takes and
//!   restores the terminal, [`app::source`] opens what is read, [`app::options`] and
//!   [`app::theme_choice`] turn the config into the reader's settings.
//! - [`config`]: the config file (`config.toml`): its types and defaults, the checks that turn
//!   a bad value into a warning naming the key, the day formatter every output shares, and
//!   the theme and colour choices. Read by `cli` and `app`; nothing below them reads it.
//! - [`sample`]: the sample archive embedded in the binary, shown when the library is empty.

#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod config;
pub mod items;
pub mod library;
pub mod loader;
pub mod opml;
pub mod post;
pub mod render;
pub mod sample;
pub mod sync;
pub mod tags;
pub mod text;
