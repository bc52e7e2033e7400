//! Command tests against Tauri's mock runtime: each call goes through the real IPC
//! path (argument parsing, the permission list, error serialisation) into the real
//! core, with a diary in a temporary folder.

use std::sync::{Arc, Mutex};

use daybook_core::vault::CreateOptions;
use daybook_core::{SecretString, Vault};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, Webview, WebviewWindow, WebviewWindowBuilder};

use crate::state::AppState;

const PASSPHRASE: &str = "correct horse battery staple";

struct App {
    _dir: tempfile::TempDir,
    window: WebviewWindow<MockRuntime>,
    _app: tauri::App<MockRuntime>,
}

fn app_with(path: std::path::PathBuf, dir: tempfile::TempDir) -> App {
    app_on(mock_builder(), path, dir)
}

fn app_on(
    builder: tauri::Builder<MockRuntime>,
    path: std::path::PathBuf,
    dir: tempfile::TempDir,
) -> App {
    let app = crate::configure(builder, AppState::new(path))
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
    app_with_diary_on(mock_builder())
}

fn app_with_diary_on(builder: tauri::Builder<MockRuntime>) -> App {
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
    app_on(builder, path, dir)
}

fn invoke(app: &App, cmd: &str, args: Value) -> Result<Value, Value> {
    invoke_on(&app.window, cmd, args)
}

fn invoke_on<W: AsRef<Webview<MockRuntime>>>(
    webview: &W,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|body| body.deserialize::<Value>().unwrap())
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

