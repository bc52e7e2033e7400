//! The summary of the pattern: figures in boxes, the course-of-conduct fact, the chart
//! of occasions, and who-did-what tables for behaviours, impacts, risk flags, breaches
//! of an order and contact with the police; then, when the entries have imported
//! messages, the contact they record (`contact`). The counting is done by `figures`;
//! this file only words and draws it.

use super::blocks::{
    bold_cell, capitalise, cell, field, figure_boxes, note, para, police_day, section, subheading,
    table_header, table_row, FigureBox,
};
use super::{SECTION_TITLES, SUMMARY};
use crate::report::figures::{self, Figures};
use crate::report::layout::{Anchor, Layout, ACCENT, CONTENT_W, INK, MARGIN_X, MUTED};
use crate::report::text;
use crate::report::{chart, format, Selection};

/// Changes to daily life quoted before the rest are only counted.
const DAILY_LIFE_QUOTED: usize = 25;

pub(super) fn draw(l: &mut Layout, sel: &Selection<'_>) {
    section(l, sel, SUMMARY, SECTION_TITLES[0].1, Vec::new());
    let f = figures::count(&sel.entries, sel.tz);
    boxes(l, &f);
    course_of_conduct(l, &f);
    occasions_chart(l, &f);
    behaviours(l, &f);
    impacts(l, sel, &f);
    risks(l, &f);
    order_breaches(l, sel, &f);
    police_contact(l, &f);
    super::contact::draw(l, sel, &f);
}

/// A figure for a box, with its label in the singular or the plural.
fn figure(n: u64, one: &'static str, many: &'static str) -> (String, &'static str) {
    (format::thousands(n), if n == 1 { one } else { many })
}

fn boxes(l: &mut Layout, f: &Figures<'_>) {
    let boxes = [
        figure(
            f.occasions.len() as u64,
            "occasion recorded",
            "occasions recorded",
        ),
        figure(
            f.days_spanned(),
            "day from first to last",
            "days from first to last",
        ),
        figure(
            f.with_risk as u64,
            "entry with risk flags",
            "entries with risk flags",
        ),
        figure(
            f.reported_to_police as u64,
            "entry reported to police",
            "entries reported to police",
        ),
    ]
    .map(|(figure, label)| FigureBox {
        figure,
        label: label.to_string(),
        colour: ACCENT,
    });
    figure_boxes(l, &boxes);
}

/// The course-of-conduct fact: how many occasions, over what span, against the law's
/// threshold, stated as a count and never as a conclusion.
fn course_of_conduct(l: &mut Layout, f: &Figures<'_>) {
    let n = f.occasions.len();
    let mut facts = match f.span {
        Some(span) => format!(
            "{} recorded between {} and {}, a span of {}, with incidents on {}.",
            format::count(n, "occasion is", "occasions are"),
            format::date(span.first),
            format::date(span.last),
            format::count(span.days as usize, "day", "days"),
            format::count(span.different_days, "day", "different days"),
        ),
        None => "No occasions are recorded (every entry in this report is withdrawn).".to_string(),
    };
    facts.push_str(&format!(
        " The law's course-of-conduct threshold is conduct on two or more occasions; this record has {}, which is {}.",
        n,
        if n >= 2 { "two or more" } else { "fewer than two" }
    ));
    let withdrawn = f.withdrawn;
    if withdrawn > 0 {
        facts.push_str(&format!(
            " {} listed in this report but not counted here.",
            format::count(withdrawn, "withdrawn entry is", "withdrawn entries are")
        ));
    }
    if n > 0 {
        facts.push_str(&format!(
            " {} of the {n} {} first written down within 24 hours of when {} happened.",
            f.written_within_a_day,
            if n == 1 { "was" } else { "were" },
            if n == 1 { "it" } else { "they" },
        ));
    }
    para(l, &facts);
    note(l, "This summary counts and lists what the diary records. It does not say whether any offence was committed; that is for the police and the courts.");
}

fn occasions_chart(l: &mut Layout, f: &Figures<'_>) {
    let (period, buckets) = chart::buckets(&f.days);
    if buckets.is_empty() {
        return;
    }
    subheading(
        l,
        if period == chart::Period::Week {
            "Occasions per week"
        } else {
            "Occasions per month"
        },
    );
    chart::draw(l, period, &buckets);
}

