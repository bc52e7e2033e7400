//! Verification: recomputes the hash chain, opens and authenticates every sealed
//! record, checks that the index, the entry numbers and the exhibit rows agree with
//! the chain (the chain says what exists), re-hashes every original and checks every
//! preview. It reports in plain words what it checked and the first thing that
//! failed, naming the entry and exhibit. On a diary opened read-only it writes
//! nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::Vault;
use crate::chain::{self, Change};
use crate::crypto;
use crate::error::{Error, Result};
use crate::record::{self, Place};
use crate::store;

/// The first thing that did not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The entry concerned, when there is one.
    pub entry: Option<u64>,
    /// The exhibit concerned, when there is one.
    pub exhibit: Option<String>,
    pub message: String,
}

/// What verification found.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    /// What was checked, in plain words.
    pub checked: Vec<String>,
    pub failure: Option<Failure>,
    /// The recomputed chain head, when the chain holds.
    pub fingerprint: Option<String>,
}

impl Report {
    /// Whether everything held.
    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }

    fn fail(
        mut self,
        entry: Option<u64>,
        exhibit: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        self.failure = Some(Failure {
            entry,
            exhibit,
            message: message.into(),
        });
        self
    }
}

fn entry_name(entry: Option<u64>) -> String {
    match entry {
        Some(n) => format!("entry {n}"),
        None => "a change".into(),
    }
}

/// An exhibit as the chain records it.
struct Recorded {
    mark: String,
    sequence: Option<u64>,
    entry: u64,
    /// The event recording its addition (unknown once its record was erased).
    event_id: Option<String>,
}

impl Vault {
    /// Checks everything. Needs the diary unlocked. On a diary opened with
    /// `Vault::open_read_only` nothing is written, not even waiting notes taken in.
    pub fn verify(&mut self) -> Result<Report> {
        self.verify_with_progress(&crate::progress::NoProgress)
    }

