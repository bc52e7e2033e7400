//! WhatsApp "Export chat", from Android or iOS: the chat text alone (`.txt`) or the
//! zip with its media (`_chat.txt` or `WhatsApp Chat with NAME.txt` beside the files).
//!
//! A line starts a message when it begins with a date and time in one of the layouts
//! phones write (`31/12/24, 21:05 - `, `12/31/2024, 9:05 p. m. - `,
//! `2024-12-31, 21:05 - `, `[31/12/2024, 21:05:09] `, with iOS's U+200E and U+202F);
//! every other line continues the message before it. After the time comes
//! `Author: text` or, for the app's own lines ("… created group"), just the text,
//! which is kept as a [`Kind::System`] record.
//!
//! The times carry no zone and are kept as [`When::Local`]. Whether dates are day or
//! month first is settled from the whole chat before the first message is handed
//! over ([`Chat::day_order`]); when every date could be read both ways, [`Chat::each`]
//! refuses until the caller passes the order the person chose. It never guesses.
//!
//! The chat text is read into memory (at most [`MAX_CHAT_BYTES`]) because the day
//! order needs all of it before the first message, and media are read from the zip
//! while the text is walked. A year of daily chatting is a few MiB.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::archive::Archive;
use super::{
    content_type_for, import_error, position_in, DayOrder, Direction, Format, Kind, Media, Message,
    Outcome, Party, Position, When,
};
use crate::error::{Error, Result};

/// The longest chat text read, in bytes.
pub const MAX_CHAT_BYTES: u64 = 256 * 1024 * 1024;

/// "Media omitted" as Android and iOS write it in a few languages; the phone's
/// language decides. Other languages still work when the zip holds the file.
const OMITTED: &[&str] = &[
    "<Media omitted>",
    "<Medien ausgeschlossen>",
    "<Multimedia omitido>",
    "<Médias omis>",
    "<Media weggelaten>",
    "<Mídia oculta>",
    "<Media omessi>",
    "image omitted",
    "video omitted",
    "audio omitted",
    "sticker omitted",
    "GIF omitted",
    "document omitted",
];

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// An opened chat export, its day order settled from the data.
pub struct Chat {
    text: String,
    archive: Option<Archive<Box<dyn ReadSeek>>>,
    scan: Scan,
}

/// What the first pass over the chat found.
#[derive(Debug, Clone, Copy)]
struct Scan {
    order: DayOrder,
    /// Lines whose date is not year first, which the order applies to.
    ordered_lines: u64,
    /// The first line that settles the order, for messages.
    settled_by: Option<Position>,
}

