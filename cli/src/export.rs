//! Commands that take things out of the vault or bring them back: report, handover,
//! keygen, evidence pack, backup, restore, and checking a handover file.

use std::io::Write;
use std::path::Path;

use daybook_core::bundle::sealed::{self, Key};
use daybook_core::crypto::{self, Identity, Recipient};
use daybook_core::outfile::{self, Existing};
use daybook_core::report::{self, NoProgress};
use daybook_core::vault::{HandoverKey, HandoverOptions, Vault};
use daybook_core::{Error, ExposeSecret, Result};
use serde_json::json;

use crate::session::{auto_backup, create_private, outln, print_json, unlock, vault_path};
use crate::{secret, Cli, Command, Failure, HandoverCommand};
use daybook_core::incident::Day;

/// `--from`/`--to` as dates, by the core's one rule for a range of days.
fn dates(
    from: &Option<String>,
    to: &Option<String>,
) -> Result<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)> {
    let (from, to) = crate::session::days(from.as_deref(), to.as_deref())?;
    Ok((from.map(Day::date), to.map(Day::date)))
}

fn handover_key(identity: Option<&Path>, passphrase_file: Option<&Path>) -> Result<Key> {
    match (identity, passphrase_file) {
        (Some(path), _) => {
            let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
                Error::File {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                }
            })?);
            Ok(Key::Identity(Identity::parse(&text)?))
        }
        (None, Some(path)) => Ok(Key::Passphrase(secret::from_file(path)?)),
        (None, None) => Ok(Key::Passphrase(secret::prompt("Handover passphrase: ")?)),
    }
}

/// The support worker's public key from `--to-key`. What was typed is never
/// echoed back: it may be the secret key, pasted by mistake, and the error would
/// show it on the screen and in a terminal's scroll-back.
fn public_key(text: &str) -> Result<Recipient> {
    let refuse = |message: &str| Error::InvalidField {
        field: "to-key".into(),
        message: message.into(),
    };
    if text
        .trim()
        .to_ascii_uppercase()
        .starts_with("AGE-SECRET-KEY-")
    {
        return Err(refuse(
            "that is a secret key (AGE-SECRET-KEY-1…), which must stay with its owner; give \
             the public key instead, the line starting age1…",
        ));
    }
    Recipient::parse(text).map_err(|_| {
        refuse("this is not an age public key; it is one line starting age1… (daybook keygen prints it)")
    })
}

pub fn verify_handover(
    path: &Path,
    identity: Option<&Path>,
    passphrase_file: Option<&Path>,
    json: bool,
) -> std::result::Result<(), Failure> {
    let key = handover_key(identity, passphrase_file)?;
    let report = sealed::verify(path, &key)?;
    if json {
        print_json(&json!({
            "passed": report.passed,
            "checked": report.checked,
            "failure": report.failure,
            "fingerprint": report.manifest.as_ref().map(|m| m.fingerprint.clone()),
        }))?;
    } else {
        outln!("Checked the handover file {}:", path.display());
        for line in &report.checked {
            outln!("  ✓ {line}");
        }
        match &report.failure {
            None => outln!("Everything holds."),
            Some(f) => outln!("  ✗ {f}"),
        }
    }
    if report.passed {
        Ok(())
    } else {
        Err(Failure::VerificationFailed)
    }
}

