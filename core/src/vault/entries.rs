//! Writing and reading entries: add, amend, withdraw, erase, and each entry's
//! history. Every change is one transaction that appends to the chain and updates
//! the index; notes written while locked are taken in first (see `notes`).

use chrono::Utc;

use super::head::{append, open_change};
use super::notes::absorb_within;
use super::{evidence, index, now, Vault};
use crate::chain::{self, Change};
use crate::entry::{Entry, Revision, Status};
use crate::error::{Error, Result};
use crate::incident::Incident;
use crate::record::{self, Place};
use crate::store;

impl Vault {
    /// Records a new entry and returns its number. Works locked (the entry waits,
    /// sealed, until the next unlock) as well as unlocked.
    pub fn add(&mut self, mut incident: Incident) -> Result<u64> {
        incident.validate()?;
        self.refuse_if_read_only()?;
        let entry_id = record::new_id();
        let recipient = self.recipient.clone();
        if self.unlocked.is_none() {
            return self.store.write(|tx| {
                // Taken while holding the write lock, so that a note's time and the
                // diary's changes are in the order they were committed (a note is
                // checked against the last change before it).
                let recorded_at = now();
                let number = store::entries::allocate(tx, &entry_id)?;
                let change = Change::Created {
                    entry_id: entry_id.clone(),
                    number,
                    recorded_at,
                    incident,
                    written_while_locked: true,
                    absorbed_at: None,
                    held: None,
                };
                let inbox_id = record::new_id();
                let sealed = record::seal_untagged(
                    &recipient,
                    Place {
                        table: "inbox",
                        id: &inbox_id,
                    },
                    &change,
                )?;
                store::inbox::insert(tx, &inbox_id, number, &sealed)?;
                Ok(number)
            });
        }
        self.write_change(|tx, _| {
            let number = store::entries::allocate(tx, &entry_id)?;
            Ok(Change::Created {
                entry_id: entry_id.clone(),
                number,
                recorded_at: now(),
                incident,
                written_while_locked: false,
                absorbed_at: None,
                held: None,
            })
        })
        .map(|change| change.entry_number())
    }

