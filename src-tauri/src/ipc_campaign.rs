//! The IPC campaign: every command the window may call, called through the mock
//! runtime with hostile arguments: missing, null, of the wrong type, empty and 10 MB
//! strings, negative and huge numbers, unknown enum values, paths outside what the
//! person chose, forged channels and tokens. Each call must answer (no panic, no
//! hang); a refusal must be `{kind, message}` (or Tauri's own refusal of an argument
//! of the wrong shape, made before any of Daybook's code runs) and must leave the
//! diary's rows and the files on disk exactly as they were. A call that is accepted
//! may change the diary only if saving what it is given is what the command is for.
//!
//! The commands and their arguments are read from the sources (`commands/*.rs`), so
//! a new command joins the campaign by being written. The small run is part of `make
//! test`; the full one is in `make reliability` and writes its table into
//! docs/reliability.md.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::{answering_dialogs, invoke_on, App, PASSPHRASE};
use crate::state::AppState;
use tauri::Manager;

#[path = "../../core/tests/figures/mod.rs"]
mod figures;
#[path = "../../core/tests/rows/mod.rs"]
mod rows;
#[path = "../../core/tests/seed/mod.rs"]
mod seed;

const SOURCES: [&str; 8] = [
    include_str!("commands/app.rs"),
    include_str!("commands/vault.rs"),
    include_str!("commands/entries.rs"),
    include_str!("commands/evidence.rs"),
    include_str!("commands/messages.rs"),
    include_str!("commands/export.rs"),
    include_str!("commands/settings.rs"),
    include_str!("commands/handover.rs"),
];

/// Commands left out, and why: each ends the session or leaves this diary.
const LEFT_OUT: [(&str, &str); 2] = [
    ("vault_quick_exit", "closes the app"),
    ("vault_practice", "swaps the diary for a practice one"),
];

/// Commands whose job is to save what they are given: when a hostile value happens
/// to be valid for them (a 10 MB draft, a quick note reading "/etc/passwd"), the
/// diary may change. (The key sheet makes the receiving key if there is none.)
const SAVING: [&str; 10] = [
    "receiving_key_sheet",
    "entry_quick_note",
    "draft_save",
    "draft_discard",
    "keep_out_save",
    "settings_save",
    "settings_forget_backup_dir",
    "receiving_key_make",
    "vault_lock",
    "vault_leave_practice",
];

/// Arguments the shell fills in itself, never sent by the window.
fn injected(ty: &str) -> bool {
    [
        "State<",
        "AppHandle<",
        "Window<",
        "WebviewWindow<",
        "Webview<",
        "Request<",
    ]
    .iter()
    .any(|p| ty.starts_with(p))
}

/// `on_progress` → `onProgress`, as Tauri names arguments for the window.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits `text` at the commas outside any `<…>` or `(…)`.
fn top_level_commas(text: &str) -> Vec<&str> {
    let (mut depth, mut start, mut parts) = (0i32, 0, Vec::new());
    for (i, c) in text.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Every command and the names (as the window sends them) of its arguments.
fn commands() -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for source in SOURCES {
        for chunk in source.split("#[tauri::command").skip(1) {
            let after_fn = chunk.split_once(" fn ").map(|(_, rest)| rest).unwrap();
            let name: String = after_fn
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let open = after_fn.find('(').unwrap();
            let mut depth = 0;
            let mut close = open;
            for (i, c) in after_fn[open..].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            close = open + i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let args = top_level_commas(&after_fn[open + 1..close])
                .into_iter()
                .filter_map(|p| p.trim().split_once(':'))
                .filter(|(_, ty)| !injected(ty.trim()))
                .map(|(n, _)| camel(n.trim()))
                .collect();
            out.insert(name, args);
        }
    }
    out
}

