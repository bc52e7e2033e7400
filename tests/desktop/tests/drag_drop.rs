//! Drag and drop from a file manager, for real: a small GTK program
//! (`x11/xdnd_source.py`) offers a generated photo as `text/uri-list`, and xdotool
//! drags it with the real pointer onto the Daybook window under Xvfb (no window
//! manager is needed: XDND is between the two programs). The photo arrives as
//! staged evidence in the entry form and, once the entry is saved, as an exhibit
//! whose SHA-256 is the file's.

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use harness::*;

const PASSPHRASE: &str = "drag and drop test words";

/// The drag source's lines (`ready X Y`, `sent`, `drag-end`…) as they come.
struct Source {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Source {
    fn start(file: &std::path::Path) -> Res<Source> {
        let mut child = x11_script("xdnd_source.py")
            .arg(file)
            .args(["0", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("the drag source could not start ({e})"))?;
        let out = child.stdout.take().ok_or("no stdout")?;
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                eprintln!("drag source: {line}");
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Source { child, lines })
    }

    /// Waits for a line starting with `prefix`.
    fn expect(&self, prefix: &str, secs: u64) -> Res<String> {
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return Ok(line),
                Ok(_) => continue,
                Err(_) => {
                    return Err(format!(
                        "the drag source did not say {prefix:?} within {secs} s (python3-gi and gir1.2-gtk-3.0 installed?)"
                    )
                    .into())
                }
            }
        }
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sha256_of(path: &std::path::Path) -> Res<String> {
    let out = std::process::Command::new("sha256sum").arg(path).output()?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string())
}

/// Drags with the real pointer: press on `from`, move in small steps to `to`,
/// linger so the target can answer, release.
async fn drag(from: (i32, i32), to: (i32, i32)) -> Res {
    let at = |(x, y): (i32, i32)| [x.to_string(), y.to_string()];
    let [x, y] = at(from);
    xdotool(&["mousemove", &x, &y])?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    xdotool(&["mousedown", "1"])?;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let steps = 30;
    for i in 1..=steps {
        let p = (
            from.0 + (to.0 - from.0) * i / steps,
            from.1 + (to.1 - from.1) * i / steps,
        );
        let [x, y] = at(p);
        xdotool(&["mousemove", &x, &y])?;
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    for wiggle in [(3, 0), (0, 3), (0, 0)] {
        let [x, y] = at((to.0 + wiggle.0, to.1 + wiggle.1));
        xdotool(&["mousemove", &x, &y])?;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    xdotool(&["mouseup", "1"])?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_dragged_from_a_file_manager_becomes_an_exhibit() -> Res {
    skip_unless_e2e!();
    let driver = Driver::start(&[])?;
    let diary = make_diary(&driver, PASSPHRASE, vec![])?;
    let work = tempfile::tempdir()?;
    let photo = photo(work.path())?;
    let name = photo
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or("no name")?;

    let c = driver.session().await?;
    unlock(&c, PASSPHRASE).await?;
    click(&c, "#new-entry").await?;
    wait_js(&c, "!!document.getElementById('entry-form')", 10).await?;
    type_into(
        &c,
        "textarea[name=description]",
        "A photo of the car parked across my drive, dragged in from the file manager.",
    )
    .await?;

    // The source window sits in the top left corner, above the Daybook window; the
    // drop lands in the middle of the Daybook window.
    let source = Source::start(&photo)?;
    let ready = source.expect("ready", 20)?;
    let mut xy = ready.split_whitespace().skip(1).map(str::parse::<i32>);
    let from = (xy.next().ok_or("no x")??, xy.next().ok_or("no y")??);
    let pid = app_pid(&driver).ok_or("the app is not running")?;
    let (wx, wy, ww, wh) = app_window_geometry(pid)?;
    let to = (wx + ww / 2, wy + wh / 2);
    eprintln!("dragging from {from:?} to {to:?} (Daybook window {ww}x{wh} at {wx},{wy})");
    drag(from, to).await?;
    source.expect("sent", 10)?;
    source.expect("drag-end", 10)?;

    // The file waits in the form as staged evidence…
    wait_js(
        &c,
        &format!(
            "[...document.querySelectorAll('#staged-files li .name')].map(e => e.textContent).join() === {}",
            serde_json::to_string(&name)?
        ),
        15,
    )
    .await?;
    c.execute(
        "document.getElementById('section-evidence').scrollIntoView(); return true;",
        vec![],
    )
    .await?;
    screen(&c, "70-dropped-file-staged").await?;

    // …and is an exhibit once the entry is saved, kept byte for byte.
    save_entry(&c, 1, 1).await?;
    assert_eq!(text_of(&c, "#exhibits .name").await?, name);
    shot(&c, "71-dropped-file-exhibit").await?;
    lock(&c).await?;
    c.close().await.ok();

    let mut vault = open_diary(&diary, PASSPHRASE)?;
    let exhibits = vault.exhibits(None)?;
    assert_eq!(exhibits.len(), 1);
    assert_eq!(exhibits[0].original_name, name);
    assert_eq!(exhibits[0].entry_number, 1);
    assert_eq!(exhibits[0].sha256, sha256_of(&photo)?);
    Ok(())
}
