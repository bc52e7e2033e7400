//! The summary's "Contact" part, drawn only when the report's entries have imported
//! messages: figures in boxes, the facts in words (how much contact, on how many of
//! the period's days, the longest run of days in a row, how much at night, how much on
//! or after the police were told or an order was breached), a chart of messages and
//! calls per day and one of contact by hour of day with the night hours standing out.
//!
//! The counting is `figures::contact`'s; this file only words and draws it, and like
//! the rest of the summary it states facts, never what they amount to.

use chrono::{Datelike, Duration, NaiveDate};

use super::blocks::{figure_boxes, note, para, subheading, FigureBox};
use super::messages::join;
use crate::report::chart::{self, Bar};
use crate::report::figures::contact::{self, After, Contact, Since, NIGHT_ENDS_AT_HOUR};
use crate::report::figures::Figures;
use crate::report::layout::{Layout, ACCENT, SOFT_ACCENT, WARM};
use crate::report::{format, Selection};

/// Daily bars up to this many days; weekly beyond.
const DAILY_UP_TO_DAYS: usize = 366;

/// People named one by one up to this many; beyond, only counted.
const PEOPLE_NAMED: usize = 4;

pub(super) fn draw(l: &mut Layout, sel: &Selection<'_>, f: &Figures<'_>) {
    if sel.message_count == 0 {
        return;
    }
    subheading(l, "Contact: imported messages and calls");
    let messages: Vec<_> = sel.all_messages().collect();
    let period = super::covered(sel);
    let Some(c) = contact::count(&messages, &f.occasions, sel.tz, period) else {
        para(l, &format!(
            "The entries in this report hold {} imported from a phone's export, but none of them is contact from the people the import was about{}.",
            format::counted(sel.message_count, "message or call", "messages and calls"),
            if f.withdrawn > 0 { " on an entry that is not withdrawn" } else { "" }
        ));
        return;
    };
    let who = people(&c);
    boxes(l, &c);
    para(l, &facts(&c, &who));
    for after in [&c.after_police, &c.after_order].into_iter().flatten() {
        para(l, &after_text(after, &who));
    }
    let mut counted = "Counted: messages and calls from the people each import was about, as the phone's export records them. The diary keeper's own messages and the export's system lines are not counted".to_string();
    if c.not_counted > 0 {
        counted.push_str(&format!(
            ", nor {} linked to withdrawn entries",
            format::counted(c.not_counted, "message or call", "messages and calls")
        ));
    }
    counted.push_str(&format!(
        ". Days and hours are the phone's clock, read in {}.",
        join(&c.zones)
    ));
    note(l, &counted);
    per_day_chart(l, &c, &who);
    by_hour_chart(l, &c);
}

/// `Mark`, `Mark and 07700 900123`, or `5 people`.
fn people(c: &Contact) -> String {
    let named: Vec<String> = c
        .people
        .iter()
        .map(|p| {
            if p.trim().is_empty() {
                "(sender not named)".to_string()
            } else {
                p.trim().to_string()
            }
        })
        .collect();
    if named.len() > PEOPLE_NAMED {
        format!("{} people", named.len())
    } else {
        join(&named)
    }
}

fn boxes(l: &mut Layout, c: &Contact) {
    let total = c.total() as u64;
    let run = c.longest_run.map_or(0, |r| r.days);
    let boxes = [
        FigureBox {
            figure: format::thousands(total),
            label: if total == 1 {
                "message or call from them".into()
            } else {
                "messages and calls from them".into()
            },
            colour: ACCENT,
        },
        FigureBox {
            figure: format!(
                "{} of {}",
                format::thousands(c.days_with_contact as u64),
                format::thousands(c.period_days())
            ),
            label: "days with contact".into(),
            colour: ACCENT,
        },
        FigureBox {
            figure: format::thousands(run),
            label: if run == 1 {
                "day in a row with contact, at most".into()
            } else {
                "days in a row with contact, at most".into()
            },
            colour: ACCENT,
        },
        FigureBox {
            figure: format::thousands(c.night as u64),
            label: format!("at night, 00:00 to {NIGHT_ENDS_AT_HOUR:02}:00"),
            colour: if c.night > 0 { WARM } else { ACCENT },
        },
    ];
    figure_boxes(l, &boxes);
}

/// `57 messages and 6 calls`.
fn messages_and_calls(messages: usize, calls: usize) -> String {
    let mut parts = Vec::new();
    if messages > 0 || calls == 0 {
        parts.push(format::counted(messages, "message", "messages"));
    }
    if calls > 0 {
        parts.push(format::counted(calls, "call", "calls"));
    }
    join(&parts)
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let p = part as f64 * 100.0 / whole as f64;
    if p > 0.0 && p < 1.0 {
        "under 1%".into()
    } else {
        format!("{}%", p.round())
    }
}

