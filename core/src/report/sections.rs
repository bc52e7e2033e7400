//! The report's sections, in order: cover, summary of the pattern, timeline, entries
//! in full, exhibits index, appendix and declaration. Each section is written onto the
//! pages of a [`Layout`].
//!
//! This module must never state a legal conclusion (no "this is stalking"): it counts
//! and lists what the diary records and names the law's threshold as a fact. It must
//! never show a witness's details when the options ask for them to be left out, in
//! any section, including earlier wordings.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::chart;
use super::fonts::Fonts;
use super::format;
use super::layout::{
    Anchor, Bookmark, Colour, Footer, Layout, Metadata, ACCENT, CONTENT_W, INK, MARGIN_X, MUTED,
    RULE, TINT,
};
use super::text::{self, Line, Style};
use super::{Progress, ReportEntry, Selection};
use crate::entry::Status;
use crate::error::{Error, Result};
use crate::evidence::{Exhibit, Preview};
use crate::incident::{Behaviour, Incident, Risk};

const BODY: f32 = 9.0;
const SMALL: f32 = 7.5;
const LABEL_W: f32 = 112.0;
const LEFT_OUT: &str = "[left out of this copy]";
const NOT_GIVEN: &str = "(not given)";

const COVER: u8 = 0;
const SUMMARY: u8 = 1;
const TIMELINE: u8 = 2;
const ENTRIES: u8 = 3;
const EXHIBITS: u8 = 4;
const APPENDIX: u8 = 5;
const DECLARATION: u8 = 6;

const SECTION_TITLES: [(u8, &str); 6] = [
    (SUMMARY, "Summary: the pattern"),
    (TIMELINE, "Timeline"),
    (ENTRIES, "Entries in full"),
    (EXHIBITS, "Exhibits index"),
    (APPENDIX, "Appendix: earlier wordings and erased entries"),
    (DECLARATION, "Declaration"),
];

/// Builds the whole PDF; returns its bytes and page count.
pub(crate) fn build(
    sel: &Selection<'_>,
    thumbnails: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    progress: &dyn Progress,
) -> Result<(Vec<u8>, usize)> {
    let mut l = Layout::new(Fonts::load()?);
    cover(&mut l, sel);
    summary(&mut l, sel);
    timeline(&mut l, sel, progress)?;
    entries(&mut l, sel, thumbnails, progress)?;
    exhibits_index(&mut l, sel);
    appendix(&mut l, sel);
    declaration(&mut l, sel);

    let doc = sel.doc;
    let short: String = doc.fingerprint.chars().take(16).collect();
    let footer = Footer {
        left: format!("Record of incidents · fingerprint {short}"),
        middle: format!(
            "generated {}",
            format::date(format::local_date(doc.generated_at, sel.tz))
        ),
    };
    let (first, last) = span(sel);
    let meta = Metadata {
        title: "Record of incidents".into(),
        author: doc.keeper_name.trim().to_string(),
        subject: format!(
            "Incidents recorded in a Daybook diary, {} to {}",
            format::date(first),
            format::date(last)
        ),
        creator: format!("Daybook {}", doc.daybook_version),
        created: doc.generated_at,
    };
    l.finish(&footer, &meta)
}

// ---------------------------------------------------------------- helpers

fn incident(e: &ReportEntry) -> Option<&Incident> {
    e.entry.incident.as_ref()
}

fn is_withdrawn(e: &ReportEntry) -> bool {
    matches!(e.entry.status, Status::Withdrawn { .. })
}

/// The entries that count as occasions: included and not withdrawn.
fn occasions<'a>(sel: &Selection<'a>) -> Vec<(&'a ReportEntry, &'a Incident)> {
    sel.entries
        .iter()
        .filter(|e| !is_withdrawn(e))
        .filter_map(|e| incident(e).map(|i| (*e, i)))
        .collect()
}

/// The first and last day the report covers: the dates asked for, or else the days
/// of the first and last incidents.
fn span(sel: &Selection<'_>) -> (NaiveDate, NaiveDate) {
    let dates: Vec<NaiveDate> = sel
        .entries
        .iter()
        .filter_map(|e| incident(e))
        .map(|i| format::local_date(i.occurred.start, sel.tz))
        .collect();
    let first = dates.iter().min().copied().unwrap_or_default();
    let last = dates.iter().max().copied().unwrap_or(first);
    (
        sel.options.from.unwrap_or(first),
        sel.options.to.unwrap_or(last),
    )
}

fn keeper_suffix(sel: &Selection<'_>) -> String {
    let name = sel.doc.keeper_name.trim();
    if name.is_empty() {
        String::new()
    } else {
        format!(" kept by {name}")
    }
}

fn section(
    l: &mut Layout,
    sel: &Selection<'_>,
    id: u8,
    title: &str,
    children: Vec<(String, Anchor)>,
) {
    l.running_head = format!("Record of incidents{} · {title}", keeper_suffix(sel));
    l.new_page();
    l.anchor(Anchor::Section(id));
    l.outline.push(Bookmark {
        title: title.to_string(),
        anchor: Anchor::Section(id),
        children,
    });
    let line = l.set_line(title, Style::bold(17.0));
    l.draw_line(&line, MARGIN_X, l.y, ACCENT);
    l.y += line.height + 2.0;
    l.rule(MARGIN_X, l.y, CONTENT_W, 1.2, ACCENT);
    l.y += 10.0;
}