fn behaviours(l: &mut Layout, f: &Figures<'_>) {
    subheading(l, "Entries per kind of behaviour");
    let columns = [
        ("Behaviour recorded", 240.0),
        ("Entries", 45.0),
        ("Entry numbers", CONTENT_W - 285.0),
    ];
    table_header(l, &columns);
    for (b, numbers) in &f.behaviours {
        let mut label = capitalise(b.statutory_label());
        if b.is_statutory_example() {
            label.push_str(" *");
        }
        table_row(
            l,
            &columns,
            vec![
                cell(label),
                bold_cell(numbers.len().to_string()),
                cell(format::numbers(numbers, 40)),
            ],
            None,
            INK,
            None,
        );
    }
    if f.behaviours.is_empty() {
        table_row(
            l,
            &columns,
            vec![
                cell("No behaviours were marked on these entries."),
                cell(""),
                cell(""),
            ],
            None,
            MUTED,
            None,
        );
    }
    l.y += 3.0;
    note(l, "* Listed as an example of behaviour associated with stalking in section 2A(3) of the Protection from Harassment Act 1997 (wording as in the Act). The others are recorded because police risk checklists ask about them. An entry may record more than one kind of behaviour.");
}

/// `3 entries: 1–3`, or `none recorded`.
fn entries_row(list: &[u64]) -> String {
    if list.is_empty() {
        "none recorded".to_string()
    } else {
        format!(
            "{}: {}",
            format::count(list.len(), "entry", "entries"),
            format::numbers(list, 60)
        )
    }
}

fn impacts(l: &mut Layout, sel: &Selection<'_>, f: &Figures<'_>) {
    subheading(l, "Impact recorded");
    let rows = [
        ("Fear that violence would be used", &f.fear_of_violence),
        ("Serious alarm or distress", &f.alarm_or_distress),
    ];
    for (label, list) in rows {
        field(l, MARGIN_X, CONTENT_W, label, &entries_row(list), INK);
    }
    let changes = &f.daily_life_changes;
    let mut quoted = String::new();
    for o in changes.iter().take(DAILY_LIFE_QUOTED) {
        let i = o.incident;
        quoted.push_str(&format!(
            "No. {} ({}): {}\n",
            o.number,
            format::date(format::local_date(i.occurred.start, sel.tz)),
            text::shorten(&i.impact.daily_life_changes, 220)
        ));
    }
    if changes.len() > DAILY_LIFE_QUOTED {
        quoted.push_str(&format!(
            "…and {} more; see the entries in full.",
            changes.len() - DAILY_LIFE_QUOTED
        ));
    }
    if changes.is_empty() {
        quoted.push_str("none recorded");
    }
    field(
        l,
        MARGIN_X,
        CONTENT_W,
        "Changes to daily life",
        &quoted,
        INK,
    );
}

fn risks(l: &mut Layout, f: &Figures<'_>) {
    subheading(l, "Risk flags recorded");
    for (r, list) in &f.risks {
        field(l, MARGIN_X, CONTENT_W, r.label(), &entries_row(list), INK);
    }
    if f.risks.is_empty() {
        para(l, "No risk flags were recorded on these entries.");
    }
    note(
        l,
        "Risk flags are listed as the person recorded them; they are not scored.",
    );
}

fn order_breaches(l: &mut Layout, sel: &Selection<'_>, f: &Figures<'_>) {
    subheading(l, "Breaches of an order recorded");
    if f.order_breaches.is_empty() {
        para(l, "No breaches of an order were recorded.");
        return;
    }
    let columns = [
        ("No.", 40.0),
        ("Happened", 150.0),
        ("Order", CONTENT_W - 190.0),
    ];
    table_header(l, &columns);
    for o in &f.order_breaches {
        let i = o.incident;
        let order = if i.order_breached.trim().is_empty() {
            "(order not named)".to_string()
        } else {
            text::shorten(&i.order_breached, 300)
        };
        table_row(
            l,
            &columns,
            vec![
                bold_cell(o.number.to_string()),
                cell(format::occurred(&i.occurred, sel.tz)),
                cell(order),
            ],
            None,
            INK,
            Some(Anchor::Entry(o.number)),
        );
    }
}

fn police_contact(l: &mut Layout, f: &Figures<'_>) {
    subheading(l, "Police contact recorded");
    if f.police_contact.is_empty() {
        para(
            l,
            "No contact with the police is recorded on these entries.",
        );
        return;
    }
    let columns = [
        ("No.", 40.0),
        ("Police told on", 90.0),
        ("Reference", 170.0),
        ("Officer", CONTENT_W - 300.0),
    ];
    table_header(l, &columns);
    for o in &f.police_contact {
        let police = &o.incident.police;
        table_row(
            l,
            &columns,
            vec![
                bold_cell(o.number.to_string()),
                cell(police_day(&police.date)),
                cell(police.reference.clone()),
                cell(police.officer.clone()),
            ],
            None,
            INK,
            Some(Anchor::Entry(o.number)),
        );
    }
}
