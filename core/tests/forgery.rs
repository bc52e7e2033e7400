//! Someone with the diary file but not the passphrase, the documented format, `sqlite3`
//! and the `age` tool (here: rusqlite and `crypto::seal` to the stored public key,
//! which is what `age -r age1…` does) tries to remove or forge evidence. Each attack
//! must be refused or named: never accepted as good, never silently shown.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use chrono::{Duration, Utc};
use daybook_core::crypto::{self, Recipient};
use daybook_core::incident::{Incident, Occurred};
use daybook_core::report;
use daybook_core::vault::{CreateOptions, HandoverKey, HandoverOptions, Vault};
use daybook_core::{Error, SecretString};
use rusqlite::{params, Connection};
use serde_json::json;

const PASS: &str = "correct horse battery staple";

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

fn incident(text: &str) -> Incident {
    Incident::new(
        Occurred::parse("2026-11-01 20:15", None, false, "Europe/London").unwrap(),
        text,
    )
}

/// A small JPEG whose colour depends on `shade`.
fn jpeg(shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(96, 64, |x, y| {
        image::Rgb([shade, (x * 2) as u8, (y * 3) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

fn options() -> CreateOptions {
    CreateOptions {
        scrypt_log_n: Some(10),
        initials: Some("AB".into()),
        ..Default::default()
    }
}

/// A closed diary: entry 1 with photos AB/1 and AB/2, entry 2 amended once.
fn diary(dir: &Path) -> PathBuf {
    let path = dir.join("diary.daybook");
    let (mut vault, _) = Vault::create(&path, secret(PASS), options()).unwrap();
    vault
        .add(incident(
            "He was waiting by my car and said 'you can't hide'",
        ))
        .unwrap();
    vault.add(incident("Twelve calls before eight")).unwrap();
    vault
        .amend(2, incident("Fourteen calls before eight"))
        .unwrap();
    for (i, shade) in [(1, 40u8), (2, 200u8)] {
        let photo = dir.join(format!("photo{i}.jpg"));
        std::fs::write(&photo, jpeg(shade)).unwrap();
        vault.attach(1, &photo, "photo I took").unwrap();
    }
    let report = vault.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    drop(vault);
    path
}

fn unlocked(path: &Path) -> Vault {
    let mut v = Vault::open(path).unwrap();
    v.unlock(&secret(PASS)).unwrap();
    v
}

fn sql(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

/// Seals JSON to the diary's stored public key, as `age -r "$(sqlite3 … recipient)"`.
fn forge(conn: &Connection, envelope: &serde_json::Value) -> Vec<u8> {
    let recipient: Vec<u8> = conn
        .query_row("SELECT value FROM meta WHERE name = 'recipient'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let recipient = Recipient::parse(std::str::from_utf8(&recipient).unwrap()).unwrap();
    crypto::seal(&recipient, envelope.to_string().as_bytes())
        .unwrap()
        .into_bytes()
}

fn exhibit_id(conn: &Connection, sequence: i64) -> String {
    conn.query_row(
        "SELECT id FROM exhibits WHERE sequence = ?1",
        [sequence],
        |r| r.get(0),
    )
    .unwrap()
}

fn is_tampered<T: std::fmt::Debug>(result: daybook_core::Result<T>) -> String {
    match result {
        Err(e @ Error::Tampered { .. }) => e.to_string(),
        other => panic!("expected a tampered error, got {other:?}"),
    }
}

/// Every export refuses, saying why.
fn every_export_refuses(vault: &mut Vault, dir: &Path) -> String {
    let why = exports_with_previews_refuse(vault, dir);
    let pack = dir.join("pack");
    is_tampered(vault.write_evidence_pack(&pack, None, None, &report::NoProgress));
    why
}

/// The report and the handover (which holds the report) refuse.
fn exports_with_previews_refuse(vault: &mut Vault, dir: &Path) -> String {
    let pdf = dir.join("report.pdf");
    let why =
        is_tampered(vault.write_report(&pdf, &report::Options::default(), &report::NoProgress));
    assert!(!pdf.exists(), "a refused report leaves no file");
    let handover = dir.join("handover.age");
    is_tampered(vault.write_handover(
        &handover,
        &HandoverOptions {
            from: None,
            to: None,
            redact_witnesses: false,
            include_withdrawn: true,
            key: HandoverKey::Passphrase(secret("a handover passphrase")),
            include_private_notes: false,
            given_to: String::new(),
        },
        &report::NoProgress,
    ));
    assert!(!handover.exists());
    why
}

fn failure(vault: &mut Vault) -> daybook_core::vault::verify::Failure {
    let report = vault.verify().unwrap();
    report
        .failure
        .unwrap_or_else(|| panic!("verify passed: {:?}", report.checked))
}

#[test]
fn removing_an_exhibits_rows_is_named_and_stops_every_export() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    {
        let conn = sql(&path);
        let id = exhibit_id(&conn, 2);
        conn.execute("DELETE FROM thumbnails WHERE exhibit_id = ?1", [&id])
            .unwrap();
        conn.execute("DELETE FROM exhibit_chunks WHERE exhibit_id = ?1", [&id])
            .unwrap();
        conn.execute("DELETE FROM exhibits WHERE id = ?1", [&id])
            .unwrap();
    }
    let mut vault = unlocked(&path);
    let why = is_tampered(vault.exhibits(None));
    assert!(why.contains("AB/2"), "{why}");
    let why = every_export_refuses(&mut vault, dir.path());
    assert!(why.contains("AB/2") && why.contains("verify"), "{why}");
    let f = failure(&mut vault);
    assert_eq!(f.exhibit.as_deref(), Some("AB/2"), "{f:?}");
    assert_eq!(f.entry, Some(1));
    assert!(f.message.contains("missing"), "{f:?}");
}

#[test]
fn moving_an_exhibit_to_another_entry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    sql(&path)
        .execute(
            "UPDATE exhibits SET entry_number = 2 WHERE sequence = 2",
            [],
        )
        .unwrap();
    let mut vault = unlocked(&path);
    let why = every_export_refuses(&mut vault, dir.path());
    assert!(why.contains("AB/2"), "{why}");
    let f = failure(&mut vault);
    assert_eq!(f.exhibit.as_deref(), Some("AB/2"), "{f:?}");
}

#[test]
fn a_thumbnail_sealed_to_the_public_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    {
        let conn = sql(&path);
        let id = exhibit_id(&conn, 1);
        let substitute = base64::engine::general_purpose::STANDARD.encode(jpeg(120));
        let forged = forge(
            &conn,
            &json!({"v": 1, "table": "thumbnails", "id": id,
                    "body": {"width": 96, "height": 64, "jpeg_base64": substitute}}),
        );
        conn.execute(
            "UPDATE thumbnails SET payload = ?2 WHERE exhibit_id = ?1",
            params![id, forged],
        )
        .unwrap();
    }
    let mut vault = unlocked(&path);
    let why = is_tampered(vault.thumbnail("AB/1"));
    assert!(why.contains("not authenticated"), "{why}");
    // The evidence pack holds originals only (proven as they are read), not previews.
    exports_with_previews_refuse(&mut vault, dir.path());
    let f = failure(&mut vault);
    assert_eq!(f.exhibit.as_deref(), Some("AB/1"), "{f:?}");
}

#[test]
fn an_authentic_thumbnail_of_another_exhibit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    {
        // Swap both previews' rows (each stays an authentic record of its own place).
        let conn = sql(&path);
        let (a, b) = (exhibit_id(&conn, 1), exhibit_id(&conn, 2));
        conn.execute_batch(&format!(
            "UPDATE thumbnails SET exhibit_id = 'x' WHERE exhibit_id = '{a}';
             UPDATE thumbnails SET exhibit_id = '{a}' WHERE exhibit_id = '{b}';
             UPDATE thumbnails SET exhibit_id = '{b}' WHERE exhibit_id = 'x';"
        ))
        .unwrap();
    }
    let mut vault = unlocked(&path);
    assert!(vault.thumbnail("AB/1").is_err());
    let f = failure(&mut vault);
    assert!(f.exhibit.is_some(), "{f:?}");
}

#[test]
fn a_removed_thumbnail_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    sql(&path)
        .execute("DELETE FROM thumbnails WHERE exhibit_id = (SELECT id FROM exhibits WHERE sequence = 1)", [])
        .unwrap();
    let mut vault = unlocked(&path);
    let why = is_tampered(vault.thumbnail("AB/1"));
    assert!(why.contains("preview is missing"), "{why}");
    is_tampered(vault.write_report(
        &dir.path().join("r.pdf"),
        &report::Options::default(),
        &report::NoProgress,
    ));
    let f = failure(&mut vault);
    assert_eq!(f.exhibit.as_deref(), Some("AB/1"), "{f:?}");
}

/// Writes a quick note as an attacker would: a number, and a `created` change sealed
/// to the public key in the inbox.
fn forge_note(path: &Path, recorded_at: chrono::DateTime<Utc>, while_locked: bool) -> i64 {
    let conn = sql(path);
    let entry_id = "f00d".repeat(8);
    conn.execute("INSERT INTO entries(id) VALUES (?1)", [&entry_id])
        .unwrap();
    let number = conn.last_insert_rowid();
    let inbox_id = "beef".repeat(8);
    let occurred = incident("x").occurred;
    let forged = forge(
        &conn,
        &json!({"v": 1, "table": "inbox", "id": inbox_id,
                "body": {"kind": "created", "entry_id": entry_id, "number": number,
                         "recorded_at": recorded_at, "written_while_locked": while_locked,
                         "incident": Incident::new(occurred, "He came to the door at night")}}),
    );
    conn.execute(
        "INSERT INTO inbox(id, entry_number, payload) VALUES (?1, ?2, ?3)",
        params![inbox_id, number, forged],
    )
    .unwrap();
    number
}

#[test]
fn a_backdated_quick_note_is_held_apart_never_chained() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    let number = forge_note(&path, Utc::now() - Duration::days(400), false) as u64;
    let mut vault = unlocked(&path);
    assert!(
        !vault.entries().unwrap().iter().any(|e| e.number == number),
        "a backdated note must not become an entry"
    );
    let held = vault.held_notes().unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].entry_number, number);
    assert!(
        held[0].reason.contains("before the diary's last change"),
        "{held:?}"
    );
    assert_eq!(
        held[0].description.as_deref(),
        Some("He came to the door at night")
    );
    // The diary still checks out and says a note is held; exports still run.
    let report = vault.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    assert!(
        report.checked.iter().any(|c| c.contains("held apart")),
        "{:?}",
        report.checked
    );
    vault.check_against_chain().unwrap();

    // Kept at the person's word: chained as written while locked, the doubt on record.
    let id = held[0].id.clone();
    assert_eq!(vault.keep_held_note(&id).unwrap(), number);
    let entry = vault.entry(number).unwrap();
    assert!(entry.written_while_locked);
    assert!(
        entry.held.as_deref().unwrap().contains("before"),
        "{entry:?}"
    );
    assert!(vault.held_notes().unwrap().is_empty());
    assert!(vault.verify().unwrap().ok());
}

