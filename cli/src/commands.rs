//! What each command does: a few lines each, calling the core.

use std::io::{IsTerminal, Write};
use std::path::Path;

use daybook_core::entry::Entry;
use daybook_core::incident::{local_zone, Behaviour};
use daybook_core::outfile::{self, Existing};
use daybook_core::select::Filter;
use daybook_core::vault::{CreateOptions, Vault};
use daybook_core::{crypto, Error, ExposeSecret, Result};
use serde_json::json;

use crate::{input, output};

use crate::export;
use crate::secret;
use crate::session::{auto_backup, create_private, out, outln, print_json, unlock, vault_path};
use crate::{Cli, Command, EvidenceCommand, Failure, NotesCommand, SettingsCommand};

/// For the tests only: a lower scrypt cost for new vaults, read by debug builds alone
/// (see [`insecure_scrypt_log_n`]).
#[cfg(any(debug_assertions, test))]
const SCRYPT_ENV: &str = "DAYBOOK_INSECURE_SCRYPT_LOG_N";

/// The scrypt cost `DAYBOOK_INSECURE_SCRYPT_LOG_N` asks for, in debug builds; always
/// `None` in release builds.
///
/// Why: the tests need diaries that open in milliseconds, but anyone who can set the
/// person's environment (a shared login, a line added to a shell profile) could
/// otherwise make a new diary's key cheap to guess without the person ever noticing.
/// A released `daybook` therefore ignores the variable and always uses the full
/// cost. (A changed or recovered passphrase keeps the diary's own cost, in the core.)
fn insecure_scrypt_log_n() -> Option<u8> {
    #[cfg(debug_assertions)]
    {
        std::env::var(SCRYPT_ENV).ok().and_then(|v| v.parse().ok())
    }
    #[cfg(not(debug_assertions))]
    {
        None
    }
}

fn confirm(question: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::InvalidField {
            field: "yes".into(),
            message: "this cannot be undone; add --yes to confirm".into(),
        });
    }
    out!("{question} Type yes to go on: ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(answer.trim().eq_ignore_ascii_case("yes"))
}

