//! Restoring a backup (with the passphrase, or with the recovery code when it is
//! forgotten) and checking a diary with progress and Cancel: what the app's first-run
//! screen and "Check my diary" call.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;

use daybook_core::incident::{Incident, Occurred};
use daybook_core::progress::{Progress, Unit};
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::{Error, ExposeSecret, SecretString};

const PASS: &str = "a long enough passphrase";

struct Watch {
    asked: Cell<u64>,
    cancel_after: Option<u64>,
    last: Cell<(u64, u64)>,
}

impl Progress for Watch {
    fn advanced(&self, done: u64, total: u64, unit: Unit) {
        assert_eq!(unit, Unit::Bytes);
        self.last.set((done, total));
    }
    fn cancelled(&self) -> bool {
        self.asked.set(self.asked.get() + 1);
        self.cancel_after.is_some_and(|n| self.asked.get() > n)
    }
}

fn diary(dir: &std::path::Path) -> (Vault, SecretString) {
    let (mut vault, code) = Vault::create(
        &dir.join("diary.daybook"),
        SecretString::from(PASS.to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            initials: Some("AB".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let when = Occurred::parse("2026-10-01 20:15", None, false, "Europe/London").unwrap();
    let n = vault
        .add(Incident::new(when, "He was outside again"))
        .unwrap();
    let file = dir.join("note.bin");
    std::fs::write(&file, vec![7u8; 3 * 1024 * 1024]).unwrap();
    vault.attach(n, &file, "").unwrap();
    (vault, code)
}

#[test]
fn check_reports_progress_and_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _) = diary(dir.path());
    let watch = Watch {
        asked: Cell::new(0),
        cancel_after: None,
        last: Cell::new((0, 0)),
    };
    let report = vault.verify_with_progress(&watch).unwrap();
    assert!(report.ok());
    assert_eq!(watch.last.get(), (3 * 1024 * 1024, 3 * 1024 * 1024));
    let cancel = Watch {
        asked: Cell::new(0),
        cancel_after: Some(2),
        last: Cell::new((0, 0)),
    };
    assert!(matches!(
        vault.verify_with_progress(&cancel),
        Err(Error::Cancelled)
    ));
    // Nothing was changed by stopping.
    assert!(vault.verify().unwrap().ok());
}

#[test]
fn restore_a_backup_with_the_recovery_code() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, code) = diary(dir.path());
    let fingerprint = vault.fingerprint().unwrap();
    let backup = dir.path().join("backup.daybook");
    vault.backup(&backup).unwrap();
    drop(vault);

    // A new computer: nothing there yet.
    let fresh = dir.path().join("new computer").join("diary.daybook");
    let wrong = Vault::restore_with_recovery_code(
        &backup,
        &fresh,
        &SecretString::from("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF".to_string()),
        SecretString::from("a brand new passphrase".to_string()),
    );
    assert!(wrong.is_err());
    assert!(!fresh.exists());
    let kept = Vault::restore_with_recovery_code(
        &backup,
        &fresh,
        &SecretString::from(code.expose_secret().to_string()),
        SecretString::from("a brand new passphrase".to_string()),
    )
    .unwrap();
    assert_eq!(kept, None);
    let mut restored = Vault::open(&fresh).unwrap();
    restored
        .unlock(&SecretString::from("a brand new passphrase".to_string()))
        .unwrap();
    assert_eq!(restored.fingerprint().unwrap(), fingerprint);
    assert!(restored.verify().unwrap().ok());
    // The backup itself is untouched: its own passphrase still opens it.
    let mut original = Vault::open(&backup).unwrap();
    original
        .unlock(&SecretString::from(PASS.to_string()))
        .unwrap();
}
