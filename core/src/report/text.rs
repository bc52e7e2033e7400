//! Turning the diary's text into positioned glyphs: choosing a font for each
//! character, ordering right-to-left script (Arabic, Urdu) with the Unicode
//! bidirectional algorithm, shaping with rustybuzz (so Arabic letters join), and
//! breaking paragraphs into lines that fit a width.
//!
//! This module must never drop or reorder the person's words: every character of the
//! input ends up in exactly one line, in the order the bidi algorithm asks for.

use rustybuzz::Script;
use unicode_bidi::ParagraphBidiInfo;

use super::fonts::{FontId, Fonts, Glyph};

/// How a piece of text is set.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// `Regular` or `Bold`; Arabic script always uses the Arabic font.
    pub font: FontId,
    pub size: f32,
}

impl Style {
    pub const fn regular(size: f32) -> Self {
        Style {
            font: FontId::Regular,
            size,
        }
    }

    pub const fn bold(size: f32) -> Self {
        Style {
            font: FontId::Bold,
            size,
        }
    }
}

/// Glyphs of one font, in drawing order.
#[derive(Debug, Clone)]
pub struct Run {
    pub font: FontId,
    pub glyphs: Vec<Glyph>,
}

/// One line of set text.
#[derive(Debug, Clone)]
pub struct Line {
    pub runs: Vec<Run>,
    /// Width in points.
    pub width: f32,
    pub size: f32,
    /// Height of the line box in points.
    pub height: f32,
    /// Distance from the top of the line box to the baseline.
    pub baseline: f32,
    /// The paragraph reads right to left (align the line to the right).
    pub rtl: bool,
}

impl Line {
    fn empty(fonts: &Fonts, size: f32) -> Self {
        let (height, baseline) = metrics(fonts, &[FontId::Regular], size);
        Line {
            runs: Vec::new(),
            width: 0.0,
            size,
            height,
            baseline,
            rtl: false,
        }
    }
}

fn metrics(fonts: &Fonts, used: &[FontId], size: f32) -> (f32, f32) {
    let mut ascender: f32 = 0.0;
    let mut descender: f32 = 0.0;
    for id in used {
        let font = fonts.get(*id);
        ascender = ascender.max(font.ascender);
        descender = descender.min(font.descender);
    }
    let content = (ascender - descender) * size / 1000.0;
    let height = (size * 1.38).max(content * 1.02);
    let baseline = (height - content) / 2.0 + ascender * size / 1000.0;
    (height, baseline)
}

fn is_arabic(c: char) -> bool {
    matches!(c as u32,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x0870..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

fn may_be_rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFEFF | 0x200F | 0x202B | 0x202E | 0x2067)
}

fn script_of(c: char) -> Option<Script> {
    if !c.is_alphabetic() {
        return None;
    }
    Some(match c as u32 {
        0x0370..=0x03FF | 0x1F00..=0x1FFF => rustybuzz::script::GREEK,
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
            rustybuzz::script::CYRILLIC
        }
        _ if is_arabic(c) => rustybuzz::script::ARABIC,
        _ => rustybuzz::script::LATIN,
    })
}

/// A piece of a paragraph set in one font, one direction and one script.
struct Segment {
    start: usize,
    end: usize,
    font: FontId,
    level: u8,
    glyphs: Vec<Glyph>,
}

impl Segment {
    fn rtl(&self) -> bool {
        self.level % 2 == 1
    }

    /// The glyphs whose clusters fall in `lo..hi`, in drawing order.
    fn glyphs_in(&self, lo: usize, hi: usize) -> &[Glyph] {
        let (lo, hi) = (lo as u32, hi as u32);
        let g = &self.glyphs;
        if self.rtl() {
            let a = g.partition_point(|x| x.cluster >= hi);
            let b = g.partition_point(|x| x.cluster >= lo);
            &g[a..b.max(a)]
        } else {
            let a = g.partition_point(|x| x.cluster < lo);
            let b = g.partition_point(|x| x.cluster < hi);
            &g[a..b.max(a)]
        }
    }
}

