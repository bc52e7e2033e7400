//! What leaves the vault: the report, the handover file and the evidence pack. These
//! open records and hand them to `report` and `bundle`, which never see the vault.
//! Output goes only to the path the person chose; a failed export removes its
//! partial output.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use chrono::{NaiveDate, Utc};

use super::disclose::{Output, Selection};
use super::Vault;
use crate::bundle::{self, handover, records::EntryRecord};
use crate::crypto::{self, SealWriter};
use crate::entry::Status;
use crate::error::{Error, Result};
use crate::evidence::Exhibit;
use crate::incident::Day;
use crate::message;
use crate::report::{self, Document, Progress, ReportEntry, Tombstone};
use crate::select::Filter;
use crate::stream::pipe::BackgroundWriter;
use crate::stream::syncer::Syncer;
use crate::SecretString;

/// Who can open a handover file.
pub enum HandoverKey {
    /// A support worker's age public key (`age1…`).
    Recipient(crypto::Recipient),
    /// A passphrase to pass on separately (for example by phone).
    Passphrase(SecretString),
}

/// Choices for a handover file.
pub struct HandoverOptions {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub redact_witnesses: bool,
    pub include_withdrawn: bool,
    pub key: HandoverKey,
    /// Include the entries' private notes in this one handover.
    pub include_private_notes: bool,
    /// Who it is given to, for the custody log.
    pub given_to: String,
}

/// Choices for an evidence pack.
#[derive(Debug, Clone, Default)]
pub struct PackOptions {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Batch folders for an upload portal (see `bundle::pack::Batching`).
    pub batching: Option<bundle::pack::Batching>,
    /// Who it is given to, for the custody log.
    pub given_to: String,
}

/// Removes a partial output file when an export fails.
struct Partial<'a> {
    path: &'a Path,
    done: bool,
}

impl Drop for Partial<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(self.path);
        }
    }
}

/// Bytes written between syncs of a long export: flushing to disk as it goes (on a
/// background thread, see `syncer`) overlaps the disk's work with the reading and
/// encrypting, instead of one long wait at the end.
const SYNC_EVERY_BYTES: u64 = 128 * 1024 * 1024;

/// A file that asks for a background sync every `SYNC_EVERY_BYTES`.
struct SyncingFile {
    file: File,
    syncer: Option<Syncer>,
    since_sync: u64,
    /// SHA-256 of everything written (the output's own hash, for the custody log).
    hash: sha2::Sha256,
}

impl SyncingFile {
    fn new(file: File) -> Self {
        let syncer = file.try_clone().ok().map(Syncer::new);
        SyncingFile {
            file,
            syncer,
            since_sync: 0,
            hash: sha2::Digest::new(),
        }
    }
}

