//! Sealed records: every payload the vault stores is an age ciphertext of a small
//! JSON envelope naming the table and row it belongs to and the schema version.
//! age has no associated data, so this is what stops a sealed payload being moved to
//! another row: opening checks that the envelope names the row it was read from.
//!
//! Sealing needs only the public key, which is stored in plaintext (so a locked
//! diary can take a quick note), so anyone could seal a record. Every record written
//! while the diary is unlocked therefore also carries `mac`: an HMAC-SHA256 tag of the
//! envelope under a key derived from the identity, one per table. Opening checks it;
//! a record without a valid tag is `Error::Tampered`. Only inbox notes (written while
//! locked) have none, and they are treated as claims, never as records.

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
    /// HMAC-SHA256 (hex) of this envelope written without `mac`, under the
    /// identity's key for `table` (see `Keys`). Absent only in inbox notes and in
    /// records of vaults from before records were authenticated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
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

impl std::fmt::Display for Place<'_> {
    /// As an error's place: `events 7f3a…`, `meta settings`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.table, self.id)
    }
}

/// The keys of an unlocked vault: the identity (opens records, derives the
/// authentication keys) and the recipient (seals them).
pub struct Keys {
    identity: Identity,
    recipient: Recipient,
    /// The vault predates authenticated records and has not been upgraded yet:
    /// records without a tag are accepted (those with one are still checked).
    legacy: bool,
}

