//! The `daybook` command line, run for real as a subprocess: fields round-trip
//! through `--json`, exit codes are the documented ones, bad input changes nothing,
//! tampering is caught, passphrases and recovery codes behave, concurrent and killed
//! writers lose nothing acknowledged, and the `sqlite3` + `age` recipe in
//! docs/vault-format.md works.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
// One seeded-randomness helper for the core and CLI tests.
#[path = "../../core/tests/seed/mod.rs"]
mod seed;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};

const ALL_FIELDS: &str = r#"{
  "occurred": "2026-07-14 21:40",
  "until": "2026-07-14 22:55",
  "approximate": true,
  "zone": "Europe/London",
  "where": "Outside 14 Elm Road, Leeds",
  "what": "He stood at the gate and said \"I'll always find you\". Zażółć gęślą jaźń.",
  "behaviours": ["watching", "loitering", "threats"],
  "channel": "in_person",
  "channel_detail": "grey Ford Focus, reg YX19 ABC",
  "who": "Mark Example, grey North Face jacket",
  "witnesses": "Sam Neighbour, 07700 900123",
  "children_present": true,
  "police_date": "2026-07-15",
  "police_reference": "WY-2026-0714-1234",
  "police_officer": "PC 4321 Jones",
  "response": "Called 999 and stayed inside",
  "impact": "I could not sleep that night",
  "fear_of_violence": true,
  "alarm_or_distress": true,
  "daily_life": "Stopped walking the dog after dark",
  "order_breached": "Restraining order, 3 May 2026",
  "risks": ["weapons", "at_home_or_work"],
  "tags": ["gate", "night"]
}"#;

fn check_all_fields(e: &Value) {
    assert_eq!(e["status"], "active");
    assert_eq!(e["occurred"], "2026-07-14T21:40:00+01:00");
    assert_eq!(e["occurred_until"], "2026-07-14T22:55:00+01:00");
    assert_eq!(e["approximate"], true);
    assert_eq!(e["zone"], "Europe/London");
    assert_eq!(e["where"], "Outside 14 Elm Road, Leeds");
    assert_eq!(
        e["description"],
        "He stood at the gate and said \"I'll always find you\". Zażółć gęślą jaźń."
    );
    assert_eq!(e["behaviours"], json!(["loitering", "watching", "threats"]));
    let i = &e["incident"];
    assert_eq!(i["occurred"]["start"], "2026-07-14T20:40:00Z");
    assert_eq!(i["occurred"]["end"], "2026-07-14T21:55:00Z");
    assert_eq!(i["occurred"]["approximate"], true);
    assert_eq!(i["occurred"]["zone"], "Europe/London");
    assert_eq!(i["location"], "Outside 14 Elm Road, Leeds");
    assert_eq!(i["channel"], "in_person");
    assert_eq!(i["channel_detail"], "grey Ford Focus, reg YX19 ABC");
    assert_eq!(i["who"], "Mark Example, grey North Face jacket");
    assert_eq!(i["witnesses"], "Sam Neighbour, 07700 900123");
    assert_eq!(i["children_present"], true);
    assert_eq!(
        i["police"],
        json!({"date": "2026-07-15", "reference": "WY-2026-0714-1234", "officer": "PC 4321 Jones"})
    );
    assert_eq!(i["response"], "Called 999 and stayed inside");
    assert_eq!(
        i["impact"],
        json!({
            "fear_of_violence": true,
            "alarm_or_distress": true,
            "daily_life_changes": "Stopped walking the dog after dark",
            "notes": "I could not sleep that night"
        })
    );
    assert_eq!(i["order_breached"], "Restraining order, 3 May 2026");
    assert_eq!(i["risks"], json!(["weapons", "at_home_or_work"]));
    assert_eq!(i["tags"], json!(["gate", "night"]));
}

