//! Entries: the timeline, one entry with its history, adding, amending, withdrawing,
//! erasing, quick notes written while locked, and sealed drafts of the form.

use daybook_core::entry::{Entry, Revision};
use daybook_core::evidence::Exhibit;
use daybook_core::incident::{local_zone, Incident, Occurred};
use daybook_core::select;
use serde::Serialize;
use tauri::State;

use crate::error::{CmdResult, UiError};
use crate::form::EntryForm;
use crate::state::AppState;

/// One line of the timeline: just what the list shows and searches.
#[derive(Serialize)]
pub struct Row {
    number: u64,
    status: &'static str,
    /// Start of the incident, UTC, RFC 3339 (for sorting and date filters).
    start: String,
    /// Local day `YYYY-MM-DD` (for the date-range filter).
    day: String,
    /// "November 2026", for the month headings.
    month: String,
    when: String,
    location: String,
    behaviours: Vec<&'static str>,
    exhibits: usize,
    /// Imported messages and calls linked to it.
    messages: u64,
    /// What the list shows under the heading: the first line of the description.
    text: String,
    /// What a search looks in, lower case (`select::search_text`: the same as the
    /// command line's and every export's).
    search: String,
    written_while_locked: bool,
}

fn row(entry: &Entry) -> Row {
    let status = entry.status.key();
    match &entry.incident {
        Some(i) => {
            let local = i.occurred.start_local();
            Row {
                number: entry.number,
                status,
                start: i.occurred.start.to_rfc3339(),
                day: select::entry_day(entry, &local_zone())
                    .format("%Y-%m-%d")
                    .to_string(),
                month: local.format("%B %Y").to_string(),
                when: i.occurred.display(),
                location: i.location.clone(),
                behaviours: i.behaviours.iter().map(|b| b.key()).collect(),
                exhibits: entry.exhibits.len(),
                messages: entry.messages,
                text: i.description.clone(),
                search: select::search_text(entry),
                written_while_locked: entry.written_while_locked,
            }
        }
        None => Row {
            number: entry.number,
            status,
            start: entry.recorded_at.to_rfc3339(),
            day: select::entry_day(entry, &local_zone())
                .format("%Y-%m-%d")
                .to_string(),
            month: entry.recorded_at.format("%B %Y").to_string(),
            when: String::new(),
            location: String::new(),
            behaviours: Vec::new(),
            exhibits: 0,
            messages: 0,
            text: String::new(),
            search: select::search_text(entry),
            written_while_locked: entry.written_while_locked,
        },
    }
}

/// Every entry, newest first.
#[tauri::command]
pub async fn entry_list(state: State<'_, AppState>) -> CmdResult<Vec<Row>> {
    let entries = state.with_vault(|v| v.entries())?;
    let mut rows: Vec<Row> = entries.iter().map(row).collect();
    rows.sort_by(|a, b| b.start.cmp(&a.start).then(b.number.cmp(&a.number)));
    Ok(rows)
}

#[derive(Serialize)]
pub struct Detail {
    entry: Entry,
    /// The incident's time, in words.
    when: Option<String>,
    /// The entry as the form shows it (for editing).
    form: Option<EntryForm>,
    exhibits: Vec<Exhibit>,
}

#[tauri::command]
pub async fn entry_get(state: State<'_, AppState>, number: u64) -> CmdResult<Detail> {
    let (entry, exhibits) =
        state.with_vault(|v| Ok((v.entry(number)?, v.exhibits(Some(number))?)))?;
    Ok(Detail {
        when: entry.incident.as_ref().map(|i| i.occurred.display()),
        form: entry.incident.as_ref().map(EntryForm::from_incident),
        entry,
        exhibits,
    })
}

#[derive(Serialize)]
pub struct RevisionView {
    revision: u32,
    saved_at: String,
    when: String,
    description: String,
    written_while_locked: bool,
}

