//! The desktop app end to end, in the real webview: create a diary, add an entry
//! with a photo, find it by search, lock and unlock, quick exit (the draft
//! survives), a quick note while locked read back after unlocking, export a report,
//! with screenshots and an accessibility audit of every screen, and a check that
//! the app holds no network socket.
//!
//! Needs the debug build (`make desktop-build`), tauri-driver, WebKitWebDriver and a
//! display (`make desktop-test` runs it under xvfb-run).

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use fantoccini::key::Key;
use harness::*;

const PASSPHRASE: &str = "four calm words every morning";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diary_story() -> Res {
    skip_unless_e2e!();
    let out = output_dir();
    let work = tempfile::tempdir()?;
    let photo = photo(work.path())?;
    let saves = work.path().join("saved");
    std::fs::create_dir_all(&saves)?;
    let driver = Driver::start(&[
        ("DAYBOOK_TEST_PICK", photo.display().to_string()),
        ("DAYBOOK_TEST_SAVE_DIR", saves.display().to_string()),
    ])?;

    // ---- First session: create, write, search, export, lock, quick exit.
    let c = driver.session().await?;
    assert_eq!(c.title().await?, "Daybook");
    assert_eq!(h1(&c).await?, "Welcome to Daybook");
    screen(&c, "01-first-run").await?;

    // The webview cannot reach the network: the content security policy refuses
    // remote fetches and images before any request is made, and prototypes are frozen.
    let policy = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const seen = [];
             document.addEventListener('securitypolicyviolation', e => seen.push(e.violatedDirective || e.effectiveDirective));
             const img = new Image(); img.src = 'https://example.org/pixel.png';
             fetch('https://example.org/').then(() => 'fetched', () => 'refused').then(r =>
               setTimeout(() => done({ fetch: r, seen, frozen: Object.isFrozen(Object.prototype) }), 300));",
            vec![],
        )
        .await?;
    assert_eq!(policy["fetch"], "refused", "{policy}");
    let seen = policy["seen"].to_string();
    assert!(
        seen.contains("connect-src") && seen.contains("img-src"),
        "CSP violations reported: {policy}"
    );
    assert_eq!(policy["frozen"], true, "freezePrototype");

    // A weak passphrase gets a kind hint; mismatched ones are caught.
    type_into(&c, "input[name=passphrase]", "short").await?;
    wait_js(
        &c,
        "document.getElementById('strength').textContent.includes('easy to guess')",
        5,
    )
    .await?;
    type_into(&c, "input[name=passphrase]", PASSPHRASE).await?;
    type_into(&c, "input[name=confirm]", PASSPHRASE).await?;
    click(&c, "#create").await?;
    let code = text_of(&c, "#recovery-code").await?;
    assert!(code.len() > 10, "recovery code shown: {code}");
    assert!(
        find(&c, "#continue")
            .await?
            .attr("disabled")
            .await?
            .is_some(),
        "continue waits for the tick"
    );
    screen(&c, "02-recovery-code").await?;
    click(&c, "input[name=written-down]").await?;
    click(&c, "#continue").await?;
    wait_heading(&c, "Your entries").await?;
    screen(&c, "03-timeline-empty").await?;

    // A new entry with a photo; the photo's capture time is offered.
    click(&c, "#new-entry").await?;
    wait_js(&c, "!!document.getElementById('entry-form')", 10).await?;
    type_into(&c, "input[name=date]", "14/11/2026").await?;
    type_into(&c, "input[name=time]", "19:40").await?;
    type_into(
        &c,
        "input[name=location]",
        "Outside the library on Mill Road",
    )
    .await?;
    type_into(
        &c,
        "textarea[name=description]",
        "He waited by the marmalade-coloured van and said \"I know where you are\".",
    )
    .await?;
    click(&c, "input[name=behaviours][value=loitering]").await?;
    click(&c, "input[name=behaviours][value=threats]").await?;
    type_into(&c, "input[name=how]", "photo I took on my phone").await?;
    click(&c, "#add-files").await?;
    wait_js(
        &c,
        "document.querySelectorAll('#staged-files li').length === 1",
        10,
    )
    .await?;
    let offered_time = c
        .execute(
            "return !!document.querySelector('#staged-files .use-time');",
            vec![],
        )
        .await?;
    if offered_time == serde_json::Value::Bool(true) {
        click(&c, "#staged-files .use-time").await?;
        wait_js(
            &c,
            "document.querySelector('input[name=date]').value !== '14/11/2026'",
            5,
        )
        .await?;
        // Back to the day it happened for the rest of the story.
        type_into(&c, "input[name=date]", "14/11/2026").await?;
        type_into(&c, "input[name=time]", "19:40").await?;
    } else {
        eprintln!("note: the core gave no capture time for the photo, so none was offered");
    }
    screen(&c, "04-entry-form").await?;
    c.execute(
        "document.getElementById('section-evidence').scrollIntoView(); return true;",
        vec![],
    )
    .await?;
    shot(&c, "04b-entry-form-evidence").await?;
    c.execute(
        "document.getElementById('section-police').scrollIntoView(); return true;",
        vec![],
    )
    .await?;
    shot(&c, "04c-entry-form-police-impact").await?;
    save_entry(&c, 1, 1).await?;
    let mark = text_of(&c, "#exhibits .mark").await?;
    assert!(mark.ends_with("/1"), "exhibit mark {mark}");
    screen(&c, "05-entry-detail").await?;

    // Edit it: a revision, and the app says so.
    click(&c, "#edit-entry").await?;
    wait_js(
        &c,
        "document.querySelector('textarea[name=description]')?.value.includes('marmalade')",
        10,
    )
    .await?;
    find(&c, "textarea[name=description]")
        .await?
        .send_keys(" He drove off at 19:50.")
        .await?;
    click(&c, "#save-entry").await?;
    wait_js(
        &c,
        "document.querySelector('main .message.ok')?.textContent.includes('earlier wording')",
        10,
    )
    .await?;
    wait_js(
        &c,
        "document.querySelectorAll('#revisions li').length === 2",
        5,
    )
    .await?;

    // A second entry so search has something to leave out.
    click(&c, "nav button:first-child").await?;
    click(&c, "#new-entry").await?;
    type_into(
        &c,
        "textarea[name=description]",
        "Three silent calls from a withheld number.",
    )
    .await?;
    // Paste a screenshot (Ctrl+V): the page gets a file on the clipboard event and
    // sends its raw bytes to the shell.
    let pasted = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const canvas = document.createElement('canvas'); canvas.width = 320; canvas.height = 200;
             const g = canvas.getContext('2d'); g.fillStyle = '#2b4c6f'; g.fillRect(0, 0, 320, 200);
             g.fillStyle = '#fff'; g.font = '20px sans-serif'; g.fillText('Missed call x3', 40, 100);
             canvas.toBlob(blob => {
               const dt = new DataTransfer();
               dt.items.add(new File([blob], 'image.png', { type: 'image/png' }));
               document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
               done(true);
             }, 'image/png');",
            vec![],
        )
        .await?;
    assert_eq!(pasted, serde_json::Value::Bool(true));
    wait_js(
        &c,
        "document.querySelectorAll('#staged-files li').length === 1",
        10,
    )
    .await?;
    click(&c, "#save-entry").await?;
    wait_js(
        &c,
        "document.querySelector('main h1')?.textContent === 'Entry 2'",
        20,
    )
    .await?;
    wait_js(
        &c,
        "document.querySelector('#exhibits .name')?.textContent.startsWith('screenshot-')",
        10,
    )
    .await?;

    // Withdraw it, with a reason; it stays in the diary, marked.
    click(&c, "#withdraw").await?;
    type_into(
        &c,
        "textarea[name=reason]",
        "It was a delivery company, not him.",
    )
    .await?;
    click(&c, "#withdraw-form button[type=submit]").await?;
    wait_js(
        &c,
        "document.querySelector('main .message.warn')?.textContent.includes('withdrawn: It was a delivery company')",
        10,
    )
    .await?;

    // Find the first by search.
    click(&c, "nav button:first-child").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === '2 entries'",
        10,
    )
    .await?;
    find(&c, "#search").await?.send_keys("marmalade").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count').textContent === 'Showing 1 of 2 entries'",
        5,
    )
    .await?;
    let found = text_of(&c, ".entry-card").await?;
    assert!(
        found.contains("No. 1") && found.contains("Mill Road") && found.contains("1 exhibit"),
        "{found}"
    );
    screen(&c, "06-timeline-search").await?;

    // Export a report, checked with pdftotext when the core can make one.
    click(&c, "nav button:nth-child(3)").await?;
    wait_heading(&c, "Export").await?;
    make_export(&c, "report").await?;
    wait_js(&c, "!document.getElementById('make-report').disabled", 120).await?;
    let said = text_of(&c, "#export-report .message:last-child")
        .await
        .unwrap_or_default();
    screen(&c, "07-export").await?;
    let pdf = std::fs::read_dir(&saves)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"));
    match pdf {
        Some(pdf) => {
            let text = std::process::Command::new("pdftotext")
                .arg(&pdf)
                .arg("-")
                .output()?;
            let text = String::from_utf8_lossy(&text.stdout);
            assert!(text.contains("marmalade"), "report text: {text}");
            assert!(text.contains(&mark), "report names the exhibit {mark}");
        }
        None => {
            assert!(
                said.contains("not available"),
                "no PDF and no explanation: {said}"
            );
            eprintln!("note: report export is not available from the core yet: {said}");
        }
    }

    // The handover file (encrypted to a passphrase) and the evidence pack (a folder).
    type_into(
        &c,
        "input[name=handover-passphrase]",
        "a passphrase for the caseworker",
    )
    .await?;
    make_export(&c, "handover").await?;
    wait_js(&c, "document.querySelector('#export-handover .message.ok')?.textContent.startsWith('Saved to')", 120).await?;
    make_export(&c, "evidence_pack").await?;
    wait_js(&c, "document.querySelector('#export-evidence_pack .message.ok')?.textContent.startsWith('Saved to')", 120).await?;
    let made: Vec<String> = std::fs::read_dir(&saves)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        made.iter().any(|n| n.starts_with("daybook-handover-")),
        "{made:?}"
    );
    assert!(
        made.iter().any(|n| n.starts_with("evidence-pack-")),
        "{made:?}"
    );
    shot(&c, "07b-export-done").await?;

    click(&c, "nav button:nth-child(4)").await?;
    wait_heading(&c, "Settings").await?;
    screen(&c, "08-settings").await?;

    // Lock, a wrong passphrase (said kindly), then the right one.
    lock(&c).await?;
    let body = text_of(&c, "body").await?;
    assert!(
        !body.contains("marmalade") && !body.contains("Mill Road"),
        "locked screen shows nothing of the diary"
    );
    screen(&c, "09-unlock").await?;
    type_into(&c, "input[name=passphrase]", "not my passphrase").await?;
    click(&c, "#unlock").await?;
    wait_js(
        &c,
        "document.querySelector('main .message.error')?.textContent.includes('does not open')",
        20,
    )
    .await?;
    screen(&c, "10-unlock-wrong").await?;
    type_into(&c, "input[name=passphrase]", PASSPHRASE).await?;
    click(&c, "#unlock").await?;
    wait_js(
        &c,
        "document.querySelector('main h1')?.textContent === 'Your entries'",
        30,
    )
    .await?;

    // Nothing but loopback (the WebDriver link) is open while the app runs.
    let pids = driver.descendants();
    for (proto, local, remote) in inet_sockets(&pids) {
        assert!(
            is_loopback_or_unset(&local) && is_loopback_or_unset(&remote),
            "the app opened a network socket: {proto} {local} -> {remote}"
        );
    }

    // Half-write an entry, then quick exit with Escape twice.
    click(&c, "#new-entry").await?;
    type_into(
        &c,
        "textarea[name=description]",
        "Unfinished words about a zebra crossing",
    )
    .await?;
    let esc = Key::Escape.to_string();
    // The app is gone before the driver answers, so the answer may be an error.
    let _ = find(&c, "textarea[name=description]")
        .await?
        .send_keys(&format!("{esc}{esc}"))
        .await;
    let gone = wait_for("quick exit to close the app", 10, || {
        !driver
            .descendants()
            .iter()
            .any(|p| harness::comm(*p) == "daybook")
    })
    .await?;
    eprintln!(
        "quick exit: the app was gone {} ms after Escape twice",
        gone.as_millis()
    );
    let _ = c.close().await;

    // ---- Second session: a quick note while locked, read after unlocking; the draft is back.
    let c = driver.session().await?;
    assert_eq!(h1(&c).await?, "Unlock your diary");
    click(&c, "#quick-note").await?;
    wait_heading(&c, "Write a quick note").await?;
    type_into(
        &c,
        "textarea[name=note]",
        "The grey van was parked across the road again.",
    )
    .await?;
    screen(&c, "11-quick-note").await?;
    click(&c, "#save-note").await?;
    wait_js(
        &c,
        "document.querySelector('main .message.ok')?.textContent.includes('locked away')",
        10,
    )
    .await?;
    click(&c, "#back-to-unlock").await?;
    // Forgotten passphrase: the recovery code opens it and sets a new one.
    click(&c, "#forgot").await?;
    type_into(&c, "input[name=code]", &code).await?;
    type_into(&c, "input[name=new]", "a new passphrase after recovery").await?;
    type_into(&c, "input[name=confirm]", "a new passphrase after recovery").await?;
    screen(&c, "11b-recover").await?;
    click(&c, "#recover").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === '3 entries'",
        30,
    )
    .await?;
    find(&c, "#search").await?.send_keys("grey van").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count').textContent === 'Showing 1 of 3 entries'",
        5,
    )
    .await?;
    screen(&c, "12-timeline-after-note").await?;
    click(&c, "#new-entry").await?;
    let restored = restored_draft(&c).await?;
    assert!(
        restored.as_str().unwrap_or("").contains("zebra crossing"),
        "draft restored: {restored}"
    );
    screen(&c, "13-draft-restored").await?;

    // Files given to the app never reach the desktop's recently used list.
    let recent = driver.data_dir().join("recently-used.xbel");
    if let Ok(xbel) = std::fs::read_to_string(&recent) {
        let name = photo
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert!(
            !xbel.contains(&name),
            "{} lists the evidence file",
            recent.display()
        );
    }
    let pids = driver.descendants();
    for (proto, local, remote) in inet_sockets(&pids) {
        assert!(
            is_loopback_or_unset(&local) && is_loopback_or_unset(&remote),
            "the app opened a network socket: {proto} {local} -> {remote}"
        );
    }
    c.close().await.ok();
    eprintln!("screenshots and audit reports: {}", out.display());
    Ok(())
}
