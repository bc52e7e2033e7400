//! Imported messages in what leaves the vault, told as a person brings them: a
//! WhatsApp chat with Mark, contact on several days and at night, a day she told the
//! police and a day he breached an order. The report's "Contact" part states the
//! figures and "Entries in full" quotes every message (or the message log does, with
//! `--messages summary`); the handover and the evidence pack carry `messages.csv` and
//! `messages.json` beside the originals. Checked with pdftotext and qpdf.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, FixedOffset};
use daybook_core::bundle::messages::{MessagesFile, MESSAGE_COLUMNS};
use daybook_core::bundle::sealed::{self, Key};
use daybook_core::crypto::Identity;
use daybook_core::import::DayOrder;
use daybook_core::incident::{Incident, Occurred, PoliceContact};
use daybook_core::report::{self, MessageDetail, NoProgress};
use daybook_core::vault::{CreateOptions, HandoverKey, HandoverOptions, ImportChoice, Vault};
use daybook_core::SecretString;

fn passphrase() -> SecretString {
    SecretString::from("a long test passphrase".to_string())
}

/// About 8,000 characters: more than a page of the report.
fn long_message() -> String {
    (1..=120)
        .map(|i| format!("Sentence {i}: I will keep coming back until you talk to me."))
        .collect::<Vec<_>>()
        .join(" ")
}

fn long_link() -> String {
    format!("https://example.com/{}", "a1b2c3".repeat(70))
}

const UNICODE: &str = "Zażółć gęślą jaźń. Μου έστειλε μήνυμα. Он снова ждал меня. قال إنه يعرف أين أعمل 我知道你住在哪里 😡🔪👀 e\u{301} zero\u{200d}width\ttab \u{202e}reversed\u{202c} bell\u{7} end.";

/// The chat, line by line, with Mark's contact on 10, 11, 12, 14, 15 and 20 March and
/// 2 April 2024 (BST), five times at night; Jane's replies; a day with only Jane's
/// message (13 March), which is not imported.
fn chat() -> Vec<String> {
    vec![
        "10/03/2024, 07:00 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.".into(),
        "10/03/2024, 07:12 - Mark: Morning. I saw you leave.".into(),
        "10/03/2024, 07:30 - Jane: Please stop contacting me.".into(),
        "11/03/2024, 02:05 - Mark: Why won't you answer?".into(),
        "11/03/2024, 03:30 - Mark: I'm outside.".into(),
        format!("12/03/2024, 23:59 - Mark: {}", long_message()),
        "13/03/2024, 09:00 - Jane: I have told the police.".into(),
        format!("14/03/2024, 05:59 - Mark: {UNICODE}"),
        format!("14/03/2024, 06:00 - Mark: {}", long_link()),
        "14/03/2024, 18:40 - Mark: First line".into(),
        "second line".into(),
        "third line".into(),
        "15/03/2024, 12:00 - Mark: You can't stop me.".into(),
        "20/03/2024, 01:15 - Mark: =HYPERLINK(\"http://x\") I know where you are.".into(),
        "02/04/2024, 00:30 - Mark: Clocks went forward. I didn't.".into(),
    ]
}

struct Diary {
    dir: tempfile::TempDir,
    path: PathBuf,
    /// Entry numbers: the police day and the order breach day.
    police: u64,
    order: u64,
}

fn diary() -> Diary {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("diary.daybook");
    let (mut vault, _code) = Vault::create(
        &path,
        passphrase(),
        CreateOptions {
            scrypt_log_n: Some(10),
            initials: Some("JS".into()),
            ..Default::default()
        },
    )
    .expect("create");
    let mut settings = vault.settings().expect("settings");
    settings.zone = "Europe/London".into();
    settings.keeper_name = "Jane Smith".into();
    settings.responsible_name = "Mark Ellis".into();
    vault.save_settings(&settings).expect("save settings");

    let file = dir.path().join("WhatsApp Chat with Mark.txt");
    std::fs::write(&file, chat().join("\n") + "\n").expect("write chat");
    let imported = vault
        .import_messages(
            &file,
            &ImportChoice {
                people: vec!["Mark".into()],
                day_order: Some(DayOrder::DayFirst),
                zone: Some("Europe/London".into()),
                ..Default::default()
            },
            &NoProgress,
        )
        .expect("import");
    assert_eq!(imported.exhibit.as_deref(), Some("JS/1"));
    assert_eq!(imported.entries.len(), 7, "{imported:?}");

    let at = |text: &str| Occurred::parse(text, None, false, "Europe/London").expect("when");
    let mut told = Incident::new(at("2024-03-13 09:00"), "I went to the police station.");
    told.police = PoliceContact {
        date: "2024-03-13".into(),
        reference: "WY-2024-0313".into(),
        officer: "PC 4521 Shah".into(),
    };
    let police = vault.add(told).expect("police entry");
    let mut breach = Incident::new(at("2024-03-15 12:30"), "He came to my work.");
    breach.order_breached = "Non-molestation order".into();
    let order = vault.add(breach).expect("order entry");
    drop(vault);
    Diary {
        dir,
        path,
        police,
        order,
    }
}

