//! The evidence pack: a plain, unencrypted folder of original files named by exhibit
//! mark, with `manifest.csv` and `SHA256SUMS`, for police upload portals.
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
use super::names::evidence_file_name;

/// The pack's list of originals.
pub const MANIFEST_CSV_PATH: &str = "manifest.csv";

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
}

/// Files written so far, removed again unless the pack is completed.
struct Written {
    dir: PathBuf,
    created_dir: bool,
    files: Vec<PathBuf>,
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
    };
    let mut rows = Vec::new();
    let mut lower_names = HashSet::new();
    for exhibit in exhibits {
        if let Some(at) = exhibit.erased_at {
            summary.skipped.push((
                exhibit.mark.clone(),
                format!("erased on {}", at.format("%-d %B %Y")),
            ));
            continue;
        }
        let name = evidence_file_name(&exhibit.mark, &exhibit.original_name);
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
    let manifest = csv::pack_manifest(&rows);
    written.write_small(MANIFEST_CSV_PATH, &manifest)?;
    let manifest_sha = sha256_hex(&manifest);
    let sums = sums_text(
        summary
            .files
            .iter()
            .map(|f| (f.file_name.as_str(), f.sha256.as_str()))
            .chain([(MANIFEST_CSV_PATH, manifest_sha.as_str())]),
    );
    written.write_small(SUMS_PATH, sums.as_bytes())?;
    written.done = true;
    Ok(summary)
}
