//! The police-ready report: one PDF a person can take to a police station, that shows
//! the pattern of what happened in its first two pages and can itself become an
//! exhibit.
//!
//! The PDF holds, in order: a cover, a summary of the pattern, a timeline table, every
//! entry in full (with thumbnails of image exhibits), an index of exhibits, an appendix
//! of earlier wordings and erased entries, and a declaration to sign. Every page has a
//! footer with "page N of M", the diary's short fingerprint and the generation date.
//!
//! This module must never state a legal conclusion (it states facts in the shape the
//! law asks about), never write anything except to the writer the caller gives it,
//! and never embed an original evidence file (only the caller's ready-made thumbnails).

mod chart;
mod figures;
mod fonts;
mod format;
mod key_sheet;
mod layout;
mod sections;
pub mod statement;
mod text;

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};

use crate::entry::{Entry, Revision, Status};
use crate::error::{Error, Result};
use crate::evidence::Exhibit;
use crate::incident::Incident;

/// Everything the report shows, already opened.
#[derive(Debug, Clone)]
pub struct Document {
    /// The person keeping the diary; empty when not set.
    pub keeper_name: String,
    /// The person responsible for the conduct recorded; empty when not set.
    pub responsible_name: String,
    /// Hex SHA-256 at the head of the diary's hash chain.
    pub fingerprint: String,
    pub daybook_version: String,
    pub generated_at: DateTime<Utc>,
    /// IANA zone the report shows times in, e.g. `Europe/London`.
    pub zone: String,
    pub entries: Vec<ReportEntry>,
    /// All exhibits of the included entries.
    pub exhibits: Vec<Exhibit>,
    /// Erased entries.
    pub erased: Vec<Tombstone>,
}

/// An entry with its earlier wordings (oldest first).
#[derive(Debug, Clone)]
pub struct ReportEntry {
    pub entry: Entry,
    pub earlier: Vec<Revision>,
}

impl ReportEntry {
    /// The current wording's incident; `None` once erased.
    pub(crate) fn incident(&self) -> Option<&Incident> {
        self.entry.incident.as_ref()
    }

    pub(crate) fn is_withdrawn(&self) -> bool {
        matches!(self.entry.status, Status::Withdrawn { .. })
    }
}

/// What remains of an erased entry.
#[derive(Debug, Clone)]
pub struct Tombstone {
    pub number: u64,
    pub recorded_at: DateTime<Utc>,
    pub erased_at: DateTime<Utc>,
}

/// What to put in the report.
#[derive(Debug, Clone)]
pub struct Options {
    /// First day (in the report's zone) of incidents to include.
    pub from: Option<NaiveDate>,
    /// Last day (in the report's zone) of incidents to include.
    pub to: Option<NaiveDate>,
    pub include_withdrawn: bool,
    /// Leave out witnesses' names and contact details.
    pub redact_witnesses: bool,
    /// Show thumbnails of image exhibits.
    pub thumbnails: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            from: None,
            to: None,
            include_withdrawn: true,
            redact_witnesses: false,
            thumbnails: true,
        }
    }
}

pub use crate::progress::{NoProgress, Progress};
pub use key_sheet::key_sheet;

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub pages: usize,
    pub entries: usize,
    pub exhibits: usize,
}

/// The entries and exhibits that go in this report, in the order it shows them.
pub(crate) struct Selection<'a> {
    pub doc: &'a Document,
    pub options: &'a Options,
    pub tz: chrono_tz::Tz,
    /// In order of when they happened, then by number.
    pub entries: Vec<&'a ReportEntry>,
    /// In order of mark sequence.
    pub exhibits: Vec<&'a Exhibit>,
    pub erased: Vec<&'a Tombstone>,
    /// Withdrawn entries left out because of the options.
    pub withdrawn_left_out: usize,
}

impl<'a> Selection<'a> {
    fn new(doc: &'a Document, options: &'a Options) -> Self {
        let tz = format::zone(&doc.zone);
        // The one rule for every output (`select`): an entry's day is the day it
        // started in the zone it was written in; an erased one's, the day it was
        // recorded, in the report's zone.
        let filter = crate::select::Filter {
            from: options.from.map(crate::incident::Day),
            to: options.to.map(crate::incident::Day),
            ..Default::default()
        };
        let in_range = |d: NaiveDate| filter.day_in_range(d);
        let mut withdrawn_left_out = 0;
        let mut entries: Vec<&ReportEntry> = Vec::new();
        for e in &doc.entries {
            let Some(incident) = &e.entry.incident else {
                continue;
            };
            if matches!(e.entry.status, Status::Erased { .. }) {
                continue;
            }
            if !in_range(incident.occurred.start_day()) {
                continue;
            }
            if matches!(e.entry.status, Status::Withdrawn { .. }) && !options.include_withdrawn {
                withdrawn_left_out += 1;
                continue;
            }
            entries.push(e);
        }
        entries.sort_by_key(|e| {
            (
                e.entry.incident.as_ref().map(|i| i.occurred.start),
                e.entry.number,
            )
        });
        let numbers: BTreeSet<u64> = entries.iter().map(|e| e.entry.number).collect();
        let mut exhibits: Vec<&Exhibit> = doc
            .exhibits
            .iter()
            .filter(|x| numbers.contains(&x.entry_number))
            .collect();
        exhibits.sort_by_key(|x| (x.sequence, x.mark.clone()));
        let mut erased: Vec<&Tombstone> = doc
            .erased
            .iter()
            .filter(|t| in_range(crate::select::recorded_day(t.recorded_at, &doc.zone)))
            .collect();
        erased.sort_by_key(|t| t.number);
        Selection {
            doc,
            options,
            tz,
            entries,
            exhibits,
            erased,
            withdrawn_left_out,
        }
    }

    /// The exhibits of one entry, in the entry's order.
    pub fn exhibits_of(&self, entry: &Entry) -> Vec<&'a Exhibit> {
        let mut found: Vec<&Exhibit> = self
            .exhibits
            .iter()
            .copied()
            .filter(|x| x.entry_number == entry.number)
            .collect();
        found.sort_by_key(|x| {
            entry
                .exhibits
                .iter()
                .position(|m| *m == x.mark)
                .unwrap_or(usize::MAX)
        });
        found
    }
}

fn nothing_to_report(options: &Options) -> Error {
    let message = if options.from.is_some() || options.to.is_some() {
        "there are no entries to put in the report for those dates"
    } else {
        "there are no entries to put in the report yet"
    };
    Error::Report(message.into())
}

/// Renders the report as a PDF into `out`.
///
/// `thumbnails` is asked for the JPEG thumbnail of an exhibit by its id, one at a
/// time, so the caller can stream them from the vault; the bytes are placed in the
/// PDF unchanged.
pub fn render(
    doc: &Document,
    options: &Options,
    thumbnails: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    progress: &dyn Progress,
    out: &mut dyn std::io::Write,
) -> Result<Summary> {
    let selection = Selection::new(doc, options);
    if selection.entries.is_empty() {
        return Err(nothing_to_report(options));
    }
    if progress.cancelled() {
        return Err(Error::Cancelled);
    }
    let (bytes, pages) = sections::build(&selection, thumbnails, progress)?;
    if progress.cancelled() {
        return Err(Error::Cancelled);
    }
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(Summary {
        pages,
        entries: selection.entries.len(),
        exhibits: selection.exhibits.len(),
    })
}
