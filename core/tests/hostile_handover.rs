//! Hostile and damaged handovers: each is refused with a message naming what is wrong,
//! and nothing is left behind, inside or outside the chosen folder.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bundle_common;
use bundle_common as common;
mod seed;

use std::fs;
use std::path::Path;

use common::*;
use daybook_core::bundle::archive::{padding, END_MARKER};
use daybook_core::bundle::handover;
use seed::{one_per_block, Rng};
use tar::{EntryType, Header};

/// The members of a valid handover, in order: (name, data).
fn members() -> Vec<(Vec<u8>, Vec<u8>)> {
    let bytes = handover();
    let mut archive = tar::Archive::new(&bytes[..]);
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path_bytes().into_owned();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut data).unwrap();
            (name, data)
        })
        .collect()
}

/// One raw member, its name written byte for byte into the header (so `..` and
/// absolute paths get through), with a correct checksum.
fn raw(name: &[u8], kind: EntryType, data: &[u8], link: Option<&[u8]>) -> Vec<u8> {
    let mut h = Header::new_gnu();
    {
        let old = h.as_old_mut();
        old.name[..name.len()].copy_from_slice(name);
        if let Some(link) = link {
            old.linkname[..link.len()].copy_from_slice(link);
        }
    }
    h.set_entry_type(kind);
    h.set_mode(0o644);
    h.set_mtime(1_700_000_000);
    h.set_size(data.len() as u64);
    h.set_cksum();
    let mut out = h.as_bytes().to_vec();
    out.extend_from_slice(data);
    out.resize(out.len() + padding(data.len() as u64), 0);
    out
}

fn file(name: &[u8], data: &[u8]) -> Vec<u8> {
    if name.len() <= 100 {
        return raw(name, EntryType::Regular, data, None);
    }
    // GNU long name, as GNU tar writes it.
    let mut long = name.to_vec();
    long.push(0);
    let mut out = raw(b"././@LongLink", EntryType::GNULongName, &long, None);
    out.extend(raw(&name[..100], EntryType::Regular, data, None));
    out
}

fn assemble(parts: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut out: Vec<u8> = parts.into_iter().flatten().collect();
    out.extend_from_slice(&END_MARKER);
    out
}

fn valid_parts() -> Vec<Vec<u8>> {
    members().iter().map(|(n, d)| file(n, d)).collect()
}

/// Opens `bytes` into a new folder and into an existing empty one; both must be
/// refused with `expected` in the message and leave the parent exactly as it was.
fn refused(bytes: &[u8], expected: &[&str]) -> String {
    let parent = tempfile::tempdir().unwrap();
    fs::write(parent.path().join("keep.txt"), b"keep").unwrap();
    let before = listing(parent.path());
    let err = handover::open(bytes, &parent.path().join("target"))
        .unwrap_err()
        .to_string();
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert_eq!(listing(parent.path()), before, "{err}");
    fs::create_dir(parent.path().join("target")).unwrap();
    let err2 = handover::open(bytes, &parent.path().join("target"))
        .unwrap_err()
        .to_string();
    assert_eq!(err, err2);
    assert_eq!(
        listing(parent.path()),
        vec!["keep.txt".to_string(), "target".to_string()]
    );
    assert_no_escape(parent.path());
    let report = handover::verify(bytes).unwrap();
    assert!(!report.passed);
    assert_eq!(report.failure.as_deref(), Some(err.as_str()));
    err
}

fn assert_no_escape(parent: &Path) {
    for p in ["evil", "etc/evil"] {
        assert!(!parent.join(p).exists());
    }
    assert!(!Path::new("/tmp/evil").exists());
}

#[test]
fn the_valid_parts_reassemble_into_an_accepted_handover() {
    let bytes = assemble(valid_parts());
    assert!(handover::verify(&bytes[..]).unwrap().passed);
}

