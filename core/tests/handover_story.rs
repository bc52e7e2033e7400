//! A handover told as a story: written by Daybook, checked with GNU tar and
//! sha256sum, opened again by Daybook, and re-packed by hand with GNU tar.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bundle_common;
use bundle_common as common;

use std::fs;

use common::*;
use daybook_core::bundle::{handover, EntriesFile, Options};

#[test]
fn gnu_tar_extracts_it_and_sha256sum_accepts_it() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("handover.tar"), handover()).unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let (ok, text) = run(&out, "tar", &["-xf", "../handover.tar"]);
    assert!(ok, "{text}");
    let (ok, text) = run(&out, "sha256sum", &["--strict", "-c", "SHA256SUMS"]);
    assert!(ok, "{text}");
    assert!(!text.contains("FAILED"), "{text}");
    // Every file but SHA256SUMS is listed.
    let listed = text.lines().count();
    let files = listing(&out)
        .into_iter()
        .filter(|p| p != "evidence" && p != "SHA256SUMS")
        .count();
    assert_eq!(listed, files, "{text}");
    for (mark, name, bytes) in originals() {
        let file = out
            .join("evidence")
            .join(daybook_core::bundle::evidence_file_name(&mark, &name));
        assert_eq!(fs::read(&file).unwrap(), bytes, "{}", file.display());
    }
    assert!(out.join("evidence/AB-1_photo 1.jpg").exists());
    let readme = fs::read_to_string(out.join("README.txt")).unwrap();
    assert!(readme.contains("sha256sum -c SHA256SUMS"));
    assert!(readme.contains("age -d"));
    // Headers are deterministic: no owner names, mode 0644, time = created_at.
    let (ok, text) = run(
        tmp.path(),
        "tar",
        &["--numeric-owner", "--full-time", "-tvf", "handover.tar"],
    );
    assert!(ok, "{text}");
    for line in text.lines() {
        assert!(line.starts_with("-rw-r--r-- 0/0"), "{line}");
        assert!(
            line.contains("2026-11-20 18:30:00") || line.contains("2026-11-20"),
            "{line}"
        );
    }
}

#[test]
fn the_same_input_makes_the_same_bytes() {
    assert_eq!(handover(), handover());
}

#[test]
fn daybook_opens_what_it_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("opened");
    let opened = handover::open(&handover()[..], &target).unwrap();
    assert_eq!(opened.entries, records());
    assert_eq!(opened.exhibits, exhibits());
    assert_eq!(opened.manifest.entries, 3);
    assert_eq!(opened.manifest.exhibits, 4);
    assert_eq!(opened.manifest.fingerprint, "fp-1234");
    assert_eq!(opened.manifest.date_from.unwrap().to_string(), "2026-11-01");
    assert_eq!(opened.manifest.date_to.unwrap().to_string(), "2026-11-05");
    assert!(!opened.manifest.redacted_witnesses);
    for (exhibit, (_, _, bytes)) in opened.exhibits.iter().zip(originals()) {
        let path = opened.original_path(exhibit).unwrap();
        assert!(path.starts_with(&opened.dir));
        assert_eq!(fs::read(path).unwrap(), bytes);
    }
    assert!(
        opened.original_path(&opened.exhibits[3]).is_none(),
        "erased has no original"
    );
    assert_eq!(fs::read(opened.report_path().unwrap()).unwrap(), PDF);
    // Nothing temporary is left behind.
    let files = listing(&target);
    assert!(
        files.iter().all(|f| !f.contains("daybook-partial")),
        "{files:?}"
    );
    assert_eq!(files.len(), 10, "{files:?}");
    // The folder must be empty or new.
    let err = handover::open(&handover()[..], &target)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not empty"), "{err}");
}

