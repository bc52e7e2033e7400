//! Command tests against Tauri's mock runtime: each call goes through the real IPC
//! path (argument parsing, the permission list, error serialisation) into the real
//! core, with a diary in a temporary folder.

use daybook_core::vault::CreateOptions;
use daybook_core::{SecretString, Vault};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};

use crate::state::AppState;

const PASSPHRASE: &str = "correct horse battery staple";

struct App {
    _dir: tempfile::TempDir,
    window: WebviewWindow<MockRuntime>,
    _app: tauri::App<MockRuntime>,
}

fn app_with(path: std::path::PathBuf, dir: tempfile::TempDir) -> App {
    let app = crate::configure(mock_builder(), AppState::new(path))
        .build(tauri::generate_context!())
        .expect("mock app builds");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock window");
    App {
        _dir: dir,
        window,
        _app: app,
    }
}

/// An app whose diary exists (locked) with a cheap scrypt cost.
fn app_with_diary() -> App {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diary.daybook");
    let options = CreateOptions {
        scrypt_log_n: Some(10),
        ..Default::default()
    };
    let (mut vault, _code) =
        Vault::create(&path, SecretString::from(PASSPHRASE.to_string()), options).unwrap();
    vault.lock();
    drop(vault);
    app_with(path, dir)
}

fn invoke(app: &App, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(&app.window, request).map(|body| body.deserialize::<Value>().unwrap())
}

fn unlock(app: &App) {
    invoke(app, "vault_unlock", json!({ "passphrase": PASSPHRASE })).expect("unlocks");
}

fn form(description: &str) -> Value {
    json!({ "date": "01/11/2026", "time": "20:15", "description": description, "behaviours": ["watching"] })
}

#[test]
fn status_without_a_diary_says_there_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(dir.path().join("none.daybook"), dir);
    let status = invoke(&app, "vault_status", json!({})).unwrap();
    assert_eq!(
        status,
        json!({ "exists": false, "unlocked": false, "practice": false })
    );
    let err = invoke(&app, "entry_list", json!({})).unwrap_err();
    assert_eq!(err["kind"], "no_vault");
}

#[test]
fn wrong_passphrase_comes_back_as_its_kind() {
    let app = app_with_diary();
    let err = invoke(&app, "vault_unlock", json!({ "passphrase": "not it" })).unwrap_err();
    assert_eq!(
        err,
        json!({ "kind": "wrong_passphrase", "message": "that passphrase does not open this diary" })
    );
    let status = invoke(&app, "vault_status", json!({})).unwrap();
    assert_eq!(status["unlocked"], false);
}

#[test]
fn add_list_amend_and_history() {
    let app = app_with_diary();
    unlock(&app);
    let number = invoke(
        &app,
        "entry_add",
        json!({ "form": form("He stood outside the gate.") }),
    )
    .unwrap();
    assert_eq!(number, 1);
    let rows = invoke(&app, "entry_list", json!({})).unwrap();
    assert_eq!(rows[0]["number"], 1);
    assert_eq!(rows[0]["behaviours"], json!(["watching"]));
    assert_eq!(rows[0]["month"], "November 2026");
    invoke(
        &app,
        "entry_amend",
        json!({ "number": 1, "form": form("He stood outside the gate for an hour.") }),
    )
    .unwrap();
    let history = invoke(&app, "entry_history", json!({ "number": 1 })).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 2);
    let detail = invoke(&app, "entry_get", json!({ "number": 1 })).unwrap();
    assert_eq!(
        detail["form"]["description"],
        "He stood outside the gate for an hour."
    );
    assert_eq!(detail["form"]["date"], "01/11/2026");
}

#[test]
fn an_empty_description_is_refused_with_the_field_named() {
    let app = app_with_diary();
    unlock(&app);
    let err = invoke(&app, "entry_add", json!({ "form": form("   ") })).unwrap_err();
    assert_eq!(err["kind"], "invalid_field");
    assert_eq!(err["field"], "description");
}

