//! What may leave the diary. What a person gives police may be read by the person
//! she is recording, so every output (report, statement, handover, evidence pack,
//! CSV and JSON) passes through [`Rules`] first:
//!
//! - **Private notes** are left out unless the person includes them for that export.
//! - **Kept-out phrases** (a new address, a child's school) are replaced by
//!   [`KEPT_OUT`] wherever they occur as whole words: any case, across line breaks and
//!   runs of spaces, in every text field, every earlier wording, exhibit names and
//!   notes, and imported messages. Each replacement is counted by field, so the
//!   preview can say what will be changed.
//! - **Kept-out places**: a photo's GPS position within the chosen distance of one is
//!   left out of the output's description of it.
//!
//! Originals are never altered (that would stop them being evidence): an exhibit whose
//! own bytes name a kept-out phrase (text files are read; pictures cannot be) or whose
//! position is near a kept-out place is *flagged*, so the person can decide to leave it
//! out.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::entry::{Entry, Revision};
use crate::error::{Error, Result};
use crate::evidence::Exhibit;
use crate::incident::{Coordinates, Incident};
use crate::message::Message;

/// What stands where a kept-out phrase was.
pub const KEPT_OUT: &str = "[kept out]";

/// The shortest phrase accepted: one or two letters would blank far too much.
pub const PHRASE_MIN_CHARS: usize = 3;

/// The longest phrase accepted.
pub const PHRASE_MAX_CHARS: usize = 200;

/// A place whose surroundings must not be given away by a photo's position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub lat: f64,
    pub lon: f64,
    /// How far around it, in metres.
    pub radius_m: f64,
}

/// Checks a phrase before it is added to the keep-out list; returns it tidied.
pub fn check_phrase(phrase: &str) -> Result<String> {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let tidy = words.join(" ");
    let count = tidy.chars().count();
    if count < PHRASE_MIN_CHARS {
        return Err(Error::InvalidField {
            field: "keep_out".into(),
            message: format!(
                "'{tidy}' is too short to keep out: a phrase of {count} character(s) would blank out far too much; use at least {PHRASE_MIN_CHARS}"
            ),
        });
    }
    if count > PHRASE_MAX_CHARS {
        return Err(Error::InvalidField {
            field: "keep_out".into(),
            message: format!("a phrase to keep out can be at most {PHRASE_MAX_CHARS} characters"),
        });
    }
    if !tidy.chars().any(char::is_alphanumeric) {
        return Err(Error::InvalidField {
            field: "keep_out".into(),
            message: "a phrase to keep out needs at least one letter or number".into(),
        });
    }
    Ok(tidy)
}

/// Checks a kept-out place.
pub fn check_place(place: &Place) -> Result<()> {
    if !(-90.0..=90.0).contains(&place.lat) || !(-180.0..=180.0).contains(&place.lon) {
        return Err(Error::InvalidField {
            field: "keep_out_place".into(),
            message: "latitude must be within ±90 and longitude within ±180".into(),
        });
    }
    if !(1.0..=100_000.0).contains(&place.radius_m) {
        return Err(Error::InvalidField {
            field: "keep_out_place".into(),
            message: "choose a distance between 1 metre and 100 km".into(),
        });
    }
    Ok(())
}

/// The distance between two positions in metres (haversine).
pub fn distance_m(a: Coordinates, b: Coordinates) -> f64 {
    let r = 6_371_000.0_f64;
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dla = (b.lat - a.lat).to_radians();
    let dlo = (b.lon - a.lon).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// What the rules changed or left out of one export: the preview's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Replacements of kept-out phrases, by field.
    pub kept_out: BTreeMap<String, u64>,
    /// Entries whose private note was left out.
    pub private_notes_excluded: u64,
    /// Exhibits whose own content or position may give away something kept out
    /// (marks); the originals go out as they are unless the person leaves them out.
    pub flagged_exhibits: BTreeSet<String>,
    /// Positions left out of exhibits' descriptions (near a kept-out place).
    pub positions_left_out: u64,
}

impl Tally {
    /// Every replacement, all fields together.
    pub fn kept_out_total(&self) -> u64 {
        self.kept_out.values().sum()
    }
}

/// One phrase, ready to match: its words in lower case.
#[derive(Debug, Clone)]
struct Phrase {
    words: Vec<Vec<char>>,
}

/// The rules for one export.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    phrases: Vec<Phrase>,
    places: Vec<Place>,
    include_private_notes: bool,
}

fn lower(c: char) -> char {
    // One char to one char is enough for matching; the rare characters whose lower
    // case is several (e.g. 'İ') compare by their first.
    c.to_lowercase().next().unwrap_or(c)
}

impl Rules {
    pub fn new(phrases: &[String], places: &[Place], include_private_notes: bool) -> Rules {
        let mut phrases: Vec<Phrase> = phrases
            .iter()
            .map(|p| Phrase {
                words: p
                    .split_whitespace()
                    .map(|w| w.chars().map(lower).collect())
                    .collect(),
            })
            .filter(|p| !p.words.is_empty())
            .collect();
        // Longest first: where phrases overlap, the longer one wins.
        phrases.sort_by_key(|p| std::cmp::Reverse(p.words.iter().map(Vec::len).sum::<usize>()));
        Rules {
            phrases,
            places: places.to_vec(),
            include_private_notes,
        }
    }

