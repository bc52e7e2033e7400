//! Small, upright JPEG previews of picture exhibits.
//!
//! Why it exists: the diary and the report show a picture beside its entry, and a
//! preview is a clearly *derived* image, so the sealed original never needs to be
//! opened to show it.
//!
//! What it must never do: change the original; decode a picture before checking
//! its declared size against [`MAX_SOURCE_SIDE`] and [`MAX_DECODE_BYTES`]; decode a
//! large JPEG at full size when a DCT-scaled decode will do; rotate a HEIF that
//! libheif has already turned upright; or panic on any input (decoders run under
//! `catch_unwind` as a last guard). A [`Failure`] is not an error of the diary: the
//! exhibit is kept without a preview, and the failure, in plain English, is shown to
//! the person instead.

use std::fs::File;
use std::io::BufReader;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageError, Limits, RgbImage};

use super::heif::Heif;
use super::metadata::image_format;

/// The longest side of a preview, in pixels.
pub const THUMBNAIL_MAX_PX: u32 = 640;

/// The widest or tallest picture that will be decoded for a preview.
pub const MAX_SOURCE_SIDE: u32 = 16_384;

/// The most memory a decoder may allocate for one picture.
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// JPEG quality of previews.
pub const JPEG_QUALITY: u8 = 80;

/// A preview: JPEG bytes and the preview's pixel size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why a file has no preview. Its text is what the person sees (and what the
/// exhibit's record keeps, in `Preview::None`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Failure {
    /// Not a picture, or a picture type Daybook does not preview.
    #[error("this file type has no preview")]
    NoPreviewForType,
    /// The picture could not be read to the end.
    #[error("the picture is damaged or incomplete")]
    Damaged,
    /// A variant of a picture type the decoders do not handle.
    #[error("this kind of picture cannot be previewed yet")]
    Unsupported,
    /// Larger than [`MAX_SOURCE_SIDE`] or [`MAX_DECODE_BYTES`] allow.
    #[error("the picture is too large to preview safely ({width} \u{d7} {height} pixels)")]
    TooLarge { width: u32, height: u32 },
    /// A decoder met its memory limit before the size was known.
    #[error("the picture is too large to preview safely")]
    TooLargeUnmeasured,
    /// The preview itself could not be encoded.
    #[error("the preview could not be made ({0})")]
    Encoding(String),
}

/// Makes an upright preview of the picture at `path`, whose content was sniffed as
/// `media_type`, turned by the EXIF `orientation` (1–8) when given. HEIC/HEIF/AVIF
/// ignore `orientation`: libheif already applies the file's own rotation.
pub fn make(path: &Path, media_type: &str, orientation: Option<u16>) -> Result<Thumbnail, Failure> {
    match catch_unwind(AssertUnwindSafe(|| {
        make_inner(path, media_type, orientation)
    })) {
        Ok(result) => result,
        Err(_) => Err(Failure::Damaged),
    }
}

/// Makes a preview from bytes held in memory (a pasted screenshot). Same limits as
/// [`make`]; HEIC from memory is not previewed.
pub fn make_bytes(
    bytes: &[u8],
    media_type: &str,
    orientation: Option<u16>,
) -> Result<Thumbnail, Failure> {
    match catch_unwind(AssertUnwindSafe(|| {
        let format = image_format(media_type).ok_or(Failure::NoPreviewForType)?;
        let open = |bound_sides: bool| {
            let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
            let mut limits = Limits::default();
            if bound_sides {
                limits.max_image_width = Some(MAX_SOURCE_SIDE);
                limits.max_image_height = Some(MAX_SOURCE_SIDE);
            }
            limits.max_alloc = Some(MAX_DECODE_BYTES);
            reader.limits(limits);
            reader
        };
        let (w, h) = open(false)
            .into_dimensions()
            .map_err(|e| reason(&e, None))?;
        check_size(w, h, 4)?;
        let picture = open(true).decode().map_err(|e| reason(&e, Some((w, h))))?;
        let mut small = shrink(picture);
        if let Some(o) = orientation
            .and_then(|o| u8::try_from(o).ok())
            .and_then(Orientation::from_exif)
        {
            small.apply_orientation(o);
        }
        encode(small)
    })) {
        Ok(result) => result,
        Err(_) => Err(Failure::Damaged),
    }
}

