//! Writing the draft witness statement (see `report::statement`): the entries of a
//! period with the disclosure rules applied, as a PDF and optionally as text, with
//! the back page only when asked for, recorded in the custody log.

use std::path::Path;

use chrono::Utc;

use super::disclose::{Output, Selection};
use super::Vault;
use crate::error::Result;
use crate::report::statement::{self, Statement};

/// Choices for a statement draft.
#[derive(Debug, Clone, Default)]
pub struct StatementOptions {
    pub selection: Selection,
    /// Also write the statement as plain text here.
    pub text_out: Option<std::path::PathBuf>,
    /// Also write the back page (not for disclosure) here.
    pub back_page_out: Option<std::path::PathBuf>,
    /// Who it is given to, for the custody log.
    pub given_to: String,
}

impl Vault {
    /// Writes the statement draft to `out` (a new file), and the text and back page
    /// when asked. Returns the entry numbers it holds.
    pub fn write_statement(&mut self, out: &Path, options: &StatementOptions) -> Result<Vec<u64>> {
        // Whatever the caller asked, a statement takes entries by the one rule.
        let asked = &options.selection;
        let disclosed = self.disclosed(&Selection::for_output(
            Output::Statement,
            asked.from,
            asked.to,
            asked.include_withdrawn,
            asked.include_private_notes,
        ))?;
        let settings = self.settings()?;
        let zone = settings.display_zone();
        let generated_at = Utc::now();
        let s = Statement {
            keeper_name: &settings.keeper_name,
            entries: &disclosed.records,
            exhibits: &disclosed.exhibits,
            zone: &zone,
            generated_at,
        };
        // Everything is made before anything is written: nothing half-written.
        let pdf = statement::pdf(&s)?;
        let text = options
            .text_out
            .as_ref()
            .map(|_| statement::text(&s))
            .transpose()?;
        let back = options
            .back_page_out
            .as_ref()
            .map(|_| statement::back_page(&settings.keeper_name, generated_at))
            .transpose()?;
        let mut written: Vec<&Path> = Vec::new();
        let result = (|| -> Result<()> {
            write_new(out, &pdf)?;
            written.push(out);
            if let (Some(path), Some(text)) = (&options.text_out, &text) {
                write_new(path, text.as_bytes())?;
                written.push(path);
            }
            if let (Some(path), Some(back)) = (&options.back_page_out, &back) {
                write_new(path, back)?;
                written.push(path);
            }
            Ok(())
        })();
        if let Err(e) = result {
            for path in written {
                let _ = std::fs::remove_file(path);
            }
            return Err(e);
        }
        let entries: Vec<u64> = disclosed
            .records
            .iter()
            .filter(|r| r.entry.is_active())
            .map(|r| r.entry.number)
            .collect();
        self.record_custody(
            "statement",
            entries.clone(),
            Vec::new(),
            Some(crate::record::sha256_hex(&pdf)),
            &options.given_to,
        )?;
        Ok(entries)
    }
}

/// Writes a new file (never over an existing one), readable by its owner only.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = crate::outfile::create_private(path)?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| crate::error::Error::file(path, e))
}
