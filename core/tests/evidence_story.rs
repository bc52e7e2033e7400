//! Evidence with real photos: every file in `shared/fixtures/photos` attached through
//! the vault must keep its exact bytes, hash and metadata (as `exiftool` reads them,
//! see `expected.csv`), come back byte for byte, and get an upright preview. Exhibit
//! marks are given in order, survive reopening, and are never reused.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use daybook_core::evidence::{Exhibit, Preview};
use daybook_core::incident::{Incident, Occurred};
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::{Error, SecretString};
use sha2::{Digest, Sha256};

const PASSPHRASE: &str = "a long test passphrase";

/// `shared/fixtures/photos`, found by walking up from this crate.
fn fixtures_dir() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|d| d.join("shared").join("fixtures").join("photos"))
        .find(|c| c.join("expected.csv").is_file())
}

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

fn reopen(path: &Path) -> Vault {
    let mut vault = Vault::open(path).expect("open vault");
    vault.unlock(&passphrase()).expect("unlock");
    vault
}

fn add_entry(vault: &mut Vault, text: &str) -> u64 {
    let when = Occurred::parse("2026-11-01 20:15", None, false, "Europe/London").expect("when");
    vault.add(Incident::new(when, text)).expect("add entry")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// One row of `expected.csv`.
#[derive(Debug, Clone)]
struct Expected {
    file: String,
    sha256: String,
    date: Option<String>,
    orientation: Option<u16>,
    gps: Option<(f64, f64)>,
    model: Option<String>,
}

fn expected(dir: &Path) -> Vec<Expected> {
    let csv = std::fs::read_to_string(dir.join("expected.csv")).expect("expected.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("file,sha256,date_time_original,orientation,gps_lat,gps_lon,model")
    );
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let c: Vec<&str> = line.split(',').collect();
            assert_eq!(c.len(), 7, "bad row: {line}");
            Expected {
                file: c[0].to_string(),
                sha256: c[1].to_string(),
                date: some(c[2]),
                orientation: some(c[3]).map(|o| o.parse().expect("orientation")),
                gps: some(c[4]).map(|lat| (lat.parse().expect("lat"), c[5].parse().expect("lon"))),
                model: some(c[6]),
            }
        })
        .collect()
}

fn check_metadata(x: &Exhibit, want: &Expected) {
    let f = &want.file;
    let md = &x.metadata;
    assert_eq!(md.capture_time_raw, want.date, "{f}: DateTimeOriginal");
    assert_eq!(md.orientation, want.orientation, "{f}: orientation");
    assert_eq!(md.device_model, want.model, "{f}: model");
    match (want.gps, md.gps) {
        (None, None) => {}
        (Some((lat, lon)), Some(got)) => {
            assert!(
                (got.lat - lat).abs() < 1e-6,
                "{f}: lat {} vs {lat}",
                got.lat
            );
            assert!(
                (got.lon - lon).abs() < 1e-6,
                "{f}: lon {} vs {lon}",
                got.lon
            );
        }
        (want, got) => panic!("{f}: gps {got:?}, expected {want:?}"),
    }
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

/// Difference over the outer ring of cells (the orientation fixtures differ from
/// each other only in a big digit in the middle).
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

/// The grid turned 180°, mirrored, and upside down.
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

/// The stored preview of an exhibit, decoded, checked against what the record says.
fn preview_of(vault: &mut Vault, x: &Exhibit) -> image::GrayImage {
    let Preview::Available { width, height } = x.preview.clone() else {
        panic!(
            "{} ({}): no preview: {:?}",
            x.mark, x.original_name, x.preview
        );
    };
    let jpeg = vault
        .thumbnail(&x.mark)
        .expect("thumbnail")
        .unwrap_or_else(|| panic!("{}: preview recorded but not stored", x.mark));
    assert!(
        jpeg.starts_with(&[0xFF, 0xD8, 0xFF]),
        "{}: not a JPEG",
        x.mark
    );
    let img = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg)
        .unwrap_or_else(|e| panic!("{}: preview does not decode: {e}", x.mark));
    assert_eq!((img.width(), img.height()), (width, height), "{}", x.mark);
    assert!(width.max(height) <= 640, "{}: {width}x{height}", x.mark);
    img.into_luma8()
}

