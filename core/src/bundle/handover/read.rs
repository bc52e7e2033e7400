//! Opening and checking a handover: [`open`] extracts into an empty folder, [`verify`]
//! writes nothing; both run the same [`scan`] of every member against `manifest.json`,
//! `SHA256SUMS` and the exhibits' recorded hashes.
//!
//! Reading must never write outside the chosen folder, never give a file its real name
//! before every check has passed, and never leave anything behind when it refuses.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::fs::{self, File};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::{exhibit_path, FileEntry, ENTRIES_JSON_MAX_BYTES, LIST_MAX_BYTES};
use crate::bundle::archive::{self, Kind};
use crate::bundle::digest::{self, CHUNK_BYTES};
use crate::bundle::folder;
use crate::bundle::manifest::{
    self, Manifest, ENTRIES_JSON_PATH, MANIFEST_PATH, REPORT_PATH, SUMS_PATH,
};
use crate::bundle::names::{self, Place, EVIDENCE_DIR};
use crate::bundle::records::{EntriesFile, EntryRecord};
use crate::error::{Error, Result};
use crate::evidence::Exhibit;

/// A handover opened into a folder, every check passed.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The folder it was extracted into (canonical).
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// The entries, with every wording, as `entries.json` holds them.
    pub entries: Vec<EntryRecord>,
    /// The exhibits `entries.json` describes.
    pub exhibits: Vec<Exhibit>,
    /// Every file extracted, in archive order.
    pub files: Vec<FileEntry>,
}

impl Opened {
    /// Where an exhibit's original was extracted, if the handover holds it.
    pub fn original_path(&self, exhibit: &Exhibit) -> Option<PathBuf> {
        let path = exhibit_path(exhibit);
        self.files.iter().any(|f| f.path == path).then(|| {
            self.dir
                .join(EVIDENCE_DIR)
                .join(&path[EVIDENCE_DIR.len() + 1..])
        })
    }

    /// Where `report.pdf` was extracted, if the handover holds one.
    pub fn report_path(&self) -> Option<PathBuf> {
        self.files
            .iter()
            .any(|f| f.path == REPORT_PATH)
            .then(|| self.dir.join(REPORT_PATH))
    }
}

/// What [`verify`] found, in plain words.
#[derive(Debug, Clone)]
pub struct Report {
    /// Whether every check passed.
    pub passed: bool,
    /// Each check that passed, in order, as a sentence.
    pub checked: Vec<String>,
    /// The first check that failed, as a sentence.
    pub failure: Option<String>,
    /// The manifest, when it could be read and checked.
    pub manifest: Option<Manifest>,
    /// Every file, in archive order, when every check passed.
    pub files: Vec<FileEntry>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.checked {
            writeln!(f, "✓ {line}")?;
        }
        match &self.failure {
            Some(failure) => writeln!(f, "✗ {failure}"),
            None => writeln!(f, "All checks passed."),
        }
    }
}

/// One file seen in the stream.
struct Seen {
    path: String,
    size: u64,
    sha256: String,
    /// Its temporary name inside the target folder, when extracting.
    temp: Option<PathBuf>,
}

/// What a complete, checked scan found.
struct Scan {
    files: Vec<Seen>,
    manifest: Manifest,
    entries: EntriesFile,
}

/// Files written into the target folder, removed again unless committed.
struct Extraction {
    dir: PathBuf,
    created_dir: bool,
    temps: Vec<PathBuf>,
    finals: Vec<PathBuf>,
    evidence_dir: Option<PathBuf>,
    committed: bool,
}

impl Extraction {
    /// Uses `target` if it is an empty folder, or creates it (its parent must exist).
    fn prepare(target: &Path) -> Result<Self> {
        let created_dir = match fs::symlink_metadata(target) {
            Err(e) if e.kind() == ErrorKind::NotFound => {
                // Owner-only: what is extracted is not encrypted.
                crate::outfile::create_private_dir(target).map_err(|e| Error::file(target, e))?;
                true
            }
            Err(e) => return Err(Error::file(target, e)),
            Ok(_) => false,
        };
        let dir = fs::canonicalize(target).map_err(|e| Error::file(target, e))?;
        let extraction = Extraction {
            dir,
            created_dir,
            temps: Vec::new(),
            finals: Vec::new(),
            evidence_dir: None,
            committed: false,
        };
        folder::check_empty(&extraction.dir, target, "to open the handover into")?;
        Ok(extraction)
    }