/// Puts a quick note into the locked diary's inbox as someone with the file could:
/// sealed to the stored public key, claiming to have been written long ago.
fn forge_backdated_note(app: &App, id: &str, text: &str) {
    let state = app.window.state::<AppState>();
    let path = state.path();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let recipient: Vec<u8> = conn
        .query_row("SELECT value FROM meta WHERE name = 'recipient'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let recipient =
        daybook_core::crypto::Recipient::parse(std::str::from_utf8(&recipient).unwrap()).unwrap();
    conn.execute("INSERT INTO entries(id) VALUES (?1)", [id])
        .unwrap();
    let number = conn.last_insert_rowid();
    let note = json!({"v": 1, "table": "inbox", "id": id, "body": {
        "kind": "created", "entry_id": id, "number": number,
        "recorded_at": "2024-01-01T09:00:00Z", "written_while_locked": true,
        "incident": {"occurred": {"start": "2024-01-01T08:00:00Z", "zone": "Europe/London"},
                     "description": text}}});
    let sealed = daybook_core::crypto::seal(&recipient, note.to_string().as_bytes()).unwrap();
    conn.execute(
        "INSERT INTO inbox(id, entry_number, payload) VALUES (?1, ?2, ?3)",
        rusqlite::params![id, number, sealed.as_bytes()],
    )
    .unwrap();
}

#[test]
fn held_quick_notes_are_shown_and_the_person_keeps_or_discards_them() {
    let app = app_with_diary();
    unlock(&app);
    invoke(
        &app,
        "entry_add",
        json!({ "form": form("He was at the gate") }),
    )
    .unwrap();
    invoke(&app, "vault_lock", json!({})).unwrap();
    forge_backdated_note(&app, "aa11", "A note from long ago");
    forge_backdated_note(&app, "bb22", "Another one");
    unlock(&app);
    let rows = invoke(&app, "entry_list", json!({})).unwrap();
    assert_eq!(
        rows.as_array().unwrap().len(),
        1,
        "held notes are not entries: {rows}"
    );
    let held = invoke(&app, "note_held_list", json!({})).unwrap();
    let held = held.as_array().unwrap();
    assert_eq!(held.len(), 2, "{held:?}");
    assert!(held[0]["reason"]
        .as_str()
        .unwrap()
        .contains("before the diary's last change"));
    assert_eq!(held[0]["written"], "01/01/2024 09:00 UTC");
    let kept = invoke(&app, "note_keep", json!({ "id": "aa11" })).unwrap();
    let detail = invoke(&app, "entry_get", json!({ "number": kept })).unwrap();
    assert_eq!(detail["entry"]["written_while_locked"], true);
    assert!(detail["entry"]["held"].as_str().is_some(), "{detail}");
    invoke(&app, "note_discard", json!({ "id": "bb22" })).unwrap();
    assert_eq!(
        invoke(&app, "note_held_list", json!({})).unwrap(),
        json!([])
    );
    let err = invoke(&app, "note_discard", json!({ "id": "bb22" })).unwrap_err();
    assert!(err["kind"].is_string(), "{err}");
    assert_eq!(
        invoke(&app, "entry_list", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

/// The timeline's search (ui/views/timeline.js): lower-case words, each found in the
/// row's `search` text.
fn timeline_finds(rows: &Value, query: &str) -> Vec<u64> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut found: Vec<u64> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            let haystack = r["search"].as_str().unwrap();
            words.iter().all(|w| haystack.contains(w.as_str()))
        })
        .map(|r| r["number"].as_u64().unwrap())
        .collect();
    found.sort();
    found
}

#[test]
fn the_app_and_the_command_line_search_find_the_same_entries() {
    let app = app_with_diary();
    unlock(&app);
    let forms = [
        json!({ "date": "01/11/2026", "time": "20:15", "description": "He was at the GATE",
                "who": "Mark, grey jacket", "behaviours": ["watching"] }),
        json!({ "date": "02/11/2026", "description": "Fourteen calls", "witnesses": "Sam Neighbour",
                "police_reference": "WY-1234", "behaviours": ["contacting"] }),
        json!({ "date": "03/11/2026", "description": "A card on the car", "location": "Work car park",
                "impact_notes": "I could not sleep", "order_breached": "Restraining order",
                "behaviours": ["interfering"] }),
    ];
    for f in forms {
        invoke(&app, "entry_add", json!({ "form": f })).unwrap();
    }
    let rows = invoke(&app, "entry_list", json!({})).unwrap();
    let state = app.window.state::<AppState>();
    let entries = state.with_vault(|v| v.entries()).unwrap();
    for query in [
        "gate",
        "GATE mark",
        "sam",
        "wy-1234",
        "car park",
        "sleep",
        "restraining",
        "watching",
        "contacting",
        "calls gate",
        "2",
        "nothing-like-this",
        "",
    ] {
        // What `daybook list --search` keeps (it uses the same core filter).
        let filter = daybook_core::select::Filter {
            include_withdrawn: true,
            include_erased: true,
            ..Default::default()
        }
        .with_search(query);
        let mut cli: Vec<u64> = entries
            .iter()
            .filter(|e| filter.matches(e, "UTC"))
            .map(|e| e.number)
            .collect();
        cli.sort();
        assert_eq!(timeline_finds(&rows, query), cli, "search {query:?}");
    }
    assert_eq!(timeline_finds(&rows, "car park"), vec![3]);
    assert_eq!(timeline_finds(&rows, "sam"), vec![2]);
}

#[test]
fn check_my_diary_names_a_tampered_entry() {
    let app = app_with_diary();
    unlock(&app);
    invoke(&app, "entry_add", json!({ "form": form("First") })).unwrap();
    invoke(&app, "entry_add", json!({ "form": form("Second") })).unwrap();
    let check = || json!({ "job": 11, "onProgress": format!("__CHANNEL__:{}", PROGRESS + 50) });
    let good = invoke(&app, "vault_check", check()).unwrap();
    assert_eq!(good["ok"], true, "{good}");
    assert!(good["fingerprint"].as_str().unwrap().len() == 64);
    // Someone with the file moves entry 1's first wording into entry 2's row.
    let path = app.window.state::<AppState>().path();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE events SET payload = (SELECT payload FROM events WHERE seq = 1) WHERE seq = 2",
        [],
    )
    .unwrap();
    drop(conn);
    let bad = invoke(&app, "vault_check", check()).unwrap();
    assert_eq!(bad["ok"], false, "{bad}");
    assert_eq!(bad["entry"], 2, "{bad}");
    assert!(
        bad["problem"].as_str().unwrap().contains("entry 2"),
        "{bad}"
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

/// The settings form as the UI sends it: everything but the backup folder.
fn settings_form(app: &App) -> Value {
    let s = invoke(app, "settings_get", json!({})).unwrap();
    json!({
        "initials": s["initials"], "keeper_name": s["keeper_name"],
        "responsible_name": s["responsible_name"], "auto_lock_minutes": s["auto_lock_minutes"],
        "backups_to_keep": s["backups_to_keep"], "quick_exit_key": s["quick_exit_key"],
    })
}

/// Runs `f` with the shell's save and folder dialogs answering `dir`. Debug builds
/// answer them from `DAYBOOK_TEST_SAVE_DIR`; only these tests set it, one at a time.
fn answering_dialogs<T>(dir: &std::path::Path, f: impl FnOnce() -> T) -> T {
    static DIALOG: Mutex<()> = Mutex::new(());
    let _one_at_a_time = DIALOG.lock().unwrap_or_else(|e| e.into_inner());
    std::env::set_var("DAYBOOK_TEST_SAVE_DIR", dir);
    let out = f();
    std::env::remove_var("DAYBOOK_TEST_SAVE_DIR");
    out
}

/// Chooses `dir` in the shell's folder dialog for backups.
fn choose_backup_folder(app: &App, dir: &std::path::Path) -> Value {
    answering_dialogs(dir, || invoke(app, "settings_pick_backup_dir", json!({})))
        .expect("the folder is kept")
}

#[test]
fn fail_a_saved_original_can_never_be_written_over_the_diary() {
    let app = app_with_diary();
    unlock(&app);
    invoke(&app, "entry_add", json!({ "form": form("He sent this.") })).unwrap();
    // A file that happens to have the diary's name, saved into the diary's folder:
    // the save dialog's suggestion is the diary itself.
    let files = tempfile::tempdir().unwrap();
    let named_like_it = files.path().join("diary.daybook");
    std::fs::write(&named_like_it, b"a screenshot, as it happens").unwrap();
    let token = stage(&app, &named_like_it);
    let exhibit = invoke(
        &app,
        "evidence_attach",
        json!({ "entry": 1, "token": token, "how": "", "job": 31,
                "onProgress": format!("__CHANNEL__:{}", PROGRESS + 31) }),
    )
    .unwrap();
    let mark = exhibit["mark"].as_str().unwrap().to_string();
    let diary = app.window.state::<AppState>().path();
    let err = answering_dialogs(diary.parent().unwrap(), || {
        invoke(&app, "evidence_save_original", json!({ "mark": mark }))
    })
    .unwrap_err();
    assert_eq!(err["kind"], "not_allowed", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("diary itself"),
        "{err}"
    );
    assert!(
        std::fs::read(&diary)
            .unwrap()
            .starts_with(b"SQLite format 3\0"),
        "the diary is still the diary"
    );
    invoke(&app, "vault_lock", json!({})).unwrap();
    unlock(&app);
    let rows = invoke(&app, "entry_list", json!({})).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1, "and opens as before");

    let elsewhere = tempfile::tempdir().unwrap();
    let saved = answering_dialogs(elsewhere.path(), || {
        invoke(&app, "evidence_save_original", json!({ "mark": mark }))
    })
    .unwrap();
    let saved = std::path::PathBuf::from(saved.as_str().unwrap());
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        b"a screenshot, as it happens"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&saved).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn locking_makes_the_backup_when_a_folder_is_set() {
    let app = app_with_diary();
    unlock(&app);
    let backups = tempfile::tempdir().unwrap();
    let settings = choose_backup_folder(&app, backups.path());
    assert_eq!(settings["backup_dir"], json!(backups.path()));
    invoke(
        &app,
        "entry_add",
        json!({ "form": form("A note to back up.") }),
    )
    .unwrap();
    invoke(&app, "vault_lock", json!({})).unwrap();
    let made: Vec<_> = std::fs::read_dir(backups.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(made.len(), 1, "one backup in the folder: {made:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&made[0]).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup is for its owner only");
    }
    let mut copy = Vault::open(&made[0]).unwrap();
    copy.unlock(&SecretString::from(PASSPHRASE.to_string()))
        .unwrap();
    assert_eq!(copy.entries().unwrap().len(), 1);
}

#[test]
fn the_key_is_dropped_before_the_backup_is_copied() {
    let app = app_with_diary();
    unlock(&app);
    let backups = tempfile::tempdir().unwrap();
    choose_backup_folder(&app, backups.path());
    invoke(&app, "entry_add", json!({ "form": form("Written today.") })).unwrap();
    let state = app.window.state::<AppState>();
    let due = state.drop_key().expect("a backup is due after a change");
    assert!(!state.is_unlocked(), "locked before anything is copied");
    assert_eq!(std::fs::read_dir(backups.path()).unwrap().count(), 0);
    let made = state.backup_sealed(due).expect("copied without the key");
    assert!(made.starts_with(backups.path()));
    assert!(!state.is_unlocked());
    // Nothing changed since: the next lock makes no second copy. The note of the
    // backup, written while locked, is an authenticated record: the diary verifies.
    unlock(&app);
    let report = state.with_vault(|v| v.verify()).unwrap();
    assert!(report.ok(), "{report:?}");
    assert!(state.drop_key().is_none());
}

#[test]
fn fail_the_webview_cannot_name_a_backup_folder() {
    let app = app_with_diary();
    unlock(&app);
    let mut settings = settings_form(&app);
    settings["backup_dir"] = json!("/tmp/somewhere-the-page-chose");
    let err = invoke(&app, "settings_save", json!({ "settings": settings })).unwrap_err();
    assert!(err.to_string().contains("backup_dir"), "{err}");
    let kept = invoke(&app, "settings_get", json!({})).unwrap();
    assert_eq!(kept["backup_dir"], Value::Null);
    // Forgetting the folder stops backups.
    let backups = tempfile::tempdir().unwrap();
    choose_backup_folder(&app, backups.path());
    let forgotten = invoke(&app, "settings_forget_backup_dir", json!({})).unwrap();
    assert_eq!(forgotten["backup_dir"], Value::Null);
}

#[test]
fn settings_refuse_an_auto_lock_time_out_of_range() {
    let app = app_with_diary();
    unlock(&app);
    let mut settings = settings_form(&app);
    assert_eq!(settings["auto_lock_minutes"], 5);
    for minutes in [0, 1441] {
        settings["auto_lock_minutes"] = json!(minutes);
        let err = invoke(&app, "settings_save", json!({ "settings": settings })).unwrap_err();
        assert_eq!(err["field"], "auto_lock_minutes", "{minutes}");
        assert!(err["message"].as_str().unwrap().contains("1440"), "{err}");
    }
    // The whole range the core accepts, up to a day.
    settings["auto_lock_minutes"] = json!(1440);
    let saved = invoke(&app, "settings_save", json!({ "settings": settings })).unwrap();
    assert_eq!(saved["auto_lock_minutes"], 1440);
    let state = app.window.state::<AppState>();
    assert_eq!(
        state
            .auto_lock_minutes
            .load(std::sync::atomic::Ordering::SeqCst),
        1440
    );
}

/// An app whose "process exit" is recorded instead of ending the test.
fn app_recording_exit(
    dir: tempfile::TempDir,
    path: std::path::PathBuf,
) -> (App, Arc<Mutex<Vec<i32>>>) {
    let exits = Arc::new(Mutex::new(Vec::new()));
    let seen = exits.clone();
    let state =
        AppState::new(path).with_exit(Box::new(move |code| seen.lock().unwrap().push(code)));
    let app = crate::configure(mock_builder(), state)
        .build(tauri::generate_context!())
        .expect("mock app builds");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock window");
    (
        App {
            _dir: dir,
            window,
            _app: app,
        },
        exits,
    )
}

/// Opens the practice diary and returns its folder.
fn practise(app: &App) -> std::path::PathBuf {
    let status = invoke(app, "vault_practice", json!({})).unwrap();
    assert_eq!(status["practice"], true);
    let rows = invoke(app, "entry_list", json!({})).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 5, "the sample entries");
    let path = app.window.state::<AppState>().path();
    assert!(path.exists(), "{}", path.display());
    path.parent().unwrap().to_path_buf()
}