impl Chat {
    /// Opens a chat export, the `.txt` or the `.zip`.
    pub fn open(path: &Path) -> Result<Chat> {
        let mut file = File::open(path).map_err(|e| Error::file(path, e))?;
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut file, &mut magic).map_err(|e| Error::file(path, e))?;
        file.rewind().map_err(|e| Error::file(path, e))?;
        if n == 4 && (&magic == b"PK\x03\x04" || &magic == b"PK\x05\x06") {
            Chat::from_zip(BufReader::new(file))
        } else {
            let mut bytes = Vec::new();
            file.take(MAX_CHAT_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| Error::file(path, e))?;
            Chat::from_text(bytes)
        }
    }

    /// A chat from its text alone (media markers are kept, without bytes).
    pub fn from_text(bytes: Vec<u8>) -> Result<Chat> {
        Chat::new(bytes, None)
    }

    /// A chat from an export zip: the chat text is found by name and media markers
    /// are linked to the files beside it.
    pub fn from_zip<R: Read + Seek + 'static>(reader: R) -> Result<Chat> {
        let boxed: Box<dyn ReadSeek> = Box::new(reader);
        let mut archive = Archive::open(boxed)?;
        let name = chat_name(archive.names())?;
        let bytes = archive.read_name(&name)?;
        Chat::new(bytes, Some(archive))
    }

    fn new(bytes: Vec<u8>, archive: Option<Archive<Box<dyn ReadSeek>>>) -> Result<Chat> {
        if bytes.len() as u64 > MAX_CHAT_BYTES {
            return Err(error(
                None,
                format!(
                    "the chat text is longer than {} MiB; Daybook does not read chats that long",
                    MAX_CHAT_BYTES / (1024 * 1024)
                ),
            ));
        }
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Err(error(
                None,
                "the chat text is in UTF-16; Daybook reads WhatsApp exports in UTF-8 (export the chat again from the phone)",
            ));
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                return Err(error(
                    Some(position_in(e.as_bytes(), at)),
                    "the chat text is not UTF-8 (it may be in another encoding, or damaged)",
                ));
            }
        };
        let text = match text.strip_prefix('\u{FEFF}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let scan = scan(&text)?;
        Ok(Chat {
            text,
            archive,
            scan,
        })
    }

    /// The day order the dates in the chat settle, or [`DayOrder::Ambiguous`].
    pub fn day_order(&self) -> DayOrder {
        self.scan.order
    }

    /// The day order to read with: the settled one, or the caller's choice when the
    /// data leaves it open. A choice the dates contradict is refused.
    pub fn effective_order(&self, chosen: Option<DayOrder>) -> Result<DayOrder> {
        let settled = self.scan.order;
        match (settled, chosen) {
            (DayOrder::Ambiguous, _) if self.scan.ordered_lines == 0 => Ok(DayOrder::YearFirst),
            (DayOrder::Ambiguous, Some(choice @ (DayOrder::DayFirst | DayOrder::MonthFirst))) => {
                Ok(choice)
            }
            (DayOrder::Ambiguous, _) => Err(error(
                None,
                "every date in this chat could be day first or month first (as in 03/04/24); say which the phone uses before importing",
            )),
            (DayOrder::YearFirst, _) | (_, None) | (_, Some(DayOrder::Ambiguous)) => Ok(settled),
            (_, Some(choice)) if choice == settled => Ok(settled),
            (_, Some(choice)) => Err(error(
                self.scan.settled_by,
                format!(
                    "the dates in this chat can only be read {}, not {} as chosen",
                    order_words(settled),
                    order_words(choice)
                ),
            )),
        }
    }

    /// Hands each message and system line to `f` in the order of the chat.
    pub fn each<F>(&mut self, chosen: Option<DayOrder>, mut f: F) -> Result<Outcome>
    where
        F: FnMut(Message) -> Result<()>,
    {
        let order = self.effective_order(chosen)?;
        // The text is lent out while media are read from the archive beside it.
        let text = std::mem::take(&mut self.text);
        let result = self.walk(&text, order, &mut f);
        self.text = text;
        result
    }

    fn walk<F>(&mut self, text: &str, order: DayOrder, f: &mut F) -> Result<Outcome>
    where
        F: FnMut(Message) -> Result<()>,
    {
        let mut outcome = Outcome::default();
        let mut current: Option<Draft> = None;
        for (number, start, line) in lines(text) {
            let position = Position {
                line: number,
                byte: start as u64,
            };
            if let Some(header) = Header::parse(line) {
                match header.time(order) {
                    Some(at) => {
                        if let Some(done) = current.take() {
                            self.deliver(done, f, &mut outcome)?;
                        }
                        current = Some(Draft {
                            at,
                            rest: header.rest.to_string(),
                            position,
                        });
                        continue;
                    }
                    None => outcome.problem(
                        position,
                        format!(
                            "this line starts like a message but its date or time is impossible when read {}; it is kept as part of the message before",
                            order_words(order)
                        ),
                    ),
                }
            }
            match current.as_mut() {
                Some(draft) => {
                    draft.rest.push('\n');
                    draft.rest.push_str(line);
                }
                None if line.trim().is_empty() => {}
                None => outcome.problem(
                    position,
                    "this line comes before the first message and belongs to none; it was not imported",
                ),
            }
        }
        if let Some(done) = current.take() {
            self.deliver(done, f, &mut outcome)?;
        }
        Ok(outcome)
    }

    fn deliver<F>(&mut self, draft: Draft, f: &mut F, outcome: &mut Outcome) -> Result<()>
    where
        F: FnMut(Message) -> Result<()>,
    {
        let (sender, text, kind) = match split_author(&draft.rest) {
            Some((author, text)) => (Some(party(author)), text.to_string(), Kind::Message),
            None => (None, draft.rest, Kind::System),
        };
        let mut media = Vec::new();
        if kind == Kind::Message {
            if let Some(marker) = self.media_marker(text.lines().next().unwrap_or("")) {
                media.push(self.media(marker, draft.position, outcome)?);
            }
        }
        f(Message {
            at: When::Local(draft.at),
            sent_at: None,
            sender,
            recipients: Vec::new(),
            direction: Direction::Unknown,
            kind,
            subject: None,
            text,
            media,
            position: draft.position,
        })?;
        outcome.messages += 1;
        Ok(())
    }

    /// The media a message's first line refers to: `Some(None)` for "media omitted",
    /// `Some(Some(name))` for an attached file.
    fn media_marker(&self, line: &str) -> Option<Option<String>> {
        let line = line.trim_start_matches(['\u{200E}', '\u{200F}']).trim();
        if OMITTED.iter().any(|m| line.eq_ignore_ascii_case(m)) {
            return Some(None);
        }
        let in_zip = |name: &str| self.archive.as_ref().is_some_and(|a| a.contains(name));
        // iOS: `<attached: 00000012-PHOTO-2024-01-05-20-14-33.jpg>`.
        if let Some(inner) = line.strip_prefix('<').and_then(|l| l.strip_suffix('>')) {
            if let Some((word, name)) = inner.split_once(": ") {
                if word == "attached" || in_zip(name) {
                    return Some(Some(name.to_string()));
                }
            }
            if inner.ends_with(" omitted") || inner.ends_with(" weggelaten") {
                return Some(None);
            }
        }
        // Android: `IMG-20240105-WA0001.jpg (file attached)`.
        if let Some(open) = line.rfind(" (") {
            let (name, note) = (&line[..open], &line[open + 2..]);
            if note.ends_with(')') && (note == "file attached)" || in_zip(name)) {
                return Some(Some(name.to_string()));
            }
        }
        None
    }

    fn media(
        &mut self,
        marker: Option<String>,
        position: Position,
        outcome: &mut Outcome,
    ) -> Result<Media> {
        let Some(name) = marker else {
            return Ok(Media {
                name: None,
                content_type: None,
                data: None,
                damage: None,
            });
        };
        let content_type = content_type_for(&name).map(str::to_string);
        let (data, damage) = match self.archive.as_mut() {
            None => (None, None),
            Some(archive) => match archive.read_base(&name) {
                Some(bytes) => (Some(bytes?), None),
                None => {
                    let reason = format!("{name} is named in the chat but is not in the zip file");
                    outcome.problem(position, reason.clone());
                    (None, Some(reason))
                }
            },
        };
        Ok(Media {
            name: Some(name),
            content_type,
            data,
            damage,
        })
    }
}

