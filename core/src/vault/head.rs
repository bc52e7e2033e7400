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
    let mut head = read_head_record(conn, keys)?;
    head.index = Some(index_digest);
    meta::put(conn, meta::HEAD, &record::seal(keys, head_place(), &head)?)
}

/// Records the sealed settings' SHA-256 in the head (when the settings are saved).
pub(crate) fn put_head_settings(
    conn: &rusqlite::Connection,
    keys: &Keys,
    settings_sha256: String,
) -> Result<()> {
    let mut head = read_head_record(conn, keys)?;
    head.settings = Some(settings_sha256);
    meta::put(conn, meta::HEAD, &record::seal(keys, head_place(), &head)?)
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