pub fn run(cli: Cli) -> std::result::Result<(), Failure> {
    match &cli.command {
        Command::Init { initials } => {
            let path = vault_path(&cli);
            if path.exists() {
                return Err(Error::VaultExists(path).into());
            }
            let passphrase = secret::new_passphrase(cli.passphrase_file.as_deref())?;
            let scrypt_log_n = insecure_scrypt_log_n();
            let (_vault, code) = Vault::create(
                &path,
                passphrase,
                CreateOptions {
                    scrypt_log_n,
                    initials: initials.clone(),
                    ..Default::default()
                },
            )?;
            outln!("Your diary is ready at {}", path.display());
            outln!();
            outln!("Your recovery code (shown only this once):");
            outln!();
            outln!("    {}", code.expose_secret());
            outln!();
            outln!("Write it down and keep it somewhere safe, away from this computer.");
            outln!("If you forget your passphrase, this code is the only way back in.");
        }
        Command::Add {
            fields,
            json_output,
        } => {
            let incident = fields.to_new_incident()?;
            let path = vault_path(&cli);
            let mut vault = Vault::open(&path)?;
            // With a passphrase file the entry joins the chain now; otherwise it is
            // sealed to the diary's public key and joins at the next unlock.
            if let Some(file) = &cli.passphrase_file {
                vault.unlock(&secret::from_file(file)?)?;
            }
            let number = vault.add(incident)?;
            if vault.is_unlocked() {
                auto_backup(&mut vault);
            }
            if *json_output {
                print_json(&json!({ "number": number }))?;
            } else {
                outln!("{number}");
            }
        }
        Command::List {
            from,
            to,
            behaviours,
            search,
            json,
        } => {
            let (from, to) = crate::session::days(from.as_deref(), to.as_deref())?;
            let behaviours = behaviours
                .iter()
                .flat_map(|b| b.split(','))
                .map(Behaviour::parse)
                .collect::<Result<Vec<_>>>()?;
            let search = search
                .as_deref()
                .map(|s| input::read_dash("--search", s))
                .transpose()?;
            let mut vault = unlock(&cli)?;
            // The same rule as the app's timeline and every export (`select`).
            let filter = Filter {
                from,
                to,
                behaviours,
                include_withdrawn: true,
                include_erased: true,
                ..Filter::default()
            }
            .with_search(search.as_deref().unwrap_or(""));
            let zone = vault.settings()?.display_zone();
            let entries: Vec<Entry> = vault
                .entries()?
                .into_iter()
                .filter(|e| filter.matches(e, &zone))
                .collect();
            if *json {
                print_json(&serde_json::Value::Array(
                    entries.iter().map(output::entry_json).collect(),
                ))?;
            } else if entries.is_empty() {
                outln!("No entries match.");
            } else {
                for e in &entries {
                    outln!("{}", output::entry_line(e));
                }
                outln!(
                    "{} {}",
                    entries.len(),
                    if entries.len() == 1 {
                        "entry"
                    } else {
                        "entries"
                    }
                );
            }
        }
        Command::Show { number, json } => {
            let mut vault = unlock(&cli)?;
            let entry = vault.entry(*number)?;
            if *json {
                print_json(&output::entry_json(&entry))?;
            } else {
                out!("{}", output::entry_text(&entry, &local_zone()));
            }
        }
        Command::History { number, json } => {
            let mut vault = unlock(&cli)?;
            let revisions = vault.history(*number)?;
            let entry = vault.entry(*number)?;
            if *json {
                print_json(&json!({
                    "entry": output::entry_json(&entry),
                    "revisions": revisions.iter().map(output::revision_json).collect::<Vec<_>>(),
                    "changes": vault.changes(*number)?.iter().map(|(at, what)| json!({"at": at.to_rfc3339(), "what": what})).collect::<Vec<_>>(),
                }))?;
            } else {
                let zone = local_zone();
                for r in &revisions {
                    outln!(
                        "Wording {} — saved {}",
                        r.revision,
                        daybook_core::incident::display_instant(r.saved_at, &zone)
                    );
                    out!("{}", output::incident_text(&r.incident, &zone));
                    outln!();
                }
                for (at, what) in vault.changes(*number)? {
                    outln!(
                        "{}  {what}",
                        daybook_core::incident::display_instant(at, &zone)
                    );
                }
            }
        }
        Command::Amend { number, fields } => {
            let mut vault = unlock(&cli)?;
            let entry = vault.entry(*number)?;
            let current = entry
                .incident
                .ok_or_else(|| Error::NotAllowed(format!("entry {number} was erased")))?;
            let amended = fields.amend(&current)?;
            if amended == current {
                outln!("Nothing changed in entry {number}.");
            } else {
                vault.amend(*number, amended)?;
                outln!("Entry {number} amended; the earlier wording is kept.");
                auto_backup(&mut vault);
            }
        }
        Command::Withdraw { number, reason } => {
            let reason = input::read_dash("--reason", reason)?;
            let mut vault = unlock(&cli)?;
            vault.withdraw(*number, &reason)?;
            outln!("Entry {number} is withdrawn. It is kept, with your reason.");
            auto_backup(&mut vault);
        }
        Command::Erase { number, yes } => {
            let mut vault = unlock(&cli)?;
            vault.entry(*number)?;
            if !confirm(
                &format!(
                    "This removes what entry {number} says, and its evidence files, for good."
                ),
                *yes,
            )? {
                outln!("Nothing was erased.");
                return Ok(());
            }
            vault.erase(*number)?;
            outln!(
                "Entry {number} was erased. A note that it existed and when it was erased remains."
            );
            auto_backup(&mut vault);
        }
        Command::Verify {
            file,
            json,
            identity,
            handover_passphrase_file,
        } => {
            let path = file.clone().unwrap_or_else(|| vault_path(&cli));
            if daybook_core::bundle::sealed::looks_like_age(&path) {
                return export::verify_handover(
                    &path,
                    identity.as_deref(),
                    handover_passphrase_file.as_deref(),
                    *json,
                );
            }
            let report = verify_vault(&cli, &path)?;
            if *json {
                print_json(&serde_json::to_value(&report).unwrap_or_default())?;
            } else {
                outln!("Checked {}:", path.display());
                for line in &report.checked {
                    outln!("  ✓ {line}");
                }
                match &report.failure {
                    None => {
                        if let Some(f) = &report.fingerprint {
                            outln!("Everything holds. Fingerprint: {f}");
                        }
                    }
                    Some(f) => outln!("  ✗ {}", f.message),
                }
            }
            if !report.ok() {
                return Err(Failure::VerificationFailed);
            }
        }
        Command::Passwd {
            new_passphrase_file,
        } => {
            let mut vault = Vault::open(&vault_path(&cli))?;
            let current = secret::get(cli.passphrase_file.as_deref(), "Current passphrase: ")?;
            let new = secret::new_passphrase(new_passphrase_file.as_deref())?;
            vault.change_passphrase(&current, new)?;
            outln!("Passphrase changed. Your recovery code still works.");
        }
        Command::Recover {
            recovery_code_file,
            new_passphrase_file,
        } => {
            let mut vault = Vault::open(&vault_path(&cli))?;
            let code = secret::get(recovery_code_file.as_deref(), "Recovery code: ")?;
            let new = secret::new_passphrase(new_passphrase_file.as_deref())?;
            vault.recover(&code, new)?;
            outln!("Your new passphrase is set. Your recovery code still works.");
        }
        Command::Info { json, locked } => {
            let mut vault = if *locked {
                Vault::open_read_only(&vault_path(&cli))?
            } else {
                unlock(&cli)?
            };
            let info = vault.info()?;
            if *json {
                print_json(&serde_json::to_value(&info).unwrap_or_default())?;
            } else {
                outln!("Diary:            {}", info.path.display());
                outln!("Schema version:   {}", info.schema_version);
                outln!("Entries:          {}", info.entries);
                if let (Some(a), Some(w), Some(e)) = (info.active, info.withdrawn, info.erased) {
                    outln!("  standing {a}, withdrawn {w}, erased {e}");
                }
                outln!("Evidence files:   {}", info.exhibits);
                outln!("Recorded changes: {}", info.changes);
                if info.waiting > 0 {
                    outln!("Quick notes waiting to join the chain: {}", info.waiting);
                }
                if let Some(f) = &info.fingerprint {
                    outln!("Fingerprint:      {f}");
                }
            }
        }
        Command::Attach {
            number,
            files,
            how,
            json_output,
        } => {
            let how = input::read_dash("--how", how)?;
            let mut vault = unlock(&cli)?;
            let mut attached = Vec::new();
            for file in files {
                let exhibit = vault.attach(*number, file, &how)?;
                if !json_output {
                    let mut line = format!(
                        "{}  {}  sha256 {}",
                        exhibit.mark, exhibit.original_name, exhibit.sha256
                    );
                    if let Some(d) = &exhibit.duplicate_of {
                        line.push_str(&format!("  (the same file as {d})"));
                    }
                    outln!("{line}");
                    if let daybook_core::evidence::Preview::None { reason } = &exhibit.preview {
                        eprintln!("  no preview: {}", daybook_core::escape::terminal(reason));
                    }
                }
                attached.push(exhibit);
            }
            if *json_output {
                print_json(&serde_json::Value::Array(
                    attached.iter().map(output::exhibit_json).collect(),
                ))?;
            }
            auto_backup(&mut vault);
        }
        Command::Evidence(cmd) => evidence(&cli, cmd)?,
        Command::Report { .. }
        | Command::Handover { .. }
        | Command::Keygen { .. }
        | Command::EvidencePack { .. }
        | Command::Backup { .. }
        | Command::Restore { .. } => export::run(&cli)?,
        Command::Settings(cmd) => settings(&cli, cmd)?,
        Command::Notes(cmd) => notes(&cli, cmd)?,
        Command::KeepOut(cmd) => crate::keep_out::run(&cli, cmd)?,
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "daybook", &mut std::io::stdout());
        }
        Command::Manual { out } => {
            std::fs::create_dir_all(out).map_err(Error::from)?;
            clap_mangen::generate_to(<Cli as clap::CommandFactory>::command(), out)
                .map_err(Error::from)?;
        }
        Command::Statement {
            out,
            text,
            back_page,
            from,
            to,
            include_private_notes,
            preview,
            json,
            given_to,
        } => crate::disclosure::statement(
            &cli,
            crate::disclosure::StatementArgs {
                out,
                text: text.as_deref(),
                back_page: back_page.as_deref(),
                selection: crate::disclosure::selection(
                    daybook_core::vault::Output::Statement,
                    from.as_deref(),
                    to.as_deref(),
                    false,
                    *include_private_notes,
                )?,
                preview: *preview,
                json: *json,
                given_to,
            },
        )?,
        Command::Custody { json } => crate::disclosure::custody(&cli, *json)?,
        Command::ReceivingKey { sheet } => {
            let mut vault = unlock(&cli)?;
            let key = vault.make_receiving_key()?;
            outln!("{key}");
            if let Some(path) = sheet {
                let pdf = daybook_core::report::key_sheet(&key, &vault.settings()?.keeper_name)?;
                let mut file = create_private(path)?;
                file.write_all(&pdf)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| Error::File {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                eprintln!(
                    "The key sheet is {} (nothing secret is in it).",
                    path.display()
                );
            }
        }
        Command::Import {
            file,
            dry_run,
            json,
            people,
            from,
            to,
            day_first,
            month_first,
            zone,
            how,
        } => crate::messages::import(
            &cli,
            crate::messages::ImportArgs {
                file,
                dry_run: *dry_run,
                json: *json,
                people,
                from: from.as_deref(),
                to: to.as_deref(),
                day_first: *day_first,
                month_first: *month_first,
                zone: zone.as_deref(),
                how,
            },
        )?,
        Command::Messages {
            person,
            from,
            to,
            entry,
            json,
        } => crate::messages::list(
            &cli,
            crate::messages::ListArgs {
                person: person.as_deref(),
                from: from.as_deref(),
                to: to.as_deref(),
                entry: *entry,
                json: *json,
            },
        )?,
    }
    Ok(())
}

