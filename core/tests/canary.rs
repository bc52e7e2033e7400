//! Nothing readable at rest: distinctive strings typed into every kind of field, into
//! drafts, settings, evidence names and contents, the passphrase and the recovery
//! code must not appear in any file Daybook leaves on disk (the vault, its -wal and
//! -shm, or anything else in the folder or in TMPDIR), as UTF-8 or UTF-16LE, while
//! the vault is open and after it is closed.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use daybook_core::incident::{Incident, Occurred};
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::{ExposeSecret, SecretString};

const PASS: &str = "CANARY-pass-horse-battery";

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Which of `needles` occur in `haystack`, in one pass: a table keyed by each
/// needle's first two bytes picks the few places worth comparing in full. (Looking
/// for each needle with `windows` took over 40 s in an unoptimised test build.)
fn found_in(haystack: &[u8], needles: &[Vec<u8>]) -> Vec<bool> {
    let mut found = vec![false; needles.len()];
    let mut by_start: Vec<Vec<usize>> = vec![Vec::new(); 1 << 16];
    for (k, needle) in needles.iter().enumerate() {
        match needle.len() {
            0 => {}
            1 => found[k] = haystack.contains(&needle[0]),
            _ => by_start[usize::from(needle[0]) << 8 | usize::from(needle[1])].push(k),
        }
    }
    for (i, pair) in haystack.windows(2).enumerate() {
        let candidates = &by_start[usize::from(pair[0]) << 8 | usize::from(pair[1])];
        for &k in candidates {
            if haystack[i..].starts_with(&needles[k]) {
                found[k] = true;
            }
        }
    }
    found
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every (canary, file, encoding) found. Case does not matter (ASCII case is folded
/// on both sides).
fn scan(dir: &Path, canaries: &[String]) -> (Vec<String>, usize) {
    let mut files = Vec::new();
    all_files(dir, &mut files);
    // Each canary in lower case, as UTF-8 and as UTF-16LE.
    let mut needles = Vec::new();
    let mut names = Vec::new();
    for canary in canaries {
        let canary = canary.to_lowercase();
        needles.push(canary.as_bytes().to_vec());
        names.push((canary.clone(), "UTF-8"));
        needles.push(utf16le(&canary));
        names.push((canary, "UTF-16LE"));
    }
    let mut found = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap().to_ascii_lowercase();
        for (k, hit) in found_in(&bytes, &needles).into_iter().enumerate() {
            if hit {
                let (canary, encoding) = &names[k];
                found.push(format!("{canary} in {} ({encoding})", file.display()));
            }
        }
    }
    (found, files.len())
}

#[test]
fn the_scanner_finds_what_it_looks_for() {
    // Not under TMPDIR: the other test points TMPDIR into the folder it scans.
    let tmp = tempfile::Builder::new()
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    std::fs::write(tmp.path().join("a"), b"xx CANARY-desc-7f3a yy").unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    std::fs::write(tmp.path().join("sub/b"), utf16le("14/07/2026 Zebedee")).unwrap();
    let (found, files) = scan(
        tmp.path(),
        &[
            "canary-DESC-7f3a".to_string(),
            "14/07/2026".to_string(),
            "ZEBEDEE".to_string(),
            "not there".to_string(),
        ],
    );
    assert_eq!(files, 2);
    assert_eq!(found.len(), 3, "{found:?}");
}

#[test]
fn no_canary_is_readable_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    // Anything Daybook writes to a temporary directory lands where we scan.
    let tmpdir = tmp.path().join("tmp");
    std::fs::create_dir(&tmpdir).unwrap();
    std::env::set_var("TMPDIR", &tmpdir);
    let path = tmp.path().join("diary.daybook");

    let (mut vault, code) = Vault::create(
        &path,
        SecretString::from(PASS.to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            initials: Some("QZ".into()),
            ..Default::default()
        },
    )
    .unwrap();

    let mut canaries: Vec<String> = [
        "CANARY-desc-7f3a",
        "CANARY-loc-91bc",
        "Bartholomew Quigglesworth",
        "Philomena Dunstable-Arkwright",
        "CANARY-tag-33e0",
        "CANARY-chan-0a0b",
        "CANARY-police-ref-6161",
        "CANARY-impact-5e5e",
        "CANARY-order-4d4d",
        "CANARY-amend-e4f0",
        "CANARY-locked-77aa",
        "CANARY-draft-5d21",
        "CANARY-keeper-c0de",
        "Zebedee Ravenscroft",
        "CANARY-file-9c1d",
        "CANARY-evidence-body-ab12",
        "CANARY-how-2b2b",
        "CANARY-sms-body-6e6e",
        "CANARY-whatsapp-line-8f8f",
        "Horatio Fennimore-Blythe",
        "447700900461",
        "7700 900461",
        "2026-07-14",
        "14/07/2026",
        "14 Jul 2026",
        PASS,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    canaries.push(code.expose_secret().to_string());

    let occurred = Occurred::parse("2026-07-14 21:40", None, false, "Europe/London").unwrap();
    let mut incident = Incident::new(
        occurred.clone(),
        "CANARY-desc-7f3a: on 2026-07-14 (14/07/2026) he said he would wait.",
    );
    incident.location = "CANARY-loc-91bc, Elm Road".into();
    incident.who = "Bartholomew Quigglesworth".into();
    incident.witnesses = "Philomena Dunstable-Arkwright, 07700 900123".into();
    incident.tags = vec!["CANARY-tag-33e0".into()];
    incident.channel_detail = "CANARY-chan-0a0b".into();
    incident.police.reference = "CANARY-police-ref-6161".into();
    incident.impact.notes = "CANARY-impact-5e5e".into();
    incident.order_breached = "CANARY-order-4d4d".into();
    let n = vault.add(incident.clone()).unwrap();
    for i in 0..20 {
        vault
            .add(Incident::new(
                occurred.clone(),
                format!("filler {i}: Bartholomew Quigglesworth again"),
            ))
            .unwrap();
    }
    let mut amended = incident;
    amended.description = "CANARY-amend-e4f0 and CANARY-desc-7f3a".into();
    vault.amend(n, amended).unwrap();
    vault
        .attach_reader(
            n,
            &mut &b"CANARY-evidence-body-ab12 plain text evidence"[..],
            "CANARY-file-9c1d.txt",
            "CANARY-how-2b2b",
        )
        .unwrap();
    vault
        .draft_save(
            "new-entry",
            &serde_json::json!({"what": "CANARY-draft-5d21", "occurred": "2026-07-14 21:40"}),
        )
        .unwrap();
    // Imported messages: the exports themselves live elsewhere (they are plain).
    let exports = tempfile::Builder::new()
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    let sms = exports.path().join("sms.xml");
    std::fs::write(
        &sms,
        r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="2">
  <sms protocol="0" address="+44 7700 900461" date="1784061600000" type="1" subject="null" body="CANARY-sms-body-6e6e at 14/07/2026" read="1" status="-1" contact_name="Horatio Fennimore-Blythe" />
  <sms protocol="0" address="+447700900461" date="1784065200000" type="2" subject="null" body="CANARY-sms-body-6e6e reply" read="1" status="-1" contact_name="Horatio Fennimore-Blythe" />
</smses>
"#,
    )
    .unwrap();
    let chat = exports.path().join("chat.txt");
    std::fs::write(
        &chat,
        "14/07/2026, 21:40 - Horatio Fennimore-Blythe: CANARY-whatsapp-line-8f8f\n",
    )
    .unwrap();
    let choice = |who: &str| daybook_core::vault::ImportChoice {
        people: vec![who.into()],
        ..Default::default()
    };
    let progress = daybook_core::progress::NoProgress;
    let imported = vault
        .import_messages(&sms, &choice("07700 900461"), &progress)
        .unwrap();
    assert_eq!(imported.messages, 2);
    let imported = vault
        .import_messages(&chat, &choice("Horatio Fennimore-Blythe"), &progress)
        .unwrap();
    assert_eq!(imported.messages, 1);
    let mut settings = vault.settings().unwrap();
    settings.keeper_name = "CANARY-keeper-c0de".into();
    settings.responsible_name = "Zebedee Ravenscroft".into();
    vault.save_settings(&settings).unwrap();
    vault.lock();
    vault
        .add(Incident::new(occurred.clone(), "CANARY-locked-77aa"))
        .unwrap();
    vault
        .draft_save(
            "new-entry",
            &serde_json::json!({"what": "CANARY-draft-5d21 v2"}),
        )
        .unwrap();

    // While open (the -wal and -shm exist now).
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    assert!(PathBuf::from(&wal).exists(), "expected a -wal while open");
    let (found, files) = scan(tmp.path(), &canaries);
    assert!(files >= 2, "scanned only {files} files");
    assert!(found.is_empty(), "readable while open: {found:#?}");

    // Everything is really in there.
    vault.unlock(&SecretString::from(PASS.to_string())).unwrap();
    let entries = vault.entries().unwrap();
    assert_eq!(entries.len(), 24);
    assert!(entries[0]
        .incident
        .as_ref()
        .unwrap()
        .description
        .contains("CANARY-amend-e4f0"));
    assert_eq!(
        entries[23].incident.as_ref().unwrap().description,
        "CANARY-locked-77aa"
    );
    let messages = vault
        .messages(&daybook_core::message::Filter::default())
        .unwrap();
    assert_eq!(messages.len(), 3);
    assert!(messages
        .iter()
        .any(|m| m.text == "CANARY-whatsapp-line-8f8f"));
    assert_eq!(
        vault.exhibits(Some(n)).unwrap()[0].original_name,
        "CANARY-file-9c1d.txt"
    );
    assert!(vault.verify().unwrap().ok());
    let (found, _) = scan(tmp.path(), &canaries);
    assert!(found.is_empty(), "readable while unlocked: {found:#?}");

    drop(vault);
    let (found, files) = scan(tmp.path(), &canaries);
    assert!(files >= 1);
    assert!(found.is_empty(), "readable after closing: {found:#?}");
}