/// A message whose continuation lines are still being gathered.
struct Draft {
    at: NaiveDateTime,
    rest: String,
    position: Position,
}

fn error(position: Option<Position>, reason: impl Into<String>) -> Error {
    import_error(Some(Format::WhatsApp), position, reason)
}

fn order_words(order: DayOrder) -> &'static str {
    match order {
        DayOrder::DayFirst => "day first (dd/mm)",
        DayOrder::MonthFirst => "month first (mm/dd)",
        DayOrder::YearFirst => "year first (yyyy/mm/dd)",
        DayOrder::Ambiguous => "either way",
    }
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Picks the chat text in an export zip.
fn chat_name<'a>(names: impl Iterator<Item = &'a str>) -> Result<String> {
    let texts: Vec<&str> = names
        .filter(|n| n.to_ascii_lowercase().ends_with(".txt"))
        .collect();
    let base = |n: &str| n.rsplit('/').next().unwrap_or(n).to_string();
    let named: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|n| {
            let b = base(n);
            b == "_chat.txt" || b.starts_with("WhatsApp Chat with ")
        })
        .collect();
    match (named.as_slice(), texts.as_slice()) {
        ([one], _) => Ok(one.to_string()),
        ([], [one]) => Ok(one.to_string()),
        ([], []) => Err(error(
            None,
            "the zip file holds no chat text (_chat.txt or WhatsApp Chat with ….txt)",
        )),
        _ => Err(error(
            None,
            "the zip file holds more than one chat text; export one chat at a time",
        )),
    }
}

/// Lines with their number (from 1) and byte offset, without `\n` or `\r\n`.
fn lines(text: &str) -> impl Iterator<Item = (u64, usize, &str)> {
    let mut start = 0;
    let mut number = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let at = start;
        start = end + 1;
        number += 1;
        Some((number, at, line))
    })
}

