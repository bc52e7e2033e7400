//! Evidence: files come in through the native dialog, a drop on the window or a
//! pasted screenshot (raw bytes, never base64), are staged under a token, and are
//! attached to an entry by token, with progress and a cancel for large files.
//! Thumbnails go back to the UI as raw bytes.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use daybook_core::evidence::{media_type, metadata, Exhibit, Progress};
use daybook_core::outfile::{self, Existing};
use serde::Serialize;
use tauri::ipc::{Channel, InvokeBody, Request, Response};
use tauri::{AppHandle, Manager, Runtime, State};

use crate::dialogs;
use crate::error::{kind, CmdResult, UiError};
use crate::state::{lock, AppState, Staged, StagedFile};

/// Largest pasted image accepted, in bytes (a screenshot is far smaller).
pub const PASTE_MAX_BYTES: usize = 64 * 1024 * 1024;

pub(crate) fn stage_paths(state: &AppState, paths: Vec<PathBuf>) -> Vec<StagedFile> {
    paths
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
            let capture_time = capture_time_of_file(&p);
            let token = state.stage(Staged::Path(p));
            StagedFile {
                token,
                name,
                size,
                capture_time,
            }
        })
        .collect()
}

/// Opens the native dialog and stages what the user picked.
#[tauri::command]
pub async fn evidence_pick<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<Vec<StagedFile>> {
    let paths = dialogs::pick_files(&app, "Add evidence")?;
    state.touch();
    Ok(stage_paths(&state, paths))
}

/// Stages pasted bytes. The body is the raw file; the `x-name` header carries a
/// percent-encoded suggested name.
#[tauri::command]
pub async fn evidence_stage_bytes(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> CmdResult<StagedFile> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(UiError::new(kind::BAD_REQUEST, "expected the file's bytes"));
    };
    if bytes.is_empty() || bytes.len() > PASTE_MAX_BYTES {
        return Err(UiError::new(
            "evidence_refused",
            "that file is empty or too large to paste; add it with the button instead",
        ));
    }
    let name = request
        .headers()
        .get("x-name")
        .and_then(|v| v.to_str().ok())
        .map(percent_decode)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "pasted-image.png".to_string());
    let size = bytes.len() as u64;
    let capture_time = metadata::read_bytes(bytes, media_type::sniff(bytes)).capture_time;
    let token = state.stage(Staged::Bytes {
        name: name.clone(),
        bytes: bytes.clone(),
    });
    Ok(StagedFile {
        token,
        name,
        size,
        capture_time,
    })
}

/// Forgets a staged file without attaching it.
#[tauri::command]
pub async fn evidence_unstage(state: State<'_, AppState>, token: u64) -> CmdResult<()> {
    lock(&state.staged).remove(&token);
    Ok(())
}

/// How far an attach has got, for the UI's progress bar.
#[derive(Debug, Clone, Serialize)]
pub struct Stored {
    pub done: u64,
    pub total: u64,
}

/// Attaches a staged file to an entry as a new exhibit. A file from disk reports how
/// much of it is stored on `on_progress` and stops, keeping nothing, when
/// `evidence_cancel(job)` is called. (Pasted bytes are small: no progress.)
#[tauri::command]
pub async fn evidence_attach<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    entry: u64,
    token: u64,
    how: String,
    job: u64,
    on_progress: Channel<Stored>,
) -> CmdResult<Exhibit> {
    let staged = lock(&state.staged).remove(&token).ok_or_else(|| {
        UiError::new(
            kind::BAD_REQUEST,
            "that file is no longer waiting to be added; please add it again",
        )
    })?;
    let running = state.start_job(job);
    let cancel = running.flag();
    let worker = app.clone();
    // On a blocking thread: a large file takes a while, and the window stays free.
    let result = tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<AppState>();
        match staged {
            Staged::Path(path) => {
                let progress = ChannelProgress::new(&state, &on_progress, &cancel);
                state.with_vault(|v| v.attach_with_progress(entry, &path, &how, &progress))
            }
            Staged::Bytes { name, bytes } => {
                state.with_vault(|v| v.attach_reader(entry, &mut bytes.as_slice(), &name, &how))
            }
        }
    })
    .await
    .map_err(|e| UiError::new("io", e.to_string()))
    .and_then(|r| r);
    drop(running);
    result
}

