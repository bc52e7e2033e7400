//! Reading an incident from flags or a JSON file, and merging it over an existing
//! incident for `amend`; and `-` for a free-text option, meaning "read this text from
//! standard input", so what happened never has to be typed into the shell's history.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use clap::Args;
use daybook_core::incident::{self, Behaviour, Channel, Incident, Occurred, Risk};
use daybook_core::{Error, Result};
use serde::Deserialize;

/// The fields of an incident, as flags. Every flag is optional for `amend`.
#[derive(Args, Debug, Default, Clone)]
pub struct IncidentArgs {
    /// When it happened, in local time, e.g. "2026-11-01 20:15" or 01/11/2026 20:15
    #[arg(long, value_name = "WHEN")]
    pub occurred: Option<String>,
    /// When it ended, if it went on for a while
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// The time is approximate
    #[arg(long)]
    pub approximate: bool,
    /// The time is exact (undoes --approximate when amending)
    #[arg(long, conflicts_with = "approximate")]
    pub exact: bool,
    /// Time zone the times are written in (default: this computer's)
    #[arg(long, value_name = "ZONE")]
    pub zone: Option<String>,
    /// Where it happened (- reads it from standard input)
    #[arg(long = "where", value_name = "PLACE")]
    pub location: Option<String>,
    /// Position, as decimal degrees "LAT,LON" (e.g. from a photo)
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    pub coordinates: Option<String>,
    /// What happened, with exact words quoted (- reads it from standard input)
    #[arg(long = "what", value_name = "TEXT")]
    pub description: Option<String>,
    /// Kind of behaviour (repeat for more than one)
    #[arg(long = "behaviour", value_name = "KEY")]
    pub behaviours: Vec<String>,
    /// How the contact happened, e.g. in_person, text_message, social_media
    #[arg(long, value_name = "KEY")]
    pub channel: Option<String>,
    /// The account, number or handle used (- reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    pub channel_detail: Option<String>,
    /// How you knew who it was: name, description, clothing, vehicle, number (- reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    pub who: Option<String>,
    /// Witnesses and how to contact them (- reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    pub witnesses: Option<String>,
    /// Whether children were there: yes or no
    #[arg(long, value_name = "YES/NO")]
    pub children_present: Option<String>,
    /// The day you told the police (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub police_date: Option<String>,
    /// Police crime or incident reference (- reads it from standard input)
    #[arg(long = "police-ref", value_name = "REF")]
    pub police_reference: Option<String>,
    /// Police officer's name or collar number (- reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    pub police_officer: Option<String>,
    /// What you did in response (called police, blocked, reported…) (- reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    pub response: Option<String>,
    /// How it affected you, in your own words (- reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    pub impact: Option<String>,
    /// It made you afraid that violence would be used against you
    #[arg(long)]
    pub fear_of_violence: bool,
    /// It caused you serious alarm or distress
    #[arg(long)]
    pub alarm_or_distress: bool,
    /// Changes to your day-to-day life because of it (- reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    pub daily_life: Option<String>,
    /// The order it breached, if any (e.g. "restraining order, 3 May 2026") (- reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    pub order_breached: Option<String>,
    /// Risk flag (repeat for more than one)
    #[arg(long = "risk", value_name = "FLAG")]
    pub risks: Vec<String>,
    /// A tag of your own (repeat for more than one)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A private note, never shared: left out of every report and file unless you
    /// include private notes for that export (- reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    pub private_note: Option<String>,
    /// Online: the account's name and ID (- reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    pub account: Option<String>,
    /// Online: the address of the post, profile or message
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Online: when it was posted ("2026-11-01 20:15")
    #[arg(long, value_name = "WHEN")]
    pub posted: Option<String>,
    /// Online: when you captured it (a screenshot, a save)
    #[arg(long, value_name = "WHEN")]
    pub captured: Option<String>,
    /// Online: you reported it to the platform; give its reference ("yes" if none, "no" if not)
    #[arg(long, value_name = "REF")]
    pub reported_to_platform: Option<String>,
    /// Read the fields from a JSON file instead (same names as the flags)
    #[arg(long = "json", value_name = "FILE")]
    pub json: Option<PathBuf>,
}