/// The hostile values, by name. `None` leaves the argument out.
fn values() -> Vec<(&'static str, Option<Value>)> {
    let big = "x".repeat(10 << 20);
    vec![
        ("missing", None),
        ("null", Some(Value::Null)),
        ("true", Some(json!(true))),
        ("empty string", Some(json!(""))),
        ("10 MB string", Some(json!(big))),
        ("-1", Some(json!(-1))),
        ("i64::MIN", Some(json!(i64::MIN))),
        ("u64::MAX", Some(json!(u64::MAX))),
        ("1e300", Some(json!(1e300))),
        ("0.5", Some(json!(0.5))),
        ("unknown enum value", Some(json!("no_such_kind"))),
        ("path outside", Some(json!("../../../../etc/passwd"))),
        ("absolute path", Some(json!("/etc/shadow"))),
        ("forged channel", Some(json!("__CHANNEL__:987654"))),
        ("empty object", Some(json!({}))),
        ("empty list", Some(json!([]))),
        (
            "object of wrong fields",
            Some(
                json!({"kind": "no_such_kind", "form": 7, "date": -1, "description": ["x"],
                        "phrases": "x", "places": 1, "auto_lock_minutes": u64::MAX}),
            ),
        ),
        ("list of nulls", Some(json!(vec![Value::Null; 1000]))),
        (
            "nested 10 MB",
            Some(json!({"description": big, "form": big, "draft": big})),
        ),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// Daybook's own refusal, `{kind, message}`.
    Refused,
    /// Tauri's refusal of an argument of the wrong shape, before Daybook's code.
    RefusedByTauri,
    /// Accepted: the values happened to be acceptable, and nothing was written.
    AcceptedUnchanged,
    /// Accepted by a command whose job is to save what it is given, and saved.
    AcceptedSaved,
}

/// Commands that write a file where the person chose (the save dialog's answer).
const EXPORTING: [&str; 5] = [
    "receiving_key_sheet",
    "export_run",
    "evidence_save_original",
    "handover_save_original",
    "handover_save_report",
];

/// What is written: every row of the diary (but the count of wrong passphrases,
/// which a wrong one does change), every file in the folder the person chose, and
/// every other file under `dir`, each with its size.
#[derive(PartialEq)]
struct Written {
    rows: String,
    chosen: Vec<String>,
    elsewhere: Vec<String>,
}

fn written(dir: &Path, vault: &Path) -> Written {
    let out = rows::rows_but_failures(vault);
    let mut stack = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let name = p.to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if !name.starts_with(&*vault.to_string_lossy()) {
                files.push(format!(
                    "{name} {}",
                    e.metadata().map(|m| m.len()).unwrap_or(0)
                ));
            }
        }
    }
    files.sort();
    let chosen = dir.join("chosen").to_string_lossy().to_string();
    let (chosen, elsewhere) = files.into_iter().partition(|f| f.starts_with(&chosen));
    Written {
        rows: out,
        chosen,
        elsewhere,
    }
}

/// Calls `cmd` on a thread of its own, so that a panic or a hang is seen as one.
fn call(app: &App, cmd: &str, args: Value) -> Result<Result<Value, Value>, String> {
    let (tx, rx) = mpsc::channel();
    let window = app.window.clone();
    let cmd_owned = cmd.to_string();
    std::thread::spawn(move || {
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            invoke_on(&window, &cmd_owned, args)
        }));
        let _ = tx.send(answer);
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(_)) => Err(format!("{cmd}: panicked")),
        Err(_) => Err(format!("{cmd}: no answer within 60 s (a panic or a hang)")),
    }
}

#[derive(Default)]
struct Tally {
    calls: usize,
    classes: BTreeMap<Class, usize>,
    worst_ms: u128,
}

/// The app, its folder and the diary, unlocked, with one entry; quick exit would
/// only be recorded.
fn setup() -> (App, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diary.daybook");
    let options = daybook_core::vault::CreateOptions {
        scrypt_log_n: Some(10),
        ..Default::default()
    };
    let (vault, _) = daybook_core::Vault::create(
        &path,
        daybook_core::SecretString::from(PASSPHRASE.to_string()),
        options,
    )
    .unwrap();
    drop(vault);
    let app = super::app_on(tauri::test::mock_builder(), path.clone(), dir);
    let form = json!({ "date": "01/11/2026", "time": "20:15", "description": "First", "behaviours": ["watching"] });
    unlock(&app);
    invoke_on(&app.window, "entry_add", json!({ "form": form })).unwrap();
    (app, path)
}

fn unlock(app: &App) {
    if !app.window.state::<AppState>().is_unlocked() {
        invoke_on(
            &app.window,
            "vault_unlock",
            json!({ "passphrase": PASSPHRASE }),
        )
        .unwrap();
    }
}

