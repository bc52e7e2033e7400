//! Viewing a handover without unpacking it: for a support worker's app, which must
//! write nothing readable to disk.
//!
//! [`Case::open`] decrypts the handover's header and walks the archive's headers,
//! seeking over each member's data (age decrypts only the 64 KiB pieces read), so a
//! handover of gigabytes opens in moments; it reads the small lists (`manifest.json`,
//! `SHA256SUMS`, `entries.json`, `messages.json`) into memory. [`Case::check`] then
//! reads every byte once, with progress, and runs every check `verify` runs; until it
//! has passed, the case is *unchecked* and a caller must say so. Originals, pictures
//! and the report are read on demand from the age file by their offsets: each read
//! is checked against `SHA256SUMS`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::read::{verify as verify_stream, Report};
use super::{exhibit_path, ENTRIES_JSON_MAX_BYTES, LIST_MAX_BYTES};
use crate::bundle::archive::{self, Kind};
use crate::bundle::manifest::{
    self, Manifest, ENTRIES_JSON_PATH, MANIFEST_PATH, REPORT_PATH, SUMS_PATH,
};
use crate::bundle::names::{self, Place};
use crate::bundle::records::{EntriesFile, EntryRecord};
use crate::bundle::sealed::Key;
use crate::crypto::OpenReader;
use crate::error::{Error, Result};
use crate::evidence::Exhibit;
use crate::progress::{Progress, Unit};

/// The imported messages' file, when the handover has one.
pub const MESSAGES_JSON_PATH: &str = "messages.json";

/// The largest file read whole into memory for showing (a picture to preview, the
/// report): larger ones can only be saved.
pub const SHOW_MAX_BYTES: u64 = 256 * 1024 * 1024;

type Stream = OpenReader<BufReader<File>>;

/// A handover opened for viewing.
pub struct Case {
    path: PathBuf,
    /// Kept to open the file again after a damaged piece: age's reader cannot be
    /// used once a piece fails to decrypt.
    key: Key,
    stream: Stream,
    /// Each file's data offset and size in the decrypted archive.
    members: BTreeMap<String, (u64, u64)>,
    sums: BTreeMap<String, String>,
    pub manifest: Manifest,
    /// The entries, with every wording.
    pub entries: Vec<EntryRecord>,
    /// The exhibits `entries.json` describes.
    pub exhibits: Vec<Exhibit>,
    /// The imported messages (`messages.json`) as they were written, when present.
    pub messages: Option<serde_json::Value>,
    /// The result of the full check, once [`Case::check`] has run.
    checked: Option<Report>,
}

fn refused(path: &str, why: impl std::fmt::Display) -> Error {
    Error::bundle(format!(
        "the handover was refused: {} {why}",
        names::shown(path)
    ))
}

impl Case {
    /// Decrypts and indexes the handover at `path` (see the module's description).
    /// A wrong passphrase is `Error::WrongPassphrase`; the wrong key, `Error::Bundle`.
    pub fn open(path: &Path, key: Key) -> Result<Case> {
        let mut stream = decrypt(path, &key)?;
        let mut members = BTreeMap::new();
        let mut small: BTreeMap<&'static str, Vec<u8>> = BTreeMap::new();
        {
            let mut reader = archive::Reader::new(&mut stream);
            while let Some(member) = reader.next_member()? {
                let path = match names::member_place(&member.name, member.kind == Kind::Directory)?
                {
                    Place::Root | Place::EvidenceDir => continue,
                    Place::File(path) => path,
                };
                let list = [
                    MANIFEST_PATH,
                    SUMS_PATH,
                    ENTRIES_JSON_PATH,
                    MESSAGES_JSON_PATH,
                ]
                .into_iter()
                .find(|p| *p == path);
                if members
                    .insert(path.clone(), (reader.data_offset(), member.size))
                    .is_some()
                {
                    return Err(refused(&path, "appears twice in the handover"));
                }
                match list {
                    Some(name) => {
                        let cap = if name == ENTRIES_JSON_PATH || name == MESSAGES_JSON_PATH {
                            ENTRIES_JSON_MAX_BYTES
                        } else {
                            LIST_MAX_BYTES
                        };
                        if member.size > cap {
                            return Err(refused(
                                &path,
                                format!("is too large ({} bytes)", member.size),
                            ));
                        }
                        let mut bytes = Vec::with_capacity(member.size as usize);
                        let mut buf = vec![0u8; 64 * 1024];
                        loop {
                            let n = reader.read_data(&mut buf)?;
                            if n == 0 {
                                break;
                            }
                            bytes.extend_from_slice(&buf[..n]);
                        }
                        small.insert(name, bytes);
                    }
                    None => reader.skip_data()?,
                }
            }
        }
        let missing =
            |name: &str| Error::bundle(format!("the handover was refused: {name} is missing"));
        let sums = manifest::parse_sums(small.get(SUMS_PATH).ok_or_else(|| missing(SUMS_PATH))?)?;
        let manifest_bytes = small
            .get(MANIFEST_PATH)
            .ok_or_else(|| missing(MANIFEST_PATH))?;
        if sums.get(MANIFEST_PATH) != Some(&crate::bundle::digest::sha256_hex(manifest_bytes)) {
            return Err(refused(
                MANIFEST_PATH,
                "does not match its SHA-256 in SHA256SUMS",
            ));
        }
        let manifest = Manifest::from_json(manifest_bytes)?;
        let entries_bytes = small
            .get(ENTRIES_JSON_PATH)
            .ok_or_else(|| missing(ENTRIES_JSON_PATH))?;
        let entries = EntriesFile::from_json(entries_bytes)
            .map_err(|e| Error::bundle(format!("the handover was refused: {e}")))?;
        let messages = match small.get(MESSAGES_JSON_PATH) {
            Some(bytes) => Some(
                serde_json::from_slice(bytes)
                    .map_err(|e| refused(MESSAGES_JSON_PATH, format!("is not valid JSON ({e})")))?,
            ),
            None => None,
        };
        Ok(Case {
            path: path.to_path_buf(),
            key,
            stream,
            members,
            sums,
            manifest,
            entries: entries.entries,
            exhibits: entries.exhibits,
            messages,
            checked: None,
        })
    }

