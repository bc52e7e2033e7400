//! Benchmark: a handover of about 2 GB of evidence, against the standard tools.
//!
//! Run `cargo bench -p daybook-core --bench handover`. Set `DAYBOOK_BENCH_HANDOVER_MB`
//! for the total size of the evidence (default 2048 MB under `--bench`, 64 MB
//! otherwise), split over 8 files of incompressible pseudo-random bytes (xorshift), made
//! once in a temporary folder outside anything timed.
//!
//! What is measured:
//!
//! - `write_handover`: `Vault::write_handover` to an age X25519 key, from an unlocked
//!   vault to a synced file (reading every original out of the vault, decrypting it,
//!   checking its sealed header against the one recorded so that age's authentication
//!   proves every byte, re-encrypting it into the handover), in a child process, so
//!   that the child's peak resident memory (`VmHWM`) is the handover's alone (target
//!   ≤ 150 MB).
//! - `tar | age`: `tar -cf - -C DIR . | age -r KEY -o FILE` on the same original files
//!   (Debian's GNU tar and Go age), the floor a support worker would get by hand.
//! - The ratio of the two throughputs (target ≥ 0.8). Both are given the same page
//!   cache: the originals were just written; the vault was just filled.
//! - Where the time goes, for profiling: the reading half alone (`copy_original` to a
//!   sink: SQLite, age decryption, SHA-256), the same without the hash, SHA-256 alone
//!   in memory, and SQLite alone reading every chunk by one key lookup per chunk (as
//!   `ChunkReader` does) versus one sequential scan (with and without `mmap_size`).

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use daybook_core::crypto::Identity;
use daybook_core::incident::{Incident, Occurred};
use daybook_core::report::NoProgress;
use daybook_core::vault::{CreateOptions, HandoverKey, HandoverOptions, Vault};
use daybook_core::SecretString;

const PASS: &str = "a bench passphrase";
const FILES: u64 = 8;
const CHILD_ENV: &str = "DAYBOOK_BENCH_HANDOVER_CHILD";

fn secret() -> SecretString {
    SecretString::from(PASS.to_string())
}

/// Writes `bytes` of xorshift output to `path`.
fn random_file(path: &Path, bytes: u64, seed: u64) {
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let mut state = seed | 1;
    let mut block = vec![0u8; 1 << 20];
    let mut left = bytes;
    while left > 0 {
        for word in block.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = left.min(block.len() as u64) as usize;
        out.write_all(&block[..n]).unwrap();
        left -= n as u64;
    }
    out.flush().unwrap();
}

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// In the child: open, unlock, write the handover, print seconds and peak memory.
fn child(vault: &Path, out: &Path, key: &str) {
    let mut vault = Vault::open(vault).unwrap();
    vault.unlock(&secret()).unwrap();
    let recipient = daybook_core::crypto::Recipient::parse(key).unwrap();
    let options = HandoverOptions {
        from: None,
        to: None,
        redact_witnesses: false,
        include_withdrawn: true,
        key: HandoverKey::Recipient(recipient),
        include_private_notes: false,
        given_to: String::new(),
    };
    let before = vm_hwm_kb();
    let started = Instant::now();
    let manifest = vault
        .write_handover(out, &options, &NoProgress)
        .unwrap_or_else(|e| panic!("write_handover: {e}"));
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "CHILD seconds={seconds} hwm_kb={} hwm_before_kb={before} exhibits={}",
        vm_hwm_kb(),
        manifest.exhibits
    );
}

fn field(line: &str, name: &str) -> f64 {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {line:?}"))
}

