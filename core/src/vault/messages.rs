//! Importing messages and calls from a phone's export, and reading them back.
//!
//! An import is one transaction: the export itself is attached byte for byte as an
//! exhibit (to the first new entry), every day with contact from the chosen people
//! becomes an entry whose description counts it, every media file inside the export
//! becomes its own exhibit, and the messages are sealed in pages of up to
//! [`PAGE_MESSAGES`], each named with its hash by a `MessagesAdded` change in the
//! chain. Cancelled or failed, nothing of it is kept.
//!
//! Only the days with contact from the chosen people are imported (with everything
//! said on those days in that conversation, both ways); the rest stays in the
//! original, which is kept whole. A message already in the diary (the same export
//! imported again, or a later export of the same chat) is known by its id, a keyed
//! digest of what it says and when, and is not added twice.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::evidence::{store_within, Attaching, Incoming};
use super::head::append;
use super::notes::absorb_within;
use super::{index, now, Vault};
use crate::chain::{Change, MessagePage};
use crate::error::{Error, Result};
use crate::import::{self, DayOrder, Direction, Format, Party, Problem, When};
use crate::incident::{Behaviour, Channel, Day, Incident, Occurred};
use crate::message::{self, same_person, shown, Kind, Message};
use crate::progress::{Progress, Unit};
use crate::record::{self, Keys, Place};
use crate::store;

/// Most messages sealed in one page.
pub const PAGE_MESSAGES: usize = 1_000;

/// The table name sealed pages are bound to.
const PAGE_TABLE: &str = "message_pages";

/// What the person chose for an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choice {
    /// Whose contact this is about: names or numbers as the dry run lists them.
    pub people: Vec<String>,
    /// Only messages on or after this day (in `zone`).
    pub from: Option<Day>,
    /// Only messages on or before this day.
    pub to: Option<Day>,
    /// How a WhatsApp chat writes its dates, when the chat leaves it open.
    pub day_order: Option<DayOrder>,
    /// The zone the phone was in (default: the diary's).
    pub zone: Option<String>,
    /// How the export was obtained (kept with its exhibit).
    pub how: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub format: Format,
    /// The exhibit mark of the export itself (`None` when nothing was new).
    pub exhibit: Option<String>,
    /// New messages (and system lines) kept.
    pub messages: u64,
    /// New calls kept.
    pub calls: u64,
    /// The entries made, one a day with contact.
    pub entries: Vec<u64>,
    /// Messages and calls that were already in the diary.
    pub already_present: u64,
    /// Media files kept as exhibits.
    pub media: u64,
    /// The people the import was about, as the export names them.
    pub people: Vec<String>,
    /// Records in the export left in the original only (other people, days without
    /// contact, outside the dates chosen).
    pub left_in_original: u64,
    /// Problems that did not stop the import.
    pub problems: Vec<Problem>,
}

/// One record read from the export and chosen, before it is kept.
struct Pending {
    ordinal: u64,
    message: Message,
    /// Media whose bytes the export carries: (index in the message's media, name).
    media: Vec<(usize, String)>,
}