    /// `verify`, telling `progress` how many bytes of originals have been hashed of
    /// how many; if `progress` says it is cancelled, it stops with `Error::Cancelled`.
    pub fn verify_with_progress(
        &mut self,
        progress: &dyn crate::progress::Progress,
    ) -> Result<Report> {
        if !self.is_read_only() {
            // Takes notes written while locked into the chain first.
            let _ = self.held_notes();
        }
        let keys = self.keys()?;
        let conn = self.store().conn();
        let mut report = Report::default();

        // 1. The chain, collecting what it says exists.
        let mut link = chain::genesis(self.vault_id());
        let mut expected_seq = 1u64;
        let mut count = 0u64;
        let mut failure: Option<(Option<u64>, String)> = None;
        let mut recorded: BTreeMap<String, Recorded> = BTreeMap::new();
        let mut chained_entries: BTreeSet<u64> = BTreeSet::new();
        let mut pages: BTreeMap<String, RecordedPage> = BTreeMap::new();
        store::events::each(conn, |row| {
            if failure.is_some() {
                return Ok(());
            }
            let who = entry_name(row.entry_number);
            let place = Place {
                table: "events",
                id: &row.id,
            };
            let envelope = match record::open_envelope(keys, place, &row.payload) {
                Ok(e) => e,
                Err(e) => {
                    failure = Some((
                        row.entry_number,
                        format!("{who}: change {} does not open: {e}", row.seq),
                    ));
                    return Ok(());
                }
            };
            let mut change = None;
            let problem = if row.seq != expected_seq {
                Some(format!(
                    "change {expected_seq} is missing (found {} next)",
                    row.seq
                ))
            } else if envelope.seq != Some(row.seq) || envelope.entry != row.entry_number {
                Some(format!("change {} was moved from another place", row.seq))
            } else if envelope.prev.as_deref() != Some(link.as_str()) {
                Some(format!(
                    "change {} does not follow the one before it (a change was removed, reordered or altered)",
                    row.seq
                ))
            } else {
                match (&envelope.body, &envelope.body_sha256) {
                    (Some(body), Some(hash))
                        if record::sha256_hex(body.get().as_bytes()) != *hash =>
                    {
                        Some(format!("change {} does not match its hash", row.seq))
                    }
                    (_, None) => Some(format!("change {} has no hash", row.seq)),
                    (Some(body), Some(_)) => match record::parse_body::<Change>(place, body) {
                        Ok(c) if c.entry_number() != row.entry_number.unwrap_or(0) => {
                            Some(format!("change {} belongs to another entry", row.seq))
                        }
                        Ok(c) => {
                            change = Some(c);
                            None
                        }
                        Err(e) => Some(e.to_string()),
                    },
                    (None, Some(_)) => None,
                }
            };
            if let Some(problem) = problem {
                failure = Some((row.entry_number, format!("{who}: {problem}")));
                return Ok(());
            }
            if let Some(n) = row.entry_number {
                chained_entries.insert(n);
            }
            note_exhibits(&mut recorded, &row.id, change.as_ref());
            note_pages(&mut pages, change.as_ref());
            let body_sha256 = envelope.body_sha256.unwrap_or_default();
            link = chain::link(&link, row.seq, &row.id, &body_sha256);
            expected_seq += 1;
            count += 1;
            Ok(())
        })?;
        if let Some((entry, message)) = failure {
            return Ok(report.fail(entry, None, message));
        }
        report.checked.push(format!(
            "{count} changes in the hash chain: each opens, is authentic, matches its hash and follows the one before"
        ));

        // 2. The head.
        match super::head::read_head(conn, keys) {
            Ok(head) if head.link == link && head.seq == count => {
                report
                    .checked
                    .push("the chain ends where the diary says it ends".into());
            }
            Ok(_) => {
                return Ok(report.fail(None, None, "the end of the chain does not match the diary's fingerprint (changes were removed or added)"));
            }
            Err(e) => return Ok(report.fail(None, None, e.to_string())),
        }

        // 3. The index and the entry numbers against the chain.
        let rebuilt = match super::index::rebuild_all(conn, keys) {
            Ok(r) => r,
            Err(e) => return Ok(report.fail(None, None, e.to_string())),
        };
        let (entries, index_error) = match self.entries() {
            Ok(e) => (e, None),
            Err(e @ Error::Tampered { .. }) => {
                // Name the entries a replaced or older page gets wrong, if it opens.
                let keys = self.keys()?;
                match super::index::all_unchecked(self.store().conn(), keys) {
                    Ok(pages) => (pages, Some(e)),
                    Err(_) => return Ok(report.fail(None, None, e.to_string())),
                }
            }
            Err(e) => return Err(e),
        };
        let keys = self.keys()?;
        let conn = self.store().conn();
        let index_note = index_error
            .as_ref()
            .map(|_| " (an index page was replaced or put back from an older copy)")
            .unwrap_or("");
        for entry in &rebuilt {
            match entries.iter().find(|e| e.number == entry.number) {
                Some(indexed) if indexed == entry => {}
                // An erased entry's earlier changes are emptied, so the chain can only
                // vouch for its id and its erasure.
                Some(indexed)
                    if matches!(entry.status, crate::entry::Status::Erased { .. })
                        && indexed.id == entry.id
                        && indexed.status == entry.status
                        && indexed.incident.is_none() => {}
                _ => {
                    return Ok(report.fail(
                        Some(entry.number),
                        None,
                        format!(
                        "entry {}: the quick index does not match the recorded changes{index_note}",
                        entry.number
                    ),
                    ))
                }
            }
        }
        if let Some(e) = index_error {
            return Ok(report.fail(None, None, e.to_string()));
        }
        if let Some(extra) = entries
            .iter()
            .find(|e| !rebuilt.iter().any(|r| r.number == e.number))
        {
            return Ok(report.fail(
                Some(extra.number),
                None,
                format!(
                    "entry {}: the quick index lists it but the chain does not",
                    extra.number
                ),
            ));
        }
        let waiting: BTreeSet<u64> = store::inbox::all(conn)?
            .iter()
            .map(|r| r.entry_number)
            .collect();
        let numbers: BTreeSet<u64> = store::entries::numbers(conn)?.into_iter().collect();
        if let Some(n) = chained_entries.difference(&numbers).next() {
            return Ok(report.fail(
                Some(*n),
                None,
                format!("entry {n}: its number is missing from the diary"),
            ));
        }
        if let Some(n) = numbers
            .iter()
            .find(|n| !chained_entries.contains(n) && !waiting.contains(n))
        {
            return Ok(report.fail(
                Some(*n),
                None,
                format!("entry {n}: its first wording is missing from the chain"),
            ));
        }
        report.checked.push(format!(
            "{} entries: each matches its recorded changes",
            rebuilt.len()
        ));

        // 4. The exhibit rows against the chain: none missing, extra or moved.
        let rows = store::exhibits::list(conn, None)?;
        for (id, x) in &recorded {
            let Some(row) = rows.iter().find(|r| &r.id == id) else {
                return Ok(report.fail(
                    Some(x.entry),
                    Some(x.mark.clone()),
                    format!(
                        "entry {}: exhibit {} is missing from the diary (its stored rows were removed)",
                        x.entry, x.mark
                    ),
                ));
            };
            let moved = row.entry_number != x.entry
                || x.sequence.is_some_and(|s| s != row.sequence)
                || x.event_id.as_ref().is_some_and(|e| *e != row.event_id);
            if moved {
                return Ok(report.fail(
                    Some(x.entry),
                    Some(x.mark.clone()),
                    format!(
                        "entry {}: exhibit {}'s stored rows do not match the record of its addition (moved or altered)",
                        x.entry, x.mark
                    ),
                ));
            }
        }
        if let Some(row) = rows.iter().find(|r| !recorded.contains_key(&r.id)) {
            return Ok(report.fail(
                Some(row.entry_number),
                None,
                format!(
                    "entry {}: a stored evidence file (number {}) is not recorded in the chain",
                    row.entry_number, row.sequence
                ),
            ));
        }
        if let Some(id) = store::exhibits::content_ids(conn)?
            .into_iter()
            .find(|id| !recorded.contains_key(id))
        {
            return Ok(report.fail(
                None,
                None,
                format!("stored evidence content ({id}) belongs to no exhibit the chain records"),
            ));
        }

        // 4b. The pages of imported messages against the chain.
        let page_rows = store::messages::list(conn, None)?;
        let mut message_count = 0u64;
        for row in &page_rows {
            let Some(recorded) = pages.remove(&row.id) else {
                return Ok(report.fail(
                    Some(row.entry_number),
                    None,
                    format!(
                        "entry {}: a stored page of messages ({}) is not recorded in the chain",
                        row.entry_number, row.id
                    ),
                ));
            };
            let problem = if recorded.entry != row.entry_number {
                Some(format!("was moved from entry {}", recorded.entry))
            } else if record::sha256_hex(row.payload.as_bytes()) != recorded.sealed_sha256 {
                Some("does not match its SHA-256 (it was altered or replaced)".to_string())
            } else {
                match super::messages::open_page(keys, row) {
                    Ok(messages) if messages.len() as u64 == recorded.messages => {
                        message_count += recorded.messages;
                        None
                    }
                    Ok(_) => Some("holds a different number of messages than recorded".into()),
                    Err(e) => Some(format!("does not open ({e})")),
                }
            };
            if let Some(problem) = problem {
                return Ok(report.fail(
                    Some(recorded.entry),
                    Some(recorded.source.clone()),
                    format!(
                        "entry {}: a page of messages imported from exhibit {} {problem}",
                        recorded.entry, recorded.source
                    ),
                ));
            }
        }
        if let Some((id, missing)) = pages.into_iter().next() {
            return Ok(report.fail(
                Some(missing.entry),
                Some(missing.source.clone()),
                format!(
                    "entry {}: a page of {} messages imported from exhibit {} is missing from the diary ({id})",
                    missing.entry, missing.messages, missing.source
                ),
            ));
        }
        if message_count > 0 {
            report.checked.push(format!(
                "{message_count} imported messages and calls: each page is the one the chain records, opens and is authentic"
            ));
        }

        // 5. Every original and preview.
        let mut hashed = 0;
        let mut hashed_bytes = 0u64;
        let total_bytes: u64 = rows.iter().map(|r| r.size).sum();
        let mut erasures = super::evidence::Erasures::default();
        for row in rows {
            let exhibit = match super::evidence::open_exhibit(conn, keys, &row, &mut erasures) {
                Ok(e) => e,
                Err(e) => {
                    return Ok(report.fail(
                        Some(row.entry_number),
                        None,
                        format!("entry {}: {e}", row.entry_number),
                    ))
                }
            };
            if exhibit.erased_at.is_some() {
                if let Err(e) = self.thumbnail_of(&exhibit.id) {
                    return Ok(report.fail(
                        Some(exhibit.entry_number),
                        Some(exhibit.mark.clone()),
                        format!("entry {}: {e}", exhibit.entry_number),
                    ));
                }
                continue;
            }
            if progress.cancelled() {
                return Err(Error::Cancelled);
            }
            let mut sink = Counting {
                done: &mut hashed_bytes,
                total: total_bytes,
                progress,
            };
            let copied = self.copy_original(&exhibit, &mut sink);
            if progress.cancelled() {
                return Err(Error::Cancelled);
            }
            match copied {
                Ok((sha, size)) if sha == exhibit.sha256 && size == exhibit.size => hashed += 1,
                Ok(_) => {
                    return Ok(report.fail(
                        Some(exhibit.entry_number),
                        Some(exhibit.mark.clone()),
                        format!(
                            "entry {}: exhibit {} does not match its SHA-256",
                            exhibit.entry_number, exhibit.mark
                        ),
                    ))
                }
                Err(e) => {
                    // Errors from reading an original usually name the exhibit already.
                    let named = format!("exhibit {}: ", exhibit.mark);
                    let e = e.to_string();
                    let why = e.strip_prefix(&named).unwrap_or(&e);
                    return Ok(report.fail(
                        Some(exhibit.entry_number),
                        Some(exhibit.mark.clone()),
                        format!("entry {}: {named}{why}", exhibit.entry_number),
                    ));
                }
            }
            if let Err(e) = self.thumbnail_of(&exhibit.id) {
                return Ok(report.fail(
                    Some(exhibit.entry_number),
                    Some(exhibit.mark.clone()),
                    format!("entry {}: {e}", exhibit.entry_number),
                ));
            }
        }
        report.checked.push(format!(
            "{hashed} evidence files: each original matches its SHA-256, and each preview is the one stored with it"
        ));

        // 6. Every other sealed record (settings, drafts, the index pages…).
        let keys = self.keys()?;
        let conn = self.store().conn();
        for stored in store::sealed::all(conn)? {
            if matches!(stored.table, "events" | "thumbnails" | "message_pages") {
                continue; // checked above
            }
            let place = Place {
                table: stored.table,
                id: &stored.id,
            };
            let opened = if stored.table == "drafts" {
                record::open_draft::<serde_json::Value>(keys, place, &stored.payload).map(|_| ())
            } else {
                record::open_envelope(keys, place, &stored.payload).map(|_| ())
            };
            if let Err(e) = opened {
                let what = match (stored.table, stored.id.as_str()) {
                    ("meta", "settings") => "the settings".to_string(),
                    ("meta", "receiving_key") => "the receiving key".to_string(),
                    ("meta", name) => format!("the diary's {name} record"),
                    ("drafts", _) => "a draft".to_string(),
                    ("index_pages", page) => format!("index page {page}"),
                    (table, id) => format!("{table} {id}"),
                };
                return Ok(report.fail(None, None, format!("{what}: {e}")));
            }
        }
        if let Err(e) = self.settings() {
            return Ok(report.fail(None, None, format!("the settings: {e}")));
        }
        if let Err(e) = self.receiving_identity() {
            return Ok(report.fail(None, None, e.to_string()));
        }
        report
            .checked
            .push("settings, drafts and the index open and are authentic".into());

        // 6b. The copy of the key sealed to the recovery code: nothing opens it until
        // the day it is needed, so it is checked against the head's record of it.
        if let Err(e) = self.check_recovery_copy() {
            return Ok(report.fail(None, None, e.to_string()));
        }
        report
            .checked
            .push("the copy of the key your recovery code opens is whole".into());

        // 7. Notes written while locked: reported, never a failure.
        let keys = self.keys()?;
        let conn = self.store().conn();
        let inbox = store::inbox::all(conn)?;
        if !inbox.is_empty() {
            let since = super::head::last_change_at(conn, keys)?;
            let now = chrono::Utc::now();
            let held = inbox
                .iter()
                .filter(|row| super::notes::judge_note(conn, keys, row, since, now).is_err())
                .count();
            let waiting = inbox.len() - held;
            if waiting > 0 {
                report.checked.push(format!(
                    "{waiting} note(s) written while locked are waiting to be taken in at the next unlock"
                ));
            }
            if held > 0 {
                report.checked.push(format!(
                    "{held} note(s) written while locked are held apart: their time or number could not be confirmed (see daybook notes)"
                ));
            }
        }
        if keys.is_legacy() {
            report.checked.push(
                "this diary was made by an earlier Daybook: its records will be authenticated the next time it is unlocked".into(),
            );
        }
        report.fingerprint = Some(link);
        Ok(report)
    }
}

