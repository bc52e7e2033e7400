//! The `exhibits`, `exhibit_chunks` and `thumbnails` tables: exhibit numbers, the
//! sealed original as a chunked age stream, and sealed previews.

use std::io::{self, Write};

use rusqlite::{params, Connection, OptionalExtension};

use crate::crypto::Sealed;
use crate::error::Result;
use crate::store::{blob, text, to_i64, to_u64};
use crate::stream::syncer::Syncer;

/// Size of one stored chunk of an exhibit's ciphertext.
pub const CHUNK_BYTES: usize = 1024 * 1024;

/// SQLite's page cache (KiB) while an exhibit's chunks are written or read: room
/// for a few chunks, so a chunk's pages are not written out and read back while it
/// is stored or looked up. Restored when the writer or reader is dropped.
const STREAMING_CACHE_KIB: i64 = 64 * 1024;

/// While a large exhibit is written, the log is synced every this many bytes, by a
/// background thread, so that the commit's own sync has little left to do.
const SYNC_EVERY_BYTES: u64 = 64 * 1024 * 1024;

/// The vault's write-ahead log, synced as it grows (see `syncer`): a commit syncs the
/// log, and for a 1 GiB exhibit that one sync takes about as long as writing it.
/// Durability does not depend on this (the commit still syncs). The log file is
/// opened read-only and SQLite takes no locks on it, so our handle does not disturb
/// SQLite's locks.
fn log_syncer(conn: &Connection) -> Option<Syncer> {
    let path = format!("{}-wal", conn.path().filter(|p| !p.is_empty())?);
    std::fs::File::open(path).ok().map(Syncer::new)
}

/// Raises the connection's page cache for a streaming transfer; gives back the
/// setting to restore. Best effort: without it the transfer is only slower.
fn raise_cache(conn: &Connection) -> Option<i64> {
    let before: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0)).ok()?;
    // Negative values are KiB, positive values pages.
    let wanted = -STREAMING_CACHE_KIB;
    let bigger = if before < 0 {
        before > wanted
    } else {
        before.saturating_mul(4) < STREAMING_CACHE_KIB
    };
    if !bigger {
        return None;
    }
    conn.pragma_update(None, "cache_size", wanted).ok()?;
    Some(before)
}

fn restore_cache(conn: &Connection, before: Option<i64>) {
    if let Some(before) = before {
        let _ = conn.pragma_update(None, "cache_size", before);
    }
}

/// One exhibit's plaintext bookkeeping.
pub struct Row {
    pub sequence: u64,
    pub id: String,
    pub entry_number: u64,
    pub event_id: String,
    pub size: u64,
}

/// Allocates the next exhibit sequence number (never reused).
pub fn allocate(
    conn: &Connection,
    id: &str,
    entry_number: u64,
    event_id: &str,
    size: u64,
) -> Result<u64> {
    conn.execute(
        "INSERT INTO exhibits(id, entry_number, event_id, size) VALUES (?1, ?2, ?3, ?4)",
        params![id, to_i64(entry_number), event_id, to_i64(size)],
    )?;
    Ok(to_u64(conn.last_insert_rowid()))
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        sequence: to_u64(r.get(0)?),
        id: text(r, 1)?,
        entry_number: to_u64(r.get(2)?),
        event_id: text(r, 3)?,
        size: to_u64(r.get(4)?),
    })
}

/// Every exhibit (optionally of one entry), in sequence order.
pub fn list(conn: &Connection, entry_number: Option<u64>) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sequence, id, entry_number, event_id, size FROM exhibits
         WHERE ?1 IS NULL OR entry_number = ?1 ORDER BY sequence",
    )?;
    let rows = stmt.query_map([entry_number.map(to_i64)], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One exhibit's row by its id.
pub fn by_id(conn: &Connection, id: &str) -> Result<Option<Row>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sequence, id, entry_number, event_id, size FROM exhibits WHERE id = ?1",
    )?;
    Ok(stmt.query_row([id], row).optional()?)
}

pub fn count(conn: &Connection) -> Result<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM exhibits", [], |r| r.get(0))?;
    Ok(to_u64(n))
}

/// Writes a sealed stream into chunk rows as it arrives. Used inside the transaction
/// that records the exhibit, so a crash leaves all of it or none.
pub struct ChunkWriter<'c> {
    conn: &'c Connection,
    exhibit_id: String,
    idx: i64,
    buf: Vec<u8>,
    pub written: u64,
    cache_before: Option<i64>,
    syncer: Option<Syncer>,
    unsynced: u64,
}

impl<'c> ChunkWriter<'c> {
    pub fn new(conn: &'c Connection, exhibit_id: &str) -> Self {
        ChunkWriter {
            conn,
            exhibit_id: exhibit_id.to_string(),
            idx: 0,
            buf: Vec::with_capacity(CHUNK_BYTES),
            written: 0,
            cache_before: raise_cache(conn),
            syncer: None,
            unsynced: 0,
        }
    }