/// The first pass: settles the day order from every date in the chat.
fn scan(text: &str) -> Result<Scan> {
    let mut day_first: Option<Position> = None;
    let mut month_first: Option<Position> = None;
    let mut ordered_lines = 0u64;
    let mut year_first_lines = 0u64;
    for (number, start, line) in lines(text) {
        let Some(header) = Header::parse(line) else {
            continue;
        };
        let position = Position {
            line: number,
            byte: start as u64,
        };
        if header.year_first {
            year_first_lines += 1;
            continue;
        }
        ordered_lines += 1;
        if header.a > 12 && header.a <= 31 && header.b <= 12 {
            day_first.get_or_insert(position);
        } else if header.b > 12 && header.b <= 31 && header.a <= 12 {
            month_first.get_or_insert(position);
        }
    }
    let (order, settled_by) = match (day_first, month_first) {
        (Some(d), Some(m)) => {
            return Err(error(
                Some(d),
                format!(
                    "the dates in this chat contradict each other: this line reads only day first, {m} only month first"
                ),
            ))
        }
        (Some(d), None) => (DayOrder::DayFirst, Some(d)),
        (None, Some(m)) => (DayOrder::MonthFirst, Some(m)),
        (None, None) if ordered_lines == 0 && year_first_lines > 0 => (DayOrder::YearFirst, None),
        (None, None) => (DayOrder::Ambiguous, None),
    };
    Ok(Scan {
        order,
        ordered_lines,
        settled_by,
    })
}

/// Whether a line starts like a WhatsApp message (for recognising a file).
pub(crate) fn looks_like_chat_line(line: &str) -> bool {
    Header::parse(line).is_some()
}

/// The date and time that start a message line, as written, and what follows.
#[derive(Debug)]
struct Header<'a> {
    a: u32,
    b: u32,
    c: u32,
    /// `c` was written with two digits.
    short_year: bool,
    year_first: bool,
    hour: u32,
    minute: u32,
    second: u32,
    /// `Some(true)` for PM, `Some(false)` for AM, `None` for a 24-hour clock.
    pm: Option<bool>,
    rest: &'a str,
}

/// Reads up to `max` ASCII digits; `None` unless at least `min`.
fn digits(s: &str, min: usize, max: usize) -> Option<(u32, usize, &str)> {
    let n = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if n < min {
        return None;
    }
    let value = s[..n].parse::<u32>().ok()?;
    Some((value, n, &s[n..]))
}

/// Spaces as phones write them: plain, no-break and narrow no-break (iOS, before AM/PM).
fn skip_spaces(s: &str) -> &str {
    s.trim_start_matches([' ', '\u{00A0}', '\u{202F}'])
}

