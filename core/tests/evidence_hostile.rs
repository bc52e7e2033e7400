//! Hostile and odd files attached through the vault: each is kept byte for byte and
//! hashed (or, when empty, refused with nothing stored), quickly, without a hang, and
//! nothing readable about it (pixels, name, note) ever reaches the disk.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use daybook_core::evidence::{Exhibit, Preview};
use daybook_core::incident::{Incident, Occurred};
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::{Error, SecretString};
use sha2::{Digest, Sha256};

const PASSPHRASE: &str = "a long test passphrase";

fn passphrase() -> SecretString {
    SecretString::from(PASSPHRASE.to_string())
}

fn create(path: &Path) -> Vault {
    let (vault, _code) = Vault::create(
        path,
        passphrase(),
        CreateOptions {
            scrypt_log_n: Some(10),
            initials: Some("AB".into()),
            ..Default::default()
        },
    )
    .expect("create vault");
    vault
}

fn add_entry(vault: &mut Vault, text: &str) -> u64 {
    let when = Occurred::parse("2026-11-01 20:15", None, false, "Europe/London").expect("when");
    vault.add(Incident::new(when, text)).expect("add entry")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A fresh vault with one entry, in a temp dir.
struct Fixture {
    dir: tempfile::TempDir,
    vault: Vault,
    entry: u64,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut vault = create(&dir.path().join("diary.daybook"));
    let entry = add_entry(&mut vault, "Files he sent me.");
    Fixture { dir, vault, entry }
}

impl Fixture {
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write source");
        path
    }

    /// Attaches, then checks the original comes back byte for byte.
    fn attach_and_check(&mut self, name: &str, bytes: &[u8]) -> Exhibit {
        let path = self.write(name, bytes);
        let x = self
            .vault
            .attach(self.entry, &path, "")
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(x.original_name, name);
        assert_eq!(x.size, bytes.len() as u64, "{name}");
        assert_eq!(x.sha256, sha256_hex(bytes), "{name}");
        let mut back = Vec::new();
        let (sha, size) = self.vault.copy_original(&x, &mut back).expect("read back");
        assert_eq!((sha.as_str(), size), (x.sha256.as_str(), x.size));
        assert!(back == bytes, "{name}: stored bytes differ");
        x
    }
}

/// Deterministic noise.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

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

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A PNG whose IHDR (valid CRC) declares `w` × `h` RGB, with a tiny IDAT.
fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut png, b"IHDR", &ihdr);
    png_chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0, 0, 0, 1],
    );
    png_chunk(&mut png, b"IEND", &[]);
    png
}

