//! The fonts the report is set in, and how they go into the PDF.
//!
//! Three fonts are compiled into the binary from `assets/fonts/` (Noto Sans regular and
//! bold for Latin, Greek and Cyrillic; Noto Naskh Arabic for Arabic script, including
//! Urdu). Nothing is ever loaded from the system, so a report looks the same on every
//! computer. Each font is embedded as a subset holding only the glyphs the report used,
//! with a `ToUnicode` map from every glyph back to the text it came from, so that the
//! words can be searched and copied out of the PDF exactly as they were written.
//!
//! This module must never embed a whole font (size) or a glyph without a way back to
//! its text (the words must stay extractable).

use std::collections::HashMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use rustybuzz::{Direction, Face, Script, ShapePlan};
use subsetter::GlyphRemapper;

use crate::error::{Error, Result};

const SANS_REGULAR: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../assets/fonts/NotoSans-Regular.ttf"
));
const SANS_BOLD: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../assets/fonts/NotoSans-Bold.ttf"
));
const NASKH_ARABIC: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../assets/fonts/NotoNaskhArabic-Regular.ttf"
));

/// Which of the embedded fonts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FontId {
    Regular = 0,
    Bold = 1,
    Arabic = 2,
}

impl FontId {
    pub const ALL: [FontId; 3] = [FontId::Regular, FontId::Bold, FontId::Arabic];

    /// The resource name used in page content streams.
    pub fn resource_name(self) -> Name<'static> {
        match self {
            FontId::Regular => Name(b"F0"),
            FontId::Bold => Name(b"F1"),
            FontId::Arabic => Name(b"F2"),
        }
    }

    fn postscript_name(self) -> &'static str {
        match self {
            FontId::Regular => "NotoSans-Regular",
            FontId::Bold => "NotoSans-Bold",
            FontId::Arabic => "NotoNaskhArabic-Regular",
        }
    }
}

/// One shaped glyph. Advances and offsets are in thousandths of the font size.
#[derive(Debug, Clone, Copy)]
pub struct Glyph {
    /// The glyph id in the *subset* font (also its CID).
    pub cid: u16,
    pub advance: f32,
    pub dx: f32,
    pub dy: f32,
    /// Byte offset of the glyph's cluster in the shaped text.
    pub cluster: u32,
}

/// One embedded font and what the report has used of it.
pub struct Font {
    data: &'static [u8],
    pub face: Face<'static>,
    units_per_em: f32,
    remapper: GlyphRemapper,
    /// Advance width (thousandths of an em) of each subset glyph, by CID.
    widths: Vec<f32>,
    /// The text each subset glyph stands for, by CID (first use wins).
    texts: Vec<Option<String>>,
    plans: HashMap<(bool, [u8; 4]), ShapePlan>,
    /// Ascender and descender in thousandths of an em.
    pub ascender: f32,
    pub descender: f32,
}

impl Font {
    fn new(data: &'static [u8]) -> Result<Self> {
        let face = Face::from_slice(data, 0)
            .ok_or_else(|| Error::Report("a built-in font could not be read".into()))?;
        let units_per_em = (face.units_per_em() as f32).max(1.0);
        let ascender = f32::from(face.ascender()) * 1000.0 / units_per_em;
        let descender = f32::from(face.descender()) * 1000.0 / units_per_em;
        let mut font = Font {
            data,
            face,
            units_per_em,
            remapper: GlyphRemapper::new(),
            widths: Vec::new(),
            texts: Vec::new(),
            plans: HashMap::new(),
            ascender,
            descender,
        };
        font.cid_for(0);
        Ok(font)
    }

    /// Whether the font has a glyph for the character.
    pub fn covers(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }

    fn to_em(&self, units: i32) -> f32 {
        units as f32 * 1000.0 / self.units_per_em
    }

    /// The subset id for an original glyph id, adding it to the subset.
    fn cid_for(&mut self, gid: u16) -> u16 {
        let cid = self.remapper.remap(gid);
        let index = usize::from(cid);
        if index >= self.widths.len() {
            let advance = self
                .face
                .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
                .map(|a| self.to_em(i32::from(a)))
                .unwrap_or(0.0);
            self.widths.resize(index + 1, 0.0);
            self.texts.resize(index + 1, None);
            self.widths[index] = advance;
        }
        cid
    }

    /// The advance width of a subset glyph as the PDF font will state it.
    pub fn width_of(&self, cid: u16) -> f32 {
        self.widths.get(usize::from(cid)).copied().unwrap_or(0.0)
    }

    /// Shapes `text` in one direction and script. Cluster offsets are relative to
    /// `text`; glyphs come in visual (left-to-right drawing) order.
    pub fn shape(&mut self, text: &str, rtl: bool, script: Script) -> Vec<Glyph> {
        let direction = if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        };
        let key = (rtl, script.tag().to_bytes());
        let face = &self.face;
        let plan = self
            .plans
            .entry(key)
            .or_insert_with(|| ShapePlan::new(face, direction, Some(script), None, &[]));
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(direction);
        buffer.set_script(script);
        let shaped = rustybuzz::shape_with_plan(&self.face, plan, buffer);
        let infos = shaped.glyph_infos();
        let positions = shaped.glyph_positions();

