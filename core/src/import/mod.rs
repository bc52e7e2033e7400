//! Reading the messages and calls people already have on their phones: a WhatsApp
//! "Export chat" (`.txt`, or the `.zip` with media), an "SMS Backup & Restore" backup
//! (`sms-*.xml`) and its call log (`calls-*.xml`), into one opened [`Message`] type.
//!
//! This module only parses. It never writes anywhere, never touches the vault and
//! never guesses: a WhatsApp date that could be day-first or month-first is refused
//! until the person says which ([`DayOrder`]), and times keep the kind the export
//! gives ([`When::Local`] phone time without a zone, or [`When::Utc`]). Bad input
//! returns an error naming the place in the file; it must never panic, and every
//! input is read within named limits (see the `MAX_*` constants in each file).
//!
//! Messages are handed to a callback as they are read ([`each`]) so a caller can seal
//! them one at a time; [`summary`] is the dry run a person sees before importing.
//!
//! ```no_run
//! use daybook_core::import::{self, Options};
//! # fn main() -> daybook_core::Result<()> {
//! let path = std::path::Path::new("WhatsApp Chat with Sam.zip");
//! let dry_run = import::summary(path, &Options::default())?;
//! println!("{} messages from {} people", dry_run.messages, dry_run.people.len());
//! import::each(path, &Options::default(), |message| {
//!     println!("{:?} {}", message.at, message.text);
//!     Ok(())
//! })?;
//! # Ok(()) }
//! ```

mod archive;
pub mod calls;
pub mod sms;
mod summary;
pub mod whatsapp;
mod xml;

use std::io::{BufReader, Read};
use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use summary::{summary, Person, Summary};

/// How many bytes [`detect_path`] reads to recognise a file.
pub const DETECT_HEAD_BYTES: usize = 8 * 1024;

/// How many [`Problem`]s an [`Outcome`] keeps; past this they are only counted, so a
/// backup with a million damaged parts cannot exhaust memory.
pub const MAX_PROBLEMS_KEPT: usize = 1_000;

/// The kinds of export this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A WhatsApp "Export chat": the `.txt` alone or the `.zip` with media.
    #[serde(rename = "whatsapp")]
    WhatsApp,
    /// An "SMS Backup & Restore" messages backup (`<smses>`): SMS and MMS.
    Sms,
    /// An "SMS Backup & Restore" call log (`<calls>`).
    Calls,
}

impl Format {
    /// The lowercase name used in JSON and messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::WhatsApp => "whatsapp",
            Format::Sms => "sms",
            Format::Calls => "calls",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::WhatsApp => "WhatsApp chat",
            Format::Sms => "SMS backup",
            Format::Calls => "call log",
        })
    }
}

/// When a message was sent or received, in the kind of time the export gives.
///
/// The two kinds are kept apart on purpose: a WhatsApp export has the phone's local
/// time with no zone, and turning it into an instant needs the zone the phone was in,
/// which only the person can confirm.
///
/// In JSON a local time is `"2024-01-05T20:14:35"` and an instant ends in `Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum When {
    /// The phone's local time, no zone (WhatsApp).
    Local(NaiveDateTime),
    /// An instant (SMS and call backups store milliseconds since 1970 UTC).
    Utc(DateTime<Utc>),
}

impl std::fmt::Display for When {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            When::Local(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%S")),
            When::Utc(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%S%.3fZ")),
        }
    }
}

impl Serialize for When {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl When {
    /// The wall-clock reading used to order times of the same kind.
    pub(crate) fn sort_key(&self) -> NaiveDateTime {
        match self {
            When::Local(t) => *t,
            When::Utc(t) => t.naive_utc(),
        }
    }
}

/// Someone in an export: a name, a phone number or address, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Party {
    /// The name the phone or the chat shows, when there is one.
    pub name: Option<String>,
    /// The phone number or address, when the export gives one.
    pub address: Option<String>,
}

/// Which way a message or call went, seen from the phone that made the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Came in to the phone.
    Received,
    /// Went out from the phone.
    Sent,
    /// The export does not say (WhatsApp chats; SMS drafts, outbox and failed).
    Unknown,
}

/// How a call ended, as the call log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallOutcome {
    /// An answered incoming call (type 1).
    Incoming,
    /// An outgoing call (type 2).
    Outgoing,
    /// A missed incoming call (type 3).
    Missed,
    /// A call that went to voicemail (type 4).
    Voicemail,
    /// A call the phone's owner rejected (type 5).
    Rejected,
    /// A call the phone blocked (type 6).
    Blocked,
    /// Any other type number.
    Unknown,
}

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Kind {
    /// A text or multimedia message.
    Message,
    /// A phone call from a call log.
    Call {
        /// How the call ended.
        outcome: CallOutcome,
        /// How long it lasted, in seconds.
        duration_s: u64,
        /// The caller's number was withheld (private, unknown or payphone).
        withheld: bool,
    },
    /// A line the app wrote itself ("… created group", "You were added").
    System,
}

