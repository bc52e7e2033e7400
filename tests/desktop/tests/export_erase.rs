//! The export options and erasing an entry, in the real webview: the timeline's date
//! filter (days read by the core, an unreadable one said at its field), a report
//! limited to a date range with witnesses left out (checked with `pdftotext`), a date that cannot
//! be read pointed at by its field, and an entry erased from its page after the
//! in-page confirmation (Cancel focused first), after which the timeline shows it as
//! erased and search no longer finds its words.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use harness::*;

const PASSPHRASE: &str = "slow rivers under old bridges";

async fn add_entry(c: &fantoccini::Client, date: &str, description: &str, witnesses: &str) -> Res {
    click(c, "nav button:nth-child(2)").await?;
    wait_js(c, "!!document.getElementById('entry-form')", 10).await?;
    type_into(c, "input[name=date]", date).await?;
    type_into(c, "textarea[name=description]", description).await?;
    type_into(c, "textarea[name=witnesses]", witnesses).await?;
    click(c, "#save-entry").await?;
    wait_js(
        c,
        "document.querySelector('main h1')?.textContent.startsWith('Entry ')",
        20,
    )
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_options_and_erase() -> Res {
    skip_unless_e2e!();
    let work = tempfile::tempdir()?;
    let saves = work.path().join("saved");
    std::fs::create_dir_all(&saves)?;
    let driver = Driver::start(&[("DAYBOOK_TEST_SAVE_DIR", saves.display().to_string())])?;
    let c = driver.session().await?;

    // A new diary.
    type_into(&c, "input[name=passphrase]", PASSPHRASE).await?;
    type_into(&c, "input[name=confirm]", PASSPHRASE).await?;
    click(&c, "#create").await?;
    find(&c, "#recovery-code").await?;
    click(&c, "input[name=written-down]").await?;
    click(&c, "#continue").await?;
    wait_heading(&c, "Your entries").await?;

    // Two entries, a month apart, both with a witness named.
    add_entry(
        &c,
        "02/10/2026",
        "He left a blue bicycle chained to my gate by the canal.",
        "Priya Ramanathan, 07700 900123",
    )
    .await?;
    add_entry(
        &c,
        "20/11/2026",
        "A letter about the orchard was pushed through the door.",
        "Priya Ramanathan saw him at the door",
    )
    .await?;

    // The timeline's dates, read by the core: a range keeps one entry; a day that
    // does not exist is said at its field once the person leaves it.
    click(&c, "nav button:first-child").await?;
    wait_heading(&c, "Your entries").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === '2 entries'",
        10,
    )
    .await?;
    let set_day = |name: &str, text: &str| {
        format!(
            "const d = document.querySelector('input[name={name}]'); d.value = '{text}'; \
             d.dispatchEvent(new Event('input')); d.dispatchEvent(new Event('change')); return true;"
        )
    };
    c.execute(&set_day("from", "01/11/2026"), vec![]).await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === 'Showing 1 of 2 entries'",
        10,
    )
    .await?;
    c.execute(&set_day("to", "2026-13-01"), vec![]).await?;
    wait_js(&c, "(document.getElementById('timeline-dates-message')?.textContent || '').includes('is not a day')", 10).await?;
    assert_eq!(
        c.execute(
            "return document.querySelector('input[name=to]').getAttribute('aria-invalid');",
            vec![]
        )
        .await?,
        serde_json::json!("true")
    );
    screen(&c, "19-timeline-bad-date").await?;
    c.execute(&set_day("to", "30/11/2026"), vec![]).await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === 'Showing 1 of 2 entries' && !document.getElementById('timeline-dates-message').textContent",
        10,
    )
    .await?;
    c.execute(&set_day("from", ""), vec![]).await?;
    c.execute(&set_day("to", ""), vec![]).await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === '2 entries'",
        10,
    )
    .await?;

    // Export: a date that cannot be read is pointed at, by its field.
    click(&c, "nav button:nth-child(3)").await?;
    wait_heading(&c, "Export").await?;
    let defaults = c
        .execute(
            "return ['report-include_withdrawn', 'report-redact_witnesses', 'report-include_pictures']
               .map(n => document.querySelector(`input[name=${n}]`).checked);",
            vec![],
        )
        .await?;
    assert_eq!(
        defaults,
        serde_json::json!([true, false, true]),
        "report defaults"
    );
    type_into(&c, "input[name=export-from]", "31/13/2026").await?;
    click(&c, "#make-report").await?;
    wait_js(
        &c,
        "document.getElementById('export-dates-message')?.textContent.includes('like 01/09/2026')",
        20,
    )
    .await?;
    wait_js(
        &c,
        "document.activeElement?.name === 'export-from' && document.activeElement.getAttribute('aria-invalid') === 'true'",
        5,
    )
    .await?;
    screen(&c, "20-export-bad-date").await?;
    assert!(
        std::fs::read_dir(&saves)?.next().is_none(),
        "nothing is saved when a date is wrong"
    );

    // The report for November only, with witnesses left out.
    type_into(&c, "input[name=export-from]", "01/11/2026").await?;
    type_into(&c, "input[name=export-to]", "30/11/2026").await?;
    click(&c, "input[name=report-redact_witnesses]").await?;
    screen(&c, "21-export-options").await?;
    make_export(&c, "report").await?;
    wait_js(
        &c,
        "document.querySelector('#export-report .message.ok')?.textContent.startsWith('Saved to')",
        120,
    )
    .await?;
    assert_eq!(
        c.execute(
            "return document.querySelector('input[name=export-from]').getAttribute('aria-invalid');",
            vec![]
        )
        .await?,
        "false"
    );
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
    assert!(text.contains("orchard"), "the November entry is in: {text}");
    assert!(
        !text.contains("bicycle"),
        "the October entry is left out: {text}"
    );
    assert!(
        !text.contains("Ramanathan") && !text.contains("Priya") && !text.contains("900123"),
        "the witness is left out: {text}"
    );
    shot(&c, "21b-export-report-done").await?;

    // Erase the October entry from its page.
    click(&c, "nav button:first-child").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === '2 entries'",
        10,
    )
    .await?;
    find(&c, "#search").await?.send_keys("bicycle").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count').textContent === 'Showing 1 of 2 entries'",
        5,
    )
    .await?;
    click(&c, ".entry-card").await?;
    wait_heading(&c, "Entry 1").await?;
    click(&c, "#erase-entry").await?;
    wait_js(
        &c,
        "!document.getElementById('erase-confirmation').hidden && document.activeElement?.id === 'erase-cancel'",
        5,
    )
    .await?;
    let warning = text_of(&c, "#erase-warning").await?;
    assert!(
        warning.contains("removes what entry 1 says")
            && warning.contains("for good")
            && warning.contains("stays in the diary"),
        "{warning}"
    );
    c.execute(
        "document.getElementById('erase-section').scrollIntoView(); return true;",
        vec![],
    )
    .await?;
    screen(&c, "22-erase-confirm").await?;
    // Cancel first: nothing happens.
    click(&c, "#erase-cancel").await?;
    wait_js(
        &c,
        "document.getElementById('erase-confirmation').hidden && document.activeElement?.id === 'erase-entry'",
        5,
    )
    .await?;
    click(&c, "#erase-entry").await?;
    click(&c, "#erase-confirm").await?;
    wait_js(
        &c,
        "document.querySelector('main .message.warn')?.textContent.includes('This entry was erased')",
        20,
    )
    .await?;
    let page = text_of(&c, "main").await?;
    assert!(
        !page.contains("bicycle"),
        "the erased words are gone: {page}"
    );
    assert!(page.contains("Entry 1 was erased"), "{page}");
    let again = c
        .execute("return !!document.getElementById('erase-entry');", vec![])
        .await?;
    assert_eq!(again, false, "an erased entry offers no second erase");
    screen(&c, "23-entry-erased").await?;

    // The timeline shows it as erased, and search no longer finds its words.
    click(&c, "nav button:first-child").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === '2 entries'",
        10,
    )
    .await?;
    let erased = c
        .execute(
            "return [...document.querySelectorAll('.entry-card')].find(e => e.textContent.includes('No. 1'))?.textContent || '';",
            vec![],
        )
        .await?;
    assert!(
        erased.as_str().unwrap_or("").contains("Erased"),
        "timeline marks it: {erased}"
    );
    find(&c, "#search").await?.send_keys("bicycle").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count').textContent === 'Showing 0 of 2 entries'",
        5,
    )
    .await?;
    screen(&c, "24-timeline-after-erase").await?;
    c.close().await.ok();
    Ok(())
}
