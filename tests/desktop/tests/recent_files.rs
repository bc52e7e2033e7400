//! Files picked through the app's (real, native GTK) dialog must not appear in the
//! desktop's recently used list, `$XDG_DATA_HOME/recently-used.xbel`, where anyone
//! using the computer could see them. The dialog is answered with xdotool (typing
//! the path), since WebDriver cannot reach native windows.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use std::process::Command;
use std::time::{Duration, Instant};

use daybook_core::incident::{Incident, Occurred};
use daybook_core::vault::CreateOptions;
use daybook_core::{SecretString, Vault};
use harness::*;

const PASSPHRASE: &str = "recent files test words";

fn xdotool(args: &[&str]) -> Res<String> {
    let out = Command::new("xdotool").args(args).output()?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn picked_files_stay_out_of_recently_used() -> Res {
    skip_unless_e2e!();
    if Command::new("xdotool").arg("version").output().is_err() {
        return Err("xdotool is missing; run `make desktop-deps`".into());
    }
    let driver = Driver::start(&[])?;
    let path = driver.data_dir().join("daybook/diary.daybook");
    std::fs::create_dir_all(path.parent().ok_or("no parent")?)?;
    let options = CreateOptions {
        scrypt_log_n: Some(10),
        ..Default::default()
    };
    let (mut vault, _) = Vault::create(&path, SecretString::from(PASSPHRASE.to_string()), options)?;
    vault.add(Incident::new(
        Occurred::parse("2026-11-20 08:00", None, false, "Europe/London")?,
        "A letter through the door.",
    ))?;
    drop(vault);
    let photo = photo(driver.home.path())?;

    let c = driver.session().await?;
    type_into(&c, "input[name=passphrase]", PASSPHRASE).await?;
    click(&c, "#unlock").await?;
    click(&c, ".entry-card").await?;
    wait_heading(&c, "Entry 1").await?;
    click(&c, "#add-files").await?;

    // Find the GTK dialog once it is on screen (mapped), point at it (no window
    // manager: focus follows the pointer), type the path and press Return.
    let started = Instant::now();
    let window = loop {
        let found = xdotool(&["search", "--onlyvisible", "--name", "^Add evidence$"])?;
        if let Some(id) = found.lines().last().filter(|s| !s.is_empty()) {
            break id.to_string();
        }
        if started.elapsed() > Duration::from_secs(20) {
            return Err("the native file dialog did not appear".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    eprintln!(
        "the dialog was on screen after {} ms",
        started.elapsed().as_millis()
    );
    xdotool(&["mousemove", "--window", &window, "100", "100"])?;
    xdotool(&["windowfocus", &window])?;
    // The keys are paced: nothing outside GTK shows when its location field has
    // opened or taken the text, so there is no state to wait for here.
    xdotool(&["key", "ctrl+l"])?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    xdotool(&["type", "--delay", "20", &photo.display().to_string()])?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    xdotool(&["key", "Return"])?;

    wait_js(
        &c,
        "document.querySelectorAll('#exhibits li').length === 1",
        30,
    )
    .await?;
    shot(&c, "30-evidence-from-native-dialog").await?;
    // GTK writes the list shortly after a pick. Nothing shows that
    // it decided not to, so this waits the full 3 s for it to (not) appear, looking
    // all along so that a file that does appear fails at once.
    let recent = driver.data_dir().join("recently-used.xbel");
    let name = photo
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let listed = || {
        std::fs::read_to_string(&recent)
            .map(|xbel| xbel.contains(&name))
            .unwrap_or(false)
    };
    let _ = wait_for(
        "the photo in recently-used.xbel (it must not come)",
        3,
        listed,
    )
    .await;
    match std::fs::read_to_string(&recent) {
        Ok(xbel) => assert!(
            !xbel.contains(&name),
            "{} lists {name}:\n{xbel}",
            recent.display()
        ),
        Err(_) => eprintln!("{} was not written at all", recent.display()),
    }
    c.close().await.ok();
    Ok(())
}