/// A photo, video, voice note or document a message refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// The file name the export gives; `None` for "<Media omitted>".
    pub name: Option<String>,
    /// The content type the export states (SMS) or the file name suggests.
    pub content_type: Option<String>,
    /// The bytes, when the export carries them (inside the zip or the XML).
    pub data: Option<Vec<u8>>,
    /// Why the bytes could not be read, when the export has them but they are damaged
    /// (broken base64, a missing zip entry): the message itself is still imported.
    pub damage: Option<String>,
}

/// Where something is in the source: the line (from 1) and byte offset (from 0) where
/// it starts. For a WhatsApp zip it is the place in the chat text inside the zip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Position {
    /// Line number, counting from 1.
    pub line: u64,
    /// Byte offset, counting from 0.
    pub byte: u64,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, byte {}", self.line, self.byte)
    }
}

/// One opened message, call or system line, as the export has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// When it was sent or received (for a call: when it started).
    pub at: When,
    /// When the sender's phone says it was sent, where the export gives that apart
    /// from `at` (SMS `date_sent`, which some phones store in seconds).
    pub sent_at: Option<When>,
    /// Who it came from; `None` when the phone's owner sent it and the export does
    /// not name them, and for system lines.
    pub sender: Option<Party>,
    /// Who it went to, where the export says (SMS, MMS to/cc/bcc, outgoing calls).
    pub recipients: Vec<Party>,
    /// Which way it went.
    pub direction: Direction,
    /// Message, call or system line.
    pub kind: Kind,
    /// An MMS subject, when there is one.
    pub subject: Option<String>,
    /// The text exactly as exported (a multi-line WhatsApp message keeps its line
    /// breaks as `\n`; "This message was deleted" is kept as it stands).
    pub text: String,
    /// Media the message refers to or carries.
    pub media: Vec<Media>,
    /// Where it starts in the source.
    pub position: Position,
}

/// Something that was wrong in the export but did not stop the rest being read: a
/// damaged attachment, a record with no readable date (skipped), a line that looks
/// like a message start but has an impossible date (kept as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where in the source.
    pub position: Position,
    /// What was wrong, in plain words.
    pub reason: String,
}

/// What a full read found, besides the messages themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// How many records were handed to the callback.
    pub messages: u64,
    /// Problems that did not stop the read (at most [`MAX_PROBLEMS_KEPT`]).
    pub problems: Vec<Problem>,
    /// Problems beyond [`MAX_PROBLEMS_KEPT`], only counted.
    pub problems_not_kept: u64,
}

impl Outcome {
    pub(crate) fn problem(&mut self, position: Position, reason: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS_KEPT {
            self.problems.push(Problem {
                position,
                reason: reason.into(),
            });
        } else {
            self.problems_not_kept = self.problems_not_kept.saturating_add(1);
        }
    }
}

/// Whether a WhatsApp chat writes its dates day first (31/12/24), month first
/// (12/31/24) or year first (2024-12-31). The phone's locale decides and the chat does
/// not say, so it is settled from the data: one date whose first field is over 12
/// makes it day first, one whose second is makes it month first. When every date
/// could be either it stays `Ambiguous`, and the person must choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayOrder {
    /// dd/mm/yy.
    DayFirst,
    /// mm/dd/yy.
    MonthFirst,
    /// yyyy/mm/dd (never ambiguous).
    YearFirst,
    /// Every date could be read either way.
    Ambiguous,
}

/// What the caller decides for an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The day order the person chose for a WhatsApp chat whose dates are ambiguous.
    /// It is refused if the dates in the chat contradict it.
    pub day_order: Option<DayOrder>,
}

