//! "SMS Backup & Restore" message backups (`<smses>` with `<sms>` and `<mms>`), read
//! as a stream: one message in memory at a time, so a backup of gigabytes of base64
//! media is read in bounded memory.
//!
//! Decisions, so that nothing is lost quietly:
//! - Times come from `date` (milliseconds, UTC), never from `readable_date`, which is
//!   text in the phone's locale. `date_sent` becomes [`Message::sent_at`]; MMS store it
//!   in seconds, SMS in milliseconds, and 0 means unknown.
//! - A record with no readable `date` cannot be placed in time: it is skipped and
//!   named in [`Outcome::problems`].
//! - An MMS part whose base64 is broken is kept as a [`Media`] with `damage` set and
//!   no bytes; the message and the rest of the backup are still read.
//! - Malformed XML, a file cut short, or an element past the limits in `xml` stops the
//!   read with an error naming the line and byte. Messages before it were already
//!   handed over.
//! - The backup's `"null"` stands for an empty field, so a `body` of `"null"` is read
//!   as empty text.

use std::io::BufRead;

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use chrono::DateTime;

use super::xml::{Attributes, Node, Stream};
use super::{
    import_error, Direction, Format, Kind, Media, Message, Outcome, Party, Position, When,
};
use crate::error::Result;

/// Base64 as phones write it: standard alphabet, padding optional.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// MMS address types in `<addr type>` (from the MMS specification's PDU headers).
const ADDR_FROM: &str = "137";
const ADDR_TO: &str = "151";
const ADDR_CC: &str = "130";
const ADDR_BCC: &str = "129";

/// Reads an SMS backup, handing each SMS and MMS to `f` in file order.
pub fn each<R, F>(reader: R, mut f: F) -> Result<Outcome>
where
    R: BufRead,
    F: FnMut(Message) -> Result<()>,
{
    let mut stream = Stream::new(reader, Format::Sms);
    let mut outcome = Outcome::default();
    let mut mms: Option<Mms> = None;
    while let Some(node) = stream.next()? {
        match node {
            Node::Start {
                name,
                mut attributes,
                empty,
                position,
                depth,
            } => {
                if depth == 1 {
                    if name != "smses" {
                        return Err(import_error(
                            Some(Format::Sms),
                            Some(position),
                            format!(
                                "this is not an SMS backup: it starts with <{name}>, not <smses>"
                            ),
                        ));
                    }
                    continue;
                }
                match (name.as_str(), mms.as_mut()) {
                    ("sms", None) if depth == 2 => {
                        if let Some(message) = sms(&attributes, position, &mut outcome) {
                            deliver(&mut f, &mut outcome, message)?;
                        }
                    }
                    ("mms", None) if depth == 2 => {
                        let started = Mms {
                            attributes,
                            parts: Vec::new(),
                            addrs: Vec::new(),
                            position,
                        };
                        if empty {
                            if let Some(message) = started.finish(&mut outcome) {
                                deliver(&mut f, &mut outcome, message)?;
                            }
                        } else {
                            mms = Some(started);
                        }
                    }
                    ("part", Some(current)) => {
                        current
                            .parts
                            .push(part(&mut attributes, position, &mut outcome));
                    }
                    ("addr", Some(current)) => {
                        if let (Some(address), Some(kind)) =
                            (attributes.get("address"), attributes.get("type"))
                        {
                            current.addrs.push((kind.to_string(), address.to_string()));
                        }
                    }
                    // Anything else (a `<parts>` wrapper, an unknown element a newer
                    // version adds) carries nothing we use.
                    _ => {}
                }
            }
            Node::End { name, depth } => {
                if name == "mms" && depth == 2 {
                    if let Some(current) = mms.take() {
                        if let Some(message) = current.finish(&mut outcome) {
                            deliver(&mut f, &mut outcome, message)?;
                        }
                    }
                }
            }
        }
    }
    Ok(outcome)
}

fn deliver<F>(f: &mut F, outcome: &mut Outcome, message: Message) -> Result<()>
where
    F: FnMut(Message) -> Result<()>,
{
    f(message)?;
    outcome.messages += 1;
    Ok(())
}

