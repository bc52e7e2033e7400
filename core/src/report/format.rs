//! How dates, sizes and lists of entry numbers are written in the report: British
//! forms ("Sun 1 Nov 2026, 20:15 GMT"), always with the zone, so that a reader never
//! has to guess what a time means.
//!
//! This module must never round a time or a size in a way that hides the exact value
//! where the exact value matters (file sizes are also given in bytes).

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::incident::Occurred;

/// The zone named, or Europe/London when the name is not a zone.
pub fn zone(name: &str) -> Tz {
    Tz::from_str(name).unwrap_or(chrono_tz::Europe::London)
}

/// The calendar day of an instant in a zone.
pub fn local_date(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// `Sun 1 Nov 2026, 20:15:03 GMT`.
pub fn instant(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz)
        .format("%a %-d %b %Y, %H:%M:%S %Z")
        .to_string()
}

/// `Sun 1 Nov 2026, 20:15 GMT`.
pub fn minute(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz)
        .format("%a %-d %b %Y, %H:%M %Z")
        .to_string()
}

/// `1 Nov 2026`.
pub fn date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// When an incident happened, in the report's zone; approximate times say "about".
pub fn occurred(o: &Occurred, tz: Tz) -> String {
    let start = o.start.with_timezone(&tz);
    let mut out = String::new();
    if o.approximate {
        out.push_str("about ");
    }
    if o.date_only {
        out.push_str(&start.format("%a %-d %b %Y").to_string());
    } else {
        out.push_str(&start.format("%a %-d %b %Y, %H:%M %Z").to_string());
    }
    if let Some(end) = o.end {
        let end = end.with_timezone(&tz);
        if end.date_naive() == start.date_naive() && !o.date_only {
            out.push_str(&end.format(" to %H:%M %Z").to_string());
        } else if o.date_only {
            out.push_str(&end.format(" to %a %-d %b %Y").to_string());
        } else {
            out.push_str(&end.format(" to %a %-d %b %Y, %H:%M %Z").to_string());
        }
    }
    if o.date_only {
        out.push_str(" (time of day not known)");
    }
    out
}

/// A short form for the timeline: `Sun 1 Nov 2026` and `20:15 GMT` on two lines.
pub fn occurred_short(o: &Occurred, tz: Tz) -> String {
    let start = o.start.with_timezone(&tz);
    let mut out = String::new();
    out.push_str(&start.format("%a %-d %b %Y").to_string());
    if !o.date_only {
        out.push('\n');
        out.push_str(&start.format("%H:%M %Z").to_string());
    }
    if let Some(end) = o.end {
        let end = end.with_timezone(&tz);
        if end.date_naive() == start.date_naive() && !o.date_only {
            out.push_str(&end.format("–%H:%M").to_string());
        } else {
            out.push_str(&end.format("\nto %-d %b %Y").to_string());
        }
    }
    if o.approximate {
        out.push_str("\n(approximate)");
    }
    out
}

/// `2.3 MB (2,345,678 bytes)`.
pub fn size(bytes: u64) -> String {
    let exact = format!("{} bytes", thousands(bytes));
    if bytes < 1024 {
        return exact;
    }
    let (value, unit) = if bytes < 1024 * 1024 {
        (bytes as f64 / 1024.0, "KB")
    } else if bytes < 1024 * 1024 * 1024 {
        (bytes as f64 / (1024.0 * 1024.0), "MB")
    } else {
        (bytes as f64 / (1024.0 * 1024.0 * 1024.0), "GB")
    };
    format!("{value:.1} {unit} ({exact})")
}

/// `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1–3, 7, 9` from a sorted list; after `limit` items, `and 12 more`.
pub fn numbers(list: &[u64], limit: usize) -> String {
    let mut sorted = list.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    let mut shown = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        if shown >= limit {
            let rest = sorted.len() - i;
            parts.push(format!("and {rest} more"));
            break;
        }
        if j == i {
            parts.push(start.to_string());
        } else if j == i + 1 {
            parts.push(start.to_string());
            parts.push(sorted[j].to_string());
        } else {
            parts.push(format!("{start}–{}", sorted[j]));
        }
        shown += j - i + 1;
        i = j + 1;
    }
    parts.join(", ")
}

/// `1 entry`, `3 entries`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `1 message`, `1,234 messages`: [`count`] with the thousands marked.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_lists_collapse_runs() {
        assert_eq!(numbers(&[1, 2, 3, 7, 9, 10], 100), "1–3, 7, 9, 10");
        assert_eq!(numbers(&[5, 1, 2], 1), "1, 2, and 1 more");
    }

    #[test]
    fn counts_mark_thousands() {
        assert_eq!(counted(1, "call", "calls"), "1 call");
        assert_eq!(counted(5051, "call", "calls"), "5,051 calls");
    }

    #[test]
    fn sizes_keep_the_exact_byte_count() {
        assert_eq!(size(512), "512 bytes");
        assert_eq!(size(2_345_678), "2.2 MB (2,345,678 bytes)");
    }
}
