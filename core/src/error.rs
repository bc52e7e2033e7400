//! The one error type of `daybook-core`. Each variant is a kind a caller can act on:
//! the desktop shell sends `kind()` to the UI so it can branch on it.

use std::path::PathBuf;

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The passphrase did not open the vault.
    #[error("that passphrase does not open this diary")]
    WrongPassphrase,
    /// The recovery code did not open the vault.
    #[error("that recovery code does not open this diary")]
    WrongRecoveryCode,
    /// The operation needs the diary unlocked.
    #[error("the diary is locked; unlock it with your passphrase first")]
    Locked,
    /// A field of an entry (or an option) is not acceptable.
    #[error("{field}: {message}")]
    InvalidField { field: String, message: String },
    /// No entry with that number.
    #[error("there is no entry number {0}")]
    NoSuchEntry(u64),
    /// No exhibit with that mark.
    #[error("there is no exhibit {0}")]
    NoSuchExhibit(String),
    /// The entry was erased or withdrawn and cannot be changed that way.
    #[error("{0}")]
    NotAllowed(String),
    /// There is no vault at the path.
    #[error("there is no diary at {0}")]
    NoVault(PathBuf),
    /// A vault already exists at the path.
    #[error("a diary already exists at {0}")]
    VaultExists(PathBuf),
    /// The file is not a Daybook vault, or was made by a newer Daybook.
    #[error("{0}")]
    NotAVault(String),
    /// A sealed record failed to open or does not belong where it was found.
    /// `place` names where ("events 7f3a…", "index page 3", "exhibit AB/2", "the
    /// chain head"); `why` says what is wrong there.
    #[error("{place}: {why}")]
    Tampered { place: String, why: String },
    /// A file the user named could not be read or written.
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    /// A file that cannot be accepted as evidence (for example, empty).
    #[error("{0}")]
    EvidenceRefused(String),
    /// An export or handover could not be made, or a handover is not acceptable.
    /// `member` is the file of the handover or export concerned, when there is one
    /// (`entries.json`, `evidence/AB-1_photo.jpg`); it is shown quoted, with control
    /// characters escaped, as it may be a name from someone else's archive.
    #[error("{}", bundle_text(.member.as_deref(), .reason))]
    Bundle {
        member: Option<String>,
        reason: String,
    },
    /// The report could not be made.
    #[error("{0}")]
    Report(String),
    /// The user cancelled a long operation.
    #[error("cancelled")]
    Cancelled,
    /// The storage layer failed.
    #[error("the diary file could not be read or written: {0}")]
    Storage(#[source] rusqlite::Error),
    /// Data could not be written as JSON (a bug or a resource limit, never the
    /// person's input).
    #[error("data could not be written as JSON: {0}")]
    Json(String),
    /// Encryption failed (not a wrong key).
    #[error("encryption failed: {0}")]
    Crypto(String),
    /// Input or output failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// An export from a phone (WhatsApp chat, SMS backup, call log) cannot be read:
    /// damaged, cut short, in another encoding, unsafe, or ambiguous without a choice.
    #[error("{}", crate::import::describe(.format, .position, .reason))]
    Import {
        format: Option<crate::import::Format>,
        position: Option<crate::import::Position>,
        reason: String,
    },
}

impl Error {
    /// A stable, machine-readable name for the kind of error.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::WrongPassphrase => "wrong_passphrase",
            Error::WrongRecoveryCode => "wrong_recovery_code",
            Error::Locked => "locked",
            Error::InvalidField { .. } => "invalid_field",
            Error::NoSuchEntry(_) => "no_such_entry",
            Error::NoSuchExhibit(_) => "no_such_exhibit",
            Error::NotAllowed(_) => "not_allowed",
            Error::NoVault(_) => "no_vault",
            Error::VaultExists(_) => "vault_exists",
            Error::NotAVault(_) => "not_a_vault",
            Error::Tampered { .. } => "tampered",
            Error::File { .. } => "file_unreadable",
            Error::EvidenceRefused(_) => "evidence_refused",
            Error::Bundle { .. } => "bundle",
            Error::Report(_) => "report",
            Error::Cancelled => "cancelled",
            Error::Storage(_) => "storage",
            Error::Crypto(_) => "crypto",
            Error::Json(_) => "json",
            Error::Io(_) => "io",
            Error::Import { .. } => "import",
        }
    }

    /// The field an `InvalidField` error names.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidField { field, .. } => Some(field),
            _ => None,
        }
    }

    /// A sealed record or the diary's structure is not as the diary left it.
    pub(crate) fn tampered(place: impl Into<String>, why: impl Into<String>) -> Self {
        Error::Tampered {
            place: place.into(),
            why: why.into(),
        }
    }

    /// An export or handover problem that concerns no one member.
    pub(crate) fn bundle(reason: impl Into<String>) -> Self {
        Error::Bundle {
            member: None,
            reason: reason.into(),
        }
    }

    /// An export or handover problem with one member (file) of it.
    pub(crate) fn bundle_member(member: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Bundle {
            member: Some(member.into()),
            reason: reason.into(),
        }
    }

    pub(crate) fn file(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Self {
        Error::File {
            path: path.into(),
            message: err.to_string(),
        }
    }
}

/// A value SQLite hands back in a type the schema does not give it (text where a
/// number belongs, text that is not UTF-8) was changed behind Daybook's back: that is
/// damage to the diary file (`Tampered`, exit 4), not a failure to read or write it.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::FromSqlConversionFailure(column, _, _)
            | rusqlite::Error::InvalidColumnType(column, _, _) => Error::tampered(
                "a row of the diary file",
                format!(
                    "the value in its column {} is damaged (not of the type stored there)",
                    column + 1
                ),
            ),
            rusqlite::Error::IntegralValueOutOfRange(column, _) => Error::tampered(
                "a row of the diary file",
                format!(
                    "the number in its column {} is damaged (out of range)",
                    column + 1
                ),
            ),
            other => Error::Storage(other),
        }
    }
}

/// How a `Bundle` error reads: the member, quoted and escaped, then the reason.
fn bundle_text(member: Option<&str>, reason: &str) -> String {
    match member {
        Some(member) => format!("'{}': {reason}", member.escape_debug()),
        None => reason.to_string(),
    }
}

/// Result with the core's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
