//! Damaged and hostile exports never make the importer panic or hang: a seeded run of
//! a few thousand mutations (bit flips, truncation, splicing, repeated slices, huge
//! numbers) of the shared fixtures and of inputs built here, each read to the end or
//! refused with an error, each within a time bound. Each run draws a new seed and
//! prints it; on failure the seed and case are printed, and `DAYBOOK_SEED=<n>`
//! replays that run (`IMPORT_SEED=<n>`, the older name, still works).

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod seed;

use std::io::{Cursor, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use daybook_core::import::{self, calls, sms, whatsapp, DayOrder, Format, Options};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const CASES: usize = 3_000;
/// Generous for a debug build on a busy two-core machine; a hang takes forever.
const MAX_CASE_TIME: Duration = Duration::from_secs(5);

fn corpus() -> Vec<Vec<u8>> {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/imports");
    for sub in ["whatsapp", "sms"] {
        match std::fs::read_dir(dir.join(sub)) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if matches!(
                        path.extension().and_then(|e| e.to_str()),
                        Some("txt" | "xml")
                    ) {
                        inputs.push(std::fs::read(path).unwrap());
                    }
                }
            }
            Err(_) => println!(
                "note: {} is absent; using built inputs only",
                dir.join(sub).display()
            ),
        }
    }
    inputs.push(
        "\u{200E}[05/01/2024, 20:14:10] Sam: hi\r\n[05/01/2024, 8:14:33\u{202F}PM] Sam: \u{200E}<attached: 1.jpg>\r\nmore\r\n"
            .as_bytes()
            .to_vec(),
    );
    inputs.push(
        b"12/31/24, 12:05 AM - A: x\n1/1/25, 1:05 p. m. - B: y\n2024-01-02, 10:00 - C: z\n"
            .to_vec(),
    );
    inputs.push(
        br#"<?xml version='1.0'?><smses count="2"><sms address="1" date="1700000000000" type="1" body="a &#55357;&#56846; b" /><mms date="1700000000000" msg_box="1" address="2"><parts><part ct="image/png" name="p.png" data="iVBORw0KGgo=" /><part ct="text/plain" text="t" /></parts><addrs><addr address="2" type="137" /></addrs></mms></smses>"#
            .to_vec(),
    );
    inputs.push(br#"<calls count="1"><call number="-2" duration="10" date="1700000000000" type="3" presentation="2" /></calls>"#.to_vec());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("_chat.txt", options).unwrap();
    zip.write_all(b"01/05/24, 20:14 - Sam: IMG-1.jpg (file attached)\n13/05/24, 20:14 - Sam: x\n")
        .unwrap();
    zip.start_file("IMG-1.jpg", options).unwrap();
    zip.write_all(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).unwrap();
    inputs.push(zip.finish().unwrap().into_inner());
    inputs
}

fn mutate(rng: &mut StdRng, inputs: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = inputs[rng.gen_range(0..inputs.len())].clone();
    for _ in 0..rng.gen_range(1..4) {
        let len = bytes.len();
        match rng.gen_range(0..7) {
            0 if len > 0 => {
                for _ in 0..rng.gen_range(1..8) {
                    let i = rng.gen_range(0..len);
                    bytes[i] ^= 1 << rng.gen_range(0..8);
                }
            }
            1 if len > 0 => bytes.truncate(rng.gen_range(0..len)),
            2 => {
                let other = &inputs[rng.gen_range(0..inputs.len())];
                let cut = rng.gen_range(0..=len);
                let from = rng.gen_range(0..=other.len());
                bytes.truncate(cut);
                bytes.extend_from_slice(&other[from..]);
            }
            3 if len > 0 => {
                let a = rng.gen_range(0..len);
                let b = rng.gen_range(a..=len.min(a + 64));
                let slice = bytes[a..b].to_vec();
                for _ in 0..rng.gen_range(1..200) {
                    bytes.splice(a..a, slice.iter().copied());
                }
            }
            4 => {
                let at = rng.gen_range(0..=len);
                let junk: &[u8] = [
                    b"99999999999999999999999".as_slice(),
                    b"&#55357;",
                    b"&#xFFFFFFFF;",
                    b"<a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a>",
                    b"\r\n31/02/24, 25:61 - ",
                    b"\xFF\xFE",
                    b"\xE2\x80",
                    b"\x00\x00",
                ][rng.gen_range(0..8)];
                bytes.splice(at..at, junk.iter().copied());
            }
            5 if len > 0 => {
                let i = rng.gen_range(0..len);
                bytes[i] = rng.gen();
            }
            _ => {}
        }
    }
    bytes
}