impl Write for SyncingFile {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(data)?;
        sha2::Digest::update(&mut self.hash, &data[..n]);
        self.since_sync += n as u64;
        if self.since_sync >= SYNC_EVERY_BYTES {
            if let Some(syncer) = &self.syncer {
                syncer.nudge();
            }
            self.since_sync = 0;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

fn create(out: &Path) -> Result<File> {
    File::create(out).map_err(|e| Error::file(out, e))
}

impl Vault {
    /// Everything the report can show, opened, with the diary's disclosure rules
    /// applied (private notes left out).
    pub fn report_document(&mut self) -> Result<Document> {
        self.report_document_with(false).map(|(doc, _)| doc)
    }

    /// `report_document`, including private notes or not, with what the rules
    /// changed.
    fn report_document_with(
        &mut self,
        include_private_notes: bool,
    ) -> Result<(Document, crate::disclosure::Tally)> {
        self.check_against_chain()?;
        let settings = self.settings()?;
        let rules = settings.disclosure(include_private_notes);
        let mut tally = crate::disclosure::Tally::default();
        let entries = self.entries()?;
        let mut report_entries = Vec::new();
        let mut erased = Vec::new();
        for mut entry in entries {
            match entry.status {
                Status::Erased { at } => erased.push(Tombstone {
                    number: entry.number,
                    recorded_at: entry.recorded_at,
                    erased_at: at,
                }),
                _ => {
                    let mut earlier = if entry.revisions > 1 {
                        self.history(entry.number)?
                    } else {
                        Vec::new()
                    };
                    earlier.pop();
                    rules.entry(&mut entry, &mut tally);
                    for revision in &mut earlier {
                        rules.revision(revision, &mut tally);
                    }
                    report_entries.push(ReportEntry { entry, earlier });
                }
            }
        }
        let mut exhibits = self.exhibits(None)?;
        for exhibit in &mut exhibits {
            rules.exhibit(exhibit, false, &mut tally);
        }
        let mut messages = self.messages(&message::Filter::default())?;
        for m in &mut messages {
            rules.message(m, &mut tally);
        }
        Ok((
            Document {
                keeper_name: settings.keeper_name.clone(),
                responsible_name: settings.responsible_name.clone(),
                fingerprint: self.fingerprint()?,
                daybook_version: crate::VERSION.to_string(),
                generated_at: Utc::now(),
                zone: settings.display_zone(),
                entries: report_entries,
                exhibits,
                erased,
                messages,
                custody: self.custody()?,
            },
            tally,
        ))
    }

    fn render_report(
        &mut self,
        options: &report::Options,
        progress: &dyn Progress,
        out: &mut dyn Write,
    ) -> Result<report::Summary> {
        let (doc, _) = self.report_document_with(options.include_private_notes)?;
        let this = &*self;
        // A preview that is not the one stored with its exhibit stops the report: it
        // must never show a substitute, nor quietly leave the picture out.
        let mut refused = None;
        let mut thumbnails = |id: &str| match this.thumbnail_of(id) {
            Ok(jpeg) => jpeg,
            Err(e) => {
                refused.get_or_insert(e);
                None
            }
        };
        let summary = report::render(&doc, options, &mut thumbnails, progress, out)?;
        match refused {
            Some(e) => Err(e),
            None => Ok(summary),
        }
    }

    /// Writes the police-ready PDF report to `out`.
    pub fn write_report(
        &mut self,
        out: &Path,
        options: &report::Options,
        progress: &dyn Progress,
    ) -> Result<report::Summary> {
        // Render first, so that "no entries" or a cancellation leaves no file behind.
        let mut pdf = Vec::new();
        let summary = self.render_report(options, progress, &mut pdf)?;
        let mut partial = Partial {
            path: out,
            done: false,
        };
        let mut file = create(out)?;
        file.write_all(&pdf).map_err(|e| Error::file(out, e))?;
        file.sync_all().map_err(|e| Error::file(out, e))?;
        partial.done = true;
        self.record_custody(
            "report",
            summary.entry_numbers.clone(),
            Vec::new(),
            Some(crate::record::sha256_hex(&pdf)),
            &options.given_to,
        )?;
        Ok(summary)
    }

    /// The entries (with every wording) and exhibits of a selection.
    pub(super) fn records_between(
        &mut self,
        selection: &Selection,
    ) -> Result<(Vec<EntryRecord>, Vec<Exhibit>)> {
        self.check_against_chain()?;
        let filter = Filter {
            from: selection.from.map(Day),
            to: selection.to.map(Day),
            include_withdrawn: selection.include_withdrawn,
            include_erased: selection.include_erased,
            ..Filter::default()
        };
        let zone = self.settings()?.display_zone();
        let mut records = Vec::new();
        for entry in self.entries()? {
            if !filter.matches(&entry, &zone) {
                continue;
            }
            let revisions = self.history(entry.number)?;
            records.push(EntryRecord { entry, revisions });
        }
        let numbers: std::collections::HashSet<u64> =
            records.iter().map(|r| r.entry.number).collect();
        let exhibits = self
            .exhibits(None)?
            .into_iter()
            .filter(|x| numbers.contains(&x.entry_number))
            .collect();
        Ok((records, exhibits))
    }

    /// Writes an encrypted handover file: one standard age file holding a tar of the
    /// report, entries.json, entries.csv, the originals, messages.json and messages.csv
    /// (when the entries have imported messages), SHA256SUMS and a manifest.
    pub fn write_handover(
        &mut self,
        out: &Path,
        options: &HandoverOptions,
        progress: &dyn Progress,
    ) -> Result<bundle::Manifest> {
        if let HandoverKey::Passphrase(p) = &options.key {
            super::check_passphrase("handover_passphrase", p)?;
        }
        let disclosed = self.disclosed(&Selection::for_output(
            Output::Handover,
            options.from,
            options.to,
            options.include_withdrawn,
            options.include_private_notes,
        ))?;
        let (records, exhibits, messages) =
            (disclosed.records, disclosed.exhibits, disclosed.messages);
        if records.is_empty() {
            return Err(Error::bundle(
                "there are no entries to hand over for those dates",
            ));
        }
        let report_options = report::Options {
            from: options.from,
            to: options.to,
            include_withdrawn: options.include_withdrawn,
            redact_witnesses: options.redact_witnesses,
            thumbnails: true,
            messages: report::MessageDetail::Auto,
            include_private_notes: options.include_private_notes,
            given_to: String::new(),
        };
        let mut pdf = Vec::new();
        let report_made = match self.render_report(&report_options, &report::NoProgress, &mut pdf) {
            Ok(_) => true,
            // Only erased entries in range: the handover still carries the markers.
            Err(Error::Report(_)) => false,
            Err(e) => return Err(e),
        };
        let mut partial = Partial {
            path: out,
            done: false,
        };
        // No buffer in between: age writes whole 64 KiB chunks already.
        let file = SyncingFile::new(create(out)?);
        let sealer = match &options.key {
            HandoverKey::Recipient(r) => SealWriter::to_recipient(r, file)?,
            HandoverKey::Passphrase(p) => SealWriter::to_passphrase(p, crypto::SCRYPT_LOG_N, file)?,
        };
        // Reading the originals (SQLite, decrypt, SHA-256) on this thread overlaps
        // with encrypting and writing the handover on another.
        let mut writer = handover::Writer::new(BackgroundWriter::new(sealer), Utc::now());
        let total = exhibits.iter().filter(|x| x.erased_at.is_none()).count();
        let mut done = 0;
        for exhibit in exhibits.iter().filter(|x| x.erased_at.is_none()) {
            if progress.cancelled() {
                return Err(Error::Cancelled);
            }
            let mut reader = self.original_reader(exhibit)?;
            let check = reader.check();
            if let Err(e) = writer.add_exhibit(exhibit, &mut reader, check) {
                return Err(match reader.damage() {
                    Some(why) => Error::tampered(
                        format!("exhibit {}", exhibit.mark),
                        format!("the stored original is damaged ({why}); the handover was stopped"),
                    ),
                    None => e,
                });
            }
            done += 1;
            progress.advanced(done as u64, total as u64, crate::progress::Unit::Entries);
        }
        writer.add_entries(
            &records,
            &exhibits,
            &bundle::records::Options {
                redact_witnesses: options.redact_witnesses,
            },
        )?;
        if !messages.is_empty() {
            writer.add_messages(&messages)?;
        }
        if report_made {
            writer.add_bytes("report.pdf", &pdf)?;
        }
        let (sealer, manifest) = writer.finish(handover::Details {
            fingerprint: self.fingerprint()?,
            daybook_version: crate::VERSION.to_string(),
        })?;
        let file = sealer.finish()?.finish()?;
        file.file.sync_all().map_err(|e| Error::file(out, e))?;
        partial.done = true;
        let output_sha256 = Some(hex::encode(sha2::Digest::finalize(file.hash)));
        self.record_custody(
            "handover",
            records.iter().map(|r| r.entry.number).collect(),
            carried(&exhibits),
            output_sha256,
            &options.given_to,
        )?;
        Ok(manifest)
    }

    /// Writes an evidence pack (NOT encrypted): the originals named by exhibit mark,
    /// manifest.csv and SHA256SUMS, for a police upload portal, with messages.csv and
    /// messages.json when the entries have imported messages.
    pub fn write_evidence_pack(
        &mut self,
        dir: &Path,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        progress: &dyn Progress,
    ) -> Result<bundle::pack::PackSummary> {
        self.write_evidence_pack_with(
            dir,
            &PackOptions {
                from,
                to,
                batching: None,
                given_to: String::new(),
            },
            progress,
        )
    }

    /// `write_evidence_pack` with every choice.
    pub fn write_evidence_pack_with(
        &mut self,
        dir: &Path,
        options: &PackOptions,
        progress: &dyn Progress,
    ) -> Result<bundle::pack::PackSummary> {
        let disclosed = self.disclosed(&Selection::for_output(
            Output::EvidencePack,
            options.from,
            options.to,
            true,
            false,
        ))?;
        let (records, exhibits, messages) =
            (disclosed.records, disclosed.exhibits, disclosed.messages);
        // Imported messages are worth a pack on their own: their export may be
        // attached to an entry on an earlier day.
        if exhibits.iter().all(|x| x.erased_at.is_some()) && messages.is_empty() {
            return Err(Error::bundle("there are no evidence files for those dates"));
        }
        let descriptions: std::collections::HashMap<u64, String> = records
            .iter()
            .map(|r| {
                let text = r
                    .entry
                    .incident
                    .as_ref()
                    .map(|i| {
                        i.description
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default();
                let short: String = text.chars().take(140).collect();
                let short = if short.len() < text.len() {
                    format!("{short}…")
                } else {
                    short
                };
                (r.entry.number, format!("Entry {}: {short}", r.entry.number))
            })
            .collect();
        let describe = |x: &Exhibit| {
            descriptions
                .get(&x.entry_number)
                .cloned()
                .unwrap_or_default()
        };
        let this = &*self;
        let summary = bundle::pack::write_batched(
            dir,
            &exhibits,
            &messages,
            &mut |x: &Exhibit| -> Result<Box<dyn Read + '_>> {
                Ok(Box::new(this.original_reader(x)?))
            },
            progress,
            options
                .batching
                .map(|b| (b, &describe as bundle::pack::Describe<'_>)),
        )?;
        let sums = std::fs::read(dir.join("SHA256SUMS"))
            .ok()
            .map(|b| crate::record::sha256_hex(&b));
        self.record_custody(
            "evidence_pack",
            records.iter().map(|r| r.entry.number).collect(),
            carried(&exhibits),
            sums,
            &options.given_to,
        )?;
        Ok(summary)
    }
}

/// The exhibits whose originals an export carries, as the custody log records them.
fn carried(exhibits: &[Exhibit]) -> Vec<(String, String)> {
    exhibits
        .iter()
        .filter(|x| x.erased_at.is_none())
        .map(|x| (x.mark.clone(), x.sha256.clone()))
        .collect()
}
