//! Receiving a handover file, as a support worker does, on the first-run screen (no
//! diary of one's own): choose it, type its passphrase, watch the check, then read
//! it: the cover facts, the entries searched and filtered by behaviour and by dates
//! (read by the core; an unreadable day is said plainly), an entry's wording and its
//! photo, an original saved with its SHA-256 shown and matching, and the report
//! opened with the system's viewer only after saying where its unencrypted copy
//! goes. A handover with one byte flipped fails the check, names the damaged file,
//! and shows nothing else.

mod harness;

use daybook_core::incident::{Incident, Occurred};
use daybook_core::progress::NoProgress;
use daybook_core::vault::{CreateOptions, HandoverKey, HandoverOptions};
use daybook_core::{SecretString, Vault};
use harness::*;

const HANDOVER_PASSPHRASE: &str = "copper kettle seven lanterns";

fn sha256_of(path: &std::path::Path) -> Res<String> {
    let out = std::process::Command::new("sha256sum").arg(path).output()?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handover_is_checked_then_read() -> Res {
    skip_unless_e2e!();
    let work = tempfile::tempdir()?;
    let saves = work.path().join("saved");
    std::fs::create_dir_all(&saves)?;

    // Someone else's diary, made with the core: two entries, one with a photo.
    let diary = work.path().join("theirs.daybook");
    let options = CreateOptions {
        scrypt_log_n: Some(10),
        ..Default::default()
    };
    let (mut vault, _) = Vault::create(
        &diary,
        SecretString::from("their own words".to_string()),
        options,
    )?;
    let mut waited = Incident::new(
        Occurred::parse("2026-10-02 18:30", None, false, "Europe/London")?,
        "He waited by the bus shelter on Elm Road for an hour.",
    );
    waited.behaviours = vec![daybook_core::incident::Behaviour::Loitering];
    vault.add(waited)?;
    vault.add(Incident::new(
        Occurred::parse("2026-11-20 08:00", None, false, "Europe/London")?,
        "A parcel of dead flowers was left on the doorstep.",
    ))?;
    let photo = photo(work.path())?;
    let exhibit = vault.attach(2, &photo, "I took this photo of the doorstep")?;
    let good = work.path().join("case.daybook-handover");
    let handover = HandoverOptions {
        from: None,
        to: None,
        redact_witnesses: false,
        include_withdrawn: true,
        key: HandoverKey::Passphrase(SecretString::from(HANDOVER_PASSPHRASE.to_string())),
        include_private_notes: false,
        given_to: String::new(),
    };
    vault.write_handover(&good, &handover, &NoProgress)?;
    drop(vault);

    // The same file with one byte flipped, well inside the archive.
    let damaged = work.path().join("damaged.daybook-handover");
    let mut bytes = std::fs::read(&good)?;
    let at = bytes.len() * 2 / 3;
    bytes[at] ^= 0x40;
    std::fs::write(&damaged, bytes)?;

    // The dialog's answer is read from this file each time.
    let answer = work.path().join("pick");
    std::fs::write(&answer, good.display().to_string())?;
    // What the system's viewer was asked to open (the debug build writes it here
    // instead of starting one).
    let viewed = work.path().join("viewed");
    let driver = Driver::start(&[
        ("DAYBOOK_TEST_SAVE_DIR", saves.display().to_string()),
        ("DAYBOOK_TEST_PICK_FROM", answer.display().to_string()),
        ("DAYBOOK_TEST_VIEWER", viewed.display().to_string()),
    ])?;
    let c = driver.session().await?;

    // First-run screen: no diary here.
    wait_heading(&c, "Welcome to Daybook").await?;
    click(&c, "#open-handover-file").await?;
    wait_heading(&c, "Open a handover file").await?;
    click(&c, "#choose-handover").await?;
    wait_js(
        &c,
        "!document.getElementById('handover-key-form').hidden",
        10,
    )
    .await?;
    screen(&c, "receiving-01-chosen").await?;

    // A wrong passphrase is said kindly, and nothing opens.
    type_into(&c, "input[name=handover-passphrase]", "not the passphrase").await?;
    click(&c, "#open-handover").await?;
    wait_js(&c, "(document.querySelector('main .message.error')?.textContent || '').includes('does not open this handover')", 30).await?;

    type_into(&c, "input[name=handover-passphrase]", HANDOVER_PASSPHRASE).await?;
    click(&c, "#open-handover").await?;
    wait_js(&c, "!!document.getElementById('handover-summary')", 60).await?;
    let summary = text_of(&c, "#handover-summary").await?;
    assert!(
        summary.starts_with("All ") && summary.contains(" files match. Fingerprint "),
        "{summary}"
    );
    wait_js(
        &c,
        "document.querySelectorAll('#case-entries li').length === 2",
        10,
    )
    .await?;
    screen(&c, "receiving-02-opened").await?;

    // Search narrows the list.
    type_into(&c, "input[name=handover-search]", "flowers").await?;
    wait_js(
        &c,
        "document.querySelectorAll('#case-entries li').length === 1",
        10,
    )
    .await?;
    assert!(text_of(&c, "#case-entries").await?.contains("dead flowers"));

    // A filter by behaviour, and the pattern at a glance in the cover facts.
    c.execute(
        "const q = document.querySelector('input[name=handover-search]'); q.value = ''; q.dispatchEvent(new Event('input')); return true;",
        vec![],
    )
    .await?;
    c.execute(
        "const s = document.querySelector('select[name=handover-behaviour]'); s.value = 'loitering'; s.dispatchEvent(new Event('change')); return true;",
        vec![],
    )
    .await?;
    wait_js(
        &c,
        "document.querySelectorAll('#case-entries li').length === 1",
        10,
    )
    .await?;
    assert!(text_of(&c, "#case-entries").await?.contains("bus shelter"));
    assert!(text_of(&c, "#handover-facts").await?.contains(": 1"));
    c.execute(
        "const s = document.querySelector('select[name=handover-behaviour]'); s.value = ''; s.dispatchEvent(new Event('change')); return true;",
        vec![],
    )
    .await?;

    // Dates: typed as people type them, read by the core. November on: one entry.
    let set_day = |name: &'static str, text: &'static str| {
        format!(
            "const d = document.querySelector('input[name={name}]'); d.value = '{text}'; \
             d.dispatchEvent(new Event('input')); d.dispatchEvent(new Event('change')); return true;"
        )
    };
    c.execute(&set_day("handover-from", "01/11/2026"), vec![])
        .await?;
    wait_js(
        &c,
        "document.querySelectorAll('#case-entries li').length === 1",
        10,
    )
    .await?;
    assert!(text_of(&c, "#case-entries").await?.contains("dead flowers"));
    c.execute(&set_day("handover-to", "2026-11-19"), vec![])
        .await?;
    wait_js(
        &c,
        "document.querySelectorAll('#case-entries li').length === 0",
        10,
    )
    .await?;
    // A day that does not exist is said plainly, at its field; it limits nothing.
    c.execute(&set_day("handover-to", "31/02/2026"), vec![])
        .await?;
    wait_js(&c, "(document.getElementById('handover-dates-message')?.textContent || '').includes('is not a day')", 10).await?;
    let said = text_of(&c, "#handover-dates-message").await?;
    assert!(said.contains("'31/02/2026' is not a day"), "{said}");
    let invalid = c
        .execute(
            "return document.querySelector('input[name=handover-to]').getAttribute('aria-invalid');",
            vec![],
        )
        .await?;
    assert_eq!(invalid, serde_json::json!("true"));
    c.execute("document.getElementById('handover-dates').scrollIntoView({ block: 'center' }); return true;", vec![]).await?;
    screen(&c, "receiving-02b-bad-date").await?;
    // A last day before the first is refused too, by the same rule.
    c.execute(&set_day("handover-to", "01/10/2026"), vec![])
        .await?;
    wait_js(&c, "(document.getElementById('handover-dates-message')?.textContent || '').includes('before the first day')", 10).await?;
    c.execute(&set_day("handover-from", ""), vec![]).await?;
    c.execute(&set_day("handover-to", ""), vec![]).await?;
    wait_js(
        &c,
        "document.querySelectorAll('#case-entries li').length === 2 && !document.getElementById('handover-dates-message').textContent",
        10,
    )
    .await?;
    type_into(&c, "input[name=handover-search]", "flowers").await?;

    // The entry, its wording, and its photo shown from memory.
    click(&c, "#case-entries button").await?;
    wait_js(&c, "!!document.getElementById('case-entry-title')", 10).await?;
    assert!(text_of(&c, "#case-entry")
        .await?
        .contains("A parcel of dead flowers"));
    wait_js(
        &c,
        "!!document.querySelector('#case-exhibits img:not([hidden])')",
        20,
    )
    .await?;
    screen(&c, "receiving-03-entry").await?;

    // Save the original: its SHA-256 is shown, and the saved file has it.
    click(&c, "#case-exhibits .save-original").await?;
    wait_js(&c, "(document.querySelector('#case-entry .message.ok')?.textContent || '').includes('SHA-256')", 20).await?;
    let said = text_of(&c, "#case-entry .message.ok").await?;
    assert!(said.contains(&exhibit.sha256), "{said}");
    let saved = saves.join(&exhibit.original_name);
    assert_eq!(sha256_of(&saved)?, exhibit.sha256);
    assert_eq!(sha256_of(&saved)?, sha256_of(&photo)?);
    // Nothing else was written where the copies go.
    assert_eq!(std::fs::read_dir(&saves)?.count(), 1);
    screen(&c, "receiving-04-saved").await?;

    // The report in the system's viewer: first where its readable copy would go,
    // with nothing written yet; then written there and handed to the viewer.
    c.execute(
        "document.getElementById('open-report').scrollIntoView({ block: 'center' }); return true;",
        vec![],
    )
    .await?;
    click(&c, "#open-report").await?;
    wait_js(
        &c,
        "!document.getElementById('open-report-warning').hidden",
        10,
    )
    .await?;
    let warning = text_of(&c, "#open-report-warning").await?;
    let home = driver.home.path().display().to_string();
    assert!(
        warning.contains("NOT encrypted") && warning.contains(&home),
        "{warning}"
    );
    assert!(
        !viewed.exists(),
        "nothing is opened before the person agrees"
    );
    let pdfs = |dir: &std::path::Path| -> Res<Vec<std::path::PathBuf>> {
        Ok(std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .collect())
    };
    assert!(pdfs(driver.home.path())?.is_empty());
    screen(&c, "receiving-04b-open-report").await?;
    click(&c, "#open-report-confirm").await?;
    wait_js(
        &c,
        "(document.querySelector('#case-message.warn')?.textContent || '').includes('PDF viewer')",
        20,
    )
    .await?;
    let said = text_of(&c, "#case-message.warn").await?;
    let opened = std::fs::read_to_string(&viewed)?;
    let opened = std::path::PathBuf::from(opened.trim());
    assert!(said.contains(&opened.display().to_string()), "{said}");
    assert_eq!(pdfs(driver.home.path())?, vec![opened.clone()]);
    assert!(std::fs::read(&opened)?.starts_with(b"%PDF"));
    screen(&c, "receiving-04c-report-opened").await?;

    // The damaged file: the failure names the file, and nothing else is shown.
    // Scrolled into view first: the cover card is far above the entry.
    c.execute("document.getElementById('close-handover').scrollIntoView({ block: 'center' }); return true;", vec![]).await?;
    click(&c, "#close-handover").await?;
    std::fs::write(&answer, damaged.display().to_string())?;
    click(&c, "#choose-handover").await?;
    wait_js(
        &c,
        "!document.getElementById('handover-key-form').hidden",
        10,
    )
    .await?;
    type_into(&c, "input[name=handover-passphrase]", HANDOVER_PASSPHRASE).await?;
    click(&c, "#open-handover").await?;
    wait_js(&c, "!!document.getElementById('handover-failure')", 60).await?;
    let failure = text_of(&c, "#handover-failure").await?;
    eprintln!("damaged handover: {failure}");
    // Where the flipped byte falls decides whether the file is refused as it is
    // opened (the archive's headers) or by the full check (a member's data, named).
    assert!(
        failure.contains("damaged") || failure.contains("altered"),
        "{failure}"
    );
    let shown = c
        .execute("return !!document.getElementById('case-entries') || !!document.getElementById('handover-summary');", vec![])
        .await?;
    assert_eq!(shown, serde_json::json!(false));
    screen(&c, "receiving-05-damaged").await?;

    c.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn started_with_a_handover_file_it_asks_for_its_passphrase() -> Res {
    skip_unless_e2e!();
    let work = tempfile::tempdir()?;
    let (mut vault, _) = Vault::create(
        &work.path().join("theirs.daybook"),
        SecretString::from("their own words".to_string()),
        CreateOptions {
            scrypt_log_n: Some(10),
            ..Default::default()
        },
    )?;
    vault.add(Incident::new(
        Occurred::parse("2026-10-02 18:30", None, false, "Europe/London")?,
        "He waited by the bus shelter for an hour.",
    ))?;
    let file = work.path().join("case.daybook-handover");
    vault.write_handover(
        &file,
        &HandoverOptions {
            from: None,
            to: None,
            redact_witnesses: false,
            include_withdrawn: true,
            key: HandoverKey::Passphrase(SecretString::from(HANDOVER_PASSPHRASE.to_string())),
            include_private_notes: false,
            given_to: String::new(),
        },
        &NoProgress,
    )?;
    drop(vault);
    let driver = Driver::start(&[])?;
    let c = driver
        .session_with_args(&[file.display().to_string()])
        .await?;
    wait_heading(&c, "Open a handover file").await?;
    assert!(text_of(&c, "#handover-name")
        .await?
        .contains("case.daybook-handover"));
    type_into(&c, "input[name=handover-passphrase]", HANDOVER_PASSPHRASE).await?;
    click(&c, "#open-handover").await?;
    wait_js(&c, "!!document.getElementById('handover-summary')", 60).await?;
    assert!(text_of(&c, "#case-entries").await?.contains("bus shelter"));
    Ok(())
}
