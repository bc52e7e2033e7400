//! RFC 4180 tables for spreadsheets: `entries.csv` in a handover and `manifest.csv` in
//! an evidence pack.
//!
//! Support workers open these in Excel, so every text field is guarded against
//! formula injection (a leading `'` before `=`, `+`, `-`, `@`, tab or CR) and the file
//! starts with a UTF-8 byte order mark so Excel shows accents and quotes correctly.
//! Lines end in CRLF; fields with a comma, quote, CR or LF are quoted and quotes doubled.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::entry::Status;
use crate::evidence::Exhibit;

use super::records::{EntryRecord, Options};
use crate::entry::LEFT_OUT;

/// UTF-8 byte order mark, so Excel reads the file as UTF-8.
pub const BOM: &str = "\u{FEFF}";

/// Columns of `entries.csv`, in order.
pub const ENTRY_COLUMNS: [&str; 29] = [
    "number",
    "status",
    "occurred_start_local",
    "occurred_end_local",
    "approximate",
    "zone",
    "recorded_at",
    "amended_at",
    "location",
    "behaviours",
    "channel",
    "channel_detail",
    "description",
    "who",
    "witnesses",
    "children_present",
    "police_date",
    "police_reference",
    "police_officer",
    "response",
    "impact_fear_of_violence",
    "impact_alarm_or_distress",
    "impact_daily_life_changes",
    "impact_notes",
    "order_breached",
    "risks",
    "tags",
    "exhibits",
    "withdrawn_reason",
];

/// Columns of an evidence pack's `manifest.csv`, in order.
pub const PACK_COLUMNS: [&str; 9] = [
    "mark",
    "entry_number",
    "original_name",
    "file_name",
    "media_type",
    "size_bytes",
    "sha256",
    "capture_time",
    "added_at",
];

/// The columns of a batch's `captions.csv` (a caption for each file, for an upload
/// portal that records the upload time when a file carries no date of its own).
pub const CAPTION_COLUMNS: [&str; 7] = [
    "mark",
    "original_name",
    "capture_time",
    "obtained",
    "recorded_at",
    "sha256",
    "description",
];

/// A batch's `captions.csv`: `rows` are (exhibit, file name, short description).
pub fn captions(rows: &[(&Exhibit, String, String)]) -> Vec<u8> {
    let mut table = Table::new(&CAPTION_COLUMNS);
    for (exhibit, _, description) in rows {
        table.row([
            exhibit.mark.clone(),
            exhibit.original_name.clone(),
            exhibit.metadata.capture_time.clone().unwrap_or_default(),
            exhibit.how_obtained.clone(),
            exhibit.added_at.to_rfc3339(),
            exhibit.sha256.clone(),
            description.clone(),
        ]);
    }
    table.into_bytes()
}

/// One field, guarded and quoted as needed.
pub fn field(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A table being written: a header row, then rows, each ending in CRLF.
pub(crate) struct Table {
    text: String,
}

impl Table {
    pub(crate) fn new(columns: &[&str]) -> Self {
        let mut table = Table {
            text: BOM.to_string(),
        };
        table.row(columns.iter().map(|c| c.to_string()));
        table
    }

    pub(crate) fn row(&mut self, fields: impl IntoIterator<Item = String>) {
        let line: Vec<String> = fields.into_iter().map(|f| field(&f)).collect();
        self.text.push_str(&line.join(","));
        self.text.push_str("\r\n");
    }

    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.text.into_bytes()
    }
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_string()
}

fn zone_of(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::UTC)
}

/// An instant in the entry's zone, ISO 8601 with its offset.
fn local(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).to_rfc3339()
}

