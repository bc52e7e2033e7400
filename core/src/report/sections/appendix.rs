//! The appendix: every earlier wording of amended entries, oldest first and exactly as
//! saved, then a table of the entries erased in the report's period.

use super::blocks::{
    bold_cell, cell, entry_band, field, note, para, section, subheading, table_header, table_row,
};
use super::entries::incident_fields;
use super::{APPENDIX, SECTION_TITLES};
use crate::report::layout::{Anchor, Layout, CONTENT_W, INK, MARGIN_X};
use crate::report::{format, ReportEntry, Selection};

pub(super) fn draw(l: &mut Layout, sel: &Selection<'_>) {
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

    subheading(l, "Where each exhibit has gone");
    let listed: Vec<(String, String)> = sel
        .exhibits
        .iter()
        .map(|x| {
            let gone: Vec<String> = sel
                .doc
                .custody
                .iter()
                .filter(|c| c.exhibits.iter().any(|(mark, _)| mark == &x.mark))
                .map(|c| {
                    let to = if c.given_to.is_empty() {
                        String::new()
                    } else {
                        format!(", given to {}", c.given_to)
                    };
                    format!(
                        "{} {}{to}",
                        c.kind.replace('_', " "),
                        format::instant(c.at, sel.tz)
                    )
                })
                .collect();
            (x.mark.clone(), gone.join("; "))
        })
        .filter(|(_, gone)| !gone.is_empty())
        .collect();
    if listed.is_empty() {
        para(
            l,
            "No exhibit in this report had left the diary before it was made.",
        );
    } else {
        note(l, "The diary records in its hash chain each time an original left it (a handover file, an evidence pack or a copy saved), with the SHA-256 of what was given.");
        let columns = [("Exhibit", 60.0), ("Left the diary", CONTENT_W - 60.0)];
        table_header(l, &columns);
        for (mark, gone) in listed {
            table_row(
                l,
                &columns,
                vec![bold_cell(mark), cell(gone)],
                None,
                INK,
                None,
            );
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
