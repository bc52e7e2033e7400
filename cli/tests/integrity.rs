//! From the outside, with the command line: checking a diary never changes it, a
//! quick note forged into the file is held apart and can be kept or discarded, and
//! removed evidence is named by `verify` (exit 4) and stops every export.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use common::*;

fn files_beside(path: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn verify_info_and_backup_leave_a_copy_byte_identical() {
    let d = Diary::new();
    d.add(&["--occurred", "2026-11-01 20:15", "--what", "first"]);
    d.run_locked(&[
        "add",
        "--occurred",
        "2026-11-02 08:00",
        "--what",
        "a quick note",
    ])
    .expect(0);
    let copies = tempfile::tempdir().unwrap();
    let copy = copies.path().join("kept.daybook");
    std::fs::write(&copy, d.settled_bytes()).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let listing = files_beside(&copy);

    let out = d.run(&["verify", copy.to_str().unwrap()]).expect(0);
    assert!(out.stdout.contains("Everything holds"), "{}", out.stdout);
    assert!(out.stdout.contains("waiting"), "{}", out.stdout);
    let info = Run::from_output(
        command(&copy)
            .args(["info", "--locked", "--json"])
            .output()
            .unwrap(),
    )
    .expect(0)
    .json();
    assert_eq!(info["waiting"], 1);
    let backup = d.dir.path().join("copy-of-copy.daybook");
    Run::from_output(command(&copy).arg("backup").arg(&backup).output().unwrap()).expect(0);

    assert!(std::fs::read(&copy).unwrap() == before, "the copy changed");
    assert_eq!(files_beside(&copy), listing);
}

#[test]
fn a_forged_backdated_note_is_held_and_the_person_decides() {
    let d = Diary::new();
    d.add(&["--occurred", "2026-11-01 20:15", "--what", "first"]);
    // An attacker's note: an old time, sealed to the public key alone.
    let conn = rusqlite::Connection::open(&d.path).unwrap();
    let recipient: Vec<u8> = conn
        .query_row("SELECT value FROM meta WHERE name = 'recipient'", [], |r| {
            r.get(0)
        })
        .unwrap();
    conn.execute("INSERT INTO entries(id) VALUES ('feed')", [])
        .unwrap();
    let number = conn.last_insert_rowid();
    let note = serde_json::json!({"v": 1, "table": "inbox", "id": "n1", "body": {
        "kind": "created", "entry_id": "feed", "number": number,
        "recorded_at": "2024-01-01T09:00:00Z", "written_while_locked": false,
        "incident": {"occurred": {"start": "2024-01-01T08:00:00Z", "zone": "Europe/London"},
                     "description": "backdated claim"}}});
    let plain = d.file("note.json", &note.to_string());
    let sealed = d.dir.path().join("note.age");
    let age = std::process::Command::new("age")
        .arg("-r")
        .arg(String::from_utf8(recipient).unwrap())
        .arg("-o")
        .arg(&sealed)
        .arg(&plain)
        .status();
    let Ok(status) = age else {
        eprintln!("SKIPPED: the `age` tool is not installed");
        return;
    };
    assert!(status.success());
    conn.execute(
        "INSERT INTO inbox(id, entry_number, payload) VALUES ('n1', ?1, ?2)",
        rusqlite::params![number, std::fs::read(&sealed).unwrap()],
    )
    .unwrap();
    drop(conn);

    assert_eq!(d.numbers(&[]), vec![1], "the note must not become an entry");
    let held = d.run(&["notes", "list", "--json"]).expect(0).json();
    assert_eq!(held.as_array().unwrap().len(), 1, "{held}");
    assert!(
        held[0]["reason"]
            .as_str()
            .unwrap()
            .contains("before the diary's last change"),
        "{held}"
    );
    let text = d.run(&["notes", "list"]).expect(0).stdout;
    assert!(
        text.contains("backdated claim") && text.contains("Held because"),
        "{text}"
    );
    d.run(&["verify"]).expect(0);
    d.run(&["notes", "keep", "n1"]).expect(0);
    let entries = d.list(&[]);
    assert_eq!(entries.len(), 2);
    d.run(&["verify"]).expect(0);
    let shown = d.run(&["history", &number.to_string()]).expect(0).stdout;
    assert!(shown.contains("backdated claim"), "{shown}");
}

#[test]
fn removed_evidence_is_named_and_stops_every_export() {
    let d = Diary::new();
    d.add(&["--occurred", "2026-11-01 20:15", "--what", "first"]);
    let photo = d.file("note.txt", "a screenshot, as text for this test");
    let other = d.file("other.txt", "another file");
    d.run(&["attach", "1", photo.to_str().unwrap()]).expect(0);
    d.run(&["attach", "1", other.to_str().unwrap()]).expect(0);
    let conn = rusqlite::Connection::open(&d.path).unwrap();
    conn.execute_batch(
        "DELETE FROM exhibit_chunks WHERE exhibit_id = (SELECT id FROM exhibits WHERE sequence = 2);
         DELETE FROM exhibits WHERE sequence = 2;",
    )
    .unwrap();
    drop(conn);

    let out = d.run(&["verify"]).expect(4);
    assert!(out.stdout.contains("AB/2"), "{}", out.stdout);
    let out = d.run(&["verify", "--json"]).expect(4).json();
    assert_eq!(out["failure"]["exhibit"], "AB/2");
    let pdf = d.dir.path().join("r.pdf");
    let out = d.run(&["report", pdf.to_str().unwrap()]);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("AB/2") && out.stderr.contains("verify"),
        "{}",
        out.stderr
    );
    assert!(!pdf.exists());
    let pack = d.dir.path().join("pack");
    let out = d.run(&["evidence-pack", pack.to_str().unwrap()]);
    assert_ne!(out.code, 0);
    let out = d.run(&["evidence", "list"]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("AB/2"), "{}", out.stderr);
}

