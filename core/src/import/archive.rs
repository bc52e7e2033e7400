//! Reading a WhatsApp export zip without trusting it. The zip may have come from
//! anyone (the person who is stalked may be sent one), so its headers are not
//! believed: every entry is read through a `take()` limit, the expansion ratio is
//! checked against the compressed bytes, and names that could point outside the
//! export (`..`, absolute paths, symlinks) make the whole zip refused. Nothing is ever
//! extracted to disk here; entries are read into memory within these limits.

use std::collections::HashMap;
use std::io::{Read, Seek};

use zip::ZipArchive;

use super::{import_error, Format};
use crate::error::{Error, Result};

/// The most entries an export zip may have (a chat and its media; years of photos
/// are a few thousand).
pub const MAX_ENTRIES: usize = 20_000;

/// The largest one entry may be once expanded, in bytes. WhatsApp caps videos well
/// below this; a longer chat text is refused rather than read.
pub const MAX_ENTRY_BYTES: u64 = 512 * 1024 * 1024;

/// The most all entries read from one zip may expand to, in bytes.
pub const MAX_TOTAL_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// How many times larger than its compressed bytes an entry may expand. Chat text
/// compresses about 5:1 and media hardly at all; a zip bomb expands by 1000:1.
pub const MAX_RATIO: u64 = 100;

/// Entries smaller than this once expanded are not held to [`MAX_RATIO`]: a tiny entry
/// of repeated text can have a high ratio and harm no one.
pub const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;

/// An export zip whose entries have been checked, ready to read by name.
pub struct Archive<R> {
    zip: ZipArchive<R>,
    /// Each file's full name and its index.
    files: Vec<(String, usize)>,
    /// Index by the file name without folders, for media markers.
    by_base: HashMap<String, usize>,
    total: u64,
}

fn refuse(reason: impl Into<String>) -> Error {
    import_error(Some(Format::WhatsApp), None, reason)
}

impl<R: Read + Seek> Archive<R> {
    /// Opens the zip and checks every entry's name and declared size before any is
    /// read.
    pub fn open(reader: R) -> Result<Self> {
        let mut zip = ZipArchive::new(reader)
            .map_err(|e| refuse(format!("the zip file cannot be read: {e}")))?;
        if zip.len() > MAX_ENTRIES {
            return Err(refuse(format!(
                "the zip file has {} entries, more than the {MAX_ENTRIES} a chat export could hold",
                zip.len()
            )));
        }
        let mut files = Vec::new();
        let mut by_base = HashMap::new();
        for index in 0..zip.len() {
            let entry = zip.by_index_raw(index).map_err(|e| {
                refuse(format!("entry {index} of the zip file cannot be read: {e}"))
            })?;
            let name = entry.name().to_string();
            if !safe_name(&name) || entry.enclosed_name().is_none() {
                return Err(refuse(format!(
                    "the zip file holds an entry named {name:?}, which points outside the export; it was refused"
                )));
            }
            if entry.is_symlink() {
                return Err(refuse(format!(
                    "the zip file holds a symbolic link ({name:?}); a chat export never does, so it was refused"
                )));
            }
            if entry.size() > MAX_ENTRY_BYTES {
                return Err(refuse(format!(
                    "{name:?} in the zip file says it expands to {} MiB, more than the {} MiB allowed",
                    entry.size() / (1024 * 1024),
                    MAX_ENTRY_BYTES / (1024 * 1024)
                )));
            }
            if entry.is_dir() {
                continue;
            }
            let base = name.rsplit('/').next().unwrap_or(&name).to_string();
            by_base.entry(base).or_insert(index);
            files.push((name, index));
        }
        Ok(Archive {
            zip,
            files,
            by_base,
            total: 0,
        })
    }

    /// The entries' full names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(name, _)| name.as_str())
    }

    /// Whether a file with this name (without folders) is in the zip.
    pub fn contains(&self, base: &str) -> bool {
        self.by_base.contains_key(base)
    }

    /// Reads the file with this full name.
    pub fn read_name(&mut self, name: &str) -> Result<Vec<u8>> {
        let index = self
            .files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, i)| *i)
            .ok_or_else(|| refuse(format!("{name:?} is not in the zip file")))?;
        self.read_index(index)
    }

    /// Reads the file with this name (without folders), if there is one.
    pub fn read_base(&mut self, base: &str) -> Option<Result<Vec<u8>>> {
        let index = *self.by_base.get(base)?;
        Some(self.read_index(index))
    }

    fn read_index(&mut self, index: usize) -> Result<Vec<u8>> {
        let entry = self
            .zip
            .by_index(index)
            .map_err(|e| refuse(format!("entry {index} of the zip file cannot be read: {e}")))?;
        let name = entry.name().to_string();
        // The most this entry may expand to, whatever its header claims.
        let by_ratio = entry
            .compressed_size()
            .saturating_mul(MAX_RATIO)
            .max(RATIO_FLOOR_BYTES);
        let by_total = MAX_TOTAL_BYTES.saturating_sub(self.total);
        let limit = MAX_ENTRY_BYTES.min(by_ratio).min(by_total);
        let mut bytes = Vec::new();
        entry
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| refuse(format!("{name:?} in the zip file is damaged: {e}")))?;
        let read = bytes.len() as u64;
        if read > limit {
            let why = if limit == by_total {
                format!(
                    "the zip file expands to more than {} MiB in all",
                    MAX_TOTAL_BYTES / (1024 * 1024)
                )
            } else if limit == by_ratio {
                format!("{name:?} expands more than {MAX_RATIO} times its compressed size, as a zip bomb does")
            } else {
                format!(
                    "{name:?} expands to more than {} MiB",
                    MAX_ENTRY_BYTES / (1024 * 1024)
                )
            };
            return Err(refuse(format!("{why}; the zip file was refused")));
        }
        self.total += read;
        Ok(bytes)
    }
}

/// A name that stays inside the export: relative, without `..`, without a drive.
fn safe_name(name: &str) -> bool {
    if name.is_empty() || name.starts_with('/') || name.starts_with('\\') || name.contains('\0') {
        return false;
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' {
        return false;
    }
    !name.split(['/', '\\']).any(|part| part == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_archive_names_that_leave_the_export_are_unsafe() {
        assert!(safe_name("_chat.txt"));
        assert!(safe_name("media/IMG-1.jpg"));
        assert!(safe_name("a..b.txt"));
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "\\x",
            "C:\\x",
            "C:x",
            "a\\..\\b",
            "",
        ] {
            assert!(!safe_name(bad), "{bad}");
        }
    }
}
