//! Applying the disclosure rules (`crate::disclosure`) to what an export takes out of
//! the diary, and the preview a person sees before anything is written.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Vault;
use crate::bundle::EntryRecord;
use crate::disclosure::{Rules, Tally};
use crate::error::Result;
use crate::evidence::Exhibit;
use crate::message::{self, Message};

/// Text originals larger than this are not read for kept-out phrases (they are
/// flagged instead, to be safe).
const SCAN_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// What an export will hold, once the rules have been applied.
pub struct Disclosed {
    pub records: Vec<EntryRecord>,
    pub exhibits: Vec<Exhibit>,
    pub messages: Vec<Message>,
    pub tally: Tally,
}

/// What the preview before an export shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    /// Entry numbers that will go out.
    pub entries: Vec<u64>,
    /// Exhibit marks whose originals will go out (when the export carries them).
    pub exhibits: Vec<String>,
    /// Imported messages that will go out.
    pub messages: u64,
    /// Replacements of kept-out phrases, by field.
    pub kept_out: std::collections::BTreeMap<String, u64>,
    pub private_notes_excluded: u64,
    pub positions_left_out: u64,
    /// Exhibits whose own content or position may give away something kept out.
    pub flagged_exhibits: Vec<String>,
    /// Whether withdrawn entries are included.
    pub withdrawn_included: bool,
}

/// What an export makes. Each kind takes entries by the one rule in
/// [`Selection::for_output`], for its preview and for the file itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Output {
    /// The police-ready PDF report.
    Report,
    /// The draft witness statement.
    Statement,
    /// The encrypted handover file.
    Handover,
    /// The evidence pack: originals for an upload portal (not encrypted).
    EvidencePack,
}

/// Which part of the diary an export takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub include_withdrawn: bool,
    pub include_private_notes: bool,
    /// Erased entries go out as markers that say an entry was erased (the handover
    /// and the evidence pack list them; the report and the statement do not count
    /// them among their entries).
    pub include_erased: bool,
}

impl Selection {
    /// The one rule for which entries an export of `output` holds, from the
    /// person's choices; the preview and the writer both use it, so the preview
    /// names exactly the entries the file will hold:
    /// - the report and the handover file: withdrawn entries and private notes as
    ///   chosen;
    /// - the statement: never withdrawn entries (a statement says what happened);
    ///   private notes as chosen;
    /// - the evidence pack: every entry's files, withdrawn ones too (a file is
    ///   evidence whatever became of the entry), and never private notes;
    /// - erased entries (markers only) in the handover file and the evidence pack.
    pub fn for_output(
        output: Output,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        include_withdrawn: bool,
        include_private_notes: bool,
    ) -> Selection {
        let (include_withdrawn, include_private_notes) = match output {
            Output::Report | Output::Handover => (include_withdrawn, include_private_notes),
            Output::Statement => (false, include_private_notes),
            Output::EvidencePack => (true, false),
        };
        Selection {
            from,
            to,
            include_withdrawn,
            include_private_notes,
            include_erased: matches!(output, Output::Handover | Output::EvidencePack),
        }
    }
}

impl Vault {
    /// The entries, exhibits and messages of `selection`, with the diary's
    /// disclosure rules applied, and what the rules changed.
    pub(super) fn disclosed(&mut self, selection: &Selection) -> Result<Disclosed> {
        let (mut records, mut exhibits) = self.records_between(selection)?;
        let rules: Rules = self.settings()?.disclosure(selection.include_private_notes);
        let mut tally = Tally::default();
        for record in &mut records {
            rules.entry(&mut record.entry, &mut tally);
            let latest = record.revisions.len().saturating_sub(1);
            for (i, revision) in record.revisions.iter_mut().enumerate() {
                // The latest wording is the entry's own, counted above; earlier ones
                // add their replacements (their private notes are counted once, with
                // the entry's).
                let mut scratch = Tally::default();
                rules.revision(revision, &mut scratch);
                if i < latest {
                    for (field, n) in scratch.kept_out {
                        *tally.kept_out.entry(field).or_default() += n;
                    }
                }
            }
        }
        for exhibit in &mut exhibits {
            let mentions =
                exhibit.erased_at.is_none() && self.original_mentions(&rules, exhibit)?;
            rules.exhibit(exhibit, mentions, &mut tally);
        }
        let numbers: std::collections::HashSet<u64> =
            records.iter().map(|r| r.entry.number).collect();
        let mut messages: Vec<Message> = self
            .messages(&message::Filter::default())?
            .into_iter()
            .filter(|m| numbers.contains(&m.entry))
            .collect();
        for m in &mut messages {
            rules.message(m, &mut tally);
        }
        Ok(Disclosed {
            records,
            exhibits,
            messages,
            tally,
        })
    }

    /// Whether an original's own bytes name a kept-out phrase (text files only).
    fn original_mentions(&self, rules: &Rules, exhibit: &Exhibit) -> Result<bool> {
        let textual = exhibit.media_type.starts_with("text/")
            || matches!(
                exhibit.media_type.as_str(),
                "application/json" | "application/xml" | "application/csv"
            );
        if !textual || !rules.has_phrases() {
            return Ok(false);
        }
        if exhibit.size > SCAN_MAX_BYTES {
            return Ok(true);
        }
        let mut bytes = Vec::with_capacity(exhibit.size as usize);
        self.copy_original(exhibit, &mut bytes)?;
        Ok(rules.original_mentions(&exhibit.media_type, &bytes))
    }

    /// What an export of `selection` would hold and what the rules would change;
    /// writes nothing.
    pub fn disclosure_preview(&mut self, selection: &Selection) -> Result<Preview> {
        let d = self.disclosed(selection)?;
        Ok(Preview {
            entries: d.records.iter().map(|r| r.entry.number).collect(),
            exhibits: d
                .exhibits
                .iter()
                .filter(|x| x.erased_at.is_none())
                .map(|x| x.mark.clone())
                .collect(),
            messages: d.messages.len() as u64,
            kept_out: d.tally.kept_out.clone(),
            private_notes_excluded: d.tally.private_notes_excluded,
            positions_left_out: d.tally.positions_left_out,
            flagged_exhibits: d.tally.flagged_exhibits.iter().cloned().collect(),
            withdrawn_included: selection.include_withdrawn,
        })
    }
}