#[test]
fn fail_dot_dot() {
    let mut parts = vec![raw(b"../evil", EntryType::Regular, b"x", None)];
    parts.extend(valid_parts());
    refused(&assemble(parts), &["'../evil'", "'..'"]);
    let mut parts = valid_parts();
    parts.insert(
        2,
        raw(b"evidence/../../evil", EntryType::Regular, b"x", None),
    );
    refused(
        &assemble(parts),
        &["'evidence/../../evil'", "outside the chosen folder"],
    );
}

#[test]
fn fail_absolute_path() {
    let mut parts = valid_parts();
    parts.insert(1, raw(b"/tmp/evil", EntryType::Regular, b"x", None));
    refused(&assemble(parts), &["'/tmp/evil'", "absolute path"]);
}

#[test]
fn fail_links_and_devices() {
    for (name, kind, link, why) in [
        (
            &b"evidence/AB-9_link"[..],
            EntryType::Symlink,
            Some(&b"/etc/passwd"[..]),
            "symbolic link",
        ),
        (
            b"evidence/AB-9_hard",
            EntryType::Link,
            Some(b"README.txt"),
            "hard link",
        ),
        (b"tty", EntryType::Char, None, "character device"),
        (b"disk", EntryType::Block, None, "block device"),
        (b"pipe", EntryType::Fifo, None, "named pipe"),
    ] {
        let mut parts = valid_parts();
        parts.insert(1, raw(name, kind, b"", link));
        refused(
            &assemble(parts),
            &[&format!("'{}'", String::from_utf8_lossy(name)), why],
        );
    }
}

#[test]
fn fail_duplicate_name() {
    let mut parts = valid_parts();
    let first = parts[0].clone();
    parts.insert(3, first);
    refused(&assemble(parts), &["appears twice"]);
    // Differing only in case collides on Windows and macOS.
    let m = members();
    let i = evidence_index(&m, "AB-1");
    let (name, data) = &m[i];
    let upper = [&b"evidence/"[..], &name[9..].to_ascii_uppercase()].concat();
    let mut parts = valid_parts();
    parts.insert(0, file(&upper, data));
    refused(&assemble(parts), &["appears twice"]);
}

fn evidence_index(m: &[(Vec<u8>, Vec<u8>)], mark: &str) -> usize {
    m.iter()
        .position(|(n, _)| n.starts_with(format!("evidence/{mark}_").as_bytes()))
        .unwrap()
}

#[test]
fn fail_member_larger_than_declared() {
    let m = members();
    let i = evidence_index(&m, "AB-1");
    let mut parts = valid_parts();
    let mut data = m[i].1.clone();
    data.extend_from_slice(b" and more");
    parts[i] = file(&m[i].0, &data);
    refused(
        &assemble(parts.clone()),
        &[
            "'evidence/AB-1_photo 1.jpg'",
            "larger than manifest.json declares",
        ],
    );
    // With the lists first (as a hand-made archive may order them), it is refused
    // before a byte of the member is written.
    let lists: Vec<usize> = m
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| n == b"manifest.json" || n == b"SHA256SUMS")
        .map(|(i, _)| i)
        .collect();
    let mut reordered: Vec<Vec<u8>> = lists.iter().map(|i| parts[*i].clone()).collect();
    reordered.extend(
        parts
            .iter()
            .enumerate()
            .filter(|(j, _)| !lists.contains(j))
            .map(|(_, p)| p.clone()),
    );
    refused(
        &assemble(reordered),
        &[
            "'evidence/AB-1_photo 1.jpg'",
            "larger than manifest.json declares",
        ],
    );
}

#[test]
fn fail_missing_file() {
    let m = members();
    let i = evidence_index(&m, "AB-3");
    let mut parts = valid_parts();
    parts.remove(i);
    refused(
        &assemble(parts),
        &["'evidence/AB-3_voicemail.m4a'", "missing"],
    );
    let j = m.iter().position(|(n, _)| n == b"entries.json").unwrap();
    let mut parts = valid_parts();
    parts.remove(j);
    refused(&assemble(parts), &["'entries.json'", "missing"]);
    let k = m.iter().position(|(n, _)| n == b"SHA256SUMS").unwrap();
    let mut parts = valid_parts();
    parts.remove(k);
    refused(
        &assemble(parts),
        &["'SHA256SUMS': the handover was refused: it is missing"],
    );
}

