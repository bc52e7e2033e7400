//! A support worker's key for receiving handover files: an age identity kept sealed
//! inside the worker's own diary (never as a loose file), whose public key (`age1…`)
//! the worker hands to the people they support, to encrypt handover files to.

use serde::{Deserialize, Serialize};

use super::{head, Vault};
use crate::crypto::{Identity, Recipient};
use crate::error::{Error, Result};
use crate::record::{self, Place};
use crate::store::{self, meta};
use crate::ExposeSecret;

/// The sealed record's body; wiped from memory when dropped.
#[derive(Serialize, Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
struct Body {
    identity: String,
}

/// The receiving key, as an error's place.
const WHAT: &str = "the receiving key";

fn place() -> Place<'static> {
    Place {
        table: "meta",
        id: meta::RECEIVING_KEY,
    }
}

impl Vault {
    /// The identity that opens handover files sent to this diary's receiving key,
    /// if one was made.
    pub fn receiving_identity(&self) -> Result<Option<Identity>> {
        let keys = &self.unlocked()?.keys;
        // The head says which key was made here: a removed or replaced one is
        // refused, never quietly replaced by a new one (handover files already sent
        // to it must stay readable, and no one else's key may take its place).
        let stored = store::snapshot(self.store.conn(), |conn| {
            let recorded = head::read_head_record(conn, keys)?.receiving;
            head::check_recorded(conn, recorded.as_ref(), meta::RECEIVING_KEY, WHAT)?;
            meta::get(conn, meta::RECEIVING_KEY)
        })?;
        let Some(sealed) = stored else {
            return Ok(None);
        };
        let body: Body = record::open(keys, place(), &sealed)?;
        Identity::parse(&body.identity)
            .map(Some)
            .map_err(|_| Error::tampered(WHAT, "it is damaged"))
    }

    /// The public key to give people so they can send handover files here.
    pub fn receiving_key(&self) -> Result<Option<Recipient>> {
        Ok(self.receiving_identity()?.map(|i| i.recipient()))
    }

    /// Makes the receiving key, or returns the one already made (it is never
    /// replaced: handover files already sent to it must stay readable).
    pub fn make_receiving_key(&mut self) -> Result<Recipient> {
        self.refuse_if_read_only()?;
        if let Some(existing) = self.receiving_key()? {
            return Ok(existing);
        }
        let identity = Identity::generate();
        let body = Body {
            identity: identity
                .dangerously_expose_text()
                .expose_secret()
                .to_string(),
        };
        let keys = &self.unlocked.as_ref().ok_or(Error::Locked)?.keys;
        let sealed = record::seal(keys, place(), &body)?;
        self.store.write(|tx| {
            meta::put(tx, meta::RECEIVING_KEY, &sealed)?;
            // An older diary's head is sealed again, with it, at its upgrade.
            if keys.is_legacy() {
                return Ok(());
            }
            head::update_head(tx, keys, |h| {
                h.receiving = Some(record::sha256_hex(sealed.as_bytes()));
            })
        })?;
        Ok(identity.recipient())
    }
}