fn make_inner(
    path: &Path,
    media_type: &str,
    orientation: Option<u16>,
) -> Result<Thumbnail, Failure> {
    let (picture, needs_orienting) = match media_type {
        "image/jpeg" => (decode_jpeg(path)?, true),
        "image/png" | "image/gif" | "image/webp" | "image/tiff" | "image/bmp" => {
            (decode_with_image(path, media_type)?, true)
        }
        "image/heic"
        | "image/heif"
        | "image/avif"
        | "image/heic-sequence"
        | "image/heif-sequence" => (decode_heif(path)?, false),
        _ => return Err(Failure::NoPreviewForType),
    };
    let mut small = shrink(picture);
    if needs_orienting {
        if let Some(o) = orientation
            .and_then(|o| u8::try_from(o).ok())
            .and_then(Orientation::from_exif)
        {
            small.apply_orientation(o);
        }
    }
    encode(small)
}

/// The size that fits within `max` × `max`, keeping the aspect ratio.
fn fit(w: u32, h: u32, max: u32) -> (u32, u32) {
    if w <= max && h <= max {
        return (w.max(1), h.max(1));
    }
    let (w64, h64, max64) = (u64::from(w), u64::from(h), u64::from(max));
    if w >= h {
        (max, ((h64 * max64 + w64 / 2) / w64).clamp(1, max64) as u32)
    } else {
        (((w64 * max64 + h64 / 2) / h64).clamp(1, max64) as u32, max)
    }
}

fn check_size(w: u32, h: u32, bytes_per_pixel: u64) -> Result<(), Failure> {
    if w == 0 || h == 0 {
        return Err(Failure::Damaged);
    }
    if w > MAX_SOURCE_SIDE
        || h > MAX_SOURCE_SIDE
        || u64::from(w) * u64::from(h) * bytes_per_pixel > MAX_DECODE_BYTES
    {
        return Err(Failure::TooLarge {
            width: w,
            height: h,
        });
    }
    Ok(())
}

/// JPEG: read the header, check the size, then decode already scaled down in the
/// DCT domain (1/2, 1/4 or 1/8) to the smallest size at least as big as the preview.
fn decode_jpeg(path: &Path) -> Result<DynamicImage, Failure> {
    let file = File::open(path).map_err(|_| Failure::Damaged)?;
    let mut decoder = jpeg_decoder::Decoder::new(BufReader::new(file));
    decoder.set_max_decoding_buffer_size(MAX_DECODE_BYTES as usize);
    if let Err(e) = decoder.read_info() {
        return match e {
            jpeg_decoder::Error::Unsupported(_) => decode_with_image(path, "image/jpeg"),
            _ => Err(Failure::Damaged),
        };
    }
    let info = decoder.info().ok_or(Failure::Damaged)?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    check_size(w, h, 4)?;
    let (tw, th) = fit(w, h, THUMBNAIL_MAX_PX);
    let (tw, th) = (
        u16::try_from(tw).unwrap_or(u16::MAX),
        u16::try_from(th).unwrap_or(u16::MAX),
    );
    let (sw, sh) = decoder.scale(tw, th).map_err(|_| Failure::Damaged)?;
    let pixels = match decoder.decode() {
        Ok(p) => p,
        Err(jpeg_decoder::Error::Unsupported(_)) => return decode_with_image(path, "image/jpeg"),
        Err(_) => return Err(Failure::Damaged),
    };
    let (sw, sh) = (u32::from(sw), u32::from(sh));
    let img = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            RgbImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageRgb8)
        }
        jpeg_decoder::PixelFormat::L8 => {
            image::GrayImage::from_raw(sw, sh, pixels).map(DynamicImage::ImageLuma8)
        }
        jpeg_decoder::PixelFormat::L16 => {
            let wide: Vec<u16> = pixels
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            image::ImageBuffer::from_raw(sw, sh, wide).map(DynamicImage::ImageLuma16)
        }
        jpeg_decoder::PixelFormat::CMYK32 => {
            let rgb: Vec<u8> = pixels.chunks_exact(4).flat_map(cmyk_to_rgb).collect();
            RgbImage::from_raw(sw, sh, rgb).map(DynamicImage::ImageRgb8)
        }
    };
    img.ok_or(Failure::Damaged)
}