#[test]
fn verify_reports_what_it_checked() {
    let report = handover::verify(&handover()[..]).unwrap();
    assert!(report.passed, "{report}");
    let text = report.to_string();
    assert!(
        text.contains("every tar header passes its checksum"),
        "{text}"
    );
    assert!(text.contains("Each of the 3 originals"), "{text}");
    assert!(text.contains("All checks passed"), "{text}");
    assert_eq!(report.files.len(), 9);
}

fn repack_with_gnu_tar(args: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("handover.tar"), handover()).unwrap();
    let folder = tmp.path().join("folder");
    fs::create_dir(&folder).unwrap();
    let (ok, text) = run(&folder, "tar", &["-xf", "../handover.tar"]);
    assert!(ok, "{text}");
    let mut full = vec!["-cf", "../byhand.tar"];
    full.extend_from_slice(args);
    let (ok, text) = run(&folder, "tar", &full);
    assert!(ok, "{text}");
    let bytes = fs::read(tmp.path().join("byhand.tar")).unwrap();
    let target = tmp.path().join("opened");
    let opened =
        handover::open(&bytes[..], &target).unwrap_or_else(|e| panic!("tar {args:?}: {e}"));
    assert_eq!(opened.entries, records());
    assert_eq!(opened.files.len(), 9);
}

#[test]
fn an_archive_made_by_hand_with_gnu_tar_opens() {
    // GNU format (the default): ./ prefix, directory entries, ././@LongLink long names,
    // 10 KiB record padding.
    repack_with_gnu_tar(&["."]);
    // POSIX pax format: PaxHeaders members with times and UTF-8 paths.
    repack_with_gnu_tar(&["--format=posix", "."]);
    // Old-style ustar can't hold the long name; list the files without ./ instead.
    repack_with_gnu_tar(&[
        "--format=gnu",
        "README.txt",
        "manifest.json",
        "SHA256SUMS",
        "entries.json",
        "entries.csv",
        "report.pdf",
        "evidence",
    ]);
}

#[test]
fn witnesses_can_be_withheld() {
    let bytes = handover_with(&Options {
        redact_witnesses: true,
    });
    let tmp = tempfile::tempdir().unwrap();
    let opened = handover::open(&bytes[..], &tmp.path().join("o")).unwrap();
    assert!(opened.manifest.redacted_witnesses);
    for record in &opened.entries {
        if let Some(i) = &record.entry.incident {
            assert_eq!(i.witnesses, "[left out of this copy]");
        }
        for r in &record.revisions {
            assert_eq!(r.incident.witnesses, "[left out of this copy]");
        }
    }
    let csv = fs::read_to_string(opened.dir.join("entries.csv")).unwrap();
    assert!(!csv.contains("Jane Doe"));
    assert!(csv.contains("[left out of this copy]"));
    let json = fs::read_to_string(opened.dir.join("entries.json")).unwrap();
    assert!(!json.contains("Jane Doe"));
    assert!(
        EntriesFile::from_json(json.as_bytes())
            .unwrap()
            .redacted_witnesses
    );
    let readme = fs::read_to_string(opened.dir.join("README.txt")).unwrap();
    assert!(readme.contains("withheld"));
}

/// A small RFC 4180 reader, to check the table's shape.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\n') => panic!("bare LF outside quotes"),
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "last line must end in CRLF"
    );
    rows
}

