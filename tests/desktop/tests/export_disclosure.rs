//! Safe to hand over, in the real webview: a phrase put on the keep-out list in
//! Settings and a private note written in the form never reach the report; the export
//! first shows what will go out (the preview) and the person confirms.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use harness::*;

const PASSPHRASE: &str = "quiet lanterns over the harbour";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_out_words_and_private_notes_stay_in_the_diary() -> Res {
    skip_unless_e2e!();
    let work = tempfile::tempdir()?;
    let saves = work.path().join("saved");
    std::fs::create_dir_all(&saves)?;
    let driver = Driver::start(&[("DAYBOOK_TEST_SAVE_DIR", saves.display().to_string())])?;
    let c = driver.session().await?;

    type_into(&c, "input[name=passphrase]", PASSPHRASE).await?;
    type_into(&c, "input[name=confirm]", PASSPHRASE).await?;
    click(&c, "#create").await?;
    find(&c, "#recovery-code").await?;
    click(&c, "input[name=written-down]").await?;
    click(&c, "#continue").await?;
    wait_heading(&c, "Your entries").await?;

    // The keep-out list, in Settings.
    click(&c, "nav button:nth-child(4)").await?;
    wait_heading(&c, "Settings").await?;
    type_into(&c, "textarea[name=keep-out]", "Larkspur Close").await?;
    click(&c, "#save-keep-out").await?;
    wait_js(
        &c,
        "document.querySelector('#keep-out-form .message')?.textContent.startsWith('Saved')",
        20,
    )
    .await?;
    screen(&c, "30-keep-out").await?;

    // An entry naming the new street, with a private note.
    click(&c, "nav button:nth-child(2)").await?;
    wait_js(&c, "!!document.getElementById('entry-form')", 10).await?;
    type_into(&c, "input[name=date]", "03/11/2026").await?;
    type_into(
        &c,
        "textarea[name=description]",
        "He drove slowly down larkspur close twice and stopped outside.",
    )
    .await?;
    type_into(
        &c,
        "textarea[name=private_note]",
        "I wonder if my cousin told him",
    )
    .await?;
    click(&c, "#save-entry").await?;
    wait_js(
        &c,
        "document.querySelector('main h1')?.textContent.startsWith('Entry ')",
        20,
    )
    .await?;
    // The note is shown in the app.
    let shown = text_of(&c, "main").await?;
    assert!(shown.contains("I wonder if my cousin told him"), "{shown}");

    // The report: the preview first, then confirmed.
    click(&c, "nav button:nth-child(3)").await?;
    wait_heading(&c, "Export").await?;
    click(&c, "#make-report").await?;
    wait_js(&c, "!!document.getElementById('confirm-report')", 30).await?;
    let preview = text_of(&c, "#preview-report").await?;
    assert!(preview.contains("1 word or phrase"), "{preview}");
    assert!(preview.contains("1 private note is left out"), "{preview}");
    assert!(!preview.contains("null"), "{preview}");
    screen(&c, "31-export-preview").await?;
    click(&c, "#confirm-report").await?;
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
    let text = String::from_utf8_lossy(&text.stdout).to_lowercase();
    assert!(!text.contains("larkspur"), "{text}");
    assert!(!text.contains("cousin"), "{text}");
    assert!(text.contains("[kept out]"), "{text}");
    assert!(text.contains("drove slowly"), "{text}");
    Ok(())
}