#[test]
fn a_quick_note_is_always_marked_as_written_while_locked() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    // In range (after the last change, not in the future), but claims to have been
    // written while unlocked.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let number = forge_note(&path, Utc::now(), false) as u64;
    let before = Utc::now();
    let mut vault = unlocked(&path);
    let entry = vault.entry(number).unwrap();
    assert!(entry.written_while_locked, "{entry:?}");
    assert!(entry.held.is_none());
    let history = vault.history(number).unwrap();
    assert!(history[0].written_while_locked);
    // The moment it was taken in is on record too.
    let changes = vault.changes(number).unwrap();
    assert!(changes[0].0 >= before - Duration::seconds(1), "{changes:?}");
    assert!(vault.verify().unwrap().ok());
}

#[test]
fn a_note_that_cannot_be_opened_never_locks_the_person_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    {
        let conn = sql(&path);
        conn.execute("INSERT INTO entries(id) VALUES ('e1')", [])
            .unwrap();
        let n1 = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO inbox(id, entry_number, payload) VALUES ('bad1', ?1, x'00112233')",
            [n1],
        )
        .unwrap();
        // Sealed to another key entirely.
        let other = crypto::Identity::generate().recipient();
        let sealed = crypto::seal(&other, b"{}").unwrap().into_bytes();
        conn.execute("INSERT INTO entries(id) VALUES ('e2')", [])
            .unwrap();
        let n2 = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO inbox(id, entry_number, payload) VALUES ('bad2', ?1, ?2)",
            params![n2, sealed],
        )
        .unwrap();
    }
    let mut vault = unlocked(&path);
    assert_eq!(vault.entries().unwrap().len(), 2);
    let held = vault.held_notes().unwrap();
    assert_eq!(held.len(), 2, "{held:?}");
    assert!(held.iter().all(|h| h.reason.contains("cannot be opened")));
    assert!(vault.keep_held_note("bad1").is_err());
    vault.discard_held_note("bad1").unwrap();
    vault.discard_held_note("bad2").unwrap();
    assert!(vault.held_notes().unwrap().is_empty());
    assert!(vault.verify().unwrap().ok());
    vault.check_against_chain().unwrap();
    // The next real entry gets a new number, never a discarded one.
    assert_eq!(vault.add(incident("next")).unwrap(), 5);
}