impl Vault {
    /// The recovery code's copy of the key is there, shaped as a passphrase-sealed
    /// key, and (once the head records it) the very bytes Daybook saved.
    fn check_recovery_copy(&self) -> Result<()> {
        const WHAT: &str = "the copy of the key your recovery code opens";
        let keys = self.keys()?;
        let conn = self.store().conn();
        let sealed = store::meta::get(conn, store::meta::IDENTITY_RECOVERY)?
            .ok_or_else(|| Error::tampered(WHAT, "it was removed from the diary file"))?;
        if !crypto::is_passphrase_sealed(&sealed) {
            return Err(Error::tampered(WHAT, "it is damaged"));
        }
        if keys.is_legacy() {
            return Ok(());
        }
        store::snapshot(conn, |conn| {
            let recorded = super::head::read_head_record(conn, keys)?.recovery;
            super::head::check_recorded(
                conn,
                recorded.as_ref(),
                store::meta::IDENTITY_RECOVERY,
                WHAT,
            )
        })
    }
}

/// Where originals are hashed into: counts bytes for progress, and stops the copy
/// when the person cancels.
struct Counting<'a> {
    done: &'a mut u64,
    total: u64,
    progress: &'a dyn crate::progress::Progress,
}

impl std::io::Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.progress.cancelled() {
            return Err(std::io::Error::other("cancelled"));
        }
        *self.done += buf.len() as u64;
        self.progress.advanced(
            (*self.done).min(self.total),
            self.total,
            crate::progress::Unit::Bytes,
        );
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A page of imported messages as the chain records it.
struct RecordedPage {
    entry: u64,
    source: String,
    messages: u64,
    sealed_sha256: String,
}

