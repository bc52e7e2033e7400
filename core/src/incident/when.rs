//! When an incident happened: stored as UTC plus the zone it was entered in, shown in
//! that zone's local time. Local times that do not exist (the clocks went forward) are
//! refused with a suggestion; local times that happen twice (the clocks went back) take
//! the earlier one unless an offset is given.

use std::str::FromStr;

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The date-time forms `parse` accepts, for error messages and help text.
pub const ACCEPTED_FORMS: &str = "2026-11-01 20:15, 2026-11-01T20:15, 01/11/2026 20:15, \
     2026-11-01 (a day, time unknown), or 2026-11-01T20:15+00:00 (with an offset)";

/// The earliest year a date may have.
pub const YEAR_MIN: i32 = 1900;
/// The latest year a date may have.
pub const YEAR_MAX: i32 = 2200;

/// Refuses a day outside [`YEAR_MIN`]..=[`YEAR_MAX`]: a typing slip (`20266`, `0226`)
/// rather than a real date, and a year the report and other tools may not handle.
pub fn check_year(field: &str, day: NaiveDate) -> Result<()> {
    use chrono::Datelike;
    if (YEAR_MIN..=YEAR_MAX).contains(&day.year()) {
        return Ok(());
    }
    Err(Error::InvalidField {
        field: field.into(),
        message: format!(
            "the year {} is outside the years Daybook accepts ({YEAR_MIN} to {YEAR_MAX}); \
             please check the date",
            day.year()
        ),
    })
}

/// A calendar day as people type it, in every part of Daybook (the CLI's `--from`,
/// the app's date fields, police contact dates): `YYYY-MM-DD` or `DD/MM/YYYY` (the
/// British order; never `MM/DD`), within [`YEAR_MIN`]..=[`YEAR_MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub NaiveDate);

impl Day {
    /// Reads a typed day; `field` names it in the error.
    pub fn parse(field: &str, text: &str) -> Result<Day> {
        let text = text.trim();
        let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
            .map_err(|_| Error::InvalidField {
                field: field.into(),
                message: format!("'{text}' is not a day; write it like 01/09/2026 or 2026-09-01"),
            })?;
        check_year(field, day)?;
        Ok(Day(day))
    }

    /// Reads an optional day: empty text is no day.
    pub fn parse_optional(field: &str, text: &str) -> Result<Option<Day>> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        Day::parse(field, text).map(Some)
    }

    /// Reads the typed first and last days of a range (either may be empty, for no
    /// limit), refusing a last day before the first: the one rule for every range
    /// of days Daybook is given (exports, imports, the timeline, a handover's case).
    /// The fields are named `from` and `to` in the error.
    pub fn range(from: &str, to: &str) -> Result<(Option<Day>, Option<Day>)> {
        let (from, to) = (
            Day::parse_optional("from", from)?,
            Day::parse_optional("to", to)?,
        );
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(Error::InvalidField {
                    field: "to".into(),
                    message: "the last day is before the first day; please check the dates".into(),
                });
            }
        }
        Ok((from, to))
    }

    /// `2026-09-01`.
    pub fn iso(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }

    /// `01/09/2026`, as the app shows and takes days.
    pub fn uk(self) -> String {
        self.0.format("%d/%m/%Y").to_string()
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }
}

/// Why a time could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeError {
    Unreadable,
    DoesNotExist { suggestion: String },
    UnknownZone,
}

/// When an incident happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurred {
    /// The start, in UTC.
    pub start: DateTime<Utc>,
    /// The end of a range, in UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<DateTime<Utc>>,
    /// The person is not sure of the exact time.
    #[serde(default)]
    pub approximate: bool,
    /// Whether only the day is known (no time of day was given).
    #[serde(default)]
    pub date_only: bool,
    /// IANA zone the time was entered in, e.g. `Europe/London`.
    pub zone: String,
}