#[test]
fn forged_settings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    {
        let conn = sql(&path);
        let forged = forge(
            &conn,
            &json!({"v": 1, "table": "meta", "id": "settings",
                    "body": {"initials": "AB", "auto_lock_minutes": 4294967295u32,
                             "backup_dir": "/tmp/somewhere-else"}}),
        );
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE name = 'settings'",
            [forged],
        )
        .unwrap();
    }
    let mut vault = unlocked(&path);
    let why = is_tampered(vault.settings());
    assert!(why.contains("settings"), "{why}");
    let f = failure(&mut vault);
    assert!(f.message.contains("the settings"), "{f:?}");
}

#[test]
fn a_forged_index_page_is_refused_by_reads_exports_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    {
        let conn = sql(&path);
        let version: i64 = conn
            .query_row("SELECT version FROM index_pages WHERE page = 0", [], |r| {
                r.get(0)
            })
            .unwrap();
        let forged = forge(
            &conn,
            &json!({"v": 1, "table": "index_pages", "id": "0",
                    "body": {"version": version, "entries": []}}),
        );
        conn.execute(
            "UPDATE index_pages SET payload = ?1 WHERE page = 0",
            [forged],
        )
        .unwrap();
    }
    let mut vault = unlocked(&path);
    is_tampered(vault.entries());
    every_export_refuses(&mut vault, dir.path());
    let f = failure(&mut vault);
    assert!(f.message.contains("index"), "{f:?}");
}

