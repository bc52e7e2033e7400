//! Viewing a handover writes nothing readable anywhere: not beside the handover, not
//! in the temporary directory. Alone in its file, so that pointing TMPDIR at a folder
//! of its own cannot catch another test's files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;
use std::path::Path;

use daybook_core::bundle::handover::Case;
use daybook_core::bundle::sealed::Key;
use daybook_core::incident::{Incident, Occurred};
use daybook_core::progress::NoProgress;
use daybook_core::vault::{CreateOptions, HandoverKey, HandoverOptions, Vault};
use daybook_core::SecretString;

const HANDOVER_PASS: &str = "tulip-harbour-candle-meadow-river";

fn jpeg(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(300, 200, |x, y| {
        let n = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)).wrapping_add(seed as u32 * 97);
        image::Rgb([(n >> 3) as u8, (n >> 11) as u8, (n >> 19) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

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
    let when = Occurred::parse("2026-10-01 20:15", None, false, "Europe/London").unwrap();
    let n = vault
        .add(Incident::new(when, "He was waiting outside my work"))
        .unwrap();
    let mut photos = Vec::new();
    for i in 0..2u8 {
        let photo = jpeg(i + 1);
        let path = dir.join(format!("photo-{i}.jpg"));
        std::fs::write(&path, &photo).unwrap();
        vault.attach(n, &path, "taken on my phone").unwrap();
        std::fs::remove_file(&path).unwrap();
        photos.push(photo);
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

#[test]
fn viewing_a_handover_writes_nothing_readable_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    // Anything written to a temporary directory while viewing lands where we look.
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    std::env::set_var("TMPDIR", &tmp);
    let made = dir.path().join("made");
    std::fs::create_dir(&made).unwrap();
    let (path, photos) = handover(
        &made,
        HandoverKey::Passphrase(SecretString::from(HANDOVER_PASS.to_string())),
    );
    let viewing = dir.path().join("viewing");
    std::fs::create_dir(&viewing).unwrap();
    let moved = viewing.join("case.age");
    std::fs::rename(&path, &moved).unwrap();
    let before: Vec<_> = std::fs::read_dir(&viewing).unwrap().collect();

    let mut case = Case::open(
        &moved,
        Key::Passphrase(SecretString::from(HANDOVER_PASS.to_string())),
    )
    .unwrap();
    assert!(case.check(&NoProgress).unwrap().passed);
    for mark in ["AB/1", "AB/2"] {
        assert!(case.thumbnail(mark).unwrap().is_some());
        case.original(mark).unwrap();
    }
    case.read("report.pdf").unwrap();
    drop(case);

    // Nothing new beside the handover, and nothing in the temporary directory.
    assert_eq!(std::fs::read_dir(&viewing).unwrap().count(), before.len());
    let mut leftovers = Vec::new();
    for entry in walk(&tmp) {
        let bytes = std::fs::read(&entry).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        if text.contains("waiting outside my work")
            || photos
                .iter()
                .any(|p| bytes.windows(64).any(|w| w == &p[100..164]))
        {
            leftovers.push(entry);
        }
    }
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(walk(&tmp).len(), 0, "files were left in TMPDIR");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