/// The zone of this computer, falling back to `Europe/London` (Daybook's users are in
/// England and Wales) when it cannot be told. `TZ` wins when it names a zone.
pub fn local_zone() -> String {
    if let Ok(tz) = std::env::var("TZ") {
        let name = tz.trim_start_matches(':');
        if Tz::from_str(name).is_ok() {
            return name.to_string();
        }
    }
    match iana_time_zone::get_timezone() {
        Ok(name) if Tz::from_str(&name).is_ok() => name,
        _ => "Europe/London".to_string(),
    }
}

fn zone(name: &str) -> Result<Tz> {
    Tz::from_str(name).map_err(|_| Error::InvalidField {
        field: super::field::ZONE.into(),
        message: format!("'{name}' is not a time zone name such as Europe/London"),
    })
}

/// Reads a local date-time written in `zone`.
fn parse_local(text: &str, tz: Tz) -> std::result::Result<(DateTime<Utc>, bool), TimeError> {
    let text = text.trim();
    if let Ok(with_offset) = DateTime::<FixedOffset>::parse_from_rfc3339(text) {
        return Ok((with_offset.with_timezone(&Utc), false));
    }
    for form in [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M%:z",
        "%Y-%m-%d %H:%M %:z",
    ] {
        if let Ok(with_offset) = DateTime::<FixedOffset>::parse_from_str(text, form) {
            return Ok((with_offset.with_timezone(&Utc), false));
        }
    }
    let mut naive = None;
    let mut date_only = false;
    for form in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %H:%M:%S",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(text, form) {
            naive = Some(n);
            break;
        }
    }
    if naive.is_none() {
        for form in ["%Y-%m-%d", "%d/%m/%Y"] {
            if let Ok(d) = NaiveDate::parse_from_str(text, form) {
                // Noon keeps a date-only entry on the same day in every nearby zone.
                naive = Some(d.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()));
                date_only = true;
                break;
            }
        }
    }
    let naive = naive.ok_or(TimeError::Unreadable)?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok((t.with_timezone(&Utc), date_only)),
        // The clocks went back: the hour happened twice; take the first.
        LocalResult::Ambiguous(first, _) => Ok((first.with_timezone(&Utc), date_only)),
        LocalResult::None => {
            // The clocks went forward: suggest the same wall time an hour later.
            let later = naive + chrono::Duration::hours(1);
            let suggestion = later.format("%Y-%m-%d %H:%M").to_string();
            Err(TimeError::DoesNotExist { suggestion })
        }
    }
}

fn time_error(field: &str, text: &str, zone: &str, err: TimeError) -> Error {
    let message = match err {
        TimeError::Unreadable => {
            format!(
                "'{text}' is not a date and time Daybook can read; write it like {ACCEPTED_FORMS}"
            )
        }
        TimeError::DoesNotExist { suggestion } => format!(
            "{text} did not happen in {zone}: the clocks went forward that night; \
             did you mean {suggestion}?"
        ),
        TimeError::UnknownZone => format!("'{zone}' is not a time zone"),
    };
    Error::InvalidField {
        field: field.into(),
        message,
    }
}

impl Occurred {
    /// This moment, in `zone` (a quick note's time).
    pub fn now(zone: &str) -> Occurred {
        let t = Utc::now();
        Occurred {
            start: t - chrono::Duration::nanoseconds(i64::from(
                t.timestamp_subsec_nanos() % 1_000_000,
            )),
            end: None,
            approximate: false,
            date_only: false,
            zone: zone.to_string(),
        }
    }

    /// The local day it started on, in its own zone (the day the person wrote).
    pub fn start_day(&self) -> NaiveDate {
        self.start_local().date_naive()
    }

