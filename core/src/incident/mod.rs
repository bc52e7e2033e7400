//! The incident: what one diary entry says happened.
//!
//! The fields follow `police-ready-log.md` (the checklist police and charities use) and
//! the behaviour keys follow the examples of stalking behaviour in s2A(3) of the
//! Protection from Harassment Act 1997. These types are the *opened* form: they only
//! ever reach storage through `crypto::seal`.

mod when;

/// The names errors give the incident's fields (`Error::InvalidField::field`). The
/// desktop shell maps each to its form's control in one place (`src-tauri/src/form.rs`),
/// so the UI highlights the right field without a list of its own.
pub mod field {
    pub const OCCURRED: &str = "occurred";
    pub const UNTIL: &str = "until";
    pub const ZONE: &str = "zone";
    pub const DESCRIPTION: &str = "description";
    pub const LOCATION: &str = "location";
    pub const BEHAVIOUR: &str = "behaviour";
    pub const CHANNEL: &str = "channel";
    pub const CHANNEL_DETAIL: &str = "channel_detail";
    pub const WHO: &str = "who";
    pub const WITNESSES: &str = "witnesses";
    pub const RESPONSE: &str = "response";
    pub const ORDER_BREACHED: &str = "order_breached";
    pub const IMPACT: &str = "impact";
    pub const POLICE_DATE: &str = "police date";
    pub const POLICE_REFERENCE: &str = "police reference";
    pub const POLICE_OFFICER: &str = "police officer";
    pub const RISK: &str = "risk";
    pub const COORDINATES: &str = "coordinates";
    pub const PRIVATE_NOTE: &str = "private_note";
    pub const ACCOUNT: &str = "account";
    pub const URL: &str = "url";
    pub const POSTED: &str = "posted";
    pub const CAPTURED: &str = "captured";
    pub const PLATFORM_REFERENCE: &str = "platform_reference";
}

pub use when::{
    check_year, display_instant, local_zone, Day, Occurred, TimeError, ACCEPTED_FORMS, YEAR_MAX,
    YEAR_MIN,
};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A kind of behaviour, with a stable key used in files and on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    Following,
    Contacting,
    Publishing,
    Monitoring,
    Loitering,
    Interfering,
    Watching,
    Threats,
    Violence,
    OrderBreach,
    Other,
}

impl Behaviour {
    /// Every behaviour, in the order the report lists them.
    pub const ALL: [Behaviour; 11] = [
        Behaviour::Following,
        Behaviour::Contacting,
        Behaviour::Publishing,
        Behaviour::Monitoring,
        Behaviour::Loitering,
        Behaviour::Interfering,
        Behaviour::Watching,
        Behaviour::Threats,
        Behaviour::Violence,
        Behaviour::OrderBreach,
        Behaviour::Other,
    ];

    /// The stable key (`order_breach`).
    pub fn key(self) -> &'static str {
        match self {
            Behaviour::Following => "following",
            Behaviour::Contacting => "contacting",
            Behaviour::Publishing => "publishing",
            Behaviour::Monitoring => "monitoring",
            Behaviour::Loitering => "loitering",
            Behaviour::Interfering => "interfering",
            Behaviour::Watching => "watching",
            Behaviour::Threats => "threats",
            Behaviour::Violence => "violence",
            Behaviour::OrderBreach => "order_breach",
            Behaviour::Other => "other",
        }
    }

    /// A short label for badges and tables.
    pub fn short_label(self) -> &'static str {
        match self {
            Behaviour::Following => "Following",
            Behaviour::Contacting => "Contacting",
            Behaviour::Publishing => "Publishing",
            Behaviour::Monitoring => "Monitoring",
            Behaviour::Loitering => "Loitering",
            Behaviour::Interfering => "Interfering with property",
            Behaviour::Watching => "Watching or spying",
            Behaviour::Threats => "Threats",
            Behaviour::Violence => "Violence",
            Behaviour::OrderBreach => "Breach of an order",
            Behaviour::Other => "Other",
        }
    }

    /// The plain-English statutory label (s2A(3) wording where the Act has one).
    pub fn statutory_label(self) -> &'static str {
        match self {
            Behaviour::Following => "following a person",
            Behaviour::Contacting => "contacting, or attempting to contact, a person by any means",
            Behaviour::Publishing => "publishing any statement or material relating or purporting to relate to a person, or purporting to originate from them",
            Behaviour::Monitoring => "monitoring the use by a person of the internet, email or any other form of electronic communication",
            Behaviour::Loitering => "loitering in any place (public or private)",
            Behaviour::Interfering => "interfering with any property in the possession of a person",
            Behaviour::Watching => "watching or spying on a person",
            Behaviour::Threats => "threats",
            Behaviour::Violence => "violence",
            Behaviour::OrderBreach => "breach of a restraining, non-molestation or stalking protection order",
            Behaviour::Other => "other behaviour",
        }
    }

    /// Whether the Act itself lists this behaviour as an example of stalking.
    pub fn is_statutory_example(self) -> bool {
        matches!(
            self,
            Behaviour::Following
                | Behaviour::Contacting
                | Behaviour::Publishing
                | Behaviour::Monitoring
                | Behaviour::Loitering
                | Behaviour::Interfering
                | Behaviour::Watching
        )
    }

    /// Parses a key, naming the valid keys when it is not one.
    pub fn parse(key: &str) -> Result<Self> {
        let wanted = key.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|b| b.key() == wanted)
            .ok_or_else(|| Error::InvalidField {
                field: field::BEHAVIOUR.into(),
                message: format!(
                    "'{key}' is not a behaviour; use one of: {}",
                    Self::ALL.map(Behaviour::key).join(", ")
                ),
            })
    }
}

