//! The hostile-input campaign: seeded random mutations (bit flips, byte changes,
//! truncation, splicing two inputs, repeated slices, length fields and numbers set
//! to extremes) of real inputs, through every parser that takes outside data:
//! every import format (`import::summary` and `import::each`, on the fixtures in
//! ../shared/fixtures/imports), photo metadata and previews (on the photos in
//! ../shared/fixtures/photos, HEIC included), a handover's archive
//! (`bundle::handover::verify`), and the vault opener on a diary whose meta rows
//! are damaged. No case may panic or take 10 s.
//!
//! `make test` runs 20,000 cases; `make reliability` runs 1,000,000 and writes the
//! figures into docs/reliability.md. No coverage-guided fuzzer: cargo-fuzz (libFuzzer)
//! needs nightly compiler flags and this machine has only the stable toolchain;
//! `RUSTC_BOOTSTRAP=1` would unlock them, which the project chooses not to rely on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bundle_common;
#[path = "figures/mod.rs"]
mod figures;
mod seed;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Cursor, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use daybook_core::evidence::{metadata, thumbnail};
use daybook_core::import::{self, Options};
use daybook_core::incident::{Incident, Occurred};
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::SecretString;
use seed::Rng;

const MAX_CASE_TIME: Duration = Duration::from_secs(10);
const PASS: &str = "correct horse battery staple";

fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures")
        .join(sub)
}

/// Every regular file under `dir` whose name ends with one of `exts`.
fn files_under(dir: &Path, exts: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("note: {} is absent; using built inputs only", dir.display());
        return out;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            out.extend(files_under(&path, exts));
        } else {
            let name = path.file_name().unwrap().to_string_lossy().to_lowercase();
            if exts.iter().any(|e| name.ends_with(e)) {
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}

fn import_corpus() -> Vec<Vec<u8>> {
    let mut inputs: Vec<Vec<u8>> = files_under(&fixtures("imports"), &[".txt", ".xml", ".json"])
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    inputs.push(
        "12/03/2024, 07:12 - Mark: Where are you\n12/03/2024, 07:14 - Mark: I know\nyou're home\n13/03/2024, 02:10 - Jo: stop\n"
            .as_bytes()
            .to_vec(),
    );
    inputs.push(
        "\u{200E}[05/01/2024, 20:14:10] Sam: hi\r\n[05/01/2024, 8:14:33\u{202F}PM] Sam: \u{200E}<attached: 1.jpg>\r\n"
            .as_bytes()
            .to_vec(),
    );
    inputs.push(br#"<?xml version='1.0'?><smses count="2"><sms address="1" date="1700000000000" type="1" body="a &#55357;&#56846; b" /><mms date="1700000000000" msg_box="1" address="2"><parts><part ct="image/png" name="p.png" data="iVBORw0KGgo=" /><part ct="text/plain" text="t" /></parts><addrs><addr address="2" type="137" /></addrs></mms></smses>"#.to_vec());
    inputs.push(br#"<calls count="1"><call number="07700900123" duration="10" date="1700000000000" type="3" presentation="1" contact_name="Mark" /></calls>"#.to_vec());
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

fn photo_corpus() -> Vec<(String, Vec<u8>)> {
    let mut photos = files_under(&fixtures("photos"), &[".jpg", ".heic", ".heif"]);
    for format in [image::ImageFormat::Png, image::ImageFormat::Jpeg] {
        let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8, y as u8, 7]));
        let mut out = Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut out, format)
            .unwrap();
        let name = if format == image::ImageFormat::Png {
            "made.png"
        } else {
            "made.jpg"
        };
        photos.push((name.into(), out.into_inner()));
    }
    photos
}

fn media_type(name: &str) -> &'static str {
    if name.ends_with(".png") {
        "image/png"
    } else if name.ends_with(".heic") || name.ends_with(".heif") {
        "image/heic"
    } else {
        "image/jpeg"
    }
}