/// Stops a running attach; nothing of the file is kept.
#[tauri::command]
pub async fn evidence_cancel(state: State<'_, AppState>, job: u64) -> CmdResult<()> {
    state.cancel_job(job);
    Ok(())
}

/// Passes the core's progress to the UI (about once per percent) and the cancel flag
/// back to the core. A running attach counts as use, so auto-lock waits for it.
struct ChannelProgress<'a> {
    state: &'a AppState,
    channel: &'a Channel<Stored>,
    cancel: &'a AtomicBool,
    /// The last whole percent sent.
    sent: AtomicU64,
}

impl<'a> ChannelProgress<'a> {
    fn new(state: &'a AppState, channel: &'a Channel<Stored>, cancel: &'a AtomicBool) -> Self {
        ChannelProgress {
            state,
            channel,
            cancel,
            sent: AtomicU64::new(u64::MAX),
        }
    }
}

impl Progress for ChannelProgress<'_> {
    fn advanced(&self, done: u64, total: u64, _unit: daybook_core::progress::Unit) {
        let percent = (done.saturating_mul(100)).checked_div(total).unwrap_or(100);
        if self.sent.swap(percent, Ordering::SeqCst) != percent {
            self.state.touch();
            // The UI may have gone (reload); the attach carries on regardless.
            let _ = self.channel.send(Stored { done, total });
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

#[tauri::command]
pub async fn evidence_list(
    state: State<'_, AppState>,
    entry: Option<u64>,
) -> CmdResult<Vec<Exhibit>> {
    state.with_vault(|v| v.exhibits(entry))
}

/// The exhibit's thumbnail as raw JPEG bytes (empty when there is none).
#[tauri::command]
pub async fn evidence_thumbnail(state: State<'_, AppState>, mark: String) -> CmdResult<Response> {
    let bytes = state.with_vault(|v| v.thumbnail(&mark))?;
    Ok(Response::new(bytes.unwrap_or_default()))
}

/// Saves a copy of the original file where the user chooses.
#[tauri::command]
pub async fn evidence_save_original<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    mark: String,
) -> CmdResult<String> {
    let exhibit = state
        .with_vault(|v| v.exhibits(None))?
        .into_iter()
        .find(|e| e.mark == mark)
        .ok_or_else(|| UiError::new("no_such_exhibit", format!("there is no exhibit {mark}")))?;
    let out = dialogs::save_file(&app, "Save a copy of the original", &exhibit.original_name)?;
    // Never over the diary; owner-only from the first byte. The dialog has asked
    // before replacing a file.
    let diary = state.path();
    state.with_vault(|v| {
        outfile::write_private(&out, &diary, Existing::Replace, |p| {
            v.export_original(&mark, p)
        })
    })?;
    Ok(out.display().to_string())
}

/// Reads the capture time from the file's own metadata (the core does the reading).
fn capture_time_of_file(path: &std::path::Path) -> Option<String> {
    use std::io::Read;
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .ok()?;
    metadata::read(path, media_type::sniff(&head[..n])).capture_time
}

/// The UI sends the suggested name through `encodeURIComponent`. A `%` that does not
/// start a pair of hex digits is kept as it is, and bytes that are not UTF-8 become
/// U+FFFD, so any header gives some name.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_percent_decoded() {
        assert_eq!(
            super::percent_decode("Screenshot%202026.png"),
            "Screenshot 2026.png"
        );
        assert_eq!(super::percent_decode("caf%C3%A9.png"), "café.png");
        assert_eq!(super::percent_decode("100%"), "100%");
        assert_eq!(super::percent_decode("50%25%zz.png"), "50%%zz.png");
        assert_eq!(super::percent_decode("%E2%82.png"), "\u{FFFD}.png");
    }
}