#[test]
fn an_index_page_rolled_back_to_an_older_authentic_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    let (old_version, old_payload): (i64, Vec<u8>) = sql(&path)
        .query_row(
            "SELECT version, payload FROM index_pages WHERE page = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    {
        let mut vault = unlocked(&path);
        vault.withdraw(2, "I wrote this one twice").unwrap();
    }
    sql(&path)
        .execute(
            "UPDATE index_pages SET version = ?1, payload = ?2 WHERE page = 0",
            params![old_version, old_payload],
        )
        .unwrap();
    let mut vault = unlocked(&path);
    let why = is_tampered(vault.entries());
    assert!(why.contains("older copy"), "{why}");
    every_export_refuses(&mut vault, dir.path());
    assert!(!vault.verify().unwrap().ok());
}

#[test]
fn a_rewritten_chain_with_a_forged_head_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    {
        // Replace the whole chain's end: a forged head that names one change fewer,
        // with the last change removed (all in the documented format).
        let conn = sql(&path);
        let seq: i64 = conn
            .query_row("SELECT max(seq) FROM events", [], |r| r.get(0))
            .unwrap();
        conn.execute("DELETE FROM events WHERE seq = ?1", [seq])
            .unwrap();
        let forged = forge(
            &conn,
            &json!({"v": 1, "table": "meta", "id": "head",
                    "body": {"seq": seq - 1, "link": "00".repeat(32)}}),
        );
        conn.execute("UPDATE meta SET value = ?1 WHERE name = 'head'", [forged])
            .unwrap();
    }
    let mut vault = Vault::open(&path).unwrap();
    // Unlocking still works (the key is intact), but nothing reads as good.
    vault.unlock(&secret(PASS)).unwrap();
    is_tampered(vault.entries());
    assert!(vault.fingerprint().is_err());
    assert!(!vault.verify().unwrap().ok());
}

