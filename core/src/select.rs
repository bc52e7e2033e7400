//! Which entries a list, a report or an export holds: one rule for every caller (the
//! app's timeline, `daybook list`, the report, the handover file and the evidence
//! pack), so the same dates and words always pick the same entries.
//!
//! - **Days** are the day an incident started *in the zone it was written in* (the
//!   day the person wrote down), whatever zone the computer or the report uses now.
//!   An erased entry has no incident left; its day is the day it was recorded, in the
//!   zone the caller shows times in.
//! - **Words** are found, case-insensitively, anywhere in the entry's searchable text
//!   (`search_text`): every word must be there, in any field, in any order.

use chrono::{DateTime, NaiveDate, Utc};

use crate::entry::{Entry, Status};
use crate::incident::{Behaviour, Day};

/// What to keep. The default keeps every entry that is not withdrawn or erased.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub from: Option<Day>,
    pub to: Option<Day>,
    /// Any of these behaviours (none: any behaviour).
    pub behaviours: Vec<Behaviour>,
    /// Every one of these words (already split; matched case-insensitively).
    pub words: Vec<String>,
    pub include_withdrawn: bool,
    pub include_erased: bool,
}

impl Filter {
    /// Splits typed search text into words.
    pub fn with_search(mut self, text: &str) -> Filter {
        self.words = words(text);
        self
    }

    /// Whether any limit on days is set.
    pub fn has_dates(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    /// Whether `day` is inside the range.
    pub fn day_in_range(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| day >= f.date()) && self.to.is_none_or(|t| day <= t.date())
    }

    /// Whether `entry` is kept. `zone` is the zone the caller shows times in (used
    /// only for entries that no longer have an incident).
    pub fn matches(&self, entry: &Entry, zone: &str) -> bool {
        match entry.status {
            Status::Withdrawn { .. } if !self.include_withdrawn => return false,
            Status::Erased { .. } if !self.include_erased => return false,
            _ => {}
        }
        if !self.day_in_range(entry_day(entry, zone)) {
            return false;
        }
        if !self.behaviours.is_empty() {
            let Some(incident) = &entry.incident else {
                return false;
            };
            if !incident
                .behaviours
                .iter()
                .any(|b| self.behaviours.contains(b))
            {
                return false;
            }
        }
        if !self.words.is_empty() {
            let text = search_text(entry);
            return self.words.iter().all(|w| text.contains(w.as_str()));
        }
        true
    }
}

/// Lower-case words of typed search text.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_lowercase).collect()
}

/// The day an entry counts for (see the module's note on days).
pub fn entry_day(entry: &Entry, zone: &str) -> NaiveDate {
    match &entry.incident {
        Some(incident) => incident.occurred.start_day(),
        None => recorded_day(entry.recorded_at, zone),
    }
}

/// The day of a moment in `zone` (for what has no incident: an erased entry).
pub fn recorded_day(at: DateTime<Utc>, zone: &str) -> NaiveDate {
    let tz = zone.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC);
    at.with_timezone(&tz).date_naive()
}

/// Everything about an entry that a search looks in, lower case, one field a line:
/// its number, what happened, where, who, witnesses, how (channel details), the
/// response, the police reference and officer, the impact, the order breached, the
/// behaviours (key and the short label the app shows), tags and exhibit marks.
pub fn search_text(entry: &Entry) -> String {
    search_text_with(entry, std::iter::empty())
}

