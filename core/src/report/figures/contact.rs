//! The figures behind the summary's "Contact" part: how many imported messages and
//! calls came from the people each import was about, on which days and at what hours,
//! the longest run of days in a row with contact, and how much of it came on or after
//! the first day the police were told or the first recorded breach of an order.
//!
//! Only messages that count as contact (`Message::contact`: from one of the chosen
//! people, not the diary keeper's own replies) and that belong to an occasion (not a
//! withdrawn entry) are counted. Days and hours are the phone's, in the zone each
//! import was read in, so they agree with the times quoted in the entries.
//!
//! Like the rest of `figures`, this module must never lay anything out or word
//! anything.

use std::collections::{BTreeSet, HashSet};

use chrono::{Duration, NaiveDate, Timelike};
use chrono_tz::Tz;

use super::Numbered;
use crate::incident::Behaviour;
use crate::message::{Kind, Message};
use crate::report::format;

/// Night-time: from midnight up to (not including) this hour.
pub const NIGHT_ENDS_AT_HOUR: u32 = 6;

/// Contact on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    pub day: NaiveDate,
    /// Messages (text or media).
    pub messages: usize,
    pub calls: usize,
}

/// Days in a row with contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub days: u64,
}

/// What happened first, by which the contact after it is counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// The earliest day the police were told, as recorded on an entry.
    Police { entry: u64, reference: String },
    /// The day of the first occasion recorded as a breach of an order.
    Order { entry: u64, order: String },
}

/// Contact on or after a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub since: Since,
    pub day: NaiveDate,
    pub messages: usize,
    pub calls: usize,
    /// Different days with contact on or after `day`.
    pub days: usize,
}

impl After {
    pub fn total(&self) -> usize {
        self.messages + self.calls
    }
}

/// Everything the summary's "Contact" part counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Who the contact came from, as the exports name them, in order of first contact.
    pub people: Vec<String>,
    /// The zones the phones' times were read in.
    pub zones: Vec<String>,
    pub messages: usize,
    pub calls: usize,
    /// Calls missed, rejected, blocked or sent to voicemail.
    pub unanswered_calls: usize,
    /// Contact linked to withdrawn entries: listed, not counted.
    pub not_counted: usize,
    /// Every day from the first with contact to the last, days without contact
    /// included (with zero counts), in order.
    pub per_day: Vec<DayCount>,
    /// Contact by hour of the day (0–23).
    pub by_hour: [usize; 24],
    /// Contact before [`NIGHT_ENDS_AT_HOUR`].
    pub night: usize,
    /// Different days with contact.
    pub days_with_contact: usize,
    /// The period the days are counted out of: the report's period, widened to take
    /// in every day with contact.
    pub period: (NaiveDate, NaiveDate),
    /// The longest run of consecutive days with contact (the earliest when tied).
    pub longest_run: Option<Run>,
    /// Contact on or after the earliest day the police were told.
    pub after_police: Option<After>,
    /// Contact on or after the first recorded breach of an order.
    pub after_order: Option<After>,
}

impl Contact {
    pub fn total(&self) -> usize {
        self.messages + self.calls
    }

    /// Calendar days in [`period`](Contact::period), both ends counted.
    pub fn period_days(&self) -> u64 {
        u64::try_from((self.period.1 - self.period.0).num_days() + 1).unwrap_or(0)
    }
}

/// Whether a message counts as contact here: from a chosen person, and a message or
/// a call (never a system line).
fn counts(m: &Message) -> bool {
    m.contact && matches!(m.kind, Kind::Message | Kind::Call)
}

/// The longest run of consecutive days in a sorted set of days.
fn longest_run(days: &BTreeSet<NaiveDate>) -> Option<Run> {
    let mut best: Option<Run> = None;
    let mut current: Option<Run> = None;
    for &day in days {
        current = match current {
            Some(run) if run.last + Duration::days(1) == day => Some(Run {
                last: day,
                days: run.days + 1,
                ..run
            }),
            _ => Some(Run {
                first: day,
                last: day,
                days: 1,
            }),
        };
        if let Some(run) = current {
            if best.is_none_or(|b| run.days > b.days) {
                best = Some(run);
            }
        }
    }
    best
}

