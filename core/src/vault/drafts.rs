//! Autosaved drafts of forms, sealed like everything else. A draft can be saved
//! while locked (on quick exit the key may already be gone), so saving never needs
//! to read: it adds a sealed row, and reading keeps only the newest per form.
//!
//! A draft saved while unlocked is authenticated like every record. One saved while
//! locked cannot be (only the public key is at hand): it is read back as what it is,
//! the content of a form shown to the person before anything is saved from it, never
//! as a record of the diary.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Vault;
use crate::error::{Error, Result};
use crate::record::{self, Place};
use crate::store;

/// Largest draft accepted, in bytes of JSON.
pub const DRAFT_MAX_BYTES: usize = 1024 * 1024;

/// Longest name of a form a draft is kept for (`new-entry`, `amend-12`).
pub const DRAFT_NAME_MAX_CHARS: usize = 64;

#[derive(Serialize, Deserialize)]
struct DraftBody {
    form: String,
    saved_at: DateTime<Utc>,
    content: serde_json::Value,
}

impl Vault {
    /// Saves the draft of `form` (for example `new-entry` or `amend-12`).
    pub fn draft_save(&mut self, form: &str, content: &serde_json::Value) -> Result<()> {
        // The name is the window's, never the person's words: one that is empty or
        // long is not a form of Daybook's (the IPC campaign sent 10 MB).
        if form.trim().is_empty() || form.chars().count() > DRAFT_NAME_MAX_CHARS {
            return Err(Error::InvalidField {
                field: "form".into(),
                message: format!(
                    "a draft is kept under the short name of its form (1 to {DRAFT_NAME_MAX_CHARS} characters)"
                ),
            });
        }
        let size = serde_json::to_vec(content)
            .map(|v| v.len())
            .unwrap_or(usize::MAX);
        if size > DRAFT_MAX_BYTES {
            return Err(Error::InvalidField {
                field: "draft".into(),
                message: "the draft is too large to save".into(),
            });
        }
        let body = DraftBody {
            form: form.to_string(),
            saved_at: Utc::now(),
            content: content.clone(),
        };
        self.refuse_if_read_only()?;
        let id = record::new_id();
        let place = Place {
            table: "drafts",
            id: &id,
        };
        let sealed = match self.keys() {
            Ok(keys) => record::seal(keys, place, &body)?,
            Err(_) => record::seal_untagged(&self.recipient, place, &body)?,
        };
        let stale = if self.is_unlocked() {
            self.draft_rows(form)?
        } else {
            Vec::new()
        };
        self.store.write(|tx| {
            store::drafts::put(tx, &id, &sealed)?;
            for (old, _) in &stale {
                store::drafts::delete(tx, old)?;
            }
            Ok(())
        })
    }

    /// The newest draft of `form`, if any.
    pub fn draft_load(&mut self, form: &str) -> Result<Option<serde_json::Value>> {
        let mut rows = self.draft_rows(form)?;
        rows.sort_by_key(|(_, body)| body.saved_at);
        Ok(rows.pop().map(|(_, body)| body.content))
    }

    /// Forgets every draft of `form`.
    pub fn draft_discard(&mut self, form: &str) -> Result<()> {
        let rows = self.draft_rows(form)?;
        self.store.write(|tx| {
            for (id, _) in &rows {
                store::drafts::delete(tx, id)?;
            }
            Ok(())
        })
    }

    fn draft_rows(&self, form: &str) -> Result<Vec<(String, DraftBody)>> {
        let keys = self.keys()?;
        let mut out = Vec::new();
        for (id, sealed) in store::drafts::all(self.store.conn())? {
            let body: DraftBody = record::open_draft(
                keys,
                Place {
                    table: "drafts",
                    id: &id,
                },
                &sealed,
            )?;
            if body.form == form {
                out.push((id, body));
            }
        }
        Ok(out)
    }
}
