//! Receiving a handover file: choose it, open it with its passphrase or this diary's
//! receiving key, check every byte (with progress and Cancel), then read it: the
//! entries, pictures made in memory, and an original or the report saved only where
//! the person chooses. Nothing readable is written anywhere else.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use daybook_core::bundle::handover::Case;
use daybook_core::bundle::records::EntryRecord;
use daybook_core::bundle::sealed::Key;
use daybook_core::evidence::Exhibit;
use daybook_core::incident::local_zone;
use daybook_core::progress::{Progress, Unit};
use daybook_core::select;
use serde::Serialize;
use tauri::ipc::{Channel, Response};
use tauri::{AppHandle, Manager, Runtime, State};

use super::export::Step;
use super::secret;
use crate::dialogs;
use crate::error::{kind, CmdResult, UiError};
use crate::state::{lock, AppState};

/// A file chosen in the dialog, waiting for its passphrase or key.
#[derive(Serialize)]
pub struct Picked {
    token: u64,
    name: String,
}

/// What the full check found, and the cover facts when it passed.
#[derive(Serialize)]
pub struct Opened {
    /// The id to read the case with; `None` when the check failed (the case is
    /// closed then, so nothing of it is shown as if it were fine).
    id: Option<u64>,
    passed: bool,
    /// How many files were checked.
    files: usize,
    /// The first check that failed, naming the file.
    failure: Option<String>,
    fingerprint: String,
    created_at: String,
    daybook_version: String,
    entries: u64,
    exhibits: u64,
    date_from: Option<String>,
    date_to: Option<String>,
    redacted_witnesses: bool,
    has_report: bool,
    name: String,
}

/// The case's contents, for the read-only view.
#[derive(Serialize)]
pub struct Contents {
    entries: Vec<CaseEntry>,
    exhibits: Vec<Exhibit>,
    messages: Option<serde_json::Value>,
}

/// One entry of a case, with its times in words (the current wording's, and each
/// saved wording's, oldest first), and the day it counts for in a range of days
/// (ISO, by the core's one rule, `select::entry_day`).
#[derive(Serialize)]
pub struct CaseEntry {
    #[serde(flatten)]
    record: EntryRecord,
    day: String,
    /// What a search looks in, by the core's one rule (`select::search_text_with`:
    /// the same fields as the diary's own search, in every wording), lower case.
    search: String,
    when: Option<String>,
    wordings_when: Vec<String>,
}

/// Where a copy was saved, and its SHA-256.
#[derive(Serialize)]
pub struct Saved {
    path: String,
    sha256: String,
}

/// Passes progress to the UI about once per percent, and Cancel back to the core.
pub(crate) struct Throttled<'a> {
    pub channel: &'a Channel<Step>,
    pub cancel: &'a AtomicBool,
    pub sent: AtomicU64,
}

impl<'a> Throttled<'a> {
    pub fn new(channel: &'a Channel<Step>, cancel: &'a AtomicBool) -> Self {
        Throttled {
            channel,
            cancel,
            sent: AtomicU64::new(u64::MAX),
        }
    }
}

impl Progress for Throttled<'_> {
    fn advanced(&self, done: u64, total: u64, unit: Unit) {
        let percent = done.saturating_mul(100) / total.max(1);
        if self.sent.swap(percent, Ordering::SeqCst) != percent {
            let _ = self.channel.send(Step {
                done,
                total,
                stage: unit.key().into(),
            });
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

fn case(state: &AppState, id: u64) -> CmdResult<Arc<Mutex<Case>>> {
    state.touch();
    lock(&state.cases).get(&id).cloned().ok_or_else(|| {
        UiError::new(
            kind::BAD_REQUEST,
            "that handover file is no longer open; please open it again",
        )
    })
}

/// Opens the dialog to choose a handover file.
#[tauri::command]
pub async fn handover_pick<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<Picked> {
    let path = dialogs::pick_file(&app, "Open a handover file")?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Picked {
        token: state.pick(path),
        name,
    })
}

/// The handover file the app was started with, picked (once), or `None`.
#[tauri::command]
pub async fn handover_launch_file(state: State<'_, AppState>) -> CmdResult<Option<Picked>> {
    let file = crate::state::lock(&state.launch_file).take();
    Ok(file.map(|path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Picked {
            token: state.pick(path),
            name,
        }
    }))
}

