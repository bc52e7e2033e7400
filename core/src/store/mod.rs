//! SQLite storage for the vault. It sees only sealed bytes (`crypto::Sealed`), opaque
//! random ids, sequence numbers and sizes; it never opens anything and never calls
//! the crypto functions. One file per table or concern.

pub mod drafts;
pub mod entries;
pub mod events;
pub mod exhibits;
pub mod inbox;
pub mod index;
pub mod messages;
pub mod meta;
pub mod migrations;
pub mod sealed;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

pub use migrations::SCHEMA_VERSION;

/// The `format` value in `meta` that marks a file as a Daybook vault.
pub const FORMAT: &[u8] = b"daybook-vault";

/// Page size of new vault files (SQLite's largest).
const PAGE_BYTES: u32 = 65536;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// An open vault file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// A checkpoint running on its own connection after a large save.
    background: Option<std::thread::JoinHandle<()>>,
}

/// Pages the log may hold before a commit folds it into the file (SQLite's default).
const AUTOCHECKPOINT_PAGES: i64 = 1000;

/// After a checkpoint, the log file is cut back to this size, so a large save does
/// not leave a large log file behind.
const WAL_LIMIT_BYTES: i64 = 64 * 1024 * 1024;

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
    conn.pragma_update(None, "journal_size_limit", WAL_LIMIT_BYTES)?;
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
        // Large pages before the first write (the size is fixed once the file has a
        // page): a 1 MiB evidence chunk spans 16 pages rather than 256, which makes
        // streaming evidence in and out several times faster.
        conn.pragma_update(None, "page_size", PAGE_BYTES)?;
        configure(&conn)?;
        migrations::migrate_to(&mut conn, version)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            background: None,
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
        check_format(&conn, path)?;
        configure(&conn)?;
        migrations::migrate(&mut conn)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            background: None,
        })
    }

    /// Opens an existing vault file only to read it. Nothing is written to it: no
    /// journal mode change, no migration. When no other program has it open (no
    /// `-wal` beside it), SQLite is told the file cannot change, so it creates no
    /// companion files either.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.is_file() {
            return Err(Error::NoVault(path.to_path_buf()));
        }
        let absolute = std::fs::canonicalize(path).map_err(|e| Error::file(path, e))?;
        let in_use = with_suffix(&absolute, "-wal").exists();
        let uri = format!(
            "file:{}?mode=ro{}",
            uri_path(&absolute),
            if in_use { "" } else { "&immutable=1" }
        );
        let conn = Connection::open_with_flags(
            &uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|_| Error::NotAVault(format!("{} is not a Daybook diary", path.display())))?;
        check_format(&conn, path)?;
        let version = migrations::version(&conn)?;
        if version != SCHEMA_VERSION {
            return Err(Error::NotAVault(format!(
                "this diary is at schema {version} and this Daybook reads schema {SCHEMA_VERSION}; \
                 open it once with this Daybook to update it, then check it"
            )));
        }
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            background: None,
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

    /// Like `write`, for a transaction that adds a lot (an evidence file). The commit
    /// returns once the log is on disk, as every commit does; folding the log into the
    /// file (as large again) is left to a checkpoint on a background connection, so
    /// the person is not kept waiting for it. Readers and writers are not blocked by
    /// that checkpoint (it is SQLite's passive kind).
    pub fn write_bulk<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        self.wait_for_background();
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let result = self.write(f);
        let restored = self
            .conn
            .pragma_update(None, "wal_autocheckpoint", AUTOCHECKPOINT_PAGES);
        if result.is_ok() {
            self.checkpoint_in_background();
        }
        restored?;
        result
    }

    fn checkpoint_in_background(&mut self) {
        let path = self.path.clone();
        self.background = Some(std::thread::spawn(move || {
            // Best effort: if it cannot run, the next commit's own checkpoint will.
            let Ok(conn) = Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ) else {
                return;
            };
            if configure(&conn).is_ok() {
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        }));
    }

    /// Waits for a background checkpoint, if one is running.
    pub fn wait_for_background(&mut self) {
        if let Some(worker) = self.background.take() {
            let _ = worker.join();
        }
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
    pub fn checkpoint(&mut self) -> Result<()> {
        self.wait_for_background();
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

impl Drop for Store {
    fn drop(&mut self) {
        // Let a background checkpoint finish before this connection closes.
        self.wait_for_background();
    }
}

/// Refuses a database that is not a Daybook diary (no `format` marker).
fn check_format(conn: &Connection, path: &Path) -> Result<()> {
    let is_vault = conn
        .query_row("SELECT value FROM meta WHERE name = 'format'", [], |r| {
            r.get::<_, Vec<u8>>(0)
        })
        .map(|v| v == FORMAT)
        .unwrap_or(false);
    if is_vault {
        Ok(())
    } else {
        Err(Error::NotAVault(format!(
            "{} is not a Daybook diary",
            path.display()
        )))
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// A path as the path part of an SQLite `file:` URI: `%`, `?` and `#` escaped.
fn uri_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// Runs `f` so that all its reads see one state of the file: in a read transaction
/// of its own when `conn` is in none, else in the one already open. Reads made as
/// separate statements could otherwise straddle another process's save (a head
/// read before it and the changes counted after it) and look like tampering.
pub(crate) fn snapshot<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T>,
) -> Result<T> {
    if !conn.is_autocommit() {
        return f(conn);
    }
    let tx = conn.unchecked_transaction()?;
    let value = f(&tx)?;
    tx.finish()?;
    Ok(value)
}

/// Whether the schema has `table` (a diary opened read-only is not migrated, so it
/// may be from before a table was added).
pub(crate) fn has_table(conn: &Connection, table: &str) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// A stored payload's bytes, whatever type the column holds: someone with the file
/// can store text or a number where a blob belongs, and that must be found as a
/// damaged record (it will not open), not stop the diary being read or checked.
pub(crate) fn blob(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Vec<u8>> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(idx)? {
        ValueRef::Blob(b) | ValueRef::Text(b) => b.to_vec(),
        ValueRef::Null => Vec::new(),
        ValueRef::Integer(n) => n.to_string().into_bytes(),
        ValueRef::Real(x) => x.to_string().into_bytes(),
    })
}

/// A stored id's text, whatever bytes the column holds: text that is no longer UTF-8
/// (a damaged byte) is read with replacement characters, so the record it names no
/// longer matches its sealed envelope and is found as damaged at that place, rather
/// than stopping the diary being read or checked.
pub(crate) fn text(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<String> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(idx)? {
        ValueRef::Blob(b) | ValueRef::Text(b) => String::from_utf8_lossy(b).into_owned(),
        ValueRef::Null => String::new(),
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(x) => x.to_string(),
    })
}

/// SQLite stores integers signed; our sequence numbers and sizes are never negative.
pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_only_store_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd ?#% name.daybook");
        {
            let store = Store::create(&path).unwrap();
            store
                .conn()
                .execute(
                    "INSERT INTO meta(name, value) VALUES ('format', ?1)",
                    [FORMAT],
                )
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let listing = |d: &Path| {
            let mut names: Vec<_> = std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            names.sort();
            names
        };
        let files_before = listing(dir.path());
        let store = Store::open_read_only(&path).unwrap();
        let n: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
        assert!(store.conn().execute("DELETE FROM meta", []).is_err());
        drop(store);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert_eq!(listing(dir.path()), files_before);
    }

    #[test]
    fn new_vaults_use_large_pages() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("v.daybook")).unwrap();
        let size: i64 = store
            .conn()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        assert_eq!(size, i64::from(PAGE_BYTES));
    }

    #[test]
    fn a_bulk_write_is_folded_into_the_file_in_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.daybook");
        let mut store = Store::create(&path).unwrap();
        let big = vec![7u8; 8 * 1024 * 1024];
        store
            .write_bulk(|tx| {
                tx.execute("CREATE TABLE t(b BLOB)", [])?;
                tx.execute("INSERT INTO t(b) VALUES (?1)", [&big])?;
                Ok(())
            })
            .unwrap();
        store.wait_for_background();
        // The megabytes are in the file itself now, not only in the log.
        let file_len = std::fs::metadata(&path).unwrap().len();
        assert!(file_len >= big.len() as u64, "file is {file_len} bytes");
        // And the automatic checkpoint is back on for ordinary writes.
        let pages: i64 = store
            .conn()
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap();
        assert_eq!(pages, AUTOCHECKPOINT_PAGES);
        drop(store);
        let reopened = Connection::open(&path).unwrap();
        let len: i64 = reopened
            .query_row("SELECT length(b) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(len, big.len() as i64);
    }
}
