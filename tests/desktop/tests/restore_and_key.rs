//! A new computer and a support worker's key, in the real webview: a backup restored
//! from the first-run screen opens with the same fingerprint; in Settings the worker
//! makes a key for receiving handover files and saves its printable sheet; a handover
//! made to that key by someone else's diary opens with "use my receiving key".

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use daybook_core::crypto::Recipient;
use daybook_core::incident::{Incident, Occurred};
use daybook_core::progress::NoProgress;
use daybook_core::vault::{CreateOptions, HandoverKey, HandoverOptions};
use daybook_core::{SecretString, Vault};
use harness::*;

const THEIR_PASSPHRASE: &str = "moss on the north wall";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restored_and_a_handover_opened_with_my_key() -> Res {
    skip_unless_e2e!();
    let work = tempfile::tempdir()?;
    let saves = work.path().join("saved");
    std::fs::create_dir_all(&saves)?;

    // The worker's own diary, backed up from an old computer.
    let old = work.path().join("old.daybook");
    let (mut mine, _) = Vault::create(
        &old,
        SecretString::from(THEIR_PASSPHRASE.to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )?;
    mine.add(Incident::new(
        Occurred::parse("2026-10-02 18:30", None, false, "Europe/London")?,
        "A note about the day, written on the old computer.",
    ))?;
    let fingerprint = mine.fingerprint()?;
    let backup = work.path().join("diary-backup.daybook");
    mine.backup(&backup)?;
    drop(mine);

    let answer = work.path().join("pick");
    std::fs::write(&answer, backup.display().to_string())?;
    let driver = Driver::start(&[
        ("DAYBOOK_TEST_SAVE_DIR", saves.display().to_string()),
        ("DAYBOOK_TEST_PICK_FROM", answer.display().to_string()),
    ])?;
    let c = driver.session().await?;

    // A wrong passphrase is said kindly; the right one restores and opens it.
    wait_heading(&c, "Welcome to Daybook").await?;
    type_into(&c, "input[name=restore-passphrase]", "not what it was").await?;
    click(&c, "#restore-backup").await?;
    wait_js(
        &c,
        "(document.querySelector('#restore-card .message.error')?.textContent || '').includes('does not open this backup')",
        60,
    )
    .await?;
    type_into(&c, "input[name=restore-passphrase]", THEIR_PASSPHRASE).await?;
    click(&c, "#restore-backup").await?;
    wait_heading(&c, "Your entries").await?;
    wait_js(
        &c,
        "document.querySelector('main').textContent.includes('written on the old computer')",
        20,
    )
    .await?;

    // The same fingerprint, shown in Settings.
    click(&c, "nav button:nth-child(4)").await?;
    wait_heading(&c, "Settings").await?;
    wait_js(
        &c,
        &format!("document.querySelector('main').textContent.includes('{fingerprint}')"),
        20,
    )
    .await?;

    // The receiving key, and its printable sheet.
    click(&c, "#make-receiving-key").await?;
    wait_js(
        &c,
        "(document.getElementById('receiving-key')?.textContent || '').startsWith('age1')",
        20,
    )
    .await?;
    let key = text_of(&c, "#receiving-key").await?;
    screen(&c, "40-receiving-key").await?;
    click(&c, "#receiving-key-sheet").await?;
    let sheet = saves.join("daybook-key-sheet.pdf");
    wait_js(
        &c,
        "(document.querySelector('#receiving-card .message')?.textContent || '').includes('saved')",
        30,
    )
    .await?;
    let text = std::process::Command::new("pdftotext")
        .arg(&sheet)
        .arg("-")
        .output()?;
    let text: String = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect();
    assert!(text.contains(key.trim()), "{text}");

    // Someone else's handover, made to that key, opens with it.
    let theirs = work.path().join("theirs.daybook");
    let (mut vault, _) = Vault::create(
        &theirs,
        SecretString::from("someone else entirely".to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )?;
    vault.add(Incident::new(
        Occurred::parse("2026-11-03 07:10", None, false, "Europe/London")?,
        "He was at the station again at ten past seven.",
    ))?;
    let handover = work.path().join("to-my-key.daybook-handover");
    vault.write_handover(
        &handover,
        &HandoverOptions {
            from: None,
            to: None,
            redact_witnesses: false,
            include_withdrawn: true,
            key: HandoverKey::Recipient(Recipient::parse(key.trim())?),
            include_private_notes: false,
            given_to: String::new(),
        },
        &NoProgress,
    )?;
    std::fs::write(&answer, handover.display().to_string())?;
    click(&c, "nav button:nth-child(5)").await?;
    wait_heading(&c, "Open a handover file").await?;
    click(&c, "#choose-handover").await?;
    wait_js(
        &c,
        "!document.getElementById('handover-key-form').hidden",
        10,
    )
    .await?;
    click(&c, "#open-with-key").await?;
    wait_js(&c, "!!document.getElementById('handover-summary')", 60).await?;
    assert!(text_of(&c, "#case-entries")
        .await?
        .contains("at the station again"));
    screen(&c, "41-opened-with-key").await?;
    Ok(())
}
