//! One rule picks entries for every output: the report and the handover file made
//! with the same dates hold the same entries, and the evidence pack the same
//! exhibits, whatever zone an entry was written in or the report shows times in.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use daybook_core::crypto::{Identity, OpenReader};
use daybook_core::incident::{Incident, Occurred};
use daybook_core::report;
use daybook_core::select::Filter;
use daybook_core::vault::{CreateOptions, HandoverKey, HandoverOptions, Vault};
use daybook_core::SecretString;

fn at(when: &str, zone: &str, text: &str) -> Incident {
    Incident::new(Occurred::parse(when, None, false, zone).unwrap(), text)
}

fn day(text: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
}

#[test]
fn the_report_and_the_handover_made_with_the_same_dates_hold_the_same_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diary.daybook");
    let (mut vault, _) = Vault::create(
        &path,
        SecretString::from("correct horse battery staple".to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )
    .unwrap();
    let mut settings = vault.settings().unwrap();
    settings.zone = "Europe/London".into();
    vault.save_settings(&settings).unwrap();
    // 23:30 on 1 November in New York is already 2 November in London.
    let late = vault
        .add(at(
            "2026-11-01 23:30",
            "America/New_York",
            "late evening in New York",
        ))
        .unwrap();
    let noon = vault
        .add(at("2026-11-01 12:00", "Europe/London", "noon in London"))
        .unwrap();
    let next = vault
        .add(at(
            "2026-11-02 00:30",
            "Europe/London",
            "just after midnight",
        ))
        .unwrap();
    let withdrawn = vault
        .add(at("2026-11-01 09:00", "Europe/London", "written twice"))
        .unwrap();
    vault.withdraw(withdrawn, "I wrote this one twice").unwrap();
    let photo = dir.path().join("late.txt");
    std::fs::write(&photo, b"a screenshot, as text here").unwrap();
    vault.attach(late, &photo, "screenshot").unwrap();
    let other = dir.path().join("next.txt");
    std::fs::write(&other, b"another file").unwrap();
    vault.attach(next, &other, "screenshot").unwrap();

    for include_withdrawn in [false, true] {
        let (from, to) = (day("2026-11-01"), day("2026-11-01"));
        let mut expected = vec![late, noon];
        if include_withdrawn {
            expected.push(withdrawn);
        }
        expected.sort();

        // The rule itself, as the app's timeline and `daybook list` use it.
        let filter = Filter {
            from: from.map(daybook_core::incident::Day),
            to: to.map(daybook_core::incident::Day),
            include_withdrawn,
            ..Filter::default()
        };
        let mut listed: Vec<u64> = vault
            .entries()
            .unwrap()
            .iter()
            .filter(|e| filter.matches(e, "Europe/London"))
            .map(|e| e.number)
            .collect();
        listed.sort();
        assert_eq!(listed, expected);

        // The report.
        let summary = vault
            .write_report(
                &dir.path().join(format!("r{include_withdrawn}.pdf")),
                &report::Options {
                    from,
                    to,
                    include_withdrawn,
                    ..Default::default()
                },
                &report::NoProgress,
            )
            .unwrap();
        assert_eq!(summary.entries, expected.len());
        assert_eq!(summary.exhibits, 1, "the exhibit of the New York entry");

        // The handover file, opened.
        let worker = Identity::generate();
        let out = dir.path().join(format!("h{include_withdrawn}.age"));
        vault
            .write_handover(
                &out,
                &HandoverOptions {
                    from,
                    to,
                    redact_witnesses: false,
                    include_withdrawn,
                    key: HandoverKey::Recipient(worker.recipient()),
                    include_private_notes: false,
                    given_to: String::new(),
                },
                &report::NoProgress,
            )
            .unwrap();
        let file = std::fs::File::open(&out).unwrap();
        let tar = OpenReader::with_identity(&worker, file).unwrap();
        let opened = daybook_core::bundle::handover::open(
            tar,
            &dir.path().join(format!("o{include_withdrawn}")),
        )
        .unwrap();
        let mut handed: Vec<u64> = opened.entries.iter().map(|r| r.entry.number).collect();
        handed.sort();
        assert_eq!(handed, expected);
        assert_eq!(opened.exhibits.len(), 1);

        // The evidence pack holds the same exhibits.
        let pack = vault
            .write_evidence_pack(
                &dir.path().join(format!("p{include_withdrawn}")),
                from,
                to,
                &report::NoProgress,
            )
            .unwrap();
        assert_eq!(pack.files.len(), 1);
        assert!(pack.files[0].file_name.contains("late"), "{:?}", pack.files);
    }
}

/// Counts what an evidence pack reports, and asks it to stop after `stop_after`.
struct Watching {
    seen: std::cell::RefCell<Vec<(u64, u64)>>,
    stop_after: usize,
}

impl daybook_core::progress::Progress for Watching {
    fn advanced(&self, done: u64, total: u64, unit: daybook_core::progress::Unit) {
        assert_eq!(unit, daybook_core::progress::Unit::Bytes);
        self.seen.borrow_mut().push((done, total));
    }
    fn cancelled(&self) -> bool {
        self.seen.borrow().len() >= self.stop_after
    }
}

