//! `daybook import` and `daybook messages` from the outside: the dry run's JSON, the
//! stop that asks whose contact it is, the import's summary line and JSON, listing
//! messages, importing again, and `verify` naming a damaged page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Diary;

const CHAT: &str = "\
12/03/2024, 07:12 - Mark: Where are you
12/03/2024, 07:14 - Mark: I know you're home
12/03/2024, 08:00 - Jo: Please stop messaging me
13/03/2024, 02:10 - Mark: I can see your light on
14/03/2024, 09:00 - Jo: I have reported this
";

const CALLS: &str = r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<calls count="3">
  <call number="+447700900123" duration="0" date="1710227520000" type="3" presentation="1" contact_name="Mark" />
  <call number="07700 900123" duration="62" date="1710231120000" type="1" presentation="1" contact_name="Mark" />
  <call number="+447700900999" duration="5" date="1710231180000" type="2" presentation="1" contact_name="Mum" />
</calls>
"#;

#[test]
fn import_dry_run_lists_the_people_and_changes_nothing() {
    let diary = Diary::new();
    let chat = diary.file("WhatsApp Chat with Mark.txt", CHAT);
    let before = diary.settled_bytes();
    let run = diary
        .run_locked(&["import", chat.to_str().unwrap(), "--dry-run", "--json"])
        .expect(0);
    let json = run.json();
    assert_eq!(json["format"], "whatsapp");
    assert_eq!(json["messages"], 5);
    assert_eq!(json["day_order"], "day-first");
    assert_eq!(json["media"], 0);
    let people = json["people"].as_array().unwrap();
    assert_eq!(people[0]["name"], "Mark");
    assert_eq!(people[0]["messages"], 3);
    assert_eq!(people[0]["first"], "2024-03-12T07:12:00");
    assert_eq!(people[0]["last"], "2024-03-13T02:10:00");
    assert_eq!(people[1]["name"], "Jo");
    assert_eq!(diary.settled_bytes(), before);

    // Without --person a real import stops, says who is in it, and changes nothing.
    let run = diary.run(&["import", chat.to_str().unwrap()]).expect(2);
    assert!(run.stderr.contains("Mark: 3 messages"), "{}", run.stderr);
    assert!(run.stderr.contains("--person"), "{}", run.stderr);
    assert_eq!(diary.numbers(&[]), Vec::<u64>::new());
}

#[test]
fn import_then_list_the_messages() {
    let diary = Diary::new();
    let chat = diary.file("chat.txt", CHAT);
    let run = diary
        .run(&["import", chat.to_str().unwrap(), "--person", "Mark"])
        .expect(0);
    assert!(
        run.stdout
            .contains("Imported 4 messages and 0 calls from Mark into 2 entries (exhibit AB/1)"),
        "{}",
        run.stdout
    );
    assert_eq!(diary.numbers(&[]), vec![1, 2]);

    let run = diary.run(&["messages", "--json"]).expect(0);
    let messages = run.json();
    let messages = messages.as_array().unwrap();
    assert_eq!(messages.len(), 4);
    let first = &messages[0];
    assert_eq!(first["at"], "2024-03-12T07:12:00+00:00");
    assert_eq!(first["from"], "Mark");
    assert_eq!(first["direction"], "received");
    assert_eq!(first["kind"], "message");
    assert_eq!(first["text"], "Where are you");
    assert_eq!(first["exhibit"], "AB/1");
    assert_eq!(first["entry"], 1);
    assert_eq!(first["position"]["line"], 1);
    assert!(first["attachments"].as_array().unwrap().is_empty());
    let by_jo = diary
        .run(&["messages", "--person", "Jo", "--json"])
        .expect(0);
    assert_eq!(by_jo.json().as_array().unwrap().len(), 1);
    let on_13th = diary
        .run(&["messages", "--from", "13/03/2024", "--json"])
        .expect(0);
    assert_eq!(on_13th.json()[0]["text"], "I can see your light on");

    // Again: nothing new, and it says so.
    let run = diary
        .run(&[
            "import",
            chat.to_str().unwrap(),
            "--person",
            "Mark",
            "--json",
        ])
        .expect(0);
    let json = run.json();
    assert_eq!(json["already_present"], 4);
    assert_eq!(json["messages"], 0);
    assert_eq!(json["exhibit"], serde_json::Value::Null);
    assert_eq!(json["entries"], serde_json::json!([]));

    let show = diary.run(&["show", "1"]).expect(0);
    assert!(show.stdout.contains("Messages:"), "{}", show.stdout);
    diary.run(&["verify"]).expect(0);
}

#[test]
fn import_a_call_log_by_number() {
    let diary = Diary::new();
    let calls = diary.file("calls-2024.xml", CALLS);
    let run = diary
        .run(&[
            "import",
            calls.to_str().unwrap(),
            "--person",
            "07700900123",
            "--json",
        ])
        .expect(0);
    let json = run.json();
    assert_eq!(json["calls"], 2, "{json}");
    assert_eq!(json["entries"], serde_json::json!([1]));
    let entry = diary.list(&[]);
    let description = entry[0]["description"].as_str().unwrap();
    assert!(
        description.starts_with("1 missed call and 1 answered call from Mark"),
        "{description}"
    );
    let messages = diary.run(&["messages", "--json"]).expect(0).json();
    assert_eq!(messages[1]["duration_s"], 62);
    assert_eq!(messages[1]["kind"], "call");
}

#[test]
fn import_refuses_what_it_cannot_read_and_asks_for_the_day_order() {
    let diary = Diary::new();
    let notes = diary.file("notes.txt", "my own notes\n");
    let run = diary
        .run(&["import", notes.to_str().unwrap(), "--person", "Mark"])
        .expect(1);
    assert!(run.stderr.contains("not an export"), "{}", run.stderr);
    let ambiguous = diary.file("chat.txt", "03/04/2024, 10:00 - Mark: hello\n");
    let run = diary
        .run(&["import", ambiguous.to_str().unwrap(), "--person", "Mark"])
        .expect(2);
    assert!(run.stderr.contains("--day-first"), "{}", run.stderr);
    diary
        .run(&[
            "import",
            ambiguous.to_str().unwrap(),
            "--person",
            "Mark",
            "--month-first",
        ])
        .expect(0);
    let messages = diary.run(&["messages", "--json"]).expect(0).json();
    assert_eq!(messages[0]["at"], "2024-03-04T10:00:00+00:00");
    assert_eq!(diary.numbers(&[]), vec![1]);
}

#[test]
fn import_verify_names_a_damaged_page() {
    let diary = Diary::new();
    let chat = diary.file("chat.txt", CHAT);
    diary
        .run(&["import", chat.to_str().unwrap(), "--person", "Mark"])
        .expect(0);
    let conn = rusqlite::Connection::open(&diary.path).unwrap();
    let (id, mut payload): (String, Vec<u8>) = conn
        .query_row(
            "SELECT id, payload FROM message_pages WHERE entry_number = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let at = payload.len() - 30;
    payload[at] ^= 0x40;
    conn.execute(
        "UPDATE message_pages SET payload = ?1 WHERE id = ?2",
        rusqlite::params![payload, id],
    )
    .unwrap();
    drop(conn);
    let run = diary.run(&["verify"]).expect(4);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(said.contains("entry 2"), "{said}");
    assert!(said.contains("messages"), "{said}");
}