fn subheading(l: &mut Layout, title: &str) {
    l.ensure(70.0);
    l.y += 8.0;
    let line = l.set_line(title, Style::bold(11.0));
    l.draw_line(&line, MARGIN_X, l.y, INK);
    l.y += line.height + 3.0;
}

fn para(l: &mut Layout, body: &str) {
    l.paragraph(body, Style::regular(BODY), MARGIN_X, CONTENT_W, INK);
    l.y += 4.0;
}

fn note(l: &mut Layout, body: &str) {
    l.paragraph(body, Style::regular(SMALL), MARGIN_X, CONTENT_W, MUTED);
    l.y += 3.0;
}

/// A labelled field: the label in a narrow column, the value beside it. Short values
/// are kept together on one page; long ones break between lines. Returns the top and
/// bottom of the value when it stayed on one page.
fn field(
    l: &mut Layout,
    x: f32,
    width: f32,
    label: &str,
    value: &str,
    colour: Colour,
) -> Option<(f32, f32)> {
    if value.trim().is_empty() {
        return None;
    }
    let label_lines = l.set(label, Style::bold(7.6), LABEL_W - 10.0);
    let value_lines = l.set(value.trim_end(), Style::regular(BODY), width - LABEL_W);
    let label_h: f32 = label_lines.iter().map(|x| x.height).sum();
    let heights: Vec<f32> = value_lines.iter().map(|x| x.height).collect();
    let total: f32 = heights.iter().sum();
    let keep = if value_lines.len() <= 8 {
        total
    } else {
        heights.iter().take(2).sum()
    };
    l.ensure(keep.max(label_h) + 2.0);
    let top = l.y;
    let page = l.page_count();
    let offset = value_lines.first().map(|v| v.baseline).unwrap_or(0.0)
        - label_lines.first().map(|v| v.baseline).unwrap_or(0.0);
    let mut y = top + offset;
    for line in &label_lines {
        l.draw_line(line, x, y, MUTED);
        y += line.height;
    }
    l.lines(&value_lines, x + LABEL_W, width - LABEL_W, colour);
    let same_page = page == l.page_count();
    if same_page {
        l.y = l.y.max(y);
    }
    let bottom = l.y;
    l.y += 2.5;
    same_page.then_some((top, bottom))
}

/// One table cell.
struct Cell {
    text: String,
    style: Style,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        style: Style::regular(SMALL),
    }
}

fn bold_cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        style: Style::bold(SMALL),
    }
}

const PAD_X: f32 = 3.0;
const PAD_Y: f32 = 3.0;
/// Longest cell, in lines, before it is cut (a row must fit on a page).
const MAX_CELL_LINES: usize = 30;

fn table_header(l: &mut Layout, columns: &[(&str, f32)]) {
    let lines: Vec<Line> = columns
        .iter()
        .map(|(title, _)| l.set_line(title, Style::bold(SMALL)))
        .collect();
    let h = lines.iter().map(|x| x.height).fold(0.0, f32::max) + 2.0 * PAD_Y;
    l.ensure(h + 30.0);
    let top = l.y;
    l.fill(MARGIN_X, top, CONTENT_W, h, TINT);
    let mut x = MARGIN_X;
    for (line, (_, w)) in lines.iter().zip(columns) {
        l.draw_line(line, x + PAD_X, top + PAD_Y, INK);
        x += w;
    }
    l.rule(MARGIN_X, top + h, CONTENT_W, 0.8, MUTED);
    l.y = top + h;
}

/// A table row; the header is drawn again at the top of a new page. `extra` is a line
/// across the whole width under the cells.
fn table_row(
    l: &mut Layout,
    columns: &[(&str, f32)],
    cells: Vec<Cell>,
    extra: Option<Cell>,
    colour: Colour,
    link: Option<Anchor>,
) {
    let mut set: Vec<Vec<Line>> = Vec::with_capacity(cells.len());
    for (c, (_, w)) in cells.iter().zip(columns) {
        let mut lines = l.set(&c.text, c.style, w - 2.0 * PAD_X);
        lines.truncate(MAX_CELL_LINES);
        set.push(lines);
    }
    let extra_line = extra.map(|c| l.set_line(&c.text, c.style));
    let cells_h = set
        .iter()
        .map(|lines| lines.iter().map(|x| x.height).sum::<f32>())
        .fold(0.0, f32::max);
    let extra_h = extra_line.as_ref().map(|x| x.height).unwrap_or(0.0);
    let h = cells_h + extra_h + 2.0 * PAD_Y;
    if l.ensure(h) {
        table_header(l, columns);
    }
    let top = l.y;
    let mut x = MARGIN_X;
    for (lines, (_, w)) in set.iter().zip(columns) {
        let mut y = top + PAD_Y;
        for line in lines {
            let lx = if line.rtl {
                x + w - PAD_X - line.width
            } else {
                x + PAD_X
            };
            l.draw_line(line, lx, y, colour);
            y += line.height;
        }
        x += w;
    }
    if let Some(line) = &extra_line {
        l.draw_line(line, MARGIN_X + PAD_X, top + PAD_Y + cells_h, colour);
    }
    l.rule(MARGIN_X, top + h, CONTENT_W, 0.4, RULE);
    if let Some(anchor) = link {
        l.link(MARGIN_X, top, CONTENT_W, h, anchor);
    }
    l.y = top + h;
}

// ---------------------------------------------------------------- cover

