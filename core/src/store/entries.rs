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

/// Every entry number given out and still held, in order.
pub fn numbers(conn: &Connection) -> Result<Vec<u64>> {
    let mut stmt = conn.prepare_cached("SELECT number FROM entries ORDER BY number")?;
    let rows = stmt.query_map([], |r| r.get::<_, i64>(0).map(to_u64))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Removes a number that was never used by a change (a discarded note). The table
/// counts with AUTOINCREMENT, so the number is never given out again.
pub fn remove(conn: &Connection, number: u64) -> Result<()> {
    conn.execute("DELETE FROM entries WHERE number = ?1", [to_i64(number)])?;
    Ok(())
}