/// An RGB PNG of `w` × `h` whose IDAT is zlib with *stored* (uncompressed) blocks,
/// so the raw pixel bytes appear as they are in the file.
fn stored_png(w: u32, h: u32, pixel: impl Fn(usize) -> u8) -> Vec<u8> {
    let row = (w * 3) as usize;
    let mut raw = Vec::new();
    for y in 0..h as usize {
        raw.extend(std::iter::once(0u8)); // filter: none
        raw.extend((y * row..(y + 1) * row).map(&pixel));
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (n, block) in blocks.iter().enumerate() {
        z.push(u8::from(n + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut png, b"IHDR", &ihdr);
    png_chunk(&mut png, b"IDAT", &z);
    png_chunk(&mut png, b"IEND", &[]);
    png
}

/// An uncompressed 24-bit BMP of `w` × `h` (w × 3 a multiple of 4).
fn bmp(w: u32, h: u32, pixel: impl Fn(usize) -> u8) -> Vec<u8> {
    assert_eq!(w * 3 % 4, 0);
    let data_len = w * h * 3;
    let mut out = b"BM".to_vec();
    out.extend_from_slice(&(54 + data_len).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&54u32.to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&(w as i32).to_le_bytes());
    out.extend_from_slice(&(h as i32).to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&24u16.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // BI_RGB
    out.extend_from_slice(&data_len.to_le_bytes());
    out.extend_from_slice(&2835u32.to_le_bytes());
    out.extend_from_slice(&2835u32.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend((0..data_len as usize).map(pixel));
    out
}

/// A noisy RGB JPEG made with the `image` crate.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let n = noise((w * h) as usize, 7);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let v = n[(y * w + x) as usize] / 4;
        image::Rgb([(x * 255 / w) as u8 / 2 + v, (y * 255 / h) as u8 / 2 + v, 90])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .expect("encode jpeg");
    out
}

/// An APP1 EXIF segment whose IFD0 holds Orientation = 6, an ExifIFD pointer back at
/// IFD0 itself, and a next-IFD offset back at IFD0 too: a loop.
fn looping_exif_app1() -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&6u16.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0x8769u16.to_le_bytes()); // ExifIFD → IFD0
    tiff.extend_from_slice(&4u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&8u32.to_le_bytes()); // next IFD → IFD0
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    seg.extend_from_slice(&app1);
    seg
}

#[test]
fn png_declaring_ten_billion_pixels_is_kept_without_a_preview_quickly() {
    let mut f = fixture();
    let png = png_declaring(100_000, 100_000);
    let started = Instant::now();
    let x = f.attach_and_check("huge.png", &png);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(x.media_type, "image/png");
    match &x.preview {
        Preview::None { reason } => {
            assert!(reason.contains("too large"), "{reason}");
            assert!(reason.contains("100000 \u{d7} 100000"), "{reason}");
        }
        other => panic!("a preview was made: {other:?}"),
    }
    assert_eq!(f.vault.thumbnail(&x.mark).expect("thumbnail"), None);
    assert_eq!(
        (x.metadata.width, x.metadata.height),
        (Some(100_000), Some(100_000))
    );
}

#[test]
fn truncated_jpeg_is_kept() {
    let mut f = fixture();
    let whole = jpeg(1200, 900);
    assert!(whole.len() > 100_000, "{}", whole.len());
    for (name, cut) in [
        ("half.jpg", whole.len() / 2),
        ("head.jpg", 700),
        ("soi.jpg", 3),
    ] {
        let bytes = &whole[..cut];
        let x = f.attach_and_check(name, bytes);
        assert_eq!(x.media_type, "image/jpeg", "{name}");
        match &x.preview {
            // A partial decode may still give the top of the picture…
            Preview::Available { width, height } => {
                assert_eq!((*width, *height), (640, 480), "{name}");
                let jpeg = f.vault.thumbnail(&x.mark).expect("thumb").expect("stored");
                image::load_from_memory(&jpeg).expect("preview decodes");
            }
            // …or none, with a reason in plain words.
            Preview::None { reason } => {
                assert!(reason.contains("damaged"), "{name}: {reason}");
                assert_eq!(f.vault.thumbnail(&x.mark).expect("thumb"), None);
            }
        }
    }
}

#[test]
fn random_bytes_named_jpg_are_not_called_a_jpeg() {
    let mut f = fixture();
    let bytes = noise(200_000, 0x5EED);
    let x = f.attach_and_check("IMG_0042.jpg", &bytes);
    assert_eq!(x.media_type, "application/octet-stream");
    assert_eq!(
        x.preview,
        Preview::None {
            reason: "this file type has no preview".into()
        }
    );
    assert_eq!(x.metadata, Default::default());
    // Random bytes that *start* like a JPEG are a JPEG that does not decode.
    let mut fake = vec![0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43];
    fake.extend_from_slice(&bytes[..50_000]);
    let x = f.attach_and_check("fake.jpg", &fake);
    assert_eq!(x.media_type, "image/jpeg");
    assert!(matches!(x.preview, Preview::None { .. }), "{:?}", x.preview);
}

#[test]
fn empty_files_are_refused_and_nothing_is_stored() {
    let mut f = fixture();
    let before = f.vault.exhibits(None).expect("list").len();
    let x = f.attach_and_check("first.txt", b"He phoned 14 times.\n");
    assert_eq!(x.mark, "AB/1");
    let empty = f.write("empty.jpg", b"");
    match f.vault.attach(f.entry, &empty, "") {
        Err(Error::EvidenceRefused(message)) => {
            assert!(message.contains("empty"), "{message}");
            assert!(message.contains("empty.jpg"), "{message}");
        }
        other => panic!("not refused: {other:?}"),
    }
    match f
        .vault
        .attach_reader(f.entry, &mut std::io::empty(), "pasted.png", "")
    {
        Err(Error::EvidenceRefused(message)) => assert!(message.contains("empty"), "{message}"),
        other => panic!("not refused: {other:?}"),
    }
    assert_eq!(f.vault.exhibits(None).expect("list").len(), before + 1);
    assert_eq!(f.vault.info().expect("info").exhibits, 1);
    // No number was used up.
    let x = f.attach_and_check("second.txt", b"And texted twice.\n");
    assert_eq!(x.mark, "AB/2");
    // Missing files and folders are errors too, not exhibits.
    assert!(f
        .vault
        .attach(f.entry, &f.dir.path().join("nope.jpg"), "")
        .is_err());
    assert!(f.vault.attach(f.entry, f.dir.path(), "").is_err());
    assert_eq!(f.vault.info().expect("info").exhibits, 2);
}

#[test]
fn pipes_and_devices_are_refused_without_waiting() {
    let f = fixture();
    let fifo = f.dir.path().join("pipe.jpg");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !matches!(made, Ok(s) if s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    // Opening a pipe nobody writes to would wait for ever: run it on a thread and
    // give it a deadline.
    let (tx, rx) = mpsc::channel();
    let mut vault = f.vault;
    let entry = f.entry;
    std::thread::spawn(move || {
        let pipe = vault.attach(entry, &fifo, "");
        let device = vault.attach(entry, Path::new("/dev/zero"), "");
        let _ = tx.send((
            pipe.is_err(),
            device.is_err(),
            vault.info().map(|i| i.exhibits).ok(),
        ));
    });
    let (pipe_refused, device_refused, exhibits) = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("attaching a pipe must not hang");
    assert!(pipe_refused && device_refused);
    assert_eq!(exhibits, Some(0));
}

#[test]
fn jpeg_with_a_looping_exif_ifd_does_not_hang() {
    let f = fixture();
    let picture = jpeg(800, 600);
    // SOI, the looping EXIF segment, then the rest of a real JPEG.
    let mut bytes = picture[..2].to_vec();
    bytes.extend_from_slice(&looping_exif_app1());
    bytes.extend_from_slice(&picture[2..]);
    let path = f.write("loop.jpg", &bytes);
    let Fixture {
        dir,
        mut vault,
        entry,
    } = f;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let x = vault.attach(entry, &path, "");
        let _ = tx.send((x, vault));
    });
    let (x, vault) = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("attaching a JPEG with a looping IFD did not finish");
    let x = x.expect("attached");
    assert_eq!(x.sha256, sha256_hex(&bytes));
    assert_eq!(x.size, bytes.len() as u64);
    assert_eq!(x.metadata.orientation, Some(6));
    // Orientation 6: the 800 × 600 picture is previewed upright, 480 × 640.
    assert_eq!(
        x.preview,
        Preview::Available {
            width: 480,
            height: 640
        }
    );
    let mut back = Vec::new();
    vault.copy_original(&x, &mut back).expect("read back");
    assert!(back == bytes);
    drop(dir);
}

#[test]
fn pasted_png_gets_a_preview_and_its_suggested_name() {
    let mut f = fixture();
    let img = image::RgbImage::from_fn(300, 200, |x, y| {
        image::Rgb([
            (x % 256) as u8,
            (y % 256) as u8,
            if x < 150 { 20 } else { 230 },
        ])
    });
    let mut png = Vec::new();
    img.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode png");
    let x = f
        .vault
        .attach_reader(
            f.entry,
            &mut Cursor::new(png.clone()),
            "Screenshot 2026-11-02 at 09.14.png",
            "pasted from the clipboard",
        )
        .expect("paste");
    assert_eq!(x.mark, "AB/1");
    assert_eq!(x.original_name, "Screenshot 2026-11-02 at 09.14.png");
    assert_eq!(x.how_obtained, "pasted from the clipboard");
    assert_eq!(x.media_type, "image/png");
    assert_eq!(x.size, png.len() as u64);
    assert_eq!(x.sha256, sha256_hex(&png));
    assert_eq!(
        (x.metadata.width, x.metadata.height),
        (Some(300), Some(200))
    );
    assert_eq!(
        x.preview,
        Preview::Available {
            width: 300,
            height: 200
        }
    );
    let jpeg = f
        .vault
        .thumbnail("ab/1")
        .expect("thumbnail")
        .expect("stored");
    let thumb = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg)
        .expect("preview decodes")
        .into_rgb8();
    assert_eq!(thumb.dimensions(), (300, 200));
    assert!(thumb.get_pixel(20, 100)[2] < 80 && thumb.get_pixel(280, 100)[2] > 180);
    let out = f.dir.path().join("exported.png");
    f.vault.export_original("AB/1", &out).expect("export");
    assert!(std::fs::read(&out).expect("read") == png);
    // A name with folders and control characters is cleaned, never a path.
    let x = f
        .vault
        .attach_reader(
            f.entry,
            &mut Cursor::new(png),
            "../../etc/\u{7}evil.png",
            "",
        )
        .expect("paste");
    assert_eq!(x.original_name, "evil.png");
    assert_eq!(x.duplicate_of.as_deref(), Some("AB/1"));
}