#[test]
fn a_text_column_made_invalid_utf8_is_reported_as_damage() {
    // A flipped byte in the file can leave a text column (a record's id) holding
    // bytes that are not UTF-8, or a number column holding text. Either is damage
    // to the diary, named as such (exit 4), not "the diary file could not be read or
    // written" (exit 1).
    for (what, sql) in [
        (
            "an event's id",
            "UPDATE events SET id = CAST(X'61ff62' AS TEXT) WHERE seq = 1",
        ),
        (
            "an event's entry number",
            "UPDATE events SET entry_number = CAST(X'ff31' AS TEXT) WHERE seq = 1",
        ),
        (
            "an exhibit's id",
            "UPDATE exhibits SET id = CAST(X'c3' AS TEXT)",
        ),
    ] {
        let d = Diary::new();
        d.add(&["--occurred", "2026-11-01 20:15", "--what", "first"]);
        let photo = d.file("note.txt", "a small evidence file");
        d.run(&["attach", "1", photo.to_str().unwrap(), "--how", "mine"])
            .expect(0);
        let conn = rusqlite::Connection::open(&d.path).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        assert_eq!(conn.execute(sql, []).unwrap(), 1, "{what}");
        drop(conn);
        let verify = d.run(&["verify"]);
        assert_eq!(
            verify.code, 4,
            "{what}: verify\nstdout:\n{}\nstderr:\n{}",
            verify.stdout, verify.stderr
        );
        let all = format!("{}{}", verify.stdout, verify.stderr);
        assert!(
            !all.contains("could not be read or written"),
            "{what}: {all}"
        );
        for args in [&["list"][..], &["evidence", "list"], &["show", "1"]] {
            let r = d.run(args);
            assert!(
                r.code == 0 || r.code == 4,
                "{what}: {args:?} exit {}: {}",
                r.code,
                r.stderr
            );
            assert!(
                !r.stderr.contains("could not be read or written"),
                "{what}: {args:?}: {}",
                r.stderr
            );
        }
    }
}