    /// The handover file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads every byte and runs every check `daybook verify` runs on a handover,
    /// telling `progress` how far it has got (in bytes of the archive). A damaged or
    /// altered handover gives a failed [`Report`] naming the file; cancelling gives
    /// `Error::Cancelled` and the case stays unchecked.
    pub fn check(&mut self, progress: &dyn Progress) -> Result<&Report> {
        let total = self
            .members
            .values()
            .map(|(offset, size)| offset + size)
            .max()
            .unwrap_or(0);
        self.stream.seek(SeekFrom::Start(0))?;
        let counted = Counted {
            inner: &mut self.stream,
            done: 0,
            total,
            progress,
        };
        let result = verify_stream(counted);
        if !matches!(result, Ok(Report { passed: true, .. })) {
            self.reopen();
        }
        let report = match result {
            Ok(report) => report,
            Err(Error::Io(e)) if e.get_ref().is_some_and(|x| x.is::<Stopped>()) => {
                return Err(Error::Cancelled)
            }
            Err(Error::Io(e)) => Report {
                passed: false,
                checked: Vec::new(),
                failure: Some(format!("the handover file is damaged or incomplete ({e})")),
                manifest: None,
                files: Vec::new(),
            },
            Err(e) => return Err(e),
        };
        Ok(self.checked.insert(report))
    }

    /// Opens the file afresh, after a read that failed (see `key`). If that fails
    /// too, later reads fail and say so.
    fn reopen(&mut self) {
        if let Ok(stream) = decrypt(&self.path, &self.key) {
            self.stream = stream;
        }
    }

    /// The full check's result, once it has run.
    pub fn checked(&self) -> Option<&Report> {
        self.checked.as_ref()
    }

    /// Whether the full check ran and every check passed.
    pub fn is_checked(&self) -> bool {
        self.checked.as_ref().is_some_and(|r| r.passed)
    }

    /// Every file in the handover, with its size.
    pub fn files(&self) -> impl Iterator<Item = (&str, u64)> {
        self.members
            .iter()
            .map(|(p, (_, size))| (p.as_str(), *size))
    }

    /// Where a file's data lies in the decrypted archive: (offset, size).
    pub fn member_range(&self, path: &str) -> Option<(u64, u64)> {
        self.members.get(path).copied()
    }

    /// The path of an exhibit's original inside the handover, if it is there.
    pub fn original_path(&self, exhibit: &Exhibit) -> Option<String> {
        let path = exhibit_path(exhibit);
        self.members.contains_key(&path).then_some(path)
    }

    /// Whether the handover holds the report.
    pub fn has_report(&self) -> bool {
        self.members.contains_key(REPORT_PATH)
    }

    /// Copies one file of the handover to `out`, checking it against `SHA256SUMS`
    /// as it goes; returns its SHA-256. A file that does not match is an error (the
    /// bytes already written must then be thrown away by the caller).
    pub fn copy(&mut self, path: &str, out: &mut dyn Write) -> Result<String> {
        let result = self.copy_checked(path, out);
        if result.is_err() {
            self.reopen();
        }
        result
    }

