//! Importing: how long parsing takes for exports of a realistic size.
//!
//! - `whatsapp 100k`: a WhatsApp chat of 100,000 messages (about 8 MiB, one in ten
//!   with a second line), day order settled and every message handed over.
//! - `sms 20k`: an SMS backup of 20,000 text messages, streamed.
//!
//! Run with `cargo bench -p daybook-core --bench import`.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::time::Duration;

use criterion::{black_box, Criterion};
use daybook_core::import::{sms, whatsapp};

fn chat(messages: i64) -> Vec<u8> {
    let mut text = String::new();
    let start = chrono::NaiveDate::from_ymd_opt(2023, 1, 1)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .unwrap_or_default();
    for i in 0..messages {
        let at = start + chrono::Duration::minutes(i * 7);
        let who = ["Sam", "Alex", "+44 7700 900123"][(i % 3) as usize];
        let _ = writeln!(
            text,
            "{} - {who}: message number {i}, with some words to make it the length of a real one",
            at.format("%d/%m/%y, %H:%M")
        );
        if i % 10 == 0 {
            text.push_str("and a second line\n");
        }
    }
    text.into_bytes()
}

fn backup(messages: u64) -> Vec<u8> {
    let mut xml =
        String::from("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses>\n");
    for i in 0..messages {
        let _ = writeln!(
            xml,
            "  <sms protocol=\"0\" address=\"+447700900{:03}\" date=\"{}\" type=\"{}\" subject=\"null\" body=\"message {i} &#55357;&#56846; &amp; more\" toa=\"null\" sc_toa=\"null\" service_center=\"null\" read=\"1\" status=\"-1\" locked=\"0\" date_sent=\"0\" sub_id=\"1\" readable_date=\"Jan 1, 2024 1:00:00 AM\" contact_name=\"(Unknown)\" />",
            i % 1000,
            1_700_000_000_000 + i * 60_000,
            1 + i % 2
        );
    }
    xml.push_str("</smses>\n");
    xml.into_bytes()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let text = chat(100_000);
    let xml = backup(20_000);
    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    let mut group = c.benchmark_group("import");
    group.bench_function("whatsapp 100k", |b| {
        b.iter(|| {
            let mut count = 0u64;
            if let Ok(mut chat) = whatsapp::Chat::from_text(text.clone()) {
                let _ = chat.each(None, |m| {
                    count += black_box(m).text.len() as u64;
                    Ok(())
                });
            }
            count
        })
    });
    group.bench_function("sms 20k", |b| {
        b.iter(|| {
            let mut count = 0u64;
            let _ = sms::each(xml.as_slice(), |m| {
                count += black_box(m).text.len() as u64;
                Ok(())
            });
            count
        })
    });
    group.finish();
    c.final_summary();
}