pub fn run(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Report {
            out,
            from,
            to,
            include_withdrawn,
            redact_witnesses,
            no_thumbnails,
            messages,
            disclose,
        } => {
            let (first, last) = dates(from, to)?;
            let options = report::Options {
                from: first,
                to: last,
                include_withdrawn: *include_withdrawn,
                redact_witnesses: *redact_witnesses,
                thumbnails: !no_thumbnails,
                messages: messages
                    .as_deref()
                    .and_then(report::MessageDetail::parse)
                    .unwrap_or_default(),
                include_private_notes: disclose.include_private_notes,
                given_to: disclose.given_to.clone(),
            };
            let mut vault = unlock(cli)?;
            if disclose.preview {
                let selection = crate::disclosure::selection(
                    daybook_core::vault::Output::Report,
                    from.as_deref(),
                    to.as_deref(),
                    *include_withdrawn,
                    disclose.include_private_notes,
                )?;
                return crate::disclosure::preview(&mut vault, &selection, disclose.preview_json);
            }
            let diary = vault.path().to_path_buf();
            let summary = outfile::write_private(out, &diary, Existing::Replace, |p| {
                vault.write_report(p, &options, &NoProgress)
            })?;
            outln!(
                "Wrote the report to {}: {} pages, {} entries, {} exhibits.",
                out.display(),
                summary.pages,
                summary.entries,
                summary.exhibits
            );
            if summary.messages > 0 {
                outln!(
                    "It holds {} imported messages and calls, quoted {}.",
                    summary.messages,
                    if summary.messages_in_entries {
                        "in the entries"
                    } else {
                        "in the message log at the end"
                    }
                );
            }
            eprintln!("The PDF is not encrypted: keep it somewhere safe.");
            auto_backup(&mut vault);
        }
        Command::Handover {
            action:
                Some(HandoverCommand::Open {
                    file,
                    into,
                    identity,
                    handover_passphrase_file,
                    json,
                }),
            ..
        } => {
            let key = handover_key(identity.as_deref(), handover_passphrase_file.as_deref())?;
            let opened = sealed::open(file, &key, into)?;
            if *json {
                print_json(&json!({
                    "dir": opened.dir,
                    "fingerprint": opened.manifest.fingerprint,
                    "created_at": opened.manifest.created_at.to_rfc3339(),
                    "entries": opened.entries.iter().map(|r| crate::output::entry_json(&r.entry)).collect::<Vec<_>>(),
                    "exhibits": opened.exhibits.iter().map(crate::output::exhibit_json).collect::<Vec<_>>(),
                }))?;
            } else {
                outln!("The handover file checks out: every file matches its SHA-256.");
                outln!(
                    "Made {} by Daybook {}; diary fingerprint {}",
                    opened.manifest.created_at.format("%-d %B %Y %H:%M UTC"),
                    opened.manifest.daybook_version,
                    opened.manifest.fingerprint
                );
                outln!();
                for r in &opened.entries {
                    outln!("{}", crate::output::entry_line(&r.entry));
                }
                outln!();
                for x in &opened.exhibits {
                    outln!(
                        "{:<8} entry {:<5} {}  sha256 {}",
                        x.mark,
                        x.entry_number,
                        x.original_name,
                        x.sha256
                    );
                }
                outln!();
                outln!(
                    "Extracted into {} (these copies are not encrypted).",
                    opened.dir.display()
                );
                if let Some(p) = opened.report_path() {
                    outln!("The report is {}", p.display());
                }
            }
        }
        Command::Handover {
            action: None,
            out,
            from,
            to,
            redact_witnesses,
            exclude_withdrawn,
            to_key,
            handover_passphrase_file,
            generate_passphrase,
            disclose,
        } => {
            if disclose.preview {
                let mut vault = unlock(cli)?;
                let selection = crate::disclosure::selection(
                    daybook_core::vault::Output::Handover,
                    from.as_deref(),
                    to.as_deref(),
                    !exclude_withdrawn,
                    disclose.include_private_notes,
                )?;
                return crate::disclosure::preview(&mut vault, &selection, disclose.preview_json);
            }
            let out = out.as_ref().ok_or_else(|| Error::InvalidField {
                field: "out".into(),
                message: "say where to write the handover file".into(),
            })?;
            let key = match (to_key, handover_passphrase_file, generate_passphrase) {
                (Some(k), None, false) => HandoverKey::Recipient(public_key(k)?),
                (None, Some(f), false) => HandoverKey::Passphrase(secret::from_file(f)?),
                (None, None, true) => HandoverKey::Passphrase(crypto::generate_handover_passphrase()),
                _ => {
                    return Err(Error::InvalidField {
                        field: "to-key".into(),
                        message: "choose one of --to-key age1…, --handover-passphrase-file FILE or --generate-passphrase".into(),
                    })
                }
            };
            let (first, last) = dates(from, to)?;
            let options = HandoverOptions {
                from: first,
                to: last,
                redact_witnesses: *redact_witnesses,
                include_withdrawn: !exclude_withdrawn,
                key,
                include_private_notes: disclose.include_private_notes,
                given_to: disclose.given_to.clone(),
            };
            let mut vault = unlock(cli)?;
            let diary = vault.path().to_path_buf();
            let manifest = outfile::write_private(out, &diary, Existing::Replace, |p| {
                vault.write_handover(p, &options, &NoProgress)
            })?;
            outln!(
                "Wrote the encrypted handover file {}: {} entries, {} exhibits{}.",
                out.display(),
                manifest.entries,
                manifest.exhibits,
                if manifest.messages > 0 {
                    format!(", {} imported messages and calls", manifest.messages)
                } else {
                    String::new()
                }
            );
            if let (HandoverKey::Passphrase(p), true) = (&options.key, *generate_passphrase) {
                outln!();
                outln!("Its passphrase (tell it to the support worker separately, for example by phone):");
                outln!();
                outln!("    {}", p.expose_secret());
            }
            auto_backup(&mut vault);
        }
        Command::Keygen { out } => {
            let identity = Identity::generate();
            let public = identity.recipient().to_string();
            outfile::check_not_vault(out, &vault_path(cli))?;
            let mut file = create_private(out)?;
            let text = format!(
                "# created: {}\n# public key: {public}\n{}\n",
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                identity.dangerously_expose_text().expose_secret()
            );
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            outln!("{public}");
            eprintln!("Your secret key is in {}. Give the public key above (age1…) to the people who send you handover files.", out.display());
        }
        Command::EvidencePack {
            out_dir,
            from,
            to,
            batch,
            batch_files,
            batch_bytes,
            disclose,
        } => {
            let mut vault = unlock(cli)?;
            if disclose.preview {
                let selection = crate::disclosure::selection(
                    daybook_core::vault::Output::EvidencePack,
                    from.as_deref(),
                    to.as_deref(),
                    true,
                    false,
                )?;
                return crate::disclosure::preview(&mut vault, &selection, disclose.preview_json);
            }
            outfile::check_not_vault(out_dir, vault.path())?;
            let batching = if *batch || batch_files.is_some() || batch_bytes.is_some() {
                let mut b = vault.settings()?.batching();
                if let Some(n) = batch_files {
                    b.files = *n;
                }
                if let Some(size) = batch_bytes {
                    b.bytes = parse_size(size)?;
                }
                Some(b)
            } else {
                None
            };
            let (first, last) = dates(from, to)?;
            let summary = vault.write_evidence_pack_with(
                out_dir,
                &daybook_core::vault::PackOptions {
                    from: first,
                    to: last,
                    batching,
                    given_to: disclose.given_to.clone(),
                },
                &daybook_core::progress::NoProgress,
            )?;
            if summary.messages > 0 {
                outln!(
                    "Wrote {} original files ({} bytes), {} imported messages and calls in messages.csv and messages.json, with manifest.csv and SHA256SUMS to {}.",
                    summary.files.len(),
                    summary.total_bytes,
                    summary.messages,
                    summary.dir.display()
                );
            } else {
                outln!(
                    "Wrote {} original files ({} bytes) with manifest.csv and SHA256SUMS to {}.",
                    summary.files.len(),
                    summary.total_bytes,
                    summary.dir.display()
                );
            }
            for (mark, why) in &summary.skipped {
                outln!("Left out {mark}: {why}");
            }
            if !summary.batches.is_empty() {
                outln!(
                    "In {} folder(s) for an upload portal: {}",
                    summary.batches.len(),
                    summary.batches.join(", ")
                );
            }
            for (mark, size) in &summary.too_large {
                outln!(
                    "{mark} is too large for the portal ({size} bytes): it is listed in too-large.csv, to be handed over another way"
                );
            }
            eprintln!("These files are NOT encrypted. Upload them, then delete the folder.");
        }
        Command::Backup { out } => {
            let vault = Vault::open_read_only(&vault_path(cli))?;
            outfile::write_private(out, vault.path(), Existing::Refuse, |p| vault.backup(p))?;
            outln!("Backed up the diary (still encrypted) to {}", out.display());
        }
        Command::Restore { file } => {
            let passphrase =
                secret::get(cli.passphrase_file.as_deref(), "Passphrase of the backup: ")?;
            let target = vault_path(cli);
            let kept = Vault::restore(file, &target, &passphrase)?;
            outln!("Restored {} from {}.", target.display(), file.display());
            if let Some(k) = kept {
                outln!("The diary it replaced is kept as {}", k.display());
            }
        }
        _ => {}
    }
    Ok(())
}

/// A size such as `2GB`, `500MB`, `100KB` or a number of bytes (1 KB = 1,000 bytes,
/// as upload portals state their limits).
fn parse_size(text: &str) -> Result<u64> {
    let t = text.trim().to_ascii_uppercase().replace(' ', "");
    let (number, unit) = match t.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => t.split_at(i),
        None => (t.as_str(), ""),
    };
    let scale: f64 = match unit {
        "" | "B" => 1.0,
        "KB" | "K" => 1e3,
        "MB" | "M" => 1e6,
        "GB" | "G" => 1e9,
        "TB" | "T" => 1e12,
        _ => 0.0,
    };
    match number.parse::<f64>() {
        Ok(n) if scale > 0.0 && n >= 1.0 => Ok((n * scale) as u64),
        _ => Err(Error::InvalidField {
            field: "batch-bytes".into(),
            message: format!("'{text}' is not a size; write it like 2GB or 500MB"),
        }),
    }
}
