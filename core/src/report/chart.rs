//! The bar chart on the summary page: how many occasions were recorded each week
//! (or each month, over longer spans), drawn as vector graphics so it prints sharply
//! and stays small.
//!
//! The summary's "Contact" part draws its charts (messages and calls per day, contact
//! by hour of day) with [`draw_bars`].
//!
//! This module must never smooth, project or otherwise invent data: each bar is a
//! plain count of entries whose incident started in that week or month, or of the
//! messages and calls counted by `figures::contact`.

use chrono::{Datelike, Duration, NaiveDate};

use super::format;
use super::layout::{Colour, Layout, ACCENT, CONTENT_W, INK, MARGIN_X, MUTED, RULE};
use super::text::Style;

/// Weekly up to this many days of span, monthly beyond.
const WEEKLY_UP_TO_DAYS: i64 = 26 * 7;

/// One bar.
pub struct Bucket {
    pub start: NaiveDate,
    pub label: String,
    pub count: usize,
}

/// Whether the chart counts weeks or months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d + Duration::days(31))
}

/// Counts the dates into weekly (Monday-starting) or monthly buckets, with empty
/// buckets kept so that gaps show.
pub fn buckets(dates: &[NaiveDate]) -> (Period, Vec<Bucket>) {
    let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) else {
        return (Period::Week, Vec::new());
    };
    let span = (*last - *first).num_days();
    let period = if span <= WEEKLY_UP_TO_DAYS {
        Period::Week
    } else {
        Period::Month
    };
    let mut out: Vec<Bucket> = Vec::new();
    match period {
        Period::Week => {
            let monday =
                |d: NaiveDate| d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
            let mut start = monday(*first);
            let end = monday(*last);
            while start <= end {
                out.push(Bucket {
                    start,
                    label: start.format("%-d %b").to_string(),
                    count: 0,
                });
                start += Duration::days(7);
            }
            for d in dates {
                let index = ((monday(*d) - monday(*first)).num_days() / 7) as usize;
                if let Some(b) = out.get_mut(index) {
                    b.count += 1;
                }
            }
        }
        Period::Month => {
            let mut start = month_start(*first);
            let end = month_start(*last);
            while start <= end {
                out.push(Bucket {
                    start,
                    label: start.format("%b %y").to_string(),
                    count: 0,
                });
                start = next_month(start);
            }
            let base = first.year() * 12 + first.month0() as i32;
            for d in dates {
                let index = (d.year() * 12 + d.month0() as i32 - base) as usize;
                if let Some(b) = out.get_mut(index) {
                    b.count += 1;
                }
            }
        }
    }
    (period, out)
}

/// A round number at or above `n` for the top of the scale.
fn scale_top(n: usize) -> usize {
    let n = n.max(1);
    for step in [1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000] {
        if n <= step * 4 {
            return n.div_ceil(step) * step;
        }
    }
    n.div_ceil(1000) * 1000
}

/// Draws the chart at the cursor.
pub fn draw(layout: &mut Layout, period: Period, buckets: &[Bucket]) {
    let plot_h = 120.0;
    let axis_w = 26.0;
    let label_h = 14.0;
    layout.ensure(plot_h + label_h + 30.0);
    let top = layout.y + 6.0;
    let left = MARGIN_X + axis_w;
    let width = CONTENT_W - axis_w;
    let max = buckets.iter().map(|b| b.count).max().unwrap_or(0);
    let top_value = scale_top(max);
    let bottom = top + plot_h;

    // Scale: gridlines at 0, half and top.
    gridlines(layout, top_value, left, bottom, width, plot_h);

    let n = buckets.len().max(1);
    let slot = width / n as f32;
    let bar = (slot * 0.68).min(36.0);
    let every = (n as f32 / (width / 34.0)).ceil().max(1.0) as usize;
    for (i, b) in buckets.iter().enumerate() {
        let x = left + slot * i as f32 + (slot - bar) / 2.0;
        if b.count > 0 {
            let h = plot_h * b.count as f32 / top_value as f32;
            layout.fill(x, bottom - h, bar, h, ACCENT);
            if n <= 40 {
                let count = layout.set_line(&b.count.to_string(), Style::regular(6.5));
                let cx = x + (bar - count.width) / 2.0;
                layout.draw_line(&count, cx, bottom - h - count.height - 0.5, INK);
            }
        }
        if i % every == 0 {
            let label = layout.set_line(&b.label, Style::regular(6.5));
            let cx = (x + (bar - label.width) / 2.0).max(MARGIN_X);
            layout.draw_line(&label, cx, bottom + 3.0, MUTED);
        }
    }
    let what = match period {
        Period::Week => "Occasions per week (weeks begin on Monday).",
        Period::Month => "Occasions per month.",
    };
    let first = buckets
        .first()
        .map(|b| format::date(b.start))
        .unwrap_or_default();
    layout.y = bottom + label_h + 4.0;
    let caption = format!("{what} Bars count the entries whose incident began in that period, from {first}; withdrawn entries are not counted.");
    layout.paragraph(
        &caption,
        Style::regular(7.5),
        MARGIN_X,
        CONTENT_W,
        Colour(MUTED.0, MUTED.1, MUTED.2),
    );
}

