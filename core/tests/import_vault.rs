//! Imports into the diary, told as what a person does: brings a chat, chooses whose
//! contact it is about, and finds one entry a day with contact, the export and its
//! media kept as exhibits, the messages sealed and checked by `verify`; brings a later
//! export of the same chat and gets only what is new; cancels, and finds nothing kept.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use daybook_core::import::{DayOrder, Direction};
use daybook_core::message::{self, Kind};
use daybook_core::progress::{NoProgress, Progress, Unit};
use daybook_core::vault::{CreateOptions, ImportChoice, Vault};
use daybook_core::{Error, SecretString};

const PASS: &str = "a long enough passphrase";

/// A small real JPEG.
fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn new_vault(dir: &Path) -> Vault {
    let (vault, _) = Vault::create(
        &dir.join("diary.daybook"),
        SecretString::from(PASS.to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            initials: Some("AB".into()),
            ..Default::default()
        },
    )
    .unwrap();
    vault
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        out.start_file(*name, options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn choice(person: &str) -> ImportChoice {
    ImportChoice {
        people: vec![person.into()],
        zone: Some("Europe/London".into()),
        ..Default::default()
    }
}

fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/imports");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("note: {} is absent; fixture checks skipped", dir.display());
        None
    }
}

/// An Android chat: Mark writes on three days, the phone's owner answers on one,
/// and a day with only the owner's message.
const CHAT: &str = "\
12/03/2024, 07:12 - Mark: Where are you
12/03/2024, 07:14 - Mark: I know you're home
12/03/2024, 08:00 - Jo: Please stop messaging me
12/03/2024, 23:50 - Mark: Answer me
13/03/2024, 02:10 - Mark: I can see your light on
14/03/2024, 09:00 - Jo: I have reported this
15/03/2024, 06:05 - Mark: You'll regret that
";