/// The JSON form of the same fields.
#[derive(Deserialize, Default, Debug)]
#[serde(default, deny_unknown_fields)]
struct JsonFields {
    occurred: Option<String>,
    until: Option<String>,
    approximate: Option<bool>,
    zone: Option<String>,
    #[serde(rename = "where", alias = "location")]
    location: Option<String>,
    #[serde(rename = "what", alias = "description")]
    description: Option<String>,
    coordinates: Option<serde_json::Value>,
    #[serde(alias = "behaviour")]
    behaviours: Vec<String>,
    channel: Option<String>,
    channel_detail: Option<String>,
    who: Option<String>,
    witnesses: Option<String>,
    children_present: Option<serde_json::Value>,
    police_date: Option<String>,
    #[serde(alias = "police_ref")]
    police_reference: Option<String>,
    police_officer: Option<String>,
    response: Option<String>,
    impact: Option<String>,
    fear_of_violence: Option<bool>,
    alarm_or_distress: Option<bool>,
    daily_life: Option<String>,
    order_breached: Option<String>,
    #[serde(alias = "risk")]
    risks: Vec<String>,
    #[serde(alias = "tag")]
    tags: Vec<String>,
    private_note: Option<String>,
    account: Option<String>,
    url: Option<String>,
    posted: Option<String>,
    captured: Option<String>,
    reported_to_platform: Option<String>,
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::InvalidField {
        field: field.into(),
        message: message.into(),
    }
}

fn yes_no(text: &str) -> Result<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        other => Err(invalid(
            "children_present",
            format!("'{other}' should be yes or no"),
        )),
    }
}

fn split_keys(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The value that means "read this text from standard input".
pub const FROM_STDIN: &str = "-";

/// Reads the one free-text option given as `-` from standard input: the whole of it
/// when it is a pipe or a file, or typed on the terminal (ended with Ctrl+D) when it
/// is one. Only one option of a command may be `-`, since there is only one
/// standard input; naming two is refused before anything is read.
pub fn read_dashes(options: &mut [(&str, &mut Option<String>)]) -> Result<()> {
    let dashed: Vec<&str> = options
        .iter()
        .filter(|(_, v)| v.as_deref() == Some(FROM_STDIN))
        .map(|(flag, _)| *flag)
        .collect();
    match dashed[..] {
        [] => Ok(()),
        [flag] => {
            let text = read_stdin(flag)?;
            for (name, value) in options.iter_mut() {
                if *name == flag {
                    **value = Some(text);
                    break;
                }
            }
            Ok(())
        }
        _ => Err(invalid(
            "stdin",
            format!(
                "only one option can be - (read from standard input), but {} were; give the \
                 others as text, or put all the fields in a file with --json FILE",
                dashed.join(" and ")
            ),
        )),
    }
}

/// Like [`read_dashes`] for a command with a single free-text option.
pub fn read_dash(flag: &str, value: &str) -> Result<String> {
    let mut one = Some(value.to_string());
    read_dashes(&mut [(flag, &mut one)])?;
    Ok(one.unwrap_or_default())
}

fn read_stdin(flag: &str) -> Result<String> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("Type the text for {flag}, then press Enter and Ctrl+D:");
    }
    let mut bytes = Vec::new();
    stdin.read_to_end(&mut bytes).map_err(|e| {
        invalid(
            "stdin",
            format!("the text for {flag} could not be read from standard input: {e}"),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        invalid(
            "stdin",
            format!("the text for {flag} on standard input is not UTF-8 text"),
        )
    })?;
    Ok(text.trim_end_matches(['\n', '\r']).to_string())
}

