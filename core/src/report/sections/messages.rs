//! Imported messages and calls quoted exactly as exported: in each entry ("Entries in
//! full", the default) or, for long records, counted in each entry and quoted in an
//! appendix, the message log.
//!
//! Each message shows its time (the phone's, with the zone), who sent it, the exhibit
//! mark of the export it was read from with the line where it starts there, the marks
//! of any media it carried, and its text. A bar in the margin marks contact from the
//! people the import was about. This module must never shorten, reword or reorder a
//! message: long ones wrap and run on to the next page.

use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;

use super::blocks::{entry_band, field, note, section, LABEL_W, SMALL};
use super::{MESSAGE_LOG, MESSAGE_LOG_TITLE};
use crate::import::{CallOutcome, Direction, Format};
use crate::message::{Kind, Message};
use crate::report::layout::{Anchor, Colour, Layout, ACCENT, CONTENT_W, MARGIN_X, MUTED, RULE};
use crate::report::text::{Line, Style};
use crate::report::{format, Selection};

/// The time column, and the column the sender and text are set in.
const TIME_X: f32 = MARGIN_X + 8.0;
const TIME_W: f32 = 62.0;
const BODY_X: f32 = TIME_X + TIME_W;
const BODY_W: f32 = MARGIN_X + CONTENT_W - BODY_X;
const TEXT_SIZE: f32 = 8.5;
const HEAD_SIZE: f32 = 7.6;

/// `14 messages, 2 calls and 1 system line`.
pub(super) fn tally(messages: &[&Message]) -> String {
    let count = |kind: Kind| messages.iter().filter(|m| m.kind == kind).count();
    let parts: Vec<String> = [
        (count(Kind::Message), "message", "messages"),
        (count(Kind::Call), "call", "calls"),
        (count(Kind::System), "system line", "system lines"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format::counted(n, one, many))
    .collect();
    join(&parts)
}

/// `a`, `a and b`, `a, b and c`.
pub(super) fn join(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The phone's time of a message with its zone: `07:12 GMT`, with seconds when the
/// export records them.
fn time_of(m: &Message) -> String {
    let seconds = m.format != Format::WhatsApp;
    let pattern = if seconds { "%H:%M:%S" } else { "%H:%M" };
    match m.zone.parse::<Tz>() {
        Ok(tz) => {
            let local = m.at.with_timezone(&tz);
            format!("{} {}", local.format(pattern), local.format("%Z"))
        }
        Err(_) => at_with_offset(m.at, pattern),
    }
}

fn at_with_offset(at: DateTime<FixedOffset>, pattern: &str) -> String {
    format!("{} UTC{}", at.format(pattern), at.format("%:z"))
}

fn duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, _) => format!("{m} min {s} s"),
        _ => format!("{h} h {m} min {s} s"),
    }
}

/// Who a message is from, or what a call or system line was.
fn who(m: &Message) -> String {
    let to = if m.to.is_empty() {
        String::new()
    } else {
        format!(" to {}", m.to.join(", "))
    };
    let from = if !m.from.trim().is_empty() {
        format!(" from {}", m.from.trim())
    } else if m.direction == Direction::Sent {
        " from this phone".to_string()
    } else {
        String::new()
    };
    match m.kind {
        Kind::System => "System line in the export".to_string(),
        Kind::Call => {
            let what = match m.call {
                Some(CallOutcome::Incoming) => "Answered call",
                Some(CallOutcome::Outgoing) => "Outgoing call",
                Some(CallOutcome::Missed) => "Missed call",
                Some(CallOutcome::Voicemail) => "Call to voicemail",
                Some(CallOutcome::Rejected) => "Rejected call",
                Some(CallOutcome::Blocked) => "Blocked call",
                Some(CallOutcome::Unknown) | None => "Call",
            };
            let mut out = format!("{what}{from}{to}");
            if m.withheld {
                out.push_str(" (number withheld)");
            }
            if let Some(d) = m.duration_s.filter(|d| *d > 0) {
                out.push_str(&format!(", lasting {}", duration(d)));
            }
            out
        }
        Kind::Message => {
            if !m.from.trim().is_empty() {
                m.from.trim().to_string()
            } else if m.direction == Direction::Sent {
                format!("Sent from this phone{to}")
            } else {
                "(the export does not name the sender)".to_string()
            }
        }
    }
}