/// Adds (or, for an erasure, removes) the message pages a change records.
fn note_pages(pages: &mut BTreeMap<String, RecordedPage>, change: Option<&Change>) {
    match change {
        Some(Change::MessagesAdded {
            number,
            source,
            pages: added,
            ..
        }) => {
            for page in added {
                pages.insert(
                    page.id.clone(),
                    RecordedPage {
                        entry: *number,
                        source: source.clone(),
                        messages: page.messages,
                        sealed_sha256: page.sealed_sha256.clone(),
                    },
                );
            }
        }
        Some(Change::Erased { message_pages, .. }) => {
            for id in message_pages {
                pages.remove(id);
            }
        }
        _ => {}
    }
}

/// Adds what a change says about exhibits to `recorded`.
fn note_exhibits(
    recorded: &mut BTreeMap<String, Recorded>,
    event_id: &str,
    change: Option<&Change>,
) {
    let tombstones = match change {
        Some(Change::ExhibitAdded { exhibit, .. }) => {
            recorded.insert(
                exhibit.id.clone(),
                Recorded {
                    mark: exhibit.mark.clone(),
                    sequence: Some(exhibit.sequence),
                    entry: exhibit.entry_number,
                    event_id: Some(event_id.to_string()),
                },
            );
            return;
        }
        Some(Change::ExhibitErased {
            entry_number,
            tombstone,
            ..
        }) => vec![(*entry_number, tombstone)],
        Some(Change::Erased {
            number, exhibits, ..
        }) => exhibits.iter().map(|t| (*number, t)).collect(),
        _ => return,
    };
    for (entry, t) in tombstones {
        recorded.entry(t.exhibit_id.clone()).or_insert(Recorded {
            mark: t.mark.clone(),
            sequence: t.mark.rsplit('/').next().and_then(|n| n.parse().ok()),
            entry,
            event_id: None,
        });
    }
}

/// Turns an error into a failed report rather than an error, for callers that want
/// to report (e.g. a vault that does not even open).
pub fn failed(error: &Error) -> Report {
    Report::default().fail(None, None, error.to_string())
}