impl Vault {
    /// Imports the messages and calls of an export (see the module's description).
    /// Errors before anything is written: a format not read, an ambiguous day order
    /// (`InvalidField` "day_order"), no person chosen or none matching (`InvalidField`
    /// "person"), an unknown zone (`InvalidField` "zone").
    pub fn import_messages(
        &mut self,
        path: &Path,
        choice: &Choice,
        progress: &dyn Progress,
    ) -> Result<Imported> {
        self.refuse_if_read_only()?;
        self.unlocked()?;
        let settings = self.settings()?;
        let zone_name = choice
            .zone
            .clone()
            .filter(|z| !z.trim().is_empty())
            .unwrap_or_else(|| settings.display_zone());
        let zone = Tz::from_str(&zone_name).map_err(|_| Error::InvalidField {
            field: "zone".into(),
            message: format!(
                "'{zone_name}' is not a time zone Daybook knows (for example Europe/London)"
            ),
        })?;
        let people: Vec<String> = choice
            .people
            .iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if people.is_empty() {
            return Err(Error::InvalidField {
                field: "person".into(),
                message: "choose whose contact this is about (a name or number from the export)"
                    .into(),
            });
        }
        let mut source = Source::open(path, choice.day_order)?;
        let format = source.format;

        // Pass 1: read, choose and identify; no media bytes are kept.
        let keys = &self.unlocked()?.keys;
        let id_key = keys.identity().mac_key("message/id");
        let mut reader = Reader {
            zone,
            zone_name: zone_name.clone(),
            format,
            people: &people,
            from: choice.from,
            to: choice.to,
            last_instant: None,
            occurrences: HashMap::new(),
            id_key: &id_key,
            matched_people: Vec::new(),
        };
        let mut chosen: Vec<Pending> = Vec::new();
        let mut total = 0u64;
        let outcome = source.each(|m| {
            total += 1;
            if progress.cancelled() {
                return Err(Error::Cancelled);
            }
            if let Some(p) = reader.read(total, m)? {
                chosen.push(p);
            }
            Ok(())
        })?;
        if reader.matched_people.is_empty() {
            return Err(Error::InvalidField {
                field: "person".into(),
                message: format!(
                    "nobody in this export matches {}; run a dry run to see who is in it",
                    people.join(", ")
                ),
            });
        }
        let matched_people = reader.matched_people.clone();

        // Only days with contact from the chosen people.
        let contact_days: HashSet<NaiveDate> = chosen
            .iter()
            .filter(|p| p.message.contact)
            .map(|p| p.message.day())
            .collect();
        chosen.retain(|p| contact_days.contains(&p.message.day()));
        let existing = self.message_ids()?;
        let before = chosen.len() as u64;
        chosen.retain(|p| !existing.contains(&p.message.id));
        let already_present = before - chosen.len() as u64;
        let left_in_original = total - before;
        let mut imported = Imported {
            format,
            exhibit: None,
            messages: chosen
                .iter()
                .filter(|p| p.message.kind != Kind::Call)
                .count() as u64,
            calls: chosen
                .iter()
                .filter(|p| p.message.kind == Kind::Call)
                .count() as u64,
            entries: Vec::new(),
            already_present,
            media: 0,
            people: matched_people.clone(),
            left_in_original,
            problems: outcome.problems.clone(),
        };
        if chosen.is_empty() {
            return Ok(imported);
        }

        // The days, in order, each with its records in the order of the export.
        let mut days: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
        for (i, p) in chosen.iter().enumerate() {
            days.entry(p.message.day()).or_default().push(i);
        }
        let how = if choice.how.trim().is_empty() {
            format!(
                "{} exported from the phone and imported into Daybook",
                format_label(format)
            )
        } else {
            choice.how.trim().to_string()
        };
        let who = matched_people.join(", ");
        let initials = settings.initials.clone();
        let recipient = self.recipient.clone();
        let unlocked = self.unlocked.as_mut().ok_or(Error::Locked)?;
        let (incoming, file) = Incoming::of_file(path, &how)?;
        let new_media: u64 = chosen.iter().map(|p| p.media.len() as u64).sum();
        let steps = chosen.len() as u64 + new_media;

        let result = self.store.write_bulk(|tx| {
            absorb_within(tx, &unlocked.keys, &mut unlocked.index)?;
            let keys = &unlocked.keys;
            // 1. An entry for each day.
            let mut entry_of_day: BTreeMap<NaiveDate, (u64, String)> = BTreeMap::new();
            for (day, members) in &days {
                if progress.cancelled() {
                    return Err(Error::Cancelled);
                }
                let records: Vec<&Message> = members.iter().map(|&i| &chosen[i].message).collect();
                let incident = day_incident(&records, &who, format, &zone_name)?;
                let entry_id = record::new_id();
                let number = store::entries::allocate(tx, &entry_id)?;
                let change = Change::Created {
                    entry_id: entry_id.clone(),
                    number,
                    recorded_at: now(),
                    incident,
                    written_while_locked: false,
                    absorbed_at: None,
                    held: None,
                };
                append(tx, keys, Some(number), &change)?;
                index::apply(tx, keys, &mut unlocked.index, number, &change)?;
                entry_of_day.insert(*day, (number, entry_id));
            }
            let first_entry = entry_of_day
                .values()
                .next()
                .map(|(n, _)| *n)
                .ok_or(Error::Cancelled)?;

            // 2. The export itself, byte for byte.
            let mut attaching = Attaching {
                keys,
                index: &mut unlocked.index,
                recipient: &recipient,
                initials: &initials,
                known: None,
            };
            attaching.remember_exhibits(tx)?;
            let original = store_within(
                tx,
                &mut attaching,
                first_entry,
                Box::new(file),
                incoming,
                progress,
            )?;

            // 3. The media inside it, each its own exhibit.
            let wanted: HashMap<u64, usize> = chosen
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.media.is_empty())
                .map(|(i, p)| (p.ordinal, i))
                .collect();
            let mut marks: HashMap<usize, Vec<String>> = HashMap::new();
            let mut done = 0u64;
            if !wanted.is_empty() {
                let mut ordinal = 0u64;
                source.each(|m| {
                    ordinal += 1;
                    let Some(&i) = wanted.get(&ordinal) else {
                        return Ok(());
                    };
                    let pending = &chosen[i];
                    let entry = entry_of_day
                        .get(&pending.message.day())
                        .map(|(n, _)| *n)
                        .unwrap_or(first_entry);
                    for (index, name) in &pending.media {
                        let Some(data) = m.media.get(*index).and_then(|media| media.data.as_ref())
                        else {
                            continue;
                        };
                        if data.is_empty() {
                            continue;
                        }
                        let how = format!(
                            "Carried in exhibit {} ({}), {}",
                            original.mark,
                            format_label(format),
                            pending.message.position
                        );
                        let incoming = Incoming::of_bytes(data, name, &how)?;
                        let exhibit = store_within(
                            tx,
                            &mut attaching,
                            entry,
                            Box::new(std::io::Cursor::new(data.clone())),
                            incoming,
                            &crate::progress::NoProgress,
                        )?;
                        marks.entry(i).or_default().push(exhibit.mark);
                        done += 1;
                        progress.advanced(done, steps, Unit::Entries);
                        if progress.cancelled() {
                            return Err(Error::Cancelled);
                        }
                    }
                    Ok(())
                })?;
            }
            let media_kept = marks.values().map(|m| m.len() as u64).sum::<u64>();

            // 4. The messages, sealed a page at a time, named in the chain.
            let mut entries = Vec::new();
            for (day, members) in &days {
                // Cancelled at any point, the transaction rolls back: nothing kept.
                if progress.cancelled() {
                    return Err(Error::Cancelled);
                }
                let (number, entry_id) = entry_of_day.get(day).cloned().ok_or(Error::Cancelled)?;
                let mut kept: Vec<Message> = Vec::with_capacity(members.len());
                for &i in members {
                    let mut m = chosen[i].message.clone();
                    m.exhibit = original.mark.clone();
                    m.entry = number;
                    if let Some(found) = marks.remove(&i) {
                        m.attachments = found;
                    }
                    kept.push(m);
                }
                let contact = kept.iter().filter(|m| m.contact).count() as u64;
                let mut pages = Vec::new();
                for chunk in kept.chunks(PAGE_MESSAGES) {
                    let id = record::new_id();
                    let sealed = record::seal(
                        keys,
                        Place {
                            table: PAGE_TABLE,
                            id: &id,
                        },
                        &chunk,
                    )?;
                    store::messages::insert(tx, &id, number, &sealed)?;
                    pages.push(MessagePage {
                        id,
                        messages: chunk.len() as u64,
                        sealed_sha256: record::sha256_hex(sealed.as_bytes()),
                    });
                }
                let change = Change::MessagesAdded {
                    entry_id,
                    number,
                    at: now(),
                    source: original.mark.clone(),
                    contact,
                    pages,
                };
                append(tx, keys, Some(number), &change)?;
                index::apply(tx, keys, attaching.index, number, &change)?;
                entries.push(number);
                done += members.len() as u64;
                progress.advanced(done.min(steps), steps, Unit::Entries);
            }
            Ok((original.mark, entries, media_kept))
        });
        let (mark, entries, media_kept) = result?;
        imported.exhibit = Some(mark);
        imported.entries = entries;
        imported.media = media_kept;
        Ok(imported)
    }

    /// The imported messages and calls the filter keeps, in time order.
    pub fn messages(&mut self, filter: &message::Filter) -> Result<Vec<Message>> {
        self.absorb_inbox()?;
        let keys = &self.unlocked()?.keys;
        let mut all = Vec::new();
        for row in store::messages::list(self.store.conn(), filter.entry)? {
            all.extend(
                open_page(keys, &row)?
                    .into_iter()
                    .filter(|m| filter.matches(m)),
            );
        }
        all.sort_by(|a, b| a.at.cmp(&b.at).then(a.position.byte.cmp(&b.position.byte)));
        Ok(all)
    }

    /// The ids of every message in the diary.
    fn message_ids(&self) -> Result<HashSet<String>> {
        let keys = &self.unlocked()?.keys;
        let mut ids = HashSet::new();
        for row in store::messages::list(self.store.conn(), None)? {
            ids.extend(open_page(keys, &row)?.into_iter().map(|m| m.id));
        }
        Ok(ids)
    }
}