#[test]
fn import_a_chat_makes_one_entry_a_day_with_contact() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    let chat = write(dir.path(), "WhatsApp Chat with Mark.txt", CHAT.as_bytes());
    let imported = vault
        .import_messages(&chat, &choice("mark"), &NoProgress)
        .unwrap();
    // Days with contact from Mark: 12, 13 and 15 March; 14 March has only Jo's.
    assert_eq!(imported.entries, vec![1, 2, 3]);
    assert_eq!(imported.messages, 6, "{imported:?}");
    assert_eq!(imported.calls, 0);
    assert_eq!(imported.already_present, 0);
    assert_eq!(imported.left_in_original, 1);
    assert_eq!(imported.exhibit.as_deref(), Some("AB/1"));
    assert_eq!(imported.people, vec!["Mark".to_string()]);

    let first = vault.entry(1).unwrap();
    let incident = first.incident.as_ref().unwrap();
    assert!(
        incident
            .description
            .starts_with("3 messages from Mark between 07:12 and 23:50."),
        "{}",
        incident.description
    );
    assert!(incident.description.contains("1 other message or call"));
    assert_eq!(
        incident.behaviours,
        vec![daybook_core::incident::Behaviour::Contacting]
    );
    assert_eq!(first.messages, 4);
    assert_eq!(first.exhibits, vec!["AB/1".to_string()]);
    // The export itself, byte for byte.
    let exhibit = vault.exhibit("AB/1").unwrap();
    let mut copy = Vec::new();
    vault.copy_original(&exhibit, &mut copy).unwrap();
    assert_eq!(copy, CHAT.as_bytes());

    let messages = vault.messages(&message::Filter::default()).unwrap();
    assert_eq!(messages.len(), 6);
    let answer = &messages[2];
    assert_eq!(answer.text, "Please stop messaging me");
    assert_eq!(answer.from, "Jo");
    assert!(!answer.contact);
    assert_eq!(answer.entry, 1);
    assert_eq!(answer.position.line, 3);
    assert_eq!(answer.exhibit, "AB/1");
    assert_eq!(messages[0].direction, Direction::Received);
    assert_eq!(messages[0].at.to_rfc3339(), "2024-03-12T07:12:00+00:00");
    // Filters: by entry, by person, by dates.
    let on_two = vault
        .messages(&message::Filter {
            entry: Some(2),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(on_two.len(), 1);
    assert_eq!(on_two[0].text, "I can see your light on");
    let from_jo = vault
        .messages(&message::Filter {
            person: Some("jo".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(from_jo.len(), 1);

    let report = vault.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    assert!(report
        .checked
        .iter()
        .any(|c| c.contains("6 imported messages")));
    vault.check_against_chain().unwrap();
}

#[test]
fn import_again_or_a_later_export_adds_only_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    let chat = write(dir.path(), "chat.txt", CHAT.as_bytes());
    vault
        .import_messages(&chat, &choice("Mark"), &NoProgress)
        .unwrap();
    let again = vault
        .import_messages(&chat, &choice("Mark"), &NoProgress)
        .unwrap();
    assert_eq!(again.messages, 0);
    assert!(again.entries.is_empty());
    assert_eq!(again.exhibit, None);
    assert_eq!(again.already_present, 6);

    // A later export of the same chat: the last day again, and two more days, one
    // with the same words twice in one minute (both are kept).
    let later = format!(
        "{}16/03/2024, 07:00 - Mark: Hello?\n16/03/2024, 07:00 - Mark: Hello?\n17/03/2024, 21:30 - Mark: Last chance\n",
        CHAT
    );
    let later = write(dir.path(), "chat later.txt", later.as_bytes());
    let more = vault
        .import_messages(&later, &choice("Mark"), &NoProgress)
        .unwrap();
    assert_eq!(more.already_present, 6);
    assert_eq!(more.messages, 3);
    assert_eq!(more.entries, vec![4, 5]);
    assert_eq!(vault.entry(4).unwrap().messages, 2);
    assert_eq!(
        vault.messages(&message::Filter::default()).unwrap().len(),
        9
    );
    assert!(vault.verify().unwrap().ok());
}

#[test]
fn import_an_ios_zip_keeps_each_photo_as_an_exhibit() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    let chat = "\u{feff}[14/03/2024, 07:12:05] Mark: Look who's outside\r\n\
                [14/03/2024, 07:12:09] Mark: \u{200e}<attached: 00000001-PHOTO-2024-03-12-07-12-09.jpg>\r\n\
                [14/03/2024, 07:13:00] Mark: \u{200e}<attached: 00000002-PHOTO-2024-03-12-07-13-00.jpg>\r\n";
    let photo = jpeg();
    let zip = zip_of(&[
        ("_chat.txt", chat.as_bytes()),
        ("00000001-PHOTO-2024-03-12-07-12-09.jpg", &photo),
    ]);
    let path = write(dir.path(), "WhatsApp Chat - Mark.zip", &zip);
    let imported = vault
        .import_messages(&path, &choice("Mark"), &NoProgress)
        .unwrap();
    assert_eq!(imported.entries, vec![1]);
    assert_eq!(imported.media, 1);
    let messages = vault.messages(&message::Filter::default()).unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[1].attachments, vec!["AB/2".to_string()]);
    assert!(messages[2].attachments.is_empty());
    assert_eq!(messages[2].media_missing.len(), 1, "{:?}", messages[2]);
    // The photo is byte for byte what was in the zip, with its preview.
    let kept = vault.exhibit("AB/2").unwrap();
    assert_eq!(kept.entry_number, 1);
    let mut bytes = Vec::new();
    vault.copy_original(&kept, &mut bytes).unwrap();
    assert_eq!(bytes, photo);
    assert!(vault.thumbnail("AB/2").unwrap().is_some());
    assert!(kept.how_obtained.contains("AB/1"), "{}", kept.how_obtained);
    let zip_exhibit = vault.exhibit("AB/1").unwrap();
    assert_eq!(zip_exhibit.size, zip.len() as u64);
    assert!(vault.verify().unwrap().ok());
}

#[test]
fn import_of_an_ambiguous_chat_asks_for_the_day_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    let chat = "03/04/2024, 10:00 - Mark: hello\n04/05/2024, 11:00 - Mark: again\n";
    let path = write(dir.path(), "chat.txt", chat.as_bytes());
    let err = vault
        .import_messages(&path, &choice("Mark"), &NoProgress)
        .unwrap_err();
    assert_eq!(err.field(), Some("day_order"), "{err}");
    assert!(vault.entries().unwrap().is_empty());
    let mut month_first = choice("Mark");
    month_first.day_order = Some(DayOrder::MonthFirst);
    vault
        .import_messages(&path, &month_first, &NoProgress)
        .unwrap();
    let messages = vault.messages(&message::Filter::default()).unwrap();
    assert_eq!(messages[0].at.date_naive().to_string(), "2024-03-04");
    assert_eq!(messages[1].at.date_naive().to_string(), "2024-04-05");
}

