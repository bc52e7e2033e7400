//! Declares the app's commands so Tauri generates one `allow-…` permission for each
//! and allows none of them unless `capabilities/main.json` lists it. Keep this list,
//! `generate_handler!` in `src/lib.rs`, `capabilities/main.json` and `ui/api.js` the
//! same: the test in `src/command_lists.rs` names any difference.

const COMMANDS: &[&str] = &[
    "app_vocabulary",
    "app_subscribe",
    "app_touch",
    "vault_status",
    "vault_create",
    "vault_practice",
    "vault_leave_practice",
    "vault_unlock",
    "vault_recover",
    "vault_lock",
    "vault_change_passphrase",
    "vault_info",
    "vault_check",
    "vault_check_cancel",
    "vault_quick_exit",
    "entry_list",
    "entry_get",
    "entry_history",
    "entry_add",
    "entry_amend",
    "entry_withdraw",
    "entry_erase",
    "entry_quick_note",
    "note_held_list",
    "note_keep",
    "note_discard",
    "draft_save",
    "draft_load",
    "draft_discard",
    "evidence_pick",
    "evidence_stage_bytes",
    "evidence_unstage",
    "evidence_attach",
    "evidence_cancel",
    "evidence_list",
    "evidence_thumbnail",
    "evidence_save_original",
    "import_pick",
    "import_summary",
    "import_run",
    "import_cancel",
    "message_list",
    "export_run",
    "export_cancel",
    "export_preview",
    "keep_out_save",
    "receiving_key_get",
    "receiving_key_make",
    "receiving_key_sheet",
    "vault_restore",
    "handover_pick",
    "handover_launch_file",
    "handover_open",
    "handover_cancel",
    "handover_contents",
    "handover_thumbnail",
    "handover_save_original",
    "handover_save_report",
    "handover_close",
    "settings_get",
    "settings_save",
    "settings_pick_backup_dir",
    "settings_forget_backup_dir",
];

/// A failure is returned, not panicked: cargo then shows it (with its causes) under
/// "failed to run custom build command".
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes)?;
    Ok(())
}