    /// Reads a start (and optional end) written in `zone`'s local time.
    pub fn parse(
        start: &str,
        end: Option<&str>,
        approximate: bool,
        zone_name: &str,
    ) -> Result<Self> {
        let tz = zone(zone_name)?;
        let (start_utc, date_only) = parse_local(start, tz)
            .map_err(|e| time_error(super::field::OCCURRED, start, zone_name, e))?;
        let end_utc = match end.map(str::trim).filter(|e| !e.is_empty()) {
            Some(end) => Some(
                parse_local(end, tz)
                    .map_err(|e| time_error(super::field::UNTIL, end, zone_name, e))?
                    .0,
            ),
            None => None,
        };
        let occurred = Occurred {
            start: start_utc,
            end: end_utc,
            approximate,
            date_only,
            zone: zone_name.to_string(),
        };
        occurred.validate()?;
        Ok(occurred)
    }

    /// Checks the zone is known, the years are within [`YEAR_MIN`]..=[`YEAR_MAX`]
    /// and the range runs forwards.
    pub fn validate(&self) -> Result<()> {
        let tz = zone(&self.zone)?;
        check_year(
            super::field::OCCURRED,
            self.start.with_timezone(&tz).date_naive(),
        )?;
        if let Some(end) = self.end {
            check_year(super::field::UNTIL, end.with_timezone(&tz).date_naive())?;
        }
        if let Some(end) = self.end {
            if end < self.start {
                return Err(Error::InvalidField {
                    field: super::field::UNTIL.into(),
                    message: "the end is before the start".into(),
                });
            }
        }
        Ok(())
    }

    fn tz(&self) -> Tz {
        Tz::from_str(&self.zone).unwrap_or(chrono_tz::Europe::London)
    }

    /// The start in the zone it was entered in.
    pub fn start_local(&self) -> DateTime<Tz> {
        self.start.with_timezone(&self.tz())
    }

    /// The end in the zone it was entered in.
    pub fn end_local(&self) -> Option<DateTime<Tz>> {
        self.end.map(|e| e.with_timezone(&self.tz()))
    }

    /// A short human form, e.g. `Sun 1 Nov 2026, 20:15 GMT` or `about …`.
    pub fn display(&self) -> String {
        let start = self.start_local();
        let mut out = String::new();
        if self.approximate {
            out.push_str("about ");
        }
        if self.date_only {
            out.push_str(&start.format("%a %-d %b %Y").to_string());
        } else {
            out.push_str(&start.format("%a %-d %b %Y, %H:%M %Z").to_string());
        }
        if let Some(end) = self.end_local() {
            if end.date_naive() == start.date_naive() {
                out.push_str(&end.format(" to %H:%M %Z").to_string());
            } else {
                out.push_str(&end.format(" to %a %-d %b %Y, %H:%M %Z").to_string());
            }
        }
        out
    }

    /// Local form for machine output: `2026-11-01T20:15:00+00:00`.
    pub fn start_local_rfc3339(&self) -> String {
        self.start_local().to_rfc3339()
    }
}

