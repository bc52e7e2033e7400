//! The cover: what the record is, whose diary, the dates covered, the counts, the
//! fingerprint, what this copy leaves out, how to read the record, and the contents.

use super::blocks::{field, para, BODY};
use super::subtitle;
use crate::report::layout::{
    Anchor, Bookmark, Layout, ACCENT, CONTENT_W, INK, MARGIN_X, MUTED, RULE,
};
use crate::report::text::Style;
use crate::report::{figures, format, Selection};

const NOT_GIVEN: &str = "(not given)";

/// `63 imported, quoted in the entries`, or empty when there are none.
fn messages_row(sel: &Selection<'_>) -> String {
    if sel.message_count == 0 {
        return String::new();
    }
    format!(
        "{} imported, quoted {}",
        format::thousands(sel.message_count as u64),
        if sel.messages_in_entries {
            "in the entries"
        } else {
            "in the message log"
        }
    )
}

pub(super) fn draw(l: &mut Layout, sel: &Selection<'_>) {
    let doc = sel.doc;
    l.running_head.clear();
    l.new_page();
    l.anchor(Anchor::Section(super::COVER));
    l.outline.push(Bookmark {
        title: "Cover".into(),
        anchor: Anchor::Section(super::COVER),
        children: Vec::new(),
    });

    l.y = 120.0;
    l.fill(MARGIN_X, l.y - 24.0, 44.0, 4.0, ACCENT);
    let title = l.set_line("Record of incidents", Style::bold(28.0));
    l.draw_line(&title, MARGIN_X, l.y, INK);
    l.y += title.height + 4.0;
    let (first, last) = super::covered(sel);
    l.paragraph(
        &subtitle(sel),
        Style::regular(12.0),
        MARGIN_X,
        CONTENT_W,
        MUTED,
    );
    l.y += 26.0;

    let withdrawn = figures::withdrawn(&sel.entries);
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
        ("Messages and calls", messages_row(sel)),
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
    if sel.message_count > 0 && !sel.messages_in_entries {
        copy_notes.push("Each entry counts its imported messages and calls; they are quoted in full in the message log at the end.".into());
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
    if sel.message_count > 0 {
        para(l, "Entries tagged \"imported\" were made by Daybook from a phone's export of messages or calls, one entry for each day with contact. The export itself is an exhibit. Each message is quoted exactly as exported, with the line where it starts in the export, so that it can be checked against the original. Characters the report's fonts cannot show, such as emoji, appear as empty boxes; the export holds them exactly.");
    }
    l.y += 8.0;

    let line = l.set_line("Contents", Style::bold(9.5));
    l.draw_line(&line, MARGIN_X, l.y, INK);
    l.y += line.height + 2.0;
    for (id, title) in super::contents(sel) {
        let line = l.set_line(title, Style::regular(BODY));
        l.ensure(line.height);
        let top = l.y;
        l.draw_line(&line, MARGIN_X + 10.0, top, ACCENT);
        l.link(MARGIN_X, top, CONTENT_W, line.height, Anchor::Section(id));
        l.y += line.height + 1.0;
    }
}
