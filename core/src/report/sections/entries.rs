//! Every entry in full: a band with its number and status, when it happened and was
//! recorded, every field of the incident, a block for each exhibit with its
//! thumbnail (when asked for), its details and its SHA-256, and its imported messages
//! (quoted, or counted, by `messages`). The appendix draws earlier
//! wordings with the same [`incident_fields`].

use super::blocks::{
    behaviour_labels, capitalise, entry_band, field, police_day, section, LABEL_W, SMALL,
};
use super::{ENTRIES, SECTION_TITLES};
use crate::entry::Status;
use crate::error::{Error, Result};
use crate::evidence::{Exhibit, Preview};
use crate::incident::Incident;
use crate::report::layout::{
    self, Anchor, Colour, Layout, ACCENT, CONTENT_W, INK, MARGIN_X, MUTED, RULE,
};
use crate::report::text::{Line, Style};
use crate::report::{format, Progress, Selection};

use crate::entry::LEFT_OUT;

pub(super) fn incident_fields(l: &mut Layout, sel: &Selection<'_>, i: &Incident, colour: Colour) {
    let x = MARGIN_X;
    let w = CONTENT_W;
    let mut place = i.location.trim().to_string();
    if let Some(c) = i.coordinates {
        if !place.is_empty() {
            place.push_str("; ");
        }
        place.push_str(&format!("coordinates {:.5}, {:.5}", c.lat, c.lon));
    }
    field(l, x, w, "Where", &place, colour);
    field(l, x, w, "Behaviour", &behaviour_labels(i), colour);
    let mut how = i.channel.map(|c| c.label().to_string()).unwrap_or_default();
    if !i.channel_detail.trim().is_empty() {
        if !how.is_empty() {
            how.push_str(": ");
        }
        how.push_str(i.channel_detail.trim());
    }
    field(l, x, w, "How", &how, colour);
    field(l, x, w, "Who (how identified)", &i.who, colour);
    if !i.witnesses.trim().is_empty() {
        let witnesses = if sel.options.redact_witnesses {
            LEFT_OUT
        } else {
            i.witnesses.as_str()
        };
        field(l, x, w, "Witnesses", witnesses, colour);
    }
    if let Some(children) = i.children_present {
        field(
            l,
            x,
            w,
            "Children present",
            if children { "Yes" } else { "No" },
            colour,
        );
    }
    field(l, x, w, "What happened", &i.description, colour);
    field(l, x, w, "What I did", &i.response, colour);
    let mut impact = Vec::new();
    if i.impact.fear_of_violence {
        impact.push("I was afraid violence would be used against me.".to_string());
    }
    if i.impact.alarm_or_distress {
        impact.push("It caused me serious alarm or distress.".to_string());
    }
    if !i.impact.daily_life_changes.trim().is_empty() {
        impact.push(format!(
            "Changes to daily life: {}",
            i.impact.daily_life_changes.trim()
        ));
    }
    if !i.impact.notes.trim().is_empty() {
        impact.push(i.impact.notes.trim().to_string());
    }
    field(l, x, w, "Impact", &impact.join("\n"), colour);
    field(l, x, w, "Order breached", &i.order_breached, colour);
    let risks = i
        .risks
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ");
    field(l, x, w, "Risk flags", &risks, colour);
    if !i.police.is_empty() {
        let mut parts = Vec::new();
        if !i.police.date.trim().is_empty() {
            parts.push(format!("told on {}", police_day(&i.police.date)));
        }
        if !i.police.reference.trim().is_empty() {
            parts.push(format!("reference {}", i.police.reference.trim()));
        }
        if !i.police.officer.trim().is_empty() {
            parts.push(format!("officer {}", i.police.officer.trim()));
        }
        field(l, x, w, "Police", &capitalise(&parts.join("; ")), colour);
    }
    if !i.online.is_empty() {
        let o = &i.online;
        let mut parts = Vec::new();
        if !o.account.is_empty() {
            parts.push(format!("account {}", o.account));
        }
        if !o.url.is_empty() {
            parts.push(o.url.clone());
        }
        if !o.posted.is_empty() {
            parts.push(format!("posted {}", o.posted));
        }
        if !o.captured.is_empty() {
            parts.push(format!("captured {}", o.captured));
        }
        match (o.reported_to_platform, o.platform_reference.as_str()) {
            (Some(true), "") => parts.push("reported to the platform".into()),
            (Some(true), r) => parts.push(format!("reported to the platform, reference {r}")),
            (Some(false), _) => parts.push("not reported to the platform".into()),
            (None, _) => {}
        }
        field(l, x, w, "Online", &capitalise(&parts.join("; ")), colour);
    }
    field(l, x, w, "Tags", &i.tags.join(", "), colour);
    // Present only when the person chose to include private notes in this report.
    field(l, x, w, "Private note", &i.private_note, colour);
}