fn unlocked(path: &Path) -> Vault {
    let mut vault = Vault::open(path).expect("open");
    vault.unlock(&passphrase()).expect("unlock");
    vault
}

fn report(d: &Diary, messages: MessageDetail, name: &str) -> (PathBuf, report::Summary) {
    let out = d.dir.path().join(name);
    let options = report::Options {
        messages,
        ..Default::default()
    };
    let summary = unlocked(&d.path)
        .write_report(&out, &options, &NoProgress)
        .expect("report");
    (out, summary)
}

fn tool(name: &str, args: &[&str], path: &Path) -> (bool, String) {
    let out = Command::new(name)
        .args(args)
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("{name} could not run: {e}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn qpdf_ok(path: &Path) {
    let (ok, out) = tool("qpdf", &["--check"], path);
    assert!(
        ok && out.contains("No syntax or stream encoding errors"),
        "{out}"
    );
}

/// pdftotext's words with every run of whitespace made one space.
fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success());
    // Without the page furniture, so that a message running on to the next page
    // reads as one.
    let text = String::from_utf8_lossy(&out.stdout);
    let body: Vec<&str> = text
        .lines()
        .map(|l| l.trim_start_matches('\u{c}'))
        .filter(|l| {
            !(l.starts_with("Record of incidents ·")
                || l.starts_with("Record of incidents kept by")
                || l.starts_with("generated ")
                || (l.starts_with("page ") && l.contains(" of "))
                || l.ends_with(" cont."))
        })
        .collect();
    squash(&body.join("\n"))
}

#[test]
fn the_contact_part_states_the_figures_and_the_entries_quote_every_message() {
    let d = diary();
    let (pdf, summary) = report(&d, MessageDetail::Auto, "full.pdf");
    qpdf_ok(&pdf);
    assert_eq!(summary.messages, 12, "{summary:?}");
    assert!(summary.messages_in_entries);
    let text = pdf_text(&pdf);

    for wanted in [
        "Contact: imported messages and calls",
        "The imported records hold 10 messages from Mark, between 10 Mar 2024 and 2 Apr 2024.",
        "There was contact on 7 of the 24 days from 10 Mar 2024 to 2 Apr 2024.",
        "The longest run of consecutive days with contact was 3 days, from 10 Mar 2024 to 12 Mar 2024.",
        "5 of the 10 (50%) came at night, between 00:00 and 06:00.",
        &format!(
            "The earliest date the diary records the police being told is 13 Mar 2024 (entry {}, reference WY-2024-0313). On or after that day the imported records hold 6 messages from Mark, on 4 different days.",
            d.police
        ),
        &format!(
            "The first entry that records a breach of an order is entry {}, Non-molestation order, on 15 Mar 2024. On or after that day the imported records hold 3 messages from Mark, on 3 different days.",
            d.order
        ),
        "Messages and calls per day",
        "Contact by hour of day",
        "days with contact",
        "at night, 00:00 to 06:00",
        "read in Europe/London.",
    ] {
        assert!(
            text.to_lowercase().contains(&wanted.to_lowercase()),
            "missing: {wanted}\n\n{text}"
        );
    }

    // Every message is quoted in "Entries in full", with its time, sender and marks.
    let entries = &text[text.find("Entries in full Entry").expect("entries")
        ..text.find("Exhibits index Every exhibit").expect("index")];
    for wanted in [
        "02:05 GMT Mark JS/1 line 4 Why won't you answer?",
        "07:30 GMT Jane JS/1 line 3 Please stop contacting me.",
        "07:00 GMT System line in the export JS/1 line 1 Messages and calls are end-to-end encrypted.",
        "18:40 GMT Mark JS/1 line 10 First line second line third line",
        "01:15 GMT Mark JS/1 line 14 =HYPERLINK(\"http://x\") I know where you are.",
        "00:30 BST Mark JS/1 line 15 Clocks went forward. I didn't.",
        "Zażółć gęślą jaźń. Μου έστειλε μήνυμα. Он снова ждал меня.",
        &long_message(),
    ] {
        assert!(entries.contains(wanted), "not quoted: {wanted}");
    }
    // A word longer than the column is cut across lines, never lost.
    let no_space: String = entries.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(no_space.contains(&long_link()), "the long link was lost");
    // Jane's own day (13 March) was not imported.
    assert!(!text.contains("I have told the police."));
    assert!(!text.contains("Appendix: message log"));
}