        // Where each cluster ends, so each cluster's text can be found.
        let mut starts: Vec<u32> = infos.iter().map(|i| i.cluster).collect();
        starts.sort_unstable();
        starts.dedup();
        let cluster_end = |start: u32| -> usize {
            match starts.binary_search(&start) {
                Ok(i) if i + 1 < starts.len() => starts[i + 1] as usize,
                _ => text.len(),
            }
        };

        let mut glyphs = Vec::with_capacity(infos.len());
        let mut previous_cluster = None;
        for (info, pos) in infos.iter().zip(positions) {
            let gid = u16::try_from(info.glyph_id).unwrap_or(0);
            let cid = self.cid_for(gid);
            let first_of_cluster = previous_cluster != Some(info.cluster);
            previous_cluster = Some(info.cluster);
            let index = usize::from(cid);
            if first_of_cluster && gid != 0 && self.texts[index].is_none() {
                let start = info.cluster as usize;
                if let Some(piece) = text.get(start..cluster_end(info.cluster)) {
                    if !piece.is_empty() {
                        self.texts[index] = Some(piece.to_string());
                    }
                }
            }
            glyphs.push(Glyph {
                cid,
                advance: self.to_em(pos.x_advance),
                dx: self.to_em(pos.x_offset),
                dy: self.to_em(pos.y_offset),
                cluster: info.cluster,
            });
        }
        glyphs
    }
}

/// The report's fonts.
pub struct Fonts {
    fonts: Vec<Font>,
}

impl Fonts {
    pub fn load() -> Result<Self> {
        Ok(Fonts {
            fonts: vec![
                Font::new(SANS_REGULAR)?,
                Font::new(SANS_BOLD)?,
                Font::new(NASKH_ARABIC)?,
            ],
        })
    }

    pub fn get(&self, id: FontId) -> &Font {
        &self.fonts[id as usize]
    }

    pub fn get_mut(&mut self, id: FontId) -> &mut Font {
        &mut self.fonts[id as usize]
    }

    /// Writes the three fonts (subset) into the PDF under the given references.
    pub fn write(
        &self,
        pdf: &mut Pdf,
        refs: &[Ref; 3],
        alloc: &mut impl FnMut() -> Ref,
    ) -> Result<()> {
        for id in FontId::ALL {
            write_font(pdf, id, self.get(id), refs[id as usize], alloc)?;
        }
        Ok(())
    }
}

/// A six-letter subset tag derived from the glyph set, as PDF asks for.
fn subset_tag(id: FontId, font: &Font) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ (id as u64);
    for gid in font.remapper.remapped_gids() {
        hash ^= u64::from(gid);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|i| {
            let letter = ((hash >> (i * 5)) % 26) as u8;
            char::from(b'A' + letter)
        })
        .collect()
}

fn write_font(
    pdf: &mut Pdf,
    id: FontId,
    font: &Font,
    type0_ref: Ref,
    alloc: &mut impl FnMut() -> Ref,
) -> Result<()> {
    let cid_ref = alloc();
    let descriptor_ref = alloc();
    let cmap_ref = alloc();
    let file_ref = alloc();

    let base = format!("{}+{}", subset_tag(id, font), id.postscript_name());
    let base_name = Name(base.as_bytes());
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };

    pdf.type0_font(type0_ref)
        .base_font(base_name)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_ref)
        .to_unicode(cmap_ref);

    let mut cid = pdf.cid_font(cid_ref);
    cid.subtype(CidFontType::Type2)
        .base_font(base_name)
        .system_info(system_info)
        .font_descriptor(descriptor_ref)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid.widths().consecutive(0, font.widths.iter().copied());
    cid.finish();

    let face = &font.face;
    let bbox = face.global_bounding_box();
    let em = |v: i16| f32::from(v) * 1000.0 / font.units_per_em;
    let cap_height = face.capital_height().map(em).unwrap_or(font.ascender * 0.7);
    let mut flags = FontFlags::NON_SYMBOLIC;
    if id == FontId::Arabic {
        flags = FontFlags::SYMBOLIC;
    }
    pdf.font_descriptor(descriptor_ref)
        .name(base_name)
        .flags(flags)
        .bbox(Rect::new(
            em(bbox.x_min),
            em(bbox.y_min),
            em(bbox.x_max),
            em(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(font.ascender)
        .descent(font.descender)
        .cap_height(cap_height)
        .stem_v(if id == FontId::Bold { 140.0 } else { 80.0 })
        .font_file2(file_ref);

    let subset = subsetter::subset(font.data, 0, &font.remapper)
        .map_err(|e| Error::Report(format!("a font could not be prepared for the report: {e}")))?;
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
    let mut stream = pdf.stream(file_ref, &compressed);
    stream.filter(Filter::FlateDecode);
    stream.pair(
        Name(b"Length1"),
        i32::try_from(subset.len()).unwrap_or(i32::MAX),
    );
    stream.finish();

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
    for (cid, text) in font.texts.iter().enumerate() {
        if let (Some(text), Ok(cid)) = (text, u16::try_from(cid)) {
            cmap.pair_with_multiple(cid, text.chars());
        }
    }
    let cmap_bytes = cmap.finish();
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(cmap_bytes.as_slice(), 6);
    pdf.cmap(cmap_ref, &compressed)
        .name(Name(b"Custom"))
        .system_info(system_info)
        .filter(Filter::FlateDecode);
    Ok(())
}