#[tauri::command]
pub async fn entry_history(
    state: State<'_, AppState>,
    number: u64,
) -> CmdResult<Vec<RevisionView>> {
    let revisions: Vec<Revision> = state.with_vault(|v| v.history(number))?;
    Ok(revisions
        .into_iter()
        .map(|r| RevisionView {
            revision: r.revision,
            saved_at: r.saved_at.to_rfc3339(),
            when: r.incident.occurred.display(),
            description: r.incident.description,
            written_while_locked: r.written_while_locked,
        })
        .collect())
}

#[tauri::command]
pub async fn entry_add(state: State<'_, AppState>, form: EntryForm) -> CmdResult<u64> {
    let incident = form.to_incident(&local_zone())?;
    state.with_vault(|v| v.add(incident))
}

/// Saves a new wording; the old one stays in the history.
#[tauri::command]
pub async fn entry_amend(
    state: State<'_, AppState>,
    number: u64,
    form: EntryForm,
) -> CmdResult<()> {
    let incident = form.to_incident(&local_zone())?;
    state.with_vault(|v| v.amend(number, incident))
}

#[tauri::command]
pub async fn entry_withdraw(
    state: State<'_, AppState>,
    number: u64,
    reason: String,
) -> CmdResult<()> {
    if reason.trim().is_empty() {
        return Err(UiError::invalid("reason", "please give a short reason"));
    }
    state.with_vault(|v| v.withdraw(number, reason.trim()))
}

/// Erases what an entry says and its evidence files for good, for something written
/// by mistake. The diary's record keeps a note that the entry existed and when it was
/// erased.
#[tauri::command]
pub async fn entry_erase(state: State<'_, AppState>, number: u64) -> CmdResult<()> {
    state.with_vault(|v| v.erase(number))
}

/// A quick note from the lock screen: sealed to the diary's public key, readable only
/// once the diary is unlocked. Works while locked.
#[tauri::command]
pub async fn entry_quick_note(state: State<'_, AppState>, text: String) -> CmdResult<u64> {
    let mut incident = Incident::new(Occurred::now(&local_zone()), text);
    incident.validate()?;
    state.with_vault(|v| v.add(incident))
}

/// A quick note that was held apart at unlock: its time or number could not be
/// confirmed, so it is shown to the person, who keeps or discards it.
#[derive(Serialize)]
pub struct HeldNoteView {
    id: String,
    number: u64,
    /// When it says it was written, in words (empty when it cannot be opened).
    written: String,
    description: String,
    reason: String,
}

/// Quick notes held apart, for the person to decide about.
#[tauri::command]
pub async fn note_held_list(state: State<'_, AppState>) -> CmdResult<Vec<HeldNoteView>> {
    let held = state.with_vault(|v| v.held_notes())?;
    Ok(held
        .into_iter()
        .map(|n| HeldNoteView {
            id: n.id,
            number: n.entry_number,
            written: n
                .recorded_at
                .map(|t| t.format("%d/%m/%Y %H:%M UTC").to_string())
                .unwrap_or_default(),
            description: n.description.unwrap_or_default(),
            reason: n.reason,
        })
        .collect())
}

/// Keeps a held note as an entry (marked as written while locked, with why it was held).
#[tauri::command]
pub async fn note_keep(state: State<'_, AppState>, id: String) -> CmdResult<u64> {
    state.with_vault(|v| v.keep_held_note(&id))
}

/// Discards a held note.
#[tauri::command]
pub async fn note_discard(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    state.with_vault(|v| v.discard_held_note(&id))
}

/// Keeps the half-written form, sealed.
#[tauri::command]
pub async fn draft_save(
    state: State<'_, AppState>,
    form: String,
    draft: serde_json::Value,
) -> CmdResult<()> {
    state.with_vault(|v| v.draft_save(&form, &draft))
}

#[tauri::command]
pub async fn draft_load(
    state: State<'_, AppState>,
    form: String,
) -> CmdResult<Option<serde_json::Value>> {
    state.with_vault(|v| v.draft_load(&form))
}

#[tauri::command]
pub async fn draft_discard(state: State<'_, AppState>, form: String) -> CmdResult<()> {
    state.with_vault(|v| v.draft_discard(&form))
}
