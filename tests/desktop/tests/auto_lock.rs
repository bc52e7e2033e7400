//! Auto-lock: after the idle time the app locks by itself, keeping the half-written
//! entry as a sealed draft, and the locked screen shows nothing of the diary. The
//! debug build's `DAYBOOK_TEST_AUTO_LOCK_SECS` shortens the idle time to seconds.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_diary_locks_and_keeps_the_draft() -> Res {
    skip_unless_e2e!();
    let driver = Driver::start(&[("DAYBOOK_TEST_AUTO_LOCK_SECS", "4".to_string())])?;
    let c = driver.session().await?;
    click(&c, "#practice").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === '5 entries'",
        30,
    )
    .await?;
    click(&c, "nav button:nth-child(2)").await?;
    type_into(
        &c,
        "textarea[name=description]",
        "Written just before walking away",
    )
    .await?;
    // Idle: the shell asks the UI to lock; the UI saves the draft and locks.
    wait_js(
        &c,
        "document.querySelector('main h1')?.textContent === 'Unlock your diary'",
        40,
    )
    .await?;
    let said = text_of(&c, "main").await?;
    assert!(said.contains("locked itself"), "{said}");
    assert!(
        !said.contains("walking away") && !said.contains("Practice entry"),
        "locked screen shows nothing"
    );
    shot(&c, "50-auto-locked").await?;
    type_into(&c, "input[name=passphrase]", "practice").await?;
    click(&c, "#unlock").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === '5 entries'",
        30,
    )
    .await?;
    click(&c, "nav button:nth-child(2)").await?;
    let text = restored_draft(&c).await?;
    assert_eq!(text, "Written just before walking away");
    c.close().await.ok();
    Ok(())
}
