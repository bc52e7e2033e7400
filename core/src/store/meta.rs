//! The `meta` table: the vault's format marker, its public key, its sealed identities,
//! the sealed chain head and the sealed settings.

use rusqlite::{Connection, OptionalExtension};

use crate::crypto::Sealed;
use crate::error::Result;

/// Plaintext: marks the file as a Daybook vault.
pub const FORMAT: &str = "format";
/// Plaintext: a random id for this vault (seeds the hash chain).
pub const VAULT_ID: &str = "vault_id";
/// Plaintext: the age public key, so a locked vault can accept a new entry.
pub const RECIPIENT: &str = "recipient";
/// Sealed with the passphrase (age scrypt): the vault's identity.
pub const IDENTITY_PASSPHRASE: &str = "identity_passphrase";
/// Sealed with the recovery code (age scrypt): the vault's identity.
pub const IDENTITY_RECOVERY: &str = "identity_recovery";
/// Sealed: the head of the hash chain.
pub const HEAD: &str = "head";
/// Sealed: user settings.
pub const SETTINGS: &str = "settings";
/// Plaintext: recent wrong passphrases and recovery codes, `<count> <not before>`
/// (milliseconds since 1970), so that the growing wait holds across restarts. Not
/// secret; removed by the next right passphrase or code.
pub const FAILED_UNLOCKS: &str = "failed_unlocks";
/// Sealed: a support worker's key for receiving handover files (when made).
pub const RECEIVING_KEY: &str = "receiving_key";

/// A plaintext value.
pub fn get_plain(conn: &Connection, name: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| {
            super::blob(r, 0)
        })
        .optional()?)
}

pub fn put_plain(conn: &Connection, name: &str, value: &[u8]) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(name, value) VALUES (?1, ?2)
         ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        rusqlite::params![name, value],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, name: &str) -> Result<()> {
    conn.execute("DELETE FROM meta WHERE name = ?1", [name])?;
    Ok(())
}

/// A sealed value.
pub fn get(conn: &Connection, name: &str) -> Result<Option<Sealed>> {
    Ok(get_plain(conn, name)?.map(Sealed::from_stored))
}

pub fn put(conn: &Connection, name: &str, value: &Sealed) -> Result<()> {
    put_plain(conn, name, value.as_bytes())
}