pub(super) fn draw(
    l: &mut Layout,
    sel: &Selection<'_>,
    thumbnails: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
    progress: &dyn Progress,
) -> Result<()> {
    let children = sel
        .entries
        .iter()
        .filter_map(|e| {
            e.incident().map(|i| {
                (
                    format!(
                        "Entry {}: {}",
                        e.entry.number,
                        format::date(format::local_date(i.occurred.start, sel.tz))
                    ),
                    Anchor::Entry(e.entry.number),
                )
            })
        })
        .collect();
    section(l, sel, ENTRIES, SECTION_TITLES[2].1, children);
    let total = sel.entries.len();
    for (done, e) in sel.entries.iter().enumerate() {
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        let Some(i) = e.incident() else { continue };
        l.ensure(120.0);
        if done > 0 {
            l.y += 6.0;
        }
        l.anchor(Anchor::Entry(e.entry.number));
        let status = match &e.entry.status {
            Status::Withdrawn { .. } => "WITHDRAWN",
            _ if e.entry.revisions > 1 => "AMENDED",
            _ => "",
        };
        entry_band(l, &format!("Entry {}", e.entry.number), status);
        let colour = if e.is_withdrawn() { MUTED } else { INK };
        field(
            l,
            MARGIN_X,
            CONTENT_W,
            "Happened",
            &format::occurred(&i.occurred, sel.tz),
            colour,
        );
        let mut recorded = format::instant(e.entry.recorded_at, sel.tz);
        recorded.push_str(&format!(
            " ({})",
            crate::report::statement::freshness(i.occurred.start, e.entry.recorded_at)
        ));
        if e.entry.written_while_locked {
            recorded.push_str(" (written from the lock screen)");
        }
        field(l, MARGIN_X, CONTENT_W, "Recorded", &recorded, colour);
        if let Some(amended) = e.entry.amended_at {
            let earlier = e.earlier.len();
            let text = format!(
                "Amended on {}; earlier {} in the appendix.",
                format::instant(amended, sel.tz),
                if earlier == 1 { "wording" } else { "wordings" }
            );
            if let Some((top, bottom)) = field(l, MARGIN_X, CONTENT_W, "Amended", &text, colour) {
                if !e.earlier.is_empty() {
                    l.link(
                        MARGIN_X + LABEL_W,
                        top,
                        CONTENT_W - LABEL_W,
                        bottom - top,
                        Anchor::Earlier(e.entry.number),
                    );
                }
            }
        }
        if let Status::Withdrawn { at, reason } = &e.entry.status {
            let reason = if reason.trim().is_empty() {
                "no reason given"
            } else {
                reason.trim()
            };
            field(
                l,
                MARGIN_X,
                CONTENT_W,
                "Withdrawn",
                &format!(
                    "Withdrawn on {}. Reason: {reason}",
                    format::instant(*at, sel.tz)
                ),
                ACCENT,
            );
        }
        incident_fields(l, sel, i, colour);
        let exhibits = sel.exhibits_of(&e.entry);
        if !exhibits.is_empty() {
            let marks = exhibits
                .iter()
                .map(|x| x.mark.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            field(l, MARGIN_X, CONTENT_W, "Exhibits", &marks, colour);
            for x in exhibits {
                exhibit_block(l, sel, x, thumbnails);
            }
        }
        let messages = sel.messages_of(e.entry.number);
        if !messages.is_empty() {
            super::messages::in_entry(l, sel, e.entry.number, messages, colour);
        }
        l.rule(MARGIN_X, l.y + 2.0, CONTENT_W, 0.4, RULE);
        l.y += 6.0;
        progress.advanced(
            done as u64 + 1,
            total as u64,
            crate::progress::Unit::Entries,
        );
    }
    Ok(())
}

const THUMB_BOX: f32 = 150.0;

fn exhibit_block(
    l: &mut Layout,
    sel: &Selection<'_>,
    x: &Exhibit,
    thumbnails: &mut dyn FnMut(&str) -> Option<Vec<u8>>,
) {
    let wants_picture = sel.options.thumbnails
        && x.erased_at.is_none()
        && matches!(x.preview, Preview::Available { .. });
    let picture = if wants_picture {
        thumbnails(&x.id).and_then(|bytes| layout::jpeg_size(&bytes).map(|size| (bytes, size)))
    } else {
        None
    };
    let (pw, ph) = match &picture {
        Some((_, (w, h))) => {
            let (w, h) = (f32::from(*w), f32::from(*h));
            let scale = (THUMB_BOX / w).min(THUMB_BOX / h);
            (w * scale, h * scale)
        }
        None => (0.0, 0.0),
    };
    let caption_x = if picture.is_some() {
        MARGIN_X + THUMB_BOX + 14.0
    } else {
        MARGIN_X + LABEL_W
    };
    let caption_w = MARGIN_X + CONTENT_W - caption_x;

    let mut lines: Vec<(Line, Colour)> = Vec::new();
    let add = |l: &mut Layout,
               lines: &mut Vec<(Line, Colour)>,
               body: &str,
               style: Style,
               colour: Colour| {
        for line in l.set(body, style, caption_w) {
            lines.push((line, colour));
        }
    };
    add(
        l,
        &mut lines,
        &format!("Exhibit {}", x.mark),
        Style::bold(9.0),
        INK,
    );
    // The plain facts, one after another in the small type.
    let mut details = vec![
        format!("Original file: {}", crate::escape::name(&x.original_name)),
        format!("Type: {}; size {}", x.media_type, format::size(x.size)),
    ];
    if let Some(t) = &x.metadata.capture_time {
        details.push(format!("Captured (camera clock): {t}"));
    }
    if let Some(model) = &x.metadata.device_model {
        details.push(format!("Device: {model}"));
    }
    details.push(format!(
        "Added to the diary: {}",
        format::instant(x.added_at, sel.tz)
    ));
    if !x.how_obtained.trim().is_empty() {
        details.push(format!("How obtained: {}", x.how_obtained.trim()));
    }
    details.push("SHA-256 of the original file:".to_string());
    for detail in &details {
        add(l, &mut lines, detail, Style::regular(SMALL), INK);
    }
    let hash = l.set_line(&x.sha256, Style::regular(7.0));
    lines.push((hash, INK));
    if let Some(at) = x.erased_at {
        add(
            l,
            &mut lines,
            &format!(
                "The file was erased from the diary on {}; its hash remains in the diary's chain.",
                format::instant(at, sel.tz)
            ),
            Style::regular(SMALL),
            ACCENT,
        );
    } else if picture.is_some() {
        add(
            l,
            &mut lines,
            "The picture is a reduced copy for reference; the original is unaltered.",
            Style::regular(6.8),
            MUTED,
        );
    } else if wants_picture {
        add(
            l,
            &mut lines,
            "No picture could be shown for this exhibit.",
            Style::regular(6.8),
            MUTED,
        );
    }
    let caption_h: f32 = lines.iter().map(|(line, _)| line.height).sum();
    let h = caption_h.max(ph) + 6.0;
    l.ensure(h);
    let top = l.y + 2.0;
    if let Some((bytes, _)) = &picture {
        let px = MARGIN_X + (THUMB_BOX - pw) / 2.0;
        if l.jpeg(bytes, px, top, pw, ph) {
            l.frame(px, top, pw, ph, 0.5, RULE);
        }
    }
    let mut y = top;
    for (line, colour) in &lines {
        l.draw_line(line, caption_x, y, *colour);
        y += line.height;
    }
    l.y = top + h;
}
