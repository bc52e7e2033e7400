//! What a photo says about itself: capture time, place, camera and pixel size.
//!
//! Why it exists: a photo's EXIF is often the best evidence of when and where it
//! was taken, and the report shows it beside the exhibit. It is read with the
//! maintained `nom-exif` crate (no hand-written EXIF parser) and must agree with
//! `exiftool`, which the police or the defence may use to check it.
//!
//! What it must never do: fail (evidence is stored regardless; problems go in
//! `note`), change or write the file, read a whole large file into memory (only the
//! first [`EXIF_SCAN_LIMIT`] bytes are ever read), loop forever on a hostile file,
//! or let a panic in a parser escape.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use chrono::{DateTime, NaiveDateTime, SecondsFormat};
use nom_exif::{Exif, ExifTag, MediaKind, MediaParser, MediaSource};

use super::heif::Heif;
use super::media_type::is_image;
use super::types::Metadata;
use crate::incident::Coordinates;

/// Bytes of a file the EXIF reader may look at: no byte past this offset is read.
/// EXIF sits in a JPEG's first segment and near the start of a HEIC; 32 MiB
/// covers every phone photo while keeping a hostile file from costing more.
pub const EXIF_SCAN_LIMIT: u64 = 32 * 1024 * 1024;

/// Media types whose EXIF `nom-exif` can read.
fn has_exif_container(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/jpeg"
            | "image/png"
            | "image/webp"
            | "image/tiff"
            | "image/heic"
            | "image/heif"
            | "image/avif"
            | "image/heic-sequence"
            | "image/heif-sequence"
    )
}

fn is_heif_family(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/heic" | "image/heif" | "image/avif" | "image/heic-sequence" | "image/heif-sequence"
    )
}

/// Reads the metadata of the file at `path`, whose content was sniffed as
/// `media_type`. Never fails: whatever could not be read is explained in `note`.
pub fn read(path: &Path, media_type: &str) -> Metadata {
    let mut md = Metadata::default();
    let mut notes: Vec<String> = Vec::new();

    if has_exif_container(media_type) {
        match catch_unwind(AssertUnwindSafe(|| read_exif(path, media_type))) {
            Ok(Ok(Some(exif))) => fill_from_exif(&mut md, &exif, &mut notes),
            Ok(Ok(None)) => {}
            Ok(Err(reason)) => notes.push(reason),
            Err(_) => notes.push("the photo's metadata is damaged and could not be read".into()),
        }
    }

    if is_image(media_type) {
        match catch_unwind(AssertUnwindSafe(|| pixel_size(path, media_type))) {
            Ok(Ok((w, h))) => {
                md.width = Some(w);
                md.height = Some(h);
            }
            Ok(Err(reason)) => notes.push(reason),
            Err(_) => notes.push("the picture's size could not be read".into()),
        }
    }

    if !notes.is_empty() {
        md.note = Some(notes.join("; "));
    }
    md
}

/// Metadata of bytes held in memory (a pasted screenshot): the pixel size. Pasted
/// pictures carry no camera metadata worth trusting.
pub fn read_bytes(bytes: &[u8], media_type: &str) -> Metadata {
    let mut md = Metadata::default();
    if let Some(format) = image_format(media_type) {
        let size = catch_unwind(AssertUnwindSafe(|| {
            image::ImageReader::with_format(std::io::Cursor::new(bytes), format).into_dimensions()
        }));
        if let Ok(Ok((w, h))) = size {
            md.width = Some(w);
            md.height = Some(h);
        }
    }
    md
}

/// A file reader that never reads past `limit`: reads there return end of file.
struct Capped<R> {
    inner: R,
    pos: u64,
    limit: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.limit.saturating_sub(self.pos);
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Seek> Seek for Capped<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        Ok(self.pos)
    }
}

/// `Ok(None)` when the file simply has no EXIF.
fn read_exif(path: &Path, media_type: &str) -> Result<Option<Exif>, String> {
    if media_type == "image/jpeg" {
        return read_jpeg_exif(path);
    }
    let file = File::open(path).map_err(|e| format!("the file could not be opened: {e}"))?;
    let capped = Capped {
        inner: BufReader::new(file),
        pos: 0,
        limit: EXIF_SCAN_LIMIT,
    };
    let source = match MediaSource::seekable(capped) {
        Ok(s) => s,
        Err(nom_exif::Error::UnsupportedFormat) => return Ok(None),
        Err(e) => return Err(describe(&e)),
    };
    if source.kind() != MediaKind::Image {
        return Ok(None);
    }
    let mut parser = MediaParser::new();
    match parser.parse_exif(source) {
        Ok(iter) => Ok(Some(iter.into())),
        Err(nom_exif::Error::ExifNotFound) | Err(nom_exif::Error::UnsupportedFormat) => Ok(None),
        Err(e) => Err(describe(&e)),
    }
}