/// Opens one sealed page of messages, checking it belongs to the entry it is filed
/// under.
pub(crate) fn open_page(keys: &Keys, row: &store::messages::Row) -> Result<Vec<Message>> {
    let place = Place {
        table: PAGE_TABLE,
        id: &row.id,
    };
    let messages: Vec<Message> = record::open(keys, place, &row.payload)?;
    if messages.iter().any(|m| m.entry != row.entry_number) {
        return Err(Error::tampered(
            format!("message page {}", row.id),
            format!(
                "it is filed under entry {} but its messages belong to another entry",
                row.entry_number
            ),
        ));
    }
    Ok(messages)
}

/// An export opened for reading, once or twice.
struct Source {
    format: Format,
    path: std::path::PathBuf,
    chat: Option<(import::whatsapp::Chat, DayOrder)>,
}

impl Source {
    fn open(path: &Path, day_order: Option<DayOrder>) -> Result<Source> {
        let format = import::detect_path(path)?;
        let chat = if format == Format::WhatsApp {
            let chat = import::whatsapp::Chat::open(path)?;
            let order = match chat.effective_order(day_order) {
                Ok(order) => order,
                Err(e) if chat.day_order() == DayOrder::Ambiguous => {
                    return Err(Error::InvalidField {
                        field: "day_order".into(),
                        message: e.to_string(),
                    })
                }
                Err(e) => return Err(e),
            };
            Some((chat, order))
        } else {
            None
        };
        Ok(Source {
            format,
            path: path.to_path_buf(),
            chat,
        })
    }