#[test]
fn a_forged_change_is_refused_even_with_a_correct_link() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    {
        // Replace entry 1's first wording by a forged one, sealed to the public key
        // with the same id, seq and prev (copied from the genuine envelope's plain
        // columns and the documented chain): the tag is what is missing.
        let conn = sql(&path);
        let (seq, id): (i64, String) = conn
            .query_row(
                "SELECT seq, id FROM events WHERE entry_number = 1 ORDER BY seq LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let forged = forge(
            &conn,
            &json!({"v": 1, "table": "events", "id": id, "seq": seq, "entry": 1,
                    "prev": "00", "body_sha256": "00", "body": null}),
        );
        conn.execute(
            "UPDATE events SET payload = ?2 WHERE seq = ?1",
            params![seq, forged],
        )
        .unwrap();
    }
    let mut vault = unlocked(&path);
    let f = failure(&mut vault);
    assert_eq!(f.entry, Some(1), "{f:?}");
    assert!(f.message.contains("not authenticated"), "{f:?}");
}

#[test]
fn verify_of_a_copy_leaves_it_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = diary(dir.path());
    // A note waiting in the inbox: a read-only check must not take it in.
    {
        let mut locked = Vault::open(&path).unwrap();
        locked.add(incident("written while locked")).unwrap();
    }
    let copies = tempfile::tempdir().unwrap();
    let copy = copies.path().join("kept-as-evidence.daybook");
    std::fs::copy(&path, &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let files = || {
        let mut names: Vec<_> = std::fs::read_dir(copies.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let listing = files();

    let mut vault = Vault::open_read_only(&copy).unwrap();
    let info = vault.info().unwrap();
    assert_eq!(info.waiting, 1);
    vault.unlock(&secret(PASS)).unwrap();
    let report = vault.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    assert!(
        report.checked.iter().any(|c| c.contains("waiting")),
        "{:?}",
        report.checked
    );
    assert!(
        vault.add(incident("no")).is_err(),
        "a read-only diary takes no entry"
    );
    let backup = dir.path().join("backup.daybook");
    vault.backup(&backup).unwrap();
    drop(vault);
    assert_eq!(std::fs::read(&copy).unwrap(), before, "the copy changed");
    assert_eq!(files(), listing, "files appeared beside the copy");
    // And the backup made from it is a whole diary.
    let mut restored = Vault::open_read_only(&backup).unwrap();
    restored.unlock(&secret(PASS)).unwrap();
    assert!(restored.verify().unwrap().ok());
}

/// A diary written as Daybook 0.1 wrote them: no record is authenticated.
fn legacy_diary(path: &Path) -> (Vault, SecretString) {
    Vault::create(
        path,
        secret(PASS),
        CreateOptions {
            unauthenticated_for_tests: true,
            ..options()
        },
    )
    .unwrap()
}

#[test]
fn an_older_diary_is_upgraded_at_its_first_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.daybook");
    let recovery;
    {
        // Written as Daybook 0.1 wrote diaries: no record is authenticated.
        let (mut vault, code) = legacy_diary(&path);
        recovery = code;
        vault.add(incident("first")).unwrap();
        vault.amend(1, incident("first, amended")).unwrap();
        let photo = dir.path().join("p.jpg");
        std::fs::write(&photo, jpeg(10)).unwrap();
        vault.attach(1, &photo, "mine").unwrap();
        vault
            .draft_save("new-entry", &json!({"what": "half a sentence"}))
            .unwrap();
        let mut settings = vault.settings().unwrap();
        settings.keeper_name = "Jane".into();
        vault.save_settings(&settings).unwrap();
        vault.lock();
        vault.add(incident("a quick note")).unwrap();
    }
    // Before the upgrade: a read-only check passes and says it is not yet upgraded;
    // every record is untagged.
    {
        let mut v = Vault::open_read_only(&path).unwrap();
        v.unlock(&secret(PASS)).unwrap();
        let report = v.verify().unwrap();
        assert!(report.ok(), "{report:?}");
        assert!(report.checked.iter().any(|c| c.contains("earlier Daybook")));
    }
    let mut vault = unlocked(&path);
    assert_eq!(vault.entries().unwrap().len(), 2);
    assert_eq!(vault.exhibits(None).unwrap().len(), 1);
    assert!(vault.thumbnail("AB/1").unwrap().is_some());
    assert_eq!(vault.settings().unwrap().keeper_name, "Jane");
    assert!(vault.draft_load("new-entry").unwrap().is_some());
    let report = vault.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    assert!(!report.checked.iter().any(|c| c.contains("earlier Daybook")));
    vault.check_against_chain().unwrap();
    drop(vault);

    // From now on an untagged record is tampering.
    {
        let conn = sql(&path);
        let forged = forge(
            &conn,
            &json!({"v": 1, "table": "meta", "id": "settings", "body": {"initials": "ZZ"}}),
        );
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE name = 'settings'",
            [forged],
        )
        .unwrap();
    }
    let vault = unlocked(&path);
    is_tampered(vault.settings());
    drop(vault);

    // The recovery code's copy of the key was not re-sealed (the code was not at
    // hand), yet unlocking with it does not treat the diary as old again.
    let mut vault = Vault::open(&path).unwrap();
    vault
        .recover(&recovery, secret("a new passphrase here"))
        .unwrap();
    is_tampered(vault.settings());
    drop(vault);
    let mut vault = Vault::open(&path).unwrap();
    vault.unlock(&secret("a new passphrase here")).unwrap();
    is_tampered(vault.settings());
}

#[test]
fn restoring_the_untagged_records_of_an_upgraded_diary_is_refused() {
    // Keep a copy of the diary as it was before the upgrade, then after the upgrade
    // put its untagged records back: the marker in the key says they must be tagged.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.daybook");
    {
        let (mut vault, _) = legacy_diary(&path);
        vault.add(incident("first")).unwrap();
    }
    let old_head: Vec<u8> = sql(&path)
        .query_row("SELECT value FROM meta WHERE name = 'head'", [], |r| {
            r.get(0)
        })
        .unwrap();
    drop(unlocked(&path)); // the upgrade
    sql(&path)
        .execute("UPDATE meta SET value = ?1 WHERE name = 'head'", [old_head])
        .unwrap();
    let mut vault = unlocked(&path);
    assert!(vault.fingerprint().is_err());
    assert!(!vault.verify().unwrap().ok());
}
