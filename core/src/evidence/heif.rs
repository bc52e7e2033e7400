//! HEIC/HEIF/AVIF access through the system libheif (via `libheif-rs`), shared by
//! the metadata reader (pixel size) and the thumbnailer (decoding).
//!
//! Why it exists: phones save photos as HEIC, and only libheif reads them reliably.
//! What it must never do: decode before the declared size has been checked against
//! the caller's limits, or hand libheif anything but a path to read (it never
//! writes). libheif is C: a crash inside it cannot be caught by `catch_unwind`; the
//! size checks here and libheif's own security limits are the defence.

use std::path::Path;

use libheif_rs::{ColorSpace, HeifContext, HeifError, LibHeif, RgbChroma};

/// An opened HEIF file with its primary image.
pub(crate) struct Heif {
    // The handle refers to the context inside libheif; keep both alive together.
    handle: libheif_rs::ImageHandle,
    _ctx: HeifContext<'static>,
}

fn describe(err: &HeifError) -> String {
    format!("{:?}: {}", err.code, err.message)
}

impl Heif {
    /// Opens the file and its primary image (reads boxes, decodes nothing).
    pub(crate) fn open(path: &Path) -> Result<Self, String> {
        let name = path
            .to_str()
            .ok_or_else(|| "the file's path is not valid Unicode".to_string())?;
        let ctx = HeifContext::read_from_file(name).map_err(|e| describe(&e))?;
        let handle = ctx.primary_image_handle().map_err(|e| describe(&e))?;
        Ok(Self { handle, _ctx: ctx })
    }

    /// Pixel size as stored (the `ispe` property, before rotation or mirroring),
    /// when the file declares it.
    pub(crate) fn stored_size(&self) -> Option<(u32, u32)> {
        let w = u32::try_from(self.handle.ispe_width()).ok()?;
        let h = u32::try_from(self.handle.ispe_height()).ok()?;
        (w > 0 && h > 0).then_some((w, h))
    }

    /// Pixel size as displayed (after libheif's `irot`/`imir`/`clap` transforms).
    pub(crate) fn display_size(&self) -> (u32, u32) {
        (self.handle.width(), self.handle.height())
    }

    /// Decodes the primary image to interleaved 8-bit RGB, upright (libheif applies
    /// the file's rotation and mirroring itself). The caller must have checked
    /// [`Self::display_size`] first.
    pub(crate) fn decode_rgb(&self) -> Result<image::RgbImage, String> {
        let lib = LibHeif::new();
        let img = lib
            .decode(&self.handle, ColorSpace::Rgb(RgbChroma::Rgb), None)
            .map_err(|e| describe(&e))?;
        let planes = img.planes();
        let plane = planes
            .interleaved
            .ok_or_else(|| "libheif gave no interleaved RGB plane".to_string())?;
        let (w, h, stride) = (plane.width, plane.height, plane.stride);
        let row = w as usize * 3;
        if plane.bits_per_pixel != 24 && plane.storage_bits_per_pixel != 24 {
            return Err(format!(
                "unexpected pixel layout ({} bits per pixel)",
                plane.storage_bits_per_pixel
            ));
        }
        if stride < row || plane.data.len() < stride * (h as usize).saturating_sub(1) + row {
            return Err("libheif gave a plane smaller than its size".to_string());
        }
        let mut out = Vec::with_capacity(row * h as usize);
        for y in 0..h as usize {
            let line = plane
                .data
                .get(y * stride..y * stride + row)
                .ok_or_else(|| "libheif gave a plane smaller than its size".to_string())?;
            out.extend_from_slice(line);
        }
        image::RgbImage::from_raw(w, h, out)
            .ok_or_else(|| "libheif gave a plane smaller than its size".to_string())
    }
}
