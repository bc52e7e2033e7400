//! The vault's side of the hash chain: appending a change, and the sealed,
//! authenticated head that says where the chain ends, when it last changed, and
//! which versions of the index pages belong with it. (The chain's formula and its
//! changes are in `crate::chain`.)

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::now;
use crate::chain::{self, Change, Head};
use crate::error::{Error, Result};
use crate::record::{self, Envelope, Keys, Place, RECORD_VERSION};
use crate::store::{self, meta};

/// The sealed, authenticated head: where the chain ends, when it last changed, and
/// which versions of the index pages belong with it (so an index page cannot be
/// rolled back to an older, authentic one unnoticed).
#[derive(Serialize, Deserialize)]
pub(super) struct HeadRecord {
    pub(super) seq: u64,
    pub(super) link: String,
    /// When the last change was made (absent in vaults from before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) at: Option<chrono::DateTime<Utc>>,
    /// `index::digest` of the index pages' versions (absent likewise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) index: Option<String>,
    /// SHA-256 of the sealed settings as last saved, so that removing them (and with
    /// them the keep-out list) or putting back an older copy is found. Absent until
    /// the settings are first saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) settings: Option<String>,
    /// SHA-256 of the identity sealed to the recovery code, so that damage to that
    /// copy (which nothing opens until the day it is needed) is found by `verify`.
    /// Absent in diaries made before it was kept, until their next unlock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) recovery: Option<String>,
    /// SHA-256 of the sealed receiving key, so that removing it or putting another
    /// copy in its place is found (absent while there is none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) receiving: Option<String>,
}

impl HeadRecord {
    /// The head of a new, empty chain.
    pub(super) fn genesis(vault_id: &str, authenticated: bool) -> HeadRecord {
        HeadRecord {
            seq: 0,
            link: chain::genesis(vault_id),
            at: authenticated.then(now),
            index: authenticated.then(|| super::index::digest(&[])),
            settings: None,
            recovery: None,
            receiving: None,
        }
    }
}

/// The chain head, as an error's place.
const HEAD: &str = "the chain head";

/// The chain head is not in the diary.
pub(super) fn head_missing() -> Error {
    Error::tampered(HEAD, "it is missing")
}

pub(super) fn head_place() -> Place<'static> {
    Place {
        table: "meta",
        id: meta::HEAD,
    }
}

/// When the diary last changed: from the head, or (in a vault from before the head
/// kept it) from the last change itself.
pub(crate) fn last_change_at(
    conn: &rusqlite::Connection,
    keys: &Keys,
) -> Result<Option<chrono::DateTime<Utc>>> {
    let head = read_head_record(conn, keys)?;
    if head.at.is_some() {
        return Ok(head.at);
    }
    let Some(row) = store::events::by_seq(conn, head.seq)? else {
        return Ok(None);
    };
    Ok(open_change(keys, &row)?.map(|c| c.at()))
}

pub(super) fn read_head_record(conn: &rusqlite::Connection, keys: &Keys) -> Result<HeadRecord> {
    store::snapshot(conn, |conn| read_head_record_in(conn, keys))
}

fn read_head_record_in(conn: &rusqlite::Connection, keys: &Keys) -> Result<HeadRecord> {
    let sealed = meta::get(conn, meta::HEAD)?.ok_or_else(head_missing)?;
    let head: HeadRecord = record::open(keys, head_place(), &sealed)?;
    let (count, last) = store::events::count_and_last(conn)?;
    if head.seq != last {
        return Err(Error::tampered(
            HEAD,
            format!("it names change {} but the last change is {last}", head.seq),
        ));
    }
    if count != last {
        return Err(Error::tampered(
            "the chain",
            format!("it has {count} changes but its last is number {last}: changes were removed"),
        ));
    }
    Ok(head)
}

/// Reads the sealed chain head and checks it matches the last event.
pub(crate) fn read_head(conn: &rusqlite::Connection, keys: &Keys) -> Result<Head> {
    let head = read_head_record(conn, keys)?;
    Ok(Head {
        seq: head.seq,
        link: head.link,
    })
}

/// The head's record of the index pages' versions (`None` in a vault not upgraded).
pub(crate) fn head_index(conn: &rusqlite::Connection, keys: &Keys) -> Result<Option<String>> {
    Ok(read_head_record(conn, keys)?.index)
}

/// Records the index pages' current versions in the head (after a page is sealed).
pub(crate) fn put_head_index(
    conn: &rusqlite::Connection,
    keys: &Keys,
    index_digest: String,
) -> Result<()> {
    update_head(conn, keys, |head| head.index = Some(index_digest))
}

/// Records the sealed settings' SHA-256 in the head (when the settings are saved).
pub(crate) fn put_head_settings(
    conn: &rusqlite::Connection,
    keys: &Keys,
    settings_sha256: String,
) -> Result<()> {
    update_head(conn, keys, |head| head.settings = Some(settings_sha256))
}

/// Changes the head's record in the open transaction and seals it again.
pub(super) fn update_head(
    conn: &rusqlite::Connection,
    keys: &Keys,
    change: impl FnOnce(&mut HeadRecord),
) -> Result<()> {
    let mut head = read_head_record(conn, keys)?;
    change(&mut head);
    meta::put(conn, meta::HEAD, &record::seal(keys, head_place(), &head)?)
}

/// The SHA-256 of a `meta` row's stored bytes, if the row is there.
pub(super) fn meta_sha256(conn: &rusqlite::Connection, name: &str) -> Result<Option<String>> {
    Ok(meta::get(conn, name)?.map(|sealed| record::sha256_hex(sealed.as_bytes())))
}