#[test]
fn summary_counts_in_the_entries_and_quotes_in_the_message_log() {
    let d = diary();
    let (pdf, summary) = report(&d, MessageDetail::Summary, "summary.pdf");
    qpdf_ok(&pdf);
    assert!(!summary.messages_in_entries);
    let text = pdf_text(&pdf);
    let entries_at = text.find("Entries in full Entry").expect("entries");
    let log_at = text
        .find("Appendix: message log Every imported message")
        .expect("the message log");
    let declaration_at = text.rfind("Declaration").expect("declaration");
    assert!(entries_at < log_at && log_at < declaration_at);
    let entries = &text[entries_at..log_at];
    assert!(entries.contains("Quoted in full in the message log at the end of this report."));
    assert!(entries.contains("2 messages and 1 system line in exhibit JS/1, of which 1 from Mark."));
    assert!(!entries.contains("Why won't you answer?"));
    let log = &text[log_at..declaration_at];
    for wanted in [
        "02:05 GMT Mark JS/1 line 4 Why won't you answer?",
        "00:30 BST Mark JS/1 line 15 Clocks went forward. I didn't.",
        &long_message(),
    ] {
        assert!(log.contains(wanted), "not in the log: {wanted}");
    }
    // The figures are the same whichever way the messages are quoted.
    assert!(text.contains("5 of the 10 (50%) came at night"));
}

/// A small RFC 4180 reader.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{FEFF}').expect("byte order mark");
    let mut rows = vec![];
    let mut row = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\n') => panic!("bare LF outside quotes"),
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last line must end in CRLF"
    );
    rows
}

/// What a folder's `messages.json` and `messages.csv` hold, checked against each
/// other and against the chat; gives the messages' texts by line.
fn check_messages(dir: &Path, expected: usize) -> BTreeMap<u64, String> {
    let json = std::fs::read(dir.join("messages.json")).expect("messages.json");
    let file = MessagesFile::from_json(&json).expect("parses");
    assert_eq!(file.format, "daybook-messages");
    assert_eq!(file.messages.len(), expected);
    let raw: serde_json::Value = serde_json::from_slice(&json).expect("json");
    let chat = chat();
    let mut texts = BTreeMap::new();
    for (m, value) in file
        .messages
        .iter()
        .zip(raw["messages"].as_array().expect("list"))
    {
        // RFC 3339 with the offset of the zone it was read in.
        let at = value["at"].as_str().expect("at");
        let parsed: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(at).expect(at);
        assert_eq!(parsed, m.at);
        let summer = chrono::NaiveDate::from_ymd_opt(2024, 3, 31).expect("day");
        let offset = if m.at.date_naive() >= summer {
            "+01:00"
        } else {
            "+00:00"
        };
        assert!(at.ends_with(offset), "{at}");
        assert_eq!(m.exhibit, "JS/1");
        assert_eq!(value["position"]["line"], m.position.line);
        assert!(value["position"]["byte"].is_u64());
        assert!(value["entry"].as_u64().is_some_and(|n| n >= 1));
        let line = &chat[(m.position.line - 1) as usize];
        assert!(
            line.ends_with(m.text.lines().next().unwrap_or_default()),
            "{line} / {}",
            m.text
        );
        texts.insert(m.position.line, m.text.clone());
    }

    let csv = std::fs::read_to_string(dir.join("messages.csv")).expect("messages.csv");
    let rows = parse_csv(&csv);
    assert_eq!(rows[0], MESSAGE_COLUMNS);
    assert_eq!(rows.len(), expected + 1);
    let col = |name: &str| rows[0].iter().position(|h| h == name).expect(name);
    for (row, m) in rows[1..].iter().zip(&file.messages) {
        assert_eq!(row[col("entry_number")], m.entry.to_string());
        assert_eq!(row[col("at")], m.at.to_rfc3339());
        assert_eq!(row[col("exhibit")], "JS/1");
        assert_eq!(row[col("line")], m.position.line.to_string());
        assert_eq!(row[col("byte")], m.position.byte.to_string());
        let text = &row[col("text")];
        if m.text.starts_with('=') {
            assert_eq!(*text, format!("'{}", m.text), "formulas are defused");
        } else {
            assert_eq!(*text, m.text);
        }
    }
    texts
}

fn sums(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(dir.join("SHA256SUMS"))
        .expect("SHA256SUMS")
        .lines()
        .map(|l| {
            let (hash, path) = l.split_once("  ").expect("hash  path");
            (path.to_string(), hash.to_string())
        })
        .collect()
}

fn sha256(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(std::fs::read(path).expect("read")))
}

fn handover(d: &Diary, options: HandoverOptions, key: &Key, name: &str) -> PathBuf {
    let out = d.dir.path().join(format!("{name}.age"));
    unlocked(&d.path)
        .write_handover(&out, &options, &NoProgress)
        .expect("handover");
    let into = d.dir.path().join(name);
    sealed::open(&out, key, &into).expect("opens");
    into
}

