//! Numbered, append-only schema migrations, each applied in its own transaction and
//! tracked with SQLite's `user_version`. Never edit a released migration: add one.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// One schema step.
pub struct Migration {
    pub version: u32,
    pub sql: &'static str,
}

/// Every migration, in order. The last one's version is the current schema.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("migrations/001_vault.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("migrations/002_evidence.sql"),
    },
    Migration {
        version: 3,
        sql: include_str!("migrations/003_messages.sql"),
    },
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// The schema version of an open database.
pub fn version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies every migration above the database's version, up to `target`.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<()> {
    let current = version(conn)?;
    if current > SCHEMA_VERSION {
        return Err(Error::NotAVault(format!(
            "this diary was made by a newer version of Daybook (schema {current}); \
             please update Daybook to open it"
        )));
    }
    for migration in MIGRATIONS
        .iter()
        .filter(|m| m.version > current && m.version <= target)
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        if version(&tx)? >= migration.version {
            continue;
        }
        tx.execute_batch(migration.sql)?;
        tx.pragma_update(None, "user_version", migration.version)?;
        tx.commit()?;
    }
    Ok(())
}

/// Applies every migration.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, SCHEMA_VERSION)
}

#[cfg(test)]
mod tests;
