//! Notes written while the diary was locked (the inbox). They are sealed with the
//! public key alone, so each is a claim: taken into the chain only if it fits (see
//! `judge_note`), always marked as written while locked, and otherwise held apart for
//! the person to keep or discard. A note never stops the diary from opening.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::head::{append, last_change_at};
use super::{index, now, Vault};
use crate::chain::Change;
use crate::error::{Error, Result};
use crate::record::{self, Keys, Place};
use crate::store;

impl Vault {
    /// Moves notes written while locked into the chain. A note is sealed with the
    /// public key alone, so it is a claim: it is taken in only if it is a first
    /// wording of the entry number it was given, and says it was written after the
    /// diary's last change and not in the future; it is always marked as written
    /// while locked, with the time it was taken in. Anything else stays apart, listed
    /// by `held_notes` for the person to keep or discard: it never blocks the unlock.
    pub(super) fn absorb_inbox(&mut self) -> Result<()> {
        if self.read_only || store::inbox::count(self.store.conn())? == 0 {
            return Ok(());
        }
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store
            .write(|tx| absorb_within(tx, &unlocked.keys, &mut unlocked.index))
    }

    /// Notes written while locked that were not taken in, and why.
    pub fn held_notes(&mut self) -> Result<Vec<HeldNote>> {
        self.absorb_inbox()?;
        let unlocked = self.unlocked()?;
        let conn = self.store.conn();
        let since = last_change_at(conn, &unlocked.keys)?;
        let mut out = Vec::new();
        for row in store::inbox::all(conn)? {
            let opened: Option<Change> =
                record::open_untagged(unlocked.keys.identity(), inbox_place(&row.id), &row.payload)
                    .ok();
            let reason = match judge_note(conn, &unlocked.keys, &row, since, now()) {
                Ok(_) => continue,
                Err(why) => why.to_string(),
            };
            let (recorded_at, description) = match opened {
                Some(Change::Created {
                    recorded_at,
                    incident,
                    ..
                }) => (Some(recorded_at), Some(incident.description)),
                _ => (None, None),
            };
            out.push(HeldNote {
                id: row.id.clone(),
                entry_number: row.entry_number,
                recorded_at,
                description,
                reason,
            });
        }
        Ok(out)
    }

    /// One held note, for keeping or discarding it.
    fn held_note(&mut self, id: &str) -> Result<HeldNote> {
        self.refuse_if_read_only()?;
        self.held_notes()?
            .into_iter()
            .find(|n| n.id == id)
            .ok_or_else(|| Error::NotAllowed("there is no held note with that id".into()))
    }

    /// Takes a held note into the diary at the person's word: it is chained marked as
    /// written while locked, with why it was held, so the doubt stays on record.
    pub fn keep_held_note(&mut self, id: &str) -> Result<u64> {
        let held = self.held_note(id)?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        let absorbed_at = now();
        self.store.write(|tx| {
            let row = store::inbox::all(tx)?
                .into_iter()
                .find(|r| r.id == held.id)
                .ok_or_else(|| Error::NotAllowed("the note is no longer waiting".into()))?;
            let change: Change =
                record::open_untagged(unlocked.keys.identity(), inbox_place(&row.id), &row.payload)
                    .map_err(|_| {
                        Error::NotAllowed(
                    "this note cannot be opened, so it cannot be kept; it can only be discarded"
                        .into(),
                )
                    })?;
            let Change::Created {
                entry_id,
                recorded_at,
                incident,
                ..
            } = change
            else {
                return Err(Error::NotAllowed(
                    "this note is not a new entry, so it cannot be kept".into(),
                ));
            };
            let taken = store::entries::id_of(tx, row.entry_number)?.as_deref() == Some(&entry_id)
                && store::events::for_entry(tx, row.entry_number)?.is_empty();
            if !taken {
                return Err(Error::NotAllowed(format!(
                    "entry number {} is already used, so this note cannot be kept",
                    row.entry_number
                )));
            }
            let change = Change::Created {
                entry_id,
                number: row.entry_number,
                recorded_at,
                incident,
                written_while_locked: true,
                absorbed_at: Some(absorbed_at),
                held: Some(held.reason.clone()),
            };
            append(tx, &unlocked.keys, Some(row.entry_number), &change)?;
            index::apply(
                tx,
                &unlocked.keys,
                &mut unlocked.index,
                row.entry_number,
                &change,
            )?;
            store::inbox::delete(tx, row.seq)?;
            Ok(row.entry_number)
        })
    }

