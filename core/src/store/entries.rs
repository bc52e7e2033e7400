//! The `entries` table: allocates entry numbers in order of recording, never reused.

use rusqlite::Connection;

use crate::error::Result;
use crate::store::{to_i64, to_u64};

/// Allocates the next entry number for a new entry id.
pub fn allocate(conn: &Connection, id: &str) -> Result<u64> {
    conn.execute("INSERT INTO entries(id) VALUES (?1)", [id])?;
    Ok(to_u64(conn.last_insert_rowid()))
}

/// The id of entry `number`, if it exists.
pub fn id_of(conn: &Connection, number: u64) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT id FROM entries WHERE number = ?1",
            [to_i64(number)],
            |r| r.get(0),
        )
        .optional()?)
}

/// How many entry numbers have been given out.
pub fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?;
    Ok(to_u64(n))
}