#[test]
fn entries_csv_has_one_row_per_entry_and_defuses_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let opened = handover::open(&handover()[..], &tmp.path().join("o")).unwrap();
    let text = fs::read_to_string(opened.dir.join("entries.csv")).unwrap();
    let text = text.strip_prefix('\u{FEFF}').unwrap();
    let rows = parse_csv(text);
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r.len() == 29), "{rows:?}");
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows[1][col("number")], "1");
    assert_eq!(
        rows[1][col("occurred_start_local")],
        "2026-11-01T20:15:00+00:00"
    );
    assert_eq!(rows[1][col("behaviours")], "following;contacting");
    assert_eq!(rows[1][col("who")], "'=cmd|' /C calc'!A0");
    assert_eq!(rows[1][col("channel_detail")], "'+44 7700 900123");
    assert_eq!(rows[1][col("exhibits")], "AB/1;AB/3");
    assert!(rows[1][col("description")].contains("\"I know where you are\".\nThen again."));
    assert_eq!(rows[2][col("status")], "withdrawn");
    assert_eq!(rows[2][col("occurred_start_local")], "2026-11-05");
    assert_eq!(rows[2][col("withdrawn_reason")], "'-wrong person, sorry");
    assert_eq!(rows[3][col("status")], "erased");
    assert_eq!(rows[3][col("description")], "");
    assert_eq!(rows[3][col("recorded_at")], "2026-11-07T10:00:00+00:00");
}

#[test]
fn an_original_that_belongs_to_no_exhibit_is_refused() {
    let mut w = handover::Writer::new(Vec::new(), created_at());
    w.add_bytes("evidence/AB-9_planted.jpg", b"planted")
        .unwrap();
    w.add_entries(&records(), &exhibits(), &Options::default())
        .unwrap();
    let (bytes, _) = w
        .finish(handover::Details {
            fingerprint: String::new(),
            daybook_version: String::new(),
        })
        .unwrap();
    let report = handover::verify(&bytes[..]).unwrap();
    let failure = report.failure.unwrap();
    assert!(
        failure.contains("'evidence/AB-9_planted.jpg': the handover was refused because it does not match the size and SHA-256 recorded for any exhibit"),
        "{failure}"
    );
    assert_eq!(report.checked.len(), 5, "{:?}", report.checked);
}

#[test]
fn the_writer_refuses_bad_sources() {
    let mut w = handover::Writer::new(Vec::new(), created_at());
    let err = w
        .add_stream("evidence/AB-1_x", 10, &b"short"[..])
        .unwrap_err()
        .to_string();
    assert!(err.contains("gave only 5 of its 10 bytes"), "{err}");
    let err = w.add_bytes("report.pdf", b"x").unwrap_err().to_string();
    assert!(err.contains("cannot be continued"), "{err}");

    let mut w = handover::Writer::new(Vec::new(), created_at());
    let err = w
        .add_stream("report.pdf", 2, &b"long"[..])
        .unwrap_err()
        .to_string();
    assert!(err.contains("more than its 2 bytes"), "{err}");

    let mut w = handover::Writer::new(Vec::new(), created_at());
    assert!(w
        .add_bytes("../evil", b"x")
        .unwrap_err()
        .to_string()
        .contains(".."));
    assert!(w.add_bytes("manifest.json", b"x").is_err());
    w.add_bytes("report.pdf", b"x").unwrap();
    assert!(w
        .add_bytes("REPORT.pdf", b"x")
        .unwrap_err()
        .to_string()
        .contains("twice"));
    let err = w
        .finish(handover::Details {
            fingerprint: String::new(),
            daybook_version: String::new(),
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("no entries.json"), "{err}");

    let mut w = handover::Writer::new(Vec::new(), created_at());
    let exhibit = &exhibits()[0];
    let err = w
        .add_exhibit(
            exhibit,
            &b"\xff\xd8\xff\xe0 not really a jpeG"[..],
            daybook_core::evidence::Check::Hash,
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("exhibit AB/1") && err.contains("does not match"),
        "{err}"
    );
    let err = w
        .add_exhibit(
            &exhibits()[3],
            &b"0123456789"[..],
            daybook_core::evidence::Check::Sealed,
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("erased"), "{err}");
}

#[cfg(unix)]
#[test]
fn an_opened_handover_is_for_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("opened");
    let opened = handover::open(&handover()[..], &target).unwrap();
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&opened.dir), 0o700);
    for exhibit in &opened.exhibits {
        if let Some(path) = opened.original_path(exhibit) {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
    }
    assert_eq!(mode(&opened.report_path().unwrap()), 0o600);
}
