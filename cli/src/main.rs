//! `daybook`: every capability of the diary from the command line, for scripts,
//! tests and support workers. Passphrases come from a terminal prompt or
//! `--passphrase-file`, never from the command line itself.
//!
//! Exit codes: 0 ok, 1 error, 2 usage or bad input, 3 wrong passphrase or recovery
//! code, 4 verification failed.

#![forbid(unsafe_code)]
// Code returns errors and never panics on input (tests may): the workspace's
// clippy lints deny unwrap, expect and panic, and clippy.toml allows them in tests.

mod commands;
mod disclosure;
mod export;
mod input;
mod keep_out;
mod messages;
mod output;
mod secret;
mod session;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use daybook_core::Error;

use input::IncidentArgs;

/// The exit codes, for `--help` and the manual page.
const EXIT_CODES: &str = "Exit codes: 0 done; 1 error; 2 usage or bad input; \
3 wrong passphrase or recovery code; 4 verification failed (something was altered or \
damaged).";

/// Daybook: a private, sealed diary of incidents, with evidence and a police-ready report.
#[derive(Parser, Debug)]
#[command(name = "daybook", version, about, long_about = None, after_long_help = EXIT_CODES)]
pub struct Cli {
    /// The diary file (default: ~/.local/share/daybook/diary.daybook)
    #[arg(long, global = true, env = "DAYBOOK_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,
    /// Read the passphrase from the first line of this file instead of asking
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Make a new diary, and show its recovery code once
    Init {
        /// Your initials, for exhibit marks such as AB/1
        #[arg(long)]
        initials: Option<String>,
    },
    /// Record a new incident; prints the entry number
    Add {
        #[command(flatten)]
        fields: IncidentArgs,
        /// Print the result as JSON
        #[arg(long = "json-output")]
        json_output: bool,
    },
    /// List entries
    List {
        /// Only incidents on or after this day (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Only incidents on or before this day (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only entries with this behaviour (repeat for any of several)
        #[arg(long = "behaviour", value_name = "KEY")]
        behaviours: Vec<String>,
        /// Only entries containing this text (- reads it from standard input)
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Show one entry in full
    Show {
        number: u64,
        #[arg(long)]
        json: bool,
    },
    /// Show every wording of an entry
    History {
        number: u64,
        #[arg(long)]
        json: bool,
    },
    /// Save a new wording of an entry (the earlier wording is kept)
    Amend {
        number: u64,
        #[command(flatten)]
        fields: IncidentArgs,
    },
    /// Withdraw an entry: it is kept, marked withdrawn with your reason
    Withdraw {
        number: u64,
        /// Why you are withdrawing it (- reads it from standard input)
        #[arg(long)]
        reason: String,
    },
    /// Erase an entry's content for safety; a note that it was erased remains
    Erase {
        number: u64,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
    /// Check the diary (or a backup) has not been altered
    Verify {
        /// A backup or handover file to check instead of the diary
        file: Option<PathBuf>,
        /// For a handover file: your age identity file
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
        /// For a handover file: the passphrase, in the first line of this file
        #[arg(long, value_name = "FILE")]
        handover_passphrase_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Change the passphrase
    Passwd {
        /// Read the new passphrase from this file instead of asking
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Set a new passphrase using the recovery code
    Recover {
        /// File holding the recovery code
        #[arg(long, value_name = "FILE")]
        recovery_code_file: Option<PathBuf>,
        /// Read the new passphrase from this file instead of asking
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Counts, fingerprint and schema version (nothing secret)
    Info {
        #[arg(long)]
        json: bool,
        /// Do not unlock: show only what a locked diary shows
        #[arg(long)]
        locked: bool,
    },
    /// Attach evidence files to an entry; prints each exhibit mark
    Attach {
        number: u64,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// How the file was obtained, e.g. "screenshot of WhatsApp on my phone" (- reads it from standard input)
        #[arg(long, default_value = "")]
        how: String,
        #[arg(long = "json-output")]
        json_output: bool,
    },
    /// Evidence files
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Make the police-ready PDF report
    Report {
        /// Where to write the PDF (it is not encrypted)
        out: PathBuf,
        /// Only incidents on or after this day (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Only incidents on or before this day (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Include withdrawn entries (marked as withdrawn)
        #[arg(long)]
        include_withdrawn: bool,
        /// Leave out witnesses' names and contact details
        #[arg(long)]
        redact_witnesses: bool,
        /// Leave out the pictures
        #[arg(long)]
        no_thumbnails: bool,
        #[command(flatten)]
        disclose: DiscloseArgs,
        /// Imported messages: quote them in each entry (full), or count them in each
        /// entry and quote them in an appendix (summary). Default: full, or summary
        /// when the report would hold more than 5,000 messages
        #[arg(long, value_name = "summary|full", value_parser = ["summary", "full"])]
        messages: Option<String>,
    },
    /// Make an encrypted handover file for a support worker, or open one
    #[command(args_conflicts_with_subcommands = true)]
    Handover {
        #[command(subcommand)]
        action: Option<HandoverCommand>,
        /// Where to write the handover file
        out: Option<PathBuf>,
        /// Only incidents on or after this day (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Only incidents on or before this day (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Leave out witnesses' names and contact details
        #[arg(long)]
        redact_witnesses: bool,
        /// Leave out withdrawn entries
        #[arg(long)]
        exclude_withdrawn: bool,
        /// Encrypt to the support worker's age public key (age1…)
        #[arg(long, value_name = "KEY")]
        to_key: Option<String>,
        /// Encrypt with the passphrase in the first line of this file
        #[arg(long, value_name = "FILE")]
        handover_passphrase_file: Option<PathBuf>,
        /// Make up a strong passphrase, print it once, and encrypt with it
        #[arg(long)]
        generate_passphrase: bool,
        #[command(flatten)]
        disclose: DiscloseArgs,
    },
    /// Support workers: this diary's key for receiving handover files (made once, kept
    /// sealed inside the diary); prints the public key to give to people
    ReceivingKey {
        /// Also write a printable one-page key sheet (PDF, with a QR code) here
        #[arg(long, value_name = "FILE")]
        sheet: Option<PathBuf>,
    },
    /// Make an age key pair for receiving handover files (support workers)
    Keygen {
        /// Where to write the secret key file
        #[arg(long, short, value_name = "FILE")]
        out: PathBuf,
    },
    /// Write the original evidence files to a folder for a police upload portal (NOT encrypted)
    EvidencePack {
        out_dir: PathBuf,
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Put the files in folders for an upload portal, each with captions.csv and
        /// an index (sizes from the settings: 25 files, 2 GB each)
        #[arg(long)]
        batch: bool,
        /// Batches of at most this many files (implies --batch)
        #[arg(long, value_name = "N")]
        batch_files: Option<usize>,
        /// No file over this size in a batch, e.g. 2GB or 500MB (implies --batch)
        #[arg(long, value_name = "SIZE")]
        batch_bytes: Option<String>,
        #[command(flatten)]
        disclose: DiscloseArgs,
    },
    /// Copy the whole diary, still encrypted, to one file
    Backup { out: PathBuf },
    /// Replace the diary with a backup (the current one is kept as a dated copy)
    Restore { file: PathBuf },
    /// Show or change settings
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Import the messages and calls from a phone's export (a WhatsApp chat .txt or
    /// .zip, an SMS Backup & Restore .xml or call log): one entry a day with contact
    Import {
        file: PathBuf,
        /// Only show what is in the export (people, counts, dates); change nothing
        #[arg(long)]
        dry_run: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
        /// Whose contact this is about: a name or number from the dry run (repeat for several)
        #[arg(long = "person", value_name = "NAME_OR_NUMBER")]
        people: Vec<String>,
        /// Only messages on or after this day
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Only messages on or before this day
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// The chat's dates are day first (31/12/24), when it cannot be told
        #[arg(long, conflicts_with = "month_first")]
        day_first: bool,
        /// The chat's dates are month first (12/31/24), when it cannot be told
        #[arg(long)]
        month_first: bool,
        /// The time zone the phone was in (default: the diary's)
        #[arg(long, value_name = "ZONE")]
        zone: Option<String>,
        /// How the export was obtained (- reads it from standard input)
        #[arg(long, default_value = "")]
        how: String,
    },
    /// Words, phrases and places that must never leave the diary (an address, a
    /// school): kept out of every report and file
    #[command(subcommand)]
    KeepOut(KeepOutCommand),
    /// Print a completion script for your shell (bash, zsh, fish, elvish, powershell)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual pages (roff: daybook.1 and one per command) into a folder,
    /// as the package installs them
    #[command(hide = true)]
    Manual {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Write a draft witness statement from your entries, to help the officer
    Statement {
        /// Where to write the PDF (it is not encrypted)
        out: PathBuf,
        /// Also write it as plain text here
        #[arg(long, value_name = "FILE")]
        text: Option<PathBuf>,
        /// Also write the page of contact details for the back of the statement (not for disclosure)
        #[arg(long, value_name = "FILE")]
        back_page: Option<PathBuf>,
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Include your private notes in this one statement
        #[arg(long)]
        include_private_notes: bool,
        /// Show what it would hold and change nothing
        #[arg(long)]
        preview: bool,
        #[arg(long, requires = "preview")]
        json: bool,
        /// Who you are giving it to (kept in the custody log)
        #[arg(long, value_name = "TEXT", default_value = "")]
        given_to: String,
    },
    /// Everything that has left the diary: reports, statements, handover files,
    /// evidence packs and originals saved
    Custody {
        #[arg(long)]
        json: bool,
    },
    /// List imported messages and calls
    Messages {
        /// Only those from or to this name or number
        #[arg(long, value_name = "NAME_OR_NUMBER")]
        person: Option<String>,
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Only those linked to this entry
        #[arg(long, value_name = "NUMBER")]
        entry: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Quick notes written while locked that were held apart (their time or number
    /// could not be confirmed): list them, keep one, or discard one
    #[command(subcommand)]
    Notes(NotesCommand),
}

#[derive(Subcommand, Debug)]
pub enum KeepOutCommand {
    /// Add a word or phrase (- reads it from standard input, keeping it out of the
    /// shell's history)
    Add { phrase: String },
    /// Remove a word or phrase
    Remove { phrase: String },
    /// List them
    List {
        #[arg(long)]
        json: bool,
    },
    /// Leave out photo positions near a place: LAT,LON
    Place {
        #[arg(allow_hyphen_values = true, value_name = "LAT,LON")]
        position: String,
        /// How far around it, in metres
        #[arg(long, default_value_t = 500.0, value_name = "METRES")]
        radius: f64,
        /// Remove this place instead
        #[arg(long)]
        remove: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum NotesCommand {
    /// List the held notes and why each was held
    List {
        #[arg(long)]
        json: bool,
    },
    /// Keep a held note as an entry (marked as written while locked, with why it was held)
    Keep { id: String },
    /// Discard a held note
    Discard { id: String },
}

#[derive(Subcommand, Debug)]
pub enum EvidenceCommand {
    /// List exhibits (of one entry, or all)
    List {
        number: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Show one exhibit
    Show {
        mark: String,
        #[arg(long)]
        json: bool,
    },
    /// Write the original file, byte for byte, to OUT
    Export { mark: String, out: PathBuf },
    /// Write the preview picture (JPEG) to OUT
    Thumbnail { mark: String, out: PathBuf },
    /// Erase an exhibit's file for safety; its SHA-256 stays on record
    Erase {
        mark: String,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum HandoverCommand {
    /// Check a handover file and extract it into a folder
    Open {
        file: PathBuf,
        /// The folder to extract into (new or empty)
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
        /// Your age identity file (from `daybook keygen`)
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
        /// The handover passphrase, in the first line of this file
        #[arg(long, value_name = "FILE")]
        handover_passphrase_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum SettingsCommand {
    /// Show the settings
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Change settings
    Set {
        #[arg(long)]
        initials: Option<String>,
        /// Your name, for the report cover
        #[arg(long)]
        keeper_name: Option<String>,
        /// The name of the person responsible, for the report cover
        #[arg(long)]
        responsible_name: Option<String>,
        #[arg(long)]
        auto_lock_minutes: Option<u32>,
        /// Folder for automatic backups
        #[arg(long)]
        backup_dir: Option<PathBuf>,
        #[arg(long)]
        backups_to_keep: Option<u32>,
        /// Time zone for reports
        #[arg(long)]
        zone: Option<String>,
        /// Batched evidence packs: most files in a folder
        #[arg(long, value_name = "N")]
        pack_batch_files: Option<u32>,
        /// Batched evidence packs: largest file in a folder, in bytes
        #[arg(long, value_name = "BYTES")]
        pack_batch_bytes: Option<u64>,
    },
}

/// What every export takes: the disclosure choices and the custody note.
#[derive(clap::Args, Debug, Clone)]
pub struct DiscloseArgs {
    /// Include your private notes in this one export
    #[arg(long)]
    pub include_private_notes: bool,
    /// Show what it would hold and what the keep-out list would change; write nothing
    #[arg(long)]
    pub preview: bool,
    /// With --preview: print JSON
    #[arg(long = "json", requires = "preview")]
    pub preview_json: bool,
    /// Who you are giving it to (kept in the custody log)
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub given_to: String,
}

/// What went wrong, for the exit code.
pub enum Failure {
    Error(Error),
    VerificationFailed,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Error(e)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::VerificationFailed) => ExitCode::from(4),
        Err(Failure::Error(e)) => {
            eprintln!(
                "daybook: {}",
                daybook_core::escape::terminal(&e.to_string())
            );
            ExitCode::from(match e {
                Error::WrongPassphrase | Error::WrongRecoveryCode => 3,
                Error::InvalidField { .. } => 2,
                Error::Tampered { .. } => 4,
                _ => 1,
            })
        }
    }
}
