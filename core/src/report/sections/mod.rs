//! The report's sections, in order: cover, summary of the pattern, timeline, entries
//! in full, exhibits index, appendix, the message log (when the entries only count
//! their imported messages) and declaration. Each section is written onto the
//! pages of a [`Layout`], one file per section; `blocks` holds what they draw with
//! (headings, paragraphs, labelled fields, tables) and `figures` (beside this module)
//! does the counting the summary and cover state.
//!
//! This module must never state a legal conclusion (no "this is stalking"): it counts
//! and lists what the diary records and names the law's threshold as a fact. It must
//! never show a witness's details when the options ask for them to be left out, in
//! any section, including earlier wordings.

mod appendix;
mod blocks;
mod contact;
mod cover;
mod declaration;
mod entries;
mod exhibits;
mod messages;
mod summary;
mod timeline;

use super::figures;
use super::fonts::Fonts;
use super::format;
use super::layout::{Footer, Layout, Metadata};
use super::{Progress, Selection};
use crate::error::Result;

const COVER: u8 = 0;
const SUMMARY: u8 = 1;
const TIMELINE: u8 = 2;
const ENTRIES: u8 = 3;
const EXHIBITS: u8 = 4;
const APPENDIX: u8 = 5;
const DECLARATION: u8 = 6;
const MESSAGE_LOG: u8 = 7;

const MESSAGE_LOG_TITLE: &str = "Appendix: message log";

const SECTION_TITLES: [(u8, &str); 6] = [
    (SUMMARY, "Summary: the pattern"),
    (TIMELINE, "Timeline"),
    (ENTRIES, "Entries in full"),
    (EXHIBITS, "Exhibits index"),
    (APPENDIX, "Appendix: earlier wordings and erased entries"),
    (DECLARATION, "Declaration"),
];

/// Builds the whole PDF; returns its bytes and page count.
pub(crate) fn build(
    sel: &Selection<'_>,
    thumbnails: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    progress: &dyn Progress,
) -> Result<(Vec<u8>, usize)> {
    let mut l = Layout::new(Fonts::load()?);
    cover::draw(&mut l, sel);
    summary::draw(&mut l, sel);
    timeline::draw(&mut l, sel, progress)?;
    entries::draw(&mut l, sel, thumbnails, progress)?;
    exhibits::draw(&mut l, sel);
    appendix::draw(&mut l, sel);
    if has_message_log(sel) {
        messages::log(&mut l, sel);
    }
    declaration::draw(&mut l, sel);

    let doc = sel.doc;
    let short: String = doc.fingerprint.chars().take(16).collect();
    let footer = Footer {
        left: format!("Record of incidents · fingerprint {short}"),
        middle: format!(
            "generated {}",
            format::date(format::local_date(doc.generated_at, sel.tz))
        ),
    };
    let meta = Metadata {
        title: "Record of incidents".into(),
        author: doc.keeper_name.trim().to_string(),
        subject: subtitle(sel),
        creator: format!("Daybook {}", doc.daybook_version),
        created: doc.generated_at,
    };
    l.finish(&footer, &meta)
}

/// Whether the report ends with the message log: its entries only count their
/// messages.
fn has_message_log(sel: &Selection<'_>) -> bool {
    !sel.messages_in_entries && sel.message_count > 0
}

/// The sections in the order the report holds them, for the contents.
fn contents(sel: &Selection<'_>) -> Vec<(u8, &'static str)> {
    let mut out = SECTION_TITLES.to_vec();
    if has_message_log(sel) {
        let at = out.len().saturating_sub(1);
        out.insert(at, (MESSAGE_LOG, MESSAGE_LOG_TITLE));
    }
    out
}

/// The first and last day the report covers (see [`figures::covered`]).
fn covered(sel: &Selection<'_>) -> (chrono::NaiveDate, chrono::NaiveDate) {
    figures::covered(&sel.entries, sel.tz, sel.options.from, sel.options.to)
}

/// What the report is, with its dates: the cover's subtitle and the PDF's subject.
fn subtitle(sel: &Selection<'_>) -> String {
    let (first, last) = covered(sel);
    format!(
        "Incidents recorded in a Daybook diary, {} to {}",
        format::date(first),
        format::date(last)
    )
}