fn cover(l: &mut Layout, sel: &Selection<'_>) {
    let doc = sel.doc;
    l.running_head.clear();
    l.new_page();
    l.anchor(Anchor::Section(COVER));
    l.outline.push(Bookmark {
        title: "Cover".into(),
        anchor: Anchor::Section(COVER),
        children: Vec::new(),
    });

    l.y = 120.0;
    l.fill(MARGIN_X, l.y - 24.0, 44.0, 4.0, ACCENT);
    let title = l.set_line("Record of incidents", Style::bold(28.0));
    l.draw_line(&title, MARGIN_X, l.y, INK);
    l.y += title.height + 4.0;
    let (first, last) = span(sel);
    let sub = format!(
        "Incidents recorded in a Daybook diary, {} to {}",
        format::date(first),
        format::date(last)
    );
    l.paragraph(&sub, Style::regular(12.0), MARGIN_X, CONTENT_W, MUTED);
    l.y += 26.0;

    let withdrawn = sel.entries.iter().filter(|e| is_withdrawn(e)).count();
    let mut entries = format::thousands(sel.entries.len() as u64);
    if withdrawn > 0 {
        entries.push_str(&format!(" (of which {withdrawn} withdrawn)"));
    }
    let name = |s: &str| {
        if s.trim().is_empty() {
            NOT_GIVEN.to_string()
        } else {
            s.trim().to_string()
        }
    };
    let rows: Vec<(&str, String)> = vec![
        ("Kept by", name(&doc.keeper_name)),
        ("Person responsible", name(&doc.responsible_name)),
        (
            "Dates covered",
            format!("{} to {}", format::date(first), format::date(last)),
        ),
        ("Entries", entries),
        ("Exhibits", format::thousands(sel.exhibits.len() as u64)),
        (
            "Generated",
            format!(
                "{} ({})",
                format::minute(doc.generated_at, sel.tz),
                doc.zone
            ),
        ),
        ("Diary fingerprint", doc.fingerprint.clone()),
        ("Made with", format!("Daybook {}", doc.daybook_version)),
    ];
    l.rule(MARGIN_X, l.y, CONTENT_W, 0.6, RULE);
    l.y += 6.0;
    for (label, value) in rows {
        field(l, MARGIN_X, CONTENT_W, label, &value, INK);
        l.y += 2.0;
    }
    l.rule(MARGIN_X, l.y, CONTENT_W, 0.6, RULE);
    l.y += 14.0;

    let mut copy_notes = Vec::new();
    if sel.options.from.is_some() || sel.options.to.is_some() {
        copy_notes.push("Only incidents within the dates above are included.".to_string());
    }
    if sel.withdrawn_left_out > 0 {
        copy_notes.push(format!(
            "{} left out of this copy.",
            format::count(
                sel.withdrawn_left_out,
                "withdrawn entry is",
                "withdrawn entries are"
            )
        ));
    }
    if sel.options.redact_witnesses {
        copy_notes.push("Witnesses' names and contact details are left out of this copy.".into());
    }
    if !sel.options.thumbnails {
        copy_notes.push("Pictures of exhibits are not shown in this copy.".into());
    }
    if !copy_notes.is_empty() {
        let line = l.set_line("About this copy", Style::bold(9.5));
        l.draw_line(&line, MARGIN_X, l.y, INK);
        l.y += line.height + 2.0;
        para(l, &copy_notes.join(" "));
        l.y += 6.0;
    }

    let line = l.set_line("About this record", Style::bold(9.5));
    l.draw_line(&line, MARGIN_X, l.y, INK);
    l.y += line.height + 2.0;
    para(l, "Each entry was written in the Daybook diary by the person keeping it. \"Happened\" is when they say the incident took place; \"recorded\" is when the entry was first saved, set by the app and not editable. Amended entries keep every earlier wording, shown in the appendix. Withdrawn entries are kept and marked as withdrawn.");
    para(l, "The diary fingerprint is the SHA-256 hash at the head of the diary's hash chain, which covers every entry, amendment and exhibit in the order they were saved. A copy of the diary that gives the same fingerprint has not been changed since this report was made.");
    para(l, "Exhibits are the original files, kept unaltered and identified by their mark and SHA-256 hash. Pictures in this report are reduced copies for reference only.");
    l.y += 8.0;

    let line = l.set_line("Contents", Style::bold(9.5));
    l.draw_line(&line, MARGIN_X, l.y, INK);
    l.y += line.height + 2.0;
    for (id, title) in SECTION_TITLES {
        let line = l.set_line(title, Style::regular(BODY));
        l.ensure(line.height);
        let top = l.y;
        l.draw_line(&line, MARGIN_X + 10.0, top, ACCENT);
        l.link(MARGIN_X, top, CONTENT_W, line.height, Anchor::Section(id));
        l.y += line.height + 1.0;
    }
}

// ---------------------------------------------------------------- summary

