//! Benchmark: 1,000 entries with 200 photo exhibits (640 px thumbnails).
//! Run `cargo bench --bench report`, or for peak memory
//! `/usr/bin/time -v target/release/deps/report-<hash> --bench`.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use daybook_core::report::{self, NoProgress, Options};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let built = Instant::now();
    let (doc, thumbs) = common::diary(1000, 200, 640);
    let thumb_bytes: usize = thumbs.values().map(Vec::len).sum();
    println!(
        "test data: {} entries, {} exhibits, {} thumbnails ({:.1} MB) built in {:.2?}",
        doc.entries.len(),
        doc.exhibits.len(),
        thumbs.len(),
        thumb_bytes as f64 / 1e6,
        built.elapsed()
    );
    let mut out: Vec<u8> = Vec::new();
    let started = Instant::now();
    let summary = report::render(
        &doc,
        &Options::default(),
        &mut |id| thumbs.get(id).cloned(),
        &NoProgress,
        &mut out,
    );
    let elapsed = started.elapsed();
    match summary {
        Ok(s) => println!(
            "render: {elapsed:.2?}; {} pages, {} entries, {} exhibits, {:.1} MB",
            s.pages,
            s.entries,
            s.exhibits,
            out.len() as f64 / 1e6
        ),
        Err(e) => {
            eprintln!("render failed: {e}");
            std::process::exit(1);
        }
    }
    if let Ok(path) = std::env::var("REPORT_BENCH_OUT") {
        if let Err(e) = std::fs::write(&path, &out) {
            eprintln!("{path}: {e}");
        }
    }
}
