//! A large evidence file: while a generated 2 GiB file is stored, the entry's page
//! shows its name, a progress bar and Cancel; Cancel stops it, the page says calmly
//! that nothing was kept, and the diary (opened with the core afterwards) holds no
//! exhibit. The file reaches the app the way a pick does (`DAYBOOK_TEST_PICK`
//! answers the native dialog in debug builds). Reads 2 GiB: `make reliability` runs
//! it, not `make test`.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use std::time::Instant;

use daybook_core::incident::{Incident, Occurred};
use harness::*;

const PASSPHRASE: &str = "large file test words";
/// 2 GiB, a long phone video. The app stores several hundred MB a second here, so
/// 200 MB would be done in under half a second: too quick to see the bar and cancel.
const SIZE: u64 = 2 << 30;

/// A large file that costs nothing to make: a sparse file (it reads as zeros), so
/// no disk space or time goes into writing it. The app stores it like any other.
fn large_file(path: &std::path::Path, size: u64) -> Res {
    std::fs::File::create(path)?.set_len(size)?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: make reliability"]
async fn large_file_shows_progress_and_cancel_keeps_nothing() -> Res {
    skip_unless_e2e!();
    let work = tempfile::tempdir()?;
    let big = work.path().join("doorbell-camera-night.mp4");
    large_file(&big, SIZE)?;

    let driver = Driver::start(&[("DAYBOOK_TEST_PICK", big.display().to_string())])?;
    let diary = make_diary(
        &driver,
        PASSPHRASE,
        vec![Incident::new(
            Occurred::parse("2026-11-20 23:10", None, false, "Europe/London")?,
            "Someone at the door at night; the doorbell camera recorded it.",
        )],
    )?;
    let c = driver.session().await?;
    unlock(&c, PASSPHRASE).await?;
    click(&c, ".entry-card").await?;
    wait_heading(&c, "Entry 1").await?;

    // Add the file: the progress bar appears with its name and moves.
    click(&c, "#add-files").await?;
    let started = Instant::now();
    wait_js(
        &c,
        "!document.getElementById('attach-progress').hidden && document.getElementById('attach-bar').value > 0",
        30,
    )
    .await?;
    let name = text_of(&c, "#attach-name").await?;
    assert_eq!(name, "Adding doorbell-camera-night.mp4 to your diary…");
    let done = text_of(&c, "#attach-done").await?;
    assert!(done.ends_with(" of 2.0 GB stored"), "{done}");
    shot(&c, "60-attach-progress").await?;
    // Cancel: nothing of the file is kept, and the page says so calmly.
    let cancel_at = c
        .execute(
            "return [document.getElementById('attach-bar').value, document.getElementById('attach-bar').max];",
            vec![],
        )
        .await?;
    click(&c, "#cancel-attach").await?;
    wait_js(
        &c,
        "document.getElementById('attach-progress').hidden && !!document.querySelector('main .message.ok')?.textContent",
        30,
    )
    .await?;
    eprintln!(
        "Cancel clicked at [stored, size] = {cancel_at} bytes; stopped {} ms after Add files",
        started.elapsed().as_millis()
    );
    let said = text_of(&c, "main .message.ok").await?;
    assert_eq!(
        said,
        "Stopped. doorbell-camera-night.mp4 was not added, and nothing of it was kept."
    );
    assert!(!said.contains('!'));
    let exhibits = c
        .execute(
            "return document.querySelectorAll('#exhibits li').length;",
            vec![],
        )
        .await?;
    assert_eq!(exhibits, 0, "no exhibit on the page");
    assert!(text_of(&c, "main").await?.contains("No evidence attached."));
    screen(&c, "61-attach-cancelled").await?;

    // The page again, fresh from the diary: still nothing.
    click(&c, "nav button:first-child").await?;
    click(&c, ".entry-card").await?;
    wait_heading(&c, "Entry 1").await?;
    assert!(text_of(&c, "main").await?.contains("No evidence attached."));
    lock(&c).await?;
    c.close().await.ok();

    // The diary itself, opened with the core once the app is gone: no exhibit, and
    // it verifies.
    let mut vault = open_diary(&diary, PASSPHRASE)?;
    assert!(
        vault.exhibits(None)?.is_empty(),
        "the diary kept no exhibit"
    );
    let report = vault.verify()?;
    assert!(report.ok(), "the diary verifies: {:?}", report.failure);
    Ok(())
}
