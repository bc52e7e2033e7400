//! The `message_pages` table: sealed pages of imported messages, one entry's each.

use rusqlite::{params, Connection};

use crate::crypto::Sealed;
use crate::error::Result;
use crate::store::{blob, text, to_i64, to_u64};

pub struct Row {
    pub id: String,
    pub entry_number: u64,
    pub payload: Sealed,
}

pub fn insert(conn: &Connection, id: &str, entry_number: u64, payload: &Sealed) -> Result<()> {
    conn.execute(
        "INSERT INTO message_pages(id, entry_number, payload) VALUES (?1, ?2, ?3)",
        params![id, to_i64(entry_number), payload.as_bytes()],
    )?;
    Ok(())
}

/// Every page (of one entry, or all), in the order they were stored.
pub fn list(conn: &Connection, entry: Option<u64>) -> Result<Vec<Row>> {
    if !super::has_table(conn, "message_pages")? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(
        "SELECT id, entry_number, payload FROM message_pages
         WHERE ?1 IS NULL OR entry_number = ?1 ORDER BY rowid",
    )?;
    let rows = stmt.query_map([entry.map(to_i64)], |r| {
        Ok(Row {
            id: text(r, 0)?,
            entry_number: to_u64(r.get(1)?),
            payload: Sealed::from_stored(blob(r, 2)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn delete(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("DELETE FROM message_pages WHERE id = ?1", [id])?;
    Ok(())
}
