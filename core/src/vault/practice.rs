//! The practice diary: a diary of made-up entries in which a person can try every
//! part of Daybook before writing anything real. It lives in a folder the caller
//! removes on every way out (the desktop shell's `practice.rs`); its passphrase is
//! [`PRACTICE_PASSPHRASE`], and its key costs little to open (nothing in it is real).

use std::path::Path;

use super::{CreateOptions, Vault};
use crate::error::Result;
use crate::incident::{Behaviour, Incident, Occurred};
use crate::SecretString;

/// The practice diary's passphrase.
pub const PRACTICE_PASSPHRASE: &str = "practice";

/// Made-up incidents of the common kinds, each saying it is a practice entry.
pub fn sample_incidents(zone: &str) -> Result<Vec<Incident>> {
    let samples: [(&str, &str, &str, &[Behaviour]); 5] = [
        ("2026-09-02 08:10", "Outside the school gates", "Practice entry. A man I know stood across the road from the school gates and watched me drop the children off. He did not come over.", &[Behaviour::Watching, Behaviour::Loitering]),
        ("2026-09-14 21:40", "At home", "Practice entry. Six missed calls from a withheld number between 21:00 and 21:40. A voicemail said \"you can't ignore me forever\".", &[Behaviour::Contacting]),
        ("2026-10-03 17:25", "Tesco car park, High Street", "Practice entry. He was parked next to my car when I came out of the shop. He said \"fancy seeing you here\" and drove off.", &[Behaviour::Following]),
        ("2026-10-21 07:50", "Front garden", "Practice entry. The wing mirror of my car was broken overnight. Nothing was taken.", &[Behaviour::Interfering]),
        ("2026-11-09 19:05", "Facebook", "Practice entry. A post about me appeared on a page I do not know, with a photo of my front door.", &[Behaviour::Publishing, Behaviour::Monitoring]),
    ];
    samples
        .iter()
        .map(|(when, place, text, behaviours)| {
            let mut incident = Incident::new(Occurred::parse(when, None, false, zone)?, *text);
            incident.location = (*place).to_string();
            incident.behaviours = behaviours.to_vec();
            Ok(incident)
        })
        .collect()
}

impl Vault {
    /// Makes the practice diary at `path`, unlocked, with the sample entries written in
    /// `zone`.
    pub fn create_practice(path: &Path, zone: &str) -> Result<Vault> {
        let options = CreateOptions {
            scrypt_log_n: Some(12),
            ..Default::default()
        };
        let (mut vault, _code) = Vault::create(
            path,
            SecretString::from(PRACTICE_PASSPHRASE.to_string()),
            options,
        )?;
        for incident in sample_incidents(zone)? {
            vault.add(incident)?;
        }
        Ok(vault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_practice_diary_holds_only_practice_entries_and_opens_with_its_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("practice.daybook");
        let mut vault = Vault::create_practice(&path, "Europe/London").unwrap();
        let entries = vault.entries().unwrap();
        assert_eq!(entries.len(), 5);
        assert!(entries.iter().all(|e| e
            .incident
            .as_ref()
            .unwrap()
            .description
            .starts_with("Practice entry.")));
        drop(vault);
        let mut again = Vault::open(&path).unwrap();
        again
            .unlock(&SecretString::from(PRACTICE_PASSPHRASE.to_string()))
            .unwrap();
        assert!(again.verify().unwrap().ok());
    }
}