#[test]
fn import_reads_phone_times_across_clock_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    // 27 October 2024: clocks went back at 02:00 BST, so 01:30 happened twice.
    // 31 March 2024: clocks went forward at 01:00 GMT, so 01:30 never happened.
    let chat = "\
27/10/2024, 01:30 - Mark: first time round
27/10/2024, 01:10 - Mark: after the clocks went back
27/10/2024, 01:30 - Mark: second time round
31/03/2024, 01:30 - Mark: in the gap
";
    let path = write(dir.path(), "chat.txt", chat.as_bytes());
    vault
        .import_messages(&path, &choice("Mark"), &NoProgress)
        .unwrap();
    let messages = vault.messages(&message::Filter::default()).unwrap();
    let at: Vec<String> = messages.iter().map(|m| m.at.to_rfc3339()).collect();
    assert_eq!(
        at,
        vec![
            // Read with the offset from before the change: 01:30 GMT, which the
            // clocks showed as 02:30 BST.
            "2024-03-31T02:30:00+01:00",
            "2024-10-27T01:30:00+01:00",
            "2024-10-27T01:10:00+00:00",
            "2024-10-27T01:30:00+00:00",
        ]
    );
    assert!(messages.iter().all(|m| m.zone == "Europe/London"));
}

#[test]
fn import_needs_a_person_who_is_in_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    let path = write(dir.path(), "chat.txt", CHAT.as_bytes());
    let err = vault
        .import_messages(&path, &ImportChoice::default(), &NoProgress)
        .unwrap_err();
    assert_eq!(err.field(), Some("person"));
    let err = vault
        .import_messages(&path, &choice("Somebody Else"), &NoProgress)
        .unwrap_err();
    assert_eq!(err.field(), Some("person"));
    let mut bad_zone = choice("Mark");
    bad_zone.zone = Some("Mars/Olympus".into());
    let err = vault
        .import_messages(&path, &bad_zone, &NoProgress)
        .unwrap_err();
    assert_eq!(err.field(), Some("zone"));
    let not_an_export = write(dir.path(), "notes.txt", b"just some notes\n");
    let err = vault
        .import_messages(&not_an_export, &choice("Mark"), &NoProgress)
        .unwrap_err();
    assert!(matches!(err, Error::Import { .. }), "{err}");
    assert!(vault.entries().unwrap().is_empty());
    assert!(vault.exhibits(None).unwrap().is_empty());
}

#[test]
fn import_dates_limit_what_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    let path = write(dir.path(), "chat.txt", CHAT.as_bytes());
    let mut limited = choice("Mark");
    limited.from = Some(daybook_core::incident::Day::parse("from", "13/03/2024").unwrap());
    limited.to = Some(daybook_core::incident::Day::parse("to", "2024-03-14").unwrap());
    let imported = vault.import_messages(&path, &limited, &NoProgress).unwrap();
    assert_eq!(imported.entries, vec![1]);
    assert_eq!(imported.messages, 1);
}

struct CancelAfter(Cell<u64>);

impl Progress for CancelAfter {
    fn advanced(&self, _done: u64, _total: u64, _unit: Unit) {}
    fn cancelled(&self) -> bool {
        let left = self.0.get();
        self.0.set(left.saturating_sub(1));
        left == 0
    }
}

