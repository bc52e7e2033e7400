//! The diary told as a story through the core API: every incident field round-trips,
//! amendments keep every wording, withdrawals and erasures leave the right traces,
//! a locked diary still accepts notes, drafts are kept, and the passphrase and
//! recovery code behave as promised.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use daybook_core::entry::Status;
use daybook_core::incident::{
    Behaviour, Channel, Coordinates, Impact, Incident, Occurred, PoliceContact, Risk,
};
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::{Error, ExposeSecret, SecretString};

const PASS: &str = "correct horse battery staple";

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

fn options() -> CreateOptions {
    CreateOptions {
        scrypt_log_n: Some(10),
        ..Default::default()
    }
}

fn new_vault(dir: &Path) -> (Vault, PathBuf, SecretString) {
    let path = dir.join("diary.daybook");
    let (vault, code) = Vault::create(&path, secret(PASS), options()).unwrap();
    (vault, path, code)
}

fn reopen(path: &Path) -> Vault {
    let mut v = Vault::open(path).unwrap();
    v.unlock(&secret(PASS)).unwrap();
    v
}

fn simple(text: &str, when: &str) -> Incident {
    Incident::new(
        Occurred::parse(when, None, false, "Europe/London").unwrap(),
        text,
    )
}

/// An incident with every field set to something distinctive.
fn full_incident() -> Incident {
    let occurred = Occurred::parse(
        "2026-07-14 21:40",
        Some("2026-07-14 22:55"),
        true,
        "Europe/London",
    )
    .unwrap();
    Incident {
        occurred,
        description: "He stood at the gate and said \"I'll always find you\". Zażółć gęślą jaźń."
            .into(),
        behaviours: vec![
            Behaviour::Loitering,
            Behaviour::Threats,
            Behaviour::Watching,
        ],
        location: "Outside 14 Elm Road, Leeds".into(),
        coordinates: Some(Coordinates {
            lat: 53.8008,
            lon: -1.5491,
        }),
        channel: Some(Channel::InPerson),
        channel_detail: "grey Ford Focus, reg YX19 ABC".into(),
        who: "Mark Example, wearing the grey North Face jacket".into(),
        witnesses: "Sam Neighbour, 07700 900123".into(),
        children_present: Some(true),
        police: PoliceContact {
            date: "2026-07-15".into(),
            reference: "WY-2026-0714-1234".into(),
            officer: "PC 4321 Jones".into(),
        },
        response: "Called 999 and stayed inside".into(),
        impact: Impact {
            fear_of_violence: true,
            alarm_or_distress: true,
            daily_life_changes: "Stopped walking the dog after dark".into(),
            notes: "I could not sleep that night".into(),
        },
        order_breached: "Restraining order, Leeds Magistrates, 3 May 2026".into(),
        risks: vec![Risk::ThreatsToKillOrHarm, Risk::AtHomeOrWork],
        tags: vec!["gate".into(), "night".into()],
        private_note: "I think my sister told him where I live".into(),
        online: daybook_core::incident::Online {
            account: "@mark_example (id 12345)".into(),
            url: "https://example.social/p/1".into(),
            posted: "2026-07-14 21:10".into(),
            captured: "14/07/2026 21:50".into(),
            reported_to_platform: Some(true),
            platform_reference: "CASE-998".into(),
        },
    }
}

#[test]
fn every_field_round_trips_through_add_and_reopen() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, path, _) = new_vault(tmp.path());
    let mut expected = full_incident();
    expected.validate().unwrap();
    let n = vault.add(full_incident()).unwrap();
    assert_eq!(n, 1);

    let check = |vault: &mut Vault| {
        let e = vault.entry(n).unwrap();
        assert_eq!(e.number, 1);
        assert_eq!(e.status, Status::Active);
        assert_eq!(e.revisions, 1);
        assert!(!e.written_while_locked);
        let i = e.incident.unwrap();
        assert_eq!(i, expected);
        // Spot-check the parts whose meaning matters beyond equality.
        assert_eq!(i.occurred.start.to_rfc3339(), "2026-07-14T20:40:00+00:00");
        assert_eq!(
            i.occurred.end.unwrap().to_rfc3339(),
            "2026-07-14T21:55:00+00:00"
        );
        assert!(i.occurred.approximate);
        assert_eq!(i.occurred.zone, "Europe/London");
        assert_eq!(i.coordinates.unwrap().lat, 53.8008);
        assert_eq!(i.children_present, Some(true));
        assert_eq!(i.police.reference, "WY-2026-0714-1234");
        assert!(i.impact.fear_of_violence && i.impact.alarm_or_distress);
        assert_eq!(i.risks, vec![Risk::ThreatsToKillOrHarm, Risk::AtHomeOrWork]);
        assert_eq!(i.private_note, "I think my sister told him where I live");
        // Both online times kept in one form, however they were typed.
        assert_eq!(i.online.posted, "2026-07-14 21:10");
        assert_eq!(i.online.captured, "2026-07-14 21:50");
        assert_eq!(i.online.reported_to_platform, Some(true));
    };
    check(&mut vault);
    let entries = vault.entries().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].incident.as_ref(), Some(&expected));

    // Lock and unlock in the same process, then close and reopen.
    vault.lock();
    assert!(matches!(vault.entry(n), Err(Error::Locked)));
    vault.unlock(&secret(PASS)).unwrap();
    check(&mut vault);
    drop(vault);
    let mut vault = reopen(&path);
    check(&mut vault);
    assert!(vault.verify().unwrap().ok());
}

