//! Importing what people already have on their phones, told as what a person brings:
//! the WhatsApp chats and SMS backups in `shared/fixtures/imports` (read in place, when
//! present), and zips and backups this test builds itself.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use daybook_core::import::{
    self, whatsapp, CallOutcome, DayOrder, Direction, Format, Kind, Message, Options, When,
};

const PNG_1X1: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// The shared fixtures, or `None` (with a note) when this checkout has none beside it.
fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/imports");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("note: {} is absent; fixture checks skipped", dir.display());
        None
    }
}

fn read(path: &Path) -> (Vec<Message>, import::Outcome) {
    import::read_all(path, &Options::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn local(s: &str) -> When {
    When::Local(chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap())
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

#[test]
fn import_whatsapp_fixtures_agree_with_target_json() {
    let Some(dir) = fixtures() else { return };
    let target: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("whatsapp/target.json")).unwrap()).unwrap();
    let target = target.as_array().unwrap();
    let mut files = 0;
    for entry in std::fs::read_dir(dir.join("whatsapp")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        files += 1;
        assert_eq!(import::detect_path(&path).unwrap(), Format::WhatsApp);
        let (messages, outcome) = read(&path);
        assert!(
            outcome.problems.is_empty(),
            "{}: {:?}",
            path.display(),
            outcome.problems
        );
        // target.json is newest first and leaves out lines without an author; it also
        // joins a message's lines with a space, where we keep the line break.
        let read: Vec<(String, String, String)> = messages
            .iter()
            .rev()
            .filter(|m| m.kind == Kind::Message)
            .map(|m| {
                let sender = m.sender.clone().unwrap();
                (
                    m.at.to_string(),
                    sender.name.or(sender.address).unwrap(),
                    m.text.replace('\n', " "),
                )
            })
            .collect();
        let expected: Vec<(String, String, String)> = target
            .iter()
            .map(|t| {
                (
                    t["timestamp"].as_str().unwrap().to_string(),
                    t["author"].as_str().unwrap().to_string(),
                    t["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(read, expected, "{}", path.display());
        // The system lines are kept, not dropped.
        let system: Vec<&str> = messages
            .iter()
            .filter(|m| m.kind == Kind::System)
            .map(|m| m.text.as_str())
            .collect();
        assert!(system.contains(&"You were added"), "{}", path.display());
        assert!(system.contains(&"+12 345 578 created group \"Groupname\""));
        let multi = messages.last().unwrap();
        assert_eq!(
            multi.text,
            "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero."
        );
        assert_eq!(multi.position.line, 10);
    }
    assert_eq!(files, 5);
    let order = |name: &str| {
        whatsapp::Chat::open(&dir.join("whatsapp").join(name))
            .unwrap()
            .day_order()
    };
    assert_eq!(order("test_ddmmyy_24hrs.txt"), DayOrder::DayFirst);
    assert_eq!(order("test_mmddyy_24hrs.txt"), DayOrder::MonthFirst);
    assert_eq!(order("test_mmddyyyy_12hrs.txt"), DayOrder::MonthFirst);
    assert_eq!(order("test_[mmddyy]_24hrs.txt"), DayOrder::MonthFirst);
    assert_eq!(order("test_yyyymmdd_24hrs.txt"), DayOrder::YearFirst);
}

#[test]
fn import_sms_fixtures_read_as_the_backup_says() {
    let Some(dir) = fixtures() else { return };
    let sms = dir.join("sms");

    let (small, outcome) = read(&sms.join("sms_small.xml"));
    assert_eq!(outcome.messages, 12);
    assert_eq!(small[9].text, "Body text 10\nBody text 11\nBody text 12");
    assert_eq!(small[9].direction, Direction::Sent);
    assert_eq!(small[9].recipients[0].name.as_deref(), Some("Contact C"));
    assert_eq!(small[0].direction, Direction::Received);
    assert_eq!(small[0].at.to_string(), "2017-12-02T14:49:27.463Z");
    assert_eq!(
        small[0].sender.as_ref().unwrap().address.as_deref(),
        Some("+15550000001")
    );
    assert_eq!(small[0].position.line, 4);

    let (empty, outcome) = read(&sms.join("empty.xml"));
    assert!(empty.is_empty());
    assert_eq!(outcome.messages, 0);

    let (mms, _) = read(&sms.join("sample_mms.xml"));
    let kinds: Vec<_> = mms
        .iter()
        .map(|m| {
            (
                m.media[0].content_type.clone().unwrap(),
                m.media[0].name.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds[0], ("image/png".into(), "image.png".into()));
    assert_eq!(kinds[3], ("application/pdf".into(), "document.pdf".into()));
    assert!(mms[0].media[0]
        .data
        .as_ref()
        .unwrap()
        .starts_with(b"\x89PNG"));
    assert!(mms[3].media[0].data.as_ref().unwrap().starts_with(b"%PDF"));
    assert!(mms[2].media[0].data.as_ref().unwrap().starts_with(b"ID3"));
    assert_eq!(mms[1].text, "Here is a video attachment");

    // Broken base64 spoils only that attachment.
    let (corrupt, outcome) = read(&sms.join("corrupt_attachments.xml"));
    assert_eq!(corrupt.len(), 2);
    assert_eq!(corrupt[0].text, "MMS with corrupted base64 image data");
    assert!(corrupt[0].media[0].data.is_none());
    assert!(corrupt[0].media[0]
        .damage
        .as_ref()
        .unwrap()
        .contains("corrupt_image.png"));
    assert_eq!(outcome.problems.len(), 2);
    assert_eq!(
        outcome.problems[0].position.line, 7,
        "the broken part's own line"
    );

    let (edge, _) = read(&sms.join("sbrp-edge_cases.xml"));
    assert_eq!(edge.len(), 4);
    assert_eq!(
        edge[1].text,
        "Hello 🌍 — this has «special» chars & symbols < > \" '"
    );
    assert_eq!(
        edge[1].recipients[0].name.as_deref(),
        Some("Charlie Unicode")
    );
    assert_eq!(edge[2].text, "");
    assert!(edge[3].media.is_empty() && edge[3].text.is_empty());

    let err = import::read_all(&sms.join("sbrp-malformed.xml"), &Options::default()).unwrap_err();
    assert_eq!(err.kind(), "import");
    let said = err.to_string();
    assert!(said.starts_with("SMS backup, line "), "{said}");
    assert!(said.contains("byte"), "{said}");

    let (calls, _) = read(&sms.join("sbrp-minimal_calls.xml"));
    assert_eq!(
        calls[0].kind,
        Kind::Call {
            outcome: CallOutcome::Incoming,
            duration_s: 125,
            withheld: false
        }
    );
    assert_eq!(
        calls[0].sender.as_ref().unwrap().name.as_deref(),
        Some("Alice Smith")
    );

    let (one, _) = read(&sms.join("sbrp-minimal_mms.xml"));
    assert_eq!(one[0].text, "Hello from MMS!");
    assert_eq!(one[0].subject.as_deref(), Some("Test MMS Subject"));
    assert_eq!(
        one[0].sender.as_ref().unwrap().address.as_deref(),
        Some("+15559876543")
    );
    assert_eq!(
        one[0].recipients[0].address.as_deref(),
        Some("+15551234567")
    );
    assert_eq!(one[0].media.len(), 1, "the SMIL layout is not media");

    let (mixed, _) = read(&sms.join("sbrp-mixed.xml"));
    let directions: Vec<_> = mixed.iter().map(|m| m.direction).collect();
    assert_eq!(
        directions,
        [
            Direction::Received,
            Direction::Received,
            Direction::Sent,
            Direction::Unknown
        ]
    );
    let (minimal, _) = read(&sms.join("sbrp-minimal_sms.xml"));
    assert_eq!(minimal[0].text, "Happy New Year! This is a test message.");

    // A real backup that was cut short: every whole message before the cut is handed
    // over, then the cut is reported with its place.
    let mut before_cut = Vec::new();
    let err = import::each(&sms.join("sms_and_mms.xml"), &Options::default(), |m| {
        before_cut.push(m);
        Ok(())
    })
    .unwrap_err();
    assert!(err.to_string().contains("cut short"), "{err}");
    assert_eq!(before_cut.len(), 41 + 8, "41 SMS and the 8 whole MMS");
    let group = &before_cut[43];
    assert_eq!(group.text, "Body text 47");
    assert_eq!(
        group.sender.as_ref().unwrap().address.as_deref(),
        Some("+15550000009")
    );
    assert_eq!(group.recipients.len(), 4, "to and cc of a group MMS");
    // MMS date_sent is in seconds.
    assert_eq!(
        group.sent_at,
        Some(When::Utc(
            chrono::DateTime::from_timestamp(1721000123, 0).unwrap()
        ))
    );
}

#[test]
fn import_detect_says_what_a_file_is_or_why_not() {
    assert_eq!(
        import::detect(b"<?xml version='1.0'?><smses count=\"0\"/>").unwrap(),
        Format::Sms
    );
    assert_eq!(
        import::detect(b"\xEF\xBB\xBF<calls count=\"0\"/>").unwrap(),
        Format::Calls
    );
    assert_eq!(import::detect(b"PK\x03\x04rest").unwrap(), Format::WhatsApp);
    assert_eq!(
        import::detect(b"01/02/24, 10:00 - Sam: hi").unwrap(),
        Format::WhatsApp
    );
    let said = |bytes: &[u8]| import::detect(bytes).unwrap_err().to_string();
    assert!(said(b"").contains("empty"));
    assert!(said(b"\xFF\xFE1\x002\x00").contains("UTF-16"));
    assert!(said(b"1\x002\x003\x00/\x000\x00").contains("UTF-16"));
    assert!(said(b"caf\xE9 au lait\n").contains("not UTF-8"));
    assert!(said(b"<html><body/></html>").contains("<html>"));
    assert!(said(b"Dear diary").contains("not an export Daybook can read"));
    // A character cut by the end of the sample is fine.
    assert_eq!(
        import::detect("01/02/24, 10:00 - Sam: 😎".as_bytes()[..25].as_ref()).unwrap(),
        Format::WhatsApp
    );
}

#[test]
fn import_ios_zip_with_media() {
    let dir = tempfile::tempdir().unwrap();
    let png = base64_decode(PNG_1X1);
    let chat = "\u{200E}[05/01/2024, 20:14:10] Sam: Messages and calls are end-to-end encrypted.\r\n\
                [05/01/2024, 8:14:33\u{202F}PM] Sam: \u{200E}<attached: 00000012-PHOTO-2024-01-05-20-14-33.jpg>\r\n\
                [05/01/2024, 8:15:00\u{202F}PM] Sam: \u{200E}<attached: 00000013-AUDIO-2024-01-05-20-15-00.opus>\r\n\
                [13/01/2024, 9:00:00\u{202F}AM] Sam: I know where you are\r\n";
    let zip = zip_of(&[
        ("_chat.txt", chat.as_bytes()),
        ("00000012-PHOTO-2024-01-05-20-14-33.jpg", &png),
    ]);
    let path = write(dir.path(), "WhatsApp Chat - Sam.zip", &zip);
    assert_eq!(import::detect_path(&path).unwrap(), Format::WhatsApp);
    let (messages, outcome) = read(&path);
    assert_eq!(messages.len(), 4);
    let photo = &messages[1].media[0];
    assert_eq!(photo.data.as_deref(), Some(png.as_slice()));
    assert_eq!(photo.content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(messages[1].at, local("2024-01-05T20:14:33"));
    // Named in the chat, not in the zip: the message stays, the gap is said.
    assert!(messages[2].media[0].data.is_none());
    assert!(messages[2].media[0].damage.is_some());
    assert_eq!(outcome.problems.len(), 1);
    assert_eq!(messages[3].at, local("2024-01-13T09:00:00"));
    assert_eq!(messages[3].position.line, 4);

    let summary = import::summary(&path, &Options::default()).unwrap();
    assert_eq!(summary.media, 2);
    assert_eq!(summary.people.len(), 1);
    assert_eq!(summary.people[0].messages, 4);
    assert_eq!(summary.day_order, Some(DayOrder::DayFirst));
}

#[test]
fn import_android_zip_with_media() {
    let dir = tempfile::tempdir().unwrap();
    let png = base64_decode(PNG_1X1);
    let chat = "1/5/24, 20:14 - Messages and calls are end-to-end encrypted.\n\
                1/5/24, 20:14 - Sam: IMG-20240105-WA0001.jpg (file attached)\n\
                look at this\n\
                1/5/24, 20:16 - Sam: <Media omitted>\n\
                1/25/24, 20:17 - Sam: This message was deleted\n";
    let zip = zip_of(&[
        ("WhatsApp Chat with Sam.txt", chat.as_bytes()),
        ("IMG-20240105-WA0001.jpg", &png),
    ]);
    let path = write(dir.path(), "WhatsApp Chat with Sam.zip", &zip);
    let (messages, outcome) = read(&path);
    assert!(outcome.problems.is_empty());
    assert_eq!(messages[0].kind, Kind::System);
    assert_eq!(
        messages[1].text,
        "IMG-20240105-WA0001.jpg (file attached)\nlook at this"
    );
    assert_eq!(messages[1].media[0].data.as_deref(), Some(png.as_slice()));
    assert_eq!(messages[2].media[0].name, None);
    assert_eq!(messages[3].text, "This message was deleted");
    assert_eq!(messages[3].at, local("2024-01-25T20:17:00"));

    let json = serde_json::to_value(import::summary(&path, &Options::default()).unwrap()).unwrap();
    assert_eq!(json["format"], "whatsapp");
    assert_eq!(json["messages"], 4);
    assert_eq!(json["media"], 2);
    assert_eq!(json["day_order"], "month-first");
    assert_eq!(json["people"][0]["name"], "Sam");
    assert_eq!(json["people"][0]["address"], serde_json::Value::Null);
    assert_eq!(json["people"][0]["messages"], 3);
    assert_eq!(json["people"][0]["calls"], 0);
    assert_eq!(json["people"][0]["first"], "2024-01-05T20:14:00");
    assert_eq!(json["people"][0]["last"], "2024-01-25T20:17:00");
}

#[test]
fn import_ambiguous_chat_is_summarised_but_not_read_without_a_choice() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "chat.txt",
        b"03/04/24, 10:00 - Sam: hello\n05/06/24, 11:00 - Sam: again\n",
    );
    let summary = import::summary(&path, &Options::default()).unwrap();
    assert_eq!(summary.day_order, Some(DayOrder::Ambiguous));
    assert_eq!(summary.messages, 2);
    assert_eq!(summary.people[0].first, None);
    assert!(import::read_all(&path, &Options::default()).is_err());
    let chosen = Options {
        day_order: Some(DayOrder::DayFirst),
    };
    let (messages, _) = import::read_all(&path, &chosen).unwrap();
    assert_eq!(messages[1].at, local("2024-06-05T11:00:00"));
    let summary = import::summary(&path, &chosen).unwrap();
    assert_eq!(summary.people[0].last, Some(local("2024-06-05T11:00:00")));
}

#[test]
fn import_unsafe_zips_are_refused() {
    let chat: &[u8] = b"01/05/24, 20:14 - Sam: IMG-1.jpg (file attached)\n";
    let refused = |zip: Vec<u8>| -> String {
        match whatsapp::Chat::from_zip(Cursor::new(zip)) {
            Ok(mut chat) => chat
                .each(Some(DayOrder::DayFirst), |_| Ok(()))
                .unwrap_err()
                .to_string(),
            Err(e) => e.to_string(),
        }
    };
    let said = refused(zip_of(&[("_chat.txt", chat), ("../IMG-1.jpg", b"x")]));
    assert!(said.contains("outside the export"), "{said}");
    let said = refused(zip_of(&[("_chat.txt", chat), ("/tmp/IMG-1.jpg", b"x")]));
    assert!(said.contains("outside the export"), "{said}");

    // A symbolic link.
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    out.start_file("_chat.txt", options).unwrap();
    out.write_all(chat).unwrap();
    out.add_symlink("IMG-1.jpg", "/etc/passwd", options)
        .unwrap();
    let said = refused(out.finish().unwrap().into_inner());
    assert!(said.contains("symbolic link"), "{said}");

    // A bomb: 64 MiB of zeros deflate to about 64 KiB. As media, and as the chat.
    let zeros = vec![0u8; 64 * 1024 * 1024];
    let said = refused(zip_of(&[("_chat.txt", chat), ("IMG-1.jpg", &zeros)]));
    assert!(said.contains("zip bomb"), "{said}");
    let said = refused(zip_of(&[("_chat.txt", &zeros)]));
    assert!(said.contains("zip bomb"), "{said}");

    // Two chats, or none.
    let said = refused(zip_of(&[
        ("_chat.txt", chat),
        ("WhatsApp Chat with Bo.txt", chat),
    ]));
    assert!(said.contains("more than one chat"), "{said}");
    let said = refused(zip_of(&[("IMG-1.jpg", b"x")]));
    assert!(said.contains("no chat text"), "{said}");
    let said = refused(b"PK\x03\x04 not really a zip".to_vec());
    assert!(said.contains("cannot be read"), "{said}");
}

#[test]
fn import_too_many_zip_entries_are_refused() {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..20_001 {
        out.start_file(format!("{i}.txt"), options).unwrap();
    }
    let zip = out.finish().unwrap().into_inner();
    let err = whatsapp::Chat::from_zip(Cursor::new(zip)).err().unwrap();
    assert!(err.to_string().contains("entries"), "{err}");
}

#[test]
fn import_whatsapp_hundred_thousand_messages_figure() {
    let mut text = String::new();
    let start = chrono::NaiveDate::from_ymd_opt(2023, 1, 1)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    for i in 0..100_000i64 {
        let at = start + chrono::Duration::minutes(i * 7);
        let who = ["Sam", "Alex", "+44 7700 900123"][(i % 3) as usize];
        text.push_str(&format!(
            "{} - {who}: message number {i}, with some words to make it the length of a real one\n",
            at.format("%d/%m/%y, %H:%M")
        ));
        if i % 10 == 0 {
            text.push_str("and a second line\n");
        }
    }
    let bytes = text.into_bytes();
    let size = bytes.len();
    let started = Instant::now();
    let mut chat = whatsapp::Chat::from_text(bytes).unwrap();
    let mut count = 0u64;
    chat.each(None, |_| {
        count += 1;
        Ok(())
    })
    .unwrap();
    let took = started.elapsed();
    assert_eq!(count, 100_000);
    println!(
        "figure: 100,000 WhatsApp messages ({:.1} MiB) parsed in {:.0} ms ({} build)",
        size as f64 / 1048576.0,
        took.as_secs_f64() * 1000.0,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}
