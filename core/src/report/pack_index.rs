//! The one-page index of a batch folder in an evidence pack: which files it holds, by
//! exhibit mark, with their sizes and SHA-256, for whoever uploads or receives it.

use chrono::Utc;

use super::fonts::Fonts;
use super::format;
use super::layout::{Footer, Layout, Metadata, ACCENT, CONTENT_W, INK, MARGIN_X, MUTED};
use super::text::Style;
use crate::error::Result;

/// The index PDF of the batch `folder`: `files` are (mark, file name, size, SHA-256).
pub fn pack_index(folder: &str, files: &[(String, String, u64, String)]) -> Result<Vec<u8>> {
    let mut l = Layout::new(Fonts::load()?);
    l.new_page();
    l.paragraph(
        &format!("Evidence files: {folder}"),
        Style::bold(16.0),
        MARGIN_X,
        CONTENT_W,
        ACCENT,
    );
    l.y += 4.0;
    l.paragraph(
        &format!(
            "{} original file(s), exactly as they were added to the diary. Each file's SHA-256 is below and in captions.csv; the pack's SHA256SUMS covers every file.",
            files.len()
        ),
        Style::regular(9.5),
        MARGIN_X,
        CONTENT_W,
        MUTED,
    );
    l.y += 10.0;
    for (mark, name, size, sha) in files {
        l.ensure(36.0);
        l.paragraph(
            &format!("{mark}   {name}   ({})", format::size(*size)),
            Style::bold(9.5),
            MARGIN_X,
            CONTENT_W,
            INK,
        );
        l.paragraph(
            &format!("SHA-256 {sha}"),
            Style::regular(8.0),
            MARGIN_X,
            CONTENT_W,
            MUTED,
        );
        l.y += 6.0;
    }
    let footer = Footer {
        left: format!("Evidence pack, {folder}"),
        middle: String::new(),
    };
    let meta = Metadata {
        title: format!("Evidence files: {folder}"),
        author: String::new(),
        subject: String::new(),
        creator: format!("Daybook {}", crate::VERSION),
        created: Utc::now(),
    };
    Ok(l.finish(&footer, &meta)?.0)
}
