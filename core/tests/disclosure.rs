//! Safe to hand over: a diary whose entries, earlier wordings, imported messages, file
//! names and photo positions hold things that must not leave it (a new address, a
//! child's school, a home position, private notes). Every output — the report, the
//! statement, the handover (its report, entries.json, entries.csv, messages) and the
//! evidence pack — holds none of them, in any case or split across lines; the counts
//! match the preview; private notes go out only when chosen; the custody log records
//! each export in the chain and `verify` checks it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use daybook_core::bundle::handover::Case;
use daybook_core::bundle::sealed::Key;
use daybook_core::disclosure::{Place, KEPT_OUT};
use daybook_core::incident::{Incident, Occurred};
use daybook_core::progress::NoProgress;
use daybook_core::report;
use daybook_core::vault::{
    CreateOptions, HandoverKey, HandoverOptions, ImportChoice, PackOptions, Selection,
    StatementOptions, Vault,
};
use daybook_core::SecretString;

const HANDOVER_PASS: &str = "tulip-harbour-candle-meadow-river";
/// Each kept-out phrase, and forms of it that must not get out either.
const SECRETS: &[&str] = &[
    "14 Elm Road",
    "14 elm road",
    "Oakfield Primary",
    "OAKFIELD PRIMARY",
    "my sister told him",
];

