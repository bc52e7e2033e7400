//! Figures from the long campaigns (`make reliability`), written into
//! docs/reliability.md by the campaign itself: each campaign owns one section between
//! `<!-- begin NAME -->` and `<!-- end NAME -->` and replaces it on every full run.
//! Nothing in those sections is typed by hand.
#![allow(dead_code)]

use std::path::PathBuf;

/// docs/reliability.md of this workspace (core/ and cli/ are one level down).
pub fn doc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/reliability.md")
}

const HEADER: &str = "# Reliability figures\n\n\
Written by the campaigns themselves (`make reliability`): every section below is\n\
replaced by the full run of the test named in it, on the machine named in it. Do not\n\
edit between the markers. Each run prints its seed; `DAYBOOK_SEED=<seed>` replays it.\n";

/// Replaces (or appends) the section `name` with `body`.
pub fn record(name: &str, body: &str) {
    let path = doc_path();
    let old = std::fs::read_to_string(&path).unwrap_or_else(|_| HEADER.to_string());
    let begin = format!("<!-- begin {name} -->");
    let end = format!("<!-- end {name} -->");
    let section = format!("{begin}\n{}\n{end}", body.trim_end());
    let new = match (old.find(&begin), old.find(&end)) {
        (Some(b), Some(e)) if e > b => {
            format!("{}{section}{}", &old[..b], &old[e + end.len()..])
        }
        _ => format!("{}\n{section}\n", old.trim_end()),
    };
    if let Err(e) = std::fs::write(&path, new) {
        eprintln!("could not write {}: {e}", path.display());
    }
}

/// A line saying when, where and with which seed a campaign ran.
pub fn provenance(seed: u64, elapsed: std::time::Duration) -> String {
    let when = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    format!(
        "Run {when}, {cores} cores, {build} build, seed {seed}, took {:.0} s.",
        elapsed.as_secs_f64()
    )
}

/// The peak resident memory of process `pid` ("self" for this one) in KiB, from
/// /proc (0 where there is none).
pub fn peak_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}