/// How the contact happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    InPerson,
    PhoneCall,
    TextMessage,
    MessagingApp,
    Email,
    SocialMedia,
    ThirdParty,
    LetterOrGift,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 9] = [
        Channel::InPerson,
        Channel::PhoneCall,
        Channel::TextMessage,
        Channel::MessagingApp,
        Channel::Email,
        Channel::SocialMedia,
        Channel::ThirdParty,
        Channel::LetterOrGift,
        Channel::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Channel::InPerson => "in_person",
            Channel::PhoneCall => "phone_call",
            Channel::TextMessage => "text_message",
            Channel::MessagingApp => "messaging_app",
            Channel::Email => "email",
            Channel::SocialMedia => "social_media",
            Channel::ThirdParty => "third_party",
            Channel::LetterOrGift => "letter_or_gift",
            Channel::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::InPerson => "In person",
            Channel::PhoneCall => "Phone call",
            Channel::TextMessage => "Text message",
            Channel::MessagingApp => "Messaging app",
            Channel::Email => "Email",
            Channel::SocialMedia => "Social media",
            Channel::ThirdParty => "Through someone else",
            Channel::LetterOrGift => "Letter, parcel or gift",
            Channel::Other => "Other",
        }
    }

    pub fn parse(key: &str) -> Result<Self> {
        let wanted = key.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Self::ALL
            .into_iter()
            .find(|c| c.key() == wanted)
            .ok_or_else(|| Error::InvalidField {
                field: field::CHANNEL.into(),
                message: format!(
                    "'{key}' is not a channel; use one of: {}",
                    Self::ALL.map(Channel::key).join(", ")
                ),
            })
    }
}

/// A risk flag from the police stalking risk checklist, listed without scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Escalation,
    ThreatsToKillOrHarm,
    Weapons,
    Violence,
    ContactWithChildren,
    AtHomeOrWork,
}

impl Risk {
    pub const ALL: [Risk; 6] = [
        Risk::Escalation,
        Risk::ThreatsToKillOrHarm,
        Risk::Weapons,
        Risk::Violence,
        Risk::ContactWithChildren,
        Risk::AtHomeOrWork,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Risk::Escalation => "escalation",
            Risk::ThreatsToKillOrHarm => "threats_to_kill_or_harm",
            Risk::Weapons => "weapons",
            Risk::Violence => "violence",
            Risk::ContactWithChildren => "contact_with_children",
            Risk::AtHomeOrWork => "at_home_or_work",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Risk::Escalation => "Getting worse or more frequent",
            Risk::ThreatsToKillOrHarm => "Threats to kill or harm",
            Risk::Weapons => "Weapons mentioned or seen",
            Risk::Violence => "Violence",
            Risk::ContactWithChildren => "Contact with or through children",
            Risk::AtHomeOrWork => "Turned up at home or work",
        }
    }

    pub fn parse(key: &str) -> Result<Self> {
        let wanted = key.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Self::ALL
            .into_iter()
            .find(|r| r.key() == wanted)
            .ok_or_else(|| Error::InvalidField {
                field: field::RISK.into(),
                message: format!(
                    "'{key}' is not a risk flag; use one of: {}",
                    Self::ALL.map(Risk::key).join(", ")
                ),
            })
    }
}