#[test]
fn fail_no_practice_diary_is_kept_after_leaving_quick_exit_or_closing() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("diary.daybook");
    let (app, exits) = app_recording_exit(dir, real.clone());
    let state = app.window.state::<AppState>();

    // Leaving practice.
    let folder = practise(&app);
    let status = invoke(&app, "vault_leave_practice", json!({})).unwrap();
    assert_eq!(status["practice"], false);
    assert!(!folder.exists(), "left: {}", folder.display());

    // Practising twice: the first folder goes when the second is made.
    let first = practise(&app);
    let second = practise(&app);
    assert!(!first.exists() && second.exists());

    // Quick exit: locked, removed, and the process ends.
    let pending =
        json!({ "form": "new", "draft": { "form": { "description": "practice words" } } });
    invoke(&app, "vault_quick_exit", json!({ "pending": pending })).unwrap();
    assert!(!second.exists(), "quick exit: {}", second.display());
    assert_eq!(*exits.lock().unwrap(), vec![0], "the process was ended");
    assert!(!state.is_practice());
    assert_eq!(state.path(), real, "back to the real diary's place");

    // The app ending any other way (the window closed, the event loop done).
    let third = practise(&app);
    crate::on_exit(&state);
    assert!(!third.exists(), "exit: {}", third.display());
    assert!(!real.exists(), "the real diary was never touched");
}