#[test]
fn real_photos_keep_their_bytes_metadata_and_marks() {
    let Some(dir) = fixtures_dir() else {
        eprintln!(
            "skipped: no shared/fixtures/photos above {}",
            env!("CARGO_MANIFEST_DIR")
        );
        return;
    };
    let rows = expected(&dir);
    assert_eq!(rows.len(), 16, "rows in expected.csv");
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("diary.daybook");
    let mut vault = create(&path);
    let first = add_entry(&mut vault, "Photos he sent me.");
    let second = add_entry(&mut vault, "Photos I took of his car.");

    // Attach every photo, alternating between the two entries.
    let mut attached: Vec<(Expected, Exhibit)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let source = dir.join(&row.file);
        let bytes = std::fs::read(&source).expect("fixture");
        assert_eq!(
            sha256_hex(&bytes),
            row.sha256,
            "{}: fixture changed",
            row.file
        );
        let entry = if i % 2 == 0 { first } else { second };
        let x = vault
            .attach(entry, &source, "sent to me on WhatsApp")
            .unwrap_or_else(|e| panic!("{}: {e}", row.file));
        assert_eq!(x.mark, format!("AB/{}", i + 1), "{}", row.file);
        assert_eq!(x.sequence, i as u64 + 1);
        assert_eq!(x.entry_number, entry);
        assert_eq!(x.original_name, row.file);
        assert_eq!(x.size, bytes.len() as u64, "{}", row.file);
        assert_eq!(x.sha256, row.sha256, "{}: sha256", row.file);
        assert_eq!(x.how_obtained, "sent to me on WhatsApp");
        assert_eq!(x.duplicate_of, None, "{}", row.file);
        assert_eq!(x.erased_at, None);
        let lower = row.file.to_lowercase();
        let want_type = if lower.ends_with(".heic") || lower.ends_with(".heif") {
            "image/heic"
        } else {
            "image/jpeg"
        };
        assert_eq!(x.media_type, want_type, "{}", row.file);
        check_metadata(&x, row);
        assert!(
            matches!(x.preview, Preview::Available { .. }),
            "{}: {:?}",
            row.file,
            x.preview
        );
        attached.push((row.clone(), x));
    }

    // Everything is the same after closing and reopening.
    drop(vault);
    let mut vault = reopen(&path);
    let listed = vault.exhibits(None).expect("list");
    assert_eq!(listed.len(), attached.len());
    for ((row, before), after) in attached.iter().zip(&listed) {
        assert_eq!(before, after, "{}: changed after reopening", row.file);
        check_metadata(after, row);
        // Found by its mark, in any case and spacing.
        let by_mark = vault
            .exhibit(&after.mark.to_lowercase().replace('/', " / "))
            .expect("by mark");
        assert_eq!(&by_mark, after);
    }
    assert_eq!(
        vault.exhibits(Some(first)).expect("list").len(),
        rows.len().div_ceil(2)
    );
    assert!(vault
        .exhibits(Some(second))
        .expect("list")
        .iter()
        .all(|x| x.entry_number == second && x.sequence % 2 == 0));
    let entry = vault.entry(first).expect("entry");
    assert_eq!(entry.exhibits.first().map(String::as_str), Some("AB/1"));

    // The originals come back byte for byte.
    let out = tmp.path().join("exported");
    std::fs::create_dir(&out).expect("mkdir");
    for (row, x) in &attached {
        let target = out.join(format!("{}-{}", x.sequence, row.file));
        let exported = vault.export_original(&x.mark, &target).expect("export");
        assert_eq!(&exported, x);
        let got = std::fs::read(&target).expect("read export");
        let source = std::fs::read(dir.join(&row.file)).expect("fixture");
        assert!(got == source, "{}: exported bytes differ", row.file);
        assert_eq!(sha256_hex(&got), row.sha256);
        // Never over an existing file.
        assert!(vault.export_original(&x.mark, &target).is_err());
    }

    // Previews are upright: compare each with the orientation-1 picture.
    let mark_of = |name: &str| -> Exhibit {
        attached
            .iter()
            .find(|(row, _)| row.file == name)
            .map(|(_, x)| x.clone())
            .unwrap_or_else(|| panic!("{name} not attached"))
    };
    for (kind, numbers) in [("landscape", &[3u16, 6, 8][..]), ("portrait", &[6, 8][..])] {
        let reference = preview_of(&mut vault, &mark_of(&format!("orientation-{kind}_1.jpg")));
        let ref_grid = grid(&reference);
        for n in numbers {
            let name = format!("orientation-{kind}_{n}.jpg");
            let x = mark_of(&name);
            assert_eq!(x.metadata.orientation, Some(*n));
            let img = preview_of(&mut vault, &x);
            let (w, h) = (img.width(), img.height());
            if kind == "landscape" {
                assert!(w > h, "{name}: preview {w}x{h} is not landscape");
            } else {
                assert!(h > w, "{name}: preview {w}x{h} is not portrait");
            }
            assert_eq!((w, h), (reference.width(), reference.height()), "{name}");
            let g = grid(&img);
            let upright = distance(&g, &ref_grid);
            for (how, wrong) in wrong_ways(&g) {
                let wrong = distance(&wrong, &ref_grid);
                assert!(
                    upright * 1.5 < wrong,
                    "{name}: upright {upright:.0}, {how} {wrong:.0}"
                );
            }
        }
    }

    // The iPhone HEIC has a real preview: portrait, as its pixels are stored.
    let heic = mark_of("heic-IMG_5195.HEIC");
    assert_eq!(heic.media_type, "image/heic");
    let img = preview_of(&mut vault, &heic);
    assert!(
        img.height() > img.width(),
        "{}x{}",
        img.width(),
        img.height()
    );
    assert_eq!(img.height(), 640);
    let g = grid(&img);
    let spread =
        g.iter().cloned().fold(f64::MIN, f64::max) - g.iter().cloned().fold(f64::MAX, f64::min);
    assert!(
        spread > 30.0,
        "the HEIC preview looks blank (spread {spread:.0})"
    );

    let report = vault.verify().expect("verify");
    assert!(report.ok(), "{:?}", report.failure);
}