/// JPEG: find the EXIF APP1 segment with a bounded marker walk, then let
/// `nom-exif` parse just that segment from memory.
///
/// Why not hand the whole file to `nom-exif`: version 3.8 gives up on a JPEG whose
/// first APP1 segment is not EXIF (XMP first, as Photoshop and Pixel phones write
/// it: `check_exif_header` turns "not EXIF" into an error), and in streaming mode it
/// reports end-of-file when an IFD offset points past the segment. This walk only
/// finds segment boundaries; it does not interpret EXIF.
fn read_jpeg_exif(path: &Path) -> Result<Option<Exif>, String> {
    let Some(segment) = jpeg_exif_segment(path)? else {
        return Ok(None);
    };
    let mut jpeg = Vec::with_capacity(segment.len() + 8);
    jpeg.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE1]);
    let len = u16::try_from(segment.len() + 2).map_err(|_| DAMAGED_HEADERS.to_string())?;
    jpeg.extend_from_slice(&len.to_be_bytes());
    jpeg.extend_from_slice(&segment);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    let source = MediaSource::from_memory(jpeg).map_err(|e| describe(&e))?;
    let mut parser = MediaParser::new();
    match parser.parse_exif(source) {
        Ok(iter) => Ok(Some(iter.into())),
        Err(nom_exif::Error::ExifNotFound) => Ok(None),
        Err(e) => Err(describe(&e)),
    }
}

const DAMAGED_HEADERS: &str = "the photo's headers are damaged, so its metadata could not be read";

/// The payload (from `Exif\0\0` on) of the first EXIF APP1 segment before the
/// image data, reading no further than [`EXIF_SCAN_LIMIT`].
fn jpeg_exif_segment(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let file = File::open(path).map_err(|e| format!("the file could not be opened: {e}"))?;
    let mut r = BufReader::new(file).take(EXIF_SCAN_LIMIT);
    let mut two = [0u8; 2];
    let damaged = |_| DAMAGED_HEADERS.to_string();
    r.read_exact(&mut two).map_err(damaged)?;
    if two != [0xFF, 0xD8] {
        return Err(DAMAGED_HEADERS.to_string());
    }
    loop {
        let mut byte = [0u8; 1];
        r.read_exact(&mut byte).map_err(damaged)?;
        if byte[0] != 0xFF {
            return Err(DAMAGED_HEADERS.to_string());
        }
        // Skip fill bytes.
        let mut marker = 0xFF;
        while marker == 0xFF {
            r.read_exact(&mut byte).map_err(damaged)?;
            marker = byte[0];
        }
        match marker {
            0xD8 | 0x01 | 0xD0..=0xD7 => continue,
            0xD9 | 0xDA => return Ok(None), // end of image, or the image data starts
            _ => {}
        }
        r.read_exact(&mut two).map_err(damaged)?;
        let len = u16::from_be_bytes(two);
        if len < 2 {
            return Err(DAMAGED_HEADERS.to_string());
        }
        let payload_len = u64::from(len - 2);
        if marker == 0xE1 {
            let mut payload = Vec::with_capacity(payload_len as usize);
            (&mut r)
                .take(payload_len)
                .read_to_end(&mut payload)
                .map_err(damaged)?;
            if payload.len() as u64 != payload_len {
                return Err(DAMAGED_HEADERS.to_string());
            }
            if payload.starts_with(b"Exif\0\0") {
                return Ok(Some(payload));
            }
        } else {
            let skipped =
                io::copy(&mut (&mut r).take(payload_len), &mut io::sink()).map_err(damaged)?;
            if skipped != payload_len {
                return Err(DAMAGED_HEADERS.to_string());
            }
        }
    }
}

fn describe(err: &nom_exif::Error) -> String {
    format!("the photo's metadata (EXIF) could not be read ({err})")
}