#[test]
fn quick_exit_saves_the_draft_sealed_locks_and_ends_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diary.daybook");
    let options = CreateOptions {
        scrypt_log_n: Some(10),
        ..Default::default()
    };
    let (vault, _code) =
        Vault::create(&path, SecretString::from(PASSPHRASE.to_string()), options).unwrap();
    drop(vault);
    let (app, exits) = app_recording_exit(dir, path.clone());
    unlock(&app);
    let pending =
        json!({ "form": "new", "draft": { "form": { "description": "he was at the door" } } });
    invoke(&app, "vault_quick_exit", json!({ "pending": pending })).unwrap();
    assert_eq!(*exits.lock().unwrap(), vec![0]);
    assert!(!app.window.state::<AppState>().is_unlocked());
    let sealed = std::fs::read(&path).unwrap();
    assert!(
        !sealed.windows(10).any(|w| w == b"he was at "),
        "the draft is not readable in the file"
    );
    unlock(&app);
    let draft = invoke(&app, "draft_load", json!({ "form": "new" })).unwrap();
    assert_eq!(draft["form"]["description"], "he was at the door");
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

/// Messages the commands sent on channels: (channel id, message), in order.
type Sent = Arc<Mutex<Vec<(u32, Value)>>>;

/// A builder whose channel messages are kept in `sent` (and, for `then`, handed to it
/// as they arrive, on the sending thread).
fn capturing(
    sent: Sent,
    then: impl Fn(&Webview<MockRuntime>, u32, &Value) + Send + Sync + 'static,
) -> tauri::Builder<MockRuntime> {
    mock_builder().channel_interceptor(move |webview, callback, _index, body| {
        let InvokeResponseBody::Json(json) = body else {
            return false;
        };
        let message: Value = serde_json::from_str(json).unwrap();
        sent.lock().unwrap().push((callback.0, message.clone()));
        then(webview, callback.0, &message);
        true
    })
}

