//! `daybook import` and `daybook messages`: bringing in the messages and calls a
//! phone already has, and listing them.

use std::io::Write;
use std::path::Path;

use daybook_core::import::{self, DayOrder, Summary};
use daybook_core::message::{self, Message};
use daybook_core::progress::NoProgress;
use daybook_core::vault::{ImportChoice, Imported};
use daybook_core::{Error, Result};
use serde_json::{json, Value};

use crate::session::{auto_backup, outln, print_json, unlock};
use crate::Cli;

/// What `daybook import` was asked.
pub struct ImportArgs<'a> {
    pub file: &'a Path,
    pub dry_run: bool,
    pub json: bool,
    pub people: &'a [String],
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub day_first: bool,
    pub month_first: bool,
    pub zone: Option<&'a str>,
    pub how: &'a str,
}

pub fn import(cli: &Cli, args: ImportArgs<'_>) -> Result<()> {
    let day_order = match (args.day_first, args.month_first) {
        (true, false) => Some(DayOrder::DayFirst),
        (false, true) => Some(DayOrder::MonthFirst),
        _ => None,
    };
    let options = import::Options { day_order };
    if args.dry_run || args.people.is_empty() {
        let summary = import::summary(args.file, &options)?;
        if args.dry_run {
            if args.json {
                print_json(&summary_json(&summary))?;
            } else {
                print_summary(&summary);
            }
            return Ok(());
        }
        // A real import must say whose contact it is about.
        eprintln!("Whose contact is this about? Add --person with a name or number:");
        for p in &summary.people {
            eprintln!("  {}", person_line(p));
        }
        return Err(Error::InvalidField {
            field: "person".into(),
            message: "choose whose contact this is about with --person".into(),
        });
    }
    let (from, to) = crate::session::days(args.from, args.to)?;
    let choice = ImportChoice {
        people: args.people.to_vec(),
        from,
        to,
        day_order,
        zone: args.zone.map(str::to_string),
        how: crate::input::read_dash("--how", args.how)?,
    };
    let mut vault = unlock(cli)?;
    let imported = match vault.import_messages(args.file, &choice, &NoProgress) {
        Err(Error::InvalidField { field, message }) if field == "day_order" => {
            return Err(Error::InvalidField {
                field,
                message: format!("{message} (add --day-first or --month-first)"),
            })
        }
        other => other?,
    };
    if args.json {
        print_json(&imported_json(&imported))?;
    } else {
        print_imported(&imported);
    }
    if !imported.entries.is_empty() {
        auto_backup(&mut vault);
    }
    Ok(())
}

fn summary_json(s: &Summary) -> Value {
    json!({
        "format": s.format.name(),
        "messages": s.messages,
        "people": s.people.iter().map(|p| json!({
            "name": p.name,
            "address": p.address,
            "messages": p.messages,
            "calls": p.calls,
            "first": p.first.map(|t| t.to_string()),
            "last": p.last.map(|t| t.to_string()),
        })).collect::<Vec<_>>(),
        "day_order": s.day_order,
        "media": s.media,
        "problems": s.problems,
    })
}

fn person_line(p: &import::Person) -> String {
    let who = message::shown(&import::Party {
        name: p.name.clone(),
        address: p.address.clone(),
    });
    let span = match (p.first, p.last) {
        (Some(f), Some(l)) => format!(", {f} to {l}"),
        _ => String::new(),
    };
    format!("{who}: {} messages, {} calls{span}", p.messages, p.calls)
}

fn print_summary(s: &Summary) {
    outln!(
        "{}: {} records, {} media files",
        s.format,
        s.messages,
        s.media
    );
    if let Some(order) = s.day_order {
        let words = match order {
            DayOrder::DayFirst => "dates are day first (31/12)",
            DayOrder::MonthFirst => "dates are month first (12/31)",
            DayOrder::YearFirst => "dates are year first",
            DayOrder::Ambiguous => {
                "every date could be day first or month first: add --day-first or --month-first to import"
            }
        };
        outln!("{words}");
    }
    outln!("People:");
    for p in &s.people {
        outln!("  {}", person_line(p));
    }
    for p in &s.problems {
        outln!("Note: {}: {}", p.position, p.reason);
    }
}

fn imported_json(i: &Imported) -> Value {
    json!({
        "format": i.format.name(),
        "exhibit": i.exhibit,
        "messages": i.messages,
        "calls": i.calls,
        "entries": i.entries,
        "already_present": i.already_present,
        "media": i.media,
        "people": i.people,
        "left_in_original": i.left_in_original,
        "problems": i.problems,
    })
}

fn print_imported(i: &Imported) {
    let who = i.people.join(", ");
    match &i.exhibit {
        Some(mark) => outln!(
            "Imported {} messages and {} calls from {who} into {} entries (exhibit {mark})",
            i.messages,
            i.calls,
            i.entries.len()
        ),
        None => outln!("Nothing new to import from {who}."),
    }
    if i.already_present > 0 {
        outln!(
            "{} were already in the diary and were not added again.",
            i.already_present
        );
    }
    if i.media > 0 {
        outln!(
            "{} photos, videos or other files were kept as exhibits.",
            i.media
        );
    }
    if i.left_in_original > 0 {
        outln!(
            "{} other records (other people, days without contact, or outside the dates) stay in the original file only.",
            i.left_in_original
        );
    }
    for p in &i.problems {
        outln!("Note: {}: {}", p.position, p.reason);
    }
}

/// What `daybook messages` was asked.
pub struct ListArgs<'a> {
    pub person: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub entry: Option<u64>,
    pub json: bool,
}

pub fn list(cli: &Cli, args: ListArgs<'_>) -> Result<()> {
    let (from, to) = crate::session::days(args.from, args.to)?;
    let filter = message::Filter {
        person: args.person.map(str::to_string),
        from,
        to,
        entry: args.entry,
    };
    let mut vault = unlock(cli)?;
    let messages = vault.messages(&filter)?;
    if args.json {
        return print_json(&Value::Array(messages.iter().map(message_json).collect()));
    }
    for m in &messages {
        outln!("{}", message_line(m));
    }
    if messages.is_empty() {
        outln!("No imported messages match.");
    }
    Ok(())
}

pub fn message_json(m: &Message) -> Value {
    json!({
        "at": m.at.to_rfc3339(),
        "from": m.from,
        "to": m.to,
        "direction": m.direction,
        "kind": m.kind.key(),
        "call": m.call,
        "text": m.text,
        "duration_s": m.duration_s,
        "attachments": m.attachments,
        "media_missing": m.media_missing,
        "exhibit": m.exhibit,
        "position": m.position,
        "entry": m.entry,
        "contact": m.contact,
    })
}

fn message_line(m: &Message) -> String {
    let when = m.at.format("%Y-%m-%d %H:%M");
    let who = if m.from.is_empty() {
        "(you)"
    } else {
        m.from.as_str()
    };
    let what = match (m.kind, m.call) {
        (message::Kind::Call, Some(outcome)) => {
            format!("{outcome:?} call, {} s", m.duration_s.unwrap_or(0)).to_lowercase()
        }
        _ => m.text.replace('\n', " / "),
    };
    let marks = if m.attachments.is_empty() {
        String::new()
    } else {
        format!(" [{}]", m.attachments.join(", "))
    };
    format!(
        "{when}  entry {}  {who}: {what}{marks}  ({} {})",
        m.entry, m.exhibit, m.position
    )
}
