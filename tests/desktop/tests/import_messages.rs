//! Importing messages in the real webview: a WhatsApp "Export chat" zip (iOS layout,
//! with a photo) made here, chosen on the import screen (`DAYBOOK_TEST_PICK` answers
//! the native dialog in debug builds). The screen lists the people with their counts;
//! Import without a tick points at the people, and without a day order (every date
//! in this chat could be either) at the day order. Cancel during the import keeps
//! nothing (the debug build's `DAYBOOK_TEST_IMPORT_STEP_MS` holds each progress
//! step, so there is time to press it); then the import makes an entry for each day,
//! the timeline shows them, and an entry's page shows its conversation as text
//! (markup in a message stays text). The same file again, from an entry's evidence
//! section, adds nothing and says so. The diary, opened with the core afterwards,
//! holds exactly what the screen said and verifies.

mod harness;

use std::io::Write;

use harness::*;
use serde_json::json;

const PASSPHRASE: &str = "messages from the phone test";

/// Two days on which Mark wrote; a reply from the phone's owner (Sam); a photo; and
/// a message that looks like markup. Every date could be day first or month first.
const CHAT: &str = "[11/03/2024, 21:40:00] Mark: Why are you ignoring me\n\
[11/03/2024, 21:45:10] Sam: Please stop messaging me\n\
[12/03/2024, 07:12:05] Mark: I saw you at the station\n\
[12/03/2024, 07:12:05] Mark: \u{200E}<attached: 00000001-PHOTO-2024-03-12-07-12-05.jpg>\n\
[12/03/2024, 07:30:00] Mark: <b>answer me</b> <img src=x onerror=\"document.title='injected'\">\n";

const PHOTO: &str = "00000001-PHOTO-2024-03-12-07-12-05.jpg";

/// A small JPEG, as a phone's photo would be.
fn jpeg() -> Res<Vec<u8>> {
    let picture = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 120])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut bytes, image::ImageFormat::Jpeg)?;
    Ok(bytes.into_inner())
}