/// One bar of [`draw_bars`]: counts stacked from the bottom, each in its colour.
pub struct Bar {
    pub label: String,
    pub parts: Vec<(usize, Colour)>,
}

impl Bar {
    fn total(&self) -> usize {
        self.parts.iter().map(|(n, _)| n).sum()
    }
}

/// Draws a bar chart at the cursor: a scale, the bars (stacked when a bar has more
/// than one part), every few labels, a key of the colours when `key` is not empty,
/// and the caption.
pub fn draw_bars(layout: &mut Layout, bars: &[Bar], key: &[(&str, Colour)], caption: &str) {
    let plot_h = 110.0;
    let axis_w = 26.0;
    let label_h = 14.0;
    let key_h = if key.is_empty() { 0.0 } else { 14.0 };
    layout.ensure(plot_h + label_h + key_h + 36.0);
    let top = layout.y + 6.0;
    let left = MARGIN_X + axis_w;
    let width = CONTENT_W - axis_w;
    let top_value = scale_top(bars.iter().map(Bar::total).max().unwrap_or(0));
    let bottom = top + plot_h;

    gridlines(layout, top_value, left, bottom, width, plot_h);

    let n = bars.len().max(1);
    let slot = width / n as f32;
    let bar_w = (slot * 0.7).min(36.0);
    // Labels at most every 30 points, on a round step (1, 2, 7, 14… for days).
    let every = (n as f32 / (width / 30.0)).ceil().max(1.0) as usize;
    let every = [1, 2, 3, 4, 6, 7, 14, 28, 30, 60, 91, 182, 365]
        .into_iter()
        .find(|s| *s >= every)
        .unwrap_or(every);
    for (i, b) in bars.iter().enumerate() {
        let x = left + slot * i as f32 + (slot - bar_w) / 2.0;
        let mut y = bottom;
        for (count, colour) in &b.parts {
            if *count == 0 {
                continue;
            }
            let h = plot_h * *count as f32 / top_value as f32;
            layout.fill(x, y - h, bar_w, h, *colour);
            y -= h;
        }
        let total = b.total();
        if total > 0 && n <= 40 {
            let count = layout.set_line(&total.to_string(), Style::regular(6.5));
            let cx = x + (bar_w - count.width) / 2.0;
            layout.draw_line(&count, cx, y - count.height - 0.5, INK);
        }
        if i % every == 0 {
            let label = layout.set_line(&b.label, Style::regular(6.5));
            let cx = (x + (bar_w - label.width) / 2.0).max(MARGIN_X);
            layout.draw_line(&label, cx, bottom + 3.0, MUTED);
        }
    }
    layout.y = bottom + label_h + 2.0;
    if !key.is_empty() {
        let mut x = left;
        for (name, colour) in key {
            let label = layout.set_line(name, Style::regular(7.0));
            let box_top = layout.y + (label.height - 7.0) / 2.0;
            layout.fill(x, box_top, 7.0, 7.0, *colour);
            layout.draw_line(&label, x + 10.0, layout.y, INK);
            x += 10.0 + label.width + 16.0;
        }
        layout.y += key_h;
    }
    layout.y += 2.0;
    layout.paragraph(
        caption,
        Style::regular(7.5),
        MARGIN_X,
        CONTENT_W,
        Colour(MUTED.0, MUTED.1, MUTED.2),
    );
}

/// The scale of a bar chart: gridlines at 0, half and the top (or 0 and the top, for
/// an odd top), each labelled.
fn gridlines(
    layout: &mut Layout,
    top_value: usize,
    left: f32,
    bottom: f32,
    width: f32,
    plot_h: f32,
) {
    let small = Style::regular(7.0);
    let fractions: &[f32] = if top_value.is_multiple_of(2) {
        &[0.0, 0.5, 1.0]
    } else {
        &[0.0, 1.0]
    };
    for &fraction in fractions {
        let y = bottom - plot_h * fraction;
        let value = (top_value as f32 * fraction).round() as usize;
        layout.rule(
            left,
            y,
            width,
            if fraction == 0.0 { 0.8 } else { 0.4 },
            RULE,
        );
        let label = layout.set_line(&value.to_string(), small);
        let x = left - 4.0 - label.width;
        layout.draw_line(&label, x, y - label.height / 2.0, MUTED);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_buckets_keep_empty_weeks() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let (period, b) = buckets(&[d("2026-01-05"), d("2026-01-06"), d("2026-01-20")]);
        assert_eq!(period, Period::Week);
        assert_eq!(b.iter().map(|b| b.count).collect::<Vec<_>>(), vec![2, 0, 1]);
    }

    #[test]
    fn long_spans_count_months() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let (period, b) = buckets(&[d("2025-01-31"), d("2026-01-01")]);
        assert_eq!(period, Period::Month);
        assert_eq!(b.len(), 13);
        assert_eq!(b[0].count + b[12].count, 2);
    }

    #[test]
    fn scale_tops_are_round() {
        assert_eq!(scale_top(0), 1);
        assert_eq!(scale_top(3), 3);
        assert_eq!(scale_top(7), 8);
        assert_eq!(scale_top(37), 40);
    }
}