/// Reads one input every way it can be read; only panics and hangs matter here.
fn exercise(bytes: &[u8]) {
    let _ = import::detect(bytes);
    let _ = sms::each(bytes, |_| Ok(()));
    let _ = calls::each(bytes, |_| Ok(()));
    if let Ok(mut chat) = whatsapp::Chat::from_text(bytes.to_vec()) {
        let _ = chat.each(None, |_| Ok(()));
        let _ = chat.each(Some(DayOrder::DayFirst), |_| Ok(()));
        let _ = chat.each(Some(DayOrder::MonthFirst), |_| Ok(()));
    }
    if let Ok(mut chat) = whatsapp::Chat::from_zip(Cursor::new(bytes.to_vec())) {
        let _ = chat.each(Some(DayOrder::DayFirst), |_| Ok(()));
    }
}

#[test]
fn import_mutations_never_panic_or_hang() {
    let seed: u64 = match std::env::var("IMPORT_SEED") {
        Ok(v) => v.trim().parse().expect("IMPORT_SEED is a whole number"),
        Err(_) => seed::seed("import_mutations_never_panic_or_hang"),
    };
    let inputs = corpus();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut slowest = Duration::ZERO;
    for case in 0..CASES {
        let bytes = mutate(&mut rng, &inputs);
        let started = Instant::now();
        let result = std::panic::catch_unwind(|| exercise(&bytes));
        let took = started.elapsed();
        assert!(
            result.is_ok(),
            "panic in case {case} with DAYBOOK_SEED={seed}"
        );
        assert!(
            took < MAX_CASE_TIME,
            "case {case} took {took:?} with DAYBOOK_SEED={seed}"
        );
        slowest = slowest.max(took);
    }
    println!(
        "figure: {CASES} mutated imports, slowest {:.1} ms",
        slowest.as_secs_f64() * 1000.0
    );
}

#[test]
fn import_hostile_files_on_disk_are_refused_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[u8])] = &[
        ("empty.txt", b""),
        (
            "garbage.bin",
            &[0x13, 0x37, 0xFF, 0x00, 0x42, 0x99, 0x00, 0x00],
        ),
        (
            "truncated.xml",
            b"<?xml version='1.0'?><smses count=\"1\"><sms address=\"1\" date=\"17",
        ),
        ("unbalanced.xml", b"<smses><sms></mms></smses>"),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = import::read_all(&path, &Options::default()).unwrap_err();
        assert_eq!(err.kind(), "import", "{name}: {err}");
        assert!(import::summary(&path, &Options::default()).is_err());
    }
    // A huge line, and an absurdly long attribute value, are read or refused quickly.
    let mut huge = b"01/01/24, 10:00 - Sam: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 32 * 1024 * 1024));
    let path = dir.path().join("huge.txt");
    std::fs::write(&path, &huge).unwrap();
    let (messages, _) = import::read_all(
        &path,
        &Options {
            day_order: Some(DayOrder::DayFirst),
        },
    )
    .unwrap();
    assert_eq!(messages[0].text.len(), 32 * 1024 * 1024);
    let mut xml = b"<smses><sms address=\"1\" date=\"1\" type=\"1\" body=\"".to_vec();
    xml.extend(std::iter::repeat_n(b'b', 32 * 1024 * 1024));
    let path = dir.path().join("huge.xml");
    std::fs::write(&path, &xml).unwrap();
    assert_eq!(import::detect_path(&path).unwrap(), Format::Sms);
    let err = import::read_all(&path, &Options::default()).unwrap_err();
    assert!(
        err.to_string().contains("cut short") || err.to_string().contains("malformed"),
        "{err}"
    );
}
