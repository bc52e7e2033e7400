//! The exhibits index: one row per exhibit, in mark order, with its entry, original
//! name, type, exact size, when it was added and its SHA-256.

use super::blocks::{bold_cell, cell, note, para, section, table_header, table_row, Cell};
use super::{EXHIBITS, SECTION_TITLES};
use crate::report::layout::{Anchor, Layout, CONTENT_W, INK};
use crate::report::text::Style;
use crate::report::{format, Selection};

pub(super) fn draw(l: &mut Layout, sel: &Selection<'_>) {
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
