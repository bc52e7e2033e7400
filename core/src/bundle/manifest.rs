//! `manifest.json` and `SHA256SUMS`: the two lists that say what a handover holds.
//!
//! `manifest.json` lists every file except itself and `SHA256SUMS`, with its size and
//! SHA-256, plus counts and dates; `SHA256SUMS` lists every file except itself, in the
//! exact form `sha256sum -c` reads (64 lowercase hex digits, two spaces, the path).
//! Reading is strict: a line in any other form is refused, so a damaged list cannot
//! pass quietly.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

use super::names::{check_file_path, shown};

/// The `format` value of `manifest.json`.
pub const FORMAT: &str = "daybook-handover";

/// The version of the handover layout this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The manifest's own path.
pub const MANIFEST_PATH: &str = "manifest.json";
/// The checksum list's path.
pub const SUMS_PATH: &str = "SHA256SUMS";
/// The plain-words explanation's path.
pub const README_PATH: &str = "README.txt";
/// The entries' path.
pub const ENTRIES_JSON_PATH: &str = "entries.json";
/// The spreadsheet's path.
pub const ENTRIES_CSV_PATH: &str = "entries.csv";
/// The printable report's path.
pub const REPORT_PATH: &str = "report.pdf";

/// Size and hash of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, 64 lowercase hex digits.
    pub sha256: String,
}

/// What `manifest.json` says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `daybook-handover`.
    pub format: String,
    /// The layout version, [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Identifies the diary it came from (given by the caller, opaque here).
    pub fingerprint: String,
    /// When the handover was made; also the time on every member.
    pub created_at: DateTime<Utc>,
    /// The Daybook version that made it.
    pub daybook_version: String,
    /// How many entries `entries.json` holds.
    pub entries: u64,
    /// How many exhibits `entries.json` describes (erased ones included).
    pub exhibits: u64,
    /// The first local day an incident happened, when there is one.
    pub date_from: Option<NaiveDate>,
    /// The last local day an incident happened, when there is one.
    pub date_to: Option<NaiveDate>,
    /// Whether witnesses were withheld.
    pub redacted_witnesses: bool,
    /// How many imported messages and calls `messages.json` holds (0, and no such
    /// file, when the entries have none; absent in handovers made before imports).
    #[serde(default)]
    pub messages: u64,
    /// Every file but `manifest.json` and `SHA256SUMS`, by path.
    pub files: BTreeMap<String, FileRecord>,
}

impl Manifest {
    /// The JSON text, indented, ending in a newline.
    pub fn to_json(&self) -> Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| {
            Error::bundle_member(MANIFEST_PATH, format!("it could not be written: {e}"))
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Reads and checks `manifest.json`: its format, version and every path it lists.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let refuse = |why: String| {
            Error::bundle_member(MANIFEST_PATH, format!("the handover was refused: {why}"))
        };
        let manifest: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| refuse(format!("it cannot be read ({e})")))?;
        if manifest.format != FORMAT {
            return Err(refuse(format!(
                "it is not a Daybook handover manifest (format {:?})",
                manifest.format
            )));
        }
        if manifest.format_version > FORMAT_VERSION {
            return Err(Error::bundle(format!(
                "this handover was made by a newer Daybook (format version {}); please update \
                 Daybook to open it",
                manifest.format_version
            )));
        }
        for (path, record) in &manifest.files {
            check_file_path(path).map_err(|e| refuse(format!("it lists a bad path: {e}")))?;
            if path == MANIFEST_PATH || path == SUMS_PATH {
                return Err(refuse(format!("it lists {} itself", shown(path))));
            }
            check_hex(&record.sha256).map_err(|why| {
                refuse(format!(
                    "it has a bad SHA-256 for {}: it {why}",
                    shown(path)
                ))
            })?;
        }
        Ok(manifest)
    }
}

fn check_hex(hex: &str) -> std::result::Result<(), &'static str> {
    if hex.len() != 64 {
        return Err("is not 64 characters long");
    }
    if !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err("is not lowercase hexadecimal");
    }
    Ok(())
}

/// Writes `SHA256SUMS` text for `(path, sha256)` pairs, in the given order.
pub fn sums_text<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut text = String::new();
    for (path, sha256) in files {
        text.push_str(sha256);
        text.push_str("  ");
        text.push_str(path);
        text.push('\n');
    }
    text
}

/// Reads `SHA256SUMS` strictly: one `<64 lowercase hex>  <path>` line per file, each
/// ending in a newline, no blank lines, no duplicates. A leading `./` on a path (as
/// `sha256sum ./file` writes) is dropped.
pub fn parse_sums(bytes: &[u8]) -> Result<BTreeMap<String, String>> {
    let refuse = |line: usize, why: &str| {
        Err(Error::bundle_member(
            SUMS_PATH,
            format!("the handover was refused: it is damaged (line {line} {why})"),
        ))
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => return refuse(1, "is not valid UTF-8 text"),
    };
    if text.is_empty() {
        return refuse(1, "is missing: the file is empty");
    }
    if !text.ends_with('\n') {
        return refuse(text.lines().count(), "does not end with a new line");
    }
    let mut sums = BTreeMap::new();
    for (index, line) in text[..text.len() - 1].split('\n').enumerate() {
        let number = index + 1;
        let Some((hash, path)) = line.split_once("  ") else {
            return refuse(number, "is not in 'hash  name' form");
        };
        if let Err(why) = check_hex(hash) {
            return refuse(number, &format!("has a hash that {why}"));
        }
        let path = path.strip_prefix("./").unwrap_or(path);
        if let Err(e) = check_file_path(path) {
            return refuse(number, &format!("names a bad path: {e}"));
        }
        if path == SUMS_PATH {
            return refuse(number, "lists SHA256SUMS itself");
        }
        if sums.insert(path.to_string(), hash.to_string()).is_some() {
            return refuse(number, &format!("lists {} a second time", shown(path)));
        }
    }
    Ok(sums)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn sums_round_trip() {
        let text = sums_text([("README.txt", H), ("evidence/AB-1_x y.jpg", H)]);
        assert_eq!(
            text,
            format!("{H}  README.txt\n{H}  evidence/AB-1_x y.jpg\n")
        );
        let sums = parse_sums(text.as_bytes()).unwrap();
        assert_eq!(sums.len(), 2);
        assert_eq!(sums["evidence/AB-1_x y.jpg"], H);
    }

    #[test]
    fn damaged_sums_are_refused() {
        for bad in [
            format!("{H}  README.txt"),
            format!("{H} *README.txt\n"),
            format!("{H} README.txt\n"),
            format!("{}  README.txt\n", H.to_uppercase()),
            format!("{}  README.txt\n", &H[1..]),
            format!("{H}  README.txt\n\n"),
            format!("{H}  README.txt\n{H}  README.txt\n"),
            format!("{H}  ../x\n"),
            format!("{H}  SHA256SUMS\n"),
            String::new(),
        ] {
            let err = parse_sums(bad.as_bytes()).unwrap_err();
            assert!(
                matches!(&err, Error::Bundle { member: Some(m), reason }
                    if m == "SHA256SUMS" && reason.contains("it is damaged (line")),
                "{bad:?}: {err}"
            );
        }
    }
}