fn cmyk_to_rgb(p: &[u8]) -> [u8; 3] {
    let k = 255 - u32::from(p[3]);
    let ch = |c: u8| ((255 - u32::from(c)) * k / 255) as u8;
    [ch(p[0]), ch(p[1]), ch(p[2])]
}

/// PNG, GIF (first frame), WebP, TIFF (first page), BMP, and JPEGs that the fast
/// path cannot handle: header first, then a decode under `image::Limits`.
fn decode_with_image(path: &Path, media_type: &str) -> Result<DynamicImage, Failure> {
    let format = image_format(media_type).ok_or(Failure::NoPreviewForType)?;
    // Reading the header is bounded by the memory cap only, so that an oversized
    // picture is reported with its size; decoding is bounded by both.
    let open = |bound_sides: bool| -> Result<image::ImageReader<BufReader<File>>, Failure> {
        let file = File::open(path).map_err(|_| Failure::Damaged)?;
        let mut reader = image::ImageReader::with_format(BufReader::new(file), format);
        let mut limits = Limits::default();
        if bound_sides {
            limits.max_image_width = Some(MAX_SOURCE_SIDE);
            limits.max_image_height = Some(MAX_SOURCE_SIDE);
        }
        limits.max_alloc = Some(MAX_DECODE_BYTES);
        reader.limits(limits);
        Ok(reader)
    };
    let (w, h) = open(false)?
        .into_dimensions()
        .map_err(|e| reason(&e, None))?;
    check_size(w, h, 4)?;
    open(true)?.decode().map_err(|e| reason(&e, Some((w, h))))
}

fn reason(err: &ImageError, size: Option<(u32, u32)>) -> Failure {
    match err {
        ImageError::Limits(_) => match size {
            Some((width, height)) => Failure::TooLarge { width, height },
            None => Failure::TooLargeUnmeasured,
        },
        ImageError::Unsupported(_) => Failure::Unsupported,
        _ => Failure::Damaged,
    }
}

/// HEIC/HEIF/AVIF through libheif, which returns the picture upright.
fn decode_heif(path: &Path) -> Result<DynamicImage, Failure> {
    let heif = Heif::open(path).map_err(|_| Failure::Damaged)?;
    let (w, h) = heif.display_size();
    check_size(w, h, 3)?;
    heif.decode_rgb()
        .map(DynamicImage::ImageRgb8)
        .map_err(|_| Failure::Damaged)
}

/// Scales down to fit [`THUMBNAIL_MAX_PX`], flattening any transparency onto white
/// (JPEG has none).
fn shrink(img: DynamicImage) -> DynamicImage {
    let img = if img.color().has_alpha() {
        let mut rgba = img.into_rgba8();
        for p in rgba.pixels_mut() {
            let a = u32::from(p[3]);
            for c in 0..3 {
                p[c] = ((u32::from(p[c]) * a + 255 * (255 - a)) / 255) as u8;
            }
            p[3] = 255;
        }
        DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(rgba).into_rgb8())
    } else {
        img
    };
    let (w, h) = (img.width(), img.height());
    let (tw, th) = fit(w, h, THUMBNAIL_MAX_PX);
    if (tw, th) == (w, h) {
        return img;
    }
    img.resize_exact(tw, th, FilterType::Triangle)
}

