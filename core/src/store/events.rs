//! The `events` table: the hash-chained log of every change, one sealed payload each.

use rusqlite::{params, Connection, OptionalExtension};

use crate::crypto::Sealed;
use crate::error::Result;
use crate::store::{blob, text, to_i64, to_u64};

/// One stored event.
pub struct Row {
    pub seq: u64,
    pub id: String,
    pub entry_number: Option<u64>,
    pub payload: Sealed,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        seq: to_u64(r.get(0)?),
        id: text(r, 1)?,
        entry_number: r.get::<_, Option<i64>>(2)?.map(to_u64),
        payload: Sealed::from_stored(blob(r, 3)?),
    })
}

pub fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    Ok(to_u64(n))
}

/// How many events there are and the highest sequence number (equal when none is
/// missing), in one query.
pub fn count_and_last(conn: &Connection) -> Result<(u64, u64)> {
    let (n, last): (i64, Option<i64>) =
        conn.query_row("SELECT count(*), max(seq) FROM events", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok((to_u64(n), last.map(to_u64).unwrap_or(0)))
}

/// One event by sequence number.
pub fn by_seq(conn: &Connection, seq: u64) -> Result<Option<Row>> {
    Ok(conn
        .query_row(
            "SELECT seq, id, entry_number, payload FROM events WHERE seq = ?1",
            [to_i64(seq)],
            row,
        )
        .optional()?)
}

/// Where each event points, without its payload: (seq, id, entry number).
pub fn places(conn: &Connection) -> Result<Vec<(u64, String, Option<u64>)>> {
    let mut stmt = conn.prepare_cached("SELECT seq, id, entry_number FROM events ORDER BY seq")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            to_u64(r.get(0)?),
            text(r, 1)?,
            r.get::<_, Option<i64>>(2)?.map(to_u64),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert(conn: &Connection, row: &Row) -> Result<()> {
    conn.execute(
        "INSERT INTO events(seq, id, entry_number, payload) VALUES (?1, ?2, ?3, ?4)",
        params![
            to_i64(row.seq),
            row.id,
            row.entry_number.map(to_i64),
            row.payload.as_bytes()
        ],
    )?;
    Ok(())
}

/// Replaces a payload (only used to turn an event into a tombstone on erasure).
pub fn replace_payload(conn: &Connection, id: &str, payload: &Sealed) -> Result<()> {
    conn.execute(
        "UPDATE events SET payload = ?2 WHERE id = ?1",
        params![id, payload.as_bytes()],
    )?;
    Ok(())
}

/// Every event of one entry, oldest first.
pub fn for_entry(conn: &Connection, number: u64) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, entry_number, payload FROM events WHERE entry_number = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([to_i64(number)], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One event by id.
pub fn by_id(conn: &Connection, id: &str) -> Result<Option<Row>> {
    Ok(conn
        .query_row(
            "SELECT seq, id, entry_number, payload FROM events WHERE id = ?1",
            [id],
            row,
        )
        .optional()?)
}

/// Calls `f` for every event in sequence order, without holding them all in memory.
pub fn each(conn: &Connection, mut f: impl FnMut(Row) -> Result<()>) -> Result<()> {
    let mut stmt =
        conn.prepare("SELECT seq, id, entry_number, payload FROM events ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        f(row(r)?)?;
    }
    Ok(())
}
