//! Daybook's desktop shell: Tauri v2 around `daybook-core`.
//!
//! The shell is thin. It holds at most one vault, turns core errors into
//! `{kind, message}` for the UI, opens native dialogs, pushes lock requests to the UI,
//! and locks by itself when the UI does not answer. It never does SQL or cryptography,
//! never opens a network connection and keeps nothing readable on disk.

pub mod commands;
pub mod dialogs;
pub mod error;
pub mod form;
pub mod practice;
pub mod state;
pub mod viewer;

use std::time::Duration;

use daybook_core::Vault;
use tauri::{DragDropEvent, Manager, RunEvent, Runtime, WindowEvent};

use crate::state::{AppEvent, AppState};

/// How often the auto-lock watcher looks at the clock.
const AUTO_LOCK_TICK: Duration = Duration::from_secs(2);
/// How long the UI has to save its draft after a lock request before the shell
/// locks anyway.
const AUTO_LOCK_GRACE_SECS: u64 = 10;
/// How long the UI has to save its draft when the window is closed.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// The app's plugins, state, commands and hooks on a builder for any runtime (the
/// real one, or Tauri's mock runtime in tests).
pub fn configure<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app::app_vocabulary,
            commands::app::app_about,
            commands::app::app_subscribe,
            commands::app::app_touch,
            commands::vault::vault_status,
            commands::vault::vault_create,
            commands::vault::vault_practice,
            commands::vault::vault_leave_practice,
            commands::vault::vault_unlock,
            commands::vault::vault_recover,
            commands::vault::vault_lock,
            commands::vault::vault_change_passphrase,
            commands::vault::vault_info,
            commands::vault::vault_check,
            commands::vault::vault_check_cancel,
            commands::vault::vault_quick_exit,
            commands::entries::entry_list,
            commands::entries::entry_get,
            commands::entries::entry_history,
            commands::entries::entry_add,
            commands::entries::entry_amend,
            commands::entries::entry_withdraw,
            commands::entries::entry_erase,
            commands::entries::entry_quick_note,
            commands::entries::note_held_list,
            commands::entries::note_keep,
            commands::entries::note_discard,
            commands::entries::draft_save,
            commands::entries::draft_load,
            commands::entries::draft_discard,
            commands::evidence::evidence_pick,
            commands::evidence::evidence_stage_bytes,
            commands::evidence::evidence_unstage,
            commands::evidence::evidence_attach,
            commands::evidence::evidence_cancel,
            commands::evidence::evidence_list,
            commands::evidence::evidence_thumbnail,
            commands::evidence::evidence_save_original,
            commands::messages::import_pick,
            commands::messages::import_summary,
            commands::messages::import_run,
            commands::messages::import_cancel,
            commands::messages::message_list,
            commands::app::day_range,
            commands::export::export_run,
            commands::export::export_cancel,
            commands::export::export_preview,
            commands::settings::keep_out_save,
            commands::settings::receiving_key_get,
            commands::settings::receiving_key_make,
            commands::settings::receiving_key_sheet,
            commands::vault::vault_restore,
            commands::handover::handover_pick,
            commands::handover::handover_launch_file,
            commands::handover::handover_open,
            commands::handover::handover_cancel,
            commands::handover::handover_contents,
            commands::handover::handover_thumbnail,
            commands::handover::handover_save_original,
            commands::handover::handover_save_report,
            commands::handover::handover_open_report,
            commands::handover::handover_close,
            commands::settings::settings_get,
            commands::settings::settings_save,
            commands::settings::settings_pick_backup_dir,
            commands::settings::settings_forget_backup_dir,
        ])
        .on_window_event(|window, event| match event {
            WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) => {
                let state = window.state::<AppState>();
                if state.is_unlocked() {
                    let files = commands::evidence::stage_paths(&state, paths.clone());
                    state.send(AppEvent::Dropped { files });
                }
            }
            WindowEvent::CloseRequested { api, .. } => {
                // Give the UI a moment to hand over its draft (it answers with
                // `vault_quick_exit`); close regardless if it does not.
                let state = window.state::<AppState>();
                if state.is_unlocked() && state.has_subscriber() {
                    api.prevent_close();
                    let _ = window.hide();
                    state.send(AppEvent::CloseRequested);
                    let app = window.app_handle().clone();
                    std::thread::spawn(move || {
                        std::thread::sleep(CLOSE_GRACE);
                        app.state::<AppState>().quit();
                    });
                } else {
                    state.lock_now();
                    state.end_practice();
                }
            }
            _ => {}
        })
        .setup(|app| {
            keep_out_of_recent_files();
            quit_on_signals(app.handle().clone());
            watch_for_idle(app.handle().clone());
            Ok(())
        })
}