/// Opens the chosen file with `passphrase`, or with this diary's receiving key when
/// there is none, then checks every byte. `job` is chosen by the UI for
/// `handover_cancel`.
#[tauri::command]
pub async fn handover_open<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    token: u64,
    passphrase: Option<String>,
    job: u64,
    on_progress: Channel<Step>,
) -> CmdResult<Opened> {
    let path = lock(&state.picked)
        .get(&token)
        .cloned()
        .ok_or_else(|| UiError::new(kind::BAD_REQUEST, "please choose the handover file again"))?;
    let key = match passphrase {
        Some(p) => Key::Passphrase(secret(p)),
        None => {
            let identity = state.with_vault(|v| v.receiving_identity())?;
            Key::Identity(identity.ok_or_else(|| {
                UiError::new(
                    "no_receiving_key",
                    "this diary has no receiving key yet; make one in Settings",
                )
            })?)
        }
    };
    let running = state.start_job(job);
    let cancel = running.flag();
    let worker = app.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<AppState>();
        let mut case = Case::open(&path, key)?;
        let progress = Throttled::new(&on_progress, &cancel);
        let report = case.check(&progress)?.clone();
        let manifest = case.manifest.clone();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut opened = Opened {
            id: None,
            passed: report.passed,
            files: report.files.len(),
            failure: report.failure.clone(),
            fingerprint: manifest.fingerprint.clone(),
            created_at: manifest.created_at.to_rfc3339(),
            daybook_version: manifest.daybook_version.clone(),
            entries: manifest.entries,
            exhibits: manifest.exhibits,
            date_from: manifest.date_from.map(|d| d.format("%d/%m/%Y").to_string()),
            date_to: manifest.date_to.map(|d| d.format("%d/%m/%Y").to_string()),
            redacted_witnesses: manifest.redacted_witnesses,
            has_report: case.has_report(),
            name,
        };
        if report.passed {
            lock(&state.cases).insert(token, Arc::new(Mutex::new(case)));
            opened.id = Some(token);
        }
        Ok::<_, daybook_core::Error>(opened)
    })
    .await
    .map_err(|e| UiError::new("io", e.to_string()))
    .and_then(|r| r.map_err(UiError::from));
    drop(running);
    result
}

/// Stops a running check; the file is not opened.
#[tauri::command]
pub async fn handover_cancel(state: State<'_, AppState>, job: u64) -> CmdResult<()> {
    state.cancel_job(job);
    Ok(())
}

/// The entries, exhibits and imported messages of an open (checked) case.
#[tauri::command]
pub async fn handover_contents(state: State<'_, AppState>, id: u64) -> CmdResult<Contents> {
    let case = case(&state, id)?;
    let case = lock(&case);
    let zone = local_zone();
    Ok(Contents {
        entries: case
            .entries
            .iter()
            .map(|r| CaseEntry {
                day: select::entry_day(&r.entry, &zone)
                    .format("%Y-%m-%d")
                    .to_string(),
                search: select::search_text_with(&r.entry, r.revisions.iter().map(|w| &w.incident)),
                when: r.entry.incident.as_ref().map(|i| i.occurred.display()),
                wordings_when: r
                    .revisions
                    .iter()
                    .map(|w| w.incident.occurred.display())
                    .collect(),
                record: r.clone(),
            })
            .collect(),
        exhibits: case.exhibits.clone(),
        messages: case.messages.clone(),
    })
}

