//! "SMS Backup & Restore" call logs (`<calls>` of `<call number duration date type>`),
//! read as a stream like the message backups. A call log matters in a stalking case
//! for its pattern: missed, rejected and blocked calls, and withheld numbers, are kept
//! as such rather than folded into "incoming".
//!
//! A call with no readable `date` is skipped and named in [`Outcome::problems`];
//! malformed XML stops the read with an error naming the line and byte.

use std::io::BufRead;

use super::xml::{Node, Stream};
use super::{import_error, CallOutcome, Direction, Format, Kind, Message, Outcome, Party};
use crate::error::Result;

/// Android's `presentation` values other than 1 ("allowed"): 2 restricted, 3 unknown,
/// 4 payphone. Each means the caller's number was not shown.
const PRESENTATION_ALLOWED: &str = "1";

/// Reads a call log, handing each call to `f` in file order.
pub fn each<R, F>(reader: R, mut f: F) -> Result<Outcome>
where
    R: BufRead,
    F: FnMut(Message) -> Result<()>,
{
    let mut stream = Stream::new(reader, Format::Calls);
    let mut outcome = Outcome::default();
    while let Some(node) = stream.next()? {
        let Node::Start {
            name,
            attributes,
            position,
            depth,
            ..
        } = node
        else {
            continue;
        };
        if depth == 1 {
            if name != "calls" {
                return Err(import_error(
                    Some(Format::Calls),
                    Some(position),
                    format!("this is not a call log: it starts with <{name}>, not <calls>"),
                ));
            }
            continue;
        }
        if name != "call" || depth != 2 {
            continue;
        }
        let Some(at) = super::sms::date_ms(&attributes, position, "a call", &mut outcome) else {
            continue;
        };
        let call = match attributes.get("type") {
            Some("1") => CallOutcome::Incoming,
            Some("2") => CallOutcome::Outgoing,
            Some("3") => CallOutcome::Missed,
            Some("4") => CallOutcome::Voicemail,
            Some("5") => CallOutcome::Rejected,
            Some("6") => CallOutcome::Blocked,
            _ => CallOutcome::Unknown,
        };
        let withheld = attributes
            .get("presentation")
            .is_some_and(|p| p != PRESENTATION_ALLOWED);
        // Android writes negative numbers ("-1", "-2") for withheld callers.
        let address = attributes
            .get("number")
            .filter(|n| !n.starts_with('-'))
            .map(str::to_string);
        let party = Party {
            name: attributes
                .get("contact_name")
                .filter(|n| *n != "(Unknown)")
                .map(str::to_string),
            address,
        };
        let direction = match call {
            CallOutcome::Outgoing => Direction::Sent,
            CallOutcome::Unknown => Direction::Unknown,
            _ => Direction::Received,
        };
        let (sender, recipients) = match direction {
            Direction::Sent => (None, vec![party]),
            _ => (Some(party), Vec::new()),
        };
        let duration_s = attributes
            .get("duration")
            .and_then(|d| d.trim().parse::<u64>().ok())
            .unwrap_or(0);
        f(Message {
            at,
            sent_at: None,
            sender,
            recipients,
            direction,
            kind: Kind::Call {
                outcome: call,
                duration_s,
                withheld,
            },
            subject: None,
            text: String::new(),
            media: Vec::new(),
            position,
        })?;
        outcome.messages += 1;
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_calls_every_type_and_withheld_numbers() {
        let mut xml = String::from("<?xml version='1.0'?>\n<calls count=\"8\">\n");
        for kind in 1..=7 {
            xml.push_str(&format!(
                "<call number=\"+447700900{kind}\" duration=\"{}\" date=\"17000000{kind}0000\" type=\"{kind}\" presentation=\"1\" contact_name=\"Sam\" />\n",
                kind * 10
            ));
        }
        xml.push_str("<call number=\"-2\" duration=\"0\" date=\"1700000000000\" type=\"3\" presentation=\"2\" contact_name=\"null\" />\n</calls>\n");
        let mut calls = Vec::new();
        let outcome = each(xml.as_bytes(), |m| {
            calls.push(m);
            Ok(())
        })
        .unwrap();
        assert_eq!(outcome.messages, 8);
        let outcomes: Vec<_> = calls
            .iter()
            .map(|c| match c.kind {
                Kind::Call { outcome, .. } => outcome,
                _ => CallOutcome::Unknown,
            })
            .collect();
        use CallOutcome::*;
        assert_eq!(
            outcomes,
            [Incoming, Outgoing, Missed, Voicemail, Rejected, Blocked, Unknown, Missed]
        );
        assert_eq!(calls[1].direction, Direction::Sent);
        assert_eq!(
            calls[1].recipients[0].address.as_deref(),
            Some("+4477009002")
        );
        assert_eq!(
            calls[2].kind,
            Kind::Call {
                outcome: Missed,
                duration_s: 30,
                withheld: false
            }
        );
        let withheld = &calls[7];
        assert_eq!(
            withheld.kind,
            Kind::Call {
                outcome: Missed,
                duration_s: 0,
                withheld: true
            }
        );
        assert_eq!(withheld.sender, Some(Party::default()));
    }
}