/// What the app does as it ends, however it ends: lock, and delete the practice
/// diary. (Managed state is not dropped when the event loop ends the process.)
pub fn on_exit(state: &AppState) {
    state.lock_now();
    state.end_practice();
}

/// Where the diary lives: `DAYBOOK_VAULT` when set, else the default place.
pub fn vault_path() -> std::path::PathBuf {
    std::env::var_os("DAYBOOK_VAULT")
        .filter(|p| !p.is_empty())
        .map(Into::into)
        .unwrap_or_else(Vault::default_path)
}

/// Draw the page in software rather than through a GL context.
///
/// Why: WebKitGTK's GPU compositing keeps a GL context (the GPU driver's, or Mesa's
/// software one) in the web process: about 80 MB more for a page of text and forms,
/// measured here. Software drawing is plenty for this UI, and it avoids the blank
/// windows some GPU drivers give WebKitGTK. Must run before GTK starts; a value the
/// person has set themselves is kept.
fn prefer_software_drawing() {
    #[cfg(target_os = "linux")]
    for name in [
        "WEBKIT_DISABLE_COMPOSITING_MODE",
        "WEBKIT_DISABLE_DMABUF_RENDERER",
    ] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, "1");
        }
    }
}

/// Starts the desktop app.
pub fn run() {
    prefer_software_drawing();
    practice::install_panic_hook();
    practice::sweep_leftovers();
    let state = AppState::new(vault_path());
    // `daybook-app FILE`: a handover file to open (a file manager's double click).
    if let Some(file) = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_file())
    {
        *state::lock(&state.launch_file) = Some(file);
    }
    let app = configure(tauri::Builder::default(), state).build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|handle, event| {
            if let RunEvent::Exit = event {
                on_exit(&handle.state::<AppState>());
            }
        }),
        Err(err) => {
            eprintln!("Daybook could not start: {err}");
            std::process::exit(1);
        }
    }
}

/// Files picked in GTK dialogs would otherwise be listed in
/// `~/.local/share/recently-used.xbel`, where anyone using the computer can see them.
fn keep_out_of_recent_files() {
    #[cfg(target_os = "linux")]
    {
        use gtk::glib::prelude::ObjectExt;
        // Not initialised under the mock runtime in tests.
        if !gtk::is_initialized_main_thread() {
            return;
        }
        if let Some(settings) = gtk::Settings::default() {
            settings.set_property("gtk-recent-files-enabled", false);
            settings.set_property("gtk-recent-files-max-age", 0i32);
        }
    }
}

/// SIGTERM, SIGINT and SIGHUP (a logout, `kill`, Ctrl+C in a terminal) end the app
/// the way quick exit does: locked, practice diary deleted. Only with GTK running
/// (not under the mock runtime in tests).
fn quit_on_signals<R: Runtime>(app: tauri::AppHandle<R>) {
    #[cfg(target_os = "linux")]
    {
        if !gtk::is_initialized_main_thread() {
            return;
        }
        // SIGHUP, SIGINT, SIGTERM on Linux.
        for signal in [1, 2, 15] {
            let app = app.clone();
            let _ = gtk::glib::unix_signal_add_once(signal, move || {
                app.state::<AppState>().quit();
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// Seconds of idleness before auto-lock. Debug builds let the end-to-end tests
/// shorten it with `DAYBOOK_TEST_AUTO_LOCK_SECS`.
fn auto_lock_secs(state: &AppState) -> u64 {
    #[cfg(debug_assertions)]
    if let Some(secs) = std::env::var("DAYBOOK_TEST_AUTO_LOCK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return secs;
    }
    u64::from(
        state
            .auto_lock_minutes
            .load(std::sync::atomic::Ordering::SeqCst),
    ) * 60
}

/// Asks the UI to lock (so it can save the draft) when idle; locks regardless if
/// the UI has not done so a little later.
fn watch_for_idle<R: Runtime>(app: tauri::AppHandle<R>) {
    std::thread::spawn(move || {
        let mut requested = false;
        loop {
            std::thread::sleep(AUTO_LOCK_TICK);
            let state = app.state::<AppState>();
            if !state.is_unlocked() {
                requested = false;
                continue;
            }
            let limit = auto_lock_secs(&state);
            let idle = state.idle_secs();
            if idle < limit {
                requested = false;
            } else if !requested {
                requested = true;
                state.send(AppEvent::LockRequested);
            } else if idle >= limit + AUTO_LOCK_GRACE_SECS {
                state.lock_now();
                state.send(AppEvent::Locked);
                requested = false;
            }
        }
    });
}

#[cfg(test)]
mod command_lists;
#[cfg(test)]
mod tests;