fn choose_font(fonts: &Fonts, c: char, base: FontId, previous: Option<FontId>) -> FontId {
    if is_arabic(c) {
        return FontId::Arabic;
    }
    if !c.is_alphabetic() {
        if let Some(p) = previous {
            if fonts.get(p).covers(c) || c.is_whitespace() {
                return p;
            }
        }
    }
    if fonts.get(base).covers(c) {
        base
    } else if fonts.get(FontId::Arabic).covers(c) {
        FontId::Arabic
    } else {
        base
    }
}

/// A paragraph (no line breaks) shaped and ready to be broken into lines.
struct Shaped<'t> {
    text: &'t str,
    bidi: Option<ParagraphBidiInfo<'t>>,
    segments: Vec<Segment>,
    /// `prefix[i]` is the advance (thousandths of an em) of all clusters before byte i.
    prefix: Vec<f32>,
    style: Style,
}

impl<'t> Shaped<'t> {
    fn new(fonts: &mut Fonts, text: &'t str, style: Style) -> Self {
        let bidi = if text.chars().any(may_be_rtl) {
            let info = ParagraphBidiInfo::new(text, None);
            if info.has_rtl() {
                Some(info)
            } else {
                None
            }
        } else {
            None
        };
        let level_at = |i: usize| -> u8 {
            bidi.as_ref()
                .and_then(|b| b.levels.get(i))
                .map(|l| l.number())
                .unwrap_or(0)
        };

        // Itemise into segments of one font, level and script. A segment that begins
        // with neutral characters (spaces, digits) takes the script of its first letter.
        let mut segments: Vec<Segment> = Vec::new();
        let mut scripts: Vec<(Script, bool)> = Vec::new();
        let mut previous: Option<FontId> = None;
        for (i, c) in text.char_indices() {
            let font = choose_font(fonts, c, style.font, previous);
            let level = level_at(i);
            let script = script_of(c);
            let same = match (segments.last(), scripts.last()) {
                (Some(s), Some((seg_script, known))) => {
                    s.font == font
                        && s.level == level
                        && (script.is_none() || !known || script == Some(*seg_script))
                }
                _ => false,
            };
            if same {
                if let Some(s) = segments.last_mut() {
                    s.end = i + c.len_utf8();
                }
                if let (Some(found), Some(slot)) = (script, scripts.last_mut()) {
                    if !slot.1 {
                        *slot = (found, true);
                    }
                }
            } else {
                let seg_script = match (script, font) {
                    (Some(s), _) => (s, true),
                    (None, FontId::Arabic) => (rustybuzz::script::ARABIC, false),
                    (None, _) => (rustybuzz::script::LATIN, false),
                };
                segments.push(Segment {
                    start: i,
                    end: i + c.len_utf8(),
                    font,
                    level,
                    glyphs: Vec::new(),
                });
                scripts.push(seg_script);
            }
            previous = Some(font);
        }

        let mut prefix = vec![0.0f32; text.len() + 1];
        for (segment, (script, _)) in segments.iter_mut().zip(scripts) {
            let piece = &text[segment.start..segment.end];
            let rtl = segment.level % 2 == 1;
            let mut glyphs = fonts.get_mut(segment.font).shape(piece, rtl, script);
            for g in &mut glyphs {
                g.cluster += segment.start as u32;
                if let Some(slot) = prefix.get_mut(g.cluster as usize + 1) {
                    *slot += g.advance;
                }
            }
            segment.glyphs = glyphs;
        }
        for i in 1..prefix.len() {
            prefix[i] += prefix[i - 1];
        }
        Shaped {
            text,
            bidi,
            segments,
            prefix,
            style,
        }
    }

    /// Width in points of the text between two byte offsets.
    fn width(&self, a: usize, b: usize) -> f32 {
        (self.prefix[b] - self.prefix[a]) * self.style.size / 1000.0
    }

    fn rtl(&self) -> bool {
        self.bidi
            .as_ref()
            .is_some_and(|b| b.paragraph_level.is_rtl())
    }

