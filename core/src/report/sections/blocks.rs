//! The pieces every section draws with: a section's first lines, subheadings,
//! paragraphs and notes, labelled fields, table rows that repeat their header on a new
//! page, and the band at the top of each entry.
//!
//! These know nothing of entries or the law; what a section says is up to it.

use chrono::NaiveDate;

use crate::incident::Incident;
use crate::report::format;
use crate::report::layout::{
    Anchor, Bookmark, Colour, Layout, ACCENT, CONTENT_W, INK, MARGIN_X, MUTED, RULE, TINT,
};
use crate::report::text::{Line, Style};
use crate::report::Selection;

pub(super) const BODY: f32 = 9.0;
pub(super) const SMALL: f32 = 7.5;
pub(super) const LABEL_W: f32 = 112.0;

fn keeper_suffix(sel: &Selection<'_>) -> String {
    let name = sel.doc.keeper_name.trim();
    if name.is_empty() {
        String::new()
    } else {
        format!(" kept by {name}")
    }
}

pub(super) fn section(
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

pub(super) fn subheading(l: &mut Layout, title: &str) {
    l.ensure(70.0);
    l.y += 8.0;
    let line = l.set_line(title, Style::bold(11.0));
    l.draw_line(&line, MARGIN_X, l.y, INK);
    l.y += line.height + 3.0;
}

pub(super) fn para(l: &mut Layout, body: &str) {
    l.paragraph(body, Style::regular(BODY), MARGIN_X, CONTENT_W, INK);
    l.y += 4.0;
}

pub(super) fn note(l: &mut Layout, body: &str) {
    l.paragraph(body, Style::regular(SMALL), MARGIN_X, CONTENT_W, MUTED);
    l.y += 3.0;
}

/// A labelled field: the label in a narrow column, the value beside it. Short values
/// are kept together on one page; long ones break between lines. Returns the top and
/// bottom of the value when it stayed on one page.
pub(super) fn field(
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
pub(super) struct Cell {
    pub text: String,
    pub style: Style,
}

pub(super) fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        style: Style::regular(SMALL),
    }
}

pub(super) fn bold_cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        style: Style::bold(SMALL),
    }
}

const PAD_X: f32 = 3.0;
const PAD_Y: f32 = 3.0;
/// Longest cell, in lines, before it is cut (a row must fit on a page).
const MAX_CELL_LINES: usize = 30;

pub(super) fn table_header(l: &mut Layout, columns: &[(&str, f32)]) {
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
pub(super) fn table_row(
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

/// A figure in a box, with its label under it.
pub(super) struct FigureBox {
    pub figure: String,
    pub label: String,
    /// The figure's colour and the box's edge.
    pub colour: Colour,
}

/// Up to four boxes side by side across the page.
pub(super) fn figure_boxes(l: &mut Layout, boxes: &[FigureBox]) {
    let gap = 8.0;
    let bw = (CONTENT_W - gap * 3.0) / 4.0;
    let bh = 50.0;
    l.ensure(bh + 12.0);
    let top = l.y;
    for (i, b) in boxes.iter().take(4).enumerate() {
        let x = MARGIN_X + i as f32 * (bw + gap);
        l.fill(x, top, bw, bh, TINT);
        l.fill(x, top, 2.5, bh, b.colour);
        let fig = l.set_line(&b.figure, Style::bold(18.0));
        l.draw_line(&fig, x + 10.0, top + 5.0, b.colour);
        let lab = l.set(&b.label, Style::regular(7.5), bw - 14.0);
        let mut y = top + 5.0 + fig.height;
        for line in &lab {
            l.draw_line(line, x + 10.0, y, MUTED);
            y += line.height;
        }
    }
    l.y = top + bh + 12.0;
}

pub(super) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) fn entry_band(l: &mut Layout, title: &str, status: &str) {
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

/// The day the police were told, as the report writes dates, or the text as the
/// person typed it when it is not a `YYYY-MM-DD` date.
pub(super) fn police_day(date: &str) -> String {
    NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map(format::date)
        .unwrap_or_else(|_| date.to_string())
}

/// The short labels of an incident's behaviours: `following, threats`.
pub(super) fn behaviour_labels(i: &Incident) -> String {
    i.behaviours
        .iter()
        .map(|b| b.short_label())
        .collect::<Vec<_>>()
        .join(", ")
}
