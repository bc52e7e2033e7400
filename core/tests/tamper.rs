//! Tampering with the vault file behind Daybook's back, with real SQL edits, must be
//! caught by `verify()` (naming the entry where there is one) or refused as tampered.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use daybook_core::incident::{Incident, Occurred};
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::{Error, SecretString};
use rusqlite::{params, Connection};

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

/// A closed vault with entries 1–4 (entry 4 amended once): events seq 1..=5.
fn vault_with_entries(dir: &Path) -> PathBuf {
    let path = dir.join("diary.daybook");
    let (mut vault, _) = Vault::create(
        &path,
        secret(PASS),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )
    .unwrap();
    for i in 1..=4 {
        assert_eq!(
            vault.add(incident(&format!("entry number {i}"))).unwrap(),
            i
        );
    }
    vault.amend(4, incident("entry four, amended")).unwrap();
    let report = vault.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    drop(vault);
    path
}

fn sql(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

/// The payload and seq of the first event of `entry`.
fn event_of(conn: &Connection, entry: u64) -> (i64, Vec<u8>) {
    conn.query_row(
        "SELECT seq, payload FROM events WHERE entry_number = ?1 ORDER BY seq LIMIT 1",
        [entry as i64],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

fn set_payload(conn: &Connection, seq: i64, payload: &[u8]) {
    let changed = conn
        .execute(
            "UPDATE events SET payload = ?2 WHERE seq = ?1",
            params![seq, payload],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

fn unlocked(path: &Path) -> Vault {
    let mut v = Vault::open(path).unwrap();
    v.unlock(&secret(PASS)).unwrap();
    v
}

/// Runs verify and returns the failure (panicking if it passed).
fn failure(path: &Path) -> daybook_core::vault::verify::Failure {
    let report = unlocked(path).verify().unwrap();
    assert!(!report.ok(), "verification passed on a tampered vault");
    assert!(report.fingerprint.is_none());
    report.failure.unwrap()
}

#[test]
fn an_untouched_vault_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    let mut v = unlocked(&path);
    let report = v.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.fingerprint, Some(v.fingerprint().unwrap()));
    assert!(report.checked.iter().any(|c| c.starts_with("5 changes")));
}

#[test]
fn a_flipped_byte_in_an_event_names_its_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    let conn = sql(&path);
    let (seq, mut payload) = event_of(&conn, 3);
    let i = payload.len() - 20;
    payload[i] ^= 0x01;
    set_payload(&conn, seq, &payload);
    drop(conn);
    let f = failure(&path);
    assert_eq!(f.entry, Some(3), "{f:?}");
    assert!(f.message.contains("entry 3"), "{f:?}");
}

#[test]
fn a_payload_moved_to_another_row_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    let conn = sql(&path);
    let (_, payload_2) = event_of(&conn, 2);
    let (seq_3, _) = event_of(&conn, 3);
    set_payload(&conn, seq_3, &payload_2);
    drop(conn);
    let f = failure(&path);
    assert_eq!(f.entry, Some(3), "{f:?}");
    assert!(f.message.contains("entry 3"), "{f:?}");
}

#[test]
fn two_swapped_payloads_are_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    let conn = sql(&path);
    let (seq_2, payload_2) = event_of(&conn, 2);
    let (seq_3, payload_3) = event_of(&conn, 3);
    set_payload(&conn, seq_2, &payload_3);
    set_payload(&conn, seq_3, &payload_2);
    drop(conn);
    let f = failure(&path);
    assert_eq!(f.entry, Some(2), "{f:?}");
}

#[test]
fn an_event_moved_to_another_entry_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    let conn = sql(&path);
    let (seq_3, _) = event_of(&conn, 3);
    conn.execute("UPDATE events SET entry_number = 1 WHERE seq = ?1", [seq_3])
        .unwrap();
    drop(conn);
    let f = failure(&path);
    assert!(f.entry.is_some(), "{f:?}");
    assert!(f.message.contains("moved"), "{f:?}");
}

#[test]
fn deleting_the_last_event_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    let conn = sql(&path);
    let deleted = conn
        .execute(
            "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)",
            [],
        )
        .unwrap();
    assert_eq!(deleted, 1);
    drop(conn);
    let f = failure(&path);
    assert!(
        f.message.contains("chain head") || f.message.contains("end of the chain"),
        "{f:?}"
    );
}

