//! The page: an A4 sheet with margins, a cursor that moves down it, and the drawing
//! operations the sections use (set lines of text, rules, filled boxes, thumbnails,
//! links and bookmarks). When a page is full it is finished straight into the PDF
//! being built, so memory holds one page's drawing at a time plus the PDF itself.
//!
//! Page furniture that needs the page count ("page N of M") is drawn after the last
//! page, as a second content stream on every page, so one layout pass is enough.
//!
//! This module must never write anywhere except the in-memory PDF: the caller decides
//! where the finished bytes go.

use std::collections::HashMap;

use chrono::Datelike;
use chrono::Timelike;
use pdf_writer::types::{ActionType, AnnotationType, PageMode};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::fonts::{FontId, Fonts};
use super::text::{self, Line, Style};
use crate::error::{Error, Result};

/// A4 in points.
pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN_X: f32 = 56.0;
/// Where content starts, from the top of the sheet.
pub const TOP: f32 = 64.0;
/// Where content must end, from the top of the sheet.
pub const BOTTOM: f32 = PAGE_H - 66.0;
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

/// An RGB colour.
#[derive(Debug, Clone, Copy)]
pub struct Colour(pub f32, pub f32, pub f32);

pub const INK: Colour = Colour(0.11, 0.12, 0.14);
pub const MUTED: Colour = Colour(0.38, 0.40, 0.44);
pub const RULE: Colour = Colour(0.74, 0.76, 0.79);
pub const TINT: Colour = Colour(0.94, 0.95, 0.96);
pub const ACCENT: Colour = Colour(0.16, 0.27, 0.42);
/// A lighter accent, for a second series beside `ACCENT` (calls beside messages).
pub const SOFT_ACCENT: Colour = Colour(0.56, 0.67, 0.80);
/// What must stand out from the rest of a chart (contact at night).
pub const WARM: Colour = Colour(0.78, 0.33, 0.08);

/// Something a link or bookmark can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Anchor {
    Section(u8),
    Entry(u64),
    Earlier(u64),
    /// An entry's messages in the message log.
    Messages(u64),
}

/// A bookmark in the document outline, with optional children.
pub struct Bookmark {
    pub title: String,
    pub anchor: Anchor,
    pub children: Vec<(String, Anchor)>,
}

struct FinishedPage {
    content: Ref,
    images: Vec<(String, Ref)>,
    links: Vec<(Rect, Anchor)>,
}

/// What the PDF says about itself.
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub creator: String,
    pub created: chrono::DateTime<chrono::Utc>,
}

/// The text at the foot of every page; `{page}` and `{pages}` are filled in.
pub struct Footer {
    pub left: String,
    pub middle: String,
}

pub struct Layout {
    pub fonts: Fonts,
    pdf: Pdf,
    next_ref: i32,
    pages: Vec<FinishedPage>,
    content: Content,
    images: Vec<(String, Ref)>,
    links: Vec<(Rect, Anchor)>,
    open: bool,
    image_count: usize,
    /// The cursor: distance from the top of the sheet.
    pub y: f32,
    /// Shown small at the top of every page after the cover.
    pub running_head: String,
    anchors: HashMap<Anchor, (usize, f32)>,
    pub outline: Vec<Bookmark>,
}

impl Layout {
    pub fn new(fonts: Fonts) -> Self {
        let mut pdf = Pdf::new();
        pdf.set_version(1, 7);
        Layout {
            fonts,
            pdf,
            next_ref: 1,
            pages: Vec::new(),
            content: Content::new(),
            images: Vec::new(),
            links: Vec::new(),
            open: false,
            image_count: 0,
            y: TOP,
            running_head: String::new(),
            anchors: HashMap::new(),
            outline: Vec::new(),
        }
    }

    pub fn alloc(&mut self) -> Ref {
        let r = Ref::new(self.next_ref);
        self.next_ref += 1;
        r
    }

    /// The number of pages begun so far.
    pub fn page_count(&self) -> usize {
        self.pages.len() + usize::from(self.open)
    }

