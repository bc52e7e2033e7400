//! Verification: recomputes the hash chain, opens every sealed payload, re-hashes
//! every original and compares the index with the chain. It reports in plain words
//! what it checked and the first thing that failed, naming the entry.

use serde::{Deserialize, Serialize};

use crate::chain;
use crate::error::{Error, Result};
use crate::record::{self, Place};
use crate::store::{self, meta};
use crate::vault::Vault;

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

impl Vault {
    /// Checks everything. Needs the diary unlocked.
    pub fn verify(&mut self) -> Result<Report> {
        self.entries()?; // moves notes written while locked into the chain first
        let identity = self.identity()?;
        let conn = self.store().conn();
        let mut report = Report::default();

        // 1. The chain.
        let mut link = chain::genesis(self.vault_id());
        let mut expected_seq = 1u64;
        let mut count = 0u64;
        let mut failure: Option<(Option<u64>, String)> = None;
        store::events::each(conn, |row| {
            if failure.is_some() {
                return Ok(());
            }
            let who = entry_name(row.entry_number);
            let place = Place {
                table: "events",
                id: &row.id,
            };
            let envelope = match record::open_envelope(identity, place, &row.payload) {
                Ok(e) => e,
                Err(e) => {
                    failure = Some((
                        row.entry_number,
                        format!("{who}: change {} does not open: {e}", row.seq),
                    ));
                    return Ok(());
                }
            };
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
                    (Some(body), Some(_)) => {
                        match record::parse_body::<chain::Change>(place, body) {
                            Ok(change)
                                if change.entry_number() != row.entry_number.unwrap_or(0) =>
                            {
                                Some(format!("change {} belongs to another entry", row.seq))
                            }
                            Ok(_) => None,
                            Err(e) => Some(e.to_string()),
                        }
                    }
                    (None, Some(_)) => None,
                }
            };
            if let Some(problem) = problem {
                failure = Some((row.entry_number, format!("{who}: {problem}")));
                return Ok(());
            }
            let body_sha256 = envelope.body_sha256.unwrap_or_default();
            link = chain::link(&link, row.seq, &row.id, &body_sha256);
            expected_seq += 1;
            count += 1;
            Ok(())
        })?;
        if let Some((entry, message)) = failure {
            return Ok(report.fail(entry, None, message));
        }
        report.checked.push(format!("{count} changes in the hash chain: each opens, matches its hash and follows the one before"));

        // 2. The head.
        match crate::vault::read_head(conn, identity) {
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

        // 3. The index against the chain.
        let rebuilt = crate::vault::rebuild_index(conn, identity)?;
        let entries = self.entries()?;
        let identity = self.identity()?;
        let conn = self.store().conn();
        let numbers = store::entries::count(conn)?;
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
                            "entry {}: the quick index does not match the recorded changes",
                            entry.number
                        ),
                    ))
                }
            }
        }
        if entries.len() != rebuilt.len() || rebuilt.len() as u64 != numbers {
            let missing = (1..=numbers).find(|n| !rebuilt.iter().any(|e| e.number == *n));
            return Ok(report.fail(
                missing,
                None,
                match missing {
                    Some(n) => format!("entry {n}: its first wording is missing from the chain"),
                    None => "the quick index lists entries that the chain does not".into(),
                },
            ));
        }
        report.checked.push(format!(
            "{} entries: each matches its recorded changes",
            rebuilt.len()
        ));

        // 4. Every original.
        let mut hashed = 0;
        for row in store::exhibits::list(conn, None)? {
            let exhibit = match crate::vault::open_exhibit_row(conn, identity, &row) {
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
                continue;
            }
            let mut sink = std::io::sink();
            match self.copy_original(&exhibit, &mut sink) {
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
                    e.to_string(),
                ));
            }
        }
        report.checked.push(format!(
            "{hashed} evidence files: each original matches its SHA-256"
        ));

        // 5. Everything else that is sealed.
        let identity = self.identity()?;
        let conn = self.store().conn();
        if let Some(sealed) = meta::get(conn, meta::SETTINGS)? {
            if let Err(e) = record::open::<crate::settings::Settings>(
                identity,
                Place {
                    table: "meta",
                    id: meta::SETTINGS,
                },
                &sealed,
            ) {
                return Ok(report.fail(None, None, format!("the settings: {e}")));
            }
        }
        for (id, sealed) in store::drafts::all(conn)? {
            if let Err(e) = record::open_envelope(
                identity,
                Place {
                    table: "drafts",
                    id: &id,
                },
                &sealed,
            ) {
                return Ok(report.fail(None, None, format!("a draft: {e}")));
            }
        }
        report.checked.push("settings and drafts open".into());
        report.fingerprint = Some(link);
        Ok(report)
    }
}

/// Turns an error into a failed report rather than an error, for callers that want
/// to report (e.g. a vault that does not even open).
pub fn failed(error: &Error) -> Report {
    Report::default().fail(None, None, error.to_string())
}