impl IncidentArgs {
    /// The free-text options, by flag, for `-`.
    fn texts(&mut self) -> [(&'static str, &mut Option<String>); 13] {
        [
            ("--private-note", &mut self.private_note),
            ("--account", &mut self.account),
            ("--where", &mut self.location),
            ("--what", &mut self.description),
            ("--channel-detail", &mut self.channel_detail),
            ("--who", &mut self.who),
            ("--witnesses", &mut self.witnesses),
            ("--police-ref", &mut self.police_reference),
            ("--police-officer", &mut self.police_officer),
            ("--response", &mut self.response),
            ("--impact", &mut self.impact),
            ("--daily-life", &mut self.daily_life),
            ("--order-breached", &mut self.order_breached),
        ]
    }

    /// Reads the option given as `-` (if any) from standard input, then merges the
    /// JSON file (if any) under the flags: a flag given on the command line wins over
    /// the same field in the file.
    fn with_json(&self) -> Result<IncidentArgs> {
        let mut flags = self.clone();
        read_dashes(&mut flags.texts())?;
        let Some(path) = &self.json else {
            return Ok(flags);
        };
        let text = std::fs::read_to_string(path).map_err(|e| Error::File {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let j: JsonFields = serde_json::from_str(&text)
            .map_err(|e| invalid("json", format!("{}: {e}", path.display())))?;
        let mut a = flags;
        let pick = |flag: &mut Option<String>, json: Option<String>| {
            if flag.is_none() {
                *flag = json;
            }
        };
        pick(&mut a.occurred, j.occurred);
        pick(&mut a.until, j.until);
        pick(&mut a.zone, j.zone);
        pick(&mut a.location, j.location);
        if a.coordinates.is_none() {
            a.coordinates = match j.coordinates {
                Some(serde_json::Value::String(t)) => Some(t),
                Some(serde_json::Value::Object(m)) => match (m.get("lat"), m.get("lon")) {
                    (Some(lat), Some(lon)) => Some(format!("{lat},{lon}")),
                    _ => {
                        return Err(invalid(
                            "coordinates",
                            "give them as {\"lat\": …, \"lon\": …}",
                        ))
                    }
                },
                Some(serde_json::Value::Null) | None => None,
                Some(other) => {
                    return Err(invalid(
                        "coordinates",
                        format!("{other} should be \"LAT,LON\""),
                    ))
                }
            };
        }
        pick(&mut a.description, j.description);
        pick(&mut a.channel, j.channel);
        pick(&mut a.channel_detail, j.channel_detail);
        pick(&mut a.who, j.who);
        pick(&mut a.witnesses, j.witnesses);
        pick(&mut a.police_date, j.police_date);
        pick(&mut a.police_reference, j.police_reference);
        pick(&mut a.police_officer, j.police_officer);
        pick(&mut a.response, j.response);
        pick(&mut a.impact, j.impact);
        pick(&mut a.daily_life, j.daily_life);
        pick(&mut a.order_breached, j.order_breached);
        pick(&mut a.private_note, j.private_note);
        pick(&mut a.account, j.account);
        pick(&mut a.url, j.url);
        pick(&mut a.posted, j.posted);
        pick(&mut a.captured, j.captured);
        pick(&mut a.reported_to_platform, j.reported_to_platform);
        if a.children_present.is_none() {
            a.children_present = match j.children_present {
                Some(serde_json::Value::Bool(b)) => Some(if b { "yes" } else { "no" }.into()),
                Some(serde_json::Value::String(s)) => Some(s),
                Some(serde_json::Value::Null) | None => None,
                Some(other) => {
                    return Err(invalid(
                        "children_present",
                        format!("{other} should be yes or no"),
                    ))
                }
            };
        }
        a.approximate |= j.approximate.unwrap_or(false);
        a.fear_of_violence |= j.fear_of_violence.unwrap_or(false);
        a.alarm_or_distress |= j.alarm_or_distress.unwrap_or(false);
        if a.behaviours.is_empty() {
            a.behaviours = j.behaviours;
        }
        if a.risks.is_empty() {
            a.risks = j.risks;
        }
        if a.tags.is_empty() {
            a.tags = j.tags;
        }
        a.json = None;
        Ok(a)
    }

    /// A new incident from these fields; `--occurred` and `--what` are required.
    pub fn to_new_incident(&self) -> Result<Incident> {
        let a = self.with_json()?;
        let occurred = a.occurred.as_deref().ok_or_else(|| {
            invalid(
                "occurred",
                format!(
                    "please say when it happened (--occurred), e.g. {}",
                    incident::ACCEPTED_FORMS
                ),
            )
        })?;
        let description = a
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .ok_or_else(|| invalid("description", "please say what happened (--what)"))?;
        let zone = a.zone.clone().unwrap_or_else(incident::local_zone);
        let when = Occurred::parse(occurred, a.until.as_deref(), a.approximate, &zone)?;
        let mut incident = Incident::new(when, description);
        a.apply_fields(&mut incident)?;
        incident.validate()?;
        Ok(incident)
    }

    /// The current incident with the given fields changed.
    pub fn amend(&self, current: &Incident) -> Result<Incident> {
        let a = self.with_json()?;
        let mut incident = current.clone();
        if a.occurred.is_some() || a.until.is_some() || a.zone.is_some() || a.approximate || a.exact
        {
            let zone = a
                .zone
                .clone()
                .unwrap_or_else(|| current.occurred.zone.clone());
            let start = match &a.occurred {
                Some(s) => s.clone(),
                None => current
                    .occurred
                    .start_local()
                    .format("%Y-%m-%dT%H:%M:%S%:z")
                    .to_string(),
            };
            let end = match &a.until {
                Some(u) => Some(u.clone()),
                None => current
                    .occurred
                    .end_local()
                    .map(|e| e.format("%Y-%m-%dT%H:%M:%S%:z").to_string()),
            };
            let approximate = if a.exact {
                false
            } else {
                a.approximate || current.occurred.approximate
            };
            let mut when = Occurred::parse(&start, end.as_deref(), approximate, &zone)?;
            if a.occurred.is_none() {
                when.date_only = current.occurred.date_only;
            }
            incident.occurred = when;
        }
        if let Some(d) = &a.description {
            incident.description = d.clone();
        }
        a.apply_fields(&mut incident)?;
        incident.validate()?;
        Ok(incident)
    }

    fn apply_fields(&self, incident: &mut Incident) -> Result<()> {
        let set = |field: &mut String, value: &Option<String>| {
            if let Some(v) = value {
                *field = v.trim().to_string();
            }
        };
        set(&mut incident.location, &self.location);
        set(&mut incident.channel_detail, &self.channel_detail);
        set(&mut incident.who, &self.who);
        set(&mut incident.witnesses, &self.witnesses);
        set(&mut incident.police.date, &self.police_date);
        set(&mut incident.police.reference, &self.police_reference);
        set(&mut incident.police.officer, &self.police_officer);
        set(&mut incident.response, &self.response);
        set(&mut incident.impact.notes, &self.impact);
        set(&mut incident.impact.daily_life_changes, &self.daily_life);
        set(&mut incident.order_breached, &self.order_breached);
        set(&mut incident.private_note, &self.private_note);
        set(&mut incident.online.account, &self.account);
        set(&mut incident.online.url, &self.url);
        set(&mut incident.online.posted, &self.posted);
        set(&mut incident.online.captured, &self.captured);
        if let Some(r) = &self.reported_to_platform {
            let r = r.trim();
            match r.to_ascii_lowercase().as_str() {
                "" => {
                    incident.online.reported_to_platform = None;
                    incident.online.platform_reference.clear();
                }
                "no" | "n" | "false" => {
                    incident.online.reported_to_platform = Some(false);
                    incident.online.platform_reference.clear();
                }
                "yes" | "y" | "true" => incident.online.reported_to_platform = Some(true),
                _ => {
                    incident.online.reported_to_platform = Some(true);
                    incident.online.platform_reference = r.to_string();
                }
            }
        }
        if let Some(c) = &self.coordinates {
            incident.coordinates = if c.trim().is_empty() {
                None
            } else {
                let parts: Vec<f64> = c
                    .split(',')
                    .map(|p| p.trim().parse::<f64>())
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|_| {
                        invalid(
                            "coordinates",
                            format!("'{c}' should be two numbers, LAT,LON"),
                        )
                    })?;
                match parts[..] {
                    [lat, lon] if lat.is_finite() && lon.is_finite() => {
                        Some(incident::Coordinates { lat, lon })
                    }
                    _ => {
                        return Err(invalid(
                            "coordinates",
                            format!("'{c}' should be two numbers, LAT,LON"),
                        ))
                    }
                }
            };
        }
        if let Some(c) = &self.channel {
            incident.channel = if c.trim().is_empty() {
                None
            } else {
                Some(Channel::parse(c)?)
            };
        }
        if let Some(c) = &self.children_present {
            incident.children_present = Some(yes_no(c)?);
        }
        if self.fear_of_violence {
            incident.impact.fear_of_violence = true;
        }
        if self.alarm_or_distress {
            incident.impact.alarm_or_distress = true;
        }
        if !self.behaviours.is_empty() {
            incident.behaviours = split_keys(&self.behaviours)
                .iter()
                .map(|k| Behaviour::parse(k))
                .collect::<Result<_>>()?;
        }
        if !self.risks.is_empty() {
            incident.risks = split_keys(&self.risks)
                .iter()
                .map(|k| Risk::parse(k))
                .collect::<Result<_>>()?;
        }
        if !self.tags.is_empty() {
            incident.tags = split_keys(&self.tags);
        }
        Ok(())
    }
}