#[test]
fn import_cancelled_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    let chat = "[14/03/2024, 07:12:09] Mark: <attached: 00000001-PHOTO-2024-03-12-07-12-09.jpg>\n";
    let photo = jpeg();
    let zip = zip_of(&[
        ("_chat.txt", chat.as_bytes()),
        ("00000001-PHOTO-2024-03-12-07-12-09.jpg", &photo),
    ]);
    let path = write(dir.path(), "chat.zip", &zip);
    // Cancelled at each point it is asked in turn: nothing is ever kept.
    for after in 0..6 {
        let result = vault.import_messages(&path, &choice("Mark"), &CancelAfter(Cell::new(after)));
        match result {
            Err(Error::Cancelled) => {
                assert!(vault.entries().unwrap().is_empty(), "after {after}");
                assert!(vault.exhibits(None).unwrap().is_empty());
                assert!(vault
                    .messages(&message::Filter::default())
                    .unwrap()
                    .is_empty());
            }
            Ok(imported) => {
                assert_eq!(imported.entries, vec![1]);
                break;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(vault.verify().unwrap().ok());
}

#[test]
fn import_erasing_an_entry_removes_its_messages() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    let path = write(dir.path(), "chat.txt", CHAT.as_bytes());
    vault
        .import_messages(&path, &choice("Mark"), &NoProgress)
        .unwrap();
    vault.erase(2).unwrap();
    let messages = vault.messages(&message::Filter::default()).unwrap();
    assert_eq!(messages.len(), 5);
    assert!(messages.iter().all(|m| m.entry != 2));
    assert_eq!(vault.entry(2).unwrap().messages, 0);
    let report = vault.verify().unwrap();
    assert!(report.ok(), "{report:?}");
    vault.check_against_chain().unwrap();
}

#[test]
fn import_verify_names_a_damaged_page_of_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diary.daybook");
    {
        let mut vault = new_vault(dir.path());
        let chat = write(dir.path(), "chat.txt", CHAT.as_bytes());
        vault
            .import_messages(&chat, &choice("Mark"), &NoProgress)
            .unwrap();
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (id, mut payload): (String, Vec<u8>) = conn
        .query_row(
            "SELECT id, payload FROM message_pages WHERE entry_number = 3",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let at = payload.len() - 20;
    payload[at] ^= 0x01;
    conn.execute(
        "UPDATE message_pages SET payload = ?1 WHERE id = ?2",
        rusqlite::params![payload, id],
    )
    .unwrap();
    drop(conn);
    let mut vault = Vault::open(&path).unwrap();
    vault.unlock(&SecretString::from(PASS.to_string())).unwrap();
    let report = vault.verify().unwrap();
    let failure = report.failure.expect("the damage is found");
    assert_eq!(failure.entry, Some(3));
    assert!(failure.message.contains("entry 3"), "{}", failure.message);
    assert!(failure.message.contains("AB/1"), "{}", failure.message);
    assert!(vault.check_against_chain().is_err());
    assert!(vault.messages(&message::Filter::default()).is_err());

    // A page removed is named too.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("DELETE FROM message_pages WHERE id = ?1", [&id])
        .unwrap();
    drop(conn);
    let report = vault.verify().unwrap();
    let failure = report.failure.expect("the removal is found");
    assert!(failure.message.contains("missing"), "{}", failure.message);
    assert!(vault.check_against_chain().is_err());
}

#[test]
fn import_sms_and_call_fixtures_into_the_diary() {
    let Some(dir) = fixtures() else { return };
    let mut checked = 0;
    for entry in std::fs::read_dir(dir.join("sms")).unwrap() {
        let path = entry.unwrap().path();
        let Ok(summary) =
            daybook_core::import::summary(&path, &daybook_core::import::Options::default())
        else {
            continue; // the malformed fixtures are the parser tests' business
        };
        let Some(person) = summary.people.iter().find(|p| p.messages + p.calls > 0) else {
            continue;
        };
        let who = person
            .address
            .clone()
            .or(person.name.clone())
            .unwrap_or_default();
        let tmp = tempfile::tempdir().unwrap();
        let mut vault = new_vault(tmp.path());
        let imported = vault
            .import_messages(&path, &choice(&who), &NoProgress)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!imported.entries.is_empty(), "{}", path.display());
        let kept = vault.messages(&message::Filter::default()).unwrap();
        assert_eq!(kept.len() as u64, imported.messages + imported.calls);
        assert!(kept.iter().any(|m| m.contact));
        assert!(kept
            .iter()
            .filter(|m| m.kind == Kind::Call)
            .all(|m| m.duration_s.is_some()));
        let report = vault.verify().unwrap();
        assert!(report.ok(), "{}: {report:?}", path.display());
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} fixtures imported");
}

#[test]
fn import_whatsapp_fixtures_into_the_diary() {
    let Some(dir) = fixtures() else { return };
    for entry in std::fs::read_dir(dir.join("whatsapp")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let summary =
            daybook_core::import::summary(&path, &daybook_core::import::Options::default())
                .unwrap();
        let person = summary.people[0].name.clone().unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let mut vault = new_vault(tmp.path());
        let mut chosen = choice(&person);
        if summary.day_order == Some(DayOrder::Ambiguous) {
            chosen.day_order = Some(DayOrder::DayFirst);
        }
        let imported = vault
            .import_messages(&path, &chosen, &NoProgress)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!imported.entries.is_empty());
        assert_eq!(
            vault
                .messages(&message::Filter {
                    person: Some(person.clone()),
                    ..Default::default()
                })
                .unwrap()
                .iter()
                .filter(|m| m.contact)
                .count() as u64,
            summary.people[0].messages,
            "{}",
            path.display()
        );
        assert!(vault.verify().unwrap().ok());
    }
}

#[test]
fn import_describes_a_day_by_its_earliest_and_latest_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    // Written out of order, as phones sometimes do.
    let chat = "14/03/2024, 10:06 - Mark: later\n14/03/2024, 05:25 - Mark: earlier\n";
    let path = write(dir.path(), "chat.txt", chat.as_bytes());
    vault
        .import_messages(&path, &choice("Mark"), &NoProgress)
        .unwrap();
    let entry = vault.entry(1).unwrap();
    let incident = entry.incident.unwrap();
    assert!(
        incident
            .description
            .starts_with("2 messages from Mark between 05:25 and 10:06."),
        "{}",
        incident.description
    );
    assert!(incident.occurred.end.unwrap() > incident.occurred.start);
}