/// `JS/1 line 14; media JS/2, JS/3`.
fn marks_of(m: &Message) -> String {
    let mut out = format!("{} line {}", m.exhibit, m.position.line);
    if !m.attachments.is_empty() {
        out.push_str(&format!("; media {}", m.attachments.join(", ")));
    }
    out
}

/// One row of a message block.
struct Row {
    line: Line,
    colour: Colour,
    /// Drawn right-aligned on the same row (the marks beside the sender).
    side: Option<Line>,
}

/// Draws one message at the cursor, running on to new pages as needed.
fn message(l: &mut Layout, m: &Message, colour: Colour) {
    let time = l.set_line(&time_of(m), Style::regular(HEAD_SIZE));
    let marks = l.set_line(&marks_of(m), Style::regular(6.8));
    let mut rows: Vec<Row> = l
        .set(&who(m), Style::bold(HEAD_SIZE), BODY_W)
        .into_iter()
        .map(|line| Row {
            line,
            colour,
            side: None,
        })
        .collect();
    let head_rows = rows.len();
    match rows.last_mut() {
        Some(last) if last.line.width + 10.0 + marks.width <= BODY_W => last.side = Some(marks),
        _ => rows.push(Row {
            line: marks,
            colour: MUTED,
            side: None,
        }),
    }
    if let Some(subject) = m.subject.as_deref().filter(|s| !s.trim().is_empty()) {
        for line in l.set(
            &format!("Subject: {subject}"),
            Style::regular(TEXT_SIZE),
            BODY_W,
        ) {
            rows.push(Row {
                line,
                colour,
                side: None,
            });
        }
    }
    if !m.text.is_empty() {
        for line in l.set(&m.text, Style::regular(TEXT_SIZE), BODY_W) {
            rows.push(Row {
                line,
                colour,
                side: None,
            });
        }
    }
    for missing in &m.media_missing {
        for line in l.set(
            &format!("Media not in the export: {missing}"),
            Style::regular(SMALL),
            BODY_W,
        ) {
            rows.push(Row {
                line,
                colour: MUTED,
                side: None,
            });
        }
    }
    // The sender, the marks and the first lines of the text stay together.
    let keep: f32 = rows.iter().take(head_rows + 3).map(|r| r.line.height).sum();
    l.ensure(keep + 3.0);
    l.y += 3.0;
    let mut first = true;
    for row in &rows {
        let new_page = l.ensure(row.line.height);
        let top = l.y;
        if first {
            l.draw_line(
                &time,
                TIME_X,
                top + row.line.baseline - time.baseline,
                colour,
            );
            first = false;
        } else if new_page {
            // Say which message runs on at the top of the page.
            let on = l.set_line(&format!("{} cont.", time_of(m)), Style::regular(6.8));
            l.draw_line(&on, TIME_X, top + row.line.baseline - on.baseline, MUTED);
        }
        let x = if row.line.rtl {
            BODY_X + BODY_W - row.line.width
        } else {
            BODY_X
        };
        l.draw_line(&row.line, x, top, row.colour);
        if let Some(side) = &row.side {
            let y = top + row.line.baseline - side.baseline;
            l.draw_line(side, BODY_X + BODY_W - side.width, y, MUTED);
        }
        if m.contact && m.kind != Kind::System {
            l.fill(MARGIN_X + 1.0, top, 1.8, row.line.height, ACCENT);
        }
        l.y += row.line.height;
    }
}

/// Every message in `messages`, one after another, with a rule above.
fn transcript(l: &mut Layout, messages: &[&Message], colour: Colour) {
    l.ensure(40.0);
    l.rule(MARGIN_X, l.y, CONTENT_W, 0.4, RULE);
    l.y += 1.0;
    for m in messages {
        message(l, m, colour);
    }
    l.y += 4.0;
}

