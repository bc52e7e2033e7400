//! Importing into a diary, end to end, with fixed inputs; prints figures (not timed
//! assertions): the targets are a 100,000-message WhatsApp chat parsed,
//! sealed and grouped in at most 5 s, and a 1 GB SMS backup with MMS photos in at
//! most 60 s and 200 MB resident.
//!
//! Run with `cargo bench -p daybook-core --bench import_vault` (`make bench`); set
//! `DAYBOOK_BENCH_SMS_MB` to change the size of the SMS backup (default 1024).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::io::{BufWriter, Cursor, Write};
use std::time::Instant;

use base64::Engine;
use daybook_core::progress::NoProgress;
use daybook_core::vault::{CreateOptions, ImportChoice, Vault};
use daybook_core::SecretString;

/// The process's peak resident memory in MiB (Linux), after optionally resetting it.
fn peak_mib(reset: bool) -> Option<u64> {
    if reset {
        std::fs::write("/proc/self/clear_refs", "5").ok()?;
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace()
        .nth(1)?
        .parse::<u64>()
        .ok()
        .map(|k| k / 1024)
}

fn vault(dir: &std::path::Path) -> Result<Vault, Box<dyn std::error::Error>> {
    let (vault, _) = Vault::create(
        &dir.join("diary.daybook"),
        SecretString::from("bench passphrase long enough".to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            initials: Some("AB".into()),
            ..Default::default()
        },
    )?;
    Ok(vault)
}

fn choice(who: &str) -> ImportChoice {
    ImportChoice {
        people: vec![who.into()],
        zone: Some("Europe/London".into()),
        ..Default::default()
    }
}

/// 100,000 messages over about a year and a half, two people, one in ten with a
/// second line.
fn chat(messages: i64) -> String {
    let mut text = String::new();
    let start = chrono::NaiveDate::from_ymd_opt(2023, 1, 1)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .unwrap_or_default();
    for i in 0..messages {
        let at = start + chrono::Duration::minutes(i * 7);
        let who = ["Mark", "Jo"][(i % 2) as usize];
        let _ = writeln!(
            text,
            "{} - {who}: message number {i}, with some words to make it the length of a real one",
            at.format("%d/%m/%Y, %H:%M")
        );
        if i % 10 == 0 {
            text.push_str("and a second line\n");
        }
    }
    text
}

fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1280, 960, |x, y| {
        let n = x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503);
        image::Rgb([(n >> 3) as u8, (x / 5) as u8, (y / 4) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    let _ = img.write_to(&mut out, image::ImageFormat::Jpeg);
    out.into_inner()
}

/// An SMS backup of about `megabytes` MB: MMS with a photo each, and texts between.
fn sms_backup(path: &std::path::Path, megabytes: u64) -> std::io::Result<(u64, u64)> {
    let photo = photo();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&photo);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
    )?;
    writeln!(out, "<smses>")?;
    let mut written = 0u64;
    let mut mms = 0u64;
    let mut i = 0u64;
    while written < megabytes * 1_000_000 {
        let date = 1_700_000_000_000u64 + i * 600_000;
        let line = format!(
            "  <sms protocol=\"0\" address=\"+447700900123\" date=\"{date}\" type=\"1\" subject=\"null\" body=\"text {i}: where are you\" read=\"1\" status=\"-1\" contact_name=\"Mark\" />\n"
        );
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
        let mms_xml = format!(
            "  <mms date=\"{}\" msg_box=\"1\" address=\"+447700900123\" contact_name=\"Mark\" m_type=\"132\">\n    <parts>\n      <part seq=\"0\" ct=\"image/jpeg\" name=\"IMG_{i}.jpg\" cl=\"IMG_{i}.jpg\" data=\"{encoded}\" />\n      <part seq=\"1\" ct=\"text/plain\" text=\"photo {i}\" />\n    </parts>\n    <addrs>\n      <addr address=\"+447700900123\" type=\"137\" charset=\"106\" />\n    </addrs>\n  </mms>\n",
            date + 1_000
        );
        out.write_all(mms_xml.as_bytes())?;
        written += mms_xml.len() as u64;
        mms += 1;
        i += 1;
    }
    writeln!(out, "</smses>")?;
    out.flush()?;
    Ok((i * 2, mms))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    let dir = tempfile::tempdir()?;

    // 1. A WhatsApp chat of 100,000 messages.
    let chat_path = dir.path().join("WhatsApp Chat with Mark.txt");
    std::fs::write(&chat_path, chat(100_000))?;
    let mut diary = vault(&dir.path().join("."))?;
    let started = Instant::now();
    let imported = diary.import_messages(&chat_path, &choice("Mark"), &NoProgress)?;
    let took = started.elapsed();
    println!(
        "import/whatsapp 100k: {:.2} s for {} messages into {} entries (target ≤ 5 s)",
        took.as_secs_f64(),
        imported.messages,
        imported.entries.len()
    );
    let started = Instant::now();
    let again = diary.import_messages(&chat_path, &choice("Mark"), &NoProgress)?;
    println!(
        "import/whatsapp 100k again (all already present): {:.2} s, {} already present",
        started.elapsed().as_secs_f64(),
        again.already_present
    );
    let started = Instant::now();
    let listed = diary.messages(&Default::default())?.len();
    println!(
        "messages/list 100k: {:.0} ms for {listed} messages",
        started.elapsed().as_secs_f64() * 1000.0
    );
    drop(diary);

    // 2. An SMS backup with MMS photos.
    let megabytes: u64 = std::env::var("DAYBOOK_BENCH_SMS_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let sms_dir = tempfile::tempdir()?;
    let sms_path = sms_dir.path().join("sms-backup.xml");
    let (records, mms) = sms_backup(&sms_path, megabytes)?;
    let size = std::fs::metadata(&sms_path)?.len();
    let mut diary = vault(sms_dir.path())?;
    let before = peak_mib(true);
    let started = Instant::now();
    let imported = diary.import_messages(&sms_path, &choice("07700 900123"), &NoProgress)?;
    let took = started.elapsed();
    let peak = peak_mib(false);
    println!(
        "import/sms {:.0} MB ({records} records, {mms} MMS photos): {:.1} s, {} messages, {} exhibits, peak resident {} MiB (was {} MiB before; target ≤ 60 s, ≤ 200 MB)",
        size as f64 / 1e6,
        took.as_secs_f64(),
        imported.messages,
        imported.media,
        peak.map_or("?".into(), |p| p.to_string()),
        before.map_or("?".into(), |p| p.to_string()),
    );
    Ok(())
}
