//! The figures behind the report's summary and cover: how many occasions, over how
//! many days, and which entries record each behaviour, impact, risk flag, breach of
//! an order and contact with the police.
//!
//! These are plain functions from opened entries to numbers, kept apart from the
//! drawing so that what the summary states can be tested without laying out a page.
//! This module must never lay anything out or word anything, and must never count a
//! withdrawn or erased entry as an occasion: the law's course-of-conduct threshold is
//! stated against these counts.

pub mod contact;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::format;
use super::ReportEntry;
use crate::entry::Status;
use crate::incident::{Behaviour, Incident, Risk};

/// An entry's number with its (current) incident.
#[derive(Debug, Clone, Copy)]
pub struct Numbered<'a> {
    pub number: u64,
    pub incident: &'a Incident,
}

/// From the first occasion's day to the last, in the report's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// Calendar days from `first` to `last`, both counted: 1 when they are the same.
    pub days: u64,
    /// How many different days have at least one occasion.
    pub different_days: usize,
}

/// Everything the summary counts, from the entries it is given.
#[derive(Debug, Clone)]
pub struct Figures<'a> {
    /// The entries that count as occasions (see [`occasions`]), in the order given.
    pub occasions: Vec<Numbered<'a>>,
    /// The day (in the report's zone) each occasion started, in the same order.
    pub days: Vec<NaiveDate>,
    /// `None` when there is no occasion.
    pub span: Option<Span>,
    /// Withdrawn entries: listed in the report but not counted as occasions.
    pub withdrawn: usize,
    /// Occasions with at least one risk flag.
    pub with_risk: usize,
    /// Occasions that record contact with the police.
    pub reported_to_police: usize,
    /// Occasions first written down within 24 hours of when they started (notes made
    /// while events were fresh: s.139 Criminal Justice Act 2003).
    pub written_within_a_day: usize,
    /// For each kind of behaviour recorded on an occasion, in [`Behaviour::ALL`]
    /// order, the numbers of those entries; kinds nobody recorded are left out.
    pub behaviours: Vec<(Behaviour, Vec<u64>)>,
    /// Occasions on which the person feared violence would be used.
    pub fear_of_violence: Vec<u64>,
    /// Occasions that caused serious alarm or distress.
    pub alarm_or_distress: Vec<u64>,
    /// Occasions that describe changes to daily life.
    pub daily_life_changes: Vec<Numbered<'a>>,
    /// For each risk flag recorded on an occasion, in [`Risk::ALL`] order, the numbers
    /// of those entries; flags nobody recorded are left out.
    pub risks: Vec<(Risk, Vec<u64>)>,
    /// Occasions marked as a breach of an order, or naming the order breached.
    pub order_breaches: Vec<Numbered<'a>>,
    /// Every entry with contact with the police, withdrawn ones included: the
    /// summary's police table has always listed them, unlike the counts above.
    pub police_contact: Vec<Numbered<'a>>,
}

impl Figures<'_> {
    /// Days from the first occasion to the last, 0 when there is none.
    pub fn days_spanned(&self) -> u64 {
        self.span.map_or(0, |s| s.days)
    }
}

fn numbered(e: &ReportEntry) -> Option<Numbered<'_>> {
    if matches!(e.entry.status, Status::Erased { .. }) {
        return None;
    }
    e.incident().map(|incident| Numbered {
        number: e.entry.number,
        incident,
    })
}

/// The entries that count as occasions: with an incident, neither withdrawn nor erased.
pub fn occasions<'a>(entries: &[&'a ReportEntry]) -> Vec<Numbered<'a>> {
    entries
        .iter()
        .filter(|e| !e.is_withdrawn())
        .filter_map(|e| numbered(e))
        .collect()
}

/// How many of the entries are withdrawn.
pub fn withdrawn(entries: &[&ReportEntry]) -> usize {
    entries.iter().filter(|e| e.is_withdrawn()).count()
}

/// The numbers of the occasions for which `keep` holds.
fn numbers_where(occasions: &[Numbered<'_>], keep: impl Fn(&Incident) -> bool) -> Vec<u64> {
    occasions
        .iter()
        .filter(|o| keep(o.incident))
        .map(|o| o.number)
        .collect()
}

/// The occasions for which `keep` holds.
fn occasions_where<'a>(
    occasions: &[Numbered<'a>],
    keep: impl Fn(&Incident) -> bool,
) -> Vec<Numbered<'a>> {
    occasions
        .iter()
        .filter(|o| keep(o.incident))
        .copied()
        .collect()
}

fn span(days: &[NaiveDate]) -> Option<Span> {
    let first = days.iter().min().copied()?;
    let last = days.iter().max().copied()?;
    let different: BTreeSet<NaiveDate> = days.iter().copied().collect();
    Some(Span {
        first,
        last,
        days: u64::try_from((last - first).num_days() + 1).unwrap_or(0),
        different_days: different.len(),
    })
}