#[test]
fn marks_are_never_reused_and_duplicates_are_named() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("diary.daybook");
    let mut vault = create(&path);
    let entry = add_entry(&mut vault, "Messages.");
    let other = add_entry(&mut vault, "More messages.");
    let files: Vec<PathBuf> = (1..=3)
        .map(|i| {
            let p = tmp.path().join(format!("note-{i}.txt"));
            std::fs::write(&p, format!("He wrote message number {i} at 02:1{i}.\n"))
                .expect("write");
            p
        })
        .collect();
    for (i, f) in files.iter().enumerate() {
        let x = vault.attach(entry, f, "").expect("attach");
        assert_eq!(x.mark, format!("AB/{}", i + 1));
        assert_eq!(x.media_type, "text/plain");
        assert!(matches!(x.preview, Preview::None { .. }));
        assert_eq!(vault.thumbnail(&x.mark).expect("thumbnail"), None);
    }

    vault.erase_exhibit("AB/2").expect("erase");
    let erased = vault.exhibit("AB/2").expect("still listed");
    assert!(erased.erased_at.is_some());
    let sha2 = sha256_hex(&std::fs::read(&files[1]).expect("read"));
    assert_eq!(erased.sha256, sha2, "the hash stays on record");
    assert!(matches!(
        vault.export_original("AB/2", &tmp.path().join("x")),
        Err(Error::NotAllowed(_))
    ));
    assert!(!tmp.path().join("x").exists());
    assert!(matches!(
        vault.erase_exhibit("AB/2"),
        Err(Error::NotAllowed(_))
    ));

    // The next file gets the next number, not the erased one.
    let fourth = tmp.path().join("note-4.txt");
    std::fs::write(&fourth, "A fourth message.\n").expect("write");
    assert_eq!(
        vault.attach(other, &fourth, "").expect("attach").mark,
        "AB/4"
    );

    // Same bytes as an erased exhibit: not a duplicate of anything standing.
    let again2 = vault.attach(entry, &files[1], "").expect("attach");
    assert_eq!(again2.mark, "AB/5");
    assert_eq!(again2.duplicate_of, None);
    // Same bytes as AB/1, from another path and entry: named as a duplicate, and
    // still given a mark of its own.
    let copy = tmp.path().join("copy of note 1.txt");
    std::fs::copy(&files[0], &copy).expect("copy");
    let dup = vault.attach(other, &copy, "").expect("attach");
    assert_eq!(dup.mark, "AB/6");
    assert_eq!(dup.duplicate_of.as_deref(), Some("AB/1"));
    assert_eq!(dup.sha256, vault.exhibit("AB/1").expect("AB/1").sha256);
    // Pasted bytes are compared too.
    let pasted = std::fs::read(&files[2]).expect("read");
    let dup = vault
        .attach_reader(entry, &mut pasted.as_slice(), "pasted.txt", "")
        .expect("paste");
    assert_eq!(dup.mark, "AB/7");
    assert_eq!(dup.duplicate_of.as_deref(), Some("AB/3"));

    // Stable across reopening; erasing the last one does not give its number back.
    vault.erase_exhibit("AB/7").expect("erase");
    drop(vault);
    let mut vault = reopen(&path);
    let marks: Vec<String> = vault
        .exhibits(None)
        .expect("list")
        .into_iter()
        .map(|x| x.mark)
        .collect();
    assert_eq!(
        marks,
        ["AB/1", "AB/2", "AB/3", "AB/4", "AB/5", "AB/6", "AB/7"]
    );
    assert_eq!(
        vault.exhibit("AB/6").expect("AB/6").duplicate_of.as_deref(),
        Some("AB/1")
    );
    assert_eq!(
        vault.attach(entry, &fourth, "").expect("attach").mark,
        "AB/8"
    );
    assert_eq!(vault.info().expect("info").exhibits, 8);
}