fn fill_from_exif(md: &mut Metadata, exif: &Exif, notes: &mut Vec<String>) {
    if let Some(value) = exif.get(ExifTag::DateTimeOriginal) {
        match value.as_datetime() {
            Some(dt) => {
                let naive = dt.into_naive();
                let offset = exif
                    .get(ExifTag::OffsetTimeOriginal)
                    .and_then(|v| v.as_str())
                    .map(str::trim)
                    .filter(|s| !s.is_empty());
                let (raw, iso) = capture_times(naive, offset);
                md.capture_time_raw = Some(raw);
                md.capture_time = Some(iso);
            }
            None => notes.push("the photo's capture time is not a valid date".into()),
        }
    }

    if let Some(gps) = exif.gps_info() {
        match (gps.latitude_decimal(), gps.longitude_decimal()) {
            (Some(lat), Some(lon))
                if lat.is_finite()
                    && lon.is_finite()
                    && lat.abs() <= 90.0
                    && lon.abs() <= 180.0 =>
            {
                md.gps = Some(Coordinates { lat, lon });
            }
            (None, None) => {}
            _ => notes.push("the photo's GPS position is not a valid place".into()),
        }
    }

    if let Some(model) = exif.get(ExifTag::Model).and_then(|v| v.as_str()) {
        let model = model.trim_matches(|c: char| c.is_whitespace() || c == '\0');
        if !model.is_empty() {
            md.device_model = Some(model.to_string());
        }
    }

    if let Some(value) = exif.get(ExifTag::Orientation) {
        match value.as_u16() {
            Some(o @ 1..=8) => md.orientation = Some(o),
            _ => notes.push("the photo's orientation tag is not valid".into()),
        }
    }
}

/// DateTimeOriginal as exiftool prints it, and as ISO 8601 (with the
/// OffsetTimeOriginal offset when it is a valid one).
fn capture_times(naive: NaiveDateTime, offset: Option<&str>) -> (String, String) {
    let raw = naive.format("%Y:%m:%d %H:%M:%S").to_string();
    let local = naive.format("%Y-%m-%dT%H:%M:%S").to_string();
    let iso = offset
        .and_then(|off| {
            DateTime::parse_from_str(&format!("{raw} {off}"), "%Y:%m:%d %H:%M:%S %:z").ok()
        })
        .map(|dt| dt.to_rfc3339_opts(SecondsFormat::Secs, false))
        .unwrap_or(local);
    (raw, iso)
}

/// Pixel size as stored (before orientation), from the header only.
fn pixel_size(path: &Path, media_type: &str) -> Result<(u32, u32), String> {
    if is_heif_family(media_type) {
        let heif =
            Heif::open(path).map_err(|e| format!("the picture's size could not be read ({e})"))?;
        return heif
            .stored_size()
            .ok_or_else(|| "the picture does not declare its size".to_string());
    }
    let format = image_format(media_type)
        .ok_or_else(|| "the picture's size could not be read (unsupported type)".to_string())?;
    let file = File::open(path).map_err(|e| format!("the file could not be opened: {e}"))?;
    image::ImageReader::with_format(BufReader::new(file), format)
        .into_dimensions()
        .map_err(|e| format!("the picture's size could not be read ({e})"))
}