/// Counts everything the summary shows, with days taken in `tz`.
pub fn count<'a>(entries: &[&'a ReportEntry], tz: Tz) -> Figures<'a> {
    let occasions = occasions(entries);
    let days: Vec<NaiveDate> = occasions
        .iter()
        .map(|o| format::local_date(o.incident.occurred.start, tz))
        .collect();
    let behaviours = Behaviour::ALL
        .into_iter()
        .map(|b| (b, numbers_where(&occasions, |i| i.behaviours.contains(&b))))
        .filter(|(_, numbers)| !numbers.is_empty())
        .collect();
    let risks = Risk::ALL
        .into_iter()
        .map(|r| (r, numbers_where(&occasions, |i| i.risks.contains(&r))))
        .filter(|(_, numbers)| !numbers.is_empty())
        .collect();
    let police_contact = entries
        .iter()
        .filter_map(|e| numbered(e))
        .filter(|n| !n.incident.police.is_empty())
        .collect();
    let written_within_a_day = entries
        .iter()
        .filter(|e| e.entry.is_active())
        .filter_map(|e| {
            let i = e.entry.incident.as_ref()?;
            let gap = e.entry.recorded_at - i.occurred.start;
            (gap >= chrono::Duration::zero() && gap <= chrono::Duration::hours(24)).then_some(())
        })
        .count();
    Figures {
        written_within_a_day,
        span: span(&days),
        days,
        withdrawn: withdrawn(entries),
        with_risk: numbers_where(&occasions, |i| !i.risks.is_empty()).len(),
        reported_to_police: numbers_where(&occasions, |i| !i.police.is_empty()).len(),
        behaviours,
        fear_of_violence: numbers_where(&occasions, |i| i.impact.fear_of_violence),
        alarm_or_distress: numbers_where(&occasions, |i| i.impact.alarm_or_distress),
        daily_life_changes: occasions_where(&occasions, |i| {
            !i.impact.daily_life_changes.trim().is_empty()
        }),
        risks,
        order_breaches: occasions_where(&occasions, |i| {
            i.behaviours.contains(&Behaviour::OrderBreach) || !i.order_breached.trim().is_empty()
        }),
        police_contact,
        occasions,
    }
}