const PIXEL_CANARY: &[u8] = b"PIXEL-CANARY-7f3e-91c2-PIXEL-CANARY-";
const NAME_CANARY: &str = "CANARY-name-91c2";
const HOW_CANARY: &str = "HOW-CANARY-5d1a";
/// Set for the child process that does the attaching.
const CANARY_ENV: &str = "DAYBOOK_TEST_CANARY_DIR";

fn canary_pixel(i: usize) -> u8 {
    PIXEL_CANARY[i % PIXEL_CANARY.len()]
}

/// Run only as a child of `canary_never_reaches_the_disk` (with its own TMPDIR).
#[test]
fn canary_child() {
    let Some(dir) = std::env::var_os(CANARY_ENV).map(PathBuf::from) else {
        return;
    };
    let sources = dir.join("sources");
    let png = sources.join(format!("{NAME_CANARY}.png"));
    let bmp_path = sources.join(format!("{NAME_CANARY}.bmp"));
    let mut vault = create(&dir.join("vault").join("diary.daybook"));
    let entry = add_entry(&mut vault, "Pictures.");
    for path in [&png, &bmp_path] {
        let x = vault.attach(entry, path, HOW_CANARY).expect("attach");
        assert!(
            matches!(x.preview, Preview::Available { .. }),
            "{:?}",
            x.preview
        );
        // Read everything back, as the app would.
        vault
            .thumbnail(&x.mark)
            .expect("thumbnail")
            .expect("stored");
        vault
            .copy_original(&x, &mut std::io::sink())
            .expect("read back");
    }
    let bytes = std::fs::read(&png).expect("read");
    vault
        .attach_reader(
            entry,
            &mut bytes.as_slice(),
            &format!("{NAME_CANARY}-pasted.png"),
            HOW_CANARY,
        )
        .expect("paste");
    assert_eq!(vault.exhibits(None).expect("list").len(), 3);
    vault.lock();
    let mut vault = Vault::open(&dir.join("vault").join("diary.daybook")).expect("open");
    vault.unlock(&passphrase()).expect("unlock");
    let report = vault.verify().expect("verify");
    assert!(report.ok(), "{:?}", report.failure);
    // Leave the WAL as it is: the parent scans it too.
    std::mem::forget(vault);
}