fn notes(cli: &Cli, cmd: &NotesCommand) -> Result<()> {
    let mut vault = unlock(cli)?;
    match cmd {
        NotesCommand::List { json } => {
            let held = vault.held_notes()?;
            if *json {
                print_json(&serde_json::to_value(&held).unwrap_or_default())?;
            } else if held.is_empty() {
                outln!("No quick notes are held apart.");
            } else {
                for note in &held {
                    let when = note
                        .recorded_at
                        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                        .unwrap_or_else(|| "time unknown".into());
                    outln!("{}  entry {}  {when}", note.id, note.entry_number);
                    if let Some(d) = &note.description {
                        // `outln!` escapes control and direction characters: a held
                        // note may have been written by someone else.
                        outln!("  {}", d.chars().take(200).collect::<String>());
                    }
                    outln!("  Held because {}.", note.reason);
                }
                outln!("Keep one with: daybook notes keep ID   or discard it with: daybook notes discard ID");
            }
        }
        NotesCommand::Keep { id } => {
            let number = vault.keep_held_note(id)?;
            outln!("Kept as entry {number}, marked as written while locked, with why it was held.");
        }
        NotesCommand::Discard { id } => {
            vault.discard_held_note(id)?;
            outln!("Discarded.");
        }
    }
    Ok(())
}

