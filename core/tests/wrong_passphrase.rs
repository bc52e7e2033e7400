//! A wrong passphrase (or recovery code) is refused with a clear kind, changes nothing
//! in the file but the count of recent failures (`meta.failed_unlocks`), and each
//! further failure waits longer; the count is in the file, so the wait survives a
//! restart (cli/tests/cli.rs checks that across processes).
//!
//! The failure count is process-wide, so the two tests must not share a process:
//! `the_wait_grows_with_each_failure_and_resets` is the one test anywhere that
//! checks the real waits (0.5 s, 1 s, 2 s …); `wrong_passphrases_change_nothing`
//! runs itself again in a child process of this test binary with the debug-build
//! `DAYBOOK_TEST_FAILURE_DELAY_MS` set, so it checks the file without the waits.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod rows;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use daybook_core::incident::{Incident, Occurred};
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::{Error, SecretString};
use rows::rows_but_failures;
use sha2::{Digest, Sha256};

const PASS: &str = "correct horse battery staple";
/// Debug builds only: the first wait after a wrong passphrase, in milliseconds.
const FAST_DELAY_ENV: &str = "DAYBOOK_TEST_FAILURE_DELAY_MS";

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

/// The stored count of recent failures (0 when there is none).
fn stored_failures(path: &Path) -> u64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(
        "SELECT CAST(value AS TEXT) FROM meta WHERE name = 'failed_unlocks'",
        [],
        |r| r.get::<_, String>(0),
    )
    .map(|v| v.split_whitespace().next().unwrap().parse().unwrap())
    .unwrap_or(0)
}

fn timed_unlock(vault: &mut Vault, pass: &str) -> (Result<(), Error>, Duration) {
    let started = Instant::now();
    let result = vault.unlock(&secret(pass));
    (result, started.elapsed())
}

/// A closed diary with three entries and a quick note waiting in the inbox; returns
/// its path, recovery code and fingerprint from before the note.
fn diary(dir: &Path) -> (std::path::PathBuf, SecretString, String) {
    let path = dir.join("diary.daybook");
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
    (path, code, fingerprint)
}

/// In the parent test process: runs `test` again in a child process of this test
/// binary with the short wait, checks that it ran and passed, and returns `true`
/// (the caller stops). In that child: returns `false` (the caller runs the body).
fn ran_in_child_with_short_wait(test: &str) -> bool {
    if std::env::var_os(FAST_DELAY_ENV).is_some() {
        return false;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(FAST_DELAY_ENV, "1")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{test} in a child process:\n{said}");
    assert!(
        said.contains("1 passed"),
        "the child process ran no test:\n{said}"
    );
    true
}

#[test]
fn wrong_passphrases_change_nothing() {
    if ran_in_child_with_short_wait("wrong_passphrases_change_nothing") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (path, code, fingerprint) = diary(tmp.path());
    let before = settled_sha256(&path);
    let rows_before = rows_but_failures(&path);

    let mut v = Vault::open(&path).unwrap();
    let err = v
        .unlock(&secret("correct horse battery stapler"))
        .unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase));
    assert_eq!(err.kind(), "wrong_passphrase");
    assert_eq!(err.to_string(), "that passphrase does not open this diary");
    assert!(!v.is_unlocked());
    assert!(matches!(v.unlock(&secret("")), Err(Error::WrongPassphrase)));
    let err = v
        .recover(
            &secret("00000-00000-00000-00000-00000-00000"),
            secret("a new passphrase"),
        )
        .unwrap_err();
    assert!(matches!(err, Error::WrongRecoveryCode));
    assert_eq!(err.kind(), "wrong_recovery_code");
    assert!(matches!(
        v.change_passphrase(&secret("nope nope nope"), secret("a new passphrase")),
        Err(Error::WrongPassphrase)
    ));
    assert!(matches!(v.entries(), Err(Error::Locked)));
    drop(v);
    assert_ne!(settled_sha256(&path), before, "the failures were counted");
    assert_eq!(
        rows_but_failures(&path),
        rows_before,
        "a wrong passphrase changed something besides the count of failures"
    );
    assert_eq!(stored_failures(&path), 4);

    // The right passphrase still opens it, and the waiting note joins the chain.
    let mut v = Vault::open(&path).unwrap();
    v.unlock(&secret(PASS)).unwrap();
    assert_eq!(
        stored_failures(&path),
        0,
        "the right passphrase resets the count"
    );
    assert_eq!(v.entries().unwrap().len(), 4);
    assert_ne!(
        v.fingerprint().unwrap(),
        fingerprint,
        "the quick note joined the chain"
    );
    drop(v);
    // The recovery code itself still opens it.
    let mut v = Vault::open(&path).unwrap();
    v.recover(&code, secret("brand new passphrase")).unwrap();
    assert!(v.verify().unwrap().ok());
}

/// The real waits, as a person meets them: the first wrong passphrase waits at
/// least 0.4 s (0.5 s asked), each further failure (a wrong recovery code counts
/// too) longer, and the right passphrase starts again from the first wait.
#[test]
fn the_wait_grows_with_each_failure_and_resets() {
    assert!(
        std::env::var_os(FAST_DELAY_ENV).is_none(),
        "{FAST_DELAY_ENV} is set: this test checks the real waits"
    );
    let tmp = tempfile::tempdir().unwrap();
    let (path, _, _) = diary(tmp.path());
    let mut v = Vault::open(&path).unwrap();
    let (first, first_took) = timed_unlock(&mut v, "correct horse battery stapler");
    assert!(matches!(first, Err(Error::WrongPassphrase)));
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
    let started = Instant::now();
    let err = v
        .recover(
            &secret("00000-00000-00000-00000-00000-00000"),
            secret("a new passphrase"),
        )
        .unwrap_err();
    let third_took = started.elapsed();
    assert!(matches!(err, Error::WrongRecoveryCode));
    assert!(
        third_took > second_took,
        "{third_took:?} vs {second_took:?}"
    );
    drop(v);
    assert_eq!(stored_failures(&path), 3, "the count is kept in the file");

    // The right passphrase resets the wait.
    let mut v = Vault::open(&path).unwrap();
    v.unlock(&secret(PASS)).unwrap();
    drop(v);
    assert_eq!(stored_failures(&path), 0);
    let mut v = Vault::open(&path).unwrap();
    let (again, again_took) = timed_unlock(&mut v, "wrong again");
    assert!(matches!(again, Err(Error::WrongPassphrase)));
    assert!(
        again_took >= Duration::from_millis(400) && again_took < second_took,
        "{again_took:?} vs {second_took:?}"
    );
}
