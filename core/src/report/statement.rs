//! A draft witness statement: a first-person, chronological account built from the
//! entries' own words (never rewritten), with the section 9 declaration at the start,
//! numbered paragraphs, "I produce … as exhibit AB/3" for each exhibit, and a
//! signature line and "page N of M" at the foot of every page. It is a draft to help
//! the officer who takes the statement; the person's address never appears in it
//! (it belongs on the separate back page, which is written only when asked for).

use chrono::{DateTime, Utc};

use super::fonts::Fonts;
use super::format;
use super::layout::{Footer, Layout, Metadata, ACCENT, CONTENT_W, INK, MARGIN_X, MUTED};
use super::text::Style;
use crate::bundle::EntryRecord;
use crate::entry::Status;
use crate::error::{Error, Result};
use crate::evidence::Exhibit;

/// The declaration a section 9 statement opens with (Criminal Justice Act 1967,
/// s.9; the MG11 wording).
pub const DECLARATION: &str = "This statement (consisting of {pages} page(s) each signed by me) is true to the best of my knowledge and belief and I make it knowing that, if it is tendered in evidence, I shall be liable to prosecution if I have wilfully stated in it anything which I know to be false, or do not believe to be true.";

/// What goes into a statement draft.
pub struct Statement<'a> {
    pub keeper_name: &'a str,
    /// Entries in the order of their numbers; withdrawn and erased ones are left out.
    pub entries: &'a [EntryRecord],
    pub exhibits: &'a [Exhibit],
    pub zone: &'a str,
    pub generated_at: DateTime<Utc>,
}

/// One numbered paragraph, as text.
struct Paragraph {
    heading: String,
    body: String,
    produced: Vec<String>,
    freshness: String,
}

fn paragraphs(s: &Statement<'_>) -> Vec<Paragraph> {
    let tz = format::zone(s.zone);
    let mut standing: Vec<&EntryRecord> = s
        .entries
        .iter()
        .filter(|r| matches!(r.entry.status, Status::Active) && r.entry.incident.is_some())
        .collect();
    standing.sort_by_key(|r| {
        r.entry
            .incident
            .as_ref()
            .map(|i| i.occurred.start)
            .unwrap_or(r.entry.recorded_at)
    });
    standing
        .iter()
        .filter_map(|r| {
            let incident = r.entry.incident.as_ref()?;
            let when = format::occurred(&incident.occurred, tz);
            let place = incident.location.trim();
            let heading = if place.is_empty() {
                format!("On {when}:")
            } else {
                format!("On {when} (where: {place}):")
            };
            let produced = s
                .exhibits
                .iter()
                .filter(|x| x.entry_number == r.entry.number && x.erased_at.is_none())
                .map(|x| {
                    let what = if x.how_obtained.trim().is_empty() {
                        format!("the file {}", x.original_name)
                    } else {
                        format!("the file {} ({})", x.original_name, x.how_obtained.trim())
                    };
                    format!("I produce {what} as exhibit {}.", x.mark)
                })
                .collect();
            let freshness = format!(
                "I wrote this down on {} ({}).",
                format::minute(r.entry.recorded_at, tz),
                freshness(incident.occurred.start, r.entry.recorded_at)
            );
            Some(Paragraph {
                heading,
                body: incident.description.trim().to_string(),
                produced,
                freshness,
            })
        })
        .collect()
}

/// How long after the incident it was first written down, in words.
pub fn freshness(happened: DateTime<Utc>, recorded: DateTime<Utc>) -> String {
    let gap = recorded - happened;
    let days = gap.num_days();
    match days {
        _ if gap.num_minutes() < 0 => "before the time given for it".into(),
        0 => "the same day".into(),
        1 => "the next day".into(),
        2..=13 => format!("{days} days later"),
        14..=59 => format!("{} weeks later", days / 7),
        60..=729 => format!("{} months later", days / 30),
        _ => format!("{} years later", days / 365),
    }
}

/// The statement as plain text, for the officer to paste.
pub fn text(s: &Statement<'_>) -> Result<String> {
    let paragraphs = paragraphs(s);
    if paragraphs.is_empty() {
        return Err(Error::Report(
            "there are no entries to put in a statement for those dates".into(),
        ));
    }
    let mut out = String::new();
    out.push_str("DRAFT WITNESS STATEMENT - to help the officer who takes my statement.\n");
    out.push_str(
        "It is not a signed statement. It uses the words of my diary entries as I wrote them.\n\n",
    );
    if !s.keeper_name.trim().is_empty() {
        out.push_str(&format!("Statement of: {}\n\n", s.keeper_name.trim()));
    }
    out.push_str(&DECLARATION.replace("{pages}", "…"));
    out.push_str("\n\n");
    for (n, p) in paragraphs.iter().enumerate() {
        out.push_str(&format!("{}. {}\n{}\n", n + 1, p.heading, p.body));
        for line in &p.produced {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&p.freshness);
        out.push_str("\n\n");
    }
    out.push_str("Signature: ______________________    Date: ______________\n");
    Ok(out)
}

/// The statement as a PDF.
pub fn pdf(s: &Statement<'_>) -> Result<Vec<u8>> {
    let paragraphs = paragraphs(s);
    if paragraphs.is_empty() {
        return Err(Error::Report(
            "there are no entries to put in a statement for those dates".into(),
        ));
    }
    // The declaration names the page count, which is known only once laid out: lay
    // out once to count, then again with the number.
    let first = layout(s, &paragraphs, None)?;
    layout(s, &paragraphs, Some(first.1)).map(|(bytes, _)| bytes)
}

