//! SQLite storage for the vault. It sees only sealed bytes (`crypto::Sealed`), opaque
//! random ids, sequence numbers and sizes; it never opens anything and never calls
//! the crypto functions. One file per table or concern.

pub mod drafts;
pub mod entries;
pub mod events;
pub mod exhibits;
pub mod inbox;
pub mod index;
pub mod meta;
pub mod migrations;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

pub use migrations::{Migration, SCHEMA_VERSION};

/// The `format` value in `meta` that marks a file as a Daybook vault.
pub const FORMAT: &[u8] = b"daybook-vault";

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// An open vault file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL + FULL: a committed transaction is on disk before commit returns, so an
    // acknowledged save survives kill -9 and power loss.
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::NotAVault(format!(
            "the diary file could not use write-ahead logging (got {mode})"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Erased content is overwritten, not left in free pages.
    conn.pragma_update(None, "secure_delete", "ON")?;
    // Sorting and temporary tables stay in memory, never in temp files.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

#[cfg(unix)]
fn restrict_permissions(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    // Best effort: the content is sealed anyway; this only keeps other local users out.
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path, _mode: u32) {}

impl Store {
    /// Creates a new, empty vault file at the current schema.
    pub fn create(path: &Path) -> Result<Store> {
        Self::create_at_version(path, SCHEMA_VERSION)
    }

    /// Creates a vault file at an older schema (for migration tests).
    pub fn create_at_version(path: &Path, version: u32) -> Result<Store> {
        if path.exists() {
            return Err(Error::VaultExists(path.to_path_buf()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, e))?;
                restrict_permissions(dir, 0o700);
            }
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        restrict_permissions(path, 0o600);
        configure(&conn)?;
        migrations::migrate_to(&mut conn, version)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing vault file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if !path.is_file() {
            return Err(Error::NoVault(path.to_path_buf()));
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|_| Error::NotAVault(format!("{} is not a Daybook diary", path.display())))?;
        let is_vault = conn
            .query_row("SELECT value FROM meta WHERE name = 'format'", [], |r| {
                r.get::<_, Vec<u8>>(0)
            })
            .map(|v| v == FORMAT)
            .unwrap_or(false);
        if !is_vault {
            return Err(Error::NotAVault(format!(
                "{} is not a Daybook diary",
                path.display()
            )));
        }
        configure(&conn)?;
        migrations::migrate(&mut conn)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for reads outside a transaction.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one write transaction (taking the write lock at once, so reads in
    /// `f` see what other processes committed). Commits only if `f` succeeds.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in one read transaction: a consistent snapshot.
    pub fn read<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        let value = f(&tx)?;
        tx.finish()?;
        Ok(value)
    }

    /// Copies the WAL into the main file and empties it, so that removed content does
    /// not linger in the log.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<u32> {
        migrations::version(&self.conn)
    }

    /// A consistent copy of the whole vault, made with SQLite's online backup while
    /// other processes may be writing. The copy is as sealed as the original.
    pub fn backup_to(&self, out: &Path) -> Result<()> {
        if out.exists() {
            return Err(Error::file(out, "a file already exists there"));
        }
        let mut dest = Connection::open(out)?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut dest)?;
            backup.run_to_completion(256, Duration::from_millis(5), None)?;
        }
        // A backup must be one self-contained file: no -wal beside it.
        let _: String = dest.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))?;
        drop(dest);
        restrict_permissions(out, 0o600);
        Ok(())
    }
}

/// Reads a BLOB column that may be NULL as bytes.
pub(crate) fn blob(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Vec<u8>> {
    row.get(idx)
}

/// SQLite stores integers signed; our sequence numbers and sizes are never negative.
pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