    fn copy_checked(&mut self, path: &str, out: &mut dyn Write) -> Result<String> {
        let (offset, size) = *self.members.get(path).ok_or_else(|| {
            Error::bundle(format!("the handover has no file {}", names::shown(path)))
        })?;
        let expected = self
            .sums
            .get(path)
            .cloned()
            .ok_or_else(|| refused(path, "is not listed in SHA256SUMS"))?;
        self.stream.seek(SeekFrom::Start(offset))?;
        let mut hasher = Sha256::new();
        let mut left = size;
        let mut buf = vec![0u8; 64 * 1024];
        while left > 0 {
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = self.stream.read(&mut buf[..want]).map_err(|e| {
                refused(
                    path,
                    format!("could not be read: it was altered or damaged ({e})"),
                )
            })?;
            if n == 0 {
                return Err(refused(path, "is cut short"));
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])?;
            left -= n as u64;
        }
        let sha = hex::encode(hasher.finalize());
        if sha != expected {
            return Err(refused(path, "does not match its SHA-256 in SHA256SUMS"));
        }
        Ok(sha)
    }

    /// One file of the handover in memory (a picture to show, the report), checked
    /// against `SHA256SUMS`; refused above [`SHOW_MAX_BYTES`].
    pub fn read(&mut self, path: &str) -> Result<Vec<u8>> {
        let size = self.members.get(path).map(|(_, s)| *s).unwrap_or(0);
        if size > SHOW_MAX_BYTES {
            return Err(Error::bundle(format!(
                "{} is too large to show here; save it instead",
                names::shown(path)
            )));
        }
        let mut bytes = Vec::with_capacity(size as usize);
        self.copy(path, &mut bytes)?;
        Ok(bytes)
    }

    /// An exhibit's original in memory (see [`Case::read`]).
    pub fn original(&mut self, mark: &str) -> Result<(Exhibit, Vec<u8>)> {
        let (exhibit, path) = self.exhibit_and_path(mark)?;
        let bytes = self.read(&path)?;
        Ok((exhibit, bytes))
    }

    /// An exhibit by its mark, and where its original is in the handover.
    fn exhibit_and_path(&self, mark: &str) -> Result<(Exhibit, String)> {
        let exhibit = self
            .exhibits
            .iter()
            .find(|x| x.mark == mark)
            .cloned()
            .ok_or_else(|| Error::NoSuchExhibit(mark.to_string()))?;
        let path = self.original_path(&exhibit).ok_or_else(|| {
            Error::bundle(format!(
                "the original of exhibit {mark} is not in this handover"
            ))
        })?;
        Ok((exhibit, path))
    }

    /// A preview picture of an exhibit (a JPEG), made in memory from its original.
    pub fn thumbnail(&mut self, mark: &str) -> Result<Option<Vec<u8>>> {
        let (exhibit, bytes) = self.original(mark)?;
        let orientation = exhibit.metadata.orientation;
        Ok(
            crate::evidence::thumbnail::make_bytes(&bytes, &exhibit.media_type, orientation)
                .ok()
                .map(|t| t.jpeg),
        )
    }

    /// Saves an exhibit's original to `out` (a new file), checked; returns its SHA-256.
    pub fn save_original(&mut self, mark: &str, out: &Path) -> Result<String> {
        let (_, path) = self.exhibit_and_path(mark)?;
        self.save(&path, out)
    }

    /// Saves one file of the handover to `out` (a new file, never an existing one),
    /// checked; on any failure the partial file is removed.
    pub fn save(&mut self, path: &str, out: &Path) -> Result<String> {
        let mut file = crate::outfile::create_private(out)?;
        match self.copy(path, &mut file).and_then(|sha| {
            file.sync_all().map_err(|e| Error::file(out, e))?;
            Ok(sha)
        }) {
            Ok(sha) => Ok(sha),
            Err(e) => {
                drop(file);
                let _ = std::fs::remove_file(out);
                Err(e)
            }
        }
    }
}

fn decrypt(path: &Path, key: &Key) -> Result<Stream> {
    let file = File::open(path).map_err(|e| Error::file(path, e))?;
    let input = BufReader::with_capacity(256 * 1024, file);
    match key {
        Key::Identity(identity) => OpenReader::with_identity(identity, input),
        Key::Passphrase(passphrase) => OpenReader::with_passphrase(passphrase, input),
    }
}

/// The reason a check's read stopped: the person cancelled.
#[derive(Debug)]
struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cancelled")
    }
}

impl std::error::Error for Stopped {}

/// Counts bytes read for progress, and stops when cancelled.
struct Counted<'a, R> {
    inner: &'a mut R,
    done: u64,
    total: u64,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.progress.cancelled() {
            return Err(std::io::Error::other(Stopped));
        }
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        self.progress
            .advanced(self.done.min(self.total), self.total, Unit::Bytes);
        Ok(n)
    }
}
