//! Entries as the diary shows them: an incident with its number, its honest
//! "recorded at" time, its status and its history. These are opened (readable) types;
//! the vault turns them into sealed events before anything is stored.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::incident::Incident;

/// What stands in every output (report, handover, CSV, JSON) where words were left
/// out of that copy, such as witnesses' names and details.
pub const LEFT_OUT: &str = "[left out of this copy]";

/// Whether an entry stands, was withdrawn, or was erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    Active,
    /// Kept, but the person no longer relies on it.
    Withdrawn {
        at: DateTime<Utc>,
        reason: String,
    },
    /// The content was removed for safety; only a tombstone remains.
    Erased {
        at: DateTime<Utc>,
    },
}

impl Status {
    /// `active`, `withdrawn` or `erased`.
    pub fn key(&self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Withdrawn { .. } => "withdrawn",
            Status::Erased { .. } => "erased",
        }
    }
}

/// One saved wording of an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    /// 1 for the first wording, 2 for the first amendment…
    pub revision: u32,
    /// When this wording was saved (set by the core).
    pub saved_at: DateTime<Utc>,
    pub incident: Incident,
    /// Written from the lock screen, without unlocking.
    #[serde(default)]
    pub written_while_locked: bool,
}

/// An entry's current state: what lists, timelines and reports show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable number, in order of recording, never reused.
    pub number: u64,
    /// Opaque random id.
    pub id: String,
    /// When the first wording was saved; never editable.
    pub recorded_at: DateTime<Utc>,
    /// When the latest amendment was saved, if it was amended.
    pub amended_at: Option<DateTime<Utc>>,
    /// How many wordings there are (1 when never amended).
    pub revisions: u32,
    pub status: Status,
    /// The latest wording; `None` once erased.
    pub incident: Option<Incident>,
    /// Exhibit marks of the files attached to this entry, in order.
    #[serde(default)]
    pub exhibits: Vec<String>,
    #[serde(default)]
    pub written_while_locked: bool,
    /// For a note written while locked that was held apart (its time could not be
    /// confirmed) and kept by the person: why it was held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<String>,
    /// How many imported messages and calls are linked to it (see `Vault::messages`).
    #[serde(default)]
    pub messages: u64,
}

impl Entry {
    pub fn is_active(&self) -> bool {
        matches!(self.status, Status::Active)
    }
}