#[test]
fn fail_altered_byte_names_the_file() {
    let m = members();
    for mark in ["AB-1", "AB-2"] {
        let i = evidence_index(&m, mark);
        let mut data = m[i].1.clone();
        data[3] ^= 0x01;
        let mut parts = valid_parts();
        parts[i] = file(&m[i].0, &data);
        let name = String::from_utf8(m[i].0.clone()).unwrap();
        refused(
            &assemble(parts),
            &[&format!("'{name}'"), "altered or damaged"],
        );
    }
}

#[test]
fn fail_not_in_manifest() {
    let mut parts = valid_parts();
    parts.insert(
        1,
        raw(
            b"evidence/AB-9_extra.jpg",
            EntryType::Regular,
            b"extra",
            None,
        ),
    );
    refused(
        &assemble(parts),
        &["'evidence/AB-9_extra.jpg'", "not listed"],
    );
}

#[test]
fn fail_truncated_anywhere() {
    let bytes = handover();
    let len = bytes.len();
    for cut in [
        0,
        1,
        100,
        511,
        512,
        513,
        700,
        1024,
        len / 2,
        len - 1025,
        len - 1024,
        len - 600,
        len - 512,
        len - 1,
    ] {
        let err = refused(&bytes[..cut], &["truncated"]);
        assert!(err.contains("damaged"), "{cut}: {err}");
    }
}

#[test]
fn fail_trailing_garbage() {
    let mut bytes = handover();
    bytes.extend_from_slice(b"garbage");
    refused(&bytes, &["extra data after its end-of-archive marker"]);
    let mut bytes = handover();
    bytes.extend_from_slice(&[0u8; 9000]);
    assert!(
        handover::verify(&bytes[..]).unwrap().passed,
        "zero record padding is fine"
    );
    bytes.push(1);
    refused(&bytes, &["extra data"]);
}

#[test]
fn fail_long_names_that_escape() {
    // A pax path with '..' behind an innocent ustar name.
    let record = b"19 path=../../evil\n";
    let mut parts = vec![raw(b"PaxHeaders/x", EntryType::XHeader, record, None)];
    parts.push(raw(b"innocent.txt", EntryType::Regular, b"x", None));
    parts.extend(valid_parts());
    refused(&assemble(parts), &["'../../evil'", "'..'"]);
    // A GNU long name with an absolute path.
    let mut parts = vec![raw(
        b"././@LongLink",
        EntryType::GNULongName,
        b"/tmp/evil\0",
        None,
    )];
    parts.push(raw(b"innocent.txt", EntryType::Regular, b"x", None));
    parts.extend(valid_parts());
    refused(&assemble(parts), &["'/tmp/evil'", "absolute"]);
    // A name with terminal control characters is shown escaped.
    let mut parts = vec![raw(b"evil\x1b[2J.txt", EntryType::Regular, b"x", None)];
    parts.extend(valid_parts());
    let err = refused(&assemble(parts), &["\\u{1b}"]);
    assert!(!err.contains('\x1b'));
}

/// Every region of the archive, each run: one byte of every 512-byte tar block
/// (header, data, padding and end blocks alike), plus its first and last byte,
/// each XORed with a random non-zero byte. Header bytes fail the checksum (whose own
/// field must be canonical), data fails SHA-256, padding and end blocks must be
/// zero, lists are cross-checked. The byte within each block changes from run to
/// run; the seed is printed and `DAYBOOK_SEED` replays it.
#[test]
fn a_flipped_byte_in_every_block_is_detected() {
    let bytes = handover();
    let mut rng = Rng::for_test("a_flipped_byte_in_every_block_is_detected");
    let mut offsets = one_per_block(&mut rng, bytes.len(), 512);
    offsets.extend([0, bytes.len() - 1]);
    assert!(
        offsets.len() > bytes.len() / 512,
        "{} offsets for {} bytes",
        offsets.len(),
        bytes.len()
    );
    let mut passed = Vec::new();
    for &offset in &offsets {
        let mut damaged = bytes.clone();
        let flip = rng.flip();
        damaged[offset] ^= flip;
        let report = handover::verify(&damaged[..]).unwrap();
        if report.passed {
            passed.push((offset, flip));
        }
    }
    assert!(
        passed.is_empty(),
        "undetected flips (offset, xor) of {} tried: {passed:?}",
        offsets.len()
    );
}

