//! Someone with the diary file but not the passphrase puts other bytes in an
//! original's place. The vault's public key is stored in plaintext, so they can seal
//! anything to it: age opens their stream without complaint. Daybook must still refuse
//! it everywhere an original leaves the vault (handover, export, verify), because the
//! sealed stream is not the one recorded when the file was added. A handover does not
//! hash originals again, so this check is what stands between a forgery and the
//! support worker.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use daybook_core::crypto::{Identity, Recipient, SealWriter};
use daybook_core::evidence::{Check, Exhibit};
use daybook_core::incident::{Incident, Occurred};
use daybook_core::report::NoProgress;
use daybook_core::vault::{CreateOptions, HandoverKey, HandoverOptions, Vault};
use daybook_core::{Error, SecretString};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

const SIZE: usize = 2_500_000;
const CHUNK: usize = 1024 * 1024;

fn passphrase() -> SecretString {
    SecretString::from("a long test passphrase".to_string())
}

fn noise(seed: u32) -> Vec<u8> {
    let mut x = seed | 1;
    (0..SIZE)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

struct Diary {
    dir: tempfile::TempDir,
    path: PathBuf,
    first: Exhibit,
    second: Exhibit,
}

/// A diary with one entry and two originals of the same size.
fn diary() -> Diary {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("diary.daybook");
    let (mut vault, _code) = Vault::create(
        &path,
        passphrase(),
        CreateOptions {
            scrypt_log_n: Some(10),
            initials: Some("AB".into()),
            ..Default::default()
        },
    )
    .expect("create");
    let when = Occurred::parse("2026-11-01 20:15", None, false, "Europe/London").expect("when");
    let entry = vault
        .add(Incident::new(when, "He sent two videos."))
        .expect("add");
    let mut attach = |name: &str, seed: u32| {
        let file = dir.path().join(name);
        std::fs::write(&file, noise(seed)).expect("write");
        vault
            .attach(entry, &file, "sent to my phone")
            .expect("attach")
    };
    let first = attach("first.mp4", 1);
    let second = attach("second.mp4", 2);
    drop(vault);
    Diary {
        dir,
        path,
        first,
        second,
    }
}

fn unlocked(path: &Path) -> Vault {
    let mut vault = Vault::open(path).expect("open");
    vault.unlock(&passphrase()).expect("unlock");
    vault
}

fn sql(path: &Path) -> Connection {
    Connection::open(path).expect("sqlite")
}

fn chunks_of(conn: &Connection, exhibit_id: &str) -> Vec<Vec<u8>> {
    let mut stmt = conn
        .prepare("SELECT bytes FROM exhibit_chunks WHERE exhibit_id = ?1 ORDER BY idx")
        .expect("prepare");
    let rows = stmt
        .query_map([exhibit_id], |r| r.get::<_, Vec<u8>>(0))
        .expect("query");
    rows.map(|r| r.expect("row")).collect()
}

fn replace_chunks(conn: &Connection, exhibit_id: &str, stream: &[u8]) {
    conn.execute(
        "DELETE FROM exhibit_chunks WHERE exhibit_id = ?1",
        [exhibit_id],
    )
    .expect("delete");
    for (idx, chunk) in stream.chunks(CHUNK).enumerate() {
        conn.execute(
            "INSERT INTO exhibit_chunks(exhibit_id, idx, bytes) VALUES (?1, ?2, ?3)",
            (exhibit_id, idx as i64, chunk),
        )
        .expect("insert");
    }
}

/// What the attacker does: seal `bytes` to the public key stored in the file.
fn forge(conn: &Connection, bytes: &[u8]) -> Vec<u8> {
    let text: Vec<u8> = conn
        .query_row("SELECT value FROM meta WHERE name = 'recipient'", [], |r| {
            r.get(0)
        })
        .expect("recipient");
    let recipient = Recipient::parse(std::str::from_utf8(&text).expect("text")).expect("age1");
    let mut w = SealWriter::to_recipient(&recipient, Vec::new()).expect("seal");
    w.write_all(bytes).expect("write");
    w.finish().expect("finish")
}

fn handover(vault: &mut Vault, out: &Path) -> daybook_core::Result<()> {
    let options = HandoverOptions {
        from: None,
        to: None,
        redact_witnesses: false,
        include_withdrawn: true,
        key: HandoverKey::Recipient(Identity::generate().recipient()),
        include_private_notes: false,
        given_to: String::new(),
    };
    vault.write_handover(out, &options, &NoProgress).map(|_| ())
}

/// Every way an original leaves the vault refuses the first exhibit, naming it.
fn assert_refused_everywhere(d: &Diary) {
    let mut vault = unlocked(&d.path);
    let out = d.dir.path().join("handover.age");
    match handover(&mut vault, &out) {
        Err(Error::Tampered { place, why }) => assert_eq!(place, "exhibit AB/1", "{why}"),
        other => panic!("the handover was not refused as tampered: {other:?}"),
    }
    assert!(!out.exists(), "a refused handover was left behind");

    let exported = d.dir.path().join("exported.mp4");
    assert!(matches!(
        vault.export_original("AB/1", &exported),
        Err(Error::Tampered { .. })
    ));
    assert!(!exported.exists(), "a refused export was left behind");

    let report = vault.verify().expect("verify runs");
    let failure = report.failure.expect("verify must fail");
    assert_eq!(failure.exhibit.as_deref(), Some("AB/1"), "{failure:?}");
    assert_eq!(
        failure.message.matches("AB/1").count(),
        1,
        "the exhibit is named once: {}",
        failure.message
    );

    // The other original is untouched and still comes out whole.
    let mut back = Vec::new();
    let (sha, _) = vault.copy_original(&d.second, &mut back).expect("AB/2");
    assert_eq!(sha, d.second.sha256);
}

#[test]
fn an_untouched_original_is_proven_by_its_seal_and_handed_over_whole() {
    let d = diary();
    let mut vault = unlocked(&d.path);
    let mut reader = vault.original_reader(&d.first).expect("reader");
    assert_eq!(reader.check(), Check::Sealed);
    let mut back = Vec::new();
    reader.read_to_end(&mut back).expect("read");
    drop(reader);
    assert!(back == noise(1), "bytes differ");
    assert_eq!(hex::encode(Sha256::digest(&back)), d.first.sha256);
    handover(&mut vault, &d.dir.path().join("handover.age")).expect("handover");
}

#[test]
fn other_bytes_sealed_to_the_diary_key_are_refused() {
    let d = diary();
    {
        let conn = sql(&d.path);
        // Same size as the original, so no size check can give it away.
        let mut fake = noise(1);
        fake[SIZE / 2] ^= 0x01;
        let forged = forge(&conn, &fake);
        replace_chunks(&conn, &d.first.id, &forged);
    }
    assert_refused_everywhere(&d);
}

#[test]
fn the_original_itself_sealed_again_is_refused_too() {
    // Even the right bytes in a stream that was not the one stored are refused: the
    // check is on the stream, which is what proves every byte.
    let d = diary();
    {
        let conn = sql(&d.path);
        let forged = forge(&conn, &noise(1));
        replace_chunks(&conn, &d.first.id, &forged);
    }
    let vault = unlocked(&d.path);
    assert!(matches!(
        vault.original_reader(&d.first).map(|_| ()),
        Err(Error::Tampered { .. })
    ));
}

#[test]
fn two_originals_swapped_are_refused() {
    let d = diary();
    {
        let conn = sql(&d.path);
        let first = chunks_of(&conn, &d.first.id).concat();
        let second = chunks_of(&conn, &d.second.id).concat();
        replace_chunks(&conn, &d.first.id, &second);
        replace_chunks(&conn, &d.second.id, &first);
    }
    assert_refused_everywhere_but_both(&d);
}

/// After a swap both are wrong; the handover stops at the first.
fn assert_refused_everywhere_but_both(d: &Diary) {
    let mut vault = unlocked(&d.path);
    let out = d.dir.path().join("handover.age");
    match handover(&mut vault, &out) {
        Err(Error::Tampered { place, why }) => assert_eq!(place, "exhibit AB/1", "{why}"),
        other => panic!("the handover was not refused as tampered: {other:?}"),
    }
    assert!(!out.exists());
    for x in [&d.first, &d.second] {
        assert!(matches!(
            vault.copy_original(x, &mut std::io::sink()),
            Err(Error::Tampered { .. })
        ));
    }
    let failure = vault.verify().expect("verify runs").failure.expect("fails");
    assert_eq!(failure.exhibit.as_deref(), Some("AB/1"));
}