/// Turns each of Daybook and `tar | age` gets.
const ROUNDS: usize = 5;

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        let mut parts = spec.splitn(3, '\n');
        let (vault, out, key) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        child(Path::new(vault), Path::new(out), key);
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let benching = args.iter().any(|a| a == "--bench");
    let total_mb: u64 = std::env::var("DAYBOOK_BENCH_HANDOVER_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 2048 } else { 64 });
    let file_bytes = total_mb * 1024 * 1024 / FILES;
    let total = file_bytes * FILES;

    let tmp = tempfile::tempdir().unwrap();
    let originals = tmp.path().join("originals");
    std::fs::create_dir(&originals).unwrap();
    let started = Instant::now();
    let paths: Vec<PathBuf> = (0..FILES)
        .map(|i| {
            let p = originals.join(format!("video-{i}.bin"));
            random_file(&p, file_bytes, 0x9e37_79b9_7f4a_7c15 ^ (i + 1));
            p
        })
        .collect();
    println!(
        "made {FILES} files of {:.0} MB of random bytes in {:.1?}",
        file_bytes as f64 / 1048576.0,
        started.elapsed()
    );

    let vault_path = tmp.path().join("bench.daybook");
    let started = Instant::now();
    {
        let (mut vault, _) = Vault::create(
            &vault_path,
            secret(),
            CreateOptions {
                scrypt_log_n: Some(10),
                initials: Some("AB".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let occurred = Occurred::parse("2026-10-01 20:15", None, false, "Europe/London").unwrap();
        let entry = vault
            .add(Incident::new(occurred, "Recordings of the calls"))
            .unwrap();
        for p in &paths {
            vault
                .attach(entry, p, "recording from my phone")
                .unwrap_or_else(|e| panic!("attach {}: {e}", p.display()));
        }
    }
    println!(
        "built a vault holding them ({:.0} MB) in {:.1?}",
        std::fs::metadata(&vault_path).unwrap().len() as f64 / 1048576.0,
        started.elapsed()
    );

    // Where the time goes: the reading half alone (SQLite, decryption, SHA-256),
    // and SQLite's part of it, read with and without memory mapping.
    let started = Instant::now();
    {
        let mut vault = Vault::open(&vault_path).unwrap();
        vault.unlock(&secret()).unwrap();
        for x in vault.exhibits(None).unwrap() {
            vault.copy_original(&x, &mut std::io::sink()).unwrap();
        }
    }
    let read_half_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    {
        let mut vault = Vault::open(&vault_path).unwrap();
        vault.unlock(&secret()).unwrap();
        for x in vault.exhibits(None).unwrap() {
            let mut reader = vault.original_reader(&x).unwrap();
            std::io::copy(&mut reader, &mut std::io::sink()).unwrap();
        }
    }
    let decrypt_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    {
        use sha2::Digest;
        let block = vec![7u8; 1 << 20];
        let mut hasher = sha2::Sha256::new();
        for _ in 0..total / (1 << 20) {
            hasher.update(&block);
        }
        std::hint::black_box(hasher.finalize());
    }
    let sha_s = started.elapsed().as_secs_f64();
    let sqlite_read = |mmap: bool| {
        let conn = rusqlite::Connection::open(&vault_path).unwrap();
        if mmap {
            let _: i64 = conn
                .query_row("PRAGMA mmap_size = 17179869184", [], |r| r.get(0))
                .unwrap();
        }
        let started = Instant::now();
        let mut stmt = conn
            .prepare("SELECT bytes FROM exhibit_chunks ORDER BY exhibit_id, idx")
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut n = 0u64;
        while let Some(row) = rows.next().unwrap() {
            n += row.get_ref(0).unwrap().as_blob().unwrap().len() as u64;
        }
        assert!(n >= total);
        started.elapsed().as_secs_f64()
    };
    // As `ChunkReader` reads: one primary-key lookup per 1 MiB chunk, with its raised
    // page cache. (In a WITHOUT ROWID table each lookup loads whole neighbouring
    // records to compare keys.)
    let sqlite_lookup_s = {
        let conn = rusqlite::Connection::open(&vault_path).unwrap();
        conn.pragma_update(None, "cache_size", -64 * 1024).unwrap();
        let ids: Vec<String> = conn
            .prepare("SELECT DISTINCT exhibit_id FROM exhibit_chunks")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let started = Instant::now();
        let mut n = 0u64;
        for id in &ids {
            for idx in 0i64.. {
                let chunk: Option<Vec<u8>> = conn
                    .query_row(
                        "SELECT bytes FROM exhibit_chunks WHERE exhibit_id = ?1 AND idx = ?2",
                        rusqlite::params![id, idx],
                        |r| r.get(0),
                    )
                    .ok();
                match chunk {
                    Some(c) => n += c.len() as u64,
                    None => break,
                }
            }
        }
        assert!(n >= total);
        started.elapsed().as_secs_f64()
    };
    let sqlite_pread_s = sqlite_read(false);
    let sqlite_mmap_s = sqlite_read(true);

    let identity = Identity::generate();
    let key = identity.recipient().to_string();

    // Daybook's handover, in a child process for an honest peak-memory figure.
    let out = tmp.path().join("handover.age");
    let in_child = || {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.env(
            CHILD_ENV,
            format!("{}\n{}\n{key}", vault_path.display(), out.display()),
        );
        let run = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success(),
            "the handover child failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let line = stdout
            .lines()
            .find(|l| l.starts_with("CHILD "))
            .expect("child result")
            .to_string();
        let size = std::fs::metadata(&out).unwrap().len();
        std::fs::remove_file(&out).unwrap();
        (
            field(&line, "seconds"),
            field(&line, "hwm_kb") / 1024.0,
            size,
        )
    };
    // The same files through GNU tar and Go age, to a file on the same disk.
    let plain = tmp.path().join("plain.age");
    let tools = || {
        let started = Instant::now();
        let status = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; tar -cf - -C '{}' . | age -r {key} -o '{}' && sync -f '{}'",
                originals.display(),
                plain.display(),
                plain.display()
            ))
            .status();
        let seconds = started.elapsed().as_secs_f64();
        let _ = std::fs::remove_file(&plain);
        matches!(status, Ok(s) if s.success()).then_some(seconds)
    };
    // Before each run, everything earlier is flushed to disk (building the vault
    // leaves gigabytes of dirty pages that would otherwise be written during the
    // first run), and the two take turns, five rounds each (this machine's disk
    // is a virtual one whose speed varies from run to run).
    let settle = || {
        let _ = Command::new("sync").status();
    };
    let mut daybook_runs = Vec::new();
    let mut tools_runs = Vec::new();
    let mut hwm_mb: f64 = 0.0;
    let mut handover_size = 0;
    for _ in 0..ROUNDS {
        settle();
        let (seconds, hwm, size) = in_child();
        daybook_runs.push(seconds);
        hwm_mb = hwm_mb.max(hwm);
        handover_size = size;
        settle();
        if let Some(seconds) = tools() {
            tools_runs.push(seconds);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "runs (s): daybook {:?}, tar | age {:?}",
        daybook_runs
            .iter()
            .map(|t| format!("{t:.2}"))
            .collect::<Vec<_>>(),
        tools_runs
            .iter()
            .map(|t| format!("{t:.2}"))
            .collect::<Vec<_>>()
    );
    let daybook_s = median(&mut daybook_runs);
    let tools_ok = tools_runs.len() == ROUNDS;
    let tools_s = if tools_ok {
        median(&mut tools_runs)
    } else {
        0.0
    };

    let mb = total as f64 / 1048576.0;
    println!();
    println!("handover of {mb:.0} MB of evidence ({FILES} files), to an age X25519 key:");
    println!(
        "  daybook write_handover : {daybook_s:7.2} s  {:7.1} MB/s  (median of 5; file {:.0} MB, synced)",
        mb / daybook_s,
        handover_size as f64 / 1048576.0
    );
    if tools_ok {
        println!(
            "  tar | age (Go)         : {tools_s:7.2} s  {:7.1} MB/s  (median of 5, synced)",
            mb / tools_s
        );
        let ratio = tools_s / daybook_s;
        println!(
            "  ratio daybook / tools  : {ratio:.2}  (target ≥ 0.80: {})",
            if ratio >= 0.8 { "met" } else { "MISSED" }
        );
    } else {
        println!("  tar | age: not measured (is Debian's `age` installed?)");
    }
    println!("where the time goes (same {mb:.0} MB):");
    println!(
        "  reading originals out of the vault (SQLite + age decrypt + SHA-256): {read_half_s:6.2} s  {:7.1} MB/s",
        mb / read_half_s
    );
    println!(
        "    of which SQLite + age decrypt (no hash):                          {decrypt_s:6.2} s  {:7.1} MB/s",
        mb / decrypt_s
    );
    println!(
        "    SHA-256 alone, in memory:                                         {sha_s:6.2} s  {:7.1} MB/s",
        mb / sha_s
    );
    println!(
        "  SQLite alone, one key lookup per chunk (as ChunkReader does):      {sqlite_lookup_s:6.2} s  {:7.1} MB/s",
        mb / sqlite_lookup_s
    );
    println!(
        "  SQLite alone, one sequential scan of every chunk:                  {sqlite_pread_s:6.2} s  {:7.1} MB/s",
        mb / sqlite_pread_s
    );
    println!(
        "  SQLite alone, reading every chunk with PRAGMA mmap_size:           {sqlite_mmap_s:6.2} s  {:7.1} MB/s",
        mb / sqlite_mmap_s
    );
    println!(
        "  peak resident memory of the handover process: {hwm_mb:.1} MB  (target ≤ 150 MB: {})",
        if hwm_mb <= 150.0 { "met" } else { "MISSED" }
    );
}