#[test]
fn deleting_a_middle_event_names_the_gap() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    let conn = sql(&path);
    conn.execute("DELETE FROM events WHERE seq = 2", [])
        .unwrap();
    drop(conn);
    let f = failure(&path);
    assert!(f.entry.is_some(), "{f:?}");
    assert!(f.message.contains("change 2 is missing"), "{f:?}");
}

#[test]
fn a_tampered_index_page_is_refused_or_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    let conn = sql(&path);
    let mut payload: Vec<u8> = conn
        .query_row("SELECT payload FROM index_pages WHERE page = 0", [], |r| {
            r.get(0)
        })
        .unwrap();
    let i = payload.len() - 10;
    payload[i] ^= 0x80;
    conn.execute(
        "UPDATE index_pages SET payload = ?1 WHERE page = 0",
        [&payload],
    )
    .unwrap();
    drop(conn);
    let mut v = unlocked(&path);
    match v.verify() {
        Ok(report) => assert!(!report.ok(), "{report:?}"),
        Err(e) => assert!(matches!(e, Error::Tampered { .. }), "{e:?}"),
    }
    assert!(matches!(v.entries(), Err(Error::Tampered { .. })));
}

#[test]
fn an_index_page_rolled_back_to_an_older_version_is_caught() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    let conn = sql(&path);
    let (old_version, old_payload): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT version, payload FROM index_pages WHERE page = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(conn);
    let mut v = unlocked(&path);
    v.amend(2, incident("entry two, amended")).unwrap();
    drop(v);

    // Replaying the old payload under the new version number is refused.
    let conn = sql(&path);
    conn.execute(
        "UPDATE index_pages SET payload = ?1 WHERE page = 0",
        [&old_payload],
    )
    .unwrap();
    drop(conn);
    let mut v = unlocked(&path);
    assert!(matches!(v.entries(), Err(Error::Tampered { .. })));
    drop(v);

    // Replaying it with its old version opens, but no longer matches the chain.
    let conn = sql(&path);
    conn.execute(
        "UPDATE index_pages SET version = ?1 WHERE page = 0",
        [old_version],
    )
    .unwrap();
    drop(conn);
    let f = failure(&path);
    assert_eq!(f.entry, Some(2), "{f:?}");
}

#[test]
fn a_tampered_head_or_key_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    // Swap in another vault's public key: unlocking notices.
    let other = vault_with_entries(&tmp.path().join("other"));
    let conn = sql(&path);
    let other_conn = sql(&other);
    let recipient: Vec<u8> = other_conn
        .query_row("SELECT value FROM meta WHERE name = 'recipient'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mine: Vec<u8> = conn
        .query_row("SELECT value FROM meta WHERE name = 'recipient'", [], |r| {
            r.get(0)
        })
        .unwrap();
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE name = 'recipient'",
        [&recipient],
    )
    .unwrap();
    drop(conn);
    let mut v = Vault::open(&path).unwrap();
    assert!(matches!(
        v.unlock(&secret(PASS)),
        Err(Error::Tampered { .. })
    ));
    drop(v);

    // Put the key back, and seal the other vault's head in place of ours.
    let conn = sql(&path);
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE name = 'recipient'",
        [&mine],
    )
    .unwrap();
    let head: Vec<u8> = other_conn
        .query_row("SELECT value FROM meta WHERE name = 'head'", [], |r| {
            r.get(0)
        })
        .unwrap();
    conn.execute("UPDATE meta SET value = ?1 WHERE name = 'head'", [&head])
        .unwrap();
    drop(conn);
    let mut v = unlocked(&path);
    match v.verify() {
        Ok(report) => assert!(!report.ok(), "{report:?}"),
        Err(e) => assert!(matches!(e, Error::Tampered { .. }), "{e:?}"),
    }
}

/// The stored bytes of the `meta` row `name`.
fn meta_row(conn: &Connection, name: &str) -> Vec<u8> {
    conn.query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| {
        r.get(0)
    })
    .unwrap()
}

fn set_meta_row(conn: &Connection, name: &str, value: &[u8]) {
    conn.execute(
        "INSERT INTO meta(name, value) VALUES (?1, ?2)
         ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )
    .unwrap();
}

