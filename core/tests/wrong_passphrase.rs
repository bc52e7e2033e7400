//! A wrong passphrase (or recovery code) is refused with a clear kind, changes nothing
//! in the file, and each further failure in the same process waits longer. One test
//! in its own binary, because the failure count is process-wide.

use std::path::Path;
use std::time::{Duration, Instant};

use daybook_core::incident::{Incident, Occurred};
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::{Error, SecretString};
use sha2::{Digest, Sha256};

const PASS: &str = "correct horse battery staple";

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

/// Checkpoints the WAL into the main file, then hashes the main file.
fn settled_sha256(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal_len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert_eq!(wal_len, 0, "the WAL should be empty after a checkpoint");
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

fn timed_unlock(vault: &mut Vault, pass: &str) -> (Result<(), Error>, Duration) {
    let started = Instant::now();
    let result = vault.unlock(&secret(pass));
    (result, started.elapsed())
}

#[test]
fn wrong_passphrases_change_nothing_and_wait_longer_each_time() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("diary.daybook");
    let (mut vault, code) = Vault::create(
        &path,
        secret(PASS),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )
    .unwrap();
    for i in 0..3 {
        vault
            .add(Incident::new(
                Occurred::parse("2026-11-01 20:15", None, false, "Europe/London").unwrap(),
                format!("entry {i}"),
            ))
            .unwrap();
    }
    let fingerprint = vault.fingerprint().unwrap();
    drop(vault);
    // A note written while locked waits in the inbox: a wrong passphrase must not
    // move it either.
    let mut v = Vault::open(&path).unwrap();
    v.add(Incident::new(
        Occurred::parse("2026-11-02 20:15", None, false, "Europe/London").unwrap(),
        "quick note",
    ))
    .unwrap();
    drop(v);
    let before = settled_sha256(&path);

    let mut v = Vault::open(&path).unwrap();
    let (first, first_took) = timed_unlock(&mut v, "correct horse battery stapler");
    let err = first.unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase));
    assert_eq!(err.kind(), "wrong_passphrase");
    assert_eq!(err.to_string(), "that passphrase does not open this diary");
    assert!(!v.is_unlocked());
    let (second, second_took) = timed_unlock(&mut v, "");
    assert!(matches!(second, Err(Error::WrongPassphrase)));
    assert!(
        first_took >= Duration::from_millis(400),
        "the first failure waited only {first_took:?}"
    );
    assert!(
        second_took > first_took,
        "the second failure ({second_took:?}) should wait longer than the first ({first_took:?})"
    );
    // A wrong recovery code counts too, and also changes nothing.
    let started = Instant::now();
    let err = v
        .recover(
            &secret("00000-00000-00000-00000-00000-00000"),
            secret("a new passphrase"),
        )
        .unwrap_err();
    let third_took = started.elapsed();
    assert!(matches!(err, Error::WrongRecoveryCode));
    assert_eq!(err.kind(), "wrong_recovery_code");
    assert!(
        third_took > second_took,
        "{third_took:?} vs {second_took:?}"
    );
    assert!(matches!(
        v.change_passphrase(&secret("nope nope nope"), secret("a new passphrase")),
        Err(Error::WrongPassphrase)
    ));
    assert!(matches!(v.entries(), Err(Error::Locked)));
    drop(v);
    assert_eq!(
        settled_sha256(&path),
        before,
        "a wrong passphrase changed the file"
    );

    // The right passphrase resets the delay.
    let mut v = Vault::open(&path).unwrap();
    v.unlock(&secret(PASS)).unwrap();
    assert_eq!(v.entries().unwrap().len(), 4);
    assert_ne!(
        v.fingerprint().unwrap(),
        fingerprint,
        "the quick note joined the chain"
    );
    drop(v);
    let mut v = Vault::open(&path).unwrap();
    let (again, again_took) = timed_unlock(&mut v, "wrong again");
    assert!(matches!(again, Err(Error::WrongPassphrase)));
    assert!(
        again_took < second_took,
        "{again_took:?} vs {second_took:?}"
    );
    // The recovery code itself still opens it.
    v.recover(&code, secret("brand new passphrase")).unwrap();
    assert!(v.verify().unwrap().ok());
}