/// The earliest day the police were told, as written on an occasion (`YYYY-MM-DD`;
/// other text cannot be placed in time and is passed over).
fn first_police(occasions: &[Numbered<'_>]) -> Option<(NaiveDate, Since)> {
    occasions
        .iter()
        .filter_map(|o| {
            let date = NaiveDate::parse_from_str(o.incident.police.date.trim(), "%Y-%m-%d").ok()?;
            Some((
                date,
                o.number,
                Since::Police {
                    entry: o.number,
                    reference: o.incident.police.reference.trim().to_string(),
                },
            ))
        })
        .min_by_key(|(date, number, _)| (*date, *number))
        .map(|(date, _, since)| (date, since))
}

/// The day (in `tz`) of the first occasion recorded as a breach of an order.
fn first_order_breach(occasions: &[Numbered<'_>], tz: Tz) -> Option<(NaiveDate, Since)> {
    occasions
        .iter()
        .filter(|o| {
            o.incident.behaviours.contains(&Behaviour::OrderBreach)
                || !o.incident.order_breached.trim().is_empty()
        })
        .map(|o| {
            (
                format::local_date(o.incident.occurred.start, tz),
                o.number,
                Since::Order {
                    entry: o.number,
                    order: o.incident.order_breached.trim().to_string(),
                },
            )
        })
        .min_by_key(|(date, number, _)| (*date, *number))
        .map(|(date, _, since)| (date, since))
}

fn after(counted: &[&Message], first: Option<(NaiveDate, Since)>) -> Option<After> {
    let (day, since) = first?;
    let later: Vec<&&Message> = counted.iter().filter(|m| m.day() >= day).collect();
    Some(After {
        since,
        day,
        messages: later.iter().filter(|m| m.kind == Kind::Message).count(),
        calls: later.iter().filter(|m| m.kind == Kind::Call).count(),
        days: later.iter().map(|m| m.day()).collect::<BTreeSet<_>>().len(),
    })
}

/// Counts the contact in `messages` (the report's imported messages) that belongs to
/// one of `occasions`. `period` is the report's first and last day; `tz` is the
/// report's zone (for the day of an order breach). `None` when nothing counts.
pub fn count(
    messages: &[&Message],
    occasions: &[Numbered<'_>],
    tz: Tz,
    period: (NaiveDate, NaiveDate),
) -> Option<Contact> {
    let numbers: HashSet<u64> = occasions.iter().map(|o| o.number).collect();
    let counted: Vec<&Message> = messages
        .iter()
        .copied()
        .filter(|m| counts(m) && numbers.contains(&m.entry))
        .collect();
    let not_counted = messages
        .iter()
        .filter(|m| counts(m) && !numbers.contains(&m.entry))
        .count();
    let days: BTreeSet<NaiveDate> = counted.iter().map(|m| m.day()).collect();
    let (first, last) = (days.first().copied()?, days.last().copied()?);

    let mut per_day = Vec::new();
    let mut day = first;
    while day <= last {
        per_day.push(DayCount {
            day,
            messages: 0,
            calls: 0,
        });
        day += Duration::days(1);
    }
    let mut by_hour = [0usize; 24];
    let mut people: Vec<String> = Vec::new();
    let mut zones: Vec<String> = Vec::new();
    for m in &counted {
        let index = usize::try_from((m.day() - first).num_days()).unwrap_or(usize::MAX);
        if let Some(d) = per_day.get_mut(index) {
            match m.kind {
                Kind::Call => d.calls += 1,
                _ => d.messages += 1,
            }
        }
        if let Some(slot) = by_hour.get_mut(m.at.hour() as usize) {
            *slot += 1;
        }
        if !people.contains(&m.from) {
            people.push(m.from.clone());
        }
        if !zones.contains(&m.zone) {
            zones.push(m.zone.clone());
        }
    }
    let calls = counted.iter().filter(|m| m.kind == Kind::Call).count();
    Some(Contact {
        people,
        zones,
        messages: counted.len() - calls,
        calls,
        unanswered_calls: counted.iter().filter(|m| m.is_unanswered_call()).count(),
        not_counted,
        per_day,
        night: by_hour[..NIGHT_ENDS_AT_HOUR as usize].iter().sum(),
        by_hour,
        days_with_contact: days.len(),
        period: (period.0.min(first), period.1.max(last)),
        longest_run: longest_run(&days),
        after_police: after(&counted, first_police(occasions)),
        after_order: after(&counted, first_order_breach(occasions, tz)),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, FixedOffset, TimeZone, Utc};

    use super::*;
    use crate::import::{CallOutcome, Direction, Format, Position};
    use crate::incident::{Incident, Occurred, PoliceContact};

    const LONDON: Tz = chrono_tz::Europe::London;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    /// A local time in London in March 2024 (GMT until the 31st).
    fn at(d: u32, h: u32, mi: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(0)
            .and_then(|z| z.with_ymd_and_hms(2024, 3, d, h, mi, 0).single())
            .unwrap_or_default()
    }

    fn message(entry: u64, when: DateTime<FixedOffset>, from: &str, contact: bool) -> Message {
        Message {
            id: format!("{entry}-{when}"),
            at: when,
            zone: "Europe/London".into(),
            exported_time: when.naive_local().to_string(),
            from: from.into(),
            to: Vec::new(),
            direction: if contact {
                Direction::Received
            } else {
                Direction::Unknown
            },
            kind: Kind::Message,
            call: None,
            duration_s: None,
            withheld: false,
            subject: None,
            text: "hello".into(),
            attachments: Vec::new(),
            media_missing: Vec::new(),
            exhibit: "JS/1".into(),
            format: Format::WhatsApp,
            position: Position::default(),
            entry,
            contact,
        }
    }

    fn call(entry: u64, when: DateTime<FixedOffset>, outcome: CallOutcome) -> Message {
        Message {
            kind: Kind::Call,
            call: Some(outcome),
            duration_s: Some(0),
            ..message(entry, when, "Mark", true)
        }
    }

    fn incident(start: DateTime<Utc>, edit: impl FnOnce(&mut Incident)) -> Incident {
        let mut i = Incident::new(
            Occurred {
                start,
                end: None,
                approximate: false,
                date_only: false,
                zone: "Europe/London".into(),
            },
            "entry",
        );
        edit(&mut i);
        i
    }

    fn utc(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, d, h, 0, 0)
            .single()
            .unwrap_or_default()
    }

    /// Contact on the 10th, 11th, 12th (a run of three), the 14th and 15th; a reply
    /// from the keeper; a system line; a message linked to a withdrawn entry (9).
    fn chat() -> Vec<Message> {
        vec![
            message(1, at(10, 7, 12), "Mark", true),
            message(1, at(10, 7, 13), "", false),
            Message {
                kind: Kind::System,
                ..message(1, at(10, 7, 14), "", true)
            },
            message(2, at(11, 2, 5), "Mark", true),
            call(2, at(11, 3, 30), CallOutcome::Missed),
            message(3, at(12, 23, 59), "Mark", true),
            message(4, at(14, 5, 59), "Mark", true),
            call(4, at(14, 6, 0), CallOutcome::Incoming),
            message(5, at(15, 12, 0), "Mark (+44 7700 900123)", true),
            message(9, at(20, 1, 0), "Mark", true),
        ]
    }

    fn refs(messages: &[Message]) -> Vec<&Message> {
        messages.iter().collect()
    }

    fn occasions(incidents: &[(u64, Incident)]) -> Vec<Numbered<'_>> {
        incidents
            .iter()
            .map(|(number, incident)| Numbered {
                number: *number,
                incident,
            })
            .collect()
    }

    fn plain(numbers: &[u64]) -> Vec<(u64, Incident)> {
        numbers
            .iter()
            .map(|&n| (n, incident(utc(9 + n as u32, 12), |_| {})))
            .collect()
    }

    #[test]
    fn only_contact_from_the_chosen_people_on_occasions_is_counted() {
        let chat = chat();
        let incidents = plain(&[1, 2, 3, 4, 5]);
        let c = count(
            &refs(&chat),
            &occasions(&incidents),
            LONDON,
            (day(2024, 3, 1), day(2024, 3, 31)),
        )
        .expect("contact");
        assert_eq!((c.messages, c.calls, c.total()), (5, 2, 7));
        assert_eq!(c.unanswered_calls, 1);
        assert_eq!(c.not_counted, 1);
        assert_eq!(c.people, ["Mark", "Mark (+44 7700 900123)"]);
        assert_eq!(c.zones, ["Europe/London"]);
    }

    #[test]
    fn every_day_from_first_to_last_contact_is_listed_with_gaps_kept() {
        let chat = chat();
        let incidents = plain(&[1, 2, 3, 4, 5]);
        let c = count(
            &refs(&chat),
            &occasions(&incidents),
            LONDON,
            (day(2024, 3, 1), day(2024, 3, 31)),
        )
        .expect("contact");
        let totals: Vec<(u32, usize, usize)> = c
            .per_day
            .iter()
            .map(|d| (chrono::Datelike::day(&d.day), d.messages, d.calls))
            .collect();
        assert_eq!(
            totals,
            [
                (10, 1, 0),
                (11, 1, 1),
                (12, 1, 0),
                (13, 0, 0),
                (14, 1, 1),
                (15, 1, 0)
            ]
        );
        assert_eq!(c.days_with_contact, 5);
        assert_eq!(c.period, (day(2024, 3, 1), day(2024, 3, 31)));
        assert_eq!(c.period_days(), 31);
        assert_eq!(
            c.longest_run,
            Some(Run {
                first: day(2024, 3, 10),
                last: day(2024, 3, 12),
                days: 3
            })
        );
    }

    #[test]
    fn night_time_is_midnight_up_to_six_in_the_phones_time() {
        let chat = chat();
        let incidents = plain(&[1, 2, 3, 4, 5]);
        let c = count(
            &refs(&chat),
            &occasions(&incidents),
            LONDON,
            (day(2024, 3, 10), day(2024, 3, 15)),
        )
        .expect("contact");
        // 02:05, 03:30 and 05:59 are at night; 06:00 and 23:59 are not.
        assert_eq!(c.night, 3);
        assert_eq!(c.by_hour[2] + c.by_hour[3] + c.by_hour[5], 3);
        assert_eq!(c.by_hour[6], 1);
        assert_eq!(c.by_hour[23], 1);
        assert_eq!(c.by_hour.iter().sum::<usize>(), 7);
    }

    #[test]
    fn the_period_widens_to_take_in_every_day_with_contact() {
        let chat = chat();
        let incidents = plain(&[1, 2, 3, 4, 5]);
        let c = count(
            &refs(&chat),
            &occasions(&incidents),
            LONDON,
            (day(2024, 3, 11), day(2024, 3, 12)),
        )
        .expect("contact");
        assert_eq!(c.period, (day(2024, 3, 10), day(2024, 3, 15)));
        assert_eq!(c.period_days(), 6);
    }

    #[test]
    fn contact_after_the_police_were_told_counts_from_the_earliest_date() {
        let chat = chat();
        let mut incidents = plain(&[1, 2, 3, 4, 5]);
        let police = |date: &str, reference: &str| PoliceContact {
            date: date.into(),
            reference: reference.into(),
            officer: String::new(),
        };
        incidents[4].1.police = police("2024-03-14", "WY/2");
        incidents[2].1.police = police("2024-03-12", "WY/1");
        // Not a date: it cannot be placed, so it is passed over.
        incidents[0].1.police = police("last week", "WY/0");
        let c = count(
            &refs(&chat),
            &occasions(&incidents),
            LONDON,
            (day(2024, 3, 10), day(2024, 3, 15)),
        )
        .expect("contact");
        let after = c.after_police.expect("after police");
        assert_eq!(after.day, day(2024, 3, 12));
        assert_eq!(
            after.since,
            Since::Police {
                entry: 3,
                reference: "WY/1".into()
            }
        );
        // The 12th (1), the 14th (message and call) and the 15th (1).
        assert_eq!((after.messages, after.calls, after.days), (3, 1, 3));
        assert_eq!(c.after_order, None);
    }

    #[test]
    fn contact_after_the_first_breach_of_an_order_counts_from_its_day() {
        let chat = chat();
        let mut incidents = plain(&[1, 2, 3, 4, 5]);
        // Entry 7 (not imported) records a breach; its day is the 14th at 23:30 UTC,
        // which in London (GMT) is still the 14th.
        incidents.push((
            7,
            incident(utc(14, 23), |i| {
                i.order_breached = "Non-molestation order".into();
            }),
        ));
        incidents.push((
            8,
            incident(utc(15, 9), |i| {
                i.behaviours = vec![Behaviour::OrderBreach];
            }),
        ));
        let c = count(
            &refs(&chat),
            &occasions(&incidents),
            LONDON,
            (day(2024, 3, 10), day(2024, 3, 15)),
        )
        .expect("contact");
        let after = c.after_order.expect("after order");
        assert_eq!(after.day, day(2024, 3, 14));
        assert_eq!(
            after.since,
            Since::Order {
                entry: 7,
                order: "Non-molestation order".into()
            }
        );
        assert_eq!((after.total(), after.days), (3, 2));
    }

    #[test]
    fn no_contact_gives_nothing() {
        let chat = chat();
        let replies: Vec<Message> = chat.into_iter().filter(|m| !m.contact).collect();
        let incidents = plain(&[1]);
        assert_eq!(
            count(
                &refs(&replies),
                &occasions(&incidents),
                LONDON,
                (day(2024, 3, 10), day(2024, 3, 15)),
            ),
            None
        );
        // Contact only on withdrawn entries counts as none.
        let chat = self::chat();
        assert_eq!(
            count(
                &refs(&chat),
                &[],
                LONDON,
                (day(2024, 3, 10), day(2024, 3, 15))
            ),
            None
        );
    }

    #[test]
    fn runs_tie_to_the_earliest() {
        let days: BTreeSet<NaiveDate> = [1, 2, 4, 5, 7].iter().map(|&d| day(2024, 3, d)).collect();
        assert_eq!(
            longest_run(&days),
            Some(Run {
                first: day(2024, 3, 1),
                last: day(2024, 3, 2),
                days: 2
            })
        );
        assert_eq!(longest_run(&BTreeSet::new()), None);
    }
}
