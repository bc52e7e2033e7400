//! Sealed records: every payload the vault stores is an age ciphertext of a small
//! JSON envelope naming the table and row it belongs to and the schema version.
//! age has no associated data, so this is what stops a sealed payload being moved to
//! another row: opening checks that the envelope names the row it was read from.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::crypto::{self, Identity, Recipient, Sealed};
use crate::error::{Error, Result};

/// Version of the envelope format inside every sealed payload.
pub const RECORD_VERSION: u32 = 1;

/// The plaintext inside a sealed payload.
#[derive(Serialize, Deserialize)]
pub struct Envelope {
    pub v: u32,
    pub table: String,
    pub id: String,
    /// Events only: the position in the chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// Events only: the entry the event belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<u64>,
    /// Events only: the chain link before this event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// SHA-256 of the exact `body` bytes; kept when an erasure removes the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_sha256: Option<String>,
    /// The record itself; `None` in a tombstone.
    pub body: Option<Box<RawValue>>,
}

/// Where a sealed payload was found.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub table: &'a str,
    pub id: &'a str,
}

/// Serialises a body to the exact bytes that are sealed and hashed.
pub fn body_bytes(body: &impl Serialize) -> Result<Box<RawValue>> {
    let text = serde_json::to_string(body).map_err(|e| Error::Crypto(e.to_string()))?;
    RawValue::from_string(text).map_err(|e| Error::Crypto(e.to_string()))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Seals an envelope.
pub fn seal_envelope(recipient: &Recipient, envelope: &Envelope) -> Result<Sealed> {
    let bytes = zeroize::Zeroizing::new(
        serde_json::to_vec(envelope).map_err(|e| Error::Crypto(e.to_string()))?,
    );
    crypto::seal(recipient, &bytes)
}

/// Seals a plain (unchained) record for `place`.
pub fn seal(recipient: &Recipient, place: Place<'_>, body: &impl Serialize) -> Result<Sealed> {
    let envelope = Envelope {
        v: RECORD_VERSION,
        table: place.table.to_string(),
        id: place.id.to_string(),
        seq: None,
        entry: None,
        prev: None,
        body_sha256: None,
        body: Some(body_bytes(body)?),
    };
    seal_envelope(recipient, &envelope)
}

/// Opens a sealed payload and checks it belongs at `place`.
pub fn open_envelope(identity: &Identity, place: Place<'_>, sealed: &Sealed) -> Result<Envelope> {
    let plaintext = crypto::open(identity, sealed).map_err(|e| match e {
        Error::Tampered(m) => Error::Tampered(format!("{} {}: {m}", place.table, place.id)),
        other => other,
    })?;
    let envelope: Envelope = serde_json::from_slice(&plaintext).map_err(|e| {
        Error::Tampered(format!(
            "{} {}: the sealed record is not in the expected form ({e})",
            place.table, place.id
        ))
    })?;
    if envelope.v != RECORD_VERSION {
        return Err(Error::NotAVault(format!(
            "{} {}: record version {} is not one this Daybook understands",
            place.table, place.id, envelope.v
        )));
    }
    if envelope.table != place.table || envelope.id != place.id {
        return Err(Error::Tampered(format!(
            "{} {}: the sealed record belongs to {} {}, not here",
            place.table, place.id, envelope.table, envelope.id
        )));
    }
    Ok(envelope)
}

/// Opens a plain record and reads its body.
pub fn open<T: DeserializeOwned>(
    identity: &Identity,
    place: Place<'_>,
    sealed: &Sealed,
) -> Result<T> {
    let envelope = open_envelope(identity, place, sealed)?;
    let body = envelope.body.ok_or_else(|| {
        Error::Tampered(format!("{} {}: the record is empty", place.table, place.id))
    })?;
    parse_body(place, &body)
}

/// Reads a body.
pub fn parse_body<T: DeserializeOwned>(place: Place<'_>, body: &RawValue) -> Result<T> {
    serde_json::from_str(body.get()).map_err(|e| {
        Error::Tampered(format!(
            "{} {}: the record's content is not in the expected form ({e})",
            place.table, place.id
        ))
    })
}

/// A new opaque random id (128 bits, hex).
pub fn new_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_moved_to_another_row_is_refused() {
        let id = Identity::generate();
        let sealed = seal(
            &id.recipient(),
            Place {
                table: "drafts",
                id: "a",
            },
            &"words",
        )
        .unwrap();
        let ok: String = open(
            &id,
            Place {
                table: "drafts",
                id: "a",
            },
            &sealed,
        )
        .unwrap();
        assert_eq!(ok, "words");
        let moved = open::<String>(
            &id,
            Place {
                table: "drafts",
                id: "b",
            },
            &sealed,
        );
        assert!(matches!(moved, Err(Error::Tampered(m)) if m.contains("belongs to drafts a")));
        let other_table = open::<String>(
            &id,
            Place {
                table: "events",
                id: "a",
            },
            &sealed,
        );
        assert!(other_table.is_err());
    }
}