/// What an entry says about its messages: the counts, who the contact came from,
/// and where they are quoted; then, in full mode, the messages themselves.
pub(super) fn in_entry(
    l: &mut Layout,
    sel: &Selection<'_>,
    number: u64,
    messages: &[&Message],
    colour: Colour,
) {
    let contact: Vec<&Message> = messages
        .iter()
        .copied()
        .filter(|m| m.contact && m.kind != Kind::System)
        .collect();
    let mut people: Vec<&str> = Vec::new();
    for m in &contact {
        if !people.contains(&m.from.as_str()) {
            people.push(m.from.as_str());
        }
    }
    let mut exports: Vec<&str> = Vec::new();
    for m in messages {
        if !exports.contains(&m.exhibit.as_str()) {
            exports.push(m.exhibit.as_str());
        }
    }
    let mut text = format!(
        "{} in exhibit {}",
        capitalised(&tally(messages)),
        exports.join(", ")
    );
    let names: Vec<String> = people.iter().map(|p| p.to_string()).collect();
    if contact.len() == messages.len() {
        text.push_str(&format!(", all from {}", join(&names)));
    } else if !contact.is_empty() {
        text.push_str(&format!(
            ", of which {} from {}",
            format::thousands(contact.len() as u64),
            join(&names)
        ));
    }
    text.push('.');
    if sel.messages_in_entries {
        text.push_str(" Quoted below exactly as exported, in the order of the export. A bar in the margin marks contact from the people the import was about.");
        field(l, MARGIN_X, CONTENT_W, "Messages", &text, colour);
        transcript(l, messages, colour);
    } else {
        text.push_str(" Quoted in full in the message log at the end of this report.");
        if let Some((top, bottom)) = field(l, MARGIN_X, CONTENT_W, "Messages", &text, colour) {
            l.link(
                MARGIN_X + LABEL_W,
                top,
                CONTENT_W - LABEL_W,
                bottom - top,
                Anchor::Messages(number),
            );
        }
    }
}

fn capitalised(s: &str) -> String {
    super::blocks::capitalise(s)
}

/// The message log: every entry's messages, entry by entry, for a report whose
/// entries only count them.
pub(super) fn log(l: &mut Layout, sel: &Selection<'_>) {
    let with_messages: Vec<(u64, String)> = sel
        .entries
        .iter()
        .filter(|e| !sel.messages_of(e.entry.number).is_empty())
        .map(|e| {
            let day = e
                .incident()
                .map(|i| format::date(format::local_date(i.occurred.start, sel.tz)))
                .unwrap_or_default();
            (e.entry.number, day)
        })
        .collect();
    let children = with_messages
        .iter()
        .map(|(n, day)| (format!("Entry {n}: {day}"), Anchor::Messages(*n)))
        .collect();
    section(l, sel, MESSAGE_LOG, MESSAGE_LOG_TITLE, children);
    note(l, &format!(
        "Every imported message and call of the entries in this report ({}), entry by entry, quoted exactly as exported and in the order of the export. Each shows the phone's time with its zone, who it was from, the exhibit mark of the export with the line where it starts in that file, and the marks of any media it carried. A bar in the margin marks contact from the people the import was about.",
        format::thousands(sel.message_count as u64)
    ));
    for (number, day) in &with_messages {
        let Some(entry) = sel.entries.iter().find(|e| e.entry.number == *number) else {
            continue;
        };
        let colour = if entry.is_withdrawn() {
            MUTED
        } else {
            crate::report::layout::INK
        };
        l.ensure(90.0);
        l.y += 4.0;
        l.anchor(Anchor::Messages(*number));
        let top = l.y;
        entry_band(
            l,
            &format!("Entry {number}: {day}"),
            if entry.is_withdrawn() {
                "WITHDRAWN"
            } else {
                ""
            },
        );
        l.link(MARGIN_X, top, CONTENT_W, l.y - top, Anchor::Entry(*number));
        transcript(l, sel.messages_of(*number), colour);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_plainly() {
        assert_eq!(duration(9), "9 s");
        assert_eq!(duration(192), "3 min 12 s");
        assert_eq!(duration(3725), "1 h 2 min 5 s");
    }

    #[test]
    fn lists_join_in_english() {
        let parts = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join(&parts(&[])), "");
        assert_eq!(join(&parts(&["a"])), "a");
        assert_eq!(join(&parts(&["a", "b"])), "a and b");
        assert_eq!(join(&parts(&["a", "b", "c"])), "a, b and c");
    }
}
