//! `daybook report`: the PDF checked with outside tools (qpdf, poppler).

// Test code: unwrap, expect and panic are how it reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;

use support::{pdfinfo, pdftotext, photos, squash, tool, Diary};

const POLISH: &str = "Zażółć gęślą jaźń";
const GREEK: &str = "Καλημέρα κόσμε";
const RUSSIAN: &str = "Привет, мир";
const URDU: &str = "یہ ایک جملہ ہے";
const WITNESS: &str = "Witness Canary-Name 07700 900999";
const FIRST_WORDING: &str = "First wording of the door entry";
const WITHDRAWN: &str = "Withdrawn-canary duplicate entry";
const ERASED: &str = "Erased-canary secret text";
const NOVEMBER: &str = "November-canary at the school gate";

struct Built {
    diary: Diary,
    descriptions: Vec<String>,
    /// (mark, sha256)
    exhibits: Vec<(String, String)>,
}

/// A diary with entries in four scripts, a witness, an amended, a withdrawn and an
/// erased entry, and two photo exhibits.
fn build() -> Built {
    let diary = Diary::new();
    let n1 = diary.add(
        "2026-10-01 20:15",
        &format!("{POLISH} he stood by my car"),
        &[
            "--where",
            "Outside work",
            "--witnesses",
            WITNESS,
            "--behaviour",
            "loitering",
        ],
    );
    let photos = photos(2, diary.dir.path());
    let marks = diary.attach(n1, &photos);
    assert_eq!(marks, ["AB/1", "AB/2"]);
    diary.add("2026-10-05 09:00", &format!("{GREEK} in a message"), &[]);
    let n3 = diary.add("2026-10-10 18:00", FIRST_WORDING, &[]);
    diary
        .run(&[
            "amend",
            &n3.to_string(),
            "--what",
            &format!("{RUSSIAN} written on the door"),
        ])
        .expect(0);
    diary.add("2026-10-15 12:00", URDU, &["--behaviour", "threats"]);
    let n5 = diary.add("2026-10-20 12:00", WITHDRAWN, &[]);
    diary
        .run(&[
            "withdraw",
            &n5.to_string(),
            "--reason",
            "I wrote this one twice",
        ])
        .expect(0);
    let n6 = diary.add("2026-10-22 12:00", ERASED, &[]);
    diary.run(&["erase", &n6.to_string(), "--yes"]).expect(0);
    diary.add("2026-11-20 08:00", NOVEMBER, &[]);

    let exhibits = diary
        .exhibits()
        .iter()
        .map(|x| {
            (
                x["mark"].as_str().unwrap().to_string(),
                x["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect::<Vec<_>>();
    assert_eq!(exhibits.len(), 2);
    for (_, sha) in &exhibits {
        assert_eq!(sha.len(), 64);
    }
    Built {
        diary,
        descriptions: vec![
            format!("{POLISH} he stood by my car"),
            format!("{GREEK} in a message"),
            format!("{RUSSIAN} written on the door"),
            URDU.to_string(),
            NOVEMBER.to_string(),
        ],
        exhibits,
    }
}

fn report(diary: &Diary, name: &str, extra: &[&str]) -> (std::path::PathBuf, String) {
    let out = diary.tmp(name);
    let mut args = vec!["report", out.to_str().unwrap()];
    args.extend(extra);
    let run = diary.run(&args).expect(0);
    assert!(out.is_file(), "no PDF written: {}", run.all());
    assert!(
        run.stderr.contains("not encrypted"),
        "the report must warn it is not encrypted: {}",
        run.stderr
    );
    let text = pdftotext(&out);
    (out, text)
}

fn contains(text: &str, needle: &str) -> bool {
    squash(text).contains(&squash(needle))
}

/// Every "page N of M" footer: (N, M).
fn footers(text: &str) -> Vec<(u32, u32)> {
    let flat = text.replace('\n', " ");
    let words: Vec<&str> = flat.split_whitespace().collect();
    let mut found = Vec::new();
    for w in words.windows(4) {
        if w[0] == "page" && w[2] == "of" {
            if let (Ok(n), Ok(m)) = (w[1].parse(), w[3].parse()) {
                found.push((n, m));
            }
        }
    }
    found
}

fn check_fonts(pdf: &Path) {
    let listing = String::from_utf8(tool("pdffonts", &[&pdf])).unwrap();
    let fonts: Vec<&str> = listing
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!fonts.is_empty(), "pdffonts lists no fonts:\n{listing}");
    for line in fonts {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let name = cols[0];
        let n = cols.len();
        let (emb, sub) = (cols[n - 5], cols[n - 4]);
        assert_eq!(emb, "yes", "font not embedded: {line}");
        assert_eq!(sub, "yes", "font not subset: {line}");
        let (prefix, rest) = name
            .split_once('+')
            .unwrap_or_else(|| panic!("font name without a subset prefix: {line}"));
        assert!(
            prefix.len() == 6 && prefix.bytes().all(|b| b.is_ascii_uppercase()) && !rest.is_empty(),
            "bad subset prefix: {line}"
        );
    }
}

#[test]
fn full_report_passes_outside_checks_and_holds_everything() {
    require_tools!("qpdf", "pdftotext", "pdfinfo", "pdffonts", "pdftoppm");
    let built = build();
    let diary = &built.diary;
    let (pdf, text) = report(diary, "report.pdf", &[]);

    // qpdf's structural check.
    let check = tool("qpdf", &[&"--check", &pdf]);
    let check = String::from_utf8_lossy(&check);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );

    // Page count: pdfinfo and every footer agree.
    let info = pdfinfo(&pdf);
    let pages: u32 = info["Pages"].parse().unwrap();
    assert!(pages >= 2, "{pages} pages");
    let feet = footers(&text);
    assert_eq!(feet.len() as u32, pages, "one footer per page: {feet:?}");
    for (i, (n, m)) in feet.iter().enumerate() {
        assert_eq!(*m, pages, "footer says of {m}, pdfinfo says {pages}");
        assert_eq!(*n, i as u32 + 1, "footers out of order: {feet:?}");
    }
    assert!(
        !info
            .get("Title")
            .map(String::as_str)
            .unwrap_or("")
            .is_empty(),
        "no Title in the metadata: {info:?}"
    );
    assert_eq!(info["Title"], "Record of incidents");

    // Every entry, in every script (direction marks stripped), every mark and hash.
    for d in &built.descriptions {
        assert!(
            contains(&text, d),
            "description missing from the report: {d}"
        );
    }
    for s in [POLISH, GREEK, RUSSIAN, URDU] {
        assert!(contains(&text, s), "script text missing: {s}");
    }
    assert!(
        contains(&text, FIRST_WORDING),
        "the earlier wording is not in the appendix"
    );
    for (mark, sha) in &built.exhibits {
        assert!(contains(&text, mark), "exhibit mark {mark} missing");
        assert!(contains(&text, sha), "exhibit hash {sha} missing");
    }
    // Witness shown without --redact-witnesses; withdrawn left out by default; the
    // erased entry's words never appear.
    assert!(
        contains(&text, WITNESS),
        "witness missing without --redact-witnesses"
    );
    assert!(
        !contains(&text, WITHDRAWN),
        "withdrawn entry shown without --include-withdrawn"
    );
    assert!(!contains(&text, ERASED), "erased text in the report");

    check_fonts(&pdf);

    // Pages 1 and 2 render.
    let prefix = diary.tmp("page");
    tool(
        "pdftoppm",
        &[
            &"-png", &"-r", &"60", &"-f", &"1", &"-l", &"2", &pdf, &prefix,
        ],
    );
    let mut pngs: Vec<_> = std::fs::read_dir(diary.dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with("page-") && n.ends_with(".png")
        })
        .collect();
    pngs.sort();
    assert_eq!(pngs.len(), 2, "{pngs:?}");
    for p in &pngs {
        let bytes = std::fs::read(p).unwrap();
        assert!(bytes.len() > 1000, "{} is nearly empty", p.display());
        assert!(
            bytes.starts_with(b"\x89PNG"),
            "{} is not a PNG",
            p.display()
        );
    }
}

#[test]
fn options_choose_witnesses_withdrawn_and_dates() {
    require_tools!("pdftotext");
    let built = build();
    let diary = &built.diary;

    let (_, redacted) = report(diary, "redacted.pdf", &["--redact-witnesses"]);
    assert!(
        !contains(&redacted, "Canary-Name"),
        "witness name in a redacted report"
    );
    assert!(
        !contains(&redacted, "07700900999"),
        "witness number in a redacted report"
    );
    assert!(
        contains(&redacted, POLISH),
        "redaction removed the entry itself"
    );

    let (_, withdrawn) = report(diary, "withdrawn.pdf", &["--include-withdrawn"]);
    assert!(
        contains(&withdrawn, WITHDRAWN),
        "--include-withdrawn did not include it"
    );
    assert!(
        contains(&withdrawn, "I wrote this one twice"),
        "withdrawal reason missing"
    );

    let (_, november) = report(diary, "november.pdf", &["--from", "2026-11-01"]);
    assert!(contains(&november, NOVEMBER));
    for d in &built.descriptions[..4] {
        assert!(!contains(&november, d), "--from 2026-11-01 still shows {d}");
    }
    for (_, sha) in &built.exhibits {
        assert!(
            !contains(&november, sha),
            "exhibit of a left-out entry listed"
        );
    }

    let (_, early) = report(
        diary,
        "early.pdf",
        &["--from", "2026-10-01", "--to", "2026-10-06"],
    );
    assert!(contains(&early, POLISH));
    assert!(contains(&early, GREEK));
    for d in [RUSSIAN, URDU, NOVEMBER] {
        assert!(!contains(&early, d), "--to 2026-10-06 still shows {d}");
    }
    for (_, sha) in &built.exhibits {
        assert!(
            contains(&early, sha),
            "exhibit of an included entry missing"
        );
    }

    // Nothing in range: an error, and no file.
    let none = diary.tmp("none.pdf");
    let run = diary.run(&["report", none.to_str().unwrap(), "--from", "2030-01-01"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stderr.contains("no entries"), "{}", run.stderr);
    assert!(!none.exists(), "a file was written for an empty range");
}

#[test]
fn empty_diary_gives_an_error_and_no_file() {
    let diary = Diary::new();
    let out = diary.tmp("empty.pdf");
    let run = diary.run(&["report", out.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stderr.contains("no entries to put in the report"),
        "unclear message: {}",
        run.stderr
    );
    assert!(!out.exists(), "a PDF was written for an empty diary");
}

#[test]
fn imported_messages_are_quoted_in_the_entries_or_in_the_message_log() {
    let diary = Diary::new();
    let chat = diary.tmp("WhatsApp Chat with Mark.txt");
    std::fs::write(
        &chat,
        "10/03/2024, 07:12 - Mark: Morning. I saw you leave.\n\
         11/03/2024, 02:05 - Mark: Why won't you answer?\n\
         11/03/2024, 07:30 - Jane: Please stop.\n\
         14/03/2024, 23:10 - Mark: I'm outside.\n",
    )
    .expect("chat");
    let chat = chat.to_string_lossy().into_owned();
    diary
        .run(&[
            "import",
            &chat,
            "--person",
            "Mark",
            "--zone",
            "Europe/London",
        ])
        .expect(0);

    let full = diary.tmp("full.pdf");
    let out = diary
        .run(&["report", &full.to_string_lossy()])
        .expect(0)
        .stdout;
    assert!(
        out.contains("It holds 4 imported messages and calls, quoted in the entries."),
        "{out}"
    );
    let text = squash(&pdftotext(&full));
    assert!(text.contains(&squash("Contact: imported messages and calls")));
    assert!(text.contains(&squash("There was contact on 3 of the 5 days")));
    assert!(text.contains(&squash("02:05 GMT Mark AB/1 line 2 Why won't you answer?")));
    assert!(!text.contains(&squash("Appendix: message log")));

    let summary = diary.tmp("summary.pdf");
    let out = diary
        .run(&[
            "report",
            &summary.to_string_lossy(),
            "--messages",
            "summary",
        ])
        .expect(0)
        .stdout;
    assert!(
        out.contains("quoted in the message log at the end"),
        "{out}"
    );
    let text = squash(&pdftotext(&summary));
    let log = text
        .find(&squash("Appendix: message log Every imported message"))
        .expect("the message log");
    let quoted = text.find(&squash("Why won't you answer?")).expect("quoted");
    assert!(quoted > log, "quoted only in the log");

    diary
        .run(&["report", &summary.to_string_lossy(), "--messages", "all"])
        .expect(2);
}