#[test]
fn amendments_keep_every_wording() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, path, _) = new_vault(tmp.path());
    let n = vault
        .add(simple("first wording", "2026-11-01 20:15"))
        .unwrap();
    let recorded_at = vault.entry(n).unwrap().recorded_at;
    std::thread::sleep(std::time::Duration::from_millis(5));
    vault
        .amend(n, simple("second wording", "2026-11-01 20:15"))
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut third = simple("third wording", "2026-11-01 20:30");
    third.witnesses = "Sam".into();
    vault.amend(n, third.clone()).unwrap();

    let e = vault.entry(n).unwrap();
    assert_eq!(e.revisions, 3);
    assert_eq!(e.recorded_at, recorded_at, "recorded_at never changes");
    assert!(e.amended_at.unwrap() > recorded_at);
    assert_eq!(e.incident.as_ref().unwrap().description, "third wording");

    let history = vault.history(n).unwrap();
    let words: Vec<_> = history
        .iter()
        .map(|r| r.incident.description.as_str())
        .collect();
    assert_eq!(words, ["first wording", "second wording", "third wording"]);
    assert_eq!(
        history.iter().map(|r| r.revision).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(history[0].saved_at, recorded_at);
    assert!(history[0].saved_at < history[1].saved_at);
    assert!(history[1].saved_at < history[2].saved_at);
    assert_eq!(history[2].saved_at, e.amended_at.unwrap());

    // An amendment identical to the current wording adds nothing.
    vault.amend(n, third).unwrap();
    assert_eq!(vault.history(n).unwrap().len(), 3);

    drop(vault);
    let mut vault = reopen(&path);
    assert_eq!(vault.history(n).unwrap().len(), 3);
    assert_eq!(vault.entry(n).unwrap().recorded_at, recorded_at);
    assert!(vault.verify().unwrap().ok());
}

