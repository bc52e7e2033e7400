//! Exports: the PDF report, the handover file and the evidence pack. Each asks where
//! to save with the native dialog, runs off the main thread, reports progress over a
//! channel and can be cancelled with `export_cancel`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::dialogs;
use daybook_core::bundle;
use daybook_core::incident::Day;
use daybook_core::outfile::{self, Existing};
use daybook_core::progress::{Progress, Unit};
use daybook_core::report;
use daybook_core::vault::{
    HandoverKey, HandoverOptions, Output, PackOptions, Selection, StatementOptions,
};
use daybook_core::SecretString;

use crate::error::{CmdResult, UiError};
use crate::state::AppState;

/// What to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Report,
    Handover,
    EvidencePack,
    Statement,
}

impl ExportKind {
    /// The core's name for this output, whose rule decides which entries it takes.
    fn output(self) -> Output {
        match self {
            ExportKind::Report => Output::Report,
            ExportKind::Handover => Output::Handover,
            ExportKind::EvidencePack => Output::EvidencePack,
            ExportKind::Statement => Output::Statement,
        }
    }

    fn suggested_name(self) -> String {
        let day = chrono::Local::now().format("%Y-%m-%d");
        match self {
            ExportKind::Report => format!("incident-log-{day}.pdf"),
            ExportKind::Handover => format!("daybook-handover-{day}.daybook-handover"),
            ExportKind::EvidencePack => format!("evidence-pack-{day}"),
            ExportKind::Statement => format!("draft-statement-{day}.pdf"),
        }
    }
}

/// One progress step, as the UI's progress bar shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub done: u64,
    pub total: u64,
    pub stage: String,
}

/// The export form. Its `Debug` leaves out the handover passphrase, so a log line
/// or a panic message can never carry it.
#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct ExportOptions {
    /// First day to include, `DD/MM/YYYY` (or `YYYY-MM-DD`); empty for no limit.
    pub from: String,
    /// Last day to include, as `from`.
    pub to: String,
    /// Include withdrawn entries (report and handover).
    pub include_withdrawn: bool,
    /// Leave out witnesses' names and contact details (report and handover).
    pub redact_witnesses: bool,
    /// Show pictures of image exhibits in the report.
    pub include_pictures: bool,
    /// Passphrase for the handover file (it is encrypted to it).
    pub handover_passphrase: String,
    /// A support worker's public key (`age1…`) instead of a passphrase.
    pub handover_key: String,
    /// Include the entries' private notes in this one export.
    pub include_private_notes: bool,
    /// Who it is given to, for the custody log.
    pub given_to: String,
    /// Evidence pack: in folders for an upload portal (sizes from the settings).
    pub batch: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            from: String::new(),
            to: String::new(),
            include_withdrawn: true,
            redact_witnesses: false,
            include_pictures: true,
            handover_passphrase: String::new(),
            handover_key: String::new(),
            include_private_notes: false,
            given_to: String::new(),
            batch: false,
        }
    }
}

impl std::fmt::Debug for ExportOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportOptions")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("include_withdrawn", &self.include_withdrawn)
            .field("redact_witnesses", &self.redact_witnesses)
            .field("include_pictures", &self.include_pictures)
            .field("handover_passphrase", &"[hidden]")
            .field("handover_key", &self.handover_key)
            .field("include_private_notes", &self.include_private_notes)
            .field("given_to", &self.given_to)
            .field("batch", &self.batch)
            .finish()
    }
}

/// The date range, read by the core's one rule (`Day::range`): both readable, and
/// `from` not after `to`.
fn range(options: &ExportOptions) -> CmdResult<(Option<NaiveDate>, Option<NaiveDate>)> {
    let (from, to) = Day::range(&options.from, &options.to)?;
    Ok((from.map(Day::date), to.map(Day::date)))
}

#[derive(Serialize)]
pub struct Exported {
    /// Where it was saved, to tell the user.
    path: String,
    kind: ExportKind,
}

