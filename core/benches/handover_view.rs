//! Opening a large handover to the case view: the index (seeking over every file's
//! data) must be quick; the full check reads every byte and may follow in the
//! background. Fixed input: a diary of 1,000 entries and one large original
//! (`DAYBOOK_BENCH_HANDOVER_MB`, default 2048). Figures are printed, not asserted.
//!
//! Run with `cargo bench -p daybook-core --bench handover_view` (`make bench`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::time::Instant;

use daybook_core::bundle::handover::Case;
use daybook_core::bundle::sealed::Key;
use daybook_core::incident::{Incident, Occurred};
use daybook_core::progress::NoProgress;
use daybook_core::vault::{CreateOptions, HandoverKey, HandoverOptions, Vault};
use daybook_core::SecretString;

const PASS: &str = "tulip-harbour-candle-meadow-river";

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let megabytes: u64 = std::env::var("DAYBOOK_BENCH_HANDOVER_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2048);
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _) = Vault::create(
        &dir.path().join("diary.daybook"),
        SecretString::from("bench passphrase long enough".to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            initials: Some("AB".into()),
            ..Default::default()
        },
    )
    .unwrap();
    for i in 0..1_000u32 {
        let when = Occurred::parse(
            &format!("2025-{:02}-{:02} 20:15", 1 + i % 12, 1 + i % 28),
            None,
            false,
            "Europe/London",
        )
        .unwrap();
        vault
            .add(Incident::new(
                when,
                format!("Entry {i}: he was outside again."),
            ))
            .unwrap();
    }
    let big = dir.path().join("video.bin");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        let block: Vec<u8> = (0..1024 * 1024).map(|i| (i * 31 % 251) as u8).collect();
        for _ in 0..megabytes {
            f.write_all(&block).unwrap();
        }
    }
    vault.attach(1, &big, "recording").unwrap();
    std::fs::remove_file(&big).unwrap();
    let out = dir.path().join("case.age");
    let started = Instant::now();
    vault
        .write_handover(
            &out,
            &HandoverOptions {
                from: None,
                to: None,
                redact_witnesses: false,
                include_withdrawn: true,
                key: HandoverKey::Passphrase(SecretString::from(PASS.to_string())),
                include_private_notes: false,
                given_to: String::new(),
            },
            &NoProgress,
        )
        .unwrap();
    let size = std::fs::metadata(&out).unwrap().len();
    println!(
        "handover/write {:.0} MB: {:.1} s",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let mut case = Case::open(&out, Key::Passphrase(SecretString::from(PASS.to_string()))).unwrap();
    println!(
        "handover/open to the case view ({} entries, {:.0} MB): {:.2} s (target ≤ 3 s; includes the passphrase's scrypt)",
        case.entries.len(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let found = case
        .entries
        .iter()
        .filter(|r| {
            r.entry
                .incident
                .as_ref()
                .is_some_and(|i| i.description.contains("outside"))
        })
        .count();
    println!(
        "handover/search 1,000 entries: {:.2} ms ({found} found)",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let started = Instant::now();
    let passed = case.check(&NoProgress).unwrap().passed;
    println!(
        "handover/full check {:.0} MB: {:.1} s (passed: {passed}; runs after the case is shown)",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}
