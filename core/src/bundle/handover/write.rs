//! Making a handover: [`Writer`] streams each member into the tar, hashing as it
//! copies, and finishes with `README.txt`, `manifest.json`, `SHA256SUMS` and the end
//! marker.
//!
//! It must never finish a handover after a failed member: the stream would look whole
//! but lack a file.

use std::collections::HashSet;
use std::io::{Read, Write};

use chrono::{DateTime, NaiveDate, Utc};

use super::{exhibit_path, Details};
use crate::bundle::archive::{self, file_headers, padding, END_MARKER};
use crate::bundle::csv;
use crate::bundle::digest::{copy_exact, copy_exact_unhashed, CopyError};
use crate::bundle::manifest::{
    self, FileRecord, Manifest, ENTRIES_CSV_PATH, ENTRIES_JSON_PATH, FORMAT, FORMAT_VERSION,
    MANIFEST_PATH, README_PATH, REPORT_PATH, SUMS_PATH,
};
use crate::bundle::messages::{self, MessagesFile, MESSAGES_CSV_PATH, MESSAGES_JSON_PATH};
use crate::bundle::names;
use crate::bundle::readme;
use crate::bundle::records::{EntriesFile, EntryRecord, Options};
use crate::error::{Error, Result};
use crate::evidence::{Check, Exhibit};
use crate::message::Message;

/// What [`Writer::add_entries`] recorded for the manifest.
#[derive(Debug, Clone)]
struct EntriesFacts {
    entries: u64,
    exhibits: u64,
    span: Option<(NaiveDate, NaiveDate)>,
    redacted_witnesses: bool,
}

/// Writes a handover's tar stream to `out`, member by member.
///
/// Call [`add_exhibit`](Writer::add_exhibit) for each original,
/// [`add_entries`](Writer::add_entries) once, [`add_bytes`](Writer::add_bytes) or
/// [`add_stream`](Writer::add_stream) for `report.pdf`, then
/// [`finish`](Writer::finish). If any call fails, the stream is incomplete: discard
/// it (do not finish the `age` stream) and delete the output.
pub struct Writer<W: Write> {
    out: W,
    created_at: DateTime<Utc>,
    mtime: u64,
    files: Vec<(String, FileRecord)>,
    lower_names: HashSet<String>,
    entries: Option<EntriesFacts>,
    messages: u64,
    broken: bool,
}

impl<W: Write> Writer<W> {
    /// A writer whose members all carry `created_at` as their time.
    pub fn new(out: W, created_at: DateTime<Utc>) -> Self {
        Writer {
            out,
            created_at,
            mtime: u64::try_from(created_at.timestamp()).unwrap_or(0),
            files: Vec::new(),
            lower_names: HashSet::new(),
            entries: None,
            messages: 0,
            broken: false,
        }
    }

    fn check_usable(&self) -> Result<()> {
        if self.broken {
            return Err(Error::bundle(
                "the handover cannot be continued after an earlier error; start again",
            ));
        }
        Ok(())
    }

    fn claim(&mut self, path: &str) -> Result<()> {
        names::check_file_path(path)?;
        if [MANIFEST_PATH, SUMS_PATH, README_PATH].contains(&path) {
            return Err(Error::bundle_member(
                path,
                "it is written by the handover itself",
            ));
        }
        if !self.lower_names.insert(path.to_lowercase()) {
            return Err(Error::bundle_member(
                path,
                "it was added to the handover twice",
            ));
        }
        Ok(())
    }

    /// Writes one member from `reader`, which must give exactly `size` bytes. Its
    /// SHA-256 is computed as it is copied, unless `proven` gives it (the reader proves
    /// its bytes itself: `evidence::Check::Sealed`).
    fn write_member(
        &mut self,
        path: &str,
        size: u64,
        reader: &mut dyn Read,
        proven: Option<&str>,
    ) -> Result<FileRecord> {
        self.broken = true;
        self.out.write_all(&file_headers(path, size, self.mtime))?;
        let copied = match proven {
            Some(sha256) => {
                copy_exact_unhashed(reader, &mut self.out, size).map(|()| sha256.to_string())
            }
            None => copy_exact(reader, &mut self.out, size),
        };
        let sha256 = copied.map_err(|e| match e {
            CopyError::Short(got) => Error::bundle_member(
                path,
                format!("it gave only {got} of its {size} bytes; the handover is incomplete"),
            ),
            CopyError::Long => Error::bundle_member(
                path,
                format!(
                    "it gave more than its {size} bytes; it may have changed while being added"
                ),
            ),
            CopyError::Read(e) => Error::bundle_member(path, format!("it could not be read: {e}")),
            CopyError::Write(e) => Error::Io(e),
            CopyError::Cancelled => Error::Cancelled,
        })?;
        self.pad(size)?;
        let record = FileRecord { size, sha256 };
        self.files.push((path.to_string(), record.clone()));
        self.broken = false;
        Ok(record)
    }

    /// Fills the last block of a member of `size` bytes with zeros, as tar requires.
    fn pad(&mut self, size: u64) -> Result<()> {
        self.out
            .write_all(&[0u8; archive::BLOCK_BYTES][..padding(size)])?;
        Ok(())
    }

    /// Claims `path` and writes it from `reader` (see [`Writer::write_member`]).
    fn add_member(
        &mut self,
        path: &str,
        size: u64,
        reader: &mut dyn Read,
        proven: Option<&str>,
    ) -> Result<FileRecord> {
        self.check_usable()?;
        self.claim(path)?;
        self.write_member(path, size, reader, proven)
    }

