//! Opening a file with the system's own viewer (a PDF reader), by starting the
//! platform's opener as a plain process: `xdg-open` on Linux and the BSDs, `open` on
//! macOS, `start` on Windows. No library, nothing that can reach the network.
//!
//! The viewer can only read a file, so whatever it opens is readable on disk: the
//! caller must have told the person so, and where, before calling [`open`].
//!
//! Debug builds only: `DAYBOOK_TEST_VIEWER` names a file to which the path is
//! appended instead of starting a viewer, for the end-to-end tests. Release builds
//! ignore it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{CmdResult, UiError};

/// The kind of error when no viewer could be started.
pub const NO_VIEWER: &str = "no_viewer";

/// Starts the system's viewer on `path` and returns at once (the viewer runs on).
pub fn open(path: &Path) -> CmdResult<()> {
    if let Some(log) = test_log() {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .map_err(|e| UiError::new(NO_VIEWER, e.to_string()))?;
        return writeln!(file, "{}", path.display())
            .map_err(|e| UiError::new(NO_VIEWER, e.to_string()));
    }
    let mut child = opener(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            UiError::new(
                NO_VIEWER,
                format!(
                    "Daybook could not start a program to open it ({e}); the file is at {}",
                    path.display()
                ),
            )
        })?;
    // The opener hands the file to the viewer and ends; wait for it so that it
    // does not linger as a finished process.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(target_os = "macos")]
fn opener(path: &Path) -> Command {
    let mut cmd = Command::new("open");
    cmd.arg(path);
    cmd
}

#[cfg(target_os = "windows")]
fn opener(path: &Path) -> Command {
    // `start` is built into cmd; the empty string is the window title.
    let mut cmd = Command::new("cmd");
    cmd.args(["/C", "start", ""]).arg(path);
    cmd
}

#[cfg(not(any(target_os = "macos", target_os = "windows")))]
fn opener(path: &Path) -> Command {
    let mut cmd = Command::new("xdg-open");
    cmd.arg(path);
    cmd
}

#[cfg(debug_assertions)]
fn test_log() -> Option<PathBuf> {
    std::env::var_os("DAYBOOK_TEST_VIEWER")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

#[cfg(not(debug_assertions))]
fn test_log() -> Option<PathBuf> {
    None
}

/// A new file's path in `dir` named `stem.ext`, or `stem-2.ext`, `stem-3.ext`…
/// when that is taken (a copy is never written over another file).
pub fn free_name(dir: &Path, stem: &str, ext: &str) -> CmdResult<PathBuf> {
    (1..=999)
        .map(|n| match n {
            1 => dir.join(format!("{stem}.{ext}")),
            n => dir.join(format!("{stem}-{n}.{ext}")),
        })
        .find(|p| !p.exists())
        .ok_or_else(|| {
            UiError::new(
                "io",
                format!(
                    "there are too many copies named {stem} in {}",
                    dir.display()
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_never_takes_a_name_already_used() {
        let dir = tempfile::tempdir().unwrap();
        let first = free_name(dir.path(), "report", "pdf").unwrap();
        assert_eq!(first, dir.path().join("report.pdf"));
        std::fs::write(&first, b"x").unwrap();
        let second = free_name(dir.path(), "report", "pdf").unwrap();
        assert_eq!(second, dir.path().join("report-2.pdf"));
    }
}