fn pdftotext(path: &Path) -> Option<String> {
    let out = Command::new("pdftotext").arg(path).arg("-").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Text with every run of white space made one space, lower case: a phrase split
/// across lines by a PDF's layout is still found.
fn squash(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn assert_clean(what: &str, text: &str) {
    let squashed = squash(text);
    for secret in SECRETS {
        assert!(
            !squashed.contains(&secret.to_lowercase()),
            "{what} gives away '{secret}':\n{text}"
        );
    }
}

fn photos() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/photos");
    dir.join("gps-DSCN0010.jpg").is_file().then_some(dir)
}

fn diary(dir: &Path) -> Vault {
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
    let mut settings = vault.settings().unwrap();
    settings.keeper_name = "Jo Example".into();
    settings.keep_out = vec!["14 Elm Road".into(), "Oakfield Primary".into()];
    settings.zone = "Europe/London".into();
    vault.save_settings(&settings).unwrap();

    let when = Occurred::parse("2026-07-14 21:40", None, false, "Europe/London").unwrap();
    let mut first = Incident::new(
        when,
        "He waited at 14 elm\nroad and shouted that he knows about OAKFIELD   Primary.",
    );
    first.location = "Outside 14 Elm Road".into();
    first.private_note = "I think my sister told him".into();
    let n = vault.add(first.clone()).unwrap();
    // An amendment: the earlier wording (with the address) stays in the history.
    let mut amended = first;
    amended.description = "He waited outside my new home and shouted.".into();
    vault.amend(n, amended).unwrap();
    let note = dir.join("letter from Oakfield Primary.txt");
    std::fs::write(&note, "Dear parent, Oakfield Primary will close early.").unwrap();
    vault
        .attach(n, &note, "school letter at 14 Elm Road")
        .unwrap();
    if let Some(photos) = photos() {
        vault
            .attach(n, &photos.join("gps-DSCN0010.jpg"), "photo from my window")
            .unwrap();
        let mut settings = vault.settings().unwrap();
        settings.keep_out_places = vec![Place {
            lat: 43.4674,
            lon: 11.8851,
            radius_m: 300.0,
        }];
        vault.save_settings(&settings).unwrap();
    }
    let chat = dir.join("chat.txt");
    std::fs::write(
        &chat,
        "15/07/2026, 07:12 - Mark: I saw you at Oakfield Primary\n15/07/2026, 07:13 - Mark: and at 14 Elm Road\n",
    )
    .unwrap();
    vault
        .import_messages(
            &chat,
            &ImportChoice {
                people: vec!["Mark".into()],
                ..Default::default()
            },
            &NoProgress,
        )
        .unwrap();
    vault
}

#[test]
fn nothing_kept_out_leaves_the_diary() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = diary(dir.path());
    let with_photo = photos().is_some();

    let preview = vault.disclosure_preview(&Selection::default()).unwrap();
    assert_eq!(preview.entries, vec![1, 2]);
    assert_eq!(preview.private_notes_excluded, 1);
    // The earlier wording's description and location, the current location, the
    // exhibit's name and how it was obtained, and the two messages (the export's own
    // file name holds nothing).
    assert_eq!(preview.kept_out["description"], 2, "{preview:?}");
    assert_eq!(preview.kept_out["location"], 2, "{preview:?}");
    assert_eq!(preview.kept_out["messages"], 2, "{preview:?}");
    assert_eq!(preview.kept_out["exhibit name"], 1, "{preview:?}");
    assert_eq!(preview.kept_out["how obtained"], 1, "{preview:?}");
    // The letter's own text names the school; the photo was taken near home.
    assert!(preview.flagged_exhibits.contains(&"AB/1".to_string()));
    if with_photo {
        assert!(preview.flagged_exhibits.contains(&"AB/2".to_string()));
        assert_eq!(preview.positions_left_out, 1);
    }

    // The report.
    let report_path = dir.path().join("report.pdf");
    vault
        .write_report(&report_path, &report::Options::default(), &NoProgress)
        .unwrap();
    if let Some(text) = pdftotext(&report_path) {
        assert_clean("the report", &text);
        assert!(text.contains(KEPT_OUT), "{text}");
        assert!(
            !text.contains("43.467"),
            "the home position is in the report"
        );
    }

    // The statement.
    let statement = dir.path().join("statement.pdf");
    let text_out = dir.path().join("statement.txt");
    vault
        .write_statement(
            &statement,
            &StatementOptions {
                text_out: Some(text_out.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    let text = std::fs::read_to_string(&text_out).unwrap();
    assert_clean("the statement's text", &text);
    assert!(text.contains("true to the best of my knowledge and belief"));
    assert!(text.contains("I produce the file"), "{text}");
    assert!(text.contains("as exhibit AB/1."), "{text}");
    if let Some(pdf) = pdftotext(&statement) {
        assert_clean("the statement", &pdf);
        let pages = pdf.matches('\u{c}').count().max(1);
        for n in 1..=pages {
            assert!(pdf.contains(&format!("page {n} of {pages}")), "{pdf}");
        }
        assert!(
            pdf.contains(&format!("consisting of {pages} page(s)")),
            "{pdf}"
        );
        assert!(pdf.contains("Signature"));
    }

    // The handover: its report, entries.json, entries.csv and messages.
    let handover = dir.path().join("handover.age");
    vault
        .write_handover(
            &handover,
            &HandoverOptions {
                from: None,
                to: None,
                redact_witnesses: false,
                include_withdrawn: true,
                key: HandoverKey::Passphrase(SecretString::from(HANDOVER_PASS.to_string())),
                include_private_notes: false,
                given_to: "PC 1234 Smith".into(),
            },
            &NoProgress,
        )
        .unwrap();
    let mut case = Case::open(
        &handover,
        Key::Passphrase(SecretString::from(HANDOVER_PASS.to_string())),
    )
    .unwrap();
    assert!(case.check(&NoProgress).unwrap().passed);
    for file in [
        "entries.json",
        "entries.csv",
        "messages.json",
        "messages.csv",
    ] {
        let bytes = case.read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        // JSON writes a line break inside a string as \n.
        assert_clean(file, &text.replace("\\n", " "));
    }
    let handed_report = dir.path().join("handed.pdf");
    case.save("report.pdf", &handed_report).unwrap();
    if let Some(text) = pdftotext(&handed_report) {
        assert_clean("the handover's report", &text);
    }
    // The originals themselves are never altered: the letter still says what it says.
    let (_, letter) = case.original("AB/1").unwrap();
    assert!(String::from_utf8_lossy(&letter).contains("Oakfield Primary"));

    // The evidence pack's own lists.
    let pack = dir.path().join("pack");
    vault
        .write_evidence_pack_with(&pack, &PackOptions::default(), &NoProgress)
        .unwrap();
    for entry in std::fs::read_dir(&pack).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".csv") || name.ends_with(".json") || name == "SHA256SUMS" {
            let text = std::fs::read_to_string(&path).unwrap();
            assert_clean(&name, &text.replace("\\n", " "));
        }
    }

    // Every export is in the custody log, in the chain, and verify checks it.
    let log = vault.custody().unwrap();
    let kinds: Vec<&str> = log.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec!["report", "statement", "handover", "evidence_pack"]
    );
    let handed = &log[2];
    assert_eq!(handed.given_to, "PC 1234 Smith");
    assert!(handed.exhibits.iter().any(|(mark, _)| mark == "AB/1"));
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(&handover).unwrap()))
    };
    assert_eq!(handed.output_sha256.as_deref(), Some(sha.as_str()));
    let report = vault.verify().unwrap();
    assert!(report.ok(), "{report:?}");
}