fn find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn canary_never_reaches_the_disk() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    for sub in ["sources", "vault", "tmp"] {
        std::fs::create_dir(dir.join(sub)).expect("mkdir");
    }
    let png = dir.join("sources").join(format!("{NAME_CANARY}.png"));
    let bmp_path = dir.join("sources").join(format!("{NAME_CANARY}.bmp"));
    std::fs::write(&png, stored_png(320, 240, canary_pixel)).expect("write");
    std::fs::write(&bmp_path, bmp(320, 240, canary_pixel)).expect("write");
    let needles: [&[u8]; 3] = [PIXEL_CANARY, NAME_CANARY.as_bytes(), HOW_CANARY.as_bytes()];
    // The scan can see the canary where it is.
    for source in [&png, &bmp_path] {
        let bytes = std::fs::read(source).expect("read");
        assert!(
            find(&bytes, PIXEL_CANARY),
            "{source:?} does not show its pixels"
        );
    }

    let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["canary_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CANARY_ENV, dir)
        .env("TMPDIR", dir.join("tmp"))
        .env("SQLITE_TMPDIR", dir.join("tmp"))
        .status()
        .expect("run child");
    assert!(status.success(), "the attaching child failed: {status}");

    let mut files = Vec::new();
    files_under(dir, &mut files);
    let vault_file = dir.join("vault").join("diary.daybook");
    let wal = dir.join("vault").join("diary.daybook-wal");
    let shm = dir.join("vault").join("diary.daybook-shm");
    for must in [&vault_file, &wal, &shm] {
        assert!(files.contains(must), "{must:?} missing: {files:?}");
    }
    let mut scanned = 0u64;
    for file in files.iter().filter(|f| **f != png && **f != bmp_path) {
        let bytes = std::fs::read(file).expect("read");
        scanned += bytes.len() as u64;
        for needle in needles {
            assert!(
                !find(&bytes, needle),
                "{} found in {file:?}",
                String::from_utf8_lossy(needle)
            );
        }
    }
    // The originals (two × 230 KB) really went in, sealed.
    assert!(
        scanned > 400_000,
        "scanned only {scanned} bytes of {files:?}"
    );
}