/// `date` in milliseconds since 1970 UTC.
pub(crate) fn date_ms(
    attributes: &Attributes,
    position: Position,
    what: &str,
    outcome: &mut Outcome,
) -> Option<When> {
    let raw = attributes.raw("date").unwrap_or("");
    match raw
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_millis)
    {
        Some(at) => Some(When::Utc(at)),
        None => {
            outcome.problem(
                position,
                format!("{what} skipped: its date {raw:?} is not a time Daybook can read"),
            );
            None
        }
    }
}

/// `date_sent`: seconds in MMS, milliseconds in SMS, 0 or absent when unknown. Values
/// below 10^11 cannot be milliseconds of any date after March 1973, so they are seconds.
fn date_sent(attributes: &Attributes) -> Option<When> {
    let value = attributes.get("date_sent")?.trim().parse::<i64>().ok()?;
    if value <= 0 {
        return None;
    }
    let at = if value < 100_000_000_000 {
        DateTime::from_timestamp(value, 0)
    } else {
        DateTime::from_timestamp_millis(value)
    };
    at.map(When::Utc)
}

fn direction(kind: Option<&str>) -> Direction {
    match kind {
        Some("1") => Direction::Received,
        Some("2") => Direction::Sent,
        _ => Direction::Unknown,
    }
}

/// The contact name the backup gives, unless it is a placeholder.
fn contact_name(attributes: &Attributes) -> Option<String> {
    attributes
        .get("contact_name")
        .filter(|name| *name != "(Unknown)")
        .map(str::to_string)
}

fn sms(attributes: &Attributes, position: Position, outcome: &mut Outcome) -> Option<Message> {
    let at = date_ms(attributes, position, "a text message", outcome)?;
    let direction = direction(attributes.get("type"));
    let party = Party {
        name: contact_name(attributes),
        address: attributes.get("address").map(str::to_string),
    };
    let (sender, recipients) = match direction {
        Direction::Received => (Some(party), Vec::new()),
        Direction::Sent | Direction::Unknown => (None, vec![party]),
    };
    Some(Message {
        at,
        sent_at: date_sent(attributes),
        sender,
        recipients,
        direction,
        kind: Kind::Message,
        subject: attributes.get("subject").map(str::to_string),
        text: attributes.get("body").unwrap_or("").to_string(),
        media: Vec::new(),
        position,
    })
}

/// One `<part>` of an MMS, as read.
enum Part {
    Text(String),
    Media(Media),
    Layout,
}

fn part(attributes: &mut Attributes, position: Position, outcome: &mut Outcome) -> Part {
    let content_type = attributes.get("ct").map(str::to_ascii_lowercase);
    match content_type.as_deref() {
        Some("application/smil") => return Part::Layout,
        Some("text/plain") | None if attributes.raw("data").is_none() => {
            return Part::Text(attributes.get("text").unwrap_or("").to_string());
        }
        _ => {}
    }
    let name = ["name", "cl", "fn"]
        .iter()
        .find_map(|key| attributes.get(key))
        .map(str::to_string);
    let mut media = Media {
        content_type: content_type.or_else(|| {
            name.as_deref()
                .and_then(super::content_type_for)
                .map(str::to_string)
        }),
        name,
        data: None,
        damage: None,
    };
    if let Some(encoded) = attributes.take("data") {
        let compact: Vec<u8> = encoded
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        drop(encoded);
        match BASE64.decode(&compact) {
            Ok(bytes) => media.data = Some(bytes),
            Err(e) => {
                let reason = format!(
                    "the attachment {} is damaged (its base64 cannot be decoded: {e}); the message is kept without it",
                    media.name.as_deref().unwrap_or("without a name")
                );
                outcome.problem(position, reason.clone());
                media.damage = Some(reason);
            }
        }
    }
    Part::Media(media)
}

/// An MMS being read: its own attributes, then its parts and addresses.
struct Mms {
    attributes: Attributes,
    parts: Vec<Part>,
    addrs: Vec<(String, String)>,
    position: Position,
}