    /// Adds a file from memory at `path` (`report.pdf`, or `evidence/<name>`).
    pub fn add_bytes(&mut self, path: &str, bytes: &[u8]) -> Result<FileRecord> {
        self.add_stream(path, bytes.len() as u64, bytes)
    }

    /// Adds a file of exactly `size` bytes read from `reader`, streamed and hashed in
    /// constant memory. Fewer or more bytes than `size` is an error.
    pub fn add_stream(
        &mut self,
        path: &str,
        size: u64,
        mut reader: impl Read,
    ) -> Result<FileRecord> {
        self.add_member(path, size, &mut reader, None)
    }

    /// Adds an exhibit's original as `evidence/<mark>_<original name>`, checking it has
    /// the size and SHA-256 recorded when it was added to the diary: by hashing it, or,
    /// when `check` is `Sealed`, by the reader, which proves its bytes as it opens them.
    pub fn add_exhibit(
        &mut self,
        exhibit: &Exhibit,
        mut original: impl Read,
        check: Check,
    ) -> Result<FileRecord> {
        if exhibit.erased_at.is_some() {
            return Err(Error::bundle(format!(
                "exhibit {} was erased; its original cannot be handed over",
                exhibit.mark
            )));
        }
        let proven = match check {
            Check::Hash => None,
            Check::Sealed => Some(exhibit.sha256.as_str()),
        };
        let path = exhibit_path(exhibit);
        let record = self.add_member(&path, exhibit.size, &mut original, proven)?;
        if record.sha256 != exhibit.sha256 {
            self.broken = true;
            return Err(Error::bundle_member(
                path,
                format!(
                    "the stored original of exhibit {} does not match the SHA-256 recorded when \
                     it was added ({} expected, {} found); the handover was stopped",
                    exhibit.mark, exhibit.sha256, record.sha256
                ),
            ));
        }
        Ok(record)
    }

    /// Adds `entries.json` (every wording, markers, exhibits) and `entries.csv` (one
    /// row per entry), applying `options`, and remembers the counts for the manifest.
    pub fn add_entries(
        &mut self,
        records: &[EntryRecord],
        exhibits: &[Exhibit],
        options: &Options,
    ) -> Result<()> {
        let file = EntriesFile::new(records, exhibits, options);
        self.add_bytes(ENTRIES_JSON_PATH, &file.to_json()?)?;
        self.add_bytes(ENTRIES_CSV_PATH, &csv::entries(records, options))?;
        self.entries = Some(EntriesFacts {
            entries: records.len() as u64,
            exhibits: exhibits.len() as u64,
            span: file.date_span(),
            redacted_witnesses: options.redact_witnesses,
        });
        Ok(())
    }

    /// Adds `messages.json` and `messages.csv`: the imported messages and calls of the
    /// entries handed over, exactly as kept (redaction does not apply to them). Call
    /// it at most once, and only when there are messages.
    pub fn add_messages(&mut self, list: &[Message]) -> Result<()> {
        self.add_bytes(MESSAGES_JSON_PATH, &MessagesFile::new(list).to_json()?)?;
        self.add_bytes(MESSAGES_CSV_PATH, &messages::csv(list))?;
        self.messages = list.len() as u64;
        Ok(())
    }

    /// Writes `README.txt`, `manifest.json`, `SHA256SUMS` and the end marker, and
    /// gives back the output stream (to finish the encryption) and the manifest.
    pub fn finish(mut self, details: Details) -> Result<(W, Manifest)> {
        self.check_usable()?;
        let Some(facts) = self.entries.clone() else {
            return Err(Error::bundle(
                "the handover has no entries.json; add the entries before finishing",
            ));
        };
        let has_report = self.files.iter().any(|(p, _)| p == REPORT_PATH);
        let note = readme::text(&readme::Facts {
            created_at: self.created_at,
            daybook_version: &details.daybook_version,
            entries: facts.entries,
            exhibits: facts.exhibits,
            span: facts.span,
            redacted_witnesses: facts.redacted_witnesses,
            has_report,
            messages: self.messages,
        });
        self.write_member(README_PATH, note.len() as u64, &mut note.as_bytes(), None)?;
        let manifest = Manifest {
            format: FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            fingerprint: details.fingerprint,
            created_at: self.created_at,
            daybook_version: details.daybook_version,
            entries: facts.entries,
            exhibits: facts.exhibits,
            date_from: facts.span.map(|s| s.0),
            date_to: facts.span.map(|s| s.1),
            redacted_witnesses: facts.redacted_witnesses,
            messages: self.messages,
            files: self.files.iter().cloned().collect(),
        };
        let json = manifest.to_json()?;
        self.write_member(MANIFEST_PATH, json.len() as u64, &mut &json[..], None)?;
        let sums = manifest::sums_text(
            self.files
                .iter()
                .map(|(p, r)| (p.as_str(), r.sha256.as_str())),
        );
        let mtime = self.mtime;
        self.out
            .write_all(&file_headers(SUMS_PATH, sums.len() as u64, mtime))?;
        self.out.write_all(sums.as_bytes())?;
        self.pad(sums.len() as u64)?;
        self.out.write_all(&END_MARKER)?;
        self.out.flush()?;
        Ok((self.out, manifest))
    }
}
