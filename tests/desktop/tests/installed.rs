//! The app as the package installs it. `make package-test` installs the .deb and runs
//! this file with `DAYBOOK_INSTALLED_APP=/usr/bin/daybook-app` (and `DAYBOOK_APP`, the
//! driver's link, pointing at it); in every other run it is skipped.
//!
//! It proves the installed binary carries its own UI (nothing is served from the
//! source tree), reaches the first-run screen, opens a diary made by the installed
//! `daybook` command line, and shows its version and licences under Settings.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use std::path::PathBuf;
use std::process::Command;

use harness::*;

const PASSPHRASE: &str = "installed package words";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_installed_app_starts_and_shows_its_version() -> Res {
    skip_unless_e2e!();
    let Some(installed) = std::env::var_os("DAYBOOK_INSTALLED_APP").map(PathBuf::from) else {
        eprintln!("skipped: run by `make package-test` against the installed package");
        return Ok(());
    };
    let driver = Driver::start(&[])?;
    let c = driver.session().await?;
    wait_heading(&c, "Welcome to Daybook").await?;
    // The process WebDriver started is the installed file, not a build in the tree.
    let pid = app_pid(&driver).ok_or("the app's process was not found")?;
    let exe = std::fs::read_link(format!("/proc/{pid}/exe"))?;
    assert_eq!(exe, installed, "the driver started {}", exe.display());
    // The embedded stylesheet applied: the page is laid out, not bare HTML.
    let styled = c
        .execute(
            "return getComputedStyle(document.body).fontFamily + '|' + document.styleSheets.length;",
            vec![],
        )
        .await?;
    let styled = styled.as_str().unwrap_or_default().to_string();
    assert!(!styled.ends_with("|0"), "no stylesheet loaded: {styled}");
    assert_eq!(c.title().await?, "Daybook");
    shot(&c, "90-installed-first-run").await?;
    c.close().await?;

    // A diary made with the installed command line, opened in the installed app.
    let vault = driver.data_dir().join("daybook/diary.daybook");
    std::fs::create_dir_all(vault.parent().unwrap())?;
    let pass_file = driver.home.path().join("pass.txt");
    std::fs::write(&pass_file, format!("{PASSPHRASE}\n"))?;
    let cli = installed.with_file_name("daybook");
    let made = Command::new(&cli)
        .args(["--vault"])
        .arg(&vault)
        .arg("--passphrase-file")
        .arg(&pass_file)
        .args(["init", "--initials", "AB"])
        .env("DAYBOOK_INSECURE_SCRYPT_LOG_N", "10")
        .output()?;
    assert!(made.status.success(), "{made:?}");
    let version = Command::new(&cli).arg("--version").output()?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();

    let c = driver.session().await?;
    unlock(&c, PASSPHRASE).await?;
    click(&c, "nav button:nth-child(4)").await?;
    wait_heading(&c, "Settings").await?;
    let about = text_of(&c, "#about-daybook").await?;
    let number = version.trim_start_matches("daybook ");
    assert!(
        about.contains(&format!("Daybook version {number}.")),
        "{version} / {about}"
    );
    assert!(
        about.contains("GNU Affero General Public License"),
        "{about}"
    );
    assert!(about.contains("SIL Open Font License 1.1"), "{about}");
    c.execute(
        "document.getElementById('third-party').open = true; document.getElementById('about-daybook').scrollIntoView();",
        vec![],
    )
    .await?;
    let listed = text_of(&c, "#third-party").await?;
    assert!(listed.contains("tauri "), "{listed}");
    shot(&c, "91-installed-about").await?;
    c.close().await?;
    Ok(())
}
