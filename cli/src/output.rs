//! How entries and exhibits are printed, as text for people and JSON for scripts.

use daybook_core::entry::{Entry, Revision, Status};
use daybook_core::evidence::{Exhibit, Preview};
use daybook_core::incident::{display_instant, Incident};
use serde_json::{json, Value};

/// The JSON form of an entry (stable field names; see README).
pub fn entry_json(e: &Entry) -> Value {
    let incident = e.incident.as_ref();
    json!({
        "number": e.number,
        "id": e.id,
        "status": e.status.key(),
        "occurred": incident.map(|i| i.occurred.start_local_rfc3339()),
        "occurred_until": incident.and_then(|i| i.occurred.end_local().map(|t| t.to_rfc3339())),
        "approximate": incident.map(|i| i.occurred.approximate),
        "zone": incident.map(|i| i.occurred.zone.clone()),
        "recorded_at": e.recorded_at.to_rfc3339(),
        "amended_at": e.amended_at.map(|t| t.to_rfc3339()),
        "revisions": e.revisions,
        "description": incident.map(|i| i.description.clone()),
        "where": incident.map(|i| i.location.clone()),
        "behaviours": incident.map(|i| i.behaviours.iter().map(|b| b.key()).collect::<Vec<_>>()).unwrap_or_default(),
        "withdrawn_reason": match &e.status { Status::Withdrawn { reason, .. } => Some(reason.clone()), _ => None },
        "withdrawn_at": match &e.status { Status::Withdrawn { at, .. } => Some(at.to_rfc3339()), _ => None },
        "erased_at": match &e.status { Status::Erased { at } => Some(at.to_rfc3339()), _ => None },
        "exhibits": e.exhibits,
        "messages": e.messages,
        "written_while_locked": e.written_while_locked,
        "incident": incident,
    })
}

pub fn revision_json(r: &Revision) -> Value {
    json!({
        "revision": r.revision,
        "saved_at": r.saved_at.to_rfc3339(),
        "written_while_locked": r.written_while_locked,
        "incident": r.incident,
    })
}

pub fn exhibit_json(x: &Exhibit) -> Value {
    let mut v = serde_json::to_value(x).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert("capture_time".into(), json!(x.metadata.capture_time));
        map.insert(
            "gps".into(),
            json!(x.metadata.gps.map(|g| json!({"lat": g.lat, "lon": g.lon}))),
        );
    }
    v
}

