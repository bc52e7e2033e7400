//! Messages and calls as the diary keeps them once imported: each one sealed in the
//! vault, linked to the entry for its day and to the exhibit it was read from, with
//! its place in that file so a reader can check it against the original.
//!
//! (`import::Message` is what a parser reads; this is what is kept.)

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::import::{CallOutcome, Direction, Format, Position};

/// What a kept record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Message,
    Call,
    System,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::Message => "message",
            Kind::Call => "call",
            Kind::System => "system",
        }
    }
}

/// One imported message, call or system line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Stable id: a keyed digest of what the message says and when, so the same
    /// message imported again (or from a later export of the same chat) is known.
    pub id: String,
    /// When it was sent or received, with the offset of the zone it was read in.
    pub at: DateTime<FixedOffset>,
    /// The zone the phone's times were read in (`Europe/London`).
    pub zone: String,
    /// The time exactly as the export wrote it (local for WhatsApp, UTC for SMS).
    pub exported_time: String,
    /// Who it came from, as the export names them ("" for the phone's owner when
    /// the export does not say, and for system lines).
    pub from: String,
    /// Who it went to, where the export says.
    #[serde(default)]
    pub to: Vec<String>,
    pub direction: Direction,
    pub kind: Kind,
    /// For a call: how it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<CallOutcome>,
    /// For a call: how long it lasted, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<u64>,
    /// For a call: the number was withheld.
    #[serde(default)]
    pub withheld: bool,
    /// An MMS subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The text exactly as exported.
    pub text: String,
    /// Exhibit marks of the media this message carried.
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Media the message names but whose bytes the export did not carry (or could
    /// not be read), with why.
    #[serde(default)]
    pub media_missing: Vec<String>,
    /// The exhibit mark of the export this was read from.
    pub exhibit: String,
    /// What kind of export that was.
    pub format: Format,
    /// Where it starts in that export.
    pub position: Position,
    /// The entry for its day.
    pub entry: u64,
    /// It came from one of the people the import was about (it counts as contact).
    pub contact: bool,
}

impl Message {
    /// The day it happened, in the zone it was read in.
    pub fn day(&self) -> NaiveDate {
        self.at.date_naive()
    }

    /// A call that was not answered (missed, rejected, blocked or to voicemail).
    pub fn is_unanswered_call(&self) -> bool {
        matches!(
            self.call,
            Some(
                CallOutcome::Missed
                    | CallOutcome::Rejected
                    | CallOutcome::Blocked
                    | CallOutcome::Voicemail
            )
        )
    }
}

/// Which kept messages to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only those from or to someone matching this name or number.
    pub person: Option<String>,
    pub from: Option<crate::incident::Day>,
    pub to: Option<crate::incident::Day>,
    /// Only those linked to this entry.
    pub entry: Option<u64>,
}

impl Filter {
    pub fn matches(&self, message: &Message) -> bool {
        let day = message.day();
        if self.from.is_some_and(|f| day < f.date()) || self.to.is_some_and(|t| day > t.date()) {
            return false;
        }
        if self.entry.is_some_and(|n| n != message.entry) {
            return false;
        }
        if let Some(person) = &self.person {
            let named = |who: &str| same_person(who, person);
            if !named(&message.from) && !message.to.iter().any(|t| named(t)) {
                return false;
            }
        }
        true
    }
}

/// Whether `shown` (a name, a number, or "Name (number)") is the person `wanted`
/// names: the same name ignoring case and spaces at the ends, or the same phone
/// number however it is written (spaces, dashes, `+44` or `0`).
pub fn same_person(shown: &str, wanted: &str) -> bool {
    let wanted = wanted.trim();
    if wanted.is_empty() {
        return false;
    }
    let (name, number) = split_shown(shown);
    if name.trim().eq_ignore_ascii_case(wanted) || shown.trim().eq_ignore_ascii_case(wanted) {
        return true;
    }
    let lower = |s: &str| s.trim().to_lowercase();
    if lower(name) == lower(wanted) {
        return true;
    }
    number.is_some_and(|n| same_number(n, wanted)) || same_number(name, wanted)
}

/// "Mark (+44 7700 900123)" → ("Mark", Some("+44 7700 900123")).
fn split_shown(shown: &str) -> (&str, Option<&str>) {
    match shown
        .trim()
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once(" ("))
    {
        Some((name, number)) => (name, Some(number)),
        None => (shown, None),
    }
}

/// Two phone numbers are the same when their digits are, or when both are long
/// enough to be full numbers and their last nine digits agree (`+44 7700 900123`
/// and `07700 900123`).
pub fn same_number(a: &str, b: &str) -> bool {
    let digits = |s: &str| -> Option<String> {
        let s = s.trim();
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            return None;
        }
        let d: String = s.chars().filter(char::is_ascii_digit).collect();
        (!d.is_empty()).then_some(d)
    };
    match (digits(a), digits(b)) {
        (Some(a), Some(b)) if a == b => true,
        (Some(a), Some(b)) if a.len() >= 9 && b.len() >= 9 => a[a.len() - 9..] == b[b.len() - 9..],
        _ => false,
    }
}

/// How a party is shown: the name, the number, or both.
pub fn shown(party: &crate::import::Party) -> String {
    match (&party.name, &party.address) {
        (Some(name), Some(address)) if name != address => format!("{name} ({address})"),
        (Some(name), _) => name.clone(),
        (None, Some(address)) => address.clone(),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_however_written() {
        assert!(same_number("+44 7700 900123", "07700900123"));
        assert!(same_number("07700-900-123", "07700 900123"));
        assert!(!same_number("07700 900123", "07700 900124"));
        assert!(!same_number("123", "0123"));
        assert!(!same_number("Mark", "Mark"));
    }

    #[test]
    fn people_match_by_name_or_number() {
        assert!(same_person("Mark", "mark"));
        assert!(same_person("Mark (+44 7700 900123)", "07700 900123"));
        assert!(same_person("Mark (+44 7700 900123)", "Mark"));
        assert!(same_person("+447700900123", "07700900123"));
        assert!(!same_person("Marko", "Mark"));
        assert!(!same_person("Mark", ""));
    }
}