/// Records progress calls and cancels after `cancel_after` of them (if set).
struct Watcher {
    calls: std::cell::RefCell<Vec<(u64, u64)>>,
    cancel_after: Option<usize>,
}

impl daybook_core::progress::Progress for Watcher {
    fn advanced(&self, done: u64, total: u64, unit: daybook_core::progress::Unit) {
        assert_eq!(unit, daybook_core::progress::Unit::Bytes);
        self.calls.borrow_mut().push((done, total));
    }
    fn cancelled(&self) -> bool {
        self.cancel_after
            .is_some_and(|n| self.calls.borrow().len() >= n)
    }
}

#[test]
fn a_long_attach_reports_progress_and_can_be_cancelled() {
    let mut f = fixture();
    let bytes = noise(5 * 1024 * 1024 + 123, 9);
    let path = f.write("voicemail.m4a", &bytes);

    // Cancelled part way: an error, and nothing of it kept (no exhibit, no number).
    let watcher = Watcher {
        calls: Default::default(),
        cancel_after: Some(2),
    };
    match f.vault.attach_with_progress(f.entry, &path, "", &watcher) {
        Err(Error::Cancelled) => {}
        other => panic!("not cancelled: {other:?}"),
    }
    assert_eq!(watcher.calls.borrow().len(), 2);
    assert!(f.vault.exhibits(None).expect("list").is_empty());
    assert_eq!(f.vault.info().expect("info").exhibits, 0);
    assert!(f.vault.verify().expect("verify").ok());

    // Watched to the end: steady progress up to the whole size, then the exhibit.
    let watcher = Watcher {
        calls: Default::default(),
        cancel_after: None,
    };
    let x = f
        .vault
        .attach_with_progress(f.entry, &path, "", &watcher)
        .expect("attach");
    assert_eq!(x.mark, "AB/1", "the cancelled attach used no number");
    assert_eq!(x.sha256, sha256_hex(&bytes));
    let calls = watcher.calls.borrow();
    assert!(calls.len() >= 5, "{} progress calls", calls.len());
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{calls:?}");
    assert!(calls.iter().all(|&(_, total)| total == bytes.len() as u64));
    assert_eq!(calls.last().map(|c| c.0), Some(bytes.len() as u64));
}
