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
mod pack_index;
mod sections;
pub mod statement;
mod text;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};

use crate::entry::{Entry, Revision, Status};
use crate::error::{Error, Result};
use crate::evidence::Exhibit;
use crate::incident::Incident;
use crate::message::Message;

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
    /// Imported messages and calls (the report keeps those of its entries).
    pub messages: Vec<Message>,
    /// Every export recorded in the custody log before this report.
    pub custody: Vec<crate::vault::Custody>,
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
    /// Where imported messages are quoted.
    pub messages: MessageDetail,
    /// Include the entries' private notes in this one report.
    pub include_private_notes: bool,
    /// Who it is given to, for the custody log.
    pub given_to: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            from: None,
            to: None,
            include_withdrawn: true,
            redact_witnesses: false,
            thumbnails: true,
            messages: MessageDetail::Auto,
            include_private_notes: false,
            given_to: String::new(),
        }
    }
}

/// Where the report quotes imported messages and calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MessageDetail {
    /// [`Full`](MessageDetail::Full) up to [`FULL_MESSAGES_UP_TO`] messages in the
    /// report, [`Summary`](MessageDetail::Summary) beyond.
    #[default]
    Auto,
    /// Each entry quotes its messages.
    Full,
    /// Each entry counts its messages; an appendix, the message log, quotes them.
    Summary,
}

impl MessageDetail {
    /// `full` or `summary` (`None` for `Auto`), as the command line takes them.
    pub fn parse(text: &str) -> Option<MessageDetail> {
        match text.trim().to_ascii_lowercase().as_str() {
            "full" => Some(MessageDetail::Full),
            "summary" => Some(MessageDetail::Summary),
            "auto" => Some(MessageDetail::Auto),
            _ => None,
        }
    }
}

/// Most messages a report quotes in its entries when left to choose.
pub const FULL_MESSAGES_UP_TO: usize = 5_000;