#[test]
fn withdraw_keeps_the_entry_and_erase_leaves_only_a_tombstone() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, path, _) = new_vault(tmp.path());
    let a = vault
        .add(simple("to withdraw", "2026-11-01 20:15"))
        .unwrap();
    let b = vault
        .add(simple("SECRET-ERASE-ME words", "2026-11-02 20:15"))
        .unwrap();
    let c = vault.add(simple("third", "2026-11-03 20:15")).unwrap();
    assert_eq!((a, b, c), (1, 2, 3));
    vault
        .amend(b, simple("SECRET-ERASE-ME amended", "2026-11-02 20:15"))
        .unwrap();

    // Withdraw: a reason is required.
    let err = vault.withdraw(a, "   ").unwrap_err();
    assert_eq!(err.field(), Some("reason"));
    assert!(vault.entry(a).unwrap().is_active());
    vault.withdraw(a, "I wrote this one twice").unwrap();
    let e = vault.entry(a).unwrap();
    match &e.status {
        Status::Withdrawn { reason, .. } => assert_eq!(reason, "I wrote this one twice"),
        other => panic!("expected withdrawn, got {other:?}"),
    }
    assert_eq!(e.incident.as_ref().unwrap().description, "to withdraw");
    assert!(matches!(
        vault.amend(a, simple("changed", "2026-11-01 20:15")),
        Err(Error::NotAllowed(_))
    ));
    assert!(matches!(
        vault.withdraw(a, "again"),
        Err(Error::NotAllowed(_))
    ));

    let exhibit = vault
        .attach_reader(b, &mut &b"SECRET-ERASE-ME file"[..], "note.txt", "typed")
        .unwrap();

    // Erase.
    vault.erase(b).unwrap();
    let exhibits = vault.exhibits(Some(b)).unwrap();
    assert_eq!(exhibits.len(), 1);
    assert_eq!(exhibits[0].mark, exhibit.mark);
    assert_eq!(
        exhibits[0].sha256, exhibit.sha256,
        "the hash stays on record"
    );
    assert!(exhibits[0].erased_at.is_some());
    assert!(exhibits[0].original_name.is_empty());
    assert!(vault.copy_original(&exhibits[0], &mut Vec::new()).is_err());
    let e = vault.entry(b).unwrap();
    assert!(matches!(e.status, Status::Erased { .. }));
    assert!(e.incident.is_none());
    assert!(vault.history(b).unwrap().is_empty());
    let changes = vault.changes(b).unwrap();
    assert_eq!(changes.len(), 1, "only the tombstone: {changes:?}");
    assert!(changes[0].1.contains("erased"));
    assert!(matches!(
        vault.amend(b, simple("changed", "2026-11-02 20:15")),
        Err(Error::NotAllowed(_))
    ));
    assert!(matches!(vault.erase(b), Err(Error::NotAllowed(_))));
    assert!(matches!(vault.entry(99), Err(Error::NoSuchEntry(99))));

    // Numbers are never reused.
    let d = vault.add(simple("fourth", "2026-11-04 20:15")).unwrap();
    assert_eq!(d, 4);
    let statuses: Vec<_> = vault
        .entries()
        .unwrap()
        .iter()
        .map(|e| (e.number, e.status.key()))
        .collect();
    assert_eq!(
        statuses,
        [
            (1, "withdrawn"),
            (2, "erased"),
            (3, "active"),
            (4, "active")
        ]
    );
    let report = vault.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    drop(vault);

    // The erased words are nowhere in the file any more.
    for suffix in ["", "-wal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(bytes) = std::fs::read(PathBuf::from(p)) {
            assert!(!bytes.windows(15).any(|w| w == b"SECRET-ERASE-ME"));
        }
    }
    let mut vault = reopen(&path);
    assert!(vault.entry(2).unwrap().incident.is_none());
    assert!(vault.history(2).unwrap().is_empty());
    let report = vault.verify().unwrap();
    assert!(report.ok(), "after reopening: {report:?}");
    assert_eq!(vault.add(simple("fifth", "2026-11-05 20:15")).unwrap(), 5);
    let report = vault.verify().unwrap();
    assert!(report.ok(), "after adding: {report:?}");
}

#[test]
fn a_locked_diary_accepts_notes_and_drafts() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, path, _) = new_vault(tmp.path());
    vault
        .add(simple("unlocked one", "2026-11-01 20:15"))
        .unwrap();
    vault
        .draft_save("new-entry", &serde_json::json!({"what": "draft v1"}))
        .unwrap();
    drop(vault);

    let mut locked = Vault::open(&path).unwrap();
    assert!(!locked.is_unlocked());
    let n = locked
        .add(simple("written on the lock screen", "2026-11-02 08:00"))
        .unwrap();
    assert_eq!(n, 2);
    assert!(matches!(locked.entries(), Err(Error::Locked)));
    assert!(matches!(locked.entry(n), Err(Error::Locked)));
    assert!(matches!(locked.draft_load("new-entry"), Err(Error::Locked)));
    std::thread::sleep(std::time::Duration::from_millis(5));
    locked
        .draft_save("new-entry", &serde_json::json!({"what": "draft v2"}))
        .unwrap();
    let info = locked.info().unwrap();
    assert_eq!(info.waiting, 1);
    assert!(info.fingerprint.is_none());

    locked.unlock(&secret(PASS)).unwrap();
    let e = locked.entry(n).unwrap();
    assert!(e.written_while_locked);
    assert_eq!(
        e.incident.unwrap().description,
        "written on the lock screen"
    );
    assert!(locked.history(n).unwrap()[0].written_while_locked);
    assert_eq!(locked.info().unwrap().waiting, 0);
    assert_eq!(
        locked.draft_load("new-entry").unwrap(),
        Some(serde_json::json!({"what": "draft v2"}))
    );
    assert_eq!(locked.draft_load("amend-1").unwrap(), None);
    locked
        .draft_save("amend-1", &serde_json::json!({"what": "other form"}))
        .unwrap();
    locked.draft_discard("new-entry").unwrap();
    assert_eq!(locked.draft_load("new-entry").unwrap(), None);
    assert_eq!(
        locked.draft_load("amend-1").unwrap(),
        Some(serde_json::json!({"what": "other form"}))
    );
    assert!(locked.verify().unwrap().ok());
    assert_eq!(locked.add(simple("third", "2026-11-03 08:00")).unwrap(), 3);
}