    /// Discards a held note: it and its entry number are removed (numbers are never
    /// given out again).
    pub fn discard_held_note(&mut self, id: &str) -> Result<()> {
        let held = self.held_note(id)?;
        self.store.write(|tx| {
            for row in store::inbox::all(tx)?
                .into_iter()
                .filter(|r| r.id == held.id)
            {
                store::inbox::delete(tx, row.seq)?;
                if store::events::for_entry(tx, row.entry_number)?.is_empty() {
                    store::entries::remove(tx, row.entry_number)?;
                }
            }
            Ok(())
        })
    }
}

/// Takes waiting notes into the chain inside a write transaction. Every change the
/// diary makes runs this first, in its own transaction, so a note committed before
/// the change is judged against the changes before it, never against later ones.
pub(crate) fn absorb_within(
    tx: &rusqlite::Transaction,
    keys: &Keys,
    cache: &mut index::Cache,
) -> Result<()> {
    if store::inbox::count(tx)? == 0 {
        return Ok(());
    }
    let absorbed_at = now();
    // Every note is judged against the diary as it was before any is taken in:
    // notes written one after another while locked all follow that.
    let since = last_change_at(tx, keys)?;
    for row in store::inbox::all(tx)? {
        let Ok(change) = judge_note(tx, keys, &row, since, absorbed_at) else {
            continue;
        };
        append(tx, keys, Some(row.entry_number), &change)?;
        index::apply(tx, keys, cache, row.entry_number, &change)?;
        store::inbox::delete(tx, row.seq)?;
    }
    Ok(())
}

pub(crate) fn inbox_place(id: &str) -> Place<'_> {
    Place { table: "inbox", id }
}

/// A note written while locked that was not taken into the diary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeldNote {
    /// The note's id (to keep or discard it).
    pub id: String,
    /// The entry number it was given.
    pub entry_number: u64,
    /// When it says it was written (absent when it cannot be opened).
    pub recorded_at: Option<chrono::DateTime<Utc>>,
    /// What it says happened (absent when it cannot be opened).
    pub description: Option<String>,
    /// Why it was held, in plain words.
    pub reason: String,
}

/// Why a note written while locked was held apart instead of taken in. Its text is
/// what the person is shown (`HeldNote::reason`).
#[derive(Debug, thiserror::Error)]
pub(crate) enum HeldBecause {
    #[error("it cannot be opened: it is damaged, or was sealed to another key")]
    Unopenable,
    #[error("it is not a new entry")]
    NotANewEntry,
    #[error("it does not match the entry number it was given ({given})")]
    NotItsNumber { given: u64 },
    #[error(
        "it says it was written at {}, before the diary's last change ({}), although notes \
         are only written while the diary is locked",
        .recorded_at.format("%Y-%m-%d %H:%M UTC"),
        .since.format("%Y-%m-%d %H:%M UTC")
    )]
    BeforeLastChange {
        recorded_at: chrono::DateTime<Utc>,
        since: chrono::DateTime<Utc>,
    },
    #[error(
        "it says it was written at {}, which is later than now",
        .recorded_at.format("%Y-%m-%d %H:%M UTC")
    )]
    LaterThanNow { recorded_at: chrono::DateTime<Utc> },
    #[error("its content is not in the form Daybook writes ({0})")]
    NotDaybooksForm(Error),
}

/// Whether an inbox note can be taken in as it is; the change to chain if so, else
/// why not. `since` is the time of the diary's last change, `at` the moment of
/// taking it in.
pub(crate) fn judge_note(
    conn: &rusqlite::Connection,
    keys: &Keys,
    row: &store::inbox::Row,
    since: Option<chrono::DateTime<Utc>>,
    at: chrono::DateTime<Utc>,
) -> std::result::Result<Change, HeldBecause> {
    let change: Change = record::open_untagged(keys.identity(), inbox_place(&row.id), &row.payload)
        .map_err(|_| HeldBecause::Unopenable)?;
    let Change::Created {
        entry_id,
        number,
        recorded_at,
        incident,
        ..
    } = change
    else {
        return Err(HeldBecause::NotANewEntry);
    };
    let own_number = number == row.entry_number
        && store::entries::id_of(conn, number)
            .ok()
            .flatten()
            .as_deref()
            == Some(&entry_id)
        && store::events::for_entry(conn, number)
            .map(|e| e.is_empty())
            .unwrap_or(false);
    if !own_number {
        return Err(HeldBecause::NotItsNumber {
            given: row.entry_number,
        });
    }
    if let Some(since) = since {
        if recorded_at < since {
            return Err(HeldBecause::BeforeLastChange { recorded_at, since });
        }
    }
    if recorded_at > at {
        return Err(HeldBecause::LaterThanNow { recorded_at });
    }
    if let Err(e) = incident.clone().validate() {
        return Err(HeldBecause::NotDaybooksForm(e));
    }
    Ok(Change::Created {
        entry_id,
        number,
        recorded_at,
        incident,
        written_while_locked: true,
        absorbed_at: Some(at),
        held: None,
    })
}
