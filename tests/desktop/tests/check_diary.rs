//! "Check my diary" in Settings, in the real webview: on a diary where someone with
//! the file changed one stored change of entry 2, the check says something is not
//! as it was written and names entry 2, with what to do next.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use daybook_core::incident::{Incident, Occurred};
use harness::*;

const PASSPHRASE: &str = "lamplight over quiet water";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_my_diary_names_the_entry_that_was_altered() -> Res {
    skip_unless_e2e!();
    let driver = Driver::start(&[])?;
    let when = |d: &str| Occurred::parse(d, None, false, "Europe/London");
    let diary = make_diary(
        &driver,
        PASSPHRASE,
        vec![
            Incident::new(when("2026-10-01 20:15")?, "He was outside the gym."),
            Incident::new(when("2026-10-05 08:40")?, "He followed the bus in his car."),
        ],
    )?;
    // One byte of entry 2's recorded change flipped, as someone with the file could.
    {
        let conn = rusqlite::Connection::open(&diary)?;
        let (seq, mut payload): (i64, Vec<u8>) = conn.query_row(
            "SELECT seq, payload FROM events WHERE entry_number = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let at = payload.len() / 2;
        payload[at] ^= 0x01;
        conn.execute(
            "UPDATE events SET payload = ?1 WHERE seq = ?2",
            rusqlite::params![payload, seq],
        )?;
    }
    let c = driver.session().await?;
    unlock(&c, PASSPHRASE).await?;
    click(&c, "nav button:nth-child(4)").await?;
    wait_heading(&c, "Settings").await?;
    click(&c, "#check-diary").await?;
    wait_js(
        &c,
        "(document.querySelector('main').textContent || '').includes('is not as it was written')",
        60,
    )
    .await?;
    let said = text_of(&c, "main").await?;
    assert!(said.contains("Entry 2"), "{said}");
    screen(&c, "50-check-my-diary-tampered").await?;
    Ok(())
}
