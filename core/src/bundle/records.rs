//! `entries.json`: every entry of a handover with every wording it ever had, its
//! withdrawn or erased marker, and the exhibits' descriptions (mark, original name,
//! SHA-256, when added, how obtained).
//!
//! The records are opened types; this module only serialises them, applying the
//! handover's options (withholding witnesses). It never reads the vault.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::bundle::manifest::ENTRIES_JSON_PATH;
use crate::entry::{Entry, Revision};
use crate::error::{Error, Result};
use crate::evidence::Exhibit;
use crate::incident::Incident;

/// The `format` value of `entries.json`.
pub const ENTRIES_FORMAT: &str = "daybook-entries";

/// The version of the `entries.json` layout this code writes and reads.
pub const ENTRIES_FORMAT_VERSION: u32 = 1;

/// One entry as handed over: its current state and every saved wording, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryRecord {
    pub entry: Entry,
    pub revisions: Vec<Revision>,
}

/// Choices the person makes when handing over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Replace witnesses' names and details with `entry::LEFT_OUT` in every wording.
    pub redact_witnesses: bool,
}

/// The whole of `entries.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntriesFile {
    pub format: String,
    pub format_version: u32,
    /// Whether witnesses were withheld.
    pub redacted_witnesses: bool,
    pub entries: Vec<EntryRecord>,
    /// Every exhibit of these entries, erased ones included (their hash stays).
    pub exhibits: Vec<Exhibit>,
}

fn redact(incident: &mut Incident) {
    if !incident.witnesses.trim().is_empty() {
        incident.witnesses = crate::entry::LEFT_OUT.to_string();
    }
}

impl EntriesFile {
    /// Gathers the records, applying `options`.
    pub fn new(records: &[EntryRecord], exhibits: &[Exhibit], options: &Options) -> Self {
        let mut entries = records.to_vec();
        if options.redact_witnesses {
            for record in &mut entries {
                if let Some(incident) = record.entry.incident.as_mut() {
                    redact(incident);
                }
                for revision in &mut record.revisions {
                    redact(&mut revision.incident);
                }
            }
        }
        EntriesFile {
            format: ENTRIES_FORMAT.to_string(),
            format_version: ENTRIES_FORMAT_VERSION,
            redacted_witnesses: options.redact_witnesses,
            entries,
            exhibits: exhibits.to_vec(),
        }
    }

    /// The JSON text, indented, ending in a newline.
    pub fn to_json(&self) -> Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| {
            Error::bundle_member(ENTRIES_JSON_PATH, format!("it could not be written: {e}"))
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Reads `entries.json`, refusing other files and newer layouts.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let file: EntriesFile = serde_json::from_slice(bytes).map_err(|e| {
            Error::bundle_member(ENTRIES_JSON_PATH, format!("it could not be read: {e}"))
        })?;
        if file.format != ENTRIES_FORMAT {
            return Err(Error::bundle_member(
                ENTRIES_JSON_PATH,
                format!(
                    "it is not a Daybook entries file (format {:?})",
                    file.format
                ),
            ));
        }
        if file.format_version > ENTRIES_FORMAT_VERSION {
            return Err(Error::bundle_member(
                ENTRIES_JSON_PATH,
                format!(
                    "it was made by a newer Daybook (layout {}); please update Daybook",
                    file.format_version
                ),
            ));
        }
        Ok(file)
    }

    /// The first and last local day the entries cover (erased entries, which have no
    /// date any more, are left out).
    pub fn date_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        date_span(&self.entries)
    }
}

/// The first and last local day the records cover, by when the incidents happened.
pub fn date_span(records: &[EntryRecord]) -> Option<(NaiveDate, NaiveDate)> {
    let mut span: Option<(NaiveDate, NaiveDate)> = None;
    for incident in records.iter().filter_map(|r| r.entry.incident.as_ref()) {
        let first = incident.occurred.start_local().date_naive();
        let last = incident
            .occurred
            .end_local()
            .map(|e| e.date_naive())
            .unwrap_or(first);
        span = Some(match span {
            None => (first, last),
            Some((a, b)) => (a.min(first), b.max(last)),
        });
    }
    span
}
