//! The evidence pack: a plain folder of originals for a police upload portal.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bundle_common;
use bundle_common as common;
use daybook_core::progress::NoProgress;

use std::fs;
use std::io::Read;

use common::*;
use daybook_core::bundle::pack;
use daybook_core::error::{Error, Result};
use daybook_core::evidence::Exhibit;

fn source(exhibit: &Exhibit) -> Result<Box<dyn Read>> {
    let bytes = originals()
        .into_iter()
        .find(|(mark, _, _)| *mark == exhibit.mark)
        .map(|(_, _, b)| b)
        .ok_or_else(|| Error::NoSuchExhibit(exhibit.mark.clone()))?;
    Ok(Box::new(std::io::Cursor::new(bytes)))
}

#[test]
fn a_pack_holds_originals_a_manifest_and_checksums() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pack");
    let summary = pack::write(&dir, &exhibits(), &mut source, &NoProgress).unwrap();
    assert_eq!(summary.files.len(), 3);
    assert_eq!(
        summary.skipped,
        vec![("AB/4".to_string(), "erased on 4 November 2026".to_string())]
    );
    let mut names = listing(&dir);
    names.sort();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(names.contains(&"AB-1_photo 1.jpg".to_string()));
    for (mark, name, bytes) in originals() {
        let file = dir.join(daybook_core::bundle::evidence_file_name(&mark, &name));
        assert_eq!(fs::read(file).unwrap(), bytes);
    }
    let (ok, text) = run(&dir, "sha256sum", &["--strict", "-c", "SHA256SUMS"]);
    assert!(ok, "{text}");
    assert_eq!(text.lines().count(), 4, "{text}");
    let csv = fs::read_to_string(dir.join("manifest.csv")).unwrap();
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "\u{FEFF}mark,entry_number,original_name,file_name,media_type,size_bytes,sha256,capture_time,added_at"
    );
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("AB/1,1,photo 1.jpg,AB-1_photo 1.jpg,image/jpeg,"),
        "{first}"
    );
    assert!(
        first.ends_with(",2026-11-01T20:15:00,2026-11-02T09:00:00+00:00"),
        "{first}"
    );
    assert!(first.contains(&exhibits()[0].sha256));
}

#[test]
fn a_pack_needs_an_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("x"), b"x").unwrap();
    let err = pack::write(tmp.path(), &exhibits(), &mut source, &NoProgress)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not empty"), "{err}");
    assert_eq!(listing(tmp.path()), vec!["x".to_string()]);
}

#[test]
fn a_changed_original_stops_the_pack_and_names_the_mark() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pack");
    let mut tampered = |exhibit: &Exhibit| -> Result<Box<dyn Read>> {
        let mut bytes = originals()
            .into_iter()
            .find(|(m, _, _)| *m == exhibit.mark)
            .unwrap()
            .2;
        if exhibit.mark == "AB/2" {
            bytes[10] ^= 1;
        }
        Ok(Box::new(std::io::Cursor::new(bytes)))
    };
    let err = pack::write(&dir, &exhibits(), &mut tampered, &NoProgress)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("exhibit AB/2") && err.contains("does not match"),
        "{err}"
    );
    assert!(!dir.exists(), "the half-made pack is removed");

    let mut short = |_: &Exhibit| -> Result<Box<dyn Read>> { Ok(Box::new(&b"abc"[..])) };
    fs::create_dir(&dir).unwrap();
    let err = pack::write(&dir, &exhibits(), &mut short, &NoProgress)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("exhibit AB/1") && err.contains("only 3 of its"),
        "{err}"
    );
    assert_eq!(listing(&dir), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_pack_folder_and_its_files_are_for_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pack");
    pack::write(&dir, &exhibits(), &mut source, &NoProgress).unwrap();
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    for name in listing(&dir) {
        assert_eq!(mode(&dir.join(&name)), 0o600, "{name}");
    }
}

#[test]
fn a_pack_asked_to_stop_stops_between_chunks_and_leaves_nothing() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pack");
    let flag = Arc::new(AtomicBool::new(false));
    // Asked to stop while the first original is being read.
    let stop = flag.clone();
    let mut stopping = |exhibit: &Exhibit| -> Result<Box<dyn Read>> {
        stop.store(true, Ordering::SeqCst);
        source(exhibit)
    };
    let err = daybook_core::bundle::cancel::scope(flag, || {
        pack::write(&dir, &exhibits(), &mut stopping, &NoProgress)
    })
    .unwrap_err();
    assert_eq!(err.kind(), "cancelled", "{err}");
    assert!(!dir.exists(), "nothing is left");
}
