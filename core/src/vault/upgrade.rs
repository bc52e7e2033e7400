//! The one-time upgrade of a diary made before records were authenticated.
//!
//! Such a diary's records carry no tag. At its first unlock by this Daybook, in one
//! transaction, every record is tagged, the head learns the index pages' versions and
//! the time of the last change, and the copy of the key that was just opened is
//! sealed again with `crypto::AUTHENTICATED_MARKER`. From then on an untagged record
//! is tampering. The marker lives inside the passphrase-sealed key because that is
//! the one thing someone without the passphrase cannot make: were it anywhere else,
//! they could remove it to make the diary look old again and have forged records
//! tagged at the next unlock.

use secrecy::SecretString;

use super::head::{head_missing, head_place, meta_sha256, update_head, HeadRecord};
use super::{index, meta, Vault};
use crate::crypto;
use crate::error::{Error, Result};
use crate::record::{self, Place};
use crate::store;

impl Vault {
    /// Upgrades the diary, or (when it was upgraded already, and only this copy of the
    /// key is older) just that copy. `copy` names the copy of the key opened with
    /// `secret`.
    pub(super) fn upgrade(&mut self, copy: &str, secret: &SecretString) -> Result<()> {
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        let keys = &mut unlocked.keys;
        let conn = self.store.conn();
        let log_n = meta::get(conn, copy)?
            .and_then(|s| crypto::work_factor(&s))
            .unwrap_or(crypto::SCRYPT_LOG_N);
        let rewrapped = crypto::wrap_identity(keys.identity(), secret, log_n)?;

        // Upgraded already? Then the head carries a good tag (a tag that is present
        // is checked even now), and nothing else may be accepted untagged.
        let head_sealed = meta::get(conn, meta::HEAD)?.ok_or_else(head_missing)?;
        let head = record::open_envelope(keys, head_place(), &head_sealed)?;
        if head.mac.is_some() {
            keys.set_legacy(false);
            let keys = &*keys;
            return self.store.write(|tx| {
                meta::put(tx, copy, &rewrapped)?;
                record_key_copies(tx, keys)
            });
        }

        let written = self.store.write(|tx| {
            let mut retagged = Vec::new();
            for stored in store::sealed::all(tx)? {
                let place = Place {
                    table: stored.table,
                    id: &stored.id,
                };
                // A record that does not open is left as it is: `verify` names it.
                let Ok(envelope) = record::open_envelope(keys, place, &stored.payload) else {
                    continue;
                };
                if envelope.mac.is_none() {
                    retagged.push((stored.table, stored.id.clone(), envelope));
                }
            }
            let last_at = super::last_change_at(tx, keys)?;
            let versions = store::index::versions(tx)?;
            keys.set_legacy(false);
            for (table, id, mut envelope) in retagged {
                let sealed = record::seal_envelope(keys, &mut envelope)?;
                store::sealed::replace(tx, table, &id, &sealed)?;
            }
            let head_sealed = meta::get(tx, meta::HEAD)?.ok_or_else(head_missing)?;
            let mut head: HeadRecord = record::open(keys, head_place(), &head_sealed)?;
            head.at = head.at.or(last_at);
            head.index = Some(index::digest(&versions));
            head.settings = meta_sha256(tx, meta::SETTINGS)?;
            meta::put(tx, meta::HEAD, &record::seal(keys, head_place(), &head)?)?;
            meta::put(tx, copy, &rewrapped)?;
            record_key_copies(tx, keys)
        });
        if written.is_err() {
            keys.set_legacy(true);
        }
        written
    }
}

/// Records in the head the SHA-256 of the recovery code's copy of the key and of the
/// receiving key as they are now (after one of them was sealed again).
fn record_key_copies(tx: &rusqlite::Transaction, keys: &record::Keys) -> Result<()> {
    let recovery = meta_sha256(tx, meta::IDENTITY_RECOVERY)?;
    let receiving = meta_sha256(tx, meta::RECEIVING_KEY)?;
    update_head(tx, keys, |head| {
        head.recovery = recovery;
        head.receiving = receiving;
    })
}
