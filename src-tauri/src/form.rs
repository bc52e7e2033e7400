//! The entry form as the UI sends it (plain strings, as typed) and its translation
//! to and from the core's `Incident`. Parsing and checking are the core's: this only
//! moves fields across.

use daybook_core::incident::{Behaviour, Channel, Impact, Incident, Occurred, PoliceContact, Risk};
use serde::{Deserialize, Serialize};

use crate::error::CmdResult;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EntryForm {
    /// Day as typed: `28/11/2026` or `2026-11-28`.
    pub date: String,
    /// Time of day as typed (`21:15`), empty when not known.
    pub time: String,
    /// Optional end, same forms.
    pub until_date: String,
    pub until_time: String,
    pub approximate: bool,
    pub location: String,
    pub description: String,
    pub behaviours: Vec<String>,
    pub channel: String,
    pub channel_detail: String,
    pub who: String,
    pub witnesses: String,
    /// `"yes"`, `"no"` or empty.
    pub children_present: String,
    pub police_date: String,
    pub police_reference: String,
    pub police_officer: String,
    pub response: String,
    pub fear_of_violence: bool,
    pub alarm_or_distress: bool,
    pub daily_life_changes: String,
    pub impact_notes: String,
    pub order_breached: String,
    pub risks: Vec<String>,
    /// Never shared unless the person includes private notes in one export.
    pub private_note: String,
    /// Online: the account, the address, when posted and captured, and whether it
    /// was reported to the platform (`"yes"`, `"no"` or empty) with its reference.
    pub online_account: String,
    pub online_url: String,
    pub online_posted: String,
    pub online_captured: String,
    pub online_reported: String,
    pub online_reference: String,
}

fn join(date: &str, time: &str) -> String {
    let (date, time) = (date.trim(), time.trim());
    if time.is_empty() {
        date.to_string()
    } else {
        format!("{date} {time}")
    }
}

impl EntryForm {
    /// Builds the incident, in the given time zone. Errors name the field.
    pub fn to_incident(&self, zone: &str) -> CmdResult<Incident> {
        self.read_incident(zone).map_err(|mut e| {
            e.field = e.field.map(|f| control(&f).to_string());
            e
        })
    }

    fn read_incident(&self, zone: &str) -> CmdResult<Incident> {
        if self.date.trim().is_empty() {
            return Err(crate::error::UiError::invalid(
                "occurred",
                "please give the day it happened; a rough day is fine",
            ));
        }
        let until = if self.until_date.trim().is_empty() && self.until_time.trim().is_empty() {
            None
        } else if self.until_date.trim().is_empty() {
            Some(join(&self.date, &self.until_time))
        } else {
            Some(join(&self.until_date, &self.until_time))
        };
        let occurred = Occurred::parse(
            &join(&self.date, &self.time),
            until.as_deref(),
            self.approximate,
            zone,
        )?;
        let mut incident = Incident::new(occurred, self.description.clone());
        incident.location = self.location.clone();
        incident.behaviours = self
            .behaviours
            .iter()
            .map(|b| Behaviour::parse(b))
            .collect::<Result<_, _>>()?;
        incident.channel = match self.channel.trim() {
            "" => None,
            key => Some(Channel::parse(key)?),
        };
        incident.channel_detail = self.channel_detail.clone();
        incident.who = self.who.clone();
        incident.witnesses = self.witnesses.clone();
        incident.children_present = match self.children_present.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        incident.police = PoliceContact {
            // The core reads DD/MM/YYYY or YYYY-MM-DD and keeps an ISO day.
            date: self.police_date.trim().to_string(),
            reference: self.police_reference.clone(),
            officer: self.police_officer.clone(),
        };
        incident.response = self.response.clone();
        incident.impact = Impact {
            fear_of_violence: self.fear_of_violence,
            alarm_or_distress: self.alarm_or_distress,
            daily_life_changes: self.daily_life_changes.clone(),
            notes: self.impact_notes.clone(),
        };
        incident.order_breached = self.order_breached.clone();
        incident.private_note = self.private_note.clone();
        incident.online = daybook_core::incident::Online {
            account: self.online_account.clone(),
            url: self.online_url.clone(),
            posted: self.online_posted.clone(),
            captured: self.online_captured.clone(),
            reported_to_platform: match self.online_reported.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            platform_reference: self.online_reference.clone(),
        };
        incident.risks = self
            .risks
            .iter()
            .map(|r| Risk::parse(r))
            .collect::<Result<_, _>>()?;
        incident.validate()?;
        Ok(incident)
    }