    /// A new temporary file directly inside the folder.
    fn temp(&mut self) -> Result<(PathBuf, File)> {
        let path = self
            .dir
            .join(format!(".daybook-partial-{}", self.temps.len()));
        let file = folder::create_new_private(&path).map_err(|e| Error::file(&path, e))?;
        self.temps.push(path.clone());
        Ok((path, file))
    }

    fn evidence_dir(&mut self) -> Result<PathBuf> {
        if let Some(dir) = &self.evidence_dir {
            return Ok(dir.clone());
        }
        let dir = self.dir.join(EVIDENCE_DIR);
        crate::outfile::create_private_dir(&dir).map_err(|e| Error::file(&dir, e))?;
        self.evidence_dir = Some(dir.clone());
        let real = fs::canonicalize(&dir).map_err(|e| Error::file(&dir, e))?;
        if real.parent() != Some(self.dir.as_path()) {
            return Err(Error::bundle(
                "the handover was refused: the evidence folder is not inside the chosen folder",
            ));
        }
        Ok(real)
    }

    /// Moves every checked file to its real name.
    fn commit(&mut self, files: &[Seen]) -> Result<()> {
        for seen in files {
            let Some(temp) = &seen.temp else { continue };
            let destination = match seen.path.split_once('/') {
                Some((_, name)) => self.evidence_dir()?.join(name),
                None => self.dir.join(&seen.path),
            };
            match fs::symlink_metadata(&destination) {
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                _ => {
                    return Err(Error::bundle_member(
                        &seen.path,
                        "the handover was refused: two members would be written to this file",
                    ))
                }
            }
            fs::rename(temp, &destination).map_err(|e| Error::file(&destination, e))?;
            self.temps.retain(|t| t != temp);
            self.finals.push(destination);
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Extraction {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        for path in self.temps.iter().chain(&self.finals) {
            let _ = fs::remove_file(path);
        }
        if let Some(dir) = &self.evidence_dir {
            let _ = fs::remove_dir(dir);
        }
        if self.created_dir {
            let _ = fs::remove_dir(&self.dir);
        }
    }
}

/// Refusal of one member, `why` saying what it is or does.
fn refuse(path: &str, why: impl fmt::Display) -> Error {
    Error::bundle_member(path, format!("the handover was refused because it {why}"))
}

/// Refusal because of what one of the handover's own files (`manifest.json`,
/// `SHA256SUMS`, `entries.json`) says or lacks.
fn refuse_listing(file: &str, why: impl fmt::Display) -> Error {
    Error::bundle_member(file, format!("the handover was refused: {why}"))
}

/// Streams every member, hashing it (and writing it under a temporary name when
/// extracting), then runs every check. `log` receives each check that passed.
fn scan(
    input: impl Read,
    mut extraction: Option<&mut Extraction>,
    log: &mut Vec<String>,
) -> Result<Scan> {
    let mut reader = archive::Reader::new(input);
    let mut seen: Vec<Seen> = Vec::new();
    let mut lower_names = HashSet::new();
    let mut kept: BTreeMap<&'static str, Vec<u8>> = BTreeMap::new();
    let mut early_manifest: Option<Manifest> = None;
    let mut buf = vec![0u8; CHUNK_BYTES];
    let mut total_bytes = 0u64;

    while let Some(member) = reader.next_member()? {
        let path = match names::member_place(&member.name, member.kind == Kind::Directory)? {
            Place::Root | Place::EvidenceDir => continue,
            Place::File(path) => path,
        };
        if !lower_names.insert(path.to_lowercase()) {
            return Err(refuse(&path, "appears twice in the handover"));
        }
        let list = [MANIFEST_PATH, SUMS_PATH, ENTRIES_JSON_PATH]
            .into_iter()
            .find(|p| *p == path);
        if let (Some(m), None | Some(ENTRIES_JSON_PATH)) = (&early_manifest, list) {
            // The manifest came first: refuse before writing a byte.
            match m.files.get(&path) {
                None => return Err(refuse(&path, "is not listed in manifest.json")),
                Some(r) if member.size > r.size => {
                    return Err(refuse(
                        &path,
                        format!(
                            "is larger than manifest.json declares ({} bytes, declared {})",
                            member.size, r.size
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        if let Some(name) = list {
            let cap = if name == ENTRIES_JSON_PATH {
                ENTRIES_JSON_MAX_BYTES
            } else {
                LIST_MAX_BYTES
            };
            if member.size > cap {
                return Err(refuse(
                    &path,
                    format!("is too large ({} bytes)", member.size),
                ));
            }
        }
        let mut keep = list.map(|_| Vec::with_capacity(member.size as usize));
        let mut temp = match extraction.as_deref_mut() {
            Some(x) => Some(x.temp()?),
            None => None,
        };
        let mut hasher = Sha256::new();
        loop {
            let n = reader.read_data(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            if let Some(k) = keep.as_mut() {
                k.extend_from_slice(&buf[..n]);
            }
            if let Some((p, f)) = temp.as_mut() {
                f.write_all(&buf[..n])
                    .map_err(|e| Error::file(p.as_path(), e))?;
            }
        }
        if let Some((p, f)) = temp.as_mut() {
            f.sync_all().map_err(|e| Error::file(p.as_path(), e))?;
        }
        total_bytes += member.size;
        if let (Some(name), Some(bytes)) = (list, keep) {
            if name == MANIFEST_PATH {
                early_manifest = Manifest::from_json(&bytes).ok();
            }
            kept.insert(name, bytes);
        }
        seen.push(Seen {
            path,
            size: member.size,
            sha256: hex::encode(hasher.finalize()),
            temp: temp.map(|(p, _)| p),
        });
    }
    log.push(format!(
        "Read the whole archive ({} files, {} bytes of data, {} bytes in all): every tar header \
         passes its checksum, the padding is blank, it ends properly and nothing follows",
        seen.len(),
        total_bytes,
        reader.offset()
    ));

    let Some(sums_bytes) = kept.get(SUMS_PATH) else {
        return Err(refuse_listing(SUMS_PATH, "it is missing"));
    };
    let sums = manifest::parse_sums(sums_bytes)?;
    log.push(format!(
        "SHA256SUMS lists {} files in the standard form",
        sums.len()
    ));

    let Some(manifest_bytes) = kept.get(MANIFEST_PATH) else {
        return Err(refuse_listing(MANIFEST_PATH, "it is missing"));
    };
    let manifest_sha = digest::sha256_hex(manifest_bytes);
    match sums.get(MANIFEST_PATH) {
        None => return Err(refuse_listing(SUMS_PATH, "it does not list manifest.json")),
        Some(sum) if *sum != manifest_sha => {
            return Err(refuse_listing(
                MANIFEST_PATH,
                "it does not match its SHA-256 in SHA256SUMS; one of the two has been \
                 altered or damaged",
            ))
        }
        Some(_) => {}
    }
    let manifest = Manifest::from_json(manifest_bytes)?;
    log.push(format!(
        "manifest.json matches SHA256SUMS and describes a Daybook handover (format version {}) \
         made on {} by Daybook {}",
        manifest.format_version,
        manifest.created_at.format("%-d %B %Y at %H:%M UTC"),
        manifest.daybook_version
    ));

    for file in &seen {
        if file.path == SUMS_PATH {
            continue;
        }
        let Some(sum) = sums.get(&file.path) else {
            return Err(refuse(&file.path, "is not listed in SHA256SUMS"));
        };
        if file.path == MANIFEST_PATH {
            continue;
        }
        let Some(declared) = manifest.files.get(&file.path) else {
            return Err(refuse(&file.path, "is not listed in manifest.json"));
        };
        if file.size > declared.size {
            return Err(refuse(
                &file.path,
                format!(
                    "is larger than manifest.json declares ({} bytes, declared {})",
                    file.size, declared.size
                ),
            ));
        }
        if file.size < declared.size {
            return Err(refuse(
                &file.path,
                format!(
                    "is smaller than manifest.json declares ({} bytes, declared {}): it was cut \
                     short or altered",
                    file.size, declared.size
                ),
            ));
        }
        let which = match (file.sha256 == declared.sha256, file.sha256 == *sum) {
            (true, true) => continue,
            (false, false) => "manifest.json or SHA256SUMS",
            (false, true) => "manifest.json",
            (true, false) => "SHA256SUMS",
        };
        return Err(refuse(
            &file.path,
            format!("has been altered or damaged: its SHA-256 does not match {which}"),
        ));
    }
    let present: HashSet<&str> = seen.iter().map(|f| f.path.as_str()).collect();
    for path in manifest.files.keys() {
        if !present.contains(path.as_str()) {
            return Err(refuse(
                path,
                "is listed in manifest.json but missing from the handover",
            ));
        }
    }
    for path in sums.keys() {
        if !present.contains(path.as_str()) {
            return Err(refuse(
                path,
                "is listed in SHA256SUMS but missing from the handover",
            ));
        }
    }
    log.push(format!(
        "Every file's size and SHA-256 match both manifest.json and SHA256SUMS, and no file \
         is missing or extra ({} files)",
        seen.len()
    ));

    let Some(entries_bytes) = kept.get(ENTRIES_JSON_PATH) else {
        return Err(refuse_listing(ENTRIES_JSON_PATH, "it is missing"));
    };
    let entries = EntriesFile::from_json(entries_bytes).map_err(|e| match e {
        Error::Bundle { member, reason } => Error::Bundle {
            member,
            reason: format!("the handover was refused: {reason}"),
        },
        other => other,
    })?;
    if entries.entries.len() as u64 != manifest.entries
        || entries.exhibits.len() as u64 != manifest.exhibits
        || entries.redacted_witnesses != manifest.redacted_witnesses
    {
        return Err(refuse_listing(
            ENTRIES_JSON_PATH,
            format!(
                "it holds {} entries and {} exhibits but manifest.json says {} and {}",
                entries.entries.len(),
                entries.exhibits.len(),
                manifest.entries,
                manifest.exhibits
            ),
        ));
    }
    log.push(format!(
        "entries.json holds {} entries and {} exhibits, as manifest.json says",
        entries.entries.len(),
        entries.exhibits.len()
    ));

    // Originals are matched to exhibits by content, not by name, so a handover stays
    // readable if the naming of files ever changes.
    let recorded: HashSet<(u64, &str)> = entries
        .exhibits
        .iter()
        .filter(|x| x.erased_at.is_none())
        .map(|x| (x.size, x.sha256.as_str()))
        .collect();
    let mut originals = 0;
    for file in seen.iter().filter(|f| f.path.starts_with("evidence/")) {
        if !recorded.contains(&(file.size, file.sha256.as_str())) {
            return Err(refuse(
                &file.path,
                "does not match the size and SHA-256 recorded for any exhibit in entries.json",
            ));
        }
        originals += 1;
    }
    log.push(format!(
        "Each of the {originals} originals in evidence/ matches the SHA-256 recorded when it \
         was added to the diary"
    ));

    Ok(Scan {
        files: seen,
        manifest,
        entries,
    })
}

fn entries_of(files: &[Seen]) -> Vec<FileEntry> {
    files
        .iter()
        .map(|f| FileEntry {
            path: f.path.clone(),
            size: f.size,
            sha256: f.sha256.clone(),
        })
        .collect()
}

/// Opens a handover's (already decrypted) tar stream into `target_dir`, which must be
/// an empty folder or not exist yet (its parent must). Every file is checked against
/// `manifest.json`, `SHA256SUMS` and the exhibits' recorded hashes before any is given
/// its real name; on refusal everything written is removed again, and the error names
/// the member at fault.
pub fn open(input: impl Read, target_dir: &Path) -> Result<Opened> {
    let mut extraction = Extraction::prepare(target_dir)?;
    let mut log = Vec::new();
    let scan = scan(input, Some(&mut extraction), &mut log)?;
    extraction.commit(&scan.files)?;
    Ok(Opened {
        dir: extraction.dir.clone(),
        files: entries_of(&scan.files),
        manifest: scan.manifest,
        entries: scan.entries.entries,
        exhibits: scan.entries.exhibits,
    })
}

/// Checks a handover's (already decrypted) tar stream without writing anything: the
/// same checks as [`open`]. Content problems come back as a failed [`Report`]; only an
/// error reading `input` is an `Err`.
pub fn verify(input: impl Read) -> Result<Report> {
    let mut log = Vec::new();
    match scan(input, None, &mut log) {
        Ok(scan) => Ok(Report {
            passed: true,
            checked: log,
            failure: None,
            manifest: Some(scan.manifest),
            files: entries_of(&scan.files),
        }),
        Err(e @ Error::Bundle { .. }) => Ok(Report {
            passed: false,
            checked: log,
            failure: Some(e.to_string()),
            manifest: None,
            files: Vec::new(),
        }),
        Err(e) => Err(e),
    }
}