#[test]
fn locked_diary_refuses_reading_but_takes_a_quick_note() {
    let app = app_with_diary();
    let err = invoke(&app, "entry_list", json!({})).unwrap_err();
    assert_eq!(err["kind"], "locked");
    let number = invoke(
        &app,
        "entry_quick_note",
        json!({ "text": "Saw his car again." }),
    )
    .unwrap();
    assert!(number.as_u64().is_some());
    unlock(&app);
    let rows = invoke(&app, "entry_list", json!({})).unwrap();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .any(|r| r["text"] == "Saw his car again."),
        "{rows}"
    );
}

#[test]
fn draft_survives_lock_and_unlock() {
    let app = app_with_diary();
    unlock(&app);
    let pending = json!({ "form": "new", "draft": { "form": { "description": "half written" } } });
    invoke(&app, "vault_lock", json!({ "pending": pending })).unwrap();
    unlock(&app);
    let draft = invoke(&app, "draft_load", json!({ "form": "new" })).unwrap();
    assert_eq!(draft["form"]["description"], "half written");
}

#[test]
fn plugin_commands_the_window_was_not_given_are_refused() {
    let app = app_with_diary();
    let err = invoke(&app, "plugin:dialog|open", json!({ "options": {} })).unwrap_err();
    assert!(err.to_string().contains("not allowed"), "{err}");
}

#[test]
fn vocabulary_carries_the_core_labels() {
    let app = app_with_diary();
    let vocab = invoke(&app, "app_vocabulary", json!({})).unwrap();
    assert_eq!(vocab["behaviours"][0]["key"], "following");
    assert_eq!(vocab["risks"].as_array().unwrap().len(), 6);
}

#[test]
fn locking_makes_the_backup_when_a_folder_is_set() {
    let app = app_with_diary();
    unlock(&app);
    let backups = tempfile::tempdir().unwrap();
    let mut settings = invoke(&app, "settings_get", json!({})).unwrap();
    settings["backup_dir"] = json!(backups.path());
    invoke(&app, "settings_save", json!({ "settings": settings })).unwrap();
    invoke(
        &app,
        "entry_add",
        json!({ "form": form("A note to back up.") }),
    )
    .unwrap();
    invoke(&app, "vault_lock", json!({})).unwrap();
    let made = std::fs::read_dir(backups.path()).unwrap().count();
    assert_eq!(made, 1, "one backup in the folder");
}

#[test]
fn settings_refuse_an_auto_lock_time_out_of_range() {
    let app = app_with_diary();
    unlock(&app);
    let mut settings = invoke(&app, "settings_get", json!({})).unwrap();
    assert_eq!(settings["auto_lock_minutes"], 5);
    settings["auto_lock_minutes"] = json!(0);
    let err = invoke(&app, "settings_save", json!({ "settings": settings })).unwrap_err();
    assert_eq!(err["field"], "auto_lock_minutes");
}

#[test]
fn erase_leaves_only_the_number_and_cannot_be_repeated() {
    let app = app_with_diary();
    unlock(&app);
    invoke(
        &app,
        "entry_add",
        json!({ "form": form("Written in the wrong diary by mistake.") }),
    )
    .unwrap();
    invoke(&app, "entry_erase", json!({ "number": 1 })).unwrap();
    let detail = invoke(&app, "entry_get", json!({ "number": 1 })).unwrap();
    assert_eq!(detail["entry"]["status"]["status"], "erased");
    assert!(detail["entry"]["incident"].is_null(), "{detail}");
    let rows = invoke(&app, "entry_list", json!({})).unwrap();
    assert_eq!(rows[0]["status"], "erased");
    assert_eq!(rows[0]["text"], "");
    let again = invoke(&app, "entry_erase", json!({ "number": 1 })).unwrap_err();
    assert_eq!(again["kind"], "not_allowed");
    invoke(&app, "vault_lock", json!({})).unwrap();
    let locked = invoke(&app, "entry_erase", json!({ "number": 1 })).unwrap_err();
    assert_eq!(locked["kind"], "locked");
}