#[test]
fn the_evidence_pack_reports_progress_and_a_stopped_one_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _) = Vault::create(
        &dir.path().join("d.daybook"),
        SecretString::from("correct horse battery staple".to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )
    .unwrap();
    let n = vault
        .add(at("2026-11-01 12:00", "Europe/London", "x"))
        .unwrap();
    for (name, bytes) in [("a.bin", vec![1u8; 3000]), ("b.bin", vec![2u8; 5000])] {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        vault.attach(n, &p, "file").unwrap();
    }
    let all = Watching {
        seen: Default::default(),
        stop_after: usize::MAX,
    };
    vault
        .write_evidence_pack(&dir.path().join("pack"), None, None, &all)
        .unwrap();
    assert_eq!(*all.seen.borrow(), vec![(3000, 8000), (8000, 8000)]);

    let stopping = Watching {
        seen: Default::default(),
        stop_after: 1,
    };
    let out = dir.path().join("stopped");
    let err = vault
        .write_evidence_pack(&out, None, None, &stopping)
        .unwrap_err();
    assert!(matches!(err, daybook_core::Error::Cancelled), "{err:?}");
    assert!(!out.exists(), "a stopped pack leaves nothing");
}

/// The preview shown before an export and the export itself take entries by one
/// rule (`Selection::for_output`): for every kind of output, with and without
/// withdrawn entries, the preview names exactly the entries the custody log then
/// records as given out, on a diary with withdrawn, erased and out-of-range entries.
#[test]
fn the_preview_names_exactly_the_entries_each_export_holds() {
    use daybook_core::vault::{Output, PackOptions, Selection, StatementOptions};

    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _) = Vault::create(
        &dir.path().join("d.daybook"),
        SecretString::from("correct horse battery staple".to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )
    .unwrap();
    let active = vault
        .add(at("2026-11-01 12:00", "Europe/London", "he waited outside"))
        .unwrap();
    let withdrawn = vault
        .add(at("2026-11-02 09:00", "Europe/London", "written twice"))
        .unwrap();
    vault.withdraw(withdrawn, "I wrote this one twice").unwrap();
    let erased = vault
        .add(at("2026-11-03 09:00", "Europe/London", "to be erased"))
        .unwrap();
    vault.erase(erased).unwrap();
    let outside = vault
        .add(at("2026-12-20 09:00", "Europe/London", "later on"))
        .unwrap();
    for (n, name) in [(active, "a.txt"), (withdrawn, "w.txt"), (outside, "o.txt")] {
        let p = dir.path().join(name);
        std::fs::write(&p, name.as_bytes()).unwrap();
        vault.attach(n, &p, "file").unwrap();
    }
    let (from, to) = (day("2026-11-01"), day("2026-11-30"));
    let sorted = |mut v: Vec<u64>| {
        v.sort();
        v
    };
    let mut made = 0;
    for include_withdrawn in [false, true] {
        for include_private_notes in [false, true] {
            for output in [
                Output::Report,
                Output::Statement,
                Output::Handover,
                Output::EvidencePack,
            ] {
                made += 1;
                let selection = Selection::for_output(
                    output,
                    from,
                    to,
                    include_withdrawn,
                    include_private_notes,
                );
                let preview = vault.disclosure_preview(&selection).unwrap();
                let out = dir.path().join(format!("out{made}"));
                match output {
                    Output::Report => {
                        vault
                            .write_report(
                                &out,
                                &report::Options {
                                    from,
                                    to,
                                    include_withdrawn,
                                    include_private_notes,
                                    ..Default::default()
                                },
                                &report::NoProgress,
                            )
                            .unwrap();
                    }
                    Output::Statement => {
                        vault
                            .write_statement(
                                &out,
                                &StatementOptions {
                                    selection: selection.clone(),
                                    ..Default::default()
                                },
                            )
                            .unwrap();
                    }
                    Output::Handover => {
                        vault
                            .write_handover(
                                &out,
                                &HandoverOptions {
                                    from,
                                    to,
                                    redact_witnesses: false,
                                    include_withdrawn,
                                    key: HandoverKey::Recipient(Identity::generate().recipient()),
                                    include_private_notes,
                                    given_to: String::new(),
                                },
                                &report::NoProgress,
                            )
                            .unwrap();
                    }
                    Output::EvidencePack => {
                        vault
                            .write_evidence_pack_with(
                                &out,
                                &PackOptions {
                                    from,
                                    to,
                                    ..Default::default()
                                },
                                &report::NoProgress,
                            )
                            .unwrap();
                    }
                }
                let custody = vault.custody().unwrap();
                let given = custody.last().unwrap();
                assert_eq!(
                    sorted(preview.entries.clone()),
                    sorted(given.entries.clone()),
                    "{output:?}, withdrawn {include_withdrawn}, notes {include_private_notes}"
                );
                assert!(!preview.entries.contains(&outside));
                let holds_withdrawn = preview.entries.contains(&withdrawn);
                assert_eq!(
                    holds_withdrawn,
                    match output {
                        Output::Statement => false,
                        Output::EvidencePack => true,
                        _ => include_withdrawn,
                    },
                    "{output:?}"
                );
                assert_eq!(
                    preview.entries.contains(&erased),
                    matches!(output, Output::Handover | Output::EvidencePack),
                    "{output:?}"
                );
            }
        }
    }
}