    fn finish_page(&mut self) {
        if !self.open {
            return;
        }
        let content = std::mem::replace(&mut self.content, Content::new()).finish();
        let id = self.alloc();
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(content.as_slice(), 6);
        self.pdf.stream(id, &compressed).filter(Filter::FlateDecode);
        self.pages.push(FinishedPage {
            content: id,
            images: std::mem::take(&mut self.images),
            links: std::mem::take(&mut self.links),
        });
        self.open = false;
    }

    /// Finishes the current page and starts a new one.
    pub fn new_page(&mut self) {
        self.finish_page();
        self.content = Content::new();
        self.open = true;
        self.y = TOP;
        if !self.running_head.is_empty() {
            let head = self.running_head.clone();
            let line = text::line(&mut self.fonts, &head, Style::regular(7.5));
            self.draw_line(&line, MARGIN_X, 34.0, MUTED);
            self.rule(MARGIN_X, 48.0, CONTENT_W, 0.5, RULE);
        }
    }

    /// Starts a new page unless `height` fits below the cursor. Returns whether a new
    /// page was started.
    pub fn ensure(&mut self, height: f32) -> bool {
        if !self.open || (self.y + height > BOTTOM && self.y > TOP + 0.5) {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Records that `anchor` is at the cursor.
    pub fn anchor(&mut self, anchor: Anchor) {
        if !self.open {
            self.new_page();
        }
        let page = self.page_count().saturating_sub(1);
        self.anchors.insert(anchor, (page, self.y));
    }

    /// A link from a rectangle (top-left origin) to an anchor.
    pub fn link(&mut self, x: f32, y: f32, w: f32, h: f32, anchor: Anchor) {
        let rect = Rect::new(x, PAGE_H - y - h, x + w, PAGE_H - y);
        self.links.push((rect, anchor));
    }

    /// Draws one set line with its box's top-left at (`x`, `top`); right-to-left
    /// paragraphs are aligned to the right of `width` when given.
    pub fn draw_line(&mut self, line: &Line, x: f32, top: f32, colour: Colour) {
        if line.runs.is_empty() {
            return;
        }
        let baseline = PAGE_H - top - line.baseline;
        let scale = line.size / 1000.0;
        let c = &mut self.content;
        c.begin_text();
        c.set_fill_rgb(colour.0, colour.1, colour.2);
        let mut pen = x;
        let mut bytes: Vec<u8> = Vec::new();
        for run in &line.runs {
            let font = self.fonts.get(run.font);
            c.set_font(run.font.resource_name(), line.size);
            let glyphs = &run.glyphs;
            let mut i = 0;
            while i < glyphs.len() {
                let g = glyphs[i];
                if g.dx != 0.0 || g.dy != 0.0 {
                    c.set_text_matrix([
                        1.0,
                        0.0,
                        0.0,
                        1.0,
                        pen + g.dx * scale,
                        baseline + g.dy * scale,
                    ]);
                    c.show(Str(&g.cid.to_be_bytes()));
                    pen += g.advance * scale;
                    i += 1;
                    continue;
                }
                c.set_text_matrix([1.0, 0.0, 0.0, 1.0, pen, baseline]);
                let mut shown = c.show_positioned();
                let mut items = shown.items();
                bytes.clear();
                while i < glyphs.len() {
                    let g = glyphs[i];
                    if g.dx != 0.0 || g.dy != 0.0 {
                        break;
                    }
                    bytes.extend_from_slice(&g.cid.to_be_bytes());
                    pen += g.advance * scale;
                    let adjust = font.width_of(g.cid) - g.advance;
                    if adjust.abs() > 0.01 {
                        items.show(Str(&bytes));
                        bytes.clear();
                        items.adjust(adjust);
                    }
                    i += 1;
                }
                if !bytes.is_empty() {
                    items.show(Str(&bytes));
                }
                items.finish();
                shown.finish();
            }
        }
        c.end_text();
    }

    /// Draws lines at the cursor within a column, moving the cursor down and starting
    /// new pages as needed (lines are never split).
    pub fn lines(&mut self, lines: &[Line], x: f32, width: f32, colour: Colour) {
        for line in lines {
            self.ensure(line.height);
            let left = if line.rtl { x + width - line.width } else { x };
            let top = self.y;
            self.draw_line(line, left, top, colour);
            self.y += line.height;
        }
    }

    /// Sets and draws a paragraph at the cursor.
    pub fn paragraph(&mut self, body: &str, style: Style, x: f32, width: f32, colour: Colour) {
        let lines = text::wrap(&mut self.fonts, body, style, width);
        self.lines(&lines, x, width, colour);
    }

    /// Sets text for later drawing.
    pub fn set(&mut self, body: &str, style: Style, width: f32) -> Vec<Line> {
        text::wrap(&mut self.fonts, body, style, width)
    }

    /// Sets one line, however long.
    pub fn set_line(&mut self, body: &str, style: Style) -> Line {
        text::line(&mut self.fonts, body, style)
    }

    /// A filled rectangle (top-left origin).
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        let c = &mut self.content;
        c.set_fill_rgb(colour.0, colour.1, colour.2);
        c.rect(x, PAGE_H - y - h, w, h);
        c.fill_nonzero();
    }

    /// An outlined rectangle (top-left origin).
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32, colour: Colour) {
        let c = &mut self.content;
        c.set_stroke_rgb(colour.0, colour.1, colour.2);
        c.set_line_width(width);
        c.rect(x, PAGE_H - y - h, w, h);
        c.stroke();
    }

