//! Native file dialogs, opened from the shell so the webview never names a path on
//! its own: only what the user picked here (or dropped on the window) can be read or
//! written.
//!
//! Debug builds only: `DAYBOOK_TEST_PICK` (paths separated by `:`) and
//! `DAYBOOK_TEST_SAVE_DIR` answer the dialogs for the end-to-end tests, which cannot
//! drive a GTK dialog through WebDriver; `DAYBOOK_TEST_PICK_FROM` names a file whose
//! text answers the one-file dialog (so a test can change the answer between picks).
//! Release builds ignore them.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, FilePath};

use crate::error::{kind, CmdResult, UiError};

fn to_path(p: FilePath) -> CmdResult<PathBuf> {
    p.into_path()
        .map_err(|e| UiError::new(kind::BAD_REQUEST, e.to_string()))
}

fn cancelled() -> UiError {
    UiError::new(kind::DIALOG_CANCELLED, "nothing was chosen")
}

#[cfg(debug_assertions)]
fn test_answer(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.is_empty())
}

#[cfg(not(debug_assertions))]
fn test_answer(_var: &str) -> Option<String> {
    None
}

/// Asks for one or more files to add as evidence.
pub fn pick_files<R: Runtime>(app: &AppHandle<R>, title: &str) -> CmdResult<Vec<PathBuf>> {
    if let Some(list) = test_answer("DAYBOOK_TEST_PICK") {
        return Ok(list.split(':').map(PathBuf::from).collect());
    }
    let picked = app.dialog().file().set_title(title).blocking_pick_files();
    picked
        .ok_or_else(cancelled)?
        .into_iter()
        .map(to_path)
        .collect()
}

/// Asks for one file (a handover file, a backup).
pub fn pick_file<R: Runtime>(app: &AppHandle<R>, title: &str) -> CmdResult<PathBuf> {
    if let Some(answer) = test_answer("DAYBOOK_TEST_PICK_FROM") {
        let text = std::fs::read_to_string(answer)
            .map_err(|e| UiError::new(kind::BAD_REQUEST, e.to_string()))?;
        return Ok(PathBuf::from(text.trim()));
    }
    let picked = app.dialog().file().set_title(title).blocking_pick_file();
    to_path(picked.ok_or_else(cancelled)?)
}

/// Asks for one phone export to import (a WhatsApp chat, an SMS backup or a call
/// log). The first path of `DAYBOOK_TEST_PICK` answers it in debug builds.
pub fn pick_export<R: Runtime>(app: &AppHandle<R>, title: &str) -> CmdResult<PathBuf> {
    if let Some(list) = test_answer("DAYBOOK_TEST_PICK") {
        return list
            .split(':')
            .next()
            .map(PathBuf::from)
            .ok_or_else(cancelled);
    }
    let picked = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter("Phone exports (.zip, .txt, .xml)", &["zip", "txt", "xml"])
        .add_filter("All files", &["*"])
        .blocking_pick_file();
    to_path(picked.ok_or_else(cancelled)?)
}

/// Asks where to save a file, suggesting a name.
pub fn save_file<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    suggested: &str,
) -> CmdResult<PathBuf> {
    if let Some(dir) = test_answer("DAYBOOK_TEST_SAVE_DIR") {
        return Ok(PathBuf::from(dir).join(suggested));
    }
    let picked = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(suggested)
        .set_can_create_directories(true)
        .blocking_save_file();
    to_path(picked.ok_or_else(cancelled)?)
}

/// Asks for a folder (for backups).
pub fn pick_folder<R: Runtime>(app: &AppHandle<R>, title: &str) -> CmdResult<PathBuf> {
    if let Some(dir) = test_answer("DAYBOOK_TEST_SAVE_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let picked = app
        .dialog()
        .file()
        .set_title(title)
        .set_can_create_directories(true)
        .blocking_pick_folder();
    to_path(picked.ok_or_else(cancelled)?)
}