/// One call, checked; returns its class.
/// `saves`: whether the command may save what it is given (see `SAVING`; a command
/// that takes no arguments is called validly whatever is sent, so it may do its job).
fn check(
    app: &App,
    dir: &Path,
    vault: &Path,
    (cmd, saves): (&str, bool),
    args: Value,
    what: &str,
) -> Class {
    unlock(app);
    let before = written(dir, vault);
    let answer = call(app, cmd, args).unwrap_or_else(|e| panic!("{e} ({what})"));
    let after = written(dir, vault);
    let changed = after != before;
    assert!(
        after.elsewhere == before.elsewhere,
        "{cmd} ({what}) wrote a file outside the folder the person chose: {:?}",
        after.elsewhere
    );
    match answer {
        Err(Value::Object(e)) => {
            assert!(
                e.get("kind").is_some_and(Value::is_string)
                    && e.get("message").is_some_and(Value::is_string),
                "{cmd} ({what}): an error not shaped {{kind, message}}: {e:?}"
            );
            assert!(!changed, "{cmd} ({what}) refused ({e:?}) but wrote");
            Class::Refused
        }
        Err(Value::String(e)) => {
            assert!(
                e.contains(cmd) || e.contains("invalid") || e.contains("missing"),
                "{cmd} ({what}): an unexplained refusal: {e}"
            );
            assert!(!changed, "{cmd} ({what}) refused but wrote");
            Class::RefusedByTauri
        }
        Err(other) => panic!("{cmd} ({what}): an error not shaped {{kind, message}}: {other}"),
        Ok(_) if !changed => Class::AcceptedUnchanged,
        Ok(_) => {
            assert!(
                after.rows == before.rows || saves,
                "{cmd} ({what}) accepted and changed the diary"
            );
            assert!(
                after.chosen == before.chosen || EXPORTING.contains(&cmd) || saves,
                "{cmd} ({what}) accepted and wrote a file"
            );
            Class::AcceptedSaved
        }
    }
}

/// Every command with each hostile value for all its arguments together (and, when
/// `alone`, for each argument alone), then `random_calls` random mixtures.
fn campaign(name: &str, alone: bool, random_calls: usize) -> (u64, BTreeMap<String, Tally>) {
    let seed = seed::seed(name);
    let mut rng = seed::Rng::new(seed);
    let (app, vault) = setup();
    let dir = vault.parent().unwrap().to_path_buf();
    let chosen = dir.join("chosen");
    std::fs::create_dir_all(&chosen).unwrap();
    let commands = commands();
    assert!(
        commands.len() > 30,
        "only {} commands found",
        commands.len()
    );
    let values = values();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    // The dialogs answer as if the person chose a folder of their own, and files
    // that do not exist.
    answering_dialogs(&chosen, || {
        std::env::set_var("DAYBOOK_TEST_PICK", "/nonexistent/chosen.txt");
        std::env::set_var("DAYBOOK_TEST_PICK_FROM", "/nonexistent/answer.txt");
        std::env::set_var("DAYBOOK_TEST_FAILURE_DELAY_MS", "0");
        let mut one = |cmd: &str, args: Value, what: &str| {
            let started = Instant::now();
            let saves = SAVING.contains(&cmd) || commands[cmd].is_empty();
            let class = check(&app, &dir, &vault, (cmd, saves), args, what);
            let t = tallies.entry(cmd.to_string()).or_default();
            t.calls += 1;
            *t.classes.entry(class).or_default() += 1;
            t.worst_ms = t.worst_ms.max(started.elapsed().as_millis());
        };
        for (cmd, params) in &commands {
            if LEFT_OUT.iter().any(|(c, _)| c == cmd) {
                continue;
            }
            // Every argument given the same hostile value, then each alone.
            for (what, value) in &values {
                let mut args = Map::new();
                if let Some(v) = value {
                    for p in params {
                        args.insert(p.clone(), v.clone());
                    }
                    args.insert("unexpected".into(), v.clone());
                }
                one(cmd, Value::Object(args), what);
                if alone && params.len() > 1 {
                    for p in params {
                        let mut args = Map::new();
                        if let Some(v) = value {
                            args.insert(p.clone(), v.clone());
                        }
                        one(cmd, Value::Object(args), &format!("{what} as {p} alone"));
                    }
                }
            }
        }
        // Random mixtures: each argument a value drawn at random.
        let names: Vec<&String> = commands
            .keys()
            .filter(|c| !LEFT_OUT.iter().any(|(l, _)| l == c))
            .collect();
        for i in 0..random_calls {
            let cmd = names[rng.below(names.len())];
            let mut args = Map::new();
            let mut drawn = Vec::new();
            for p in &commands[cmd] {
                let (what, value) = &values[rng.below(values.len())];
                drawn.push(format!("{p}={what}"));
                if let Some(v) = value {
                    args.insert(p.clone(), v.clone());
                }
            }
            one(
                cmd,
                Value::Object(args),
                &format!("random call {i}: {}, seed {seed}", drawn.join(", ")),
            );
        }
        std::env::remove_var("DAYBOOK_TEST_PICK");
        std::env::remove_var("DAYBOOK_TEST_PICK_FROM");
    });
    // The diary still opens and verifies.
    unlock(&app);
    let report = invoke_on(
        &app.window,
        "vault_check",
        json!({ "job": 77, "onProgress": "__CHANNEL__:424242" }),
    );
    if let Ok(report) = report {
        assert_eq!(report["ok"], true, "{report}");
    }
    let state = app.window.state::<AppState>();
    assert!(state.with_vault(|v| v.verify()).unwrap().ok());
    (seed, tallies)
}