    /// A horizontal rule.
    pub fn rule(&mut self, x: f32, y: f32, w: f32, width: f32, colour: Colour) {
        let c = &mut self.content;
        c.set_stroke_rgb(colour.0, colour.1, colour.2);
        c.set_line_width(width);
        c.move_to(x, PAGE_H - y);
        c.line_to(x + w, PAGE_H - y);
        c.stroke();
    }

    /// Places a JPEG (already a thumbnail) as-is, with DCTDecode, in a box. Returns
    /// `false` when the bytes are not a JPEG this renderer can place.
    pub fn jpeg(&mut self, bytes: &[u8], x: f32, y: f32, w: f32, h: f32) -> bool {
        let Some(info) = jpeg_info(bytes) else {
            return false;
        };
        let id = self.alloc();
        let mut image = self.pdf.image_xobject(id, bytes);
        image.filter(Filter::DctDecode);
        image.width(i32::from(info.width));
        image.height(i32::from(info.height));
        match info.components {
            1 => {
                image.color_space().device_gray();
            }
            4 => {
                image.color_space().device_cmyk();
                if info.adobe_inverted {
                    image.decode([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
                }
            }
            _ => {
                image.color_space().device_rgb();
            }
        }
        image.bits_per_component(8);
        image.finish();
        self.image_count += 1;
        let name = format!("Im{}", self.image_count);
        let c = &mut self.content;
        c.save_state();
        c.transform([w, 0.0, 0.0, h, x, PAGE_H - y - h]);
        c.x_object(Name(name.as_bytes()));
        c.restore_state();
        self.images.push((name, id));
        true
    }

    /// Finishes the document: footers, fonts, page tree, links, outline, metadata.
    pub fn finish(mut self, footer: &Footer, meta: &Metadata) -> Result<(Vec<u8>, usize)> {
        self.finish_page();
        let total = self.pages.len();
        if total == 0 {
            return Err(Error::Report("the report has no pages".into()));
        }

        let catalog = self.alloc();
        let tree = self.alloc();
        let font_refs = [self.alloc(), self.alloc(), self.alloc()];
        let page_refs: Vec<Ref> = (0..total).map(|_| self.alloc()).collect();

        // Footers, now that the page count is known.
        let mut footer_refs = Vec::with_capacity(total);
        for n in 1..=total {
            let mut content = Content::new();
            let style = Style::regular(7.5);
            let left = text::line(&mut self.fonts, &footer.left, style);
            let middle = text::line(&mut self.fonts, &footer.middle, style);
            let right = text::line(
                &mut self.fonts,
                &format!("page {n} of {total}"),
                Style::bold(7.5),
            );
            std::mem::swap(&mut self.content, &mut content);
            self.rule(MARGIN_X, PAGE_H - 52.0, CONTENT_W, 0.5, RULE);
            let top = PAGE_H - 46.0;
            self.draw_line(&left, MARGIN_X, top, MUTED);
            self.draw_line(
                &middle,
                MARGIN_X + (CONTENT_W - middle.width) / 2.0,
                top,
                MUTED,
            );
            self.draw_line(&right, MARGIN_X + CONTENT_W - right.width, top, INK);
            std::mem::swap(&mut self.content, &mut content);
            let bytes = content.finish();
            let id = self.alloc();
            let compressed = miniz_oxide::deflate::compress_to_vec_zlib(bytes.as_slice(), 6);
            self.pdf.stream(id, &compressed).filter(Filter::FlateDecode);
            footer_refs.push(id);
        }

        // Pages with their links.
        let pages = std::mem::take(&mut self.pages);
        for (index, page) in pages.iter().enumerate() {
            let mut annotation_refs = Vec::new();
            for (rect, anchor) in &page.links {
                if let Some(&(target, y)) = self.anchors.get(anchor) {
                    let id = self.alloc();
                    let mut annotation = self.pdf.annotation(id);
                    annotation
                        .subtype(AnnotationType::Link)
                        .rect(*rect)
                        .border(0.0, 0.0, 0.0, None);
                    annotation
                        .action()
                        .action_type(ActionType::GoTo)
                        .destination()
                        .page(page_refs[target])
                        .xyz(0.0, PAGE_H - y + 8.0, None);
                    annotation.finish();
                    annotation_refs.push(id);
                }
            }
            let mut p = self.pdf.page(page_refs[index]);
            p.parent(tree)
                .media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
                .contents_array([page.content, footer_refs[index]]);
            if !annotation_refs.is_empty() {
                p.annotations(annotation_refs);
            }
            let mut resources = p.resources();
            let mut fonts = resources.fonts();
            for id in FontId::ALL {
                fonts.pair(id.resource_name(), font_refs[id as usize]);
            }
            fonts.finish();
            if !page.images.is_empty() {
                let mut objects = resources.x_objects();
                for (name, id) in &page.images {
                    objects.pair(Name(name.as_bytes()), *id);
                }
                objects.finish();
            }
            resources.finish();
            p.finish();
        }
        self.pdf
            .pages(tree)
            .kids(page_refs.iter().copied())
            .count(i32::try_from(total).unwrap_or(i32::MAX));

        // Outline.
        let outline_root = self.write_outline(&page_refs);

        let mut next = self.next_ref;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        self.fonts.write(&mut self.pdf, &font_refs, &mut alloc)?;
        self.next_ref = next;

        let mut cat = self.pdf.catalog(catalog);
        cat.pages(tree);
        if let Some(root) = outline_root {
            cat.outlines(root);
            cat.page_mode(PageMode::UseOutlines);
        }
        cat.lang(TextStr("en-GB"));
        cat.viewer_preferences().display_doc_title(true);
        cat.finish();

        let info = self.alloc();
        let created = meta.created;
        let date = Date::new(u16::try_from(created.year()).unwrap_or(2000))
            .month(created.month() as u8)
            .day(created.day() as u8)
            .hour(created.hour() as u8)
            .minute(created.minute() as u8)
            .second(created.second() as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0);
        let mut doc_info = self.pdf.document_info(info);
        doc_info
            .title(TextStr(&meta.title))
            .subject(TextStr(&meta.subject))
            .creator(TextStr(&meta.creator))
            .producer(TextStr(&meta.creator))
            .creation_date(date)
            .modified_date(date);
        if !meta.author.is_empty() {
            doc_info.author(TextStr(&meta.author));
        }
        doc_info.finish();
        Ok((self.pdf.finish(), total))
    }

    fn write_outline(&mut self, page_refs: &[Ref]) -> Option<Ref> {
        let outline = std::mem::take(&mut self.outline);
        let items: Vec<&Bookmark> = outline
            .iter()
            .filter(|b| self.anchors.contains_key(&b.anchor))
            .collect();
        if items.is_empty() {
            return None;
        }
        let root = self.alloc();
        let ids: Vec<Ref> = items.iter().map(|_| self.alloc()).collect();
        let mut visible = 0;
        for (i, bookmark) in items.iter().enumerate() {
            let children: Vec<&(String, Anchor)> = bookmark
                .children
                .iter()
                .filter(|(_, a)| self.anchors.contains_key(a))
                .collect();
            let child_ids: Vec<Ref> = children.iter().map(|_| self.alloc()).collect();
            let (page, y) = self
                .anchors
                .get(&bookmark.anchor)
                .copied()
                .unwrap_or((0, TOP));
            let mut item = self.pdf.outline_item(ids[i]);
            item.title(TextStr(&bookmark.title)).parent(root);
            if i > 0 {
                item.prev(ids[i - 1]);
            }
            if i + 1 < ids.len() {
                item.next(ids[i + 1]);
            }
            if let (Some(first), Some(last)) = (child_ids.first(), child_ids.last()) {
                item.first(*first).last(*last);
                // Negative: closed, so a long list of entries does not swamp the panel.
                item.count(-i32::try_from(child_ids.len()).unwrap_or(i32::MAX));
            }
            item.dest()
                .page(page_refs[page])
                .xyz(0.0, PAGE_H - y + 8.0, None);
            item.finish();
            visible += 1;
            for (j, (title, anchor)) in children.iter().enumerate() {
                let (page, y) = self.anchors.get(anchor).copied().unwrap_or((0, TOP));
                let mut child = self.pdf.outline_item(child_ids[j]);
                child.title(TextStr(title)).parent(ids[i]);
                if j > 0 {
                    child.prev(child_ids[j - 1]);
                }
                if j + 1 < child_ids.len() {
                    child.next(child_ids[j + 1]);
                }
                child
                    .dest()
                    .page(page_refs[page])
                    .xyz(0.0, PAGE_H - y + 8.0, None);
                child.finish();
            }
        }
        let mut root_dict = self.pdf.outline(root);
        if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
            root_dict.first(*first).last(*last);
        }
        root_dict.count(visible);
        root_dict.finish();
        Some(root)
    }
}

/// What the renderer needs from a JPEG's header.
struct JpegInfo {
    width: u16,
    height: u16,
    components: u8,
    adobe_inverted: bool,
}

/// The pixel size of a JPEG, from its header.
pub fn jpeg_size(bytes: &[u8]) -> Option<(u16, u16)> {
    jpeg_info(bytes).map(|i| (i.width, i.height))
}

/// Reads the frame header of a JPEG without decoding it.
fn jpeg_info(bytes: &[u8]) -> Option<JpegInfo> {
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8 {
        return None;
    }
    let mut i = 2;
    let mut adobe = false;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let body = bytes.get(i + 4..i + 2 + length)?;
        if marker == 0xEE && body.starts_with(b"Adobe") {
            adobe = true;
        }
        // Start-of-frame markers (not DHT 0xC4, JPG 0xC8 or DAC 0xCC).
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            if body.len() < 6 {
                return None;
            }
            let height = u16::from_be_bytes([body[1], body[2]]);
            let width = u16::from_be_bytes([body[3], body[4]]);
            let components = body[5];
            if width == 0 || height == 0 || !matches!(components, 1 | 3 | 4) {
                return None;
            }
            return Some(JpegInfo {
                width,
                height,
                components,
                adobe_inverted: adobe,
            });
        }
        if marker == 0xDA {
            return None;
        }
        i += 2 + length;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_header_is_read_without_decoding() {
        // SOI, SOF0 with 2x3 pixels and 3 components.
        let bytes = [
            0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x03, 0x00, 0x02, 0x03, 1, 0x22, 0, 2,
            0x11, 1, 3, 0x11, 1,
        ];
        let info = jpeg_info(&bytes).expect("header");
        assert_eq!((info.width, info.height, info.components), (2, 3, 3));
        assert!(jpeg_info(b"\x89PNG....").is_none());
    }
}
