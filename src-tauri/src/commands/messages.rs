//! Importing messages and calls from a phone's export (a WhatsApp chat, an SMS
//! backup or a call log), and reading them back for an entry's page.
//!
//! The export comes in like evidence, through the native dialog or a drop on the
//! window, and is staged under a token: the webview never names a path. The dry run
//! (`import_summary`) says who is in it; `import_run` imports it with progress and a
//! cancel, keeping nothing when cancelled. The token stays staged until the import
//! succeeds (so a refused choice can be corrected without choosing the file again),
//! or until the screen lets go of it (`evidence_unstage`) or the diary locks.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use daybook_core::import::{self, DayOrder, Format, Party, Problem, When};
use daybook_core::incident::Day;
use daybook_core::message::{self, Message};
use daybook_core::progress::{Progress, Unit};
use daybook_core::vault::{ImportChoice, Imported};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use super::evidence::stage_paths;
use crate::dialogs;
use crate::error::{kind, CmdResult, UiError};
use crate::state::{lock, AppState, Staged, StagedFile};

/// Opens the native dialog for one export and stages it.
#[tauri::command]
pub async fn import_pick<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<StagedFile> {
    if !state.is_unlocked() {
        return Err(daybook_core::Error::Locked.into());
    }
    let path = dialogs::pick_export(&app, "Choose the exported chat or backup")?;
    state.touch();
    stage_paths(&state, vec![path])
        .into_iter()
        .next()
        .ok_or_else(|| UiError::new("file_unreadable", "that is not a file Daybook can read"))
}

/// Someone in the export, as the screen lists them.
#[derive(Debug, Serialize)]
pub struct PersonView {
    /// How they are named to the import (a name, a number, or "Name (number)").
    pub shown: String,
    pub messages: u64,
    pub calls: u64,
    /// The earliest and latest times with them, as the export gives them (`None`
    /// while a chat's day order is undecided).
    pub first: Option<When>,
    pub last: Option<When>,
}

/// What an import of the export would bring in.
#[derive(Debug, Serialize)]
pub struct SummaryView {
    pub format: Format,
    pub messages: u64,
    pub people: Vec<PersonView>,
    /// How a WhatsApp chat writes its dates; `ambiguous` when the person must say.
    pub day_order: Option<DayOrder>,
    pub media: u64,
    pub problems: Vec<Problem>,
    /// The diary's zone, offered as the phone's.
    pub zone: String,
}

/// The dry run: who is in the staged export, with counts. Nothing is kept.
#[tauri::command]
pub async fn import_summary<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    token: u64,
    day_order: Option<String>,
) -> CmdResult<SummaryView> {
    let path = staged_path(&state, token)?;
    let day_order = parse_day_order(day_order.as_deref().unwrap_or(""))?;
    let zone = state.with_vault(|v| v.settings())?.display_zone();
    let worker = app.clone();
    // Off the main thread: a backup of years of messages takes a while to read.
    let summary = tauri::async_runtime::spawn_blocking(move || {
        worker.state::<AppState>().touch();
        import::summary(&path, &import::Options { day_order })
    })
    .await
    .map_err(|e| UiError::new("io", e.to_string()))??;
    Ok(SummaryView {
        format: summary.format,
        messages: summary.messages,
        people: summary
            .people
            .into_iter()
            .map(|p| PersonView {
                shown: message::shown(&Party {
                    name: p.name,
                    address: p.address,
                }),
                messages: p.messages,
                calls: p.calls,
                first: p.first,
                last: p.last,
            })
            .collect(),
        day_order: summary.day_order,
        media: summary.media,
        problems: summary.problems,
        zone,
    })
}

/// What the person chose on the import screen.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportForm {
    /// People as the dry run shows them (`PersonView::shown`).
    pub people: Vec<String>,
    /// First day, `DD/MM/YYYY` or `YYYY-MM-DD`; empty for no limit.
    pub from: String,
    /// Last day, as `from`.
    pub to: String,
    /// `day-first` or `month-first`; empty when the export settles it.
    pub day_order: String,
    /// The zone the phone was in; empty for the diary's.
    pub zone: String,
    /// How the export was obtained.
    pub how: String,
}

/// One progress step: `bytes` while the export itself is stored, then `entries`
/// while its media and messages are put into entries.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
}

/// Imports the staged export as the form says, reporting progress on
/// `on_progress`; `import_cancel(job)` stops it and nothing is kept.
#[tauri::command]
pub async fn import_run<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    token: u64,
    form: ImportForm,
    job: u64,
    on_progress: Channel<Step>,
) -> CmdResult<Imported> {
    let path = staged_path(&state, token)?;
    let choice = choice(form)?;
    let running = state.start_job(job);
    let cancel = running.flag();
    let worker = app.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<AppState>();
        let progress = StepProgress::new(&state, &on_progress, &cancel);
        state.with_vault(|v| v.import_messages(&path, &choice, &progress))
    })
    .await
    .map_err(|e| UiError::new("io", e.to_string()))
    .and_then(|r| r);
    drop(running);
    if result.is_ok() {
        lock(&state.staged).remove(&token);
    }
    result
}

/// Stops a running import; nothing of it is kept.
#[tauri::command]
pub async fn import_cancel(state: State<'_, AppState>, job: u64) -> CmdResult<()> {
    state.cancel_job(job);
    Ok(())
}