    /// Saves a new wording of an entry; the earlier wordings are kept.
    pub fn amend(&mut self, number: u64, mut incident: Incident) -> Result<()> {
        incident.validate()?;
        let saved_at = now();
        let mut unchanged = false;
        let result = self.write_change(|_, current| {
            let entry = current(number)?;
            match &entry.status {
                Status::Active => {}
                Status::Withdrawn { .. } => {
                    return Err(Error::NotAllowed(format!(
                        "entry {number} was withdrawn, so it cannot be amended"
                    )))
                }
                Status::Erased { .. } => {
                    return Err(Error::NotAllowed(format!("entry {number} was erased")))
                }
            }
            if entry.incident.as_ref() == Some(&incident) {
                unchanged = true;
                return Err(Error::Cancelled);
            }
            Ok(Change::Amended {
                entry_id: entry.id.clone(),
                number,
                revision: entry.revisions + 1,
                saved_at,
                incident,
            })
        });
        match result {
            Err(Error::Cancelled) if unchanged => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Withdraws an entry: it is kept, marked withdrawn with the reason.
    pub fn withdraw(&mut self, number: u64, reason: &str) -> Result<()> {
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(Error::InvalidField {
                field: "reason".into(),
                message: "please give a short reason for withdrawing the entry".into(),
            });
        }
        let at = now();
        self.write_change(|_, current| {
            let entry = current(number)?;
            if !entry.is_active() {
                return Err(Error::NotAllowed(format!(
                    "entry {number} is already {}",
                    entry.status.key()
                )));
            }
            Ok(Change::Withdrawn {
                entry_id: entry.id.clone(),
                number,
                at,
                reason,
            })
        })
        .map(|_| ())
    }

    /// Erases an entry's content (and its exhibits) for safety, leaving a tombstone
    /// in the chain that says entry N was erased and when.
    pub fn erase(&mut self, number: u64) -> Result<()> {
        let at = now();
        self.refuse_if_read_only()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store.write(|tx| {
            absorb_within(tx, &unlocked.keys, &mut unlocked.index)?;
            let entry = index::current(tx, &unlocked.keys, &mut unlocked.index, number)?;
            if matches!(entry.status, Status::Erased { .. }) {
                return Err(Error::NotAllowed(format!(
                    "entry {number} was already erased"
                )));
            }
            let earlier = store::events::for_entry(tx, number)?;
            let mut tombstones = Vec::new();
            let mut erasures = evidence::Erasures::default();
            for row in store::exhibits::list(tx, Some(number))? {
                // Every exhibit, erased before or not: the entry's other records are
                // emptied, so the tombstone alone keeps their marks and hashes.
                let exhibit = evidence::open_exhibit(tx, &unlocked.keys, &row, &mut erasures)?;
                tombstones.push(chain::ExhibitTombstone {
                    exhibit_id: exhibit.id.clone(),
                    mark: exhibit.mark.clone(),
                    sha256: exhibit.sha256.clone(),
                    size: exhibit.size,
                });
                store::exhibits::delete_content(tx, &row.id)?;
            }
            // Imported messages linked to the entry go with it.
            let mut message_pages = Vec::new();
            for page in store::messages::list(tx, Some(number))? {
                store::messages::delete(tx, &page.id)?;
                message_pages.push(page.id);
            }
            let change = Change::Erased {
                entry_id: entry.id.clone(),
                number,
                at,
                recorded_at: entry.recorded_at,
                exhibits: tombstones,
                message_pages,
            };
            append(tx, &unlocked.keys, Some(number), &change)?;
            for row in earlier {
                let place = Place {
                    table: "events",
                    id: &row.id,
                };
                let mut envelope = record::open_envelope(&unlocked.keys, place, &row.payload)?;
                envelope.body = None;
                let sealed = record::seal_envelope(&unlocked.keys, &mut envelope)?;
                store::events::replace_payload(tx, &row.id, &sealed)?;
            }
            index::apply(tx, &unlocked.keys, &mut unlocked.index, number, &change)?;
            Ok(())
        })?;
        // Push the removed ciphertext out of the write-ahead log too.
        self.store.checkpoint()
    }

    /// Runs one change in one transaction: `make` sees the transaction and a way to
    /// read an entry's current state, and returns the change; it is appended to the
    /// chain and applied to the index.
    fn write_change(
        &mut self,
        make: impl FnOnce(
            &rusqlite::Transaction,
            &mut dyn FnMut(u64) -> Result<Entry>,
        ) -> Result<Change>,
    ) -> Result<Change> {
        self.refuse_if_read_only()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store.write(|tx| {
            absorb_within(tx, &unlocked.keys, &mut unlocked.index)?;
            let change = {
                let keys = &unlocked.keys;
                let cache = &mut unlocked.index;
                let mut current = |n: u64| index::current(tx, keys, cache, n);
                make(tx, &mut current)?
            };
            let number = change.entry_number();
            append(tx, &unlocked.keys, Some(number), &change)?;
            index::apply(tx, &unlocked.keys, &mut unlocked.index, number, &change)?;
            Ok(change)
        })
    }

    /// Every entry's current state, ordered by number.
    pub fn entries(&mut self) -> Result<Vec<Entry>> {
        self.absorb_inbox()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store
            .read(|tx| index::all(tx, &unlocked.keys, &mut unlocked.index))
    }

    /// One entry's current state.
    pub fn entry(&mut self, number: u64) -> Result<Entry> {
        self.absorb_inbox()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        self.store
            .read(|tx| index::current(tx, &unlocked.keys, &mut unlocked.index, number))
    }

    /// Every wording of an entry, oldest first (empty once erased).
    pub fn history(&mut self, number: u64) -> Result<Vec<Revision>> {
        self.absorb_inbox()?;
        let unlocked = self.unlocked()?;
        if store::entries::id_of(self.store.conn(), number)?.is_none() {
            return Err(Error::NoSuchEntry(number));
        }
        let mut revisions = Vec::new();
        for row in store::events::for_entry(self.store.conn(), number)? {
            let Some(change) = open_change(&unlocked.keys, &row)? else {
                continue;
            };
            match change {
                Change::Created {
                    recorded_at,
                    incident,
                    written_while_locked,
                    ..
                } => revisions.push(Revision {
                    revision: 1,
                    saved_at: recorded_at,
                    incident,
                    written_while_locked,
                }),
                Change::Amended {
                    revision,
                    saved_at,
                    incident,
                    ..
                } => revisions.push(Revision {
                    revision,
                    saved_at,
                    incident,
                    written_while_locked: false,
                }),
                _ => {}
            }
        }
        Ok(revisions)
    }

    /// Every change in the chain for an entry, described in plain words with times.
    pub fn changes(&mut self, number: u64) -> Result<Vec<(chrono::DateTime<Utc>, String)>> {
        let unlocked = self.unlocked()?;
        let mut out = Vec::new();
        for row in store::events::for_entry(self.store.conn(), number)? {
            if let Some(change) = open_change(&unlocked.keys, &row)? {
                out.push((change.at(), change.describe()));
            }
        }
        Ok(out)
    }
}
