//! The cheap check every export runs first: does what the diary lists (the index of
//! entries, the exhibit rows, the entry numbers) agree with its chain of changes?
//!
//! Exports read the index and the exhibit rows rather than the whole chain, for speed.
//! Those are authenticated, and the head vouches for the index pages' versions, but
//! rows can still be deleted or moved by someone with the file. So before a report,
//! handover or evidence pack is made, this compares them with what the chain says
//! exists, without decrypting anything but the head and the index. The full check,
//! which re-hashes every original, stays in `verify`.

use std::collections::{BTreeMap, BTreeSet};

use super::{read_head, Vault};
use crate::error::{Error, Result};
use crate::store;

/// The sequence number in an exhibit mark (`AB/3` is 3).
pub(crate) fn mark_sequence(mark: &str) -> Option<u64> {
    mark.rsplit('/').next().and_then(|n| n.parse().ok())
}

/// `place` (an entry, an exhibit) is not as the chain says: `what` says how.
fn disagrees(place: String, what: &str) -> Error {
    Error::tampered(
        place,
        format!(
            "{what}. The diary does not agree with its own record of changes, so nothing \
             will be exported from it; check the diary (Check my diary in Settings, or \
             daybook verify) to see what is affected"
        ),
    )
}

impl Vault {
    /// Checks that the index, the exhibit rows and the entry numbers agree with the
    /// chain. `Error::Tampered`, saying what disagrees, when they do not.
    pub fn check_against_chain(&mut self) -> Result<()> {
        let entries = self.entries()?; // checks the index pages against the head
        let keys = self.keys()?;
        let conn = self.store.conn();
        read_head(conn, keys)?; // the head is authentic and no change is missing

        // Entry numbers: each chained entry is indexed; each number given out is an
        // entry or a note still waiting.
        let indexed: BTreeSet<u64> = entries.iter().map(|e| e.number).collect();
        let waiting: BTreeSet<u64> = store::inbox::all(conn)?
            .iter()
            .map(|r| r.entry_number)
            .collect();
        let chained: BTreeSet<u64> = store::events::places(conn)?
            .into_iter()
            .filter_map(|(_, _, n)| n)
            .collect();
        if let Some(n) = chained.difference(&indexed).next() {
            return Err(disagrees(
                format!("entry {n}"),
                "it has recorded changes but is missing from the index",
            ));
        }
        let numbers: BTreeSet<u64> = store::entries::numbers(conn)?.into_iter().collect();
        if let Some(n) = indexed.difference(&numbers).next() {
            return Err(disagrees(format!("entry {n}"), "it has lost its number"));
        }
        if let Some(n) = numbers
            .iter()
            .find(|n| !indexed.contains(n) && !waiting.contains(n))
        {
            return Err(disagrees(
                format!("entry number {n}"),
                "it is given out but no entry has it",
            ));
        }

        // Exhibits: the marks the chain gave each entry against the rows.
        let mut expected: BTreeMap<u64, (u64, &str)> = BTreeMap::new();
        for entry in &entries {
            for mark in &entry.exhibits {
                let sequence = mark_sequence(mark).ok_or_else(|| {
                    disagrees(
                        format!("entry {}", entry.number),
                        &format!("its exhibit mark {mark} is malformed"),
                    )
                })?;
                expected.insert(sequence, (entry.number, mark.as_str()));
            }
        }
        let events: BTreeMap<String, Option<u64>> = store::events::places(conn)?
            .into_iter()
            .map(|(_, id, n)| (id, n))
            .collect();
        let rows = store::exhibits::list(conn, None)?;
        for row in &rows {
            match expected.remove(&row.sequence) {
                None => {
                    return Err(disagrees(
                        format!("evidence file {}", row.sequence),
                        "it is stored but no entry's changes record it",
                    ))
                }
                Some((entry, mark)) if entry != row.entry_number => {
                    return Err(disagrees(
                        format!("exhibit {mark}"),
                        &format!(
                            "it was moved from entry {entry} to entry {}",
                            row.entry_number
                        ),
                    ))
                }
                Some((entry, mark)) => {
                    if events.get(&row.event_id) != Some(&Some(entry)) {
                        return Err(disagrees(
                            format!("exhibit {mark} (entry {entry})"),
                            "it has lost the record of its addition",
                        ));
                    }
                }
            }
        }
        if let Some((_, (entry, mark))) = expected.into_iter().next() {
            return Err(disagrees(
                format!("exhibit {mark} of entry {entry}"),
                "it is missing from the diary",
            ));
        }

        // Imported messages: each entry's pages open, are authentic, and hold as
        // many messages as the chain linked to it.
        let mut counted: BTreeMap<u64, u64> = BTreeMap::new();
        for row in store::messages::list(conn, None)? {
            let n = super::messages::open_page(keys, &row)?.len() as u64;
            *counted.entry(row.entry_number).or_default() += n;
        }
        for entry in &entries {
            let found = counted.remove(&entry.number).unwrap_or(0);
            if found != entry.messages {
                return Err(disagrees(
                    format!("entry {}", entry.number),
                    &format!(
                        "it should have {} imported messages but {found} were found",
                        entry.messages
                    ),
                ));
            }
        }
        if let Some((entry, _)) = counted.into_iter().next() {
            return Err(disagrees(
                format!("entry {entry}"),
                "there are imported messages filed under it that its changes do not record",
            ));
        }
        Ok(())
    }
}