impl Mms {
    fn finish(self, outcome: &mut Outcome) -> Option<Message> {
        let attributes = &self.attributes;
        let at = date_ms(attributes, self.position, "a multimedia message", outcome)?;
        let direction = direction(attributes.get("msg_box"));
        // The contact name belongs to the conversation's address; in a group that is
        // several numbers joined by `~` and the name is a list, so it names no one.
        let conversation = attributes.get("address").filter(|a| !a.contains('~'));
        let name = contact_name(attributes);
        let party = |address: &str| Party {
            name: if Some(address) == conversation {
                name.clone()
            } else {
                None
            },
            address: Some(address.to_string()),
        };
        let mut sender = self
            .addrs
            .iter()
            .find(|(kind, _)| kind == ADDR_FROM)
            .map(|(_, a)| party(a));
        let mut recipients: Vec<Party> = self
            .addrs
            .iter()
            .filter(|(kind, _)| kind == ADDR_TO || kind == ADDR_CC || kind == ADDR_BCC)
            .map(|(_, a)| party(a))
            .collect();
        if self.addrs.is_empty() {
            if let Some(address) = attributes.get("address") {
                match direction {
                    Direction::Received => sender = Some(party(address)),
                    _ => recipients.push(party(address)),
                }
            }
        }
        let mut texts = Vec::new();
        let mut media = Vec::new();
        for part in self.parts {
            match part {
                Part::Text(text) => texts.push(text),
                Part::Media(m) => media.push(m),
                Part::Layout => {}
            }
        }
        Some(Message {
            at,
            sent_at: date_sent(attributes),
            sender,
            recipients,
            direction,
            kind: Kind::Message,
            subject: attributes.get("sub").map(str::to_string),
            text: texts.join("\n"),
            media,
            position: self.position,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> Result<(Vec<Message>, Outcome)> {
        let mut messages = Vec::new();
        let outcome = each(xml.as_bytes(), |m| {
            messages.push(m);
            Ok(())
        })?;
        Ok((messages, outcome))
    }

    #[test]
    fn import_sms_surrogate_pairs_become_one_emoji() {
        let xml = r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="1">
  <sms address="07700 900123" date="1700000000000" type="1" body="I see you &#55357;&#56846;" contact_name="(Unknown)" date_sent="0" />
</smses>"#;
        let (messages, outcome) = read(xml).unwrap();
        assert_eq!(outcome.messages, 1);
        assert_eq!(messages[0].text, "I see you 😎");
        assert_eq!(messages[0].sender.as_ref().unwrap().name, None);
        assert_eq!(messages[0].sent_at, None);
        assert_eq!(messages[0].position.line, 3);
    }

    #[test]
    fn import_sms_date_sent_in_seconds_or_milliseconds() {
        let xml = r#"<smses>
<sms address="1" date="1700000000000" date_sent="1700000000" type="2" body="a" />
<sms address="1" date="1700000000000" date_sent="1699999999000" type="2" body="b" />
</smses>"#;
        let (messages, _) = read(xml).unwrap();
        let expected = |s| Some(When::Utc(DateTime::from_timestamp(s, 0).unwrap()));
        assert_eq!(messages[0].sent_at, expected(1_700_000_000));
        assert_eq!(messages[1].sent_at, expected(1_699_999_999));
        assert_eq!(messages[0].direction, Direction::Sent);
        assert!(messages[0].sender.is_none());
    }

    #[test]
    fn import_sms_unreadable_date_is_skipped_and_named() {
        let xml = "<smses>\n<sms address=\"1\" date=\"soon\" type=\"1\" body=\"a\" />\n<sms address=\"1\" date=\"1\" type=\"1\" body=\"b\" />\n</smses>";
        let (messages, outcome) = read(xml).unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].text, "b");
        assert_eq!(outcome.problems.len(), 1);
        assert_eq!(outcome.problems[0].position.line, 2);
    }

    #[test]
    fn import_sms_refuses_deep_and_unbalanced_xml() {
        let deep = format!("<smses>{}", "<a>".repeat(100));
        assert!(read(&deep).is_err());
        assert!(read("<smses><sms></smses>").is_err());
        assert!(read("<smses></smses><smses>").is_err());
        assert!(read("").is_err());
        assert!(read("<calls></calls>").is_err());
    }
}