    fn line(&self, fonts: &Fonts, a: usize, b: usize) -> Line {
        let mut runs: Vec<Run> = Vec::new();
        let mut push = |font: FontId, glyphs: &[Glyph]| {
            if glyphs.is_empty() {
                return;
            }
            match runs.last_mut() {
                Some(r) if r.font == font => r.glyphs.extend_from_slice(glyphs),
                _ => runs.push(Run {
                    font,
                    glyphs: glyphs.to_vec(),
                }),
            }
        };
        let overlapping = |lo: usize, hi: usize| {
            self.segments
                .iter()
                .filter(move |s| s.start < hi && s.end > lo)
        };
        match &self.bidi {
            None => {
                for s in overlapping(a, b) {
                    push(s.font, s.glyphs_in(a.max(s.start), b.min(s.end)));
                }
            }
            Some(info) => {
                let (levels, visual) = info.visual_runs(a..b);
                for run in visual {
                    let rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
                    let mut segs: Vec<&Segment> = overlapping(run.start, run.end).collect();
                    if rtl {
                        segs.reverse();
                    }
                    for s in segs {
                        push(
                            s.font,
                            s.glyphs_in(run.start.max(s.start), run.end.min(s.end)),
                        );
                    }
                }
            }
        }
        let used: Vec<FontId> = runs.iter().map(|r| r.font).collect();
        let (height, baseline) = if used.is_empty() {
            metrics(fonts, &[FontId::Regular], self.style.size)
        } else {
            metrics(fonts, &used, self.style.size)
        };
        let width = runs
            .iter()
            .flat_map(|r| r.glyphs.iter())
            .map(|g| g.advance)
            .sum::<f32>()
            * self.style.size
            / 1000.0;
        Line {
            runs,
            width,
            size: self.style.size,
            height,
            baseline,
            rtl: self.rtl(),
        }
    }

    /// Byte offsets of words: (start, end of the visible part, end including spaces).
    fn words(&self) -> Vec<(usize, usize, usize)> {
        let mut words = Vec::new();
        let mut start = 0;
        let mut visible_end = 0;
        let mut in_space = false;
        let mut chars = self.text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c.is_whitespace() {
                if !in_space {
                    visible_end = i;
                    in_space = true;
                }
                continue;
            }
            if in_space {
                words.push((start, visible_end, i));
                start = i;
                in_space = false;
            }
            // A break is allowed after a hyphen or slash inside a long word.
            let after = i + c.len_utf8();
            if matches!(c, '-' | '/' | '–')
                && chars.peek().is_some_and(|(_, n)| !n.is_whitespace())
                && after - start > 1
            {
                words.push((start, after, after));
                start = after;
            }
        }
        let end = self.text.len();
        if in_space {
            words.push((start, visible_end, end));
        } else if start < end {
            words.push((start, end, end));
        }
        words
    }

    /// Breaks into lines no wider than `max` points.
    fn wrap(&self, fonts: &Fonts, max: f32, out: &mut Vec<Line>) {
        let words = self.words();
        let mut line_start: Option<usize> = None;
        let mut line_end = 0;
        for (start, visible_end, _end) in words {
            let ls = line_start.unwrap_or(start);
            if self.width(ls, visible_end) <= max {
                line_start = Some(ls);
                line_end = visible_end;
                continue;
            }
            if let Some(ls) = line_start {
                out.push(self.line(fonts, ls, line_end));
            }
            // The word starts a new line; a word wider than the line is cut.
            let mut ls = start;
            while self.width(ls, visible_end) > max {
                let mut cut = ls;
                for (i, c) in self.text[ls..visible_end].char_indices() {
                    let next = ls + i + c.len_utf8();
                    if self.width(ls, next) > max && cut > ls {
                        break;
                    }
                    cut = next;
                }
                out.push(self.line(fonts, ls, cut));
                ls = cut;
            }
            line_start = Some(ls);
            line_end = visible_end;
        }
        match line_start {
            Some(ls) => out.push(self.line(fonts, ls, line_end)),
            None => out.push(Line::empty(fonts, self.style.size)),
        }
    }
}

