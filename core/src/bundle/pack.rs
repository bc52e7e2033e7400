//! The evidence pack: a plain, unencrypted folder of original files named by exhibit
//! mark, with `manifest.csv` and `SHA256SUMS`, for police upload portals; when the
//! entries have imported messages, `messages.csv` and `messages.json` beside them.
//!
//! Each original is streamed from the vault and its SHA-256 checked against the one
//! recorded when it was added, so a pack never holds a file that differs from the
//! diary's record. The pack is written only into an empty (or new) folder, and on any
//! error everything written is removed again. The caller must tell the person plainly
//! that the folder is not encrypted.

use crate::progress::{Progress, Unit};
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::evidence::Exhibit;

use super::csv;
use super::digest::{copy_exact, sha256_hex, CopyError};
use super::folder;
use super::manifest::{sums_text, SUMS_PATH};
use super::messages::{self, MessagesFile, MESSAGES_CSV_PATH, MESSAGES_JSON_PATH};
use super::names::evidence_file_name;
use crate::message::Message;

/// The pack's list of originals.
pub const MANIFEST_CSV_PATH: &str = "manifest.csv";

/// Each batch folder's captions, one per file.
pub const CAPTIONS_CSV: &str = "captions.csv";

/// Each batch folder's one-page list of its files.
pub const INDEX_PDF: &str = "index.pdf";

/// Originals too large for the batches, listed for separate hand-over.
pub const TOO_LARGE_CSV: &str = "too-large.csv";

/// How an upload portal wants files: folders of at most `files` originals, and no
/// file over `bytes` (larger ones are listed in `too-large.csv` instead, to be handed
/// over another way). Axon's personal links take 25 files at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batching {
    pub files: usize,
    pub bytes: u64,
}

impl Default for Batching {
    fn default() -> Self {
        Batching {
            files: 25,
            bytes: 2 * 1024 * 1024 * 1024,
        }
    }
}

/// What a batched pack also needs to know of each exhibit: a short description (of
/// its entry, already through the disclosure rules).
pub type Describe<'a> = &'a dyn Fn(&Exhibit) -> String;

/// One original written into a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedFile {
    pub mark: String,
    /// Its name in the pack folder.
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
}

/// What [`write()`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackSummary {
    /// The pack folder.
    pub dir: PathBuf,
    /// The originals written, in the order given.
    pub files: Vec<PackedFile>,
    /// Exhibits left out and why (erased ones have no original any more).
    pub skipped: Vec<(String, String)>,
    /// Bytes of originals written.
    pub total_bytes: u64,
    /// Imported messages and calls written to `messages.csv` and `messages.json`.
    pub messages: usize,
    /// The batch folders made (empty for a pack without batches).
    pub batches: Vec<String>,
    /// Exhibits too large for a batch: (mark, size), listed in `too-large.csv`.
    pub too_large: Vec<(String, u64)>,
}

/// Files written so far, removed again unless the pack is completed.
struct Written {
    dir: PathBuf,
    created_dir: bool,
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
    done: bool,
}

impl Drop for Written {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        for file in &self.files {
            let _ = fs::remove_file(file);
        }
        for dir in self.dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
        if self.created_dir {
            let _ = fs::remove_dir(&self.dir);
        }
    }
}

impl Written {
    fn create(&mut self, name: &str) -> Result<(PathBuf, File)> {
        let path = self.dir.join(name);
        let file = folder::create_new_private(&path).map_err(|e| match e.kind() {
            ErrorKind::AlreadyExists => {
                Error::bundle_member(name, "two exhibits would have this file name in the pack")
            }
            _ => Error::file(&path, e),
        })?;
        self.files.push(path.clone());
        Ok((path, file))
    }

    /// A new folder inside the pack (for a batch).
    fn folder(&mut self, name: &str) -> Result<()> {
        let path = self.dir.join(name);
        crate::outfile::create_private_dir(&path).map_err(|e| Error::file(&path, e))?;
        self.dirs.push(path);
        Ok(())
    }

    fn write_small(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let (path, mut file) = self.create(name)?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::file(&path, e))
    }
}

fn prepare(dir: &Path) -> Result<Written> {
    let created_dir = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent).map_err(|e| Error::file(dir, e))?;
            }
            // Only its owner may look inside: the files are not encrypted.
            crate::outfile::create_private_dir(dir).map_err(|e| Error::file(dir, e))?;
            true
        }
        Err(e) => return Err(Error::file(dir, e)),
        Ok(_) => false,
    };
    let written = Written {
        dir: fs::canonicalize(dir).map_err(|e| Error::file(dir, e))?,
        created_dir,
        files: Vec::new(),
        dirs: Vec::new(),
        done: false,
    };
    folder::check_empty(&written.dir, dir, "for the evidence pack")?;
    Ok(written)
}