/// Erasing an exhibit (or a whole entry with exhibits) must leave a diary that
/// verifies: the quick index and the chain must agree on the entry's marks.
#[test]
fn verify_passes_after_exhibits_are_erased() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("diary.daybook");
    let mut vault = create(&path);
    let entry = add_entry(&mut vault, "Messages.");
    let doomed = add_entry(&mut vault, "Photos of my house.");
    for (i, n) in [entry, entry, entry, doomed].into_iter().enumerate() {
        let p = tmp.path().join(format!("file-{i}.txt"));
        std::fs::write(&p, format!("file {i}\n")).expect("write");
        vault.attach(n, &p, "").expect("attach");
    }
    let report = vault.verify().expect("verify");
    assert!(report.ok(), "before erasing: {:?}", report.failure);

    vault.erase_exhibit("AB/2").expect("erase exhibit");
    let report = vault.verify().expect("verify");
    assert!(
        report.ok(),
        "after erasing exhibit AB/2: {:?}",
        report.failure
    );
    let marks = vault.entry(entry).expect("entry").exhibits;
    drop(vault);
    let mut vault = reopen(&path);
    assert_eq!(vault.entry(entry).expect("entry").exhibits, marks);

    vault.erase(doomed).expect("erase entry");
    assert!(vault.exhibit("AB/4").expect("AB/4").erased_at.is_some());
    let report = vault.verify().expect("verify");
    assert!(
        report.ok(),
        "after erasing entry {doomed}: {:?}",
        report.failure
    );
}

/// How long listing every exhibit takes with `n` small files on one entry.
fn listing_time(n: usize) -> std::time::Duration {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create(&dir.path().join("diary.daybook"));
    let entry = add_entry(&mut vault, "many files");
    for i in 0..n {
        let file = dir.path().join(format!("note-{i}.txt"));
        std::fs::write(&file, format!("evidence file number {i}")).unwrap();
        vault.attach(entry, &file, "mine").unwrap();
    }
    let started = std::time::Instant::now();
    assert_eq!(vault.exhibits(None).unwrap().len(), n);
    assert_eq!(vault.exhibits(Some(entry)).unwrap().len(), n);
    started.elapsed()
}

#[test]
fn listing_many_exhibits_of_one_entry_takes_time_in_proportion_to_their_number() {
    // The load campaign put 1,700 files on one entry; listing them opened the
    // entry's changes again for each file (to see whether it was erased), a time
    // growing with the square of their number: minutes. Four times the files must
    // take about four times as long, not sixteen.
    let few = listing_time(40);
    let many = listing_time(160);
    let ratio = many.as_secs_f64() / few.as_secs_f64().max(1e-3);
    assert!(
        ratio < 9.0,
        "160 exhibits took {many:?} to list, 40 took {few:?}: {ratio:.1} times as long"
    );
}
