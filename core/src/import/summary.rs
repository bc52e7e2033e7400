//! The dry run: what an import would bring in, shown to the person before anything is
//! sealed. It reads the whole export the same way an import does, keeps only counts,
//! and never stores a message or a byte of media.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use super::{
    calls, detect_path, sms, whatsapp, DayOrder, Direction, Format, Kind, Message, Options,
    Outcome, Party, Problem, When,
};
use crate::error::Result;

/// Someone in an export, with what they sent, received or called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The name the export shows, if any.
    pub name: Option<String>,
    /// The number or address, if any.
    pub address: Option<String>,
    /// Messages from or to them.
    pub messages: u64,
    /// Calls from or to them.
    pub calls: u64,
    /// The earliest time with them (`None` while a chat's day order is undecided).
    pub first: Option<When>,
    /// The latest time with them.
    pub last: Option<When>,
}

/// What an import of one export would bring in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The kind of export.
    pub format: Format,
    /// Every record that would be imported: messages, calls and system lines.
    pub messages: u64,
    /// The people in it, most records first.
    pub people: Vec<Person>,
    /// How a WhatsApp chat writes its dates; `None` for SMS and call backups.
    pub day_order: Option<DayOrder>,
    /// Media referred to (with or without their bytes).
    pub media: u64,
    /// Problems that would not stop the import (damaged attachments, skipped records).
    pub problems: Vec<Problem>,
}

/// Reads the export at `path` and says what an import would bring in.
///
/// A WhatsApp chat whose dates are ambiguous is still summarised, with `day_order`
/// `ambiguous` and no first or last times, so the person can be asked which order
/// the phone uses; the counts do not depend on it.
pub fn summary(path: &Path, options: &Options) -> Result<Summary> {
    let format = detect_path(path)?;
    let mut tally = Tally::default();
    let (outcome, day_order, times_known): (Outcome, Option<DayOrder>, bool) = match format {
        Format::WhatsApp => {
            let mut chat = whatsapp::Chat::open(path)?;
            let settled = chat.day_order();
            let (order, known) = match chat.effective_order(options.day_order) {
                Ok(order) => (order, true),
                // Any order gives the same counts; the times are not shown.
                Err(_) if settled == DayOrder::Ambiguous => (DayOrder::DayFirst, false),
                Err(e) => return Err(e),
            };
            let outcome = chat.each(Some(order), |m| tally.add(&m))?;
            (outcome, Some(settled), known)
        }
        Format::Sms => (
            sms::each(super::open_buffered(path)?, |m| tally.add(&m))?,
            None,
            true,
        ),
        Format::Calls => (
            calls::each(super::open_buffered(path)?, |m| tally.add(&m))?,
            None,
            true,
        ),
    };
    let mut people: Vec<Person> = tally.people.into_values().collect();
    if !times_known {
        for person in &mut people {
            person.first = None;
            person.last = None;
        }
    }
    people.sort_by(|a, b| {
        (b.messages + b.calls)
            .cmp(&(a.messages + a.calls))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.address.cmp(&b.address))
    });
    Ok(Summary {
        format,
        messages: outcome.messages,
        people,
        day_order,
        media: tally.media,
        problems: outcome.problems,
    })
}

#[derive(Default)]
struct Tally {
    people: HashMap<(Option<String>, Option<String>), Person>,
    media: u64,
}

impl Tally {
    fn add(&mut self, message: &Message) -> Result<()> {
        self.media += message.media.len() as u64;
        let is_call = matches!(message.kind, Kind::Call { .. });
        // The people on the other side: for something sent, the recipients (an MMS
        // also names the phone's owner as its sender); otherwise the sender.
        let others: Vec<&Party> = match (message.kind, message.direction, &message.sender) {
            (Kind::System, _, _) => Vec::new(),
            (_, Direction::Sent, _) | (_, _, None) => message.recipients.iter().collect(),
            (_, _, Some(sender)) => vec![sender],
        };
        for party in others {
            let key = (party.name.clone(), party.address.clone());
            let person = self.people.entry(key).or_insert_with(|| Person {
                name: party.name.clone(),
                address: party.address.clone(),
                messages: 0,
                calls: 0,
                first: None,
                last: None,
            });
            if is_call {
                person.calls += 1;
            } else {
                person.messages += 1;
            }
            let at = message.at;
            if person.first.is_none_or(|f| at.sort_key() < f.sort_key()) {
                person.first = Some(at);
            }
            if person.last.is_none_or(|l| at.sort_key() > l.sort_key()) {
                person.last = Some(at);
            }
        }
        Ok(())
    }
}
