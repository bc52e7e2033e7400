//! The timeline: one table row per entry, in the order the incidents happened, each
//! linking to the entry in full.

use super::blocks::{behaviour_labels, bold_cell, cell, note, section, table_header, table_row};
use super::{SECTION_TITLES, TIMELINE};
use crate::error::{Error, Result};
use crate::report::layout::{Anchor, Layout, INK, MUTED};
use crate::report::{format, text, Progress, Selection};

const TIMELINE_COLUMNS: [(&str, f32); 7] = [
    ("No.", 48.0),
    ("When", 80.0),
    ("Where", 68.0),
    ("Behaviour", 72.0),
    ("What happened", 127.28),
    ("Exhibits", 44.0),
    ("Police ref.", 44.0),
];

pub(super) fn draw(l: &mut Layout, sel: &Selection<'_>, progress: &dyn Progress) -> Result<()> {
    section(l, sel, TIMELINE, SECTION_TITLES[1].1, Vec::new());
    note(l, "One row per entry, in the order the incidents happened; \"(approximate)\" marks a time the person was not sure of, and \"written\" says how soon after it the entry was first recorded. Descriptions are shortened here; select a row to go to the entry in full.");
    table_header(l, &TIMELINE_COLUMNS);
    for e in &sel.entries {
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        let Some(i) = e.incident() else { continue };
        let mut number = e.entry.number.to_string();
        if e.is_withdrawn() {
            number.push_str("\nwithdrawn");
        }
        if e.entry.revisions > 1 {
            number.push_str("\namended");
        }
        let marks = sel
            .exhibits_of(&e.entry)
            .iter()
            .map(|x| x.mark.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let colour = if e.is_withdrawn() { MUTED } else { INK };
        table_row(
            l,
            &TIMELINE_COLUMNS,
            vec![
                bold_cell(number),
                cell(format!(
                    "{}\nwritten {}",
                    format::occurred_short(&i.occurred, sel.tz),
                    crate::report::statement::freshness(i.occurred.start, e.entry.recorded_at)
                )),
                cell(text::shorten(
                    &[
                        i.location.as_str(),
                        i.online.account.as_str(),
                        i.online.url.as_str(),
                    ]
                    .into_iter()
                    .filter(|t| !t.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join("\n"),
                    120,
                )),
                cell(behaviour_labels(i)),
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
