//! The `inbox` table: entries written while locked, sealed to the public key.

use rusqlite::{params, Connection};

use crate::crypto::Sealed;
use crate::error::Result;
use crate::store::{blob, text, to_i64, to_u64};

pub struct Row {
    pub seq: u64,
    pub id: String,
    pub entry_number: u64,
    pub payload: Sealed,
}

pub fn insert(conn: &Connection, id: &str, entry_number: u64, payload: &Sealed) -> Result<()> {
    conn.execute(
        "INSERT INTO inbox(id, entry_number, payload) VALUES (?1, ?2, ?3)",
        params![id, to_i64(entry_number), payload.as_bytes()],
    )?;
    Ok(())
}

pub fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM inbox", [], |r| r.get(0))?;
    Ok(to_u64(n))
}

/// Every waiting entry, oldest first.
pub fn all(conn: &Connection) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare("SELECT seq, id, entry_number, payload FROM inbox ORDER BY seq")?;
    let rows = stmt.query_map([], |r| {
        Ok(Row {
            seq: to_u64(r.get(0)?),
            id: text(r, 1)?,
            entry_number: to_u64(r.get(2)?),
            payload: Sealed::from_stored(blob(r, 3)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn delete(conn: &Connection, seq: u64) -> Result<()> {
    conn.execute("DELETE FROM inbox WHERE seq = ?1", [to_i64(seq)])?;
    Ok(())
}