impl<'a> Header<'a> {
    fn parse(line: &'a str) -> Option<Header<'a>> {
        let s = line.trim_start_matches(['\u{200E}', '\u{200F}', '\u{FEFF}']);
        let (bracketed, s) = match s.strip_prefix('[') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (a, a_len, s) = digits(s, 1, 4)?;
        let sep = s.chars().next().filter(|c| matches!(c, '/' | '.' | '-'))?;
        let s = &s[1..];
        let (b, _, s) = digits(s, 1, 2)?;
        let s = s.strip_prefix(sep)?;
        let year_first = a_len == 4;
        let (c, c_len, s) = if year_first {
            digits(s, 1, 2)?
        } else {
            digits(s, 2, 4)?
        };
        if a_len == 3 || (!year_first && c_len == 3) {
            return None;
        }
        let s = s.strip_prefix('.').unwrap_or(s);
        let s = match s.strip_prefix(',') {
            Some(rest) => rest,
            None if s.starts_with([' ', '\u{00A0}']) => s,
            None => return None,
        };
        let s = skip_spaces(s);
        let (hour, _, s) = digits(s, 1, 2)?;
        let s = s.strip_prefix(':')?;
        let (minute, _, s) = digits(s, 2, 2)?;
        let (second, s) = match s.strip_prefix(':') {
            Some(rest) => {
                let (second, _, rest) = digits(rest, 2, 2)?;
                (second, rest)
            }
            None => (0, s),
        };
        let (pm, s) = meridiem(s);
        let rest = if bracketed {
            let s = s.strip_prefix(']')?;
            s.strip_prefix(' ').unwrap_or(s)
        } else {
            skip_spaces(s).strip_prefix("- ")?
        };
        Some(Header {
            a,
            b,
            c,
            short_year: !year_first && c_len == 2,
            year_first,
            hour,
            minute,
            second,
            pm,
            rest,
        })
    }

    /// The local time this header names when dates are in `order`, if it exists.
    fn time(&self, order: DayOrder) -> Option<NaiveDateTime> {
        let (year, month, day) = if self.year_first {
            (self.a, self.b, self.c)
        } else {
            let year = if self.short_year {
                2000 + self.c
            } else {
                self.c
            };
            match order {
                DayOrder::DayFirst => (year, self.b, self.a),
                DayOrder::MonthFirst => (year, self.a, self.b),
                DayOrder::YearFirst | DayOrder::Ambiguous => return None,
            }
        };
        let hour = match self.pm {
            None => self.hour,
            Some(_) if self.hour > 12 => return None,
            Some(true) if self.hour < 12 => self.hour + 12,
            Some(true) => 12,
            Some(false) if self.hour == 12 => 0,
            Some(false) => self.hour,
        };
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        let time = NaiveTime::from_hms_opt(hour, self.minute, self.second)?;
        Some(date.and_time(time))
    }
}

/// Reads "AM", "pm", "a. m.", "p.m." after the time; returns what follows.
fn meridiem(s: &str) -> (Option<bool>, &str) {
    let t = skip_spaces(s);
    let mut chars = t.char_indices();
    let pm = match chars.next() {
        Some((_, 'a' | 'A')) => false,
        Some((_, 'p' | 'P')) => true,
        _ => return (None, s),
    };
    let mut rest = &t[1..];
    rest = rest.strip_prefix('.').unwrap_or(rest);
    rest = skip_spaces(rest);
    let Some(after_m) = rest.strip_prefix(['m', 'M']) else {
        return (None, s);
    };
    let after_m = after_m.strip_prefix('.').unwrap_or(after_m);
    // "AM" must end there: "am" as the start of a word is not a meridiem.
    if after_m.chars().next().is_some_and(|c| c.is_alphanumeric()) {
        return (None, s);
    }
    (Some(pm), after_m)
}

/// Splits `Author: text`; `None` for a system line. The author never spans lines.
fn split_author(rest: &str) -> Option<(&str, &str)> {
    let first_line = rest.split('\n').next().unwrap_or(rest);
    let colon = first_line.find(": ")?;
    let author = &rest[..colon];
    if author.trim().is_empty() {
        return None;
    }
    Some((author, &rest[colon + 2..]))
}

/// An author is a contact name, or the number WhatsApp shows for someone not saved.
fn party(author: &str) -> Party {
    let digits = author.chars().filter(char::is_ascii_digit).count();
    let number_like = author.starts_with('+')
        && digits >= 5
        && author
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '\u{00A0}'));
    if number_like {
        Party {
            name: None,
            address: Some(author.to_string()),
        }
    } else {
        Party {
            name: Some(author.to_string()),
            address: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(text: &str) -> Chat {
        Chat::from_text(text.as_bytes().to_vec()).unwrap()
    }

    fn read(text: &str, order: Option<DayOrder>) -> Result<Vec<Message>> {
        let mut out = Vec::new();
        chat(text).each(order, |m| {
            out.push(m);
            Ok(())
        })?;
        Ok(out)
    }

    fn local(s: &str) -> When {
        When::Local(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap())
    }

    #[test]
    fn import_whatsapp_ios_bracketed_with_marks_and_crlf() {
        let text = "\u{200E}[05/01/2024, 20:14:33] Messages and calls are end-to-end encrypted.\r\n\
                    [05/01/2024, 8:14:35\u{202F}PM] Anna: \u{200E}<attached: 00000012-PHOTO-2024-01-05-20-14-33.jpg>\r\n\
                    [13/01/2024, 9:00:00\u{202F}AM] Anna: first line\r\nsecond line\r\n";
        let messages = read(text, None).unwrap();
        assert_eq!(messages.len(), 3);
        assert_eq!(messages[0].kind, Kind::System);
        assert_eq!(messages[1].at, local("2024-01-05 20:14:35"));
        assert_eq!(
            messages[1].media[0].name.as_deref(),
            Some("00000012-PHOTO-2024-01-05-20-14-33.jpg")
        );
        assert_eq!(
            messages[1].media[0].content_type.as_deref(),
            Some("image/jpeg")
        );
        assert_eq!(messages[2].at, local("2024-01-13 09:00:00"));
        assert_eq!(messages[2].text, "first line\nsecond line");
        assert_eq!(messages[2].position.line, 3);
    }

    #[test]
    fn import_whatsapp_ambiguous_dates_are_refused_without_a_choice() {
        let text = "03/04/24, 10:00 - Sam: hello\n05/06/24, 11:00 - Sam: again\n";
        assert_eq!(chat(text).day_order(), DayOrder::Ambiguous);
        let err = read(text, None).unwrap_err();
        assert_eq!(err.kind(), "import");
        assert!(
            err.to_string().contains("day first or month first"),
            "{err}"
        );
        let day = read(text, Some(DayOrder::DayFirst)).unwrap();
        assert_eq!(day[0].at, local("2024-04-03 10:00:00"));
        let month = read(text, Some(DayOrder::MonthFirst)).unwrap();
        assert_eq!(month[0].at, local("2024-03-04 10:00:00"));
    }

    #[test]
    fn import_whatsapp_a_contradicted_choice_is_refused() {
        let text = "03/04/24, 10:00 - Sam: hello\n25/06/24, 11:00 - Sam: again\n";
        let chat = chat(text);
        assert_eq!(chat.day_order(), DayOrder::DayFirst);
        assert!(chat.effective_order(Some(DayOrder::MonthFirst)).is_err());
        let mixed = "13/04/24, 10:00 - Sam: a\n04/13/24, 10:00 - Sam: b\n";
        assert!(Chat::from_text(mixed.as_bytes().to_vec()).is_err());
    }

    #[test]
    fn import_whatsapp_impossible_dates_are_kept_as_text() {
        let text = "31/01/24, 10:00 - Sam: hello\n31/02/24, 10:00 - Sam: not a day\n";
        let mut messages = Vec::new();
        let outcome = chat(text)
            .each(None, |m| {
                messages.push(m);
                Ok(())
            })
            .unwrap();
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].text, "hello\n31/02/24, 10:00 - Sam: not a day");
        assert_eq!(outcome.problems.len(), 1);
        assert_eq!(outcome.problems[0].position.line, 2);
    }

    #[test]
    fn import_whatsapp_twelve_hour_clocks() {
        let text = "12/31/24, 12:05 AM - A: midnight\n12/31/24, 12:05 PM - A: noon\n12/31/24, 1:05 p.m. - A: afternoon\n";
        let m = read(text, None).unwrap();
        assert_eq!(m[0].at, local("2024-12-31 00:05:00"));
        assert_eq!(m[1].at, local("2024-12-31 12:05:00"));
        assert_eq!(m[2].at, local("2024-12-31 13:05:00"));
    }

    #[test]
    fn import_whatsapp_deleted_messages_and_numbers_as_authors() {
        let text = "2024-01-02, 10:00 - +44 7700 900123: This message was deleted\n2024-01-02, 10:01 - Me: You deleted this message\n2024-01-02, 10:02 - Me: <Media omitted>\n";
        let m = read(text, None).unwrap();
        assert_eq!(m[0].text, "This message was deleted");
        assert_eq!(
            m[0].sender.as_ref().unwrap().address.as_deref(),
            Some("+44 7700 900123")
        );
        assert_eq!(m[1].text, "You deleted this message");
        assert_eq!(
            m[2].media,
            vec![Media {
                name: None,
                content_type: None,
                data: None,
                damage: None
            }]
        );
    }

    #[test]
    fn import_whatsapp_encodings_are_named() {
        let utf16 = [0xFF, 0xFE, b'1', 0, b'2', 0];
        let err = Chat::from_text(utf16.to_vec()).err().unwrap();
        assert!(err.to_string().contains("UTF-16"), "{err}");
        let latin1 = b"01/01/24, 10:00 - Ren\xe9: caf\xe9\n".to_vec();
        let err = Chat::from_text(latin1).err().unwrap();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