impl Keys {
    pub fn new(identity: Identity, legacy: bool) -> Keys {
        let recipient = identity.recipient();
        Keys {
            identity,
            recipient,
            legacy,
        }
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    pub fn recipient(&self) -> &Recipient {
        &self.recipient
    }

    /// Whether untagged records are still accepted (a vault not yet upgraded).
    pub fn is_legacy(&self) -> bool {
        self.legacy
    }

    pub(crate) fn set_legacy(&mut self, legacy: bool) {
        self.legacy = legacy;
    }

    fn mac_key(&self, table: &str) -> crypto::MacKey {
        self.identity.mac_key(&format!("record/{table}"))
    }

    /// Tags an envelope (its `mac` is replaced).
    fn tag(&self, envelope: &mut Envelope) -> Result<()> {
        envelope.mac = None;
        let bytes = zeroize::Zeroizing::new(serde_json::to_vec(envelope).map_err(json_err)?);
        envelope.mac = Some(self.mac_key(&envelope.table).tag(&bytes));
        Ok(())
    }

    /// Checks an opened envelope's tag.
    fn check(&self, place: Place<'_>, envelope: &mut Envelope) -> Result<()> {
        let Some(tag) = envelope.mac.take() else {
            if self.legacy {
                return Ok(());
            }
            return Err(Error::tampered(
                place.to_string(),
                "the record is not authenticated (it was not written by this diary)",
            ));
        };
        let bytes = zeroize::Zeroizing::new(serde_json::to_vec(&*envelope).map_err(json_err)?);
        let good = self.mac_key(place.table).verify(&bytes, &tag);
        envelope.mac = Some(tag);
        if good {
            Ok(())
        } else {
            Err(Error::tampered(
                place.to_string(),
                "the record's authentication does not match (it was altered or not written by this diary)",
            ))
        }
    }
}

fn json_err(e: serde_json::Error) -> Error {
    Error::Json(format!("a record ({e})"))
}

/// Serialises a body to the exact bytes that are sealed and hashed.
pub fn body_bytes(body: &impl Serialize) -> Result<Box<RawValue>> {
    let text = serde_json::to_string(body).map_err(json_err)?;
    RawValue::from_string(text).map_err(json_err)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn plain_envelope(place: Place<'_>, body: &impl Serialize) -> Result<Envelope> {
    Ok(Envelope {
        v: RECORD_VERSION,
        table: place.table.to_string(),
        id: place.id.to_string(),
        seq: None,
        entry: None,
        prev: None,
        mac: None,
        body_sha256: None,
        body: Some(body_bytes(body)?),
    })
}

fn seal_bytes(recipient: &Recipient, envelope: &Envelope) -> Result<Sealed> {
    let bytes = zeroize::Zeroizing::new(serde_json::to_vec(envelope).map_err(json_err)?);
    crypto::seal(recipient, &bytes)
}

/// Tags and seals an envelope. (A vault not yet upgraded is only ever written by
/// tests that make one as Daybook 0.1 did: then it is sealed without a tag.)
pub fn seal_envelope(keys: &Keys, envelope: &mut Envelope) -> Result<Sealed> {
    if keys.legacy {
        envelope.mac = None;
    } else {
        keys.tag(envelope)?;
    }
    seal_bytes(&keys.recipient, envelope)
}

/// Seals a plain (unchained) record for `place`, tagged.
pub fn seal(keys: &Keys, place: Place<'_>, body: &impl Serialize) -> Result<Sealed> {
    let mut envelope = plain_envelope(place, body)?;
    seal_envelope(keys, &mut envelope)
}

/// Seals a record with the public key alone (a note written while locked): it has
/// no tag, and whoever opens it must treat it as a claim.
pub fn seal_untagged(
    recipient: &Recipient,
    place: Place<'_>,
    body: &impl Serialize,
) -> Result<Sealed> {
    seal_bytes(recipient, &plain_envelope(place, body)?)
}

/// Opens a sealed payload and checks it belongs at `place`; the tag is not checked.
fn open_unchecked(identity: &Identity, place: Place<'_>, sealed: &Sealed) -> Result<Envelope> {
    // The crypto layer cannot know where the record was found: this names it.
    let plaintext = crypto::open(identity, sealed).map_err(|e| match e {
        Error::Tampered { why, .. } => Error::tampered(place.to_string(), why),
        other => other,
    })?;
    let envelope: Envelope = serde_json::from_slice(&plaintext).map_err(|e| {
        Error::tampered(
            place.to_string(),
            format!("the sealed record is not in the expected form ({e})"),
        )
    })?;
    if envelope.v != RECORD_VERSION {
        return Err(Error::NotAVault(format!(
            "{} {}: record version {} is not one this Daybook understands",
            place.table, place.id, envelope.v
        )));
    }
    if envelope.table != place.table || envelope.id != place.id {
        return Err(Error::tampered(
            place.to_string(),
            format!(
                "the sealed record belongs to {} {}, not here",
                envelope.table, envelope.id
            ),
        ));
    }
    Ok(envelope)
}

/// Opens a sealed payload, checks it belongs at `place` and checks its tag.
pub fn open_envelope(keys: &Keys, place: Place<'_>, sealed: &Sealed) -> Result<Envelope> {
    let mut envelope = open_unchecked(&keys.identity, place, sealed)?;
    keys.check(place, &mut envelope)?;
    Ok(envelope)
}

/// Opens a record that cannot carry a tag (an inbox note). Its content is a claim.
pub fn open_untagged<T: DeserializeOwned>(
    identity: &Identity,
    place: Place<'_>,
    sealed: &Sealed,
) -> Result<T> {
    body_of(place, open_unchecked(identity, place, sealed)?)
}

/// Opens a record that may have been written while locked (a draft): with a tag,
/// the tag must be right; without one, it is read as a claim.
pub fn open_draft<T: DeserializeOwned>(
    keys: &Keys,
    place: Place<'_>,
    sealed: &Sealed,
) -> Result<T> {
    let mut envelope = open_unchecked(&keys.identity, place, sealed)?;
    if envelope.mac.is_some() {
        keys.check(place, &mut envelope)?;
    }
    body_of(place, envelope)
}

/// Opens a plain record and reads its body.
pub fn open<T: DeserializeOwned>(keys: &Keys, place: Place<'_>, sealed: &Sealed) -> Result<T> {
    body_of(place, open_envelope(keys, place, sealed)?)
}

fn body_of<T: DeserializeOwned>(place: Place<'_>, envelope: Envelope) -> Result<T> {
    let body = envelope
        .body
        .ok_or_else(|| Error::tampered(place.to_string(), "the record is empty"))?;
    parse_body(place, &body)
}

/// Reads a body.
pub fn parse_body<T: DeserializeOwned>(place: Place<'_>, body: &RawValue) -> Result<T> {
    serde_json::from_str(body.get()).map_err(|e| {
        Error::tampered(
            place.to_string(),
            format!("the record's content is not in the expected form ({e})"),
        )
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

    fn place<'a>(table: &'a str, id: &'a str) -> Place<'a> {
        Place { table, id }
    }

    #[test]
    fn a_record_moved_to_another_row_is_refused() {
        let keys = Keys::new(Identity::generate(), false);
        let sealed = seal(&keys, place("drafts", "a"), &"words").unwrap();
        let ok: String = open(&keys, place("drafts", "a"), &sealed).unwrap();
        assert_eq!(ok, "words");
        let moved = open::<String>(&keys, place("drafts", "b"), &sealed);
        assert!(matches!(
            moved,
            Err(Error::Tampered { place, why }) if place == "drafts b" && why.contains("belongs to drafts a")
        ));
        let other_table = open::<String>(&keys, place("events", "a"), &sealed);
        assert!(other_table.is_err());
    }

    #[test]
    fn a_record_sealed_with_the_public_key_alone_is_refused() {
        let keys = Keys::new(Identity::generate(), false);
        let forged = seal_untagged(keys.recipient(), place("meta", "settings"), &"forged").unwrap();
        let opened = open::<String>(&keys, place("meta", "settings"), &forged);
        assert!(
            matches!(&opened, Err(Error::Tampered { place, why }) if place == "meta settings" && why.contains("not authenticated")),
            "{opened:?}"
        );
        // A tag made with another identity's key does not pass either.
        let other = Keys::new(Identity::generate(), false);
        let mut envelope = plain_envelope(place("meta", "settings"), &"forged").unwrap();
        other.tag(&mut envelope).unwrap();
        let forged = seal_bytes(keys.recipient(), &envelope).unwrap();
        let opened = open::<String>(&keys, place("meta", "settings"), &forged);
        assert!(
            matches!(&opened, Err(Error::Tampered { why, .. }) if why.contains("does not match")),
            "{opened:?}"
        );
        // Nor does a tag copied from another table's record.
        let mut envelope = plain_envelope(place("drafts", "settings"), &"x").unwrap();
        keys.tag(&mut envelope).unwrap();
        envelope.table = "meta".into();
        let moved = seal_bytes(keys.recipient(), &envelope).unwrap();
        assert!(open::<String>(&keys, place("meta", "settings"), &moved).is_err());
    }

    #[test]
    fn a_vault_not_yet_upgraded_accepts_untagged_records_only() {
        let legacy = Keys::new(Identity::generate(), true);
        let old = seal_untagged(legacy.recipient(), place("drafts", "a"), &"old").unwrap();
        assert_eq!(
            open::<String>(&legacy, place("drafts", "a"), &old).unwrap(),
            "old"
        );
        // A tag that is present must still be right.
        let mut envelope = plain_envelope(place("drafts", "a"), &"x").unwrap();
        envelope.mac = Some("00".repeat(32));
        let bad = seal_bytes(legacy.recipient(), &envelope).unwrap();
        assert!(open::<String>(&legacy, place("drafts", "a"), &bad).is_err());
    }

    #[test]
    fn the_tag_covers_every_field() {
        let keys = Keys::new(Identity::generate(), false);
        let mut envelope = plain_envelope(place("events", "e"), &"body").unwrap();
        envelope.seq = Some(3);
        envelope.entry = Some(1);
        envelope.prev = Some("ab".into());
        envelope.body_sha256 = Some("cd".into());
        keys.tag(&mut envelope).unwrap();
        let good = seal_bytes(keys.recipient(), &envelope).unwrap();
        assert!(open_envelope(&keys, place("events", "e"), &good).is_ok());
        for change in 0..4 {
            let mut altered: Envelope =
                serde_json::from_slice(&serde_json::to_vec(&envelope).unwrap()).unwrap();
            match change {
                0 => altered.seq = Some(4),
                1 => altered.entry = Some(2),
                2 => altered.prev = Some("ac".into()),
                _ => altered.body = None,
            }
            let sealed = seal_bytes(keys.recipient(), &altered).unwrap();
            assert!(
                open_envelope(&keys, place("events", "e"), &sealed).is_err(),
                "change {change}"
            );
        }
    }
}