/// Sets `text` in lines no wider than `max` points. Each `\n` starts a new paragraph.
pub fn wrap(fonts: &mut Fonts, text: &str, style: Style, max: f32) -> Vec<Line> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let paragraph = tabs_as_spaces(paragraph.trim_end_matches('\r'));
        if paragraph.trim().is_empty() {
            lines.push(Line::empty(fonts, style.size));
            continue;
        }
        let shaped = Shaped::new(fonts, &paragraph, style);
        shaped.wrap(fonts, max, &mut lines);
    }
    lines
}

/// A tab has no glyph: it is set as a space (one byte for one, so every offset into
/// the text stays the same).
fn tabs_as_spaces(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\t') {
        std::borrow::Cow::Owned(text.replace('\t', " "))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Sets `text` on one line, however long (line breaks become spaces).
pub fn line(fonts: &mut Fonts, text: &str, style: Style) -> Line {
    let flat: String;
    let text = if text.contains(['\n', '\r', '\t']) {
        flat = text.replace(['\n', '\r', '\t'], " ");
        flat.as_str()
    } else {
        text
    };
    if text.is_empty() {
        return Line::empty(fonts, style.size);
    }
    let shaped = Shaped::new(fonts, text, style);
    shaped.line(fonts, 0, text.len())
}

/// Shortens `text` to about `max_chars` characters at a word boundary, adding an
/// ellipsis when anything was left out. Line breaks become spaces.
pub fn shorten(text: &str, max_chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars {
        return flat;
    }
    let cut: String = flat.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clusters(line: &Line) -> Vec<(FontId, Vec<u32>)> {
        line.runs
            .iter()
            .map(|r| (r.font, r.glyphs.iter().map(|g| g.cluster).collect()))
            .collect()
    }

    #[test]
    fn trailing_ellipsis_after_urdu_stays_at_the_end_of_a_left_to_right_line() {
        let mut fonts = Fonts::load().expect("fonts");
        let text = "left. اس نے کہا…";
        let line = line(&mut fonts, text, Style::regular(9.0));
        let runs = clusters(&line);
        eprintln!("{runs:?}");
        let last = runs.last().and_then(|(_, c)| c.last()).copied();
        assert_eq!(last, Some(text.find('…').expect("ellipsis") as u32));
        assert!(!line.rtl);
    }

    #[test]
    fn urdu_paragraph_reads_right_to_left_and_joins() {
        let mut fonts = Fonts::load().expect("fonts");
        let text = "اس نے کہا کہ وہ میرا پیچھا کرتا رہے گا";
        let lines = wrap(&mut fonts, text, Style::regular(9.0), 60.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.rtl));
        // The first line holds the start of the text: its rightmost glyph is cluster 0.
        let first = clusters(&lines[0]);
        assert_eq!(first.last().and_then(|(_, c)| c.last()).copied(), Some(0));
        assert!(first.iter().all(|(f, _)| *f == FontId::Arabic));
    }

    #[test]
    fn long_words_are_cut_to_fit() {
        let mut fonts = Fonts::load().expect("fonts");
        let hash = "0123456789abcdef".repeat(4);
        let lines = wrap(&mut fonts, &hash, Style::regular(9.0), 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.width <= 100.0 + 0.01));
        let total: usize = lines
            .iter()
            .map(|l| l.runs.iter().map(|r| r.glyphs.len()).sum::<usize>())
            .sum();
        assert_eq!(total, 64);
    }

    #[test]
    fn tabs_are_set_as_spaces() {
        let mut fonts = Fonts::load().expect("fonts");
        let tab = wrap(&mut fonts, "a\tb", Style::regular(9.0), 100.0);
        let space = wrap(&mut fonts, "a b", Style::regular(9.0), 100.0);
        assert_eq!(clusters(&tab[0]), clusters(&space[0]));
        let notdef = |l: &Line| l.runs.iter().any(|r| r.glyphs.iter().any(|g| g.cid == 0));
        assert!(!notdef(&tab[0]));
        assert!(!notdef(&line(&mut fonts, "a\tb", Style::regular(9.0))));
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("one two three four", 12), "one two…");
        assert_eq!(shorten("short", 12), "short");
    }
}
