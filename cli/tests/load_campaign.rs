//! The load campaign: several processes on one diary at once, as when the app and the
//! command line (or two scripts) are used together. Half the workers run the
//! `daybook` command line over and over (add, attach, list, show), the other half
//! are this test binary started again as a child that uses the core alone (one open
//! `Vault` doing the same). Afterwards every save any of them was told had been made
//! is in the diary, whole, `verify` passes, and no worker was ever shown "database is
//! locked" (or any other error).
//!
//! The small run (4 processes, about 12 s) is part of `make test`; the full one (10
//! processes for 10 minutes) is in `make reliability` and writes its figures into
//! docs/reliability.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
#[path = "../../core/tests/figures/mod.rs"]
mod figures;
#[path = "../../core/tests/seed/mod.rs"]
mod seed;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use daybook_core::incident::{Incident, Occurred};
use daybook_core::{SecretString, Vault};

/// Set in a child started to be a core worker:
/// `<vault>|<folder>|<seconds>|<seed>|<n>|<longest pause in ms>`.
const WORKER_ENV: &str = "DAYBOOK_LOAD_WORKER";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Add,
    Attach,
    List,
    Show,
}

impl Kind {
    fn draw(rng: &mut seed::Rng) -> Kind {
        match rng.below(10) {
            0..=3 => Kind::Add,
            4..=5 => Kind::Attach,
            6..=7 => Kind::List,
            _ => Kind::Show,
        }
    }

    fn parse(s: &str) -> Kind {
        match s {
            "Add" => Kind::Add,
            "Attach" => Kind::Attach,
            "List" => Kind::List,
            _ => Kind::Show,
        }
    }
}

/// One operation as a worker saw it: what, how long, and what it was told. One line
/// of a worker's log: `kind ms ok|error what`, `what` being the saved entry's text
/// and number (`text=number`) or the attached file's SHA-256 (`sha=mark`), or the
/// error.
struct Done {
    kind: Kind,
    ms: u128,
    outcome: Result<Option<(String, String)>, String>,
}

impl Done {
    fn line(&self) -> String {
        match &self.outcome {
            Ok(Some((a, b))) => format!("{:?} {} ok {a}={b}", self.kind, self.ms),
            Ok(None) => format!("{:?} {} ok -", self.kind, self.ms),
            Err(e) => format!("{:?} {} error {}", self.kind, self.ms, e.replace('\n', " ")),
        }
    }

    fn parse(line: &str) -> Done {
        let mut parts = line.splitn(4, ' ');
        let kind = Kind::parse(parts.next().unwrap());
        let ms = parts.next().unwrap().parse().unwrap();
        let ok = parts.next().unwrap() == "ok";
        let rest = parts.next().unwrap_or("").to_string();
        let outcome = if !ok {
            Err(rest)
        } else if rest == "-" {
            Ok(None)
        } else {
            let (a, b) = rest.split_once('=').unwrap();
            Ok(Some((a.to_string(), b.to_string())))
        };
        Done { kind, ms, outcome }
    }
}

/// A small file of random bytes to attach; returns its path and SHA-256.
fn evidence_file(dir: &Path, rng: &mut seed::Rng) -> (PathBuf, String) {
    use sha2::Digest;
    let len = 4096 + rng.below(60 * 1024);
    let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
    let path = dir.join(format!("evidence-{}.bin", rng.next()));
    std::fs::write(&path, &bytes).unwrap();
    (path, hex::encode(sha2::Sha256::digest(&bytes)))
}

fn when() -> Occurred {
    Occurred::parse("2026-11-01 20:15", None, false, "Europe/London").unwrap()
}

/// One operation through the core alone.
fn core_op(v: &mut Vault, kind: Kind, text: &str, dir: &Path, rng: &mut seed::Rng) -> Done {
    let started = Instant::now();
    let outcome = match kind {
        Kind::Add => v
            .add(Incident::new(when(), text))
            .map(|n| Some((text.to_string(), n.to_string()))),
        Kind::Attach => {
            let (file, sha) = evidence_file(dir, rng);
            let r = v.attach(1, &file, "load").map(|x| Some((sha, x.mark)));
            let _ = std::fs::remove_file(file);
            r
        }
        Kind::List => v.entries().map(|_| None),
        Kind::Show => v.entry(1).map(|_| None),
    };
    Done {
        kind,
        ms: started.elapsed().as_millis(),
        outcome: outcome.map_err(|e| e.to_string()),
    }
}