#[test]
fn verify_finds_damage_to_the_recovery_copy_of_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    let conn = sql(&path);
    let good = meta_row(&conn, "identity_recovery");
    // A byte of the sealed key itself (past the header): nothing opens this copy
    // until the day the recovery code is needed, so only verify can find it.
    let mut damaged = good.clone();
    let i = damaged.len() - 5;
    damaged[i] ^= 0x40;
    // The header's text made unreadable, and the row removed.
    let mut header = good.clone();
    header[3] ^= 0x20;
    for (what, value) in [
        ("a damaged byte", Some(damaged)),
        ("a damaged header", Some(header)),
        ("removal", None),
    ] {
        match &value {
            Some(v) => set_meta_row(&conn, "identity_recovery", v),
            None => {
                conn.execute("DELETE FROM meta WHERE name = 'identity_recovery'", [])
                    .unwrap();
            }
        }
        let f = failure(&path);
        assert!(
            f.message.contains("recovery code"),
            "{what}: the failure does not name the recovery code's copy: {f:?}"
        );
    }
    // The copy from another diary (whole, but not this diary's): found too.
    let other_dir = tempfile::tempdir().unwrap();
    let other = vault_with_entries(other_dir.path());
    set_meta_row(
        &conn,
        "identity_recovery",
        &meta_row(&sql(&other), "identity_recovery"),
    );
    assert!(failure(&path).message.contains("recovery code"));
    // Put back as it was: verify passes again.
    set_meta_row(&conn, "identity_recovery", &good);
    let report = unlocked(&path).verify().unwrap();
    assert!(report.ok(), "{report:?}");
    assert!(report.checked.iter().any(|c| c.contains("recovery code")));
}

#[test]
fn removing_or_swapping_the_receiving_key_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let path = vault_with_entries(tmp.path());
    let mut v = unlocked(&path);
    let key = v.make_receiving_key().unwrap();
    drop(v);
    // Another diary's receiving key, authentic there but not here.
    let other_dir = tempfile::tempdir().unwrap();
    let other = vault_with_entries(other_dir.path());
    let mut o = unlocked(&other);
    o.make_receiving_key().unwrap();
    drop(o);
    let conn = sql(&path);
    let good = meta_row(&conn, "receiving_key");
    let theirs = meta_row(&sql(&other), "receiving_key");

    // Removed: refused, and no new key is quietly made in its place.
    conn.execute("DELETE FROM meta WHERE name = 'receiving_key'", [])
        .unwrap();
    let mut v = unlocked(&path);
    let err = v.receiving_key().err().unwrap();
    assert_eq!(err.kind(), "tampered", "{err}");
    assert!(err.to_string().contains("removed"), "{err}");
    assert!(v.make_receiving_key().is_err());
    assert!(!v.verify().unwrap().ok());
    drop(v);
    assert!(failure(&path).message.contains("receiving key"));

    // Swapped for another copy: refused.
    set_meta_row(&conn, "receiving_key", &theirs);
    let v = unlocked(&path);
    assert_eq!(v.receiving_key().err().unwrap().kind(), "tampered");
    drop(v);
    assert!(failure(&path).message.contains("receiving key"));

    // Put back as made: the same key, and verify passes.
    set_meta_row(&conn, "receiving_key", &good);
    let mut v = unlocked(&path);
    assert_eq!(
        v.receiving_key().unwrap().unwrap().to_string(),
        key.to_string()
    );
    assert!(v.verify().unwrap().ok());
}

#[test]
fn an_older_diarys_receiving_key_and_recovery_copy_are_recorded_at_its_upgrade() {
    // Written as Daybook 0.1 wrote diaries (no record authenticated, no head
    // digests), with a receiving key; its first unlock records both in the head.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("old.daybook");
    let (mut v, _) = Vault::create(
        &path,
        secret(PASS),
        CreateOptions {
            scrypt_log_n: Some(10),
            unauthenticated_for_tests: true,
            ..Default::default()
        },
    )
    .unwrap();
    v.add(incident("first")).unwrap();
    v.make_receiving_key().unwrap();
    drop(v);
    assert!(unlocked(&path).verify().unwrap().ok());
    let conn = sql(&path);
    conn.execute("DELETE FROM meta WHERE name = 'receiving_key'", [])
        .unwrap();
    let v = unlocked(&path);
    assert_eq!(v.receiving_key().err().unwrap().kind(), "tampered");
    drop(v);
    let mut recovery = meta_row(&conn, "identity_recovery");
    let i = recovery.len() - 3;
    recovery[i] ^= 1;
    set_meta_row(&conn, "identity_recovery", &recovery);
    assert!(!unlocked(&path).verify().unwrap().ok());
}
