//! `messages.json` and `messages.csv`: every imported message and call of the entries
//! handed over, beside the originals they were read from.
//!
//! Each message keeps the text exactly as exported, when it was sent or received (RFC
//! 3339 with the offset of the zone it was read in), who it was from and to, the
//! exhibit mark of the export and the line and byte where it starts in that file, the
//! marks of the media it carried and the number of the entry it belongs to, so that a
//! reader can check any message against the original export.
//!
//! Redaction does not apply: witnesses' details are an entry's, and messages are left
//! as they were exported. This module never reads the vault.

use serde::{Deserialize, Serialize};

use super::csv::Table;
use crate::error::{Error, Result};
use crate::import::{CallOutcome, Direction};
use crate::message::Message;

/// The path of the messages as JSON, in a handover or an evidence pack.
pub const MESSAGES_JSON_PATH: &str = "messages.json";
/// The path of the messages as a spreadsheet.
pub const MESSAGES_CSV_PATH: &str = "messages.csv";

/// The `format` value of `messages.json`.
pub const MESSAGES_FORMAT: &str = "daybook-messages";

/// The version of the `messages.json` layout this code writes and reads.
pub const MESSAGES_FORMAT_VERSION: u32 = 1;

/// Columns of `messages.csv`, in order.
pub const MESSAGE_COLUMNS: [&str; 21] = [
    "entry_number",
    "at",
    "zone",
    "exported_time",
    "kind",
    "direction",
    "contact",
    "from",
    "to",
    "call",
    "duration_s",
    "withheld",
    "subject",
    "text",
    "attachments",
    "media_missing",
    "exhibit",
    "format",
    "line",
    "byte",
    "id",
];

/// The whole of `messages.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagesFile {
    pub format: String,
    pub format_version: u32,
    /// By day, then entry, then in the order of the export. Each `at` is written
    /// with its offset (`+00:00`, never `Z`).
    #[serde(serialize_with = "with_offsets")]
    pub messages: Vec<Message>,
}

/// Writes the messages with `at` as RFC 3339 with the offset of the zone each was
/// read in, spelled out even when it is zero.
fn with_offsets<S: serde::Serializer>(
    messages: &[Message],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::{Error as _, SerializeSeq};
    let mut seq = serializer.serialize_seq(Some(messages.len()))?;
    for m in messages {
        let mut value = serde_json::to_value(m).map_err(S::Error::custom)?;
        if let Some(fields) = value.as_object_mut() {
            fields.insert("at".into(), serde_json::Value::String(m.at.to_rfc3339()));
        }
        seq.serialize_element(&value)?;
    }
    seq.end()
}

/// The order both files list messages in: by day (in the zone each was read in), then
/// entry, then export and place in it.
fn sorted(messages: &[Message]) -> Vec<&Message> {
    let mut list: Vec<&Message> = messages.iter().collect();
    list.sort_by(|a, b| {
        (a.day(), a.entry, a.exhibit.as_str(), a.position.byte).cmp(&(
            b.day(),
            b.entry,
            b.exhibit.as_str(),
            b.position.byte,
        ))
    });
    list
}

impl MessagesFile {
    pub fn new(messages: &[Message]) -> Self {
        MessagesFile {
            format: MESSAGES_FORMAT.to_string(),
            format_version: MESSAGES_FORMAT_VERSION,
            messages: sorted(messages).into_iter().cloned().collect(),
        }
    }

    /// The JSON text, indented, ending in a newline.
    pub fn to_json(&self) -> Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::bundle(format!("messages.json could not be written: {e}")))?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Reads `messages.json`, refusing other files and newer layouts.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let file: MessagesFile = serde_json::from_slice(bytes)
            .map_err(|e| Error::bundle(format!("messages.json could not be read: {e}")))?;
        if file.format != MESSAGES_FORMAT {
            return Err(Error::bundle(format!(
                "messages.json is not a Daybook messages file (format {:?})",
                file.format
            )));
        }
        if file.format_version > MESSAGES_FORMAT_VERSION {
            return Err(Error::bundle(format!(
                "messages.json was made by a newer Daybook (layout {}); please update Daybook",
                file.format_version
            )));
        }
        Ok(file)
    }
}

fn direction_key(d: Direction) -> &'static str {
    match d {
        Direction::Received => "received",
        Direction::Sent => "sent",
        Direction::Unknown => "unknown",
    }
}

fn call_key(c: CallOutcome) -> &'static str {
    match c {
        CallOutcome::Incoming => "incoming",
        CallOutcome::Outgoing => "outgoing",
        CallOutcome::Missed => "missed",
        CallOutcome::Voicemail => "voicemail",
        CallOutcome::Rejected => "rejected",
        CallOutcome::Blocked => "blocked",
        CallOutcome::Unknown => "unknown",
    }
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_string()
}

/// `messages.csv`: one row per message or call, in the order of `messages.json`.
/// Like every Daybook table, a cell that starts with `= + - @` is prefixed with `'`
/// (see `csv::field`); `messages.json` holds the text exactly.
pub fn csv(messages: &[Message]) -> Vec<u8> {
    let mut table = Table::new(&MESSAGE_COLUMNS);
    for m in sorted(messages) {
        table.row([
            m.entry.to_string(),
            m.at.to_rfc3339(),
            m.zone.clone(),
            m.exported_time.clone(),
            m.kind.key().to_string(),
            direction_key(m.direction).to_string(),
            yes_no(m.contact),
            m.from.clone(),
            m.to.join(";"),
            m.call.map(call_key).unwrap_or_default().to_string(),
            m.duration_s.map(|d| d.to_string()).unwrap_or_default(),
            yes_no(m.withheld),
            m.subject.clone().unwrap_or_default(),
            m.text.clone(),
            m.attachments.join(";"),
            m.media_missing.join(";"),
            m.exhibit.clone(),
            m.format.name().to_string(),
            m.position.line.to_string(),
            m.position.byte.to_string(),
            m.id.clone(),
        ]);
    }
    table.into_bytes()
}
