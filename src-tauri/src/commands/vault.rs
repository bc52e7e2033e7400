//! Creating, unlocking, locking and recovering the diary, the practice diary, and
//! quick exit.

use daybook_core::incident::local_zone;
use daybook_core::vault::CreateOptions;
use daybook_core::Vault;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use super::export::Step;
use super::handover::Throttled;

use super::secret;
use crate::error::{CmdResult, UiError};
use crate::practice;
use crate::state::{lock, AppState, Place};

#[derive(Serialize)]
pub struct Status {
    /// A diary exists where the app looks for it.
    exists: bool,
    unlocked: bool,
    /// The practice diary with sample entries is open.
    practice: bool,
}

#[derive(Serialize)]
pub struct Created {
    /// Shown once, then forgotten by the app.
    recovery_code: String,
}

/// A draft the UI hands over when it is about to be locked or hidden.
#[derive(Deserialize)]
pub struct PendingDraft {
    form: String,
    draft: serde_json::Value,
}

fn status(state: &AppState) -> Status {
    Status {
        exists: Vault::exists(&state.path()),
        unlocked: state.is_unlocked(),
        practice: state.is_practice(),
    }
}

fn after_unlock(state: &AppState) {
    if let Ok(settings) = state.with_vault(|v| v.settings()) {
        state
            .auto_lock_minutes
            .store(settings.auto_lock_minutes, Ordering::SeqCst);
    }
}

#[tauri::command]
pub async fn vault_status(state: State<'_, AppState>) -> CmdResult<Status> {
    Ok(status(&state))
}

#[tauri::command]
pub async fn vault_create(state: State<'_, AppState>, passphrase: String) -> CmdResult<Created> {
    let path = state.path();
    let (vault, code) = Vault::create(&path, secret(passphrase), CreateOptions::default())?;
    *lock(&state.vault) = Some(vault);
    after_unlock(&state);
    Ok(Created {
        recovery_code: code.expose_secret().to_string(),
    })
}

/// Opens a practice diary, full of made-up entries, in a temporary folder that is
/// removed on every way out (see `practice.rs`). Its passphrase is `practice`.
#[tauri::command]
pub async fn vault_practice(state: State<'_, AppState>) -> CmdResult<Status> {
    // The real diary is locked first; a practice diary already open is removed.
    state.lock_now();
    state.end_practice();
    *lock(&state.vault) = None;
    let dir = practice::create().map_err(|e| UiError::new("io", e.to_string()))?;
    let path = dir.path().join("practice.daybook");
    let made = Vault::create_practice(&path, &local_zone()).map_err(UiError::from);
    let vault = match made {
        Ok(vault) => vault,
        Err(e) => {
            practice::remove(dir);
            return Err(e);
        }
    };
    *lock(&state.place) = Place {
        path,
        practice: Some(dir),
    };
    *lock(&state.vault) = Some(vault);
    Ok(status(&state))
}

/// Leaves the practice diary (deleting it) and goes back to the real one.
#[tauri::command]
pub async fn vault_leave_practice(state: State<'_, AppState>) -> CmdResult<Status> {
    state.lock_now();
    state.end_practice();
    *lock(&state.vault) = None;
    Ok(status(&state))
}

#[tauri::command]
pub async fn vault_unlock(state: State<'_, AppState>, passphrase: String) -> CmdResult<Status> {
    let passphrase = secret(passphrase);
    state.with_vault(|v| v.unlock(&passphrase))?;
    after_unlock(&state);
    Ok(status(&state))
}

#[tauri::command]
pub async fn vault_recover(
    state: State<'_, AppState>,
    code: String,
    new_passphrase: String,
) -> CmdResult<Status> {
    let code = secret(code.trim().to_string());
    state.with_vault(|v| v.recover(&code, secret(new_passphrase)))?;
    after_unlock(&state);
    Ok(status(&state))
}

#[tauri::command]
pub async fn vault_change_passphrase(
    state: State<'_, AppState>,
    current: String,
    new_passphrase: String,
) -> CmdResult<()> {
    let current = secret(current);
    state.with_vault(|v| v.change_passphrase(&current, secret(new_passphrase)))
}

#[derive(Serialize)]
pub struct InfoView {
    entries: u64,
    exhibits: u64,
    fingerprint: String,
    practice: bool,
}

#[tauri::command]
pub async fn vault_info(state: State<'_, AppState>) -> CmdResult<InfoView> {
    let info = state.with_vault(|v| v.info())?;
    Ok(InfoView {
        entries: info.entries,
        exhibits: info.exhibits,
        fingerprint: info.fingerprint.unwrap_or_default(),
        practice: state.is_practice(),
    })
}

