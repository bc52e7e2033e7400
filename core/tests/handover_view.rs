//! A support worker views a handover without unpacking it: it opens with the
//! passphrase or the worker's key, every file is checked with progress, originals are
//! read on demand and match their SHA-256, and a flipped byte is reported with the
//! name of the file it fell in. Nothing readable is written anywhere.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::io::Cursor;
use std::path::Path;

use daybook_core::bundle::handover::Case;
use daybook_core::bundle::sealed::Key;
use daybook_core::crypto::Identity;
use daybook_core::incident::{Incident, Occurred};
use daybook_core::progress::{NoProgress, Progress, Unit};
use daybook_core::vault::{CreateOptions, HandoverKey, HandoverOptions, Vault};
use daybook_core::{Error, SecretString};
use sha2::{Digest, Sha256};

const HANDOVER_PASS: &str = "tulip-harbour-candle-meadow-river";

fn jpeg(seed: u8) -> Vec<u8> {
    // Noise, so each photo is a few hundred KiB: several of age's 64 KiB pieces.
    let img = image::RgbImage::from_fn(500, 400, |x, y| {
        let n = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)).wrapping_add(seed as u32 * 97);
        image::Rgb([(n >> 3) as u8, (n >> 11) as u8, (n >> 19) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A diary with three entries and two photos, handed over to `key`.
fn handover(dir: &Path, key: HandoverKey) -> (std::path::PathBuf, Vec<Vec<u8>>) {
    let (mut vault, _) = Vault::create(
        &dir.join("diary.daybook"),
        SecretString::from("a long enough passphrase".to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            initials: Some("AB".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let mut photos = Vec::new();
    for (i, words) in [
        "He was waiting outside my work",
        "Flowers on the doorstep with a note",
        "Followed me from the station",
    ]
    .iter()
    .enumerate()
    {
        let when = Occurred::parse(
            &format!("2026-10-0{} 20:15", i + 1),
            None,
            false,
            "Europe/London",
        )
        .unwrap();
        let n = vault.add(Incident::new(when, *words)).unwrap();
        if i < 2 {
            let photo = jpeg(i as u8 + 1);
            let path = dir.join(format!("photo-{i}.jpg"));
            std::fs::write(&path, &photo).unwrap();
            vault.attach(n, &path, "taken on my phone").unwrap();
            photos.push(photo);
        }
    }
    let out = dir.join("handover.age");
    vault
        .write_handover(
            &out,
            &HandoverOptions {
                from: None,
                to: None,
                redact_witnesses: false,
                include_withdrawn: false,
                key,
                include_private_notes: false,
                given_to: String::new(),
            },
            &NoProgress,
        )
        .unwrap();
    (out, photos)
}

struct Counting {
    calls: Cell<u64>,
    cancel_after: Option<u64>,
    last: Cell<(u64, u64)>,
}

impl Progress for Counting {
    fn advanced(&self, done: u64, total: u64, _unit: Unit) {
        self.last.set((done, total));
    }
    fn cancelled(&self) -> bool {
        self.calls.set(self.calls.get() + 1);
        self.cancel_after.is_some_and(|n| self.calls.get() > n)
    }
}

#[test]
fn view_a_handover_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (path, photos) = handover(
        dir.path(),
        HandoverKey::Passphrase(SecretString::from(HANDOVER_PASS.to_string())),
    );
    let wrong = Case::open(
        &path,
        Key::Passphrase(SecretString::from("not it at all, sorry".to_string())),
    );
    assert!(matches!(wrong, Err(Error::WrongPassphrase)));

    let mut case = Case::open(
        &path,
        Key::Passphrase(SecretString::from(HANDOVER_PASS.to_string())),
    )
    .unwrap();
    assert_eq!(case.entries.len(), 3);
    assert_eq!(case.exhibits.len(), 2);
    assert!(case.has_report());
    assert!(!case.is_checked());

    let progress = Counting {
        calls: Cell::new(0),
        cancel_after: None,
        last: Cell::new((0, 0)),
    };
    let report = case.check(&progress).unwrap().clone();
    assert!(report.passed, "{report}");
    let (done, total) = progress.last.get();
    assert!(total > 0 && done == total, "{done} of {total}");
    assert!(case.is_checked());

    // Originals on demand, byte for byte, and their previews.
    let (exhibit, bytes) = case.original("AB/2").unwrap();
    assert_eq!(bytes, photos[1]);
    assert_eq!(exhibit.sha256, hex::encode(Sha256::digest(&photos[1])));
    assert!(case.thumbnail("AB/1").unwrap().is_some());
    let saved = dir.path().join("saved.jpg");
    let sha = case.save_original("AB/1", &saved).unwrap();
    assert_eq!(std::fs::read(&saved).unwrap(), photos[0]);
    assert_eq!(sha, hex::encode(Sha256::digest(&photos[0])));
    // Never over an existing file.
    assert!(case.save_original("AB/1", &saved).is_err());
    assert_eq!(std::fs::read(&saved).unwrap(), photos[0]);
    let pdf = case.read("report.pdf").unwrap();
    assert!(pdf.starts_with(b"%PDF"));
}

#[test]
fn view_a_handover_with_the_workers_key_and_cancel_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let worker = Identity::generate();
    let (path, _) = handover(dir.path(), HandoverKey::Recipient(worker.recipient()));
    let other = Identity::generate();
    assert!(matches!(
        Case::open(&path, Key::Identity(other)),
        Err(Error::Bundle { .. })
    ));
    let mut case = Case::open(&path, Key::Identity(worker)).unwrap();
    let cancel = Counting {
        calls: Cell::new(0),
        cancel_after: Some(3),
        last: Cell::new((0, 0)),
    };
    assert!(matches!(case.check(&cancel), Err(Error::Cancelled)));
    assert!(!case.is_checked());
    assert!(case.check(&NoProgress).unwrap().passed);
}

#[test]
fn view_names_the_file_a_flipped_byte_fell_in() {
    let dir = tempfile::tempdir().unwrap();
    let (path, photos) = handover(
        dir.path(),
        HandoverKey::Passphrase(SecretString::from(HANDOVER_PASS.to_string())),
    );
    let key = || Key::Passphrase(SecretString::from(HANDOVER_PASS.to_string()));
    // Find where the second photo's bytes sit, and flip one inside them: age's
    // 64 KiB pieces are each authenticated, so the piece holding it fails.
    let case = Case::open(&path, key()).unwrap();
    let exhibit = case
        .exhibits
        .iter()
        .find(|x| x.mark == "AB/2")
        .unwrap()
        .clone();
    let member = case.original_path(&exhibit).unwrap();
    let (offset, size) = case.member_range(&member).unwrap();
    drop(case);
    let mut bytes = std::fs::read(&path).unwrap();
    // age: the header up to "--- <mac>\n", a 16-byte nonce, then pieces of 64 KiB of
    // data and a 16-byte tag each.
    let header_end = bytes.windows(4).position(|w| w == b"\n---").unwrap();
    let header_end = header_end
        + 1
        + bytes[header_end + 1..]
            .iter()
            .position(|b| *b == b'\n')
            .unwrap()
        + 1;
    let plain = offset + size / 2;
    let at = header_end as u64 + 16 + (plain / 65536) * (65536 + 16) + plain % 65536;
    let at = at as usize;
    bytes[at] ^= 0x20;
    std::fs::write(&path, &bytes).unwrap();
    match Case::open(&path, key()) {
        // The flip fell in a list read while indexing: refused at once, named.
        Err(e) => assert!(
            e.to_string().contains("member") || e.to_string().contains("altered"),
            "{e}"
        ),
        Ok(mut case) => {
            let report = case.check(&NoProgress).unwrap().clone();
            assert!(!report.passed);
            let failure = report.failure.unwrap();
            assert!(failure.contains(&member), "{failure}");
            // Reading the damaged file on demand is refused too; the other is fine.
            assert!(case.original("AB/2").is_err());
            assert_eq!(case.original("AB/1").unwrap().1, photos[0]);
        }
    }
}

#[test]
fn view_with_a_receiving_key_kept_in_the_workers_own_diary() {
    let dir = tempfile::tempdir().unwrap();
    let worker_dir = dir.path().join("worker");
    std::fs::create_dir(&worker_dir).unwrap();
    let (mut worker, _) = Vault::create(
        &worker_dir.join("diary.daybook"),
        SecretString::from("the worker's own passphrase".to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(worker.receiving_key().unwrap().is_none());
    let key = worker.make_receiving_key().unwrap();
    // Made once; asking again gives the same key.
    assert_eq!(
        worker.make_receiving_key().unwrap().to_string(),
        key.to_string()
    );
    assert!(key.to_string().starts_with("age1"));

    let sheet = daybook_core::report::key_sheet(&key, "Sam Worker").unwrap();
    let sheet_path = dir.path().join("key.pdf");
    std::fs::write(&sheet_path, &sheet).unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg(&sheet_path)
        .arg("-")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    if let Ok(text) = text {
        assert!(
            text.replace(char::is_whitespace, "")
                .contains(&key.to_string()),
            "{text}"
        );
        assert!(text.contains("Sam Worker"), "{text}");
    }

    let (path, photos) = handover(dir.path(), HandoverKey::Recipient(key));
    // The key is never a loose file: it lives sealed in the worker's diary.
    let identity = worker.receiving_identity().unwrap().unwrap();
    let mut case = Case::open(&path, Key::Identity(identity)).unwrap();
    assert!(case.check(&NoProgress).unwrap().passed);
    assert_eq!(case.original("AB/1").unwrap().1, photos[0]);
    assert!(worker.verify().unwrap().ok());
    // Locked, the key cannot be had.
    worker.lock();
    assert!(worker.receiving_identity().is_err());
}
