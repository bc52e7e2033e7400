//! Every sealed record of the vault, table by table, for the few jobs that treat
//! them all alike (the one-time upgrade that authenticates an older vault's records,
//! and `verify`). Each table's own file stays the way to read and write it for a
//! purpose.

use rusqlite::Connection;

use crate::crypto::Sealed;
use crate::error::Result;
use crate::store::{blob, meta, text};

/// A table of sealed records: its name (as in the envelopes), its key column and its
/// payload column.
struct Table {
    name: &'static str,
    key: &'static str,
    payload: &'static str,
}

const TABLES: &[Table] = &[
    Table {
        name: "events",
        key: "id",
        payload: "payload",
    },
    Table {
        name: "index_pages",
        key: "page",
        payload: "payload",
    },
    Table {
        name: "drafts",
        key: "id",
        payload: "payload",
    },
    Table {
        name: "thumbnails",
        key: "exhibit_id",
        payload: "payload",
    },
    Table {
        name: "meta",
        key: "name",
        payload: "value",
    },
    Table {
        name: "message_pages",
        key: "id",
        payload: "payload",
    },
];

/// `meta` rows that are not sealed records: plaintext, or passphrase-sealed keys.
const META_NOT_RECORDS: &[&str] = &[
    meta::FORMAT,
    meta::VAULT_ID,
    meta::RECIPIENT,
    meta::IDENTITY_PASSPHRASE,
    meta::IDENTITY_RECOVERY,
    meta::FAILED_UNLOCKS,
];

/// One sealed record: its table, its id as the envelope names it, its payload.
pub struct Record {
    pub table: &'static str,
    pub id: String,
    pub payload: Sealed,
}

/// Every sealed record but the inbox's notes (which cannot be authenticated).
pub fn all(conn: &Connection) -> Result<Vec<Record>> {
    let mut out = Vec::new();
    for table in TABLES {
        // A diary opened read-only is not migrated: it may predate a table.
        if !super::has_table(conn, table.name)? {
            continue;
        }
        let sql = format!(
            "SELECT CAST({} AS TEXT), {} FROM {} ORDER BY {}",
            table.key, table.payload, table.name, table.key
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(Record {
                table: table.name,
                id: text(r, 0)?,
                payload: Sealed::from_stored(blob(r, 1)?),
            })
        })?;
        for record in rows {
            let record = record?;
            if table.name == "meta" && META_NOT_RECORDS.contains(&record.id.as_str()) {
                continue;
            }
            out.push(record);
        }
    }
    Ok(out)
}

/// Replaces one record's payload.
pub fn replace(conn: &Connection, table: &str, id: &str, payload: &Sealed) -> Result<()> {
    let Some(table) = TABLES.iter().find(|t| t.name == table) else {
        return Ok(());
    };
    let sql = format!(
        "UPDATE {} SET {} = ?2 WHERE CAST({} AS TEXT) = ?1",
        table.name, table.payload, table.key
    );
    conn.execute(&sql, rusqlite::params![id, payload.as_bytes()])?;
    Ok(())
}
