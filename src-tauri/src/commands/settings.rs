//! Settings kept inside the diary (sealed like everything else).

use std::sync::atomic::Ordering;

use daybook_core::settings::Settings;
use tauri::{AppHandle, Runtime, State};

use crate::dialogs;
use crate::error::{CmdResult, UiError};
use crate::state::AppState;

/// Shortest and longest auto-lock time offered, in minutes.
pub const AUTO_LOCK_MIN_MINUTES: u32 = 1;
pub const AUTO_LOCK_MAX_MINUTES: u32 = 120;

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> CmdResult<Settings> {
    state.with_vault(|v| v.settings())
}

#[tauri::command]
pub async fn settings_save(state: State<'_, AppState>, settings: Settings) -> CmdResult<Settings> {
    if !(AUTO_LOCK_MIN_MINUTES..=AUTO_LOCK_MAX_MINUTES).contains(&settings.auto_lock_minutes) {
        return Err(UiError::invalid(
            "auto_lock_minutes",
            format!("choose between {AUTO_LOCK_MIN_MINUTES} and {AUTO_LOCK_MAX_MINUTES} minutes"),
        ));
    }
    state.with_vault(|v| v.save_settings(&settings))?;
    state
        .auto_lock_minutes
        .store(settings.auto_lock_minutes, Ordering::SeqCst);
    state.with_vault(|v| v.settings())
}

/// Asks for the backup folder; returns it for the settings form.
#[tauri::command]
pub async fn settings_pick_backup_dir<R: Runtime>(app: AppHandle<R>) -> CmdResult<String> {
    Ok(dialogs::pick_folder(&app, "Choose a folder for backups")?
        .display()
        .to_string())
}
