//! Shared fixtures: a small diary's records and exhibits, and a valid handover.
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;
use std::process::Command;

use chrono::{DateTime, TimeZone, Utc};
use daybook_core::bundle::{handover, EntryRecord, Options};
use daybook_core::entry::{Entry, Revision, Status};
use daybook_core::evidence::{Check, Exhibit, Metadata, Preview};
use daybook_core::incident::{Behaviour, Channel, Incident, Occurred};
use sha2::{Digest, Sha256};

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub fn created_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 18, 30, 0).unwrap()
}

pub fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A long Unicode original name (over 100 bytes) to exercise pax / GNU long names.
pub fn long_name() -> String {
    format!("Screenshot {} – message from him.png", "é".repeat(60))
}

/// Originals: (mark, original name, bytes).
pub fn originals() -> Vec<(String, String, Vec<u8>)> {
    vec![
        (
            "AB/1".into(),
            "photo 1.jpg".into(),
            b"\xff\xd8\xff\xe0 not really a jpeg".to_vec(),
        ),
        (
            "AB/2".into(),
            long_name(),
            (0..3000u32).map(|i| (i * 7 % 251) as u8).collect(),
        ),
        ("AB/3".into(), "voicemail.m4a".into(), vec![0u8; 512]),
    ]
}

pub fn exhibits() -> Vec<Exhibit> {
    let mut out: Vec<Exhibit> = originals()
        .into_iter()
        .enumerate()
        .map(|(i, (mark, name, bytes))| Exhibit {
            id: format!("x{i}"),
            mark,
            sequence: i as u64 + 1,
            entry_number: 1 + (i as u64 % 2),
            original_name: name,
            size: bytes.len() as u64,
            sha256: sha(&bytes),
            media_type: "image/jpeg".into(),
            added_at: at("2026-11-02T09:00:00Z"),
            how_obtained: "screenshot from my phone".into(),
            metadata: Metadata {
                capture_time: Some("2026-11-01T20:15:00".into()),
                ..Metadata::default()
            },
            preview: Preview::None {
                reason: "not an image".into(),
            },
            erased_at: None,
            duplicate_of: None,
        })
        .collect();
    // An erased exhibit: described, but its original is gone.
    out.push(Exhibit {
        id: "x9".into(),
        mark: "AB/4".into(),
        sequence: 4,
        entry_number: 2,
        original_name: "gone.jpg".into(),
        size: 10,
        sha256: sha(b"0123456789"),
        media_type: "image/jpeg".into(),
        added_at: at("2026-11-03T09:00:00Z"),
        how_obtained: String::new(),
        metadata: Metadata::default(),
        preview: Preview::None {
            reason: "erased".into(),
        },
        erased_at: Some(at("2026-11-04T09:00:00Z")),
        duplicate_of: None,
    });
    out
}

pub fn incident(start: &str, description: &str) -> Incident {
    let mut i = Incident::new(
        Occurred::parse(start, None, false, "Europe/London").unwrap(),
        description,
    );
    i.behaviours = vec![Behaviour::Following, Behaviour::Contacting];
    i.channel = Some(Channel::TextMessage);
    i.channel_detail = "+44 7700 900123".into();
    i.witnesses = "Jane Doe, 07700 900456".into();
    i.who = "=cmd|' /C calc'!A0".into();
    i.location = "Outside work, High St, \"the corner\"".into();
    i
}

pub fn records() -> Vec<EntryRecord> {
    let first = incident(
        "2026-11-01 20:15",
        "He texted: \"I know where you are\".\nThen again.",
    );
    let mut amended = first.clone();
    amended.description.push_str(" (he sent three)");
    let second = incident("2026-11-05", "Waited outside, approx.");
    vec![
        EntryRecord {
            entry: Entry {
                number: 1,
                id: "e1".into(),
                recorded_at: at("2026-11-01T20:30:00Z"),
                amended_at: Some(at("2026-11-02T08:00:00Z")),
                revisions: 2,
                status: Status::Active,
                incident: Some(amended.clone()),
                exhibits: vec!["AB/1".into(), "AB/3".into()],
                written_while_locked: false,
                held: None,
                messages: 0,
            },
            revisions: vec![
                Revision {
                    revision: 1,
                    saved_at: at("2026-11-01T20:30:00Z"),
                    incident: first,
                    written_while_locked: false,
                },
                Revision {
                    revision: 2,
                    saved_at: at("2026-11-02T08:00:00Z"),
                    incident: amended,
                    written_while_locked: false,
                },
            ],
        },
        EntryRecord {
            entry: Entry {
                number: 2,
                id: "e2".into(),
                recorded_at: at("2026-11-05T10:00:00Z"),
                amended_at: None,
                revisions: 1,
                status: Status::Withdrawn {
                    at: at("2026-11-06T10:00:00Z"),
                    reason: "-wrong person, sorry".into(),
                },
                incident: Some(second.clone()),
                exhibits: vec!["AB/2".into(), "AB/4".into()],
                written_while_locked: true,
                held: None,
                messages: 0,
            },
            revisions: vec![Revision {
                revision: 1,
                saved_at: at("2026-11-05T10:00:00Z"),
                incident: second,
                written_while_locked: true,
            }],
        },
        EntryRecord {
            entry: Entry {
                number: 3,
                id: "e3".into(),
                recorded_at: at("2026-11-07T10:00:00Z"),
                amended_at: None,
                revisions: 1,
                status: Status::Erased {
                    at: at("2026-11-08T10:00:00Z"),
                },
                incident: None,
                exhibits: vec![],
                written_while_locked: false,
                held: None,
                messages: 0,
            },
            revisions: vec![],
        },
    ]
}

pub const PDF: &[u8] = b"%PDF-1.7\n% pretend report\n%%EOF\n";

/// A valid handover's tar bytes.
pub fn handover_with(options: &Options) -> Vec<u8> {
    let exhibits = exhibits();
    let mut writer = handover::Writer::new(Vec::new(), created_at());
    for (exhibit, (_, _, bytes)) in exhibits.iter().zip(originals()) {
        writer
            .add_exhibit(exhibit, &bytes[..], Check::Hash)
            .unwrap();
    }
    writer.add_entries(&records(), &exhibits, options).unwrap();
    writer.add_bytes("report.pdf", PDF).unwrap();
    let (out, _) = writer
        .finish(handover::Details {
            fingerprint: "fp-1234".into(),
            daybook_version: "0.1.0".into(),
        })
        .unwrap();
    out
}

pub fn handover() -> Vec<u8> {
    handover_with(&Options::default())
}

/// Runs a command in `dir`, returning (success, stdout + stderr).
pub fn run(dir: &Path, program: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Sorted listing of a folder, recursively, as relative paths.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            out.push(
                path.strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
            if entry.file_type().unwrap().is_dir() {
                walk(base, &path, out);
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A reader of `n` generated bytes (no file behind it).
pub struct Generated {
    pub left: u64,
    pub counter: u8,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = self.counter.wrapping_add(i as u8);
        }
        self.counter = self.counter.wrapping_add(n as u8);
        self.left -= n as u64;
        Ok(n)
    }
}
