//! Settings kept inside the diary (sealed like everything else).
//!
//! The webview never names a folder: the backup folder is set only through the
//! native folder dialog the shell opens (`settings_pick_backup_dir`), and
//! `settings_save` takes every other setting but refuses a `backup_dir`.

use std::sync::atomic::Ordering;

use daybook_core::settings::Settings;
use serde::Deserialize;
use tauri::{AppHandle, Runtime, State};

use crate::dialogs;
use crate::error::{CmdResult, UiError};
use crate::state::AppState;

/// Shortest and longest auto-lock time, in minutes (the core checks the same).
pub const AUTO_LOCK_MIN_MINUTES: u32 = 1;
pub const AUTO_LOCK_MAX_MINUTES: u32 = 24 * 60;

/// The settings the settings form may change: everything but the backup folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsForm {
    pub initials: String,
    pub keeper_name: String,
    pub responsible_name: String,
    pub auto_lock_minutes: u32,
    pub backups_to_keep: u32,
    pub quick_exit_key: String,
    #[serde(default)]
    pub zone: Option<String>,
    /// Batched evidence packs: most files in a folder, and largest file (bytes).
    #[serde(default)]
    pub pack_batch_files: Option<u32>,
    #[serde(default)]
    pub pack_batch_bytes: Option<u64>,
}

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> CmdResult<Settings> {
    state.with_vault(|v| v.settings())
}

#[tauri::command]
pub async fn settings_save(
    state: State<'_, AppState>,
    settings: SettingsForm,
) -> CmdResult<Settings> {
    if !(AUTO_LOCK_MIN_MINUTES..=AUTO_LOCK_MAX_MINUTES).contains(&settings.auto_lock_minutes) {
        return Err(UiError::invalid(
            "auto_lock_minutes",
            format!("choose between {AUTO_LOCK_MIN_MINUTES} and {AUTO_LOCK_MAX_MINUTES} minutes"),
        ));
    }
    let saved = state.with_vault(|v| {
        let mut s = v.settings()?;
        s.initials = settings.initials;
        s.keeper_name = settings.keeper_name;
        s.responsible_name = settings.responsible_name;
        s.auto_lock_minutes = settings.auto_lock_minutes;
        s.backups_to_keep = settings.backups_to_keep;
        s.quick_exit_key = settings.quick_exit_key;
        if let Some(zone) = settings.zone {
            s.zone = zone;
        }
        if let Some(n) = settings.pack_batch_files {
            s.pack_batch_files = n;
        }
        if let Some(bytes) = settings.pack_batch_bytes {
            s.pack_batch_bytes = bytes;
        }
        v.save_settings(&s)?;
        v.settings()
    })?;
    state
        .auto_lock_minutes
        .store(saved.auto_lock_minutes, Ordering::SeqCst);
    Ok(saved)
}

/// Asks for the backup folder with the native dialog and keeps it in the settings.
#[tauri::command]
pub async fn settings_pick_backup_dir<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<Settings> {
    if !state.is_unlocked() {
        return Err(daybook_core::Error::Locked.into());
    }
    let dir = dialogs::pick_folder(&app, "Choose a folder for backups")?;
    state.with_vault(|v| {
        let mut s = v.settings()?;
        s.backup_dir = Some(dir);
        v.save_settings(&s)?;
        v.settings()
    })
}

/// Stops automatic backups (the backups already made are left where they are).
#[tauri::command]
pub async fn settings_forget_backup_dir(state: State<'_, AppState>) -> CmdResult<Settings> {
    state.with_vault(|v| {
        let mut s = v.settings()?;
        s.backup_dir = None;
        v.save_settings(&s)?;
        v.settings()
    })
}

/// The keep-out list: phrases and places that must never leave the diary (see
/// `daybook_core::disclosure`). Replaces both lists; the core checks them.
#[tauri::command]
pub async fn keep_out_save(
    state: State<'_, AppState>,
    phrases: Vec<String>,
    places: Vec<daybook_core::disclosure::Place>,
) -> CmdResult<Settings> {
    state.with_vault(|v| {
        let mut s = v.settings()?;
        s.keep_out = phrases
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .collect();
        s.keep_out_places = places;
        v.save_settings(&s)?;
        v.settings()
    })
}

/// This diary's key for receiving handover files (support workers), if made.
#[tauri::command]
pub async fn receiving_key_get(state: State<'_, AppState>) -> CmdResult<Option<String>> {
    state.with_vault(|v| Ok(v.receiving_key()?.map(|k| k.to_string())))
}

/// Makes this diary's receiving key (once; asking again gives the same key).
#[tauri::command]
pub async fn receiving_key_make(state: State<'_, AppState>) -> CmdResult<String> {
    state.with_vault(|v| Ok(v.make_receiving_key()?.to_string()))
}

/// Saves the printable key sheet (a PDF with the public key and a QR code) where the
/// person chooses; returns where.
#[tauri::command]
pub async fn receiving_key_sheet<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<String> {
    let (key, name) = state.with_vault(|v| {
        let key = v.make_receiving_key()?;
        Ok((key, v.settings()?.keeper_name))
    })?;
    let pdf = daybook_core::report::key_sheet(&key, &name)?;
    let out = dialogs::save_file(&app, "Save the key sheet", "daybook-key-sheet.pdf")?;
    let diary = state.path();
    daybook_core::outfile::write_private(
        &out,
        &diary,
        daybook_core::outfile::Existing::Replace,
        |p| {
            std::fs::write(p, &pdf).map_err(|e| daybook_core::Error::File {
                path: p.to_path_buf(),
                message: e.to_string(),
            })
        },
    )?;
    Ok(out.display().to_string())
}
