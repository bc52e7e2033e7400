//! `daybook statement`, `daybook custody` and the preview every export can show
//! first: what leaves the diary, and the record of what has.

use std::io::Write;
use std::path::Path;

use daybook_core::incident::Day;
use daybook_core::vault::{DisclosurePreview, Output, Selection, StatementOptions, Vault};
use daybook_core::Result;
use serde_json::json;

use crate::session::{outln, print_json, unlock};
use crate::Cli;

/// The entries an export of `output` takes, from the command's flags (by the
/// core's one rule, `Selection::for_output`).
pub fn selection(
    output: Output,
    from: Option<&str>,
    to: Option<&str>,
    include_withdrawn: bool,
    include_private_notes: bool,
) -> Result<Selection> {
    let (from, to) = crate::session::days(from, to)?;
    Ok(Selection::for_output(
        output,
        from.map(Day::date),
        to.map(Day::date),
        include_withdrawn,
        include_private_notes,
    ))
}

/// Prints what an export would hold; writes nothing.
pub fn preview(vault: &mut Vault, selection: &Selection, json: bool) -> Result<()> {
    let p = vault.disclosure_preview(selection)?;
    if json {
        return print_json(&preview_json(&p));
    }
    outln!(
        "This would hold {} entries, {} exhibits and {} imported messages.",
        p.entries.len(),
        p.exhibits.len(),
        p.messages
    );
    let total: u64 = p.kept_out.values().sum();
    if total > 0 {
        outln!("{total} kept-out words or phrases would be replaced by [kept out]:");
        for (field, n) in &p.kept_out {
            outln!("  {field}: {n}");
        }
    } else {
        outln!("Nothing on the keep-out list appears in it.");
    }
    if p.private_notes_excluded > 0 {
        outln!(
            "{} private notes would be left out.",
            p.private_notes_excluded
        );
    }
    if p.positions_left_out > 0 {
        outln!(
            "{} photo positions near a kept-out place would be left out.",
            p.positions_left_out
        );
    }
    if !p.flagged_exhibits.is_empty() {
        outln!(
            "These exhibits may show something on your keep-out list in the file itself, which cannot be changed without altering the evidence: {}",
            p.flagged_exhibits.join(", ")
        );
    }
    outln!(
        "Withdrawn entries are {}.",
        if p.withdrawn_included {
            "included"
        } else {
            "left out"
        }
    );
    Ok(())
}

pub fn preview_json(p: &DisclosurePreview) -> serde_json::Value {
    json!({
        "entries": p.entries,
        "exhibits": p.exhibits,
        "messages": p.messages,
        "kept_out": p.kept_out,
        "private_notes_excluded": p.private_notes_excluded,
        "positions_left_out": p.positions_left_out,
        "flagged_exhibits": p.flagged_exhibits,
        "withdrawn_included": p.withdrawn_included,
    })
}

/// What `daybook statement` was asked.
pub struct StatementArgs<'a> {
    pub out: &'a Path,
    pub text: Option<&'a Path>,
    pub back_page: Option<&'a Path>,
    pub selection: Selection,
    pub preview: bool,
    pub json: bool,
    pub given_to: &'a str,
}

pub fn statement(cli: &Cli, args: StatementArgs<'_>) -> Result<()> {
    let mut vault = unlock(cli)?;
    if args.preview {
        return preview(&mut vault, &args.selection, args.json);
    }
    let entries = vault.write_statement(
        args.out,
        &StatementOptions {
            selection: args.selection,
            text_out: args.text.map(Path::to_path_buf),
            back_page_out: args.back_page.map(Path::to_path_buf),
            given_to: args.given_to.to_string(),
        },
    )?;
    outln!(
        "Wrote the draft statement ({} entries) to {}. It is not encrypted.",
        entries.len(),
        args.out.display()
    );
    if let Some(t) = args.text {
        outln!("The same as text: {}", t.display());
    }
    if let Some(b) = args.back_page {
        outln!("The back page (not for disclosure): {}", b.display());
    }
    Ok(())
}

pub fn custody(cli: &Cli, json: bool) -> Result<()> {
    let mut vault = unlock(cli)?;
    let log = vault.custody()?;
    if json {
        return print_json(&serde_json::Value::Array(
            log.iter()
                .map(|c| {
                    json!({
                        "at": c.at.to_rfc3339(),
                        "kind": c.kind,
                        "output_sha256": c.output_sha256,
                        "entries": c.entries,
                        "exhibits": c.exhibits.iter().map(|(mark, sha)| json!({"mark": mark, "sha256": sha})).collect::<Vec<_>>(),
                        "given_to": c.given_to,
                    })
                })
                .collect(),
        ));
    }
    if log.is_empty() {
        outln!("Nothing has been exported from this diary yet.");
    }
    for c in &log {
        let to = if c.given_to.is_empty() {
            String::new()
        } else {
            format!(", given to {}", c.given_to)
        };
        outln!(
            "{}  {} ({} entries, {} exhibits{to}){}",
            c.at.format("%Y-%m-%d %H:%M UTC"),
            c.kind.replace('_', " "),
            c.entries.len(),
            c.exhibits.len(),
            c.output_sha256
                .as_ref()
                .map(|s| format!("  sha256 {s}"))
                .unwrap_or_default()
        );
    }
    Ok(())
}