/// Asks where to save, then makes the file. `job` is chosen by the UI so it can cancel.
#[tauri::command]
pub async fn export_run<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    kind: ExportKind,
    job: u64,
    options: ExportOptions,
    on_progress: Channel<Step>,
) -> CmdResult<Exported> {
    if !state.is_unlocked() {
        return Err(daybook_core::Error::Locked.into());
    }
    // Validate before asking where to save.
    range(&options)?;
    if kind == ExportKind::Handover && !options.handover_key.trim().is_empty() {
        daybook_core::crypto::Recipient::parse(&options.handover_key).map_err(|_| {
            UiError::invalid(
                "handover_key",
                "this is not a support worker's key; it should start with age1",
            )
        })?;
    } else if kind == ExportKind::Handover {
        daybook_core::vault::check_passphrase(
            "handover_passphrase",
            &SecretString::from(options.handover_passphrase.clone()),
        )?;
    }
    let out = match kind {
        // The evidence pack is a folder, made inside the folder the person picks.
        ExportKind::EvidencePack => {
            dialogs::pick_folder(&app, "Choose where to put the evidence pack")?
                .join(kind.suggested_name())
        }
        _ => dialogs::save_file(&app, "Save as", &kind.suggested_name())?,
    };
    let running = state.start_job(job);
    let cancel = running.flag();
    let worker = app.clone();
    let path = out.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let state = worker.state::<AppState>();
        run(&state, kind, &path, &options, &on_progress, &cancel)
    })
    .await
    .map_err(|e| UiError::new("io", e.to_string()))
    .and_then(|r| r);
    drop(running);
    result.map(|()| Exported {
        path: out.display().to_string(),
        kind,
    })
}

#[tauri::command]
pub async fn export_cancel(state: State<'_, AppState>, job: u64) -> CmdResult<()> {
    state.cancel_job(job);
    Ok(())
}

/// Passes the core's progress to the UI and its cancel flag back to the core.
struct ChannelProgress<'a> {
    channel: &'a Channel<Step>,
    cancel: &'a AtomicBool,
}