    fn insert(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO exhibit_chunks(exhibit_id, idx, bytes) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut stmt| stmt.execute(params![self.exhibit_id, self.idx, bytes]))
            .map_err(io::Error::other)?;
        self.idx += 1;
        self.unsynced += bytes.len() as u64;
        if self.unsynced >= SYNC_EVERY_BYTES {
            self.unsynced = 0;
            if self.syncer.is_none() {
                self.syncer = log_syncer(self.conn);
            }
            if let Some(syncer) = &self.syncer {
                syncer.nudge();
            }
        }
        Ok(())
    }

    fn flush_chunk(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let buf = std::mem::take(&mut self.buf);
        let result = self.insert(&buf);
        self.buf = buf;
        self.buf.clear();
        result
    }

    /// Stores the last partial chunk.
    pub fn finish(mut self) -> io::Result<u64> {
        self.flush_chunk()?;
        Ok(self.written)
    }
}

impl Drop for ChunkWriter<'_> {
    fn drop(&mut self) {
        restore_cache(self.conn, self.cache_before.take());
    }
}

impl Write for ChunkWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.is_empty() && data.len() >= CHUNK_BYTES {
            // A whole chunk: store it without copying it first.
            self.insert(&data[..CHUNK_BYTES])?;
            self.written += CHUNK_BYTES as u64;
            return Ok(CHUNK_BYTES);
        }
        let room = CHUNK_BYTES - self.buf.len();
        let n = room.min(data.len());
        self.buf.extend_from_slice(&data[..n]);
        self.written += n as u64;
        if self.buf.len() == CHUNK_BYTES {
            self.flush_chunk()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads the sealed stream back, one stored chunk at a time (as pieces for
/// `pipe::OpeningPipe`, which opens them on another thread).
pub struct ChunkReader<'c> {
    conn: &'c Connection,
    exhibit_id: String,
    idx: i64,
    done: bool,
    cache_before: Option<i64>,
}

impl<'c> ChunkReader<'c> {
    pub fn new(conn: &'c Connection, exhibit_id: &str) -> Self {
        ChunkReader {
            conn,
            exhibit_id: exhibit_id.to_string(),
            idx: 0,
            done: false,
            cache_before: raise_cache(conn),
        }
    }
}

impl Drop for ChunkReader<'_> {
    fn drop(&mut self) {
        restore_cache(self.conn, self.cache_before.take());
    }
}

impl crate::stream::pipe::PieceSource for ChunkReader<'_> {
    /// The next stored chunk as it is, without copying it.
    fn next_piece(&mut self) -> io::Result<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let next: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT bytes FROM exhibit_chunks WHERE exhibit_id = ?1 AND idx = ?2")
            .and_then(|mut stmt| {
                stmt.query_row(params![self.exhibit_id, self.idx], |r| r.get(0))
                    .optional()
            })
            .map_err(io::Error::other)?;
        match next {
            Some(_) => self.idx += 1,
            None => self.done = true,
        }
        Ok(next)
    }
}

pub fn delete_content(conn: &Connection, exhibit_id: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM exhibit_chunks WHERE exhibit_id = ?1",
        [exhibit_id],
    )?;
    conn.execute("DELETE FROM thumbnails WHERE exhibit_id = ?1", [exhibit_id])?;
    Ok(())
}

/// Exhibit ids that have stored chunks or a preview, whether or not they have a row.
pub fn content_ids(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT exhibit_id FROM exhibit_chunks
         UNION SELECT exhibit_id FROM thumbnails",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn put_thumbnail(conn: &Connection, exhibit_id: &str, payload: &Sealed) -> Result<()> {
    conn.execute(
        "INSERT INTO thumbnails(exhibit_id, payload) VALUES (?1, ?2)
         ON CONFLICT(exhibit_id) DO UPDATE SET payload = excluded.payload",
        params![exhibit_id, payload.as_bytes()],
    )?;
    Ok(())
}

pub fn thumbnail(conn: &Connection, exhibit_id: &str) -> Result<Option<Sealed>> {
    Ok(conn
        .query_row(
            "SELECT payload FROM thumbnails WHERE exhibit_id = ?1",
            [exhibit_id],
            |r| Ok(Sealed::from_stored(blob(r, 0)?)),
        )
        .optional()?)
}

/// Points an exhibit at the event that records it.
pub fn set_event(conn: &Connection, exhibit_id: &str, event_id: &str) -> Result<()> {
    conn.execute(
        "UPDATE exhibits SET event_id = ?2 WHERE id = ?1",
        params![exhibit_id, event_id],
    )?;
    Ok(())
}