/// [`search_text`], also looking in earlier wordings (a handover's case view shows
/// every wording, so a search there finds words that were amended away).
pub fn search_text_with<'a>(
    entry: &'a Entry,
    earlier: impl Iterator<Item = &'a crate::incident::Incident>,
) -> String {
    let mut parts: Vec<String> = vec![entry.number.to_string()];
    for i in entry.incident.iter().chain(earlier) {
        parts.extend(
            [
                &i.description,
                &i.location,
                &i.who,
                &i.witnesses,
                &i.channel_detail,
                &i.response,
                &i.police.reference,
                &i.police.officer,
                &i.impact.notes,
                &i.impact.daily_life_changes,
                &i.order_breached,
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .cloned(),
        );
        for b in &i.behaviours {
            parts.push(b.key().to_string());
            parts.push(b.short_label().to_string());
        }
        parts.extend(i.tags.iter().cloned());
    }
    parts.extend(entry.exhibits.iter().cloned());
    parts.join("\n").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{Incident, Occurred};

    fn entry(number: u64, when: &str, zone: &str, text: &str) -> Entry {
        let occurred = Occurred::parse(when, None, false, zone).unwrap();
        let mut incident = Incident::new(occurred, text);
        incident.behaviours = vec![Behaviour::Watching];
        incident.witnesses = "Sam Neighbour".into();
        Entry {
            number,
            id: format!("e{number}"),
            recorded_at: "2026-11-02T00:30:00Z".parse().unwrap(),
            amended_at: None,
            revisions: 1,
            status: Status::Active,
            incident: Some(incident),
            exhibits: vec!["AB/3".into()],
            written_while_locked: false,
            held: None,
            messages: 0,
        }
    }

    fn day(text: &str) -> Option<Day> {
        Some(Day::parse("day", text).unwrap())
    }

    /// The case view's search: the diary's fields, in the current and every earlier
    /// wording; the current wording alone gives exactly `search_text`.
    #[test]
    fn search_with_earlier_wordings_finds_amended_words() {
        let e = entry(7, "2026-07-14 21:40", "Europe/London", "A grey car outside");
        let earlier = Incident::new(
            Occurred::parse("2026-07-14 21:40", None, false, "Europe/London").unwrap(),
            "First wording: a blue van",
        );
        assert_eq!(search_text_with(&e, std::iter::empty()), search_text(&e));
        let all = search_text_with(&e, [&earlier].into_iter());
        assert!(
            all.contains("blue van") && all.contains("grey car"),
            "{all}"
        );
        assert!(!search_text(&e).contains("blue van"));
        assert!(
            all.contains("sam neighbour") && all.contains("ab/3"),
            "{all}"
        );
    }

    #[test]
    fn the_day_is_the_one_written_whatever_zone_shows_it() {
        // 23:30 on 1 November in New York is 2 November in London and in UTC.
        let e = entry(1, "2026-11-01 23:30", "America/New_York", "x");
        let first = Filter {
            from: day("2026-11-01"),
            to: day("01/11/2026"),
            ..Filter::default()
        };
        for zone in ["Europe/London", "UTC", "Asia/Tokyo"] {
            assert!(first.matches(&e, zone), "{zone}");
        }
        let second = Filter {
            from: day("2026-11-02"),
            ..Filter::default()
        };
        assert!(!second.matches(&e, "Europe/London"));
    }

    #[test]
    fn an_erased_entry_counts_on_its_recorded_day_in_the_shown_zone() {
        let mut e = entry(2, "2026-11-01 12:00", "Europe/London", "x");
        e.incident = None;
        e.status = Status::Erased {
            at: "2026-11-03T00:00:00Z".parse().unwrap(),
        };
        let f = Filter {
            from: day("2026-11-01"),
            to: day("2026-11-01"),
            include_erased: true,
            ..Filter::default()
        };
        // Recorded 00:30 UTC on the 2nd: still the 1st in New York.
        assert!(f.matches(&e, "America/New_York"));
        assert!(!f.matches(&e, "Europe/London"));
        assert!(!Filter::default().matches(&e, "America/New_York"));
    }

    #[test]
    fn every_word_must_be_somewhere_in_the_entry() {
        let e = entry(
            12,
            "2026-11-01 20:00",
            "Europe/London",
            "He waited by the CAR",
        );
        let f = |text: &str| Filter::default().with_search(text).matches(&e, "UTC");
        assert!(f("car"));
        assert!(f("sam car"));
        assert!(f("WATCHING"));
        assert!(f("ab/3"));
        assert!(f("12"));
        assert!(!f("car bus"));
        assert!(f(""));
    }

    #[test]
    fn withdrawn_entries_are_kept_only_when_asked() {
        let mut e = entry(3, "2026-11-01 20:00", "Europe/London", "x");
        e.status = Status::Withdrawn {
            at: "2026-11-03T00:00:00Z".parse().unwrap(),
            reason: "twice".into(),
        };
        assert!(!Filter::default().matches(&e, "UTC"));
        let f = Filter {
            include_withdrawn: true,
            ..Filter::default()
        };
        assert!(f.matches(&e, "UTC"));
    }
}
