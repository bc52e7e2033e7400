//! Attaching evidence: how long the whole attach takes (hash, EXIF, preview, seal,
//! commit) and how much memory it needs.
//!
//! 1. A 12-megapixel JPEG (4000 × 3000, generated with realistic noise, ~5 MB).
//!    Targets: ≤ 150 ms and ≤ 150 MB resident.
//! 2. A 1 GiB file: throughput, against the `age` command line encrypting the same
//!    file to one recipient in the same run. Target: ≥ 0.8 × age's throughput.
//!
//! Each attach runs in a fresh child process (this binary with `child-attach`), so
//! its peak resident memory (VmHWM) is its own. Run with
//! `cargo bench -p daybook-core --bench evidence`.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use daybook_core::evidence::{media_type, metadata, thumbnail};
use daybook_core::incident::{Incident, Occurred};
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::SecretString;
use sha2::{Digest, Sha256};

const PASSPHRASE: &str = "a long bench passphrase";
const MIB: f64 = 1024.0 * 1024.0;

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// In a child: make a vault in `dir`, attach `file` `times` times, print
/// `ms,ms,…;peak_kib`.
fn child_attach(dir: &Path, file: &Path, times: usize) {
    let path = dir.join("bench.daybook");
    let (mut vault, _) = Vault::create(
        &path,
        SecretString::from(PASSPHRASE.to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            initials: Some("AB".into()),
            ..Default::default()
        },
    )
    .expect("create");
    let when = Occurred::parse("2026-11-01 20:15", None, false, "Europe/London").expect("when");
    let entry = vault.add(Incident::new(when, "bench")).expect("add");
    let mut times_ms = Vec::new();
    for _ in 0..times {
        let started = Instant::now();
        let x = vault.attach(entry, file, "bench").expect("attach");
        times_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(x.size > 0);
    }
    let list: Vec<String> = times_ms.iter().map(|t| format!("{t:.1}")).collect();
    println!("{};{}", list.join(","), peak_kib());
}

