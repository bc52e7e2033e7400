//! # daybook-core
//!
//! The core of Daybook, a diary for people being stalked: a sealed vault (SQLite +
//! age), the incident model, evidence files, the police-ready report, the handover
//! file and the verifier. No user interface lives here; the `daybook` command line
//! and the desktop shell both call this crate.
//!
//! ```no_run
//! use daybook_core::{incident::{Incident, Occurred}, vault::{CreateOptions, Vault}, SecretString};
//! # fn main() -> daybook_core::Result<()> {
//! let path = std::path::Path::new("/tmp/example.daybook");
//! let (mut vault, _recovery_code) =
//!     Vault::create(path, SecretString::from("a long passphrase".to_string()), CreateOptions::default())?;
//! let when = Occurred::parse("2026-11-01 20:15", None, false, "Europe/London")?;
//! let number = vault.add(Incident::new(when, "He was waiting outside my work again."))?;
//! assert_eq!(vault.entry(number)?.number, 1);
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
// Code returns errors and never panics on input (tests may): the workspace's
// clippy lints deny unwrap, expect and panic, and clippy.toml allows them in tests.

pub mod bundle;
pub(crate) mod chain;
pub mod crypto;
pub mod disclosure;
pub mod entry;
pub mod error;
pub mod escape;
pub mod evidence;
pub mod import;
pub mod incident;
pub mod message;
pub mod outfile;
pub mod progress;
pub(crate) mod record;
pub mod report;
pub mod select;
pub mod settings;
pub(crate) mod store;
pub(crate) mod stream;
pub mod vault;

pub use error::{Error, Result};
pub use secrecy::{ExposeSecret, SecretString};
pub use vault::Vault;

/// The Daybook version, shown in reports and handover files.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
