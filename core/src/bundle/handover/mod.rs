//! The archive inside a handover file: a tar stream holding the report, the entries as
//! JSON and CSV, every original under `evidence/`, `manifest.json`, `SHA256SUMS` and a
//! `README.txt`. Encryption is not done here: [`Writer`] writes to, and [`open`] and
//! [`verify`] read from, plain streams that the `crypto` module wraps in `age`.
//!
//! Everything is streamed: originals are copied and hashed in 64 KiB chunks, so a
//! handover of gigabytes needs a few hundred KiB of memory. Reading is strict and
//! refuses, naming the member, anything a Daybook handover would not contain; [`open`]
//! writes only inside the chosen folder, only under temporary names until every check
//! has passed, and removes everything it wrote when it refuses.
//!
//! `write` makes a handover and `read` opens or checks one; this file holds what the
//! two halves share: where an exhibit's original sits in the archive, and the public
//! types and limits of the format.

mod read;
mod view;
mod write;

use crate::evidence::Exhibit;

use super::names::{evidence_file_name, EVIDENCE_DIR};

pub use read::{open, verify, Opened, Report};
pub use view::{Case, MESSAGES_JSON_PATH, SHOW_MAX_BYTES};
pub use write::Writer;

/// The largest `manifest.json` or `SHA256SUMS` accepted, in bytes.
pub const LIST_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The largest `entries.json` accepted, in bytes (it is parsed in memory).
pub const ENTRIES_JSON_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// What the caller adds to the manifest when finishing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    /// Identifies the diary (opaque here).
    pub fingerprint: String,
    /// The version of Daybook making the handover.
    pub daybook_version: String,
}

/// One file of an opened or verified handover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Path inside the handover, e.g. `evidence/AB-1_photo.jpg`.
    pub path: String,
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// Where an exhibit's original is kept inside a handover: `evidence/<mark>_<name>`.
fn exhibit_path(exhibit: &Exhibit) -> String {
    format!(
        "{EVIDENCE_DIR}/{}",
        evidence_file_name(&exhibit.mark, &exhibit.original_name)
    )
}
