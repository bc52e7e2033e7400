//! The hash chain: every change to the diary (a revision, a withdrawal, an erasure,
//! an exhibit) is a link. A link is SHA-256 over the previous link and the change's
//! canonical bytes, so altering, removing or reordering any change breaks every
//! later link. The head of the chain is the diary's fingerprint.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::entry::Status;
use crate::evidence::Exhibit;
use crate::incident::Incident;

/// Domain separation for link hashes.
const LINK_DOMAIN: &[u8] = b"daybook/chain/v1";

/// The link before the first change: derived from the vault's id, so two diaries
/// never share a chain.
pub fn genesis(vault_id: &str) -> String {
    let mut h = Sha256::new();
    h.update(LINK_DOMAIN);
    h.update(b"/genesis/");
    h.update(vault_id.as_bytes());
    hex::encode(h.finalize())
}

/// The link for a change at `seq` with `id`, after `prev`, whose body hashes to
/// `body_sha256`.
pub fn link(prev: &str, seq: u64, id: &str, body_sha256: &str) -> String {
    let mut h = Sha256::new();
    h.update(LINK_DOMAIN);
    h.update(b"\n");
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(seq.to_string().as_bytes());
    h.update(b"\n");
    h.update(id.as_bytes());
    h.update(b"\n");
    h.update(body_sha256.as_bytes());
    hex::encode(h.finalize())
}

/// The chain head, sealed in `meta`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub seq: u64,
    pub link: String,
}

/// What an erased exhibit leaves behind in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExhibitTombstone {
    pub exhibit_id: String,
    pub mark: String,
    pub sha256: String,
    pub size: u64,
}

/// A sealed page of imported messages, as the chain records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePage {
    pub id: String,
    /// How many messages it holds.
    pub messages: u64,
    /// SHA-256 of the page's sealed bytes as stored.
    pub sealed_sha256: String,
}

/// One change, as sealed in an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// The first wording of an entry.
    Created {
        entry_id: String,
        number: u64,
        recorded_at: DateTime<Utc>,
        incident: Incident,
        #[serde(default)]
        written_while_locked: bool,
        /// For a note written while locked: when it was taken into the chain.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        absorbed_at: Option<DateTime<Utc>>,
        /// For a note that was held apart and kept at the person's word: why it was
        /// held (for example a time before the diary's last change).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        held: Option<String>,
    },
    /// A later wording.
    Amended {
        entry_id: String,
        number: u64,
        revision: u32,
        saved_at: DateTime<Utc>,
        incident: Incident,
    },
    /// The entry is kept but withdrawn.
    Withdrawn {
        entry_id: String,
        number: u64,
        at: DateTime<Utc>,
        reason: String,
    },
    /// The entry's content was removed; this tombstone stays.
    Erased {
        entry_id: String,
        number: u64,
        at: DateTime<Utc>,
        /// When the entry was first recorded (its other records are emptied).
        recorded_at: DateTime<Utc>,
        #[serde(default)]
        exhibits: Vec<ExhibitTombstone>,
        /// The pages of imported messages removed with the entry.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        message_pages: Vec<String>,
    },
    /// An evidence file was attached.
    ExhibitAdded {
        exhibit: Box<Exhibit>,
        /// `crypto::HeaderDigest` of the sealed original, so reading it back can prove
        /// it is the stream stored then without hashing it all again. Absent in
        /// diaries from before it was kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sealed_header_sha256: Option<String>,
        /// SHA-256 of the preview JPEG stored with it, when one was (absent in
        /// diaries from before it was kept).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        thumbnail_sha256: Option<String>,
    },
    /// Messages or calls imported from an export were linked to the entry for
    /// their day.
    MessagesAdded {
        entry_id: String,
        number: u64,
        at: DateTime<Utc>,
        /// The exhibit mark of the export they were read from.
        source: String,
        /// How many of them count as contact (from the people the import was about).
        contact: u64,
        pages: Vec<MessagePage>,
    },
    /// An evidence file was erased; its hash stays in the chain.
    ExhibitErased {
        entry_number: u64,
        tombstone: ExhibitTombstone,
        at: DateTime<Utc>,
    },
}

impl Change {
    /// The entry number the change concerns.
    pub fn entry_number(&self) -> u64 {
        match self {
            Change::Created { number, .. }
            | Change::Amended { number, .. }
            | Change::Withdrawn { number, .. }
            | Change::Erased { number, .. }
            | Change::MessagesAdded { number, .. } => *number,
            Change::ExhibitAdded { exhibit, .. } => exhibit.entry_number,
            Change::ExhibitErased { entry_number, .. } => *entry_number,
        }
    }

    /// When the change was made.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Change::Created {
                recorded_at,
                absorbed_at,
                ..
            } => absorbed_at.unwrap_or(*recorded_at),
            Change::Amended { saved_at, .. } => *saved_at,
            Change::Withdrawn { at, .. }
            | Change::Erased { at, .. }
            | Change::MessagesAdded { at, .. } => *at,
            Change::ExhibitAdded { exhibit, .. } => exhibit.added_at,
            Change::ExhibitErased { at, .. } => *at,
        }
    }

    /// A short plain description for history and verification output.
    pub fn describe(&self) -> String {
        match self {
            Change::Created { number, .. } => format!("entry {number} recorded"),
            Change::Amended {
                number, revision, ..
            } => {
                format!("entry {number} amended (wording {revision})")
            }
            Change::Withdrawn { number, .. } => format!("entry {number} withdrawn"),
            Change::Erased { number, .. } => format!("entry {number} erased"),
            Change::ExhibitAdded { exhibit, .. } => {
                format!(
                    "exhibit {} added to entry {}",
                    exhibit.mark, exhibit.entry_number
                )
            }
            Change::ExhibitErased { tombstone, .. } => format!("exhibit {} erased", tombstone.mark),
            Change::MessagesAdded {
                number,
                pages,
                source,
                ..
            } => format!(
                "{} imported messages from exhibit {source} linked to entry {number}",
                pages.iter().map(|p| p.messages).sum::<u64>()
            ),
        }
    }
}