/// Contact with the police about this incident.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PoliceContact {
    /// The day the police were told, as written (`YYYY-MM-DD`), empty when not told.
    pub date: String,
    /// Crime or incident reference number.
    pub reference: String,
    /// Officer's name or collar number.
    pub officer: String,
}

impl PoliceContact {
    pub fn is_empty(&self) -> bool {
        self.date.is_empty() && self.reference.is_empty() && self.officer.is_empty()
    }
}

/// How the incident affected the person keeping the diary. The s4A offence asks
/// about fear of violence and serious alarm or distress with a substantial effect on
/// day-to-day life, so those are asked about separately and gently.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Impact {
    /// "I was afraid violence would be used against me."
    pub fear_of_violence: bool,
    /// "It caused me serious alarm or distress."
    pub alarm_or_distress: bool,
    /// Changes to day-to-day life (moved, changed routes, time off work…).
    pub daily_life_changes: String,
    /// Anything else about how it felt, in the person's own words.
    pub notes: String,
}

impl Impact {
    pub fn is_empty(&self) -> bool {
        !self.fear_of_violence
            && !self.alarm_or_distress
            && self.daily_life_changes.trim().is_empty()
            && self.notes.trim().is_empty()
    }
}

/// Where it happened online: what a platform or police need to find the post or
/// message again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Online {
    /// The account's name and ID as the platform shows them (`@name`, a number).
    pub account: String,
    /// The address of the post, profile or message.
    pub url: String,
    /// When it was posted, as written (`YYYY-MM-DD` or `YYYY-MM-DD HH:MM`).
    pub posted: String,
    /// When the person captured it (a screenshot, a save), as written.
    pub captured: String,
    /// Whether it was reported to the platform; `None` when not said.
    pub reported_to_platform: Option<bool>,
    /// The platform's reference for the report.
    pub platform_reference: String,
}

impl Online {
    pub fn is_empty(&self) -> bool {
        self == &Online::default()
    }

    /// Checks the two times and keeps them in one form (`YYYY-MM-DD HH:MM` or
    /// `YYYY-MM-DD`).
    fn tidy(&mut self) -> Result<()> {
        for (name, text) in [
            (field::POSTED, &mut self.posted),
            (field::CAPTURED, &mut self.captured),
        ] {
            *text = online_time(name, text)?;
        }
        for text in [
            &mut self.account,
            &mut self.url,
            &mut self.platform_reference,
        ] {
            *text = text.trim().to_string();
        }
        Ok(())
    }
}

/// A day with an optional time, as people type them (`2026-11-01 20:15`,
/// `01/11/2026 20:15`, `2026-11-01`).
fn online_time(field: &str, text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let (day, time) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (text, None),
    };
    let day = Day::parse(field, day)?;
    match time {
        None => Ok(day.iso()),
        Some(t) => {
            let t = chrono::NaiveTime::parse_from_str(t, "%H:%M")
                .or_else(|_| chrono::NaiveTime::parse_from_str(t, "%H:%M:%S"))
                .map_err(|_| Error::InvalidField {
                    field: field.into(),
                    message: format!("'{t}' is not a time of day; write it like 20:15"),
                })?;
            Ok(format!("{} {}", day.iso(), t.format("%H:%M")))
        }
    }
}

/// A position, usually from a photo's GPS.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

/// Everything one entry records about one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// When it happened (required).
    pub occurred: Occurred,
    /// What happened, with exact words quoted (required).
    pub description: String,
    #[serde(default)]
    pub behaviours: Vec<Behaviour>,
    /// Where it happened.
    #[serde(default)]
    pub location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Coordinates>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// The account, number or handle used.
    #[serde(default)]
    pub channel_detail: String,
    /// How the person was identified: name, description, clothing, vehicle, number.
    #[serde(default)]
    pub who: String,
    /// Witnesses and their contact details.
    #[serde(default)]
    pub witnesses: String,
    /// Whether children were present; `None` when not said.
    #[serde(default)]
    pub children_present: Option<bool>,
    #[serde(default)]
    pub police: PoliceContact,
    /// What the person did in response (called police, blocked, reported…).
    #[serde(default)]
    pub response: String,
    #[serde(default)]
    pub impact: Impact,
    /// Which order was breached, if any.
    #[serde(default)]
    pub order_breached: String,
    #[serde(default)]
    pub risks: Vec<Risk>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The person's own note, never shared: shown in the app, left out of every
    /// report, handover, pack and file unless they include private notes for that
    /// one export.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub private_note: String,
    /// Where it happened online, when it did.
    #[serde(default, skip_serializing_if = "Online::is_empty")]
    pub online: Online,
}