/// Recognises an export from its first bytes (a few KiB are plenty).
///
/// Errors say plainly when the file is empty, is text in another encoding (UTF-16,
/// or not UTF-8 at all) or is not a format Daybook reads.
pub fn detect(head: &[u8]) -> Result<Format> {
    if head.is_empty() {
        return Err(import_error(None, None, "the file is empty"));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(import_error(
            None,
            None,
            "the file is text in UTF-16; Daybook reads exports in UTF-8 (export it again, or save it as UTF-8)",
        ));
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(Format::WhatsApp);
    }
    let nuls = head.iter().take(512).filter(|&&b| b == 0).count();
    if nuls * 4 > head.len().min(512) {
        return Err(import_error(
            None,
            None,
            "the file looks like UTF-16 text or binary data, not a UTF-8 export",
        ));
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text =
        match std::str::from_utf8(head) {
            Ok(text) => text,
            // A character cut in half by the end of the sample is not an error.
            Err(e) if e.error_len().is_none() => {
                std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
            }
            Err(e) => return Err(import_error(
                None,
                Some(position_in(head, e.valid_up_to())),
                "the file is not UTF-8 text (it may be in another encoding, or not text at all)",
            )),
        };
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return match xml::root_name(trimmed) {
            Some("smses") => Ok(Format::Sms),
            Some("calls") => Ok(Format::Calls),
            Some(other) => Err(import_error(
                None,
                None,
                format!("an XML file whose first element is <{other}>, not an SMS Backup & Restore backup (<smses> or <calls>)"),
            )),
            None => Err(import_error(None, None, "an XML file Daybook does not recognise")),
        };
    }
    if let Some(first) = trimmed.lines().next() {
        if whatsapp::looks_like_chat_line(first) {
            return Ok(Format::WhatsApp);
        }
    }
    Err(import_error(
        None,
        None,
        "not an export Daybook can read: it expects a WhatsApp chat (.txt or .zip), or an SMS Backup & Restore backup or call log (.xml)",
    ))
}

/// Recognises the export at `path` from its first [`DETECT_HEAD_BYTES`].
pub fn detect_path(path: &Path) -> Result<Format> {
    let file = std::fs::File::open(path).map_err(|e| Error::file(path, e))?;
    let mut head = Vec::with_capacity(DETECT_HEAD_BYTES);
    file.take(DETECT_HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| Error::file(path, e))?;
    detect(&head)
}

/// Reads the export at `path`, whatever its format, handing each record to `f` in the
/// order of the file. An error from `f` stops the read and is returned as it is.
///
/// Records already handed over stay handed over when a later part of the file turns
/// out to be broken: the error names where.
pub fn each<F>(path: &Path, options: &Options, f: F) -> Result<Outcome>
where
    F: FnMut(Message) -> Result<()>,
{
    match detect_path(path)? {
        Format::WhatsApp => whatsapp::Chat::open(path)?.each(options.day_order, f),
        Format::Sms => sms::each(open_buffered(path)?, f),
        Format::Calls => calls::each(open_buffered(path)?, f),
    }
}

/// Reads a whole (small) export into memory. Prefer [`each`] for anything a person
/// might have kept for years: an SMS backup can be gigabytes.
pub fn read_all(path: &Path, options: &Options) -> Result<(Vec<Message>, Outcome)> {
    let mut messages = Vec::new();
    let outcome = each(path, options, |m| {
        messages.push(m);
        Ok(())
    })?;
    Ok((messages, outcome))
}

fn open_buffered(path: &Path) -> Result<BufReader<std::fs::File>> {
    let file = std::fs::File::open(path).map_err(|e| Error::file(path, e))?;
    Ok(BufReader::with_capacity(64 * 1024, file))
}

/// The error for anything wrong with an export.
pub(crate) fn import_error(
    format: Option<Format>,
    position: Option<Position>,
    reason: impl Into<String>,
) -> Error {
    Error::Import {
        format,
        position,
        reason: reason.into(),
    }
}

/// The text of an [`Error::Import`], kept here so the wording sits with the module.
pub(crate) fn describe(
    format: &Option<Format>,
    position: &Option<Position>,
    reason: &str,
) -> String {
    match (format, position) {
        (Some(format), Some(position)) => format!("{format}, {position}: {reason}"),
        (Some(format), None) => format!("{format}: {reason}"),
        (None, Some(position)) => format!("{position}: {reason}"),
        (None, None) => reason.to_string(),
    }
}

/// The line and byte of offset `at` in `text`.
pub(crate) fn position_in(text: &[u8], at: usize) -> Position {
    let at = at.min(text.len());
    let line = text[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    Position {
        line,
        byte: at as u64,
    }
}

/// A content type from a file name's extension, for media that do not state one.
pub(crate) fn content_type_for(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "mp4" => "video/mp4",
        "3gp" => "video/3gpp",
        "mov" => "video/quicktime",
        "opus" => "audio/ogg",
        "ogg" => "audio/ogg",
        "m4a" => "audio/mp4",
        "mp3" => "audio/mpeg",
        "aac" => "audio/aac",
        "pdf" => "application/pdf",
        "vcf" => "text/vcard",
        "txt" => "text/plain",
        _ => return None,
    })
}