/// Formats a UTC instant in the local zone, for "recorded at" and similar.
pub fn display_instant(at: DateTime<Utc>, zone_name: &str) -> String {
    let tz = Tz::from_str(zone_name).unwrap_or(chrono_tz::Europe::London);
    at.with_timezone(&tz)
        .format("%a %-d %b %Y, %H:%M:%S %Z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(err: Error) -> String {
        match err {
            Error::InvalidField { field, .. } => field,
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn a_range_of_days_is_read_once_for_every_caller() {
        assert_eq!(Day::range("", " ").unwrap(), (None, None));
        let (from, to) = Day::range("01/09/2026", "2026-09-30").unwrap();
        assert_eq!(from.map(Day::iso).as_deref(), Some("2026-09-01"));
        assert_eq!(to.map(Day::uk).as_deref(), Some("30/09/2026"));
        assert_eq!(Day::range("01/09/2026", "01/09/2026").unwrap().0, from);
    }

    #[test]
    fn fail_an_unreadable_or_backwards_range_names_the_field() {
        assert_eq!(field_of(Day::range("31/02/2026", "").unwrap_err()), "from");
        assert_eq!(field_of(Day::range("", "next week").unwrap_err()), "to");
        assert_eq!(field_of(Day::range("", "09/30/2026").unwrap_err()), "to");
        let err = Day::range("02/09/2026", "01/09/2026").unwrap_err();
        assert!(err.to_string().contains("before the first day"), "{err}");
        assert_eq!(field_of(err), "to");
        assert_eq!(field_of(Day::range("01/01/1899", "").unwrap_err()), "from");
    }

    #[test]
    fn london_summer_time_is_stored_as_utc() {
        let o = Occurred::parse("2026-07-01 20:15", None, false, "Europe/London").unwrap();
        assert_eq!(o.start.to_rfc3339(), "2026-07-01T19:15:00+00:00");
        assert_eq!(o.start_local().format("%H:%M").to_string(), "20:15");
    }

    #[test]
    fn missing_hour_when_clocks_go_forward_is_refused_with_a_suggestion() {
        let err = Occurred::parse("2026-03-29 01:30", None, false, "Europe/London").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("did not happen"), "{text}");
        assert!(text.contains("2026-03-29 02:30"), "{text}");
    }

    #[test]
    fn repeated_hour_when_clocks_go_back_takes_the_first() {
        let o = Occurred::parse("2026-10-25 01:30", None, false, "Europe/London").unwrap();
        // First 01:30 is still BST (+01:00).
        assert_eq!(o.start.to_rfc3339(), "2026-10-25T00:30:00+00:00");
        let second =
            Occurred::parse("2026-10-25T01:30+00:00", None, false, "Europe/London").unwrap();
        assert_eq!(second.start.to_rfc3339(), "2026-10-25T01:30:00+00:00");
    }

    #[test]
    fn british_day_first_form_and_date_only() {
        let o = Occurred::parse("01/11/2026 20:15", None, false, "Europe/London").unwrap();
        assert_eq!(o.start.to_rfc3339(), "2026-11-01T20:15:00+00:00");
        let d = Occurred::parse("2026-11-01", None, true, "Europe/London").unwrap();
        assert!(d.date_only);
        assert!(d.display().starts_with("about Sun 1 Nov 2026"));
    }

    #[test]
    fn unreadable_dates_list_the_accepted_forms() {
        let err = Occurred::parse("last tuesday", None, false, "Europe/London").unwrap_err();
        assert!(err.to_string().contains("2026-11-01 20:15"));
    }

    #[test]
    fn range_must_run_forwards() {
        assert!(Occurred::parse(
            "2026-11-01 20:15",
            Some("2026-11-01 19:00"),
            false,
            "Europe/London"
        )
        .is_err());
        let ok = Occurred::parse(
            "2026-11-01 20:15",
            Some("2026-11-01 21:00"),
            false,
            "Europe/London",
        )
        .unwrap();
        assert!(ok.display().contains("to 21:00"));
    }

    #[test]
    fn unknown_zone_is_refused() {
        assert!(Occurred::parse("2026-11-01 20:15", None, false, "Mars/Olympus").is_err());
    }

    #[test]
    fn fail_years_outside_1900_to_2200_are_refused_with_the_field_named() {
        for (start, end, field) in [
            ("1899-12-31 23:59", None, "occurred"),
            ("0226-11-01", None, "occurred"),
            ("2201-01-01 00:00", None, "occurred"),
            ("31/12/9999 12:00", None, "occurred"),
            ("2026-11-01 20:15", Some("2260-11-01 21:00"), "until"),
        ] {
            let err = Occurred::parse(start, end, false, "Europe/London").unwrap_err();
            assert_eq!(err.field(), Some(field), "{start}");
            assert!(err.to_string().contains("1900 to 2200"), "{err}");
        }
        for start in ["1900-01-01 00:00", "2200-12-31 23:59", "01/01/1900"] {
            Occurred::parse(start, None, false, "Europe/London").unwrap();
        }
    }
}