/// A multi-megabyte file (not all one byte) in its own temporary folder.
fn big_file(megabytes: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bodycam-video.mp4");
    let bytes: Vec<u8> = (0..megabytes * 1024 * 1024)
        .map(|i| (i % 251) as u8)
        .collect();
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// Stages a file the way a pick or a drop does, returning its token.
fn stage(app: &App, path: &std::path::Path) -> u64 {
    let state = app.window.state::<AppState>();
    let staged = crate::commands::evidence::stage_paths(&state, vec![path.to_path_buf()]);
    assert_eq!(staged.len(), 1);
    staged[0].token
}

const PROGRESS: u32 = 4242;

#[test]
fn attaching_a_large_file_reports_progress_up_to_its_full_size() {
    let sent = Sent::default();
    let app = app_with_diary_on(capturing(sent.clone(), |_, _, _| {}));
    unlock(&app);
    invoke(&app, "entry_add", json!({ "form": form("He filmed me.") })).unwrap();
    let (_files, path) = big_file(8);
    let size = std::fs::metadata(&path).unwrap().len();
    let token = stage(&app, &path);
    let exhibit = invoke(
        &app,
        "evidence_attach",
        json!({ "entry": 1, "token": token, "how": "video from my phone", "job": 7,
                "onProgress": format!("__CHANNEL__:{PROGRESS}") }),
    )
    .unwrap();
    assert_eq!(exhibit["size"], size);
    let steps: Vec<Value> = sent
        .lock()
        .unwrap()
        .iter()
        .filter(|(id, _)| *id == PROGRESS)
        .map(|(_, m)| m.clone())
        .collect();
    assert!(steps.len() >= 4, "a few steps for 8 MiB: {steps:?}");
    let done: Vec<u64> = steps.iter().map(|s| s["done"].as_u64().unwrap()).collect();
    assert!(done.windows(2).all(|w| w[0] < w[1]), "{done:?}");
    assert!(steps.iter().all(|s| s["total"] == size), "{steps:?}");
    assert_eq!(done.last(), Some(&size), "ends at the full size");
    let listed = invoke(&app, "evidence_list", json!({ "entry": 1 })).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(
        app.window
            .state::<AppState>()
            .jobs
            .lock()
            .unwrap()
            .is_empty(),
        "the job is forgotten once it is done"
    );
}

/// The webview a channel message came from, for invoking from the interceptor.
struct Origin(Webview<MockRuntime>);

impl AsRef<Webview<MockRuntime>> for Origin {
    fn as_ref(&self) -> &Webview<MockRuntime> {
        &self.0
    }
}

#[test]
fn cancelling_an_attach_keeps_nothing() {
    let sent = Sent::default();
    // At the first progress message, the UI's Cancel: `evidence_cancel` with the job.
    let builder = capturing(sent.clone(), |webview, channel, _| {
        if channel == PROGRESS {
            invoke_on(
                &Origin(webview.clone()),
                "evidence_cancel",
                json!({ "job": 9 }),
            )
            .unwrap();
        }
    });
    let app = app_with_diary_on(builder);
    unlock(&app);
    invoke(&app, "entry_add", json!({ "form": form("He filmed me.") })).unwrap();
    let (_files, path) = big_file(8);
    let size = std::fs::metadata(&path).unwrap().len();
    let token = stage(&app, &path);
    let err = invoke(
        &app,
        "evidence_attach",
        json!({ "entry": 1, "token": token, "how": "", "job": 9,
                "onProgress": format!("__CHANNEL__:{PROGRESS}") }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "cancelled", "{err}");
    let steps = sent.lock().unwrap().clone();
    assert_eq!(steps.len(), 1, "stopped after the first step: {steps:?}");
    assert!(steps[0].1["done"].as_u64().unwrap() < size);
    let listed = invoke(&app, "evidence_list", json!({})).unwrap();
    assert_eq!(listed, json!([]), "no exhibit was kept");
    // The token was used up; the same file can be staged and added afterwards.
    let again = invoke(
        &app,
        "evidence_attach",
        json!({ "entry": 1, "token": token, "how": "", "job": 10,
                "onProgress": format!("__CHANNEL__:{}", PROGRESS + 1) }),
    )
    .unwrap_err();
    assert_eq!(again["kind"], "bad_request");
    let token = stage(&app, &path);
    let exhibit = invoke(
        &app,
        "evidence_attach",
        json!({ "entry": 1, "token": token, "how": "", "job": 11,
                "onProgress": format!("__CHANNEL__:{}", PROGRESS + 1) }),
    )
    .unwrap();
    assert!(
        exhibit["mark"].as_str().unwrap().ends_with("/1"),
        "{exhibit}"
    );
    let detail = invoke(&app, "entry_get", json!({ "number": 1 })).unwrap();
    assert_eq!(detail["exhibits"].as_array().unwrap().len(), 1);
}

#[test]
fn locking_during_an_attach_stops_it_and_keeps_the_draft() {
    let sent = Sent::default();
    // At the first progress message, the UI locks (from another thread, as the
    // UI's call would come while the attach runs).
    let (first_step, wait_for_step) = std::sync::mpsc::channel::<()>();
    let first_step = Mutex::new(Some(first_step));
    let builder = capturing(sent, move |webview, channel, _| {
        if channel == PROGRESS {
            if let Some(tx) = first_step.lock().unwrap().take() {
                tx.send(()).unwrap();
                // Hold this step until the lock has asked the job to stop, so the
                // file cannot finish first on a busy machine.
                let state = webview.state::<AppState>();
                let stopped =
                    || state.jobs.lock().unwrap()[&12].load(std::sync::atomic::Ordering::SeqCst);
                let started = std::time::Instant::now();
                while !stopped() && started.elapsed() < std::time::Duration::from_secs(10) {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
            }
        }
    });
    let app = app_with_diary_on(builder);
    unlock(&app);
    invoke(&app, "entry_add", json!({ "form": form("He filmed me.") })).unwrap();
    let (_files, path) = big_file(24);
    let token = stage(&app, &path);
    let window = app.window.clone();
    let locker = std::thread::spawn(move || {
        wait_for_step.recv().unwrap();
        let pending = json!({ "form": "new", "draft": { "form": { "description": "written while it was adding" } } });
        invoke_on(&window, "vault_lock", json!({ "pending": pending }))
    });
    let err = invoke(
        &app,
        "evidence_attach",
        json!({ "entry": 1, "token": token, "how": "", "job": 12,
                "onProgress": format!("__CHANNEL__:{PROGRESS}") }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "cancelled", "{err}");
    let status = locker.join().unwrap().unwrap();
    assert_eq!(status["unlocked"], false);
    unlock(&app);
    let listed = invoke(&app, "evidence_list", json!({})).unwrap();
    assert_eq!(listed, json!([]), "no exhibit was kept");
    let draft = invoke(&app, "draft_load", json!({ "form": "new" })).unwrap();
    assert_eq!(draft["form"]["description"], "written while it was adding");
}

/// A handover made with the core from a diary with a file attached, at `dir/case.daybook-handover`;
/// returns its path and the photo's SHA-256.
fn handover_file(dir: &std::path::Path, passphrase: &str) -> (std::path::PathBuf, String) {
    use daybook_core::incident::{Incident, Occurred};
    use daybook_core::vault::{HandoverKey, HandoverOptions};
    let options = CreateOptions {
        scrypt_log_n: Some(10),
        ..Default::default()
    };
    let (mut vault, _) = Vault::create(
        &dir.join("theirs.daybook"),
        SecretString::from("their own words here".to_string()),
        options,
    )
    .unwrap();
    vault
        .add(Incident::new(
            Occurred::parse("2026-11-20 08:00", None, false, "Europe/London").unwrap(),
            "A parcel was left on the doorstep.",
        ))
        .unwrap();
    let photo = dir.join("note.txt");
    std::fs::write(&photo, "written on the card with the flowers").unwrap();
    let exhibit = vault.attach(1, &photo, "my photo").unwrap();
    let out = dir.join("case.daybook-handover");
    vault
        .write_handover(
            &out,
            &HandoverOptions {
                from: None,
                to: None,
                redact_witnesses: false,
                include_withdrawn: true,
                key: HandoverKey::Passphrase(SecretString::from(passphrase.to_string())),
                include_private_notes: false,
                given_to: String::new(),
            },
            &daybook_core::progress::NoProgress,
        )
        .unwrap();
    (out, exhibit.sha256)
}

#[test]
fn a_handover_opens_checked_and_a_damaged_one_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(
        dir.path().join("none.daybook"),
        tempfile::tempdir().unwrap(),
    );
    let (path, sha) = handover_file(dir.path(), "copper kettle seven lanterns");
    let state = app.window.state::<AppState>();
    let open = |token: u64, passphrase: &str| {
        invoke(
            &app,
            "handover_open",
            json!({ "token": token, "passphrase": passphrase, "job": 21,
                    "onProgress": format!("__CHANNEL__:{}", PROGRESS + 60) }),
        )
    };
    let token = state.pick(path.clone());
    let err = open(token, "not the passphrase").unwrap_err();
    assert_eq!(err["kind"], "wrong_passphrase", "{err}");
    let opened = open(token, "copper kettle seven lanterns").unwrap();
    assert_eq!(opened["passed"], true, "{opened}");
    assert_eq!(opened["id"], token);
    assert!(opened["files"].as_u64().unwrap() >= 4, "{opened}");
    let contents = invoke(&app, "handover_contents", json!({ "id": token })).unwrap();
    assert_eq!(contents["entries"][0]["entry"]["number"], 1, "{contents}");
    assert!(contents["entries"][0]["when"]
        .as_str()
        .unwrap()
        .contains("2026"));
    assert_eq!(contents["exhibits"][0]["sha256"], sha.as_str());
    // Each entry's day, by the core's rule, for the case view's date filter.
    let day = contents["entries"][0]["day"].as_str().unwrap();
    assert!(day.len() == 10 && day.starts_with("20"), "{day}");
    // Opening the report first only says where its readable copy would go.
    let place = invoke(
        &app,
        "handover_open_report",
        json!({ "id": token, "confirmed": false }),
    )
    .unwrap();
    assert_eq!(place["opened"], false, "{place}");
    let would = std::path::PathBuf::from(place["path"].as_str().unwrap());
    assert!(would.extension().is_some_and(|e| e == "pdf"), "{place}");
    assert!(
        !would.exists(),
        "nothing is written before the person agrees"
    );
    let mark = contents["exhibits"][0]["mark"]
        .as_str()
        .unwrap()
        .to_string();
    // Without a receiving key in a diary, the key cannot open it.
    let err = invoke(
        &app,
        "handover_open",
        json!({ "token": token, "passphrase": null, "job": 22,
                "onProgress": format!("__CHANNEL__:{}", PROGRESS + 61) }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "no_vault", "{err}");
    invoke(&app, "handover_close", json!({ "id": token })).unwrap();
    let err = invoke(
        &app,
        "handover_thumbnail",
        json!({ "id": token, "mark": mark }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "bad_request");

    // One byte flipped: the check fails, names a file, and the case is not kept.
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() * 2 / 3;
    bytes[at] ^= 0x40;
    let damaged = dir.path().join("damaged.daybook-handover");
    std::fs::write(&damaged, bytes).unwrap();
    let token = state.pick(damaged);
    match open(token, "copper kettle seven lanterns") {
        // The damage fell in a piece read while opening (this handover is small):
        // refused at once, saying it was altered or damaged.
        Err(err) => {
            assert_eq!(err["kind"], "bundle", "{err}");
            assert!(err["message"]
                .as_str()
                .unwrap()
                .contains("altered or damaged"));
        }
        // Or the full check finds it and names the file.
        Ok(opened) => {
            assert_eq!(opened["passed"], false, "{opened}");
            assert!(opened["id"].is_null(), "{opened}");
            assert!(opened["failure"].as_str().unwrap().len() > 10, "{opened}");
        }
    }
    let err = invoke(&app, "handover_contents", json!({ "id": token })).unwrap_err();
    assert_eq!(err["kind"], "bad_request");
}

/// A small JPEG, as a phone's photo would be.
fn jpeg() -> Vec<u8> {
    let picture =
        image::RgbImage::from_fn(16, 12, |x, y| image::Rgb([x as u8 * 12, y as u8 * 16, 90]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Jpeg)
        .unwrap();
    bytes.into_inner()
}

/// A WhatsApp "Export chat" with media, iOS layout: two days on which Mark wrote, a
/// reply from the phone's owner (Sam), and a photo. Every date could be day first or
/// month first, so the person must say which.
fn whatsapp_export(dir: &std::path::Path) -> std::path::PathBuf {
    use std::io::Write;
    let chat = "[11/03/2024, 21:40:00] Mark: Why are you ignoring me\n\
                [11/03/2024, 21:45:10] Sam: Please stop messaging me\n\
                [12/03/2024, 07:12:05] Mark: I saw you at the station\n\
                [12/03/2024, 07:12:05] Mark: \u{200E}<attached: 00000001-PHOTO-2024-03-12-07-12-05.jpg>\n\
                [12/03/2024, 07:30:00] Mark: <b>answer me</b>\n";
    let path = dir.join("WhatsApp Chat - Mark.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("_chat.txt", options).unwrap();
    zip.write_all(chat.as_bytes()).unwrap();
    zip.start_file("00000001-PHOTO-2024-03-12-07-12-05.jpg", options)
        .unwrap();
    zip.write_all(&jpeg()).unwrap();
    zip.finish().unwrap();
    path
}

fn import_form(day_order: &str) -> Value {
    json!({ "people": ["Mark"], "from": "", "to": "", "day_order": day_order, "zone": "", "how": "" })
}

#[test]
fn an_export_is_summarised_imported_once_and_read_back_as_messages() {
    let app = app_with_diary();
    let files = tempfile::tempdir().unwrap();
    let export = whatsapp_export(files.path());
    unlock(&app);
    let token = stage(&app, &export);

    let summary = invoke(&app, "import_summary", json!({ "token": token })).unwrap();
    assert_eq!(summary["format"], "whatsapp");
    assert_eq!(summary["messages"], 5);
    assert_eq!(summary["media"], 1);
    assert_eq!(summary["day_order"], "ambiguous");
    let people: Vec<&str> = summary["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["shown"].as_str().unwrap())
        .collect();
    assert_eq!(people, ["Mark", "Sam"]);
    assert_eq!(summary["people"][0]["messages"], 4);
    assert_eq!(
        summary["people"][0]["first"],
        Value::Null,
        "no times until the order is known"
    );
    assert_eq!(summary["zone"], daybook_core::incident::local_zone());
    let ordered = invoke(
        &app,
        "import_summary",
        json!({ "token": token, "dayOrder": "day-first" }),
    )
    .unwrap();
    assert_eq!(ordered["people"][0]["first"], "2024-03-11T21:40:00");

    // The chat leaves the order open: the import asks, naming the field.
    let err = invoke(
        &app,
        "import_run",
        json!({ "token": token, "form": import_form(""), "job": 40,
                "onProgress": format!("__CHANNEL__:{PROGRESS}") }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "invalid_field", "{err}");
    assert_eq!(err["field"], "day_order");
    let mut nobody = import_form("day-first");
    nobody["people"] = json!([]);
    let err = invoke(
        &app,
        "import_run",
        json!({ "token": token, "form": nobody, "job": 41,
                "onProgress": format!("__CHANNEL__:{PROGRESS}") }),
    )
    .unwrap_err();
    assert_eq!(err["field"], "person", "{err}");

    // The same token, corrected: two days with contact, two entries.
    let imported = invoke(
        &app,
        "import_run",
        json!({ "token": token, "form": import_form("day-first"), "job": 42,
                "onProgress": format!("__CHANNEL__:{PROGRESS}") }),
    )
    .unwrap();
    assert_eq!(imported["entries"], json!([1, 2]), "{imported}");
    assert_eq!(imported["messages"], 5);
    assert_eq!(imported["calls"], 0);
    assert_eq!(imported["media"], 1);
    assert_eq!(imported["already_present"], 0);
    assert_eq!(imported["people"], json!(["Mark"]));
    let mark = imported["exhibit"].as_str().unwrap().to_string();
    // Used up: the file is no longer waiting.
    let again = invoke(&app, "import_summary", json!({ "token": token })).unwrap_err();
    assert_eq!(again["kind"], "bad_request");

    let rows = invoke(&app, "entry_list", json!({})).unwrap();
    let counts: Vec<(u64, u64)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["number"].as_u64().unwrap(),
                r["messages"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, [(2, 3), (1, 2)]);
    let messages = invoke(&app, "message_list", json!({ "entry": 2 })).unwrap();
    let messages = messages.as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[0]["from"], "Mark");
    assert_eq!(messages[0]["text"], "I saw you at the station");
    assert!(messages[0]["at"]
        .as_str()
        .unwrap()
        .starts_with("2024-03-12T07:12:05"));
    assert_eq!(messages[0]["exhibit"], mark.as_str());
    assert_eq!(messages[1]["attachments"].as_array().unwrap().len(), 1);
    assert_eq!(messages[2]["text"], "<b>answer me</b>");
    let first_day = invoke(&app, "message_list", json!({ "entry": 1 })).unwrap();
    assert_eq!(first_day[1]["from"], "Sam");
    assert_eq!(first_day[1]["contact"], false);

    // The same export again: nothing is added twice, and the import says so.
    let token = stage(&app, &export);
    let twice = invoke(
        &app,
        "import_run",
        json!({ "token": token, "form": import_form("day-first"), "job": 43,
                "onProgress": format!("__CHANNEL__:{PROGRESS}") }),
    )
    .unwrap();
    assert_eq!(twice["entries"], json!([]));
    assert_eq!(twice["already_present"], 5);
    assert_eq!(twice["exhibit"], Value::Null);
    assert_eq!(
        invoke(&app, "entry_list", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_file_that_is_not_an_export_is_refused_plainly() {
    let app = app_with_diary();
    let files = tempfile::tempdir().unwrap();
    let notes = files.path().join("notes.txt");
    std::fs::write(&notes, "Remember to ring the council on Monday.\n").unwrap();
    unlock(&app);
    let token = stage(&app, &notes);
    let err = invoke(&app, "import_summary", json!({ "token": token })).unwrap_err();
    assert_eq!(err["kind"], "import", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("WhatsApp chat"),
        "{err}"
    );
    let export = whatsapp_export(files.path());
    let token = stage(&app, &export);
    let mut form = import_form("day-first");
    form["zone"] = json!("Atlantis/Capital");
    let err = invoke(
        &app,
        "import_run",
        json!({ "token": token, "form": form, "job": 50,
                "onProgress": format!("__CHANNEL__:{PROGRESS}") }),
    )
    .unwrap_err();
    assert_eq!(err["field"], "zone", "{err}");
    invoke(&app, "vault_lock", json!({})).unwrap();
    let locked = invoke(&app, "import_summary", json!({ "token": token })).unwrap_err();
    assert_eq!(locked["kind"], "locked");
}

#[test]
fn cancelling_an_import_keeps_nothing() {
    let sent = Sent::default();
    // At the first progress message, the UI's Cancel: `import_cancel` with the job.
    let builder = capturing(sent.clone(), |webview, channel, _| {
        if channel == PROGRESS {
            invoke_on(
                &Origin(webview.clone()),
                "import_cancel",
                json!({ "job": 60 }),
            )
            .unwrap();
        }
    });
    let app = app_with_diary_on(builder);
    let files = tempfile::tempdir().unwrap();
    let export = whatsapp_export(files.path());
    unlock(&app);
    let token = stage(&app, &export);
    let err = invoke(
        &app,
        "import_run",
        json!({ "token": token, "form": import_form("day-first"), "job": 60,
                "onProgress": format!("__CHANNEL__:{PROGRESS}") }),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "cancelled", "{err}");
    assert!(!sent.lock().unwrap().is_empty(), "progress was reported");
    assert_eq!(invoke(&app, "entry_list", json!({})).unwrap(), json!([]));
    assert_eq!(invoke(&app, "evidence_list", json!({})).unwrap(), json!([]));
    assert_eq!(
        invoke(&app, "message_list", json!({ "entry": 1 })).unwrap(),
        json!([])
    );
    // The file is still waiting: the person can import it after all.
    let imported = invoke(
        &app,
        "import_run",
        json!({ "token": token, "form": import_form("day-first"), "job": 61,
                "onProgress": format!("__CHANNEL__:{}", PROGRESS + 1) }),
    )
    .unwrap();
    assert_eq!(imported["entries"], json!([1, 2]), "{imported}");
}

#[test]
fn typed_days_are_read_by_the_core_and_an_unreadable_one_names_its_field() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(
        dir.path().join("none.daybook"),
        tempfile::tempdir().unwrap(),
    );
    let range = |from: &str, to: &str| invoke(&app, "day_range", json!({ "from": from, "to": to }));
    assert_eq!(
        range("01/09/2026", "2026-09-30").unwrap(),
        json!({ "from": "2026-09-01", "to": "2026-09-30" })
    );
    assert_eq!(range("", " ").unwrap(), json!({ "from": null, "to": null }));
    let err = range("31/02/2026", "").unwrap_err();
    assert_eq!(
        (&err["kind"], &err["field"]),
        (&json!("invalid_field"), &json!("from"))
    );
    assert!(
        err["message"].as_str().unwrap().contains("is not a day"),
        "{err}"
    );
    let err = range("02/09/2026", "01/09/2026").unwrap_err();
    assert_eq!(err["field"], "to", "{err}");
}

#[path = "ipc_campaign.rs"]
mod ipc_campaign;