fn encode(img: DynamicImage) -> Result<Thumbnail, Failure> {
    let rgb = match img {
        DynamicImage::ImageRgb8(rgb) => DynamicImage::ImageRgb8(rgb),
        DynamicImage::ImageLuma8(l) => DynamicImage::ImageLuma8(l),
        other => DynamicImage::ImageRgb8(other.into_rgb8()),
    };
    let (width, height) = (rgb.width(), rgb.height());
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(|e| Failure::Encoding(e.to_string()))?;
    Ok(Thumbnail {
        jpeg,
        width,
        height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::metadata;
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    fn fixtures_dir() -> Option<PathBuf> {
        let start = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        start
            .ancestors()
            .map(|d| d.join("shared").join("fixtures").join("photos"))
            .find(|c| c.join("expected.csv").is_file())
    }

    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("evidence-thumb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write temp file");
        path
    }

    /// Decodes a preview and checks it is a real JPEG of the stated size.
    fn decoded(t: &Thumbnail) -> image::GrayImage {
        let img = image::load_from_memory_with_format(&t.jpeg, image::ImageFormat::Jpeg)
            .expect("preview is a valid JPEG");
        assert_eq!((img.width(), img.height()), (t.width, t.height));
        assert!(t.width.max(t.height) <= THUMBNAIL_MAX_PX);
        img.into_luma8()
    }

    const N: usize = 8;
    type Grid = [f64; N * N];

    /// Mean brightness of each cell of an 8 × 8 grid.
    fn grid(img: &image::GrayImage) -> Grid {
        let mut sums = [0f64; N * N];
        let mut counts = [0f64; N * N];
        let n = N as u32;
        for (x, y, p) in img.enumerate_pixels() {
            let cell = ((y * n / img.height()) * n + x * n / img.width()) as usize;
            sums[cell] += f64::from(p[0]);
            counts[cell] += 1.0;
        }
        let mut out = [0f64; N * N];
        for i in 0..N * N {
            out[i] = sums[i] / counts[i].max(1.0);
        }
        out
    }

    /// Difference between two grids over the outer ring of cells only: the
    /// fixtures differ in a big digit in the middle.
    fn distance(a: &Grid, b: &Grid) -> f64 {
        let outer = |i: usize| {
            let (row, col) = (i / N, i % N);
            !((2..N - 2).contains(&row) && (2..N - 2).contains(&col))
        };
        (0..N * N)
            .filter(|i| outer(*i))
            .map(|i| (a[i] - b[i]).abs())
            .sum()
    }

    /// The grid of the picture turned 180°, mirrored left–right and top–bottom.
    fn wrong_ways(g: &Grid) -> [(&'static str, Grid); 3] {
        let mut turned = *g;
        turned.reverse();
        let mut mirrored = *g;
        let mut flipped = *g;
        for row in 0..N {
            for col in 0..N {
                mirrored[row * N + col] = g[row * N + N - 1 - col];
                flipped[row * N + col] = g[(N - 1 - row) * N + col];
            }
        }
        [
            ("turned 180°", turned),
            ("mirrored", mirrored),
            ("upside down", flipped),
        ]
    }

    fn thumb_of(dir: &Path, name: &str) -> (Thumbnail, image::GrayImage) {
        let path = dir.join(name);
        let md = metadata::read(&path, "image/jpeg");
        let t = make(&path, "image/jpeg", md.orientation).unwrap_or_else(|e| panic!("{name}: {e}"));
        let g = decoded(&t);
        (t, g)
    }

    #[test]
    fn orientation_fixtures_come_out_upright() {
        let Some(dir) = fixtures_dir() else {
            eprintln!("skipped: no shared/fixtures/photos");
            return;
        };
        for (kind, numbers) in [
            ("landscape", &[1, 3, 6, 8][..]),
            ("portrait", &[1, 6, 8][..]),
        ] {
            let (reference, ref_img) = thumb_of(&dir, &format!("orientation-{kind}_1.jpg"));
            let ref_grid = grid(&ref_img);
            for n in numbers {
                let name = format!("orientation-{kind}_{n}.jpg");
                let (t, img) = thumb_of(&dir, &name);
                if kind == "landscape" {
                    assert!(t.width > t.height, "{name}: {}x{}", t.width, t.height);
                } else {
                    assert!(t.height > t.width, "{name}: {}x{}", t.width, t.height);
                }
                assert_eq!(
                    (t.width, t.height),
                    (reference.width, reference.height),
                    "{name}"
                );
                let g = grid(&img);
                let right = distance(&g, &ref_grid);
                for (how, wrong) in wrong_ways(&g) {
                    let wrong = distance(&wrong, &ref_grid);
                    eprintln!("{name}: upright {right:.0}, {how} {wrong:.0}");
                    // The _1 files are encoded a little differently from the
                    // others, so "upright" is never 0; wrong ways are well over 1.5×.
                    assert!(
                        right * 1.5 < wrong,
                        "{name}: upright {right:.0}, {how} {wrong:.0}"
                    );
                }
            }
        }
    }

    #[test]
    fn heic_previews() {
        let Some(dir) = fixtures_dir() else {
            eprintln!("skipped: no shared/fixtures/photos");
            return;
        };
        let t = make(&dir.join("heic-IMG_5195.HEIC"), "image/heic", None).expect("heic preview");
        decoded(&t);
        // Stored 2566 × 3313, no rotation: a portrait preview.
        assert_eq!(t.height, THUMBNAIL_MAX_PX);
        assert!((490..=500).contains(&t.width), "width {}", t.width);
        assert!(t.jpeg.len() > 10_000, "a real picture, not a blank");

        let md = metadata::read(&dir.join("heic-samplefilehub.heif"), "image/heic");
        let t = make(
            &dir.join("heic-samplefilehub.heif"),
            "image/heic",
            md.orientation,
        )
        .expect("heif preview");
        decoded(&t);
        assert_eq!((t.width, t.height), (640, 426));
    }

    /// A PNG: signature, IHDR (with a correct CRC) declaring `w` × `h` RGB, a
    /// tiny IDAT and IEND.
    fn png_declaring(w: u32, h: u32) -> Vec<u8> {
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = 0xFFFF_FFFFu32;
            for b in bytes {
                crc ^= u32::from(*b);
                for _ in 0..8 {
                    crc = if crc & 1 != 0 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc32(&body).to_be_bytes());
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut png, b"IHDR", &ihdr);
        // zlib stream of one empty stored block.
        chunk(
            &mut png,
            b"IDAT",
            &[0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0, 0, 0, 1],
        );
        chunk(&mut png, b"IEND", &[]);
        png
    }

    #[test]
    fn huge_declared_png_is_refused_quickly() {
        let png = png_declaring(100_000, 100_000);
        assert_eq!(crate::evidence::media_type::sniff(&png), "image/png");
        let path = temp_file("huge.png", &png);
        let start = Instant::now();
        let err = make(&path, "image/png", None).expect_err("must refuse");
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "took {:?}",
            start.elapsed()
        );
        assert_eq!(
            err,
            Failure::TooLarge {
                width: 100_000,
                height: 100_000
            }
        );
        assert_eq!(
            err.to_string(),
            "the picture is too large to preview safely (100000 \u{d7} 100000 pixels)"
        );
        // Same for the metadata reader: it reads the size without decoding.
        let md = metadata::read(&path, "image/png");
        assert_eq!((md.width, md.height), (Some(100_000), Some(100_000)));
        // Just over the side limit, and a modest picture that is fine.
        assert!(make(
            &temp_file("wide.png", &png_declaring(20_000, 10)),
            "image/png",
            None
        )
        .is_err());
    }

    #[test]
    fn small_png_with_transparency() {
        let mut img = image::RgbaImage::new(800, 200);
        for (x, _, p) in img.enumerate_pixels_mut() {
            *p = image::Rgba([255, 0, 0, if x < 400 { 0 } else { 255 }]);
        }
        let mut bytes = Vec::new();
        img.write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("encode png");
        let path = temp_file("alpha.png", &bytes);
        let t = make(&path, "image/png", None).expect("preview");
        assert_eq!((t.width, t.height), (640, 160));
        let rgb = image::load_from_memory(&t.jpeg).expect("jpeg").into_rgb8();
        let left = rgb.get_pixel(10, 80);
        let right = rgb.get_pixel(630, 80);
        assert!(
            left[1] > 200 && left[2] > 200,
            "transparent shows as white: {left:?}"
        );
        assert!(
            right[0] > 200 && right[1] < 60,
            "opaque red stays red: {right:?}"
        );
    }

    #[test]
    fn truncated_jpegs_never_panic() {
        let Some(dir) = fixtures_dir() else {
            eprintln!("skipped: no shared/fixtures/photos");
            return;
        };
        let whole = std::fs::read(dir.join("gps-DSCN0010.jpg")).expect("fixture");
        for cut in [whole.len() / 2, whole.len() / 10, 2000, 100, 3] {
            let path = temp_file("cut.jpg", &whole[..cut]);
            match make(&path, "image/jpeg", Some(1)) {
                Ok(t) => {
                    decoded(&t);
                }
                Err(e) => assert_eq!(e, Failure::Damaged, "cut at {cut}"),
            }
        }
    }

    #[test]
    fn junk_and_empty_files_give_reasons() {
        let mut noise = Vec::with_capacity(50_000);
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..50_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            noise.push(x as u8);
        }
        let junk = temp_file("junk.bin", &noise);
        let empty = temp_file("empty.bin", b"");
        let mut fake_jpeg = vec![0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43];
        fake_jpeg.extend_from_slice(&noise[..3000]);
        let fake_jpeg = temp_file("fake.jpg", &fake_jpeg);
        let mut fake_png = png_declaring(64, 64);
        fake_png.truncate(33); // signature + IHDR, then nothing
        fake_png.extend_from_slice(&noise[..3000]);
        let fake_png = temp_file("fake.png", &fake_png);
        for media_type in [
            "image/jpeg",
            "image/png",
            "image/gif",
            "image/webp",
            "image/tiff",
            "image/bmp",
            "image/heic",
            "image/avif",
        ] {
            for path in [&junk, &empty, &fake_jpeg, &fake_png] {
                let r = make(path, media_type, Some(6));
                assert!(r.is_err(), "{media_type} {path:?} gave a preview");
            }
        }
        assert_eq!(
            make(&junk, "application/pdf", None),
            Err(Failure::NoPreviewForType)
        );
        assert_eq!(
            make(&junk, "text/plain", None),
            Err(Failure::NoPreviewForType)
        );
        assert!(make(Path::new("/nonexistent/x.jpg"), "image/jpeg", None).is_err());
    }

    #[test]
    fn generated_large_jpeg_is_scaled_in_the_dct() {
        // 4000 × 3000 like a 12-megapixel phone photo, rotated 90° by EXIF 6.
        let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
            image::Rgb([
                (x / 16) as u8,
                (y / 12) as u8,
                if x < 2000 { 30 } else { 220 },
            ])
        });
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
            .encode_image(&img)
            .expect("encode");
        let path = temp_file("big.jpg", &bytes);
        let start = Instant::now();
        let t = make(&path, "image/jpeg", Some(6)).expect("preview");
        eprintln!(
            "4000x3000 JPEG preview (debug build): {:?}",
            start.elapsed()
        );
        assert_eq!((t.width, t.height), (480, 640));
        // Orientation 6 turns the picture clockwise: the original's left half (blue
        // low) ends up at the top.
        let rgb = image::load_from_memory(&t.jpeg).expect("jpeg").into_rgb8();
        assert!(
            rgb.get_pixel(240, 40)[2] < 90,
            "{:?}",
            rgb.get_pixel(240, 40)
        );
        assert!(
            rgb.get_pixel(240, 600)[2] > 160,
            "{:?}",
            rgb.get_pixel(240, 600)
        );
    }

    #[test]
    fn fit_keeps_aspect_and_bounds() {
        assert_eq!(fit(4000, 3000, 640), (640, 480));
        assert_eq!(fit(3000, 4000, 640), (480, 640));
        assert_eq!(fit(640, 640, 640), (640, 640));
        assert_eq!(fit(100, 50, 640), (100, 50));
        assert_eq!(fit(100_000, 1, 640), (640, 1));
        assert_eq!(fit(1, 100_000, 640), (1, 640));
        assert_eq!(fit(0, 0, 640), (1, 1));
    }
}