/// The imported messages and calls linked to an entry, in time order.
#[tauri::command]
pub async fn message_list(state: State<'_, AppState>, entry: u64) -> CmdResult<Vec<Message>> {
    state.with_vault(|v| {
        v.messages(&message::Filter {
            entry: Some(entry),
            ..Default::default()
        })
    })
}

/// The path of a staged export (it stays staged).
fn staged_path(state: &AppState, token: u64) -> CmdResult<PathBuf> {
    if !state.is_unlocked() {
        return Err(daybook_core::Error::Locked.into());
    }
    match lock(&state.staged).get(&token) {
        Some(Staged::Path(path)) => Ok(path.clone()),
        Some(Staged::Bytes { .. }) => Err(UiError::new(
            "file_unreadable",
            "a pasted file cannot be imported; choose the exported file instead",
        )),
        None => Err(UiError::new(
            kind::BAD_REQUEST,
            "that file is no longer waiting to be imported; please choose it again",
        )),
    }
}

fn parse_day_order(text: &str) -> CmdResult<Option<DayOrder>> {
    match text.trim() {
        "" => Ok(None),
        "day-first" => Ok(Some(DayOrder::DayFirst)),
        "month-first" => Ok(Some(DayOrder::MonthFirst)),
        _ => Err(UiError::invalid(
            "day_order",
            "say whether the phone writes the day first or the month first",
        )),
    }
}

/// The form as the core's choice: days read and in order, the day order named.
fn choice(form: ImportForm) -> CmdResult<ImportChoice> {
    let (from, to) = Day::range(&form.from, &form.to)?;
    Ok(ImportChoice {
        people: form.people,
        from,
        to,
        day_order: parse_day_order(&form.day_order)?,
        zone: Some(form.zone).filter(|z| !z.trim().is_empty()),
        how: form.how,
    })
}

/// Passes the core's progress to the UI (about once per percent of each stage) and
/// the cancel flag back to the core. A running import counts as use, so auto-lock
/// waits for it.
struct StepProgress<'a> {
    state: &'a AppState,
    channel: &'a Channel<Step>,
    cancel: &'a AtomicBool,
    /// The last stage and whole percent sent, as `stage * 1000 + percent`.
    sent: AtomicU64,
    /// Debug builds: a wait at each step, so the end-to-end test can see the
    /// progress and press Cancel on a small export.
    pause: std::time::Duration,
}

impl<'a> StepProgress<'a> {
    fn new(state: &'a AppState, channel: &'a Channel<Step>, cancel: &'a AtomicBool) -> Self {
        StepProgress {
            state,
            channel,
            cancel,
            sent: AtomicU64::new(u64::MAX),
            pause: test_step_pause(),
        }
    }
}

impl Progress for StepProgress<'_> {
    fn advanced(&self, done: u64, total: u64, unit: Unit) {
        let percent = (done.saturating_mul(100)).checked_div(total).unwrap_or(100);
        let stage = match unit {
            Unit::Bytes => 0,
            Unit::Entries => 1,
        };
        if self.sent.swap(stage * 1000 + percent, Ordering::SeqCst) != stage * 1000 + percent {
            self.state.touch();
            // The UI may have gone (reload); the import carries on regardless.
            let _ = self.channel.send(Step {
                stage: unit.key(),
                done,
                total,
            });
        }
        if !self.pause.is_zero() && !self.cancelled() {
            std::thread::sleep(self.pause);
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// `DAYBOOK_TEST_IMPORT_STEP_MS` in debug builds; nothing in release builds.
#[cfg(debug_assertions)]
fn test_step_pause() -> std::time::Duration {
    std::env::var("DAYBOOK_TEST_IMPORT_STEP_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map(std::time::Duration::from_millis)
        .unwrap_or_default()
}

#[cfg(not(debug_assertions))]
fn test_step_pause() -> std::time::Duration {
    std::time::Duration::ZERO
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_order_is_named_or_refused() {
        assert_eq!(parse_day_order("").unwrap(), None);
        assert_eq!(
            parse_day_order("day-first").unwrap(),
            Some(DayOrder::DayFirst)
        );
        assert_eq!(
            parse_day_order("month-first").unwrap(),
            Some(DayOrder::MonthFirst)
        );
        let err = parse_day_order("ambiguous").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("day_order"));
    }

    #[test]
    fn dates_are_read_and_kept_in_order() {
        let form = |from: &str, to: &str| ImportForm {
            people: vec!["Mark".into()],
            from: from.into(),
            to: to.into(),
            ..Default::default()
        };
        let ok = choice(form("01/03/2024", "2024-03-31")).unwrap();
        assert_eq!(ok.from.map(Day::iso).as_deref(), Some("2024-03-01"));
        assert_eq!(ok.to.map(Day::iso).as_deref(), Some("2024-03-31"));
        assert_eq!(ok.zone, None, "empty is the diary's zone");
        let unreadable = choice(form("31/13/2024", "")).unwrap_err();
        assert_eq!(unreadable.field.as_deref(), Some("from"));
        let backwards = choice(form("02/03/2024", "01/03/2024")).unwrap_err();
        assert_eq!(backwards.field.as_deref(), Some("to"));
    }
}