/// The `image` crate's format for a sniffed media type (never from a file name).
pub(crate) fn image_format(media_type: &str) -> Option<image::ImageFormat> {
    Some(match media_type {
        "image/jpeg" => image::ImageFormat::Jpeg,
        "image/png" => image::ImageFormat::Png,
        "image/gif" => image::ImageFormat::Gif,
        "image/webp" => image::ImageFormat::WebP,
        "image/tiff" => image::ImageFormat::Tiff,
        "image/bmp" => image::ImageFormat::Bmp,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::media_type::sniff;
    use sha2::{Digest, Sha256};
    use std::path::PathBuf;

    /// `shared/fixtures/photos`, found by walking up from the crate's folder (it
    /// sits beside the repositories in the workplace, and is absent elsewhere).
    fn fixtures_dir() -> Option<PathBuf> {
        let start = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        for dir in start.ancestors() {
            let candidate = dir.join("shared").join("fixtures").join("photos");
            if candidate.join("expected.csv").is_file() {
                return Some(candidate);
            }
        }
        None
    }

    fn sniff_file(path: &Path) -> &'static str {
        let mut head = Vec::new();
        let file = File::open(path).expect("open fixture");
        file.take(4096).read_to_end(&mut head).expect("read head");
        sniff(&head)
    }

    fn sha256_hex(path: &Path) -> String {
        let bytes = std::fs::read(path).expect("read fixture");
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn agrees_with_exiftool_on_every_fixture() {
        let Some(dir) = fixtures_dir() else {
            eprintln!(
                "skipped: no shared/fixtures/photos above {}",
                env!("CARGO_MANIFEST_DIR")
            );
            return;
        };
        let csv = std::fs::read_to_string(dir.join("expected.csv")).expect("expected.csv");
        let mut rows = 0;
        for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), 7, "bad row: {line}");
            let [file, sha, date, orientation, lat, lon, model] = [
                cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6],
            ];
            let path = dir.join(file);
            assert_eq!(sha256_hex(&path), sha, "{file}: sha256");

            let media_type = sniff_file(&path);
            assert!(is_image(media_type), "{file}: sniffed as {media_type}");
            let md = read(&path, media_type);
            assert_eq!(md.note, None, "{file}: unexpected note");

            let want_date = (!date.is_empty()).then(|| date.to_string());
            assert_eq!(md.capture_time_raw, want_date, "{file}: date");

            let want_orientation = (!orientation.is_empty())
                .then(|| orientation.parse::<u16>().expect("orientation number"));
            assert_eq!(md.orientation, want_orientation, "{file}: orientation");

            if lat.is_empty() {
                assert_eq!(md.gps, None, "{file}: gps");
            } else {
                let gps = md.gps.as_ref().unwrap_or_else(|| panic!("{file}: no gps"));
                let (lat, lon): (f64, f64) = (lat.parse().expect("lat"), lon.parse().expect("lon"));
                assert!(
                    (gps.lat - lat).abs() < 1e-6,
                    "{file}: lat {} vs {lat}",
                    gps.lat
                );
                assert!(
                    (gps.lon - lon).abs() < 1e-6,
                    "{file}: lon {} vs {lon}",
                    gps.lon
                );
            }

            let want_model = (!model.is_empty()).then(|| model.to_string());
            assert_eq!(md.device_model, want_model, "{file}: model");

            assert!(md.width.is_some() && md.height.is_some(), "{file}: no size");
            rows += 1;
        }
        assert_eq!(rows, 16, "rows in expected.csv");
    }

    #[test]
    fn capture_time_with_and_without_offset() {
        let Some(dir) = fixtures_dir() else {
            eprintln!("skipped: no shared/fixtures/photos");
            return;
        };
        let heic = read(&dir.join("heic-IMG_5195.HEIC"), "image/heic");
        assert_eq!(
            heic.capture_time.as_deref(),
            Some("2021-04-11T15:47:53-05:00")
        );
        assert_eq!(heic.device_model.as_deref(), Some("iPhone 11 Pro Max"));
        assert_eq!((heic.width, heic.height), (Some(2566), Some(3313)));
        let canon = read(&dir.join("Canon_40D.jpg"), "image/jpeg");
        assert_eq!(canon.capture_time.as_deref(), Some("2008-05-30T15:56:01"));
        let portrait6 = read(&dir.join("orientation-portrait_6.jpg"), "image/jpeg");
        assert_eq!((portrait6.width, portrait6.height), (Some(600), Some(450)));
        assert_eq!(portrait6.orientation, Some(6));
    }

    #[test]
    fn offsets_are_formatted_as_iso_8601() {
        let naive = NaiveDateTime::parse_from_str("2024:01:02 03:04:05", "%Y:%m:%d %H:%M:%S")
            .expect("date");
        assert_eq!(
            capture_times(naive, Some("+01:00")),
            (
                "2024:01:02 03:04:05".into(),
                "2024-01-02T03:04:05+01:00".into()
            )
        );
        assert_eq!(
            capture_times(naive, Some("+00:00")).1,
            "2024-01-02T03:04:05+00:00"
        );
        assert_eq!(
            capture_times(naive, Some("   :  ")).1,
            "2024-01-02T03:04:05"
        );
        assert_eq!(capture_times(naive, None).1, "2024-01-02T03:04:05");
    }

    /// A JPEG whose only content is an APP1 EXIF segment with a little-endian TIFF
    /// header and IFD0 holding Orientation = `orientation`, then `next_ifd` as the
    /// next-IFD offset (8 points IFD0 back at itself), then an end-of-image marker.
    fn jpeg_with_ifd0(orientation: u16, next_ifd: u32, extra_entry: Option<(u16, u32)>) -> Vec<u8> {
        let mut tiff = b"II*\0".to_vec();
        tiff.extend_from_slice(&8u32.to_le_bytes());
        let count: u16 = 1 + u16::from(extra_entry.is_some());
        tiff.extend_from_slice(&count.to_le_bytes());
        // Orientation, SHORT, 1, value
        tiff.extend_from_slice(&0x0112u16.to_le_bytes());
        tiff.extend_from_slice(&3u16.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
        if let Some((tag, offset)) = extra_entry {
            // A sub-IFD pointer (LONG).
            tiff.extend_from_slice(&tag.to_le_bytes());
            tiff.extend_from_slice(&4u16.to_le_bytes());
            tiff.extend_from_slice(&1u32.to_le_bytes());
            tiff.extend_from_slice(&offset.to_le_bytes());
        }
        tiff.extend_from_slice(&next_ifd.to_le_bytes());
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
        jpeg.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        jpeg.extend_from_slice(&app1);
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        jpeg
    }

    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("evidence-md-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write temp file");
        path
    }

    fn read_within(path: &Path, media_type: &str, secs: u64) -> Metadata {
        let (tx, rx) = std::sync::mpsc::channel();
        let (path, media_type) = (path.to_path_buf(), media_type.to_string());
        std::thread::spawn(move || {
            let _ = tx.send(read(&path, &media_type));
        });
        rx.recv_timeout(std::time::Duration::from_secs(secs))
            .expect("metadata::read did not finish: it loops")
    }

    #[test]
    fn ifd_pointing_to_itself_terminates() {
        let looped = temp_file("self-ifd.jpg", &jpeg_with_ifd0(6, 8, None));
        assert_eq!(sniff_file(&looped), "image/jpeg");
        let md = read_within(&looped, "image/jpeg", 10);
        assert_eq!(md.orientation, Some(6));

        // An ExifIFD pointer (0x8769) and a GPS pointer (0x8825) back at IFD0 too.
        for tag in [0x8769u16, 0x8825] {
            let looped = temp_file("self-subifd.jpg", &jpeg_with_ifd0(3, 8, Some((tag, 8))));
            let md = read_within(&looped, "image/jpeg", 10);
            assert_eq!(md.orientation, Some(3), "tag {tag:#x}");
        }

        // The same loop in a bare TIFF, which nom-exif reads streaming from the file.
        let jpeg = jpeg_with_ifd0(8, 8, Some((0x8769, 8)));
        let tiff = &jpeg[12..jpeg.len() - 2];
        assert!(tiff.starts_with(b"II*\0"));
        let looped = temp_file("self-ifd.tif", tiff);
        assert_eq!(sniff_file(&looped), "image/tiff");
        let md = read_within(&looped, "image/tiff", 10);
        assert!(md.orientation == Some(8) || md.note.is_some(), "{md:?}");
    }

    #[test]
    fn hostile_and_odd_files_never_fail() {
        // Next-IFD offset far past the end.
        let p = temp_file("far.jpg", &jpeg_with_ifd0(1, 0xFFFF_FFF0, None));
        let md = read_within(&p, "image/jpeg", 10);
        assert_eq!(md.orientation, Some(1));
        // Out-of-range orientation is reported, not used.
        let p = temp_file("bad-orientation.jpg", &jpeg_with_ifd0(77, 0, None));
        let md = read_within(&p, "image/jpeg", 10);
        assert_eq!(md.orientation, None);
        assert!(md.note.is_some());
        // Random bytes claimed to be a JPEG or HEIC.
        let mut noise = vec![0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF];
        let mut x: u32 = 0x1234_5678;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            noise.push(x as u8);
        }
        let p = temp_file("noise.jpg", &noise);
        let md = read_within(&p, "image/jpeg", 10);
        assert_eq!(md.capture_time_raw, None);
        let p = temp_file("noise.heic", &noise[6..]);
        let _ = read_within(&p, "image/heic", 10);
        // Empty and missing files.
        let p = temp_file("empty.jpg", b"");
        assert!(read_within(&p, "image/jpeg", 10).note.is_some());
        let missing = read(Path::new("/nonexistent/evidence.jpg"), "image/jpeg");
        assert!(missing.note.is_some());
        // Types without EXIF give empty metadata and no note.
        let p = temp_file("note.txt", b"He was outside again.");
        assert_eq!(read(&p, "text/plain"), Metadata::default());
    }

    #[test]
    fn capped_reader_stops_at_the_limit() {
        let mut r = Capped {
            inner: io::Cursor::new(vec![7u8; 100]),
            pos: 0,
            limit: 10,
        };
        let mut all = Vec::new();
        r.read_to_end(&mut all).expect("read");
        assert_eq!(all.len(), 10);
        r.seek(SeekFrom::Start(5)).expect("seek");
        let mut more = Vec::new();
        r.read_to_end(&mut more).expect("read");
        assert_eq!(more.len(), 5);
        r.seek(SeekFrom::Start(50)).expect("seek");
        assert_eq!(r.read(&mut [0u8; 8]).expect("read"), 0);
    }
}
