//! Several writers on one diary file at once (each with its own `Vault`, as two
//! processes would have): every entry gets its own number, none is lost, and the
//! chain still verifies.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use daybook_core::incident::{Incident, Occurred};
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::SecretString;

const PASS: &str = "correct horse battery staple";
const EACH: u64 = 50;

fn secret() -> SecretString {
    SecretString::from(PASS.to_string())
}

fn incident(text: String) -> Incident {
    Incident::new(
        Occurred::parse("2026-11-01 20:15", None, false, "Europe/London").unwrap(),
        text,
    )
}

fn new_vault(dir: &Path) -> PathBuf {
    let path = dir.join("diary.daybook");
    Vault::create(
        &path,
        secret(),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )
    .unwrap();
    path
}

/// Starts one writer per entry of `unlock`, all at the same moment; each adds
/// `EACH` entries and returns (writer, number) pairs.
fn run_writers(path: &Path, unlock: &[bool]) -> Vec<(usize, u64)> {
    let barrier = Arc::new(Barrier::new(unlock.len()));
    let handles: Vec<_> = unlock
        .iter()
        .enumerate()
        .map(|(w, &unlocked)| {
            let path = path.to_path_buf();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let mut vault = Vault::open(&path).unwrap();
                if unlocked {
                    vault.unlock(&secret()).unwrap();
                }
                barrier.wait();
                (0..EACH)
                    .map(|i| {
                        let n = vault
                            .add(incident(format!("writer {w} entry {i}")))
                            .unwrap();
                        (w, n)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect()
}

fn check(path: &Path, added: &[(usize, u64)], writers: usize) {
    let total = EACH * writers as u64;
    let numbers: BTreeSet<u64> = added.iter().map(|(_, n)| *n).collect();
    assert_eq!(numbers.len() as u64, total, "numbers were handed out twice");
    assert_eq!(numbers, (1..=total).collect::<BTreeSet<_>>());

    let mut vault = Vault::open(path).unwrap();
    vault.unlock(&secret()).unwrap();
    let entries = vault.entries().unwrap();
    assert_eq!(entries.len() as u64, total);
    for (w, n) in added {
        let e = &entries[(*n - 1) as usize];
        assert_eq!(e.number, *n);
        let text = &e.incident.as_ref().unwrap().description;
        assert!(
            text.starts_with(&format!("writer {w} entry ")),
            "entry {n} says {text:?}"
        );
    }
    // Each writer's entries are in the order it wrote them.
    for w in 0..writers {
        let mine: Vec<u64> = added
            .iter()
            .filter(|(x, _)| *x == w)
            .map(|(_, n)| *n)
            .collect();
        assert!(mine.windows(2).all(|p| p[0] < p[1]));
    }
    let report = vault.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    assert_eq!(vault.info().unwrap().entries, total);
}

#[test]
fn two_unlocked_writers_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let path = new_vault(tmp.path());
    let added = run_writers(&path, &[true, true]);
    check(&path, &added, 2);
}

#[test]
fn an_unlocked_writer_and_a_locked_writer_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let path = new_vault(tmp.path());
    let added = run_writers(&path, &[true, false]);
    check(&path, &added, 2);
    let mut vault = Vault::open(&path).unwrap();
    vault.unlock(&secret()).unwrap();
    let locked_ones = vault
        .entries()
        .unwrap()
        .iter()
        .filter(|e| e.written_while_locked)
        .count() as u64;
    assert_eq!(locked_ones, EACH);
}

#[test]
fn a_reader_sees_what_another_writer_added() {
    let tmp = tempfile::tempdir().unwrap();
    let path = new_vault(tmp.path());
    let mut a = Vault::open(&path).unwrap();
    a.unlock(&secret()).unwrap();
    let mut b = Vault::open(&path).unwrap();
    b.unlock(&secret()).unwrap();
    a.add(incident("from a".into())).unwrap();
    assert_eq!(b.entries().unwrap().len(), 1);
    b.add(incident("from b".into())).unwrap();
    b.amend(1, incident("from a, amended by b".into())).unwrap();
    let seen = a.entries().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].incident.as_ref().unwrap().description,
        "from a, amended by b"
    );
    a.amend(2, incident("from b, amended by a".into())).unwrap();
    assert_eq!(b.entry(2).unwrap().revisions, 2);
    assert!(a.verify().unwrap().ok());
    assert!(b.verify().unwrap().ok());
}

#[test]
fn reading_while_another_process_saves_is_never_taken_for_tampering() {
    // The load campaign found `daybook list` refused with "the chain head: it names
    // change 53 but the last change is 54": the head and the count of changes were
    // read as two statements, and another process saved between them. Every read
    // that compares two rows must see one state of the file.
    let tmp = tempfile::tempdir().unwrap();
    let path = new_vault(tmp.path());
    {
        let mut v = Vault::open(&path).unwrap();
        v.unlock(&secret()).unwrap();
        v.make_receiving_key().unwrap();
        let settings = v.settings().unwrap();
        v.save_settings(&settings).unwrap();
    }
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (path, done) = (path.clone(), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut v = Vault::open(&path).unwrap();
            v.unlock(&secret()).unwrap();
            for i in 0..150 {
                v.add(incident(format!("saved while others read, {i}")))
                    .unwrap();
                if i % 10 == 0 {
                    let settings = v.settings().unwrap();
                    v.save_settings(&settings).unwrap();
                }
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        })
    };
    let mut reads = 0;
    while !done.load(std::sync::atomic::Ordering::SeqCst) {
        // As a new process would: open, unlock, read.
        let mut v = Vault::open(&path).unwrap();
        v.unlock(&secret()).unwrap();
        for _ in 0..5 {
            v.settings().unwrap();
            v.receiving_key().unwrap();
            v.fingerprint().unwrap();
            v.entries().unwrap();
            reads += 1;
        }
    }
    writer.join().unwrap();
    assert!(reads > 0);
}
