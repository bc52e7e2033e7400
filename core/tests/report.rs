//! The report checked with real outside tools: qpdf, pdfinfo, pdftotext, pdffonts and
//! pdfimages (poppler-utils).

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cell::Cell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use daybook_core::entry::Status;
use daybook_core::error::Error;
use daybook_core::report::{self, Document, NoProgress, Options, Progress, Summary};

struct Rendered {
    path: PathBuf,
    bytes: Vec<u8>,
    summary: Summary,
}

impl Drop for Rendered {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn render_with(
    doc: &Document,
    thumbs: &HashMap<String, Vec<u8>>,
    options: &Options,
    name: &str,
) -> Rendered {
    let mut bytes = Vec::new();
    let summary = report::render(
        doc,
        options,
        &mut |id| thumbs.get(id).cloned(),
        &NoProgress,
        &mut bytes,
    )
    .expect("report renders");
    let path = std::env::temp_dir().join(format!(
        "daybook-report-test-{}-{name}.pdf",
        std::process::id()
    ));
    std::fs::write(&path, &bytes).expect("write pdf");
    Rendered {
        path,
        bytes,
        summary,
    }
}

fn run(tool: &str, args: &[&str], path: &PathBuf) -> (i32, String) {
    let out = Command::new(tool)
        .args(args)
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("{tool} could not run: {e}"));
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// pdftotext output with bidi controls removed and all whitespace collapsed.
fn text_of(path: &PathBuf) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success());
    normalise(&String::from_utf8_lossy(&out.stdout))
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(*c as u32, 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_full_report_passes_qpdf_poppler_and_holds_every_description_mark_and_hash() {
    let (doc, thumbs) = common::diary(60, 12, 320);
    let r = render_with(&doc, &thumbs, &Options::default(), "full");

    let (code, out) = run("qpdf", &["--check"], &r.path);
    assert_eq!(code, 0, "qpdf --check failed:\n{out}");
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");

    let (_, info) = run("pdfinfo", &[], &r.path);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("page count");
    assert!(
        info.lines()
            .any(|l| l.starts_with("Title:") && l.trim_end().ends_with("Record of incidents")),
        "{info}"
    );
    assert_eq!(pages, r.summary.pages);

    let text = text_of(&r.path);
    // The footer's M in "page N of M" equals the real page count, on every page.
    for n in 1..=pages {
        assert!(
            text.contains(&format!("page {n} of {pages}")),
            "page {n} of {pages} missing"
        );
    }
    assert!(!text.contains(&format!("page {} of", pages + 1)));

    let mut checked = 0;
    for e in &doc.entries {
        let Some(incident) = &e.entry.incident else {
            continue;
        };
        let wanted = normalise(&incident.description);
        assert!(
            text.contains(&wanted),
            "description of entry {} missing: {wanted}",
            e.entry.number
        );
        checked += 1;
    }
    assert_eq!(checked, r.summary.entries);
    for x in &doc.exhibits {
        assert!(
            text.contains(&format!("Exhibit {} ", x.mark)),
            "mark {} missing",
            x.mark
        );
        assert!(text.contains(&x.sha256), "hash of {} missing", x.mark);
    }
    assert_eq!(r.summary.exhibits, doc.exhibits.len());

    // The course-of-conduct threshold is stated as a fact.
    assert!(
        text.contains("The law's course-of-conduct threshold is conduct on two or more occasions")
    );
    assert!(!text.to_lowercase().contains("this is stalking"));
    // Withdrawn entries show their reason; erased ones leave a tombstone.
    assert!(text.contains("Reason: I mixed this up with another day"));
    assert!(text.contains("Erased entries"));
    for t in &doc.erased {
        assert!(
            text.contains(&format!(
                "{} {}",
                t.number,
                t.recorded_at.format("%a %-d %b %Y")
            )),
            "tombstone {}",
            t.number
        );
    }
    // Amended entries point to their earlier wording, which is in the appendix.
    assert!(text.contains("earlier wording in the appendix"));
    assert!(text.contains("Entry 3 (first wording): he was outside again this morning."));
    assert!(text.contains("Declaration"));
    assert!(text.contains("true to the best of my knowledge and belief"));
}

#[test]
fn fonts_are_embedded_subsets_only() {
    let (doc, thumbs) = common::diary(30, 2, 160);
    let r = render_with(&doc, &thumbs, &Options::default(), "fonts");
    let (code, out) = run("pdffonts", &[], &r.path);
    assert_eq!(code, 0, "{out}");
    let rows: Vec<&str> = out
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(rows.len() >= 2, "{out}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let name = cols[0];
        assert!(
            name.len() > 7 && name.as_bytes()[6] == b'+',
            "not a subset: {row}"
        );
        // emb, sub, uni columns.
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{row}");
    }
}

#[test]
fn polish_greek_russian_urdu_and_arabic_come_out_as_written() {
    let (mut doc, thumbs) = common::diary(14, 0, 160);
    let samples = [
        common::POLISH,
        common::GREEK,
        common::RUSSIAN,
        common::URDU,
        common::ARABIC,
        common::ROMANIAN,
        common::TURKISH,
    ];
    let mut live = doc
        .entries
        .iter_mut()
        .filter_map(|e| e.entry.incident.as_mut());
    for sample in samples {
        let incident = live.next().expect("enough entries");
        incident.description = sample.to_string();
    }
    let r = render_with(&doc, &thumbs, &Options::default(), "languages");
    let text = text_of(&r.path);
    for sample in samples {
        assert!(
            text.contains(&normalise(sample)),
            "missing from the text layer: {sample}"
        );
    }
}

#[test]
fn redaction_leaves_out_witnesses_everywhere() {
    let (doc, thumbs) = common::diary(30, 2, 160);
    let plain = render_with(&doc, &thumbs, &Options::default(), "unredacted");
    assert!(text_of(&plain.path).contains("Grażyna Wiśniewska"));
    let options = Options {
        redact_witnesses: true,
        ..Options::default()
    };
    let redacted = render_with(&doc, &thumbs, &options, "redacted");
    let text = text_of(&redacted.path);
    assert!(
        !text.contains("Wiśniewska"),
        "a witness name is in the redacted report"
    );
    assert!(!text.contains("07700 900 123"));
    assert!(text.contains("[left out of this copy]"));
    assert!(text.contains("Witnesses' names and contact details are left out of this copy."));
}

#[test]
fn no_entries_gives_a_clear_error_not_an_empty_pdf() {
    let (doc, _) = common::diary(10, 0, 160);
    let options = Options {
        from: chrono::NaiveDate::from_ymd_opt(2030, 1, 1),
        to: chrono::NaiveDate::from_ymd_opt(2030, 12, 31),
        ..Options::default()
    };
    let mut out = Vec::new();
    let err = report::render(&doc, &options, &mut |_| None, &NoProgress, &mut out)
        .expect_err("no entries");
    assert!(matches!(err, Error::Report(_)));
    assert_eq!(
        err.to_string(),
        "there are no entries to put in the report for those dates"
    );
    assert!(out.is_empty(), "nothing is written");

    let empty = Document {
        entries: Vec::new(),
        exhibits: Vec::new(),
        erased: Vec::new(),
        ..doc
    };
    let err = report::render(
        &empty,
        &Options::default(),
        &mut |_| None,
        &NoProgress,
        &mut out,
    )
    .expect_err("empty");
    assert_eq!(err.kind(), "report");
    assert!(err.to_string().contains("no entries"));
}

#[test]
fn date_range_and_withdrawn_options_choose_the_entries() {
    let (doc, thumbs) = common::diary(40, 4, 160);
    let withdrawn: Vec<u64> = doc
        .entries
        .iter()
        .filter(|e| matches!(e.entry.status, Status::Withdrawn { .. }))
        .map(|e| e.entry.number)
        .collect();
    assert!(!withdrawn.is_empty());
    let options = Options {
        include_withdrawn: false,
        ..Options::default()
    };
    let r = render_with(&doc, &thumbs, &options, "no-withdrawn");
    let text = text_of(&r.path);
    for n in &withdrawn {
        assert!(
            !text.contains(&format!("Entry {n}:")),
            "withdrawn entry {n} is in the report"
        );
    }
    assert!(
        text.contains("withdrawn entry is left out of this copy")
            || text.contains("withdrawn entries are left out of this copy")
    );

    let options = Options {
        from: chrono::NaiveDate::from_ymd_opt(2026, 2, 1),
        to: chrono::NaiveDate::from_ymd_opt(2026, 2, 28),
        ..Options::default()
    };
    let r = render_with(&doc, &thumbs, &options, "february");
    let text = text_of(&r.path);
    assert!(
        r.summary.entries > 0 && r.summary.entries < 20,
        "{:?}",
        r.summary
    );
    assert!(text.contains("1 Feb 2026 to 28 Feb 2026"));
    for e in &doc.entries {
        let Some(incident) = &e.entry.incident else {
            continue;
        };
        let day = incident.occurred.start.date_naive();
        let inside = day >= options.from.expect("from") && day <= options.to.expect("to");
        let marker = format!("Entry {}:", e.entry.number);
        assert_eq!(
            text.contains(&marker),
            inside,
            "entry {} on {day}",
            e.entry.number
        );
    }
}

#[test]
fn thumbnails_are_embedded_unchanged_and_can_be_left_out() {
    let (doc, thumbs) = common::diary(30, 5, 320);
    let r = render_with(&doc, &thumbs, &Options::default(), "thumbs");
    let (_, list) = run("pdfimages", &["-list"], &r.path);
    let images = list.lines().skip(2).filter(|l| l.contains("jpeg")).count();
    assert_eq!(images, thumbs.len(), "{list}");
    for bytes in thumbs.values() {
        assert!(
            r.bytes.windows(bytes.len()).any(|w| w == bytes.as_slice()),
            "a thumbnail was re-encoded"
        );
    }
    let options = Options {
        thumbnails: false,
        ..Options::default()
    };
    let mut asked = 0;
    let mut out = Vec::new();
    report::render(
        &doc,
        &options,
        &mut |_| {
            asked += 1;
            None
        },
        &NoProgress,
        &mut out,
    )
    .expect("renders");
    assert_eq!(asked, 0, "thumbnails were fetched although not wanted");
    assert!(!out.windows(9).any(|w| w == b"DCTDecode"));
}

#[test]
fn outline_links_and_metadata_are_present() {
    let (doc, thumbs) = common::diary(20, 2, 160);
    let r = render_with(&doc, &thumbs, &Options::default(), "outline");
    let (code, json) = run("qpdf", &["--json", "--json-key=outlines"], &r.path);
    assert_eq!(code, 0, "{json}");
    for title in [
        "Cover",
        "Summary: the pattern",
        "Timeline",
        "Entries in full",
        "Exhibits index",
        "Declaration",
    ] {
        assert!(
            json.contains(&format!("\"{title}\"")),
            "bookmark {title} missing"
        );
    }
    assert!(json.contains("Entry 1: "));
    let needle = b"/Subtype /Link";
    let links = r
        .bytes
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count();
    assert!(links >= 20, "only {links} links");
}

struct Counting {
    done: Cell<usize>,
    total: Cell<usize>,
    cancel_after: Option<usize>,
}

impl Progress for Counting {
    fn advanced(&self, done: u64, total: u64, unit: daybook_core::progress::Unit) {
        assert_eq!(unit, daybook_core::progress::Unit::Entries);
        let (done, total) = (done as usize, total as usize);
        assert!(done > self.done.get());
        self.done.set(done);
        self.total.set(total);
    }
    fn cancelled(&self) -> bool {
        self.cancel_after.is_some_and(|n| self.done.get() >= n)
    }
}

#[test]
fn progress_is_reported_and_cancellation_stops_without_output() {
    let (doc, thumbs) = common::diary(25, 2, 160);
    let progress = Counting {
        done: Cell::new(0),
        total: Cell::new(0),
        cancel_after: None,
    };
    let mut out = Vec::new();
    let summary = report::render(
        &doc,
        &Options::default(),
        &mut |id| thumbs.get(id).cloned(),
        &progress,
        &mut out,
    )
    .expect("renders");
    assert_eq!(progress.done.get(), summary.entries);
    assert_eq!(progress.total.get(), summary.entries);

    let progress = Counting {
        done: Cell::new(0),
        total: Cell::new(0),
        cancel_after: Some(5),
    };
    let mut out = Vec::new();
    let err = report::render(
        &doc,
        &Options::default(),
        &mut |id| thumbs.get(id).cloned(),
        &progress,
        &mut out,
    )
    .expect_err("cancelled");
    assert!(matches!(err, Error::Cancelled));
    assert!(out.is_empty());
}

#[test]
fn two_hundred_photos_stay_well_under_sixty_megabytes() {
    let (doc, thumbs) = common::diary(220, 200, 640);
    let mut out = Vec::new();
    let summary = report::render(
        &doc,
        &Options::default(),
        &mut |id| thumbs.get(id).cloned(),
        &NoProgress,
        &mut out,
    )
    .expect("renders");
    let thumb_bytes: usize = thumbs.values().map(Vec::len).sum();
    assert!(summary.exhibits >= 200);
    assert!(out.len() < 60 * 1024 * 1024, "{} bytes", out.len());
    // Thumbnails dominate; the rest of the report is small.
    assert!(
        out.len() < thumb_bytes + 4 * 1024 * 1024,
        "{} bytes for {thumb_bytes} of thumbnails",
        out.len()
    );
}

/// pdftotext output with whitespace collapsed and nothing else changed.
fn raw_text_of(path: &PathBuf) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn fail_an_exhibit_name_with_a_right_to_left_override_cannot_pass_for_another() {
    let (mut doc, thumbs) = common::diary(4, 2, 160);
    let hostile = [
        "photo\u{202E}gpj.exe",
        "scan\u{2067}\u{200F}fdp.bat\u{061C}\u{2069}",
    ];
    for (x, name) in doc.exhibits.iter_mut().zip(hostile) {
        x.original_name = name.to_string();
    }
    let r = render_with(&doc, &thumbs, &Options::default(), "bidi-names");
    let text = raw_text_of(&r.path);
    for shown in [
        "photo<U+202E>gpj.exe",
        "scan<U+2067><U+200F>fdp.bat<U+061C><U+2069>",
    ] {
        assert!(text.contains(shown), "{shown} missing from: {text}");
    }
    assert!(
        !text.contains("photoexe.jpg") && !text.contains('\u{202E}'),
        "the override reached the PDF: {text}"
    );
}
