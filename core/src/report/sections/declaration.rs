//! The declaration for the person keeping the diary to sign: a statement of truth,
//! what the record holds, and lines for signature, name and date.

use super::blocks::{note, section, BODY};
use super::{DECLARATION, SECTION_TITLES};
use crate::report::layout::{Layout, CONTENT_W, INK, MARGIN_X, MUTED};
use crate::report::text::Style;
use crate::report::{format, Selection};

pub(super) fn draw(l: &mut Layout, sel: &Selection<'_>) {
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
