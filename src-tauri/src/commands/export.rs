//! Exports: the PDF report, the handover file and the evidence pack. Each asks where
//! to save with the native dialog, runs off the main thread, reports progress over a
//! channel and can be cancelled with `export_cancel`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::dialogs;
use daybook_core::report::{self, Progress};
use daybook_core::vault::{HandoverKey, HandoverOptions};
use daybook_core::SecretString;

use crate::error::{CmdResult, UiError};
use crate::state::{lock, AppState};

/// What to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Report,
    Handover,
    EvidencePack,
}

impl ExportKind {
    fn suggested_name(self) -> String {
        let day = chrono::Local::now().format("%Y-%m-%d");
        match self {
            ExportKind::Report => format!("incident-log-{day}.pdf"),
            ExportKind::Handover => format!("daybook-handover-{day}.daybook-handover"),
            ExportKind::EvidencePack => format!("evidence-pack-{day}"),
        }
    }
}

/// One progress step, as the UI's progress bar shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub done: u64,
    pub total: u64,
    pub stage: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExportOptions {
    /// Leave out withdrawn entries.
    pub exclude_withdrawn: bool,
    /// Passphrase for the handover file (it is encrypted to it).
    pub handover_passphrase: String,
}

#[derive(Serialize)]
pub struct Exported {
    /// Where it was saved, to tell the user.
    path: String,
    kind: ExportKind,
}

/// Asks where to save, then makes the file. `job` is chosen by the UI so it can cancel.
#[tauri::command]
pub async fn export_run<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    kind: ExportKind,
    job: u64,
    options: ExportOptions,
    on_progress: Channel<Step>,
) -> CmdResult<Exported> {
    if !state.is_unlocked() {
        return Err(daybook_core::Error::Locked.into());
    }
    // Validate before asking where to save.
    if kind == ExportKind::Handover && options.handover_passphrase.chars().count() < 8 {
        return Err(UiError::invalid(
            "handover_passphrase",
            "please choose a passphrase of at least 8 characters for the handover file",
        ));
    }
    let out = match kind {
        // The evidence pack is a folder, made inside the folder the person picks.
        ExportKind::EvidencePack => {
            dialogs::pick_folder(&app, "Choose where to put the evidence pack")?
                .join(kind.suggested_name())
        }
        _ => dialogs::save_file(&app, "Save as", &kind.suggested_name())?,
    };
    let cancel = Arc::new(AtomicBool::new(false));
    lock(&state.jobs).insert(job, cancel.clone());
    let worker = app.clone();
    let path = out.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<AppState>();
        run(&state, kind, &path, &options, &on_progress, &cancel)
    })
    .await
    .map_err(|e| UiError::new("io", e.to_string()))
    .and_then(|r| r);
    lock(&state.jobs).remove(&job);
    result.map(|()| Exported {
        path: out.display().to_string(),
        kind,
    })
}

#[tauri::command]
pub async fn export_cancel(state: State<'_, AppState>, job: u64) -> CmdResult<()> {
    if let Some(flag) = lock(&state.jobs).get(&job) {
        flag.store(true, Ordering::SeqCst);
    }
    Ok(())
}

/// Passes the core's progress to the UI and its cancel flag back to the core.
struct ChannelProgress<'a> {
    channel: &'a Channel<Step>,
    cancel: &'a AtomicBool,
}

impl Progress for ChannelProgress<'_> {
    fn entries_done(&self, done: usize, total: usize) {
        let _ = self.channel.send(Step {
            done: done as u64,
            total: total as u64,
            stage: "entries".into(),
        });
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

fn run(
    state: &AppState,
    kind: ExportKind,
    out: &Path,
    options: &ExportOptions,
    channel: &Channel<Step>,
    cancel: &AtomicBool,
) -> CmdResult<()> {
    let progress = ChannelProgress { channel, cancel };
    let include_withdrawn = !options.exclude_withdrawn;
    match kind {
        ExportKind::Report => {
            let report_options = report::Options {
                include_withdrawn,
                ..Default::default()
            };
            state.with_vault(|v| v.write_report(out, &report_options, &progress).map(|_| ()))
        }
        ExportKind::Handover => {
            if options.handover_passphrase.chars().count() < 8 {
                return Err(UiError::invalid(
                    "handover_passphrase",
                    "please choose a passphrase of at least 8 characters for the handover file",
                ));
            }
            let handover = HandoverOptions {
                from: None,
                to: None,
                redact_witnesses: false,
                include_withdrawn,
                key: HandoverKey::Passphrase(SecretString::from(
                    options.handover_passphrase.clone(),
                )),
            };
            state.with_vault(|v| v.write_handover(out, &handover, &progress).map(|_| ()))
        }
        ExportKind::EvidencePack => {
            // The pack is a folder of originals; the core has no progress for it yet.
            let _ = channel.send(Step {
                done: 0,
                total: 1,
                stage: "files".into(),
            });
            state.with_vault(|v| v.write_evidence_pack(out, None, None).map(|_| ()))?;
            let _ = channel.send(Step {
                done: 1,
                total: 1,
                stage: "files".into(),
            });
            Ok(())
        }
    }
}