/// Every byte of the archive, each flipped: the exhaustive form of the test above
/// (a minute or more in a debug build). `make reliability` runs it.
#[test]
#[ignore = "long: make reliability"]
fn every_flipped_byte_is_detected() {
    let bytes = handover();
    let mut rng = Rng::for_test("every_flipped_byte_is_detected");
    let mut passed = Vec::new();
    for offset in 0..bytes.len() {
        let mut damaged = bytes.clone();
        let flip = rng.flip();
        damaged[offset] ^= flip;
        let report = handover::verify(&damaged[..]).unwrap();
        if report.passed {
            passed.push((offset, flip));
        }
    }
    assert!(
        passed.is_empty(),
        "undetected flips (offset, xor): {passed:?}"
    );
}

#[test]
fn a_flipped_byte_leaves_nothing_behind_when_opening() {
    let bytes = handover();
    let mut rng = Rng::for_test("a_flipped_byte_leaves_nothing_behind_when_opening");
    for _ in 0..60 {
        let offset = rng.below(bytes.len());
        let mut damaged = bytes.clone();
        damaged[offset] ^= rng.flip();
        let parent = tempfile::tempdir().unwrap();
        let err = handover::open(&damaged[..], &parent.path().join("t")).unwrap_err();
        assert_eq!(
            listing(parent.path()),
            Vec::<String>::new(),
            "{offset}: {err}"
        );
    }
}

/// The valid members with manifest.json edited and SHA256SUMS updated to match, as
/// a careful forger (or a newer Daybook) would make them.
fn with_manifest(edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let mut m = members();
    let i = m.iter().position(|(n, _)| n == b"manifest.json").unwrap();
    let mut value: serde_json::Value = serde_json::from_slice(&m[i].1).unwrap();
    edit(&mut value);
    let old = sha(&m[i].1);
    m[i].1 = serde_json::to_vec_pretty(&value).unwrap();
    let new = sha(&m[i].1);
    let j = m.iter().position(|(n, _)| n == b"SHA256SUMS").unwrap();
    m[j].1 = String::from_utf8(m[j].1.clone())
        .unwrap()
        .replace(&old, &new)
        .into_bytes();
    assemble(m.iter().map(|(n, d)| file(n, d)))
}

#[test]
fn fail_newer_format_and_inconsistent_counts() {
    let ok = with_manifest(|_| {});
    assert!(handover::verify(&ok[..]).unwrap().passed);
    refused(
        &with_manifest(|v| v["format_version"] = 2.into()),
        &["newer Daybook"],
    );
    refused(
        &with_manifest(|v| v["format"] = "zip".into()),
        &["not a Daybook handover"],
    );
    refused(
        &with_manifest(|v| v["entries"] = 7.into()),
        &["'entries.json': the handover was refused: it holds 3 entries"],
    );
    refused(
        &with_manifest(|v| v["files"]["../evil"] = v["files"]["README.txt"].clone()),
        &[
            "'manifest.json': the handover was refused: it lists a bad path",
            "'..'",
        ],
    );
}

#[test]
fn fail_manifest_and_sums_disagree() {
    // manifest.json altered without updating SHA256SUMS.
    let mut m = members();
    let i = m.iter().position(|(n, _)| n == b"manifest.json").unwrap();
    m[i].1 = String::from_utf8(m[i].1.clone())
        .unwrap()
        .replace("fp-1234", "fp-9999")
        .into_bytes();
    refused(
        &assemble(m.iter().map(|(n, d)| file(n, d))),
        &["'manifest.json': the handover was refused: it does not match its SHA-256 in SHA256SUMS"],
    );
}