fn layout(
    s: &Statement<'_>,
    paragraphs: &[Paragraph],
    pages: Option<usize>,
) -> Result<(Vec<u8>, usize)> {
    let mut l = Layout::new(Fonts::load()?);
    l.new_page();
    l.paragraph(
        "Draft witness statement",
        Style::bold(18.0),
        MARGIN_X,
        CONTENT_W,
        ACCENT,
    );
    l.y += 4.0;
    l.paragraph(
        "A draft to help the officer who takes my statement. It is not a signed statement: it uses the words of my diary entries as I wrote them, in order.",
        Style::regular(9.5),
        MARGIN_X,
        CONTENT_W,
        MUTED,
    );
    l.y += 10.0;
    if !s.keeper_name.trim().is_empty() {
        l.paragraph(
            &format!("Statement of: {}", s.keeper_name.trim()),
            Style::bold(11.0),
            MARGIN_X,
            CONTENT_W,
            INK,
        );
        l.y += 6.0;
    }
    let pages_text = pages.map_or("…".to_string(), |n| n.to_string());
    l.paragraph(
        &DECLARATION.replace("{pages}", &pages_text),
        Style::regular(10.0),
        MARGIN_X,
        CONTENT_W,
        INK,
    );
    l.y += 14.0;
    for (n, p) in paragraphs.iter().enumerate() {
        l.ensure(60.0);
        l.paragraph(
            &format!("{}. {}", n + 1, p.heading),
            Style::bold(10.5),
            MARGIN_X,
            CONTENT_W,
            INK,
        );
        l.y += 2.0;
        l.paragraph(
            &p.body,
            Style::regular(10.5),
            MARGIN_X + 14.0,
            CONTENT_W - 14.0,
            INK,
        );
        for line in &p.produced {
            l.y += 2.0;
            l.paragraph(
                line,
                Style::regular(10.5),
                MARGIN_X + 14.0,
                CONTENT_W - 14.0,
                INK,
            );
        }
        l.y += 2.0;
        l.paragraph(
            &p.freshness,
            Style::regular(9.0),
            MARGIN_X + 14.0,
            CONTENT_W - 14.0,
            MUTED,
        );
        l.y += 10.0;
    }
    l.ensure(50.0);
    l.y += 16.0;
    l.paragraph(
        "Signature: ______________________________      Date: ________________",
        Style::regular(11.0),
        MARGIN_X,
        CONTENT_W,
        INK,
    );
    let footer = Footer {
        left: "Signature: ____________________".into(),
        middle: "Draft witness statement".into(),
    };
    let meta = Metadata {
        title: "Draft witness statement".into(),
        author: s.keeper_name.trim().to_string(),
        subject: "A draft from a Daybook diary to help the officer".into(),
        creator: format!("Daybook {}", crate::VERSION),
        created: s.generated_at,
    };
    l.finish(&footer, &meta)
}

/// The separate page for the back of the statement: never disclosed, written only
/// when asked for. Daybook does not keep an address, so there are lines to fill in.
pub fn back_page(keeper_name: &str, generated_at: DateTime<Utc>) -> Result<Vec<u8>> {
    let mut l = Layout::new(Fonts::load()?);
    l.new_page();
    l.paragraph(
        "NOT FOR DISCLOSURE",
        Style::bold(14.0),
        MARGIN_X,
        CONTENT_W,
        ACCENT,
    );
    l.y += 4.0;
    l.paragraph(
        "Details for the back of the statement",
        Style::bold(18.0),
        MARGIN_X,
        CONTENT_W,
        INK,
    );
    l.y += 6.0;
    l.paragraph(
        "These details go on the back page of the statement form, which is not shown to the person the statement is about. Fill them in by hand and give this page to the officer separately.",
        Style::regular(10.0),
        MARGIN_X,
        CONTENT_W,
        MUTED,
    );
    l.y += 16.0;
    let name = keeper_name.trim();
    for label in [
        "Name",
        "Address",
        "",
        "Postcode",
        "Telephone (home, mobile)",
        "Email",
        "Best way and time to contact me",
        "Dates I cannot attend court",
        "Anything that would help me give evidence",
    ] {
        let value = if label == "Name" { name } else { "" };
        let line = if label.is_empty() {
            "______________________________________________________________".to_string()
        } else if value.is_empty() {
            format!("{label}: ____________________________________________")
        } else {
            format!("{label}: {value}")
        };
        l.paragraph(&line, Style::regular(11.0), MARGIN_X, CONTENT_W, INK);
        l.y += 14.0;
    }
    let footer = Footer {
        left: "Not for disclosure".into(),
        middle: String::new(),
    };
    let meta = Metadata {
        title: "Details for the back of the statement (not for disclosure)".into(),
        author: name.to_string(),
        subject: String::new(),
        creator: format!("Daybook {}", crate::VERSION),
        created: generated_at,
    };
    Ok(l.finish(&footer, &meta)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_in_words() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let happened = at("2026-01-10T20:00:00Z");
        assert_eq!(
            freshness(happened, at("2026-01-10T23:00:00Z")),
            "the same day"
        );
        assert_eq!(
            freshness(happened, at("2026-01-11T21:00:00Z")),
            "the next day"
        );
        assert_eq!(
            freshness(happened, at("2026-01-15T21:00:00Z")),
            "5 days later"
        );
        assert_eq!(
            freshness(happened, at("2026-06-20T21:00:00Z")),
            "5 months later"
        );
    }
}