/// Longest free-text field accepted, in characters; a guard against pasting a file.
pub const TEXT_MAX_CHARS: usize = 100_000;

impl Incident {
    /// A minimal incident with just the two required fields.
    pub fn new(occurred: Occurred, description: impl Into<String>) -> Self {
        Incident {
            occurred,
            description: description.into(),
            behaviours: Vec::new(),
            location: String::new(),
            coordinates: None,
            channel: None,
            channel_detail: String::new(),
            who: String::new(),
            witnesses: String::new(),
            children_present: None,
            police: PoliceContact::default(),
            response: String::new(),
            impact: Impact::default(),
            order_breached: String::new(),
            risks: Vec::new(),
            tags: Vec::new(),
            private_note: String::new(),
            online: Online::default(),
        }
    }

    /// Checks the incident and tidies it (trims, sorts and de-duplicates lists).
    /// Errors name the field.
    pub fn validate(&mut self) -> Result<()> {
        if self.description.trim().is_empty() {
            return Err(Error::InvalidField {
                field: field::DESCRIPTION.into(),
                message: "please say what happened; the description cannot be empty".into(),
            });
        }
        self.occurred.validate()?;
        let texts: [(&str, &String); 15] = [
            (field::PRIVATE_NOTE, &self.private_note),
            (field::ACCOUNT, &self.online.account),
            (field::URL, &self.online.url),
            (field::PLATFORM_REFERENCE, &self.online.platform_reference),
            (field::DESCRIPTION, &self.description),
            (field::LOCATION, &self.location),
            (field::CHANNEL_DETAIL, &self.channel_detail),
            (field::WHO, &self.who),
            (field::WITNESSES, &self.witnesses),
            (field::RESPONSE, &self.response),
            (field::ORDER_BREACHED, &self.order_breached),
            (field::IMPACT, &self.impact.daily_life_changes),
            (field::IMPACT, &self.impact.notes),
            (field::POLICE_REFERENCE, &self.police.reference),
            (field::POLICE_OFFICER, &self.police.officer),
        ];
        for (field, text) in texts {
            if text.chars().count() > TEXT_MAX_CHARS {
                return Err(Error::InvalidField {
                    field: field.into(),
                    message: format!("is longer than {TEXT_MAX_CHARS} characters"),
                });
            }
        }
        self.online.tidy()?;
        if !self.police.date.trim().is_empty() {
            // Kept as an ISO day whichever way it was typed.
            self.police.date = Day::parse(field::POLICE_DATE, &self.police.date)?.iso();
        }
        if let Some(c) = self.coordinates {
            if !(-90.0..=90.0).contains(&c.lat) || !(-180.0..=180.0).contains(&c.lon) {
                return Err(Error::InvalidField {
                    field: field::COORDINATES.into(),
                    message: "latitude must be within ±90 and longitude within ±180".into(),
                });
            }
        }
        self.behaviours.sort();
        self.behaviours.dedup();
        self.risks.sort();
        self.risks.dedup();
        for tag in &mut self.tags {
            *tag = tag.trim().to_string();
        }
        self.tags.retain(|t| !t.is_empty());
        self.tags.dedup();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_a_police_date_outside_1900_to_2200_is_refused() {
        let when = Occurred::parse("2026-11-01 20:15", None, false, "Europe/London").unwrap();
        let mut incident = Incident::new(when, "He was outside.");
        incident.police.date = "2026-11-02".into();
        incident.validate().unwrap();
        incident.police.date = "3026-11-02".into();
        let err = incident.validate().unwrap_err();
        assert_eq!(err.field(), Some("police date"));
        assert!(err.to_string().contains("1900 to 2200"), "{err}");
    }
}