    /// Whether there are phrases to keep out.
    pub fn has_phrases(&self) -> bool {
        !self.phrases.is_empty()
    }

    /// Whether nothing would be changed (no phrases, no places, notes included).
    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty() && self.places.is_empty() && self.include_private_notes
    }

    /// Where `phrase` matches `text` starting at `at` (a word start), and where the
    /// match ends.
    fn match_at(phrase: &Phrase, text: &[char], at: usize) -> Option<usize> {
        let mut i = at;
        for (n, word) in phrase.words.iter().enumerate() {
            if n > 0 {
                // Any run of white space, line breaks included, between words.
                let start = i;
                while i < text.len() && text[i].is_whitespace() {
                    i += 1;
                }
                if i == start {
                    return None;
                }
            }
            for c in word {
                if i >= text.len() || lower(text[i]) != *c {
                    return None;
                }
                i += 1;
            }
        }
        // A whole word: not followed by a letter or digit (when the phrase ends in
        // one).
        let ends_in_word = phrase
            .words
            .last()
            .and_then(|w| w.last())
            .is_some_and(|c| c.is_alphanumeric());
        if ends_in_word && i < text.len() && text[i].is_alphanumeric() {
            return None;
        }
        Some(i)
    }

    /// `text` with every kept-out phrase replaced; each replacement counted for
    /// `field`.
    pub fn text(&self, field: &str, text: &str, tally: &mut Tally) -> String {
        if self.phrases.is_empty() || text.is_empty() {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        let mut count = 0u64;
        while i < chars.len() {
            let at_word_start =
                i == 0 || !chars[i - 1].is_alphanumeric() || !chars[i].is_alphanumeric();
            if at_word_start {
                if let Some(end) = self
                    .phrases
                    .iter()
                    .find_map(|p| Self::match_at(p, &chars, i))
                {
                    out.push_str(KEPT_OUT);
                    count += 1;
                    i = end;
                    continue;
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        if count > 0 {
            *tally.kept_out.entry(field.to_string()).or_default() += count;
        }
        out
    }

    /// Whether `text` holds a kept-out phrase.
    pub fn mentions(&self, text: &str) -> bool {
        let mut scratch = Tally::default();
        self.text("", text, &mut scratch);
        scratch.kept_out_total() > 0
    }

    /// Applies the rules to every field of an incident.
    pub fn incident(&self, incident: &mut Incident, tally: &mut Tally) {
        if !self.include_private_notes && !incident.private_note.trim().is_empty() {
            incident.private_note.clear();
            tally.private_notes_excluded += 1;
        } else if self.include_private_notes {
            incident.private_note = self.text("private_note", &incident.private_note, tally);
        }
        use crate::incident::field;
        for (name, text) in [
            (field::DESCRIPTION, &mut incident.description),
            (field::LOCATION, &mut incident.location),
            (field::CHANNEL_DETAIL, &mut incident.channel_detail),
            (field::WHO, &mut incident.who),
            (field::WITNESSES, &mut incident.witnesses),
            (field::RESPONSE, &mut incident.response),
            (field::ORDER_BREACHED, &mut incident.order_breached),
            (field::IMPACT, &mut incident.impact.daily_life_changes),
            (field::IMPACT, &mut incident.impact.notes),
            (field::POLICE_REFERENCE, &mut incident.police.reference),
            (field::POLICE_OFFICER, &mut incident.police.officer),
            (field::ACCOUNT, &mut incident.online.account),
            (field::URL, &mut incident.online.url),
            (
                field::PLATFORM_REFERENCE,
                &mut incident.online.platform_reference,
            ),
        ] {
            *text = self.text(name, text, tally);
        }
        for tag in &mut incident.tags {
            *tag = self.text("tags", tag, tally);
        }
        if let Some(c) = incident.coordinates {
            if self.near_a_place(c) {
                incident.coordinates = None;
                tally.positions_left_out += 1;
            }
        }
    }

    /// Applies the rules to an entry's current wording.
    pub fn entry(&self, entry: &mut Entry, tally: &mut Tally) {
        if let Some(incident) = entry.incident.as_mut() {
            self.incident(incident, tally);
        }
        if let crate::entry::Status::Withdrawn { reason, .. } = &mut entry.status {
            *reason = self.text("withdrawn reason", reason, tally);
        }
        if let Some(held) = entry.held.as_mut() {
            *held = self.text("held", held, tally);
        }
    }

    /// Applies the rules to an earlier wording.
    pub fn revision(&self, revision: &mut Revision, tally: &mut Tally) {
        self.incident(&mut revision.incident, tally);
    }

    /// Applies the rules to an exhibit's description (its name, how it was obtained,
    /// its camera details and position). `content_mentions` says whether its
    /// original's own bytes name a kept-out phrase.
    pub fn exhibit(&self, exhibit: &mut Exhibit, content_mentions: bool, tally: &mut Tally) {
        let before = tally.kept_out_total();
        exhibit.original_name = self.text("exhibit name", &exhibit.original_name, tally);
        exhibit.how_obtained = self.text("how obtained", &exhibit.how_obtained, tally);
        if let Some(model) = exhibit.metadata.device_model.as_mut() {
            *model = self.text("camera", model, tally);
        }
        let mut flagged = content_mentions || tally.kept_out_total() > before;
        if let Some(gps) = exhibit.metadata.gps {
            if self.near_a_place(gps) {
                exhibit.metadata.gps = None;
                tally.positions_left_out += 1;
                flagged = true;
            }
        }
        if flagged {
            tally.flagged_exhibits.insert(exhibit.mark.clone());
        }
    }

    /// Applies the rules to an imported message.
    pub fn message(&self, message: &mut Message, tally: &mut Tally) {
        message.text = self.text("messages", &message.text, tally);
        message.from = self.text("messages", &message.from, tally);
        for to in &mut message.to {
            *to = self.text("messages", to, tally);
        }
        if let Some(subject) = message.subject.as_mut() {
            *subject = self.text("messages", subject, tally);
        }
    }

    /// Whether a position is within the distance of a kept-out place.
    pub fn near_a_place(&self, at: Coordinates) -> bool {
        self.places.iter().any(|p| {
            distance_m(
                at,
                Coordinates {
                    lat: p.lat,
                    lon: p.lon,
                },
            ) <= p.radius_m
        })
    }

    /// Whether the bytes of an original (read as text, whatever its encoding claims)
    /// name a kept-out phrase. Only text can be read: a picture of an address cannot.
    pub fn original_mentions(&self, media_type: &str, bytes: &[u8]) -> bool {
        let textual = media_type.starts_with("text/")
            || matches!(
                media_type,
                "application/json" | "application/xml" | "application/csv"
            );
        textual && !self.phrases.is_empty() && self.mentions(&String::from_utf8_lossy(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(phrases: &[&str]) -> Rules {
        let phrases: Vec<String> = phrases.iter().map(|p| p.to_string()).collect();
        Rules::new(&phrases, &[], false)
    }

    #[test]
    fn phrases_are_kept_out_in_any_case_and_across_line_breaks() {
        let r = rules(&["14 Elm Road", "Oakfield Primary"]);
        let mut t = Tally::default();
        let out = r.text(
            "description",
            "He came to 14 elm\nROAD, then to OAKFIELD   primary.",
            &mut t,
        );
        assert_eq!(out, "He came to [kept out], then to [kept out].");
        assert_eq!(t.kept_out["description"], 2);
    }

    #[test]
    fn only_whole_words_are_kept_out() {
        let r = rules(&["Elm"]);
        let mut t = Tally::default();
        assert_eq!(
            r.text("x", "Helmet, elms, Elm.", &mut t),
            "Helmet, elms, [kept out]."
        );
        assert_eq!(t.kept_out_total(), 1);
    }

    #[test]
    fn overlapping_phrases_keep_out_the_longer() {
        let r = rules(&["Leeds", "Leeds General Infirmary"]);
        let mut t = Tally::default();
        assert_eq!(
            r.text("x", "at Leeds General Infirmary in Leeds", &mut t),
            "at [kept out] in [kept out]"
        );
        assert_eq!(t.kept_out_total(), 2);
    }

    #[test]
    fn emoji_and_right_to_left_phrases_match() {
        let r = rules(&["🏠 home", "שלום עליכם"]);
        let mut t = Tally::default();
        assert_eq!(
            r.text("x", "🏠 HOME and שלום\nעליכם", &mut t),
            "[kept out] and [kept out]"
        );
    }

    #[test]
    fn short_or_empty_phrases_are_refused() {
        assert!(check_phrase("ab").is_err());
        assert!(check_phrase("  ").is_err());
        assert!(check_phrase("...").is_err());
        assert_eq!(check_phrase("  14   Elm Road ").unwrap(), "14 Elm Road");
    }

    #[test]
    fn private_notes_are_left_out_unless_included() {
        let when =
            crate::incident::Occurred::parse("2026-11-01 20:15", None, false, "UTC").unwrap();
        let mut incident = Incident::new(when, "He was outside");
        incident.private_note = "my own thoughts".into();
        let mut t = Tally::default();
        let mut copy = incident.clone();
        rules(&[]).incident(&mut copy, &mut t);
        assert_eq!(copy.private_note, "");
        assert_eq!(t.private_notes_excluded, 1);
        let mut copy = incident.clone();
        Rules::new(&[], &[], true).incident(&mut copy, &mut Tally::default());
        assert_eq!(copy.private_note, "my own thoughts");
    }

    #[test]
    fn positions_near_a_kept_out_place_are_left_out() {
        let home = Place {
            lat: 53.8008,
            lon: -1.5491,
            radius_m: 500.0,
        };
        let r = Rules::new(&[], &[home], false);
        assert!(r.near_a_place(Coordinates {
            lat: 53.8030,
            lon: -1.5491
        }));
        assert!(!r.near_a_place(Coordinates {
            lat: 53.8100,
            lon: -1.5491
        }));
    }
}