pub use crate::progress::{NoProgress, Progress};
pub use key_sheet::key_sheet;
pub use pack_index::pack_index;

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub pages: usize,
    pub entries: usize,
    pub exhibits: usize,
    /// Imported messages and calls in the report.
    pub messages: usize,
    /// Whether the entries quote their messages (else the message log does).
    pub messages_in_entries: bool,
    /// The entries it holds, by number (for the custody log).
    pub entry_numbers: Vec<u64>,
    /// The exhibits it lists: (mark, SHA-256).
    pub exhibits_listed: Vec<(String, String)>,
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
    /// The imported messages of each entry, in the order of their export.
    pub messages: BTreeMap<u64, Vec<&'a Message>>,
    /// How many messages `messages` holds in all.
    pub message_count: usize,
    /// The entries quote their messages (else the message log does).
    pub messages_in_entries: bool,
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
        let mut messages: BTreeMap<u64, Vec<&Message>> = BTreeMap::new();
        for m in doc.messages.iter().filter(|m| numbers.contains(&m.entry)) {
            messages.entry(m.entry).or_default().push(m);
        }
        for list in messages.values_mut() {
            list.sort_by(|a, b| {
                (a.exhibit.as_str(), a.position.byte, a.at).cmp(&(
                    b.exhibit.as_str(),
                    b.position.byte,
                    b.at,
                ))
            });
        }
        let message_count = messages.values().map(Vec::len).sum();
        let messages_in_entries = match options.messages {
            MessageDetail::Full => true,
            MessageDetail::Summary => false,
            MessageDetail::Auto => message_count <= FULL_MESSAGES_UP_TO,
        };
        Selection {
            doc,
            options,
            tz,
            entries,
            exhibits,
            erased,
            withdrawn_left_out,
            messages,
            message_count,
            messages_in_entries,
        }
    }

    /// The imported messages of one entry, in the order of their export.
    pub fn messages_of(&self, number: u64) -> &[&'a Message] {
        self.messages.get(&number).map_or(&[], Vec::as_slice)
    }

    /// Every imported message of the report's entries, entry by entry in the report's
    /// order.
    pub fn all_messages(&self) -> impl Iterator<Item = &'a Message> + '_ {
        self.entries
            .iter()
            .flat_map(|e| self.messages_of(e.entry.number).iter().copied())
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
        messages: selection.message_count,
        messages_in_entries: selection.messages_in_entries,
        entry_numbers: selection.entries.iter().map(|e| e.entry.number).collect(),
        exhibits_listed: selection
            .exhibits
            .iter()
            .map(|x| (x.mark.clone(), x.sha256.clone()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, TimeZone};

    use super::*;
    use crate::import::{Direction, Format, Position};
    use crate::incident::Occurred;
    use crate::message::Kind;

    fn document(entries: u64, messages_each: u64) -> Document {
        let start = Utc
            .with_ymd_and_hms(2024, 3, 10, 12, 0, 0)
            .single()
            .unwrap_or_default();
        let mut doc = Document {
            keeper_name: String::new(),
            responsible_name: String::new(),
            fingerprint: String::new(),
            daybook_version: String::new(),
            generated_at: start,
            zone: "Europe/London".into(),
            entries: Vec::new(),
            exhibits: Vec::new(),
            erased: Vec::new(),
            messages: Vec::new(),
            custody: Vec::new(),
        };
        for number in 1..=entries {
            let at = start + chrono::Duration::days(number as i64);
            doc.entries.push(ReportEntry {
                entry: Entry {
                    number,
                    id: format!("e{number}"),
                    recorded_at: at,
                    amended_at: None,
                    revisions: 1,
                    status: Status::Active,
                    incident: Some(Incident::new(
                        Occurred {
                            start: at,
                            end: None,
                            approximate: false,
                            date_only: false,
                            zone: "Europe/London".into(),
                        },
                        "contact",
                    )),
                    exhibits: Vec::new(),
                    written_while_locked: false,
                    held: None,
                    messages: messages_each,
                },
                earlier: Vec::new(),
            });
            for i in 0..messages_each {
                let when = FixedOffset::east_opt(0)
                    .map(|z| at.with_timezone(&z))
                    .unwrap_or_default();
                doc.messages.push(Message {
                    id: format!("{number}-{i}"),
                    at: when,
                    zone: "Europe/London".into(),
                    exported_time: String::new(),
                    from: "Mark".into(),
                    to: Vec::new(),
                    direction: Direction::Received,
                    kind: Kind::Message,
                    call: None,
                    duration_s: None,
                    withheld: false,
                    subject: None,
                    text: "text".into(),
                    attachments: Vec::new(),
                    media_missing: Vec::new(),
                    exhibit: "JS/1".into(),
                    format: Format::WhatsApp,
                    // Stored out of order: the report puts them back in export order.
                    position: Position {
                        line: messages_each - i,
                        byte: (messages_each - i) * 10,
                    },
                    entry: number,
                    contact: true,
                });
            }
        }
        doc
    }

    fn selected(doc: &Document, from: Option<NaiveDate>, messages: MessageDetail) -> (usize, bool) {
        let options = Options {
            from,
            messages,
            ..Options::default()
        };
        let sel = Selection::new(doc, &options);
        (sel.message_count, sel.messages_in_entries)
    }

    #[test]
    fn messages_are_quoted_in_the_entries_up_to_five_thousand_unless_asked() {
        let doc = document(5, 1_000);
        assert_eq!(selected(&doc, None, MessageDetail::Auto), (5_000, true));
        assert_eq!(selected(&doc, None, MessageDetail::Summary), (5_000, false));
        let doc = document(5, 1_001);
        assert_eq!(selected(&doc, None, MessageDetail::Auto), (5_005, false));
        assert_eq!(selected(&doc, None, MessageDetail::Full), (5_005, true));
        // Only the messages of the entries the report holds count.
        let from = NaiveDate::from_ymd_opt(2024, 3, 15);
        assert_eq!(selected(&doc, from, MessageDetail::Auto), (1_001, true));
    }

    #[test]
    fn each_entry_has_its_messages_in_export_order() {
        let doc = document(2, 3);
        let options = Options::default();
        let sel = Selection::new(&doc, &options);
        let lines: Vec<u64> = sel.messages_of(2).iter().map(|m| m.position.line).collect();
        assert_eq!(lines, [1, 2, 3]);
        assert!(sel.messages_of(3).is_empty());
        assert_eq!(sel.all_messages().count(), 6);
        assert_eq!(
            MessageDetail::parse("Summary"),
            Some(MessageDetail::Summary)
        );
        assert_eq!(MessageDetail::parse("everything"), None);
    }
}