fn verify_vault(cli: &Cli, path: &Path) -> Result<daybook_core::vault::verify::Report> {
    // Read-only: checking a diary (or a copy kept as evidence) never changes it.
    let mut vault = Vault::open_read_only(path)?;
    let passphrase = secret::get(cli.passphrase_file.as_deref(), "Passphrase: ")?;
    vault.unlock(&passphrase)?;
    match vault.verify() {
        Ok(report) => Ok(report),
        Err(e @ (Error::Tampered { .. } | Error::NotAVault(_))) => {
            Ok(daybook_core::vault::verify::failed(&e))
        }
        Err(e) => Err(e),
    }
}

fn evidence(cli: &Cli, cmd: &EvidenceCommand) -> Result<()> {
    let mut vault = unlock(cli)?;
    let zone = local_zone();
    match cmd {
        EvidenceCommand::List { number, json } => {
            if let Some(n) = number {
                vault.entry(*n)?;
            }
            let exhibits = vault.exhibits(*number)?;
            if *json {
                print_json(&serde_json::Value::Array(
                    exhibits.iter().map(output::exhibit_json).collect(),
                ))?;
            } else if exhibits.is_empty() {
                outln!("No evidence files.");
            } else {
                for x in &exhibits {
                    let state = if x.erased_at.is_some() {
                        "  [erased]"
                    } else {
                        ""
                    };
                    outln!(
                        "{:<8} entry {:<5} {}  {}  {}  sha256 {}{}",
                        x.mark,
                        x.entry_number,
                        x.original_name,
                        x.media_type,
                        output::human_size(x.size),
                        x.sha256,
                        state
                    );
                }
            }
        }
        EvidenceCommand::Show { mark, json } => {
            let x = vault.exhibit(mark)?;
            if *json {
                print_json(&output::exhibit_json(&x))?;
            } else {
                out!("{}", output::exhibit_text(&x, &zone));
            }
        }
        EvidenceCommand::Export { mark, out } => {
            let diary = vault.path().to_path_buf();
            let x = outfile::write_private(out, &diary, Existing::Refuse, |p| {
                vault.export_original(mark, p)
            })?;
            outln!(
                "Wrote {} ({} bytes, sha256 {}) to {}",
                x.mark,
                x.size,
                x.sha256,
                out.display()
            );
            eprintln!("This copy is not encrypted.");
        }
        EvidenceCommand::Thumbnail { mark, out } => {
            let x = vault.exhibit(mark)?;
            let bytes = vault.thumbnail(mark)?.ok_or_else(|| {
                Error::NotAllowed(match &x.preview {
                    daybook_core::evidence::Preview::None { reason } => {
                        format!("exhibit {} has no preview: {reason}", x.mark)
                    }
                    _ => format!("exhibit {} has no preview", x.mark),
                })
            })?;
            outfile::check_not_vault(out, vault.path())?;
            let mut file = create_private(out)?;
            file.write_all(&bytes)?;
            outln!("Wrote the preview of {} to {}", x.mark, out.display());
        }
        EvidenceCommand::Erase { mark, yes } => {
            let x = vault.exhibit(mark)?;
            if !confirm(
                &format!(
                    "This removes the file {} ({}) for good; its SHA-256 stays on record.",
                    x.mark, x.original_name
                ),
                *yes,
            )? {
                outln!("Nothing was erased.");
                return Ok(());
            }
            vault.erase_exhibit(mark)?;
            outln!("Exhibit {} was erased.", x.mark);
        }
    }
    Ok(())
}