    fn each(&mut self, f: impl FnMut(import::Message) -> Result<()>) -> Result<import::Outcome> {
        match &mut self.chat {
            Some((chat, order)) => chat.each(Some(*order), f),
            None => import::each(&self.path, &import::Options::default(), f),
        }
    }
}

/// Reads records into kept messages: their instant in the phone's zone, whether they
/// are with the chosen people, and their id.
struct Reader<'a> {
    zone: Tz,
    zone_name: String,
    format: Format,
    people: &'a [String],
    from: Option<Day>,
    to: Option<Day>,
    /// The instant of the record before, to read a repeated hour (clocks going back)
    /// in the order the phone wrote it.
    last_instant: Option<DateTime<Utc>>,
    occurrences: HashMap<String, u32>,
    id_key: &'a crate::crypto::MacKey,
    matched_people: Vec<String>,
}

impl Reader<'_> {
    fn chosen(&mut self, party: &Party) -> bool {
        let shown = shown(party);
        let hit = self.people.iter().any(|p| {
            same_person(&shown, p)
                || party.name.as_deref().is_some_and(|n| same_person(n, p))
                || party.address.as_deref().is_some_and(|a| same_person(a, p))
        });
        if hit && !self.matched_people.contains(&shown) {
            self.matched_people.push(shown);
        }
        hit
    }

    fn read(&mut self, ordinal: u64, m: import::Message) -> Result<Option<Pending>> {
        let at = self.instant(m.at);
        let day = at.date_naive();
        if self.from.is_some_and(|f| day < f.date()) || self.to.is_some_and(|t| day > t.date()) {
            return Ok(None);
        }
        let kind = match m.kind {
            import::Kind::Message => Kind::Message,
            import::Kind::Call { .. } => Kind::Call,
            import::Kind::System => Kind::System,
        };
        let from_chosen = match &m.sender {
            Some(sender) if kind != Kind::System => self.chosen(sender),
            _ => false,
        };
        let mut to_chosen = false;
        for r in &m.recipients {
            if self.chosen(r) {
                to_chosen = true;
            }
        }
        // A WhatsApp export is one conversation: everything in it is with them.
        let in_conversation = self.format == Format::WhatsApp;
        if !(from_chosen || to_chosen || in_conversation) {
            return Ok(None);
        }
        let contact = from_chosen && m.direction != Direction::Sent;
        let direction = match (m.direction, self.format) {
            (Direction::Unknown, Format::WhatsApp) if contact => Direction::Received,
            (d, _) => d,
        };
        let (call, duration_s, withheld) = match m.kind {
            import::Kind::Call {
                outcome,
                duration_s,
                withheld,
            } => (Some(outcome), Some(duration_s), withheld),
            _ => (None, None, false),
        };
        let mut media = Vec::new();
        let mut media_missing = Vec::new();
        for (i, item) in m.media.iter().enumerate() {
            let name = item.name.clone().unwrap_or_else(|| "attachment".into());
            match (&item.data, &item.damage) {
                (Some(data), _) if !data.is_empty() => media.push((i, name)),
                (_, Some(damage)) => media_missing.push(format!("{name}: {damage}")),
                _ => media_missing.push(match &item.name {
                    Some(n) => format!("{n}: not in the export"),
                    None => "a file the export left out".into(),
                }),
            }
        }
        let from = m.sender.as_ref().map(shown).unwrap_or_default();
        let to: Vec<String> = m.recipients.iter().map(shown).collect();
        let exported_time = m.at.to_string();
        let mut message = Message {
            id: String::new(),
            at: at.fixed_offset(),
            zone: self.zone_name.clone(),
            exported_time,
            from,
            to,
            direction,
            kind,
            call,
            duration_s,
            withheld,
            subject: m.subject.clone(),
            text: m.text,
            attachments: Vec::new(),
            media_missing,
            exhibit: String::new(),
            format: self.format,
            position: m.position,
            entry: 0,
            contact,
        };
        message.id = self.id_of(&message, &m.media)?;
        Ok(Some(Pending {
            ordinal,
            message,
            media,
        }))
    }

    /// The phone's time as an instant in the chosen zone. A time that happens twice
    /// (clocks going back) is read as the first unless that would put it before the
    /// record above it; a time that never happens (clocks going forward) is read
    /// with the offset from before the change.
    fn instant(&mut self, when: When) -> DateTime<Tz> {
        let at = match when {
            When::Utc(t) => t.with_timezone(&self.zone),
            When::Local(naive) => match self.zone.from_local_datetime(&naive) {
                LocalResult::Single(t) => t,
                LocalResult::Ambiguous(first, second) => match self.last_instant {
                    Some(last) if first.with_timezone(&Utc) < last => second,
                    _ => first,
                },
                LocalResult::None => {
                    let before = naive - Duration::hours(3);
                    let offset = match self.zone.from_local_datetime(&before) {
                        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                            t.offset().fix().local_minus_utc()
                        }
                        LocalResult::None => 0,
                    };
                    let utc = naive - Duration::seconds(i64::from(offset));
                    Utc.from_utc_datetime(&utc).with_timezone(&self.zone)
                }
            },
        };
        self.last_instant = Some(at.with_timezone(&Utc));
        at
    }

    /// A keyed digest of what the message says and when, as the export wrote it
    /// (not the zone it was read in), with how many identical ones came before it in
    /// this export: the same export gives the same ids, and a later export of the
    /// same chat gives the same ids to the messages they share.
    fn id_of(&mut self, m: &Message, media: &[import::Media]) -> Result<String> {
        let names: Vec<Option<&str>> = media.iter().map(|x| x.name.as_deref()).collect();
        let canonical = serde_json::to_string(&(
            self.format,
            &m.exported_time,
            &m.from,
            &m.to,
            m.direction,
            m.kind,
            m.call,
            m.duration_s,
            &m.subject,
            &m.text,
            names,
        ))
        .map_err(|e| Error::Json(format!("a message ({e})")))?;
        let seen = self.occurrences.entry(canonical.clone()).or_insert(0);
        *seen += 1;
        let tagged = format!("{canonical}\n{seen}");
        Ok(self.id_key.tag(tagged.as_bytes())[..32].to_string())
    }
}

