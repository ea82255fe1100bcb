//! sofa-weekly: a terminal reader for newsletters, offline.
//!
//! The layers, each depending only on the ones above it:
//!
//! - [`post`] and [`text`]: shared vocabulary (posts, metadata, tags) and text utilities
//!   (control-character stripping, display width). No IO.
//! - [`tags`]: tag normalisation and the topic vocabulary that tags posts by what they discuss.
//! - [`loader`]: brings posts in from a folder (and, later, GitHub and feeds) as
//!   [`post::LoadedPost`]s plus warnings. Never touches SQLite.
//! - [`import`]: brings local folders into the library incrementally.
//! - [`library`]: the SQLite store: sources, posts, tags, reading state, full-text search.
//! - [`items`]: a newsletter issue split into sections and items (reader questions,
//!   releases). Pure: no IO.
//! - [`render`]: markdown to styled, CJK-aware wrapped lines. Pure: no IO, no library.
//! - [`opml`]: reading and writing OPML subscription lists (pure).
//! - [`cli`]: the command line, printing aligned text or JSON.
//! - [`app`]: the ratatui reader.
//! - [`sample`]: the sample archive embedded in the binary, shown when the library is empty.

#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod config;
pub mod import;
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
