//! `README.txt` of a handover: in plain words, what the file is, how to open it with
//! Daybook or with `age` and `tar`, and how to check it with `sha256sum -c`. Whoever
//! receives a handover may never have heard of Daybook; this note must be enough.

use chrono::{DateTime, NaiveDate, Utc};

/// What the note mentions about this handover.
pub(crate) struct Facts<'a> {
    pub created_at: DateTime<Utc>,
    pub daybook_version: &'a str,
    pub entries: u64,
    pub exhibits: u64,
    pub span: Option<(NaiveDate, NaiveDate)>,
    pub redacted_witnesses: bool,
    pub has_report: bool,
    /// Imported messages and calls in `messages.json` and `messages.csv`.
    pub messages: u64,
}

/// The note's text.
pub(crate) fn text(facts: &Facts<'_>) -> String {
    let span = match facts.span {
        Some((from, to)) if from == to => format!(" about {}", from.format("%-d %B %Y")),
        Some((from, to)) => format!(
            " from {} to {}",
            from.format("%-d %B %Y"),
            to.format("%-d %B %Y")
        ),
        None => String::new(),
    };
    let report = if facts.has_report {
        "  report.pdf     the printable report: the incidents in order, the pattern of\n\
         \x20                behaviour and the list of exhibits\n"
    } else {
        ""
    };
    let (messages_held, messages_files) = if facts.messages > 0 {
        (
            format!(
                ", with {} imported {}",
                facts.messages,
                if facts.messages == 1 {
                    "message or call"
                } else {
                    "messages and calls"
                }
            ),
            "\x20 messages.json  every imported message and call of these entries, its text exactly\n\
             \x20                as exported, its time, the entry it belongs to, the exhibit mark\n\
             \x20                of the export and the line and byte where it starts in it\n\
             \x20 messages.csv   the same, one row per message, for a spreadsheet\n",
        )
    } else {
        (String::new(), "")
    };
    let witnesses = if facts.redacted_witnesses {
        "\nWitnesses' names and contact details were withheld by the person who made this\n\
         handover. They appear as [left out of this copy].\n"
    } else {
        ""
    };
    format!(
        "DAYBOOK HANDOVER\n\
         ================\n\
         \n\
         This is a handover made with Daybook, an offline diary for recording stalking and\n\
         harassment, on {created} (UTC) by Daybook {version}. It holds {entries} diary\n\
         entries{span} and {exhibits} exhibits{messages_held}.\n\
         {witnesses}\
         \n\
         WHAT IS INSIDE\n\
         \n\
         {report}\
         \x20 entries.json   every entry with every saved wording, including entries that\n\
         \x20                were withdrawn or erased, and a description of every exhibit\n\
         \x20 entries.csv    one row per entry, for a spreadsheet\n\
         {messages_files}\
         \x20 evidence/      each original file exactly as it was added to the diary, named\n\
         \x20                by its exhibit mark: AB-3_photo.jpg is exhibit AB/3\n\
         \x20 manifest.json  counts, dates, and the size and SHA-256 of every file\n\
         \x20 SHA256SUMS     the SHA-256 of every file, to check nothing has changed\n\
         \x20 README.txt     this note\n\
         \n\
         HOW TO OPEN IT\n\
         \n\
         With Daybook: choose \"Open a handover\" and this file. Daybook checks every file\n\
         before showing anything, then shows the entries and exhibits read-only, can print\n\
         the report again and can save the original files.\n\
         \n\
         Without Daybook: the handover file is encrypted with age (https://age-encryption.org).\n\
         With the passphrase or key you were given, in a terminal:\n\
         \n\
         \x20   age -d -o handover.tar HANDOVER-FILE\n\
         \x20   mkdir handover\n\
         \x20   tar -xf handover.tar -C handover\n\
         \n\
         Windows 10 and 11 include tar; 7-Zip also opens handover.tar.\n\
         \n\
         HOW TO CHECK NOTHING HAS CHANGED\n\
         \n\
         In the folder that holds this note:\n\
         \n\
         \x20   sha256sum -c SHA256SUMS\n\
         \n\
         (on macOS: shasum -a 256 -c SHA256SUMS). Every line must end in OK. The SHA-256 of\n\
         each original is also in entries.json and in the report: it was recorded when the\n\
         file was added to the diary.\n\
         \n\
         Please keep this handover safe. It holds personal information about the person who\n\
         made it and about other people.\n",
        created = facts.created_at.format("%-d %B %Y at %H:%M"),
        version = facts.daybook_version,
        entries = facts.entries,
        exhibits = facts.exhibits,
    )
}