#[test]
fn private_notes_go_out_only_when_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = diary(dir.path());
    let with = dir.path().join("with.pdf");
    vault
        .write_report(
            &with,
            &report::Options {
                include_private_notes: true,
                ..Default::default()
            },
            &NoProgress,
        )
        .unwrap();
    let without = dir.path().join("without.pdf");
    vault
        .write_report(&without, &report::Options::default(), &NoProgress)
        .unwrap();
    if let (Some(with), Some(without)) = (pdftotext(&with), pdftotext(&without)) {
        assert!(squash(&with).contains("my sister told him"), "{with}");
        assert!(!squash(&without).contains("my sister told him"));
    }
    let preview = vault
        .disclosure_preview(&Selection {
            include_private_notes: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(preview.private_notes_excluded, 0);
}

#[test]
fn a_statement_with_no_entries_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = diary(dir.path());
    let out = dir.path().join("statement.pdf");
    let day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
    let err = vault
        .write_statement(
            &out,
            &StatementOptions {
                selection: Selection {
                    from: day,
                    to: day,
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("no entries"), "{err}");
    assert!(!out.exists());
    assert!(vault.custody().unwrap().is_empty());
}

#[test]
fn a_custody_record_altered_in_the_file_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = diary(dir.path());
    vault
        .write_report(
            &dir.path().join("report.pdf"),
            &report::Options {
                given_to: "DC 77 Patel".into(),
                ..Default::default()
            },
            &NoProgress,
        )
        .unwrap();
    assert_eq!(vault.custody().unwrap()[0].given_to, "DC 77 Patel");
    let path = dir.path().join("diary.daybook");
    drop(vault);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (seq, mut payload): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT seq, payload FROM events WHERE entry_number IS NULL ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let at = payload.len() / 2;
    payload[at] ^= 0x04;
    conn.execute(
        "UPDATE events SET payload = ?1 WHERE seq = ?2",
        rusqlite::params![payload, seq],
    )
    .unwrap();
    drop(conn);
    let mut vault = Vault::open(&path).unwrap();
    vault
        .unlock(&SecretString::from("a long enough passphrase".to_string()))
        .unwrap();
    let report = vault.verify().unwrap();
    let failure = report.failure.expect("the altered custody record is found");
    assert!(
        failure.message.contains(&format!("change {seq}")),
        "{}",
        failure.message
    );
    assert!(vault.custody().is_err());
}

#[test]
fn the_keep_out_list_cannot_be_removed_or_rolled_back_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let vault = diary(dir.path());
    let path = dir.path().join("diary.daybook");
    drop(vault);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let older: Vec<u8> = conn
        .query_row("SELECT value FROM meta WHERE name = 'settings'", [], |r| {
            r.get(0)
        })
        .unwrap();
    drop(conn);
    // A later save (one more phrase) makes `older` an authentic but older copy.
    {
        let mut vault = Vault::open(&path).unwrap();
        vault
            .unlock(&SecretString::from("a long enough passphrase".to_string()))
            .unwrap();
        let mut settings = vault.settings().unwrap();
        settings.keep_out.push("Willow Crescent".into());
        vault.save_settings(&settings).unwrap();
    }
    let unlock = || {
        let mut vault = Vault::open(&path).unwrap();
        vault
            .unlock(&SecretString::from("a long enough passphrase".to_string()))
            .unwrap();
        vault
    };
    let conn = rusqlite::Connection::open(&path).unwrap();
    let current: Vec<u8> = conn
        .query_row("SELECT value FROM meta WHERE name = 'settings'", [], |r| {
            r.get(0)
        })
        .unwrap();
    // Put back the older list: refused, and no report is made from it.
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE name = 'settings'",
        [&older],
    )
    .unwrap();
    let mut vault = unlock();
    let err = vault.settings().unwrap_err();
    assert_eq!(err.kind(), "tampered", "{err}");
    let out = dir.path().join("report.pdf");
    assert!(vault
        .write_report(&out, &report::Options::default(), &NoProgress)
        .is_err());
    assert!(!out.exists());
    assert!(!vault.verify().unwrap().ok());
    drop(vault);
    // Removed altogether: refused too.
    conn.execute("DELETE FROM meta WHERE name = 'settings'", [])
        .unwrap();
    let vault = unlock();
    assert!(vault
        .settings()
        .unwrap_err()
        .to_string()
        .contains("removed"));
    drop(vault);
    // Put back as saved: everything reads again.
    conn.execute(
        "INSERT INTO meta(name, value) VALUES ('settings', ?1)",
        [&current],
    )
    .unwrap();
    let mut vault = unlock();
    assert!(vault
        .settings()
        .unwrap()
        .keep_out
        .contains(&"Willow Crescent".to_string()));
    assert!(vault.verify().unwrap().ok());
}
