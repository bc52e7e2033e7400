//! The `drafts` table: sealed autosaved drafts.

use rusqlite::{params, Connection};

use crate::crypto::Sealed;
use crate::error::Result;
use crate::store::{blob, text};

pub fn all(conn: &Connection) -> Result<Vec<(String, Sealed)>> {
    let mut stmt = conn.prepare_cached("SELECT id, payload FROM drafts")?;
    let rows = stmt.query_map([], |r| Ok((text(r, 0)?, Sealed::from_stored(blob(r, 1)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn put(conn: &Connection, id: &str, payload: &Sealed) -> Result<()> {
    conn.execute(
        "INSERT INTO drafts(id, payload) VALUES (?1, ?2)
         ON CONFLICT(id) DO UPDATE SET payload = excluded.payload",
        params![id, payload.as_bytes()],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("DELETE FROM drafts WHERE id = ?1", [id])?;
    Ok(())
}