/// What "Check my diary" found: the same checks as `daybook verify`.
#[derive(Serialize)]
pub struct CheckView {
    ok: bool,
    /// What was checked, in plain words.
    checked: Vec<String>,
    /// The fingerprint printed in reports, when the chain holds.
    fingerprint: Option<String>,
    /// What did not hold, naming the entry and exhibit where there is one.
    problem: Option<String>,
    entry: Option<u64>,
    exhibit: Option<String>,
}

/// Checks the whole diary: the chain, every record's authenticity, the index and the
/// exhibit rows against the chain, every original and preview. Reports progress on
/// `on_progress` and stops when `vault_check_cancel(job)` is called.
#[tauri::command]
pub async fn vault_check<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    job: u64,
    on_progress: Channel<Step>,
) -> CmdResult<CheckView> {
    let running = state.start_job(job);
    let cancel = running.flag();
    let worker = app.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<AppState>();
        let progress = Throttled::new(&on_progress, &cancel);
        state.with_vault(|v| match v.verify_with_progress(&progress) {
            Err(e @ daybook_core::Error::Tampered { .. }) => {
                Ok(daybook_core::vault::verify::failed(&e))
            }
            other => other,
        })
    })
    .await
    .map_err(|e| UiError::new("io", e.to_string()))
    .and_then(|r| r);
    drop(running);
    let report = result?;
    let failure = report.failure.clone();
    Ok(CheckView {
        ok: report.ok(),
        checked: report.checked,
        fingerprint: report.fingerprint,
        problem: failure.as_ref().map(|f| f.message.clone()),
        entry: failure.as_ref().and_then(|f| f.entry),
        exhibit: failure.and_then(|f| f.exhibit),
    })
}

/// Stops a running check of the diary.
#[tauri::command]
pub async fn vault_check_cancel(state: State<'_, AppState>, job: u64) -> CmdResult<()> {
    state.cancel_job(job);
    Ok(())
}

/// Quick exit: hide the window at once, keep the draft (sealed), lock, delete the
/// practice diary if that is what is open, and end the process.
#[tauri::command]
pub async fn vault_quick_exit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    pending: Option<PendingDraft>,
) -> CmdResult<()> {
    for window in app.webview_windows().values() {
        let _ = window.hide();
    }
    // A long attach or export would hold the vault (and the key) until it is done.
    state.cancel_jobs();
    if let Some(p) = pending {
        if state.is_unlocked() {
            // Losing the draft is bad; failing to lock is worse. Lock regardless.
            let _ = state.with_vault(|v| v.draft_save(&p.form, &p.draft));
        }
    }
    state.quit();
    Ok(())
}

/// Locks the diary (the Lock button, or auto-lock), keeping the draft the UI hands
/// over first.
#[tauri::command]
pub async fn vault_lock(
    state: State<'_, AppState>,
    pending: Option<PendingDraft>,
) -> CmdResult<Status> {
    state.cancel_jobs();
    if let Some(p) = pending {
        if state.is_unlocked() {
            let _ = state.with_vault(|v| v.draft_save(&p.form, &p.draft));
        }
    }
    state.lock_now();
    Ok(status(&state))
}

/// Restores a backup (chosen with the native dialog) as this computer's diary, then
/// opens it. With `code` (the recovery code) the backup is opened with it and
/// `passphrase` becomes its new passphrase; without, `passphrase` is the one the
/// diary had when the backup was made. A diary already here is replaced only when
/// `replace` says the person confirmed it (error kind `vault_exists` otherwise,
/// before anything is asked or changed); it is kept beside the restored one.
#[tauri::command]
pub async fn vault_restore<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    passphrase: String,
    code: String,
    replace: bool,
) -> CmdResult<Status> {
    let path = state.path();
    if state.is_practice() {
        return Err(UiError::new(
            "not_allowed",
            "leave the practice diary before restoring a backup",
        ));
    }
    if Vault::exists(&path) && !replace {
        return Err(daybook_core::Error::VaultExists(path).into());
    }
    let backup = crate::dialogs::pick_file(&app, "Choose the backup to restore")?;
    let passphrase = secret(passphrase);
    state.lock_now();
    *lock(&state.vault) = None;
    if code.trim().is_empty() {
        Vault::restore(&backup, &path, &passphrase)?;
    } else {
        Vault::restore_with_recovery_code(
            &backup,
            &path,
            &secret(code.trim().to_string()),
            secret(passphrase.expose_secret().to_string()),
        )?;
    }
    let mut vault = Vault::open(&path)?;
    vault.unlock(&passphrase)?;
    *lock(&state.vault) = Some(vault);
    after_unlock(&state);
    Ok(status(&state))
}