    /// The form showing an existing incident, for editing.
    pub fn from_incident(incident: &Incident) -> Self {
        let start = incident.occurred.start_local();
        let end = incident.occurred.end_local();
        EntryForm {
            date: start.format("%d/%m/%Y").to_string(),
            time: if incident.occurred.date_only {
                String::new()
            } else {
                start.format("%H:%M").to_string()
            },
            until_date: end
                .map(|e| e.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            until_time: end
                .map(|e| e.format("%H:%M").to_string())
                .unwrap_or_default(),
            approximate: incident.occurred.approximate,
            location: incident.location.clone(),
            description: incident.description.clone(),
            behaviours: incident
                .behaviours
                .iter()
                .map(|b| b.key().to_string())
                .collect(),
            channel: incident
                .channel
                .map(|c| c.key().to_string())
                .unwrap_or_default(),
            channel_detail: incident.channel_detail.clone(),
            who: incident.who.clone(),
            witnesses: incident.witnesses.clone(),
            children_present: match incident.children_present {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            police_date: uk_day(&incident.police.date),
            police_reference: incident.police.reference.clone(),
            police_officer: incident.police.officer.clone(),
            response: incident.response.clone(),
            fear_of_violence: incident.impact.fear_of_violence,
            alarm_or_distress: incident.impact.alarm_or_distress,
            daily_life_changes: incident.impact.daily_life_changes.clone(),
            impact_notes: incident.impact.notes.clone(),
            order_breached: incident.order_breached.clone(),
            risks: incident.risks.iter().map(|r| r.key().to_string()).collect(),
            private_note: incident.private_note.clone(),
            online_account: incident.online.account.clone(),
            online_url: incident.online.url.clone(),
            online_posted: incident.online.posted.clone(),
            online_captured: incident.online.captured.clone(),
            online_reported: match incident.online.reported_to_platform {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            online_reference: incident.online.platform_reference.clone(),
        }
    }
}

/// The form's control for a field an error names (`incident::field`), so the UI can
/// point at it without a list of its own.
pub fn control(core_field: &str) -> &str {
    use daybook_core::incident::field;
    match core_field {
        field::OCCURRED => "date",
        field::UNTIL => "until_date",
        field::POLICE_DATE => "police_date",
        field::POLICE_REFERENCE => "police_reference",
        field::POLICE_OFFICER => "police_officer",
        field::IMPACT => "impact_notes",
        field::BEHAVIOUR => "behaviours",
        field::RISK => "risks",
        field::ACCOUNT => "online_account",
        field::URL => "online_url",
        field::POSTED => "online_posted",
        field::CAPTURED => "online_captured",
        field::PLATFORM_REFERENCE => "online_reference",
        other => other,
    }
}

fn uk_day(iso: &str) -> String {
    match daybook_core::incident::Day::parse("police date", iso) {
        Ok(d) => d.uk(),
        Err(_) => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> EntryForm {
        EntryForm {
            date: "01/11/2026".into(),
            time: "20:15".into(),
            description: "He was outside the house again.".into(),
            behaviours: vec!["loitering".into(), "watching".into()],
            channel: "in_person".into(),
            police_date: "02/11/2026".into(),
            risks: vec!["at_home_or_work".into()],
            children_present: "no".into(),
            private_note: "only for me".into(),
            online_account: "@someone".into(),
            online_posted: "2026-11-01 19:00".into(),
            online_reported: "yes".into(),
            online_reference: "REF-1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn form_round_trips_through_an_incident() {
        let incident = form().to_incident("Europe/London").unwrap();
        assert_eq!(
            incident.occurred.start.to_rfc3339(),
            "2026-11-01T20:15:00+00:00"
        );
        assert_eq!(incident.police.date, "2026-11-02");
        let back = EntryForm::from_incident(&incident);
        assert_eq!(back, form());
    }

    #[test]
    fn errors_name_the_form_control_the_ui_has() {
        let err = EntryForm {
            police_date: "31/02/2026".into(),
            ..form()
        }
        .to_incident("Europe/London")
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("police_date"));
        let err = EntryForm {
            date: "01/11/2300".into(),
            ..form()
        }
        .to_incident("Europe/London")
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("date"));
    }

    #[test]
    fn missing_day_names_the_field() {
        let err = EntryForm {
            date: String::new(),
            ..form()
        }
        .to_incident("Europe/London")
        .unwrap_err();
        assert_eq!(err.kind, "invalid_field");
        assert_eq!(err.field.as_deref(), Some("date"));
    }

    #[test]
    fn unknown_behaviour_is_refused_by_the_core() {
        let err = EntryForm {
            behaviours: vec!["teleporting".into()],
            ..form()
        }
        .to_incident("Europe/London")
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("behaviours"));
    }
}