#[test]
fn every_field_round_trips_through_json() {
    let d = Diary::new();
    let file = d.file("incident.json", ALL_FIELDS);
    let n = d.add(&["--json", file.to_str().unwrap()]);
    assert_eq!(n, 1);
    let shown = d.run(&["show", "1", "--json"]).expect(0).json();
    assert_eq!(shown["number"], 1);
    check_all_fields(&shown);
    // The same through list, and after a locked add moved into the chain.
    let run = d
        .run_locked(&["add", "--json", file.to_str().unwrap(), "--json-output"])
        .expect(0);
    assert_eq!(run.json()["number"], 2);
    let listed = d.list(&[]);
    assert_eq!(listed.len(), 2);
    check_all_fields(&listed[0]);
    check_all_fields(&listed[1]);
    assert_eq!(listed[1]["written_while_locked"], true);
    assert_eq!(listed[0]["incident"], listed[1]["incident"]);
    // A flag wins over the same field in the file.
    let n = d.add(&["--json", file.to_str().unwrap(), "--who", "Someone else"]);
    let shown = d.run(&["show", &n.to_string(), "--json"]).expect(0).json();
    assert_eq!(shown["incident"]["who"], "Someone else");
    // The text form shows the fields too.
    let text = d.run(&["show", "1"]).expect(0).stdout;
    for needle in [
        "Outside 14 Elm Road",
        "WY-2026-0714-1234",
        "PC 4321 Jones",
        "Sam Neighbour",
        "Restraining order",
        "gate, night",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    d.run(&["verify"]).expect(0);
}

#[test]
fn flags_round_trip_and_amend_withdraw_erase() {
    let d = Diary::new();
    let n = d.add(&[
        "--occurred",
        "2026-11-01 20:15",
        "--zone",
        "Europe/London",
        "--where",
        "Outside work",
        "--what",
        "He was waiting by my car and said 'you can't hide'",
        "--behaviour",
        "loitering",
        "--behaviour",
        "threats",
        "--risk",
        "at_home_or_work",
        "--channel",
        "in_person",
        "--children-present",
        "no",
        "--police-date",
        "2026-11-02",
        "--police-ref",
        "REF-1",
        "--police-officer",
        "PC 1",
        "--tag",
        "car",
    ]);
    let e = d.run(&["show", &n.to_string(), "--json"]).expect(0).json();
    assert_eq!(e["occurred"], "2026-11-01T20:15:00+00:00");
    assert_eq!(e["where"], "Outside work");
    assert_eq!(e["behaviours"], json!(["loitering", "threats"]));
    assert_eq!(e["incident"]["risks"], json!(["at_home_or_work"]));
    assert_eq!(e["incident"]["children_present"], false);
    assert_eq!(e["incident"]["police"]["reference"], "REF-1");
    assert_eq!(e["incident"]["tags"], json!(["car"]));
    let recorded_at = e["recorded_at"].clone();

    d.run(&["amend", "1", "--witnesses", "Sam (colleague)"])
        .expect(0);
    d.run(&["amend", "1", "--what", "Third wording"]).expect(0);
    let h = d.run(&["history", "1", "--json"]).expect(0).json();
    let revisions = h["revisions"].as_array().unwrap();
    assert_eq!(revisions.len(), 3);
    assert_eq!(revisions[1]["incident"]["witnesses"], "Sam (colleague)");
    assert_eq!(revisions[2]["incident"]["description"], "Third wording");
    assert_eq!(revisions[2]["incident"]["witnesses"], "Sam (colleague)");
    let saved: Vec<&str> = revisions
        .iter()
        .map(|r| r["saved_at"].as_str().unwrap())
        .collect();
    assert!(saved[0] < saved[1] && saved[1] < saved[2], "{saved:?}");
    assert_eq!(h["entry"]["recorded_at"], recorded_at);
    assert_eq!(h["entry"]["revisions"], 3);

    d.add(&["--occurred", "2026-11-02 10:00", "--what", "second"]);
    d.add(&["--occurred", "2026-11-03 10:00", "--what", "third"]);
    // Withdraw needs a reason; clap refuses without one.
    d.run(&["withdraw", "2"]).expect(2);
    d.run(&["withdraw", "2", "--reason", " "]).expect(2);
    d.run(&["withdraw", "2", "--reason", "I wrote this one twice"])
        .expect(0);
    d.run(&["amend", "2", "--what", "changed"]).expect(1);
    // Erase needs --yes without a terminal, and then leaves a tombstone.
    d.run(&["erase", "3"]).expect(2);
    d.run(&["erase", "3", "--yes"]).expect(0);
    d.run(&["amend", "3", "--what", "changed"]).expect(1);
    let listed = d.list(&[]);
    let statuses: Vec<_> = listed.iter().map(|e| e["status"].clone()).collect();
    assert_eq!(
        statuses,
        [json!("active"), json!("withdrawn"), json!("erased")]
    );
    assert_eq!(listed[1]["withdrawn_reason"], "I wrote this one twice");
    assert_eq!(listed[1]["description"], "second");
    assert_eq!(listed[2]["description"], Value::Null);
    assert_eq!(listed[2]["incident"], Value::Null);
    let h = d.run(&["history", "3", "--json"]).expect(0).json();
    assert_eq!(h["revisions"], json!([]));
    assert!(h["changes"][0]["what"].as_str().unwrap().contains("erased"));
    assert_eq!(
        d.add(&["--occurred", "2026-11-04 10:00", "--what", "fourth"]),
        4
    );
    d.run(&["verify"]).expect(0);
}

#[test]
fn list_json_has_the_documented_fields_and_filters_work() {
    let d = Diary::new();
    d.add(&[
        "--occurred",
        "2026-10-01 09:00",
        "--what",
        "Followed me to the station",
        "--behaviour",
        "following",
        "--where",
        "Station",
    ]);
    d.add(&[
        "--occurred",
        "2026-10-15 18:30",
        "--what",
        "Texted twenty times",
        "--behaviour",
        "contacting",
        "--tag",
        "phone",
    ]);
    d.add(&[
        "--occurred",
        "2026-11-01 23:30",
        "--what",
        "Waited by my CAR",
        "--behaviour",
        "loitering,watching",
    ]);
    d.add(&[
        "--occurred",
        "2026-11-20 12:00",
        "--what",
        "Left a note",
        "--behaviour",
        "other",
        "--who",
        "the car man",
    ]);
    let all = d.list(&[]);
    assert_eq!(all.len(), 4);
    for e in &all {
        for key in [
            "number",
            "id",
            "occurred",
            "occurred_until",
            "approximate",
            "zone",
            "recorded_at",
            "amended_at",
            "revisions",
            "description",
            "where",
            "behaviours",
            "status",
            "withdrawn_reason",
            "exhibits",
            "incident",
        ] {
            assert!(e.get(key).is_some(), "{key} missing from {e}");
        }
        assert!(e["id"].as_str().unwrap().len() >= 16);
        assert!(e["recorded_at"].as_str().unwrap().starts_with("20"));
        assert!(e["behaviours"].is_array());
    }
    assert_eq!(all[2]["behaviours"], json!(["loitering", "watching"]));
    assert_eq!(all[2]["occurred"], "2026-11-01T23:30:00+00:00");

    assert_eq!(d.numbers(&["--from", "2026-10-15"]), [2, 3, 4]);
    assert_eq!(d.numbers(&["--to", "2026-10-15"]), [1, 2]);
    assert_eq!(
        d.numbers(&["--from", "2026-10-02", "--to", "2026-11-01"]),
        [2, 3]
    );
    assert_eq!(d.numbers(&["--behaviour", "loitering"]), [3]);
    assert_eq!(
        d.numbers(&["--behaviour", "following", "--behaviour", "other"]),
        [1, 4]
    );
    assert_eq!(d.numbers(&["--search", "car"]), [3, 4]);
    assert_eq!(d.numbers(&["--search", "PHONE"]), [2]);
    assert_eq!(
        d.numbers(&["--search", "nothing like this"]),
        Vec::<u64>::new()
    );
    assert_eq!(
        d.numbers(&[
            "--from",
            "2026-10-01",
            "--behaviour",
            "watching",
            "--search",
            "car"
        ]),
        [3]
    );
    let text = d.run(&["list", "--search", "car"]).expect(0).stdout;
    assert!(text.contains("2 entries"), "{text}");
    d.run(&["list", "--from", "yesterday"]).expect(2);
    let bad = d.run(&["list", "--behaviour", "stalking"]).expect(2);
    assert!(bad.stderr.contains("following"), "{}", bad.stderr);
}

#[test]
fn bad_input_exits_2_and_changes_nothing() {
    let d = Diary::new();
    d.add(&["--occurred", "2026-11-01 20:15", "--what", "one"]);
    let before = d.settled_bytes();
    let info_before = d.info();

    // The clocks went forward: 01:30 did not happen in London.
    let run = d
        .run(&[
            "add",
            "--occurred",
            "2026-03-29 01:30",
            "--zone",
            "Europe/London",
            "--what",
            "x",
        ])
        .expect(2);
    assert!(run.stderr.contains("did not happen"), "{}", run.stderr);
    assert!(run.stderr.contains("02:30"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    // Locked, too.
    let run = d
        .run_locked(&[
            "add",
            "--occurred",
            "2026-03-29 01:30",
            "--zone",
            "Europe/London",
            "--what",
            "x",
        ])
        .expect(2);
    assert!(run.stderr.contains("did not happen"), "{}", run.stderr);

    let run = d
        .run(&[
            "add",
            "--occurred",
            "2026-11-01 20:15",
            "--what",
            "x",
            "--behaviour",
            "stalking",
        ])
        .expect(2);
    for key in [
        "following",
        "contacting",
        "publishing",
        "monitoring",
        "loitering",
        "interfering",
        "watching",
        "threats",
        "violence",
        "order_breach",
        "other",
    ] {
        assert!(run.stderr.contains(key), "{key} not listed: {}", run.stderr);
    }
    let run = d
        .run(&["add", "--occurred", "last tuesday", "--what", "x"])
        .expect(2);
    assert!(run.stderr.contains("2026-11-01 20:15"), "{}", run.stderr);
    assert!(run.stderr.contains("01/11/2026 20:15"), "{}", run.stderr);
    d.run(&["add", "--occurred", "2026-11-01 20:15"]).expect(2);
    d.run(&["add", "--what", "no date"]).expect(2);
    d.run(&[
        "add",
        "--occurred",
        "2026-11-01 20:15",
        "--what",
        "x",
        "--risk",
        "nope",
    ])
    .expect(2);
    d.run(&[
        "add",
        "--occurred",
        "2026-11-01 20:15",
        "--what",
        "x",
        "--channel",
        "pigeon",
    ])
    .expect(2);
    d.run(&[
        "add",
        "--occurred",
        "2026-11-01 20:15",
        "--what",
        "x",
        "--children-present",
        "maybe",
    ])
    .expect(2);
    d.run(&[
        "add",
        "--occurred",
        "2026-11-01 20:15",
        "--what",
        "x",
        "--police-date",
        "soon",
    ])
    .expect(2);
    d.run(&[
        "add",
        "--occurred",
        "2026-11-01 20:15",
        "--until",
        "2026-11-01 19:00",
        "--what",
        "x",
    ])
    .expect(2);
    let bad_json = d.file(
        "bad.json",
        r#"{"what": "x", "occurred": "2026-11-01", "colour": "red"}"#,
    );
    d.run(&["add", "--json", bad_json.to_str().unwrap()])
        .expect(2);
    d.run(&[
        "add",
        "--occurred",
        "2026-11-01 20:15",
        "--what",
        "x",
        "--zone",
        "Mars/Olympus",
    ])
    .expect(2);
    d.run(&["amend", "1", "--behaviour", "nope"]).expect(2);
    d.run(&["no-such-command"]).expect(2);
    d.run(&["show", "one"]).expect(2);
    // Exit 1: a well-formed request that cannot be done.
    let run = d.run(&["show", "99"]).expect(1);
    assert!(run.stderr.contains("no entry number 99"), "{}", run.stderr);
    d.run(&["init"]).expect(1);

    assert_eq!(d.settled_bytes(), before, "bad input changed the file");
    let info_after = d.info();
    assert_eq!(info_after["entries"], info_before["entries"]);
    assert_eq!(info_after["fingerprint"], info_before["fingerprint"]);
    assert_eq!(
        d.add(&["--occurred", "2026-11-02 20:15", "--what", "two"]),
        2
    );
}

#[test]
fn the_repeated_hour_is_stored_as_the_first() {
    let d = Diary::new();
    let n = d.add(&[
        "--occurred",
        "2026-10-25 01:30",
        "--zone",
        "Europe/London",
        "--what",
        "clocks went back",
    ]);
    let e = d.run(&["show", &n.to_string(), "--json"]).expect(0).json();
    assert_eq!(e["incident"]["occurred"]["start"], "2026-10-25T00:30:00Z");
    assert_eq!(e["occurred"], "2026-10-25T01:30:00+01:00");
    let n = d.add(&[
        "--occurred",
        "2026-10-25T01:30+00:00",
        "--zone",
        "Europe/London",
        "--what",
        "the second",
    ]);
    let e = d.run(&["show", &n.to_string(), "--json"]).expect(0).json();
    assert_eq!(e["incident"]["occurred"]["start"], "2026-10-25T01:30:00Z");
}

#[test]
fn a_wrong_passphrase_exits_3_and_changes_nothing() {
    let d = Diary::new();
    d.add(&["--occurred", "2026-11-01 20:15", "--what", "one"]);
    d.run_locked(&["add", "--occurred", "2026-11-02 20:15", "--what", "waiting"])
        .expect(0);
    let before = d.rows_but_failures();
    let wrong = d.file("wrong.txt", "correct horse battery stapler\n");
    let new_pass = d.file("new.txt", "a perfectly good new passphrase\n");
    let new_pass = new_pass.to_str().unwrap();
    for args in [
        &["list"][..],
        &["show", "1"],
        &["verify"],
        &["info"],
        &["add", "--occurred", "2026-11-01 20:15", "--what", "x"],
        &["amend", "1", "--what", "x"],
        &["withdraw", "1", "--reason", "x"],
        &["erase", "1", "--yes"],
        &["passwd", "--new-passphrase-file", new_pass],
    ] {
        let run = d.run_with(&wrong, args).expect(3);
        assert!(
            run.stderr
                .contains("that passphrase does not open this diary"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    assert_eq!(
        d.rows_but_failures(),
        before,
        "a wrong passphrase changed the file (besides the count of failures)"
    );
    // Counted: each but `verify`, which opens the diary read-only and writes nothing.
    assert_eq!(d.stored_failures(), 8);
    assert_eq!(d.numbers(&[]), [1, 2]);
    assert_eq!(
        d.stored_failures(),
        0,
        "the right passphrase resets the count"
    );
}

/// The growing wait after wrong passphrases holds across processes (each `daybook`
/// run is a new one): the count is kept in the diary. With a first wait of 100 ms
/// (the debug-build hook), the fourth wrong passphrase, in a fourth process, waits
/// 800 ms; after the right one the next wrong one waits 100 ms again.
#[test]
fn the_wait_after_wrong_passphrases_survives_a_restart() {
    let d = Diary::new();
    let wrong = d.file("wrong.txt", "correct horse battery stapler\n");
    let timed = |pass: &Path| {
        let started = std::time::Instant::now();
        let run = Run::from_output(
            command(&d.path)
                .env("DAYBOOK_TEST_FAILURE_DELAY_MS", "100")
                .arg("--passphrase-file")
                .arg(pass)
                .args(["info"])
                .output()
                .unwrap(),
        );
        (run.code, started.elapsed())
    };
    for expected in 1..=3 {
        assert_eq!(timed(&wrong).0, 3);
        assert_eq!(d.stored_failures(), expected);
    }
    let (code, fourth) = timed(&wrong);
    assert_eq!(code, 3);
    assert!(
        fourth >= Duration::from_millis(800),
        "the fourth failure, in a new process, waited only {fourth:?}"
    );
    // A new process killed during its wait gains nothing: the failure was counted
    // before the wait.
    let mut child = command(&d.path)
        .env("DAYBOOK_TEST_FAILURE_DELAY_MS", "100")
        .arg("--passphrase-file")
        .arg(&wrong)
        .arg("info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let waited = std::time::Instant::now();
    while d.stored_failures() < 5 && waited.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(d.stored_failures(), 5);
    // The right passphrase waits out what is left of that wait, then resets.
    let (code, right) = timed(&d.pass_file);
    assert_eq!(code, 0);
    assert!(right >= Duration::from_millis(500), "{right:?}");
    assert_eq!(d.stored_failures(), 0);
    let (code, again) = timed(&wrong);
    assert_eq!(code, 3);
    assert!(again < Duration::from_millis(800), "{again:?}");
    assert_eq!(d.stored_failures(), 1);
}

#[test]
fn recovery_code_and_passphrase_change() {
    let d = Diary::new();
    for i in 1..=3 {
        d.add(&[
            "--occurred",
            "2026-11-01 20:15",
            "--what",
            &format!("entry {i}"),
        ]);
    }
    let entries = d.list(&[]);
    let fingerprint = d.info()["fingerprint"].clone();
    assert!(fingerprint.as_str().unwrap().len() == 64);

    // passwd: only the key's wrapping changes.
    let new1 = d.file("new1.txt", "the first new passphrase\n");
    d.run(&["passwd", "--new-passphrase-file", new1.to_str().unwrap()])
        .expect(0);
    d.run(&["list"]).expect(3);
    assert_eq!(
        d.run_with(&new1, &["list", "--json"]).expect(0).json(),
        json!(entries)
    );
    let info = d.run_with(&new1, &["info", "--json"]).expect(0).json();
    assert_eq!(info["fingerprint"], fingerprint);
    let short = d.file("short.txt", "short\n");
    d.run_with(
        &new1,
        &["passwd", "--new-passphrase-file", short.to_str().unwrap()],
    )
    .expect(2);

    // recover: a wrong code is exit 3 and changes nothing.
    let new2 = d.file("new2.txt", "the recovered passphrase\n");
    let wrong_code = d.file("wrong-code.txt", "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA\n");
    let run = d
        .run_locked(&[
            "recover",
            "--recovery-code-file",
            wrong_code.to_str().unwrap(),
            "--new-passphrase-file",
            new2.to_str().unwrap(),
        ])
        .expect(3);
    assert!(run.stderr.contains("recovery code"), "{}", run.stderr);
    d.run_with(&new2, &["list"]).expect(3);
    d.run_with(&new1, &["list"]).expect(0);

    // The code typed in lower case with spaces works.
    let typed = d.code.to_lowercase().replace('-', " ");
    let code_file = d.file("code.txt", &format!("{typed}\n"));
    d.run_locked(&[
        "recover",
        "--recovery-code-file",
        code_file.to_str().unwrap(),
        "--new-passphrase-file",
        new2.to_str().unwrap(),
    ])
    .expect(0);
    d.run_with(&new1, &["list"]).expect(3);
    d.run(&["list"]).expect(3);
    assert_eq!(
        d.run_with(&new2, &["list", "--json"]).expect(0).json(),
        json!(entries)
    );
    // And still works afterwards, exactly as shown.
    let exact = d.file("exact.txt", &format!("{}\n", d.code));
    let new3 = d.file("new3.txt", "a third passphrase\n");
    d.run_locked(&[
        "recover",
        "--recovery-code-file",
        exact.to_str().unwrap(),
        "--new-passphrase-file",
        new3.to_str().unwrap(),
    ])
    .expect(0);
    d.run_with(&new2, &["list"]).expect(3);
    let info = d.run_with(&new3, &["info", "--json"]).expect(0).json();
    assert_eq!(info["fingerprint"], fingerprint);
    d.run_with(&new3, &["verify"]).expect(0);
}

#[test]
fn verify_exits_4_on_a_tampered_diary_and_names_the_entry() {
    let d = Diary::new();
    for i in 1..=4 {
        d.add(&[
            "--occurred",
            "2026-11-01 20:15",
            "--what",
            &format!("entry {i}"),
        ]);
    }
    let good = d.run(&["verify"]).expect(0);
    assert!(good.stdout.contains("Everything holds"), "{}", good.stdout);
    let report = d.run(&["verify", "--json"]).expect(0).json();
    assert_eq!(report["failure"], Value::Null);
    assert_eq!(report["fingerprint"], d.info()["fingerprint"]);

    let conn = rusqlite::Connection::open(&d.path).unwrap();
    let (seq, mut payload): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT seq, payload FROM events WHERE entry_number = 3 ORDER BY seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let i = payload.len() - 5;
    payload[i] ^= 0x01;
    conn.execute(
        "UPDATE events SET payload = ?2 WHERE seq = ?1",
        rusqlite::params![seq, payload],
    )
    .unwrap();
    drop(conn);
    let bad = d.run(&["verify"]).expect(4);
    assert!(bad.stdout.contains("entry 3"), "{}", bad.stdout);
    assert!(!bad.stdout.contains("Everything holds"));
    let report = d.run(&["verify", "--json"]).expect(4).json();
    assert_eq!(report["failure"]["entry"], 3);
    assert_eq!(report["fingerprint"], Value::Null);

    // A backup of a tampered diary fails the same way, a backup of a good one passes.
    let other = Diary::new();
    other.add(&["--occurred", "2026-11-01 20:15", "--what", "fine"]);
    let copy = other.dir.path().join("copy.daybook");
    std::fs::write(&copy, other.settled_bytes()).unwrap();
    other.run(&["verify", copy.to_str().unwrap()]).expect(0);
}

#[test]
fn info_json_shows_no_secrets() {
    let d = Diary::new();
    d.add(&[
        "--occurred",
        "2026-11-01 20:15",
        "--what",
        "a private sentence",
    ]);
    let run = d.run(&["info", "--json"]).expect(0);
    let info = run.json();
    assert_eq!(info["schema_version"], 3);
    assert_eq!(info["entries"], 1);
    assert_eq!(info["unlocked"], true);
    assert_eq!(info["scrypt_work_factor"], 10);
    let fp = info["fingerprint"].as_str().unwrap();
    assert_eq!(fp.len(), 64);
    assert!(fp.chars().all(|c| c.is_ascii_hexdigit()));
    let text = d.run(&["info"]).expect(0);
    let locked = d.run_locked(&["info", "--json", "--locked"]).expect(0);
    assert_eq!(locked.json()["fingerprint"], Value::Null);
    for out in [&run.stdout, &run.stderr, &text.stdout, &locked.stdout] {
        assert!(!out.to_uppercase().contains("AGE-SECRET-KEY"), "{out}");
        assert!(!out.contains(PASS));
        assert!(!out.contains(&d.code));
        assert!(!out.contains("a private sentence"));
    }
    assert!(
        text.stdout.contains("Schema version:   3"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains(fp), "{}", text.stdout);
}

#[test]
fn two_processes_adding_at_once_lose_nothing() {
    let d = Diary::new();
    let path = d.path.clone();
    let pass_file = d.pass_file.clone();
    let writers: Vec<_> = [true, false]
        .into_iter()
        .enumerate()
        .map(|(w, unlocked)| {
            let path = path.clone();
            let pass_file = pass_file.clone();
            std::thread::spawn(move || {
                (0..50)
                    .map(|i| {
                        let mut cmd = command(&path);
                        if unlocked {
                            cmd.arg("--passphrase-file").arg(&pass_file);
                        }
                        let what = format!("writer {w} note {i}");
                        let run = Run::from_output(
                            cmd.args(["add", "--occurred", "2026-11-01 20:15", "--what", &what])
                                .output()
                                .unwrap(),
                        )
                        .expect(0);
                        (what, run.stdout.trim().parse::<u64>().unwrap())
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let added: Vec<(String, u64)> = writers
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let numbers: BTreeSet<u64> = added.iter().map(|(_, n)| *n).collect();
    assert_eq!(numbers, (1..=100).collect::<BTreeSet<_>>());
    let listed = d.list(&[]);
    assert_eq!(listed.len(), 100);
    for (what, n) in &added {
        assert_eq!(
            listed[(*n - 1) as usize]["description"],
            json!(what),
            "entry {n}"
        );
    }
    let locked = listed
        .iter()
        .filter(|e| e["written_while_locked"] == true)
        .count();
    assert_eq!(locked, 50);
    d.run(&["verify"]).expect(0);
}

#[test]
fn killed_writers_lose_nothing_acknowledged() {
    let d = Diary::new();
    let mut rng = seed::Rng::for_test("killed_writers_lose_nothing_acknowledged");
    // Kill at random moments of a whole run: 0–50 ms, or up to a little longer than
    // an add takes here when that is longer (a debug build on a busy machine).
    let started = std::time::Instant::now();
    let first = d.add(&["--occurred", "2026-11-01 20:15", "--what", "attempt -1"]);
    let window = (started.elapsed().as_millis() as u64 * 6 / 5).max(50);
    let mut acknowledged = vec![(first, "attempt -1".to_string())];
    let mut killed = 0;
    for i in 0..30 {
        let mut cmd = command(&d.path);
        // Alternate: half unlocked (into the chain), half locked (into the inbox).
        if i % 2 == 0 {
            cmd.arg("--passphrase-file").arg(&d.pass_file);
        }
        let what = format!("attempt {i}");
        let mut child = cmd
            .args(["add", "--occurred", "2026-11-01 20:15", "--what", &what])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.below(window as usize + 1) as u64));
        let _ = child.kill(); // SIGKILL; harmless if it already finished
        let out = child.wait_with_output().unwrap();
        if std::os::unix::process::ExitStatusExt::signal(&out.status) == Some(9) {
            killed += 1;
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        if let Ok(n) = stdout.trim().parse::<u64>() {
            acknowledged.push((n, what));
        }
    }
    eprintln!(
        "kill window {window} ms: {} acknowledged, {killed} killed by SIGKILL",
        acknowledged.len()
    );
    assert!(
        killed > 0,
        "no add was ever killed; the test proved nothing"
    );
    let listed = d.list(&[]);
    for (n, what) in &acknowledged {
        let e = listed
            .iter()
            .find(|e| e["number"] == *n)
            .unwrap_or_else(|| panic!("acknowledged entry {n} is lost"));
        assert_eq!(e["description"], json!(what));
    }
    let numbers: Vec<u64> = listed
        .iter()
        .map(|e| e["number"].as_u64().unwrap())
        .collect();
    let distinct: BTreeSet<u64> = numbers.iter().copied().collect();
    assert_eq!(distinct.len(), numbers.len());
    d.run(&["verify"]).expect(0);
    // It still works after all that.
    let n = d.add(&[
        "--occurred",
        "2026-11-01 20:15",
        "--what",
        "after the storm",
    ]);
    assert!(n > numbers.iter().copied().max().unwrap_or(0));
    d.run(&["verify"]).expect(0);
}

// ---------------------------------------------------------------------------
// The recipe in docs/vault-format.md, run for real with sqlite3 and age.

/// Drives a shell script through a pseudo-terminal (Debian's `age` reads
/// passphrases only from a terminal), answering every passphrase prompt.
const PTY_DRIVER: &str = r#"
import os, pty, sys
answer, script, cwd = sys.argv[1], sys.argv[2], sys.argv[3]
pid, fd = pty.fork()
if pid == 0:
    os.chdir(cwd)
    os.execvp("bash", ["bash", "-euo", "pipefail", "-c", script])
buf = b""
asked = 0
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    buf += data
    if buf.lower().count(b"passphrase:") > asked:
        asked += 1
        os.write(fd, answer.encode() + b"\n")
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(buf)
sys.stderr.write("prompts answered: %d\n" % asked)
sys.exit(os.waitstatus_to_exitcode(status))
"#;

fn have(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The `sh` blocks of docs/vault-format.md under the heading that starts with `heading`.
fn recipe(heading: &str) -> String {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/vault-format.md"),
    )
    .unwrap();
    let mut out = String::new();
    let mut in_section = false;
    let mut in_block = false;
    for line in doc.lines() {
        if !in_block && line.starts_with('#') {
            in_section = line.trim_start_matches('#').trim().starts_with(heading);
            continue;
        }
        if in_section && line.trim() == "```sh" {
            in_block = true;
            continue;
        }
        if in_block && line.trim() == "```" {
            in_block = false;
            continue;
        }
        if in_block {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(!out.is_empty(), "no sh block under '{heading}'");
    out
}

/// Runs a recipe in `dir` through a pseudo-terminal; returns (exit code, output).
fn run_recipe(dir: &Path, answer: &str, script: &str) -> (i32, String) {
    let out = std::process::Command::new("python3")
        .args(["-c", PTY_DRIVER, answer, script])
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_sqlite3_and_age_recipe_reads_the_diary() {
    for tool in ["sqlite3", "age", "python3", "bash", "sha256sum"] {
        if !have(tool) {
            eprintln!("SKIPPED: `{tool}` is not installed; the recipe test needs it");
            return;
        }
    }
    let d = Diary::new();
    d.add(&["--occurred", "2026-11-01 20:15", "--what", "first"]);
    d.add(&[
        "--occurred",
        "2026-11-02 20:15",
        "--what",
        "second, to be erased",
    ]);
    let description = "He left a bunch of dead roses on the doorstep with a card saying 'soon'";
    d.add(&[
        "--occurred",
        "2026-11-03 07:10",
        "--what",
        description,
        "--where",
        "My doorstep",
    ]);
    d.run(&["amend", "3", "--witnesses", "Mrs Okafor next door"])
        .expect(0);
    // An evidence file of three chunks (chunks are 1 MiB), not a multiple of 64 KiB.
    let mut original = Vec::with_capacity(2_500_000);
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    while original.len() < 2_500_123 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        original.push((x >> 24) as u8);
    }
    let evidence = d.dir.path().join("roses.bin");
    std::fs::write(&evidence, &original).unwrap();
    d.run(&["attach", "3", evidence.to_str().unwrap(), "--how", "photo"])
        .expect(0);
    d.run(&["erase", "2", "--yes"]).expect(0);
    let fingerprint = d.info()["fingerprint"].as_str().unwrap().to_string();

    // A copy, in a folder of its own, as the recipe asks.
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("diary.daybook"), d.settled_bytes()).unwrap();
    let chunks: i64 = rusqlite::Connection::open(work.path().join("diary.daybook"))
        .unwrap()
        .query_row("SELECT count(*) FROM exhibit_chunks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(chunks, 3);

    // 1. The key, with the passphrase.
    let (code, out) = run_recipe(work.path(), PASS, &recipe("1. Your key"));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("prompts answered: 1"), "{out}");
    let key = std::fs::read_to_string(work.path().join("identity.txt")).unwrap();
    assert!(key.trim().starts_with("AGE-SECRET-KEY-1"), "not a key");

    // 2. Entry 3, every wording.
    let (code, out) = run_recipe(work.path(), PASS, &recipe("2. One entry"));
    assert_eq!(code, 0, "{out}");
    let envelopes: Vec<Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l.trim()).ok())
        .filter(Value::is_object) // sqlite3 also prints the bytes written
        .collect();
    assert_eq!(
        envelopes.len(),
        3,
        "created, amended, exhibit_added:\n{out}"
    );
    let bodies: Vec<&Value> = envelopes.iter().map(|e| &e["body"]).collect();
    let created = bodies
        .iter()
        .find(|b| b["kind"] == "created" && b["number"] == 3)
        .unwrap_or_else(|| panic!("no created change of entry 3 in:\n{out}"));
    assert_eq!(created["incident"]["description"], description);
    assert_eq!(created["incident"]["location"], "My doorstep");
    let amended = bodies
        .iter()
        .find(|b| b["kind"] == "amended")
        .unwrap_or_else(|| panic!("no amendment in:\n{out}"));
    assert_eq!(amended["incident"]["witnesses"], "Mrs Okafor next door");
    assert_eq!(amended["incident"]["description"], description);
    let added = bodies
        .iter()
        .find(|b| b["kind"] == "exhibit_added")
        .unwrap_or_else(|| panic!("no exhibit in:\n{out}"));
    assert!(envelopes
        .iter()
        .all(|e| e["table"] == "events" && e["entry"] == 3));
    // Every entry at once: the erased entry's words are gone, its tombstone is there.
    let all = std::fs::read_to_string(work.path().join("all-changes.json")).unwrap();
    assert!(all.contains(description));
    assert!(!all.contains("to be erased"));
    assert!(all.contains("\"kind\":\"erased\""));
    assert!(all.contains("\"body\":null"));

    // 3. The evidence file, byte for byte.
    let (code, out) = run_recipe(work.path(), PASS, &recipe("3. An evidence file"));
    assert_eq!(code, 0, "{out}");
    let recovered = std::fs::read(work.path().join("exhibit.bin")).unwrap();
    assert!(recovered == original, "the recovered evidence file differs");
    let sha = added["exhibit"]["sha256"].as_str().unwrap();
    assert!(
        out.contains(sha),
        "sha256sum printed something else:\n{out}"
    );
    assert_eq!(added["exhibit"]["original_name"], "roses.bin");
    // The one-line xxd variant gives the same file.
    if have("xxd") {
        let id: String = rusqlite::Connection::open(work.path().join("diary.daybook"))
            .unwrap()
            .query_row(
                "SELECT id FROM exhibits WHERE entry_number=3 ORDER BY sequence LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let script = format!(
            "sqlite3 diary.daybook \"SELECT hex(bytes) FROM exhibit_chunks WHERE exhibit_id='{id}' ORDER BY idx\" | xxd -r -p > exhibit2.age\n\
             age -d -i identity.txt -o exhibit2.bin exhibit2.age"
        );
        let (code, out) = run_recipe(work.path(), PASS, &script);
        assert_eq!(code, 0, "{out}");
        assert!(std::fs::read(work.path().join("exhibit2.bin")).unwrap() == original);
    }

    // 5. The chain by hand gives the fingerprint Daybook shows.
    let (code, out) = run_recipe(work.path(), PASS, &recipe("5. Checking the chain"));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("fingerprint: {fingerprint}")),
        "{out}"
    );

    // 6. Every tag checks out with openssl; a record sealed to the public key alone,
    // as anyone could make it, does not.
    if have("openssl") {
        let (code, out) = run_recipe(work.path(), PASS, &recipe("6. Checking that records"));
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("are authentic"), "{out}");
        let forge = "r=$(sqlite3 diary.daybook \"SELECT value FROM meta WHERE name='recipient'\")\n\
             printf '%s' '{\"v\":1,\"table\":\"meta\",\"id\":\"settings\",\"body\":{}}' | age -r \"$r\" -o forged.age\n\
             cp diary.daybook forged.daybook\n\
             sqlite3 forged.daybook \"UPDATE meta SET value = readfile('forged.age') WHERE name='settings'\"";
        let (code, out) = run_recipe(work.path(), PASS, forge);
        assert_eq!(code, 0, "{out}");
        let check =
            recipe("6. Checking that records").replace("db=diary.daybook", "db=forged.daybook");
        let (code, out) = run_recipe(work.path(), PASS, &check);
        assert_ne!(code, 0, "{out}");
        assert!(out.contains("a meta record has no tag"), "{out}");
    }

    // 4. The recovery code, typed as shown, opens the key too.
    std::fs::remove_file(work.path().join("identity.txt")).unwrap();
    let (code, out) = run_recipe(work.path(), &d.code, &recipe("4. With the recovery code"));
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        std::fs::read_to_string(work.path().join("identity.txt")).unwrap(),
        key
    );

    // The hand check notices tampering: move entry 1's change into entry 3's row.
    let conn = rusqlite::Connection::open(work.path().join("diary.daybook")).unwrap();
    conn.execute(
        "UPDATE events SET payload = (SELECT payload FROM events WHERE seq = 1) WHERE seq = 3",
        [],
    )
    .unwrap();
    drop(conn);
    let (code, out) = run_recipe(work.path(), PASS, &recipe("5. Checking the chain"));
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("change 3"), "{out}");

    // A wrong passphrase gets nothing.
    std::fs::remove_file(work.path().join("identity.txt")).unwrap();
    let (code, _) = run_recipe(work.path(), "not the passphrase", &recipe("1. Your key"));
    assert_ne!(code, 0);
    assert!(
        !work.path().join("identity.txt").exists() || {
            let t = std::fs::read_to_string(work.path().join("identity.txt")).unwrap_or_default();
            !t.contains("AGE-SECRET-KEY")
        }
    );
}

/// Runs `daybook <args>` (unlocked) with `input` on standard input.
fn run_with_stdin(d: &Diary, args: &[&str], input: &str) -> Run {
    use std::io::Write;
    let mut child = command(&d.path)
        .arg("--passphrase-file")
        .arg(&d.pass_file)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that refuses before reading (two dashes) may close its input
    // first: a broken pipe here is not the test's business.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    Run::from_output(child.wait_with_output().unwrap())
}

#[test]
fn a_dash_reads_the_text_from_standard_input_and_only_one_may_be_a_dash() {
    let d = Diary::new();
    let words = "He said \"you can't hide\" and\nwalked off towards the station.";
    let run = run_with_stdin(
        &d,
        &[
            "add",
            "--occurred",
            "2026-11-01 20:15",
            "--what",
            "-",
            "--where",
            "Outside work",
        ],
        &format!("{words}\n"),
    )
    .expect(0);
    let number: u64 = run.stdout.trim().parse().unwrap();
    let e = &d.list(&[])[0];
    assert_eq!(
        e["description"], words,
        "the text, without the last line break"
    );
    assert_eq!(e["where"], "Outside work");

    run_with_stdin(
        &d,
        &["amend", &number.to_string(), "--witnesses", "-"],
        "Sam, 07700 900123\n",
    )
    .expect(0);
    assert_eq!(d.list(&[])[0]["incident"]["witnesses"], "Sam, 07700 900123");
    run_with_stdin(
        &d,
        &["withdraw", &number.to_string(), "--reason", "-"],
        "I wrote it twice",
    )
    .expect(0);
    assert_eq!(d.list(&[])[0]["withdrawn_reason"], "I wrote it twice");

    let before = d.settled_bytes();
    let run = run_with_stdin(
        &d,
        &[
            "add",
            "--occurred",
            "2026-11-02 09:00",
            "--what",
            "-",
            "--impact",
            "-",
        ],
        "words",
    )
    .expect(2);
    assert!(
        run.stderr.contains("only one option can be -")
            && run.stderr.contains("--what and --impact"),
        "{}",
        run.stderr
    );
    assert_eq!(d.settled_bytes(), before, "nothing was added");
}

#[test]
fn fail_years_outside_1900_to_2200_exit_2_with_a_clear_message() {
    let d = Diary::new();
    for args in [
        &["add", "--occurred", "1899-12-31 20:15", "--what", "x"][..],
        &[
            "add",
            "--occurred",
            "2026-11-01 20:15",
            "--what",
            "x",
            "--police-date",
            "2301-01-01",
        ][..],
        &["list", "--from", "1066-10-14"][..],
    ] {
        let run = d.run(args).expect(2);
        assert!(
            run.stderr.contains("1900 to 2200"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert_eq!(d.info()["entries"], 0);
}

#[test]
fn fail_control_and_bidirectional_characters_are_escaped_on_the_terminal() {
    let d = Diary::new();
    let hostile = "He said \u{1b}]0;owned\u{7} then \u{202E}gnp.exe";
    let n = d.add(&["--occurred", "2026-11-01 20:15", "--what", hostile]);
    let photo = d.file("photo\u{202E}gpj.exe", "not really a photo");
    let run = d
        .run(&["attach", &n.to_string(), photo.to_str().unwrap()])
        .expect(0);
    assert!(
        run.stdout.contains("photo<U+202E>gpj.exe"),
        "{}",
        run.stdout
    );
    for args in [
        &["list"][..],
        &["show", "1"][..],
        &["history", "1"][..],
        &["evidence", "list"][..],
        &["evidence", "show", "AB/1"][..],
    ] {
        let out = d.run(args).expect(0).stdout;
        for c in ['\u{1b}', '\u{7}', '\u{202E}'] {
            assert!(
                !out.contains(c),
                "{args:?} printed U+{:04X}: {out}",
                c as u32
            );
        }
    }
    assert!(d
        .run(&["show", "1"])
        .stdout
        .contains("<U+001B>]0;owned<U+0007>"));
    // JSON keeps the text exactly (escaped the JSON way).
    assert_eq!(d.list(&[])[0]["description"], hostile);

    let worker = d.file("worker.txt", "a long handover passphrase\n");
    let handover = d.dir.path().join("for-sam.daybook-handover");
    d.run(&[
        "handover",
        handover.to_str().unwrap(),
        "--handover-passphrase-file",
        worker.to_str().unwrap(),
    ])
    .expect(0);
    let into = d.dir.path().join("opened");
    let out = d
        .run(&[
            "handover",
            "open",
            handover.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
            "--handover-passphrase-file",
            worker.to_str().unwrap(),
        ])
        .expect(0)
        .stdout;
    assert!(out.contains("photo<U+202E>gpj.exe"), "{out}");
    assert!(
        !out.contains('\u{202E}') && !out.contains('\u{1b}'),
        "{out}"
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn fail_no_output_file_may_be_the_diary_and_every_one_is_owner_only() {
    let d = Diary::new();
    let n = d.add(&[
        "--occurred",
        "2026-11-01 20:15",
        "--what",
        "He waited by the car.",
    ]);
    let photo = d.file("photo.txt", "evidence bytes");
    d.run(&["attach", &n.to_string(), photo.to_str().unwrap()])
        .expect(0);
    let before = d.settled_bytes();
    let diary = d.path.to_str().unwrap().to_string();
    let wal = format!("{diary}-wal");
    let sideways = d
        .dir
        .path()
        .join("sub/../diary.daybook")
        .to_str()
        .unwrap()
        .to_string();
    std::fs::create_dir(d.dir.path().join("sub")).unwrap();
    let link = d.dir.path().join("report-link.pdf");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&d.path, &link).unwrap();
    let link = link.to_str().unwrap();
    let pass = d.file("hp.txt", "a long handover passphrase\n");
    for args in [
        vec!["report", diary.as_str()],
        vec!["report", wal.as_str()],
        vec!["report", sideways.as_str()],
        vec!["report", link],
        vec![
            "handover",
            diary.as_str(),
            "--handover-passphrase-file",
            pass.to_str().unwrap(),
        ],
        vec!["backup", diary.as_str()],
        vec!["evidence", "export", "AB/1", diary.as_str()],
        vec!["keygen", "--out", wal.as_str()],
    ] {
        let run = d.run(&args).expect(1);
        assert!(
            run.stderr.contains("is the diary itself"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert_eq!(d.settled_bytes(), before, "the diary was not written over");
    d.run(&["verify"]).expect(0);

    #[cfg(unix)]
    {
        let out = |name: &str| d.dir.path().join(name);
        let s = |p: &Path| p.to_str().unwrap().to_string();
        d.run(&["report", &s(&out("report.pdf"))]).expect(0);
        d.run(&[
            "handover",
            &s(&out("h.age")),
            "--handover-passphrase-file",
            pass.to_str().unwrap(),
        ])
        .expect(0);
        d.run(&["backup", &s(&out("copy.daybook"))]).expect(0);
        d.run(&["evidence", "export", "AB/1", &s(&out("original.txt"))])
            .expect(0);
        d.run(&["keygen", "--out", &s(&out("key.txt"))]).expect(0);
        d.run(&["evidence-pack", &s(&out("pack"))]).expect(0);
        for name in [
            "report.pdf",
            "h.age",
            "copy.daybook",
            "original.txt",
            "key.txt",
        ] {
            assert_eq!(mode(&out(name)), 0o600, "{name}");
        }
        assert_eq!(mode(&out("pack")), 0o700);
        for file in std::fs::read_dir(out("pack")).unwrap() {
            assert_eq!(mode(&file.unwrap().path()), 0o600);
        }
        // A backup or a saved original never overwrites a file.
        let run = d.run(&["backup", &s(&out("report.pdf"))]).expect(1);
        assert!(run.stderr.contains("already exists"), "{}", run.stderr);
        let leftovers: Vec<_> = std::fs::read_dir(d.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".daybook-partial-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

#[test]
fn fail_a_secret_key_given_as_to_key_is_refused_without_being_shown() {
    let d = Diary::new();
    d.add(&["--occurred", "2026-11-01 20:15", "--what", "x"]);
    let out = d.dir.path().join("h.age");
    let secret = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
    for key in [secret, "age1-not-quite-QQQQsomething-private"] {
        let run = d
            .run(&["handover", out.to_str().unwrap(), "--to-key", key])
            .expect(2);
        assert!(!run.stderr.contains(key), "echoed: {}", run.stderr);
        assert!(!run.stdout.contains(key));
    }
    let run = d
        .run(&["handover", out.to_str().unwrap(), "--to-key", secret])
        .expect(2);
    assert!(run.stderr.contains("secret key"), "{}", run.stderr);
    assert!(!out.exists());
}

/// What the package installs beside the binary: the version, a manual page per
/// command (with the exit codes), and completion scripts, all from the same clap
/// definitions the binary parses with.
#[test]
fn version_manual_and_completions_come_from_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("none.daybook");
    let run = |args: &[&str]| Run::from_output(command(&vault).args(args).output().unwrap());

    let version = run(&["--version"]).expect(0);
    assert_eq!(
        version.stdout.trim(),
        format!("daybook {}", env!("CARGO_PKG_VERSION"))
    );

    let man = dir.path().join("man");
    run(&["manual", "--out", man.to_str().unwrap()]).expect(0);
    let main_page = std::fs::read_to_string(man.join("daybook.1")).unwrap();
    assert!(main_page.contains(".TH daybook 1"), "{main_page}");
    assert!(main_page.contains("wrong passphrase or recovery code"));
    let report_page = std::fs::read_to_string(man.join("daybook-report.1")).unwrap();
    assert!(report_page.contains("\\-\\-from"), "{report_page}");
    // Every command named on the main page has its own page (the hidden one none).
    for line in main_page.lines().filter(|l| l.starts_with("daybook\\-")) {
        let name = line.trim_end_matches("(1)").replace("\\-", "-");
        assert!(
            man.join(format!("{name}.1")).is_file(),
            "no page for {name}"
        );
    }
    assert!(!man.join("daybook-manual.1").exists());
    assert!(!main_page.contains("manual"));

    for shell in ["bash", "zsh", "fish"] {
        let script = run(&["completions", shell]).expect(0).stdout;
        assert!(script.contains("evidence-pack"), "{shell}: {script}");
    }
    run(&["completions", "tcsh-or-so"]).expect(2);
    // Nothing here needed or made a diary.
    assert!(!vault.exists());
}

/// Every command that takes `--from`/`--to` reads them by the core's one rule for a
/// range of days, as the app does: a last day before the first is refused (exit 2,
/// naming the flag) instead of quietly selecting nothing.
#[test]
fn a_backwards_range_of_days_is_refused_everywhere() {
    let d = Diary::new();
    d.add(&["--occurred", "2026-09-05 10:00", "--what", "At the gate"]);
    let out = d.dir.path().join("out");
    let out = out.to_str().unwrap();
    let backwards = ["--from", "2026-09-10", "--to", "2026-09-01"];
    for command in [
        vec!["list"],
        vec!["messages"],
        vec!["report", out],
        vec!["statement", out],
        vec!["evidence-pack", out],
        vec!["handover", out, "--generate-passphrase"],
    ] {
        let mut args = command.clone();
        args.extend(backwards);
        let run = d.run(&args).expect(2);
        assert!(
            run.stderr.contains("the last day is before the first day"),
            "{command:?}: {}",
            run.stderr
        );
    }
    assert!(!std::path::Path::new(out).exists());
    // The same days the right way round select the entry.
    assert_eq!(
        d.numbers(&["--from", "2026-09-01", "--to", "2026-09-10"]),
        vec![1]
    );
}