/// A preview of an exhibit as JPEG bytes, made in memory (empty when there is none).
#[tauri::command]
pub async fn handover_thumbnail(
    state: State<'_, AppState>,
    id: u64,
    mark: String,
) -> CmdResult<Response> {
    let case = case(&state, id)?;
    let bytes = tauri::async_runtime::spawn_blocking(move || lock(&case).thumbnail(&mark))
        .await
        .map_err(|e| UiError::new("io", e.to_string()))??;
    Ok(Response::new(bytes.unwrap_or_default()))
}

/// Saves a copy of an exhibit's original where the person chooses (never over an
/// existing file), checked; returns its SHA-256.
#[tauri::command]
pub async fn handover_save_original<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: u64,
    mark: String,
) -> CmdResult<Saved> {
    let case = case(&state, id)?;
    let suggested = lock(&case)
        .exhibits
        .iter()
        .find(|x| x.mark == mark)
        .map(|x| x.original_name.clone())
        .ok_or_else(|| UiError::new("no_such_exhibit", format!("there is no exhibit {mark}")))?;
    let out = dialogs::save_file(&app, "Save a copy of the original", &suggested)?;
    let path = out.clone();
    let sha256 =
        tauri::async_runtime::spawn_blocking(move || lock(&case).save_original(&mark, &path))
            .await
            .map_err(|e| UiError::new("io", e.to_string()))??;
    Ok(Saved {
        path: out.display().to_string(),
        sha256,
    })
}

/// Saves the report (`report.pdf`) where the person chooses.
#[tauri::command]
pub async fn handover_save_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: u64,
) -> CmdResult<Saved> {
    let case = case(&state, id)?;
    let out = dialogs::save_file(&app, "Save the report", "report.pdf")?;
    let path = out.clone();
    let sha256 =
        tauri::async_runtime::spawn_blocking(move || lock(&case).save("report.pdf", &path))
            .await
            .map_err(|e| UiError::new("io", e.to_string()))??;
    Ok(Saved {
        path: out.display().to_string(),
        sha256,
    })
}

/// Where a readable copy of the report is (or would be) written to open it.
#[derive(Serialize)]
pub struct ReportCopy {
    path: String,
    /// Whether it was written and handed to the viewer (else: where it would be).
    opened: bool,
    sha256: Option<String>,
}

/// Opens the report with the system's PDF viewer. A viewer can only read a file,
/// so the report is written, NOT encrypted, as a new file in the Downloads folder
/// (else the home folder). With `confirmed` false nothing is written: the answer
/// says where it would go, for the UI to tell the person first; with `confirmed`
/// true it is written there, checked, and opened.
#[tauri::command]
pub async fn handover_open_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: u64,
    confirmed: bool,
) -> CmdResult<ReportCopy> {
    let case = case(&state, id)?;
    let dir = app
        .path()
        .download_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| app.path().home_dir().ok())
        .ok_or_else(|| UiError::new("io", "Daybook cannot find your home folder"))?;
    let stem = {
        let case = lock(&case);
        let short: String = case.manifest.fingerprint.chars().take(8).collect();
        format!("daybook-report-{short}")
    };
    let out = crate::viewer::free_name(&dir, &stem, "pdf")?;
    if !confirmed {
        return Ok(ReportCopy {
            path: out.display().to_string(),
            opened: false,
            sha256: None,
        });
    }
    let path = out.clone();
    let sha256 =
        tauri::async_runtime::spawn_blocking(move || lock(&case).save("report.pdf", &path))
            .await
            .map_err(|e| UiError::new("io", e.to_string()))??;
    crate::viewer::open(&out)?;
    Ok(ReportCopy {
        path: out.display().to_string(),
        opened: true,
        sha256: Some(sha256),
    })
}

/// Forgets an open case.
#[tauri::command]
pub async fn handover_close(state: State<'_, AppState>, id: u64) -> CmdResult<()> {
    lock(&state.cases).remove(&id);
    lock(&state.picked).remove(&id);
    Ok(())
}