/// The export, as WhatsApp on an iPhone makes it: `_chat.txt` and the photo, deflated.
fn whatsapp_export(dir: &std::path::Path) -> Res<std::path::PathBuf> {
    let path = dir.join("WhatsApp Chat - Mark.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("_chat.txt", options)?;
    zip.write_all(CHAT.as_bytes())?;
    zip.start_file(PHOTO, options)?;
    zip.write_all(&jpeg()?)?;
    zip.finish()?;
    Ok(path)
}

/// On the import screen: chooses the file (the dialog answers with the export), and
/// waits for the people in it.
async fn choose_file(c: &fantoccini::Client) -> Res {
    click(c, "#import-choose").await?;
    wait_js(
        c,
        "!document.getElementById('import-form').hidden && !!document.querySelector('input[name=import-person]')",
        20,
    )
    .await
}

/// Ticks Mark and says the phone writes the day first.
async fn tick_mark_day_first(c: &fantoccini::Client) -> Res {
    click(c, "input[name=import-person][value=Mark]").await?;
    click(c, "#import-day-order-day-first").await?;
    // The times of each person appear once the order is known.
    wait_js(
        c,
        "document.querySelector('#import-people .person-counts')?.textContent.includes('11/03/2024 to 12/03/2024')",
        20,
    )
    .await
}

async fn js(c: &fantoccini::Client, script: &str) -> Res<serde_json::Value> {
    Ok(c.execute(script, vec![]).await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_a_whatsapp_chat_cancel_then_import_and_read_it() -> Res {
    skip_unless_e2e!();
    let work = tempfile::tempdir()?;
    let export = whatsapp_export(work.path())?;
    let saves = work.path().join("saved");
    std::fs::create_dir_all(&saves)?;
    let driver = Driver::start(&[
        ("DAYBOOK_TEST_PICK", export.display().to_string()),
        ("DAYBOOK_TEST_IMPORT_STEP_MS", "2000".to_string()),
        ("DAYBOOK_TEST_SAVE_DIR", saves.display().to_string()),
    ])?;
    let diary = make_diary(&driver, PASSPHRASE, vec![])?;
    let c = driver.session().await?;
    unlock(&c, PASSPHRASE).await?;

    // From the entries list to the import screen.
    click(&c, "#import-messages").await?;
    wait_heading(&c, "Import messages").await?;
    screen(&c, "70-import-start").await?;
    choose_file(&c).await?;
    assert_eq!(
        text_of(&c, "#import-found").await?,
        "WhatsApp chat: 5 messages, 1 photo or other file"
    );
    let file = text_of(&c, "#import-file").await?;
    assert!(file.starts_with("WhatsApp Chat - Mark.zip ("), "{file}");
    let people = js(
        &c,
        "return [...document.querySelectorAll('#import-people .person')].map(p =>
            [p.querySelector('.who').textContent, p.querySelector('.person-counts').textContent]);",
    )
    .await?;
    assert_eq!(
        people,
        json!([["Mark", "4 messages"], ["Sam", "1 message"]])
    );
    assert_eq!(
        js(
            &c,
            "return document.getElementById('import-order-section').hidden;"
        )
        .await?,
        false,
        "every date could be either: the screen asks"
    );

    // Import with nobody ticked: the people are pointed at.
    click(&c, "#import-run").await?;
    wait_js(
        &c,
        "document.getElementById('import-people-message').textContent === 'Please tick the person whose contact you are recording.'",
        10,
    )
    .await?;
    wait_js(&c, "document.activeElement?.name === 'import-person'", 5).await?;
    // Mark ticked, no day order: the day order is pointed at.
    click(&c, "input[name=import-person][value=Mark]").await?;
    click(&c, "#import-run").await?;
    wait_js(
        &c,
        "document.getElementById('import-order-message').textContent === 'Please say how the phone writes dates.'",
        10,
    )
    .await?;
    wait_js(&c, "document.activeElement?.name === 'import-day-order'", 5).await?;
    screen(&c, "71-import-asks-day-order").await?;
    click(&c, "#import-day-order-day-first").await?;
    wait_js(
        &c,
        "document.querySelector('#import-people .person-counts')?.textContent === '4 messages · 11/03/2024 to 12/03/2024'",
        20,
    )
    .await?;
    assert_eq!(
        js(
            &c,
            "return document.querySelector('input[name=import-person][value=Mark]').checked;"
        )
        .await?,
        true,
        "the tick is kept when the times appear"
    );
    assert_eq!(
        js(
            &c,
            "return document.querySelector('input[name=import-zone]').value;"
        )
        .await?,
        "Europe/London",
        "the diary's zone is offered"
    );
    js(
        &c,
        "window.scrollTo(0, document.getElementById('import-file-section').getBoundingClientRect().top + scrollY - 80); return true;",
    )
    .await?;
    screen(&c, "72-import-ready").await?;

    // Import, then Cancel while it runs: nothing is kept.
    click(&c, "#import-run").await?;
    wait_js(&c, "!document.getElementById('import-progress').hidden", 20).await?;
    let stage = text_of(&c, "#import-stage").await?;
    shot(&c, "73-import-progress").await?;
    click(&c, "#import-cancel").await?;
    wait_js(
        &c,
        "document.getElementById('import-progress').hidden && !!document.getElementById('import-message').textContent",
        30,
    )
    .await?;
    eprintln!("Cancel pressed at the stage: {stage}");
    assert_eq!(
        text_of(&c, "#import-message").await?,
        "Stopped. Nothing from this file was kept. You can import it again when you are ready."
    );
    screen(&c, "74-import-cancelled").await?;
    click(&c, "nav button:first-child").await?;
    wait_heading(&c, "Your entries").await?;
    // The count is written once the list has loaded.
    wait_js(
        &c,
        "!!document.getElementById('entry-count')?.textContent",
        30,
    )
    .await?;
    assert_eq!(text_of(&c, "#entry-count").await?, "0 entries");

    // Again, to the end.
    click(&c, "#import-messages").await?;
    wait_heading(&c, "Import messages").await?;
    choose_file(&c).await?;
    tick_mark_day_first(&c).await?;
    click(&c, "#import-run").await?;
    wait_js(&c, "!document.getElementById('import-result').hidden", 60).await?;
    let done = text_of(&c, "#import-done").await?;
    assert!(
        done.starts_with("Imported 5 messages with Mark into 2 entries (exhibit ")
            && done.ends_with("/1)."),
        "{done}"
    );
    wait_js(
        &c,
        "document.activeElement?.id === 'import-result-title'",
        5,
    )
    .await?;
    let links = js(
        &c,
        "return [...document.querySelectorAll('#import-entries button')].map(b => b.textContent);",
    )
    .await?;
    assert_eq!(links, json!(["Entry 1", "Entry 2"]));
    screen(&c, "75-import-done").await?;

    // The new entries in the timeline.
    click(&c, "#import-see-entries").await?;
    wait_heading(&c, "Your entries").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === '2 entries'",
        10,
    )
    .await?;
    let counts = js(
        &c,
        "return [...document.querySelectorAll('.entry-card .message-count')].map(s => s.textContent.trim());",
    )
    .await?;
    assert_eq!(
        counts,
        json!(["3 messages and calls", "2 messages and calls"])
    );
    screen(&c, "76-import-timeline").await?;

    // Entry 2 (12 March): the conversation, as text.
    click(&c, ".entry-card[data-number='2']").await?;
    wait_heading(&c, "Entry 2").await?;
    wait_js(&c, "!!document.getElementById('conversation')", 10).await?;
    let shown = js(
        &c,
        "return [...document.querySelectorAll('#conversation li')].map(li => ({
            side: li.dataset.side,
            who: li.querySelector('.msg-who').textContent,
            time: li.querySelector('.msg-time').textContent,
            text: li.querySelector('.msg-text')?.textContent ?? '',
            attached: li.querySelector('.msg-attachments')?.textContent ?? '' }));",
    )
    .await?;
    let shown = shown.as_array().ok_or("no messages")?;
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert_eq!(shown[0]["who"], "Mark");
    assert_eq!(shown[0]["time"], "07:12");
    assert_eq!(shown[0]["side"], "them");
    assert_eq!(shown[0]["text"], "I saw you at the station");
    assert!(
        shown[1]["attached"]
            .as_str()
            .is_some_and(|a| a.starts_with("Attached: ") && a.ends_with("/2")),
        "{shown:?}"
    );
    assert_eq!(
        shown[2]["text"],
        "<b>answer me</b> <img src=x onerror=\"document.title='injected'\">"
    );
    assert_eq!(
        js(
            &c,
            "return [document.querySelectorAll('#conversation b, #conversation img').length, document.title];"
        )
        .await?,
        json!([0, "Daybook"]),
        "markup in a message stays text"
    );
    // The attachment's mark leads to its exhibit on the same page.
    click(&c, "#conversation .msg-attachments button").await?;
    wait_js(
        &c,
        "document.activeElement?.matches('#exhibits li[data-mark]') && document.activeElement.dataset.mark.endsWith('/2')",
        5,
    )
    .await?;
    click(&c, "main h1").await.ok();
    js(
        &c,
        "window.scrollTo(0, document.getElementById('messages').getBoundingClientRect().top + scrollY - 80); return true;",
    )
    .await?;
    screen(&c, "77-conversation").await?;

    // Entry 1 (11 March): Mark's message and Sam's reply, on the other side.
    click(&c, "nav button:first-child").await?;
    wait_heading(&c, "Your entries").await?;
    click(&c, ".entry-card[data-number='1']").await?;
    wait_heading(&c, "Entry 1").await?;
    wait_js(&c, "!!document.getElementById('conversation')", 10).await?;
    let sides = js(
        &c,
        "return [...document.querySelectorAll('#conversation li')].map(li => li.dataset.side + ' ' + li.querySelector('.msg-who').textContent);",
    )
    .await?;
    assert_eq!(sides, json!(["them Mark", "other Sam"]));
    js(
        &c,
        "window.scrollTo(0, document.getElementById('messages').getBoundingClientRect().top + scrollY - 80); return true;",
    )
    .await?;
    screen(&c, "78-conversation-reply").await?;

    // The same file again, from the entry's evidence section: nothing twice.
    click(&c, "#import-from-evidence").await?;
    wait_heading(&c, "Import messages").await?;
    choose_file(&c).await?;
    tick_mark_day_first(&c).await?;
    click(&c, "#import-run").await?;
    wait_js(&c, "!document.getElementById('import-result').hidden", 60).await?;
    assert_eq!(
        text_of(&c, "#import-done").await?,
        "There was nothing new to import from Mark."
    );
    assert_eq!(
        text_of(&c, "#import-already").await?,
        "5 were already in your diary, so they were not added again."
    );
    screen(&c, "79-import-again").await?;

    // The report shows the pattern: its Contact part counts the messages, and the
    // entries quote them.
    click(&c, "nav button:nth-child(3)").await?;
    wait_heading(&c, "Export").await?;
    make_export(&c, "report").await?;
    wait_js(
        &c,
        "document.querySelector('#export-report .message.ok')?.textContent.startsWith('Saved to')",
        120,
    )
    .await?;
    let pdf = std::fs::read_dir(&saves)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .ok_or("no report was saved")?;
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()?;
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Contact"), "{text}");
    assert!(text.contains("Mark"), "{text}");
    // The pages as pictures, to look at (the chart is drawn, not text).
    let pages = output_dir().join("80-report-contact");
    let _ = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "2", "-l", "3"])
        .arg(&pdf)
        .arg(&pages)
        .status();
    lock(&c).await?;
    c.close().await.ok();

    // The diary itself: two entries, the export and the photo, five messages.
    let mut vault = open_diary(&diary, PASSPHRASE)?;
    assert_eq!(vault.entries()?.len(), 2);
    let exhibits = vault.exhibits(None)?;
    let names: Vec<&str> = exhibits.iter().map(|x| x.original_name.as_str()).collect();
    assert_eq!(names, ["WhatsApp Chat - Mark.zip", PHOTO]);
    let messages = vault.messages(&daybook_core::message::Filter::default())?;
    assert_eq!(messages.len(), 5);
    let report = vault.verify()?;
    assert!(report.ok(), "the diary verifies: {:?}", report.failure);
    Ok(())
}