/// `entries.csv`: one row per entry, its current wording, withdrawn and erased entries
/// included (erased ones with their content blank).
pub fn entries(records: &[EntryRecord], options: &Options) -> Vec<u8> {
    let mut table = Table::new(&ENTRY_COLUMNS);
    for record in records {
        let entry = &record.entry;
        let zone_name = entry
            .incident
            .as_ref()
            .map(|i| i.occurred.zone.clone())
            .unwrap_or_else(|| "UTC".to_string());
        let tz = zone_of(&zone_name);
        let mut row = vec![entry.number.to_string(), entry.status.key().to_string()];
        match &entry.incident {
            Some(i) => {
                let o = &i.occurred;
                let start = if o.date_only {
                    o.start_local().format("%Y-%m-%d").to_string()
                } else {
                    o.start_local_rfc3339()
                };
                let end = o.end_local().map(|e| e.to_rfc3339()).unwrap_or_default();
                let witnesses = if options.redact_witnesses && !i.witnesses.trim().is_empty() {
                    LEFT_OUT.to_string()
                } else {
                    i.witnesses.clone()
                };
                row.extend([
                    start,
                    end,
                    yes_no(o.approximate),
                    zone_name.clone(),
                    local(entry.recorded_at, tz),
                    entry.amended_at.map(|a| local(a, tz)).unwrap_or_default(),
                    i.location.clone(),
                    i.behaviours
                        .iter()
                        .map(|b| b.key())
                        .collect::<Vec<_>>()
                        .join(";"),
                    i.channel.map(|c| c.key().to_string()).unwrap_or_default(),
                    i.channel_detail.clone(),
                    i.description.clone(),
                    i.who.clone(),
                    witnesses,
                    i.children_present.map(yes_no).unwrap_or_default(),
                    i.police.date.clone(),
                    i.police.reference.clone(),
                    i.police.officer.clone(),
                    i.response.clone(),
                    yes_no(i.impact.fear_of_violence),
                    yes_no(i.impact.alarm_or_distress),
                    i.impact.daily_life_changes.clone(),
                    i.impact.notes.clone(),
                    i.order_breached.clone(),
                    i.risks
                        .iter()
                        .map(|r| r.key())
                        .collect::<Vec<_>>()
                        .join(";"),
                    i.tags.join(";"),
                ]);
            }
            None => {
                // Erased: only the number, status, zone and honest times remain.
                row.extend([
                    String::new(),
                    String::new(),
                    String::new(),
                    zone_name.clone(),
                ]);
                row.push(local(entry.recorded_at, tz));
                row.push(entry.amended_at.map(|a| local(a, tz)).unwrap_or_default());
                row.extend(std::iter::repeat_n(String::new(), 19));
            }
        }
        row.push(entry.exhibits.join(";"));
        row.push(match &entry.status {
            Status::Withdrawn { reason, .. } => reason.clone(),
            _ => String::new(),
        });
        table.row(row);
    }
    table.into_bytes()
}

/// An evidence pack's `manifest.csv`: one row per original written, with the name it
/// has in the pack.
pub fn pack_manifest(rows: &[(&Exhibit, String)]) -> Vec<u8> {
    let mut table = Table::new(&PACK_COLUMNS);
    for (exhibit, file_name) in rows {
        table.row([
            exhibit.mark.clone(),
            exhibit.entry_number.to_string(),
            exhibit.original_name.clone(),
            file_name.clone(),
            exhibit.media_type.clone(),
            exhibit.size.to_string(),
            exhibit.sha256.clone(),
            exhibit.metadata.capture_time.clone().unwrap_or_default(),
            exhibit.added_at.to_rfc3339(),
        ]);
    }
    table.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(field(""), "");
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(
            field("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(field("+44 7700 900000"), "'+44 7700 900000");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field("\rx"), "\"'\rx\"");
        assert_eq!(field("a=b"), "a=b");
    }

    #[test]
    fn rows_end_in_crlf_after_a_bom() {
        let mut t = Table::new(&["a", "b"]);
        t.row(["1".to_string(), "x,y".to_string()]);
        let text = String::from_utf8(t.into_bytes()).unwrap();
        assert_eq!(text, "\u{FEFF}a,b\r\n1,\"x,y\"\r\n");
    }
}
