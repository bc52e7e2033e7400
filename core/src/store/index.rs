//! The `index_pages` table: the sealed index of entries' current state, in pages.

use rusqlite::{params, Connection, OptionalExtension};

use crate::crypto::Sealed;
use crate::error::Result;
use crate::store::{blob, to_i64, to_u64};

/// Page numbers and versions, cheap to read, to tell which cached pages are stale.
pub fn versions(conn: &Connection) -> Result<Vec<(u64, u64)>> {
    let mut stmt = conn.prepare_cached("SELECT page, version FROM index_pages ORDER BY page")?;
    let rows = stmt.query_map([], |r| Ok((to_u64(r.get(0)?), to_u64(r.get(1)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One page's version and payload.
pub fn get(conn: &Connection, page: u64) -> Result<Option<(u64, Sealed)>> {
    Ok(conn
        .query_row(
            "SELECT version, payload FROM index_pages WHERE page = ?1",
            [to_i64(page)],
            |r| Ok((to_u64(r.get(0)?), Sealed::from_stored(blob(r, 1)?))),
        )
        .optional()?)
}

pub fn put(conn: &Connection, page: u64, version: u64, payload: &Sealed) -> Result<()> {
    conn.execute(
        "INSERT INTO index_pages(page, version, payload) VALUES (?1, ?2, ?3)
         ON CONFLICT(page) DO UPDATE SET version = excluded.version, payload = excluded.payload",
        params![to_i64(page), to_i64(version), payload.as_bytes()],
    )?;
    Ok(())
}
