//! App-wide commands: the vocabulary (labels live in the core, in one place), the
//! event channel, and the activity ping behind auto-lock.

use daybook_core::incident::{Behaviour, Channel as Via, Risk};
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
