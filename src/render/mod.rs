//! (being written)
pub mod breaks;
pub mod wrap;