impl Progress for ChannelProgress<'_> {
    fn advanced(&self, done: u64, total: u64, unit: Unit) {
        let _ = self.channel.send(Step {
            done,
            total,
            stage: unit.key().into(),
        });
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// Runs the export with `cancel` checked between entries and exhibits (the core's
/// `Progress`) and between chunks of each original (`bundle::cancel`), so locking
/// stops it at once.
fn run(
    state: &AppState,
    kind: ExportKind,
    out: &Path,
    options: &ExportOptions,
    channel: &Channel<Step>,
    cancel: &Arc<AtomicBool>,
) -> CmdResult<()> {
    bundle::cancel::scope(cancel.clone(), || {
        run_export(state, kind, out, options, channel, cancel)
    })
}

fn run_export(
    state: &AppState,
    kind: ExportKind,
    out: &Path,
    options: &ExportOptions,
    channel: &Channel<Step>,
    cancel: &AtomicBool,
) -> CmdResult<()> {
    let progress = ChannelProgress { channel, cancel };
    let (from, to) = range(options)?;
    match kind {
        ExportKind::Report => {
            let report_options = report::Options {
                from,
                to,
                include_withdrawn: options.include_withdrawn,
                redact_witnesses: options.redact_witnesses,
                thumbnails: options.include_pictures,
                messages: report::MessageDetail::Auto,
                include_private_notes: options.include_private_notes,
                given_to: options.given_to.clone(),
            };
            let diary = state.path();
            state.with_vault(|v| {
                outfile::write_private(out, &diary, Existing::Replace, |p| {
                    v.write_report(p, &report_options, &progress).map(|_| ())
                })
            })
        }
        ExportKind::Handover => {
            let handover = HandoverOptions {
                from,
                to,
                redact_witnesses: options.redact_witnesses,
                include_withdrawn: options.include_withdrawn,
                key: if options.handover_key.trim().is_empty() {
                    HandoverKey::Passphrase(SecretString::from(options.handover_passphrase.clone()))
                } else {
                    HandoverKey::Recipient(daybook_core::crypto::Recipient::parse(
                        &options.handover_key,
                    )?)
                },
                include_private_notes: options.include_private_notes,
                given_to: options.given_to.clone(),
            };
            let diary = state.path();
            state.with_vault(|v| {
                outfile::write_private(out, &diary, Existing::Replace, |p| {
                    v.write_handover(p, &handover, &progress).map(|_| ())
                })
            })
        }
        ExportKind::EvidencePack => {
            // The pack is a folder of originals; the core has no progress for it yet.
            let _ = channel.send(Step {
                done: 0,
                total: 1,
                stage: "files".into(),
            });
            outfile::check_not_vault(out, &state.path())?;
            state.with_vault(|v| {
                let batching = if options.batch {
                    Some(v.settings()?.batching())
                } else {
                    None
                };
                v.write_evidence_pack_with(
                    out,
                    &PackOptions {
                        from,
                        to,
                        batching,
                        given_to: options.given_to.clone(),
                    },
                    &progress,
                )
                .map(|_| ())
            })?;
            let _ = channel.send(Step {
                done: 1,
                total: 1,
                stage: "files".into(),
            });
            Ok(())
        }
        ExportKind::Statement => {
            let statement = StatementOptions {
                selection: Selection::for_output(
                    Output::Statement,
                    from,
                    to,
                    options.include_withdrawn,
                    options.include_private_notes,
                ),
                text_out: None,
                back_page_out: None,
                given_to: options.given_to.clone(),
            };
            let diary = state.path();
            state.with_vault(|v| {
                outfile::write_private(out, &diary, Existing::Replace, |p| {
                    // write_private hands a fresh path; the statement writes it new.
                    v.write_statement(p, &statement).map(|_| ())
                })
            })
        }
    }
}

/// What an export would hold and what the keep-out list and private notes would
/// change, before anything is written.
#[tauri::command]
pub async fn export_preview(
    state: State<'_, AppState>,
    kind: ExportKind,
    options: ExportOptions,
) -> CmdResult<daybook_core::vault::DisclosurePreview> {
    let (from, to) = range(&options)?;
    let selection = Selection::for_output(
        kind.output(),
        from,
        to,
        options.include_withdrawn,
        options.include_private_notes,
    );
    state.with_vault(|v| v.disclosure_preview(&selection))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(from: &str, to: &str) -> ExportOptions {
        ExportOptions {
            from: from.into(),
            to: to.into(),
            ..Default::default()
        }
    }

    #[test]
    fn empty_dates_are_no_limit_and_both_spellings_are_read() {
        assert_eq!(range(&dates("", " ")).unwrap(), (None, None));
        let (from, to) = range(&dates("01/09/2026", "2026-09-30")).unwrap();
        assert_eq!(from, NaiveDate::from_ymd_opt(2026, 9, 1));
        assert_eq!(to, NaiveDate::from_ymd_opt(2026, 9, 30));
    }

    #[test]
    fn unreadable_or_backwards_dates_name_the_field() {
        let err = range(&dates("31/02/2026", "")).unwrap_err();
        assert_eq!(
            (err.kind.as_str(), err.field.as_deref()),
            ("invalid_field", Some("from"))
        );
        let err = range(&dates("", "next week")).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("to"));
        let err = range(&dates("02/09/2026", "01/09/2026")).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("to"));
    }

    #[test]
    fn fail_a_year_outside_1900_to_2200_is_refused() {
        for (from, to, field) in [("01/09/1899", "", "from"), ("", "2201-01-01", "to")] {
            let err = range(&dates(from, to)).unwrap_err();
            assert_eq!(err.field.as_deref(), Some(field));
            assert!(err.message.contains("1900 to 2200"), "{}", err.message);
        }
    }

    #[test]
    fn fail_debug_output_never_shows_the_handover_passphrase() {
        let options = ExportOptions {
            handover_passphrase: "purple otter lamp 1987".into(),
            ..Default::default()
        };
        let shown = format!("{options:?} {options:#?}");
        assert!(!shown.contains("purple otter"), "{shown}");
        assert!(shown.contains("[hidden]"), "{shown}");
    }

    #[test]
    fn defaults_keep_withdrawn_entries_and_pictures() {
        let options: ExportOptions = serde_json::from_str("{}").unwrap();
        assert!(options.include_withdrawn && options.include_pictures && !options.redact_witnesses);
    }
}