/// Applies a change to an entry's state (used both live and when rebuilding the
/// index from the chain, so the two can never disagree).
pub fn apply(entry: &mut Option<crate::entry::Entry>, change: &Change) {
    use crate::entry::Entry;
    match change {
        Change::Created {
            entry_id,
            number,
            recorded_at,
            incident,
            written_while_locked,
            held,
            ..
        } => {
            *entry = Some(Entry {
                number: *number,
                id: entry_id.clone(),
                recorded_at: *recorded_at,
                amended_at: None,
                revisions: 1,
                status: Status::Active,
                incident: Some(incident.clone()),
                exhibits: Vec::new(),
                written_while_locked: *written_while_locked,
                held: held.clone(),
                messages: 0,
            });
        }
        Change::Amended {
            revision,
            saved_at,
            incident,
            ..
        } => {
            if let Some(e) = entry {
                e.revisions = *revision;
                e.amended_at = Some(*saved_at);
                e.incident = Some(incident.clone());
            }
        }
        Change::Withdrawn { at, reason, .. } => {
            if let Some(e) = entry {
                e.status = Status::Withdrawn {
                    at: *at,
                    reason: reason.clone(),
                };
            }
        }
        Change::Erased {
            entry_id,
            number,
            at,
            recorded_at,
            exhibits,
            ..
        } => match entry {
            Some(e) => {
                e.status = Status::Erased { at: *at };
                e.incident = None;
                e.messages = 0;
                for t in exhibits {
                    keep_mark(&mut e.exhibits, &t.mark);
                }
            }
            // Rebuilt from the chain, where the erasure emptied the earlier changes:
            // only the tombstone is left to say the entry existed.
            None => {
                *entry = Some(Entry {
                    number: *number,
                    id: entry_id.clone(),
                    recorded_at: *recorded_at,
                    amended_at: None,
                    revisions: 0,
                    status: Status::Erased { at: *at },
                    incident: None,
                    exhibits: {
                        let mut marks = Vec::new();
                        for t in exhibits {
                            keep_mark(&mut marks, &t.mark);
                        }
                        marks
                    },
                    written_while_locked: false,
                    held: None,
                    messages: 0,
                })
            }
        },
        Change::ExhibitAdded { exhibit, .. } => {
            if let Some(e) = entry {
                e.exhibits.push(exhibit.mark.clone());
            }
        }
        Change::MessagesAdded { pages, .. } => {
            if let Some(e) = entry {
                e.messages += pages.iter().map(|p| p.messages).sum::<u64>();
            }
        }
        Change::ExhibitErased { tombstone, .. } => {
            // The exhibit's own record is emptied by the erasure, so the mark comes
            // from the tombstone: the live index and a rebuild from the chain agree.
            if let Some(e) = entry {
                keep_mark(&mut e.exhibits, &tombstone.mark);
            }
        }
    }
}

/// Adds an exhibit mark to a list if missing, keeping marks in sequence order.
fn keep_mark(marks: &mut Vec<String>, mark: &str) {
    if marks.iter().any(|m| m == mark) {
        return;
    }
    marks.push(mark.to_string());
    marks.sort_by_key(|m| {
        m.rsplit('/')
            .next()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_depend_on_every_input() {
        let base = link("p", 1, "id", "h");
        assert_ne!(base, link("q", 1, "id", "h"));
        assert_ne!(base, link("p", 2, "id", "h"));
        assert_ne!(base, link("p", 1, "ie", "h"));
        assert_ne!(base, link("p", 1, "id", "i"));
        assert_eq!(base, link("p", 1, "id", "h"));
        assert_ne!(genesis("a"), genesis("b"));
    }

    #[test]
    fn an_exhibit_added_before_headers_were_recorded_still_reads() {
        let exhibit = serde_json::json!({
            "id": "x1", "mark": "AB/1", "sequence": 1, "entry_number": 3,
            "original_name": "photo.jpg", "size": 3, "sha256": "00",
            "media_type": "image/jpeg", "added_at": "2026-11-01T20:15:00Z",
            "how_obtained": "", "metadata": {}, "preview": {"kind": "none", "reason": "-"},
            "erased_at": null
        });
        let old = serde_json::json!({"kind": "exhibit_added", "exhibit": exhibit});
        let change: Change = serde_json::from_value(old.clone()).unwrap();
        let Change::ExhibitAdded {
            sealed_header_sha256,
            ..
        } = &change
        else {
            panic!("not an exhibit_added change");
        };
        assert_eq!(sealed_header_sha256, &None);
        // Written back, it gains no field it did not have.
        let back = serde_json::to_value(&change).unwrap();
        assert!(back.get("sealed_header_sha256").is_none(), "{back}");

        let mut new = old;
        new["sealed_header_sha256"] = "ab".into();
        let change: Change = serde_json::from_value(new).unwrap();
        assert!(matches!(
            change,
            Change::ExhibitAdded { sealed_header_sha256: Some(ref h), .. } if h == "ab"
        ));
    }
}