fn facts(c: &Contact, who: &str) -> String {
    let first = c.per_day.first().map(|d| d.day).unwrap_or(c.period.0);
    let last = c.per_day.last().map(|d| d.day).unwrap_or(c.period.1);
    let mut out = format!(
        "The imported records hold {} from {who}",
        messages_and_calls(c.messages, c.calls)
    );
    if first == last {
        out.push_str(&format!(", all on {}", format::date(first)));
    } else {
        out.push_str(&format!(
            ", between {} and {}",
            format::date(first),
            format::date(last)
        ));
    }
    if c.unanswered_calls > 0 {
        out.push_str(&format!(
            "; {} missed, rejected, blocked or sent to voicemail",
            if c.unanswered_calls == 1 {
                "1 call was".to_string()
            } else {
                format!(
                    "{} of the calls were",
                    format::thousands(c.unanswered_calls as u64)
                )
            }
        ));
    }
    out.push_str(&format!(
        ". There was contact on {} of the {} {} from {} to {}.",
        format::thousands(c.days_with_contact as u64),
        format::thousands(c.period_days()),
        if c.period_days() == 1 { "day" } else { "days" },
        format::date(c.period.0),
        format::date(c.period.1)
    ));
    if let Some(run) = c.longest_run {
        if run.days > 1 {
            out.push_str(&format!(
                " The longest run of consecutive days with contact was {}, from {} to {}.",
                format::counted(run.days as usize, "day", "days"),
                format::date(run.first),
                format::date(run.last)
            ));
        } else {
            out.push_str(" There was no contact on two days in a row.");
        }
    }
    out.push_str(&format!(
        " {} of the {} ({}) came at night, between 00:00 and {:02}:00.",
        format::thousands(c.night as u64),
        format::thousands(c.total() as u64),
        percent(c.night, c.total()),
        NIGHT_ENDS_AT_HOUR
    ));
    out
}

fn after_text(a: &After, who: &str) -> String {
    let mut out = match &a.since {
        Since::Police { entry, reference } => {
            let reference = if reference.is_empty() {
                String::new()
            } else {
                format!(", reference {reference}")
            };
            format!(
                "The earliest date the diary records the police being told is {} (entry {entry}{reference}).",
                format::date(a.day)
            )
        }
        Since::Order { entry, order } => {
            let order = if order.is_empty() {
                String::new()
            } else {
                format!(", {order}")
            };
            format!(
                "The first entry that records a breach of an order is entry {entry}{order}, on {}.",
                format::date(a.day)
            )
        }
    };
    if a.total() == 0 {
        out.push_str(&format!(
            " The imported records hold no contact from {who} on or after that day."
        ));
    } else {
        out.push_str(&format!(
            " On or after that day the imported records hold {} from {who}, on {}.",
            messages_and_calls(a.messages, a.calls),
            format::counted(a.days, "day", "different days")
        ));
    }
    out
}

fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

fn per_day_chart(l: &mut Layout, c: &Contact, who: &str) {
    let daily = c.per_day.len() <= DAILY_UP_TO_DAYS;
    let mut bars: Vec<Bar> = Vec::new();
    let mut starts: Vec<NaiveDate> = Vec::new();
    for d in &c.per_day {
        let start = if daily { d.day } else { monday(d.day) };
        if starts.last() != Some(&start) {
            starts.push(start);
            bars.push(Bar {
                label: start.format("%-d %b").to_string(),
                parts: vec![(0, ACCENT), (0, SOFT_ACCENT)],
            });
        }
        if let Some(bar) = bars.last_mut() {
            bar.parts[0].0 += d.messages;
            bar.parts[1].0 += d.calls;
        }
    }
    let first = c.per_day.first().map(|d| d.day).unwrap_or(c.period.0);
    let last = c.per_day.last().map(|d| d.day).unwrap_or(c.period.1);
    subheading(
        l,
        if daily {
            "Messages and calls per day"
        } else {
            "Messages and calls per week"
        },
    );
    let caption = if daily {
        format!(
            "Each bar counts the messages and calls from {who} on one day, from {} to {}; days without contact show no bar.",
            format::date(first),
            format::date(last)
        )
    } else {
        format!(
            "Each bar counts the messages and calls from {who} in one week (weeks begin on Monday), from {} to {}.",
            format::date(first),
            format::date(last)
        )
    };
    let key: &[(&str, _)] = if c.calls > 0 {
        &[("Messages", ACCENT), ("Calls", SOFT_ACCENT)]
    } else {
        &[]
    };
    chart::draw_bars(l, &bars, key, &caption);
}

fn by_hour_chart(l: &mut Layout, c: &Contact) {
    subheading(l, "Contact by hour of day");
    let bars: Vec<Bar> = c
        .by_hour
        .iter()
        .enumerate()
        .map(|(hour, n)| Bar {
            label: format!("{hour:02}"),
            parts: vec![(
                *n,
                if (hour as u32) < NIGHT_ENDS_AT_HOUR {
                    WARM
                } else {
                    ACCENT
                },
            )],
        })
        .collect();
    let night = format!("Night, 00:00 to {NIGHT_ENDS_AT_HOUR:02}:00");
    chart::draw_bars(
        l,
        &bars,
        &[(night.as_str(), WARM), ("Rest of the day", ACCENT)],
        "Each bar counts the messages and calls that came in one hour of the day, all days together, by the phone's clock: 02 is from 02:00 to 02:59.",
    );
}
