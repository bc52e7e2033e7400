//! A large SMS backup (about 50 MiB, most of it base64 photos) is read as a stream:
//! the peak memory of this process grows by far less than the file. It is the only
//! test in this file so that the process's peak is its own.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufWriter, Write};
use std::time::Instant;

use daybook_core::import::{self, Options};

const MESSAGES: usize = 2_100;
/// Each MMS carries one "photo" of this many bytes (base64 makes it a third larger).
const PHOTO_BYTES: usize = 18 * 1024;

/// The process's peak resident memory in KiB (Linux), after optionally resetting it.
fn peak_kib(reset: bool) -> Option<u64> {
    if reset {
        std::fs::write("/proc/self/clear_refs", "5").ok()?;
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn import_large_sms_backup_streams_in_bounded_memory() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sms-large.xml");
    {
        let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(
            out,
            "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
        )
        .unwrap();
        writeln!(out, "<smses count=\"{}\">", MESSAGES * 2).unwrap();
        for i in 0..MESSAGES {
            let photo: Vec<u8> = (0..PHOTO_BYTES).map(|b| (b * 31 + i) as u8).collect();
            let data = base64::engine::general_purpose::STANDARD.encode(&photo);
            let date = 1_700_000_000_000u64 + i as u64 * 60_000;
            writeln!(
                out,
                "  <sms protocol=\"0\" address=\"+447700900{:03}\" date=\"{date}\" type=\"1\" subject=\"null\" body=\"message {i} &#55357;&#56846;\" contact_name=\"(Unknown)\" />",
                i % 1000
            )
            .unwrap();
            writeln!(
                out,
                "  <mms date=\"{date}\" msg_box=\"1\" address=\"+447700900{:03}\" date_sent=\"{}\">\n    <parts>\n      <part seq=\"0\" ct=\"image/jpeg\" name=\"photo{i}.jpg\" data=\"{data}\" />\n      <part seq=\"0\" ct=\"text/plain\" text=\"look {i}\" />\n    </parts>\n    <addrs>\n      <addr address=\"+447700900{:03}\" type=\"137\" />\n    </addrs>\n  </mms>",
                i % 1000,
                date / 1000,
                i % 1000
            )
            .unwrap();
        }
        writeln!(out, "</smses>").unwrap();
    }
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size > 48 * 1024 * 1024, "{size}");

    let before = peak_kib(true);
    let started = Instant::now();
    let mut count = 0usize;
    let mut media_bytes = 0usize;
    let outcome = import::each(&path, &Options::default(), |m| {
        count += 1;
        media_bytes += m
            .media
            .iter()
            .filter_map(|x| x.data.as_ref())
            .map(Vec::len)
            .sum::<usize>();
        Ok(())
    })
    .unwrap();
    let took = started.elapsed();
    let after = peak_kib(false);
    assert_eq!(count, MESSAGES * 2);
    assert_eq!(outcome.messages as usize, MESSAGES * 2);
    assert_eq!(media_bytes, MESSAGES * PHOTO_BYTES);
    println!(
        "figure: {:.1} MiB SMS backup, {} records, read in {:.0} ms",
        size as f64 / 1048576.0,
        count,
        took.as_secs_f64() * 1000.0
    );
    match (before, after) {
        (Some(before), Some(after)) => {
            let grew_kib = after.saturating_sub(before);
            println!("figure: peak memory grew by {grew_kib} KiB while reading it");
            assert!(
                grew_kib < 16 * 1024,
                "peak memory grew by {grew_kib} KiB for a {size}-byte file: it is not streaming"
            );
        }
        _ => println!("note: peak memory is not measurable here; only the count was checked"),
    }
}
