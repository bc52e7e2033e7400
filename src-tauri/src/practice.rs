//! The practice diary: made-up entries to try Daybook with, and the promise that
//! nothing of it is kept. Its folder is named `daybook-practice-<pid>-…`, in
//! `$XDG_RUNTIME_DIR` when there is one (memory, emptied at logout) or else the
//! temporary folder, and it is removed on every way out:
//!
//! - leaving practice, quick exit, closing the window and the app exiting
//!   ([`crate::state::AppState::end_practice`]);
//! - SIGTERM, SIGINT and SIGHUP (`lib.rs` handles them like quick exit);
//! - a panic of the main thread ([`install_panic_hook`]);
//! - a process killed outright (SIGKILL, a power cut): its folder is removed at the
//!   next start ([`sweep_leftovers`]).
//!
//! Nothing here touches the real diary.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::state::lock;

/// Start of every practice folder's name.
const PREFIX: &str = "daybook-practice-";

/// The practice folder of this process, for the panic hook (which has no state).
static CURRENT: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Where practice folders go: memory-backed `$XDG_RUNTIME_DIR` first, then the
/// temporary folder.
fn bases() -> Vec<PathBuf> {
    let mut bases = Vec::new();
    if let Some(run) = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from) {
        if run.is_absolute() && run.is_dir() {
            bases.push(run);
        }
    }
    bases.push(std::env::temp_dir());
    bases
}

/// Makes this process's practice folder (owner-only, as `tempfile` makes them).
pub fn create() -> std::io::Result<tempfile::TempDir> {
    let base = bases().remove(0);
    let dir = tempfile::Builder::new()
        .prefix(&format!("{PREFIX}{}-", std::process::id()))
        .tempdir_in(base)?;
    *lock(&CURRENT) = Some(dir.path().to_path_buf());
    Ok(dir)
}

/// Deletes a practice folder and everything in it.
pub fn remove(dir: tempfile::TempDir) {
    let path = dir.path().to_path_buf();
    if dir.close().is_err() {
        let _ = std::fs::remove_dir_all(&path);
    }
    let mut current = lock(&CURRENT);
    if current.as_deref() == Some(path.as_path()) {
        *current = None;
    }
}

/// The process id in a practice folder's name, if it is one.
fn owner(name: &str) -> Option<u32> {
    name.strip_prefix(PREFIX)?.split('-').next()?.parse().ok()
}

fn is_running(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // No cheap check elsewhere: leave the folder alone.
        true
    }
}

/// Removes practice folders left by Daybook processes that no longer run (killed
/// outright, so nothing else could remove them). Returns what was removed.
pub fn sweep_leftovers() -> Vec<PathBuf> {
    sweep_in(&bases(), is_running)
}

fn sweep_in(bases: &[PathBuf], running: impl Fn(u32) -> bool) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    for base in bases {
        let Ok(listing) = std::fs::read_dir(base) else {
            continue;
        };
        for item in listing.filter_map(Result::ok) {
            let name = item.file_name();
            let Some(pid) = name.to_str().and_then(owner) else {
                continue;
            };
            let is_dir = item.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && pid != std::process::id() && !running(pid) {
                let path = item.path();
                if std::fs::remove_dir_all(&path).is_ok() {
                    removed.push(path);
                }
            }
        }
    }
    removed
}

/// Removes the practice folder when the main thread panics (the process is about to
/// end). A panic on another thread leaves it: the app carries on, and the folder
/// goes on the next way out.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("main") {
            remove_current();
        }
        previous(info);
    }));
}

/// Deletes this process's practice folder, if there is one (for the panic hook and
/// signal handlers, which cannot reach the app's state safely).
pub fn remove_current() {
    let current = CURRENT.try_lock().ok().and_then(|mut c| c.take());
    if let Some(path) = current {
        let _ = std::fs::remove_dir_all(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_of_processes_that_are_gone_are_swept_and_others_kept() {
        let base = tempfile::tempdir().unwrap();
        let mine = base
            .path()
            .join(format!("{PREFIX}{}-abc", std::process::id()));
        let gone = base.path().join(format!("{PREFIX}999999-xyz"));
        let alive = base.path().join(format!("{PREFIX}424242-xyz"));
        let other = base.path().join("daybook-practice-notes");
        for dir in [&mine, &gone, &alive, &other] {
            std::fs::create_dir(dir).unwrap();
        }
        std::fs::write(gone.join("practice.daybook"), b"sealed").unwrap();
        let removed = sweep_in(&[base.path().to_path_buf()], |pid| pid == 424242);
        assert_eq!(removed, vec![gone.clone()]);
        assert!(!gone.exists());
        assert!(mine.exists() && alive.exists() && other.exists());
    }
}
