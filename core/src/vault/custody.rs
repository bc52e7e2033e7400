//! The custody log: every time something leaves the diary (a report, a statement, a
//! handover file, an evidence pack, an original saved), a sealed change in the hash
//! chain records when, what, which entries and exhibits (marks and SHA-256), the
//! output's own SHA-256 and, when the person says, who it was given to. It shows
//! the trail from collection to hand-over that police look for.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::head::{append, open_change};
use super::notes::absorb_within;
use super::{now, Vault};
use crate::chain::{Change, ExportedExhibit};
use crate::error::{Error, Result};
use crate::store;

/// Longest "given to" note.
const GIVEN_TO_MAX_CHARS: usize = 500;

/// One export, as the custody log holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Custody {
    pub at: DateTime<Utc>,
    /// `report`, `statement`, `handover`, `evidence_pack` or `original`.
    pub kind: String,
    pub output_sha256: Option<String>,
    pub entries: Vec<u64>,
    /// (mark, SHA-256) of each exhibit it carried.
    pub exhibits: Vec<(String, String)>,
    pub given_to: String,
}

impl Vault {
    /// Records an export in the custody log (one change in the chain).
    pub fn record_custody(
        &mut self,
        kind: &str,
        entries: Vec<u64>,
        exhibits: Vec<(String, String)>,
        output_sha256: Option<String>,
        given_to: &str,
    ) -> Result<()> {
        let given_to = given_to.trim().to_string();
        if given_to.chars().count() > GIVEN_TO_MAX_CHARS {
            return Err(Error::InvalidField {
                field: "given_to".into(),
                message: format!("please keep it under {GIVEN_TO_MAX_CHARS} characters"),
            });
        }
        self.refuse_if_read_only()?;
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        let change = Change::Exported {
            at: now(),
            output: kind.to_string(),
            entries,
            exhibits: exhibits
                .into_iter()
                .map(|(mark, sha256)| ExportedExhibit { mark, sha256 })
                .collect(),
            output_sha256,
            given_to,
        };
        self.store.write(|tx| {
            absorb_within(tx, &unlocked.keys, &mut unlocked.index)?;
            append(tx, &unlocked.keys, None, &change)?;
            Ok(())
        })
    }

    /// Every export recorded, oldest first.
    pub fn custody(&mut self) -> Result<Vec<Custody>> {
        let keys = &self.unlocked()?.keys;
        let mut out = Vec::new();
        store::events::each(self.store.conn(), |row| {
            if row.entry_number.is_some() {
                return Ok(());
            }
            if let Some(Change::Exported {
                at,
                output,
                entries,
                exhibits,
                output_sha256,
                given_to,
            }) = open_change(keys, &row)?
            {
                out.push(Custody {
                    at,
                    kind: output,
                    output_sha256,
                    entries,
                    exhibits: exhibits.into_iter().map(|x| (x.mark, x.sha256)).collect(),
                    given_to,
                });
            }
            Ok(())
        })?;
        Ok(out)
    }
}