/// Runs `child-attach` in a new process; returns the attach times and its peak.
fn attach_in_child(file: &Path, times: usize) -> (Vec<f64>, u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(std::env::current_exe().expect("exe"))
        .arg("child-attach")
        .arg(dir.path())
        .arg(file)
        .arg(times.to_string())
        .output()
        .expect("child");
    assert!(
        out.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().expect("child output");
    let (list, peak) = line.split_once(';').expect("child output");
    let times = list.split(',').map(|t| t.parse().expect("time")).collect();
    (times, peak.trim().parse().expect("peak"))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// A 4000 × 3000 photo-like JPEG: smooth shapes plus sensor-like noise.
fn twelve_megapixel_jpeg(path: &Path) -> usize {
    let mut x: u32 = 0x9E37_79B9;
    let img = image::RgbImage::from_fn(4000, 3000, |px, py| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let n = (x & 0x1F) as i32 - 16;
        let base = |v: f32| v.clamp(0.0, 255.0);
        let (fx, fy) = (px as f32 / 4000.0, py as f32 / 3000.0);
        let r = base(120.0 + 90.0 * (fx * 9.0).sin() * (fy * 5.0).cos());
        let g = base(110.0 + 70.0 * (fy * 7.0 + fx * 3.0).sin());
        let b = base(100.0 + 80.0 * ((fx - 0.5).powi(2) + (fy - 0.5).powi(2)).sqrt());
        let c = |v: f32| (v as i32 + n).clamp(0, 255) as u8;
        image::Rgb([c(r), c(g), c(b)])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&img)
        .expect("encode");
    std::fs::write(path, &bytes).expect("write");
    bytes.len()
}

fn phases(path: &Path) {
    let started = Instant::now();
    let bytes = std::fs::read(path).expect("read");
    let sha = Sha256::digest(&bytes);
    let t_hash = started.elapsed();
    let started = Instant::now();
    let kind = media_type::sniff(&bytes[..4096]);
    let md = metadata::read(path, kind);
    let t_meta = started.elapsed();
    let started = Instant::now();
    let thumb = thumbnail::make(path, kind, md.orientation).expect("thumbnail");
    let t_thumb = started.elapsed();
    println!(
        "    phases: read+SHA-256 {:.1} ms, metadata {:.1} ms, preview {:.1} ms ({}x{}, {} bytes); sha {}",
        ms(t_hash),
        ms(t_meta),
        ms(t_thumb),
        thumb.width,
        thumb.height,
        thumb.jpeg.len(),
        &hex::encode(sha)[..12]
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn bench_photo(dir: &Path) {
    let path = dir.join("IMG_4000x3000.jpg");
    let len = twelve_megapixel_jpeg(&path);
    println!("1. attach a 12-megapixel JPEG ({:.1} MB)", len as f64 / 1e6);
    phases(&path);
    // Warm-up and ten attaches in one process.
    let (mut in_one, peak_many) = attach_in_child(&path, 10);
    // Five fresh processes, one attach each.
    let mut fresh = Vec::new();
    let mut peak = 0;
    for _ in 0..5 {
        let (t, p) = attach_in_child(&path, 1);
        fresh.extend(t);
        peak = peak.max(p);
    }
    let first = in_one[0];
    let warm = median(&mut in_one[1..]);
    println!(
        "    attach, median of 9 warm: {warm:.1} ms (first in process {first:.1} ms); \
         fresh process median of 5: {:.1} ms",
        median(&mut fresh)
    );
    println!(
        "    peak resident: {:.1} MB (one attach), {:.1} MB (ten attaches)  \
         [targets: ≤ 150 ms, ≤ 150 MB]",
        peak as f64 / 1024.0,
        peak_many as f64 / 1024.0
    );
}

/// 1 GiB of incompressible bytes (a random MiB repeated with a varying stamp).
fn gigabyte_file(path: &Path) -> u64 {
    use std::io::Write;
    let mut block = vec![0u8; 1 << 20];
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for b in block.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = (x >> 32) as u8;
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for i in 0u64..1024 {
        block[..8].copy_from_slice(&i.to_le_bytes());
        out.write_all(&block).expect("write");
    }
    out.flush().expect("flush");
    1 << 30
}

/// Best of three runs of `run`, in seconds.
fn best_of_three(mut run: impl FnMut() -> Option<()>) -> Option<f64> {
    let mut best = f64::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        run()?;
        best = best.min(started.elapsed().as_secs_f64());
    }
    Some(best)
}

/// The `age` command line encrypting `file` to one recipient, writing the result to
/// a file on the same disk (as a person would), and the same followed by a sync of
/// that file (Daybook's attach is on disk when it returns; age's output is not).
/// Returns (unsynced, synced) throughput in MiB/s.
fn age_throughput(dir: &Path, file: &Path, len: u64) -> Option<(f64, f64)> {
    let key = dir.join("age-key.txt");
    let made = Command::new("age-keygen")
        .arg("-o")
        .arg(&key)
        .output()
        .ok()?;
    if !made.status.success() {
        println!(
            "    age-keygen failed: {}",
            String::from_utf8_lossy(&made.stderr)
        );
        return None;
    }
    let text = std::fs::read_to_string(&key).ok()?;
    let recipient = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))?
        .trim()
        .to_string();
    let out = dir.join("age-out.age");
    let encrypt = |sync: bool| {
        let _ = std::fs::remove_file(&out);
        let status = Command::new("age")
            .args(["-r", &recipient, "-o"])
            .arg(&out)
            .arg(file)
            .status()
            .ok()?;
        if !status.success() {
            return None;
        }
        if sync {
            std::fs::File::open(&out).ok()?.sync_all().ok()?;
        }
        Some(())
    };
    let plain = best_of_three(|| encrypt(false))?;
    let synced = best_of_three(|| encrypt(true))?;
    let _ = std::fs::remove_file(&out);
    let mib = len as f64 / MIB;
    println!(
        "    age -r … -o FILE: best of 3 {plain:.2} s = {:.0} MiB/s; \
         with a sync of FILE: {synced:.2} s = {:.0} MiB/s",
        mib / plain,
        mib / synced
    );
    Some((mib / plain, mib / synced))
}

/// The age crate (the library Daybook uses) encrypting the file to a file, for
/// reference: how much of the attach is encryption on this CPU.
fn age_crate_throughput(dir: &Path, file: &Path, len: u64) -> f64 {
    use daybook_core::crypto::{Identity, SealWriter};
    let recipient = Identity::generate().recipient();
    let out_path = dir.join("crate-out.age");
    let best = best_of_three(|| {
        let mut input = std::fs::File::open(file).ok()?;
        let out = std::fs::File::create(&out_path).ok()?;
        let mut sealer = SealWriter::to_recipient(&recipient, out).ok()?;
        std::io::copy(&mut input, &mut sealer).ok()?;
        sealer.finish().ok()?;
        Some(())
    })
    .unwrap_or(f64::MAX);
    let _ = std::fs::remove_file(&out_path);
    let mbps = len as f64 / MIB / best;
    println!("    age crate to a file, for reference: best of 3 {best:.2} s = {mbps:.0} MiB/s");
    mbps
}

fn bench_gigabyte(dir: &Path) {
    let path = dir.join("gigabyte.bin");
    let len = gigabyte_file(&path);
    println!("2. attach a 1 GiB file");
    // Parts of the work, in this process, for comparison.
    let mut file = std::fs::File::open(&path).expect("open");
    let mut buf = vec![0u8; 256 * 1024];
    let mut hasher = Sha256::new();
    let started = Instant::now();
    loop {
        let n = file.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let _ = hasher.finalize();
    let t = started.elapsed().as_secs_f64();
    println!(
        "    read + SHA-256 alone: {:.0} MiB/s",
        len as f64 / MIB / t
    );

    let age = age_throughput(dir, &path, len);
    let _ = age_crate_throughput(dir, &path, len);
    let mut best = f64::MAX;
    let mut peak = 0;
    for _ in 0..2 {
        let (t, p) = attach_in_child(&path, 1);
        best = best.min(t[0] / 1000.0);
        peak = peak.max(p);
    }
    let mbps = len as f64 / MIB / best;
    println!(
        "    attach (read, hash, seal, store, commit; on disk when it returns): best of 2 {best:.2} s = {mbps:.0} MiB/s, peak resident {:.1} MB",
        peak as f64 / 1024.0
    );
    match age {
        Some((plain, synced)) => println!(
            "    ratio to age writing a file: {:.2}; to age writing and syncing a file: {:.2}  [target ≥ 0.8]",
            mbps / plain,
            mbps / synced
        ),
        None => println!("    age CLI not available: no ratio"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child-attach") {
        let times = args.get(4).and_then(|t| t.parse().ok()).unwrap_or(1);
        child_attach(&PathBuf::from(&args[2]), &PathBuf::from(&args[3]), times);
        return;
    }
    // `cargo bench` passes `--bench`; a filter word picks one benchmark.
    let filter = args
        .iter()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_default();
    let dir = tempfile::tempdir().expect("temp dir");
    if filter.is_empty() || "photo".contains(filter.as_str()) {
        bench_photo(dir.path());
    }
    if filter.is_empty() || "gigabyte".contains(filter.as_str()) {
        bench_gigabyte(dir.path());
    }
}