fn settings(cli: &Cli, cmd: &SettingsCommand) -> Result<()> {
    let mut vault = unlock(cli)?;
    match cmd {
        SettingsCommand::Show { json } => {
            let s = vault.settings()?;
            if *json {
                print_json(&serde_json::to_value(&s).unwrap_or_default())?;
            } else {
                outln!("Initials:          {}", s.initials);
                outln!("Your name:         {}", s.keeper_name);
                outln!(
                    "Person responsible:{}",
                    if s.responsible_name.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", s.responsible_name)
                    }
                );
                outln!("Auto-lock minutes: {}", s.auto_lock_minutes);
                outln!(
                    "Backup folder:     {}",
                    s.backup_dir
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                );
                outln!("Backups kept:      {}", s.backups_to_keep);
                outln!("Zone:              {}", s.display_zone());
                outln!(
                    "Kept out:          {} phrase(s), {} place(s) (daybook keep-out list)",
                    s.keep_out.len(),
                    s.keep_out_places.len()
                );
                outln!(
                    "Pack batches:      {} files, {} bytes at most",
                    s.pack_batch_files,
                    s.pack_batch_bytes
                );
            }
        }
        SettingsCommand::Set {
            initials,
            keeper_name,
            responsible_name,
            auto_lock_minutes,
            backup_dir,
            backups_to_keep,
            zone,
            pack_batch_files,
            pack_batch_bytes,
        } => {
            let mut s = vault.settings()?;
            if let Some(v) = pack_batch_files {
                s.pack_batch_files = *v;
            }
            if let Some(v) = pack_batch_bytes {
                s.pack_batch_bytes = *v;
            }
            if let Some(v) = initials {
                s.initials = v.clone();
            }
            if let Some(v) = keeper_name {
                s.keeper_name = v.trim().to_string();
            }
            if let Some(v) = responsible_name {
                s.responsible_name = v.trim().to_string();
            }
            if let Some(v) = auto_lock_minutes {
                s.auto_lock_minutes = *v;
            }
            if let Some(v) = backup_dir {
                s.backup_dir = if v.as_os_str().is_empty() {
                    None
                } else {
                    Some(v.clone())
                };
            }
            if let Some(v) = backups_to_keep {
                s.backups_to_keep = *v;
            }
            if let Some(v) = zone {
                s.zone = v.clone();
            }
            vault.save_settings(&s)?;
            outln!("Settings saved.");
        }
    }
    let _ = crypto::SCRYPT_LOG_N;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tests set the variable on the binary, never in this process, so changing
    /// it here races with nothing.
    fn with_env<T>(value: &str, f: impl FnOnce() -> T) -> T {
        std::env::set_var(SCRYPT_ENV, value);
        let out = f();
        std::env::remove_var(SCRYPT_ENV);
        out
    }

    #[cfg(debug_assertions)]
    #[test]
    fn a_debug_build_takes_the_test_scrypt_cost() {
        assert_eq!(with_env("10", insecure_scrypt_log_n), Some(10));
        assert_eq!(with_env("not a number", insecure_scrypt_log_n), None);
    }

    /// Runs in release test builds, or without building everything in release:
    /// `cargo test -p daybook-cli --bin daybook --config
    /// 'profile.dev.package.daybook-cli.debug-assertions=false'`.
    #[cfg(not(debug_assertions))]
    #[test]
    fn fail_a_release_build_ignores_the_test_scrypt_cost() {
        assert_eq!(with_env("1", insecure_scrypt_log_n), None);
    }
}