/// Writes an evidence pack into `dir` (created if missing; refused if it holds
/// anything): each exhibit's original, streamed from `open_original` and checked
/// against its recorded size and SHA-256, then `manifest.csv` and `SHA256SUMS`.
/// Erased exhibits are skipped and listed in the summary.
pub fn write<'r>(
    dir: &Path,
    exhibits: &[Exhibit],
    open_original: &mut dyn FnMut(&Exhibit) -> Result<Box<dyn Read + 'r>>,
    progress: &dyn Progress,
) -> Result<PackSummary> {
    write_with_messages(dir, exhibits, &[], open_original, progress)
}

/// [`write()`], with `messages.csv` and `messages.json` holding `messages` (the
/// imported messages of the entries whose exhibits these are) when there are any,
/// listed in `SHA256SUMS` with the rest.
pub fn write_with_messages<'r>(
    dir: &Path,
    exhibits: &[Exhibit],
    messages: &[Message],
    open_original: &mut dyn FnMut(&Exhibit) -> Result<Box<dyn Read + 'r>>,
    progress: &dyn Progress,
) -> Result<PackSummary> {
    write_batched(dir, exhibits, messages, open_original, progress, None)
}

/// [`write_with_messages`], in batch folders (`batch-01/`, `batch-02/`…) of at most
/// `batching.files` originals, each with `captions.csv` and a one-page `index.pdf`;
/// originals over `batching.bytes` are listed in `too-large.csv` and not copied.
/// `manifest.csv` and `SHA256SUMS` at the top cover every file, with its folder.
pub fn write_batched<'r>(
    dir: &Path,
    exhibits: &[Exhibit],
    messages: &[Message],
    open_original: &mut dyn FnMut(&Exhibit) -> Result<Box<dyn Read + 'r>>,
    progress: &dyn Progress,
    batching: Option<(Batching, Describe<'_>)>,
) -> Result<PackSummary> {
    if let Some((b, _)) = &batching {
        if b.files == 0 || b.bytes == 0 {
            return Err(Error::InvalidField {
                field: "batch".into(),
                message: "a batch must hold at least one file of at least one byte".into(),
            });
        }
    }
    let total: u64 = exhibits
        .iter()
        .filter(|x| x.erased_at.is_none())
        .map(|x| x.size)
        .sum();
    let mut written = prepare(dir)?;
    let mut summary = PackSummary {
        dir: written.dir.clone(),
        files: Vec::new(),
        skipped: Vec::new(),
        total_bytes: 0,
        messages: messages.len(),
        batches: Vec::new(),
        too_large: Vec::new(),
    };
    let mut rows = Vec::new();
    let mut lower_names = HashSet::new();
    // The current batch: its folder name and its captions.
    let mut batch: Option<Batch<'_>> = None;
    let mut lists = Vec::new();
    for exhibit in exhibits {
        if let Some(at) = exhibit.erased_at {
            summary.skipped.push((
                exhibit.mark.clone(),
                format!("erased on {}", at.format("%-d %B %Y")),
            ));
            continue;
        }
        let mut name = evidence_file_name(&exhibit.mark, &exhibit.original_name);
        if let Some((b, describe)) = &batching {
            if exhibit.size > b.bytes {
                summary.too_large.push((exhibit.mark.clone(), exhibit.size));
                continue;
            }
            let full = batch
                .as_ref()
                .is_some_and(|(_, rows)| rows.len() >= b.files);
            if batch.is_none() || full {
                if let Some((folder, rows)) = batch.take() {
                    finish_batch(&mut written, &folder, &rows, &mut lists)?;
                }
                let folder = format!("batch-{:02}", summary.batches.len() + 1);
                written.folder(&folder)?;
                summary.batches.push(folder.clone());
                batch = Some((folder, Vec::new()));
            }
            if let Some((folder, rows)) = batch.as_mut() {
                rows.push((exhibit, name.clone(), describe(exhibit)));
                name = format!("{folder}/{name}");
            }
        }
        if !lower_names.insert(name.to_lowercase()) {
            return Err(Error::bundle_member(
                name,
                format!(
                    "exhibit {} would have this file name, as another exhibit does",
                    exhibit.mark
                ),
            ));
        }
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        let mut source = open_original(exhibit)?;
        let (path, mut file) = written.create(&name)?;
        let sha256 = copy_exact(&mut source, &mut file, exhibit.size).map_err(|e| match e {
            CopyError::Short(got) => Error::bundle_member(
                &name,
                format!(
                    "the stored original of exhibit {} has only {got} of its {} bytes; the \
                     evidence pack was not made",
                    exhibit.mark, exhibit.size
                ),
            ),
            CopyError::Long => Error::bundle_member(
                &name,
                format!(
                    "the stored original of exhibit {} is larger than recorded; the evidence \
                     pack was not made",
                    exhibit.mark
                ),
            ),
            CopyError::Read(e) => Error::bundle_member(
                &name,
                format!(
                    "the stored original of exhibit {} could not be read: {e}",
                    exhibit.mark
                ),
            ),
            CopyError::Write(e) => Error::file(&path, e),
            CopyError::Cancelled => Error::Cancelled,
        })?;
        if sha256 != exhibit.sha256 {
            return Err(Error::bundle_member(
                &name,
                format!(
                    "the stored original of exhibit {} does not match the SHA-256 recorded when \
                     it was added ({} expected, {} found); the evidence pack was not made",
                    exhibit.mark, exhibit.sha256, sha256
                ),
            ));
        }
        file.sync_all().map_err(|e| Error::file(&path, e))?;
        summary.total_bytes += exhibit.size;
        progress.advanced(summary.total_bytes, total, Unit::Bytes);
        summary.files.push(PackedFile {
            mark: exhibit.mark.clone(),
            file_name: name.clone(),
            size: exhibit.size,
            sha256,
        });
        rows.push((exhibit, name));
    }
    if let Some((folder, rows)) = batch.take() {
        finish_batch(&mut written, &folder, &rows, &mut lists)?;
    }
    if !summary.too_large.is_empty() {
        let mut table = csv::Table::new(&["mark", "size_bytes", "sha256", "original_name"]);
        for (mark, size) in &summary.too_large {
            if let Some(x) = exhibits.iter().find(|x| &x.mark == mark) {
                table.row([
                    mark.clone(),
                    size.to_string(),
                    x.sha256.clone(),
                    x.original_name.clone(),
                ]);
            }
        }
        let bytes = table.into_bytes();
        written.write_small(TOO_LARGE_CSV, &bytes)?;
        lists.push((TOO_LARGE_CSV.to_string(), sha256_hex(&bytes)));
    }
    let manifest = csv::pack_manifest(&rows);
    written.write_small(MANIFEST_CSV_PATH, &manifest)?;
    lists.push((MANIFEST_CSV_PATH.to_string(), sha256_hex(&manifest)));
    if !messages.is_empty() {
        let json = MessagesFile::new(messages).to_json()?;
        let table = messages::csv(messages);
        written.write_small(MESSAGES_CSV_PATH, &table)?;
        written.write_small(MESSAGES_JSON_PATH, &json)?;
        lists.push((MESSAGES_CSV_PATH.to_string(), sha256_hex(&table)));
        lists.push((MESSAGES_JSON_PATH.to_string(), sha256_hex(&json)));
    }
    let sums = sums_text(
        summary
            .files
            .iter()
            .map(|f| (f.file_name.as_str(), f.sha256.as_str()))
            .chain(lists.iter().map(|(p, h)| (p.as_str(), h.as_str()))),
    );
    written.write_small(SUMS_PATH, sums.as_bytes())?;
    written.done = true;
    Ok(summary)
}

/// A batch being filled: its folder name, and each file's (exhibit, name, description).
type Batch<'a> = (String, Vec<(&'a Exhibit, String, String)>);

/// Writes a batch folder's `captions.csv` and `index.pdf`, adding them to `lists`.
fn finish_batch(
    written: &mut Written,
    folder: &str,
    rows: &[(&Exhibit, String, String)],
    lists: &mut Vec<(String, String)>,
) -> Result<()> {
    let captions = csv::captions(rows);
    let path = format!("{folder}/{CAPTIONS_CSV}");
    written.write_small(&path, &captions)?;
    lists.push((path, sha256_hex(&captions)));
    let index = crate::report::pack_index(
        folder,
        &rows
            .iter()
            .map(|(x, name, _)| (x.mark.clone(), name.clone(), x.size, x.sha256.clone()))
            .collect::<Vec<_>>(),
    )?;
    let path = format!("{folder}/{INDEX_PDF}");
    written.write_small(&path, &index)?;
    lists.push((path, sha256_hex(&index)));
    Ok(())
}