/// One operation through the command line (a new process each time).
fn cli_op(
    vault: &Path,
    pass: &Path,
    kind: Kind,
    text: &str,
    dir: &Path,
    rng: &mut seed::Rng,
) -> Done {
    let started = Instant::now();
    let mut file = None;
    let args: Vec<String> = match kind {
        Kind::Add => ["add", "--occurred", "2026-11-01 20:15", "--what", text]
            .map(String::from)
            .to_vec(),
        Kind::Attach => {
            let (path, sha) = evidence_file(dir, rng);
            let args = vec![
                "attach".into(),
                "1".into(),
                path.to_str().unwrap().into(),
                "--how".into(),
                "load".into(),
            ];
            file = Some((path, sha));
            args
        }
        Kind::List => vec!["list".into(), "--json".into()],
        Kind::Show => vec!["show".into(), "1".into()],
    };
    let out = command(vault)
        .arg("--passphrase-file")
        .arg(pass)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let ms = started.elapsed().as_millis();
    let run = Run::from_output(out);
    let outcome = if run.code != 0 {
        Err(format!("exit {}: {}", run.code, run.stderr.trim()))
    } else {
        Ok(match (kind, file) {
            (Kind::Add, _) => Some((text.to_string(), run.stdout.trim().to_string())),
            (Kind::Attach, Some((path, sha))) => {
                let _ = std::fs::remove_file(path);
                let mark = run
                    .stdout
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string();
                Some((sha, mark))
            }
            _ => None,
        })
    };
    Done { kind, ms, outcome }
}

/// The child side: a core worker, when this binary was started as one.
#[test]
fn load_core_worker() {
    let Ok(spec) = std::env::var(WORKER_ENV) else {
        return; // an ordinary test run: nothing to do
    };
    let parts: Vec<&str> = spec.split('|').collect();
    let (vault, dir) = (Path::new(parts[0]), Path::new(parts[1]));
    let seconds: u64 = parts[2].parse().unwrap();
    let mut rng = seed::Rng::new(parts[3].parse().unwrap());
    let n = parts[4];
    let pause: usize = parts[5].parse().unwrap();
    let mut log = std::fs::File::create(dir.join("log.txt")).unwrap();
    let started = Instant::now();
    let opened = Instant::now();
    let mut v = Vault::open(vault).unwrap();
    v.unlock(&SecretString::from(PASS.to_string())).unwrap();
    writeln!(
        log,
        "{:?} {} ok -",
        Kind::List,
        opened.elapsed().as_millis()
    )
    .unwrap();
    let mut i = 0;
    while started.elapsed() < Duration::from_secs(seconds) {
        // A person in the app pauses between saves (the command line's processes
        // take their own time to start).
        std::thread::sleep(Duration::from_millis(rng.below(pause + 1) as u64));
        let kind = Kind::draw(&mut rng);
        let d = core_op(
            &mut v,
            kind,
            &format!("core worker {n}, save {i}"),
            dir,
            &mut rng,
        );
        writeln!(log, "{}", d.line()).unwrap();
        i += 1;
    }
}

/// Starts this binary again as core worker `n`.
fn spawn_core_worker(
    vault: &Path,
    dir: &Path,
    (seconds, pause): (u64, usize),
    seed: u64,
    n: usize,
) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "load_core_worker",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            WORKER_ENV,
            format!(
                "{}|{}|{seconds}|{seed}|{n}|{pause}",
                vault.display(),
                dir.display()
            ),
        )
        .env("DAYBOOK_TEST_FAILURE_DELAY_MS", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[derive(Default)]
struct Tally {
    ops: usize,
    ms: Vec<u128>,
    worst_ms: u128,
    errors: usize,
}

struct Outcome {
    seed: u64,
    by_kind: BTreeMap<(&'static str, Kind), Tally>,
    seconds: f64,
    saves_checked: usize,
    entries: usize,
    exhibits: usize,
}

/// `processes` workers for `seconds`, the core ones pausing up to `pause` ms
/// between operations.
fn campaign(name: &str, processes: usize, seconds: u64, pause: usize) -> Outcome {
    let seed = seed::seed(name);
    let mut rng = seed::Rng::new(seed);
    let diary = Diary::new();
    diary.add(&[
        "--occurred",
        "2026-11-01 20:15",
        "--what",
        "the first entry",
    ]);
    let started = Instant::now();
    let mut core_children = Vec::new();
    let mut cli_threads = Vec::new();
    let dirs: Vec<tempfile::TempDir> = (0..processes)
        .map(|_| tempfile::tempdir().unwrap())
        .collect();
    for (n, dir) in dirs.iter().enumerate() {
        let worker_seed = rng.next();
        if n % 2 == 0 {
            let (vault, pass, dir) = (
                diary.path.clone(),
                diary.pass_file.clone(),
                dir.path().to_path_buf(),
            );
            cli_threads.push(std::thread::spawn(move || {
                let mut rng = seed::Rng::new(worker_seed);
                let mut done = Vec::new();
                let started = Instant::now();
                let mut i = 0;
                while started.elapsed() < Duration::from_secs(seconds) {
                    let kind = Kind::draw(&mut rng);
                    let text = format!("command line worker {n}, save {i}");
                    done.push(cli_op(&vault, &pass, kind, &text, &dir, &mut rng));
                    i += 1;
                }
                done
            }));
        } else {
            core_children.push((
                dir,
                spawn_core_worker(&diary.path, dir.path(), (seconds, pause), worker_seed, n),
            ));
        }
    }
    let mut all: Vec<(&'static str, Done)> = Vec::new();
    for t in cli_threads {
        all.extend(t.join().unwrap().into_iter().map(|d| ("command line", d)));
    }
    for (dir, child) in core_children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a core worker failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let log = std::fs::read_to_string(dir.path().join("log.txt")).unwrap();
        all.extend(log.lines().map(|l| ("core", Done::parse(l))));
    }
    let elapsed = started.elapsed().as_secs_f64();

    // Nothing shown to anyone as an error, and above all not "database is locked".
    let errors: Vec<String> = all
        .iter()
        .filter_map(|(who, d)| {
            d.outcome
                .as_ref()
                .err()
                .map(|e| format!("{who} {:?}: {e}", d.kind))
        })
        .collect();
    assert!(
        errors.is_empty(),
        "{name} (seed {seed}): {} operations failed, the first: {}",
        errors.len(),
        errors[0]
    );

    // Every acknowledged save is there, whole; the diary verifies.
    let mut v = Vault::open(&diary.path).unwrap();
    v.unlock(&SecretString::from(PASS.to_string())).unwrap();
    let report = v.verify().unwrap();
    assert!(
        report.ok(),
        "{name} (seed {seed}): verify failed: {report:?}"
    );
    let entries: BTreeMap<String, String> = v
        .entries()
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                e.number.to_string(),
                e.incident.map(|i| i.description).unwrap_or_default(),
            )
        })
        .collect();
    let exhibits: BTreeMap<String, String> = v
        .exhibits(None)
        .unwrap()
        .into_iter()
        .map(|x| (x.mark, x.sha256))
        .collect();
    let mut saves_checked = 0;
    for (who, d) in &all {
        let Ok(Some((what, place))) = &d.outcome else {
            continue;
        };
        let found = match d.kind {
            Kind::Add => entries.get(place),
            _ => exhibits.get(place),
        };
        assert_eq!(
            found,
            Some(what),
            "{name} (seed {seed}): {who} was told {:?} was saved as {place}, but the diary holds {found:?}",
            d.kind
        );
        saves_checked += 1;
    }
    let mut by_kind: BTreeMap<(&'static str, Kind), Tally> = BTreeMap::new();
    for (who, d) in &all {
        let t = by_kind.entry((*who, d.kind)).or_default();
        t.ops += 1;
        t.ms.push(d.ms);
        t.worst_ms = t.worst_ms.max(d.ms);
        t.errors += usize::from(d.outcome.is_err());
    }
    Outcome {
        seed,
        by_kind,
        seconds: elapsed,
        saves_checked,
        entries: entries.len(),
        exhibits: exhibits.len(),
    }
}

