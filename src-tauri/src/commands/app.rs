//! App-wide commands: the vocabulary (labels live in the core, in one place), the
//! event channel, and the activity ping behind auto-lock.

use daybook_core::incident::{Behaviour, Channel as Via, Day, Risk};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CmdResult;
use crate::state::{lock, AppEvent, AppState};

#[derive(Serialize)]
pub struct Term {
    key: &'static str,
    label: &'static str,
    /// Longer wording, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'static str>,
}

#[derive(Serialize)]
pub struct Vocabulary {
    behaviours: Vec<Term>,
    channels: Vec<Term>,
    risks: Vec<Term>,
    zone: String,
    /// The core's rule for a new passphrase, so the UI can say so as the person types.
    passphrase_min_chars: usize,
}

#[tauri::command]
pub async fn app_vocabulary() -> CmdResult<Vocabulary> {
    Ok(Vocabulary {
        behaviours: Behaviour::ALL
            .iter()
            .map(|b| Term {
                key: b.key(),
                label: b.short_label(),
                detail: Some(b.statutory_label()),
            })
            .collect(),
        channels: Via::ALL
            .iter()
            .map(|c| Term {
                key: c.key(),
                label: c.label(),
                detail: None,
            })
            .collect(),
        risks: Risk::ALL
            .iter()
            .map(|r| Term {
                key: r.key(),
                label: r.label(),
                detail: None,
            })
            .collect(),
        zone: daybook_core::incident::local_zone(),
        passphrase_min_chars: daybook_core::vault::PASSPHRASE_MIN_CHARS,
    })
}

/// A range of days as the core reads it (ISO, `2026-09-01`), for the UI to compare
/// with the days the core gives each entry.
#[derive(Serialize)]
pub struct DayRange {
    from: Option<String>,
    to: Option<String>,
}

/// Reads typed first and last days by the core's one rule (`Day::range`): either
/// may be empty; an unreadable day, or a last day before the first, is an
/// `invalid_field` error naming `from` or `to`.
#[tauri::command]
pub async fn day_range(from: String, to: String) -> CmdResult<DayRange> {
    let (from, to) = Day::range(&from, &to)?;
    Ok(DayRange {
        from: from.map(Day::iso),
        to: to.map(Day::iso),
    })
}

/// The UI hands over a channel; the shell pushes lock requests and dropped files on it.
#[tauri::command]
pub async fn app_subscribe(state: State<'_, AppState>, events: Channel<AppEvent>) -> CmdResult<()> {
    *lock(&state.events) = Some(events);
    Ok(())
}

/// The user did something (typed, clicked, scrolled): put off auto-lock.
#[tauri::command]
pub async fn app_touch(state: State<'_, AppState>) -> CmdResult<()> {
    state.touch();
    Ok(())
}