/// The first and last day the report covers: the dates asked for, or else the days
/// (in `tz`) of the first and last incidents, withdrawn ones included.
pub fn covered(
    entries: &[&ReportEntry],
    tz: Tz,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (NaiveDate, NaiveDate) {
    let days: Vec<NaiveDate> = entries
        .iter()
        .filter_map(|e| e.incident())
        .map(|i| format::local_date(i.occurred.start, tz))
        .collect();
    let first = days.iter().min().copied().unwrap_or_default();
    let last = days.iter().max().copied().unwrap_or(first);
    (from.unwrap_or(first), to.unwrap_or(last))
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};

    use super::*;
    use crate::entry::Entry;
    use crate::incident::{Occurred, PoliceContact};

    const LONDON: Tz = chrono_tz::Europe::London;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .unwrap_or_default()
    }

    fn day(y: i32, mo: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, mo, d).unwrap_or_default()
    }

    fn entry(number: u64, start: DateTime<Utc>, edit: impl FnOnce(&mut Incident)) -> ReportEntry {
        let mut incident = Incident::new(
            Occurred {
                start,
                end: None,
                approximate: false,
                date_only: false,
                zone: "Europe/London".into(),
            },
            format!("entry {number}"),
        );
        edit(&mut incident);
        ReportEntry {
            entry: Entry {
                number,
                id: format!("id-{number}"),
                recorded_at: start,
                amended_at: None,
                revisions: 1,
                status: Status::Active,
                incident: Some(incident),
                exhibits: Vec::new(),
                written_while_locked: false,
                held: None,
                messages: 0,
            },
            earlier: Vec::new(),
        }
    }

    fn withdrawn(mut e: ReportEntry) -> ReportEntry {
        e.entry.status = Status::Withdrawn {
            at: e.entry.recorded_at,
            reason: "written twice".into(),
        };
        e
    }

    fn erased(mut e: ReportEntry) -> ReportEntry {
        e.entry.status = Status::Erased {
            at: e.entry.recorded_at,
        };
        e
    }

    fn police(reference: &str) -> PoliceContact {
        PoliceContact {
            date: "2026-03-30".into(),
            reference: reference.into(),
            officer: String::new(),
        }
    }

    /// Six entries around the spring clock change in London (29 March 2026): one just
    /// before midnight GMT, one that ends after midnight, one that is already the next
    /// day in BST though not in UTC, a withdrawn one, an erased one (still holding its
    /// incident, to show it is skipped for its status) and one on a later day.
    fn diary() -> Vec<ReportEntry> {
        vec![
            entry(1, utc(2026, 3, 28, 23, 50), |i| {
                i.behaviours = vec![Behaviour::Following, Behaviour::OrderBreach];
                i.impact.fear_of_violence = true;
                i.risks = vec![Risk::Weapons];
            }),
            entry(2, utc(2026, 3, 28, 23, 55), |i| {
                i.occurred.end = Some(utc(2026, 3, 29, 0, 40));
                i.behaviours = vec![Behaviour::Following];
                i.impact.alarm_or_distress = true;
                i.impact.daily_life_changes = "I changed my route to work".into();
                i.police = police("AB/123");
            }),
            entry(3, utc(2026, 3, 29, 23, 30), |i| {
                i.order_breached = "non-molestation order".into();
                i.impact.alarm_or_distress = true;
                i.impact.daily_life_changes = "  ".into();
            }),
            withdrawn(entry(4, utc(2026, 3, 31, 12, 0), |i| {
                i.behaviours = vec![Behaviour::Following];
                i.impact.fear_of_violence = true;
                i.risks = vec![Risk::Weapons];
                i.police = police("AB/456");
            })),
            erased(entry(5, utc(2026, 4, 1, 12, 0), |i| {
                i.behaviours = vec![Behaviour::Following];
                i.police = police("AB/789");
            })),
            entry(6, utc(2026, 4, 3, 9, 0), |i| {
                i.behaviours = vec![Behaviour::Following];
                i.risks = vec![Risk::Weapons];
            }),
        ]
    }

    fn refs(entries: &[ReportEntry]) -> Vec<&ReportEntry> {
        entries.iter().collect()
    }

    fn numbers(list: &[Numbered<'_>]) -> Vec<u64> {
        list.iter().map(|n| n.number).collect()
    }

    #[test]
    fn occasions_leave_out_withdrawn_and_erased_entries() {
        let diary = diary();
        let f = count(&refs(&diary), LONDON);
        assert_eq!(numbers(&f.occasions), [1, 2, 3, 6]);
        assert_eq!(f.withdrawn, 1);
        assert_eq!(f.with_risk, 2);
        assert_eq!(f.reported_to_police, 1);
    }

    #[test]
    fn days_are_taken_in_the_reports_zone_across_midnight_and_the_clock_change() {
        let diary = diary();
        let f = count(&refs(&diary), LONDON);
        // 23:30 UTC on 29 March is 00:30 BST on the 30th; an incident that runs past
        // midnight counts on the day it started.
        assert_eq!(
            f.days,
            [
                day(2026, 3, 28),
                day(2026, 3, 28),
                day(2026, 3, 30),
                day(2026, 4, 3)
            ]
        );
        assert_eq!(
            f.span,
            Some(Span {
                first: day(2026, 3, 28),
                last: day(2026, 4, 3),
                days: 7,
                different_days: 3,
            })
        );
        assert_eq!(f.days_spanned(), 7);
        // In UTC the third incident falls on the 29th instead.
        let in_utc = count(&refs(&diary), chrono_tz::UTC);
        assert_eq!(in_utc.days[2], day(2026, 3, 29));
    }

    #[test]
    fn behaviours_impacts_and_risks_list_the_occasions_that_record_them() {
        let diary = diary();
        let f = count(&refs(&diary), LONDON);
        assert_eq!(
            f.behaviours,
            [
                (Behaviour::Following, vec![1, 2, 6]),
                (Behaviour::OrderBreach, vec![1])
            ]
        );
        assert_eq!(f.fear_of_violence, [1]);
        assert_eq!(f.alarm_or_distress, [2, 3]);
        assert_eq!(numbers(&f.daily_life_changes), [2]);
        assert_eq!(f.risks, [(Risk::Weapons, vec![1, 6])]);
        assert_eq!(numbers(&f.order_breaches), [1, 3]);
    }

    #[test]
    fn police_contact_lists_withdrawn_entries_but_not_erased_ones() {
        let diary = diary();
        let f = count(&refs(&diary), LONDON);
        assert_eq!(numbers(&f.police_contact), [2, 4]);
    }

    #[test]
    fn only_withdrawn_entries_give_no_occasion_and_no_span() {
        let diary = [withdrawn(entry(1, utc(2026, 3, 28, 12, 0), |_| {}))];
        let f = count(&refs(&diary), LONDON);
        assert!(f.occasions.is_empty());
        assert_eq!(f.span, None);
        assert_eq!(f.days_spanned(), 0);
        assert_eq!(f.withdrawn, 1);
        assert!(f.behaviours.is_empty() && f.risks.is_empty());
    }

    #[test]
    fn the_period_covered_is_the_dates_asked_for_or_else_every_incident() {
        let diary = diary();
        let entries = refs(&diary);
        // The withdrawn entry (31 March) and the erased one (1 April) fall inside; the
        // last incident, on 3 April, sets the end.
        assert_eq!(
            covered(&entries, LONDON, None, None),
            (day(2026, 3, 28), day(2026, 4, 3))
        );
        assert_eq!(
            covered(&entries, LONDON, Some(day(2026, 3, 1)), None),
            (day(2026, 3, 1), day(2026, 4, 3))
        );
        assert_eq!(
            covered(&entries[3..4], LONDON, None, Some(day(2026, 4, 30))),
            (day(2026, 3, 31), day(2026, 4, 30))
        );
    }
}