fn summary(l: &mut Layout, sel: &Selection<'_>) {
    section(l, sel, SUMMARY, SECTION_TITLES[0].1, Vec::new());
    let occ = occasions(sel);
    let dates: Vec<NaiveDate> = occ
        .iter()
        .map(|(_, i)| format::local_date(i.occurred.start, sel.tz))
        .collect();
    let n = occ.len();
    let first = dates.iter().min().copied();
    let last = dates.iter().max().copied();
    let days = match (first, last) {
        (Some(a), Some(b)) => (b - a).num_days() + 1,
        _ => 0,
    };
    let distinct: BTreeSet<NaiveDate> = dates.iter().copied().collect();
    let with_risk = occ.iter().filter(|(_, i)| !i.risks.is_empty()).count();
    let police_told = occ.iter().filter(|(_, i)| !i.police.is_empty()).count();

    // Figures in boxes.
    let boxes = [
        (
            format::thousands(n as u64),
            if n == 1 {
                "occasion recorded"
            } else {
                "occasions recorded"
            },
        ),
        (
            format::thousands(days as u64),
            if days == 1 {
                "day from first to last"
            } else {
                "days from first to last"
            },
        ),
        (
            format::thousands(with_risk as u64),
            if with_risk == 1 {
                "entry with risk flags"
            } else {
                "entries with risk flags"
            },
        ),
        (
            format::thousands(police_told as u64),
            if police_told == 1 {
                "entry reported to police"
            } else {
                "entries reported to police"
            },
        ),
    ];
    let gap = 8.0;
    let bw = (CONTENT_W - gap * 3.0) / 4.0;
    let bh = 50.0;
    let top = l.y;
    for (i, (figure, label)) in boxes.iter().enumerate() {
        let x = MARGIN_X + i as f32 * (bw + gap);
        l.fill(x, top, bw, bh, TINT);
        l.fill(x, top, 2.5, bh, ACCENT);
        let fig = l.set_line(figure, Style::bold(18.0));
        l.draw_line(&fig, x + 10.0, top + 5.0, ACCENT);
        let lab = l.set(label, Style::regular(7.5), bw - 14.0);
        let mut y = top + 5.0 + fig.height;
        for line in &lab {
            l.draw_line(line, x + 10.0, y, MUTED);
            y += line.height;
        }
    }
    l.y = top + bh + 12.0;

    // The course-of-conduct fact.
    let mut facts = match (first, last) {
        (Some(a), Some(b)) => format!(
            "{} recorded between {} and {}, a span of {}, with incidents on {}.",
            format::count(n, "occasion is", "occasions are"),
            format::date(a),
            format::date(b),
            format::count(days as usize, "day", "days"),
            format::count(distinct.len(), "day", "different days"),
        ),
        _ => "No occasions are recorded (every entry in this report is withdrawn).".to_string(),
    };
    facts.push_str(&format!(
        " The law's course-of-conduct threshold is conduct on two or more occasions; this record has {}, which is {}.",
        n,
        if n >= 2 { "two or more" } else { "fewer than two" }
    ));
    let withdrawn = sel.entries.len() - n;
    if withdrawn > 0 {
        facts.push_str(&format!(
            " {} listed in this report but not counted here.",
            format::count(withdrawn, "withdrawn entry is", "withdrawn entries are")
        ));
    }
    para(l, &facts);
    note(l, "This summary counts and lists what the diary records. It does not say whether any offence was committed; that is for the police and the courts.");

    // Chart.
    let (period, buckets) = chart::buckets(&dates);
    if !buckets.is_empty() {
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

    // Behaviours.
    subheading(l, "Entries per kind of behaviour");
    let columns = [
        ("Behaviour recorded", 240.0),
        ("Entries", 45.0),
        ("Entry numbers", CONTENT_W - 285.0),
    ];
    table_header(l, &columns);
    let mut any = false;
    for b in Behaviour::ALL {
        let numbers: Vec<u64> = occ
            .iter()
            .filter(|(_, i)| i.behaviours.contains(&b))
            .map(|(e, _)| e.entry.number)
            .collect();
        if numbers.is_empty() {
            continue;
        }
        any = true;
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
                cell(format::numbers(&numbers, 40)),
            ],
            None,
            INK,
            None,
        );
    }
    if !any {
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

    // Impacts.
    subheading(l, "Impact recorded");
    let fear: Vec<u64> = occ
        .iter()
        .filter(|(_, i)| i.impact.fear_of_violence)
        .map(|(e, _)| e.entry.number)
        .collect();
    let alarm: Vec<u64> = occ
        .iter()
        .filter(|(_, i)| i.impact.alarm_or_distress)
        .map(|(e, _)| e.entry.number)
        .collect();
    let changes: Vec<(&ReportEntry, &Incident)> = occ
        .iter()
        .filter(|(_, i)| !i.impact.daily_life_changes.trim().is_empty())
        .copied()
        .collect();
    let impact_row = |list: &[u64]| {
        if list.is_empty() {
            "none recorded".to_string()
        } else {
            format!(
                "{}: {}",
                format::count(list.len(), "entry", "entries"),
                format::numbers(list, 60)
            )
        }
    };
    field(
        l,
        MARGIN_X,
        CONTENT_W,
        "Fear that violence would be used",
        &impact_row(&fear),
        INK,
    );
    field(
        l,
        MARGIN_X,
        CONTENT_W,
        "Serious alarm or distress",
        &impact_row(&alarm),
        INK,
    );
    if changes.is_empty() {
        field(
            l,
            MARGIN_X,
            CONTENT_W,
            "Changes to daily life",
            "none recorded",
            INK,
        );
    } else {
        let limit = 25;
        let mut text = String::new();
        for (e, i) in changes.iter().take(limit) {
            text.push_str(&format!(
                "No. {} ({}): {}\n",
                e.entry.number,
                format::date(format::local_date(i.occurred.start, sel.tz)),
                text::shorten(&i.impact.daily_life_changes, 220)
            ));
        }
        if changes.len() > limit {
            text.push_str(&format!(
                "…and {} more; see the entries in full.",
                changes.len() - limit
            ));
        }
        field(l, MARGIN_X, CONTENT_W, "Changes to daily life", &text, INK);
    }

    // Risk flags.
    subheading(l, "Risk flags recorded");
    let mut any_risk = false;
    for r in Risk::ALL {
        let list: Vec<u64> = occ
            .iter()
            .filter(|(_, i)| i.risks.contains(&r))
            .map(|(e, _)| e.entry.number)
            .collect();
        if list.is_empty() {
            continue;
        }
        any_risk = true;
        field(l, MARGIN_X, CONTENT_W, r.label(), &impact_row(&list), INK);
    }
    if !any_risk {
        para(l, "No risk flags were recorded on these entries.");
    }
    note(
        l,
        "Risk flags are listed as the person recorded them; they are not scored.",
    );

    // Order breaches.
    subheading(l, "Breaches of an order recorded");
    let breaches: Vec<(&ReportEntry, &Incident)> = occ
        .iter()
        .filter(|(_, i)| {
            i.behaviours.contains(&Behaviour::OrderBreach) || !i.order_breached.trim().is_empty()
        })
        .copied()
        .collect();
    if breaches.is_empty() {
        para(l, "No breaches of an order were recorded.");
    } else {
        let columns = [
            ("No.", 40.0),
            ("Happened", 150.0),
            ("Order", CONTENT_W - 190.0),
        ];
        table_header(l, &columns);
        for (e, i) in breaches {
            let order = if i.order_breached.trim().is_empty() {
                "(order not named)".to_string()
            } else {
                text::shorten(&i.order_breached, 300)
            };
            table_row(
                l,
                &columns,
                vec![
                    bold_cell(e.entry.number.to_string()),
                    cell(format::occurred(&i.occurred, sel.tz)),
                    cell(order),
                ],
                None,
                INK,
                Some(Anchor::Entry(e.entry.number)),
            );
        }
    }

    // Police references.
    subheading(l, "Police contact recorded");
    let police: Vec<(&ReportEntry, &Incident)> = sel
        .entries
        .iter()
        .filter_map(|e| incident(e).map(|i| (*e, i)))
        .filter(|(_, i)| !i.police.is_empty())
        .collect();
    if police.is_empty() {
        para(
            l,
            "No contact with the police is recorded on these entries.",
        );
    } else {
        let columns = [
            ("No.", 40.0),
            ("Police told on", 90.0),
            ("Reference", 170.0),
            ("Officer", CONTENT_W - 300.0),
        ];
        table_header(l, &columns);
        for (e, i) in police {
            let told = NaiveDate::parse_from_str(i.police.date.trim(), "%Y-%m-%d")
                .map(format::date)
                .unwrap_or_else(|_| i.police.date.clone());
            table_row(
                l,
                &columns,
                vec![
                    bold_cell(e.entry.number.to_string()),
                    cell(told),
                    cell(i.police.reference.clone()),
                    cell(i.police.officer.clone()),
                ],
                None,
                INK,
                Some(Anchor::Entry(e.entry.number)),
            );
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------- timeline

const TIMELINE_COLUMNS: [(&str, f32); 7] = [
    ("No.", 48.0),
    ("When", 80.0),
    ("Where", 68.0),
    ("Behaviour", 72.0),
    ("What happened", 127.28),
    ("Exhibits", 44.0),
    ("Police ref.", 44.0),
];

fn timeline(l: &mut Layout, sel: &Selection<'_>, progress: &dyn Progress) -> Result<()> {
    section(l, sel, TIMELINE, SECTION_TITLES[1].1, Vec::new());
    note(l, "One row per entry, in the order the incidents happened; \"(approximate)\" marks a time the person was not sure of. Descriptions are shortened here; select a row to go to the entry in full.");
    table_header(l, &TIMELINE_COLUMNS);
    for e in &sel.entries {
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        let Some(i) = incident(e) else { continue };
        let mut number = e.entry.number.to_string();
        if is_withdrawn(e) {
            number.push_str("\nwithdrawn");
        }
        if e.entry.revisions > 1 {
            number.push_str("\namended");
        }
        let behaviours = i
            .behaviours
            .iter()
            .map(|b| b.short_label())
            .collect::<Vec<_>>()
            .join(", ");
        let marks = sel
            .exhibits_of(&e.entry)
            .iter()
            .map(|x| x.mark.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let colour = if is_withdrawn(e) { MUTED } else { INK };
        table_row(
            l,
            &TIMELINE_COLUMNS,
            vec![
                bold_cell(number),
                cell(format::occurred_short(&i.occurred, sel.tz)),
                cell(text::shorten(&i.location, 90)),
                cell(behaviours),
                cell(text::shorten(&i.description, 170)),
                cell(marks),
                cell(text::shorten(&i.police.reference, 40)),
            ],
            None,
            colour,
            Some(Anchor::Entry(e.entry.number)),
        );
    }
    Ok(())
}

// ---------------------------------------------------------------- entries in full

fn incident_fields(l: &mut Layout, sel: &Selection<'_>, i: &Incident, colour: Colour) {
    let x = MARGIN_X;
    let w = CONTENT_W;
    let mut place = i.location.trim().to_string();
    if let Some(c) = i.coordinates {
        if !place.is_empty() {
            place.push_str("; ");
        }
        place.push_str(&format!("coordinates {:.5}, {:.5}", c.lat, c.lon));
    }
    field(l, x, w, "Where", &place, colour);
    let behaviours = i
        .behaviours
        .iter()
        .map(|b| b.short_label())
        .collect::<Vec<_>>()
        .join(", ");
    field(l, x, w, "Behaviour", &behaviours, colour);
    let mut how = i.channel.map(|c| c.label().to_string()).unwrap_or_default();
    if !i.channel_detail.trim().is_empty() {
        if !how.is_empty() {
            how.push_str(": ");
        }
        how.push_str(i.channel_detail.trim());
    }
    field(l, x, w, "How", &how, colour);
    field(l, x, w, "Who (how identified)", &i.who, colour);
    if !i.witnesses.trim().is_empty() {
        let witnesses = if sel.options.redact_witnesses {
            LEFT_OUT
        } else {
            i.witnesses.as_str()
        };
        field(l, x, w, "Witnesses", witnesses, colour);
    }
    if let Some(children) = i.children_present {
        field(
            l,
            x,
            w,
            "Children present",
            if children { "Yes" } else { "No" },
            colour,
        );
    }
    field(l, x, w, "What happened", &i.description, colour);
    field(l, x, w, "What I did", &i.response, colour);
    let mut impact = Vec::new();
    if i.impact.fear_of_violence {
        impact.push("I was afraid violence would be used against me.".to_string());
    }
    if i.impact.alarm_or_distress {
        impact.push("It caused me serious alarm or distress.".to_string());
    }
    if !i.impact.daily_life_changes.trim().is_empty() {
        impact.push(format!(
            "Changes to daily life: {}",
            i.impact.daily_life_changes.trim()
        ));
    }
    if !i.impact.notes.trim().is_empty() {
        impact.push(i.impact.notes.trim().to_string());
    }
    field(l, x, w, "Impact", &impact.join("\n"), colour);
    field(l, x, w, "Order breached", &i.order_breached, colour);
    let risks = i
        .risks
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ");
    field(l, x, w, "Risk flags", &risks, colour);
    if !i.police.is_empty() {
        let mut parts = Vec::new();
        if !i.police.date.trim().is_empty() {
            let told = NaiveDate::parse_from_str(i.police.date.trim(), "%Y-%m-%d")
                .map(format::date)
                .unwrap_or_else(|_| i.police.date.clone());
            parts.push(format!("told on {told}"));
        }
        if !i.police.reference.trim().is_empty() {
            parts.push(format!("reference {}", i.police.reference.trim()));
        }
        if !i.police.officer.trim().is_empty() {
            parts.push(format!("officer {}", i.police.officer.trim()));
        }
        field(l, x, w, "Police", &capitalise(&parts.join("; ")), colour);
    }
    field(l, x, w, "Tags", &i.tags.join(", "), colour);
}

fn entry_band(l: &mut Layout, title: &str, status: &str) {
    let head = l.set_line(title, Style::bold(11.5));
    let tag = l.set_line(status, Style::bold(8.0));
    let h = head.height + 6.0;
    let top = l.y;
    l.fill(MARGIN_X, top, CONTENT_W, h, TINT);
    l.fill(MARGIN_X, top, 3.0, h, ACCENT);
    l.draw_line(&head, MARGIN_X + 10.0, top + 3.0, INK);
    let tag_top = top + 3.0 + head.baseline - tag.baseline;
    l.draw_line(
        &tag,
        MARGIN_X + CONTENT_W - tag.width - 8.0,
        tag_top,
        ACCENT,
    );
    l.y = top + h + 6.0;
}

fn entries(
    l: &mut Layout,
    sel: &Selection<'_>,
    thumbnails: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    progress: &dyn Progress,
) -> Result<()> {
    let children = sel
        .entries
        .iter()
        .filter_map(|e| {
            incident(e).map(|i| {
                (
                    format!(
                        "Entry {}: {}",
                        e.entry.number,
                        format::date(format::local_date(i.occurred.start, sel.tz))
                    ),
                    Anchor::Entry(e.entry.number),
                )
            })
        })
        .collect();
    section(l, sel, ENTRIES, SECTION_TITLES[2].1, children);
    let total = sel.entries.len();
    for (done, e) in sel.entries.iter().enumerate() {
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        let Some(i) = incident(e) else { continue };
        l.ensure(120.0);
        if done > 0 {
            l.y += 6.0;
        }
        l.anchor(Anchor::Entry(e.entry.number));
        let status = match &e.entry.status {
            Status::Withdrawn { .. } => "WITHDRAWN",
            _ if e.entry.revisions > 1 => "AMENDED",
            _ => "",
        };
        entry_band(l, &format!("Entry {}", e.entry.number), status);
        let colour = if is_withdrawn(e) { MUTED } else { INK };
        field(
            l,
            MARGIN_X,
            CONTENT_W,
            "Happened",
            &format::occurred(&i.occurred, sel.tz),
            colour,
        );
        let mut recorded = format::instant(e.entry.recorded_at, sel.tz);
        if e.entry.written_while_locked {
            recorded.push_str(" (written from the lock screen)");
        }
        field(l, MARGIN_X, CONTENT_W, "Recorded", &recorded, colour);
        if let Some(amended) = e.entry.amended_at {
            let earlier = e.earlier.len();
            let text = format!(
                "Amended on {}; earlier {} in the appendix.",
                format::instant(amended, sel.tz),
                if earlier == 1 { "wording" } else { "wordings" }
            );
            if let Some((top, bottom)) = field(l, MARGIN_X, CONTENT_W, "Amended", &text, colour) {
                if !e.earlier.is_empty() {
                    l.link(
                        MARGIN_X + LABEL_W,
                        top,
                        CONTENT_W - LABEL_W,
                        bottom - top,
                        Anchor::Earlier(e.entry.number),
                    );
                }
            }
        }
        if let Status::Withdrawn { at, reason } = &e.entry.status {
            let reason = if reason.trim().is_empty() {
                "no reason given"
            } else {
                reason.trim()
            };
            field(
                l,
                MARGIN_X,
                CONTENT_W,
                "Withdrawn",
                &format!(
                    "Withdrawn on {}. Reason: {reason}",
                    format::instant(*at, sel.tz)
                ),
                ACCENT,
            );
        }
        incident_fields(l, sel, i, colour);
        let exhibits = sel.exhibits_of(&e.entry);
        if !exhibits.is_empty() {
            let marks = exhibits
                .iter()
                .map(|x| x.mark.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            field(l, MARGIN_X, CONTENT_W, "Exhibits", &marks, colour);
            for x in exhibits {
                exhibit_block(l, sel, x, thumbnails);
            }
        }
        l.rule(MARGIN_X, l.y + 2.0, CONTENT_W, 0.4, RULE);
        l.y += 6.0;
        progress.entries_done(done + 1, total);
    }
    Ok(())
}

const THUMB_BOX: f32 = 150.0;

fn exhibit_block(
    l: &mut Layout,
    sel: &Selection<'_>,
    x: &Exhibit,
    thumbnails: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
) {
    let wants_picture = sel.options.thumbnails
        && x.erased_at.is_none()
        && matches!(x.preview, Preview::Available { .. });
    let picture = if wants_picture {
        thumbnails(&x.id)
            .and_then(|bytes| super::layout::jpeg_size(&bytes).map(|size| (bytes, size)))
    } else {
        None
    };
    let (pw, ph) = match &picture {
        Some((_, (w, h))) => {
            let (w, h) = (f32::from(*w), f32::from(*h));
            let scale = (THUMB_BOX / w).min(THUMB_BOX / h);
            (w * scale, h * scale)
        }
        None => (0.0, 0.0),
    };
    let caption_x = if picture.is_some() {
        MARGIN_X + THUMB_BOX + 14.0
    } else {
        MARGIN_X + LABEL_W
    };
    let caption_w = MARGIN_X + CONTENT_W - caption_x;

    let mut lines: Vec<(Line, Colour)> = Vec::new();
    let add = |l: &mut Layout,
               lines: &mut Vec<(Line, Colour)>,
               body: &str,
               style: Style,
               colour: Colour| {
        for line in l.set(body, style, caption_w) {
            lines.push((line, colour));
        }
    };
    add(
        l,
        &mut lines,
        &format!("Exhibit {}", x.mark),
        Style::bold(9.0),
        INK,
    );
    add(
        l,
        &mut lines,
        &format!("Original file: {}", crate::escape::name(&x.original_name)),
        Style::regular(SMALL),
        INK,
    );
    add(
        l,
        &mut lines,
        &format!("Type: {}; size {}", x.media_type, format::size(x.size)),
        Style::regular(SMALL),
        INK,
    );
    if let Some(t) = &x.metadata.capture_time {
        add(
            l,
            &mut lines,
            &format!("Captured (camera clock): {t}"),
            Style::regular(SMALL),
            INK,
        );
    }
    if let Some(model) = &x.metadata.device_model {
        add(
            l,
            &mut lines,
            &format!("Device: {model}"),
            Style::regular(SMALL),
            INK,
        );
    }
    add(
        l,
        &mut lines,
        &format!(
            "Added to the diary: {}",
            format::instant(x.added_at, sel.tz)
        ),
        Style::regular(SMALL),
        INK,
    );
    if !x.how_obtained.trim().is_empty() {
        add(
            l,
            &mut lines,
            &format!("How obtained: {}", x.how_obtained.trim()),
            Style::regular(SMALL),
            INK,
        );
    }
    add(
        l,
        &mut lines,
        "SHA-256 of the original file:",
        Style::regular(SMALL),
        INK,
    );
    let hash = l.set_line(&x.sha256, Style::regular(7.0));
    lines.push((hash, INK));
    if let Some(at) = x.erased_at {
        add(
            l,
            &mut lines,
            &format!(
                "The file was erased from the diary on {}; its hash remains in the diary's chain.",
                format::instant(at, sel.tz)
            ),
            Style::regular(SMALL),
            ACCENT,
        );
    } else if picture.is_some() {
        add(
            l,
            &mut lines,
            "The picture is a reduced copy for reference; the original is unaltered.",
            Style::regular(6.8),
            MUTED,
        );
    } else if wants_picture {
        add(
            l,
            &mut lines,
            "No picture could be shown for this exhibit.",
            Style::regular(6.8),
            MUTED,
        );
    }
    let caption_h: f32 = lines.iter().map(|(line, _)| line.height).sum();
    let h = caption_h.max(ph) + 6.0;
    l.ensure(h);
    let top = l.y + 2.0;
    if let Some((bytes, _)) = &picture {
        let px = MARGIN_X + (THUMB_BOX - pw) / 2.0;
        if l.jpeg(bytes, px, top, pw, ph) {
            l.frame(px, top, pw, ph, 0.5, RULE);
        }
    }
    let mut y = top;
    for (line, colour) in &lines {
        l.draw_line(line, caption_x, y, *colour);
        y += line.height;
    }
    l.y = top + h;
}

// ---------------------------------------------------------------- exhibits index

fn exhibits_index(l: &mut Layout, sel: &Selection<'_>) {
    section(l, sel, EXHIBITS, SECTION_TITLES[3].1, Vec::new());
    if sel.exhibits.is_empty() {
        para(l, "No exhibits are attached to the entries in this report.");
        return;
    }
    note(l, "Every exhibit attached to the entries in this report. The SHA-256 hash identifies the original file exactly: any copy with the same hash is the same file.");
    let columns = [
        ("Mark", 44.0),
        ("Entry", 34.0),
        ("Original name", 150.0),
        ("Type", 70.0),
        ("Size", 72.0),
        ("Added", CONTENT_W - 370.0),
    ];
    table_header(l, &columns);
    for x in &sel.exhibits {
        let mut kind = x.media_type.clone();
        if let Some(at) = x.erased_at {
            kind.push_str(&format!(
                "\nerased {}",
                format::date(format::local_date(at, sel.tz))
            ));
        }
        let size = if x.size >= 1024 {
            format!(
                "{}\n{} bytes",
                format::size(x.size).split(" (").next().unwrap_or(""),
                format::thousands(x.size)
            )
        } else {
            format::size(x.size)
        };
        table_row(
            l,
            &columns,
            vec![
                bold_cell(x.mark.clone()),
                cell(x.entry_number.to_string()),
                cell(crate::escape::name(&x.original_name)),
                cell(kind),
                cell(size),
                cell(format::minute(x.added_at, sel.tz)),
            ],
            Some(Cell {
                text: format!("SHA-256  {}", x.sha256),
                style: Style::regular(7.0),
            }),
            INK,
            Some(Anchor::Entry(x.entry_number)),
        );
    }
}

// ---------------------------------------------------------------- appendix

fn appendix(l: &mut Layout, sel: &Selection<'_>) {
    section(l, sel, APPENDIX, SECTION_TITLES[4].1, Vec::new());
    subheading(l, "Earlier wordings of amended entries");
    let amended: Vec<&&ReportEntry> = sel
        .entries
        .iter()
        .filter(|e| !e.earlier.is_empty())
        .collect();
    if amended.is_empty() {
        para(l, "No entry in this report was amended.");
    } else {
        note(l, "When an entry is amended, Daybook keeps every earlier wording. They are shown here, oldest first, exactly as they were saved.");
    }
    for e in amended {
        let total = e.entry.revisions.max(e.earlier.len() as u32 + 1);
        l.ensure(110.0);
        l.anchor(Anchor::Earlier(e.entry.number));
        for rev in &e.earlier {
            l.ensure(90.0);
            l.y += 4.0;
            let title = format!(
                "Entry {}: wording {} of {}",
                e.entry.number, rev.revision, total
            );
            entry_band(l, &title, "EARLIER WORDING");
            let mut saved = format::instant(rev.saved_at, sel.tz);
            if rev.written_while_locked {
                saved.push_str(" (written from the lock screen)");
            }
            field(l, MARGIN_X, CONTENT_W, "Saved", &saved, INK);
            field(
                l,
                MARGIN_X,
                CONTENT_W,
                "Happened",
                &format::occurred(&rev.incident.occurred, sel.tz),
                INK,
            );
            incident_fields(l, sel, &rev.incident, INK);
            l.y += 4.0;
        }
    }

    subheading(l, "Erased entries");
    if sel.erased.is_empty() {
        para(l, "No entry in the period of this report was erased.");
        return;
    }
    note(l, "The person keeping the diary erased the content of these entries (for example, for their safety). The diary's hash chain still records that each entry existed and when it was erased.");
    let columns = [
        ("No.", 60.0),
        ("Recorded", 211.0),
        ("Erased", CONTENT_W - 271.0),
    ];
    table_header(l, &columns);
    for t in &sel.erased {
        table_row(
            l,
            &columns,
            vec![
                bold_cell(t.number.to_string()),
                cell(format::instant(t.recorded_at, sel.tz)),
                cell(format::instant(t.erased_at, sel.tz)),
            ],
            None,
            INK,
            None,
        );
    }
}

// ---------------------------------------------------------------- declaration

fn declaration(l: &mut Layout, sel: &Selection<'_>) {
    section(l, sel, DECLARATION, SECTION_TITLES[5].1, Vec::new());
    let keeper = sel.doc.keeper_name.trim();
    let opening = if keeper.is_empty() {
        "I kept the diary from which this record was made.".to_string()
    } else {
        format!("I, {keeper}, kept the diary from which this record was made.")
    };
    l.y += 6.0;
    l.paragraph(
        &format!("{opening} The entries in it were written by me, and they are true to the best of my knowledge and belief."),
        Style::regular(11.0),
        MARGIN_X,
        CONTENT_W,
        INK,
    );
    l.y += 10.0;
    note(
        l,
        &format!(
            "This record contains {} and {}, generated on {}, with diary fingerprint {}.",
            format::count(sel.entries.len(), "entry", "entries"),
            format::count(sel.exhibits.len(), "exhibit", "exhibits"),
            format::minute(sel.doc.generated_at, sel.tz),
            sel.doc.fingerprint
        ),
    );
    l.y += 30.0;
    for label in ["Signature", "Name", "Date"] {
        l.ensure(50.0);
        let line = l.set_line(label, Style::regular(BODY));
        let top = l.y;
        l.draw_line(&line, MARGIN_X, top, MUTED);
        if label == "Name" && !keeper.is_empty() {
            let name = l.set_line(keeper, Style::regular(11.0));
            let y = top + line.baseline - name.baseline;
            l.draw_line(&name, MARGIN_X + 80.0, y, INK);
        }
        l.rule(MARGIN_X + 80.0, top + line.height + 2.0, 260.0, 0.6, INK);
        l.y = top + line.height + 34.0;
    }
}
