//! Evidence: files come in through the native dialog, a drop on the window or a
//! pasted screenshot (raw bytes, never base64), are staged under a token, and are
//! attached to an entry by token. Thumbnails go back to the UI as raw bytes.

use std::path::PathBuf;

use daybook_core::evidence::{media_type, metadata, Exhibit};
use tauri::ipc::{InvokeBody, Request, Response};
use tauri::{AppHandle, Runtime, State};

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

/// Attaches a staged file to an entry as a new exhibit.
#[tauri::command]
pub async fn evidence_attach(
    state: State<'_, AppState>,
    entry: u64,
    token: u64,
    how: String,
) -> CmdResult<Exhibit> {
    let staged = lock(&state.staged).remove(&token).ok_or_else(|| {
        UiError::new(
            kind::BAD_REQUEST,
            "that file is no longer waiting to be added; please add it again",
        )
    })?;
    // Async commands run off the main thread, so a large file does not freeze the window.
    match staged {
        Staged::Path(path) => state.with_vault(|v| v.attach(entry, &path, &how)),
        Staged::Bytes { name, bytes } => {
            state.with_vault(|v| v.attach_reader(entry, &mut bytes.as_slice(), &name, &how))
        }
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
    state.with_vault(|v| v.export_original(&mark, &out))?;
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

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && text.is_char_boundary(i + 3) {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
    }
}
