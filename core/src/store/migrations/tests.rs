//! The migrations themselves, and a diary made by every earlier schema version
//! opening with the current code: the schema is brought up to date, the entries read
//! back, the chain verifies, and what the newer schema added (evidence) works.

use super::*;
use crate::incident::{Incident, Occurred};
use crate::vault::{CreateOptions, Vault};
use crate::SecretString;

#[test]
fn versions_are_numbered_in_order_from_one() {
    for (i, m) in MIGRATIONS.iter().enumerate() {
        assert_eq!(m.version as usize, i + 1);
    }
}

#[test]
fn migrating_twice_is_harmless() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate(&mut conn).unwrap();
    migrate(&mut conn).unwrap();
    assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
}

#[test]
fn newer_schema_is_refused() {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    assert!(matches!(migrate(&mut conn), Err(Error::NotAVault(_))));
}

const PASS: &str = "correct horse battery staple";

fn secret() -> SecretString {
    SecretString::from(PASS.to_string())
}

fn incident(text: &str) -> Incident {
    Incident::new(
        Occurred::parse("2026-11-01 20:15", None, false, "Europe/London").unwrap(),
        text,
    )
}

fn user_version(path: &std::path::Path) -> u32 {
    let conn = Connection::open(path).unwrap();
    version(&conn).unwrap()
}

fn tables(path: &std::path::Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    let mut names = Vec::new();
    for name in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        names.push(name.unwrap());
    }
    names
}

// There is at least one older schema to migrate from.
const _: () = assert!(SCHEMA_VERSION >= 2);

#[test]
fn the_last_migration_is_the_current_schema() {
    assert_eq!(MIGRATIONS.last().unwrap().version, SCHEMA_VERSION);
}

#[test]
fn every_earlier_schema_migrates_to_the_current_one() {
    for old in 1..SCHEMA_VERSION {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(format!("schema-{old}.daybook"));
        let (mut vault, _) = Vault::create_at_schema(
            &path,
            secret(),
            CreateOptions {
                scrypt_log_n: Some(10),
                ..Default::default()
            },
            old,
        )
        .unwrap();
        // Only entries: schema 1 has no exhibit tables.
        let a = vault
            .add(incident(&format!("written at schema {old}")))
            .unwrap();
        let b = vault.add(incident("second")).unwrap();
        vault.amend(b, incident("second, amended")).unwrap();
        let c = vault.add(incident("to withdraw")).unwrap();
        vault.withdraw(c, "made a mistake").unwrap();
        let fingerprint = vault.fingerprint().unwrap();
        drop(vault);
        // Nothing has migrated the file yet.
        assert_eq!(user_version(&path), old, "schema {old}");
        if old < 2 {
            assert!(!tables(&path).contains(&"exhibits".to_string()));
        }

        let mut vault = Vault::open(&path).unwrap();
        assert_eq!(user_version(&path), SCHEMA_VERSION, "from schema {old}");
        for table in ["exhibits", "exhibit_chunks", "thumbnails"] {
            assert!(tables(&path).contains(&table.to_string()), "{table}");
        }
        // Locked add works straight after migrating.
        let d = vault.add(incident("locked after migrating")).unwrap();
        assert_eq!(d, 4);
        vault.unlock(&secret()).unwrap();
        assert_eq!(vault.info().unwrap().schema_version, SCHEMA_VERSION);
        let entries = vault.entries().unwrap();
        assert_eq!(entries.len(), 4);
        assert_eq!(
            entries[(a - 1) as usize]
                .incident
                .as_ref()
                .unwrap()
                .description,
            format!("written at schema {old}")
        );
        assert_eq!(entries[(b - 1) as usize].revisions, 2);
        assert_eq!(entries[(c - 1) as usize].status.key(), "withdrawn");
        assert!(entries[3].written_while_locked);
        assert_eq!(vault.history(b).unwrap().len(), 2);
        // The locked note joined the chain at unlock.
        assert_ne!(vault.fingerprint().unwrap(), fingerprint);
        let report = vault.verify().unwrap();
        assert!(report.ok(), "from schema {old}: {report:?}");

        // What the new schema added works.
        let exhibit = vault
            .attach_reader(
                a,
                &mut &b"a text message, saved"[..],
                "message.txt",
                "copied",
            )
            .unwrap();
        assert_eq!(exhibit.entry_number, a);
        let mut copy = Vec::new();
        let (sha, size) = vault.copy_original(&exhibit, &mut copy).unwrap();
        assert_eq!(copy, b"a text message, saved");
        assert_eq!((sha, size), (exhibit.sha256.clone(), 21));
        assert_eq!(vault.entry(a).unwrap().exhibits, vec![exhibit.mark.clone()]);
        let report = vault.verify().unwrap();
        assert!(
            report.ok(),
            "from schema {old}, after attaching: {report:?}"
        );
        drop(vault);

        // And it stays current on the next open.
        let mut vault = Vault::open(&path).unwrap();
        vault.unlock(&secret()).unwrap();
        assert_eq!(vault.entries().unwrap().len(), 4);
        assert_eq!(user_version(&path), SCHEMA_VERSION);
    }
}
