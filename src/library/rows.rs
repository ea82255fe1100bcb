//! Reading a statement's rows into a list, for the library's list queries. Each of them
//! would otherwise spell out the same map-then-collect; here it is said once that the
//! first row that cannot be read fails the whole list rather than being left out.

use rusqlite::{Params, Row, Statement};

use super::LibraryError;

/// Every row `statement` gives for `params`, in the query's order, each read by `read`.
pub(super) fn collect_rows<T>(
    statement: &mut Statement<'_>,
    params: impl Params,
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, LibraryError> {
    let rows = statement.query_map(params, read)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