fn short(text: &str, chars: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= chars {
        one_line
    } else {
        let cut: String = one_line.chars().take(chars.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// One line per entry.
pub fn entry_line(e: &Entry) -> String {
    match &e.incident {
        Some(i) => {
            let status = match e.status {
                Status::Withdrawn { .. } => " [withdrawn]",
                _ => "",
            };
            let behaviours = i
                .behaviours
                .iter()
                .map(|b| b.key())
                .collect::<Vec<_>>()
                .join(",");
            let place = if i.location.is_empty() {
                String::new()
            } else {
                format!(" · {}", short(&i.location, 30))
            };
            let exhibits = if e.exhibits.is_empty() {
                String::new()
            } else {
                format!(" · {}", e.exhibits.join(" "))
            };
            format!(
                "{:>4}  {}{}{} · {}{}{}",
                e.number,
                i.occurred.display(),
                place,
                if behaviours.is_empty() {
                    String::new()
                } else {
                    format!(" · {behaviours}")
                },
                short(&i.description, 60),
                exhibits,
                status
            )
        }
        None => format!("{:>4}  [erased]", e.number),
    }
}

fn field(out: &mut String, label: &str, value: &str) {
    if !value.trim().is_empty() {
        out.push_str(&format!("{label:<18} {value}\n"));
    }
}

/// An incident's fields, one per line.
pub fn incident_text(i: &Incident, zone: &str) -> String {
    let _ = zone;
    let mut out = String::new();
    field(&mut out, "Happened:", &i.occurred.display());
    field(&mut out, "Where:", &i.location);
    if let Some(c) = i.coordinates {
        field(
            &mut out,
            "Position:",
            &format!("{:.6}, {:.6}", c.lat, c.lon),
        );
    }
    field(
        &mut out,
        "Behaviour:",
        &i.behaviours
            .iter()
            .map(|b| b.short_label())
            .collect::<Vec<_>>()
            .join(", "),
    );
    field(
        &mut out,
        "How:",
        &i.channel.map(|c| c.label().to_string()).unwrap_or_default(),
    );
    field(&mut out, "Account/number:", &i.channel_detail);
    out.push_str(&format!("{:<18} {}\n", "What happened:", i.description));
    field(&mut out, "Who:", &i.who);
    field(&mut out, "Witnesses:", &i.witnesses);
    field(
        &mut out,
        "Children present:",
        match i.children_present {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        },
    );
    field(&mut out, "Police told on:", &i.police.date);
    field(&mut out, "Police reference:", &i.police.reference);
    field(&mut out, "Police officer:", &i.police.officer);
    field(&mut out, "What I did:", &i.response);
    let mut impact = Vec::new();
    if i.impact.fear_of_violence {
        impact.push("afraid violence would be used".to_string());
    }
    if i.impact.alarm_or_distress {
        impact.push("serious alarm or distress".to_string());
    }
    field(&mut out, "Impact:", &impact.join("; "));
    field(&mut out, "Daily life:", &i.impact.daily_life_changes);
    field(&mut out, "In my words:", &i.impact.notes);
    field(&mut out, "Order breached:", &i.order_breached);
    field(
        &mut out,
        "Risk:",
        &i.risks
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", "),
    );
    field(&mut out, "Tags:", &i.tags.join(", "));
    field(&mut out, "Online account:", &i.online.account);
    field(&mut out, "Address (URL):", &i.online.url);
    field(&mut out, "Posted:", &i.online.posted);
    field(&mut out, "Captured:", &i.online.captured);
    let reported = match (
        i.online.reported_to_platform,
        i.online.platform_reference.as_str(),
    ) {
        (Some(true), "") => "yes".to_string(),
        (Some(true), reference) => format!("yes, reference {reference}"),
        (Some(false), _) => "no".to_string(),
        (None, _) => String::new(),
    };
    field(&mut out, "Reported to it:", &reported);
    field(&mut out, "Private note:", &i.private_note);
    if !i.private_note.is_empty() {
        out.push_str(
            "                   (never shared unless you include private notes in an export)\n",
        );
    }
    out
}

/// An entry in full.
pub fn entry_text(e: &Entry, zone: &str) -> String {
    let mut out = format!("Entry {}\n", e.number);
    field(
        &mut out,
        "Recorded at:",
        &display_instant(e.recorded_at, zone),
    );
    if let Some(at) = e.amended_at {
        field(
            &mut out,
            "Amended at:",
            &format!(
                "{} (wording {} of {})",
                display_instant(at, zone),
                e.revisions,
                e.revisions
            ),
        );
    }
    if e.written_while_locked {
        field(
            &mut out,
            "Written:",
            "as a quick note while the diary was locked",
        );
    }
    match &e.status {
        Status::Active => {}
        Status::Withdrawn { at, reason } => field(
            &mut out,
            "Withdrawn:",
            &format!("{} — {reason}", display_instant(*at, zone)),
        ),
        Status::Erased { at } => field(&mut out, "Erased:", &display_instant(*at, zone)),
    }
    if let Some(i) = &e.incident {
        out.push_str(&incident_text(i, zone));
    }
    field(&mut out, "Exhibits:", &e.exhibits.join(", "));
    if e.messages > 0 {
        field(
            &mut out,
            "Messages:",
            &format!(
                "{} imported (daybook messages --entry {})",
                e.messages, e.number
            ),
        );
    }
    out
}

pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    // The same units as the report (1 KB = 1,024 bytes).
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

pub fn exhibit_text(x: &Exhibit, zone: &str) -> String {
    let mut out = format!("Exhibit {}\n", x.mark);
    field(&mut out, "Entry:", &x.entry_number.to_string());
    if let Some(at) = x.erased_at {
        field(&mut out, "Erased:", &display_instant(at, zone));
    }
    field(&mut out, "Original name:", &x.original_name);
    field(&mut out, "Type:", &x.media_type);
    field(
        &mut out,
        "Size:",
        &format!("{} ({} bytes)", human_size(x.size), x.size),
    );
    field(&mut out, "SHA-256:", &x.sha256);
    field(&mut out, "Added at:", &display_instant(x.added_at, zone));
    field(&mut out, "How obtained:", &x.how_obtained);
    if let Some(t) = &x.metadata.capture_time {
        field(
            &mut out,
            "Camera clock:",
            &format!("{t} (the time the camera or phone recorded)"),
        );
    }
    if let Some(g) = x.metadata.gps {
        field(&mut out, "GPS:", &format!("{:.6}, {:.6}", g.lat, g.lon));
    }
    field(
        &mut out,
        "Device:",
        x.metadata.device_model.as_deref().unwrap_or(""),
    );
    if let Some(o) = x.metadata.orientation {
        field(&mut out, "Orientation:", &o.to_string());
    }
    match &x.preview {
        Preview::Available { width, height } => {
            field(&mut out, "Preview:", &format!("{width} × {height}"))
        }
        Preview::None { reason } => field(&mut out, "Preview:", &format!("none: {reason}")),
    }
    if let Some(d) = &x.duplicate_of {
        field(&mut out, "Same file as:", d);
    }
    out
}