/// Checks a `meta` row against the SHA-256 the head recorded for it (`recorded`):
/// a row the head names must be there and be the very bytes saved. `what` names it.
pub(super) fn check_recorded(
    conn: &rusqlite::Connection,
    recorded: Option<&String>,
    name: &str,
    what: &str,
) -> Result<()> {
    let Some(recorded) = recorded else {
        return Ok(());
    };
    // Callers read the head and the row in one snapshot (`store::snapshot`).
    match meta_sha256(conn, name)? {
        None => Err(Error::tampered(what, "it was removed from the diary file")),
        Some(stored) if stored != *recorded => Err(Error::tampered(
            what,
            "it is not the one Daybook saved (it is damaged, or was replaced by another copy)",
        )),
        Some(_) => Ok(()),
    }
}

/// Records in the head what a diary from before the head kept them lacks: the
/// recovery code's copy of the key, and the receiving key (when there is one). Done
/// at an unlock that may write; nothing is written when the head has them already.
pub(super) fn record_missing_digests(store: &mut store::Store, keys: &Keys) -> Result<()> {
    let (head, receiving) = store::snapshot(store.conn(), |conn| {
        Ok((
            read_head_record(conn, keys)?,
            meta_sha256(conn, meta::RECEIVING_KEY)?,
        ))
    })?;
    if head.recovery.is_some() && (head.receiving.is_some() || receiving.is_none()) {
        return Ok(());
    }
    store.write(|tx| {
        let recovery = meta_sha256(tx, meta::IDENTITY_RECOVERY)?;
        let receiving = meta_sha256(tx, meta::RECEIVING_KEY)?;
        update_head(tx, keys, |head| {
            head.recovery = head.recovery.take().or(recovery);
            head.receiving = head.receiving.take().or(receiving);
        })
    })
}

/// The sealed settings' SHA-256 the head records, if any.
pub(crate) fn head_settings(conn: &rusqlite::Connection, keys: &Keys) -> Result<Option<String>> {
    Ok(read_head_record(conn, keys)?.settings)
}

/// Appends a change to the chain in the open transaction.
pub(crate) fn append(
    tx: &rusqlite::Transaction,
    keys: &Keys,
    entry_number: Option<u64>,
    change: &Change,
) -> Result<String> {
    let head = read_head_record(tx, keys)?;
    let seq = head.seq + 1;
    let id = record::new_id();
    let body = record::body_bytes(change)?;
    let body_sha256 = record::sha256_hex(body.get().as_bytes());
    let mut envelope = Envelope {
        v: RECORD_VERSION,
        table: "events".into(),
        id: id.clone(),
        seq: Some(seq),
        entry: entry_number,
        prev: Some(head.link.clone()),
        mac: None,
        body_sha256: Some(body_sha256.clone()),
        body: Some(body),
    };
    let payload = record::seal_envelope(keys, &mut envelope)?;
    store::events::insert(
        tx,
        &store::events::Row {
            seq,
            id: id.clone(),
            entry_number,
            payload,
        },
    )?;
    let link = chain::link(&head.link, seq, &id, &body_sha256);
    let head = HeadRecord {
        seq,
        link,
        at: (!keys.is_legacy()).then(now),
        index: head.index,
        settings: head.settings,
        recovery: head.recovery,
        receiving: head.receiving,
    };
    meta::put(tx, meta::HEAD, &record::seal(keys, head_place(), &head)?)?;
    Ok(id)
}

/// Opens an event's change; `None` for a tombstoned (erased) event.
pub(crate) fn open_change(keys: &Keys, row: &store::events::Row) -> Result<Option<Change>> {
    let place = Place {
        table: "events",
        id: &row.id,
    };
    let envelope = record::open_envelope(keys, place, &row.payload)?;
    match envelope.body {
        Some(body) => record::parse_body(place, &body).map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{CreateOptions, Vault};
    use crate::SecretString;

    fn secret() -> SecretString {
        SecretString::from("correct horse battery staple".to_string())
    }

    #[test]
    fn a_head_from_before_the_key_digests_gets_them_at_the_next_unlock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.daybook");
        let options = CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        };
        let (mut vault, _) = Vault::create(&path, secret(), options).unwrap();
        vault.make_receiving_key().unwrap();
        // Written as the Daybook before this one left it: no digests in the head.
        let keys = vault.keys().unwrap();
        update_head(vault.store().conn(), keys, |h| {
            h.recovery = None;
            h.receiving = None;
        })
        .unwrap();
        let head = read_head_record(vault.store().conn(), keys).unwrap();
        assert!(head.recovery.is_none() && head.receiving.is_none());
        drop(vault);

        // Read-only: nothing is written, and it still verifies.
        let mut read_only = Vault::open_read_only(&path).unwrap();
        read_only.unlock(&secret()).unwrap();
        assert!(read_only.verify().unwrap().ok());
        drop(read_only);

        let mut vault = Vault::open(&path).unwrap();
        vault.unlock(&secret()).unwrap();
        let keys = vault.keys().unwrap();
        let head = read_head_record(vault.store().conn(), keys).unwrap();
        let conn = vault.store().conn();
        assert_eq!(
            head.recovery,
            meta_sha256(conn, meta::IDENTITY_RECOVERY).unwrap()
        );
        assert_eq!(
            head.receiving,
            meta_sha256(conn, meta::RECEIVING_KEY).unwrap()
        );
        assert!(vault.verify().unwrap().ok());
    }
}