/// One line of the table.
fn line(s: &mut String, name: &str, t: &Tally) {
    let n = |c| t.classes.get(&c).copied().unwrap_or(0);
    writeln!(
        s,
        "| {name} | {} | {} | {} | {} | {} | {} |",
        t.calls,
        n(Class::Refused),
        n(Class::RefusedByTauri),
        n(Class::AcceptedUnchanged),
        n(Class::AcceptedSaved),
        t.worst_ms
    )
    .unwrap();
}

fn table(tallies: &BTreeMap<String, Tally>) -> String {
    let mut s = String::from(
        "| command | calls | refused `{kind, message}` | refused by Tauri (argument shape) | accepted, nothing written | accepted and saved, or written where chosen (its job) | worst (ms) |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut total = Tally::default();
    for (cmd, t) in tallies {
        line(&mut s, cmd, t);
        total.calls += t.calls;
        for (c, k) in &t.classes {
            *total.classes.entry(*c).or_default() += k;
        }
        total.worst_ms = total.worst_ms.max(t.worst_ms);
    }
    line(
        &mut s,
        &format!("**all {} commands**", tallies.len()),
        &total,
    );
    s
}

#[test]
fn ipc_campaign_small() {
    let (_, tallies) = campaign("ipc_campaign_small", false, 100);
    eprintln!("{}", table(&tallies));
}

#[test]
#[ignore = "long: make reliability"]
fn ipc_campaign_full() {
    let started = Instant::now();
    let (seed, tallies) = campaign("ipc_campaign_full", true, 20_000);
    let t = table(&tallies);
    eprintln!("{t}");
    let left_out: Vec<String> = LEFT_OUT
        .iter()
        .map(|(c, why)| format!("`{c}` ({why})"))
        .collect();
    figures::record(
        "ipc-campaign",
        &format!(
            "## IPC campaign (src-tauri/src/ipc_campaign.rs, `ipc_campaign_full`)\n\n\
             Every command of the app (read from its sources) called through Tauri's mock \
             runtime with an unlocked diary: first every argument given each of {} hostile \
             values in turn (missing, null, wrong types, empty and 10 MB strings, -1, \
             i64::MIN, u64::MAX, 1e300, an unknown enum value, paths outside what the \
             person chose, a forged channel, wrong objects and lists), together and one \
             at a time, then 20,000 calls with a value drawn at random for each argument. \
             The dialogs answer as if the person chose a folder of their own and files \
             that do not exist. Every call answered (no panic, no hang); every refusal \
             was `{{kind, message}}` or Tauri's own refusal of an argument of the wrong \
             shape (a plain message, before any of Daybook's code runs; the window's \
             `ui/api.js` turns it into `{{kind, message}}`), and left the diary's rows and \
             the files on disk as they were. Only commands whose job is to save what \
             they are given changed anything, and the diary verified at the end. Left \
             out: {}.\n\n{}\n\n{t}",
            values().len(),
            left_out.join(", "),
            figures::provenance(seed, started.elapsed())
        ),
    );
}
