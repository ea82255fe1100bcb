//! (being written)

pub mod feed;
pub mod github;
pub mod http;