fn table(o: &Outcome) -> String {
    let mut s = String::from(
        "| process | operation | done | per second | median (ms) | 99th percentile (ms) | worst wait (ms) | errors |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for ((who, kind), t) in &o.by_kind {
        let mut ms = t.ms.clone();
        ms.sort_unstable();
        let at = |q: f64| ms[((ms.len() - 1) as f64 * q) as usize];
        writeln!(
            s,
            "| {who} | {kind:?} | {} | {:.1} | {} | {} | {} | {} |",
            t.ops,
            t.ops as f64 / o.seconds,
            at(0.5),
            at(0.99),
            t.worst_ms,
            t.errors
        )
        .unwrap();
    }
    let total: usize = o.by_kind.values().map(|t| t.ops).sum();
    writeln!(
        s,
        "\n{total} operations in {:.0} s ({:.1} a second); {} acknowledged saves all found whole; \
         the diary ended with {} entries and {} evidence files, and verified.",
        o.seconds,
        total as f64 / o.seconds,
        o.saves_checked,
        o.entries,
        o.exhibits
    )
    .unwrap();
    s
}

#[test]
fn load_campaign_small() {
    if std::env::var(WORKER_ENV).is_ok() {
        return;
    }
    let o = campaign("load_campaign_small", 4, 10, 40);
    eprintln!("{}", table(&o));
    assert!(
        o.saves_checked > 0,
        "nothing was saved; the campaign proved nothing"
    );
}

#[test]
#[ignore = "long: make reliability"]
fn load_campaign_full() {
    if std::env::var(WORKER_ENV).is_ok() {
        return;
    }
    let started = Instant::now();
    let o = campaign("load_campaign_full", 10, 600, 200);
    let t = table(&o);
    eprintln!("{t}");
    figures::record(
        "load-campaign",
        &format!(
            "## Load campaign (cli/tests/load_campaign.rs, `load_campaign_full`)\n\n\
             10 processes on one diary for 10 minutes: 5 run the `daybook` command line \
             one command after another (each command a new process that opens and unlocks \
             the diary), 5 are core-only processes (the test binary started again, one open \
             diary each, as the app keeps it, pausing up to 200 ms between operations as a \
             person would). Each draws add (40%), attach of a 4 to 64 KiB \
             file (20%), list (20%) or show (20%). A wait is the time from the start of an \
             operation to its answer (for the command line, the whole process). No \
             operation may fail (none showed \"database is locked\"), every acknowledged \
             save must be in the diary whole, and the diary must verify.\n\n\
             {}\n\n{t}",
            figures::provenance(o.seed, started.elapsed())
        ),
    );
}
