//! What leaves the vault as files: the archive inside a handover (a tar stream the
//! `crypto` module wraps in `age`) and the plain evidence pack folder, each with the
//! entries' imported messages beside the originals (`messages`).
//!
//! This module takes opened records and plain `Read`/`Write` streams; it never
//! imports `age`, never reads the vault, and never writes outside the folder or stream
//! it is given.
//!
//! ```no_run
//! # use daybook_core::bundle::{handover, records::Options};
//! # fn demo(out: std::fs::File, exhibits: Vec<daybook_core::evidence::Exhibit>,
//! #         records: Vec<daybook_core::bundle::EntryRecord>, pdf: Vec<u8>)
//! #         -> daybook_core::error::Result<()> {
//! let mut writer = handover::Writer::new(out, chrono::Utc::now());
//! for exhibit in &exhibits {
//!     let original = std::fs::File::open("…")?; // the vault's decrypting reader
//!     // A plain file proves nothing about itself: hash it (the vault's own reader
//!     // may say `Check::Sealed`).
//!     writer.add_exhibit(exhibit, original, daybook_core::evidence::Check::Hash)?;
//! }
//! writer.add_entries(&records, &exhibits, &Options::default())?;
//! writer.add_bytes("report.pdf", &pdf)?;
//! let (_out, manifest) = writer.finish(handover::Details {
//!     fingerprint: "…".into(),
//!     daybook_version: env!("CARGO_PKG_VERSION").into(),
//! })?;
//! # Ok(()) }
//! ```

pub mod archive;
pub mod cancel;
pub mod csv;
pub mod digest;
mod folder;
pub mod handover;
pub mod manifest;
pub mod messages;
pub mod names;
pub mod pack;
mod readme;
pub mod records;
pub mod sealed;

pub use handover::{open, verify, Details, Opened, Report, Writer};
pub use manifest::{FileRecord, Manifest};
pub use names::evidence_file_name;
pub use pack::PackSummary;
pub use records::{EntriesFile, EntryRecord, Options};