/// One input, damaged one to four ways.
fn mutate(rng: &mut Rng, inputs: &[&[u8]]) -> Vec<u8> {
    let mut bytes = inputs[rng.below(inputs.len())].to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = bytes.len();
        match rng.below(9) {
            0 if len > 0 => {
                for _ in 0..1 + rng.below(8) {
                    let i = rng.below(len);
                    bytes[i] ^= 1 << rng.below(8);
                }
            }
            1 if len > 0 => {
                let i = rng.below(len);
                bytes[i] = rng.next() as u8;
            }
            2 if len > 0 => bytes.truncate(rng.below(len)),
            3 => {
                let other = inputs[rng.below(inputs.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                bytes.truncate(cut);
                bytes.extend_from_slice(&other[from..]);
            }
            4 if len > 0 => {
                let a = rng.below(len);
                let b = a + rng.below((len - a).min(64) + 1);
                let slice = bytes[a..b].to_vec();
                for _ in 0..1 + rng.below(200) {
                    bytes.splice(a..a, slice.iter().copied());
                }
            }
            // A binary length field set to an extreme: 2 or 4 bytes, either order.
            5 if len > 4 => {
                let i = rng.below(len - 4);
                let width = if rng.below(2) == 0 { 2 } else { 4 };
                let value: [u8; 4] = match rng.below(4) {
                    0 => [0xFF; 4],
                    1 => [0; 4],
                    2 => [0x7F, 0xFF, 0xFF, 0xFF],
                    _ => [0xFF, 0xFF, 0xFF, 0x7F],
                };
                bytes[i..i + width].copy_from_slice(&value[..width]);
            }
            // A number written in text set to an extreme.
            6 if len > 0 => {
                let start = rng.below(len);
                if let Some(at) = bytes[start..].iter().position(u8::is_ascii_digit) {
                    let a = start + at;
                    let b = a + bytes[a..].iter().take_while(|c| c.is_ascii_digit()).count();
                    let extreme: &[u8] = [
                        b"99999999999999999999999999".as_slice(),
                        b"4294967296",
                        b"18446744073709551616",
                        b"-9223372036854775808",
                        b"0",
                        b"00000000000000000000000000000000000000000001",
                    ][rng.below(6)];
                    bytes.splice(a..b, extreme.iter().copied());
                }
            }
            7 => {
                let at = rng.below(len + 1);
                let junk: &[u8] = [
                    b"&#55357;".as_slice(),
                    b"&#xFFFFFFFF;",
                    b"<a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a>",
                    b"\r\n31/02/24, 25:61 - ",
                    b"\xFF\xFE",
                    b"\xE2\x80",
                    b"\x00\x00",
                    b"{\"messages\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                ][rng.below(8)];
                bytes.splice(at..at, junk.iter().copied());
            }
            _ => {}
        }
    }
    bytes
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Parser {
    Import,
    Photo,
    Handover,
    VaultMeta,
}

#[derive(Default)]
struct Tally {
    cases: u64,
    refused: u64,
    worst: Duration,
    total: Duration,
    /// Damaged meta rows that open, unlock and verify, by name.
    accepted_rows: BTreeMap<String, u64>,
}

/// What the campaign works on, made once.
struct Inputs {
    imports: Vec<Vec<u8>>,
    photos: Vec<(String, Vec<u8>)>,
    handover: Vec<u8>,
    vault: Vec<u8>,
    meta_rows: Vec<(String, Vec<u8>)>,
    scratch: tempfile::TempDir,
}

fn inputs() -> Inputs {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("made.daybook");
    let (mut vault, _) = Vault::create(
        &path,
        SecretString::from(PASS.to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )
    .unwrap();
    vault
        .add(Incident::new(
            Occurred::parse("2026-11-01 20:15", None, false, "Europe/London").unwrap(),
            "He waited outside",
        ))
        .unwrap();
    drop(vault);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    // A count of failures too, so that its row is damaged as well.
    conn.execute(
        "INSERT INTO meta(name, value) VALUES ('failed_unlocks', CAST('2 1' AS BLOB))",
        [],
    )
    .unwrap();
    let meta_rows: Vec<(String, Vec<u8>)> = conn
        .prepare("SELECT name, CAST(value AS BLOB) FROM meta ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    drop(conn);
    let vault = std::fs::read(&path).unwrap();
    Inputs {
        imports: import_corpus(),
        photos: photo_corpus(),
        handover: bundle_common::handover(),
        vault,
        meta_rows,
        scratch,
    }
}

/// One case of `parser`: whether the input was accepted, and for a damaged meta row
/// which row it was when accepted.
fn case(parser: Parser, rng: &mut Rng, inp: &Inputs, n: u64) -> (bool, Option<String>) {
    let dir = inp.scratch.path();
    match parser {
        Parser::Import => {
            let corpus: Vec<&[u8]> = inp.imports.iter().map(Vec::as_slice).collect();
            let bytes = mutate(rng, &corpus);
            let path = dir.join(format!("import-{}", n % 2));
            std::fs::write(&path, &bytes).unwrap();
            let options = Options {
                day_order: [None, Some(import::DayOrder::DayFirst)][rng.below(2)],
            };
            let summary = import::summary(&path, &options).is_ok();
            let each = import::each(&path, &options, |_| Ok(())).is_ok();
            (summary || each, None)
        }
        Parser::Photo => {
            let i = rng.below(inp.photos.len());
            let (name, _) = &inp.photos[i];
            let same: Vec<&[u8]> = inp
                .photos
                .iter()
                .filter(|(n, _)| media_type(n) == media_type(name))
                .map(|(_, b)| b.as_slice())
                .collect();
            let bytes = mutate(rng, &same);
            let mt = media_type(name);
            let orientation = [None, Some(1), Some(6), Some(8), Some(0), Some(65535)][rng.below(6)];
            if mt == "image/heic" || rng.below(2) == 0 {
                let path = dir.join(format!("photo-{n}.{}", name.rsplit('.').next().unwrap()));
                std::fs::write(&path, &bytes).unwrap();
                let md = metadata::read(&path, mt);
                let thumb = thumbnail::make(&path, mt, orientation.or(md.orientation));
                std::fs::remove_file(&path).unwrap();
                (thumb.is_ok(), None)
            } else {
                let _ = metadata::read_bytes(&bytes, mt);
                (thumbnail::make_bytes(&bytes, mt, orientation).is_ok(), None)
            }
        }
        Parser::Handover => {
            let bytes = mutate(rng, &[inp.handover.as_slice()]);
            let accepted = matches!(
                daybook_core::bundle::handover::verify(&bytes[..]),
                Ok(report) if report.failure.is_none()
            );
            (accepted, None)
        }
        Parser::VaultMeta => {
            let path = dir.join(format!("vault-{n}.daybook"));
            std::fs::write(&path, &inp.vault).unwrap();
            let (name, value) = &inp.meta_rows[rng.below(inp.meta_rows.len())];
            let conn = rusqlite::Connection::open(&path).unwrap();
            let how = rng.below(6);
            let sql = "UPDATE meta SET value = ?2 WHERE name = ?1";
            match how {
                0 => conn.execute("UPDATE meta SET value = x'' WHERE name = ?1", [name]),
                1 => conn.execute(sql, rusqlite::params![name, rng.next() as i64]),
                2 => conn.execute(
                    sql,
                    rusqlite::params![name, String::from_utf8_lossy(value).into_owned()],
                ),
                3 => conn.execute("DELETE FROM meta WHERE name = ?1", [name]),
                _ => {
                    let bytes = mutate(rng, &[value.as_slice()]);
                    conn.execute(sql, rusqlite::params![name, bytes])
                }
            }
            .unwrap();
            drop(conn);
            let accepted = match Vault::open(&path) {
                Ok(mut v) => match v.unlock(&SecretString::from(PASS.to_string())) {
                    Ok(()) => v.verify().is_ok_and(|r| r.ok()) && v.entries().is_ok(),
                    Err(_) => false,
                },
                Err(_) => false,
            };
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
            }
            (accepted, accepted.then(|| name.clone()))
        }
    }
}

fn campaign(name: &str, plan: &[(Parser, u64)]) -> (u64, BTreeMap<Parser, Tally>) {
    let seed = seed::seed(name);
    let mut rng = Rng::new(seed);
    let inp = inputs();
    let mut tallies: BTreeMap<Parser, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for &(parser, cases) in plan {
        let tally = tallies.entry(parser).or_default();
        for n in 0..cases {
            let started = Instant::now();
            let result = catch_unwind(AssertUnwindSafe(|| case(parser, &mut rng, &inp, n)));
            let took = started.elapsed();
            tally.cases += 1;
            tally.worst = tally.worst.max(took);
            tally.total += took;
            match result {
                Ok((accepted, row)) => {
                    tally.refused += u64::from(!accepted);
                    if let Some(row) = row {
                        *tally.accepted_rows.entry(row).or_default() += 1;
                    }
                }
                Err(_) => failures.push(format!("{parser:?} case {n}: panic")),
            }
            if took > MAX_CASE_TIME {
                failures.push(format!("{parser:?} case {n}: took {took:?}"));
            }
            if failures.len() > 20 {
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "seed {seed} (replay with {}={seed}):\n{}",
        seed::ENV,
        failures.join("\n")
    );
    (seed, tallies)
}

fn table(tallies: &BTreeMap<Parser, Tally>) -> String {
    let mut s = String::from(
        "| parser | cases | refused | accepted | panics | over 10 s | worst case (ms) | mean (ms) |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (parser, t) in tallies {
        let what = match parser {
            Parser::Import => "imports (`import::summary`, `import::each`)",
            Parser::Photo => "photos (`metadata::read[_bytes]`, `thumbnail::make[_bytes]`)",
            Parser::Handover => "handover archive (`bundle::handover::verify`)",
            Parser::VaultMeta => "vault opener, damaged meta row (open, unlock, verify)",
        };
        writeln!(
            s,
            "| {what} | {} | {} | {} | 0 | 0 | {} | {:.2} |",
            t.cases,
            t.refused,
            t.cases - t.refused,
            t.worst.as_millis(),
            t.total.as_secs_f64() * 1000.0 / t.cases.max(1) as f64
        )
        .unwrap();
    }
    for (parser, t) in tallies {
        if !t.accepted_rows.is_empty() {
            writeln!(
                s,
                "\n{parser:?}: damaged rows still accepted (open, unlock, verify pass): {:?}",
                t.accepted_rows
            )
            .unwrap();
        }
    }
    s
}

/// 20,000 cases in about a minute of a debug build: photos are few (800) because a
/// preview costs ~30 ms each there; imports and handovers well under 1 ms.
#[test]
fn hostile_campaign_small() {
    let (_, tallies) = campaign(
        "hostile_campaign_small",
        &[
            (Parser::Import, 11_000),
            (Parser::Handover, 7_200),
            (Parser::Photo, 800),
            (Parser::VaultMeta, 1_000),
        ],
    );
    eprintln!("{}", table(&tallies));
}

#[test]
#[ignore = "long: make reliability"]
fn hostile_campaign_full() {
    let started = Instant::now();
    let (seed, tallies) = campaign(
        "hostile_campaign_full",
        &[
            (Parser::Import, 450_000),
            (Parser::Handover, 350_000),
            (Parser::Photo, 150_000),
            (Parser::VaultMeta, 50_000),
        ],
    );
    let t = table(&tallies);
    eprintln!("{t}");
    figures::record(
        "hostile-campaign",
        &format!(
            "## Hostile-input campaign (core/tests/hostile_campaign.rs, `hostile_campaign_full`)\n\n\
             1,000,000 seeded mutations (bit flips, byte changes, truncation, splicing, \
             repeated slices, binary length fields and written numbers set to extremes) of \
             the fixtures in ../shared/fixtures and a few built inputs; each case under \
             `catch_unwind`, timed. A seeded mutation loop on stable Rust (cargo-fuzz needs \
             nightly compiler flags; only the stable toolchain is installed here).\n\n{}\nPeak memory of the test process: {:.0} MiB.\n\n{t}",
            figures::provenance(seed, started.elapsed()),
            figures::peak_kib("self") as f64 / 1024.0
        ),
    );
}
