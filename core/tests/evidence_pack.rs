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

#[test]
fn a_batched_pack_obeys_the_portal_limits() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pack");
    let exhibits = exhibits();
    let standing: Vec<&Exhibit> = exhibits.iter().filter(|x| x.erased_at.is_none()).collect();
    // The largest original is too large; the rest go two to a folder.
    let largest = standing.iter().map(|x| x.size).max().unwrap();
    let limit = pack::Batching {
        files: 2,
        bytes: largest - 1,
    };
    let describe = |x: &Exhibit| format!("entry {} (a short description)", x.entry_number);
    let summary = pack::write_batched(
        &dir,
        &exhibits,
        &[],
        &mut source,
        &NoProgress,
        Some((limit, &describe)),
    )
    .unwrap();
    let too_large: Vec<&str> = summary.too_large.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(too_large.len(), 1, "{summary:?}");
    assert!(dir.join("too-large.csv").is_file());
    let copied = standing.len() - 1;
    assert_eq!(summary.files.len(), copied);
    assert_eq!(summary.batches.len(), copied.div_ceil(2));
    for batch in &summary.batches {
        let folder = dir.join(batch);
        let originals: Vec<String> = fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "captions.csv" && n != "index.pdf")
            .collect();
        assert!(
            !originals.is_empty() && originals.len() <= 2,
            "{originals:?}"
        );
        for name in &originals {
            assert!(fs::metadata(folder.join(name)).unwrap().len() <= limit.bytes);
        }
        // Each caption's SHA-256 is the file's, as sha256sum reads it.
        let captions = fs::read_to_string(folder.join("captions.csv")).unwrap();
        let (ok, sums) = run(
            &folder,
            "sha256sum",
            &originals.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert!(ok, "{sums}");
        for line in sums.lines() {
            let sha = line.split_whitespace().next().unwrap();
            assert!(captions.contains(sha), "{sha} not in {captions}");
        }
        assert!(captions.contains("a short description"), "{captions}");
        let (ok, text) = run(&folder, "pdftotext", &["index.pdf", "-"]);
        if ok {
            for name in &originals {
                let mark = name.split('_').next().unwrap().replace('-', "/");
                assert!(text.contains(&mark), "{mark} not in the index:\n{text}");
            }
        }
    }
    // One SHA256SUMS at the top covers every file in every folder.
    let (ok, text) = run(&dir, "sha256sum", &["--strict", "-c", "SHA256SUMS"]);
    assert!(ok, "{text}");
    assert!(text.contains("batch-01/"), "{text}");

    // No batch can be empty.
    let err = pack::write_batched(
        &tmp.path().join("other"),
        &exhibits,
        &[],
        &mut source,
        &NoProgress,
        Some((pack::Batching { files: 0, bytes: 1 }, &describe)),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("batch"));
    assert!(!tmp.path().join("other").exists());
}