#[test]
fn passphrase_change_only_rewraps_and_recovery_code_works() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, path, code) = new_vault(tmp.path());
    for i in 0..3 {
        vault
            .add(simple(&format!("entry {i}"), "2026-11-01 20:15"))
            .unwrap();
    }
    let before = vault.entries().unwrap();
    let fingerprint = vault.fingerprint().unwrap();
    drop(vault);

    let mut v = Vault::open(&path).unwrap();
    assert!(matches!(
        v.change_passphrase(&secret("not the passphrase"), secret("new passphrase 1")),
        Err(Error::WrongPassphrase)
    ));
    assert!(matches!(
        v.change_passphrase(&secret(PASS), secret("short")),
        Err(Error::InvalidField { .. })
    ));
    v.change_passphrase(&secret(PASS), secret("new passphrase 1"))
        .unwrap();
    drop(v);

    let mut v = Vault::open(&path).unwrap();
    assert!(matches!(
        v.unlock(&secret(PASS)),
        Err(Error::WrongPassphrase)
    ));
    v.unlock(&secret("new passphrase 1")).unwrap();
    assert_eq!(v.entries().unwrap(), before);
    assert_eq!(v.fingerprint().unwrap(), fingerprint);
    drop(v);

    // The recovery code, typed in lower case with spaces, sets a new passphrase.
    let typed = code.expose_secret().to_lowercase().replace('-', " ");
    let mut v = Vault::open(&path).unwrap();
    assert!(matches!(
        v.recover(
            &secret("AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"),
            secret("whatever 123")
        ),
        Err(Error::WrongRecoveryCode)
    ));
    v.recover(&secret(&typed), secret("recovered passphrase"))
        .unwrap();
    assert!(v.is_unlocked());
    assert_eq!(v.entries().unwrap(), before);
    assert_eq!(v.fingerprint().unwrap(), fingerprint);
    drop(v);
    let mut v = Vault::open(&path).unwrap();
    assert!(v.unlock(&secret("new passphrase 1")).is_err());
    v.unlock(&secret("recovered passphrase")).unwrap();
    drop(v);
    // The code still works afterwards.
    let mut v = Vault::open(&path).unwrap();
    v.recover(&code, secret("third passphrase!")).unwrap();
    assert!(v.verify().unwrap().ok());
}

#[test]
fn clocks_going_forward_and_back() {
    let err = Occurred::parse("2026-03-29 01:30", None, false, "Europe/London").unwrap_err();
    assert_eq!(err.field(), Some("occurred"));
    assert!(err.to_string().contains("did not happen"));
    assert!(err.to_string().contains("2026-03-29 02:30"));
    let back = Occurred::parse("2026-10-25 01:30", None, false, "Europe/London").unwrap();
    assert_eq!(back.start.to_rfc3339(), "2026-10-25T00:30:00+00:00");

    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let n = vault
        .add(Incident::new(back.clone(), "clocks went back"))
        .unwrap();
    assert_eq!(vault.entry(n).unwrap().incident.unwrap().occurred, back);
    // A bad field changes nothing.
    let mut bad = simple("x", "2026-11-01 20:15");
    bad.police.date = "yesterday".into();
    assert!(vault.add(bad).is_err());
    assert_eq!(vault.entries().unwrap().len(), 1);
    assert_eq!(vault.add(simple("next", "2026-11-01 20:15")).unwrap(), 2);
}

#[test]
fn a_draft_under_an_empty_or_over_long_form_name_is_refused_and_nothing_is_written() {
    // Found by the IPC campaign: `draft_save` kept a draft under a 10 MB name.
    let tmp = tempfile::tempdir().unwrap();
    let (mut vault, _, _) = new_vault(tmp.path());
    let draft = serde_json::json!({"what": "half a sentence"});
    for name in ["", "   ", &"x".repeat(65), &"x".repeat(10 << 20)] {
        let err = vault.draft_save(name, &draft).unwrap_err();
        assert_eq!(err.field(), Some("form"), "{err}");
        assert!(vault.draft_load(name).unwrap().is_none());
    }
    vault.draft_save(&"x".repeat(64), &draft).unwrap();
    assert!(vault.draft_load(&"x".repeat(64)).unwrap().is_some());
}