fn format_label(format: Format) -> &'static str {
    match format {
        Format::WhatsApp => "WhatsApp chat",
        Format::Sms => "SMS backup",
        Format::Calls => "call log",
    }
}

/// The entry for one day's contact: when it started and ended, and a description in
/// words ("23 messages and 4 missed calls from Mark between 07:12 and 23:50").
fn day_incident(records: &[&Message], who: &str, format: Format, zone: &str) -> Result<Incident> {
    let contact: Vec<&Message> = records.iter().copied().filter(|m| m.contact).collect();
    // Earliest and latest by time, not by their order in the export (a phone can
    // write them out of order).
    let timed: &[&Message] = if contact.is_empty() {
        records
    } else {
        &contact
    };
    let first = timed.iter().min_by_key(|m| m.at).ok_or(Error::Cancelled)?;
    let last = timed.iter().max_by_key(|m| m.at).ok_or(Error::Cancelled)?;
    let (start, end) = (first.at.with_timezone(&Utc), last.at.with_timezone(&Utc));

    let count = |pred: &dyn Fn(&Message) -> bool| contact.iter().filter(|m| pred(m)).count();
    let mut parts = Vec::new();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let messages = count(&|m| m.kind == Kind::Message);
    if messages > 0 {
        parts.push(plural(messages, "message", "messages"));
    }
    use crate::import::CallOutcome as C;
    for (outcome, one, many) in [
        (C::Missed, "missed call", "missed calls"),
        (C::Incoming, "answered call", "answered calls"),
        (C::Voicemail, "call to voicemail", "calls to voicemail"),
        (C::Rejected, "rejected call", "rejected calls"),
        (C::Blocked, "blocked call", "blocked calls"),
        (C::Unknown, "call", "calls"),
    ] {
        let n = count(&|m| m.call == Some(outcome));
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    let listed = match parts.len() {
        0 => "Contact".to_string(),
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    };
    let time = |t: &DateTime<FixedOffset>| t.format("%H:%M").to_string();
    let span = if contact.len() > 1 && time(&first.at) != time(&last.at) {
        format!("between {} and {}", time(&first.at), time(&last.at))
    } else {
        format!("at {}", time(&first.at))
    };
    let sent = records
        .iter()
        .filter(|m| !m.contact && m.kind != Kind::System)
        .count();
    let mut description = format!("{listed} from {who} {span}.");
    if sent > 0 {
        description.push_str(&format!(
            " {} in the same conversation that day.",
            plural(sent, "other message or call", "other messages or calls")
        ));
    }
    let first_line = records.iter().map(|m| m.position.line).min().unwrap_or(0);
    let last_line = records.iter().map(|m| m.position.line).max().unwrap_or(0);
    let place = if first_line == last_line {
        format!("line {first_line}")
    } else {
        format!("lines {first_line} to {last_line}")
    };
    description.push_str(&format!(
        " Imported from the {} ({place}); the messages are kept with this entry.",
        format_label(format)
    ));
    let mut incident = Incident::new(
        Occurred {
            start,
            end: (end > start).then_some(end),
            approximate: false,
            date_only: false,
            zone: zone.to_string(),
        },
        description,
    );
    incident.behaviours = vec![Behaviour::Contacting];
    incident.channel = Some(match format {
        Format::WhatsApp => Channel::MessagingApp,
        Format::Sms => Channel::TextMessage,
        Format::Calls => Channel::PhoneCall,
    });
    incident.who = who.to_string();
    incident.channel_detail = who.to_string();
    incident.tags = vec!["imported".into()];
    incident.validate()?;
    Ok(incident)
}