fn options(identity: &Key) -> HandoverOptions {
    let Key::Identity(identity) = identity else {
        panic!("a key pair")
    };
    HandoverOptions {
        from: None,
        to: None,
        redact_witnesses: true,
        include_withdrawn: true,
        key: HandoverKey::Recipient(identity.recipient()),
        include_private_notes: false,
        given_to: String::new(),
    }
}

#[test]
fn the_handover_carries_every_message_of_its_entries_in_json_and_csv() {
    let d = diary();
    let key = Key::Identity(Identity::generate());
    let dir = handover(&d, options(&key), &key, "all");
    let texts = check_messages(&dir, 12);
    assert_eq!(texts[&6], long_message(), "kept exactly");
    assert_eq!(texts[&8], UNICODE, "kept exactly");
    assert_eq!(texts[&10], "First line\nsecond line\nthird line");
    assert!(
        !texts.values().any(|t| t.contains("I have told the police")),
        "a day without contact is not imported"
    );

    // Listed with the other files, and described in the README.
    let sums = sums(&dir);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(manifest["messages"], 12);
    for name in ["messages.json", "messages.csv"] {
        assert_eq!(sums[name], sha256(&dir.join(name)), "{name}");
        assert_eq!(manifest["files"][name]["sha256"], sums[name].as_str());
    }
    let readme = std::fs::read_to_string(dir.join("README.txt")).expect("README");
    assert!(readme.contains("messages.json") && readme.contains("messages.csv"));
    assert!(
        readme.contains("with 12 imported messages and calls"),
        "{readme}"
    );
    let check = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&dir)
        .output()
        .expect("sha256sum");
    assert!(check.status.success(), "{check:?}");
}

#[test]
fn the_handover_keeps_to_the_same_entries_as_the_rest() {
    let d = diary();
    // Withdraw the entry for 2 April, then hand over without withdrawn entries.
    {
        let mut vault = unlocked(&d.path);
        let entries = vault.entries().expect("entries");
        let april = entries
            .iter()
            .find(|e| {
                e.incident
                    .as_ref()
                    .is_some_and(|i| i.description.contains("at 00:30"))
            })
            .expect("the April entry");
        vault
            .withdraw(april.number, "wrong chat")
            .expect("withdraw");
    }
    let key = Key::Identity(Identity::generate());
    let mut o = options(&key);
    o.include_withdrawn = false;
    let dir = handover(&d, o, &key, "no-withdrawn");
    let texts = check_messages(&dir, 11);
    assert!(!texts.contains_key(&15));

    // Dates: only the entries from 10 to 12 March.
    let mut o = options(&key);
    o.to = chrono::NaiveDate::from_ymd_opt(2024, 3, 12);
    let dir = handover(&d, o, &key, "to-12-march");
    let texts = check_messages(&dir, 6);
    assert_eq!(
        texts.keys().copied().collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );

    // No imported messages in range: no message files at all.
    let mut o = options(&key);
    o.from = chrono::NaiveDate::from_ymd_opt(2024, 3, 13);
    o.to = chrono::NaiveDate::from_ymd_opt(2024, 3, 13);
    let dir = handover(&d, o, &key, "13-march");
    assert!(!dir.join("messages.json").exists());
    assert!(!dir.join("messages.csv").exists());
    assert!(!sums(&dir).contains_key("messages.json"));
}

#[test]
fn the_evidence_pack_carries_the_messages_beside_the_originals() {
    let d = diary();
    let dir = d.dir.path().join("pack");
    let summary = unlocked(&d.path)
        .write_evidence_pack(&dir, None, None, &NoProgress)
        .expect("pack");
    assert_eq!(summary.messages, 12);
    check_messages(&dir, 12);
    let sums = sums(&dir);
    assert!(
        sums.contains_key("JS-1_WhatsApp Chat with Mark.txt"),
        "{sums:?}"
    );
    for name in ["messages.json", "messages.csv", "manifest.csv"] {
        assert_eq!(sums[name], sha256(&dir.join(name)), "{name}");
    }
    let check = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&dir)
        .output()
        .expect("sha256sum");
    assert!(check.status.success(), "{check:?}");

    // Dates apply as to the originals.
    let dir = d.dir.path().join("pack-11-march");
    let day = chrono::NaiveDate::from_ymd_opt(2024, 3, 11);
    // The export itself is attached to the first day's entry, so this pack holds the
    // messages of the day without an original.
    let summary = unlocked(&d.path)
        .write_evidence_pack(&dir, day, day, &NoProgress)
        .expect("pack of one day");
    assert!(summary.files.is_empty());
    let texts = check_messages(&dir, 2);
    assert_eq!(texts.keys().copied().collect::<Vec<_>>(), [4, 5]);
}
